"""Saved web pages (.html) and Markdown (.md): text as a reader sees it, <table> and pipe
tables as table blocks, web chrome left out by the layout stage, so the same checks run.

The pages are written here from the plain-text samples (paragraphs as <p>, tables as
<table> with the merged first-level cells as rowspans), wrapped in the chrome a
government site puts around a report: navigation trail, publishing metadata, font and
share widgets, scripts and styles.
"""
from __future__ import annotations

import html as _html

import pytest

from reviewer.checks.scoretable import check_score_tables
from reviewer.ingest import load
from reviewer.ingest.html import read_html
from reviewer.ingest.md import inline, read_markdown
from reviewer.textmatch import fold

from .conftest import ROOT
from .test_ingest_xlsx import _full_row

SCORE_SAMPLES = ["000_b10681fc8d1fbec0", "003_9f785aea458f6f0e"]
SCRIPT_WORD = "trackPageView"
CHROME = """<div class="nav">您当前的位置：<a href="/">首页</a> &gt; <a>政务公开</a> &gt; <a>财政预决算</a></div>
<div class="meta"><span>发布时间：2022-06-30</span> <span>浏览次数：1024</span></div>
<div class="tools">字体：【大 中 小】 【打印】 【关闭窗口】</div>
"""


def unwrap(text: str) -> str:
    """A paragraph as a web page holds it: the text export's hard wraps removed."""
    return "".join(part.strip() for part in text.split("\n"))


def table_html(block) -> str:
    width = max(len(r) for r in block.rows)
    grid = [_full_row(row, width, block.rows) for row in block.rows]
    out = ["<table border='1'>"]
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        out.append("<tr>")
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            span = 1
            if c == 0 and text:
                # The first-level name merged down over the rows that leave it empty.
                while r + span < len(grid) and not grid[r + span][0] and any(grid[r + span]):
                    covered.add((r + span, 0))
                    span += 1
            attr = f" rowspan='{span}'" if span > 1 else ""
            cell = "<br>".join(_html.escape(part) for part in text.split("\n"))
            out.append(f"<td{attr}>{cell}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def saved_page(doc) -> str:
    body = []
    for block in doc.blocks:
        if block.is_table:
            body.append(table_html(block))
        else:
            body.append(f"<p>{_html.escape(unwrap(block.text))}</p>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>自评报告 - 某某县人民政府</title>"
            "<style>p { text-indent: 2em } .nav { color: red }</style>"
            f"<script>var _paq = []; _paq.push(['{SCRIPT_WORD}']);</script></head><body>\n"
            + CHROME + "<div class='content'>\n" + "\n".join(body) + "\n</div>"
            "<div class='share'>分享到：微信 微博</div><noscript>请启用脚本</noscript></body></html>")


def markdown_of(doc) -> str:
    out = []
    for block in doc.blocks:
        if block.is_table:
            width = max(len(r) for r in block.rows)
            grid = [_full_row(row, width, block.rows) for row in block.rows]
            cells = [[c.replace("\n", "").replace("|", "\\|") for c in row] for row in grid]
            out.append("| " + " | ".join(cells[0]) + " |")
            out.append("|" + "---|" * width)
            out.extend("| " + " | ".join(row) + " |" for row in cells[1:])
        else:
            text = unwrap(block.text)
            heading = any(fold(s.title) == fold(text) for s in doc.sections.all() if s.level == 1)
            out.append(f"## {text}" if heading else text)
        out.append("")
    return "\n".join(out)


def table_cells(doc) -> list[list[list[str]]]:
    return [[[fold(c.text) for c in row if fold(c.text)] for row in t.rows] for t in doc.tables]


def score_keys(doc) -> list[tuple]:
    return sorted((f.rule, f.stated, f.expected) for f in check_score_tables(doc))


def headings(doc) -> list[str]:
    return [fold(s.title) for s in doc.sections.all() if s.level <= 2]


@pytest.mark.parametrize("stem", SCORE_SAMPLES)
def test_a_saved_web_page_reads_like_the_text(tmp_path, stem):
    txt = load(ROOT / "samples" / f"{stem}.txt")
    path = tmp_path / f"{stem}.html"
    path.write_text(saved_page(txt), encoding="utf-8")
    doc = load(path)
    assert score_keys(txt)
    assert score_keys(doc) == score_keys(txt)
    assert table_cells(doc) == table_cells(txt)
    assert headings(doc) == headings(txt)
    assert all(b.origin == "html" for b in doc.tables)
    # Scripts and styles are gone; the site's chrome stays in the text but out of every block.
    assert SCRIPT_WORD not in doc.text and "text-indent" not in doc.text
    dropped = {doc.text[s:e] for s, e, _ in doc.dropped}
    for chrome in ("发布时间：2022-06-30", "【打印】", "分享到：微信 微博"):
        assert any(chrome in d for d in dropped), chrome
        assert not any(chrome in b.text for b in doc.blocks)


def test_a_gbk_page_is_decoded_by_its_declared_charset(tmp_path):
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>"
            "<body><h1>一、部门概况</h1><p>年初预算安排199.09万元。</p></body></html>")
    path = tmp_path / "gbk.htm"
    path.write_bytes(page.encode("gb18030"))
    doc = load(path)
    assert [b.text for b in doc.paragraphs] == ["一、部门概况", "年初预算安排199.09万元。"]


@pytest.mark.parametrize("markup, rows", [
    ("<table><tr><td rowspan=2>产出指标</td><td>数量</td><td>10</td></tr><tr><td>质量</td><td>20</td></tr></table>",
     [["产出指标", "数量", "10"], ["", "质量", "20"]]),
    ("<table><tr><th colspan=2>指标</th><th>得分</th></tr><tr><td>一级</td><td>二级</td><td>9</td></tr></table>",
     [["指标", "", "得分"], ["一级", "二级", "9"]]),
    ("<table><tr><td>项目</td><td><table><tr><td>内</td><td>表</td></tr></table></td></tr></table>",
     [["项目", "内表"]]),
    ("<table><tr><td>合计<br>（万元）</td><td>1,234.5</td></tr></table>", [["合计（万元）", "1,234.5"]]),
], ids=["rowspan", "colspan", "nested", "line_break_in_cell"])
def test_html_tables_resolve_spans(markup, rows):
    items = read_html(markup)
    assert items == [("table", rows)]


@pytest.mark.parametrize("markup, lines", [
    ("<p>第一段</p><p>第二段<br>第三行</p>", ["第一段", "第二段", "第三行"]),
    ("<div>预算<b>199.09</b>万元</div>", ["预算199.09万元"]),
    ("<script>alert('x')</script><style>p{}</style><p>正文</p>", ["正文"]),
    ("<p>A&nbsp;&amp;&nbsp;B</p>", ["A & B"]),
], ids=["paragraphs", "inline_tags", "hidden", "entities"])
def test_html_text_is_what_a_browser_shows(markup, lines):
    assert [v for k, v in read_html(markup) if k == "line"] == lines


@pytest.mark.parametrize("stem", SCORE_SAMPLES)
def test_a_markdown_copy_reads_like_the_text(tmp_path, stem):
    txt = load(ROOT / "samples" / f"{stem}.txt")
    path = tmp_path / f"{stem}.md"
    path.write_text(markdown_of(txt), encoding="utf-8")
    doc = load(path)
    assert score_keys(doc) == score_keys(txt)
    assert table_cells(doc) == table_cells(txt)
    assert headings(doc) == headings(txt)


@pytest.mark.parametrize("source, shown", [
    ("## 一、部门概况", "一、部门概况"),
    ("**年初预算**安排 `199.09` 万元", "年初预算安排 199.09 万元"),
    ("详见[附件](http://example.org/a.pdf)", "详见附件"),
    ("- 完成率100%", "完成率100%"),
    ("1. 项目名称", "1. 项目名称"),
    ("> 引用的话", "引用的话"),
], ids=["heading", "emphasis_code", "link", "bullet", "ordinal_kept", "quote"])
def test_markdown_markup_is_left_out(source, shown):
    assert read_markdown(source) == [("line", shown)]


def test_markdown_pipe_table():
    source = "| 指标 | 分值 | 得分 |\n|:--|--:|---|\n| 数量 | 10 | 9 |\n| 质量 \\| 时效 | 5 | 5 |\n\n说明"
    assert read_markdown(source) == [("table", [["指标", "分值", "得分"], ["数量", "10", "9"], ["质量 | 时效", "5", "5"]]),
                                     ("line", "说明")]


def test_inline_keeps_asterisks_that_are_not_emphasis():
    assert inline("面积 3 * 4 平方米") == "面积 3 * 4 平方米"
