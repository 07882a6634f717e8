"""A report and its resubmission: which findings were fixed, which remain, which are new.

Findings of the two reviews are paired by fingerprint first (the same rule on the same
quote in the same section with the same stated value). What is left is paired when the
rule and section agree and the quotes are nearly the same text (the unit changed a figure
but it is still wrong, or touched a word in the quoted sentence): the problem is still
there. An old finding without a partner is 已整改 (fixed), a new one without a partner
is 新增 (new), a pair is 未整改 (open).
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .fingerprint import fingerprints, normalise_section
from .models import DocumentInfo, Finding, Review
from .textmatch import fold

Status = Literal["fixed", "open", "new"]
STATUS_ORDER = ("open", "new", "fixed")
SIMILAR_QUOTES = 0.8


class ComparedFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    fingerprint: str
    old_id: Optional[str] = None
    new_id: Optional[str] = None
    # The new version's finding for open and new items, the old version's for fixed ones.
    finding: Finding


class ComparisonSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fixed: int = 0
    open: int = 0
    new: int = 0


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    old: DocumentInfo
    new: DocumentInfo
    summary: ComparisonSummary = Field(default_factory=ComparisonSummary)
    items: list[ComparedFinding] = Field(default_factory=list)

    def status_by_new_id(self) -> dict[str, str]:
        return {i.new_id: i.status for i in self.items if i.new_id}

    def fixed_findings(self) -> list[Finding]:
        return [i.finding for i in self.items if i.status == "fixed"]


def _similar(a: Finding, b: Finding) -> bool:
    if a.rule != b.rule or normalise_section(a.location.section) != normalise_section(b.location.section):
        return False
    qa, qb = fold(a.quote), fold(b.quote)
    if not qa or not qb:
        return not qa and not qb and fold(a.title) == fold(b.title)
    return SequenceMatcher(None, qa, qb, autojunk=False).ratio() >= SIMILAR_QUOTES


def compare_reviews(old: Review, new: Review) -> Comparison:
    old_fps, new_fps = fingerprints(old.findings), fingerprints(new.findings)
    pair_of_new: dict[int, int] = {}
    old_by_fp = {fp: i for i, fp in enumerate(old_fps)}
    for j, fp in enumerate(new_fps):
        if fp in old_by_fp:
            pair_of_new[j] = old_by_fp[fp]
    taken = set(pair_of_new.values())
    for j, f in enumerate(new.findings):
        if j in pair_of_new:
            continue
        for i, g in enumerate(old.findings):
            if i not in taken and _similar(g, f):
                pair_of_new[j] = i
                taken.add(i)
                break
    items: list[ComparedFinding] = []
    for j, f in enumerate(new.findings):
        i = pair_of_new.get(j)
        items.append(ComparedFinding(status="open" if i is not None else "new", fingerprint=new_fps[j],
                                     old_id=old.findings[i].id if i is not None else None, new_id=f.id, finding=f))
    for i, g in enumerate(old.findings):
        if i not in taken:
            items.append(ComparedFinding(status="fixed", fingerprint=old_fps[i], old_id=g.id, finding=g))
    summary = ComparisonSummary(**{s: sum(1 for it in items if it.status == s) for s in ("fixed", "open", "new")})
    return Comparison(old=old.document, new=new.document, summary=summary, items=items)



