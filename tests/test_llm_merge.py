"""Merging model findings into the deterministic ones (reviewer.merge), on a real document."""
from __future__ import annotations

import pytest

from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.merge import merge_findings

from .conftest import SAMPLE_TXTS

DOC = load(SAMPLE_TXTS[1])
RATE = "年度实际支出率达 84.9%"  # a quote of the sample
OTHER = "部门整体支出绩效评价自评综合得分97分"


def deterministic():
    return make_finding(DOC, category="ratio", severity="error", source="prepass", rule="ratio.rate",
                        title="支出率与重算不符", detail="重算为84.96%。", quote=RATE)


def model(category="ratio", quote=RATE, title="支出率计算有误", detail="按决算数和预算数计算不是84.9%。"):
    return make_finding(DOC, category=category, severity="warning", source="llm", rule="llm.unsupported_claims",
                        title=title, detail=detail, quote=quote)


@pytest.mark.parametrize("llm,merged,added,contradiction", [
    (model(), True, 0, False),
    (model(quote="支出率达 84.9"), True, 0, False),  # overlapping, not identical
    (model(category="unsupported_claim"), False, 1, True),
    (model(title="支出率核算无误", detail="经核对，支出率计算正确。"), False, 1, True),
    (model(quote=OTHER, category="score"), False, 1, False),
], ids=["same-span-same-category", "overlap", "other-category", "says-fine", "elsewhere"])
def test_merge(llm, merged, added, contradiction):
    out = merge_findings([deterministic()], [llm])
    base = out[0]
    assert base.source == "prepass" and base.title == "支出率与重算不符"
    assert ("模型意见：" in base.detail) is merged
    assert len(out) == 1 + added
    if added:
        extra = out[1]
        assert extra.source == "llm"
        assert ("请人工核实" in extra.detail) is contradiction


def test_merge_does_not_change_its_inputs_and_keeps_ungrounded():
    d = deterministic()
    loose = model(quote="报告里没有的句子整句")
    assert not loose.grounded
    out = merge_findings([d], [model(), loose])
    assert d.detail == "重算为84.96%。"
    assert [f.grounded for f in out] == [True, False]


def test_model_findings_alone_are_added():
    out = merge_findings([], [model(), model(quote=OTHER, category="score")])
    assert [f.source for f in out] == ["llm", "llm"]
