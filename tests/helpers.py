"""Small builders shared by tests: a Document from inline report text."""
from __future__ import annotations

from reviewer.ingest.txt import parse_txt
from reviewer.sections import build_sections


def doc_from_text(text: str, path: str = "inline.txt"):
    doc = parse_txt(text, path)
    doc.sections = build_sections(doc)
    return doc
