from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.checks.scoretable import (
    check_score_tables, column_role, grade_for, parse_quantity, score_tables, stated_level1_weights,
)
from reviewer.document import DocumentBuilder
from reviewer.ingest import load
from reviewer.sections import build_sections

from .conftest import ROOT, SAMPLES
from .helpers import doc_from_text

CORRECTED = ROOT / "tests" / "fixtures" / "corrected"
FIXTURES = ROOT / "tests" / "fixtures"
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"]


def table_doc(rows, before=(), after=()):
    """A Word-like document: paragraphs, one table, paragraphs."""
    b = DocumentBuilder("inline.docx", "docx")
    for p in before:
        b.add_paragraph(p)
    b.add_table(rows)
    for p in after:
        b.add_paragraph(p)
    doc = b.build()
    doc.sections = build_sections(doc)
    return doc


def rules_of(findings):
    return sorted(f.rule for f in findings)


def good_rows():
    return [
        HEADER,
        ["产出指标", "数量指标", "培训人数", "≥100人", "120人", "30", "30"],
        ["", "质量指标", "培训合格率", "≥90%", "95%", "20", "20"],
        ["效益指标", "社会效益", "制度健全性", "健全", "健全", "40", "36"],
        ["满意度指标", "满意度", "职工满意度", "≥90%", "93%", "10", "10"],
        ["总分", "", "", "", "", "100", "96"],
    ]


# --- column roles and value parsing ---------------------------------------------------

@pytest.mark.parametrize("header, role", [
    ("得分", "score"), ("自评得分（分）", "score"), ("分值", "weight"), ("权重", "weight"),
    ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"), ("指标名称", "level3"),
    ("年度指标值", "target"), ("目标值", "target"), ("完成值", "actual"), ("实际完成值", "actual"),
    ("业绩值", "actual"), ("执行率", "rate"), ("评（扣）分标准", None), ("指标值确定依据", None),
    ("偏差原因分析", "reason"), ("序号", None),
])
def test_column_roles(header, role):
    assert column_role(header) == role


@pytest.mark.parametrize("text, value, unit, direction", [
    ("≥90%", "90", "%", "higher"), (">=299人", "299", "人", "higher"), ("<=1136.92万", "1136.92", "万元", "lower"),
    ("<10%", "10", "%", "lower"), ("=100%", "100", "%", "exact"), ("100%", "100", "%", "exact"),
    ("90%以上", "90", "%", "higher"), ("不超过50万元", "50", "万元", "lower"), ("0", "0", "", "exact"),
])
def test_parse_quantity(text, value, unit, direction):
    q = parse_quantity(text)
    assert (str(q.value), q.unit, q.direction) == (value, unit, direction)


@pytest.mark.parametrize("text", ["合规", "达到序时进度", "工资总额的2%", "10-12月", "1-12月", "每月"])
def test_parse_quantity_rejects_non_quantities(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize("score, grade", [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"),
                                          (60, "中"), (59.9, "差")])
def test_grade_bands(score, grade):
    from decimal import Decimal
    assert grade_for(Decimal(str(score))) == grade


# --- per-indicator rules ---------------------------------------------------------------

def one_row(target, actual, weight, score, name="培训人数"):
    return table_doc([HEADER, ["产出指标", "数量指标", name, target, actual, weight, score]])


@pytest.mark.parametrize("target, actual, weight, score, name", [
    ("≥100人", "120人", "10", "10", "培训人数"),          # met, full marks
    ("≥100人", "100人", "10", "10", "培训人数"),          # met exactly
    ("≥95%", "90%", "10", "9.47", "培训合格率"),          # unmet: 90/95×10 = 9.47
    ("≥95%", "90%", "10", "9.4", "培训合格率"),           # truncated
    ("≤100万元", "120万元", "6", "5", "项目成本"),        # reverse: 100/120×6 = 5
    ("≤100万元", "120万元", "6", "4.8", "项目成本"),      # reverse: (1−20/100)×6 = 4.8
    ("<10%", "0", "2", "2", "预算调整率"),                # a zero needs no unit
    ("=100%", "88%", "1", "0.88", "在职人员控制率"),
    ("=100%", "88%", "1", "1", "在职人员控制率"),         # "=" on a lower-is-better rate: under is met
    ("≥90%", "85%", "10", "8.5", "预算执行率"),           # execution rate × weight
    ("≥90%", "85%", "10", "9.44", "预算执行率"),          # or actual/target × weight
    ("≥90%", "95%", "7.5", "7", "社会公众满意度"),        # met but scored lower: not inflation, not flagged
    ("相关", "相关", "3", "3", "目标相关性"),
    ("10-12月", "10-12月", "1", "1", "购买时间"),
    ("健全", "80%", "2", "1.6", "制度健全性"),
])
def test_indicator_scores_that_follow_the_rules(target, actual, weight, score, name):
    assert check_score_tables(one_row(target, actual, weight, score, name)) == []


@pytest.mark.parametrize("target, actual, weight, score, name, rule, severity, expected", [
    ("≥100人", "120人", "10", "12", "培训人数", "score.over_weight", "error", "≤10分"),
    ("≥95%", "90%", "10", "10", "培训合格率", "score.full_on_unmet", "error", "9.47分"),
    ("≥95%", "90%", "10", "9.8", "培训合格率", "score.formula", "error", "9.47分"),
    ("≥95%", "90%", "10", "5", "培训合格率", "score.formula", "warning", "9.47分"),
    ("≤100万元", "120万元", "6", "6", "项目成本", "score.full_on_unmet", "error", "5.00分"),
    ("≤100万元", "120万元", "6", "3", "项目成本", "score.formula", "warning", "4.80分"),
    ("≥90%", "85%", "10", "10", "预算执行率", "score.full_on_unmet", "error", "9.44分"),
    # rounding a whole-number score must not hide full marks on an unmet target (0.89 → 1)
    (">=900人", "800人", "1", "1", "职业技能培训人数", "score.full_on_unmet", "error", "0.89分"),
    # a unit per head: "元/户" on both sides compares like "元"
    ("<=5300元/户", "5830元/户", "10", "10", "临时救助标准", "score.full_on_unmet", "error", "9.09分"),
])
def test_indicator_scores_that_break_the_rules(target, actual, weight, score, name, rule, severity, expected):
    findings = check_score_tables(one_row(target, actual, weight, score, name))
    assert [(f.rule, f.severity, f.category, f.source) for f in findings] == [(rule, severity, "score", "prepass")]
    f = findings[0]
    assert f.stated == f"{score}分" and f.expected == expected
    assert f.quote.startswith(name) and f.quote.endswith(score)
    assert "×" in f.detail or "超过" in f.detail


@pytest.mark.parametrize("actual, score, rule", [
    ("达成预期指标", "9", None), ("达成预期", "8", None), ("部分达成", "7", None), ("未达成", "5", None),
    ("部分达成预期指标并具有一定效果", "9", "error"), ("未达成预期指标且效果较差", "7", "error"),
    ("达成预期", "6", "warning"),
])
def test_qualitative_tiers(actual, score, rule):
    findings = check_score_tables(one_row("完善", actual, "10", score, "制度完善程度"))
    if rule is None:
        assert findings == []
    else:
        assert [(f.rule, f.severity) for f in findings] == [("score.qualitative_tier", rule)]
        assert "%" in findings[0].detail


@pytest.mark.parametrize("rate, score, flagged", [("85%", "8.5", False), ("105%", "10", False),
                                                  ("85%", "10", True), ("60%", "8", True)])
def test_execution_rate_column(rate, score, flagged):
    doc = table_doc([["项目名称", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                     ["职工培训经费", "100", "100", "85", "10", rate, score]])
    findings = check_score_tables(doc)
    assert rules_of(findings) == (["score.execution_rate"] if flagged else [])


# --- totals, subtotals, first-level weights -------------------------------------------------

def test_consistent_table_has_no_findings():
    assert check_score_tables(table_doc(good_rows())) == []


@pytest.mark.parametrize("stated, severity", [("97", "warning"), ("99", "error")])
def test_total_row_against_leaves(stated, severity):
    rows = good_rows()
    rows[-1][-1] = stated
    findings = check_score_tables(table_doc(rows))
    assert [(f.rule, f.severity) for f in findings] == [("score.total", severity)]
    f = findings[0]
    assert (f.stated, f.expected) == (f"{stated}分", "96分")
    assert f.quote.startswith("总分") and f.quote.endswith(stated)
    assert "=96" in f.detail


def test_total_weight_against_leaves():
    rows = good_rows()
    rows[-1][-2] = "110"
    findings = check_score_tables(table_doc(rows))
    assert [(f.rule, f.expected) for f in findings] == [("score.total", "100分")]


def parent_rows(parent_score="48", child_score="28"):
    return [
        HEADER,
        ["产出指标", "", "", "", "", "50", parent_score],
        ["", "数量指标", "培训人数", "≥100人", "120人", "30", child_score],
        ["", "质量指标", "培训合格率", "≥90%", "95%", "20", "20"],
        ["效益指标", "", "", "", "", "50", "50"],
        ["", "社会效益", "带动就业", "≥50人", "60人", "50", "50"],
        ["合计", "", "", "", "", "100", "98"],
    ]


def test_parent_rows_are_not_added_to_their_own_children():
    # 28 + 20 + 50 = 98: the parent rows (48, 50) must not be counted again.
    doc = table_doc(parent_rows())
    assert check_score_tables(doc) == []
    table = score_tables(doc)[0]
    assert [i.parent for i in table.indicators] == [True, False, False, True, False]


def test_parent_row_against_children():
    findings = check_score_tables(table_doc(parent_rows(parent_score="50")))
    assert [(f.rule, f.stated, f.expected) for f in findings] == [("score.subtotal", "50分", "48分")]
    assert "28+20=48" in findings[0].detail


def test_subtotal_row():
    rows = [["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"],
            ["数量", "培训人数", "10", "≥100人", "120人", "10"],
            ["数量", "培训场次", "10", "≥5次", "6次", "10"],
            ["小计", "", "20", "", "", "19"]]
    findings = check_score_tables(table_doc(rows))
    assert [(f.rule, f.stated, f.expected) for f in findings] == [("score.subtotal", "19分", "20分")]


def test_level1_weight_note_in_the_cell():
    rows = good_rows()
    rows[1][0] = "产出指标（40分）"
    findings = check_score_tables(table_doc(rows))
    assert [(f.rule, f.severity, f.stated, f.expected) for f in findings] == [
        ("score.level1_weight", "error", "40分", "50分")]


@pytest.mark.parametrize("note, flagged", [
    ("原则上一级指标分值统一设置为：产出指标 50 分、效益指标 40 分、满意度指标 10 分。", False),
    ("原则上一级指标分值统一设置为：产出指标 40 分、效益指标 50 分、满意度指标 10 分。", True),
])
def test_level1_weights_from_the_report_note(note, flagged):
    doc = table_doc(good_rows(), after=[note])
    assert stated_level1_weights(doc)["产出"][0] in (40, 50)
    findings = check_score_tables(doc)
    # One finding per table names every first-level weight that departs from the note.
    assert rules_of(findings) == (["score.level1_weight"] if flagged else [])
    assert all(f.severity == "warning" for f in findings)


# --- totals and grades in the text ------------------------------------------------------------

@pytest.mark.parametrize("sentence, rules", [
    ("经综合评价，自评得分96分，评价等级为“优”。", []),
    ("经综合评价，自评得分95分，评价等级为“优”。", ["score.total"]),
    ("总分100分，自评得分96分。", []),                       # 100 is the full mark here
    ("满分为100分。", []),
    # first-level scores, not the total (here both disagree with the form's groups: 50, 36)
    ("其中产出指标自评得分28分，效益指标自评得分40分。", ["score.level1_text", "score.level1_text"]),
    ("其中产出指标自评得分50分，效益指标自评得分36分。", []),
])
def test_text_total_against_the_table(sentence, rules):
    assert rules_of(check_score_tables(table_doc(good_rows(), after=[sentence]))) == rules


@pytest.mark.parametrize("sentence, stated, expected", [
    ("部门整体支出绩效评价自评综合得分85分，综合评价等级“优”。", "优", "良"),
    ("整体支出绩效自评价结果为:总得分93.98分，属于\"良好\"。", "良好", "优"),
    ("总得分为59分，综合绩效评价为合格。", "合格", "差"),
])
def test_grade_against_the_stated_score(sentence, stated, expected):
    findings = check_score_tables(doc_from_text(sentence + "\n"))
    assert [(f.rule, f.stated, f.expected) for f in findings] == [("score.grade", stated, expected)]
    assert findings[0].quote.startswith(("综合得分", "总得分")) and findings[0].quote.rstrip("”\"").endswith(stated)


@pytest.mark.parametrize("text", [
    "部门整体支出绩效评价自评综合得分97分，综合评价等级“优”。",
    "根据部门职责定位进行综合评价，总得分为100分，综合绩效评价为优秀。",
    "共有项目 6 个，其中评价等级为“优”项目 6 个，“良”项目 0 个。",
    "总得分为85分，评价等级为良。",
])
def test_grades_that_agree(text):
    assert check_score_tables(doc_from_text(text + "\n")) == []


# --- duplicates -------------------------------------------------------------------------------

def test_duplicated_indicator_quotes_the_second_row():
    rows = [HEADER,
            ["产出指标", "履职目标实现", "年度工作目标1实现率", "100%", "100%", "5", "5"],
            ["", "", "年度工作目标2实现率", "100%", "100%", "5", "5"],
            ["", "", "年度工作目标1实现率", "100%", "100%", "5", "5"]]
    doc = table_doc(rows)
    findings = check_score_tables(doc)
    assert [(f.rule, f.category, f.severity) for f in findings] == [("duplicate.indicator", "duplicate", "warning")]
    f = findings[0]
    assert f.location.start > doc.text.index("年度工作目标2实现率")
    assert f.quote.startswith("年度工作目标1实现率")


@pytest.mark.parametrize("rows, flagged", [
    # the same name under two first-level indicators, rows apart: may be meant
    ([["产出指标", "质量指标", "资金使用合规性", "合规", "合规", "40", "40"],
      ["产出指标", "时效指标", "按时完成率", "100%", "100%", "20", "20"],
      ["过程指标", "财务管理", "资金使用合规性", "合规", "合规", "40", "40"]], False),
    # neighbouring rows with one name across a level boundary: a row copied, never edited
    ([["效益指标", "社会效益", "困难职工生活改善率", "≥90%", "95%", "50", "50"],
      ["满意度指标", "服务对象满意度", "困难职工生活改善率", "≥90%", "96%", "50", "50"]], True),
    # neighbours with different names
    ([["效益指标", "社会效益", "困难职工生活改善率", "≥90%", "95%", "50", "50"],
      ["满意度指标", "服务对象满意度", "职工满意度", "≥90%", "96%", "50", "50"]], False),
])
def test_same_name_under_two_first_level_indicators(rows, flagged):
    found = [f.rule for f in check_score_tables(table_doc([HEADER] + rows))]
    assert found == (["duplicate.indicator"] if flagged else [])


LONG_A = "围绕职工合法权益的重大问题进行调查研究，向市委、市政府反映职工群众的思想"
LONG_B = "负责工会理论政策研究，为各级工会提供理论政策服务，研究制定工会的组织制度"
STANDARD = "完成目标值得满分，未完成的按完成比例计分，未开展的不得分"


@pytest.mark.parametrize("rows, flagged", [
    ([["职能名称", "任务", "预算数"], [LONG_A, "救助", "0"], [LONG_B, "慰问", "1"], ["3、" + LONG_A, "经费", "2"]], True),
    ([["职能名称", "任务", "预算数"], [LONG_A, "救助", "0"], [LONG_B, "慰问", "1"], ["短", "经费", "2"]], False),
    # the same wording down a column of standards is not a copied row
    ([["指标", "评分标准", "分值"], ["甲指标", STANDARD, "5"], ["乙指标", STANDARD, "5"], ["丙指标", STANDARD, "5"]], False),
    ([["指标", "说明", "分值"], ["甲指标", STANDARD, "5"], ["乙指标", "另一段说明文字，内容各不相同，足够长", "5"],
      ["丙指标", STANDARD, "5"]], False),
])
def test_repeated_long_cells(rows, flagged):
    doc = table_doc(rows)
    findings = check_score_tables(doc)
    assert rules_of(findings) == (["duplicate.table_cell"] if flagged else [])
    if flagged:
        assert findings[0].quote.startswith("3、" + LONG_A[:10])


# --- text exports ---------------------------------------------------------------------------------

SPACE_TABLE = """部门整体绩效自评表

一级指标 二级指标 三级指标 指标值 完成值 分值 得分

投入指标

（20 分）

预算配置

预算编制完整性
完整 完整 10 10

专项资金细化率
100% 100% 10 10

产出指标

（80 分）

重点工作

重点工作 1计划完成率
100% 100% 40 40

重点工作 1计划完成率
100% 100% 40 {score}

总分 100 {total}

注：原则上一级指标分值统一设置为：投入指标 20 分、产出指标 80 分。
"""


def test_space_separated_table_from_text():
    doc = doc_from_text(SPACE_TABLE.format(score="40", total="100"))
    findings = check_score_tables(doc)
    assert rules_of(findings) == ["duplicate.indicator"]
    assert findings[0].quote.startswith("重点工作 1计划完成率")
    assert findings[0].location.start > doc.text.index("重点工作 1计划完成率") + 5


def test_space_separated_table_wrong_total():
    doc = doc_from_text(SPACE_TABLE.format(score="38", total="100"))
    rules = rules_of(check_score_tables(doc))
    assert rules == ["duplicate.indicator", "score.total"]


TAB_TABLE = """（一）履职完成情况
\t二级指标
\t三级指标
\t权重
\t目标值
\t业绩值
\t得分

\t数量
\t培训人数
\t6
\t>=100人
\t100人
\t6

\t
\t培训场次
\t4
\t>=5次
\t4次
\t{score}

综合评价：总得分{total}分，属于"{grade}"。
"""


@pytest.mark.parametrize("score, total, grade, rules", [
    ("3.2", "9.2", "差", []),
    ("4", "10", "差", ["score.full_on_unmet"]),
    ("3.2", "9.5", "差", []),      # weights sum to 10, not 100: the text total is not this table's
])
def test_tab_indented_table_from_text(score, total, grade, rules):
    assert rules_of(check_score_tables(doc_from_text(TAB_TABLE.format(score=score, total=total, grade=grade)))) == rules


def test_indicator_table_without_scores_is_not_checked():
    rows = [["序号", "一级指标", "二级指标", "三级指标", "指标值"],
            ["1", "产出指标", "数量指标", "工会组建率", "≥90%"],
            ["2", "", "质量指标", "培训合格率", "≥90%"]]
    assert score_tables(table_doc(rows)) == []
    assert check_score_tables(table_doc(rows)) == []


# --- the samples, and corrected copies ------------------------------------------------------------

def sample(stem):
    return next(SAMPLES.glob(f"{stem}_*.txt"))


def test_sample_000_duplicated_goal_and_consistent_totals():
    doc = load(sample("000"))
    findings = check_score_tables(doc)
    assert [(f.rule, f.category) for f in findings] == [("duplicate.indicator", "duplicate")]
    assert findings[0].quote.startswith("年度工作目标 3实现率")
    assert findings[0].location.start > doc.text.index("年度工作目标 4实现率")
    table = score_tables(doc)[0]
    assert len(table.indicators) == 31 and table.total.score.text == "97"


def test_sample_003_duplicated_duty_and_cost_rows():
    findings = check_score_tables(load(sample("003")))
    rules = {f.rule: f for f in findings}
    assert set(rules) == {"duplicate.table_cell", "score.formula"}
    assert rules["duplicate.table_cell"].quote.startswith("3、围绕职工合法权益")
    assert rules["score.formula"].severity == "warning" and "1163.13" in rules["score.formula"].detail


@pytest.mark.parametrize("stem", ["001", "002", "004"])
def test_samples_without_score_tables(stem):
    assert check_score_tables(load(sample(stem))) == []


@pytest.mark.parametrize("path", sorted(CORRECTED.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_corrected_copies_have_no_score_findings(path):
    findings = check_score_tables(load(path))
    assert [f for f in findings if f.category in ("score", "duplicate")] == []


@pytest.mark.parametrize("stem, rules", [("000", ["duplicate.indicator"]),
                                         ("003", ["duplicate.table_cell", "score.formula"])])
@pytest.mark.parametrize("ext", ["pdf", "docx"])
def test_renderings_find_the_same(stem, rules, ext):
    path = next(FIXTURES.glob(f"{stem}_*.{ext}"), None)
    if path is None:
        pytest.skip(f"no {ext} rendering of {stem}")
    assert rules_of(check_score_tables(load(path))) == rules


def test_corrected_copies_exist():
    assert len(list(CORRECTED.glob("*.txt"))) == 5
    assert Path(CORRECTED / "README.md").exists()


def project_form(exec_score="8.5", total="98.5"):
    """The national project self-evaluation form: budget execution and indicators in one table."""
    return [
        ["项目名称", "职工培训项目", "", "", "", "", ""],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "100", "100", "85", "10", "85%", exec_score],
        ["其中：当年财政拨款", "100", "100", "85", "—", "85%", "—"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人数", "≥100人", "120人", "50", "50"],
        ["效益指标", "社会效益", "培训合格率", "≥90%", "95%", "30", "30"],
        ["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "92%", "10", "10"],
        ["总分", "", "", "", "", "100", total],
    ]


@pytest.mark.parametrize("exec_score, total, rules", [
    ("8.5", "98.5", []),
    ("10", "100", ["score.execution_rate"]),
    ("8.5", "100", ["score.total"]),
])
def test_project_form_with_two_header_rows(exec_score, total, rules):
    doc = table_doc(project_form(exec_score, total))
    assert rules_of(check_score_tables(doc)) == rules
    assert len(score_tables(doc)[0].indicators) == 4


def test_grade_read_across_a_printed_line_break(tmp_path):
    """A DOCX with one paragraph per printed line: "…得分92.5分，评价" / "等级为“良”。"."""
    import docx

    from reviewer.ingest import load

    body = ("本单位认真开展部门整体支出绩效自评工作，对照年初设定的绩效目标逐项核实完成情况，"
            "收集整理佐证材料，形成自评结论。经综合评价，本单位自评得分92.5分，评价等级为“良”。"
            "下一步将针对发现的问题认真整改，进一步提高财政资金使用效益和预算绩效管理水平。") * 2
    width = 24
    document = docx.Document()
    document.add_paragraph("某县水务局2023年度部门整体支出绩效自评报告")
    for i in range(0, len(body), width):
        document.add_paragraph(body[i:i + width])
    path = tmp_path / "lines.docx"
    document.save(path)
    grades = [f for f in check_score_tables(load(path)) if f.rule == "score.grade"]
    assert grades and grades[0].expected == "优" and grades[0].stated == "良"


def _two_project_doc(sentence: str):
    b = DocumentBuilder("inline.docx", "docx")
    for name, score in (("城乡低保资金", "96.55"), ("特困供养资金", "89.32")):
        b.add_paragraph(f"{name}项目绩效自评表")
        b.add_table([HEADER,
                     ["产出指标", "数量指标", "保障人数", "≥1000人", "1020人", "50", "50"],
                     ["效益指标", "社会效益指标", "应保尽保率", "100%", "100%", "50", str(float(score) - 50)],
                     ["总分", "", "", "", "", "100", score]])
    b.add_paragraph(sentence)
    doc = b.build()
    doc.sections = build_sections(doc)
    return doc


@pytest.mark.parametrize("sentence, flagged", [
    ("经自评，城乡低保资金项目自评得分96.55分，特困供养资金项目自评得分89.32分。", []),
    ("经自评，城乡低保资金项目自评得分95.55分，特困供养资金项目自评得分89.32分。", ["城乡低保资金项目自评得分95.55分"]),
    # a name no single form carries is not judged
    ("经自评，民政资金项目自评得分80分。", []),
])
def test_each_project_score_against_its_own_form(sentence, flagged):
    found = [f.quote for f in check_score_tables(_two_project_doc(sentence)) if f.rule == "score.project_total"]
    assert found == flagged


LEVEL1_ROWS = [HEADER,
               ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "30", "30"],
               ["", "质量指标", "培训合格率", "≥90%", "95%", "20", "18"],
               ["效益指标", "社会效益指标", "就业率", "≥60%", "65%", "40", "40"],
               ["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "93%", "10", "10"],
               ["总分", "", "", "", "", "100", "98"]]


@pytest.mark.parametrize("sentence, flagged", [
    ("其中产出指标得分48分，效益指标得分40分，满意度指标得分10分。", []),
    ("其中产出指标满分50分，得49分；效益指标得40分。", ["产出指标满分50分，得49分"]),
    # a first-level name no group of the form carries is not judged
    ("其中决策指标得分15分。", []),
])
def test_first_level_scores_stated_in_the_text(sentence, flagged):
    doc = table_doc(LEVEL1_ROWS, after=(sentence,))
    assert [f.quote for f in check_score_tables(doc) if f.rule == "score.level1_text"] == flagged
