"""Table checks on the semantic model: each case must stay quiet, or report rule R at quote Q.

Inputs are varied on purpose (元 and 万元, 决算 and 预算 layouts, totals on top and at the
bottom, halves, 类/款/项 columns, single code columns, funds blocks of a 自评表)."""
import pytest

from reviewer.checks.tables import check_tables
from reviewer.checks.text_vs_tables import check_text_against_tables

from .tables.grids import doc_of
from .helpers import quoted_cell

CODE_TABLE = [
    ["科目编码", "", "", "科目名称", "本年支出合计", "基本支出", "项目支出"],
    ["类", "款", "项", "", "", "", ""],
    ["", "", "", "合计", "{total}", "160.40", "40.00"],
    ["205", "", "", "教育支出", "150.40", "120.40", "30.00"],
    ["205", "01", "", "教育管理事务", "{parent}", "120.40", "30.00"],
    ["205", "01", "01", "行政运行", "120.40", "120.40", ""],
    ["205", "01", "02", "一般行政管理事务", "30.00", "", "30.00"],
    ["208", "", "", "社会保障和就业支出", "50.00", "40.00", "10.00"],
    ["208", "05", "", "行政事业单位养老支出", "50.00", "40.00", "10.00"],
    ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "{row}", "40.00", "10.00"],
]


def code_table(total="200.40", parent="150.40", row="50.00"):
    return [[c.format(total=total, parent=parent, row=row) for c in r] for r in CODE_TABLE]


BALANCE = [
    ["收入", "", "支出", ""],
    ["项目", "决算数", "项目", "决算数"],
    ["一、财政拨款收入", "880.00", "一、一般公共服务支出", "700.00"],
    ["二、其他收入", "20.00", "二、住房保障支出", "150.00"],
    ["本年收入合计", "{income}", "本年支出合计", "850.00"],
    ["年初结转和结余", "40.00", "年末结转和结余", "90.00"],
    ["总计", "{grand}", "总计", "{spent}"],
]


def balance(income="900.00", grand="940.00", spent="940.00"):
    return [[c.format(income=income, grand=grand, spent=spent) for c in r] for r in BALANCE]


def funds(total="512.40", sources=("300.00", "112.37", "100.00")):
    return [
        ["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "500.00", total, "480.00", "10", "93.68%", "9.37"],
        ["", "其中：当年财政拨款", "300.00", sources[0], "290.00", "—", "96.67%", "—"],
        ["", "上年结转资金", "100.00", sources[1], "95.00", "—", "84.54%", "—"],
        ["", "其他资金", "100.00", sources[2], "95.00", "—", "95.00%", "—"],
    ]


BUDGET_TABLE = [  # a 预算 table in 元 with the total at the bottom and a rate column
    ["项目名称", "年初预算数", "调整后预算数", "执行数", "执行率"],
    ["办公设备购置", "12000", "15000", "13500", "{rate}"],
    ["培训费", "8000", "8000", "6000", "75.00%"],
    ["合计", "20000", "23000", "{spent}", "channel"],
]


def budget(rate="90.00%", spent="19500"):
    return [[c.format(rate=rate, spent=spent).replace("channel", "84.78%") for c in r] for r in BUDGET_TABLE]


def rounded(parts, total):
    return [["项目", "金额"]] + [[f"{i + 1}、分项{i + 1}", p] for i, p in enumerate(parts)] + [["合计", total]]


QUIET = {
    "consistent code table, total on top": code_table(),
    "double-counted reading of subtotals (Σ everything = 3× total) is not a finding": code_table(),
    "consistent halves with carry-overs": balance(),
    "consistent funds block": funds(total="512.37"),
    "consistent budget table in 元, either budget as denominator": budget(),
    "twelve rounded parts drifting two cents": rounded(["1.01"] * 11 + ["1.00"], "12.12"),
    "template with empty figures": [["项目", "年初结转和结余", "本年收入", "年末结转和结余"], ["合计", "", "", ""]],
    "a bare number under 执行率 in a row short of cells may be the 分值 moved left": [
        ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "880", "880", "880", "10", "10", ""]],
    "a funds row whose whole is stated and parts agree": [
        ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "90", "90", "89.97", "10", "99.97%", "10"], ["其中：财政拨款", "90", "90", "89.97", "", "", ""]],
    "consistent funds block under a header without a label column": [
        ["全年预算数(A)", "全年执行数(B)", "预算执行率(B/A×100%)", ""],
        ["年度资金总额:", "808.1", "692.98", "86%"], ["其中:中央财政资金", "808.1", "692.98", "86%"]],
    "score table totals are left to scoretable": [
        ["一级指标", "三级指标", "分值", "得分"], ["产出", "数量", "50", "40"], ["效益", "社会效益", "50", "45"],
        ["合计", "", "100", "99"]],
}


@pytest.mark.parametrize("grid", QUIET.values(), ids=QUIET.keys())
def test_quiet(grid):
    doc = doc_of("部门决算表", "单位：万元", grid)
    assert check_tables(doc) == []


REPORTS = {
    "wrong total on top": (code_table(total="210.40"), "arithmetic.table_total", "210.40"),
    "wrong parent (款 ≠ Σ 项)": (code_table(parent="160.40"), "arithmetic.table_parent", "160.40"),
    "wrong 合计 column in one row": (code_table(row="55.00"), "arithmetic.table_row_total", "55.00"),
    "本年收入合计 ≠ Σ items": (balance(income="910.00", grand="950.00", spent="950.00"), "arithmetic.table_total", "910.00"),
    "收入总计 ≠ 支出总计": (balance(spent="945.00"), "arithmetic.table_balance", "945.00"),
    "funds total off by three cents": (funds(), "arithmetic.funds_total", "512.40"),
    "a funds source above the total": (funds(total="512.37", sources=("600.00", "112.37", "100.00")),
                                       "arithmetic.part_exceeds_whole", "600.00"),
    "rate ≠ actual ÷ budget": (budget(rate="95.00%"), "ratio.table_rate", "95.00%"),
    # the header's names start one column left of the figures (the label column's header is
    # a merged cell above): the names are moved over the figures they head
    "funds total under a header without a label column": (
        [["全年预算数(A)", "全年执行数(B)", "预算执行率(B/A×100%)", ""],
         ["年度资金总额:", "2000", "1157.97", "57.89%"], ["其中:中央财政资金", "2000", "1157.9", "57.89%"],
         ["地方财政资金", "", "", ""]], "arithmetic.funds_total", "1157.97"),
    "a whole left at 0 under parts with amounts": (
        [["", "年初预算数", "全年预算数", "全年执行数"], ["年度资金总额", "0", "0", "0"],
         ["其中：本年财政拨款", "90", "89.97", "89.97"]], "arithmetic.part_exceeds_whole", "0"),
    "total in 元 off": (budget(spent="19000"), "arithmetic.table_total", "19000"),
    "five rounded parts drifting three cents": (rounded(["1.01"] * 5, "5.02"), "arithmetic.table_total", "5.02"),
}


@pytest.mark.parametrize("grid, rule, quote", REPORTS.values(), ids=REPORTS.keys())
def test_reports(grid, rule, quote):
    doc = doc_of("财务收支表", "单位：万元", grid)
    found = [(f.rule, quoted_cell(f)) for f in check_tables(doc)]
    # a recomputed rate is quoted with the figures it is recomputed from
    assert any(r == rule and (q == quote or r == "ratio.table_rate" and q.endswith(quote)) for r, q in found), found


def test_of_which_column_exceeding_its_parent():
    grid = [["职能名称", "预算数(万元)", "其中：财政拨款", "执行数(万元)"],
            ["宣传教育", "10", "12", "9"], ["帮扶救助", "20", "20", "20"], ["金额合计", "30", "32", "29"]]
    found = [(f.rule, f.quote) for f in check_tables(doc_of(grid))]
    assert found == [("arithmetic.part_exceeds_whole", "12")]


def test_quote_is_verbatim_and_located():
    doc = doc_of("财务收支表", code_table(total="210.40"))
    (f,) = [f for f in check_tables(doc) if f.rule == "arithmetic.table_total" and f.quote == "210.40"][:1]
    assert doc.text[f.location.start:f.location.end] == "210.40"


TOTALS_TABLE = ["财政拨款收入支出决算总表", "单位：万元", [
    ["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"],
    ["一、一般公共预算财政拨款", "1,200.50", "一、教育支出", "1,150.50"],
    ["本年收入合计", "1,200.50", "本年支出合计", "1,150.50"],
    ["年初财政拨款结转和结余", "10.00", "年末财政拨款结转和结余", "60.00"],
    ["总计", "1,210.50", "总计", "1,210.50"]],
    "收入支出决算总表", "单位：万元", [
    ["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"],
    ["一、财政拨款收入", "1,200.50", "一、教育支出", "1,180.50"],
    ["二、其他收入", "30.00", "", ""],
    ["本年收入合计", "1,230.50", "本年支出合计", "1,180.50"],
    ["年初结转和结余", "10.00", "年末结转和结余", "60.00"],
    ["总计", "1,240.50", "总计", "1,240.50"]]]

TEXT_CASES = {
    "matching total": ("本单位2023年度财政拨款收入支出总计1210.5万元。", None),
    "total in 元 matching": ("本单位财政拨款收入支出总计12105000元。", None),
    "wrong total": ("本单位2023年度财政拨款收入支出总计0.8万元。", ("inconsistency.text_vs_table", "财政拨款收入支出总计0.8万元")),
    "the other table's total": ("本单位2023年度收入支出总计1240.50万元。", None),
    "wrong other total": ("本单位2023年度收入支出总计1250.50万元。", ("inconsistency.text_vs_table", "收入支出总计1250.50万元")),
    # a figure without 财政拨款 is an all-funds figure: the fiscal table is another scope
    "本年收入合计 of all funds": ("本年收入合计999.00万元。", ("inconsistency.text_vs_table", "本年收入合计999.00万元")),
    "本年收入合计 of all funds, matching": ("本年收入合计1230.50万元。", None),
    "本年收入合计 under a fiscal heading, matching the fiscal table": ("财政拨款收入本年收入合计1200.50万元。", None),
    "fiscal scope from the sentence": ("一般公共预算财政拨款收入情况：本年收入合计1200.50万元。", None),
    "same digits, wrong unit": ("财政拨款收入支出总计1210.50元。", ("unit.text_vs_table", "财政拨款收入支出总计1210.50元")),
    # top-level item rows and carry-overs, named by the whole clause
    "matching item row": ("其中：财政拨款收入1200.50万元，其他收入30.00万元。", None),
    "wrong item row": ("其中：财政拨款收入1200.50万元，其他收入36.00万元。", ("inconsistency.text_vs_table", "其他收入36.00万元")),
    "wrong carry-over": ("年末结转和结余66.00万元。", ("inconsistency.text_vs_table", "年末结转和结余66.00万元")),
    "an item name inside a longer label is another figure": ("上年其他收入36.00万元。", None),
    "an item of another period": ("2022年其他收入36.00万元。", None),
    "full-width digits": ("其中：财政拨款收入１２００．５０万元，其他收入３６．００万元。",
                          ("inconsistency.text_vs_table", "其他收入３６．００万元")),
}


@pytest.mark.parametrize("sentence, expected", TEXT_CASES.values(), ids=TEXT_CASES.keys())
def test_text_against_tables(sentence, expected):
    doc = doc_of(*TOTALS_TABLE, sentence)
    found = [(f.rule, f.quote) for f in check_text_against_tables(doc)]
    assert found == ([expected] if expected else [])


def test_bare_total_row_does_not_name_a_narrative_total(tmp_path):
    """"收入合计" in the text is not the 合计 row of a project-spending table."""
    from reviewer.checks.text_vs_tables import check_text_against_tables
    from reviewer.ingest import load

    text = ("2023年本部门收入合计8650.40万元，其中财政拨款收入8420.40万元。\n"
            "重点项目支出情况如下：\n\n\t项目名称\n\t预算数\n\t执行数\n\n\t校舍维修\n\t235.00\n\t222.50\n\n"
            "\t设备购置\n\t100.00\n\t98.00\n\n\t合计\n\t335.00\n\t320.50\n")
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    assert check_text_against_tables(load(path)) == []


def test_a_half_of_a_side_by_side_table_names_its_side_total(tmp_path):
    """收入项目 | 决算数 | 支出项目 | 决算数: the 收入 half's 总计 is the text's 收入总计."""
    from pathlib import Path

    from reviewer.checks.text_vs_tables import check_text_against_tables

    clean = (Path(__file__).resolve().parent.parent / "bench" / "data" / "final_accounts_market_clean.txt").read_text(
        encoding="utf-8")
    assert check_text_against_tables(load_text(tmp_path, clean)) == []
    wrong = clean.replace("收入总计4521.36万元", "收入总计4035.84万元", 1)
    [f] = check_text_against_tables(load_text(tmp_path, wrong))
    assert f.rule == "inconsistency.text_vs_table" and f.quote == "收入总计4035.84万元" and "4521.36" in f.detail


def load_text(tmp_path, text):
    from reviewer.ingest import load

    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return load(path)


FUNDS_BLOCK = ("项目资金情况如下：\n\n\t资金项目\n\t年初预算数（万元）\n\t全年预算数（万元）\n\t全年执行数（万元）\n\t分值\n\t执行率\n\t得分\n\n"
               "\t年度资金总额\n\t320.00\n\t350.00\n\t331.80\n\t10\n\t94.80%\n\t9.48\n\n"
               "\t其中：本年财政拨款\n\t320.00\n\t330.00\n\t315.60\n\t\n\t\n\t\n\n"
               "\t上年结转资金\n\t0.00\n\t20.00\n\t16.20\n\t\n\t\n\t\n\n")


@pytest.mark.parametrize("sentence, flagged", [
    ("另有上年结转资金20.00万元。", False),       # the 全年预算数 column
    ("上年结转资金执行16.20万元。", False),       # a longer label: not this row's name alone
    ("另有上年结转资金22.32万元。", True),        # none of the row's figures
])
def test_funds_block_rows_against_the_text(tmp_path, sentence, flagged):
    found = check_text_against_tables(load_text(tmp_path, sentence + "\n" + FUNDS_BLOCK))
    assert [f.rule for f in found] == (["inconsistency.text_vs_table"] if flagged else [])
