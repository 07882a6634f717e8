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
    ("instruction with a word limit left in a form's cell",
     OPENING + "年度目标完成情况\n对照年度目标，说明相关任务目标的完成情况（100字以内）\n",
     "boilerplate.placeholder", "（100字以内）"),
    ("crosses for a number", OPENING + "本年度完成水利工程××处，投入资金120万元。\n",
     "boilerplate.placeholder", "××"),
    ("XX for a name", OPENING + "XX县水利局负责全县水资源管理。\n", "boilerplate.placeholder", "XX"),
    ("an amount left blank", OPENING + "2022年度部门预算共计    万元，全年执行数865.20万元。\n",
     "boilerplate.blank_figure", "共计    万元"),
    ("a score left blank", OPENING + "经自评，本局整体支出绩效自评得分____分，等级为优。\n",
     "boilerplate.blank_figure", "得分____分"),
    ("a date left blank", OPENING + "填报日期：    年  月  日\n", "boilerplate.blank_figure", "：    年"),
    ("a blank a PDF squeezed out", OPENING + "2022年度部门预算共计万元，全年执行数865.20万元。\n",
     "boilerplate.blank_figure", "共计万元"),
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
    # Option pairs left unchosen, either order, full- or half-width brackets, a third choice.
    ("option pair", OPENING + "与上年相比，收入增加（减少）35.6万元，主要是项目资金变化。\n",
     "boilerplate.option_pair", "增加（减少）"),
    ("option pair reversed, half-width", OPENING + "支出决算数小于(大于)预算数的主要原因：项目延期。\n",
     "boilerplate.option_pair", "小于(大于)"),
    ("option pair with a third choice", OPENING + "在职人员比上年上升（下降/持平）3人。\n",
     "boilerplate.option_pair", "上升（下降/持平）"),
    # Bracketed notes to whoever fills the template in.
    ("reference-format note in a title", "附件1：部门整体支出绩效自评报告（参考格式）\n一、部门基本情况\n负责全县水利。\n",
     "boilerplate.bracket_note", "（参考格式）"),
    ("if-unchanged note", OPENING + "本年收入较上年增加12.3万元，主要原因：人员增加。（如持平作持平表述）\n",
     "boilerplate.bracket_note", "（如持平作持平表述）"),
    ("who-fills note in brackets", OPENING + "五、评价结论（由主管部门填写）\n良好。\n",
     "boilerplate.bracket_note", "（由主管部门填写）"),
    ("insert-here note", OPENING + "（此处插入绩效目标表）\n", "boilerplate.bracket_note", "（此处插入绩效目标表）"),
    ("delete-if-not-applicable note", OPENING + "（三）政府采购情况（不涉及的可删除）\n本年无政府采购。\n",
     "boilerplate.bracket_note", "（不涉及的可删除）"),
    ("who-fills note outside brackets", OPENING + "自评等级由主管部门填写。\n", "boilerplate.bracket_note",
     "由主管部门填写"),
    ("seal mark beside an empty field", OPENING + "填报单位：（公章）  填报日期：2022年5月20日\n",
     "boilerplate.empty_field", "填报单位：（公章）"),
    # Template rows with nothing but an ellipsis.
    ("empty labelled row", OPENING + "（一）产出指标\n指标1：完成水毁工程修复12处。\n指标2：……\n",
     "boilerplate.empty_item", "指标2：……"),
    ("empty numbered row", OPENING + "（二）存在问题\n1.……\n", "boilerplate.empty_item", "1.……"),
    ("two empty rows on one line", OPENING + "经济效益：……社会效益：……\n", "boilerplate.empty_item", "经济效益：……"),
    # Web-page residue.
    ("empty angle brackets for a lost number", OPENING + "  < >绩效自评工作开展情况\n于7月开展自评。\n",
     "boilerplate.web_residue", "< >"),
    ("non-breaking space entity", OPENING + "&nbsp;&nbsp;本年度完成河道清淤12公里。\n", "boilerplate.web_residue", "&nbsp;"),
    ("line-break tag", OPENING + "完成造林<br>1200亩，成活率95%。\n", "boilerplate.web_residue", "<br>"),
    ("ampersand entity", OPENING + "开展水资源监测&amp;评估工作。\n", "boilerplate.web_residue", "&amp;"),
    ("paragraph tag with attributes", OPENING + '<p style="text-indent:2em">本局编制20人。</p>\n',
     "boilerplate.web_residue", '<p style="text-indent:2em">'),
    # A year never filled in (essay sites).
    ("year left as 20XX", "20XX年度部门整体支出绩效自评报告\n一、部门基本情况\n负责全县水利。\n",
     "boilerplate.year_placeholder", "20XX"),
    ("year left as 20xx", OPENING + "截至20xx年12月底，完成投资120万元。\n", "boilerplate.year_placeholder", "20xx"),
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
    # the note a provincial form prints under its funds block: a rule with a length limit
    ("a form's rule that limits an explanation's length",
     OPENING + "1.预算执行率=预算执行数/调整后预算数，预算执行率未达到90%的需说明原因（100字以内）；"
               "2.年中发生预算调整的，应单独说明理由。\n"),
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
    ("a chosen change with a reason in brackets", OPENING + "收入比上年增加（主要是项目资金增加）35.6万元。\n"),
    ("an antonym that is not a pair", OPENING + "经费比上年减少（压减）5万元，支出增加3万元。\n"),
    ("ordinary brackets", OPENING + "（2022年度）本局制定了《绩效管理办法（试行）》，金额单位：（万元）。\n"),
    ("a form's own note on who fills it", OPENING + "本表由项目单位填写，经主管部门审核后报送。\n"),
    ("a note line", OPENING + "注：自评等级由主管部门填写。\n"),
    ("a seal mark after a filled field", OPENING + "填报单位：宁远县水利局（公章）\n"),
    ("an ellipsis ending a list in prose", OPENING + "开展了防汛培训、应急演练、隐患排查……等工作。\n"),
    ("comparison signs", OPENING + "满意度目标≥90%，实际<95%且>90%。\n"),
    ("a real year and a real product code", OPENING + "2022年采购XZ-2000型水质监测仪1台。\n"),
    ("ampersand in a name", OPENING + "聘请A&B会计师事务所开展审计。\n"),
    ("spaces before a name that begins with a unit word", OPENING + "联系人：康少峰   元氏县总工会办公室\n"),
    ("a figure with spaces around it", OPENING + "年初预算共计  865.20  万元。\n"),
    ("计分 is no blank", OPENING + "未完成的，按完成指标值的比例计分，最高不超过该指标分值。\n"),
]

# A 文号 that lost one bracket of its year (category wording) and correct forms.
DOC_NUMBERS_INVALID = [
    ("closing bracket lost", "根据《关于下达补助资金的通知》（皖财教〔20201535号）文件精神。",
     "皖财教〔20201535号", "皖财教〔2020〕1535号"),
    ("closing bracket lost, two-digit number", "按照（建办保〔201855号）要求上报。", "建办保〔201855号", "建办保〔2018〕55号"),
    ("opening bracket lost", "依据川财绩2019〕3号文件开展自评。", "川财绩2019〕3号", "川财绩〔2019〕3号"),
    ("square bracket lost", "按财预[2011285号规定执行。", "财预[2011285号", "财预［2011］285号"),
]
DOC_NUMBERS_VALID = [
    "根据皖财教〔2020〕1535号文件精神。",
    "按财预[2011]285号、川财绩(2019)3号和湘财绩〔2020〕第15号执行。",
    "2020年下达资金1535万元。",
    "（2020年度）项目共计20201535元。",
]


def rule_hits(text: str, rule: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall")) if f.rule == rule], doc


@pytest.mark.parametrize("name,line,quote,fixed", DOC_NUMBERS_INVALID, ids=[c[0] for c in DOC_NUMBERS_INVALID])
def test_doc_number_with_a_lost_bracket(name, line, quote, fixed):
    got, doc = rule_hits(OPENING + line + "\n", "wording.doc_number")
    assert len(got) == 1, [(f.rule, f.quote) for f in got]
    f = got[0]
    assert (f.category, f.quote, f.expected) == ("wording", quote, fixed)
    assert doc.text[f.location.start:f.location.end] == f.quote


@pytest.mark.parametrize("line", DOC_NUMBERS_VALID)
def test_well_formed_doc_numbers_are_not_reported(line):
    got, _ = rule_hits(OPENING + line + "\n", "wording.doc_number")
    assert got == [], [(f.rule, f.quote) for f in got]


def test_many_placeholders_end_in_one_summary_finding():
    """An unfilled template: the first occurrences, then one finding for the rest."""
    lines = "".join(f"{i}.本年收入XXX万元，比上年增加（减少）XX万元。\n" for i in range(1, 21))
    got, _ = findings(OPENING + lines)
    placeholders = [f for f in got if f.rule == "boilerplate.placeholder"]
    limit = load_rubric("department_overall").check("boilerplate.placeholder").params["max_findings"]
    assert len(placeholders) == limit + 1
    summary = placeholders[-1]
    assert summary.title == f"另有{40 - limit}处未替换的模板占位内容" and "模板" in summary.detail
    pairs = [f for f in got if f.rule == "boilerplate.option_pair"]
    assert len(pairs) == 6 and pairs[-1].title == "另有15处未选定的模板选项"


def test_word_lists_come_from_the_rubric(tmp_path):
    """A rubric without option pairs does not report them; one with its own pair does."""
    base = load_rubric("department_overall")
    text = OPENING + "收入增加（减少）35.6万元，人数增多（减少）2人。\n"
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    checks = [c.model_copy(update={"params": {"pairs": [["增多", "减少"]]}}) if c.id == "boilerplate.option_pair" else c
              for c in base.checks]
    custom = base.model_copy(update={"checks": checks})
    got = [f.quote for f in run_rules(doc, document_info(doc), custom) if f.rule == "boilerplate.option_pair"]
    assert got == ["增多（减少）"]


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


def test_web_code_cut_by_a_printed_line_break_is_still_found():
    from reviewer.ingest.txt import parse_txt
    from reviewer.pipeline import document_info
    from reviewer.rubric import load_rubric
    from reviewer.rules import run_rules
    from reviewer.sections import build_sections

    width = 24
    lead = "本单位高度重视预算绩效管理工作，认真落实各项制度要求，" * 4
    tail = "推进预算信息公开&nbsp;按规定在门户网站公开部门决算和绩效自评结果，" * 3
    cut = len(lead) + tail.index("&nbsp;") + 2
    lead += "严" * ((width - cut % width) % width)  # a printed line ends inside "&n" / "bsp;"
    body = lead + tail
    doc = parse_txt("\n".join(body[i:i + width] for i in range(0, len(body), width)) + "\n", "r.txt")
    doc.sections = build_sections(doc)
    found = [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
             if f.rule == "boilerplate.web_residue"]
    assert found and found[0].quote.replace("\n", "") == "&nbsp;"
