"""Merging model findings into the deterministic ones (reviewer.merge), on a real document."""
from __future__ import annotations

import pytest

from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.llm.plan import part_synonyms
from reviewer.merge import is_generic, merge_findings, merge_model_findings
from reviewer.rubric import load_rubric_for

from .conftest import SAMPLE_TXTS

DOC = load(SAMPLE_TXTS[1])
PARTS = part_synonyms(load_rubric_for("department_overall"))
RATE = "年度实际支出率达 84.9%"  # a quote of the sample
OTHER = "部门整体支出绩效评价自评综合得分97分"
PARAGRAPH_A = "年度实际支出率达 84.9%"
PARAGRAPH_B = "决算数 169.02 万元"  # same paragraph as RATE
SENTENCE = "2021年本部门（含所属预算单位）整体年初预算安排199.09\n\n万元，决算数 169.02 万元，年度实际支出率达 84.9%"


def deterministic():
    return make_finding(DOC, category="ratio", severity="error", source="prepass", rule="ratio.rate",
                        title="支出率与重算不符", detail="重算为84.96%。", quote=RATE, stated="84.9%", expected="84.96%")


def missing(part="problems", title="缺少存在的问题及原因"):
    return make_finding(DOC, category="missing_part", severity="warning", source="rules", rule=f"part.{part}",
                        title=title, detail="报告未见该部分。")


def model(category="ratio", quote=RATE, title="支出率计算有误", detail="按决算数169.02和预算数199.09计算不是84.9%。",
          severity="warning", rule="llm.unsupported_claims"):
    return make_finding(DOC, category=category, severity=severity, source="llm", rule=rule,
                        title=title, detail=detail, quote=quote)


@pytest.mark.parametrize("llm,fate,reason", [
    (model(), "merged", "agrees_with_prepass"),
    (model(quote="支出率达 84.9"), "merged", "agrees_with_prepass"),  # overlapping, not identical
    (model(category="unsupported_claim"), "merged", "agrees_with_prepass"),  # another category is agreement
    (model(category="wording", title="同一处的用词", detail="“达”字多余。"), "merged", "agrees_with_prepass"),
    (model(category="wording", quote=SENTENCE, title="用词不当", detail="“含所属预算单位”应加括号说明。"), "kept", ""),
    (model(title="支出率核算无误", detail="经核对，支出率计算正确。"), "kept", "disagreement"),
    (model(quote=OTHER, category="score", title="得分偏高", detail="97分与执行率84.9%不相称。"), "kept", ""),
    (model(quote=OTHER, category="ratio", title="支出率算错", detail="支出率84.9%应为84.96%。"), "merged",
     "agrees_with_prepass"),  # elsewhere, but the same stated and recomputed figures
], ids=["same-span-same-category", "overlap", "other-category-agrees", "same-span-any-category",
        "longer-span-other-subject", "says-fine", "elsewhere",
        "same-figures-elsewhere"])
def test_merge_with_a_deterministic_finding(llm, fate, reason):
    outcome = merge_model_findings([deterministic()], [llm], PARTS)
    [f] = outcome.fates
    assert (f.fate, f.reason) == (fate, reason)
    base = outcome.findings[0]
    assert base.source == "prepass" and base.title == "支出率与重算不符"
    assert ("模型意见：" in base.detail) is (fate == "merged")
    assert len(outcome.findings) == (1 if fate == "merged" else 2)
    if fate == "kept":
        assert ("请人工核实" in outcome.findings[1].detail) is (reason == "disagreement")


@pytest.mark.parametrize("llm,fate", [
    (model(category="missing_part", quote="", title="缺少“存在的问题”", detail="报告没有写存在的问题及原因。"), "merged"),
    (model(category="missing_part", quote="", title="问题部分缺失", detail="未见问题及原因分析。"), "merged"),
    (model(category="missing_part", quote="", title="缺少改进措施", detail="没有写改进措施。"), "kept"),
], ids=["same-part-by-name", "same-part-by-synonym", "another-part"])
def test_missing_parts_merge_by_part_identity(llm, fate):
    llm.grounded = True  # absent parts have no quote
    outcome = merge_model_findings([missing()], [llm], PARTS)
    assert outcome.fates[0].fate == fate


@pytest.mark.parametrize("title,detail,generic", [
    ("绩效管理有待加强", "建议进一步加强绩效管理，提高资金使用效益。", True),
    ("建议完善制度", "应进一步健全内部控制制度。", True),
    ("问题表述空泛", "“存在的问题”只写了有待提高，没有具体事实。", False),
    ("执行率偏低未说明原因", "项目支出执行率54.27%，低于90%却未说明原因。", False),
    ("措施与问题不对应", "所列措施未回应预算编制不准确的问题。", False),
], ids=["stock-advice", "stock-advice-2", "quoted-term", "numbers", "points-at-the-report"])
def test_generic_advice_is_recognised(title, detail, generic):
    assert is_generic(model(category="boilerplate", title=title, detail=detail)) is generic


def test_generic_advice_is_dropped():
    stock = model(category="boilerplate", quote=OTHER, title="绩效管理有待加强", detail="建议进一步加强绩效管理。")
    outcome = merge_model_findings([], [stock], PARTS)
    assert outcome.findings == [] and outcome.fates[0].reason == "generic"


def test_model_findings_on_one_paragraph_from_several_calls_become_one():
    a = model(category="unsupported_claim", quote=PARAGRAPH_A, title="执行率偏低", detail="84.9%未说明原因。")
    b = model(category="unsupported_claim", quote=PARAGRAPH_B, title="决算偏低", detail="169.02万元低于预算。",
              severity="error")
    outcome = merge_model_findings([], [a, b], PARTS, block_of=DOC.block_at, call_of=["whole-1", "whole-2"])
    assert len(outcome.findings) == 1
    [one] = outcome.findings
    assert one.severity == "error" and "84.9%" in one.detail and "169.02" in one.detail
    assert sorted(f.fate for f in outcome.fates) == ["kept", "merged"]
    # From one call, two findings on one paragraph are two findings.
    same_call = merge_model_findings([], [a, b], PARTS, block_of=DOC.block_at, call_of=["whole-1", "whole-1"])
    assert len(same_call.findings) == 2


def test_merge_does_not_change_its_inputs_and_keeps_ungrounded():
    d = deterministic()
    loose = model(quote="报告里没有的句子整句", category="score", title="得分依据不足", detail="97分没有评分表。")
    assert not loose.grounded
    out = merge_findings([d], [model(), loose])
    assert d.detail == "重算为84.96%。"
    assert [f.grounded for f in out] == [True, False]


def test_model_findings_alone_are_added():
    out = merge_findings([], [model(), model(quote=OTHER, category="score", detail="97分偏高。")])
    assert [f.source for f in out] == ["llm", "llm"]
