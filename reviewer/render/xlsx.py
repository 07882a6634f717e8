"""The 审核意见表 as an Excel workbook, ready to print and send back.

One sheet: title, header block, overall conclusion, then one row per finding with the
columns of reviewer/commentlist.py. Row heights are set explicitly from the text length
and column width, because LibreOffice and WPS show a wrapped cell one line high when the
file does not say otherwise. A4 landscape, fitted to the page width, the table header
repeated on each page, page numbers in the footer.
"""
from __future__ import annotations

import io
import math
import unicodedata
from typing import Any, Optional

from ..commentlist import COLUMNS as LIST_COLUMNS
from ..commentlist import CommentList, ListOptions, build_comment_list, counts_line
from ..models import Finding, Review

SHEET_TITLE = "审核意见表"
WIDTHS = [5, 9, 16, 8, 36, 40, 14, 28, 22, 16, 10]  # characters, one per list column
COLUMNS: list[tuple[str, int]] = list(zip(LIST_COLUMNS, WIDTHS))
CENTERED = {"序号", "严重程度", "页码", "整改情况"}
SEVERITY_FILL = {"error": "FBD0D0", "warning": "FFE7A3", "info": "CFE6FF"}
FONT_NAME = "宋体"
FONT_SIZE = 10
LINE_HEIGHT = 15.0  # points per wrapped line of 10 pt CJK text (the CJK fonts' line gap is large)
ROW_PADDING = 5.0
MAX_ROW_HEIGHT = 409.0  # the largest height a spreadsheet row can have


def clean_cell(value: Any) -> Any:
    """Text safe for a cell: no control characters openpyxl refuses."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(ws, row: int, column: int, value: Any):
    """Write a cell; text that starts with "=" stays text, never a formula."""
    cell = ws.cell(row=row, column=column, value=clean_cell(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def style_header(ws, widths: list[int], row: int = 1) -> None:
    """Bold shaded header row, frozen, with filters and column widths."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    for col, width in enumerate(widths, 1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(bold=True, name=FONT_NAME)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{row + 1}"
    ws.auto_filter.ref = f"A{row}:{get_column_letter(len(widths))}{max(ws.max_row, row)}"
    ws.print_title_rows = f"{row}:{row}"


def text_units(text: str) -> float:
    """Width of text in column-width units: a CJK or full-width character takes two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped in a column `width` characters wide."""
    usable = max(1.0, width - 1.5)  # cell padding
    lines = 0
    for paragraph in str(text).split("\n"):
        # Latin words wrap whole, so a line loses up to a word's width: count 8% more.
        lines += max(1, math.ceil(text_units(paragraph) * 1.08 / usable))
    return lines


def row_height(values: list[Any], widths: list[float]) -> float:
    lines = max((wrapped_lines(v, w) for v, w in zip(values, widths) if v not in (None, "")), default=1)
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING)


def _page_setup(ws) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True


def workbook_of(cl: CommentList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ncols = len(COLUMNS)
    last = get_column_letter(ncols)
    total_width = float(sum(WIDTHS))
    font = Font(name=FONT_NAME, size=FONT_SIZE)
    bold = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)

    def banner(r: int, text: str, size: int, bold_text: bool = True, height: Optional[float] = None) -> None:
        ws.merge_cells(f"A{r}:{last}{r}")
        cell = put(ws, r, 1, text)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold_text)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[r].height = height or size * 1.6 + 6

    def pair(r: int, key: str, value: str) -> None:
        ws.merge_cells(f"A{r}:B{r}")
        ws.merge_cells(f"C{r}:{last}{r}")
        put(ws, r, 1, key).font = bold
        cell = put(ws, r, 3, value)
        cell.font = font
        cell.alignment = wrap
        ws.row_dimensions[r].height = row_height([value], [total_width - WIDTHS[0] - WIDTHS[1]])

    banner(1, cl.title, 16)
    banner(2, cl.subtitle, 12)
    r = 3
    for key, value in cl.header:
        pair(r, key, value)
        r += 1
    pair(r, "总体结论", f"{cl.conclusion}。{cl.conclusion_reason}")
    ws.cell(row=r, column=3).font = bold
    r += 1
    pair(r, "意见数量", counts_line(cl))
    r += 1
    for note in cl.notes:
        pair(r, "说明", note)
        r += 1
    r += 1
    header_row = r
    for col, (name, _) in enumerate(COLUMNS, 1):
        put(ws, header_row, col, name)
    ws.row_dimensions[header_row].height = LINE_HEIGHT * 2 + ROW_PADDING

    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for i, row in enumerate(cl.rows, 1):
        rr = header_row + i
        values = row.cells()
        for col, value in enumerate(values, 1):
            cell = put(ws, rr, col, value if value != "" else None)
            cell.alignment = center if COLUMNS[col - 1][0] in CENTERED else wrap
            cell.border = border
            cell.font = font
        ws.cell(row=rr, column=2).fill = PatternFill("solid", fgColor=SEVERITY_FILL[row.severity])
        ws.row_dimensions[rr].height = row_height(values, WIDTHS)
    style_header(ws, WIDTHS, header_row)
    ws.freeze_panes = None  # a frozen header block would fill the screen
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(cl.rows), 0)}"
    end = header_row + len(cl.rows) + 2
    if not cl.rows:
        pair(end - 1, "意见", "未发现问题。")
    ws.merge_cells(f"A{end}:{last}{end}")
    cell = put(ws, end, 1, cl.footer)
    cell.font = Font(name=FONT_NAME, size=9, italic=True)
    cell.alignment = wrap
    ws.row_dimensions[end].height = row_height([cl.footer], [total_width])
    _page_setup(ws)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render_xlsx(review: Review, options: Optional[ListOptions] = None, *,
                status: Optional[dict[str, str]] = None, fixed: Optional[list[Finding]] = None,
                previous: Optional[Review] = None) -> bytes:
    return workbook_of(build_comment_list(review, options, status=status, fixed=fixed, previous=previous))
