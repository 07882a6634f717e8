"""Money tables: column totals against 合计/小计 rows, "其中" columns that exceed their
parent column, and execution-rate columns recomputed from the row's own figures.

Score tables (得分/分值/权重 columns) are left to scoretable.py, except their rate columns.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Block, Cell, Document
from ..figures import to_decimal
from ..models import Finding
from ..textmatch import fold
from .common import consistent, decimals_of, fmt, prepass_finding, severity_of

_NUMERIC = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")
_TOTAL_ROW = re.compile(r"^(金额)?(合计|总计|小计|总额|共计)")
_SCORE_HEADER = re.compile(r"得分|分值|权重|评分")
_CHILD_HEADER = re.compile(r"^其中[:：]?")
_RATE_HEADER = re.compile(r"执行率|完成率|到位率|支出率")
_BUDGET_HEADER = re.compile(r"预算|计划|安排")
_ACTUAL_HEADER = re.compile(r"执行数|决算|实际|支出数|到位")


def _number(cell: Cell) -> Decimal | None:
    t = fold(cell.text).replace("万元", "").replace("元", "")
    return to_decimal(t) if _NUMERIC.match(t) else None


def _header_row(table: Block) -> int | None:
    for ri, row in enumerate(table.rows[:4]):
        texts = [fold(c.text) for c in row]
        if sum(1 for t in texts if t and not _NUMERIC.match(t)) >= 3:
            return ri
    return None


def _is_score_table(table: Block, header: list[Cell]) -> bool:
    return any(_SCORE_HEADER.search(fold(c.text)) for c in header)


def _grid(table: Block) -> list[list[Cell | None]]:
    width = max(len(r) for r in table.rows)
    return [list(r) + [None] * (width - len(r)) for r in table.rows]


def check_table_totals(doc: Document, table: Block, hi: int, out: list[Finding]) -> None:
    grid = _grid(table)
    width = len(grid[0])
    segment_start = hi + 1
    for ri in range(hi + 1, len(grid)):
        row = grid[ri]
        label = next((fold(c.text) for c in row[:3] if c and fold(c.text)), "")
        if not _TOTAL_ROW.match(label):
            continue
        for ci in range(width):
            cell = row[ci]
            stated = _number(cell) if cell else None
            if stated is None:
                continue
            parts = [grid[r][ci] for r in range(segment_start, ri) if grid[r][ci] and _number(grid[r][ci]) is not None]
            if len(parts) < 2:
                continue
            total = sum(_number(p) for p in parts)
            if consistent(cell.text.strip(), total):
                continue
            header = fold(grid[hi][ci].text) if grid[hi][ci] else f"第{ci + 1}列"
            d = max(decimals_of(fold(p.text)) for p in parts)
            out.append(prepass_finding(
                doc, category="arithmetic", rule="arithmetic.table_total", title="表格合计与分项之和不符",
                detail=f"“{header}”列：{' + '.join(fold(p.text) for p in parts)} = {fmt(total, d)}，合计行写{fold(cell.text)}。",
                span=(cell.start, cell.end), stated=fold(cell.text), expected=fmt(total, d),
                severity=severity_of(fold(cell.text), total), suggestion="核对表格合计行与各行数据。",
            ))
        segment_start = ri + 1


def check_child_columns(doc: Document, table: Block, hi: int, out: list[Finding]) -> None:
    """A "其中：…" column is part of the nearest column to its left that is not one."""
    grid = _grid(table)
    header = grid[hi]
    for ci, cell in enumerate(header):
        if not cell or not _CHILD_HEADER.match(fold(cell.text)):
            continue
        parent = next((pj for pj in range(ci - 1, -1, -1) if header[pj] and not _CHILD_HEADER.match(fold(header[pj].text))), None)
        if parent is None:
            continue
        flagged = False
        for ri in range(hi + 1, len(grid)):
            child_cell, parent_cell = grid[ri][ci], grid[ri][parent]
            row_label = next((fold(c.text) for c in grid[ri] if c and fold(c.text)), "")
            if flagged and _TOTAL_ROW.match(row_label):
                continue  # a total row only repeats the row already reported
            if not child_cell or not parent_cell:
                continue
            child, whole = _number(child_cell), _number(parent_cell)
            if child is None or whole is None or child <= whole:
                continue
            flagged = True
            row_label = row_label[:20]
            out.append(prepass_finding(
                doc, category="inconsistency", rule="arithmetic.part_exceeds_whole", title="其中数大于总数",
                detail=f"“{row_label}”一行：{fold(header[parent].text)}为{fold(parent_cell.text)}，"
                       f"{fold(cell.text)}却为{fold(child_cell.text)}，部分大于整体。",
                span=(child_cell.start, child_cell.end), stated=fold(child_cell.text), expected=f"≤{fold(parent_cell.text)}",
                suggestion=f"核对该行的{fold(header[parent].text)}与{fold(cell.text)}。",
            ))


def check_rate_columns(doc: Document, table: Block, hi: int, out: list[Finding]) -> None:
    grid = _grid(table)
    header = [fold(c.text) if c else "" for c in grid[hi]]
    rate_cols = [i for i, h in enumerate(header) if _RATE_HEADER.search(h)]
    if not rate_cols:
        return
    budget_cols = [i for i, h in enumerate(header) if _BUDGET_HEADER.search(h) and not _RATE_HEADER.search(h)]
    actual_cols = [i for i, h in enumerate(header) if _ACTUAL_HEADER.search(h) and not _RATE_HEADER.search(h)]
    if not budget_cols or not actual_cols:
        return
    for ri in range(hi + 1, len(grid)):
        for rc in rate_cols:
            cell = grid[ri][rc]
            if not cell:
                continue
            t = fold(cell.text).rstrip("%")
            if not _NUMERIC.match(t):
                continue
            actual = next((_number(grid[ri][a]) for a in actual_cols if grid[ri][a] and _number(grid[ri][a]) is not None), None)
            budgets = [_number(grid[ri][b]) for b in budget_cols if grid[ri][b] and _number(grid[ri][b])]
            if actual is None or not budgets:
                continue
            # Year-start or adjusted budget: either may be the denominator.
            if any(consistent(t, actual / b * 100) for b in budgets):
                continue
            recomputed = actual / budgets[-1] * 100
            out.append(prepass_finding(
                doc, category="ratio", rule="ratio.table_rate", title="表中执行率与重算不符",
                detail=f"执行数{actual} ÷ 预算数{budgets[-1]} = {fmt(recomputed, 2)}%，表中写{fold(cell.text)}。",
                span=(cell.start, cell.end), stated=fold(cell.text), expected=f"{fmt(recomputed, 2)}%",
                severity=severity_of(t, recomputed), suggestion="按执行数÷预算数重新计算执行率。",
            ))


def check_tables(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    for table in doc.tables:
        if not table.rows:
            continue
        hi = _header_row(table)
        if hi is None:
            continue
        check_rate_columns(doc, table, hi, out)
        if not _is_score_table(table, table.rows[hi]):
            check_table_totals(doc, table, hi, out)
            check_child_columns(doc, table, hi, out)
    return out
