"""The 审核意见表 handed back to the unit, as one model that the Markdown, Excel and
Word renderers all print: a title, a header block (被审单位, 年度, 文件, 审核单位, 审核人,
日期), an overall conclusion and one row per finding.

Nothing internal reaches it: no rule ids, no finding numbers, no names of the checking
stages. The wording of severities, the conclusion policy and the 依据 per category are
data (rubrics/comment_list.yaml).
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from .models import KIND_LABELS, KIND_TITLES, Finding, Review

COLUMNS = ["序号", "严重程度", "章节", "页码", "原文", "问题说明", "文中/核算", "修改建议", "依据", "单位反馈", "整改情况"]
QUOTE_LIMIT = 300  # a cell is for reading: the longest quotes are cut
# The rubric citation the rules append to a detail: it goes to 依据, not to 问题说明.
_CITATION = re.compile(r"（评审规则“([^”]*)”：(.+?)）\s*$")


@dataclass
class ListOptions:
    """Who signs the list. Empty fields are read from REVIEWER_AUDIT_UNIT,
    REVIEWER_AUDITOR and REVIEWER_DATE, and the date defaults to today."""

    audit_unit: str = ""
    auditor: str = ""
    date: str = ""

    def resolved(self) -> "ListOptions":
        today = date.today()
        return ListOptions(
            audit_unit=self.audit_unit or os.environ.get("REVIEWER_AUDIT_UNIT", ""),
            auditor=self.auditor or os.environ.get("REVIEWER_AUDITOR", ""),
            date=self.date or os.environ.get("REVIEWER_DATE", "") or f"{today.year}年{today.month}月{today.day}日",
        )


@dataclass
class Row:
    no: int
    severity: str  # error | warning | info
    severity_label: str
    section: str
    place: str
    quote: str
    explanation: str
    figures: str
    suggestion: str
    basis: str
    feedback: str = ""
    rectification: str = ""

    def cells(self) -> list:
        return [self.no, self.severity_label, self.section, self.place, self.quote, self.explanation, self.figures,
                self.suggestion, self.basis, self.feedback, self.rectification]


@dataclass
class CommentList:
    title: str
    subtitle: str
    header: list[tuple[str, str]]
    conclusion: str
    conclusion_reason: str
    counts: dict[str, int]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    footer: str = "本意见表由预审程序生成，经审核人复核后发出。“单位反馈”“整改情况”两栏由被审单位填写。"


@functools.lru_cache(maxsize=4)
def _load_config(path: str) -> dict:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def config() -> dict:
    from .rubric import rubrics_dir

    return _load_config(str(rubrics_dir() / "comment_list.yaml"))


def severity_label(severity: str) -> str:
    return config()["severity"][severity]


def rectification_label(status: str) -> str:
    return config()["rectification"][status]


def conclusion_for(findings: list[Finding]) -> tuple[str, str]:
    """(verdict, reason) by the first policy rule whose condition holds."""
    for rule in config()["conclusions"]:
        conditions = rule.get("any")
        if not conditions:
            return rule["verdict"], rule.get("reason", "")
        for c in conditions:
            n = sum(1 for f in findings if f.severity == c["severity"]
                    and (not c.get("category") or f.category == c["category"]))
            if n >= int(c.get("at_least", 1)):
                return rule["verdict"], rule.get("reason", "")
    return "通过", ""


def split_citation(detail: str) -> tuple[str, str]:
    """(detail without the rubric citation, the citation as 依据)."""
    m = _CITATION.search(detail)
    if not m:
        return detail, ""
    return detail[: m.start()].rstrip(), f"《{m.group(1)}》评分细则：{m.group(2)}"


def place_label(f: Finding, fmt: str, pages: int) -> str:
    """Where to look: the page where the format has pages, else the paragraph (DOCX) or
    line (TXT); '—' for something absent."""
    loc = f.location
    if loc.start is None and loc.page is None:
        return "—"
    if (fmt == "pdf" or (fmt == "docx" and pages > 1)) and loc.page:
        return f"第{loc.page}页"
    if loc.line:
        return f"第{loc.line}{'段' if fmt == 'docx' else '行'}"
    return f"第{loc.page}页" if loc.page else "—"


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def row_for(n: int, f: Finding, fmt: str, pages: int, status: str = "") -> Row:
    detail, citation = split_citation(f.detail)
    explanation = f"{f.title}：{detail}" if detail else f.title
    if f.quote and not f.grounded:
        explanation += "（引文未能在原文中定位）"
    figures = ""
    if f.stated is not None or f.expected is not None:
        figures = f"文中：{f.stated or '—'}\n核算：{f.expected or '—'}"
    return Row(
        no=n,
        severity=f.severity,
        severity_label=severity_label(f.severity),
        section=f.location.section or ("全文" if f.location.start is None else ""),
        place=place_label(f, fmt, pages),
        quote=_short(f.quote) if f.quote else "（缺失）" if f.category == "missing_part" else "",
        explanation=explanation,
        figures=figures,
        suggestion=f.suggestion,
        basis=citation or config()["basis"].get(f.category, ""),
        rectification=rectification_label(status) if status else "",
    )


def document_title(review: Review) -> str:
    d = review.document
    return f"{d.unit or '（未识别单位）'}{f'{d.year}年度' if d.year else ''}{KIND_TITLES.get(d.kind, '')}"


def build_comment_list(review: Review, options: Optional[ListOptions] = None,
                       status: Optional[dict[str, str]] = None, fixed: Optional[list[Finding]] = None,
                       previous: Optional[Review] = None) -> CommentList:
    """The list for one review. With `status` (finding id -> open | new) and `fixed`
    (findings of the previous version no longer present), the 整改情况 column is filled
    from a comparison; the conclusion reads only what still stands."""
    opts = (options or ListOptions()).resolved()
    d = review.document
    status = status or {}
    rows = [row_for(n, f, d.format, d.pages, status.get(f.id, "")) for n, f in enumerate(review.findings, 1)]
    if fixed:
        pd = previous.document if previous else d
        start = len(rows) + 1
        rows += [row_for(start + i, f, pd.format, pd.pages, "fixed") for i, f in enumerate(fixed)]
    verdict, reason = conclusion_for(review.findings)
    header = [
        ("被审单位", d.unit or "（未识别）"),
        ("年度", f"{d.year}年度" if d.year else "（未识别）"),
        ("报告类型", KIND_LABELS.get(d.kind, d.kind)),
        ("文件", Path(d.path).name),
    ]
    if previous is not None:
        header.append(("上次报送", Path(previous.document.path).name))
    header += [("审核单位", opts.audit_unit or "　"), ("审核人", opts.auditor or "　"), ("日期", opts.date)]
    counts = {"error": review.summary.errors, "warning": review.summary.warnings, "info": review.summary.infos}
    notes = list(d.notes)
    if review.summary.dismissed:
        notes.append(f"另有 {review.summary.dismissed} 项意见经审核人确认不予采纳，未列入本表。")
    if status or fixed:
        n_fixed = len(fixed or [])
        n_open = sum(1 for s in status.values() if s == "open")
        n_new = sum(1 for s in status.values() if s == "new")
        notes.append(f"与上次报送稿对比：已整改 {n_fixed} 项，未整改 {n_open} 项，新增 {n_new} 项。")
    c = config()
    return CommentList(
        title=c.get("title", "审核意见表"),
        subtitle=document_title(review),
        header=header,
        conclusion=verdict,
        conclusion_reason=reason,
        counts=counts,
        rows=rows,
        notes=notes,
    )


def counts_line(cl: CommentList) -> str:
    labels = config()["severity"]
    return "，".join(f"{labels[k]} {cl.counts[k]} 项" for k in ("error", "warning", "info"))
