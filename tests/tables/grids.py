"""Real Documents built from inline grids (captions, unit lines, tables, page breaks)."""
from __future__ import annotations

from reviewer.document import DocumentBuilder


def doc_of(*parts, path: str = "inline.pdf", fmt: str = "pdf"):
    """parts: str (a paragraph), list of rows (a table), or None (a page break)."""
    b = DocumentBuilder(path, fmt)
    for part in parts:
        if part is None:
            b.new_page()
        elif isinstance(part, str):
            b.add_paragraph(part)
        else:
            b.add_table([[str(c) for c in row] for row in part])
    return b.build()
