"""Line re-joining for every format, the PDF visible box, and golden layout dumps.

Regenerate the dumps after an intended change with REVIEWER_UPDATE_LAYOUT_GOLDEN=1 and
read the diff: each says which lines were joined, which tables were found, what was dropped.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from reviewer.ingest import load
from reviewer.ingest.txt import parse_txt
from reviewer.layout.dump import dump_layout
from reviewer.sections import HEADING_RE
from reviewer.textmatch import fold

from ..conftest import ROOT, SAMPLE_TXTS

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = ROOT / "tests" / "fixtures"
DUMPED = [p for p in SAMPLE_TXTS] + sorted(FIXTURES.glob("*.docx")) + sorted(FIXTURES.glob("*.pdf"))
DUMPED = [p for p in DUMPED if p.name != "encrypted.pdf"]


@pytest.mark.parametrize("path", DUMPED, ids=lambda p: p.name)
def test_layout_dump_matches_golden(path):
    doc = load(path)
    dump = dump_layout(doc).replace(str(path), path.name)
    golden = GOLDEN / f"{path.name}.layout.txt"
    if os.environ.get("REVIEWER_UPDATE_LAYOUT_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(dump, encoding="utf-8")
    assert dump == golden.read_text(encoding="utf-8")


def _wrapped(paragraphs: list[str], width: int) -> str:
    lines = []
    for p in paragraphs:
        if HEADING_RE.match(p):
            lines.append(p)
            continue
        lines += [p[i:i + width] for i in range(0, len(p), width)]
    return "\n".join(lines) + "\n"


PARAGRAPHS = [
    "一、基本情况",
    "本单位2022年度收入预算合计1234.56万元，其中财政拨款收入1200.00万元，其他收入34.56万元；"
    "支出预算合计1234.56万元，其中基本支出1000.00万元，项目支出234.56万元，全年执行率为98.5%。",
    "二、绩效目标完成情况",
    "全年共开展业务培训12期，培训人员860人次，完成年度目标的107.5%；开展监督检查36次，"
    "发现问题整改率100%，群众满意度调查回收问卷320份，满意度为96.2%。",
    "（一）存在的问题",
    "部分项目前期论证不够充分，预算执行进度前慢后快，绩效目标设置不够细化、量化，"
    "个别指标难以衡量，绩效自评工作的深度和广度有待进一步加强，整改措施需要细化落实到人。",
]


def test_hard_wrapped_text_joins_into_its_paragraphs():
    doc = parse_txt(_wrapped(PARAGRAPHS, 30), "wrapped.txt")
    assert [fold(b.text) for b in doc.paragraphs] == [fold(p) for p in PARAGRAPHS]
    assert [b.lines for b in doc.paragraphs] == [1, 4, 1, 3, 1, 3]


def test_a_title_that_fills_the_line_stays_a_line_of_its_own():
    """A heading exactly as long as the wrap width does not swallow the next line, while
    a wrapped title is still read whole and a numbered sentence still runs on."""
    body = "本单位严格执行预算管理制度，各项支出均按规定程序审批，资金使用规范，会计核算准确，" * 3
    lines = [body[i:i + 30] for i in range(0, len(body), 30)]
    title = "三、“三公”经费财政拨款支出决算情况说明及其变动原因分析"[:30]
    text = "\n".join(lines + [title, "2023年度“三公”经费支出26.40万元，比上年减少3.10万元。"] + lines) + "\n"
    doc = parse_txt(text, "title.txt")
    assert any(fold(b.text) == fold(title) for b in doc.paragraphs)


def test_short_lines_are_not_joined():
    text = "\n".join(["一、基本情况", "本单位有职工12人。", "二、工作情况", "完成任务。"] * 4) + "\n"
    doc = parse_txt(text, "short.txt")
    assert all(b.lines == 1 for b in doc.paragraphs) and len(doc.paragraphs) == 16


def test_docx_printed_lines_read_like_the_text(tmp_path):
    """A Word file with one paragraph per printed line (as PDF-to-Word converters make)
    gives the same paragraphs as the plain text."""
    import docx

    d = docx.Document()
    for line in _wrapped(PARAGRAPHS, 30).splitlines():
        d.add_paragraph(line)
    path = tmp_path / "printed_lines.docx"
    d.save(path)
    doc = load(path)
    assert [fold(b.text) for b in doc.paragraphs] == [fold(p) for p in PARAGRAPHS]
    for b in doc.paragraphs:
        assert doc.text[b.start:b.end] == b.text


def test_real_word_paragraphs_are_not_joined():
    doc = load(FIXTURES / f"{SAMPLE_TXTS[1].stem}.docx")
    assert all(b.lines == 1 for b in doc.paragraphs)


def test_text_outside_the_visible_page_box_is_dropped_and_reported(tmp_path):
    import pypdfium2 as pdfium

    source = FIXTURES / f"{SAMPLE_TXTS[1].stem}.pdf"
    pdf = pdfium.PdfDocument(source)
    page = pdf[0]
    left, bottom, right, top = page.get_mediabox()
    # Hide the lower half of the first page: a viewer no longer shows it.
    page.set_cropbox(left, (bottom + top) / 2, right, top)
    out = io.BytesIO()
    pdf.save(out)
    path = tmp_path / "cropped.pdf"
    path.write_bytes(out.getvalue())
    full, cropped = load(source), load(path)
    [finding] = cropped.ingest_findings
    assert finding.rule == "layout.outside_page" and finding.severity == "info"
    assert finding.category == "boilerplate" and finding.location.page == 1
    assert len(fold(cropped.text)) < len(fold(full.text))
    # The text the finding names as hidden was read from the full page, not the cropped one.
    hidden = fold(finding.detail.split("已略去不审：")[1].split("；")[0])[:10]
    assert len(hidden) >= 6 and hidden in fold(full.text) and hidden not in fold(cropped.text)
