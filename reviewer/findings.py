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


_LABEL_REACH = 24  # characters a one-character quote may take in from its line's start


def _with_label(text: str, start: int) -> int:
    """A one-character quote ("0", "9" in a table cell) says nothing on its own and cannot
    be found again in the text: take in what precedes it on its line (a row's label and
    the cells before), up to a few characters."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        new_start = max(line_start, start - _LABEL_REACH)
    else:  # the value alone on its line (a form pasted one cell per line): the lines before
        new_start = max(0, start - _LABEL_REACH)
    while new_start < start and text[new_start].isspace():
        new_start += 1
    return new_start


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
        if 0 < end - start < 2:
            start = _with_label(doc.text, start)
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
