"""Required parts (`missing_part`): the rubric's sections, found through the section tree
or by evidence in the text, and its elements (score and grade, indicator table, stated
problems, measures, disclosure plan)."""
from __future__ import annotations

import re

from ..textmatch import fold
from .context import RuleContext

# Section ids this module words specially (they are rubric data; unknown ids get the
# generic wording).
PROBLEMS, MEASURES, DISCLOSURE = "problems", "measures", "results_disclosure"

SCORE_PATTERNS = [
    re.compile(r"(总得分|综合得分|自评得分|自评总分|评价得分|总分|得分|评分)(为|是|:|达到|达|合计)?[“\"]?\d{1,3}(\.\d+)?分"),
    # A strong label needs no 分: “自评得分：92.5”.
    re.compile(r"(总得分|综合得分|自评得分|自评总分|评价得分|最终得分)(为|是|:|达到|达)?\d{1,3}(\.\d+)?(?![\d%万元])"),
    re.compile(r"\d{1,3}(\.\d+)?分[,，]?(综合)?(评价|评定|自评)?(等级|结果|结论)?(为|属于|评定为|评为)[“\"「]?(优秀|优|良好|良|中|差)"),
]
GRADE_PATTERNS = [
    re.compile(r"(评价等级|综合评价|评价结果|评定等级|自评等级|绩效等级|评价结论|绩效评价)[^。,;]{0,6}?(为|是|:|属于|评定为|评为|定为)[“\"「]?(优秀|优|良好|良|中等|中|合格|差)"),
    re.compile(r"(等级|评级)[“\"「:]?(为)?[“\"「](优秀|优|良好|良|中|差)[”\"」]"),
    re.compile(r"属于[“\"「]?(优秀|优|良好|良)"),
]
_TOTAL_ROW = re.compile(r"^(总分|合计|总计|总得分|综合得分|自评得分)")
_TARGET_COL = re.compile(r"(指标值|目标值|计划值|预期值|标准值|年度目标|预期目标)")
_ACTUAL_COL = re.compile(r"(完成值|实际值|实际完成|业绩值|实现值|完成情况|执行情况|实际情况)")
_SCORE_COL = re.compile(r"(得分|评分)")
# Column names too short for a pattern: a cell that reads exactly 目标 / 完成.
_TARGET_CELLS = {"目标", "计划", "指标目标", "预期"}
_ACTUAL_CELLS = {"完成", "实际", "实际完成", "完成数"}
_REFERENCE = re.compile(r"详见《[^》]{2,60}》")
_EMPTY_BODY = re.compile(r"^(无|暂无|没有|无问题|无明显问题|不存在问题|未发现问题)?[。.]?$")


def check(ctx: RuleContext) -> None:
    present = {rule.id: bool(ctx.sections_for(rule) or ctx.evidence_for(rule)) for rule in ctx.rubric.sections}
    _missing_sections(ctx, present)
    elements = {e.check: e for e in ctx.rubric.elements}
    if "element.score_grade" in elements:
        _score_grade(ctx, elements["element.score_grade"])
    if "element.indicator_table" in elements:
        _indicator_table(ctx, elements["element.indicator_table"])
    if not ctx.is_form_only:
        if "element.problems_stated" in elements:
            _empty_section(ctx, elements["element.problems_stated"], PROBLEMS)
        if "element.measures_tied" in elements:
            _empty_section(ctx, elements["element.measures_tied"], MEASURES)
        if "element.disclosure_plan" in elements and present.get(DISCLOSURE, True):
            _disclosure(ctx, elements["element.disclosure_plan"])


def _missing_sections(ctx: RuleContext, present: dict[str, bool]) -> None:
    if ctx.is_form_only:
        return  # a bare score form has no narrative parts to look for
    for rule in ctx.rubric.sections:
        if not rule.required or present[rule.id]:
            continue
        names = "、".join(rule.synonyms[:4])
        detail = f"报告的标题和正文中均未见“{rule.name}”部分（如“{names}”等）。"
        suggestion = f"按模板补写“{rule.name}”部分。"
        title = f"缺少{rule.name}"
        if rule.id == PROBLEMS and present.get(MEASURES):
            measures = ctx.sections_for(ctx.section_rule(MEASURES)) if ctx.section_rule(MEASURES) else []
            where = f"（“{measures[0].title}”）" if measures else ""
            detail = (f"报告只写了整改/改进措施{where}，未写明绩效管理和预算执行中存在的具体问题及原因，"
                      "措施没有对应的问题。")
            suggestion = "补写“存在的问题及原因分析”，逐条列出问题，并使整改措施与问题一一对应。"
        elif rule.id == DISCLOSURE:
            title = f"缺少{rule.name}"
            detail = "报告未说明自评结果如何应用，也未说明是否、何时、以何种方式公开。"
            suggestion = "补写“绩效自评结果拟应用和公开情况”，写明结果应用方式和公开时间、渠道。"
        if rule.description:
            detail += rule.description
        ctx.add(category="missing_part", rule=f"part.{rule.id}", severity=rule.severity, title=title,
                detail=detail + ctx.enforces(f"必备部分“{rule.name}”"), suggestion=suggestion)


def score_stated(ctx: RuleContext) -> bool:
    if any(p.search(ctx.folded_text) for p in SCORE_PATTERNS):
        return True
    from ..checks.scoretable import cell_number, score_tables

    # A score table with a filled total row, wherever its header sits (the national form
    # puts the indicator header a dozen rows down, under the funds block).
    if any(t.total is not None and cell_number(t.total.score) is not None for t in score_tables(ctx.doc)):
        return True
    for table in ctx.doc.tables:
        header = "".join(fold(c.text) for row in table.rows[:3] for c in row)
        if not _SCORE_COL.search(header) and "分值" not in header:
            continue
        for row in table.rows:
            filled = [c for c in row if c.text.strip()]
            # Merged cells leave the label anywhere in the row: “| | | 总分 | 100 | 97 |”.
            if filled and _TOTAL_ROW.match(fold(filled[0].text)) and any(re.search(r"\d", c.text) for c in filled[1:]):
                return True
    return False


def grade_stated(ctx: RuleContext) -> bool:
    return any(p.search(ctx.folded_text) for p in GRADE_PATTERNS)


def _score_grade(ctx: RuleContext, element) -> None:
    has_score, has_grade = score_stated(ctx), grade_stated(ctx)
    if has_score:
        return  # the grade follows from the score
    if has_grade:
        title, detail = "未见自评得分", "报告写了评价等级，但没有给出自评总得分，等级无从核对。"
    else:
        title = "未见自评得分和评价等级"
        detail = "全文没有自评总得分和评价等级（优、良、中、差），也没有带总分的自评表，评价结论缺少依据。"
    ctx.add(category="missing_part", rule="element.score_grade", severity=element.severity, title=title,
            detail=detail + ctx.enforces(f"必备要素“{element.name}”"),
            suggestion="按评分规则逐项打分，写明自评总得分和对应的评价等级，并附绩效自评表。")


def indicator_headers(table):
    """(row index, header text) of rows that head an indicator table: short label cells,
    one of them a target column (指标值/目标值 …). A sub-header row right below is
    included (符号/值/单位)."""
    out = []
    for i, row in enumerate(table.rows):
        labels = [fold(c.text) for c in row if c.text.strip()]
        short = [t for t in labels if len(t) <= 12 and not re.search(r"\d", t)]
        if len(short) < 2 or not any(_TARGET_COL.search(t) or t in _TARGET_CELLS for t in short):
            continue
        header = "".join(labels)
        if i + 1 < len(table.rows):
            below = [fold(c.text) for c in table.rows[i + 1] if c.text.strip()]
            if below and all(len(t) <= 12 for t in below) and not any(re.search(r"\d", t) for t in below):
                header += "".join(below)
        out.append((i, header))
    return out


def _indicator_table(ctx: RuleContext, element) -> None:
    best = None  # (columns present, header row) of the most complete indicator table
    for table in ctx.doc.tables:
        for i, header in indicator_headers(table):
            cells = {fold(c.text) for r in table.rows[i:i + 2] for c in r}
            cols = {
                "指标值": True,
                "完成值": bool(_ACTUAL_COL.search(header) or cells & _ACTUAL_CELLS),
                "得分": bool(_SCORE_COL.search(header)),
            }
            if all(cols.values()):
                return
            if best is None or sum(cols.values()) > sum(best[0].values()):
                best = (cols, table.rows[i])
    if best is not None:
        cols, row = best
        missing = "、".join(k for k, v in cols.items() if not v)
        cells = [c for c in row if c.text.strip()]
        span = (cells[0].start, cells[-1].end)
        ctx.add(category="missing_part", rule="element.indicator_table", severity=element.severity,
                title=f"绩效指标表缺少{missing}",
                detail=(f"绩效指标表只列了指标值（目标），没有{missing}，看不出各项指标的实际完成情况，"
                        "评价结论缺少支撑。" + ctx.enforces(f"必备要素“{element.name}”")),
                span=span, suggestion=f"在指标表中补充各项指标的{missing}，并对未完成的指标说明原因。")
        return
    if _indicators_in_text(ctx.folded_text):
        return
    from ..checks.scoretable import score_tables

    if any(t.total is not None and "weight" in t.roles and "score" in t.roles
           and sum(1 for i in t.leaves if i.names.get("level2") or i.names.get("level3")) >= 3
           for t in score_tables(ctx.doc)):
        # A scored form on the 决策/过程/产出/效益 framework (分值 | 评分标准 | 得分): each
        # indicator is scored there; that it lists no target and actual columns is the
        # framework's shape, not a missing table.
        return
    ref = _REFERENCE.findall(ctx.folded_text)
    if ref:
        detail = (f"报告没有列出各项绩效指标的指标值、完成值和得分，只写“{ref[0]}”等，"
                  "正文中看不到指标完成情况。")
    else:
        detail = "报告没有绩效指标完成情况表，看不到各项指标的指标值（目标值）、完成值和得分。"
    ctx.add(category="missing_part", rule="element.indicator_table", severity=element.severity,
            title="缺少绩效指标完成情况表", detail=detail + ctx.enforces(f"必备要素“{element.name}”"),
            suggestion="附上或在正文列出绩效指标表：逐项写明指标值、完成值、分值和得分。")


def _indicators_in_text(folded: str) -> bool:
    """A score table that reached the text without table structure (a PDF page): the
    three column names close together."""
    for m in _TARGET_COL.finditer(folded):
        window = folded[max(0, m.start() - 80): m.end() + 120]
        if _ACTUAL_COL.search(window) and _SCORE_COL.search(window):
            return True
    return False


def _empty_section(ctx: RuleContext, element, section_id: str) -> None:
    rule = ctx.section_rule(section_id)
    if rule is None:
        return
    sections = ctx.sections_for(rule)
    if not sections:
        return
    bodies = [ctx.section_body(s) for s in sections]
    if any(not _EMPTY_BODY.match(b) for b in bodies):
        return
    sec = sections[0]
    ctx.add(category="missing_part", rule=element.check, severity=element.severity,
            title=f"“{rule.name}”没有实际内容",
            detail=(f"“{sec.title}”下没有写出具体内容。{element.description}"
                    + ctx.enforces(f"必备要素“{element.name}”")),
            span=(sec.heading_start, sec.heading_end),
            suggestion=f"在“{sec.title}”下逐条写明具体内容。")


def _disclosure(ctx: RuleContext, element) -> None:
    rule = ctx.section_rule(DISCLOSURE)
    if rule is None:
        return
    sections = ctx.sections_for(rule)
    if ctx.evidence_for(rule):
        return
    span = (sections[0].heading_start, sections[0].heading_end) if sections else None
    ctx.add(category="missing_part", rule="element.disclosure_plan", severity=element.severity,
            title="未说明自评结果公开安排",
            detail=("报告有结果应用部分，但正文没有说明自评结果是否公开、何时以何种方式公开。"
                    + ctx.enforces(f"必备要素“{element.name}”")),
            span=span, suggestion="写明自评结果的公开时间和渠道（如随部门决算在政府门户网站公开）。")
