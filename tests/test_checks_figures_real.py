"""Pre-pass checks that real reports needed: staffing identities, targets against actual
values, units a per-head standard contradicts, 自评表 facts that survive flattening, and
shares listed under a stated whole. Valid cases must stay quiet; invalid ones must report
rule R at quote Q. Units, sectors and wording differ from the real files on purpose."""
from __future__ import annotations

import pytest

from reviewer.checks.indicators import check_indicators
from reviewer.checks.shares import check_shares
from reviewer.checks.staffing import check_staffing
from reviewer.checks.targets import check_targets
from reviewer.checks.units import check_units
from reviewer.figures import FigureIndex

from .helpers import doc_from_text


def run(check, text):
    doc = doc_from_text(text)
    return check(doc, FigureIndex(doc))


def rules_and_quotes(findings):
    return sorted((f.rule, f.quote) for f in findings)


STAFFING_VALID = [
    # the bracket after the total is its breakdown; retirees after it are counted apart
    "本年实有人数106人（其中：财政拨款在职人员104人，自收自支事业人员2人），退休人员30人。",
    # 编制 counts posts: retirees hold none, so 在职 + 离退休 is no sum of it
    "我局实有编制数63人，2021年末在职人数57人、离退休人数94人。",
    "年末实有人员48人，其中在职人员30人，离休2人，退休16人。",
    "2025年末实有人数20人，在职7人，退休13人。",
    "实有人员20人，其中在职15人，离退休5人（离休1人，退休4人）。",
    "核定行政编制5名，实有行政编制人员6人，超编1人，系机构改革划转人员。",
    "编制10人，实有在职8人，退休3人。",  # 实有在职 is itself a part
    "行政编制8个，事业编制4个，实有行政编制人员7人，事业编制人员4人。",
    "本单位实有人数36人，在岗人数为30人。",  # one part only: no identity to check
]
STAFFING_INVALID = [
    ("2025年末实有人数21人，在职7人，退休13人。", "arithmetic.headcount", "2025年末实有人数21人，在职7人，退休13人"),
    ("年末实有人员49人，其中在职人员30人，离休2人，退休16人。", "arithmetic.headcount", "年末实有人员49人，其中在职人员30人，离休2人，退休16人"),
    ("实有人员20人，其中在职15人，离退休6人（离休1人，退休5人）。", "arithmetic.headcount", "实有人员20人，其中在职15人，离退休6人"),
    ("局机关行政编制 2 个，事业编制 3 个，实有行政编制人员 4 人。", "inconsistency.staffing", "实有行政编制人员 4 人"),
]


@pytest.mark.parametrize("text", STAFFING_VALID)
def test_staffing_valid(text):
    assert run(check_staffing, text) == []


@pytest.mark.parametrize("text,rule,quote", STAFFING_INVALID)
def test_staffing_invalid(text, rule, quote):
    assert rules_and_quotes(run(check_staffing, text)) == [(rule, quote)]


TARGETS_VALID = [
    "各项目标均已完成。培训人次指标值为不低于200人次，实际完成230人次。",
    "成本指标：单位造价年初指标值≤50万元，实际48万元。项目已全部完成。",
    "亩均补助标准指标值为不低于300元，实际完成280元，主要原因是部分农户退出项目。",
    "目标值95%，实际完成98%。",
    "新建监控点位计划80个，实际建成72个，其余8个点位因道路改造施工顺延至次年。",
    "改造管网计划20公里，实际完成18公里，系汛期停工所致。",
    # a saved page cut before the next part: the reason may be in what was cut off
    "（1）产出指标。\n数量指标：飞行时长≥928小时，实际飞行时长909.93小时。\n质量指标：合格率≥80%，实际完",
]
TARGETS_INVALID = [
    # cut short too, but the next part had begun: the reason was not in this one
    ("（1）产出指标。\n数量指标：飞行时长≥928小时，实际飞行时长909.93小时。\n二、存在的问题\n宣传不够，群",
     [("claim.unmet_no_reason", "飞行时长≥928小时，实际飞行时长909.93小时")]),
    ("项目总体已按计划完成。\n建设道路指标值不低于12公里，实际完成值10公里。",
     [("claim.unmet_no_reason", "建设道路指标值不低于12公里，实际完成值10公里"),
      ("claim.unmet_target", "项目总体已按计划完成。")]),
    ("病床使用率目标值85%，实际完成80%。",
     [("claim.unmet_no_reason", "病床使用率目标值85%，实际完成80%")]),
    ("运维成本指标值≤30万元，实际支出36万元。",
     [("claim.unmet_no_reason", "运维成本指标值≤30万元，实际支出36万元")]),
]


@pytest.mark.parametrize("text", TARGETS_VALID)
def test_targets_valid(text):
    assert run(check_targets, text) == []


@pytest.mark.parametrize("text,expected", TARGETS_INVALID)
def test_targets_invalid(text, expected):
    assert rules_and_quotes(run(check_targets, text)) == sorted(expected)


UNITS_VALID = [
    "巡查频次不少于12次/年，完成时间2021/12月。",  # a rate with its unit; a date
    "培训工作按季度开展，累计4/年度计划完成。",
    # the total has its unit; parts in two units say nothing about a lost one
    "棚户区改造开工1980套（其中，城镇棚户区1825套，国有工矿棚户区155套）。",
    "完成任务2（其中，改造120套，资金300万元）。",
    "慰问困难职工50人，每人500元，共计慰问资金2.5万元。",
    "补贴标准260元/辆，共发放164辆，补贴资金4.26万元。",
    "计划于2023/12/31前完成，覆盖比例为1/3。",
    "救助标准300元/人，救助对象120人，救助资金36000元。",
    "硬化村级道路12.6公里，完成投资549.36万元，每公里造价43.60万元。",
    "改造农村危房36户，补助资金72万元，户均补助2万元。",
]
UNITS_INVALID = [
    ("慰问退役军人80户，标准500元/户，慰问资金4元。", [("unit.per_head", "4元")]),
    ("救助对象120人，救助标准300元/人，救助资金36000万元。", [("unit.per_head", "36000万元")]),
    ("每户补助标准600/户，覆盖农户150户。", [("unit.missing", "600/户")]),
    ("采用每人不超过500/年标准进行救助。", [("unit.missing", "500/年")]),
    # a standard that is its paragraph's amount ÷ count, 10⁴ off
    ("硬化村级道路12.6公里，完成投资549.36万元，每公里造价43.60元。", [("unit.per_head", "43.60元")]),
    # a total right before its breakdown, whose parts carry the unit it left out
    ("棚户区改造开工1980（其中，城镇棚户区1825套，国有工矿棚户区155套），基本建成998套。", [("unit.missing", "1980")]),
    ("下达补助资金300（含省级配套120万元）。", [("unit.missing", "300")]),
]


@pytest.mark.parametrize("text", UNITS_VALID)
def test_units_valid(text):
    assert run(check_units, text) == []


@pytest.mark.parametrize("text,expected", UNITS_INVALID)
def test_units_invalid(text, expected):
    assert rules_and_quotes(run(check_units, text)) == expected


def test_per_head_unit_finding_shows_its_arithmetic():
    [f] = run(check_units, "慰问退役军人80户，标准500元/户，慰问资金4元。")
    assert "80户 × 500元/户 = 40000元" in f.detail and f.expected == "4万元"


FLAT_FORM = ("绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标(60分)数量指标"
             "新建护林站20≥3个≥3个20巡护里程20≥1200公里≥1200公里20质量指标验收合格率20100%100%20"
             "效益指标(40分)生态效益森林覆盖率提升40≥0.5%≥0.5%40总分100100"
             "注:一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分。")


def test_flattened_form_actuals_copying_targets():
    findings = check_indicators(doc_from_text(FLAT_FORM))
    copied = [f for f in findings if f.rule == "score.actual_copies_target"]
    # Quoted at the first copied cell, whether the form was recovered as a table or not.
    assert len(copied) == 1 and copied[0].quote.startswith("≥3个") and "3项" in copied[0].detail


def test_flattened_form_weights_against_its_note():
    from reviewer.checks import run_prepass

    # Judged on the recovered table when layout recovers one, on the running text otherwise.
    found = [f for f in run_prepass(doc_from_text(FLAT_FORM)) if f.rule.startswith("score.level1_weight")]
    assert len(found) == 1
    assert found[0].quote.startswith("产出指标") and found[0].expected == "50分" and found[0].category == "score"


@pytest.mark.parametrize("text", [
    "产出指标(50分)数量指标完成率20≥95%98%20效益指标(30分)注:一级指标分值统一设置为:产出指标50分、效益指标30分。",
    "完成值≥95%，指标值≥95%。",  # one copy is not a pattern
])
def test_indicators_valid(text):
    assert check_indicators(doc_from_text(text)) == []


SHARES_UNDER_WHOLE_VALID = [
    "一般公共预算财政拨款支出850.40万元，主要用于以下方面：教育支出（类）612.30万元，占72.00%；"
    "卫生健康支出（类）238.10万元，占28.00%。",
    "本年收入合计1200.00万元，其中：财政拨款收入1180.00万元，占98.33%；其他收入20.00万元，占1.67%。",
]


@pytest.mark.parametrize("text", SHARES_UNDER_WHOLE_VALID)
def test_shares_under_whole_valid(text):
    assert run(check_shares, text) == []


def test_share_under_whole_invalid():
    text = ("一般公共预算财政拨款支出850.40万元，主要用于以下方面：教育支出（类）612.30万元，占73.10%；"
            "卫生健康支出（类）238.10万元，占28.00%。")
    [f] = run(check_shares, text)
    assert f.rule == "ratio.share" and f.expected == "72.00%" and f.quote.startswith("612.30万元")


RATES_OPEN_VALID = [
    "下达项目资金120万元，已拨付资金90万元，资金拨付进度75%。",
    "年初预算100万元，实际支付96万元，资金支付率96%。",
    "项目资金100万元，支出90万元，工作任务完成率100%。",  # not a money rate
    "安排资金50万元，支出45万元，参训人员覆盖率80%。",
    # the rate's own sentence takes another denominator (申领), an earlier one the budget
    "全年预算500.00万元，实际支出413.00万元。受理补贴申领391.20万元，已兑付补贴资金372.50万元，补贴兑付率95.22%。",
]
RATES_OPEN_INVALID = [
    ("下达项目资金120万元，已拨付资金90万元，资金拨付进度80%。", "资金拨付进度80%", "75.00%"),
    ("下达资金100万元，发放补贴资金95万元，补贴发放率90%。", "补贴发放率90%", "95.00%"),
    ("全年预算500.00万元，实际支出413.00万元。受理补贴申领391.20万元，已兑付补贴资金372.50万元，补贴兑付率89.11%。",
     "补贴兑付率89.11%", "95.22%"),
    ("项目全年预算900.00万元。截至年底，累计拨付资金846.00万元，资金拨付进度90.40%。", "资金拨付进度90.40%", "94.00%"),
]


@pytest.mark.parametrize("text", RATES_OPEN_VALID)
def test_open_money_rates_valid(text):
    from reviewer.checks.rates import check_rates

    assert run(check_rates, text) == []


@pytest.mark.parametrize("text,quote,expected", RATES_OPEN_INVALID)
def test_open_money_rates_invalid(text, quote, expected):
    from reviewer.checks.rates import check_rates

    [f] = run(check_rates, text)
    assert (f.rule, f.quote, f.expected) == ("ratio.rate", quote, expected)


UNIT_TWINS_VALID = [
    "项目资金17.26万元。人均补助17.26元。",  # different items
    "项目资金17.26万元，已支付项目资金17.26万元。",
]


@pytest.mark.parametrize("text", UNIT_TWINS_VALID)
def test_unit_twins_valid(text):
    from reviewer.checks.mentions import check_mentions

    doc = doc_from_text(text)
    assert check_mentions(doc, FigureIndex(doc), None) == []


def test_unit_twin_reported_outside_the_usual_unit():
    from reviewer.checks.mentions import check_mentions

    doc = doc_from_text("设备购置资金45.80万元，年初预算50万元，基本支出30万元。年末设备购置资金45.80元全部支付。")
    [f] = check_mentions(doc, FigureIndex(doc), None)
    assert (f.rule, f.category, f.stated, f.expected) == ("unit.cross_mention", "unit", "45.80元", "45.80万元")


FUNDS_VALID = [
    "资金情况(万元) 全年预算数(A) 全年执行数(B) 860.50 845.20 其中:中央财政资金 500.00 500.00 "
    "省级财政资金 260.50 250.20 县级财政资金 100.00 95.00 年度资金总额",
    # 12 sources rounded to 0.01 may drift by up to 0.06 in all
    "全年预算数 全年执行数 120.04 120.04 其中: " + " ".join(f"来源{i} 10.003 10.003" for i in range(12))
    + " 资金总额",
    "预算数 执行数 100 90 合计",  # no 其中 sources: nothing to add up
]
FUNDS_INVALID = [
    ("资金情况(万元) 全年预算数(A) 全年执行数(B) 860.50 845.20 其中:中央财政资金 500.00 500.00 "
     "省级财政资金 260.50 250.20 县级财政资金 100.10 95.00 年度资金总额", "860.50", "860.60"),
    ("全年预算数（A） 全年执行数（B） 300.00 280.00 其中：财政拨款 200.00 190.00 其他资金 (含上年 结转) 100.00 "
     "80.00 年度资金总额", "280.00", "270.00"),
]


@pytest.mark.parametrize("text", FUNDS_VALID)
def test_funds_text_valid(text):
    from reviewer.checks.funds_text import check_funds_text

    assert check_funds_text(doc_from_text(text)) == []


@pytest.mark.parametrize("text,quote,expected", FUNDS_INVALID)
def test_funds_text_invalid(text, quote, expected):
    from reviewer.checks.funds_text import check_funds_text

    [f] = check_funds_text(doc_from_text(text))
    assert (f.rule, f.quote, f.expected) == ("arithmetic.funds_sources", quote, expected)


def test_small_yuan_amount_twinned_with_a_wan_amount_under_another_name():
    from reviewer.checks.mentions import check_mentions

    doc = doc_from_text("全年一般公共预算支出为126.35万元，基本支出98.20万元，项目支出28.15万元。"
                        "财政拨款收入126.35元，全部用于本部门支出。")
    [f] = check_mentions(doc, FigureIndex(doc), None)
    assert (f.rule, f.stated, f.expected, f.severity) == ("unit.cross_mention", "126.35元", "126.35万元", "warning")


EXCESS_VALID = [
    # a sub-item named beside its parent (its name ends otherwise)
    "本年收入220.80万元，其中：一般公共服务收入165.78万元、一般行政管理事务6.2万元、社会保障收入55.02万元。",
    # nesting: one part is the sum of two others
    "基本支出100.00万元，其中：人员经费80.00万元，工资福利支出60.00万元，公用经费20.00万元。",
    # rounding of three parts
    "采购总额为251.25万元，其中：货物采购金额4.79万元、工程采购金额0万元、服务采购金额246.47万元。",
]


@pytest.mark.parametrize("text", EXCESS_VALID)
def test_breakdown_excess_valid(text):
    from reviewer.checks.sums import check_sums

    assert run(check_sums, text) == []


def test_breakdown_same_level_excess_is_reported():
    from reviewer.checks.sums import check_sums

    text = "2023年总支出850.00万元，其中：教育支出600.00万元、卫生健康支出200.00万元、住房保障支出100.00万元。"
    [f] = run(check_sums, text)
    assert f.rule == "arithmetic.breakdown" and "900.00万元" in f.detail


def test_part_above_its_whole_under_qizhong():
    from reviewer.checks.sums import check_sums

    text = "2023年收入合计8650.40万元，其中：财政拨款收入9041.08万元，其他收入80.00万元。"
    found = run(check_sums, text)
    assert [f.rule for f in found] == ["arithmetic.part_exceeds_whole"] and found[0].stated == "9041.08万元"


def test_actual_attained_is_not_a_comparator():
    """"实际达到83.5%" states the actual; it is not an "at least" target."""
    text = "项目总体已按计划完成。\n政策知晓率指标值不低于90%，实际达到83.5%。"
    rules = sorted(f.rule for f in run(check_targets, text))
    assert rules == ["claim.unmet_no_reason", "claim.unmet_target"]


def test_one_copied_completion_cell_in_a_table_is_enough(tmp_path):
    import docx

    from reviewer.ingest import load

    document = docx.Document()
    document.add_paragraph("某县人社局2023年度项目支出绩效自评表")
    table = document.add_table(rows=0, cols=7)
    rows = [["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"],
            ["产出指标", "数量指标", "培训人数", "≥40名", "≥40名", "20", "20"],
            ["产出指标", "质量指标", "结业率", "≥90%", "96%", "20", "20"]]
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    path = tmp_path / "form.docx"
    document.save(path)
    [f] = [f for f in check_indicators(load(path)) if f.rule == "score.actual_copies_target"]
    assert f.quote == "≥40名" and "1项" in f.detail
