"""Rubric-driven rule checks on the narrative (no model needed)."""
from __future__ import annotations

from ..document import Document
from ..models import DocumentInfo, Finding
from ..rubric import Rubric


def run_rules(doc: Document, info: DocumentInfo, rubric: Rubric) -> list[Finding]:
    return []
