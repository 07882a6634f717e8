"""自评表 facts that survive flattening: checks that hold whether the score table was
recovered as a table or reached us as running text.

- Completion values that only copy the target with its comparator ("≥266米" under both
  指标值 and 完成值): the actual was never filled in.
- First-level weights the form declares ("产出指标（70分）") against the split its own
  note sets ("一级指标分值统一设置为：产出指标50分…").
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Document
from ..models import Finding
from ..textmatch import FoldedText, fold
from .common import prepass_finding
from .scoretable import ScoreTable, _plain, score_tables, stated_level1_weights

# A value with a comparator and at most a short unit, immediately repeated: a target cell
# and a completion cell that says the same thing.
_COPIED = re.compile(r"((?:≥|≤|>=|<=|>|<|不低于|不高于|不少于|不超过)\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?)\1")
_DECLARED = re.compile(r"(产出|效益|满意度|投入|过程|决策|管理|成本|效果|履职)(?:指标)?[(（](\d+(?:\.\d+)?)分[)）]")
_MIN_TEXT_COPIES = 2


def _copied_in_tables(tables: list[ScoreTable]) -> list[tuple[int, int, str]]:
    out = []
    for table in tables:
        for ind in table.leaves:
            target, actual = ind.cells.get("target"), ind.cells.get("actual")
            if target is None or actual is None:
                continue
            t, a = fold(target.text), fold(actual.text)
            if t and t == a and re.match(r"^(?:≥|≤|>|<|不低于|不高于|不少于|不超过)", a):
                out.append((actual.start, actual.end, a))
    return out


def _copied_in_text(doc: Document) -> list[tuple[int, int, str]]:
    out = []
    for block in doc.paragraphs:
        folded = block.folded
        for m in _COPIED.finditer(folded.folded):
            s, e = folded.span(m.start(), m.end())
            out.append((block.start + s, block.start + e, m.group(1)))
    return out


def check_copied_actuals(doc: Document, tables: list[ScoreTable]) -> list[Finding]:
    # A table's completion cell that repeats its target with the comparator is a defect
    # by itself; in running text the repeat is a weaker sign, so it takes two.
    in_tables, in_text = _copied_in_tables(tables), _copied_in_text(doc)
    copies = in_tables + in_text if in_tables or len(in_text) >= _MIN_TEXT_COPIES else []
    if not copies:
        return []
    start, end, first = copies[0]
    shown = "、".join(dict.fromkeys(c[2] for c in copies[:4]))
    return [prepass_finding(
        doc, category="unsupported_claim", rule="score.actual_copies_target", title="完成值照抄指标值",
        detail=f"自评表有{len(copies)}项指标的完成值与指标值完全相同且带比较符号（如{shown}），"
               f"未填写实际完成数，得分缺乏依据。",
        span=(start, end), stated=first, expected="实际完成的具体数值", severity="warning",
        suggestion="按实际完成情况填写完成值（具体数值），并据此计分。",
    )]


def check_declared_weights(doc: Document) -> list[Finding]:
    notes = stated_level1_weights(doc)
    if not notes:
        return []
    note_spans = [span for _, span in notes.values()]
    declared: dict[str, tuple[Decimal, int, int]] = {}
    # Running text only: a recovered score table is judged by scoretable.py's own check.
    for block in doc.paragraphs:
        folded = block.folded
        for m in _DECLARED.finditer(folded.folded):
            s, e = folded.span(m.start(), m.end())
            start, end = block.start + s, block.start + e
            if any(ns - 40 <= start <= ne for ns, ne in note_spans):
                continue  # the note itself
            declared.setdefault(m.group(1), (Decimal(m.group(2)), start, end))
    mismatched = [(k, v) for k, v in declared.items() if k in notes and notes[k][0] != v[0]]
    if not mismatched:
        return []
    table_side = "、".join(f"{k}{_plain(v[0])}分" for k, v in declared.items())
    note_side = "、".join(f"{k}{_plain(notes[k][0])}分" for k in declared if k in notes)
    key, (value, start, end) = mismatched[0]
    return [prepass_finding(
        doc, category="score", rule="score.level1_weight_note", title="一级指标分值与表注不符",
        detail=f"表中一级指标分值为{table_side}，表注规定{note_side}；"
               f"“{key}指标”标为{_plain(value)}分，表注为{_plain(notes[key][0])}分。",
        span=(start, end), stated=f"{_plain(value)}分", expected=f"{_plain(notes[key][0])}分",
        severity="warning", suggestion="按规定的一级指标分值设置自评表，或说明调整理由。",
    )]


def check_indicators(doc: Document) -> list[Finding]:
    tables = score_tables(doc)
    return check_copied_actuals(doc, tables) + check_declared_weights(doc)
