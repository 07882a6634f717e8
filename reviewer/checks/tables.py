"""Money tables, read through the semantic table model (reviewer/tables):

- a parent row (科目编码 prefix, 类/款/项 columns, numbering) = Σ its direct children;
- a total row = Σ the top-level rows of its segment (a 小计 closes the items since the
  last boundary; a 合计/总计 sums what stands above it, earlier totals included, so
  本年收入合计 + 年初结转和结余 = 总计); a total printed on top sums the rows below it;
- a 合计 column = Σ the columns it heads (本年支出合计 = 基本支出 + 项目支出);
- side-by-side halves balance: 收入总计 = 支出总计;
- 其中 rows: each ≤ its parent; all of them = the parent when they list every part
  (a catch-all 其他 line, or the sources of a 年度资金总额 funds block); else Σ ≤ parent;
- 其中 columns ≤ the column they are part of;
- execution-rate columns = actual ÷ budget (either budget may be the denominator).

A recomputed sum that is two or three times the stated one means the reader counted
subtotals twice: never a finding. Where the structure is uncertain the check is quiet.
Score tables (得分/分值 columns) are left to scoretable.py except their rate columns
and funds blocks.
"""
from __future__ import annotations

from decimal import Decimal

from ..document import Document
from ..models import Finding
from ..tables import build_tables
from ..tables import words as W
from ..tables.model import Column, Row, Table
from ..tables.values import Value
from .common import consistent, fmt, prepass_finding, severity_of

HUNDRED = Decimal(100)


def _amount(v: Value | None) -> Decimal | None:
    """A money cell as a number: blank (empty, —) counts as 0; text makes it None."""
    if v is None or v.is_blank:
        return Decimal(0)
    if v.number is None or v.percent or v.comparator:
        return None
    return v.number


def _stated(v: Value | None) -> Value | None:
    return v if v is not None and v.number is not None and not v.percent else None


def _sum(values: list[Value | None]) -> tuple[Decimal, int, int] | None:
    """(sum, decimals, how many numbers) of part cells, or None when one is not a number."""
    total, decimals, count = Decimal(0), 0, 0
    for v in values:
        amount = _amount(v)
        if amount is None:
            return None
        if v is not None and v.number is not None:
            count += 1
            decimals = max(decimals, v.decimals)
        total += amount
    return total, decimals, count


def _double_counted(stated: Decimal, recomputed: Decimal) -> bool:
    """2× or 3× the stated total: the reader added subtotals as well (within a cent per part)."""
    if stated == 0:
        return False
    return any(abs(recomputed - k * stated) <= Decimal("0.05") * k for k in (2, 3))


def rounding_noise(stated: Decimal, recomputed: Decimal, parts: int, decimals: int) -> bool:
    """True when the gap is what rounding n parts (each to `decimals` places, each off by up
    to half a unit, uniformly) can produce: within 2.5 standard deviations of that error,
    and never less than one unit. 12 parts may drift 2 cents; 5 parts may not drift 3.
    Whole numbers are taken as exact (counts, amounts in 元)."""
    if decimals <= 0:
        return False
    unit = Decimal(1).scaleb(-decimals)
    allowed = max(Decimal(1), Decimal(2.5) * (Decimal(parts + 1) / 12).sqrt()) * unit
    return abs(stated - recomputed) <= allowed


def _mismatch(stated: Value, parts: list[Value | None]) -> tuple[Decimal, int] | None:
    """(recomputed, decimals) when the parts do not add up to the stated cell."""
    summed = _sum(parts)
    if summed is None:
        return None
    total, decimals, count = summed
    if count == 0 or _double_counted(stated.number, total):
        return None
    d = max(decimals, stated.decimals)
    if consistent(stated.shown, total) or rounding_noise(stated.number, total, count, d):
        return None
    return total, d


def _parts_text(parts: list[Value | None], limit: int = 12) -> str:
    shown = [p.text for p in parts if p is not None and p.number is not None]
    if len(shown) > limit:
        shown = shown[:limit] + ["…"]
    return " + ".join(shown)


def _money_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.role in W.MONEY_ROLES]


def _where(table: Table) -> str:
    name = table.caption or "表格"
    return f"{name}（{table.half}部分）" if table.half else name


# --- parent rows = Σ children ----------------------------------------------------------------


def check_parent_rows(doc: Document, table: Table, out: list[Finding]) -> None:
    children: dict[int, list[Row]] = {}
    for row in table.rows:
        if row.parent is not None and row.role == "item":
            children.setdefault(row.parent, []).append(row)
    for parent_index, kids in children.items():
        parent = table.rows[parent_index]
        for col in _money_columns(table):
            stated = _stated(parent.value(col.index))
            if stated is None:
                continue
            parts = [k.value(col.index) for k in kids]
            miss = _mismatch(stated, parts)
            if miss is None:
                continue
            total, d = miss
            kind = "下级科目" if table.structure == "code" else "所属分项"
            out.append(prepass_finding(
                doc, category="arithmetic", rule="arithmetic.table_parent", title="表格上级项目与下级项目之和不符",
                detail=f"{_where(table)}“{col.name}”列：“{parent.label}”写{stated.text}，其{kind}"
                       f"{_parts_text(parts)} = {fmt(total, d)}。",
                span=(stated.cell.start, stated.cell.end), stated=stated.text, expected=fmt(total, d),
                severity=severity_of(stated.shown, total, d), suggestion="核对上级项目与其下级各项的金额。",
            ))


# --- total rows = Σ top-level rows ------------------------------------------------------------


def _top_level(row: Row) -> bool:
    return row.parent is None and row.role in ("item", "subtotal", "total")


def _uncertain_totals(table: Table) -> bool:
    # In a 科目编码 table every item row carries a code; one without means rows were glued or cut.
    return table.structure == "code" and any(r.role == "item" and r.code is None and _top_level(r)
                                             for r in table.rows)


def check_total_rows(doc: Document, table: Table, out: list[Finding]) -> None:
    if _uncertain_totals(table):
        return
    for col in _money_columns(table):
        pending: list[tuple[Value | None, str]] = []  # (value, "item" | "boundary")
        on_top: Row | None = None
        for row in table.rows:
            if row.role == "section":
                pending, on_top = [], None
                continue
            if not _top_level(row):
                continue
            value = row.value(col.index)
            if row.role == "item":
                pending.append((value, "item"))
                continue
            if row.role == "total" and not pending and on_top is None:
                on_top = row  # a total printed above its items
                continue
            if row.role == "subtotal":
                last = max((i for i, (_, k) in enumerate(pending) if k == "boundary"), default=-1)
                parts = [v for v, _ in pending[last + 1:]]
                _report_total(doc, table, col, row, parts, out)
                pending = pending[:last + 1] + [(value, "boundary")]
            else:
                parts = [v for v, _ in pending]
                _report_total(doc, table, col, row, parts, out)
                pending = [(value, "boundary")]
        if on_top is not None:
            parts = [v for v, k in pending if k == "item"] if all(k == "item" for _, k in pending) else None
            if parts:
                _report_total(doc, table, col, on_top, parts, out)


def _report_total(doc: Document, table: Table, col: Column, row: Row, parts: list[Value | None],
                  out: list[Finding]) -> None:
    stated = _stated(row.value(col.index))
    if stated is None or not parts:
        return
    miss = _mismatch(stated, parts)
    if miss is None:
        return
    total, d = miss
    out.append(prepass_finding(
        doc, category="arithmetic", rule="arithmetic.table_total", title="表格合计与分项之和不符",
        detail=f"{_where(table)}“{col.name}”列：{_parts_text(parts)} = {fmt(total, d)}，“{row.label}”行写{stated.text}。",
        span=(stated.cell.start, stated.cell.end), stated=stated.text, expected=fmt(total, d),
        severity=severity_of(stated.shown, total, d), suggestion="核对表格合计行与各行数据。",
    ))


# --- 合计 columns = Σ the columns they head ------------------------------------------------------


def _column_children(table: Table, col: Column) -> list[Column]:
    prefix = col.header.rsplit("/", 1)[0] if "/" in col.header else ""
    kids = []
    for other in table.columns[col.index + 1:]:
        if other.of_which:
            continue
        other_prefix = other.header.rsplit("/", 1)[0] if "/" in other.header else ""
        if other.role != col.role or other.total or other_prefix != prefix:
            break
        kids.append(other)
    return kids if len(kids) >= 2 else []


def check_total_columns(doc: Document, table: Table, out: list[Finding]) -> None:
    for col in table.columns:
        if not col.total or col.role != "amount":
            continue
        kids = _column_children(table, col)
        if not kids:
            continue
        for row in table.rows:
            if row.role in ("header_repeat", "section", "note"):
                continue
            stated = _stated(row.value(col.index))
            if stated is None:
                continue
            parts = [row.value(k.index) for k in kids]
            miss = _mismatch(stated, parts)
            if miss is None:
                continue
            total, d = miss
            names = "、".join(k.name for k in kids)
            out.append(prepass_finding(
                doc, category="arithmetic", rule="arithmetic.table_row_total", title="表格合计列与各分列之和不符",
                detail=f"{_where(table)}“{row.label}”一行：{names}之和为{fmt(total, d)}，“{col.name}”列写{stated.text}。",
                span=(stated.cell.start, stated.cell.end), stated=stated.text, expected=fmt(total, d),
                severity=severity_of(stated.shown, total, d), suggestion=f"核对该行“{col.name}”与各分列金额。",
            ))


# --- halves: 收入总计 = 支出总计 --------------------------------------------------------------------


def _grand_total(table: Table) -> Value | None:
    totals = [r for r in table.rows if r.role == "total"]
    if not totals:
        return None
    money = _money_columns(table)
    return _stated(totals[-1].value(money[0].index)) if money else None


def check_balance(doc: Document, tables: list[Table], out: list[Finding]) -> None:
    by_block: dict[int, list[Table]] = {}
    for t in tables:
        if t.halves == 2:
            by_block.setdefault(id(t.block), []).append(t)
    for pair in by_block.values():
        if len(pair) != 2:
            continue
        income, spending = pair
        if "收入" not in income.half or "支出" not in spending.half:
            continue
        a, b = _grand_total(income), _grand_total(spending)
        if a is None or b is None or consistent(b.shown, a.number) or consistent(a.shown, b.number):
            continue
        out.append(prepass_finding(
            doc, category="arithmetic", rule="arithmetic.table_balance", title="收入总计与支出总计不相等",
            detail=f"{income.caption or '收支总表'}：收入总计{a.text}，支出总计{b.text}，收支两方总计应相等。",
            span=(b.cell.start, b.cell.end), stated=b.text, expected=a.text,
            severity=severity_of(b.shown, a.number), suggestion="核对收入、支出两方的合计与结转结余。",
        ))


# --- 其中 rows and columns ----------------------------------------------------------------------


def check_of_which_rows(doc: Document, table: Table, out: list[Finding]) -> None:
    groups: dict[int, list[Row]] = {}
    for row in table.rows:
        if row.role == "of_which" and row.of_which_group is not None:
            groups.setdefault(row.of_which_group, []).append(row)
    for parent_index, kids in groups.items():
        parent = table.rows[parent_index]
        funds = bool(W.FUNDS_TOTAL.search(parent.label))
        exhaustive = funds or any(W.CATCH_ALL.match(k.label) for k in kids)
        unfilled = []  # columns where the whole is 0 and a part is not: one finding for the row
        for col in _money_columns(table):
            stated = _stated(parent.value(col.index))
            if stated is None:
                continue
            parts = [k.value(col.index) for k in kids]
            big = next((p for p in parts if p is not None and p.number is not None and not p.percent
                        and p.number > stated.number), None)
            if big is not None and stated.number == 0:
                unfilled.append((col, stated, big))
                continue
            if big is not None:
                out.append(prepass_finding(
                    doc, category="inconsistency", rule="arithmetic.part_exceeds_whole", title="其中数大于总数",
                    detail=f"{_where(table)}“{col.name}”列：“{parent.label}”为{stated.text}，其中一项却为{big.text}，部分大于整体。",
                    span=(big.cell.start, big.cell.end), stated=big.text, expected=f"≤{stated.text}",
                    suggestion="核对该项与其所属总数。",
                ))
                continue
            if len(parts) < 2 and not exhaustive:
                continue
            summed = _sum(parts)
            if summed is None or summed[2] == 0:
                continue
            total, d, _ = summed
            d = max(d, stated.decimals)
            if exhaustive:
                if consistent(stated.shown, total) or _double_counted(stated.number, total) \
                        or rounding_noise(stated.number, total, summed[2], d):
                    continue
                title = "年度资金总额与各来源之和不符" if funds else "其中各项之和与总数不符"
                rule = "arithmetic.funds_total" if funds else "arithmetic.of_which_sum"
            elif total > stated.number and not consistent(stated.shown, total) \
                    and not rounding_noise(stated.number, total, summed[2], d):
                title, rule = "其中各项之和大于总数", "arithmetic.of_which_sum"
            else:
                continue
            out.append(prepass_finding(
                doc, category="arithmetic", rule=rule, title=title,
                detail=f"{_where(table)}“{col.name}”列：“{parent.label}”写{stated.text}，其中各项"
                       f"{_parts_text(parts)} = {fmt(total, d)}。",
                span=(stated.cell.start, stated.cell.end), stated=stated.text, expected=fmt(total, d),
                severity=severity_of(stated.shown, total, d), suggestion="核对总额与其中各项金额。",
            ))
        if unfilled:
            _report_unfilled_whole(doc, table, parent, unfilled, out)


def _report_unfilled_whole(doc: Document, table: Table, parent: Row, unfilled: list, out: list[Finding]) -> None:
    """A whole row left at 0 under parts that hold amounts: one finding for the row, not one per column."""
    col, stated, big = unfilled[0]
    listed = "、".join(f"“{c.name}”列其中一项为{b.text}" for c, _, b in unfilled[:3])
    out.append(prepass_finding(
        doc, category="inconsistency", rule="arithmetic.part_exceeds_whole", title="总数为0而其中项有金额",
        detail=f"{_where(table)}“{parent.label}”一行为0，而{listed}{'等' if len(unfilled) > 3 else ''}，"
               f"总数疑似未填写。",
        span=(stated.cell.start, stated.cell.end), stated=stated.text, expected=f"≥{big.text}",
        suggestion=f"补填“{parent.label.rstrip('：:')}”一行，使其等于其中各项之和。",
    ))


def check_of_which_columns(doc: Document, table: Table, out: list[Finding]) -> None:
    """A "其中：…" column is part of the nearest money column to its left that is not one."""
    for col in table.columns:
        if not col.of_which or col.parent is None:
            continue
        parent_col = table.columns[col.parent]
        flagged = False
        for row in table.rows:
            if row.role in ("header_repeat", "section", "note"):
                continue
            if flagged and row.role in ("total", "subtotal"):
                continue  # a total row only repeats the row already reported
            child, whole = _stated(row.value(col.index)), _stated(row.value(parent_col.index))
            if child is None or whole is None or child.number <= whole.number:
                continue
            flagged = True
            out.append(prepass_finding(
                doc, category="inconsistency", rule="arithmetic.part_exceeds_whole", title="其中数大于总数",
                detail=f"“{row.label[:20]}”一行：{parent_col.name}为{whole.text}，{col.name}却为{child.text}，部分大于整体。",
                span=(child.cell.start, child.cell.end), stated=child.text, expected=f"≤{whole.text}",
                suggestion=f"核对该行的{parent_col.name}与{col.name}。",
            ))


# --- rate columns ------------------------------------------------------------------------------


def check_rate_columns(doc: Document, table: Table, out: list[Finding]) -> None:
    rates = table.columns_with("rate")
    budgets = table.columns_with("budget", "adjusted_budget")
    actuals = table.columns_with("actual")
    if not rates or not budgets or not actuals:
        return
    for row in table.rows:
        if row.role in ("header_repeat", "section", "note"):
            continue
        actual = next((v for v in (row.value(a.index) for a in actuals) if _stated(v)), None)
        denominators = [v.number for v in (row.value(b.index) for b in budgets) if _stated(v) and v.number]
        if actual is None or not denominators:
            continue
        for rc in rates:
            rate = row.value(rc.index)
            if rate is None or rate.number is None or rate.comparator:
                continue
            # Year-start or adjusted budget: either may be the denominator.
            if any(consistent(rate.shown, actual.number / b * HUNDRED) for b in denominators):
                continue
            if not rate.percent and any(consistent(rate.shown, actual.number / b) for b in denominators):
                continue
            if not rate.percent and any(_stated(row.value(c.index)) is None for c in table.columns[rc.index + 1:]):
                # A bare number under 执行率 in a row that ran short of cells ("880 880 880 10 10"
                # under six columns) may be the 分值 moved left: which cell is empty is not known.
                continue
            recomputed = actual.number / denominators[-1] * HUNDRED
            first_figure = min([actual.cell.start] + [v.cell.start for v in (row.value(b.index) for b in budgets) if _stated(v)])
            out.append(prepass_finding(
                doc, category="ratio", rule="ratio.table_rate", title="表中执行率与重算不符",
                detail=f"执行数{actual.text} ÷ 预算数{fmt(denominators[-1], 2) if denominators[-1] % 1 else denominators[-1]}"
                       f" = {fmt(recomputed, 2)}%，表中写{rate.text}。",
                # the figures it is recomputed from, through the rate: the row's own arithmetic
                span=(min(first_figure, rate.cell.start), rate.cell.end), stated=rate.text,
                expected=f"{fmt(recomputed, 2)}%",
                severity=severity_of(rate.shown, recomputed), suggestion="按执行数÷预算数重新计算执行率。",
            ))


def check_tables(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    tables = build_tables(doc)
    for table in tables:
        check_rate_columns(doc, table, out)
        check_of_which_rows(doc, table, out)
        if table.kind == "score":
            continue
        check_parent_rows(doc, table, out)
        check_total_rows(doc, table, out)
        check_total_columns(doc, table, out)
        check_of_which_columns(doc, table, out)
    check_balance(doc, tables, out)
    return out
