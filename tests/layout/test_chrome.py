"""Web and document-site chrome: left out of the blocks, kept in the text, recorded."""
import pytest

from reviewer.ingest.txt import parse_txt
from reviewer.layout.chrome import chrome_reason, find_chrome
from reviewer.textmatch import fold


@pytest.mark.parametrize("line,reason", [
    ("您当前的位置:首页 > 区文化和旅游局 > 财政资金", "导航路径"),
    ("当前位置: 首页 >> 政务公开 >> 公示公告", "导航路径"),
    ("来源: 某县人民政府 发布时间: 2022-08-09 浏览次数:", "发布信息"),
    ("浏览量:   字体大小:【    】打印", "网站功能"),
    ("字体：大 中 小", "字体与配色"),
    ("《某局2022年度绩效自评表.docx》由会员分享,可在线阅读,更多相关请在某文库网上搜索。", "文档站横幅"),
    ("某某文库(example.com)你想要的内容这里独有!", "文档站横幅"),
    ("当前文档共23页 下载后继续阅读", "文档站横幅"),
    ("- 索引号: abc/2025-00002", "公开信息列表"),
    ("索引号 | 01526415-6-/2021-0630005 | 发布机构 | 某县司法局 |", "公开信息列表"),
    ("-", "列表符号"),
    ("某局2021部门整体绩效自评报告.pdf某局2021部门整体绩效自评报告.pdf某局2021部门整体绩效自评报告.pdf", "重复的文件名"),
])
def test_chrome_lines(line, reason):
    assert chrome_reason(fold(line)) == reason


@pytest.mark.parametrize("line", [
    "一、基本情况",
    "2022年我单位项目支出绩效自评项目35个,预算完成率100%。",
    "按照《关于印发预算绩效管理办法的通知》要求，及时在门户网站公开，发布时间为2023年4月。",
    "文号为某财预〔2022〕5号的通知要求各单位开展自评。",
    "办公设备采购、打印机维修等支出12万元。",
    "某县水利局2022年度项目支出绩效自评报告",
])
def test_report_lines_stay(line):
    assert chrome_reason(fold(line)) is None


def test_metadata_list_takes_values_but_not_the_title():
    lines = ["• 发布机构", "• 某市卫生健康委员会", "• 公开目录", "• 绩效评价", "• 主题词",
             "某市卫生健康委员会2022年度项目绩效自评报告", "一、自评结论"]
    reasons = find_chrome(lines)
    assert reasons[:5] == ["公开信息列表"] * 5
    assert reasons[5:] == [None, None]


def test_dropped_lines_stay_in_the_text_but_in_no_block():
    text = "当前位置: 首页 >> 政务公开\n浏览次数: 12 字体：大 中 小\n某县2022年度绩效自评报告\n一、基本情况\n收入100万元。\n"
    doc = parse_txt(text, "web.txt")
    assert doc.text == text
    assert [r for _, _, r in doc.dropped] == ["导航路径", "字体与配色"]
    assert all("当前位置" not in b.text and "浏览次数" not in b.text for b in doc.blocks)
    # The check text keeps every offset and blanks the chrome.
    assert len(doc.check_text) == len(text)
    assert "当前位置" not in doc.check_text and doc.check_text.index("某县") == text.index("某县")
