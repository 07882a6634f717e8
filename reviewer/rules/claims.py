"""Unsupported claims without a model (`unsupported_claim`): only where the report's own
text shows it — a perfect score or all-优 next to admitted problems or low execution;
“圆满完成” in a part with no figure; satisfaction rates with no survey behind them; a
non-round count target identical to its actual value."""
from __future__ import annotations

import re

from ..textmatch import fold
from .context import RuleContext, has_figure
from .parts import _ACTUAL_COL, _TARGET_COL, indicator_headers

# “总分100分” is usually the full mark, not the score; only score labels count.
PERFECT_SCORE = re.compile(r"(?<!满)(总得分|综合得分|自评得分|自评总分|评价得分|最终得分|得分)(为|是|:|达到|达)?[“\"]?100(\.0+)?分")
ALL_EXCELLENT = [
    re.compile(r"[“\"]?优[”\"]?(等级)?(的)?项目(\d+)个[,，、]?[“\"]?良[”\"]?(等级)?(的)?项目0个"),
    re.compile(r"评优率(为|达|达到)?100%"),
    re.compile(r"(全部|均|都)(被)?(评为|评定为|为)[“\"]?(优秀|优)[”\"]?"),
]
LOW_RATE = re.compile(r"((?:执行|支出|支付|拨付|使用)(?:率|进度)|预算完成率)[^\d。;]{0,8}?(\d{1,2}(?:\.\d+)?)%")
# "无。", "暂无问题", "经自查，本年度未发现问题": a negation after at most a short lead-in.
# "没有建立内控制度" is a problem, not a denial: the negation must be of 问题/不足 itself.
NEGATED_PROBLEMS = re.compile(
    r"^(?:[^。;!?]{0,10}?(?:,|本年度|本年|今年|目前|暂时))?"
    r"(?:无(?:[。.;]|$)|(?:暂无|无|没有|未发现|不存在)[^。;]{0,6}?(?:问题|不足))"
)
VAGUE = re.compile(r"(圆满|全面)(的|地)?完成")
SATISFACTION = re.compile(r"满意(度|率)[^。;]{0,12}?(\d{2,3}(?:\.\d+)?)%")
SURVEY = re.compile(r"(问卷|抽样|样本|满意度调查|调查问卷|测评|回访|访谈|座谈|走访调查|电话调查|网络调查|评议)")
SAMPLE_COUNT = re.compile(r"\d+(份|人|户|名|件|家|个)")
TARGET_WORDS = re.compile(r"(目标|指标值|预期|不低于|以上|≥|>=|力争|确保)")
COUNT_VALUE = re.compile(r"^[^\d]{0,3}?(\d+)(人次|人|家|户|个|次|场|期|件|份|名|所|座|台|套|项|篇|条|本|册|批|辆|处)$")


def check(ctx: RuleContext) -> None:
    _perfect_score(ctx)
    if not _no_problems_despite_low_execution(ctx):
        _low_execution_without_reason(ctx)
    _vague_completion(ctx)
    _satisfaction(ctx)
    _target_equals_actual(ctx)


def _find_span(ctx: RuleContext, pattern: re.Pattern):
    for block in ctx.doc.paragraphs:
        ft = ctx.folded_block(block)
        m = pattern.search(ft.folded)
        if m:
            return ctx.block_span(block, m.start(), m.end()), m
    return None, None


def admitted_problem(ctx: RuleContext) -> str | None:
    """The first problem the report itself states, or None."""
    rule = ctx.section_rule("problems")
    if rule is None:
        return None
    measures = ctx.section_rule("measures")
    for sec in sorted(ctx.sections_for(rule), key=lambda s: -s.level):
        body = ctx.section_body(sec)
        if measures and any(fold(x) in fold(sec.title) for x in measures.synonyms) and sec.children:
            # A combined “问题及改进措施” part: its problems come before the measures.
            first_measures = next((c for c in sec.children
                                   if any(fold(x) in fold(c.title) for x in measures.synonyms)), None)
            if first_measures is not None:
                body = fold(ctx.doc.check_text[sec.heading_end:first_measures.start])
        body = re.sub(r"^[。.,:：]", "", body)
        if len(body) >= 4 and not NEGATED_PROBLEMS.match(body):
            return re.split(r"[。;]", body)[0][:40]
    return None


def low_execution(ctx: RuleContext, threshold: float) -> str | None:
    low = [m for m in LOW_RATE.finditer(ctx.folded_narrative) if float(m.group(2)) < threshold]
    if not low:
        return None
    worst = min(low, key=lambda m: float(m.group(2)))
    return f"{worst.group(1)}仅{worst.group(2)}%"


def _perfect_score(ctx: RuleContext) -> None:
    rule = "claim.perfect_score"
    threshold = float(ctx.params(rule).get("low_rate", 90))
    problem = admitted_problem(ctx)
    low = low_execution(ctx, threshold)
    if not problem and not low:
        return
    reasons = []
    if problem:
        reasons.append(f"报告自述存在问题（“{problem}”）")
    if low:
        reasons.append(f"{low}，低于{threshold:g}%")
    because = "，且".join(reasons)
    span, _ = _find_span(ctx, PERFECT_SCORE)
    if span:
        ctx.add(category="unsupported_claim", rule=rule, title="自评满分100分与所述问题或执行情况不符",
                detail=(f"自评得分为满分100分，但{because}，满分缺少依据。"
                        + ctx.enforces("结论须有依据：满分与自述问题、执行率矛盾")),
                span=span, suggestion="按评分标准逐项扣分，对存在的问题和未完成的指标如实扣分后重新计算总分和等级。")
    for pattern in ALL_EXCELLENT:
        span, _ = _find_span(ctx, pattern)
        if span and low:
            ctx.add(category="unsupported_claim", rule=rule, title="全部项目评为“优”与执行情况不符",
                    detail=(f"全部项目自评为“优”，但{because}，评价等级偏高。"
                            + ctx.enforces("结论须有依据：全优与执行率矛盾")),
                    span=span, suggestion="对执行率低、目标未完成的项目按实际扣分，重新评定等级。")
            break


_BUDGET_LABEL = re.compile(r"预算|安排|下达|批复")
_SPENT_LABEL = re.compile(r"执行|支出|使用|拨付|支付|决算")


def computed_low_execution(ctx: RuleContext, threshold: float) -> str | None:
    """An execution rate the report never states but its own figures give: a budget and
    the amount spent of it in one sentence ("预算120万元，实际支出80万元")."""
    from ..figures import FigureIndex

    worst = None
    for para in FigureIndex.of(ctx.doc).paragraphs:
        amounts = [f for f in para.figures if f.kind == "amount" and f.in_yuan]
        for i, budget in enumerate(amounts):
            if not _BUDGET_LABEL.search(budget.label) or _SPENT_LABEL.search(budget.label.replace("预算", "")):
                continue
            _, end = para.sentence_bounds(budget.fstart)
            spent = next((g for g in amounts[i + 1:i + 3] if g.fstart < end and _SPENT_LABEL.search(g.label)
                          and not _BUDGET_LABEL.search(g.label)), None)
            if spent is None or spent.in_yuan > budget.in_yuan:
                continue
            rate = float(spent.in_yuan / budget.in_yuan * 100)
            if rate < threshold and (worst is None or rate < worst[0]):
                worst = (rate, f"{budget.label}{budget.shown()}，{spent.label}{spent.shown()}，执行率仅{rate:.2f}%")
    return worst[1] if worst else None


def _table_low_execution(ctx: RuleContext, threshold: float) -> tuple[str, tuple[int, int]] | None:
    """The lowest execution rate a funds table states below `threshold`, and its cell."""
    from ..tables.build import build_tables

    worst = None
    for table in build_tables(ctx.doc):
        for col in table.columns_with("rate"):
            for row in table.data_rows():
                value = row.value(col.index)
                if value is None or value.number is None or not value.percent or value.number >= threshold:
                    continue
                if worst is None or value.number < worst[0]:
                    worst = (value.number, f"“{row.label or col.name}”执行率{value.text}", (value.cell.start, value.cell.end))
    return (worst[1], worst[2]) if worst else None


def _low_execution_without_reason(ctx: RuleContext) -> None:
    """An execution rate below the line (90%) that nothing in the report explains: no
    sentence about spending gives a cause. A text cut short may explain it later."""
    rule = "claim.low_execution_no_reason"
    if ctx.rubric.check(rule) is None or ctx.doc.cut_at < len(ctx.doc.text):
        return
    params = ctx.params(rule)
    threshold = float(params.get("low_rate", 90))
    found = _table_low_execution(ctx, threshold)
    if found is None:
        return
    low, span = found
    reasons = re.compile("|".join(params.get("reason_words") or ["原因"]))
    spending = re.compile("|".join(params.get("spending_words") or ["执行", "支出"]))
    for sentence in ctx.sentences:
        if spending.search(sentence.folded) and reasons.search(sentence.folded):
            return
    for block in ctx.doc.blocks:  # a reason written in the form's own cells
        if block.is_table and any(reasons.search(fold(c.text)) and spending.search(fold(c.text)) for c in block.cells()):
            return
    ctx.add(category="unsupported_claim", rule=rule, title="预算执行率偏低且未说明原因",
            detail=(f"{low}，低于{threshold:g}%，报告未说明资金未执行的原因。"
                    + ctx.enforces("结论须有依据：执行率低须说明原因")),
            span=span, suggestion="说明预算执行率偏低的原因（项目进度、资金拨付、结转安排等）及改进措施。")


def _no_problems_despite_low_execution(ctx: RuleContext) -> bool:
    """"暂无问题" in the problems part while the report's own figures show low spending."""
    rule = "claim.no_problems_low_execution"
    problems = ctx.section_rule("problems")
    if problems is None:
        return False
    threshold = float(ctx.params(rule).get("low_rate", 90))
    for sec in ctx.sections_for(problems):
        body = re.sub(r"^[。.,:：]", "", ctx.section_body(sec))
        if not NEGATED_PROBLEMS.match(body):
            continue
        low = low_execution(ctx, threshold) or computed_low_execution(ctx, threshold)
        if not low:
            return False
        start = ctx.doc.text.find(body[:2], sec.heading_end)
        span = (sec.heading_start, sec.end if sec.end - sec.heading_start < 80 else sec.heading_end)
        if 0 <= start < sec.end:
            span = (sec.heading_start, min(sec.end, start + 12))
        ctx.add(category="unsupported_claim", rule=rule, title="称无问题，但预算执行率偏低",
                detail=(f"“{sec.title}”称没有问题，但{low}，低于{threshold:g}%，未分析原因。"
                        + ctx.enforces("结论须有依据：执行率低须说明原因")),
                span=span, suggestion="分析预算执行率偏低的原因，如实列出存在的问题和改进措施。")
        return True
    return False


def _vague_completion(ctx: RuleContext) -> None:
    rule = "claim.vague_completion"
    figured: dict = {}  # per section (or block): folded once, however many sentences it holds
    for sentence in ctx.sentences:
        m = VAGUE.search(sentence.folded)
        if not m:
            continue
        sec = ctx.tree.at(sentence.start)
        key = (sec.start, sec.end) if sec else ("block", sentence.block.start)
        if key not in figured:
            scope = fold(ctx.doc.check_text[sec.start:sec.end]) if sec else fold(sentence.block.text)
            figured[key] = has_figure(scope)
        if figured[key]:
            continue
        ctx.add(category="unsupported_claim", rule=rule, title="“圆满完成”缺少数据支撑",
                detail=(f"“{m.group()}”所在部分没有任何数量、比率或金额，结论缺少支撑。"
                        + ctx.enforces("结论须有依据：完成情况须有数据")),
                span=(sentence.start, sentence.end),
                suggestion="用指标完成值、执行率等数据说明完成情况，或删去笼统的结论。")


def _satisfaction(ctx: RuleContext) -> None:
    rule = "claim.satisfaction"
    if SURVEY.search(ctx.folded_text):
        return
    for sentence in ctx.sentences:
        m = SATISFACTION.search(sentence.folded)
        if not m or TARGET_WORDS.search(sentence.folded) or SAMPLE_COUNT.search(sentence.folded):
            continue
        ctx.add(category="unsupported_claim", rule=rule, title="满意度缺少调查方法和样本",
                detail=(f"报告称满意度为{m.group(2)}%，但全文未说明调查方式（问卷、访谈等）和样本数量，比率无从核实。"
                        + ctx.enforces("结论须有依据：满意度须有调查依据")),
                span=(sentence.start, sentence.end),
                suggestion="写明满意度调查的方式、时间、发放和回收的样本数量，并附调查结果。")


def _column(header: list[str], pattern: re.Pattern) -> int | None:
    return next((i for i, h in enumerate(header) if pattern.search(h)), None)


def _target_equals_actual(ctx: RuleContext) -> None:
    rule = "claim.target_equals_actual"
    for table in ctx.doc.tables:
        for hi, _ in indicator_headers(table):
            header = [fold(c.text) for c in table.rows[hi]]
            ti = _column(header, _TARGET_COL)
            ai = _column(header, _ACTUAL_COL)
            if ti is not None and ai is not None and ti != ai:
                _equal_rows(ctx, rule, table.rows[hi + 1:], header, ti, ai)


def _equal_rows(ctx: RuleContext, rule: str, rows, header: list[str], ti: int, ai: int) -> None:
    width = len(header)
    for row in rows:
        if len(row) == width:
            t, a = row[ti], row[ai]
        elif len(row) >= width - ti:
            t, a = row[len(row) - (width - ti)], row[len(row) - (width - ai)]
        else:
            continue
        mt, ma = COUNT_VALUE.match(fold(t.text)), COUNT_VALUE.match(fold(a.text))
        if not (mt and ma) or mt.group(1) != ma.group(1) or mt.group(2) != ma.group(2):
            continue
        value = int(mt.group(1))
        if value < 10 or value % 10 == 0 or value % 5 == 0:
            continue  # round targets are what plans look like
        start, end = min(t.start, a.start), max(t.end, a.end)
        ctx.add(category="unsupported_claim", rule=rule, title="数量指标目标值与完成值完全相同",
                detail=(f"目标值“{t.text}”与完成值“{a.text}”分毫不差，且目标不是整十、整五的计划数，"
                        "可能是按完成情况事后设定的目标，请核实。" + ctx.enforces("目标须在年初设定")),
                span=(start, end), stated=a.text,
                suggestion="核对该指标年初批复的目标值；目标应在预算编制时设定，不能按完成值倒填。")
