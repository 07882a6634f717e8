"""Spreadsheets (.xlsx with openpyxl, .xls with xlrd or through LibreOffice): every sheet
is one page holding one table, so a 自评表 filled in Excel gets the same score-table and
money-table checks as one in Word.

A merged range keeps its value in its top-left cell and leaves the others empty, as the
Word reader does. Leading and trailing rows with a single filled cell (the sheet's
title, 单位：万元, 填表人 …) are paragraphs around the table, not rows of it. Values are
read as Excel shows them: formulas by their saved result, whole numbers without ".0",
percentages with their sign.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from decimal import Decimal

from ..document import Document, DocumentBuilder
from ..errors import InputError
from ..limits import surface_timeout

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def format_value(value, number_format: str = "General") -> str:
    """A cell's value as the sheet shows it (without thousands separators)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (_dt.datetime, _dt.date)):
        if isinstance(value, _dt.datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
            value = value.date()
        return value.isoformat()
    if isinstance(value, (int, float)):
        fmt = number_format or "General"
        percent = "%" in fmt
        number = Decimal(repr(value)) * (100 if percent else 1)
        decimals = _format_decimals(fmt)
        if decimals is not None:
            number = round(number, decimals)
        else:
            # Binary floating point noise (0.1 + 0.2) left out, as Excel's display does.
            number = Decimal(format(float(number), ".12g"))
        text = format(number, "f")
        if "." in text and decimals is None:
            text = text.rstrip("0").rstrip(".")
        return text + ("%" if percent else "")
    return str(value).replace("\r\n", "\n").strip()


def _format_decimals(fmt: str) -> int | None:
    """Decimals a number format fixes ("0.00" -> 2, "0%" -> 0), None for General."""
    if fmt in ("General", "@", ""):
        return None
    section = fmt.split(";")[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    m = re.search(r"0\.(0+)", section)
    if m:
        return len(m.group(1))
    return 0 if "0" in section or "#" in section else None


def _trim(grid: list[list[str]]) -> list[list[str]]:
    """The used range: empty rows and columns at the edges left out."""
    rows = [r for r in grid]
    while rows and not any(rows[-1]):
        rows.pop()
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    filled = [c for c in range(width) if any(r[c] for r in rows)]
    if not filled:
        return []
    return [r[filled[0]:filled[-1] + 1] for r in rows]


def _split_notes(rows: list[list[str]]) -> tuple[list[str], list[list[str]], list[str]]:
    """Leading and trailing single-cell rows (titles, unit lines, signatures) as text."""
    def single(row: list[str]) -> bool:
        return sum(1 for c in row if c) <= 1

    head: list[str] = []
    tail: list[str] = []
    while rows and single(rows[0]):
        text = next((c for c in rows[0] if c), "")
        if text:
            head.append(text)
        rows = rows[1:]
    while rows and single(rows[-1]):
        text = next((c for c in rows[-1] if c), "")
        if text:
            tail.insert(0, text)
        rows = rows[:-1]
    return head, rows, tail


def build(sheets: list[tuple[str, list[list[str]]]], path: str) -> Document:
    """One page per sheet: its name when there are several, title lines, the table, notes."""
    from ..layout import recover

    builder = DocumentBuilder(path, "docx")
    first = True
    for name, grid in sheets:
        rows = _trim(grid)
        if not rows:
            continue
        if not first:
            builder.new_page()
        first = False
        head, table, tail = _split_notes(rows)
        if len(sheets) > 1 and not head:
            builder.add_paragraph(name)
        for text in head:
            for line in text.split("\n"):
                builder.add_paragraph(line)
        if table:
            builder.add_table(table, origin="sheet")
        for text in tail:
            for line in text.split("\n"):
                builder.add_paragraph(line)
    return recover(builder.build())


def _check_package(data: bytes, path: str, limits) -> None:
    """A workbook that unpacks far beyond its size (a zip bomb) is refused before reading."""
    from ..limits import resolve

    from .docx import check_package

    limits = resolve(limits)
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:  # damaged zip headers raise struct, zlib, overflow and decoding errors too
        raise InputError(f"Excel 文件已损坏，无法打开：{path}", f"corrupt XLSX (bad zip): {path}") from None
    check_package(members, path, limits, label="Excel")


def read_xlsx(data: bytes, path: str, limits=None) -> list[tuple[str, list[list[str]]]]:
    import openpyxl  # imported here to keep start-up fast

    if data.startswith(_OLE_MAGIC):
        raise InputError(f"Excel 文件已加密或是旧版 .xls 格式，请另存为未加密的 .xlsx 后再审核：{path}",
                         f"encrypted workbook or legacy .xls (OLE container): {path}")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"Excel 文件已损坏或不是 .xlsx 工作簿：{path}", f"corrupt XLSX (not a zip package): {path}")
    _check_package(data, path, limits)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a broken package
        surface_timeout(e)
        raise InputError(f"Excel 文件已损坏，无法打开：{path}", f"corrupt XLSX: {path}: {type(e).__name__}: {e}") from None
    sheets = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue  # hidden sheets hold lookup lists, not the report
        grid = [[format_value(cell.value, cell.number_format) for cell in row]
                for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column)]
        # openpyxl already leaves the non-anchor cells of a merged range empty.
        sheets.append((sheet.title, grid))
    return sheets


def read_xls(data: bytes, path: str) -> list[tuple[str, list[list[str]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as e:
        surface_timeout(e)
        raise InputError(f"Excel（.xls）文件已损坏或已加密，无法打开：{path}",
                         f"corrupt or encrypted XLS: {path}: {type(e).__name__}: {e}") from None
    sheets = []
    for sheet in book.sheets():
        if getattr(sheet, "visibility", 0):
            continue
        covered = set()
        for r0, r1, c0, c1 in sheet.merged_cells:
            covered.update((r, c) for r in range(r0, r1) for c in range(c0, c1) if (r, c) != (r0, c0))
        grid = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                if (r, c) in covered:
                    row.append("")
                    continue
                cell = sheet.cell(r, c)
                row.append(_xls_value(book, cell))
            grid.append(row)
        sheets.append((sheet.name, grid))
    return sheets


def _xls_value(book, cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return format_value(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_DATE:
        return format_value(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        fmt = "General"
        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
        if xf is not None and xf.format_key in book.format_map:
            fmt = book.format_map[xf.format_key].format_str
        return format_value(cell.value, fmt)
    return format_value(cell.value)


def parse_xlsx(data: bytes, path: str, limits=None) -> Document:
    return build(read_xlsx(data, path, limits), path)


def parse_xls(data: bytes, path: str, limits=None) -> Document:
    """A legacy workbook: xlrd when installed, else LibreOffice's conversion to XLSX."""
    import importlib.util

    if importlib.util.find_spec("xlrd") is not None:
        return build(read_xls(data, path), path)
    from .office import TIMEOUT, convert

    timeout = min(TIMEOUT, limits.time_limit) if limits is not None else TIMEOUT
    return parse_xlsx(convert(data, path, ".xls", "xlsx", timeout), path, limits)
