"""Word reports: paragraphs and tables in body order, merged cells counted once."""
from __future__ import annotations

import io
import zipfile

from ..document import Document, DocumentBuilder
from ..errors import InputError


def _open(data: bytes, path: str):
    import docx  # python-docx; imported here to keep start-up fast
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"DOCX 文件已损坏或不是 Word 文档：{path}", f"corrupt DOCX (not a zip package): {path}")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise InputError(f"DOCX 文件已损坏，无法打开：{path}", f"corrupt DOCX: {path}: {e}") from None
    except Exception as e:  # lxml syntax errors and the like inside a broken package
        raise InputError(f"DOCX 文件已损坏，无法打开：{path}", f"corrupt DOCX: {path}: {type(e).__name__}") from None


def _table_rows(table) -> list[list[str]]:
    """Cell texts row by row; a merged cell appears once, in its first grid position."""
    rows: list[list[str]] = []
    seen: set[int] = set()
    for row in table.rows:
        out = []
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                out.append("")
                continue
            seen.add(key)
            out.append("".join(p.text for p in cell.paragraphs).strip())
        rows.append(out)
    return rows


def parse_docx(data: bytes, path: str) -> Document:
    document = _open(data, path)
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    builder = DocumentBuilder(path, "docx")
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if any(br.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") == "page"
                   for br in item._p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}br")):
                builder.new_page()
            builder.add_paragraph(item.text)
        elif isinstance(item, Table):
            builder.add_table(_table_rows(item))
    return builder.build()
