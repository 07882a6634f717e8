"""PDF reports: text lines with their boxes and ruled tables as cell grids, in the order
they appear on the page (the layout stage re-joins the lines into paragraphs). Text a
reader cannot see (outside the page's crop box) is left out and reported.

Speed matters (a review must not take longer than bare pdfplumber text extraction), so
the page is read once with PDFium (pypdfium2, C speed): its text rectangles give the
lines with their geometry, and its path objects give the ruling lines. Those rulings go
through pdfplumber's own table algorithm (edges -> intersections -> cells -> tables)
without pdfplumber parsing the page a second time in Python.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

from ..document import Document, DocumentBuilder
from ..errors import InputError
from ..textmatch import fold, strip_cjk_spaces, xml_safe
from ..limits import surface_timeout
from .quality import page_is_garbage

# Page numbers as printed in headers and footers: "3", "- 3 -", "第3页", "第 3 页 共 10 页", "3/10".
_PAGE_NUMBER = re.compile(r"^[\-—–\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[\-—–\s]*$")
# Characters that mean "this glyph has no Unicode mapping".
_UNMAPPED = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")
# Typesetters put gaps between Chinese and Latin/digits ("2020 年") and around curly
# quotes; the text has none.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2010-\u2027"
_SPACE_AT_CJK_EDGE = re.compile(rf"(?<=[{_CJK}]) +(?=\S)|(?<=\S) +(?=[{_CJK}])")
_CID = re.compile(r"\(cid:\d+\)")
# A path with more segments than this is a drawing (chart, logo), not table rulings.
_MAX_PATH_SEGMENTS = 2000


@dataclass
class _Line:
    x0: float
    x1: float
    top: float  # distance from the page's top edge, growing downwards
    bottom: float
    text: str

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class _Table:
    top: float
    bottom: float
    rows: list[list[str]]
    # x of each column's left edge, then the table's right edge (None when unknown)
    edges: list[float] | None = None

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass
class _Page:
    items: list = field(default_factory=list)  # _Line | _Table, in reading order
    unreadable: bool = False  # has content but no usable text layer
    garbage: bool = False  # its text layer is unmapped glyphs or mojibake
    has_text: bool = False
    hidden: list[str] = field(default_factory=list)  # text outside the visible box


def _corrupt(path: str, why: str) -> InputError:
    return InputError(f"PDF 文件已损坏或无法解析：{path}", f"corrupt PDF: {path}: {why}")


def parse_pdf(data: bytes, path: str, limits=None) -> Document:
    from ..limits import Stopwatch, resolve, too_many_pages

    limits = resolve(limits)
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"不是有效的 PDF 文件（缺少 %PDF 文件头）：{path}", f"not a PDF (no %PDF header): {path}")
    import pypdfium2 as pdfium  # imported here to keep start-up fast

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == 4:  # FPDF_ERR_PASSWORD
            raise InputError(f"PDF 文件已加密，需要密码才能打开，请提供未加密的版本：{path}",
                             f"encrypted PDF (password required): {path}") from None
        raise _corrupt(path, str(e)) from None
    except Exception as e:  # anything PDFium or ctypes raise on a broken file
        surface_timeout(e)
        raise _corrupt(path, type(e).__name__) from None
    try:
        if len(pdf) == 0:
            raise _corrupt(path, "no pages")
        if len(pdf) > limits.max_pages:
            raise too_many_pages(path, len(pdf), limits)
        stopwatch = Stopwatch(limits, path)
        pages = []
        for i in range(len(pdf)):
            stopwatch.check()
            pages.append(_read_page(pdf[i]))
        # Scanned pages and garbage text layers, read by OCR when the extra is installed.
        from .ocr import recognise_pages

        ocr_pages, ocr_folded = recognise_pages(pdf, pages, stopwatch.check)
    except InputError:
        raise
    except Exception as e:
        surface_timeout(e)
        raise _corrupt(path, f"{type(e).__name__}: {e}") from None
    finally:
        pdf.close()

    from .ocr import INSTALL_HINT, available

    ocr_hint = "" if available() else f"（OCR 扩展：{INSTALL_HINT}）"
    if not any(p.has_text for p in pages) and any(p.garbage for p in pages):
        raise InputError(f"PDF 的字体缺少 Unicode 映射，提取出的文字是乱码，无法审核；请用能嵌入可复制文字的方式重新导出 PDF，"
                         f"或做文字识别（OCR）后再审核{ocr_hint}：{path}",
                         f"text layer is unmapped glyphs (fonts without a Unicode map): {path}")
    if not any(p.has_text for p in pages):
        if available():
            raise InputError(f"PDF 没有可提取的文字，文字识别（OCR）也未识别出文字：{path}",
                             f"no text layer in any page, and OCR recognised none: {path}")
        raise InputError(f"PDF 没有可提取的文字（扫描件或图片），需要文字识别（OCR）：请安装 OCR 扩展 {INSTALL_HINT} 后重试：{path}",
                         f"no text layer in any page (scanned PDF): install the OCR extra ({INSTALL_HINT}): {path}")
    doc = _assemble(pages, path)
    if ocr_pages:
        from .ocr import mark_ocr_pages

        mark_ocr_pages(doc, ocr_pages, ocr_folded)
    unreadable = [i + 1 for i, p in enumerate(pages) if p.unreadable]
    if unreadable:
        doc.ingest_findings.append(_no_text_finding(doc, unreadable))
    return doc


# --- one page --------------------------------------------------------------------


def _read_page(page) -> _Page:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        out = _Page()
        text = textpage.get_text_range() if textpage.count_chars() > 0 else ""
        visible = "".join(text.split())
        edges: list[dict] = []
        has_image = _walk_objects(raw, page.raw, False, _IDENTITY, edges)
        bad = len(_UNMAPPED.findall(visible)) + sum(len(m) for m in _CID.findall(visible))
        if not visible:
            # A blank page is fine; a page that shows only pictures is a scan.
            out.unreadable = has_image
            return out
        if bad > len(visible) / 2 or page_is_garbage(text):
            out.unreadable = out.garbage = True
            return out
        out.has_text = True

        tables = _find_tables(edges, textpage) if len(edges) >= 4 else []
        lines = _text_lines(textpage, [(t.top, t.bottom, t.x0, t.x1) for t, _ in tables],
                            _visible_box(page), out.hidden)
        items: list = [table for _, table in tables] + lines
        items.sort(key=lambda it: it.top)
        out.items = items
        return out
    finally:
        textpage.close()


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8


def _multiply(m, n):
    """The matrix applying m, then n (PDF order a b c d e f)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _walk_objects(raw, parent, in_form: bool, outer, edges: list[dict], depth: int = 0) -> bool:
    """Collect ruling edges from the path objects of a page (and of the forms it draws);
    return whether it shows any image. Raw PDFium calls: this runs for every glyph run."""
    count = raw.FPDFFormObj_CountObjects(parent) if in_form else raw.FPDFPage_CountObjects(parent)
    get = raw.FPDFFormObj_GetObject if in_form else raw.FPDFPage_GetObject
    has_image = False
    for i in range(max(count, 0)):
        obj = get(parent, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            has_image = True
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            edges.extend(_path_edges(raw, obj, outer))
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            inner = _multiply(_matrix(raw, obj), outer)
            has_image |= _walk_objects(raw, obj, True, inner, edges, depth + 1)
    return has_image


def _matrix(raw, obj):
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _path_edges(raw, obj, outer) -> list[dict]:
    """Horizontal and vertical segments of a path, in page space with y growing down."""
    n = raw.FPDFPath_CountSegments(obj)
    if n < 2 or n > _MAX_PATH_SEGMENTS:
        return []
    a, b, c, d, e, f = _multiply(_matrix(raw, obj), outer)
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    start = prev = None
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, -(b * x.value + d * y.value + f))
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO or prev is None:
            start = prev = point
            continue
        if kind == raw.FPDF_SEGMENT_LINETO:
            _add_edge(edges, prev, point)
        prev = point
        if raw.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_edge(edges, prev, start)
            prev = start
    return edges


def _add_edge(edges: list[dict], p: tuple[float, float], q: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 1 and abs(x1 - x0) >= 1:
        left, right = min(x0, x1), max(x0, x1)
        top = (y0 + y1) / 2
        edges.append({"x0": left, "x1": right, "top": top, "bottom": top, "doctop": top,
                      "width": right - left, "height": 0, "orientation": "h", "object_type": "line"})
    elif abs(x0 - x1) < 1 and abs(y1 - y0) >= 1:
        top, bottom = min(y0, y1), max(y0, y1)
        xm = (x0 + x1) / 2
        edges.append({"x0": xm, "x1": xm, "top": top, "bottom": bottom, "doctop": top,
                      "width": 0, "height": bottom - top, "orientation": "v", "object_type": "line"})


@dataclass
class _Box:
    x0: float
    top: float
    x1: float
    bottom: float


def _find_tables(edges: list[dict], textpage) -> list[tuple[_Box, _Table]]:
    """Ruled tables with pdfplumber's algorithm and its default tolerances."""
    from pdfplumber.table import (Table, cells_to_tables, edges_to_intersections, intersections_to_cells,
                                  merge_edges)
    from pdfplumber.utils import filter_edges

    merged = filter_edges(merge_edges(edges, 3, 3, 3, 3), min_length=3)
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    found = []
    for group in cells_to_tables(cells):
        table = Table(None, group)
        rows = [[_cell_text(textpage, bbox) if bbox else "" for bbox in row.cells] for row in table.rows]
        if not any(any(cell for cell in row) for row in rows):
            continue  # a frame or a shaded box, not a table of values
        x0, top, x1, bottom = table.bbox
        found.append((_Box(x0, top, x1, bottom), _Table(top, bottom, rows, _column_edges(table, x1))))
    return found


def _column_edges(table, right: float) -> list[float] | None:
    """Each column's left edge (from any row's cell that starts there) and the right edge."""
    columns = len(table.rows[0].cells) if table.rows else 0
    lefts: list[float | None] = [None] * columns
    for row in table.rows:
        for j, bbox in enumerate(row.cells):
            if bbox and lefts[j] is None:
                lefts[j] = bbox[0]
    if any(x is None for x in lefts):
        return None
    return [float(x) for x in lefts] + [float(right)]  # type: ignore[arg-type]


def _cell_text(textpage, bbox) -> str:
    x0, top, x1, bottom = bbox
    raw_text = textpage.get_text_bounded(left=x0, bottom=-bottom, right=x1, top=-top)
    # Lines wrapped inside a cell are one value.
    return _clean("".join(part.strip() for part in raw_text.splitlines()))


def _clean(text: str) -> str:
    text = xml_safe(strip_cjk_spaces(_undouble(" ".join(text.split()))), keep_page_breaks=False)
    return _SPACE_AT_CJK_EDGE.sub("", text)


def _undouble(text: str) -> str:
    """Undo fake bold: some producers draw every glyph twice at the same spot."""
    if len(text) >= 4 and len(text) % 2 == 0 and text[0::2] == text[1::2]:
        return text[0::2]
    return text


def _visible_box(page) -> tuple[float, float, float, float] | None:
    """The crop box (what a viewer shows) as left, bottom, right, top; None if unknown."""
    try:
        left, bottom, right, top = page.get_cropbox()
    except Exception:  # a page without a usable box: keep everything
        return None
    return (left, bottom, right, top) if right > left and top > bottom else None


def _text_lines(textpage, table_boxes: list[tuple[float, float, float, float]],
                visible: tuple[float, float, float, float] | None = None,
                hidden: list[str] | None = None) -> list[_Line]:
    """Visual lines outside the tables. PDFium's text rectangles (one per run of glyphs)
    are grouped into lines by their vertical band; each line's text is then read in one
    call (reading each rectangle would scan the page once per rectangle). Runs whose
    centre lies outside the visible box are left out (into `hidden`)."""
    segments: list[tuple[float, float, float, float]] = []  # x0, top, x1, bottom
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        if visible is not None:
            vx0, vy0, vx1, vy1 = visible
            if not (vx0 <= (left + right) / 2 <= vx1 and vy0 <= (bottom + top) / 2 <= vy1):
                if hidden is not None:
                    hidden.append(_clean(textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)))
                continue
        y_top, y_bottom = -top, -bottom
        cx, cy = (left + right) / 2, (y_top + y_bottom) / 2
        if any(t <= cy <= b and x0 <= cx <= x1 for t, b, x0, x1 in table_boxes):
            continue
        segments.append((left, y_top, right, y_bottom))
    segments.sort(key=lambda s: (s[1], s[0]))
    boxes: list[list[float]] = []  # x0, top, x1, bottom of each line so far
    for x0, top, x1, bottom in segments:
        # Same visual line when the segment overlaps the line's band by half its own
        # height (or the band's): small glyphs such as quotes and commas sit high or low.
        for box in reversed(boxes[-3:]):
            overlap = min(box[3], bottom) - max(box[1], top)
            if overlap >= 0.5 * min(box[3] - box[1], bottom - top):
                box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], top), max(box[2], x1), max(box[3], bottom)
                break
        else:
            boxes.append([x0, top, x1, bottom])
    out = []
    for x0, top, x1, bottom in boxes:
        raw_text = textpage.get_text_bounded(left=x0 - 1, bottom=-bottom, right=x1 + 1, top=-top)
        text = _clean(" ".join(raw_text.split()))
        if text:
            out.append(_Line(x0, x1, top, bottom, text))
    return out


# --- the document ----------------------------------------------------------------


def _assemble(pages: list[_Page], path: str) -> Document:
    from ..layout import recover

    _drop_running_lines(pages)
    # Items per page, with a table at the top of a page stitched onto the one that
    # ended the page before when it continues it.
    per_page: list[list] = []
    last_table: _Table | None = None
    for page in pages:
        items: list = []
        for idx, item in enumerate(page.items):
            if isinstance(item, _Table):
                if idx == 0 and last_table is not None and _continues(last_table, item):
                    _stitch(last_table, item)
                    continue
                if idx == 0 and last_table is not None and _carry_over(last_table, item):
                    if not item.rows:
                        continue
                last_table = item
            else:
                last_table = None
            items.append(item)
        per_page.append(items)
    builder = DocumentBuilder(path, "pdf")
    for number, items in enumerate(per_page):
        if number:
            builder.new_page()
        for item in items:
            if isinstance(item, _Table):
                builder.add_table(item.rows, origin="ruled")
            else:
                builder.add_paragraph(item.text, box=(item.x0, item.x1, item.top, item.bottom))
    doc = builder.build()
    hidden = [(i + 1, "".join(p.hidden)) for i, p in enumerate(pages) if "".join(p.hidden).strip()]
    if hidden:
        doc.ingest_findings.append(_hidden_text_finding(doc, hidden))
    return recover(doc)


def _hidden_text_finding(doc: Document, hidden: list[tuple[int, str]]):
    from ..findings import make_finding

    pages = "、".join(str(n) for n, _ in hidden)
    sample = "；".join(text[:30] for _, text in hidden[:3])
    finding = make_finding(
        doc, category="boilerplate", severity="info", source="ingest", rule="layout.outside_page",
        title="页面可见区域外的文字未审核",
        detail=f"第{pages}页有位于页面可见区域之外的文字（阅读时看不到），已略去不审：{sample}"
               f" / text outside the visible page box was left out",
        suggestion="确认这些隐藏文字是否应出现在报告中；如是排版错误，请调整后重新导出 PDF。",
    )
    finding.location.page = hidden[0][0]
    return finding


def _continues(previous: _Table, table: _Table) -> bool:
    """A table at the top of a page continues the one that ended the previous page when
    it has as many columns and does not start again with the same header row."""
    if previous.columns != table.columns or not table.rows:
        return False
    return [fold(c) for c in table.rows[0]] != [fold(c) for c in previous.rows[0]]


_NUMBER_LIKE = re.compile(r"^[\d.,%‰≥≤<>=+\-]+$")


def _stitch(previous: _Table, table: _Table) -> None:
    """Append a table's rows to the one it continues. A row that the page break cut in
    two (its first row holds only the overflow of a few long cells, and no figures) is
    put back together."""
    rows = table.rows
    last, first = previous.rows[-1], rows[0]
    filled = [i for i, c in enumerate(first) if c]
    if filled and len(filled) * 2 <= len(first) and len(last) == len(first) \
            and all(last[i] and not _NUMBER_LIKE.match(first[i]) for i in filled):
        previous.rows[-1] = [a + b for a, b in zip(last, first)]
        rows = rows[1:]
    previous.rows.extend(rows)
    previous.bottom = table.bottom


def _column_map(previous: _Table, table: _Table) -> list[int] | None:
    """For each column of `table`, the column of `previous` its middle falls in."""
    if not previous.edges or not table.edges:
        return None
    out = []
    for j in range(table.columns):
        middle = (table.edges[j] + table.edges[j + 1]) / 2
        k = next((k for k in range(previous.columns) if previous.edges[k] <= middle < previous.edges[k + 1]), None)
        if k is None:
            return None
        out.append(k)
    return out


def _is_header_row(row: list[str]) -> bool:
    from ..layout.header import header_runs

    return bool(header_runs(fold("".join(row))))


def _carry_over(previous: _Table, table: _Table) -> bool:
    """A page break that cut a row of a table whose next page is ruled differently (a
    merged header cell, "项目资金" over two rows, split as "项目资" | "金"): the top
    table's first row holds only the overflow of a few cells, its next rows (up to a
    header of their own) belong to the table above. Those rows move there, placed by
    their columns' positions; `table` keeps the rest. False when the shape is not that."""
    rows = table.rows
    if not rows or previous.columns == table.columns:
        return False
    first = rows[0]
    filled = [c for c in first if c]
    if not filled or len(filled) * 2 > len(first) or any(_NUMBER_LIKE.match(c) or len(fold(c)) > 3 for c in filled):
        return False
    mapping = _column_map(previous, table)
    if mapping is None:
        return False
    last = previous.rows[-1]
    if any(c and not last[mapping[j]] for j, c in enumerate(first)):
        return False  # overflow must continue a cell the row above started
    end = 1
    while end < len(rows) and not _is_header_row(rows[end]):
        end += 1

    def placed(row: list[str]) -> list[str]:
        out = [""] * previous.columns
        for j, text in enumerate(row):
            if text:
                k = mapping[j]
                out[k] = f"{out[k]} {text}" if out[k] else text
        return out

    previous.rows[-1] = [a + b for a, b in zip(last, placed(first))]
    previous.rows.extend(placed(r) for r in rows[1:end])
    table.rows = rows[end:]
    return True


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers and running headers/footers (the same line at the top or the
    bottom of most pages), so paragraphs and tables can run on across pages."""
    from collections import Counter

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", fold(line.text))

    edges_seen: Counter[str] = Counter()
    for page in pages:
        lines = [it for it in page.items if isinstance(it, _Line)]
        for line in {id(x): x for x in (lines[:1] + lines[-1:])}.values():
            edges_seen[key(line)] += 1
    repeated = {k for k, n in edges_seen.items() if n >= 3 and n >= len(pages) / 2}
    for page in pages:
        for at in (0, -1):
            while page.items and isinstance(page.items[at], _Line):
                line = page.items[at]
                if _PAGE_NUMBER.match(line.text) or key(line) in repeated:
                    page.items.pop(at)
                else:
                    break


def _no_text_finding(doc: Document, pages: list[int]):
    from ..findings import make_finding

    listed = "、".join(str(n) for n in pages)
    finding = make_finding(
        doc, category="missing_part", severity="warning", source="ingest", rule="ingest.no_text_layer",
        title="部分页面没有可提取的文字",
        detail=f"第{listed}页没有可提取的文字（扫描件或字体缺少Unicode映射），这些页面的内容未被审核，"
               f"请先做OCR{_ocr_hint()}。/ pages {', '.join(map(str, pages))}: no extractable text: OCR it first",
        suggestion="请提供带文字层的 PDF，或对扫描页做文字识别（OCR）后重新审核。",
    )
    finding.location.page = pages[0]
    return finding


def _ocr_hint() -> str:
    from .ocr import available, missing_hint_zh

    return "" if available() else f"（{missing_hint_zh()}）"
