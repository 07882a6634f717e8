"""Reading a report file into the located document model.

`load(path)` checks the path, picks the reader by extension, and builds the section
tree. Every unreadable input raises InputError with one clear line.
"""
from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..sections import build_sections

SUPPORTED = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf",
             # Older office formats through LibreOffice, spreadsheets, saved web pages, Markdown.
             ".doc": "office", ".wps": "office", ".rtf": "office", ".xlsx": "xlsx", ".xlsm": "xlsx",
             ".xls": "xls", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def load(path: str | Path, limits=None) -> Document:
    from ..limits import read_report_bytes, resolve, too_many_pages

    limits = resolve(limits)
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件不存在：{p}", f"no such file: {p}")
    if p.is_dir():
        raise InputError(f"这是一个文件夹，不是报告文件：{p}（批量审核请用 reviewer batch）",
                         f"is a directory: {p}")
    kind = SUPPORTED.get(p.suffix.lower())
    if kind is None:
        raise InputError(f"不支持的文件类型“{p.suffix or '无扩展名'}”，请提供 PDF、Word（DOCX/DOC/WPS）、Excel、网页或 TXT：{p}",
                         f"unsupported file type {p.suffix!r}: {p}")
    data = read_report_bytes(p, limits)
    if not data.strip():
        raise InputError(f"文件为空：{p}", f"empty file: {p}")
    if kind == "txt":
        from .txt import decode, parse_txt

        doc = parse_txt(decode(data, str(p)), str(p))
    elif kind == "docx":
        from .docx import parse_docx

        doc = parse_docx(data, str(p), limits=limits)
    elif kind == "office":
        from .office import parse_word

        doc = parse_word(data, str(p), p.suffix.lower(), limits=limits)
    elif kind in ("xlsx", "xls"):
        from .xlsx import parse_xls, parse_xlsx

        doc = (parse_xlsx if kind == "xlsx" else parse_xls)(data, str(p), limits=limits)
    elif kind == "html":
        from .html import parse_html

        doc = parse_html(data, str(p))
    elif kind == "md":
        from .md import parse_markdown
        from .txt import decode

        doc = parse_markdown(decode(data, str(p)), str(p))
    else:
        from .pdf import parse_pdf

        doc = parse_pdf(data, str(p), limits=limits)
    if not doc.text.strip() and not doc.ingest_findings:
        raise InputError(f"文件中没有可读取的文字：{p}", f"no text in document: {p}")
    if doc.pages > limits.max_pages:
        raise too_many_pages(p, doc.pages, limits)
    doc.sections = build_sections(doc)
    return doc
