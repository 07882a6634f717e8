"""Cross-mention consistency: one labelled quantity (资产总额, 负债, 三公经费, 基本支出,
项目支出 …) stated with different values in different places.

Values are compared after unit conversion. A value that only matches another mention
after a factor of 10⁴ is a 万元/元 slip (`unit`); any other difference is an
`inconsistency`. Mentions of earlier years (上年, 2019年 …) and of budgets are not the
same quantity and are left out.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..document import Document
from ..figures import AMOUNT_FACTORS, Figure, FigureIndex, Paragraph
from ..models import Finding
from .common import consistent, prepass_finding
from .scope import scope_of

# Canonical quantity → label pattern. Kept to quantities reports state as one figure.
QUANTITIES = {
    "资产总额": re.compile(r"(资产总额|资产合计|总资产)$"),
    "负债总额": re.compile(r"(负债总额|负债合计|负债总计)$"),
    "“三公”经费": re.compile(r"三公.{0,2}经费(支出|决算数|支出数)?$"),
    "基本支出": re.compile(r"(^|年度?|部门|单位|整体)基本支出$"),
    "项目支出": re.compile(r"(^|年度?|部门|单位|整体)项目支出$"),
}
_OTHER_PERIOD = re.compile(r"上年|上一年|去年|同期|年初|预算|较|比|计划")
_YEAR = re.compile(r"(20\d\d)年")
# Different units may round differently (13628.59元 vs 1.37万元): allow 1 %.
_CROSS_UNIT_TOLERANCE = Decimal("0.01")


def _quantity(f: Figure, report_year: int | None) -> str | None:
    if f.kind != "amount" or f.in_parens:
        return None
    label = re.sub(r"[“”\"'‘’]", "", f.label)
    label = re.sub(r"^(截至|截止)?20\d\d年(\d+月\d+日)?(末|度)?", lambda m: "" if _same_year(m.group(), report_year) else m.group(), label)
    label = re.sub(r"^(本年末|年末|本年度|本年|全年|我单位|本单位|本部门)+", "", label)
    label = re.sub(r"(为|是|达)$", "", label)
    if _OTHER_PERIOD.search(label) or _YEAR.search(label):
        return None
    for name, pattern in QUANTITIES.items():
        if pattern.search(label):
            return name
    return None


def _breaks_down_other(para: Paragraph, f: Figure) -> bool:
    """A part listed after 其中 under a budget or an earlier year's amount ("调整预算为
    3218.60万元，其中基本支出1204.35万元") is a part of that, not this year's figure."""
    return bool(_OTHER_PERIOD.search(para.list_head(f.fstart)))


def _same_year(text: str, report_year: int | None) -> bool:
    m = _YEAR.search(text)
    return bool(m and report_year and int(m.group(1)) == report_year)


def _matches(a: Figure, b: Figure) -> bool:
    """a's stated figure agrees with b's value (in a's unit)."""
    if a.unit == b.unit:
        return a.value == b.value
    b_in_a = b.in_yuan / AMOUNT_FACTORS[a.unit]
    if consistent(a.num_text, b_in_a) or consistent(b.num_text, a.in_yuan / AMOUNT_FACTORS[b.unit]):
        return True
    return b_in_a and abs(a.value - b_in_a) / abs(b_in_a) <= _CROSS_UNIT_TOLERANCE


def _off_by_10k(a: Figure, b: Figure) -> bool:
    """a is written in a unit 10⁴ too large (…万元 that is really 元) or too small."""
    for factor in (Decimal(10) ** 4, Decimal(10) ** -4):
        scaled = a.in_yuan / factor
        if consistent(b.num_text, scaled / AMOUNT_FACTORS[b.unit]):
            return True
    return False


def _plain_label(f: Figure) -> str:
    label = re.sub(r"[“”\"'‘’]", "", f.label)
    label = re.sub(r"^(截至|截止)?(20\d\d年)?(\d+月\d+日)?(本年末|年末|本年度|本年|全年|年度|度|末)*", "", label)
    return re.sub(r"(为|是|达|共|合计|共计)$", "", label)


def check_unit_twins(doc: Document, index: FigureIndex, named: set[int]) -> list[Finding]:
    """The same amount of the same item written once in 万元 and once in 元 ("项目资金
    17.26万元" … "项目资金17.26元"): the mention outside the report's usual unit is the slip."""
    seen: dict[tuple[str, str], list[tuple[Paragraph, Figure]]] = {}
    for para, f in index.figures():
        if f.kind != "amount" or f.unit not in ("元", "万元") or f.start in named:
            continue
        label = _plain_label(f)
        if len(label) >= 2:
            seen.setdefault((label, f.num_text), []).append((para, f))
    usual = index.dominant_amount_unit
    out: list[Finding] = []
    reported: set[int] = set()
    for (label, _), mentions in seen.items():
        units = {f.unit for _, f in mentions}
        if len(units) < 2:
            continue
        for para, f in mentions:
            if f.unit == usual:
                continue
            other = next(g for _, g in mentions if g.unit != f.unit)
            reported.add(f.start)
            out.append(prepass_finding(
                doc, category="unit", rule="unit.cross_mention", title=f"{label}的计量单位疑误",
                detail=f"此处{label}为{f.shown()}，另处为{other.shown()}；数字相同而单位不同，"
                       f"二者相差10⁴倍，请核实。",
                span=para.span(para.clause_start(f.fstart), f.fend), stated=f.shown(),
                expected=f"{f.num_text}{other.unit}", severity="warning",
                suggestion=f"核对{label}的单位，前后保持一致。",
            ))
    if usual == "万元":
        out.extend(_small_yuan_twins(doc, index, reported))
    return out


_PER_UNIT = re.compile(r"人均|户均|每|标准|单价|均价|定额")


def _small_yuan_twins(doc: Document, index: FigureIndex, skip: set[int]) -> list[Finding]:
    """In a report kept in 万元, an amount in 元 under 10,000 whose digits are exactly those
    of an amount stated in 万元 elsewhere ("1.7元" beside "1.7万元"), though under another
    name: digits this specific rarely coincide, so the 元 is a slip (said as 请核实)."""
    in_wan: dict[str, Figure] = {}
    for _, f in index.figures():
        if f.kind == "amount" and f.unit == "万元":
            in_wan.setdefault(f.num_text, f)
    out: list[Finding] = []
    for para, f in index.figures():
        if f.kind != "amount" or f.unit != "元" or f.start in skip or f.value >= 10000:
            continue
        if _PER_UNIT.search(f.label) or para.text[f.fend:f.fend + 1] == "/":
            continue  # per-head standards are in 元 by nature
        specific = "." in f.num_text or len(f.num_text.replace(",", "")) >= 3
        twin = in_wan.get(f.num_text)
        if twin is None or not specific:
            continue
        out.append(prepass_finding(
            doc, category="unit", rule="unit.cross_mention", title="金额单位疑误",
            detail=f"此处为{f.shown()}，报告金额均以万元计，且另处有{twin.label}{twin.shown()}；"
                   f"数字相同而单位相差10⁴倍，请核实。",
            span=para.span(para.clause_start(f.fstart), f.fend), stated=f.shown(),
            expected=f"{f.num_text}万元", severity="warning", suggestion="核对金额单位（元/万元）。",
        ))
    return out


def check_mentions(doc: Document, index: FigureIndex, report_year: int | None) -> list[Finding]:
    from .scope import text_scope

    # One quantity per scope of funds: 基本支出 of all funds and of the general budget are
    # two figures (reviewer/checks/scope.py).
    groups: dict[tuple[str, str], list[tuple[Paragraph, Figure]]] = {}
    for para, f in index.figures():
        name = _quantity(f, report_year)
        if name and _breaks_down_other(para, f):
            continue
        if name:
            start = para.block.start
            scope = text_scope(doc, start, para.text, para.clause_start(f.fstart)) or scope_of(f.label)
            groups.setdefault((name, scope), []).append((para, f))
    named = {f.start for mentions in groups.values() for _, f in mentions}
    out: list[Finding] = check_unit_twins(doc, index, named)
    for (name, _), mentions in groups.items():
        if len(mentions) < 2:
            continue
        # Majority value: the one most other mentions agree with. Most mentions repeat a
        # value exactly; only the rest are compared one by one (a long report names a
        # quantity hundreds of times).
        exact = Counter((g.unit, g.value) for _, g in mentions)
        for para, f in mentions:
            if exact[(f.unit, f.value)] > 1:
                continue
            others = [g for _, g in mentions if g is not f]
            if any(_matches(f, g) for g in others):
                continue
            span = (para.span(para.clause_start(f.fstart), f.fend))
            slip = next((g for g in others if _off_by_10k(f, g)), None)
            if slip is not None:
                right_unit = "元" if f.unit == "万元" else "万元"
                out.append(prepass_finding(
                    doc, category="unit", rule="unit.cross_mention", title=f"{name}的计量单位疑误",
                    detail=f"此处{name}为{f.shown()}，另处为{slip.shown()}；二者相差10⁴倍，"
                           f"此处应为{f.num_text}{right_unit}。",
                    span=span, stated=f.shown(), expected=f"{f.num_text}{right_unit}",
                    suggestion=f"核对{name}的单位与数值，前后保持一致。",
                ))
                continue
            if any(_off_by_10k(g, f) for g in others):
                continue  # the other mention carries the unit slip and is reported there
            first = others[0]
            if f.start < first.start:
                continue  # report each disagreement once, at the later mention
            out.append(prepass_finding(
                doc, category="inconsistency", rule="inconsistency.cross_mention", title=f"{name}前后不一致",
                detail=f"此处{name}为{f.shown()}，前文为{first.shown()}。",
                span=span, stated=f.shown(), expected=first.shown(), severity="warning",
                suggestion=f"核对{name}，全文保持一致。",
            ))
    # The named-quantity check and the twin check may both see one slip: report it once.
    seen_spans: set[tuple[str, int | None]] = set()
    unique = []
    for f in out:
        key = (f.rule, f.location.start)
        if key not in seen_spans:
            seen_spans.add(key)
            unique.append(f)
    return unique
