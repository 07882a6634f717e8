"""Totals against their parts in the narrative.

- A numbered list under a stated total ("收入决算220.80万元。其中：（1）… （8）…"): the
  items' sum must equal the total.
- An inline breakdown ("基本支出17.26万元，其中：A 6.40万元；B 10.86万元"): the parts
  after 其中/包括 must add up to the total before it. Parts are cut at the first ";" or at
  the sentence end, whichever fits; a breakdown whose parts exceed the total usually
  mixes levels of the hierarchy (a sub-item next to its parent), so only a shortfall is
  reported there.
- The balance identity (head counts live in staffing.py)
  (收入 − 支出 − 结余分配 = 年末结转和结余).
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Document
from ..figures import AMOUNT_FACTORS, Figure, FigureIndex, Paragraph
from ..models import Finding
from ..sections import HEADING_RE
from .common import consistent, fmt, prepass_finding, severity_of

BREAKDOWN_RE = re.compile(r"其中|包括|分别为|分别是|含")
_STOP_PARTS = re.compile(r"(?:比|较|与)[^,;。]{0,16}?(?:相比|增加|减少|增长|下降|持平)|主要原因|主要用于|原因")
_TOTAL_HINT = re.compile(r"决算|合计|总计|总额|总|共|全年|实有|核定")
_NOT_TOTAL_HINT = re.compile(r"预算|上年|去年")
_ITEM_RE = re.compile(r"^\s*(?:[（(]\s*\d{1,2}\s*[）)]|\d{1,2}\s*[、．.](?!\d))")


def _base(f: Figure) -> Decimal:
    return f.in_yuan if f.in_yuan is not None else f.value


def _same_kind(a: Figure, b: Figure) -> bool:
    if a.kind == "amount":
        return b.kind == "amount"
    return a.kind == "count" and b.kind == "count" and a.unit == b.unit


def _in(total: Figure, value: Decimal) -> Decimal:
    return value / AMOUNT_FACTORS[total.unit] if total.kind == "amount" else value


def _sum_text(parts: list[Figure]) -> str:
    return " + ".join(p.shown() for p in parts)


def _decimals(parts: list[Figure], total: Figure) -> int:
    return max([p.decimals for p in parts] + [total.decimals])


def check_inline(doc: Document, para: Paragraph, out: list[Finding]) -> None:
    text = para.text
    for m in BREAKDOWN_RE.finditer(text):
        if m.group() == "含" and not (m.start() and text[m.start() - 1] in "(（"):
            continue  # only the parenthesised "（含 …）"
        s, e = para.sentence_bounds(m.start())
        totals = _totals_before(para, m.start(), s)
        if not totals:
            continue
        kind_ref = totals[0]
        after = [f for f in para.figures if m.end() <= f.fstart and f.fend <= e and not f.in_parens
                 and _same_kind(kind_ref, f)]
        if m.group() == "含":
            close = text.find(")", m.end())
            after = [f for f in para.figures if m.end() <= f.fstart and (close < 0 or f.fend <= close)
                     and _same_kind(kind_ref, f)]
        stop = _STOP_PARTS.search(text, m.end(), e)
        if stop:
            after = [f for f in after if f.fend <= stop.start()]
        nxt = BREAKDOWN_RE.search(text, m.end(), e)
        if nxt and nxt.group() in ("其中", "包括"):
            after = [f for f in after if f.fend <= nxt.start()]
        semi = text.find(";", m.end(), e)
        cuts = [after]
        if semi >= 0:
            cuts.insert(0, [f for f in after if f.fend <= semi])
        cuts = [c for c in cuts if len(c) >= 2 or (m.group() == "含" and c)]
        if not cuts:
            continue
        if m.group() == "含":
            _check_part_not_larger(doc, para, totals[0], cuts[-1], out)
            continue
        if kind_ref.kind == "amount" and any(_base(p) > _base(totals[0]) for p in cuts[-1]):
            # One part alone above its whole: no reading of the levels explains that.
            _check_part_not_larger(doc, para, totals[0], cuts[-1], out)
            continue
        if any(consistent(t.num_text, _in(t, sum(_base(p) for p in c))) for t in totals for c in cuts):
            continue
        if kind_ref.kind != "amount":
            # "共报送信息105条，其中A采用4条…" names a few notable parts, not a partition.
            continue
        # A list closed by 等 ("讲课费3.84万元、演练耗材费21.47万元等") names some parts only:
        # a shortfall is what it leaves out.
        last_end = cuts[-1][-1].fend
        partial = bool(re.match(r"\s*(?:万元|元|亿元)?\s*等", text[last_end:last_end + 6]))
        # A list in the sentence the text was cut in may go on past the cut.
        partial = partial or doc.in_cut_tail(cuts[-1][-1].end)
        # Report the shortfall closest to a candidate total (parts exceeding: see module doc).
        best = None
        for t in totals:
            for c in cuts:
                total_v, parts_v = _base(t), sum(_base(p) for p in c)
                if parts_v < total_v and not partial and (best is None or total_v - parts_v < best[0]):
                    best = (total_v - parts_v, t, c)
        if best is None:
            best = _same_level_excess(totals, cuts)
        if best is None:
            continue
        _, total, parts = best
        _report_sum(doc, para, total, parts, span=para.span(para.clause_start(total.fstart), parts[-1].fend),
                    rule="arithmetic.breakdown", out=out)


def _same_level_excess(totals: list[Figure], cuts: list[list[Figure]]):
    """Parts that exceed their total and are all of one level: no part is itself a
    total of others (no one or two parts can be taken out to leave the total), none is
    larger than the total, and they are few enough to tell. Nesting stays quiet."""
    total, parts = totals[0], cuts[-1]
    if not 2 <= len(parts) <= 10:
        return None
    # Siblings are named alike (…支出, …支出); a differently named part is another level.
    endings = {p.label[-1:] for p in parts}
    if len(endings) != 1 or "" in endings:
        return None
    values = [_base(p) for p in parts]
    whole = _base(total)
    parts_sum = sum(values)
    if parts_sum <= whole or max(values) >= whole:
        return None
    # Each part rounded to the last digit may add half a unit: that much is no excess.
    step = AMOUNT_FACTORS.get(total.unit, 1) * Decimal(1).scaleb(-_decimals(parts, total))
    if parts_sum - whole <= step / 2 * len(parts):
        return None
    unit_sum = lambda v: consistent(total.num_text, _in(total, v))  # noqa: E731
    for i, a in enumerate(values):
        if unit_sum(parts_sum - a):
            return None
        for b in values[i + 1:]:
            if unit_sum(parts_sum - a - b):
                return None
    return parts_sum - whole, total, parts


def _totals_before(para: Paragraph, pos: int, sentence_start: int) -> list[Figure]:
    """Candidate totals for a breakdown at `pos`: the nearest figure before it in the
    sentence, or, when the sentence opens with the breakdown, the previous sentence's
    totals (those labelled 合计/共/总… first)."""
    here = [f for f in para.figures if sentence_start <= f.fstart and f.fend <= pos and not f.in_parens
            and f.kind in ("amount", "count")]
    if here:
        return [here[-1]]
    if sentence_start == 0:
        return []
    ps, _ = para.sentence_bounds(sentence_start - 1)
    prev = [f for f in para.figures if ps <= f.fstart < sentence_start and not f.in_parens
            and f.kind in ("amount", "count") and not _NOT_TOTAL_HINT.search(f.label)]
    hinted = [f for f in prev if _TOTAL_HINT.search(para.text[para.clause_start(f.fstart):f.fstart])]
    return hinted + [f for f in reversed(prev) if f not in hinted][:1]


def _check_part_not_larger(doc, para, total: Figure, parts: list[Figure], out) -> None:
    if _unit_slip_of_total(doc, para, total, parts, out):
        return
    for p in parts:
        if _base(p) > _base(total):
            out.append(prepass_finding(
                doc, category="arithmetic", rule="arithmetic.part_exceeds_whole", title="部分大于整体",
                detail=f"其中数{p.shown()}大于总数{total.shown()}。",
                span=para.span(para.clause_start(total.fstart), p.fend), stated=p.shown(),
                expected=f"≤{total.shown()}", suggestion="核对总数与其中数。",
            ))


def _unit_slip_of_total(doc, para, total: Figure, parts: list[Figure], out) -> bool:
    """"补助471.23元，其中中央补助189.63万元，地方补助281.6万元": the parts, all in one
    unit, add up to the total's number in another unit. The total's unit is the slip, not
    the parts: one unit finding rather than "part above whole" for each part."""
    units = {p.unit for p in parts}
    if len(parts) < 2 or len(units) != 1 or total.unit in units or total.unit not in AMOUNT_FACTORS:
        return False
    (unit,) = units
    if unit not in AMOUNT_FACTORS or not consistent(total.num_text, sum(p.value for p in parts)):
        return False
    out.append(prepass_finding(
        doc, category="unit", rule="unit.total_unit", title="合计金额单位疑误",
        detail=f"其中各项{' + '.join(p.shown() for p in parts)}，数值之和正是{total.num_text}，"
               f"而总数写作“{total.shown()}”，单位应为{unit}。",
        span=(total.start, total.end), stated=total.shown(), expected=f"{total.num_text}{unit}",
        severity="warning", suggestion=f"核对总数单位，应为“{total.num_text}{unit}”。",
    ))
    return True


def _report_sum(doc, para, total: Figure, parts: list[Figure], span, rule: str, out) -> None:
    d = _decimals(parts, total)
    parts_sum = _in(total, sum(_base(p) for p in parts))
    shown_sum = f"{fmt(parts_sum, d)}{total.unit}"
    gap = _in(total, _base(total)) - parts_sum
    out.append(prepass_finding(
        doc, category="arithmetic", rule=rule, title="分项之和与合计不符",
        detail=f"{_sum_text(parts)} = {shown_sum}，与所述合计{total.shown()}相差{fmt(abs(gap), d)}{total.unit}"
               + ("（可能漏列分项）" if gap > 0 else "") + "。",
        span=span, stated=total.shown(), expected=shown_sum,
        severity=severity_of(total.num_text, parts_sum),
        suggestion="核对合计数与各分项，补全遗漏的分项或更正合计。",
    ))


def _same_item_style(first_item: str, other: str) -> bool:
    """Whether `other` is numbered like the list's first item ("（1）" vs "2．")."""
    a, b = _ITEM_RE.match(first_item), _ITEM_RE.match(other)
    if not a or not b:
        return False
    return a.group().strip()[:1] in "（(" and b.group().strip()[:1] in "（(" or \
        a.group().strip()[-1:] == b.group().strip()[-1:]


def _list_goes_on(paras: list[Paragraph], j: int, first_item: str, number: int) -> bool:
    """The list's next item (numbered `number`, in the first item's style) follows within a
    few lines of detail, before any new breakdown starts."""
    for k in range(j, min(len(paras), j + 6)):
        text = paras[k].block.text
        m = _ITEM_RE.match(text)
        if m and _same_item_style(first_item, text):
            return int(re.sub(r"\D", "", m.group())) == number
        if re.search(r"(其中|如下|分别为|包括)[:：]?$", text):
            return False
    return False


def check_lists(doc: Document, index: FigureIndex, out: list[Finding]) -> None:
    """A paragraph stating a total, announcing a breakdown (ends with 其中：/如下：), then
    numbered item paragraphs each opening with an amount."""
    paras = index.paragraphs
    i = 0
    while i < len(paras):
        p = paras[i]
        intro_text = p.text
        if not re.search(r"(其中|如下|分别为|包括)[:]?$", intro_text):
            i += 1
            continue
        intro = p
        if not [f for f in intro.figures if f.kind == "amount"] and i > 0:
            intro = paras[i - 1]
        items: list[Figure] = []
        j = i + 1
        item_paras: list[Paragraph] = []
        while j < len(paras) and _ITEM_RE.match(paras[j].block.text):
            amounts = [f for f in paras[j].figures if f.kind == "amount"]
            # An item stating its budget before its actual ("年初预算为a，支出决算为b") is
            # counted by the actual, the side a total is stated on.
            first = next((f for f in amounts if not _NOT_TOTAL_HINT.search(f.label)), None)
            if first is None:
                break
            items.append(first)
            item_paras.append(paras[j])
            j += 1
        totals = [f for f in intro.figures if f.kind == "amount" and not f.in_parens and not _NOT_TOTAL_HINT.search(f.label)]
        if len(items) >= 2 and totals:
            hinted = [f for f in totals if _TOTAL_HINT.search(f.label)]
            total = max(hinted or totals, key=_base)
            before = [_base(f) for f in intro.figures if f.kind == "amount" and f.fend <= total.fstart]
            if sum(1 for x in items if _base(x) in before) >= 2:
                # The intro lists the parts itself before the amount taken for their total
                # ("A 0.00万元；B 0.00万元；C 0.39万元。具体情况如下："): that amount is a part.
                i = max(j, i + 1)
                continue
            items_sum = _in(total, sum(_base(x) for x in items))
            # A shortfall where the list goes on with an item whose amount was not read
            # (wrapped onto a later line, or after a few lines of detail) is a list read
            # short, not a missing item.
            short = items_sum < _in(total, _base(total))
            cut = short and (_list_goes_on(paras, j, item_paras[0].block.text, len(items) + 1)
                             or doc.in_cut_tail(item_paras[-1].block.end - 1))  # the list runs into a cut text
            if not cut and not consistent(total.num_text, items_sum):
                out_span = intro.span(intro.clause_start(total.fstart), total.fend)
                _report_sum(doc, intro, total, items, span=out_span, rule="arithmetic.list_total", out=out)
        i = max(j, i + 1)


_BALANCE = {
    "income": re.compile(r"本年收入|收入合计|总收入"),
    "expense": re.compile(r"本年支出|支出合计|总支出"),
    "used": re.compile(r"使用.*结余|年初结转"),
    "distributed": re.compile(r"结余分配"),
    "closing": re.compile(r"年末结转和?结余"),
}


def check_balance(doc: Document, para: Paragraph, out: list[Finding]) -> None:
    found: dict[str, Figure] = {}
    for f in para.figures:
        if f.kind != "amount":
            continue
        for key, pattern in _BALANCE.items():
            if key not in found and pattern.search(f.label):
                found[key] = f
                break
    if not {"income", "expense", "closing"} <= set(found):
        return
    closing = found["closing"]
    value = _base(found["income"]) - _base(found["expense"])
    value += _base(found["used"]) if "used" in found else 0
    value -= _base(found["distributed"]) if "distributed" in found else 0
    want = _in(closing, value)
    if consistent(closing.num_text, want):
        return
    if "used" not in found and _in(closing, _base(closing)) > want:
        return  # more left than the year's own balance: the opening carry-over (年初结转和结余) the sentence leaves out
    terms = f"{found['income'].shown()} − {found['expense'].shown()}"
    if "used" in found:
        terms += f" + {found['used'].shown()}"
    if "distributed" in found:
        terms += f" − {found['distributed'].shown()}"
    out.append(prepass_finding(
        doc, category="arithmetic", rule="arithmetic.balance", title="收支结余关系不平",
        detail=f"{terms} = {fmt(want, closing.decimals)}{closing.unit}，文中年末结转和结余{closing.shown()}。",
        span=para.span(para.clause_start(found["income"].fstart), closing.fend), stated=closing.shown(),
        expected=f"{fmt(want, closing.decimals)}{closing.unit}", severity=severity_of(closing.num_text, want),
        suggestion="核对收入、支出、结余分配与年末结转和结余。",
    ))


def check_sums(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    for para in index.paragraphs:
        if HEADING_RE.match(para.block.text) and len(para.text) < 12:
            continue
        check_inline(doc, para, out)
        check_balance(doc, para, out)
    check_lists(doc, index, out)
    return out
