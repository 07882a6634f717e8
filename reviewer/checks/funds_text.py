"""Funds blocks of a 自评表 that reached us as running text (xlsx and web exports keep
the cells' order but lose the grid):

    全年预算数(A) 全年执行数(B) 7165.32 6992.95 其中:中央财政资金 3144.00 3144.00
    自治区财政资金 570.17 570.17 … 年度资金总额

After a header naming the budget and the executed columns, the first pair of numbers is
the total; the "label a b" groups after 其中 are its sources. Each column's sources must
add up to its total, within what rounding the parts can explain (half a unit of the last
digit per part): beyond that a source is missing or a figure is wrong.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Document
from ..figures import to_decimal
from ..models import Finding
from .common import fmt, prepass_finding
from .tolerance import decimals_of

_HEADER = re.compile(r"(?:全年|年度|年初)?预算数?(?:\([A-Z]\)|（[A-Z]）)?\s+(?:全年|年度)?执行数?(?:\([A-Z]\)|（[A-Z]）)?")
_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_TOKEN = re.compile(r"\S+")
_OF_WHICH = re.compile(r"^其中[:：]?")
_MAX_LABEL_TOKENS = 4
_COLUMNS = ("全年预算数", "全年执行数")
_TOTAL_WORD = re.compile(r"资金总额|资金合计|合\s*计|总\s*额")


def _tokens(text: str, start: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start)]


def _is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


def _read_block(tokens: list[tuple[int, int, str]]):
    """(total pair, [(label, pair)]) or None."""
    i = 0
    total = []
    while i < len(tokens) and len(total) < 2 and _is_number(tokens[i][2]):
        total.append(tokens[i])
        i += 1
    if len(total) != 2 or i >= len(tokens) or not _OF_WHICH.match(tokens[i][2]):
        return None
    first = _OF_WHICH.sub("", tokens[i][2])
    label = [first] if first else []
    i += 1
    parts = []
    while i < len(tokens):
        token = tokens[i][2]
        if _is_number(token):
            pair = [tokens[i]]
            if i + 1 < len(tokens) and _is_number(tokens[i + 1][2]):
                pair.append(tokens[i + 1])
            if not label or len(pair) != 2:
                break
            parts.append(("".join(label), pair))
            label = []
            i += len(pair)
            continue
        if len(label) >= _MAX_LABEL_TOKENS:
            break
        label.append(token)
        i += 1
    return (total, parts) if len(parts) >= 2 else None


def check_funds_text(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    for block in doc.paragraphs:
        text = block.text
        if not _TOTAL_WORD.search(text):
            continue  # no 年度资金总额/合计 anywhere: not a funds block
        for header in _HEADER.finditer(text):
            found = _read_block(_tokens(text, header.end())[:80])
            if found is None:
                continue
            total, parts = found
            for col, name in enumerate(_COLUMNS):
                stated_token = total[col]
                stated = to_decimal(stated_token[2])
                values = [to_decimal(pair[col][2]) for _, pair in parts]
                if stated is None or any(v is None for v in values):
                    continue
                decimals = max(decimals_of(stated_token[2]), *(decimals_of(pair[col][2]) for _, pair in parts))
                unit = Decimal(1).scaleb(-decimals)
                computed = sum(values)
                drift = unit / 2 * len(values)  # the most that rounding each part can explain
                if abs(computed - stated) <= max(drift, unit):
                    continue
                terms = "+".join(pair[col][2] for _, pair in parts)
                start, end = block.start + stated_token[0], block.start + stated_token[1]
                out.append(prepass_finding(
                    doc, category="arithmetic", rule="arithmetic.funds_sources",
                    title="资金来源合计与年度资金总额不符",
                    detail=f"{name}：各资金来源{terms}={fmt(computed, decimals)}，"
                           f"年度资金总额为{stated_token[2]}，相差{fmt(abs(stated - computed), decimals)}。",
                    span=(start, end), stated=stated_token[2], expected=fmt(computed, decimals),
                    severity="warning", suggestion="核对年度资金总额与各资金来源的数额。",
                ))
    return out
