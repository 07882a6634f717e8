"""Rendering a review (or a comparison) into one output format, for the command line.

Every renderer is imported only when its format is asked for, so the command line stays
fast to start. Formats: terminal, json, markdown (审核意见表), html, docx (the report
with 批注), xlsx (审核意见表), docx-list (审核意见表 in Word), line (one finding per line,
`path:line:col:severity:rule:message`, for editors and scripts).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Optional

from .models import SEVERITY_RANK, Finding, Review

FORMATS = ("terminal", "json", "markdown", "html", "docx", "xlsx", "docx-list", "line")
BINARY_FORMATS = ("docx", "xlsx", "docx-list")
SUFFIX = {"terminal": ".txt", "json": ".json", "markdown": ".md", "html": ".html", "docx": ".docx",
          "xlsx": ".xlsx", "docx-list": ".list.docx", "line": ".txt"}
# What a binary file is called when no -o is given: <stem>.<this>
DEFAULT_NAME = {"docx": "review.docx", "xlsx": "意见表.xlsx", "docx-list": "意见表.docx"}


def default_output(doc_path: str, fmt: str) -> Path:
    return Path(Path(doc_path).stem + "." + DEFAULT_NAME[fmt])


def at_least(review: Review, min_severity: str) -> Review:
    """The review showing only findings of `min_severity` or worse (counts follow)."""
    if min_severity == "info":
        return review
    floor = SEVERITY_RANK[min_severity]
    kept = [f for f in review.findings if SEVERITY_RANK[f.severity] >= floor]
    summary = review.summary.model_copy(update={
        "errors": sum(f.severity == "error" for f in kept),
        "warnings": sum(f.severity == "warning" for f in kept),
        "infos": sum(f.severity == "info" for f in kept),
    })
    return review.model_copy(update={"findings": kept, "summary": summary})


def line_and_column(doc, f: Finding) -> tuple[int, int]:
    """1-based line and column of the finding's start; 1:1 for something absent."""
    start = f.location.start
    if doc is None or start is None or start > len(doc.text):
        return (f.location.line or 1), 1
    line_start = doc.text.rfind("\n", 0, start) + 1
    return doc.text.count("\n", 0, start) + 1, start - line_start + 1


def render_lines(review: Review, doc, path: Optional[str] = None) -> str:
    name = path or review.document.path
    out = []
    for f in review.findings:
        line, col = line_and_column(doc, f)
        message = " ".join(f"{f.title}：{f.detail}".split()) if f.detail else " ".join(f.title.split())
        out.append(f"{name}:{line}:{col}:{f.severity}:{f.rule}:{message}")
    return "\n".join(out) + ("\n" if out else "")


def render(review: Review, doc, fmt: str, *, list_options=None, status: Optional[dict[str, str]] = None,
           fixed: Optional[list[Finding]] = None, previous: Optional[Review] = None, path: Optional[str] = None,
           width: int = 120) -> str | bytes:
    """The output of one format as text or bytes."""
    compared = dict(status=status, fixed=fixed)
    if fmt == "terminal":
        from rich.console import Console

        from .render.terminal import render_terminal

        buffer = io.StringIO()
        render_terminal(review, Console(file=buffer, width=width, color_system=None))
        return buffer.getvalue()
    if fmt == "json":
        from .render.json import render_json

        return render_json(review)
    if fmt == "line":
        return render_lines(review, doc, path)
    if fmt == "markdown":
        from .render.markdown import render_markdown

        return render_markdown(review, list_options, previous=previous, **compared)
    if fmt == "html":
        from .render.html import render_html

        return render_html(review, doc, **compared)
    if fmt == "docx":
        from .render.word import render_docx

        return render_docx(review, doc, **compared)
    if fmt == "xlsx":
        from .render.xlsx import render_xlsx

        return render_xlsx(review, list_options, previous=previous, **compared)
    if fmt == "docx-list":
        from .render.word import render_docx_list

        return render_docx_list(review, list_options, previous=previous, **compared)
    raise ValueError(f"unknown format {fmt!r}")


def _comparison_terminal(cmp, width: int) -> str:
    from rich.console import Console
    from rich.text import Text

    from .commentlist import rectification_label, severity_label

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None)
    s = cmp.summary
    console.print(f"对比：{cmp.old.path} → {cmp.new.path}", highlight=False)
    console.print(f"已整改 {s.fixed} 项，未整改 {s.open} 项，新增 {s.new} 项", highlight=False)
    for status in ("new", "open", "fixed"):
        group = [i for i in cmp.items if i.status == status]
        if not group:
            continue
        console.rule(Text(f"{rectification_label(status)}（{len(group)}）"), align="left")
        for item in group:
            f = item.finding
            line = f"[{severity_label(f.severity)}] {f.title}"
            if f.quote:
                q = " ".join(f.quote.split())
                line += f"  「{q if len(q) <= 60 else q[:60] + '…'}」"
            console.print(line, highlight=False, markup=False)
    return buffer.getvalue()


def render_comparison(cmp, old: Review, new: Review, new_doc, fmt: str, *, list_options=None,
                      width: int = 120) -> str | bytes:
    """A comparison in any format: 已整改 / 未整改 / 新增 in each."""
    if fmt == "json":
        return cmp.model_dump_json(indent=2) + "\n"
    if fmt == "terminal":
        return _comparison_terminal(cmp, width)
    if fmt == "line":
        from .commentlist import rectification_label

        out = []
        for item in cmp.items:
            f = item.finding
            doc = new_doc if item.status != "fixed" else None
            line, col = line_and_column(doc, f)
            path = cmp.new.path if item.status != "fixed" else cmp.old.path
            out.append(f"{path}:{line}:{col}:{f.severity}:{f.rule}:{rectification_label(item.status)}：{' '.join(f.title.split())}")
        return "\n".join(out) + ("\n" if out else "")
    return render(new, new_doc, fmt, list_options=list_options, status=cmp.status_by_new_id(),
                  fixed=cmp.fixed_findings(), previous=old, width=width)
