"""Turning the model's findings into located findings: every quote must be real text."""
from __future__ import annotations

import re

from ..document import Document
from ..findings import make_finding
from ..models import SEVERITY_RANK, Finding, Location
from ..textmatch import fold
from .answer import ModelFinding

MIN_QUOTE = 4  # folded characters; shorter quotes match too many places to mean anything
_ELLIPSIS = re.compile(r"…+|\.{3,}|⋯+")
_WRAPPING_QUOTES = "“”\"'‘’「」『』"
_PROMPT_MARKS = re.compile(r"｜正文\d+字[：:]?|（后略）|（空）")


def locate_quote(doc: Document, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Span of a model's quote: folded match, then punctuation-tolerant, then (for a quote
    elided with an ellipsis) from its first part to its last part when they are close."""
    quote = (quote or "").strip().strip(_WRAPPING_QUOTES)
    if len(fold(quote)) < MIN_QUOTE:
        return None
    span = doc.find(quote, near)
    if span is not None:
        return span
    # Marks the prompt added (outline lengths, cut text) are not the report's words.
    quote = _PROMPT_MARKS.sub("…", quote)
    parts = [p for p in _ELLIPSIS.split(quote) if len(fold(p)) >= MIN_QUOTE]
    if len(parts) == 1:
        return doc.find(parts[0], near)
    if len(parts) >= 2:
        first = doc.find(parts[0], near)
        if first is not None:
            last = doc.find(parts[-1], first[1])
            if last is not None and first[1] <= last[0] <= first[1] + 400:
                return first[0], last[1]
    return None


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ground(doc: Document, mf: ModelFinding, task_id: str, near: int | None, section: str | None,
           keep_ungrounded: bool) -> Finding | None:
    """A located finding, an ungrounded one (kept only on request), or None."""
    fields = dict(
        category=mf.category, severity=mf.severity, source="llm", rule=f"llm.{task_id}",
        title=_clip(mf.title, 60), detail=_clip(mf.detail, 600), suggestion=_clip(mf.suggestion, 300),
    )
    span = locate_quote(doc, mf.quote, near)
    if span is not None:
        return make_finding(doc, span=span, **fields)
    if not keep_ungrounded:
        return None
    finding = make_finding(doc, **fields)
    finding.quote = _clip(mf.quote, 200)
    finding.grounded = False
    finding.location = Location(section=section)
    return finding


def _overlap(a: Finding, b: Finding) -> bool:
    la, lb = a.location, b.location
    if None in (la.start, la.end, lb.start, lb.end):
        return False
    return la.start < lb.end and lb.start < la.end


def dedupe_model_findings(findings: list[Finding]) -> list[Finding]:
    """One finding per (category, overlapping span): two tasks often see the same sentence."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: -SEVERITY_RANK[f.severity]):
        if f.grounded and any(k.category == f.category and _overlap(k, f) for k in kept):
            continue
        if not f.grounded and any(k.title == f.title and k.quote == f.quote for k in kept):
            continue
        kept.append(f)
    return kept
