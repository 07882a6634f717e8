"""The 审核意见表 workbook: header block, conclusion, one row per finding with the list's
columns, explicit row heights, filters, A4 print set-up."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from reviewer.commentlist import COLUMNS as LIST_COLUMNS
from reviewer.commentlist import ListOptions, severity_label, split_citation
from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.pipeline import document_info, finalize
from reviewer.render.xlsx import COLUMNS, SHEET_TITLE, render_xlsx

from .conftest import SAMPLE_TXTS
from .test_render_html import FIXTURE_DOCX, FIXTURE_PDF, build_review

OPTIONS = ListOptions(audit_unit="某市财政局", auditor="钱审核", date="2024年6月1日")


def open_sheet(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET_TITLE]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    return wb, ws, header


def block(ws, header: int) -> dict:
    return {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(3, header) if ws.cell(r, 1).value}


@pytest.mark.parametrize("path", SAMPLE_TXTS + FIXTURE_DOCX[:1] + FIXTURE_PDF[:1], ids=lambda p: p.name)
def test_one_row_per_finding(path):
    doc = load(path)
    review = build_review(doc)
    wb, ws, header = open_sheet(render_xlsx(review, OPTIONS))
    assert wb.sheetnames == [SHEET_TITLE]
    assert [c.value for c in ws[header]] == LIST_COLUMNS
    rows = [r for r in ws.iter_rows(min_row=header + 1, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == len(review.findings)
    for n, (row, f) in enumerate(zip(rows, review.findings), 1):
        no, severity, section, place, quote, explanation, figures, suggestion, basis, feedback, status = row
        assert no == n
        assert severity == severity_label(f.severity)
        assert (section or "") in ((f.location.section or ""), "全文")
        assert place
        if f.quote:
            assert (quote or "").rstrip("…") in f.quote.strip()
        assert explanation.startswith(f.title)
        assert split_citation(f.detail)[0] in explanation
        assert (suggestion or "") == f.suggestion
        assert basis
        assert feedback is None and status is None
        if f.stated is not None:
            assert f"文中：{f.stated}" in figures
    info = block(ws, header)
    assert info["被审单位"] == (review.document.unit or "（未识别）")
    assert info["审核单位"] == "某市财政局" and info["审核人"] == "钱审核" and info["日期"] == "2024年6月1日"
    assert info["总体结论"].split("。")[0] in ("通过", "修改后报送", "退回")


def test_layout_of_the_sheet():
    doc = load(SAMPLE_TXTS[0])
    review = build_review(doc)
    _, ws, header = open_sheet(render_xlsx(review))
    assert ws.auto_filter.ref == f"A{header}:K{header + len(review.findings)}"
    assert ws.print_title_rows == f"${header}:${header}" or ws.print_title_rows == f"{header}:{header}"
    widths = {col: ws.column_dimensions[col].width for col in "ABCDEFGHIJK"}
    assert widths == {col: w for col, (_, w) in zip("ABCDEFGHIJK", COLUMNS)}
    assert ws.cell(header, 1).font.bold
    for r in range(header + 1, header + 1 + len(review.findings)):
        assert ws.cell(r, 5).alignment.wrap_text and ws.cell(r, 6).alignment.wrap_text
        assert ws.row_dimensions[r].height and ws.row_dimensions[r].height >= 15
    assert ws.page_setup.orientation == "landscape"


def test_text_is_never_a_formula_and_control_characters_are_dropped(tmp_path):
    src = tmp_path / "odd.txt"
    src.write_text("一、基本情况\n=SUM(A1:A3) 是一个公式样的文字。\n二、其他\n正文内容。\n", encoding="utf-8")
    doc = load(src)
    start = doc.text.index("=SUM")
    f = make_finding(doc, category="wording", severity="info", source="rules", rule="t", title="标题\x07含控制字符",
                     detail="=1+1", span=(start, start + len("=SUM(A1:A3)")), suggestion="=HYPERLINK(\"x\")")
    _, ws, header = open_sheet(render_xlsx(finalize(document_info(doc), [f])))
    row = header + 1
    assert ws.cell(row, 5).value == "=SUM(A1:A3)" and ws.cell(row, 5).data_type == "s"
    assert ws.cell(row, 8).value == "=HYPERLINK(\"x\")" and ws.cell(row, 8).data_type == "s"
    assert ws.cell(row, 6).value.startswith("标题含控制字符")


def test_no_findings_says_so():
    doc = load(SAMPLE_TXTS[1])
    _, ws, header = open_sheet(render_xlsx(finalize(document_info(doc), [])))
    values = [c.value for row in ws.iter_rows(min_row=header + 1) for c in row if c.value]
    assert "未发现问题。" in values
    info = block(ws, header)
    assert info["被审单位"] == document_info(doc).unit
    assert info["总体结论"].startswith("通过")
