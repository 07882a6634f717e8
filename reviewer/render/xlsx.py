"""The 审核意见表 as an Excel workbook: one row per finding, ready to filter and print."""
from __future__ import annotations

import io
from typing import Any

from ..models import CATEGORY_LABELS, KIND_LABELS, SEVERITY_LABELS, SOURCE_LABELS, Finding, Review

SHEET_TITLE = "审核意见表"
COLUMNS: list[tuple[str, int]] = [  # (header, width in characters)
    ("序号", 6),
    ("严重程度", 9),
    ("类别", 14),
    ("章节", 22),
    ("页码", 6),
    ("原文", 48),
    ("问题说明", 48),
    ("修改建议", 36),
    ("来源", 10),
]
SEVERITY_FILL = {"error": "FBD0D0", "warning": "FFE7A3", "info": "CFE6FF"}
QUOTE_LIMIT = 1000  # a quote longer than this is cut: a cell is for reading, not for the whole table


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


def _explanation(f: Finding) -> str:
    parts = [f.title]
    if f.detail:
        parts.append(f.detail)
    if f.stated is not None or f.expected is not None:
        parts.append(f"文中：{f.stated or '—'}；核算：{f.expected or '—'}")
    if f.quote and not f.grounded:
        parts.append("（引文未能在原文中定位）")
    return "\n".join(parts)


def _quote(f: Finding) -> str:
    q = f.quote.strip()
    return q if len(q) <= QUOTE_LIMIT else q[:QUOTE_LIMIT] + "…"


def finding_row(n: int, f: Finding) -> list[Any]:
    return [
        n,
        SEVERITY_LABELS[f.severity],
        CATEGORY_LABELS[f.category],
        f.location.section or "",
        f.location.page,
        _quote(f),
        _explanation(f),
        f.suggestion,
        SOURCE_LABELS[f.source],
    ]


def style_header(ws, widths: list[int]) -> None:
    """Bold shaded header row, frozen, with filters and column widths."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    for col, width in enumerate(widths, 1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True, name="宋体")
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(ws.max_row, 1)}"
    ws.print_title_rows = "1:1"


def render_xlsx(review: Review) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for col, (header, _) in enumerate(COLUMNS, 1):
        put(ws, 1, col, header)
    thin = Side(style="thin", color="BBBBBB")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    for n, f in enumerate(review.findings, 1):
        row = n + 1
        for col, value in enumerate(finding_row(n, f), 1):
            cell = put(ws, row, col, value)
            cell.alignment = center if col in (1, 2, 5, 9) else wrap
            cell.border = border
            cell.font = Font(name="宋体")
        ws.cell(row=row, column=2).fill = PatternFill("solid", fgColor=SEVERITY_FILL[f.severity])
    style_header(ws, [w for _, w in COLUMNS])
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    info = wb.create_sheet("报告信息")
    d, s = review.document, review.summary
    rows = [
        ("单位", d.unit or "（未识别）"),
        ("年度", d.year or "（未识别）"),
        ("报告类型", KIND_LABELS.get(d.kind, d.kind)),
        *(("说明", note) for note in d.notes),
        ("文件", d.path),
        ("格式", d.format.upper()),
        ("页数", d.pages),
        ("错误", s.errors),
        ("警告", s.warnings),
        ("提示", s.infos),
        ("模型审查", f"{s.llm.model}（调用 {s.llm.calls} 次）" if s.llm.used else "未启用"),
    ]
    for r, (key, value) in enumerate(rows, 1):
        put(info, r, 1, key).font = Font(bold=True)
        put(info, r, 2, value)
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 60

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
