"""The deterministic pre-pass: every figure extracted, and every total, share, rate,
difference and score the report states recomputed. Each check is its own module; a
check that fails is reported and the others still run."""
from __future__ import annotations

import logging

from ..document import Document
from ..figures import FigureIndex
from ..limits import surface_timeout
from ..models import Finding
from ..sections import detect_year

log = logging.getLogger("reviewer.checks")


def run_prepass(doc: Document) -> list[Finding]:
    from .changes import check_changes
    from .mentions import check_mentions
    from .rates import check_rates
    from .shares import check_shares
    from .staffing import check_staffing
    from .funds_text import check_funds_text
    from .indicator_quality import check_indicator_quality
    from .indicators import check_indicators
    from .targets import check_targets
    from .units import check_units
    from .sums import check_sums
    from .tables import check_tables
    from .text_vs_tables import check_text_against_tables
    from .project_list import check_project_lists

    index = FigureIndex.of(doc)
    checks = [
        ("shares", lambda: check_shares(doc, index)),
        ("rates", lambda: check_rates(doc, index)),
        ("changes", lambda: check_changes(doc, index)),
        ("sums", lambda: check_sums(doc, index)),
        ("staffing", lambda: check_staffing(doc, index)),
        ("targets", lambda: check_targets(doc, index)),
        ("units", lambda: check_units(doc, index)),
        ("indicators", lambda: check_indicators(doc)),
        ("indicator_quality", lambda: check_indicator_quality(doc)),
        ("funds_text", lambda: check_funds_text(doc)),
        ("mentions", lambda: check_mentions(doc, index, detect_year(doc))),
        ("tables", lambda: check_tables(doc)),
        ("text_vs_tables", lambda: check_text_against_tables(doc)),
        ("project_lists", lambda: check_project_lists(doc)),
    ]
    try:
        from .scoretable import check_score_tables
        from .sequence import check_numbering

        checks += [("score_tables", lambda: check_score_tables(doc)), ("numbering", lambda: check_numbering(doc))]
    except ImportError:  # pragma: no cover - modules land separately
        pass
    findings: list[Finding] = []
    for name, check in checks:
        try:
            findings.extend(check())
        except Exception as exc:  # one broken check must not lose the others' findings
            surface_timeout(exc)
            log.exception("pre-pass check %s failed on %s", name, doc.path)
    return findings
