"""Totals stated in the narrative against the table that holds them.

"财政拨款收入支出总计0.3万元" is compared with the 总计 row of the table whose caption is
财政拨款收入支出决算总表; "基本支出2336.91万元" with the 基本支出 column of a total row.
A narrative label names a table figure when it ends with that figure's name: the table's
caption core plus the row label (财政拨款收入支出 + 总计), or the row label alone, or a
column name on a total row. The longest such name wins; when the winners disagree among
themselves the match is ambiguous and nothing is said. Amounts are compared in the
table's unit (万元 vs 元); a figure that only matches after changing the unit is a unit
finding.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..document import Document
from ..models import Finding
from ..tables import build_tables
from ..tables import words as W
from ..tables.model import Table
from ..tables.values import MONEY_UNITS, Value
from ..textmatch import FoldedText, fold
from .common import consistent, fmt, prepass_finding
from .scope import scope_of, text_scope

_AMOUNT = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:[.．]\d+)?|\d+(?:[.．]\d+)?)\s*(?P<unit>亿元|万元|千元|元)")
# A line break inside a paragraph is a printed wrap ("政府性基金预算拨款\n收入350万元"), no
# clause break: paragraphs are blocks of their own.
_CLAUSE_BREAK = re.compile(r"[，,。；;：:、！？!?“”\"（(）)]")
_CONNECTOR = re.compile(r"(为|是|达到|达|约|共|分别为)$")
_LEADING = re.compile(r"^(其中|包括|主要是|主要有|另有|另外|此外|还有|以及)")
_BRACKETED = re.compile(r"[（(][^）)]{0,8}[）)]")


@dataclass
class Candidate:
    name: str  # folded name the narrative label must end with
    value: Value
    table: Table
    where: str  # how the finding names the table figure
    exact: bool = False  # an item row: the narrative label must be this name and nothing else
    # A funds-block row states one item in several columns (年初预算数, 全年预算数, 全年执行数):
    # the narrative may restate any of them.
    alts: tuple = ()

    def values(self) -> tuple:
        return self.alts or (self.value,)

    alt_names: tuple = ()
    alt_unit: str | None = None

    def shown(self) -> str:
        if not self.alts:
            return f"{self.value.text}{self.table.unit or ''}"
        unit = self.table.unit or self.alt_unit or ""
        return "、".join(f"{name}{v.text}{unit}" for name, v in zip(self.alt_names, self.alts))


# Item rows a 收支总表 lists at its top level ("一、财政拨款收入", "二、其他收入") and its
# carry-over rows: the figures a narrative restates one by one.
_TOP_LEVEL_ITEM = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_CARRY_OVER = re.compile(r"结转|结余")


def _caption_core(caption: str) -> str:
    core = re.sub(r"^第[一二三四五六七八九十]+部分", "", caption)
    core = re.sub(r"^.*?\d{4}年度?", "", core)
    core = re.sub(r"(决算|预算)?(总表|明细表|情况表|表)([（(].*[）)])?$", "", core)
    return core


def _row_keys(label: str) -> list[str]:
    key = _BRACKETED.sub("", W.strip_numbering(label))
    keys = [key]
    # A label glued to the next line (本年收入合计使用非财政拨款结余) still names its total.
    m = re.search(r"合计|总计|小计", key)
    if m and m.end() < len(key):
        keys.append(key[:m.end()])
    for k in list(keys):
        bare = re.sub(r"(合计|总计|小计)$", "", k)
        if len(bare) >= 2 and bare != k:
            keys.append(bare)
    return keys


_BARE_TOTALS = {"合计", "总计", "小计", "总额", "共计", "金额合计"}


def _side_of(t: Table) -> str:
    """收入 or 支出 for one half of a side-by-side 收支 table, else ""."""
    for side in ("收入", "支出"):
        if t.half and t.half.startswith(side):
            return side
    return ""


def _money(v: Value | None) -> Value | None:
    return v if v is not None and v.number is not None and not v.percent and not v.comparator else None


_FUNDS_ROLES = ("budget", "adjusted_budget", "actual")


def _funds_block_candidates(t: Table) -> list[Candidate]:
    """The rows of a funds block (年度资金总额 / 其中：财政拨款 / 上年结转资金 …, read under
    年初预算数 | 全年预算数 | 全年执行数): a narrative amount named exactly by a row label must
    be one of that row's figures."""
    cols = [c for c in t.columns if c.role in _FUNDS_ROLES]
    if len({c.role for c in cols}) < 2:
        return []
    out = []
    for row in t.rows:
        if row.role not in ("item", "of_which") or not row.label:
            continue
        values = [(c.name, _money(row.value(c.index))) for c in cols]
        values = [(n, v) for n, v in values if v is not None]
        key = _BRACKETED.sub("", W.strip_numbering(W.OF_WHICH.sub("", row.label)))
        if len(values) < 2 or len(key) < 4:
            continue
        out.append(Candidate(key, values[0][1], t, f"{t.caption or '资金表'}“{row.label}”行", exact=True,
                             alts=tuple(v for _, v in values),
                             alt_names=tuple(_BRACKETED.sub("", n) for n, _ in values),
                             alt_unit=next((c.unit for c in cols if c.unit), None)))
    return out


def table_candidates(tables: list[Table]) -> list[Candidate]:
    out: list[Candidate] = []
    for t in tables:
        out.extend(_funds_block_candidates(t))
        if t.kind != "money":
            continue
        money_cols = [c for c in t.columns if c.role in W.MONEY_ROLES]
        if not money_cols:
            continue
        core = _caption_core(t.caption)
        for row in t.rows:
            if row.role == "item" and row.label and (_TOP_LEVEL_ITEM.match(row.label) or _CARRY_OVER.search(row.label)):
                first = _money(row.value(money_cols[0].index))
                key = _BRACKETED.sub("", W.strip_numbering(row.label))
                if first is not None and len(key) >= 4:
                    out.append(Candidate(key, first, t, f"{t.caption or '表格'}“{row.label}”行", exact=True))
                continue
            if row.role not in ("total", "subtotal") or not row.label:
                continue
            first = _money(row.value(money_cols[0].index))
            if first is not None:
                side = _side_of(t)
                for key in _row_keys(row.label):
                    # A bare 合计/总计 names nothing by itself ("收入合计" in the text is not
                    # the 合计 row of a project table): only with the table's own name, or
                    # with its side in a 收支总表 (the 收入 half's 总计 is 收入总计).
                    if key not in _BARE_TOTALS:
                        # "支出" left of "支出总计" names the total only as the whole label:
                        # "基本支出" ends with it and is another figure.
                        out.append(Candidate(key, first, t, f"{t.caption or '表格'}“{row.label}”行", exact=len(key) <= 2))
                    elif side:
                        out.append(Candidate(side + key, first, t, f"{t.caption or '表格'}{side}“{row.label}”行"))
                    if core and not key.startswith(core):
                        out.append(Candidate(core + key, first, t, f"{t.caption}“{row.label}”行"))
            # A column of the 合计 row: 基本支出, 项目支出. (A 总计 row of a 收支总表 adds
            # carry-overs, so its columns do not name a narrative quantity.)
            if W.strip_numbering(row.label) == "合计":
                for col in money_cols:
                    v = _money(row.value(col.index))
                    name = _BRACKETED.sub("", W.OF_WHICH.sub("", col.name))
                    if v is None or col.total or col.role != "amount" or len(name) < 3:
                        continue
                    out.append(Candidate(name, v, t, f"{t.caption or '表格'}合计行“{col.name}”列"))
    return out


def _equal(stated_text: str, stated: Decimal, stated_unit: str, v: Value, table_unit: str | None) -> bool:
    units = [table_unit] if table_unit in MONEY_UNITS else ["万元", "元"]
    for unit in units:
        converted = stated * MONEY_UNITS[stated_unit] / MONEY_UNITS[unit]
        if consistent(v.shown, converted) or consistent(stated_text, v.number * MONEY_UNITS[unit] / MONEY_UNITS[stated_unit]):
            return True
    return False


def _same_scope(c: Candidate, narrative: str, label: str) -> bool:
    """A narrative figure against a table of its own scope (reviewer/checks/scope.py). A
    row that names a scope itself ("一、财政拨款收入" of the all-funds table) pins it."""
    if scope_of(c.name):
        return True
    return (narrative or scope_of(label)) == scope_of(c.table.caption)


def check_text_against_tables(doc: Document) -> list[Finding]:
    tables = build_tables(doc)
    candidates = table_candidates(tables)
    if not candidates:
        return []
    by_last_char: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_last_char.setdefault(c.name[-1:], []).append(c)
    out: list[Finding] = []
    for block in doc.paragraphs:
        text = block.text
        for m in _AMOUNT.finditer(text):
            clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, max(0, m.start() - 60), m.start())),
                               default=max(0, m.start() - 60))
            raw_label = text[clause_start:m.start()]
            folded = FoldedText.of(raw_label)
            label = _CONNECTOR.sub("", folded.folded)
            label = _BRACKETED.sub("", label) if label.endswith(("）", ")")) else label
            if len(label) < 2:
                continue
            # An item row's name must be the whole label ("其他收入71.61万元", not
            # "上年其他收入…"): item names recur in other periods and scopes.
            bare = _LEADING.sub("", label)
            matches = [c for c in by_last_char.get(label[-1], [])
                       if (bare == c.name if c.exact else label.endswith(c.name))]
            if not matches:
                continue
            narrative = text_scope(doc, block.start, text, clause_start)
            matches = [c for c in matches if _same_scope(c, narrative, label)]
            if not matches:
                continue
            longest = max(len(c.name) for c in matches)
            best = [c for c in matches if len(c.name) == longest]
            if len({tuple(v.number for v in c.values()) for c in best}) != 1:
                continue  # the label names figures that disagree: ambiguous, stay quiet
            num_text = unicodedata.normalize("NFKC", m.group("num")).replace(",", "")  # full-width digits
            stated = Decimal(num_text)
            unit = m.group("unit")
            cand = best[0]
            if any(_equal(num_text, stated, unit, v, c.table.unit) for c in matches for v in c.values()):
                continue
            name_start = len(label) - longest
            span_start = block.start + clause_start + (folded.span(name_start, name_start + 1)[0] if name_start < len(folded.folded) else 0)
            span = (span_start, block.start + m.end())
            same_digits = any(v.number == stated for v in cand.values())
            out.append(prepass_finding(
                doc, category="unit" if same_digits else "inconsistency",
                rule="unit.text_vs_table" if same_digits else "inconsistency.text_vs_table",
                title="文字与表格金额单位不一致" if same_digits else "文字说明与表格数据不一致",
                detail=f"文字写“{fold(text[span[0] - block.start:span[1] - block.start])}”，"
                       f"而{cand.where}为{cand.shown()}。",
                span=span, stated=f"{m.group('num')}{unit}",
                expected=cand.shown(),
                suggestion="核对文字说明与表格中的同一数据，统一口径和单位。",
            ))
    return out


__all__ = ["check_text_against_tables", "table_candidates", "fmt"]
