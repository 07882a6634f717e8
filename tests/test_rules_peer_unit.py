import pytest

from reviewer.models import DocumentInfo
from reviewer.rubric import load_rubric
from reviewer.rules import peer_unit
from reviewer.rules.context import RuleContext

from .helpers import doc_from_text


def findings(text, unit):
    doc = doc_from_text(text)
    info = DocumentInfo(path="x.txt", format="txt", pages=1, unit=unit, year=2021,
                        kind="department_overall", chars=len(text))
    ctx = RuleContext(doc, info, load_rubric("department_overall"))
    peer_unit.check(ctx)
    return ctx.findings


@pytest.mark.parametrize("text", [
    "新乡县总工会2021年度整体支出绩效自评报告\n按照新乡市总工会的部署开展工作。\n",  # a superior body
    "新乡县总工会\n组织全县总工会系统开展培训。\n",  # 全县, not a place
    "新乡县总工会\n新乡县县总工会召开会议（笔误重复的“县”）。\n",
    "新乡县总工会\n参考《河南省总工会关于开展职工互助活动的通知》。\n",
])
def test_peer_unit_valid(text):
    assert findings(text, "新乡县总工会") == []


@pytest.mark.parametrize("text,quoted", [
    ("新乡县总工会\n二、工作开展情况\n元氏县总工会认真落实各项工作。\n", "元氏县总工会"),
    ("某某区财政局\n我们会同甲乙区财政局完成了预算编制。\n", "甲乙区财政局"),
])
def test_peer_unit_invalid(text, quoted):
    unit = text.split("\n")[0]
    [f] = findings(text, unit)
    assert f.category == "boilerplate" and f.rule == "boilerplate.peer_unit"
    assert f.quote.endswith(quoted)
