"""The table model's role rules on small inline grids, and the value parser."""
from decimal import Decimal

import pytest

from reviewer.tables import build_tables, dump, parse_text
from reviewer.tables import words as W

from .grids import doc_of


@pytest.mark.parametrize("text, number, percent, unit, comparator", [
    ("1,234.56", Decimal("1234.56"), False, None, None),
    ("2,940.05万元", Decimal("2940.05"), False, "万元", None),
    ("98.5%", Decimal("98.5"), True, None, None),
    ("≥95%", Decimal("95"), True, None, "≥"),
    ("<=1136.92万", Decimal("1136.92"), False, "万", "≤"),
    (">=299人", Decimal("299"), False, "人", "≥"),
    ("35000元", Decimal("35000"), False, "元", None),
    ("—", None, False, None, None),
    ("-", None, False, None, None),
    ("", None, False, None, None),
    ("达到序时进度", None, False, None, None),
])
def test_value_parser(text, number, percent, unit, comparator):
    assert parse_text(text) == (number, percent, unit, comparator)


@pytest.mark.parametrize("header, role", [
    ("项目", "label"), ("科目名称", "label"), ("类", "level1"), ("款", "level2"), ("项", "level3"),
    ("科目编码", "code"), ("年初预算数", "budget"), ("全年预算数(A)", "adjusted_budget"),
    ("调整后预算数", "adjusted_budget"), ("决算数", "actual"), ("全年执行数(B)", "actual"),
    ("执行率(B/A)", "rate"), ("分值", "weight"), ("得分", "score"), ("年度指标值", "target"),
    ("实际完成值", "actual_value"), ("偏差原因分析及改进措施", "reason"), ("备注", "note"),
    ("基本支出", "amount"), ("一般公共预算财政拨款", "amount"), ("本年收入合计", "amount"),
])
def test_header_words_give_column_roles(header, role):
    assert W.column_role(header)[0] == role


def _tables(*parts):
    return build_tables(doc_of(*parts))


def test_multi_row_header_is_combined_and_halves_are_split():
    tables = _tables("收支总表", "单位：元", [
        ["收入", "", "支出", ""],
        ["项目", "金额", "项目", "金额"],
        ["一、财政拨款收入", "1,000", "一、工资福利支出", "700"],
        ["二、其他收入", "200", "二、商品和服务支出", "400"],
        ["本年收入合计", "1,200", "本年支出合计", "1,100"],
        ["年初结转和结余", "50", "年末结转和结余", "150"],
        ["总计", "1,250", "总计", "1,250"],
    ])
    assert [(t.half, t.halves, t.unit, t.caption) for t in tables] == [("收入", 2, "元", "收支总表"), ("支出", 2, "元", "收支总表")]
    income = tables[0]
    assert [c.header for c in income.columns] == ["收入/项目", "收入/金额"]
    assert [c.role for c in income.columns] == ["label", "amount"]
    assert [r.role for r in income.rows] == ["item", "item", "total", "item", "total"]


def test_code_columns_give_levels_and_parents_with_total_on_top():
    (t,) = _tables([
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
        ["", "", "", "合计", "90", "60", "30"],
        ["205", "", "", "教育支出", "90", "60", "30"],
        ["", "01", "", "教育管理事务", "90", "60", "30"],
        ["", "", "01", "行政运行", "60", "60", ""],
        ["", "", "02", "一般行政管理事务", "30", "", "30"],
    ])
    assert t.structure == "code"
    assert [(r.role, r.code, r.level, r.parent) for r in t.rows] == [
        ("total", None, None, None), ("item", "205", 1, None), ("item", "20501", 2, 1),
        ("item", "2050101", 3, 2), ("item", "2050102", 3, 2)]
    assert t.columns[4].total and not t.columns[5].total


def test_single_code_column_with_3_5_7_digit_codes():
    (t,) = _tables([
        ["功能分类科目编码", "科目名称", "预算数"],
        ["208", "社会保障和就业支出", "50"],
        ["20805", "行政事业单位养老支出", "50"],
        ["2080505", "机关事业单位基本养老保险缴费支出", "50"],
    ])
    assert [(r.code, r.level, r.parent) for r in t.rows] == [("208", 1, None), ("20805", 2, 0), ("2080505", 3, 1)]


def test_of_which_rows_and_funds_block():
    (t,) = _tables([
        ["资金情况（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "120", "130", "117", "10", "90%", "9"],
        ["", "其中：当年财政拨款", "100", "100", "95", "—", "95%", "—"],
        ["", "上年结转资金", "20", "20", "12", "—", "60%", "—"],
        ["", "其他资金", "", "10", "10", "—", "100%", "—"],
    ])
    assert t.kind == "score"
    assert [(r.role, r.of_which_group) for r in t.rows] == [("item", None), ("of_which", 0), ("of_which", 0), ("of_which", 0)]


def test_numbering_restart_makes_children_of_the_line_above():
    (t,) = _tables([
        ["项目", "决算数"],
        ["一、一般公共预算财政拨款", "500"],
        ["本年收入合计", "500"],
        ["年初财政拨款结转和结余", "30"],
        ["一、一般公共预算财政拨款", "30"],
        ["总计", "530"],
    ])
    assert [(r.role, r.parent) for r in t.rows] == [("item", None), ("total", None), ("item", None), ("item", 2), ("total", None)]


def test_repeated_header_after_a_page_break_is_stitched_and_marked():
    header = [["项目", "预算数", "决算数"]]
    doc = doc_of("项目支出明细表", header + [["一、教育", "10", "9"], ["二、科技", "5", "5"]], None, "2",
                 header + [["三、文化", "3", "3"], ["合计", "18", "17"]])
    (t,) = build_tables(doc)
    assert len(t.blocks) == 2
    assert [r.role for r in t.rows] == ["item", "item", "header_repeat", "item", "total"]
    assert "blocks=2" in dump(t)


def test_header_row_repeated_inside_one_block_is_marked():
    (t,) = _tables([["项目", "金额"], ["一、甲", "1"], ["项目", "金额"], ["二、乙", "2"], ["合计", "3"]])
    assert [r.role for r in t.rows] == ["item", "header_repeat", "item", "total"]


def test_a_table_after_a_caption_is_not_stitched_to_the_previous_one():
    header = [["项目", "年初结转和结余", "本年收入", "年末结转和结余"]]
    doc = doc_of("政府性基金收支表", header + [["合计", "", "", ""]], None, "国有资本经营收支表",
                 header + [["合计", "", "", ""]])
    assert len(build_tables(doc)) == 2


def test_total_words_anywhere_in_the_label():
    (t,) = _tables([["项目", "决算数"], ["工资福利支出", "80"], ["人员经费合计", "80"],
                    ["其中：公务接待费", "1"], ["小计", "80"]])
    assert [r.role for r in t.rows] == ["item", "total", "of_which", "subtotal"]


def test_tables_package_never_imports_findings():
    import pathlib
    import reviewer.tables as pkg
    for path in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "make_finding" not in source and "Finding" not in source, path.name
        assert "ingest" not in source, path.name
