import pytest

from reviewer.errors import InputError
from reviewer.ingest import load
from reviewer.ingest.txt import decode, parse_txt
from reviewer.textmatch import fold

from .conftest import SAMPLES, SAMPLE_TXTS


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")])
def test_decodings(encoding, prefix):
    text = "武定县总工会整体支出绩效自评报告\n一、基本情况\n收入决算220.80万元。\n"
    assert decode(prefix + text.encode(encoding), "x.txt") == text


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary\x00" * 20])
def test_bad_bytes(data):
    with pytest.raises(InputError):
        decode(data, "x.txt")


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_blocks_point_into_the_text(path):
    doc = load(path)
    assert doc.text == path.read_text(encoding="utf-8")
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for c in b.cells():
            assert doc.text[c.start:c.end] == c.text


def test_hard_wrapped_lines_are_joined_into_one_paragraph():
    doc = load(SAMPLES / "001_6f2eabfb1a9cdc15.txt")
    para = next(b for b in doc.paragraphs if "54.27%" in b.text)
    assert "年度实际支出率达" in fold(para.text) and "2021年部门" in fold(para.text)


def test_tab_indented_tables_become_table_blocks():
    doc = load(SAMPLES / "003_9f785aea458f6f0e.txt")
    assert len(doc.tables) == 5
    funds = next(t for t in doc.tables if any(c.text == "金额合计" for c in t.cells()))
    header = [c.text for c in funds.rows[0]]
    assert header[:4] == ["职能名称", "政策或重点任务", "完成情况", "预算数(万元)"]
    total_row = next(r for r in funds.rows if r[0].text == "金额合计")
    assert [c.text for c in total_row][3:] == ["450.5", "600.5", "600.5", "600.5"]


def test_space_separated_score_table_rows():
    doc = load(SAMPLES / "000_b10681fc8d1fbec0.txt")
    [table] = doc.tables
    rows = [[c.text for c in r] for r in table.rows]
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分"]
    assert rows[1][-5:] == ["年度履职目标相关性", "相关", "相关", "3", "3"]
    assert rows[-1] == ["总分", "100", "97"]
    assert any(r[-5].startswith("社会效益") and r[-2:] == ["7.5", "6.5"] for r in rows)


def test_form_feed_starts_a_new_page():
    doc = parse_txt("第一页内容。\n\f第二页内容。\n", "x.txt")
    assert doc.pages == 2
    assert doc.page_of(doc.text.index("第二页")) == 2
