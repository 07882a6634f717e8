"""The remaining 自评表 checks of issue 11: unmeasurable indicators, missing indicator types,
score arithmetic (totals above the maximum, form weights, deductions on met targets, the
execution-rate score from the funds block's own figures) and timeliness contradictions.

Every case is a real file read back through `reviewer.ingest.load`: a Word table written
with python-docx, and the same table as a text export with one tab-indented cell per line
(rows apart by blank lines). One rule is also shown on a PDF printed by LibreOffice."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from reviewer.checks.indicator_quality import check_indicator_quality
from reviewer.ingest import load
from .helpers import quoted_cell

TITLE = "某县文化旅游局2023年度项目支出绩效自评表"
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
FILLER = ["产出指标", "质量指标", "验收合格率", "≥95%", "98%", "10", "10", ""]
FORMATS = ["docx", "txt"]


def write(tmp_path, fmt, tables, before=(TITLE,), between=(), after=()):
    """A report with paragraphs and tables (each a list of rows) in the given format."""
    path = tmp_path / f"form.{fmt}"
    if fmt == "docx":
        import docx

        document = docx.Document()
        for p in before:
            document.add_paragraph(p)
        for i, rows in enumerate(tables):
            if i:
                for p in between:
                    document.add_paragraph(p)
            width = max(len(r) for r in rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"  # ruled, as real forms are: a PDF printed from it keeps its grid
            for values in rows:
                for cell, value in zip(table.add_row().cells, values):
                    cell.text = value
        for p in after:
            document.add_paragraph(p)
        document.save(path)
        return path
    parts = list(before)
    for i, rows in enumerate(tables):
        if i:
            parts += list(between)
        parts.append("\n\n".join("\n".join(f"\t{v}" for v in row) for row in rows))
    parts += list(after)
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def review(path, rules=None):
    found = check_indicator_quality(load(path))
    return [(f.rule, f.severity, quoted_cell(f)) for f in found if rules is None or f.rule in rules]


# --- rows: 不具考核性 and deductions on met targets ---------------------------------------------

ROW_RULES = {"indicator.unmeasurable_target", "indicator.unmeasured_actual", "score.deduction_on_met",
             "indicator.unmet_no_reason"}

VALID_ROWS = [
    ["效益指标", "社会效益指标", "群众文化参与率明显提高", "≥60%", "70%", "10", "10", ""],  # a rate: measurable
    ["效益指标", "社会效益指标", "群众生活条件明显改善", "明显改善", "明显改善", "10", "10", ""],  # qualitative both
    ["产出指标", "质量指标", "制度完善程度", "完善", "达成预期指标", "10", "9", "部分制度尚在修订"],
    ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "10", "8", "培训质量抽查不合格，扣2分"],
    ["产出指标", "质量指标", "培训合格率", "≥90%", "95%", "10", "9.5", ""],  # rate × weight
    ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "10", "10", ""],
]
INVALID_ROWS = [
    (["效益指标", "社会效益指标", "群众生活条件明显改善", "≥95%", "96%", "10", "10", ""],
     "indicator.unmeasurable_target", "≥95%"),
    (["效益指标", "社会效益指标", "文化惠民效果明显", "100%", "100%", "10", "10", ""],
     "indicator.unmeasurable_target", "100%"),
    (["产出指标", "数量指标", "培训人次", "≥500人次", "达成预期指标", "10", "10", ""],
     "indicator.unmeasured_actual", "达成预期指标"),
    (["产出指标", "质量指标", "设施完好率", "100%", "已完成", "10", "10", ""],
     "indicator.unmeasured_actual", "已完成"),
    (["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "10", "8", ""],
     "score.deduction_on_met", "8"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("row", VALID_ROWS)
def test_valid_rows_stay_quiet(tmp_path, fmt, row):
    assert review(write(tmp_path, fmt, [[HEADER, FILLER, row]]), ROW_RULES) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("row,rule,quote", INVALID_ROWS)
def test_invalid_rows_report(tmp_path, fmt, row, rule, quote):
    assert review(write(tmp_path, fmt, [[HEADER, FILLER, row]]), ROW_RULES) == [(rule, "warning", quote)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("row, flagged", [
    (["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "10", "8"], True),
    # satisfaction is scored on bands of its own (90–95% → part of the weight)
    (["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "93%", "10", "8"], False),
    (["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "95%", "7.5", "7"], False),  # 95% × 7.5
])
def test_deduction_on_met_without_a_reason_column(tmp_path, fmt, row, flagged):
    header = HEADER[:-1]
    found = review(write(tmp_path, fmt, [[header, FILLER[:-1], row]]), {"score.deduction_on_met"})
    assert found == ([("score.deduction_on_met", "warning", row[-1])] if flagged else [])


# --- missing indicator types ------------------------------------------------------------------

FUNDS_HEADER = ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""]
OUTPUT = ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "30", "30", ""]
COST = ["产出指标", "成本指标", "人均培训成本", "≤300元", "280元", "10", "10", ""]
QUALITY = ["产出指标", "质量指标", "培训合格率", "≥90%", "95%", "10", "10", ""]
BENEFIT = ["效益指标", "社会效益指标", "参训人员就业率", "≥60%", "65%", "30", "30", ""]
SATISFACTION = ["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "93%", "10", "10", ""]
NOTE = "注：一级指标分值统一设置为：产出指标50分、效益指标30分、满意度指标10分、预算执行率10分。"


def project_form(indicators, total="100", funds_score="10", rate="100%"):
    return [FUNDS_HEADER,
            ["年度资金总额", "50", "50", "50", "10", rate, funds_score, ""],
            HEADER] + indicators + [["总分", "", "", "", "", total, total, ""]]


def weights_of(rows):
    return str(10 + sum(int(r[5]) for r in rows))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows, after, expected", [
    ([OUTPUT, COST, QUALITY, BENEFIT, SATISFACTION], (), []),
    ([OUTPUT, QUALITY, BENEFIT, SATISFACTION], (), [("成本指标", "info")]),
    ([OUTPUT, COST, QUALITY, BENEFIT], (), [("满意度指标", "warning")]),
    ([OUTPUT, COST, QUALITY, SATISFACTION], (), [("效益指标", "warning")]),
    # the form's own note weighs 满意度: required
    ([OUTPUT, COST, QUALITY, BENEFIT], (NOTE,), [("满意度指标", "warning")]),
])
def test_missing_indicator_types_on_a_complete_form(tmp_path, fmt, rows, after, expected):
    path = write(tmp_path, fmt, [project_form(rows, total=weights_of(rows))], after=after)
    found = [f for f in check_indicator_quality(load(path)) if f.rule == "indicator.missing_type"]
    assert [(f.stated[1:], f.severity) for f in found] == expected
    assert all(f.category == "missing_part" and f.quote.startswith("总分") for f in found)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_truncated_form_is_never_missing_anything(tmp_path, fmt):
    # No total row and weights short of 100: an excerpt, whose cut-off part may hold the rest.
    rows = [HEADER, OUTPUT, QUALITY]
    assert review(write(tmp_path, fmt, [rows]), {"indicator.missing_type"}) == []


# --- score arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("funds_weight, total, flagged", [
    ("10", "90", False),   # 执行率10 + 指标90 = 100
    ("10", "100", True),   # 10 + 100 = 110
    ("", "100", False),    # no funds block: the indicators alone weigh 100
])
def test_form_weights_with_a_separate_funds_block(tmp_path, fmt, funds_weight, total, flagged):
    output = ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", str(int(total) - 40), str(int(total) - 40), ""]
    indicators = [HEADER, output, BENEFIT, SATISFACTION, ["总分", "", "", "", "", total, total, ""]]
    tables = [indicators]
    if funds_weight:
        tables.insert(0, [FUNDS_HEADER[:-1], ["年度资金总额", "50", "50", "50", funds_weight, "100%", funds_weight]])
    found = review(write(tmp_path, fmt, tables, between=("绩效指标完成情况：",)), {"score.form_weights"})
    assert [(r, s) for r, s, _ in found] == ([("score.form_weights", "warning")] if flagged else [])
    assert all(q.startswith("总分") and q.endswith(total) for _, _, q in found)


SPLIT_HEADER = ["二级指标", "三级指标", "权重", "目标值", "业绩值", "得分"]


def split_form(output_weight, benefit_weight, satisfaction_weight, satisfaction_level="满意度"):
    """A department form printed as one table per first-level indicator, no total row."""
    half = output_weight / 2
    return [
        [SPLIT_HEADER, ["数量", "走访服务对象户数", f"{half:g}", "≥300户", "320户", f"{half:g}"],
         ["时效", "完成时间", f"{half:g}", "12月底前", "12月", f"{half:g}"]],
        [SPLIT_HEADER, ["社会效益", "群众获得感", f"{benefit_weight:g}", "提升", "提升", f"{benefit_weight:g}"]],
        [SPLIT_HEADER, [satisfaction_level, "服务对象满意度", f"{satisfaction_weight:g}", "≥90%", "95%",
                        f"{satisfaction_weight:g}"]],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("weights, after, flagged", [
    ((50, 40, 10), (), False),               # a whole form at 100
    ((55, 40, 10), (), True),                # one weight raised: 105
    ((40, 40, 10), (), False),               # 90: execution rate may be weighed elsewhere
    ((100, 80, 20), (), False),              # 200: the same form printed twice, not a finding
    ((55, 40, 10), ("设置加分项5分。",), False),  # a form with bonus points may exceed 100
])
def test_split_form_weights(tmp_path, fmt, weights, after, flagged):
    found = review(write(tmp_path, fmt, split_form(*weights), between=("（二）效益",), after=after),
                   {"score.form_weights"})
    assert [(r, s) for r, s, _ in found] == ([("score.form_weights", "warning")] if flagged else [])
    assert all(q.startswith("二级指标") for _, _, q in found)


@pytest.mark.parametrize("fmt", FORMATS)
def test_split_form_weights_need_the_whole_form(tmp_path, fmt):
    # 产出 and 满意度 only: without a 效益 table this may be an excerpt, whatever the sum.
    tables = split_form(95, 40, 10)
    found = review(write(tmp_path, fmt, [tables[0], tables[2]], between=("（二）满意度",)), {"score.form_weights"})
    assert found == []
    # A row no category names (a 投入 table the form also has) leaves the sum unjudged.
    odd = [SPLIT_HEADER, ["预算编制", "预算编制科学性", "20", "科学", "科学", "20"]]
    found = review(write(tmp_path, fmt, split_form(55, 40, 10) + [odd], between=("（二）",)), {"score.form_weights"})
    assert found == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scores, total, flagged", [
    (["30", "30", "10"], "70", False),
    (["—", "—", "—"], "95", False),    # leaf scores unreadable, total within the weights
    (["—", "—", "—"], "105", True),    # above the rows' weights (and the sum check cannot speak)
])
def test_total_above_the_maximum_the_rows_allow(tmp_path, fmt, scores, total, flagged):
    rows = [HEADER[:-1],
            ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "30", scores[0]],
            ["效益指标", "社会效益指标", "参训人员就业率", "≥60%", "65%", "30", scores[1]],
            ["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "93%", "40", scores[2]],
            ["总分", "", "", "", "", "", total]]
    found = review(write(tmp_path, fmt, [rows]), {"score.total_above_max"})
    assert [(r, s) for r, s, _ in found] == ([("score.total_above_max", "error")] if flagged else [])


@pytest.mark.parametrize("text, flagged", [
    ("经综合评价，本项目自评得分105分，评价等级为优。", True),
    ("经综合评价，本项目自评得分95分，评价等级为优。", False),
    ("本项目设加分项5分。经综合评价，本项目自评得分103分，评价等级为优。", False),
])
def test_text_total_above_the_full_mark(tmp_path, text, flagged):
    path = tmp_path / "report.txt"
    path.write_text(f"{TITLE}\n\n{text}\n", encoding="utf-8")
    found = review(path, {"score.total_above_max"})
    assert [(r, s) for r, s, _ in found] == ([("score.total_above_max", "error")] if flagged else [])
    if flagged:
        assert found[0][2].startswith("自评得分105")


def funds_rows(rate, score, budget=("100", "100"), spent="85", weight="10"):
    return [FUNDS_HEADER[:-1],
            ["年度资金总额", budget[0], budget[1], spent, weight, rate, score],
            ["其中：当年财政拨款", budget[0], budget[1], spent, "—", rate, "—"]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rate, score, budget, spent, expected", [
    ("", "8.5", ("100", "100"), "85", ["score.execution_rate_blank"]),
    ("", "10", ("100", "100"), "85", ["score.execution_rate_blank", "score.execution_rate_figures"]),
    ("85%", "8.5", ("100", "100"), "85", []),
    # either budget may be the denominator: 102 ÷ 120 = 85% → 8.5; 102 ÷ 100 → capped 10
    ("", "8.5", ("100", "120"), "102", ["score.execution_rate_blank"]),
    ("", "10", ("100", "120"), "102", ["score.execution_rate_blank"]),
])
def test_execution_rate_score_from_the_funds_figures(tmp_path, fmt, rate, score, budget, spent, expected):
    path = write(tmp_path, fmt, [funds_rows(rate, score, budget, spent)])
    found = review(path, {"score.execution_rate_blank", "score.execution_rate_figures"})
    assert sorted(r for r, _, _ in found) == expected


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("score, severity", [
    ("8.5", None), ("8", None),          # 8.5 truncated
    ("10", "warning"),                   # one unit off the rounded 9
    ("5", "error"),
])
def test_funds_block_without_a_rate_column(tmp_path, fmt, score, severity):
    rows = [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "得分"],
            ["年度资金总额", "100", "100", "85", "10", score]]
    found = review(write(tmp_path, fmt, [rows]), {"score.execution_rate_figures", "score.execution_rate_blank"})
    assert found == ([("score.execution_rate_figures", severity, score)] if severity else [])


# --- timeliness -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target, actual, score, flagged", [
    ("2023年6月30日前", "2023年9月", "10", True),
    ("2023年6月30日前", "2023年6月", "10", False),   # the same month may be on time
    ("2023年6月30日前", "2023年9月", "6", False),    # late and scored down: no contradiction
    ("2023年底前", "2024年3月15日", "10", True),
    ("2023年1月-2023年12月", "2023年12月", "10", False),  # a range ends at its last date
])
def test_timeliness_row(tmp_path, fmt, target, actual, score, flagged):
    row = ["产出指标", "时效指标", "项目完工时间", target, actual, "10", score, ""]
    found = review(write(tmp_path, fmt, [[HEADER, FILLER, row]]), {"indicator.timeliness"})
    assert found == ([("indicator.timeliness", "warning", actual)] if flagged else [])


@pytest.mark.parametrize("paragraphs, flagged", [
    (["项目原计划于2023年6月底前完工，受汛期影响，实际于2023年9月完工。", "项目按期完成各项建设任务。"], True),
    (["项目原计划于2023年6月底前完工，受汛期影响，实际于2023年9月完工。", "项目未能按期完成建设任务。"], False),
    (["项目原计划于2023年6月底前完工，实际于2023年6月完工。", "项目按期完成各项建设任务。"], False),
    # the self-evaluation after the year is not the project's completion
    (["计划于2023年12月底前完成项目建设，2024年3月完成绩效自评。", "项目按时完成。"], False),
    (["项目原计划于2023年6月底前完工，受汛期影响，实际于2023年9月完工。"], False),  # no claim
    # a milestone list states no delay: the design deadline is not the completion's
    (["2023年3月前完成设计，2023年10月完成项目建设。", "项目按期完成各项建设任务。"], False),
    # an intention is no claim
    (["项目原计划于2023年6月底前完工，受汛期影响，实际于2023年9月完工。", "下一步将督促施工单位确保按期完成。"], False),
    (["项目原定2023年10月前完成，因资金到位滞后，延期至2024年1月完成。", "项目已如期完成。"], True),
])
def test_timeliness_in_the_narrative(tmp_path, paragraphs, flagged):
    path = tmp_path / "report.txt"
    path.write_text("\n\n".join([TITLE] + paragraphs) + "\n", encoding="utf-8")
    found = review(path, {"indicator.timeliness"})
    assert [(r, s) for r, s, _ in found] == ([("indicator.timeliness", "warning")] if flagged else [])
    assert all(q in ("按期完成", "如期完成") for _, _, q in found)


# --- one PDF, printed by LibreOffice ------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_pdf_printed_from_word(tmp_path):
    rows = [HEADER, FILLER,
            ["效益指标", "社会效益指标", "群众生活条件明显改善", "≥95%", "96%", "10", "10", ""],
            ["产出指标", "数量指标", "培训人次", "≥500人次", "达成预期指标", "10", "10", ""]]
    source = write(tmp_path, "docx", [rows])
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    found = review(tmp_path / "form.pdf", ROW_RULES)
    assert ("indicator.unmeasurable_target", "warning", "≥95%") in found
    assert ("indicator.unmeasured_actual", "warning", "达成预期指标") in found


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("total_weight, total_score, flagged", [
    ("100", "99.5", False),   # 总分 counts the funds block above: 10 + 90, 9.5 + 90
    ("90", "90", False),      # 总分 of the indicators alone
    ("100", "98.0", True),    # neither reading adds up
])
def test_total_row_that_counts_the_funds_block(tmp_path, fmt, total_weight, total_score, flagged):
    from reviewer.checks.scoretable import check_score_tables

    output = ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "50", "50", ""]
    indicators = [HEADER, output, BENEFIT, SATISFACTION, ["总分", "", "", "", "", total_weight, total_score, ""]]
    funds = [FUNDS_HEADER[:-1], ["年度资金总额", "50", "50", "47.5", "10", "95%", "9.5"]]
    path = write(tmp_path, fmt, [funds, indicators], between=("绩效指标完成情况：",))
    found = [f.rule for f in check_score_tables(load(path)) if f.rule == "score.total"]
    assert found == (["score.total"] if flagged else [])
