"""Unsupported claims found without a model, and only where the report's own text shows
them: valid and invalid cases on small documents."""
from __future__ import annotations

import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric
from reviewer.rules import run_rules
from reviewer.sections import build_sections

HEAD = "安宁县民政局2022年度部门整体支出绩效自评报告\n一、基本情况\n负责全县社会救助和养老服务。\n"
PROBLEMS = "五、存在的问题\n部分项目资金拨付进度偏慢，预算编制不够细化。\n"
NO_PROBLEMS = "五、存在的问题\n无。\n"


def claims(text: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
            if f.category == "unsupported_claim"]


COUNT_TABLE = ("三、指标完成情况\n\t三级指标\n\t目标值\n\t完成值\n\t得分\n\n"
               "\t{name}\n\t{target}\n\t{actual}\n\t5\n\n")

INVALID = [
    ("no problems while the figures show low spending",
     HEAD + "二、预算执行\n全年预算安排300万元，实际支出210万元。\n" + NO_PROBLEMS,
     "claim.no_problems_low_execution", "五、存在的问题"),
    ("no problems while a stated rate is low",
     HEAD + "二、预算执行\n项目资金支付进度为72%。\n五、存在的问题\n暂无问题。\n",
     "claim.no_problems_low_execution", "暂无问题"),
    ("score 100 with admitted problems",
     HEAD + "四、评价结论\n自评总得分为100分，评价等级为优秀。\n" + PROBLEMS,
     "claim.perfect_score", "总得分为100分"),
    ("score 100 with low execution",
     HEAD + "二、预算执行\n全年预算执行率为72.5%。\n四、评价结论\n自评得分100分，等级为优。\n" + NO_PROBLEMS,
     "claim.perfect_score", "自评得分100分"),
    ("every project rated 优 with low execution",
     HEAD + "二、自评情况\n年度实际支出率达54.27%。自评项目6个，其中“优”项目6个，“良”项目0个，“中”项目0个。\n",
     "claim.perfect_score", "“优”项目6个"),
    ("圆满完成 in a part with no figure",
     HEAD + "三、履职效果\n本年度各项工作圆满完成，取得良好社会效益。\n四、评价结论\n自评得分92分，发放救助金120万元。\n",
     "claim.vague_completion", "圆满完成"),
    ("satisfaction rate with no survey",
     HEAD + "三、满意度情况\n服务对象对我局工作的满意度为98%。\n",
     "claim.satisfaction", "满意度为98%"),
    ("non-round count target equal to its actual",
     HEAD + COUNT_TABLE.format(name="救助困难群众人数", target=">=299人", actual="299人"),
     "claim.target_equals_actual", "299人"),
]


@pytest.mark.parametrize("name,text,rule,quote", INVALID, ids=[c[0] for c in INVALID])
def test_unsupported_claims_are_reported(name, text, rule, quote):
    got = [f for f in claims(text) if f.rule == rule]
    assert got, f"{name}: nothing reported"
    assert quote in got[0].quote.replace("\n", "").replace("\t", "")
    assert got[0].source == "rules" and "评审规则" in got[0].detail


VALID = [
    ("no problems with spending on plan",
     HEAD + "二、预算执行\n全年预算安排300万元，实际支出291万元。\n" + NO_PROBLEMS),
    ("score 100 and no problems, full execution",
     HEAD + "二、预算执行\n全年预算执行率为98.5%。\n四、评价结论\n自评总得分为100分，评价等级为优秀。\n" + NO_PROBLEMS),
    ("full marks as the maximum",
     HEAD + "四、评价结论\n满分为100分，自评得分92分，等级为优。\n" + PROBLEMS),
    ("总分100分 is the full mark",
     HEAD + "四、评价结论\n指标体系总分100分，自评得分91.5分。\n" + PROBLEMS),
    ("圆满完成 backed by figures",
     HEAD + "三、履职效果\n全年发放救助金1200万元，救助3200人次，各项任务圆满完成。\n"),
    ("satisfaction with a survey",
     HEAD + "三、满意度情况\n发放问卷300份，回收286份，服务对象满意度为95%。\n"),
    ("satisfaction target",
     HEAD + "二、绩效目标\n服务对象满意度达到90%以上。\n"),
    ("round count target equal to its actual",
     HEAD + COUNT_TABLE.format(name="救助困难群众人数", target=">=500人", actual="500人")),
    ("small count target equal to its actual",
     HEAD + COUNT_TABLE.format(name="召开专题会议次数", target="=3次", actual="3次")),
    ("count target exceeded",
     HEAD + COUNT_TABLE.format(name="救助困难群众人数", target=">=299人", actual="312人")),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_supported_claims_are_not_reported(name, text):
    got = claims(text)
    assert got == [], [(f.rule, f.quote) for f in got]


@pytest.mark.parametrize("body,denies", [
    ("无。", True), ("暂无问题。", True), ("经自查，本年度未发现问题。", True), ("无明显问题。", True),
    ("没有建立内控制度，预算编制不够细化。", False), ("一是没有建立制度；二是执行偏慢。", False),
])
def test_what_counts_as_denying_problems(body, denies):
    from reviewer.rules.claims import NEGATED_PROBLEMS
    from reviewer.textmatch import fold

    assert bool(NEGATED_PROBLEMS.match(fold(body))) is denies


# --- an execution rate below the line that nothing explains -----------------------------------
FUNDS_FORM = ("四、预算执行情况\n| 资金来源 | 全年预算数 | 全年执行数 | 执行率 |\n"
              "| 年度资金总额 | 2000 | 1157.97 | 57.90% |\n| 其中：中央财政资金 | 2000 | 1157.97 | 57.90% |\n")
CLOSING = "六、结果应用\n自评结果将在部门网站公开。\n"


@pytest.mark.parametrize("name, text, flagged", [
    ("a low rate nothing explains", HEAD + FUNDS_FORM + CLOSING, True),
    ("a reason in the narrative",
     HEAD + FUNDS_FORM + "五、存在的问题\n因场馆工程尚未完工，部分资金未支付。\n" + CLOSING, False),
    ("a rate above the line", HEAD + FUNDS_FORM.replace("57.90%", "95.00%").replace("1157.97", "1900") + CLOSING, False),
    ("a text cut short may explain it after the cut", HEAD + FUNDS_FORM + "五、存在的问题\n部分资", False),
])
def test_low_execution_without_a_reason(name, text, flagged):
    rules = [f.rule for f in claims(text)]
    assert ("claim.low_execution_no_reason" in rules) is flagged, rules


def test_low_execution_without_a_reason_in_a_word_table(tmp_path):
    import docx

    from reviewer.ingest import load

    document = docx.Document()
    for line in HEAD.strip().split("\n") + ["四、预算执行情况"]:
        document.add_paragraph(line)
    rows = [["资金来源", "全年预算数", "全年执行数", "执行率"], ["年度资金总额", "2000", "1157.97", "57.90%"]]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for line in CLOSING.strip().split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(path)
    doc = load(path)
    doc.sections = build_sections(doc)
    found = [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
             if f.rule == "claim.low_execution_no_reason"]
    assert len(found) == 1 and found[0].quote == "57.90%"
