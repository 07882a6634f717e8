"""Units that the report's own figures contradict, and rates written without a unit.

- A per-head (per-household …) standard times its count gives an amount; an amount the
  report states that is that amount divided or multiplied by 10⁴ was written in the
  wrong unit (3.6元 for 36,000元 = 3.6万元).
- A number followed directly by "/人", "/户" … has lost its unit ("300/人").
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..document import Document
from ..figures import AMOUNT_FACTORS, Figure, FigureIndex, Paragraph
from ..models import Finding
from .common import consistent, fmt, prepass_finding

_PER = "人次|人|户|辆|亩|次|家|所|个|名|套|间|平方米|公里|吨|头|只"
# "300元/人", "300/人", "每人300元", "人均300元"; the unit may be missing (then 元 is assumed).
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # "2,400" or "2400"
_STANDARD = re.compile(rf"(?<![\d.,])(?P<num>{_NUM})(?P<unit>万元|元)?/(?P<per>{_PER})(?![\d\u4e00-\u9fff]*/)")
_EACH = re.compile(rf"(?:每|人均|户均)(?P<per>{_PER})?(?:[\u4e00-\u9fff]{{0,4}}?(?:为|约|达)?)?"
                   rf"(?P<num>{_NUM})(?P<unit>万元|元)")
_BARE_PER = re.compile(rf"(?<![\d.,/:%])(?P<num>\d+(?:\.\d+)?)/(?P<per>{_PER}|年|月)(?![\d])")
# "N/年" is a bare rate only beside a standard per head ("每人不超过500/年"): elsewhere a
# "/" before 年 may be a date or a fraction.
_PER_HEAD = re.compile(r"每人|每户|人均|户均|标准|补助|补贴|救助")
_MONEY_LABEL = re.compile(r"资金|经费|预算|拨款|配套|支出|投入|投资|补助|补贴|金额|总额")
_PER_TO_COUNT = {"人次": ("人次",), "人": ("人", "名"), "户": ("户",), "辆": ("辆",), "家": ("家",),
                 "个": ("个",), "名": ("名", "人"), "所": ("所",), "套": ("套",), "间": ("间",)}
_TEN_THOUSAND = Decimal(10) ** 4


def _standards(para: Paragraph, with_match: bool = False) -> list:
    """(amount in 元, per-what, the text) for each standard in the paragraph, and its
    match when asked."""
    out = []
    for m in list(_STANDARD.finditer(para.text)) + list(_EACH.finditer(para.text)):
        per = m.group("per")
        if not per:
            continue
        value = Decimal(m.group("num").replace(",", "")) * AMOUNT_FACTORS[m.group("unit") or "元"]
        out.append((value, per, m.group(), m) if with_match else (value, per, m.group()))
    return out


def check_standard_units(doc: Document, index: FigureIndex, out: list[Finding]) -> None:
    flagged = {f.location.start for f in out if f.rule == "unit.per_head" and f.location}
    """A standard whose own paragraph gives the amount and the count it is the quotient of
    ("投资549.36万元，硬化道路12.6公里，每公里造价43.60元"): the standard, written in 元 or
    万元, is 10⁴ times off its quotient, so its unit is wrong."""
    for para in index.paragraphs:
        standards = _standards(para, with_match=True)
        if not standards:
            continue
        amounts = [f for f in para.figures if f.kind == "amount" and f.unit in ("元", "万元")
                   and _MONEY_LABEL.search(f.label) and f.in_yuan]
        if any(a.start in flagged for a in amounts):
            continue  # the amount's unit is already in question: one finding per slip
        for value, per, shown, m in standards:
            if not m.group("unit"):
                continue  # "300/人" is unit.missing
            # Counts by the standard's own measure ("12.6公里", "42名"), read from the text:
            # lengths and areas are no count figures.
            units = "|".join(map(re.escape, _PER_TO_COUNT.get(per, (per,))))
            counts = [(Decimal(c.group(1)), c.group()) for c in
                      re.finditer(rf"(?<![\d.])(\d+(?:\.\d+)?)(?:{units})(?![\u4e00-\u9fff]*[/／])", para.text)
                      if not (m.start() <= c.start() < m.end()) and Decimal(c.group(1)) > 1]
            for amount in amounts:
                if amount.fstart >= m.start() and amount.fend <= m.end():
                    continue  # the standard itself
                quotients = [amount.in_yuan / value for value, _ in counts]
                if any(consistent(m.group("num").replace(",", ""), q / AMOUNT_FACTORS[m.group("unit")]) for q in quotients):
                    break  # the standard is the quotient as written
                right = "元" if m.group("unit") == "万元" else "万元"
                hit = next((text for (_, text), q in zip(counts, quotients)
                            if consistent(m.group("num").replace(",", ""), q / AMOUNT_FACTORS[right])), None)
                if hit is None:
                    continue
                start, end = para.span(m.start("num"), m.end("unit"))
                out.append(prepass_finding(
                    doc, category="unit", rule="unit.per_head", title="单价（标准）的单位疑误",
                    detail=f"{amount.label}{amount.shown()} ÷ {hit} = {m.group('num')}{right}，"
                           f"文中写“{shown}”，数值相符而单位不符，应为{m.group('num')}{right}。",
                    span=(start, end), stated=f"{m.group('num')}{m.group('unit')}",
                    expected=f"{m.group('num')}{right}", severity="warning",
                    suggestion="核对单价（标准）的单位（元/万元），请核实。",
                ))
                break


def _counts(index: FigureIndex, per: str) -> list[Figure]:
    units = _PER_TO_COUNT.get(per, (per,))
    return [f for _, f in index.figures() if f.unit in units and not f.comparator and f.value > 1]


def _implied(index: FigureIndex) -> list[tuple[Decimal, Figure, str]]:
    """For each money amount, the amount it would be in 元 had it been written in the
    other unit (元 ↔ 万元), sorted for lookup."""
    out = []
    for _, f in index.figures():
        if f.kind != "amount" or f.unit not in ("元", "万元") or not _MONEY_LABEL.search(f.label):
            continue
        right = "万元" if f.unit == "元" else "元"
        out.append((f.value * AMOUNT_FACTORS[right], f, right))
    out.sort(key=lambda t: t[0])
    return out


def check_per_head_units(doc: Document, index: FigureIndex, out: list[Finding]) -> None:
    implied = _implied(index)
    if not implied:
        return
    keys = [t[0] for t in implied]
    reported: set[int] = set()
    for para in index.paragraphs:
        for standard, per, shown in _standards(para):
            for count in _counts(index, per):
                product = standard * count.value  # in 元
                lo = bisect.bisect_left(keys, product * Decimal("0.99"))
                hi = bisect.bisect_right(keys, product * Decimal("1.01"))
                for _, amount, right_unit in implied[lo:hi]:
                    if amount.start in reported:
                        continue
                    if not consistent(amount.num_text, product / AMOUNT_FACTORS[right_unit]):
                        continue
                    reported.add(amount.start)
                    out.append(prepass_finding(
                        doc, category="unit", rule="unit.per_head", title="金额单位疑误",
                        detail=f"{count.shown()} × {shown} = {fmt(product, 0)}元"
                               f"（{fmt(product / AMOUNT_FACTORS['万元'], 4).rstrip('0').rstrip('.')}万元），"
                               f"文中写“{amount.label}{amount.shown()}”，数值相符而单位不符，应为"
                               f"{amount.num_text}{right_unit}。",
                        span=(amount.start, amount.end), stated=amount.shown(),
                        expected=f"{amount.num_text}{right_unit}", severity="warning",
                        suggestion="核对金额单位（元/万元），请核实。",
                    ))


def check_bare_rates(doc: Document, index: FigureIndex, out: list[Finding]) -> None:
    for para in index.paragraphs:
        for m in _BARE_PER.finditer(para.text):
            before = para.text[max(0, m.start() - 6):m.start()]
            if re.search(r"\d[/-]$|年$|月$", before):
                continue  # dates and fractions
            if m.group("per") in ("年", "月") and not _PER_HEAD.search(para.text[max(0, m.start() - 12):m.start()]):
                continue
            start, end = para.span(m.start(), m.end())
            out.append(prepass_finding(
                doc, category="unit", rule="unit.missing", title="数值缺少计量单位",
                detail=f"“{m.group()}”缺少计量单位（如“{m.group('num')}元/{m.group('per')}”）。",
                span=(start, end), stated=m.group(), expected=f"{m.group('num')}元/{m.group('per')}",
                severity="warning", suggestion="补充计量单位。",
            ))


# A number right before the bracket that breaks it down: "开工198007（其中，城镇棚户区197825套，
# 国有工矿棚户区182）" — its parts carry the unit the number itself left out.
_BARE_TOTAL = re.compile(r"(?<![\d.,])(?P<num>\d{2,}(?:\.\d+)?)[（(](?:其中|含)[:：,，]?(?P<inner>[^（()）]{4,120})[)）]")
_PART_UNIT = re.compile(rf"\d(?:\.\d+)?(?P<unit>万元|亿元|元|{_PER})")


def check_bare_totals(doc: Document, index: FigureIndex, out: list[Finding]) -> None:
    for para in index.paragraphs:
        for m in _BARE_TOTAL.finditer(para.text):
            units = {u.group("unit") for u in _PART_UNIT.finditer(m.group("inner"))}
            if len(units) != 1:
                continue  # parts without a unit, or in several: nothing says which one is lost
            unit = units.pop()
            start, end = para.span(m.start("num"), m.end("num"))
            out.append(prepass_finding(
                doc, category="unit", rule="unit.missing", title="数值缺少计量单位",
                detail=f"“{m.group('num')}”后紧接其分项，分项以“{unit}”计，而该数缺少单位，疑为“{m.group('num')}{unit}”。",
                span=(start, end), stated=m.group("num"), expected=f"{m.group('num')}{unit}",
                severity="warning", suggestion="补充计量单位。",
            ))


def check_units(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    check_per_head_units(doc, index, out)
    check_standard_units(doc, index, out)
    check_bare_rates(doc, index, out)
    check_bare_totals(doc, index, out)
    return out
