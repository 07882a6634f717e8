"""The 审核意见表 workbook: one row per finding, frozen header, filters, widths, wrapping."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.models import CATEGORY_LABELS, SEVERITY_LABELS, SOURCE_LABELS
from reviewer.pipeline import document_info, finalize
from reviewer.render.xlsx import COLUMNS, SHEET_TITLE, render_xlsx

from .conftest import SAMPLE_TXTS
from .test_render_html import FIXTURE_DOCX, FIXTURE_PDF, build_review

HEADERS = ["序号", "严重程度", "类别", "章节", "页码", "原文", "问题说明", "修改建议", "来源"]


def open_sheet(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return wb, wb[SHEET_TITLE]


@pytest.mark.parametrize("path", SAMPLE_TXTS + FIXTURE_DOCX[:1] + FIXTURE_PDF[:1], ids=lambda p: p.name)
def test_one_row_per_finding(path):
    doc = load(path)
    review = build_review(doc)
    wb, ws = open_sheet(render_xlsx(review))
    assert wb.sheetnames[0] == SHEET_TITLE
    assert [c.value for c in ws[1]] == HEADERS
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(review.findings)
    for n, (row, f) in enumerate(zip(rows, review.findings), 1):
        no, severity, category, section, page, quote, explanation, suggestion, source = row
        assert no == n
        assert severity == SEVERITY_LABELS[f.severity]
        assert category == CATEGORY_LABELS[f.category]
        assert source == SOURCE_LABELS[f.source]
        assert (section or "") == (f.location.section or "")
        assert page == f.location.page
        assert (quote or "") == f.quote.strip()
        assert explanation.startswith(f.title)
        assert (suggestion or "") == f.suggestion


def test_layout_of_the_sheet():
    doc = load(SAMPLE_TXTS[0])
    review = build_review(doc)
    _, ws = open_sheet(render_xlsx(review))
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:I{len(review.findings) + 1}"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHI"}
    assert widths == {col: w for col, (_, w) in zip("ABCDEFGHI", COLUMNS)}
    assert widths["F"] > widths["A"] and widths["G"] > widths["B"]
    assert ws["A1"].font.bold
    for row in ws.iter_rows(min_row=2):
        assert row[5].alignment.wrap_text and row[6].alignment.wrap_text


def test_text_is_never_a_formula_and_control_characters_are_dropped(tmp_path):
    src = tmp_path / "odd.txt"
    src.write_text("一、基本情况\n=SUM(A1:A3) 是一个公式样的文字。\n二、其他\n正文内容。\n", encoding="utf-8")
    doc = load(src)
    start = doc.text.index("=SUM")
    f = make_finding(doc, category="wording", severity="info", source="rules", rule="t", title="标题\x07含控制字符",
                     detail="=1+1", span=(start, start + len("=SUM(A1:A3)")), suggestion="=HYPERLINK(\"x\")")
    _, ws = open_sheet(render_xlsx(finalize(document_info(doc), [f])))
    assert ws["F2"].value == "=SUM(A1:A3)" and ws["F2"].data_type == "s"
    assert ws["H2"].value == "=HYPERLINK(\"x\")" and ws["H2"].data_type == "s"
    assert ws["G2"].value.startswith("标题含控制字符")


def test_no_findings_gives_the_header_only():
    doc = load(SAMPLE_TXTS[1])
    wb, ws = open_sheet(render_xlsx(finalize(document_info(doc), [])))
    assert ws.max_row == 1
    info = {r[0]: r[1] for r in wb["报告信息"].iter_rows(values_only=True)}
    assert info["单位"] == document_info(doc).unit
    assert info["错误"] == 0
