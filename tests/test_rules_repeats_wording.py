"""Repeated paragraphs (`duplicate`) and wording slips (`wording`)."""
from __future__ import annotations

import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric
from reviewer.rules import run_rules
from reviewer.sections import build_sections

HEAD = "安宁县司法局2022年度部门整体支出绩效自评报告\n一、基本情况\n"
PARA = "组织开展人民调解员业务培训，全面提升基层调解组织化解矛盾纠纷的能力和水平。"


def rule_findings(text: str, family: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
            if f.rule.startswith(family)], doc


DUPLICATES = [
    ("same paragraph twice", HEAD + PARA + "\n二、履职情况\n" + PARA + "\n", 1),
    ("same paragraph with other numbering", HEAD + "1、" + PARA + "\n二、履职情况\n（3）" + PARA + "\n", 1),
    ("paragraph repeated in a table cell", HEAD + PARA + "\n\t序号\n\t内容\n\n\t1\n\t" + PARA + "\n\n", 0),
    ("short line repeated", HEAD + "加强队伍建设，提高能力。\n二、履职情况\n加强队伍建设，提高能力。\n", 0),
    ("title repeated as a running header",
     HEAD + "安宁县司法局2022年度部门整体支出绩效自评报告第二部分附表和说明\n"
            "二、履职情况\n安宁县司法局2022年度部门整体支出绩效自评报告第二部分附表和说明\n", 0),
    ("different paragraphs", HEAD + PARA + "\n二、履职情况\n" + PARA.replace("培训", "轮训") + "\n", 0),
    ("an enumeration sentence (only 、 and its stop) twice",
     HEAD + "本局下设办公室、人民调解科、社区矫正科、法治宣传科、公共法律服务科共5个股室。\n二、履职情况\n"
            "本局下设办公室、人民调解科、社区矫正科、法治宣传科、公共法律服务科共5个股室。\n", 1),
]


@pytest.mark.parametrize("name,text,count", DUPLICATES, ids=[c[0] for c in DUPLICATES])
def test_repeated_paragraphs(name, text, count):
    got, doc = rule_findings(text, "duplicate.")
    assert len(got) == count, [(f.title, f.quote) for f in got]
    for f in got:
        assert f.category == "duplicate" and (PARA[:20] in f.quote or f.quote.startswith("本局下设"))


WORDING = [
    ("doubled verb", "持续开展开展“师带徒”行动。", "wording.doubled", "开展开展"),
    ("doubled noun", "深化产业工人队伍建设改革行动任务任务完成。", "wording.doubled", "任务任务"),
    ("doubled four-character word", "全面加强基层基层组织建设。", "wording.doubled", "基层基层"),
    ("doubled function word 的的", "这是我们的的工作重点，全年完成调解320件。", "wording.doubled", "的的"),
    ("doubled verb before 了", "对项目进行进行了验收，验收合格率100%。", "wording.doubled", "进行进行"),
    ("doubled pronoun", "我们我们将继续加强人民调解工作。", "wording.doubled", "我们我们"),
    ("doubled word in a sentence with figures", "全年培训调解员120人次，覆盖覆盖全部乡镇。", "wording.doubled", "覆盖覆盖"),
    ("doubled word beside a cited title that repeats the project name",
     "安宁县农村供水保障项目项目依据《安宁县农村供水保障三年行动方案》实施，由县水利局负责组织。",
     "wording.doubled", "项目项目"),
    ("double full stop", "占预算项目支出总额的100%。。自评情况良好。", "wording.punctuation", "。。"),
    ("comma before full stop", "年末实有人数20人，在职7人，退休13人，。", "wording.punctuation", "，。"),
    ("semicolon before full stop", "完成调解案件320件；。", "wording.punctuation", "；。"),
    ("double comma", "完成调解案件320件，，调解成功率98%。", "wording.punctuation", "，，"),
    ("comparator written twice", "供水水质达标率指标值≥≥98%，实际完成99%。", "wording.punctuation", "≥≥"),
    ("year run into its month", "截至201912月，全省共完成棚户区改造开工19.8万套。", "wording.date_glued", "201912月"),
    ("year run into its month and day", "项目于20211231日前全部完工并通过验收。", "wording.date_glued", "20211231日"),
    ("month run into its day after a year", "项目于2021年1231日前全部完工并通过验收。", "wording.date_glued", "1231日"),
    ("a year's 年 written twice before a date", "已在2021年年12月31日前完成全部救助资金发放。", "wording.doubled", "2021年年"),
    ("a heading that lost its number", "\n、项目绩效情况\n全年救助困难群众28人次。", "wording.numbering_lost", "、项目绩效情况"),
]


def test_doubled_word_inside_a_table_cell():
    got, doc = rule_findings(HEAD + "\t一级指标\t二级指标\t三级指标\n\t效益指标\t社会效益效益指标\t受益农户数\n", "wording.")
    assert [(f.rule, f.quote) for f in got] == [("wording.doubled", "效益效益")]


@pytest.mark.parametrize("name,line,rule,quote", WORDING, ids=[c[0] for c in WORDING])
def test_wording_slips(name, line, rule, quote):
    got, doc = rule_findings(HEAD + line + "\n", "wording.")
    hits = [f for f in got if f.rule == rule]
    assert len(hits) == 1, [(f.rule, f.quote) for f in got]
    assert quote in hits[0].quote
    assert doc.text[hits[0].location.start:hits[0].location.end] == hits[0].quote


CLEAN_WORDING = [
    ("reduplication 一步一步", "一步一步推进法治宣传。"),
    ("written year", "二〇二〇年工作总结。"),
    ("single-character reduplication", "人人参与，天天宣传，年年评比。"),
    ("same word split by a space", "指标 指标 完成"),
    ("ellipsis", "开展普法、调解、矫正……等工作。"),
    ("contents-page leader of full stops", "三、收支情况 。。。。。。 4"),
    ("AABB reduplication", "的的确确提升了基层调解能力。"),
    ("a word ending in 的 before 的", "实现项目目的的过程中，严格执行预算。"),
    ("characters doubled across a word boundary", "存在在编不在岗人员，以及及时性不足、为了了解需求等问题。"),
    # Tables flattened to text: neighbouring cells read as doubled words.
    ("flattened score table header", "年初预算数全年（调整）预算数全年执行数执行率执行率权重执行率得分年度总金额"
                                     "120.32106.5079.27107.93其中财政拨款120.32106.5079.27"),
    ("target equals actual in a flattened row", "受益户人口数10≥1000人≥1000人10群众生产生活条件改善状况10显著提升显著提升10"
                                                  "满意度指标（10分）服务对象满意度10≥95%≥95%10"),
    ("flattened header after a sentence", "落实林长制责任体系建设。绩效指标指标名称计量单位指标性质指标值指标权重（分）"
                                          "全年完成值指标得分（分）说明天然林和公益林管护当期任务完成率%901010010"),
    ("two columns of a wrapped cell", "维护林业、林区安全稳定，全完成维护林业、林区安全稳定，全区森林区森林资源、"
                                       "陆生野生动物资资源、陆生野生动物资源得到有效保护"),
    ("long unit on a line without sentence punctuation", "总体目标总体目标完成情况全年实际"),
    ("doubled cell in a table block", "\t指标名称\t完成情况\n\t群众满意度\t显著提升显著提升\n"),
    # dates written in full, a year beside a month in another cell, counts that are no dates
    ("dates written in full", "截至2019年12月，于2021年12月31日前完工，2019.12月报送。"),
    ("a year cell beside a month cell", "年度 月份 完成量\n2019 12月 320件\n"),
    ("a 13th month is no date", "累计完成201913月份以来的报表。"),
    ("one character four times", "精品久久久久在线，哈哈哈哈。"),
    ("two column names of a flattened header", "绩效指标一级指标二级指标三级指标指标值全年实际完成值未完成原因和改进措施"),
    ("a word three times: cells of a flattened table", "2、市区财政其它其它其它14.82其它二、项目支出明细情况"),
    ("年年 that is no slip", "年年开展评比，2020年年末无结转，2021年年度预算总额120万元，2021年年底前完工。"),
    ("an item list that goes on after a line break", "开展普法宣传\n、人民调解和法律援助工作，成效明显。"),
    # full stops a space apart close two cells of columns read side by side
    ("marks of two cells", "预期目标：推进法治社会建设。 。 实际完成：推进法治社会建设。"),
    # a cell that is a phrase twice is two cells glued; a doubled word at a cell's edge too
    ("doubled cell in a table", "\t指标名称\t完成情况\n\t群众知晓度\t显著提升显著提升\n\t效益效益指标\t良好\n"),
]


@pytest.mark.parametrize("name,line", CLEAN_WORDING, ids=[c[0] for c in CLEAN_WORDING])
def test_correct_wording_is_not_reported(name, line):
    got, _ = rule_findings(HEAD + line + "\n", "wording.")
    assert got == [], [(f.rule, f.quote) for f in got]
