"""The one tolerance policy every recomputation uses.

A figure written with d decimals is consistent with a recomputed value when that value,
rounded half-up *or* truncated (towards zero) to d decimals, equals the figure. Reports
round and truncate both, so either reading is accepted; anything else is a finding.
A figure exactly one unit off in its last digit is a warning (a rounding slip), a
larger difference an error.

API (small on purpose):
    parse_number(text) -> Decimal | None   first number in a text ("1,234.5万元" -> 1234.5)
    decimals_of(text) -> int               decimals the first number is written with
    consistent(stated, recomputed, decimals=None) -> bool
    one_unit_off(stated, recomputed, decimals=None) -> bool
    severity_of(stated, recomputed, decimals=None) -> "warning" | "error"
    fmt(value, decimals) -> str            half-up rounded, fixed decimals
"""
from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

Number = Union[Decimal, float, int, str]

_NUMBER = re.compile(r"[-−－]?\d[\d,，]*(?:[.．]\d+)?|[-−－]?[.．]\d+")


def _match(text: str) -> re.Match | None:
    return _NUMBER.search(text)


def _clean(raw: str) -> str:
    return raw.replace(",", "").replace("，", "").replace("．", ".").replace("−", "-").replace("－", "-")


def parse_number(text: str) -> Decimal | None:
    """The first number written in `text` (thousands separators and full-width forms allowed)."""
    m = _match(text or "")
    if not m:
        return None
    try:
        return Decimal(_clean(m.group()))
    except InvalidOperation:
        return None


def decimals_of(text: str) -> int:
    """How many decimals the first number in `text` is written with (0 when none)."""
    m = _match(text or "")
    if not m:
        return 0
    raw = _clean(m.group())
    return len(raw.split(".", 1)[1]) if "." in raw else 0


def to_decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest string that round-trips, so 0.1+0.2 stays 0.30000000000000004
        # and 2.675 stays 2.675 rather than its binary expansion.
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    number = parse_number(value)
    if number is None:
        raise ValueError(f"no number in {value!r}")
    return number


def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def _readings(recomputed: Number, decimals: int) -> tuple[Decimal, Decimal]:
    value = to_decimal(recomputed)
    q = _quantum(decimals)
    return value.quantize(q, rounding=ROUND_HALF_UP), value.quantize(q, rounding=ROUND_DOWN)


def _stated_and_decimals(stated: Number, decimals: int | None) -> tuple[Decimal, int]:
    if decimals is None:
        decimals = decimals_of(stated) if isinstance(stated, str) else max(0, -to_decimal(stated).as_tuple().exponent)
    return to_decimal(stated), decimals


def consistent(stated: Number, recomputed: Number, decimals: int | None = None) -> bool:
    """True when `recomputed`, rounded half-up or truncated to the stated decimals, equals `stated`."""
    value, d = _stated_and_decimals(stated, decimals)
    return value in _readings(recomputed, d)


def one_unit_off(stated: Number, recomputed: Number, decimals: int | None = None) -> bool:
    """True when the stated figure is exactly one unit of its last digit away from the
    nearer reading of the recomputed value (and not consistent with it)."""
    value, d = _stated_and_decimals(stated, decimals)
    readings = _readings(recomputed, d)
    if value in readings:
        return False
    return min(abs(value - r) for r in readings) == _quantum(d)


def severity_of(stated: Number, recomputed: Number, decimals: int | None = None) -> str:
    """'warning' for a one-unit slip in the last digit, else 'error' (call for inconsistent figures)."""
    return "warning" if one_unit_off(stated, recomputed, decimals) else "error"


def fmt(value: Number, decimals: int) -> str:
    """`value` rounded half-up to `decimals` places, written with exactly that many decimals."""
    return str(to_decimal(value).quantize(_quantum(max(0, decimals)), rounding=ROUND_HALF_UP))
