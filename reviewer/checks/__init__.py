"""The deterministic pre-pass: figures extracted, totals/shares/rates/scores recomputed."""
from __future__ import annotations

from ..document import Document
from ..models import Finding


def run_prepass(doc: Document) -> list[Finding]:
    return []
