"""A list of projects with their self-evaluation scores (重点项目绩效自评情况表: 项目名称 |
… | 自评得分 | 等级): each row's grade against its score, and the average and the counts
of 优/良/中/差 the text states about the list ("共6个项目，平均得分88.92分，其中优4个、良1个").

A row's grade follows the national bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60). The text is
compared with the list only when the report holds one such list and the sentence names
projects (项目) — the counts of another list are other figures."""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Document
from ..models import Finding
from ..tables import build_tables
from ..tables.model import Table
from ..textmatch import fold
from .common import consistent, fmt, prepass_finding, severity_of
from .scoretable import GRADE_NORMAL, grade_for

_GRADES = ("优", "良", "中", "差")
_AVERAGE = re.compile(r"平均(?:自评)?得分(?:为|是)?(?P<num>\d+(?:\.\d+)?)分")
_COUNT = re.compile(r"(?P<grade>优|良|中|差)(?:秀|好|等)?(?:等级)?(?:的)?(?:项目)?(?P<n>\d+)个")


def _project_lists(doc: Document) -> list[tuple[Table, int, int]]:
    """Tables with a score column and a grade column over named rows: (table, score col, grade col)."""
    out = []
    for t in build_tables(doc):
        score = next((c.index for c in t.columns if c.role == "score"), None)
        grade = next((c.index for c in t.columns if re.search(r"等级|等次|评价结果", c.header)), None)
        if score is not None and grade is not None and "项目" in "".join(c.header for c in t.columns):
            out.append((t, score, grade))
    return out


def _rows(t: Table, score_col: int, grade_col: int):
    """(row, score, grade) of the project rows: a numeric score and a grade word."""
    for row in t.rows:
        if row.role != "item":
            continue
        value, cell = row.value(score_col), row.cells[grade_col] if grade_col < len(row.cells) else None
        if value is None or value.number is None or cell is None:
            continue
        grade = GRADE_NORMAL.get(fold(cell.text))
        if grade:
            yield row, value, cell, grade


def check_project_lists(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    lists = _project_lists(doc)
    for t, score_col, grade_col in lists:
        rows = list(_rows(t, score_col, grade_col))
        for row, value, cell, grade in rows:
            expected = grade_for(value.number)
            if grade != expected:
                out.append(prepass_finding(
                    doc, category="score", rule="score.row_grade", title="项目等级与得分不符",
                    detail=f"“{row.label}”自评得分{value.text}分，对应等级应为“{expected}”，表中为“{cell.text.strip()}”。",
                    span=(cell.start, cell.end), stated=cell.text.strip(), expected=expected,
                    suggestion="按评分等级标准（优≥90分，良80–90分，中60–80分，差<60分）核对等级。"))
    if len(lists) != 1:
        return out
    t, score_col, grade_col = lists[0]
    rows = list(_rows(t, score_col, grade_col))
    if len(rows) < 2:
        return out
    scores = [value.number for _, value, _, _ in rows]
    average = sum(scores, Decimal(0)) / len(scores)
    # Counted by the scores' own grades: a row whose printed grade is wrong is reported above.
    counts = {g: sum(1 for _, value, _, _ in rows if grade_for(value.number) == g) for g in _GRADES}
    table_span = (t.block.start, t.blocks[-1].end)
    for block in doc.paragraphs:
        if table_span[0] <= block.start < table_span[1]:
            continue
        text = block.text
        if "项目" not in text:
            continue
        for m in _AVERAGE.finditer(text):
            if consistent(m.group("num"), average):
                continue
            out.append(prepass_finding(
                doc, category="score", rule="score.average", title="平均得分与项目列表不符",
                detail=f"文中平均得分为{m.group('num')}分，表中{len(scores)}个项目得分平均为"
                       f"{'+'.join(format(s.normalize(), 'f') for s in scores)}÷{len(scores)}={fmt(average, 2)}分。",
                span=(block.start + m.start(), block.start + m.end()), stated=f"{m.group('num')}分",
                expected=f"{fmt(average, 2)}分", severity=severity_of(m.group("num"), average),
                suggestion="核对平均得分的计算。"))
        for m in _COUNT.finditer(text):
            n, grade = int(m.group("n")), m.group("grade")
            if n == counts[grade]:
                continue
            out.append(prepass_finding(
                doc, category="score", rule="score.grade_count", title="等级项目数与项目列表不符",
                detail=f"文中评为“{grade}”的项目{n}个，表中为{counts[grade]}个。",
                span=(block.start + m.start(), block.start + m.end()), stated=f"{n}个", expected=f"{counts[grade]}个",
                suggestion="核对各等级的项目个数与项目列表。", severity="warning"))
    return out
