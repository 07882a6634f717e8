"""Template residue (`boilerplate`): placeholders, fill-in instructions, template titles,
conversion residue — valid and invalid cases on small documents."""
from __future__ import annotations

import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric
from reviewer.rules import run_rules
from reviewer.sections import build_sections

OPENING = "宁远县水利局2022年度部门整体支出绩效自评报告\n一、部门基本情况\n"


def findings(text: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
            if f.category == "boilerplate"], doc


INVALID = [
    ("fill-in placeholder", OPENING + "本局主要职能：（此处填写部门主要职能）。\n",
     "boilerplate.placeholder", "（此处填写部门主要职能）"),
    ("word limit left in", OPENING + "（二）绩效目标（不超过300字）\n本年度完成病险水库除险加固3座。\n",
     "boilerplate.placeholder", "（不超过300字）"),
    ("crosses for a number", OPENING + "本年度完成水利工程××处，投入资金120万元。\n",
     "boilerplate.placeholder", "××"),
    ("XX for a name", OPENING + "XX县水利局负责全县水资源管理。\n", "boilerplate.placeholder", "XX"),
    ("bracketed instruction", OPENING + "（二）目标完成情况\n（对照年初绩效目标逐项说明完成情况）\n",
     "boilerplate.placeholder", "（对照年初绩效目标逐项说明完成情况）"),
    ("bookmark residue", OPENING + "[bookmark: _GoBack]本年收入3689.06万元。\n",
     "boilerplate.conversion", "[bookmark: _GoBack]"),
    ("template variable", OPENING + "本单位{{unit_name}}共有编制20人。\n", "boilerplate.conversion", "{{unit_name}}"),
    ("merge field", OPENING + "填报单位：<<UnitName>>，编制20人。\n", "boilerplate.conversion", "<<UnitName>>"),
    ("broken cross-reference", OPENING + "详见表错误！未找到引用源。所列数据。\n", "boilerplate.conversion", "错误！未找到引用源"),
    ("instruction copied into the body",
     OPENING + "四、绩效目标设定质量情况\n主要包括：通过部门整体支出绩效自评结果，分析年初绩效目标设定质量情况，"
               "总结预算编制、预算执行等方面存在的差距与不足。\n",
     "boilerplate.instruction", "主要包括：通过部门整体支出绩效自评结果"),
    ("instruction with 应当说明",
     OPENING + "五、存在的问题\n应当说明：对照绩效目标分析偏差原因，总结存在的主要问题。\n",
     "boilerplate.instruction", "应当说明"),
    ("title still reads 部门（单位）",
     "（2021年度）部门（单位）整体支出预算绩效自评报告\n一、部门（单位）基本情况\n负责全市水资源管理。\n",
     "boilerplate.template_title", "部门（单位）整体支出预算绩效自评报告"),
]


@pytest.mark.parametrize("name,text,rule,quote", INVALID, ids=[c[0] for c in INVALID])
def test_residue_is_reported_with_the_residue_quoted(name, text, rule, quote):
    got, doc = findings(text)
    hits = [f for f in got if f.rule == rule]
    assert hits, f"{name}: nothing reported; got {[(f.rule, f.quote) for f in got]}"
    f = hits[0]
    assert quote in f.quote.replace("\n", "")
    assert doc.text[f.location.start:f.location.end] == f.quote
    assert f.source == "rules" and "评审规则" in f.detail


VALID = [
    ("filled report", OPENING + "本局负责全县水资源管理，2022年完成病险水库除险加固3座。\n"),
    ("form label 部门（单位）名称 with the name filled in",
     "部门（单位）整体绩效自评表\n（2021年度）\n部门（单位）名称\n新乡县水利局\n一、基本情况\n负责全县水资源管理。\n"),
    ("standard headings that read 部门（单位）",
     "大同市水务局2021年度整体支出预算绩效自评报告\n一、部门（单位）基本情况\n负责全市供水管理。\n"),
    ("a real description that says 主要包括",
     OPENING + "本年度项目支出主要包括：水库除险加固资金120万元、河道整治资金80万元，已全部完成。\n"),
    ("own process described after 主要包括",
     OPENING + "自评工作主要包括：我局组织业务科室收集资料，分析指标完成情况，总结经验。\n"),
    ("optional marker （如有）", OPENING + "从社会效益、经济效益（如有）、可持续影响四个方面反映履职效果。\n"),
    ("a form note", OPENING + "注：1.未完成原因分析及改进措施：说明偏离目标、不能完成目标的原因及改进措施。\n"),
    ("a book title in angle brackets", OPENING + "依据<<中华人民共和国水法>>开展执法检查，共检查12次。\n"),
    ("multiplication sign", OPENING + "新建泵站2座，规格为3×4米。\n"),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_filled_text_is_not_reported(name, text):
    got, _ = findings(text)
    assert got == [], [(f.rule, f.quote) for f in got]


def test_consecutive_instruction_paragraphs_are_one_finding():
    text = (OPENING + "四、绩效目标设定质量情况\n"
            "（一）整体目标。主要包括：通过部门整体支出绩效自评结果，分析年初绩效目标设定质量，总结存在的差距。\n"
            "（二）项目目标。主要包括：通过项目支出绩效自评结果，对比年初绩效目标，深入分析原因，逐项查找差距。\n"
            "五、存在的问题\n无。\n")
    got, _ = findings(text)
    instr = [f for f in got if f.rule == "boilerplate.instruction"]
    assert len(instr) == 1
    assert "整体目标" not in instr[0].quote and "通过项目支出" in instr[0].quote
