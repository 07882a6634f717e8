import pytest

from reviewer.ingest import load
from reviewer.sections import detect_kind, detect_unit, detect_year, heading_rank

from .conftest import SAMPLES
from .helpers import doc_from_text


@pytest.mark.parametrize("text,rank", [
    ("一、基本情况", 0),
    ("二、绩效自评工作开展情况", 0),
    ("（一）年度部门总目标及主要任务。", 1),
    ("(二)组织实施", 1),
    ("1、主要职能", 2),
    ("2．组织架构", 2),
    ("4. 资产情况", 2),
    ("（1）收入情况", 3),
    ("①产出指标", 4),
    ("（三）工作目标完成情况、预算和财务管理完成情况、绩效管理完成情况分析。", 1),
])
def test_heading_ranks(text, rank):
    assert heading_rank(text) == rank


@pytest.mark.parametrize("text", [
    "（1）2012901行政运行收入159.58万元，占总收入的72%。",  # a numbered list item with figures
    "1.5万元用于培训。",  # a decimal, not numbering
    "2021年本部门整体年初预算安排199.09万元。",
    "3、帮助和指导各级工会依照法律规定通过职工代表大会和其他形式，组织职工参与本单位的民主选举、民主决策。",
])
def test_not_headings(text):
    assert heading_rank(text) is None


def test_tree_is_built_from_numbering_style_and_tolerates_skips():
    doc = doc_from_text("一、概况\n（一）职能\n正文。\n（三）人员\n正文。\n二、问题\n1、预算编制不细\n三、措施\n")
    tree = doc.sections
    top = [s.title for s in tree.root.children]
    assert top == ["一、概况", "二、问题", "三、措施"]
    assert [c.title for c in tree.root.children[0].children] == ["（一）职能", "（三）人员"]
    offset = doc.text.index("正文", doc.text.index("人员"))
    assert tree.title_at(offset) == "（三）人员"
    assert tree.at(offset).path == ["一、概况", "（三）人员"]


EXPECTED_IDENTITY = {
    "000_b10681fc8d1fbec0": ("新乡县总工会", 2021, "department_overall"),
    "001_6f2eabfb1a9cdc15": ("青龙满族自治县总工会", 2021, "department_overall"),
    "002_3f1d80a57ec3a08c": ("元氏县总工会", 2025, "department_overall"),
    "003_9f785aea458f6f0e": ("大同市总工会", 2021, "department_overall"),
    "004_0dfcc704536f2e1e": ("武定县总工会", 2020, "department_overall"),
}

EXPECTED_TOP_SECTIONS = {
    "000_b10681fc8d1fbec0": ["一、基本情况", "二、绩效自评工作开展情况", "三、综合评价结论", "四、绩效目标实现情况分析",
                             "五、发现的主要问题及改进措施", "六、绩效自评结果拟应用和公开情况",
                             "七、绩效自评工作的经验、问题和建议", "八、其他需要说明的问题"],
    "001_6f2eabfb1a9cdc15": ["一、部门概况", "二、绩效自评工作开展情况", "三、绩效目标实现情况", "四、绩效目标设定质量情况",
                             "五、整改措施及结果应用"],
    "002_3f1d80a57ec3a08c": ["一、部门基本情况", "二、自评工作开展情况", "三、部门整体支出绩效目标实现情况及指标分析",
                             "四、评价结论和评价等级", "五、存在的问题及改进措施", "六、评价工作组人员名单及签字"],
    "003_9f785aea458f6f0e": ["一、部门（单位）基本情况", "二、部门（单位）预算管理及执行情况",
                             "三、部门（单位）整体支出绩效目标及开展情况", "四、部门（单位）整体支出绩效实现情况",
                             "五、部门（单位）整体支出绩效中存在问题及改进措施", "六、绩效自评结果拟应用和公开情况",
                             "七、其他需要说明的情况"],
    "004_0dfcc704536f2e1e": ["二、绩效评价工作情况", "三、评价情况分析及综合评价结论", "四、存在问题及整改情况",
                             "五、绩效自评结果应用和公开情况", "六、主要经验和做法", "七、其他需说明的情况"],
}


@pytest.mark.parametrize("stem", sorted(EXPECTED_IDENTITY))
def test_sample_identity(stem):
    doc = load(SAMPLES / f"{stem}.txt")
    assert (detect_unit(doc), detect_year(doc), detect_kind(doc)) == EXPECTED_IDENTITY[stem]


@pytest.mark.parametrize("stem", sorted(EXPECTED_TOP_SECTIONS))
def test_sample_top_level_sections(stem):
    doc = load(SAMPLES / f"{stem}.txt")
    assert [s.title for s in doc.sections.all() if s.rank == 0] == EXPECTED_TOP_SECTIONS[stem]


def test_project_report_kind_from_title():
    doc = doc_from_text("某县教育局2023年度\n项目支出绩效自评报告\n一、项目概况\n")
    assert detect_kind(doc) == "project"
    assert detect_year(doc) == 2023
    assert detect_unit(doc) == "某县教育局"
