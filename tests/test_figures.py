from decimal import Decimal

import pytest

from reviewer.figures import FigureIndex, parse_chinese_number

from .helpers import doc_from_text


def figures_of(text):
    return [f for _, f in FigureIndex(doc_from_text(text)).figures()]


@pytest.mark.parametrize("text,value,unit,kind", [
    ("收入决算220.80万元。", "220.80", "万元", "amount"),
    ("资产总额 13,628.59 元。", "13628.59", "元", "amount"),
    ("预算 1.2亿元。", "1.2", "亿元", "amount"),
    ("占总收入的98.6％。", "98.6", "%", "percent"),
    ("实有人数20人。", "20", "人", "count"),
    ("总得分93.98分。", "93.98", "分", "score"),
    ("基本支出成本<=1136.92万", "1136.92", "万元", "amount"),
    ("资金三万五千元。", "35000", "元", "amount"),
    ("增加两千人。", "2000", "人", "count"),
])
def test_figure_value_unit_kind(text, value, unit, kind):
    figs = figures_of(text)
    assert len(figs) == 1
    assert figs[0].value == Decimal(value)
    assert figs[0].unit == unit
    assert figs[0].kind == kind


@pytest.mark.parametrize("text", [
    "2021年度部门整体支出。",  # a year, not a quantity
    "2012902一般行政管理事务。",  # a budget subject code
    "武财行〔2020〕66号。",  # a document number
])
def test_not_quantities(text):
    assert figures_of(text) == []


def test_label_is_the_thing_measured_without_subject_code():
    [f, _] = figures_of("2012902一般行政管理事务收入6.2万元，占总收入0.2%。")
    assert f.label == "一般行政管理事务收入"


def test_spans_quote_the_original_across_line_wraps_and_spaces():
    doc = doc_from_text("年初预算安排 91.92 万元，决算数 49.9 万元，年度实际支出率达\n54.27%。\n")
    figs = [f for _, f in FigureIndex(doc).figures()]
    assert [doc.text[f.start:f.end] for f in figs] == ["91.92 万元", "49.9 万元", "54.27%"]


def test_comparator_is_kept():
    [f] = figures_of("满意度≥90%")
    assert f.comparator == "≥"


@pytest.mark.parametrize("text,value", [("三万五千", 35000), ("两千", 2000), ("十二", 12), ("一百零五", 105), ("二十", 20)])
def test_chinese_numerals(text, value):
    assert parse_chinese_number(text) == value
