"""A 自评表 pasted into a report as one paragraph whose cells kept a space between them:
read as a table in TXT and DOCX alike, quiet when its figures agree, and each defect
injected into it found with the rule that names it."""
from __future__ import annotations

import pytest

from .helpers import offline_review

TITLE = "某区水务局2024年度老旧小区雨污分流改造项目支出绩效自评报告"
FORM = ("附件：项目支出绩效自评表（2024年度） 项目名称 老旧小区雨污分流改造 主管部门 某区水务局 "
        "项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分 "
        "年度资金总额 200 240 228 10 95% 9.5 其中：当年财政拨款 200 220 210 - - - 上年结转资金 0 20 18 - - - "
        "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
        "产出指标（50分） 数量指标 改造小区个数 ≥8个 8个 20 20 "
        "质量指标 工程验收合格率 100% 100% 15 15 "
        "时效指标 按期完工率 ≥90% 75% 15 12 两个小区因管线迁改延期 "
        "效益指标（30分） 社会效益指标 雨天积水点减少 ≥10处 12处 30 30 "
        "满意度指标（10分） 满意度指标 居民满意度 ≥85% 88% 10 10 总分 100 96.5")
BODY = ("一、项目基本情况\n本项目全年预算数240万元，全年执行数228万元，预算执行率95%。\n"
        "二、绩效目标完成情况\n项目自评得分96.5分，评价等级为优。\n")

# (defect, the text before, the text after, the rule that must name it)
DEFECTS = [
    ("execution score", "95% 9.5", "95% 8", "score.execution_rate"),  # 10 would fit 228 ÷ 200, capped
    ("total", "总分 100 96.5", "总分 100 98.5", "score.total"),
    ("score over weight", "8个 20 20", "8个 20 22", "score.over_weight"),
    ("table rate", "228 10 95%", "228 10 92%", "ratio.table_rate"),
    ("funds total", "240 228 10", "250 228 10", "arithmetic.funds_total"),
    ("level-1 weight", "产出指标（50分）", "产出指标（60分）", "score.level1_weight"),
    ("unmet without a reason", " 两个小区因管线迁改延期", "", "indicator.unmet_no_reason"),
]
FIGURE_RULES = {d[3] for d in DEFECTS} | {"arithmetic.part_exceeds_whole", "arithmetic.of_which_sum"}


def _write(tmp_path, fmt: str, form: str):
    paragraphs = [TITLE, *BODY.strip().split("\n"), form]
    if fmt == "txt":
        path = tmp_path / "report.txt"
        path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        return path
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "report.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_clean_flattened_form_gives_no_figure_findings(tmp_path, fmt):
    review = offline_review(_write(tmp_path, fmt, FORM))
    assert [f.rule for f in review.findings if f.rule in FIGURE_RULES] == []


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("name, before, after, rule", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_defect_in_flattened_form_is_found(tmp_path, fmt, name, before, after, rule):
    assert FORM.count(before) == 1
    review = offline_review(_write(tmp_path, fmt, FORM.replace(before, after)))
    assert rule in {f.rule for f in review.findings}


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_whole_row_left_at_zero_is_one_finding(tmp_path, fmt):
    form = FORM.replace("年度资金总额 200 240 228 10 95% 9.5", "年度资金总额 0 0 0 10 0 0")
    review = offline_review(_write(tmp_path, fmt, form))
    found = [f for f in review.findings if f.rule == "arithmetic.part_exceeds_whole"]
    assert len(found) == 1 and "疑似未填写" in found[0].detail


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("closed, flagged", [(False, False), (True, True)])
def test_the_last_group_of_a_form_cut_short_is_not_judged(tmp_path, fmt, closed, flagged):
    """A page saved only so far stops inside the form: its last first-level group may miss
    rows, so its weight is judged only when a total row shows the form ends there."""
    cut = FORM[:FORM.index("满意度指标（10分）")].replace("12处 30 30", "12处 20 20")
    form = cut + ("总分 90 86.5" if closed else "")
    review = offline_review(_write(tmp_path, fmt, form))
    assert ("score.level1_weight" in {f.rule for f in review.findings}) is flagged
