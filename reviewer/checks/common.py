"""What every pre-pass check shares: the finding factory and the tolerance policy."""
from __future__ import annotations

from ..document import Document
from ..findings import make_finding
from ..models import Finding
from .tolerance import consistent, decimals_of, fmt, severity_of


def prepass_finding(doc: Document, *, category: str, rule: str, title: str, detail: str,
                    span: tuple[int, int] | None, stated: str | None, expected: str | None,
                    suggestion: str, severity: str = "error") -> Finding:
    return make_finding(doc, category=category, severity=severity, source="prepass", rule=rule,
                        title=title, detail=detail, span=span, stated=stated, expected=expected,
                        suggestion=suggestion)


__all__ = ["prepass_finding", "consistent", "decimals_of", "fmt", "severity_of"]
