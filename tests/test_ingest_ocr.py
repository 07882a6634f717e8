"""Scanned PDFs through offline OCR (the `reviewer[ocr]` extra).

The scans are made here: pages of a sample's PDF fixture (LibreOffice's rendering of
samples/<stem>.txt) rendered to grey images and wrapped as an image-only PDF, as a
scanner gives them back (bench/ocr.py). The reference is the text-layer PDF of the same
pages, whose figure findings are the TXT's. OCR is slow on two cores, so only a few
pages are scanned: a money table, a score table and a page dense with shares.
"""
from __future__ import annotations

import sys
from collections import Counter

import pytest

from reviewer.errors import InputError
from reviewer.ingest import load
from reviewer.ingest.ocr import available, fold_confusions, note_ocr_findings
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_document
from reviewer.textmatch import fold

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from ocr import compare, finding_key, pages_of, scanned_copy  # noqa: E402  (bench/ocr.py)

FIXTURES = ROOT / "tests" / "fixtures"
needs_ocr = pytest.mark.skipif(not available(), reason="the OCR extra is not installed: pip install 'reviewer[ocr]'")
# stem -> pages to scan: 003 p.2 a money table whose part exceeds its whole and p.4-6 a
# score table with a score off its formula; 004 p.6 a page dense with shares and sums.
SCANS = {"003_9f785aea458f6f0e": [2, 4, 5, 6], "004_0dfcc704536f2e1e": [6]}


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """stem -> (reference doc, its figure findings, scanned doc, its figure findings, review)."""
    out = tmp_path_factory.mktemp("scans")
    result = {}
    for stem, pages in SCANS.items():
        text_pdf = out / f"{stem}_pages.pdf"
        text_pdf.write_bytes(pages_of((FIXTURES / f"{stem}.pdf").read_bytes(), pages))
        scan = out / f"{stem}_scan.pdf"
        scan.write_bytes(scanned_copy(text_pdf.read_bytes()))
        reference = load(text_pdf)
        ref_review = review_document(reference, ReviewOptions(llm="off"))
        doc = load(scan)
        review = review_document(doc, ReviewOptions(llm="off"))
        result[stem] = (reference, [f for f in ref_review.findings if f.source == "prepass"],
                        doc, [f for f in review.findings if f.source == "prepass"], review)
    return result


@needs_ocr
def test_scans_keep_nine_tenths_of_the_figure_findings(scans):
    total = kept_total = 0
    lost_all, added_all = [], []
    for stem, (_, ref, _, got, _) in scans.items():
        kept, lost, added = compare(ref, got)
        total, kept_total = total + len(ref), kept_total + kept
        lost_all += lost
        added_all += added
    assert total >= 20  # enough figure findings to measure
    # The OCR's own misreads: findings lost and findings only the scan has, counted.
    assert kept_total >= 0.9 * total, (kept_total, total, lost_all)
    assert len(added_all) <= max(2, total // 10), added_all


@needs_ocr
def test_the_reference_findings_are_the_txt_findings():
    """The text-layer pages' figure findings are findings the TXT review has too, so the
    scan is measured against the TXT."""
    stem = "004_0dfcc704536f2e1e"
    txt = load(ROOT / "samples" / f"{stem}.txt")
    txt_keys = Counter(finding_key(f) for f in review_document(txt, ReviewOptions(llm="off")).findings
                       if f.source == "prepass")
    reference = FIXTURES / f"{stem}.pdf"
    doc = load(reference)
    on_pages = Counter(finding_key(f) for f in review_document(doc, ReviewOptions(llm="off")).findings
                       if f.source == "prepass" and f.location.page in SCANS[stem])
    assert on_pages and not (on_pages - txt_keys)


@needs_ocr
def test_ruled_tables_are_recovered_from_the_image(scans):
    reference, _, doc, _, _ = scans["003_9f785aea458f6f0e"]
    assert doc.tables and all(t.origin == "ocr" for t in doc.tables)
    want = [[[fold(c.text) for c in row] for row in t.rows] for t in reference.tables]
    got = [[[fold(c.text) for c in row] for row in t.rows] for t in doc.tables]
    assert [len(t) for t in got] == [len(t) for t in want]
    cells = [(a, b) for tw, tg in zip(want, got) for rw, rg in zip(tw, tg) for a, b in zip(rw, rg)]
    # Every cell in its place; the OCR's own misreads (a bracket lost at a cell's wrapped
    # line, a rare character) are counted, not fixed.
    misread = [(a, b) for a, b in cells if a != b]
    assert len(misread) <= 0.1 * len(cells), misread


@needs_ocr
def test_a_score_table_read_by_ocr_gets_the_score_checks(scans):
    _, ref, _, got, _ = scans["003_9f785aea458f6f0e"]
    assert any(f.rule == "score.formula" for f in ref)
    assert [finding_key(f) for f in got if f.rule.startswith("score.")] == \
        [finding_key(f) for f in ref if f.rule.startswith("score.")]


@needs_ocr
def test_findings_on_ocr_pages_say_so_and_quote_the_recognised_text(scans):
    _, _, doc, got, review = scans["004_0dfcc704536f2e1e"]
    notes = [f for f in review.findings if f.rule == "ingest.ocr"]
    assert len(notes) == 1 and "第1页" in notes[0].detail and "OCR" in notes[0].detail
    assert all(b.origin == "ocr" for b in doc.blocks)
    assert got
    for f in got:
        assert f.location.page == 1
        assert fold(doc.text[f.location.start:f.location.end]) == fold(f.quote)
    note_ocr_findings(doc, got)
    assert all("OCR 识别页" in f.detail and f"第{f.location.page}页" in f.detail for f in got)


@needs_ocr
def test_a_scan_with_nothing_legible_is_one_clear_line(tmp_path):
    import io

    from PIL import Image

    blank = Image.new("L", (1240, 1754), 255)
    buf = io.BytesIO()
    blank.save(buf, "PDF", resolution=150)
    path = tmp_path / "blank_scan.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError) as err:
        load(path)
    assert "OCR" in err.value.zh and "\n" not in err.value.zh


def test_without_the_extra_the_message_names_it(tmp_path, monkeypatch):
    """As on a machine where `reviewer[ocr]` is not installed."""
    import io

    from PIL import Image
    from typer.testing import CliRunner

    import reviewer.ingest.ocr as ocr
    from reviewer.cli import app

    monkeypatch.setattr(ocr, "available", lambda: False)
    page = Image.new("L", (600, 800), 255)
    page.paste(0, (100, 100, 500, 140))
    buf = io.BytesIO()
    page.save(buf, "PDF", resolution=72)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    result = CliRunner().invoke(app, ["review", str(path), "--no-llm", "--format", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "reviewer[ocr]" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


# --- the confusion fold map: only OCR text, only inside figures, same length ------------

@pytest.mark.parametrize("recognised, folded", [
    ("预算资金IO万元", "预算资金10万元"),
    ("年初预算安排l23.5万兀", "年初预算安排123.5万元"),
    ("2O21年度", "2021年度"),
    ("执行率为9O.5%", "执行率为90.5%"),
    ("预匏数为12万元", "预算数为12万元"),
    ("决匏数", "决算数"),
    ("共l个项目", "共1个项目"),
    ("合计1,2OO万元", "合计1,200万元"),
])
def test_confusions_inside_figures_are_folded(recognised, folded):
    out, changed = fold_confusions(recognised)
    assert out == folded and len(out) == len(recognised)
    assert changed == sum(1 for a, b in zip(recognised, folded) if a != b)


@pytest.mark.parametrize("recognised", [
    "OA系统上线运行",
    "完成iOS客户端开发",
    "KPI考核",
    "采用IO接口",
    "兀自",
    "Excel表格",
    "l型支架",
])
def test_words_that_only_look_like_figures_stay(recognised):
    assert fold_confusions(recognised) == (recognised, 0)


def test_a_text_layer_is_never_folded():
    """The fold map is the OCR reader's: a report with a text layer keeps "IO万元" as
    written (a real typo the checks may report), and has no OCR blocks."""
    from .helpers import doc_from_text

    doc = doc_from_text("一、部门概况\n年初预算安排IO万元，决匏数l2万兀。\n")
    assert "年初预算安排IO万元，决匏数l2万兀。" in doc.text
    assert not any(b.origin == "ocr" for b in doc.blocks)
    assert "ingest.ocr" not in {f.rule for f in doc.ingest_findings}


@needs_ocr
def test_an_unruled_table_is_recovered_from_box_geometry(tmp_path):
    """A table printed without rulings: columns from how the recognised boxes line up,
    and the money-table checks run on it (its 合计 is off by 1.00)."""
    from pathlib import Path

    from PIL import Image, ImageDraw, ImageFont

    font_file = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not font_file.exists():
        pytest.skip("Noto Sans CJK is not installed (apt-get install fonts-noto-cjk): it draws the page")
    font = ImageFont.truetype(str(font_file), 40, index=2)  # index 2: the SC face
    page = Image.new("L", (1654, 1000), 255)
    draw = ImageDraw.Draw(page)
    draw.text((150, 100), "一、部门整体支出情况", font=font, fill=0)
    rows = [["项目", "预算数", "执行数"], ["基本支出", "120.00", "119.12"], ["项目支出", "91.92", "49.90"],
            ["合计", "212.92", "169.02"]]
    for r, row in enumerate(rows):
        for x, text in zip((150, 650, 1100), row):
            draw.text((x, 220 + r * 80), text, font=font, fill=0)
    draw.text((150, 600), "以上数据来源于部门决算报表。", font=font, fill=0)
    path = tmp_path / "unruled.pdf"
    page.save(path, "PDF", resolution=200)
    doc = load(path)
    assert [[c.text for c in row] for t in doc.tables for row in t.rows] == rows
    review = review_document(doc, ReviewOptions(llm="off"))
    totals = [f for f in review.findings if f.source == "prepass" and "212.92" in f.quote]
    assert totals and all(f.location.page == 1 for f in totals)
