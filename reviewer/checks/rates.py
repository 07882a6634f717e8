"""Rates a sentence defines from its own figures: 执行率/支出率/完成率/到位率 = actual ÷
budget, and count rates such as 评优率 = items rated 优 ÷ all items."""
from __future__ import annotations

import re
from decimal import Decimal

from ..document import Document
from ..figures import Figure, FigureIndex, Paragraph
from ..models import Finding
from .common import consistent, decimals_of, fmt, prepass_finding, severity_of

# Any rate of money spent, paid or received against money planned: 执行率, 支付率, 拨付进度,
# 支出比例 … (not a closed list); rates of other things are told apart by their words.
AMOUNT_RATE_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{0,6}?(?:执行|支出|完成|到位|使用|拨付|支付|兑付|发放)(?:率|进度|比例))"
    r"(?:为|达到|达|是|约)?(?P<pct>\d+(?:\.\d+)?)%"
)
_NOT_MONEY_RATE = re.compile(r"增长|下降|同比|环比|变动|满意|覆盖|合格|优良|知晓|参与|任务|工作|项目|指标|目标|人数|户数")
COUNT_RATE_RE = re.compile(r"(?P<name>评优率|优良率|优秀率|合格率|达标率)(?:为|达到|达|是)?(?P<pct>\d+(?:\.\d+)?)%")
_BUDGET = re.compile(r"预算|安排|计划|下达|批复")
_ACTUAL = re.compile(r"决算|执行|支出|实际|到位|完成|使用|拨付|支付|发放|兑付")
_COUNT_KEYS = {"评优率": ("优",), "优良率": ("优", "良"), "优秀率": ("优",), "合格率": ("合格",), "达标率": ("达标",)}


def _window(para: Paragraph, fpos: int) -> tuple[int, int]:
    """Everything the paragraph states before the rate: the budget and the actual it is
    computed from may sit a few sentences earlier."""
    return 0, fpos


# A budget or actual borrowed from the previous paragraph may be of another scope (the
# department's whole budget before a project's spending): only a rate this close to the
# recomputed one is taken for a slip, a wider gap for another base.
_BORROWED_GAP = 10.0


_OF_WHICH = re.compile(r"其中")
# A rate named after a part ("基本支出执行率") is that part's; a generic name is the whole's.
_RATE_SUFFIX = re.compile(r"(?:执行|支出|完成|到位|使用|拨付|支付|兑付|发放)(?:率|进度|比例)$")
# Rates named for one act, whose numerator is the amount named for that act (执行率 and
# 支出进度 take any spent amount: 决算, 支出 and 执行 all say spent).
_NAMED_VERB = re.compile(r"(到位|拨付|支付|兑付|发放)(?:率|进度|比例)$")
_PART_SUBJECT = re.compile(r"基本支出|项目支出|人员经费|公用经费|三公")
_GENERIC_SUBJECT = re.compile(r"^(?:预算|资金|年度|全年|总体|整体|项目资金|部门|本年|实际|总|财政资金)?$")


def _side(text: str) -> str | None:
    if _BUDGET.search(text) and not _ACTUAL.search(text.replace("预算", "")):
        return "budget"
    if _ACTUAL.search(text) and not _BUDGET.search(text):
        return "actual"
    return None


def _budgets_and_actuals(amounts: list[Figure], para: Paragraph | None = None) -> tuple[list[Figure], list[Figure]]:
    """Amounts on the budget side and on the spent side, by their labels. A part listed
    after 其中 takes the side of the amount it breaks down ("调整预算为3218.60万元，其中基本
    支出1204.35万元" is a budget part, though its own label names no budget)."""
    budgets, actuals = [], []
    for f in amounts:
        side = _side(f.label)
        if para is not None and _OF_WHICH.search(f.label):
            side = _side(para.list_head(f.fstart)) or side
        if side == "budget":
            budgets.append(f)
        elif side == "actual":
            actuals.append(f)
    return budgets, actuals


def _subject(name: str) -> str:
    """The part a rate is named after: "基本支出执行率" → "基本支出"; "" for a generic rate."""
    subject = _RATE_SUFFIX.sub("", name)
    return "" if _GENERIC_SUBJECT.match(subject) or len(subject) < 2 else subject


def check_amount_rates(doc: Document, para: Paragraph, out: list[Finding], previous: Paragraph | None = None) -> None:
    """`previous`: the paragraph before, in the same section, where a rate's budget or
    actual may be stated ("全年预算350万元。" / "全年执行331.8万元，执行率94.8%")."""
    for m in AMOUNT_RATE_RE.finditer(para.text):
        if _NOT_MONEY_RATE.search(m.group("name")):
            continue
        ws, we = _window(para, m.start())
        amounts = [f for f in para.figures_between(ws, we) if f.kind == "amount" and f.in_yuan is not None]
        budgets, actuals = _budgets_and_actuals(amounts, para)
        subject = _subject(m.group("name"))
        if subject:
            # 基本支出执行率 is judged on 基本支出's own figures when both are stated; a rate
            # named after a budget part whose figures are not both stated is not judged.
            own_b = [f for f in budgets if subject in f.label]
            own_a = [f for f in actuals if subject in f.label]
            if own_b and own_a:
                budgets, actuals = own_b, own_a
            elif _PART_SUBJECT.search(subject):
                continue
        verb = _NAMED_VERB.search(m.group("name"))
        if verb and actuals:
            # 发放率 is 发放 over its base: when no amount here is named for 发放, what was
            # paid out is not stated and the other amounts (下达, 划转) are not its numerator.
            named = [f for f in actuals if verb.group(1) in f.label]
            if not named:
                continue
            actuals = named
        borrowed = False
        if (not budgets or not actuals) and previous is not None:
            earlier = [f for f in previous.figures if f.kind == "amount" and f.in_yuan is not None]
            more_budgets, more_actuals = _budgets_and_actuals(earlier, previous)
            if not budgets and actuals and more_budgets:
                budgets, borrowed = more_budgets, True
            elif not actuals and budgets and more_actuals:
                actuals, borrowed = more_actuals, True
        if not budgets or not actuals:
            continue
        pct = m.group("pct")
        # The nearest few of each: a rate is stated close to its figures, and a long
        # paragraph must not make this quadratic.
        pairs = [(a, b) for a in actuals[-6:] for b in budgets[-6:] if b.in_yuan]
        if not pairs or any(consistent(pct, _rate(a, b)) for a, b in pairs):
            continue
        if borrowed:
            _report_if_slip(doc, para, m, pairs, out)
            continue
        # The rate's own sentence may take another denominator (申领, 应付 …): any two of
        # its amounts that give the stated rate explain it, and when it states two or more
        # amounts the rate is recomputed from them.
        s, _ = para.sentence_bounds(m.start())
        own = [f for f in amounts if f.fstart >= s][-6:]
        own_pairs = [(x, y) for x in own for y in own if x is not y and y.in_yuan and x.in_yuan <= y.in_yuan]
        if any(consistent(pct, _rate(x, y)) for x, y in own_pairs):
            continue
        own_budget_pairs = [(a, b) for a, b in pairs if a.fstart >= s and b.fstart >= s]
        own_actuals = [a for a in actuals if a.fstart >= s]
        if own_budget_pairs:
            pairs = own_budget_pairs
        elif own_pairs and not any(b.fstart >= s for b in budgets):
            pairs = own_pairs  # the sentence takes its own denominator
        elif own_actuals:
            # The sentence's own amount ("其中县级配套资金到位104.50万元，到位率87.08%") over a
            # budget stated before: its own base may be left unstated, so only a near miss
            # is taken for a slip.
            _report_if_slip(doc, para, m, [(a, b) for a, b in pairs if a in own_actuals], out)
            continue
        # Year-start or adjusted budget: report against the pair nearest the stated rate.
        a, b = _nearest(pairs, pct)
        _report(doc, para, m, a, b, _rate(a, b), out)


def _rate(a: Figure, b: Figure):
    return a.in_yuan / b.in_yuan * 100


def _nearest(pairs, pct: str):
    return min(pairs, key=lambda ab: abs(float(_rate(*ab)) - float(pct)))


def _report_if_slip(doc: Document, para: Paragraph, m: re.Match, pairs, out: list[Finding]) -> None:
    """Pairs whose base the report may leave unstated (borrowed from the paragraph before,
    or under a part's own amount): the nearest within _BORROWED_GAP points is a slip, and
    so is any pair the stated rate matches after a power-of-ten shift; anything else is
    taken for another base and left alone."""
    if not pairs:
        return
    pct = m.group("pct")
    a, b = _nearest(pairs, pct)
    if abs(float(_rate(a, b)) - float(pct)) > _BORROWED_GAP:
        slipped = next(((x, y) for x, y in pairs if _scale_slip(pct, _rate(x, y))), None)
        if slipped is None:
            return
        a, b = slipped
    _report(doc, para, m, a, b, _rate(a, b), out)


def _scale_slip(pct: str, recomputed) -> bool:
    """The stated rate is the recomputed one shifted by a power of ten (10×, 10⁴×): one of
    the two amounts carries a slipped unit or decimal point, so the pair is the rate's."""
    stated = Decimal(pct)
    # A slipped amount is often also rounded (119.72 → 11.97): a relative tolerance.
    return any(abs(stated - recomputed * factor) <= max(Decimal("0.1"), stated * Decimal("0.002"))
               for factor in (10, 10000, Decimal("0.1"), Decimal("0.0001")))


def _report(doc: Document, para: Paragraph, m: re.Match, a: Figure, b: Figure, recomputed, out: list[Finding]) -> None:
    pct = m.group("pct")
    expected = f"{fmt(recomputed, max(2, decimals_of(pct)))}%"
    out.append(prepass_finding(
        doc, category="ratio", rule="ratio.rate", title=f"{m.group('name')}与重算不符",
        detail=f"{a.label}{a.shown()} ÷ {b.label}{b.shown()} = {expected}，文中写{pct}%。",
        span=para.span(m.start(), m.end()), stated=f"{pct}%", expected=expected,
        severity=severity_of(pct, recomputed),
        suggestion=f"按{a.num_text}/{b.num_text}重新计算{m.group('name')}。",
    ))


def _clause(para: Paragraph, f: Figure) -> str:
    return para.text[para.clause_start(f.fstart):f.fend]


def check_count_rates(doc: Document, para: Paragraph, out: list[Finding]) -> None:
    for m in COUNT_RATE_RE.finditer(para.text):
        ws, we = _window(para, m.start())
        counts = [f for f in para.figures_between(ws, we) if f.kind == "count"]
        totals = [f for f in counts if re.search(r"共|合计|总", _clause(para, f))]
        keys = _COUNT_KEYS[m.group("name")]
        parts = [f for f in counts if f not in totals and any(k in _clause(para, f) for k in keys)]
        if not totals or not parts or not totals[0].value:
            continue
        total = totals[0]
        numerator = sum(f.value for f in parts)
        pct = m.group("pct")
        recomputed = numerator / total.value * 100
        if consistent(pct, recomputed):
            continue
        expected = f"{fmt(recomputed, 2)}%"
        out.append(prepass_finding(
            doc, category="ratio", rule="ratio.count_rate", title=f"{m.group('name')}与重算不符",
            detail=f"{'+'.join(f.shown() for f in parts)} ÷ {total.shown()} = {expected}，文中写{pct}%。",
            span=para.span(m.start(), m.end()), stated=f"{pct}%", expected=expected,
            severity=severity_of(pct, recomputed),
            suggestion=f"按{numerator}/{total.value}重新计算{m.group('name')}。",
        ))


def check_rates(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    previous, previous_section = None, None
    for para in index.paragraphs:
        section = doc.sections.at(para.block.start) if doc.sections else None
        check_amount_rates(doc, para, out, previous if section is previous_section else None)
        check_count_rates(doc, para, out)
        previous, previous_section = para, section
    return out
