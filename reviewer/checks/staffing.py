"""Staffing identities stated in the narrative.

- 实有 = the categories listed after it (在职/在岗, 离休, 退休, 离退休, 遗属 …), where a
  category that contains others (离退休) is not added twice with its own parts.
- 实有<type>编制人员 against the <type>编制 the same paragraph states: more people on a
  type of post than posts of that type is said as "请核实" (some units report 超编 openly,
  so a paragraph that says 超编 is left alone).
"""
from __future__ import annotations

import re

from ..document import Document
from ..figures import Figure, FigureIndex, Paragraph
from ..models import Finding
from .common import prepass_finding

_TOTAL_LABEL = re.compile(r"实有|现有|总人数|共有")
_PART_LABELS: tuple[tuple[str, re.Pattern], ...] = (
    ("离退休", re.compile(r"离退休|离退")),
    ("在职", re.compile(r"在职|在岗|在编")),
    ("离休", re.compile(r"离休")),
    ("退休", re.compile(r"退休")),
    ("遗属", re.compile(r"遗属")),
)
# Parts a broader category already holds.
_NESTED = {"离退休": ("离休", "退休")}
_POST_TYPES = ("行政", "事业", "工勤", "参公", "参照公务员")
_PEOPLE_UNITS = ("人", "名")
_POST_UNITS = ("个", "名", "人")


def _part_name(label: str) -> str | None:
    if _TOTAL_LABEL.search(label) or re.search(r"合计|总计|共计", label):
        return None
    for name, pattern in _PART_LABELS:
        if pattern.search(label):
            return name
    return None


def check_staff_sum(doc: Document, para: Paragraph, out: list[Finding]) -> None:
    for f in para.figures:
        if f.unit not in _PEOPLE_UNITS or not _TOTAL_LABEL.search(f.label) or _part_name(f.label.replace("实有", "")):
            continue
        if "编制" in f.label:
            continue  # a count of posts (实有编制数): retirees hold none, so it is no sum of them
        s, e = para.sentence_bounds(f.fstart)
        # "实有人数106人（其中：在职104人，自收自支2人），退休人员30人": the bracket holds
        # the total's breakdown; what follows it is counted apart.
        if para.text[f.fend:f.fend + 1] in ("(", "（"):
            close = para.text.find(")", f.fend)
            if 0 < close < e:
                e = close
        parts: dict[str, Figure] = {}
        for g in para.figures:
            if g.fstart < f.fend or g.unit not in _PEOPLE_UNITS:
                continue
            if g.fstart >= e:
                break
            name = _part_name(g.label)
            if name is None:
                if _TOTAL_LABEL.search(g.label):
                    break  # a second total starts another breakdown
                continue
            parts.setdefault(name, g)
        for broad, narrow in _NESTED.items():
            if broad in parts:
                for n in narrow:
                    parts.pop(n, None)
        if "在职" not in parts or len(parts) < 2:
            continue
        listed = sorted(parts.values(), key=lambda g: g.fstart)
        total = sum(g.value for g in listed)
        if total == f.value:
            continue
        terms = " + ".join(f"{name}{g.shown()}" for name, g in sorted(parts.items(), key=lambda kv: kv[1].fstart))
        out.append(prepass_finding(
            doc, category="arithmetic", rule="arithmetic.headcount", title="人数合计不符",
            detail=f"{terms} = {total}人，文中{f.label or '实有'}{f.shown()}。",
            span=para.span(para.clause_start(f.fstart), listed[-1].fend), stated=f.shown(),
            expected=f"{total}人", suggestion="核对实有人数与在职、离退休等各类人数。",
        ))


def _post_type(label: str) -> str | None:
    return next((t for t in _POST_TYPES if t in label), None)


def check_posts(doc: Document, para: Paragraph, out: list[Finding]) -> None:
    if "超编" in para.text:
        return
    posts: dict[str, Figure] = {}
    for f in para.figures:
        label = f.label
        if f.unit in _POST_UNITS and label.endswith("编制") and "实有" not in label:
            kind = _post_type(label)
            if kind:
                posts.setdefault(kind, f)
    if not posts:
        return
    for f in para.figures:
        if f.unit not in _PEOPLE_UNITS or "实有" not in f.label or "编制" not in f.label:
            continue
        kind = _post_type(f.label)
        post = posts.get(kind) if kind else None
        if post is None or post.fstart > f.fstart or f.value <= post.value:
            continue
        out.append(prepass_finding(
            doc, category="inconsistency", rule="inconsistency.staffing", title="实有人数超过核定编制",
            detail=f"{kind}编制{post.shown()}，文中实有{kind}编制人员{f.shown()}，实有人数多于编制数，"
                   f"且未说明超编情况。",
            span=para.span(para.clause_start(f.fstart), f.fend),
            stated=f.shown(), expected=f"不超过{post.shown()}", severity="warning",
            suggestion="请核实编制数与实有人数，如确有超编请说明原因。",
        ))


def check_staffing(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    for para in index.paragraphs:
        if "编制" not in para.text and not _TOTAL_LABEL.search(para.text):
            continue
        check_staff_sum(doc, para, out)
        check_posts(doc, para, out)
    return out
