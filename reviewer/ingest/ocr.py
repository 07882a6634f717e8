"""Offline OCR for PDF pages without a usable text layer (the `reviewer[ocr]` extra).

A page with no text layer (a scan) or one whose text is cid/U+FFFD garbage (the PDF
reader marks both unreadable; garbage is judged by ingest/quality.py) is rendered
with PDFium and recognised by RapidOCR (`rapidocr-onnxruntime`, whose wheel ships the
Chinese PP-OCR models: nothing is downloaded at run time). The recognised boxes become
the same page items the PDF reader makes from a text layer:

- table grids from the ruling lines seen in the image (the same edges -> cells algorithm
  the PDF reader runs on vector rulings), each cell holding the boxes centred in it;
- unruled tables from box geometry (runs of lines whose segments line up in columns);
- every other box grouped into printed lines, with their geometry, so the layout stage
  joins them into paragraphs as it does for any PDF.

Recognised text goes through one fold map of confusions seen in real scanned reports
(万兀 -> 万元, 预匏数 -> 预算数, O/I/l inside numbers -> 0/1/1). Every substitution keeps
the length, so offsets and quotes still point at the recognised text; it is applied to
OCR text only, never to a text layer.
"""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

EXTRA = "reviewer[ocr]"
INSTALL_HINT = f"pip install '{EXTRA}'"
# Render resolution: 2 x 72 dpi = 144 dpi puts body text at 20-30 px, what PP-OCR reads best.
RENDER_SCALE = 2.0


def available() -> bool:
    """Whether the OCR extra is installed (checked without importing it: that is slow)."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def missing_hint_zh() -> str:
    return f"安装 OCR 扩展（{INSTALL_HINT}）后可自动识别扫描页"


# --- OCR confusions ----------------------------------------------------------------

_NUMBER_UNIT = r"(?:万元|亿元|千元|元|万|亿|%|％|‰|个|人|次|项|户|家|所|台|套|件|份|天|年|月|日|分|平方米|米|公里|吨|亩)"
# A run of digits and digit look-alikes, standing alone among Latin letters.
_DIGITISH = re.compile(r"(?<![A-Za-z])[0-9OoIl]+(?:[.,．][0-9OoIl]+)*(?![A-Za-z])")
_DIGIT_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})
# Character confusions read in context: (pattern of the wrong character with its
# context as look-arounds, right character).
_CHARACTER_FOLDS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?<=[万亿千\d])兀"), "元"),
    (re.compile(r"(?<=[预决核结概])匏(?=数|[执金])"), "算"),
    (re.compile(r"(?<=[预决核结概])茸(?=数|[执金])"), "算"),
]


def fold_confusions(text: str) -> tuple[str, int]:
    """The text with known OCR confusions folded, and how many characters changed. Each
    substitution is one character for one, so every offset into the text still holds."""
    chars = list(text)
    changed = 0
    for pattern, right in _CHARACTER_FOLDS:
        for m in pattern.finditer(text):
            if chars[m.start()] != right:
                chars[m.start()] = right
                changed += 1
    for m in _DIGITISH.finditer(text):
        run = m.group()
        fixed = run.translate(_DIGIT_LOOKALIKE)
        if fixed == run:
            continue
        # A look-alike is a digit beside real digits ("2O21", "9O.5"), or in a run of
        # look-alikes that a unit follows ("IO万元", "l个").
        if not any(ch.isdigit() for ch in run) and not _unit_follows(text, m.end()):
            continue
        for k, (a, b) in enumerate(zip(run, fixed)):
            if a != b:
                chars[m.start() + k] = b
                changed += 1
    out = "".join(chars)
    assert len(out) == len(text)
    return out, changed


def _unit_follows(text: str, pos: int) -> bool:
    return re.match(_NUMBER_UNIT, text[pos:pos + 3]) is not None


# --- recognition ---------------------------------------------------------------------


@dataclass
class Box:
    """One recognised text box, in PDF points from the page's top-left corner."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float = 1.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


_ENGINE = None


def engine():
    """The RapidOCR engine, loaded once per process (loading the models takes a second)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE = RapidOCR()
    return _ENGINE


def render(page, scale: float = RENDER_SCALE):
    """The page as an RGB array."""
    import numpy as np

    bitmap = page.render(scale=scale)
    try:
        return np.array(bitmap.to_pil().convert("RGB"))
    finally:
        bitmap.close()


def recognise(image, scale: float = RENDER_SCALE) -> list[Box]:
    result, _ = engine()(image)
    boxes = []
    for points, text, score in result or []:
        text = text.strip()
        if not text:
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append(Box(min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale, text, float(score)))
    return boxes


def rulings(image, scale: float = RENDER_SCALE) -> list[dict]:
    """Horizontal and vertical ruling lines seen in the image, as the edge dicts the PDF
    reader's table algorithm takes (page points, y growing down)."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    height, width = ink.shape
    edges: list[dict] = []
    # A ruling is longer than any stroke of a character: a tenth of an inch at least.
    min_h = max(int(width / 40), int(18 * scale))
    min_v = max(int(height / 80), int(12 * scale))
    for orientation, kernel in (("h", (min_h, 1)), ("v", (1, min_v))):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for k in range(1, count):
            x, y, w, h, _ = stats[k]
            x0, y0, x1, y1 = x / scale, y / scale, (x + w) / scale, (y + h) / scale
            if orientation == "h":
                mid = (y0 + y1) / 2
                edges.append({"x0": x0, "x1": x1, "top": mid, "bottom": mid, "doctop": mid, "width": x1 - x0,
                              "height": 0, "orientation": "h", "object_type": "line"})
            else:
                mid = (x0 + x1) / 2
                edges.append({"x0": mid, "x1": mid, "top": y0, "bottom": y1, "doctop": y0, "width": 0,
                              "height": y1 - y0, "orientation": "v", "object_type": "line"})
    return edges


# --- boxes into page items -------------------------------------------------------------


def _visual_lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into printed lines (same band: they overlap by half the smaller
    height), top to bottom, each left to right."""
    lines: list[list[Box]] = []
    bands: list[list[float]] = []  # top, bottom of each line
    for box in sorted(boxes, key=lambda b: (b.top, b.x0)):
        for band, line in zip(reversed(bands[-4:]), reversed(lines[-4:])):
            overlap = min(band[1], box.bottom) - max(band[0], box.top)
            if overlap >= 0.5 * min(band[1] - band[0], box.height):
                line.append(box)
                band[0], band[1] = min(band[0], box.top), max(band[1], box.bottom)
                break
        else:
            lines.append([box])
            bands.append([box.top, box.bottom])
    for line in lines:
        line.sort(key=lambda b: b.x0)
    order = sorted(range(len(lines)), key=lambda i: bands[i][0])
    return [lines[i] for i in order]


def _segments(line: list[Box]) -> list[list[Box]]:
    """A line's boxes split where the gap between them is wider than two characters (a
    column gap, not a space between words)."""
    out: list[list[Box]] = []
    for box in line:
        if out:
            prev = out[-1][-1]
            if box.x0 - prev.x1 <= 2.0 * min(box.height, prev.height):
                out[-1].append(box)
                continue
        out.append([box])
    return out


def _join(boxes: list[Box]) -> str:
    from .pdf import _clean

    return _clean(" ".join(b.text for b in boxes))


def _cell_text(boxes: list[Box]) -> str:
    """Boxes inside one cell: lines wrapped inside a cell are one value."""
    return "".join(_join(line) for line in _visual_lines(boxes))


def _ruled_tables(boxes: list[Box], edges: list[dict], image=None, scale: float = RENDER_SCALE):
    """Grids from the image's rulings, each cell filled with the boxes centred in it.
    A cell left empty that shows ink (a lone digit the detector passed over: score
    tables are full of them) is recognised on its own. Returns the tables and the boxes
    they took."""
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    from .pdf import _Table

    if len(edges) < 4:
        return [], set()
    merged = filter_edges(merge_edges(edges, 3, 3, 3, 3), min_length=3)
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    taken: set[int] = set()
    tables = []
    retry: list[tuple[list[str], int, object]] = []  # (row, column, crop) of inked empty cells
    for group in cells_to_tables(cells):
        table = Table(None, group)
        rows = []
        for row in table.rows:
            out: list[str] = []
            for bbox in row.cells:
                if bbox is None:
                    out.append("")
                    continue
                x0, top, x1, bottom = bbox
                inside = [b for b in boxes if id(b) not in taken and x0 <= b.cx <= x1 and top <= b.cy <= bottom]
                taken.update(id(b) for b in inside)
                out.append(_cell_text(inside))
                if not inside and image is not None:
                    crop = _inked_crop(image, bbox, scale)
                    if crop is not None:
                        retry.append((out, len(out) - 1, crop))
            rows.append(out)
        tables.append((table.bbox, rows))
    if retry:
        recognised, _ = engine().text_rec([crop for _, _, crop in retry])
        for (out, k, _), (text, score) in zip(retry, recognised):
            if score >= 0.5 and text.strip():
                out[k], _ = fold_confusions(_clean_text(text))
    found = []
    for (x0, top, x1, bottom), rows in tables:
        if any(any(c for c in row) for row in rows):  # else a frame or a stamp's box
            found.append(_Table(top, bottom, rows))
    return found, taken


def _clean_text(text: str) -> str:
    from .pdf import _clean

    return _clean(text)


def _inked_crop(image, bbox, scale: float):
    """The ink inside a cell (its rulings left out), cut out with a margin, or None for
    a blank cell."""
    import numpy as np

    x0, top, x1, bottom = (int(round(v * scale)) for v in bbox)
    inset = int(3 * scale)
    region = image[top + inset:bottom - inset, x0 + inset:x1 - inset]
    if region.size == 0:
        return None
    dark = region.min(axis=2) < 128 if region.ndim == 3 else region < 128
    if dark.sum() < 12 * scale:
        return None
    ys, xs = np.nonzero(dark)
    pad = int(4 * scale)
    y0, y1 = max(ys.min() - pad, 0), min(ys.max() + pad + 1, region.shape[0])
    xa, xb = max(xs.min() - pad, 0), min(xs.max() + pad + 1, region.shape[1])
    return np.ascontiguousarray(region[y0:y1, xa:xb])


def _unruled_tables(lines: list[list[Box]]):
    """Runs of at least three printed lines that each break into two or more segments
    lining up in the same columns: a table printed without rulings. Returns (first line
    index, last line index, table) per run."""
    from .pdf import _Table

    found = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(_segments(lines[j])) >= 2:
            j += 1
        if j - i >= 3:
            rows = _columns([_segments(line) for line in lines[i:j]])
            if rows:
                top = min(b.top for b in lines[i])
                bottom = max(b.bottom for b in lines[j - 1])
                found.append((i, j - 1, _Table(top, bottom, rows)))
        i = max(j, i + 1)
    return found


def _columns(rows: list[list[list[Box]]]) -> list[list[str]] | None:
    """Column bands from the union of overlapping segment spans; each segment goes to the
    band holding its centre. None when the rows do not line up (a band per segment)."""
    spans = sorted((seg[0].x0, seg[-1].x1) for row in rows for seg in row)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    if len(bands) < 2 or len(bands) > max(len(r) for r in rows) + 2:
        return None
    out = []
    for row in rows:
        cells = [""] * len(bands)
        for seg in row:
            cx = (seg[0].x0 + seg[-1].x1) / 2
            k = next((n for n, (a, b) in enumerate(bands) if a <= cx <= b), None)
            if k is not None:
                cells[k] = cells[k] + _join(seg)
        out.append(cells)
    return out


def page_items(boxes: list[Box], edges: list[dict], image=None, scale: float = RENDER_SCALE) -> list:
    """The page's tables and printed lines (the PDF reader's `_Table` and `_Line`),
    sorted top to bottom."""
    from .pdf import _Line

    tables, taken = _ruled_tables(boxes, edges, image, scale)
    rest = [b for b in boxes if id(b) not in taken]
    lines = _visual_lines(rest)
    items: list = list(tables)
    unruled = _unruled_tables(lines)
    in_table = {k for first, last, _ in unruled for k in range(first, last + 1)}
    items.extend(t for _, _, t in unruled)
    for k, line in enumerate(lines):
        if k in in_table:
            continue
        text = _join(line)
        if text:
            items.append(_Line(min(b.x0 for b in line), max(b.x1 for b in line),
                               min(b.top for b in line), max(b.bottom for b in line), text))
    items.sort(key=lambda it: it.top)
    return items


@dataclass
class PageResult:
    items: list
    folded: int  # characters changed by the confusion fold map


def read_page(page) -> PageResult:
    """One PDF page recognised into page items."""
    image = render(page)
    boxes = recognise(image)
    folded = 0
    for box in boxes:
        box.text, n = fold_confusions(box.text)
        folded += n
    return PageResult(page_items(boxes, rulings(image), image), folded)


# --- the PDF reader's hook ---------------------------------------------------------------


def recognise_pages(pdf, pages: list, check=None) -> tuple[list[int], int]:
    """Replace every page the PDF reader found unreadable (no text layer, or a garbage
    one: see ingest/quality.py) by its OCR reading, when the extra is installed. `check`
    is called before each page (the time limit). Returns the page numbers read by OCR
    and the characters the confusion map folded."""
    if not available() or not any(p.unreadable for p in pages):
        return [], 0
    numbers, folded = [], 0
    for i, page in enumerate(pages):
        if not page.unreadable:
            continue
        if check is not None:
            check()
        result = read_page(pdf[i])
        if not result.items:
            continue  # still unreadable: the reader's warning names the page
        page.items = result.items
        page.hidden = []
        page.has_text, page.unreadable = True, False
        if hasattr(page, "garbage"):
            page.garbage = False
        numbers.append(i + 1)
        folded += result.folded
    return numbers, folded


def mark_ocr_pages(doc: "Document", pages: list[int], folded: int) -> None:
    """Tag every block on an OCR page with origin "ocr" and say which pages were read by
    OCR in one ingest finding (its quotes are recognised text, not the file's own)."""
    from ..findings import make_finding

    on = set(pages)
    for block in doc.blocks:
        if block.page in on:
            block.origin = "ocr"
    listed = "、".join(str(n) for n in pages)
    fixed = f"，已按常见误识纠正 {folded} 个字符（如“万兀”→“万元”、数字中的 O/l→0/1）" if folded else ""
    finding = make_finding(
        doc, category="boilerplate", severity="info", source="ingest", rule="ingest.ocr",
        title="部分页面由文字识别（OCR）读取",
        detail=f"第{listed}页没有可用的文字层（扫描件或字体缺少Unicode映射），已用 OCR 识别后审核{fixed}；"
               f"这些页上的意见引文为识别出的文字，数字可能有误识，请对照原件核实。"
               f" / pages {', '.join(map(str, pages))} were read by OCR",
        suggestion="如有带文字层的电子版（由 Word/WPS 直接导出的 PDF），请提供电子版以获得更准确的审核结果。",
    )
    finding.location.page = pages[0]
    doc.ingest_findings.append(finding)


def ocr_page_note(doc: "Document", page: int | None) -> str:
    """The note a finding on an OCR page carries (empty on other pages)."""
    if page is None:
        return ""
    on_ocr = any(b.origin == "ocr" and b.page == page for b in doc.blocks)
    return f"（第{page}页为 OCR 识别页，引文为识别文字）" if on_ocr else ""


def note_ocr_findings(doc: "Document", findings: list) -> None:
    """Say on every finding located on an OCR page that it is one (appended to the
    detail), so a reader checks the figure against the scan."""
    pages = {b.page for b in doc.blocks if b.origin == "ocr"}
    if not pages:
        return
    for f in findings:
        page = f.location.page
        if page in pages and f.rule != "ingest.ocr" and "OCR 识别页" not in f.detail:
            f.detail = f"{f.detail}{ocr_page_note(doc, page)}"
