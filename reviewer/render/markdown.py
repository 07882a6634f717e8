"""审核意见表 in Markdown: the same title, header block, conclusion and columns as the
Excel and Word lists (reviewer/commentlist.py), as a GitHub-flavoured table."""
from __future__ import annotations

from typing import Optional

from ..commentlist import COLUMNS, CommentList, ListOptions, build_comment_list, counts_line
from ..models import Finding, Review


def _cell(value) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "")
    text = "<br>".join(" ".join(line.split()) for line in text.split("\n"))
    return text


def markdown_of(cl: CommentList) -> str:
    out = [f"# {cl.title}", "", f"**{cl.subtitle}**", ""]
    out += ["| 项目 | 内容 |", "| --- | --- |"]
    out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in cl.header]
    out += ["", f"**总体结论：{cl.conclusion}。** {cl.conclusion_reason}", "", f"意见：{counts_line(cl)}。", ""]
    out += [f"- {note}" for note in cl.notes]
    if cl.notes:
        out.append("")
    if not cl.rows:
        out += ["未发现问题。", "", f"> {cl.footer}", ""]
        return "\n".join(out)
    out.append("| " + " | ".join(COLUMNS) + " |")
    out.append("| " + " | ".join("---" for _ in COLUMNS) + " |")
    for row in cl.rows:
        out.append("| " + " | ".join(_cell(v) for v in row.cells()) + " |")
    out += ["", f"> {cl.footer}", ""]
    return "\n".join(out)


def render_markdown(review: Review, options: Optional[ListOptions] = None, *,
                    status: Optional[dict[str, str]] = None, fixed: Optional[list[Finding]] = None,
                    previous: Optional[Review] = None) -> str:
    return markdown_of(build_comment_list(review, options, status=status, fixed=fixed, previous=previous))
