"""Word reports: paragraphs and tables in body order, merged cells counted once, text
boxes after the paragraph that anchors them, and page numbers from page breaks.

Each Word paragraph is one line of the document text; the layout stage re-joins
paragraphs that are printed lines (PDF-to-Word conversions make one per line)."""
from __future__ import annotations

import io
import logging
import zipfile

from ..document import Document, DocumentBuilder
from ..errors import InputError
from ..limits import surface_timeout

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _corrupt(path: str, why: str) -> InputError:
    return InputError(f"DOCX 文件已损坏，无法打开：{path}", f"corrupt DOCX: {path}: {why}")


def _open(data: bytes, path: str, limits=None):
    import docx  # python-docx; imported here to keep start-up fast
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(_OLE_MAGIC):
        # Password-protected .docx files and old binary .doc files are OLE containers.
        raise InputError(f"Word 文档已加密或是旧版 .doc 格式，请另存为未加密的 .docx 后再审核：{path}",
                         f"encrypted DOCX or legacy .doc (OLE container), save as plain .docx: {path}")
    try:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InputError(f"DOCX 文件已损坏或不是 Word 文档：{path}", f"corrupt DOCX (not a zip package): {path}")
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except InputError:
        raise
    except Exception as e:  # damaged zip headers raise struct, zlib, overflow and decoding errors too
        surface_timeout(e)
        raise _corrupt(path, str(e) or type(e).__name__) from None
    check_package(members, path, limits)
    if not any(m.filename.startswith("word/") for m in members):
        raise InputError(f"不是 Word 文档（压缩包中没有 word/ 正文部分）：{path}",
                         f"not a Word document (no word/ part in the package): {path}")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise _corrupt(path, str(e) or type(e).__name__) from None
    except Exception as e:  # lxml syntax errors, zlib errors and the like inside a broken package
        surface_timeout(e)
        raise _corrupt(path, type(e).__name__) from None


def check_package(members: list, path: str, limits=None, label: str = "DOCX") -> None:
    """Refuse a zip package (a Word document, an Excel workbook: `label`) whose parts
    would unpack too large (a zip bomb) before any part is read. The sizes checked are the
    declared ones, and zipfile never inflates a part beyond its declared size, so the
    check holds for a lying header too."""
    from ..limits import resolve

    limits = resolve(limits)
    if len(members) > limits.max_members:
        raise InputError(f"{label} 压缩包内文件过多（{len(members)} 个），疑似恶意文件，已拒绝：{path}",
                         f"too many parts in the package ({len(members)}): {path}")
    total = sum(max(m.file_size, 0) for m in members)
    if total > limits.max_unpacked_bytes:
        raise InputError(
            f"{label} 解压后过大（{total / 1024 / 1024:.0f} MB，上限 {limits.max_unpacked_mb:g} MB；"
            f"可用 --max-unpacked-mb 调整），疑似压缩炸弹，已拒绝：{path}",
            f"package unpacks to {total} bytes (limit {limits.max_unpacked_mb:g} MB): {path}")
    xml = sum(max(m.file_size, 0) for m in members if m.filename.lower().endswith((".xml", ".rels")))
    if xml > limits.max_xml_mb * 1024 * 1024:
        raise InputError(
            f"{label} 中的 XML 正文过大（{xml / 1024 / 1024:.0f} MB，上限 {limits.max_xml_mb:g} MB），无法审核：{path}",
            f"XML parts unpack to {xml} bytes (limit {limits.max_xml_mb:g} MB): {path}")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise InputError(
                f"{label} 中的“{m.filename}”压缩比异常（{m.file_size // max(m.compress_size, 1)} 倍），"
                f"疑似压缩炸弹，已拒绝：{path}",
                f"zip bomb suspected: {m.filename} ratio {m.file_size / max(m.compress_size, 1):.0f}: {path}")


def _cell_text(cell) -> str:
    parts = [p.text for p in cell.paragraphs]
    # A table nested in a cell belongs to that cell's value.
    for inner in cell.tables:
        for row in _table_rows(inner):
            parts.extend(row)
    return "".join(parts).strip()


def _table_rows(table) -> list[list[str]]:
    """Cell texts row by row; a merged cell appears once, in its first grid position."""
    rows: list[list[str]] = []
    # Keep the elements themselves (not their id()): lxml proxies that are not kept alive
    # are recreated, and a freed proxy's id can be reused by another cell.
    seen: set = set()
    for row in table.rows:
        out = []
        for cell in row.cells:
            tc = cell._tc
            if tc in seen:
                out.append("")
                continue
            seen.add(tc)
            out.append(_cell_text(cell))
        rows.append(out)
    return rows


def _page_breaks(p_element, rendered: bool) -> tuple[bool, int]:
    """(a break comes before any text, number of breaks) in one paragraph.

    Documents saved by Word carry the page breaks of its last layout
    (w:lastRenderedPageBreak), which count every page; otherwise only explicit breaks
    (page-break runs, page-break-before) are known.
    """
    before_text = False
    count = 0
    seen_text = False
    if not rendered:
        ppr = p_element.pPr
        if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None \
                and ppr.find(f"{_W}pageBreakBefore").get(f"{_W}val", "true") not in ("0", "false"):
            before_text, count = True, 1
    for el in p_element.iter(f"{_W}t", f"{_W}br", f"{_W}lastRenderedPageBreak"):
        if el.tag == f"{_W}t":
            seen_text = seen_text or bool(el.text and el.text.strip())
            continue
        is_break = (el.tag == f"{_W}lastRenderedPageBreak") if rendered else \
            (el.tag == f"{_W}br" and el.get(f"{_W}type") == "page")
        if is_break:
            count += 1
            if not seen_text:
                before_text = True
    return before_text, count


def _text_boxes(p_element) -> list[str]:
    """Paragraph texts of text boxes anchored in a paragraph (each box once: the VML
    fallback copy of a DrawingML box is skipped)."""
    out = []
    for box in p_element.iter(f"{_W}txbxContent"):
        node, fallback = box.getparent(), False
        while node is not None and node is not p_element:
            if node.tag == _MC_FALLBACK:
                fallback = True
                break
            node = node.getparent()
        if fallback:
            continue
        for p in box.iter(f"{_W}p"):
            text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
            if text.strip():
                out.append(text)
    return out


def parse_docx(data: bytes, path: str, limits=None) -> Document:
    from ..layout import recover

    document = _open(data, path, limits)
    try:
        raw = _build(document, path)
    except InputError:
        raise
    except Exception as e:  # malformed parts that python-docx only trips on while reading
        surface_timeout(e)
        log.debug("reading %s failed", path, exc_info=True)
        raise _corrupt(path, f"{type(e).__name__}: {e}") from None
    return recover(raw)


def _build(document, path: str) -> Document:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    rendered = next(body.iter(f"{_W}lastRenderedPageBreak"), None) is not None
    builder = DocumentBuilder(path, "docx")
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            before, count = _page_breaks(item._p, rendered)
            if before:
                builder.new_page()
                count -= 1
            builder.add_paragraph(item.text)
            for text in _text_boxes(item._p):
                builder.add_paragraph(text)
            for _ in range(count):
                builder.new_page()
        elif isinstance(item, Table):
            # Breaks inside a table are not tracked: its rows stay on the page it starts.
            builder.add_table(_table_rows(item), origin="word")
    return builder.build()
