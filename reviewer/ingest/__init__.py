"""Reading a report file into the located document model.

`load(path)` checks the path, picks the reader by extension, and builds the section
tree. Every unreadable input raises InputError with one clear line.
"""
from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..sections import build_sections

SUPPORTED = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}


def load(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件不存在：{p}", f"no such file: {p}")
    if p.is_dir():
        raise InputError(f"这是一个文件夹，不是报告文件：{p}（批量审核请用 reviewer batch）",
                         f"is a directory: {p}")
    kind = SUPPORTED.get(p.suffix.lower())
    if kind is None:
        raise InputError(f"不支持的文件类型“{p.suffix or '无扩展名'}”，请提供 PDF、DOCX 或 TXT：{p}",
                         f"unsupported file type {p.suffix!r}: {p}")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"无法读取文件：{p}", f"cannot read {p}: {e.strerror}") from None
    if not data.strip():
        raise InputError(f"文件为空：{p}", f"empty file: {p}")
    if kind == "txt":
        from .txt import decode, parse_txt

        doc = parse_txt(decode(data, str(p)), str(p))
    elif kind == "docx":
        from .docx import parse_docx

        doc = parse_docx(data, str(p))
    else:
        from .pdf import parse_pdf

        doc = parse_pdf(data, str(p))
    if not doc.text.strip() and not doc.ingest_findings:
        raise InputError(f"文件中没有可读取的文字：{p}", f"no text in document: {p}")
    doc.sections = build_sections(doc)
    return doc
