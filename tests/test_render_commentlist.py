"""The 审核意见表 in Word, Excel and Markdown: the same header block, conclusion and
columns; no internal labels; and, rendered by LibreOffice, every finding's 问题说明 shown
whole (Excel rows tall enough, Word tables complete), on A4 pages with page numbers."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reviewer.commentlist import COLUMNS, ListOptions, build_comment_list, conclusion_for, place_label
from reviewer.ingest import load
from reviewer.models import Finding, Location
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_document
from reviewer.render.markdown import render_markdown
from reviewer.render.word import render_docx, render_docx_list
from reviewer.render.xlsx import SHEET_TITLE, render_xlsx, row_height, wrapped_lines
from reviewer.textmatch import fold

from .conftest import SAMPLE_TXTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_DOCS = list(SAMPLE_TXTS) + sorted(FIXTURES.glob("[0-9][0-9][0-9]_*.docx"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CALC = SOFFICE is not None and any(Path(p).exists() for p in (
    "/usr/lib/libreoffice/program/libsclo.so", "/usr/lib64/libreoffice/program/libsclo.so"))
OPTIONS = ListOptions(audit_unit="某市财政局预算绩效管理科", auditor="张审核", date="2024年6月1日")
# Internal labels that must never reach a recipient.
INTERNAL = re.compile(r"\bF\d{3}\b|数据核算|规则检查|模型审查|\b[a-z_]+\.[a-z_]+\b")


def reviewed(path: Path):
    doc = load(path)
    return review_document(doc, ReviewOptions(llm="off")), doc


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each sample's Word and Excel lists, and their PDFs by LibreOffice."""
    out = tmp_path_factory.mktemp("lists")
    items = []
    for path in SAMPLE_DOCS:
        review, doc = reviewed(path)
        cl = build_comment_list(review, OPTIONS)
        stem = f"{path.stem}_{path.suffix[1:]}"
        word, sheet = out / f"{stem}.docx", out / f"{stem}.xlsx"
        word.write_bytes(render_docx_list(review, OPTIONS))
        sheet.write_bytes(render_xlsx(review, OPTIONS))
        items.append((path, review, cl, word, sheet))
    if SOFFICE:
        files = [str(w) for *_, w, _ in items] + ([str(s) for *_, s in items] if CALC else [])
        cmd = [SOFFICE, f"-env:UserInstallation={(out / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(out / "pdf"), *files]
        subprocess.run(cmd, capture_output=True, timeout=600)
    return out, items


def pdf_cells(pdf: Path) -> tuple[list[str], list[tuple[float, float]]]:
    """Folded text of every table cell LibreOffice drew, and each page's size. A cell whose
    row is too short has lines drawn outside its borders, so its text is cut here."""
    import pdfplumber

    cells, sizes = [], []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            sizes.append((round(float(page.width)), round(float(page.height))))
            for table in page.find_tables():
                for row in table.extract():
                    cells.extend(fold(c or "") for c in row)
    return cells, sizes


def pdf_text(pdf: Path) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return fold("".join(page.extract_text() or "" for page in document.pages))


A4 = {(595, 842), (842, 595)}


@pytest.mark.skipif(not CALC, reason="LibreOffice Calc is not installed (Debian package libreoffice-calc-nogui)")
def test_excel_rows_show_all_text_in_libreoffice(rendered):
    out, items = rendered
    for path, review, cl, _, sheet in items:
        pdf = out / "pdf" / (sheet.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {sheet.name}"
        cells, sizes = pdf_cells(pdf)
        assert set(sizes) <= A4, sizes
        for row in cl.rows:
            assert fold(row.explanation) in cells, (path.name, row.no, row.explanation[:40])
        assert fold("第1页，共") in pdf_text(pdf)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (CI installs libreoffice-writer-nogui)")
def test_word_list_shows_all_text_in_libreoffice(rendered):
    out, items = rendered
    for path, review, cl, word, _ in items:
        pdf = out / "pdf" / (word.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice did not convert {word.name}"
        cells, sizes = pdf_cells(pdf)
        assert set(sizes) <= A4, sizes
        text = pdf_text(pdf)
        assert fold("第1页，共") in text
        for row in cl.rows:
            # Rows never split across pages, so each explanation is whole in one cell.
            assert fold(row.explanation) in cells or fold(row.explanation) in text, (path.name, row.no)


@pytest.mark.parametrize("path", SAMPLE_DOCS[:2] + SAMPLE_DOCS[-1:], ids=lambda p: p.name)
def test_the_three_copies_say_the_same(path):
    review, doc = reviewed(path)
    cl = build_comment_list(review, OPTIONS)
    markdown = render_markdown(review, OPTIONS)
    wb = load_workbook(io.BytesIO(render_xlsx(review, OPTIONS)))
    ws = wb[SHEET_TITLE]
    sheet_text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    word = docx.Document(io.BytesIO(render_docx_list(review, OPTIONS)))
    word_text = "\n".join([p.text for p in word.paragraphs]
                          + [c.text for t in word.tables for row in t.rows for c in row.cells])
    for text in (markdown, "\n".join(sheet_text), word_text):
        for key, value in cl.header:
            assert key in text and value.strip() in text
        assert f"{cl.conclusion}" in text and "总体结论" in text
        for column in COLUMNS:
            assert column in text
        for row in cl.rows:
            assert row.explanation.split("\n")[0][:30] in text.replace("<br>", "\n")
        assert not INTERNAL.search(text.replace(Path(review.document.path).name, "")), INTERNAL.search(text)
    # The header row of the table comes right after the header block, one cell per column.
    header_row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    assert list(header_row) == COLUMNS
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and "&P" in ws.oddFooter.center.text
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    footer = section.footer._element
    assert {f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))} == {"PAGE", "NUMPAGES"}


def _finding(severity: str, category: str = "arithmetic") -> Finding:
    return Finding(category=category, severity=severity, source="prepass", rule="t.x", title="标题")


@pytest.mark.parametrize("severities, categories, verdict", [
    ([], [], "通过"),
    (["info"] * 6, None, "通过"),
    (["warning"] * 4, None, "通过"),
    (["warning"] * 5, None, "修改后报送"),
    (["error"], None, "修改后报送"),
    (["error"] * 7, None, "修改后报送"),
    (["error"] * 8, None, "退回"),
    (["error", "error"], ["missing_part", "missing_part"], "退回"),
    (["error", "warning"], ["missing_part", "missing_part"], "修改后报送"),
])
def test_conclusion_policy(severities, categories, verdict):
    categories = categories or ["arithmetic"] * len(severities)
    assert conclusion_for([_finding(s, c) for s, c in zip(severities, categories)])[0] == verdict


@pytest.mark.parametrize("fmt, pages, location, expected", [
    ("pdf", 11, Location(page=4, line=78, start=10, end=20), "第4页"),
    ("docx", 1, Location(page=1, line=57, start=10, end=20), "第57段"),
    ("docx", 9, Location(page=3, line=57, start=10, end=20), "第3页"),
    ("txt", 1, Location(page=1, line=12, start=10, end=20), "第12行"),
    ("txt", 1, Location(), "—"),
])
def test_page_column(fmt, pages, location, expected):
    f = Finding(category="wording", severity="info", source="rules", rule="t", title="t", location=location)
    assert place_label(f, fmt, pages) == expected


@pytest.mark.parametrize("text, width, lines", [
    ("", 10, 1),
    ("短", 10, 1),
    ("一二三四五六七八九十", 10, 3),  # 20 units in 8.5 usable
    ("第一行\n第二行", 40, 2),
    ("a" * 100, 40, 3),
])
def test_wrapped_lines(text, width, lines):
    assert wrapped_lines(text, width) == lines


def test_row_height_grows_with_text_and_is_capped():
    short = row_height(["一句话"], [40])
    long = row_height(["很长的一段话" * 30], [40])
    assert short < long <= 409
    assert row_height(["字" * 5000], [10]) == 409


def test_generated_word_copy_is_a4_with_chinese_fonts():
    review, doc = reviewed(SAMPLE_TXTS[0])
    document = docx.Document(io.BytesIO(render_docx(review, doc)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = {el.get(qn("w:eastAsia")) for el in document.styles.element.iter(qn("w:rFonts"))}
    assert "宋体" in fonts
    comments = "\n".join(c.text for c in document.comments)
    assert not INTERNAL.search(comments), INTERNAL.search(comments)
