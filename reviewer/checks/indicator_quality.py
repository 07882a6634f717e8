"""自评表 quality, row by row, as reviewers judge it (domain.md, "What real reviewers raise").

Over the score tables scoretable.py recovers:
- an unmet indicator (score below weight, or actual short of target) whose 偏差原因 cell is
  empty, on forms that have such a column;
- over-completion: actual ≥ 130% of target without a reason (warning), ≥ 120% (info);
- a 成本 indicator with a "≥" target;
- budget execution (预算执行率, 资金支付率 …) filed as an 产出 indicator;
- malformed targets: "百分比" as a unit, a rate above 100%, a leftover "*" or "……";
- satisfaction claimed from "no complaints";
- every indicator at full marks.
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
from ..textmatch import fold
from .scoretable import Indicator, ScoreTable, parse_quantity, score_tables

_RATE_NAME = re.compile(r"率|比例|覆盖|占比")
_GROWTH_NAME = re.compile(r"增长|增幅|提高|提升|变动|同比")
_PLACEHOLDER = re.compile(r"^\*+$|……|^…+$|^x+$|^X+$")


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


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


def _check_row(doc: Document, table: ScoreTable, ind: Indicator, cfg: dict, out: list[Finding]) -> None:
    name = ind.name or "该指标"
    empty_words = set(cfg.get("empty_reason_words", []))
    target_text, actual_text = ind.text("target"), ind.text("actual")
    ratio, target, actual = _ratio(target_text, actual_text)
    weight, score = ind.weight, ind.score
    has_reason_column = "reason" in table.roles

    unmet = (weight is not None and score is not None and score < weight) or (
        ratio is not None and target is not None and
        (ratio < 1 if target.direction == "higher" else ratio > 1 if target.direction == "lower" else False))
    if unmet and has_reason_column and not _has_reason(ind, empty_words):
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
    if any(w in level3 for w in cfg.get("execution_indicator_words", [])) and \
            ("产出" in level1 or re.search(r"数量|质量|时效", level2)):
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


def check_indicator_quality(doc: Document) -> list[Finding]:
    cfg = thresholds()
    out: list[Finding] = []
    for table in score_tables(doc):
        for ind in table.leaves:
            _check_row(doc, table, ind, cfg, out)
        _check_uniform(doc, table, cfg, out)
    return out
