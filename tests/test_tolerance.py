from __future__ import annotations

from decimal import Decimal

import pytest

from reviewer.checks.tolerance import consistent, decimals_of, fmt, one_unit_off, parse_number, severity_of


@pytest.mark.parametrize("text, decimals", [
    ("54.27%", 2), ("97", 0), ("93.98分", 2), ("1,234.5万元", 1), ("0.120", 3), ("占比", 0), ("１２．５", 1),
])
def test_decimals_of(text, decimals):
    assert decimals_of(text) == decimals


@pytest.mark.parametrize("text, value", [
    ("54.27%", Decimal("54.27")), ("1,234.5万元", Decimal("1234.5")), ("－3.2", Decimal("-3.2")),
    ("总分 100", Decimal("100")), ("无数字", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("stated, recomputed, decimals", [
    ("54.29%", 49.9 / 91.92 * 100, None),       # rounded half-up
    ("54.28%", 54.2863, None),                   # truncated
    ("2.68", 2.675, None),                       # half-up on the written decimal, not the binary float
    ("93.98", Decimal("93.98"), None),
    ("97", 97.4, None),
    ("97", 97.9, None),                          # truncation of 97.9
    ("0.88", Decimal("0.88"), None),
    ("-5.1", -5.14, None),
    (Decimal("3.3"), 3.333, None),
    ("12", 12.34, 0),
])
def test_consistent_figures(stated, recomputed, decimals):
    assert consistent(stated, recomputed, decimals)


@pytest.mark.parametrize("stated, recomputed, decimals", [
    ("54.27%", 49.9 / 91.92 * 100, None),
    ("0.2%", 6.2 / 220.80 * 100, None),
    ("98", 97.4, None),
    ("93.99", 93.98, None),
    ("12.3", 12.34, 2),                          # decimals given explicitly: 12.30 ≠ 12.34
])
def test_inconsistent_figures(stated, recomputed, decimals):
    assert not consistent(stated, recomputed, decimals)


@pytest.mark.parametrize("stated, recomputed, severity", [
    ("54.27%", 54.2872, "warning"),   # 54.29 rounded / 54.28 truncated: one unit from 54.28
    ("93.99", 93.98, "warning"),
    ("96", 97, "warning"),
    ("94%", 81.73, "error"),
    ("0.2%", 2.81, "error"),
    ("95", 97, "error"),
])
def test_severity_by_distance_in_last_digit(stated, recomputed, severity):
    assert severity_of(stated, recomputed) == severity
    assert one_unit_off(stated, recomputed) == (severity == "warning")


def test_one_unit_off_is_false_for_consistent_figures():
    assert not one_unit_off("54.29", 54.2872)


@pytest.mark.parametrize("value, decimals, text", [
    (2.675, 2, "2.68"), (Decimal("2.925"), 2, "2.93"), (97, 0, "97"), (0.5, 0, "1"), (81.7333, 1, "81.7"),
    ("93.98", 1, "94.0"),
])
def test_fmt_rounds_half_up(value, decimals, text):
    assert fmt(value, decimals) == text
