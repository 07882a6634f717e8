"""Required sections and elements (`missing_part`), as tables of valid and invalid cases
built from a clean report by one edit each."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric
from reviewer.rules import run_rules
from reviewer.sections import build_sections

CLEAN = Path(__file__).parent / "fixtures" / "clean" / "synthetic_county_agriculture.txt"
BASE = CLEAN.read_text(encoding="utf-8")

SCORE_TABLE_START = BASE.index("一级指标 二级指标")
SCORE_TABLE_END = BASE.index("总分 100 92.5") + len("总分 100 92.5\n")


def findings(text: str, rubric: str = "department_overall"):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return run_rules(doc, document_info(doc), load_rubric(rubric))


def cut(text: str, start: str, end: str) -> str:
    i, j = text.index(start), text.index(end)
    return text[:i] + text[j:]


def without_score_table(text: str) -> str:
    return text[:SCORE_TABLE_START] + text[SCORE_TABLE_END:]


INVALID = [
    ("no problems section",
     cut(BASE, "七、存在的问题及原因", "八、改进措施"), "part.problems", "问题"),
    ("no disclosure section",
     cut(BASE, "九、绩效自评结果应用和公开情况", "十、其他需要说明的问题"), "part.results_disclosure", "公开"),
    ("no disclosure section, a score-table row named 信息公开性",
     cut(BASE, "九、绩效自评结果应用和公开情况", "十、其他需要说明的问题")
     + "\n\t评价指标\n\t分值\n\t得分\n\n\t预决算信息公开性\n\t5\n\t5\n",
     "part.results_disclosure", "公开"),
    ("no measures section",
     cut(BASE, "八、改进措施", "九、绩效自评结果应用和公开情况"), "part.measures", "改进措施"),
    ("no measures section, a score table's 偏差原因分析及改进措施 column",
     cut(BASE, "八、改进措施", "九、绩效自评结果应用和公开情况")
     + "\n\t三级指标\n\t分值\n\t得分\n\t偏差原因分析及改进措施\n\n\t培训人次\n\t10\n\t10\n\t无\n",
     "part.measures", "改进措施"),
    ("no score and no grade",
     without_score_table(BASE.replace("经自评，本局2022年度部门整体支出绩效自评得分92.5分，评价等级为“优”。", "经自评，各项工作进展良好。")),
     "element.score_grade", "未见自评得分和评价等级"),
    ("grade without score",
     without_score_table(BASE.replace("自评得分92.5分，评价等级为“优”", "评价等级为“优”")),
     "element.score_grade", "未见自评得分"),
    ("indicator table only refers to an attachment",
     without_score_table(BASE).replace("六、绩效指标完成情况\n", "六、绩效指标完成情况\n各项指标完成情况详见《2022年度部门整体支出绩效自评表》。\n"),
     "element.indicator_table", "缺少绩效指标完成情况表"),
    ("indicator table without actual values and scores",
     without_score_table(BASE).replace("六、绩效指标完成情况\n",
                                       "六、绩效指标完成情况\n\t序号\n\t三级指标\n\t指标值\n\t指标值确定依据\n\n"
                                       "\t1\n\t新建高标准农田面积\n\t2.5万亩\n\t年度计划\n\n"),
     "element.indicator_table", "绩效指标表缺少完成值、得分"),
    ("problems section says nothing",
     BASE.replace("一是部分项目资金拨付进度偏慢，年中执行率仅为41%，原因是项目招标推迟；二是绩效目标设定不够细化，部分指标缺少量化标准。", "无。"),
     "element.problems_stated", "没有实际内容"),
    ("results used but no disclosure",
     BASE.replace("，并随部门决算于2023年9月在县人民政府门户网站向社会公开", ""),
     "element.disclosure_plan", "公开"),
]


@pytest.mark.parametrize("name,text,rule,title", INVALID, ids=[c[0] for c in INVALID])
def test_missing_parts_are_reported(name, text, rule, title):
    got = [f for f in findings(text) if f.rule == rule]
    assert got, f"{name}: no {rule} finding"
    f = got[0]
    assert f.category == "missing_part" and f.source == "rules"
    assert title in f.title
    assert "评审规则" in f.detail  # the detail names the rubric item it enforces


VALID = [
    ("clean report", BASE),
    ("synonym 单位概况 and 下一步工作打算",
     BASE.replace("一、部门基本情况", "一、单位概况").replace("八、改进措施", "八、下一步工作打算")),
    ("synonym 发现的主要问题 with other numbering",
     BASE.replace("七、存在的问题及原因", "7. 发现的主要问题")),
    ("combined 存在问题及整改情况 part",
     cut(BASE, "八、改进措施", "九、绩效自评结果应用和公开情况").replace("七、存在的问题及原因", "七、存在问题及整改情况")),
    ("disclosure stated in the body without its own heading",
     cut(BASE, "九、绩效自评结果应用和公开情况", "十、其他需要说明的问题").replace(
         "按月通报执行进度；", "按月通报执行进度，自评结果随部门决算一并公开；")),
    ("score only in the score table",
     BASE.replace("经自评，本局2022年度部门整体支出绩效自评得分92.5分，评价等级为“优”。", "经自评，本局各项绩效指标的完成值和得分列于下表，年度目标总体完成较好。")),
    ("no 其他需要说明 part (optional)", cut(BASE, "十、其他需要说明的问题", "无。")),
    ("disclosure plan written as 随部门决算公开",
     BASE.replace("并随部门决算于2023年9月在县人民政府门户网站向社会公开", "并随部门决算公开")),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_complete_reports_have_no_missing_part(name, text):
    got = [f for f in findings(text) if f.category == "missing_part"]
    assert got == [], [(f.rule, f.title) for f in got]


def test_absent_things_have_empty_quotes():
    text = cut(BASE, "七、存在的问题及原因", "八、改进措施")
    f = next(f for f in findings(text) if f.rule == "part.problems")
    assert f.quote == "" and f.location.start is None


def test_problems_missing_but_measures_present_says_so():
    text = cut(BASE, "七、存在的问题及原因", "八、改进措施")
    f = next(f for f in findings(text) if f.rule == "part.problems")
    assert "缺少存在的问题" in f.title and "措施" in f.detail


def test_form_only_report_is_checked_for_elements_not_sections():
    form = ("项目支出绩效自评表\n（2022年度）\n项目名称：农村公路养护\n\n"
            + BASE[SCORE_TABLE_START:SCORE_TABLE_END])
    got = findings(form, "project")
    assert [f.rule for f in got if f.rule.startswith("part.")] == []
    assert [f.rule for f in got if f.rule.startswith("element.")] == []


def test_disabled_rule_is_not_reported(tmp_path):
    variant = tmp_path / "no_disclosure.yaml"
    variant.write_text("name: no_disclosure\ntitle: 不查公开\nextends: department_overall\n"
                       "disabled: [part.results_disclosure]\n", encoding="utf-8")
    text = cut(BASE, "九、绩效自评结果应用和公开情况", "十、其他需要说明的问题")
    assert any(f.rule == "part.results_disclosure" for f in findings(text))
    assert not any(f.rule == "part.results_disclosure" for f in findings(text, str(variant)))


# --- the 决算/预算 disclosure rubric: its own parts, none of a self-evaluation's ------------

DISCLOSURE = """\
某市生态环境局2023年度部门决算
第一部分 部门概况
一、主要职能
负责全市生态环境监督管理。
二、部门决算单位构成
本部门决算包括本级和下属3个单位。
第二部分 2023年度部门决算表
收入支出决算总表、财政拨款收入支出决算总表、一般公共预算财政拨款支出决算表
第三部分 2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收入总计5230.5万元，支出总计5230.5万元。
二、财政拨款“三公”经费支出决算情况说明
“三公”经费支出12.3万元。
第四部分 名词解释
财政拨款收入：指本年度从本级财政部门取得的财政拨款。
"""

DISCLOSURE_CASES = [
    ("complete disclosure", DISCLOSURE, set()),
    ("no overall explanation",
     cut(DISCLOSURE, "一、收入支出决算总体情况说明", "二、财政拨款"), {"part.overall_explanation"}),
    ("no 三公 explanation", cut(DISCLOSURE, "二、财政拨款“三公”", "第四部分"), {"part.three_public"}),
]


@pytest.mark.parametrize("name,text,missing", DISCLOSURE_CASES, ids=[c[0] for c in DISCLOSURE_CASES])
def test_final_accounts_rubric_parts(name, text, missing):
    got = {f.rule for f in findings(text, "final_accounts") if f.category == "missing_part"}
    assert got == missing
    # Never the self-evaluation parts.
    assert not any(r.startswith("element.") for r in got)
    assert all(f.severity in ("warning", "info") for f in findings(text, "final_accounts")
               if f.category == "missing_part")
