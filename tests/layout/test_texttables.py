"""Tables recovered from text: each rule with shapes it must read and shapes it must leave."""
import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.layout.values import split_values
from reviewer.textmatch import fold


def tables_of(text: str):
    doc = parse_txt(text, "t.txt")
    for t in doc.tables:
        assert t.inferred and doc.text[t.start:t.end] == t.text
        for c in t.cells():
            assert doc.text[c.start:c.end] == c.text
    return doc, [[[c.text for c in row] for row in t.rows] for t in doc.tables]


def test_pipe_rows():
    _, tables = tables_of("说明如下。\n| 项目 | 预算数 | 执行数 |\n| 办公费 | 10 | 9 |\n| 合计 | 10 | 9 |\n结论。\n")
    assert tables == [[["项目", "预算数", "执行数"], ["办公费", "10", "9"], ["合计", "10", "9"]]]


def test_borderless_pipe_rows_keep_empty_first_and_last_cells():
    """Drawn without borders, a row opening with " | " has an empty merged first cell and
    one ending with " | " an empty last cell: every cell stays in its column."""
    text = ("一级指标 | 二级指标 | 三级指标 | 分值 | 得分 | 偏差原因\n"
            "产出指标 | 数量指标 | 整治村数 | 8 | 8 | \n"
            " |  | 农田面积 | 8 | 8 | \n"
            " | 质量指标 | 验收合格率 | 8 | 7 | 两处返工\n")
    _, tables = tables_of(text)
    assert [len(r) for r in tables[0]] == [6, 6, 6, 6]
    assert tables[0][2][2] == "农田面积" and tables[0][3][1] == "质量指标" and tables[0][3][5] == "两处返工"


@pytest.mark.parametrize("text", [
    "只有一行 | 用竖线 | 隔开的文字。\n下一段。\n",
    "a|b\n",
])
def test_single_pipe_line_is_not_a_table(text):
    assert tables_of(text)[1] == []


def test_one_value_per_line_score_form():
    text = "\n".join([
        "一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分",
        "产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "20", "20",
        "满意度", "≥90%", "85%", "10", "8",
        "效益指标", "社会效益指标", "群众知晓度", "显著提升", "显著提升", "10", "10",
    ]) + "\n"
    _, tables = tables_of(text)
    [table] = tables
    assert table[0] == ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"]
    assert table[1] == ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次", "20", "20"]
    # every row placed under the header: levels a row leaves out are empty cells
    assert table[2] == ["", "", "满意度", "≥90%", "85%", "10", "8"]
    assert table[3] == ["效益指标", "社会效益指标", "群众知晓度", "显著提升", "显著提升", "10", "10"]


def test_one_value_per_line_funds_block():
    text = "\n".join(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
                      "年度资金总额", "100", "120", "108", "10", "90%", "9"]) + "\n"
    _, tables = tables_of(text)
    # the header gets the label column its rows open with
    assert tables == [[["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                       ["年度资金总额", "100", "120", "108", "10", "90%", "9"]]]


def test_one_value_per_line_with_empty_cells_and_wrapped_level_names():
    """Each cell on a line of its own, empty cells pasted as blank lines, level names
    wrapped ("数量" / "指标"), a score note after a level ("(50)"), a template's "……" row:
    each row is placed under its header, an empty 偏差原因 stays empty."""
    cells = ["一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分", "偏差原因", "分析及", "改进措施",
             "产出指标", "(50)", "数量", "指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10", " ",
             "病虫害防治面积", "3.45万亩", "3.45万亩", "7", "7", " ",
             "质量", "指标", "造林成活率", "85%", "85%", "7", "7", " ", "……", " ", " ", " ",
             "效益指标", "30分)", "经济效", "益指标", "木材销售收入", "1100万元", "1093万元", "6", "5", " "]
    _, tables = tables_of("\n\n".join(cells) + "\n")
    [table] = tables
    rows = [[fold(c) for c in row] for row in table]
    assert rows[1] == ["产出指标(50)", "数量指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10", ""]
    assert rows[2] == ["", "", "病虫害防治面积", "3.45万亩", "3.45万亩", "7", "7", ""]
    assert rows[3][:3] == ["", "质量指标", "造林成活率"]
    assert rows[4] == ["效益指标30分)", "经济效益指标", "木材销售收入", "1100万元", "1093万元", "6", "5", ""]


def test_one_value_per_line_names_wrapped_over_lines_and_amounts_with_units():
    """A form pasted one cell per line whose column names wrap ("全年" / "执行数") and
    whose amounts carry 万元: each name read whole, each amount under its column."""
    text = "\n\n".join(["年初", "预算数", "全年预算数", "全年", "执行数", "分值", "执行率", "得分",
                        "年度资金总额", "4753.66万元", "4753.66万元", "3824.26万元", "10", "80.45%", "8.05"]) + "\n"
    _, tables = tables_of(text)
    [table] = tables
    assert [fold(c) for c in table[0]] == ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert table[1] == ["年度资金总额", "4753.66万元", "4753.66万元", "3824.26万元", "10", "80.45%", "8.05"]


@pytest.mark.parametrize("text", [
    # Column names in a list of duties, with no values under them.
    "一级指标\n二级指标\n三级指标\n分值\n一、基本情况\n本单位负责全县工作。\n",
    # Too few names to be a header.
    "分值\n得分\n10\n10\n",
])
def test_column_names_without_rows_are_not_a_table(text):
    assert tables_of(text)[1] == []


def test_space_separated_score_rows():
    text = ("一级指标 二级指标 三级指标 指标值 完成值 分值 得分\n产出指标\n数量指标\n培训人次 ≥500 520 20 20\n"
            "总分 100 95\n")
    _, tables = tables_of(text)
    [table] = tables
    assert table[1][-5:] == ["培训人次", "≥500", "520", "20", "20"]
    assert table[-1] == ["总分", "100", "95"]


def test_glued_form_on_one_line():
    text = ("附件:绩效自评表一级指标二级指标三级指标分值年度指标值全年实际值得分偏差原因"
            "产出指标(60分)数量指标培训人次20≥500人次520人次20质量指标合格率20100%98%19"
            "满意度指标(10分)服务对象满意度指标群众满意度10≥90%≥90%10总分5049注:本表由单位填写。\n")
    doc, tables = tables_of(text)
    [table] = tables
    assert table[0][:3] == ["一级指标", "二级指标", "三级指标"]
    assert table[1] == ["产出指标(60分)", "数量指标", "培训人次", "20", "≥500人次", "520人次", "20", ""]
    assert table[2] == ["", "质量指标", "合格率", "20", "100%", "98%", "19", ""]
    assert table[3][3:7] == ["10", "≥90%", "≥90%", "10"]
    # The note after the form and the text before it stay paragraphs.
    assert [p.text for p in doc.paragraphs] == ["附件:绩效自评表", "注:本表由单位填写。"]


def test_glued_numbered_indicator_names_keep_their_number():
    text = ("绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施"
            "产出指标(40分)数量指标指标1免费发放原原种8550万粒550万粒8指标2企业自行采购8200万粒200万粒8\n")
    _, tables = tables_of(text)
    [table] = tables
    assert table[1][2:7] == ["指标1免费发放原原种", "8", "550万粒", "550万粒", "8"]
    assert table[2][2:7] == ["指标2企业自行采购", "8", "200万粒", "200万粒", "8"]


def test_glued_names_in_prose_are_not_a_table():
    text = "本次评价设置一级指标、二级指标和三级指标，分值和得分按办法确定，年度指标值以批复为准。\n"
    assert tables_of(text)[1] == []


@pytest.mark.parametrize("roles,text,expected", [
    (["weight", "target", "actual_value", "score"], "10≥266米≥266米10", ["10", "≥266米", "≥266米", "10"]),
    (["weight", "target", "actual_value", "score"], "20100%100%20", ["20", "100%", "100%", "20"]),
    (["weight", "target", "actual_value", "score"], "1020万元20万元10", ["10", "20万元", "20万元", "10"]),
    (["weight", "target", "actual_value", "score"], "10显著提升显著提升10", ["10", "显著提升", "显著提升", "10"]),
    (["budget", "actual", "weight", "rate", "score"], "202010100.00%10", ["20", "20", "10", "100.00%", "10"]),
    (["target", "weight", "actual_value", "score"], "901010010", ["90", "10", "100", "10"]),
])
def test_glued_values_split_by_column_roles(roles, text, expected):
    spans, end = split_values(roles, text, 0)
    assert [text[a:b] for a, b in spans] == expected and end == len(text)


@pytest.mark.parametrize("roles,text", [
    (["weight", "target", "actual_value", "score"], "年度目标"),  # no figures
    (["weight", "target", "actual_value", "score"], "8000亩"),  # one figure's digits are no four values
    (["budget", "actual", "weight", "rate", "score"], "10020010050%10"),  # rate ≠ actual ÷ budget
])
def test_glued_values_that_do_not_fit(roles, text):
    assert split_values(roles, text, 0) is None


# --- a form pasted as one line that kept a space between its cells ---------------------------
SPACED_FUNDS = ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分 "
                "年度资金总额 80 96 84 10 87.5% 8.75 其中：当年财政拨款 80 90 78 - - - 上年结转资金 0 6 6 - - - ")
SPACED_INDICATORS = ("绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
                     "产出指标（60分） 数量指标 新建污水管网 ≥12公里 12.4公里 20 20 "
                     "管网验收合格率 100% 100% 20 20 "
                     "时效指标 完工及时率 ≥90% 80% 20 16 受雨季影响工期顺延 "
                     "效益指标（30分） 生态效益指标 污水收集率 较上年提高 达成预期指标 30 30 "
                     "满意度指标（10分） 满意度指标 周边居民满意度 ≥85% 90% 10 10 总分 100 96")


@pytest.mark.parametrize("text, expected", [
    # numbers separated by spaces are never split to fill the header's columns; the cells
    # a 其中 row leaves empty are its last ones, a dash marks one as empty
    (SPACED_FUNDS, [["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                    ["年度资金总额", "80", "96", "84", "10", "87.5%", "8.75"],
                    ["其中：当年财政拨款", "80", "90", "78", "-", "-", "-"],
                    ["上年结转资金", "0", "6", "6", "-", "-", "-"]]),
    ("年度资金总额：年初预算数 全年预算数 全年执行数 分值 执行率 得分 合计 90 90 89.974 10 100% 10 "
     "其中：本年财政拨款 90 90 89.974",
     [["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
      ["合计", "90", "90", "89.974", "10", "100%", "10"],  # a funds block's 合计 is a row like any
      ["其中：本年财政拨款", "90", "90", "89.974", "", "", ""]]),
])
def test_spaced_funds_block_on_one_line(text, expected):
    _, tables = tables_of("附件：项目支出绩效自评表 " + text + "\n")
    assert tables[0][:len(expected)] == expected


def test_spaced_indicator_rows_on_one_line():
    _, tables = tables_of("附件：项目支出绩效自评表 " + SPACED_INDICATORS + "\n")
    [table] = tables
    assert table[0][-1] == "偏差原因分析及改进措施"
    assert table[1] == ["产出指标（60分）", "数量指标", "新建污水管网", "≥12公里", "12.4公里", "20", "20", ""]
    # a row without level names, and a target whose value column holds words
    assert table[2] == ["", "", "管网验收合格率", "100%", "100%", "20", "20", ""]
    # the reason written after a row's score is that row's, not the next row's name
    assert table[3] == ["", "时效指标", "完工及时率", "≥90%", "80%", "20", "16", "受雨季影响工期顺延"]
    assert table[4][:3] == ["效益指标（30分）", "生态效益指标", "污水收集率"]
    assert table[4][3:7] == ["较上年提高", "达成预期指标", "30", "30"]
    # "满意度指标" as both the second level and a name; the total row ends the table
    assert table[5][:3] == ["满意度指标（10分）", "满意度指标", "周边居民满意度"]
    assert table[6][0] == "总分" and table[6][5:7] == ["100", "96"]


def test_spaced_header_names_read_together_are_two_columns():
    """执行率 得分 folds to 执行率得分, itself a column name: the space keeps two columns."""
    _, tables = tables_of("附件 " + SPACED_FUNDS + "\n")
    assert tables[0][0][-2:] == ["执行率", "得分"]


@pytest.mark.parametrize("text", [
    # prose that mentions the column names and a few figures is no table
    "本表年初预算数 全年预算数 全年执行数 分值 执行率 得分均按财政批复填列，共 3 个项目 2 个单位。",
    # a header followed by a paragraph, not by rows
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 本项目绩效目标已全部完成 详见附件 1 2。",
])
def test_spaced_header_without_rows(text):
    _, tables = tables_of(text + "\n")
    assert all(len(t) <= 1 or all(not any(c for c in row[1:]) for row in t[1:]) for t in tables)


@pytest.mark.parametrize("lines, expected", [
    # the header names no label column; every row opens with one
    (["年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分",
      "年度资金总额: 120 150 135 10 90% 9", "其中:本年财政拨款 120 150 135 - - -"],
     [["", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
      ["年度资金总额:", "120", "150", "135", "10", "90%", "9"],
      ["其中:本年财政拨款", "120", "150", "135", "-", "-", "-"]]),
    # a row with fewer figures than columns leaves its last cells empty, never takes its
    # label for a figure
    (["年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分",
      "年度资金总额: 880 880 880 10 10", "其中:本年财政拨款 880 880 880"],
     [["", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
      ["年度资金总额:", "880", "880", "880", "10", "10", ""],
      ["其中:本年财政拨款", "880", "880", "880", "", "", ""]]),
])
def test_space_separated_funds_rows(lines, expected):
    _, tables = tables_of("项目资金（万元）\n" + "\n".join(lines) + "\n年度总体目标完成情况\n")
    assert tables[0] == expected


def test_a_table_saved_one_cell_per_line_with_closing_pipes():
    """A web page's table saved as one cell per line, each closed by "|", an empty cell a
    bare "|": read as the form it is, the cell after a row's score being its reason."""
    cells = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因", "",
             "产出指标(50分)", "数量指标", "低保发放人数", "5", ">=21933人", "21980人", "5", "", "", "", "",
             "特困人员供养人数", "5", ">=4754人", "4604人", "4", "实行动态管理", "", "", "",
             "临时救助人数", "10", ">=7人", "7人", "10", "", ""]
    text = "\n".join(f"{c} |" if c else "|" for c in cells) + "\n"
    _, tables = tables_of(text)
    [table] = tables
    assert table[0][:3] == ["一级指标", "二级指标", "三级指标"]
    assert table[1] == ["产出指标(50分)", "数量指标", "低保发放人数", "5", ">=21933人", "21980人", "5", ""]
    assert table[2] == ["", "", "特困人员供养人数", "5", ">=4754人", "4604人", "4", "实行动态管理"]
    assert table[3][2:7] == ["临时救助人数", "10", ">=7人", "7人", "10"]


def test_sichuan_column_names_are_known():
    """The provincial form's funds block names its columns 年初预算 | 调整后预算数 | 预算执行数 |
    预算执行率 | 权重 | 得分 | 原因 (no 数 after 年初预算, 预算 before 执行数/执行率)."""
    from reviewer.layout.header import whole_line_roles

    names = ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因", "度量单位"]
    assert [whole_line_roles(fold(n)) for n in names] == [
        ["budget"], ["budget"], ["actual"], ["rate"], ["weight"], ["score"], ["reason"], ["other"]]
