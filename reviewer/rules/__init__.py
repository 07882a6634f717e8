"""Rubric-driven rule checks on the narrative (no model needed).

Each module handles one concern and adds findings to a shared RuleContext:
parts (required sections and elements), boilerplate (template residue), sectors
(text copied from another kind of unit), claims (conclusions the report's own figures do
not support), repeats (paragraphs repeated verbatim) and wording (doubled words, stray
punctuation). Every finding has source "rules", a rule id, and a detail naming the rubric
item it enforces.
"""
from __future__ import annotations

from ..document import Document
from ..models import DocumentInfo, Finding
from ..rubric import Rubric
from .context import RuleContext


def run_rules(doc: Document, info: DocumentInfo, rubric: Rubric) -> list[Finding]:
    from . import boilerplate, claims, parts, repeats, sectors, wording

    ctx = RuleContext(doc, info, rubric)
    for module in (parts, boilerplate, sectors, claims, repeats, wording):
        module.check(ctx)
    return [f for f in ctx.findings if rubric.is_enabled(f.rule)]
