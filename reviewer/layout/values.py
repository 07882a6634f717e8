"""Splitting a run of glued cell values ("10≥266米≥266米10", "202010100.00%10") into the
columns a header names, by the shape each column's values take and the arithmetic that
ties them (a score is at most its weight; a rate is execution ÷ budget)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CJK = re.compile(r"[\u4e00-\u9fff]")
_STEP_BUDGET = 4000  # candidate splits tried per row: keeps a garbled row cheap


def _number_end(text: str, pos: int, max_int: int, max_frac: int) -> list[int]:
    """Ends of the numbers that can start at pos (shortest first). A number never starts
    with 0 followed by a digit: such a 0 is a value of its own."""
    if pos >= len(text) or not text[pos].isdigit():
        return []
    ends = []
    i = pos
    while i < len(text) and text[i].isdigit() and i - pos < max_int:
        i += 1
        ends.append(i)
        if text[pos] == "0":
            break
    out = []
    for e in ends:
        out.append(e)
        if e < len(text) and text[e] == "." and e + 1 < len(text) and text[e + 1].isdigit():
            f = e + 1
            while f < len(text) and text[f].isdigit() and f - e - 1 < max_frac:
                f += 1
                out.append(f)
    return out


def _candidates(role: str, text: str, pos: int) -> list[int]:
    if role in ("weight", "score"):
        return _number_end(text, pos, 3, 2)
    if role in ("budget", "actual"):
        return _number_end(text, pos, 9, 4)
    if role == "rate":
        return [e + 1 for e in _number_end(text, pos, 3, 2) if text[e:e + 1] == "%"]
    if role in ("target", "actual_value"):
        start = pos
        if text[pos:pos + 1] in ("≥", "≤", ">", "<", "="):
            start = pos + (2 if text[pos + 1:pos + 2] == "=" else 1)
        out = []
        for e in _number_end(text, start, 9, 4):
            if text[e:e + 1] in ("%", "‰"):
                out.append(e + 1)
                continue
            out.append(e)
            u = e
            while u < len(text) and _CJK.match(text[u]) and u - e < 3:
                u += 1
                out.append(u)
        if start == pos:  # qualitative value: a few Chinese characters
            u = pos
            while u < len(text) and _CJK.match(text[u]) and u - pos < 8:
                u += 1
                if u - pos >= 2:
                    out.append(u)
        return out
    return []


def _num(s: str) -> Decimal | None:
    try:
        return Decimal(s.lstrip("≥≤<>=").rstrip("%‰"))
    except InvalidOperation:
        return None


def _unit(value: str) -> str:
    m = re.search(r"\d([%‰]|[\u4e00-\u9fff]{1,4})$", value)
    return m.group(1) if m else ""


def _plausible(roles: list[str], values: list[str]) -> int | None:
    """None if the values break the arithmetic of their columns, else a preference."""
    by = dict(zip(roles, values))
    if by.get("target") == "0" or by.get("actual_value") == "0" and by.get("target", "").startswith("0"):
        return None  # a bare 0 target: the digits of one figure ("8000亩") split into several
    weight, score = _num(by.get("weight", "")), _num(by.get("score", ""))
    if weight is not None and (weight > 100 or score is not None and score > weight):
        return None
    if score is not None and score > 100:
        return None
    rate, budget, actual = by.get("rate"), _num(by.get("budget", "")), _num(by.get("actual", ""))
    if rate is not None and budget and actual is not None:
        if abs(actual / budget * 100 - _num(rate)) > 1:
            return None
    preference = 0
    if "target" in by and by.get("target") == by.get("actual_value"):
        preference += 2  # targets copied into the actual column are common
    if weight is not None and score == weight:
        preference += 1
    if weight:
        preference += 1
    unit_t, unit_a = _unit(by.get("target", "")), _unit(by.get("actual_value", ""))
    if unit_t and unit_t == unit_a:
        preference += 1  # a target and its actual value share their unit  # a zero weight is a split that went wrong more often than not
    return preference


def split_values(roles: list[str], text: str, pos: int) -> tuple[list[tuple[int, int]], int] | None:
    """The most plausible split of text[pos:] into one value per role, as (start, end)
    spans and the end position; the split must end where a non-value character (or the
    text's end) follows. None when no split fits."""
    best: tuple[int, list[tuple[int, int]]] | None = None
    steps = 0
    stack: list[tuple[int, list[tuple[int, int]]]] = [(pos, [])]
    while stack:
        at, spans = stack.pop()
        steps += 1
        if steps > _STEP_BUDGET:
            break
        if len(spans) == len(roles):
            if at < len(text) and (text[at].isdigit() or text[at] in "%‰"
                                   or text[at] == "." and text[at + 1:at + 2].isdigit()):
                continue
            pref = _plausible(roles, [text[s:e] for s, e in spans])
            if pref is not None and (best is None or pref > best[0]):
                best = (pref, spans)
            continue
        for end in reversed(_candidates(roles[len(spans)], text, at)):
            stack.append((end, spans + [(at, end)]))
    if best is None:
        return None
    return best[1], best[1][-1][1]
