"""自评表 quality, row by row, as reviewers judge it (domain.md, "What real reviewers raise").

Over the score tables scoretable.py recovers:
- an unmet indicator (score below weight, or actual short of target) whose 偏差原因 cell is
  empty, on forms that have such a column;
- over-completion: actual ≥ 130% of target without a reason (warning), ≥ 120% (info);
- a 成本 indicator with a "≥" target;
- budget execution (预算执行率, 资金支付率 …) filed as an 产出 indicator;
- malformed targets: "百分比" as a unit, a rate above 100%, a leftover "*" or "……";
- satisfaction claimed from "no complaints";
- every indicator at full marks;
- unmeasurable indicators (不具考核性): a percentage target on an effect named by words of
  degree ("群众生活明显改善" ≥95%), a completion value that only restates the goal
  ("达成预期指标") against a numeric target;
- missing indicator types on a complete project form: no 成本, 效益 or 满意度 rows;
- score arithmetic: a total above the maximum the rows allow, a form whose weights do not
  add to the full mark, deductions on met targets without a reason, the execution-rate
  score against the funds block's own figures (and a blank 执行率 cell);
- timeliness: "按时/按期完成" while the report's own dates put completion after the
  deadline.
Thresholds and word lists are data: rubrics/thresholds.yaml.
"""
from __future__ import annotations

import os
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..document import Document
from ..findings import make_finding
from ..models import Finding
from ..textmatch import FoldedText, fold
from .scoretable import (
    HUNDRED, Indicator, ScoreTable, cell_number, funds_only, parse_quantity, score_tables, stated_level1_weights,
    target_met, text_total_mentions, text_total_reference,
)
from .tolerance import consistent, fmt, severity_of

_RATE_NAME = re.compile(r"率|比例|覆盖|占比")
_GROWTH_NAME = re.compile(r"增长|增幅|提高|提升|变动|同比")
_PLACEHOLDER = re.compile(r"^\*+$|……|^…+$|^x+$|^X+$")


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    from ..yamlio import load_yaml_file

    return load_yaml_file(path) or {}


def thresholds() -> dict:
    path = os.environ.get("REVIEWER_THRESHOLDS")
    if not path:
        from ..datadirs import data_dir

        path = str(data_dir("rubrics", "REVIEWER_RUBRICS_DIR") / "thresholds.yaml")
    return _load(path) if Path(path).is_file() else {}


def _finding(doc: Document, ind: Indicator, cell_role: str, *, rule: str, severity: str, title: str,
             detail: str, stated: str, expected: str, suggestion: str, category: str = "score") -> Finding:
    cell = ind.cells.get(cell_role)
    span = (cell.start, cell.end) if cell is not None else ind.span
    return make_finding(doc, category=category, severity=severity, source="prepass", rule=rule, title=title,
                        detail=detail, span=span, stated=stated, expected=expected, suggestion=suggestion)


def _has_reason(ind: Indicator, empty_words: set[str]) -> bool:
    text = fold(ind.text("reason"))
    return bool(text) and text not in empty_words


def _ratio(target_text: str, actual_text: str):
    target, actual = parse_quantity(target_text), parse_quantity(actual_text)
    if target is None or actual is None or target.unit != actual.unit or not target.value:
        return None, target, actual
    return actual.value / target.value, target, actual


def _check_unit_slip(doc: Document, ind: Indicator, cfg: dict, out: list[Finding]) -> None:
    """A target and an actual of one measure in different units whose numbers are alike
    ("≤45万元" against "43.60元"): one of the two units is a slip, not a real change of scale."""
    target, actual = parse_quantity(ind.text("target")), parse_quantity(ind.text("actual"))
    if target is None or actual is None or target.unit == actual.unit or not target.value or not actual.value:
        return
    for family in cfg.get("unit_families", []):
        if target.unit in family and actual.unit in family:
            ratio = actual.value / target.value
            if Decimal("0.33") <= ratio <= 3:
                name = ind.name or "该指标"
                scales = sorted((Decimal(str(family[target.unit])), Decimal(str(family[actual.unit]))))
                out.append(_finding(
                    doc, ind, "actual", rule="indicator.unit_mismatch", severity="warning", title="完成值与指标值单位不一致",
                    detail=f"“{name}”指标值为{ind.text('target')}，完成值为{ind.text('actual')}，数值相近而单位不同"
                           f"（{target.unit}与{actual.unit}相差{fmt(scales[1] / scales[0], 0)}倍），其中一个单位应有误，请核实。",
                    stated=ind.text("actual"), expected=f"{fmt(actual.value, 2).rstrip('0').rstrip('.')}{target.unit}",
                    suggestion="核对指标值与完成值的计量单位，统一口径。", category="unit"))
            return


def _check_completion(doc: Document, ind: Indicator, out: list[Finding]) -> None:
    """A 完成率 column: 实际完成值 ÷ 指标值 for a quantitative row of one unit (a rate capped
    at 100% for an over-completed target is the form's rule, not a slip)."""
    cell = ind.cells.get("completion")
    ratio, target, actual = _ratio(ind.text("target"), ind.text("actual"))
    if cell is None or ratio is None or target is None or target.direction == "lower":
        return
    stated = parse_quantity(ind.text("completion"))
    if stated is None or stated.unit != "%":
        return
    computed = ratio * 100
    shown = fold(cell.text).rstrip("%")
    if consistent(shown, computed) or (stated.value == HUNDRED and computed >= HUNDRED):
        return
    out.append(_finding(
        doc, ind, "completion", rule="ratio.completion_rate", severity=severity_of(shown, computed), category="ratio",
        title="完成率与重算不符",
        detail=f"“{ind.name or '该指标'}”实际完成值{ind.text('actual')} ÷ 指标值{ind.text('target')} = {fmt(computed, 2)}%，"
               f"表中完成率为{ind.text('completion')}。",
        stated=ind.text("completion"), expected=f"{fmt(computed, 2)}%",
        suggestion="按实际完成值 ÷ 指标值重新计算完成率。"))


def _check_row(doc: Document, table: ScoreTable, ind: Indicator, cfg: dict, out: list[Finding]) -> None:
    name = ind.name or "该指标"
    _check_unit_slip(doc, ind, cfg, out)
    _check_completion(doc, ind, out)
    empty_words = set(cfg.get("empty_reason_words", []))
    target_text, actual_text = ind.text("target"), ind.text("actual")
    ratio, target, actual = _ratio(target_text, actual_text)
    weight, score = ind.weight, ind.score
    has_reason_column = "reason" in (ind.part_roles or table.roles)

    unmet = (weight is not None and score is not None and score < weight) or (
        ratio is not None and target is not None and
        (ratio < 1 if target.direction == "higher" else ratio > 1 if target.direction == "lower" else False))
    if unmet and has_reason_column and not _has_reason(ind, empty_words) and not _met(ind):
        out.append(_finding(
            doc, ind, "score", rule="indicator.unmet_no_reason", severity="warning", title="指标未完成但未填写偏差原因",
            detail=f"“{name}”" + (f"得分{score}低于分值{weight}" if score is not None and weight is not None and score < weight
                                  else f"完成值{actual_text}未达到指标值{target_text}") + "，偏差原因栏为空。",
            stated=ind.text("reason") or "（空）", expected="说明偏差原因及改进措施",
            suggestion="填写未完成的原因和拟采取的改进措施。", category="unsupported_claim"))

    over = cfg.get("over_completion", {})
    warn_ratio = Decimal(str(over.get("warn_ratio", 1.2)))
    reason_ratio = Decimal(str(over.get("reason_ratio", 1.3)))
    if ratio is not None and target is not None and target.direction in ("higher", "exact") \
            and ratio >= warn_ratio and not _has_reason(ind, empty_words):
        strong = ratio >= reason_ratio
        out.append(_finding(
            doc, ind, "actual", rule="indicator.over_completion", severity="warning" if strong else "info",
            title="指标大幅超额完成，未说明原因" if strong else "指标超额完成，请核实指标值设定",
            detail=f"“{name}”完成值{actual_text}为指标值{target_text}的{ratio * 100:.0f}%"
                   f"（超过{(reason_ratio if strong else warn_ratio) * 100 - 100:.0f}%），未说明超额原因，"
                   f"可能是指标值设定偏低。",
            stated=actual_text, expected=f"不超过{target_text}的{warn_ratio * 100:.0f}%，或说明原因",
            suggestion="说明超额完成的原因；指标值明显偏低的，下年度应合理设定。"))

    names = fold(" ".join(ind.names.values()))
    if target is not None and target.direction == "higher" and re.match(r"^(?:≥|>|不低于|不少于|大于|高于)", fold(target_text)) \
            and any(w in names for w in cfg.get("cost_indicator_words", ["成本"])):
        out.append(_finding(
            doc, ind, "target", rule="indicator.cost_comparator", severity="warning", title="成本指标使用“≥”",
            detail=f"“{name}”属于成本指标，指标值写作“{target_text}”，与控制成本的要求相反。",
            stated=target_text, expected="“≤”目标", suggestion="成本指标应以“≤”设定上限。"))

    level3 = fold(ind.names.get("level3", "") or ind.name)
    level1 = fold(ind.names.get("level1", ""))
    level2 = fold(ind.names.get("level2", ""))
    # Flattened forms put level names in other columns: read the upper levels together.
    upper = level1 + level2
    if any(w in level3 for w in cfg.get("execution_indicator_words", [])) and \
            ("产出" in upper or re.search(r"数量|质量|时效", upper)):
        out.append(_finding(
            doc, ind, "target" if "target" in ind.cells else "score", rule="indicator.level_mismatch",
            severity="warning", title="预算执行类指标误列为产出指标",
            detail=f"“{level3}”反映预算执行，不是产出，却列在“{level1 or level2}”下。",
            stated=level1 or level2, expected="列入预算执行率指标", suggestion="将预算执行类指标单列，不计入产出指标。"))

    raw_target = fold(target_text)
    malformed = None
    if "百分比" in raw_target:
        malformed = "单位写作“百分比”"
    elif _PLACEHOLDER.search(raw_target):
        malformed = "指标值为占位符"
    elif target is not None and target.unit == "%" and target.value > 100 and _RATE_NAME.search(level3) \
            and not _GROWTH_NAME.search(level3):
        malformed = "比率超过100%"
    if malformed:
        out.append(_finding(
            doc, ind, "target", rule="indicator.malformed_target", severity="warning", title="指标值填写不规范",
            detail=f"“{name}”的指标值“{target_text}”{malformed}。", stated=target_text, expected="数值＋计量单位",
            suggestion="按“比较符号＋数值＋单位”填写指标值。", category="boilerplate"))

    if "满意" in names and any(w in fold(actual_text + ind.text("reason")) for w in cfg.get("no_survey_words", [])):
        out.append(_finding(
            doc, ind, "actual", rule="indicator.satisfaction_without_survey", severity="warning",
            title="以“未收到投诉”代替满意度调查",
            detail=f"“{name}”的完成值依据是“{actual_text or ind.text('reason')}”，没有问卷或访谈等调查。",
            stated=actual_text, expected="满意度调查结果（方式、样本量）",
            suggestion="开展满意度调查，写明调查方式和样本量。", category="unsupported_claim"))


def _check_uniform(doc: Document, table: ScoreTable, cfg: dict, out: list[Finding]) -> None:
    leaves = [i for i in table.leaves if i.weight is not None and i.score is not None and i.weight > 0]
    minimum = int(cfg.get("uniform_full_marks", {}).get("min_indicators", 6))
    if len(leaves) < minimum or any(i.score != i.weight for i in leaves):
        return
    first = leaves[0]
    out.append(_finding(
        doc, first, "score", rule="indicator.uniform_full_marks", severity="info", title="各项指标均为满分，请核实",
        detail=f"自评表{len(leaves)}项指标全部得满分，评分区分度不足，需有充分的佐证材料支撑。",
        stated="全部满分", expected="按实际完成情况评分", suggestion="逐项核对完成值和佐证材料，据实评分。"))





# --- 不具考核性 -------------------------------------------------------------------------------


def _any_word(text: str, words) -> str | None:
    return next((w for w in words if w and w in text), None)


def _check_unmeasurable(doc: Document, ind: Indicator, cfg: dict, out: list[Finding]) -> None:
    name = fold(ind.names.get("level3", "") or ind.name)
    target_text, actual_text = ind.text("target"), ind.text("actual")
    target = parse_quantity(target_text)
    degree = _any_word(name, cfg.get("qualitative_effect_words", []))
    if degree and target is not None and target.unit == "%" \
            and not _any_word(name, cfg.get("measure_name_words", [])):
        out.append(_finding(
            doc, ind, "target", rule="indicator.unmeasurable_target", severity="warning",
            title="定性效果设置了百分比指标值，不具考核性",
            detail=f"“{name}”以“{degree}”描述程度，没有可计量的对象，指标值却写作“{target_text}”，"
                   f"形式上定量、实质上无测算依据。",
            stated=target_text, expected="可计量的指标（如比率、数量）或定性指标值",
            suggestion="改为可计量的指标及其指标值，或按定性指标设定“达成/部分达成/未达成”的评判标准。"))
    restated = fold(actual_text).rstrip("。.；;")
    if target is not None and restated and restated in set(cfg.get("restated_completion_words", [])):
        out.append(_finding(
            doc, ind, "actual", rule="indicator.unmeasured_actual", severity="warning",
            title="完成值只写“达成预期”，不具考核性",
            detail=f"“{ind.name or '该指标'}”指标值为“{target_text}”，完成值只写“{actual_text}”，"
                   f"未填写实际完成的数值，无法判断是否达到指标值。",
            stated=actual_text, expected=f"与“{target_text}”同一口径的实际数值",
            suggestion="按指标值的计量单位填写实际完成数，并附佐证材料。", category="unsupported_claim"))


# --- deductions on met targets ----------------------------------------------------------------


def _met(ind: Indicator) -> bool:
    """A quantitative target the actual meets (deductions on it are _check_deduction_on_met's)."""
    target, actual = parse_quantity(ind.text("target")), parse_quantity(ind.text("actual"))
    return target is not None and actual is not None and bool(target_met(ind, target, actual))


def _check_deduction_on_met(doc: Document, table: ScoreTable, ind: Indicator, cfg: dict,
                            out: list[Finding]) -> None:
    weight, score = ind.weight, ind.score
    if weight is None or score is None or weight <= 0 or score >= weight or "rate" in ind.cells:
        return
    if _has_reason(ind, set(cfg.get("empty_reason_words", []))):
        return
    # Without a reason column, indicators scored on a scale of their own (满意度 bands) stay quiet.
    if "reason" not in table.roles and _any_word(fold("".join(ind.names.values())), cfg.get("scaled_indicator_words", [])):
        return
    target_text, actual_text = ind.text("target"), ind.text("actual")
    target, actual = parse_quantity(target_text), parse_quantity(actual_text)
    if target is None or actual is None or not target_met(ind, target, actual):
        return
    # A rate scored by its value (满意度95% × 7.5分 ≈ 7分) follows a formula of its own.
    if actual.unit == "%" and consistent(ind.text("score"), min(actual.value / HUNDRED, 1) * weight):
        return
    name = ind.name or "该指标"
    out.append(_finding(
        doc, ind, "score", rule="score.deduction_on_met", severity="warning", title="指标已完成却被扣分，未说明原因",
        detail=f"“{name}”指标值{target_text}，完成值{actual_text}，已达到指标值，得分{ind.text('score')}分"
               f"低于分值{ind.text('weight')}分" + ("，偏差原因栏为空。" if "reason" in table.roles else "，未说明扣分原因。"),
        stated=f"{ind.text('score')}分", expected=f"{ind.text('weight')}分，或说明扣分原因",
        suggestion="达到指标值的应得满分；如因质量、时效等扣分，应写明扣分原因。", category="unsupported_claim"))


# --- totals above what the rows allow, weights that miss the full mark --------------------------


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _weights(leaves: list[Indicator]) -> Decimal | None:
    values = [i.weight for i in leaves]
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))  # type: ignore[arg-type]


def _scores(leaves: list[Indicator]) -> Decimal | None:
    values = [i.score for i in leaves]
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))  # type: ignore[arg-type]


def _span_finding(doc: Document, span: tuple[int, int], **kw) -> Finding:
    kw.setdefault("category", "score")
    return make_finding(doc, source="prepass", span=span, **kw)


def _check_total_above_max(doc: Document, table: ScoreTable, out: list[Finding]) -> None:
    """A total row whose score exceeds its own weight, or (when the rows' scores cannot be
    summed, so the sum check is silent) the weights of the rows it covers."""
    total = table.total
    if total is None or total.score is None:
        return
    stated = cell_number(total.score)
    if stated is None:
        return
    own_max = cell_number(total.weight)
    leaves = [i for i in total.covers if not i.parent]
    weights = _weights(leaves)
    # The row's weight cell must be the rows' weight total: a misaligned row proves nothing.
    if own_max is not None and stated > own_max and (weights is None or weights == own_max):
        maximum, how = own_max, f"总分值{total.weight.text}分"
    elif own_max is None and _scores(leaves) is None and weights is not None and stated > weights:
        maximum, how = weights, f"各项指标分值合计{_plain(weights)}分"
    else:
        return
    out.append(_span_finding(
        doc, (total.label.start, total.score.end), rule="score.total_above_max", severity="error",
        title="总得分超过满分", detail=f"表中{fold(total.label.text)}得分为{total.score.text}分，超过{how}。",
        stated=f"{total.score.text}分", expected=f"≤{_plain(maximum)}分", suggestion="核对总得分，得分不能超过总分值。"))


def _check_form_weights(doc: Document, tables: list[ScoreTable], cfg: dict, out: list[Finding]) -> None:
    """A complete form (a total row whose weight equals its rows' weights) plus the funds
    block printed just above it must weigh the full mark (national form: 执行率10 + 指标90)."""
    full = Decimal(str(cfg.get("score_arithmetic", {}).get("full_mark", 100)))
    for i, table in enumerate(tables):
        total = table.total
        if total is None or total.weight is None:
            continue
        stated = cell_number(total.weight)
        leaves = [x for x in total.covers if not x.parent]
        summed = _weights(leaves)
        if stated is None or summed is None or not consistent(total.weight.text, summed):
            continue  # a total that disagrees with its rows is score.total's finding
        funds = tables[i - 1] if i > 0 and funds_only(tables[i - 1]) else None
        funds_weight = _weights(funds.leaves) if funds is not None else None
        form = stated + (funds_weight or 0)
        if form == full or (funds_weight is None and stated <= full):
            continue  # without a funds block a lower total may leave execution to another part
        if funds_weight is not None:
            detail = (f"预算执行率分值{_plain(funds_weight)}分，与各项绩效指标分值合计{total.weight.text}分"
                      f"之和为{_plain(form)}分，不等于满分{_plain(full)}分。")
        else:
            detail = f"各项指标分值合计{total.weight.text}分，超过满分{_plain(full)}分。"
        out.append(_span_finding(
            doc, (total.label.start, total.weight.end), rule="score.form_weights", severity="warning",
            title="各项指标分值合计不等于满分", detail=detail, stated=f"{_plain(form)}分", expected=f"{_plain(full)}分",
            suggestion="核对一级指标分值设置，预算执行率与各项绩效指标分值合计应为100分。"))


def _form_category(ind: Indicator, categories: dict) -> str | None:
    """The first-level category (产出, 效益, 满意度…) a row belongs to, from its first-level
    name or, where the table has none, its second-level name (数量 → 产出)."""
    level1, level2 = fold(ind.names.get("level1", "")), fold(ind.names.get("level2", ""))
    for name, words in categories.items():
        if level1 and _any_word(level1, words.get("level1", [])):
            return name
    if level1:
        return None
    for name, words in categories.items():
        if level2 and _any_word(level2, words.get("level2", [])):
            return name
    return None


def _check_split_form_weights(doc: Document, tables: list[ScoreTable], cfg: dict, out: list[Finding]) -> None:
    """A form printed as one table per first-level indicator (产出 / 效益 / 满意度) with no
    total row: the tables together weigh at most the full mark. Only a whole form is judged:
    every row of every table under a known category, each category in one table only, and
    the required categories all present; a sum below the full mark may leave the execution
    rate to another part, and a multiple of it is a repeated form, so both stay quiet."""
    arith = cfg.get("score_arithmetic", {})
    spec = arith.get("split_form", {})
    categories = spec.get("categories", {})
    full = Decimal(str(arith.get("full_mark", 100)))
    forms = [t for t in tables if not funds_only(t)]
    if len(forms) < 2 or not categories or any(t.total is not None or t.subtotals for t in forms):
        return
    if _any_word(doc.check_text, arith.get("bonus_words", [])):
        return
    seen: dict[str, int] = {}
    parts: list[tuple[str, Decimal]] = []
    for n, table in enumerate(forms):
        leaves = table.leaves
        weight = _weights(leaves)
        if weight is None:
            return
        kinds = {_form_category(i, categories) for i in leaves}
        if None in kinds or any(seen.get(k, n) != n for k in kinds):
            return
        seen.update({k: n for k in kinds})
        parts.append(("、".join(k for k in categories if k in kinds), weight))
    if not set(spec.get("required", [])) <= set(seen):
        return
    summed = sum((w for _, w in parts), Decimal(0))
    if summed <= full or summed % full == 0:
        return
    first = forms[0]
    header = [c for c in first.block.rows[first.header_row] if c.text] if first.block.rows else []
    span = (header[0].start, header[-1].end) if header else (first.block.start, first.block.end)
    listed = "+".join(f"{name}{_plain(w)}" for name, w in parts)
    out.append(_span_finding(
        doc, span, rule="score.form_weights", severity="warning", title="各项指标分值合计超过满分",
        detail=f"自评表分{len(parts)}张表列示，各表指标分值合计{listed}={_plain(summed)}分，超过满分{_plain(full)}分。",
        stated=f"{_plain(summed)}分", expected=f"≤{_plain(full)}分",
        suggestion="核对各项指标分值，一级指标分值合计应为100分；确有加分项的应在表中注明。"))


def _check_text_total_above_max(doc: Document, tables: list[ScoreTable], cfg: dict, out: list[Finding]) -> None:
    """A total the prose states above the full mark, where no score table already gives the
    reference it is compared with."""
    arith = cfg.get("score_arithmetic", {})
    full = Decimal(str(arith.get("full_mark", 100)))
    if text_total_reference(tables) is not None or _any_word(doc.check_text, arith.get("bonus_words", [])):
        return
    for mention in text_total_mentions(doc):
        if mention.value > full:
            out.append(_span_finding(
                doc, mention.span, rule="score.total_above_max", severity="error", title="总得分超过满分",
                detail=f"文中总得分为{mention.text}分，超过满分{_plain(full)}分。",
                stated=f"{mention.text}分", expected=f"≤{_plain(full)}分", suggestion="核对总得分。"))


# --- missing indicator types ----------------------------------------------------------------------


def _check_missing_types(doc: Document, tables: list[ScoreTable], cfg: dict, out: list[Finding]) -> None:
    spec = cfg.get("missing_indicator_types", {})
    if not tables or not spec.get("types"):
        return
    from ..sections import detect_kind

    if detect_kind(doc) not in spec.get("kinds", ["project"]):
        return
    leaves = [i for t in tables for i in t.leaves]
    indicators = [i for i in leaves if "rate" not in i.cells]
    named = [i for i in indicators if i.names.get("level1") or i.names.get("level2")]
    # Only a form read whole: every indicator row under a named level, and a total row or
    # weights that reach the full mark (a truncated excerpt is never missing anything).
    full = Decimal(str(cfg.get("score_arithmetic", {}).get("full_mark", 100)))
    # The funds block counts once (its 其中 rows repeat the 年度资金总额 row's weight).
    funds = [i for i in leaves if "rate" in i.cells][:1]
    complete = any(t.total is not None for t in tables) or _weights(indicators + funds) == full
    if len(named) < 3 or len(named) != len(indicators) or not complete:
        return
    output_words = spec.get("output_words", ["产出"])
    level2_words = spec.get("output_level2_words", [])
    outputs = [i for i in named if _any_word(fold(i.names.get("level1", "")), output_words)
               or not i.names.get("level1") and _any_word(fold(i.names.get("level2", "")), level2_words)]
    if not outputs:
        return
    notes = stated_level1_weights(doc)
    names_of = [fold("".join(i.names.values())) for i in named]
    with_total = next((t for t in tables if t.total is not None), None)
    span = (with_total.total.span if with_total is not None else outputs[0].span)
    for kind in spec["types"]:
        words = kind.get("words", [])
        if any(_any_word(n, words) for n in names_of):
            continue
        noted = next((k for k in notes if _any_word(k, words)), None)
        severity = "warning" if noted else kind.get("severity", "info")
        why = f"报告的一级指标分值说明列有“{noted}”（{_plain(notes[noted][0])}分）" if noted else "项目支出绩效自评表通常应设置该类指标"
        out.append(_span_finding(
            doc, span, rule="indicator.missing_type", severity=severity, category="missing_part",
            title=f"自评表缺少{kind['name']}",
            detail=f"自评表列有产出指标，却没有{kind['name']}；{why}。",
            stated=f"无{kind['name']}", expected=f"设置{kind['name']}",
            suggestion=f"按项目绩效目标补充{kind['name']}及其指标值，并据实评分。"))


# --- the execution-rate score from the funds block's own figures ------------------------------------


def _check_funds_rate_scores(doc: Document, out: list[Finding]) -> None:
    """On a funds block (预算数, 执行数, 分值, 得分): a blank 执行率 cell, and a score that is
    not rate × weight for either budget as the denominator. A stated rate is left to the
    rate checks (rate against figures, score against rate)."""
    from ..tables import build_tables

    for table in build_tables(doc):
        budgets = table.columns_with("adjusted_budget", "budget")
        actuals = table.columns_with("actual")
        weights, scores = table.columns_with("weight"), table.columns_with("score")
        rates = table.columns_with("rate")
        if not budgets or len(actuals) != 1 or len(weights) != 1 or len(scores) != 1 or len(rates) > 1:
            continue
        for row in table.data_rows():
            spent = row.value(actuals[0].index)
            weight, score = row.value(weights[0].index), row.value(scores[0].index)
            if not all(v is not None and v.number is not None and not v.percent and not v.comparator
                       for v in (spent, weight, score)):
                continue
            if weight.unit or score.unit not in (None, "分") or weight.number <= 0 or score.number > weight.number:
                continue
            denominators = [(b, v) for b in budgets if (v := row.value(b.index)) is not None
                            and v.number and not v.percent and not v.comparator]
            if not denominators:
                continue
            rate = row.value(rates[0].index) if rates else None
            if rate is not None and not rate.is_blank:
                continue
            options = [min(spent.number / v.number, Decimal(1)) * weight.number for _, v in denominators]
            column, budget = denominators[0]
            label = row.label or "资金"
            if rate is not None:
                out.append(_span_finding(
                    doc, (rate.cell.start, rate.cell.end) if rate.cell.end > rate.cell.start else
                    (score.cell.start, score.cell.end), rule="score.execution_rate_blank", severity="warning",
                    category="missing_part", title="执行率栏未填写",
                    detail=f"“{label}”执行率栏未填写；按执行数{spent.text}÷{column.name}{budget.text}"
                           f"={fmt(spent.number / budget.number * HUNDRED, 2)}%计算。",
                    stated="（空）", expected=f"{fmt(spent.number / budget.number * HUNDRED, 2)}%",
                    suggestion="填写执行率（全年执行数÷全年预算数），并据此计分。"))
            if any(consistent(score.shown, o) for o in options):
                continue
            expected = options[0]
            out.append(_span_finding(
                doc, (score.cell.start, score.cell.end), rule="score.execution_rate_figures",
                severity=severity_of(score.shown, expected), title="执行率得分与资金执行数不符",
                detail=f"“{label}”执行数{spent.text}÷{column.name}{budget.text}"
                       f"={fmt(spent.number / budget.number * HUNDRED, 2)}%，分值{weight.text}分，"
                       f"按“执行率×分值（最高为分值）”应得{fmt(expected, 2)}分，表中为{score.text}分。",
                stated=f"{score.text}分", expected=f"{fmt(expected, 2)}分", suggestion="按执行率×分值重新计算得分。"))


# --- timeliness ------------------------------------------------------------------------------------

_DATE = re.compile(r"(20\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?|(?=底|末))")
_CLAUSE_BREAK = re.compile(r"[，,。；;！？!?\n]")
_SENTENCE = re.compile(r"[^。；;！？!?]+")


def _month_end(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def _date_bounds(m: re.Match) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """(earliest, latest) day a date written to the year, month or day can mean."""
    year = int(m.group(1))
    if m.group(2) is None:
        return (year, 12, 1), (year, 12, 31)  # 年底/年末
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    if m.group(3):
        day = int(m.group(3))
        if not 1 <= day <= _month_end(year, month):
            return None
        return (year, month, day), (year, month, day)
    return (year, month, 1), (year, month, _month_end(year, month))


def _shown(m: re.Match) -> str:
    return m.group() + ("底" if m.group(2) is None else "")


def _delayed_pairs(text: str, tcfg: dict) -> list[tuple[re.Match, re.Match]]:
    """(deadline, completion) pairs of one folded text: in one sentence, a deadline (a target
    word before it, or 前 after it) and, after it, a completion the sentence marks as actual
    or delayed ("实际于…完工", "延期至…完成") that falls later. Milestone lists (3月前完成设计，
    10月完工) say neither, so they stay quiet."""
    verbs, target_words = tcfg.get("completion_verbs", []), tcfg.get("target_words", [])
    unrelated, delay_words = tcfg.get("unrelated_words", []), tcfg.get("delay_words", [])
    pairs = []
    for sentence in _SENTENCE.finditer(text):
        body = sentence.group()
        targets, actuals = [], []
        for m in _DATE.finditer(body):
            left = _CLAUSE_BREAK.split(body[:m.start()])[-1]
            right = _CLAUSE_BREAK.split(body[m.end():])[0]
            clause = left + m.group() + right
            if _any_word(clause, unrelated) or not _any_word(clause, verbs) or _date_bounds(m) is None:
                continue
            after = right.lstrip("底末")
            if _any_word(left, target_words) or after.startswith(("前", "之前", "以前")):
                targets.append(m)
            elif _any_word(after[:6], verbs):
                actuals.append(m)
        for t in targets:
            for a in actuals:
                between = body[t.end():a.start()]
                if a.start() > t.end() and _any_word(between, delay_words) \
                        and _date_bounds(a)[0] > _date_bounds(t)[1]:
                    pairs.append((t, a))
    return pairs


def _claims(doc: Document, tcfg: dict) -> list[tuple[int, int, str]]:
    words, negations = tcfg.get("claim_words", []), tcfg.get("negations", [])
    out = []
    text = doc.check_text
    for w in words:
        for m in re.finditer(re.escape(w), text):
            before = text[max(0, m.start() - 4):m.start()]
            # "按期完成率" names an indicator; "确保按期完成" states an intention.
            if not _any_word(before, negations) and text[m.end():m.end() + 1] != "率":
                out.append((m.start(), m.end(), w))
    return sorted(out)


def _is_time_row(ind: Indicator, tcfg: dict) -> bool:
    names = fold(ind.names.get("level2", "") + ind.names.get("level3", "") or ind.name)
    return bool(_any_word(names, tcfg.get("row_words", [])))


def _check_timeliness(doc: Document, tables: list[ScoreTable], cfg: dict, out: list[Finding]) -> None:
    tcfg = cfg.get("timeliness", {})
    if not tcfg:
        return
    claims = _claims(doc, tcfg)
    # 时效 rows: a completion date after the row's own deadline, yet full marks or "按时".
    for table in tables:
        for ind in table.leaves:
            if not _is_time_row(ind, tcfg):
                continue
            # A range ("2023年1月-2023年12月") ends at its last date, in the target and the actual.
            t_dates = [(m, b) for m in _DATE.finditer(fold(ind.text("target"))) if (b := _date_bounds(m))]
            a_dates = [(m, b) for m in _DATE.finditer(fold(ind.text("actual"))) if (b := _date_bounds(m))]
            if not t_dates or not a_dates:
                continue
            t, tb = max(t_dates, key=lambda x: x[1][1])
            ab = max(a_dates, key=lambda x: x[1][0])[1]
            if ab[0] <= tb[1]:
                continue
            claimed = _any_word(fold(ind.text("actual")), tcfg.get("claim_words", []))
            if not (claimed or ind.weight is not None and ind.score == ind.weight):
                continue
            out.append(_finding(
                doc, ind, "actual", rule="indicator.timeliness", severity="warning", category="inconsistency",
                title="完成时间晚于时效指标值，却按按时完成计分",
                detail=f"“{ind.name}”指标值为“{ind.text('target')}”，完成值“{ind.text('actual')}”晚于该时限，"
                       f"却{'称按时完成' if claimed else '得满分'}。",
                stated=ind.text("actual"), expected=f"不晚于{_shown(t)}，或扣分并说明原因",
                suggestion="据实填写完成时间；逾期完成的应扣分并说明原因。"))
    if not claims:
        return
    # The narrative: one paragraph that sets a deadline and reports a later completion.
    for block in doc.paragraphs:
        folded = FoldedText.of(doc.check_text[block.start:block.end])
        pairs = _delayed_pairs(folded.folded, tcfg)
        if not pairs:
            continue
        tm, am = pairs[0]
        claim_start, claim_end, word = min(claims, key=lambda c: abs(c[0] - block.start))
        out.append(_span_finding(
            doc, (claim_start, claim_end), rule="indicator.timeliness", severity="warning", category="inconsistency",
            title="称“按时完成”，但报告所述完成时间晚于计划时间",
            detail=f"报告称“{word}”，但同一报告写明计划于{_shown(tm)}完成，实际{_shown(am)}才完成，晚于计划时间。",
            stated=word, expected=f"如实说明逾期（计划{_shown(tm)}，实际{_shown(am)}）",
            suggestion="核对完成时间；逾期完成的应如实表述，时效指标相应扣分并说明原因。"))
        return


def check_indicator_quality(doc: Document) -> list[Finding]:
    cfg = thresholds()
    out: list[Finding] = []
    tables = score_tables(doc)
    for table in tables:
        for ind in table.leaves:
            _check_row(doc, table, ind, cfg, out)
            _check_unmeasurable(doc, ind, cfg, out)
            _check_deduction_on_met(doc, table, ind, cfg, out)
        _check_uniform(doc, table, cfg, out)
        _check_total_above_max(doc, table, out)
    _check_form_weights(doc, tables, cfg, out)
    _check_split_form_weights(doc, tables, cfg, out)
    _check_text_total_above_max(doc, tables, cfg, out)
    _check_missing_types(doc, tables, cfg, out)
    _check_funds_rate_scores(doc, out)
    _check_timeliness(doc, tables, cfg, out)
    return out
