"""Renderers: one module per output format, all reading the same Review model."""
from __future__ import annotations

TEXT_FORMATS = ("terminal", "json", "markdown", "html")
BINARY_FORMATS = ("docx", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS
SUFFIX = {"terminal": ".txt", "json": ".json", "markdown": ".md", "html": ".html", "docx": ".docx", "xlsx": ".xlsx"}


def location_label(loc) -> str:
    parts = []
    if loc.section:
        parts.append(loc.section)
    if loc.page:
        parts.append(f"第{loc.page}页")
    if loc.line:
        parts.append(f"第{loc.line}行")
    return "，".join(parts) if parts else "全文"
