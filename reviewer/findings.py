"""Building findings that point at the document: quote and location come from spans."""
from __future__ import annotations

from .document import Document
from .models import Finding, Location


def locate(doc: Document, start: int, end: int) -> Location:
    return Location(
        section=doc.section_title_at(start),
        page=doc.page_of(start),
        line=doc.line_of(start),
        start=start,
        end=end,
    )


def make_finding(
    doc: Document,
    *,
    category: str,
    severity: str,
    source: str,
    rule: str,
    title: str,
    detail: str = "",
    span: tuple[int, int] | None = None,
    quote: str | None = None,
    stated: str | None = None,
    expected: str | None = None,
    suggestion: str = "",
) -> Finding:
    """A finding on `span` (quoted verbatim), or on `quote` located in the text.

    A finding about something absent has neither and carries an empty quote.
    """
    grounded = True
    location = Location()
    text = ""
    if span is None and quote:
        span = doc.find(quote)
        grounded = span is not None
        text = quote
    if span is not None:
        start, end = span
        # Quotes never carry surrounding white space.
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        text = doc.text[start:end]
        location = locate(doc, start, end)
    return Finding(
        category=category,
        severity=severity,
        source=source,
        rule=rule,
        title=title,
        detail=detail,
        quote=text,
        location=location,
        stated=stated,
        expected=expected,
        suggestion=suggestion,
        grounded=grounded,
    )
