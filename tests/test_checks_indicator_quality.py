"""自评表 quality rules, row by row: each case is one indicator row in a real Word table
(python-docx), read back through the DOCX reader. Valid rows stay quiet; invalid rows
report rule R at the cell quoted."""
from __future__ import annotations

import pytest

from reviewer.checks.indicator_quality import check_indicator_quality
from reviewer.ingest import load
from .helpers import quoted_cell

HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因分析"]
FILLER = [  # a clean row so that every table has more than one indicator
    ["产出指标", "质量指标", "验收合格率", "≥95%", "98%", "10", "10", ""],
]


def review_rows(tmp_path, rows, header=HEADER):
    import docx

    document = docx.Document()
    document.add_paragraph("某县文化旅游局2023年度项目支出绩效自评表")
    table = document.add_table(rows=0, cols=len(header))
    for values in [header] + FILLER + rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
    path = tmp_path / "form.docx"
    document.save(path)
    return check_indicator_quality(load(path))


VALID = [
    ["产出指标", "数量指标", "举办展演场次", "≥20场", "22场", "10", "10", ""],
    ["产出指标", "数量指标", "培训人次", "≥500人次", "450人次", "10", "9", "受疫情影响部分培训延期"],
    ["产出指标", "成本指标", "单场演出成本", "≤2万元", "1.8万元", "10", "10", ""],
    ["效益指标", "社会效益指标", "群众文化参与率", "≥60%", "70%", "10", "10", ""],  # 117%: below 120%
    ["满意度指标", "服务对象满意度", "观众满意度", "≥90%", "93%", "10", "10", ""],
    ["产出指标", "数量指标", "新建书屋", "≥10个", "15个", "10", "10", "新增上级配套资金，扩大建设范围"],
    # one measure written in two units of very different numbers: a real conversion
    ["产出指标", "成本指标", "单场演出成本", "≤20000元", "1.8万元", "10", "10", ""],
]
INVALID = [
    (["产出指标", "数量指标", "培训人次", "≥500人次", "450人次", "10", "9", ""],
     "indicator.unmet_no_reason", "9"),
    (["产出指标", "数量指标", "新建书屋", "≥10个", "15个", "10", "10", ""],
     "indicator.over_completion", "15个"),
    (["产出指标", "成本指标", "单场演出成本", "≥2万元", "2万元", "10", "10", ""],
     "indicator.cost_comparator", "≥2万元"),
    (["产出指标", "数量指标", "预算执行率", "≥90%", "95%", "10", "10", ""],
     "indicator.level_mismatch", "≥90%"),
    (["产出指标", "质量指标", "设施完好率", "≥100百分比", "100百分比", "10", "10", ""],
     "indicator.malformed_target", "≥100百分比"),
    (["产出指标", "质量指标", "设施完好率", "*", "100%", "10", "10", ""],
     "indicator.malformed_target", "*"),
    (["满意度指标", "服务对象满意度", "群众满意度", "≥90%", "未收到投诉", "10", "10", ""],
     "indicator.satisfaction_without_survey", "未收到投诉"),
    (["产出指标", "成本指标", "每公里造价", "≤45万元", "43.60元", "10", "10", ""],
     "indicator.unit_mismatch", "43.60元"),
    (["产出指标", "数量指标", "道路硬化长度", "≥12公里", "12.6米", "10", "10", ""],
     "indicator.unit_mismatch", "12.6米"),
]


@pytest.mark.parametrize("row", VALID)
def test_valid_rows_stay_quiet(tmp_path, row):
    assert check_indicator_quality_rules(review_rows(tmp_path, [row])) == []


@pytest.mark.parametrize("row,rule,quote", INVALID)
def test_invalid_rows_report(tmp_path, row, rule, quote):
    found = check_indicator_quality_rules(review_rows(tmp_path, [row]))
    assert (rule, quote) in found, found


def check_indicator_quality_rules(findings):
    return [(f.rule, quoted_cell(f)) for f in findings if f.rule != "indicator.uniform_full_marks"]


def test_over_completion_severity_follows_the_thresholds(tmp_path):
    row = ["产出指标", "数量指标", "新建书屋", "≥10个", "12个", "10", "10", ""]  # 120%: info
    [f] = review_rows(tmp_path, [row])
    assert f.rule == "indicator.over_completion" and f.severity == "info"


def test_uniform_full_marks_on_a_large_form(tmp_path):
    rows = [["产出指标", "数量指标", f"指标{i}", "≥10个", "10个", "10", "10", ""] for i in range(10)]
    found = [f for f in review_rows(tmp_path, rows) if f.rule == "indicator.uniform_full_marks"]
    assert len(found) == 1 and found[0].severity == "info" and "11项" in found[0].detail


def test_no_reason_column_no_unmet_finding(tmp_path):
    header = HEADER[:-1]
    rows = [["产出指标", "数量指标", "培训人次", "≥500人次", "450人次", "10", "9"]]
    assert [f for f in review_rows(tmp_path, rows, header) if f.rule == "indicator.unmet_no_reason"] == []


COMPLETION_HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "完成率", "分值", "得分"]


@pytest.mark.parametrize("target, actual, rate, flagged", [
    ("≥45类", "42类", "93.33%", False),
    ("≥45类", "42类", "98.33%", True),
    ("≥100人", "120人", "100%", False),    # capped at 100% by the form's rule
    ("≥100人", "120人", "120%", False),
    ("≤3天", "2天", "150%", False),        # a lower-is-better target: definitions differ
])
def test_completion_rate_column(tmp_path, target, actual, rate, flagged):
    row = ["产出指标", "数量指标", "储备品类", target, actual, rate, "10", "10"]
    found = [f.rule for f in review_rows(tmp_path, [row], header=COMPLETION_HEADER) if f.rule == "ratio.completion_rate"]
    assert found == (["ratio.completion_rate"] if flagged else [])
