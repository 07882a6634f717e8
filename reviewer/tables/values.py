"""The one parser for what a table cell holds: a number (thousands separators, full-width
forms), a percent, a unit (万元/元/亿元 or a count unit), a comparator (≥, ≤, >, <, =),
or nothing (empty, —, -, /, 无). Every value keeps its `Cell`, so a finding quotes the
document verbatim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..document import Cell
from ..textmatch import fold

_BLANK = {"", "-", "—", "——", "–", "－", "/", "／", "无", "0.00-", "…", "--"}
_VALUE = re.compile(
    r"^(?P<cmp>≥|≤|>=|<=|>|<|=|＞|＜|＝)?"
    r"(?P<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)"
    r"(?P<pct>%)?"
    r"(?P<unit>亿元|万元|千元|元|万|[^\d\s.,%]{1,3})?$"
)
_COMPARATORS = {">=": "≥", "<=": "≤", "＞": ">", "＜": "<", "＝": "="}
MONEY_UNITS = {"亿元": Decimal(100000000), "万元": Decimal(10000), "万": Decimal(10000),
               "千元": Decimal(1000), "元": Decimal(1)}


@dataclass(frozen=True)
class Value:
    number: Decimal | None
    percent: bool
    unit: str | None
    comparator: str | None
    cell: Cell
    text: str  # the folded cell text, as a finding may show it

    @property
    def is_number(self) -> bool:
        return self.number is not None

    @property
    def is_blank(self) -> bool:
        return self.number is None and self.text in _BLANK

    @property
    def decimals(self) -> int:
        m = re.search(r"\.(\d+)", self.text)
        return len(m.group(1)) if m else 0

    @property
    def shown(self) -> str:
        """The number as written, without comparator or unit (for tolerance checks)."""
        m = _VALUE.match(self.text)
        return m.group("num").replace(",", "") if m else self.text


def parse_text(text: str) -> tuple[Decimal | None, bool, str | None, str | None]:
    """(number, percent, unit, comparator) of a folded cell text; number None when absent."""
    t = text.replace("，", ",").replace("．", ".").replace("−", "-")
    if t in _BLANK:
        return None, False, None, None
    m = _VALUE.match(t)
    if not m:
        return None, False, None, None
    try:
        number = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None, False, None, None
    cmp = m.group("cmp")
    return number, bool(m.group("pct")), m.group("unit"), _COMPARATORS.get(cmp, cmp)


def parse_value(cell: Cell) -> Value:
    text = fold(cell.text)
    number, percent, unit, comparator = parse_text(text)
    return Value(number, percent, unit, comparator, cell, text)


def looks_numeric(text: str) -> bool:
    """True for a cell that holds a number (money, percent or count), folded text."""
    return parse_text(text)[0] is not None


def in_unit(number: Decimal, unit: str | None, target_unit: str | None) -> Decimal:
    """`number` in `unit` re-expressed in `target_unit` (money units only; else unchanged)."""
    if unit in MONEY_UNITS and target_unit in MONEY_UNITS:
        return number * MONEY_UNITS[unit] / MONEY_UNITS[target_unit]
    return number
