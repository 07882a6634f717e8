"""Differences and changes: "比上年减少 d（下降 p%）", "决算与预算相差 d".

The current value is the amount stated before the comparison, the reference the amount
named inside it ("比上年226.57万元减少…") or labelled 上年/上年末 in the same sentence.
A change written in 元 that only fits the document's 万元 figures is a unit slip.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..document import Document
from ..figures import AMOUNT_FACTORS, Figure, FigureIndex, Paragraph
from ..models import Finding
from .common import consistent, fmt, prepass_finding, severity_of

# A thousands separator inside the reference amount ("比上年的1,572.30万元增加") is no clause break.
COMPARE_RE = re.compile(r"(?:比|较|与|同)(?P<ref>(?:[^,;。:]|(?<=\d),(?=\d{3}))"
                        r"{0,18}?)(?:相比|同期)?,?(?:[^,;。\d]{0,4}?)(?P<dir>增加|减少|增长|下降|降低|上升|节约|增|减)")
DIFF_RE = re.compile(r"相差(?P<num>\d+(?:\.\d+)?)(?P<unit>亿元|万元|千元|元)")
_PREVIOUS_WORDS = re.compile(r"上年|上一年|去年|上年度|上年末|同期")
_YEAR = re.compile(r"(20\d\d)年")
_DOWN = ("减少", "下降", "降低", "节约", "减")


def _previous_test(para: Paragraph):
    """Labels of an earlier period: 上年…, or a year before the latest year the paragraph names."""
    years = [int(y) for y in _YEAR.findall(para.text)]
    latest = max(years) if years else None

    def is_previous(label: str) -> bool:
        if _PREVIOUS_WORDS.search(label):
            return True
        m = _YEAR.search(label)
        return bool(m and latest and int(m.group(1)) < latest)

    return is_previous


def _amounts(figs):
    return [f for f in figs if f.kind == "amount" and f.in_yuan is not None]


def _convert(f: Figure, unit: str) -> Decimal:
    return f.in_yuan / AMOUNT_FACTORS[unit]


def _close(stated: Figure, value_yuan: Decimal) -> bool:
    return consistent(stated.num_text, value_yuan / AMOUNT_FACTORS[stated.unit])


def check_changes(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    dominant = index.dominant_amount_unit
    amounts = [f for _, f in index.figures() if f.kind == "amount" and f.in_yuan is not None]
    # Sorted once for every unit-slip lookup.
    all_amounts = _sorted_in(amounts, dominant) if dominant in AMOUNT_FACTORS else ([], [])
    for para in index.paragraphs:
        for m in COMPARE_RE.finditer(para.text):
            _check_one(doc, para, m, out, all_amounts, dominant)
        for m in DIFF_RE.finditer(para.text):
            _check_difference(doc, para, m, out)
    return out


# Labels of a difference rather than a level ("收入减少477288.6元"), and of a percentage
# that is a rate of its own, not the change ("预算执行率为100%").
_DELTA_LABEL = re.compile(r"(?:增加|减少|增长|下降|降低|上升|节约|相差|差额|增减)(?:了|额|数)?$")
_OTHER_RATE = re.compile(r"(?<!增长)(?<!下降)(?<!增减)率(?:为|是|达到?)?$")


def _check_one(doc, para: Paragraph, m: re.Match, out, all_amounts, dominant) -> None:
    s, e = para.sentence_bounds(m.start())
    after = [f for f in para.figures if m.end("dir") <= f.fstart < e]
    delta = next((f for f in after[:1] if f.kind == "amount"), None)
    pct = next((f for f in after[:2] if f.kind == "percent"), None)
    if pct is not None and _OTHER_RATE.search(pct.label):
        pct = None
    if delta is None and pct is not None:
        # "收入减少477288.6元，同比下降12.770%": the difference stated just before is the delta.
        clause_start = para.clause_start(m.start())
        previous_clause = para.clause_start(max(0, clause_start - 1)) if clause_start else 0
        stated = [f for f in _amounts(para.figures) if previous_clause <= f.fstart < m.start() and _DELTA_LABEL.search(f.label)]
        delta = stated[-1] if stated else None
    if delta is None and pct is None:
        return
    # The reference value: named inside the comparison, or labelled 上年… in the sentence.
    inside = _amounts(para.figures_between(m.start(), m.start("dir")))
    ref = inside[-1] if inside else None
    before = _amounts([f for f in para.figures if f.fend <= m.start()])
    is_previous = _previous_test(para)
    if ref is None:
        labelled = [f for f in before if f.fstart >= s and is_previous(f.label)]
        ref = labelled[-1] if labelled else None
    currents = [f for f in before if f is not ref and not is_previous(f.label) and not _DELTA_LABEL.search(f.label)]
    current = currents[-1] if currents else None
    down = m.group("dir") in _DOWN
    quote = para.span(m.start(), (pct or delta).fend)

    if delta is not None and delta.in_yuan is not None:
        if ref is not None:
            # Any amount of the paragraph may be the current value the change is from.
            fits = [c for c in _amounts(para.figures) if c is not ref and c is not delta
                    and _close(delta, abs(ref.in_yuan - c.in_yuan))]
            if fits:
                current = fits[-1]
            elif current is not None and delta.unit == ref.unit:
                want = abs(ref.in_yuan - current.in_yuan)
                out.append(prepass_finding(
                    doc, category="arithmetic", rule="arithmetic.change", title="增减额与重算不符",
                    detail=f"{ref.shown()} − {current.shown()} = {fmt(want / AMOUNT_FACTORS[delta.unit], delta.decimals)}{delta.unit}，"
                           f"文中写{delta.shown()}。",
                    span=quote, stated=delta.shown(),
                    expected=f"{fmt(want / AMOUNT_FACTORS[delta.unit], delta.decimals)}{delta.unit}",
                    severity=severity_of(delta.num_text, want / AMOUNT_FACTORS[delta.unit]),
                    suggestion="核对增减额与两期数据。",
                ))
                return
        elif dominant and delta.unit != dominant and dominant in AMOUNT_FACTORS:
            _unit_slip(doc, para, delta, quote, all_amounts, dominant, out)
            return
        if pct is None:
            return
        if ref is not None:
            refs = [ref.in_yuan]
        else:
            # Without a stated reference, any amount before the comparison may be the
            # current value; the change is judged only if none of them fits.
            sentence = [c for c in currents if c.fstart >= s] or currents
            # Name the likeliest current value first: a total on the side (收入/支出) the change speaks of.
            said = para.text[s:delta.fstart]
            side = next((w for w in ("支出", "收入") if w in said), None)
            ordered = sorted(reversed(sentence), key=lambda c: (not (side and side in c.label),
                                                                 not re.search(r"合计|总计|总额|总|决算", c.label)))
            refs = [c.in_yuan + delta.in_yuan if down else c.in_yuan - delta.in_yuan for c in ordered]
        refs = [r for r in refs if r]
        if refs and not any(consistent(pct.num_text, delta.in_yuan / r * 100) for r in refs):
            ref_yuan = refs[0]
            recomputed = delta.in_yuan / ref_yuan * 100
            _check_pct(doc, pct, recomputed, quote, f"{delta.shown()} ÷ 上期{fmt(ref_yuan / AMOUNT_FACTORS[delta.unit], 2)}{delta.unit}", out)
    elif pct is not None and ref is not None and current is not None and ref.in_yuan:
        recomputed = abs(ref.in_yuan - current.in_yuan) / ref.in_yuan * 100
        _check_pct(doc, pct, recomputed, quote, f"|{current.shown()} − {ref.shown()}| ÷ {ref.shown()}", out)


def _check_pct(doc, pct: Figure, recomputed: Decimal, quote, arithmetic: str, out) -> None:
    if consistent(pct.num_text, recomputed):
        return
    expected = f"{fmt(recomputed, max(1, pct.decimals))}%"
    out.append(prepass_finding(
        doc, category="ratio", rule="ratio.change", title="增减幅度与重算不符",
        detail=f"{arithmetic} = {expected}，文中写{pct.shown()}。", span=quote,
        stated=pct.shown(), expected=expected, severity=severity_of(pct.num_text, recomputed),
        suggestion="按（本期−上期）÷上期重新计算增减幅度。",
    ))


def _sorted_in(amounts: list[Figure], unit: str) -> tuple[list[Decimal], list[Figure]]:
    """Amounts stated in `unit`, sorted by value, with their values for bisection."""
    pairs = sorted(((_convert(f, unit), f) for f in amounts if f.unit == unit), key=lambda p: p[0])
    return [v for v, _ in pairs], [f for _, f in pairs]


def _unit_slip(doc, para: Paragraph, delta: Figure, quote, all_amounts, dominant: str, out) -> None:
    """A change in 元 that equals the difference of two stated 万元 amounts (one of them in
    this paragraph) was written in the wrong unit. `all_amounts` is (values, figures) of
    the amounts stated in the dominant unit, sorted by value."""
    as_dominant = delta.value  # read the number as if written in the dominant unit
    local = [f for f in _amounts(para.figures) if f.unit == dominant]
    values, others = all_amounts
    # b lies at a ± delta, give or take the delta's last digit: look only there.
    slack = Decimal(1).scaleb(-delta.decimals)
    for a in local:
        av = _convert(a, dominant)
        candidates = []
        for centre in (av - as_dominant, av + as_dominant):
            lo = bisect.bisect_left(values, centre - slack)
            hi = bisect.bisect_right(values, centre + slack)
            candidates.extend(others[lo:hi])
        for b in candidates:
            if a is b:
                continue
            diff = abs(av - _convert(b, dominant))
            if diff and consistent(delta.num_text, diff):
                out.append(prepass_finding(
                    doc, category="unit", rule="unit.change", title="计量单位疑误",
                    detail=f"{b.shown()} − {a.shown()} = {fmt(diff, delta.decimals)}{dominant}，"
                           f"文中写{delta.shown()}，单位应为{dominant}。",
                    span=quote, stated=delta.shown(), expected=f"{fmt(as_dominant, delta.decimals)}{dominant}",
                    suggestion=f"将“{delta.shown()}”改为“{delta.num_text}{dominant}”。",
                ))
                return


def _check_difference(doc, para: Paragraph, m: re.Match, out) -> None:
    s, _ = para.sentence_bounds(m.start())
    prev = _amounts([f for f in para.figures if f.fend <= m.start()])
    if len(prev) < 2:
        return
    a, b = prev[-2], prev[-1]
    factor = AMOUNT_FACTORS[m.group("unit")]
    want = abs(a.in_yuan - b.in_yuan) / factor
    stated = m.group("num")
    recent = prev[-4:]
    if any(consistent(stated, abs(x.in_yuan - y.in_yuan) / factor) for x in recent for y in recent if x is not y):
        return
    out.append(prepass_finding(
        doc, category="arithmetic", rule="arithmetic.difference", title="差额与重算不符",
        detail=f"|{a.shown()} − {b.shown()}| = {fmt(want, 2)}{m.group('unit')}，文中写{stated}{m.group('unit')}。",
        span=para.span(m.start(), m.end()), stated=f"{stated}{m.group('unit')}",
        expected=f"{fmt(want, 2)}{m.group('unit')}", severity=severity_of(stated, want),
        suggestion="核对差额。",
    ))
