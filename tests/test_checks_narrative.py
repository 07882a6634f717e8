"""Pre-pass rules on narrative figures, as tables of valid (no finding) and invalid cases."""
from __future__ import annotations

import pytest

from reviewer.checks.changes import check_changes
from reviewer.checks.mentions import check_mentions
from reviewer.checks.rates import check_rates
from reviewer.checks.shares import check_shares
from reviewer.checks.sums import check_sums
from reviewer.figures import FigureIndex

from .helpers import doc_from_text


def run(check, text, **kw):
    doc = doc_from_text(text)
    return check(doc, FigureIndex(doc), **kw)


SHARES_VALID = [
    "2020年总收入为220.80万元，其中：一般公共服务收入165.78万元占75%。",
    "2020年总收入为220.80万元，其中：一般公共服务收入165.78万元占75.08%。",
    "2020年总收入为220.80万元，其中：一般公共服务收入165.78万元占75.1%。",  # rounded
    "2020年总收入为220.80万元。住房公积金收入11.37万元，占总收入的5.1%。",  # truncated (5.149…)
    "2020年度收入合计219.60万元。其中：财政拨款收入219.60万元，占总收入的100%。",
    "“三公”经费支出1.7万元，国内公务接待费1.7万元，占“三公”经费的100%。",
    "项目资金26.6万元，占一般公共预算项目支出总额的100%。",  # base never stated: not judged
    # a list introduced by its own whole (按…分类) is taken of that whole, not of 本年支出合计
    "本年支出合计2890.15万元。\n一般公共预算财政拨款支出2875.03万元，按支出功能分类：教育支出2333.04万元，占81.15%；"
    "住房保障支出151.20万元，占5.26%。",
]
SHARES_INVALID = [
    ("2020年总收入为220.80万元，其中：一般公共服务收入165.78万元占78%。", "75.08%"),
    ("收入决算220.80万元。\n行政运行收入159.58万元，占总收入的0.2%。", "72.27%"),
    ("收入决算220.80万元。\n离退休收入10.72万元，占总支出的0.5%。", "4.86%"),  # wrong base named
    ("2020年度支出合计219.60万元，基本支出214.48万元，占总支出的98.6％。", "97.67%"),
    # a share that names a budget as its base, and a base named with its 数
    ("全年预算350.00万元，其中：本年财政拨款330.00万元，占全年预算的88.04%。", "94.29%"),
    ("项目全年执行331.80万元。其中：运维服务费285.48万元，占全年执行数的90.50%。", "86.04%"),
    ("本年支出合计2890.15万元。\n一般公共预算财政拨款支出2875.03万元，按支出功能分类：教育支出2333.04万元，占85.00%。",
     "81.15%"),
]


@pytest.mark.parametrize("text", SHARES_VALID)
def test_share_valid(text):
    assert run(check_shares, text) == []


@pytest.mark.parametrize("text,expected", SHARES_INVALID)
def test_share_invalid(text, expected):
    [f] = run(check_shares, text)
    assert (f.category, f.rule, f.expected) == ("ratio", "ratio.share", expected)
    assert f.quote.endswith("%") or f.quote.endswith("％")
    assert "÷" in f.detail


def test_share_one_unit_off_in_last_digit_is_a_warning():
    [f] = run(check_shares, "2020年总收入为220.80万元，其中：一般公共服务收入165.78万元占76%。")
    assert f.severity == "warning"


RATES_VALID = [
    # a part's rate from the part's budget (its budget listed after 其中 under the budget)
    "调整预算为3218.60万元，其中基本支出1204.35万元。全年实际支出2972.71万元，其中基本支出1198.62万元。基本支出执行率99.52%。",
    # a part's own rate whose base the report leaves unstated
    "项目预算460.00万元，实际到位444.50万元，资金到位率96.63%。其中县级财政配套资金到位104.50万元，到位率87.08%。",
    # a budget of another scope in the paragraph before: far from the stated rate, not judged
    "部门预算总额5000.00万元。\n项目全年执行300.00万元，预算执行率95%。",
    "全年预算350.00万元。\n项目全年执行331.80万元，预算执行率94.80%。",
    "年初预算安排199.09万元，决算数169.02万元，年度实际支出率达84.9%。",
    "人员经费预算资金141.19万元，调整预算资金141.19万元，到位资金141.19万元，资金执行141.19万元，总体完成率100%。",
    "绩效自评项目共6个，其中评价等级为“优”项目6个，“良”项目0个，评优率为100%。",
    # 发放率 over an amount named for 发放: none is stated, so 下达 is not its numerator
    "下达救助资金111万元，调减40万元，全年实际下达71万元，已全额划转各街道发放，发放率100%。",
]
RATES_INVALID = [
    ("下达救助资金71万元，已划转各街道，实际发放资金68万元，发放率100%。", "95.77%", "error"),
    # full-width digits and a thousands separator read like any other
    ("全年预算１２３．４７万元，全年执行１１９．７２万元，预算执行率９０．９６％。", "96.96%", "error"),
    # the sentence's own amount 10× off (119.72 written 11.97): the rate is still its own
    ("全年预算123.47万元。项目全年执行11.97万元，预算执行率96.96%。", "9.69%", "error"),
    # the budget in the paragraph before, the actual and its rate in the next one
    ("全年预算350.00万元。\n截至年底，项目全年执行331.80万元，预算执行率99.21%。", "94.80%", "error"),
    ("年初预算安排91.92万元，决算数49.9万元，年度实际支出率达54.27%。", "54.29%", "warning"),
    ("年初预算安排91.92万元，决算数49.9万元，年度实际支出率达64.27%。", "54.29%", "error"),
    ("绩效自评项目共6个，其中评价等级为“优”项目5个，“良”项目1个，评优率为100%。", "83.33%", "error"),
]


@pytest.mark.parametrize("text", RATES_VALID)
def test_rate_valid(text):
    assert run(check_rates, text) == []


@pytest.mark.parametrize("text,expected,severity", RATES_INVALID)
def test_rate_invalid(text, expected, severity):
    [f] = run(check_rates, text)
    assert (f.category, f.expected, f.severity) == ("ratio", expected, severity)


CHANGES_VALID = [
    "部门整体支出总计169.02万元。与2020年度决算相比，减少35.28万元，降低17.3%。",
    "本年末资产总额1.37万元，上年末7.5万元，比上年减少6.13万元，下降81.7%。",
    "总收入220.80万元，创业担保贷款贴息0.12万元，比上年226.57万元减少5.77万元。",
    "2020年收入预算213.97万元，收入决算220.80万元。决算与预算相差6.83万元。",
]
CHANGES_INVALID = [
    ("本年末资产总额1.37万元，上年末7.5万元，比上年减少6.13万元，下降94%。", "ratio", "81.7%"),
    ("部门整体支出总计169.02万元。与2020年度决算相比，减少35.28万元，降低27.3%。", "ratio", "17.3%"),
    ("负债合计为0.07万元，比上年末数7.5万元减少7.53万元。", "arithmetic", "7.43万元"),
    ("2020年收入预算213.97万元，收入决算220.80万元。决算与预算相差8.83万元。", "arithmetic", "6.83万元"),
]


@pytest.mark.parametrize("text", CHANGES_VALID)
def test_change_valid(text):
    assert run(check_changes, text) == []


@pytest.mark.parametrize("text,category,expected", CHANGES_INVALID)
def test_change_invalid(text, category, expected):
    [f] = run(check_changes, text)
    assert (f.category, f.expected) == (category, expected)


def test_change_written_in_yuan_that_fits_wanyuan_figures_is_a_unit_slip():
    text = ("2019年支出236.57万元。\n2020年总支出226.73万元，其中工资福利支出为187.47万元。"
            "2020年比2019年减少支出9.84元，主要原因是退休人员增加。")
    [f] = run(check_changes, text)
    assert (f.category, f.rule, f.stated, f.expected) == ("unit", "unit.change", "9.84元", "9.84万元")


SUMS_VALID = [
    "基本支出17.26万元，其中：商品和服务支出6.40万元；对个人和家庭的补助支出10.86万元。",
    "本部门整体支出合计169.02万元，包括基本支出119.12万元，项目支出49.9万元，其他支出0万元。",
    "实际在职人员93人，其中：在编人员82人，其他人员11人。",
    "本年收入3689.06万元，本年支出3282.24万元，使用非财政拨款结余0万元，结余分配42.27万元，年末结转和结余364.55万元。",
    # A sub-item listed beside its parent: parts exceed the total, not judged inline.
    "总收入195.48万元，其中：一般公共服务收入165.78万元、一般行政管理事务6.2万元，社会保障和就业收入29.70万元。",
    # "其中" naming a few notable parts of a count is not a partition.
    "报送信息105条，其中《时代风采》采用4条、《工运》采用2条。",
    # a list closed by 等 names some parts only
    "其中培训演练经费48.52万元，包括讲课费38400.00元、演练耗材费214650.00元等。",
    # parts of a budget, then parts of the spending, and each part's own rate
    "调整预算为3218.60万元，其中基本支出1204.35万元、项目支出2014.25万元。全年实际支出2972.71万元，其中基本支出1198.62万元、"
    "项目支出1774.09万元。基本支出执行率99.52%。",
    # the year's surplus plus an opening carry-over the sentence does not state
    "本年收入合计1858.65万元，本年支出合计1787.51万元，年末结转和结余97.44万元。",
    "项目支出12.25万元，其中：一般公共服务支出12.13万元（经费7.13、办公费5.00万元），农林水支出0.12万元。",
    # The intro lists the parts itself; the numbered items then describe them one by one.
    "因公出国（境）费支出决算0.00万元，占0.00%；公务用车购置及运行维护费支出决算0.00万元，占0.00%；"
    "公务接待费支出决算0.39万元，占100.00%。具体情况如下：\n1、因公出国（境）费支出0.00万元。\n"
    "2、公务用车购置及运行维护费支出0.00万元。其中：\n公务用车购置支出为0.00万元。\n"
    "3、公务接待费支出0.39万元。",
    # The list goes on after a few lines of detail: read short, not short of its total.
    "“三公”经费支出决算1.20万元。具体情况如下：\n1、因公出国（境）费支出0.50万元。\n全年安排团组1个。\n"
    "2、公务用车运行维护费0.30万元。\n车辆保有量2辆。\n3、公务接待费支出0.40万元。",
    # A page saved only up to a length: the list runs into the cut and may go on past it.
    "部门预算项目支出87.5万元，分别是交流经费5万元，评审费18万元，专家工作经费2.5万元，验收经费16万元，科",
    "收入决算220.80万元。\n其中：\n（1）行政运行收入159.58万元。\n（2）住房公积金收入11.37万元。\n（3）医疗收",
]
SUMS_INVALID = [
    # the same shortfalls in a text that ends where its sentence does
    ("部门预算项目支出87.5万元，分别是交流经费5万元，评审费18万元，专家工作经费2.5万元，验收经费16万元。",
     "arithmetic.breakdown", "41.5万元"),
    ("基本支出214.48万元。其中：人员经费支出198.43万元，办公经费支出16.00万元；项目支出5.12万元。", "arithmetic.breakdown", "214.43万元"),
    ("本年收入3689.06万元，本年支出3282.24万元，结余分配42.27万元，年末结转和结余360.55万元。", "arithmetic.balance", "364.55万元"),
    ("收入决算220.80万元。\n其中：\n（1）行政运行收入159.58万元。\n（2）住房公积金收入11.37万元。\n（3）医疗收入8.86万元。",
     "arithmetic.list_total", "179.81万元"),
]


@pytest.mark.parametrize("text", SUMS_VALID)
def test_sum_valid(text):
    assert run(check_sums, text) == []


@pytest.mark.parametrize("text,rule,expected", SUMS_INVALID)
def test_sum_invalid(text, rule, expected):
    [f] = run(check_sums, text)
    assert (f.category, f.rule, f.expected) == ("arithmetic", rule, expected)


MENTIONS_VALID = [
    # parts of the budget after 其中, then the parts actually spent
    "调整预算为3218.60万元，其中基本支出1204.35万元。全年实际支出2972.71万元，其中基本支出1198.62万元。",
    "截至2020年12月31日，资产总额13628.59元。\n本年末资产总额1.37万元。",  # unit conversion rounding
    "“三公”经费支出1.7万元。\n2020年度“三公”经费支出1.7万元。",
    "本年末资产总额1.37万元，上年末资产总额7.5万元。",  # another period
]


@pytest.mark.parametrize("text", MENTIONS_VALID)
def test_mentions_valid(text):
    assert run(check_mentions, text, report_year=2020) == []


def test_mention_off_by_ten_thousand_is_a_unit_slip_at_the_wrong_mention():
    findings = run(check_mentions, "负债总额709.59万元。\n2020年本单位负债合计为0.07万元。", report_year=2020)
    assert [(f.category, f.quote) for f in findings] == [("unit", "负债总额709.59万元")]


def test_mention_with_other_value_is_an_inconsistency():
    [f] = run(check_mentions, "项目支出5.12万元。\n项目支出12.25万元，其中一般公共服务支出12.13万元。", report_year=2020)
    assert (f.category, f.stated, f.expected) == ("inconsistency", "12.25万元", "5.12万元")


@pytest.mark.parametrize("text", [
    "本年支出合计200万元，其中项目支出50万元，占比25%。",
    "本年支出合计200万元，其中项目支出50万元，占本年支出总额的25%。",
    "2021年支出120万元，上年100万元，同比增长20%。",
    "本年收入合计300万元，其中财政拨款200万元，比上年增加50万元，增长20%。",
])
def test_phrasing_variants_valid(text):
    doc = doc_from_text(text)
    index = FigureIndex(doc)
    assert check_shares(doc, index) + check_changes(doc, index) == []


@pytest.mark.parametrize("text,expected", [
    ("本年支出合计200万元，其中项目支出50万元，占比20%。", "25.00%"),
    ("本年支出合计200万元，其中项目支出50万元，占本年支出总额的20%。", "25.00%"),
    ("2021年支出120万元，上年100万元，同比增长25%。", "20.0%"),
])
def test_phrasing_variants_invalid(text, expected):
    doc = doc_from_text(text)
    index = FigureIndex(doc)
    [f] = check_shares(doc, index) + check_changes(doc, index)
    assert f.expected == expected


def test_share_of_a_narrower_named_total_is_not_judged_against_the_whole():
    text = ("本部门整体支出合计169.02万元。其中，一般公共预算项目2个，共涉及资金26.6万元，"
            "占一般公共预算项目支出总额的100%。")
    doc = doc_from_text(text)
    assert check_shares(doc, FigureIndex(doc)) == []


@pytest.mark.parametrize("text, flagged", [
    # the parts, in 万元, add up to the total's number written in 元: the total's unit slipped
    ("完成村卫生室补助471.23元，其中中央补助189.63万元，地方财政补助281.6万元。", True),
    # parts that do not add up to the number: a part above its whole, not a unit slip
    ("完成村卫生室补助47.23元，其中中央补助189.63万元，地方财政补助281.6万元。", False),
])
def test_a_total_in_the_wrong_unit_is_one_unit_finding(text, flagged):
    rules = [f.rule for f in run(check_sums, text)]
    if flagged:
        assert rules == ["unit.total_unit"]
    else:
        assert "unit.total_unit" not in rules and "arithmetic.part_exceeds_whole" in rules
