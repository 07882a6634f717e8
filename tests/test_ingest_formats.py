"""The same report as TXT, DOCX and PDF reads the same: headings, tables, quotable text.

The DOCX and PDF fixtures are renderings of samples/*.txt (scripts/render_samples.py:
python-docx, then LibreOffice), so every difference is the reader's doing.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys

import pytest

from reviewer.errors import InputError
from reviewer.ingest import load
from reviewer.textmatch import fold

from .conftest import ROOT, SAMPLE_TXTS

FIXTURES = ROOT / "tests" / "fixtures"
STEMS = [p.stem for p in SAMPLE_TXTS]


@pytest.fixture(scope="session", autouse=True)
def rendered_fixtures():
    """Render the fixtures when they are missing (a fresh checkout without them)."""
    missing = [s for s in STEMS if not (FIXTURES / f"{s}.docx").exists() or not (FIXTURES / f"{s}.pdf").exists()]
    if missing:
        if not shutil.which("soffice"):
            pytest.skip("tests/fixtures missing and LibreOffice is not installed to render them")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "render_samples.py")], check=True)


_docs: dict[tuple[str, str], object] = {}


def doc_of(stem: str, fmt: str):
    key = (stem, fmt)
    if key not in _docs:
        path = ROOT / "samples" / f"{stem}.txt" if fmt == "txt" else FIXTURES / f"{stem}.{fmt}"
        _docs[key] = load(path)
    return _docs[key]


def headings(doc) -> list[str]:
    return [fold(s.title) for s in doc.sections.all() if s.level <= 2]


def table_cells(table) -> list[list[str]]:
    """Non-empty cell texts row by row: merged cells are empty in their later grid
    positions, and a text export drops them, so only the filled cells compare."""
    return [[fold(c.text) for c in row if fold(c.text)] for row in table.rows]


def distinctive_sentences(doc, limit: int = 4) -> list[str]:
    """The longest sentences of the plain-text report's paragraphs, plus one long cell."""
    sentences = []
    for block in doc.paragraphs:
        for sentence in re.split(r"(?<=[。；！？])", " ".join(block.text.split())):
            if len(fold(sentence)) >= 15:
                sentences.append(sentence.strip())
    sentences.sort(key=lambda s: -len(fold(s)))
    picked = sentences[:limit]
    cells = sorted((c.text for t in doc.tables for c in t.cells() if len(fold(c.text)) >= 8),
                   key=lambda t: -len(t))
    return picked + cells[:1]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_headings_match_the_text_version(stem, fmt):
    expected = headings(doc_of(stem, "txt"))
    assert len(expected) >= 5
    assert headings(doc_of(stem, fmt)) == expected


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_every_table_is_a_table_with_the_same_cells(stem, fmt):
    txt_tables = doc_of(stem, "txt").tables
    tables = doc_of(stem, fmt).tables
    assert len(tables) == len(txt_tables)
    for got, want in zip(tables, txt_tables):
        assert got.is_table and got.rows
        # PDF tables are ruled grids cut by page breaks: rows continued on the next
        # page are stitched back, so their cells read like the Word table's.
        assert table_cells(got) == table_cells(want)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_distinctive_sentences_are_found_verbatim(stem, fmt):
    doc = doc_of(stem, fmt)
    sentences = distinctive_sentences(doc_of(stem, "txt"))
    assert len(sentences) >= 3
    for sentence in sentences:
        span = doc.find(sentence)
        assert span is not None, sentence
        assert fold(doc.text[span[0]:span[1]]) == fold(sentence)


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_paragraphs_carry_the_word_text(stem):
    """Lines are joined back into the paragraphs they were typeset from: the PDF's text
    equals the Word file's, apart from page numbers (which the PDF reader drops)."""
    def body(doc):
        return "".join(fold(b.text) for b in doc.paragraphs if not re.fullmatch(r"\d{1,3}", fold(b.text)))

    pdf, word = doc_of(stem, "pdf"), doc_of(stem, "docx")
    assert body(pdf) == body(word)
    # Paragraph breaks survive: at most a few lines that end flush with the margin
    # without a full stop are (rightly, from the layout's point of view) run on.
    assert abs(len(pdf.paragraphs) - len(word.paragraphs)) <= 2


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_pages_are_tracked(stem):
    import pypdfium2

    doc = doc_of(stem, "pdf")
    assert doc.pages == len(pypdfium2.PdfDocument(FIXTURES / f"{stem}.pdf")) > 1
    pages = [b.page for b in doc.blocks]
    assert pages == sorted(pages)
    assert pages[0] == 1 and pages[-1] == doc.pages
    for block in doc.blocks:
        assert doc.page_of(block.start) == block.page


@pytest.mark.parametrize("stem", STEMS)
def test_no_ingest_warnings_on_clean_files(stem):
    assert doc_of(stem, "pdf").ingest_findings == []
    assert doc_of(stem, "docx").ingest_findings == []


def _add_scanned_page(source: bytes | None) -> bytes:
    """A PDF with one more page that shows only a picture, as a scanner makes it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source) if source else pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    bitmap = pdfium.PdfBitmap.new_native(200, 100, pdfium.raw.FPDFBitmap_BGR)
    bitmap.fill_rect((255, 255, 255, 255), 0, 0, 200, 100)
    bitmap.fill_rect((0, 0, 0, 255), 20, 20, 120, 8)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(400, 200).translate(100, 500))
    page.insert_obj(image)
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_scanned_page_gives_one_warning(tmp_path):
    path = tmp_path / "partly_scanned.pdf"
    path.write_bytes(_add_scanned_page((FIXTURES / f"{STEMS[1]}.pdf").read_bytes()))
    doc = load(path)
    assert [f.rule for f in doc.ingest_findings] == ["ingest.no_text_layer"]
    finding = doc.ingest_findings[0]
    assert finding.severity == "warning" and finding.source == "ingest" and finding.category == "missing_part"
    assert f"第{doc.pages}页" in finding.detail and "OCR" in finding.detail
    assert finding.location.page == doc.pages
    # The readable pages are still read.
    assert headings(doc) == headings(doc_of(STEMS[1], "txt"))


def test_a_fully_scanned_pdf_is_refused(tmp_path):
    path = tmp_path / "scanned.pdf"
    path.write_bytes(_add_scanned_page(None))
    with pytest.raises(InputError) as err:
        load(path)
    assert "OCR" in err.value.zh


def test_encrypted_pdf_is_refused():
    with pytest.raises(InputError) as err:
        load(FIXTURES / "encrypted.pdf")
    assert "加密" in err.value.zh and "encrypted" in err.value.en


def test_docx_page_breaks_start_new_pages(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    from render_samples import render_docx

    first, second = SAMPLE_TXTS[1], SAMPLE_TXTS[2]
    path = tmp_path / "two_reports.docx"
    render_docx([first, second], path)  # the second report after a page break
    doc = load(path)
    assert doc.pages == 2
    second_title = headings(doc_of(second.stem, "txt"))[0]
    starts = [s for s in doc.sections.all() if fold(s.title) == second_title]
    assert starts and doc.page_of(starts[-1].start) == 2
    assert doc.page_of(doc.sections.all()[0].start) == 1
