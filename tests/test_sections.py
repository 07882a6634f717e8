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


# --- 第X部分, contents pages ---------------------------------------------------------------

from reviewer.sections import PART_RANK, contents_blocks  # noqa: E402


@pytest.mark.parametrize("text,rank", [
    ("第一部分 部门概况", PART_RANK),
    ("第三部分　某市林业局2024年度部门决算情况说明", PART_RANK),
    ("第十二章 附则", PART_RANK),
])
def test_part_headings_rank_above_chinese_numbering(text, rank):
    assert heading_rank(text) == rank
    assert heading_rank(text) < heading_rank("一、主要职能")


DISCLOSURE_WITH_CONTENTS = """\
某市林业局
2024年度部门决算
目 录
第一部分 某市林业局概况
一、主要职能
二、部门决算单位构成
第二部分 某市林业局2024年度部门决算表
一、收入支出决算总表
第一部分 某市林业局概况
一、主要职能
负责全市林业资源保护。
二、部门决算单位构成
本部门决算包括本级和下属2个单位。
第二部分 某市林业局2024年度部门决算表
一、收入支出决算总表
见附表。
"""

CONTENTS_WITH_PAGE_NUMBERS = """\
某县水利局2022年度部门整体支出绩效自评报告
目录
一、部门基本情况……………………1
二、绩效自评工作开展情况………3
三、存在的问题 5
一、部门基本情况
负责全县水利工程管理。
二、绩效自评工作开展情况
成立自评小组。
三、存在的问题
资金拨付偏慢。
"""


def test_contents_page_is_not_part_of_the_tree():
    doc = doc_from_text(DISCLOSURE_WITH_CONTENTS)
    parts = [s.title for s in doc.sections.root.children]
    assert parts == ["第一部分某市林业局概况", "第二部分某市林业局2024年度部门决算表"]
    assert [c.title for c in doc.sections.root.children[0].children] == ["一、主要职能", "二、部门决算单位构成"]
    body = doc.text.index("负责全市")
    assert doc.sections.at(body).path == ["第一部分某市林业局概况", "一、主要职能"]


def test_contents_with_page_numbers_is_skipped():
    doc = doc_from_text(CONTENTS_WITH_PAGE_NUMBERS)
    assert len(contents_blocks(doc)) == 4
    titles = [s.title for s in doc.sections.root.children]
    assert titles == ["一、部门基本情况", "二、绩效自评工作开展情况", "三、存在的问题"]


def test_a_numbered_list_is_not_a_contents_page():
    doc = doc_from_text("某县文旅局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n负责全县文化工作。\n")
    assert contents_blocks(doc) == set()


# --- unit and year from the cover ---------------------------------------------------------

IDENTITY_CASES = [
    ("cover field 单位名称, a cited notice names another unit",
     "项目支出绩效自评表\n（2023年度）\n单位名称：阿坝州汶川县卫生健康局\n"
     "根据《四川省财政厅关于下达2022年医疗服务与保障能力提升补助资金的通知》（川财社〔2022〕88号）实施。\n",
     "阿坝州汶川县卫生健康局", 2023),
    ("title lines joined: unit above, year below",
     "许昌市建安区审计局\n部门整体支出绩效自评报告\n（2022年度）\n一、部门基本情况\n",
     "许昌市建安区审计局", 2022),
    ("year without 年 in a file-name title; fill-in date later",
     "茂名市电白区交通运输局2021部门整体绩效自评报告.pdf\n填报日期：2022年5月20日\n一、部门基本情况\n",
     "茂名市电白区交通运输局", 2021),
    ("web page: publisher is the unit, year of publication is the year after",
     "索引号：lx-2025-00017\n发布机构：弥勒市自然资源局\n发布日期：2025-04-16\n部门整体支出绩效自评报告\n"
     "一、部门基本情况\n根据《关于印发〈职能配置规定〉的通知》（弥办发〔2019〕85号）履行职责。\n",
     "弥勒市自然资源局", 2024),
    ("document-site chrome with another year, the report's own title inside the text",
     "《广安市前锋区林业局2020年度部门整体绩效自评表.docx》由会员分享，可在线阅读。\n"
     "1、广安市前锋区林业局2021年度部门整体绩效自评表主管部门广安市前锋区林业局自评总分95\n",
     "广安市前锋区林业局", 2021),
    ("a form's fields, flattened",
     "绩效目标自评表(2022年度)项目名称农村饮水安全巩固提升主管部门通江县水利局实施单位通江县农村供水站资金情况\n",
     "通江县农村供水站", 2022),
    ("template: placeholder unit on the cover",
     "上海市XX局\n2024年度部门决算\n目录\n第一部分上海市XX局概况\n一、主要职能\n二、部门决算单位构成\n"
     "第一部分上海市XX局概况\n一、主要职能\n城乡社区支出XX万元。城乡社区支出增加（减少）XX万元。\n",
     "上海市XX局", 2024),
]


@pytest.mark.parametrize("name,text,unit,year", IDENTITY_CASES, ids=[c[0] for c in IDENTITY_CASES])
def test_unit_and_year_from_the_cover(name, text, unit, year):
    doc = doc_from_text(text)
    assert (detect_unit(doc), detect_year(doc)) == (unit, year)


@pytest.mark.parametrize("text", [
    # Only table bodies and cited documents name units: no unit rather than a fragment.
    "一、支出情况\n城乡社区支出120万元，城乡社区支出占比15%。\n根据《某省财政厅关于加强预算管理的通知》执行。\n",
    "第一部分上海市概况\n一、主要职能\n负责城乡社区建设。城乡社区支出20万元。\n",
])
def test_no_unit_from_fragments(text):
    assert detect_unit(doc_from_text(text)) is None
