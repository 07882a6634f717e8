"""The Word file with comments: reopened, each comment checked against the text it covers,
and opened by LibreOffice to prove it is a valid document."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.pipeline import document_info, finalize
from reviewer.render.html import TableItem, finding_span, text_layout
from reviewer.render.word import AUTHOR, comment_text, render_docx
from reviewer.textmatch import fold

from .conftest import SAMPLE_TXTS
from .test_render_html import FIXTURE_DOCX, FIXTURE_PDF, build_review


def anchored_texts(data: bytes) -> dict[int, str]:
    """Text between each comment's commentRangeStart and commentRangeEnd, in body order
    (paragraph ends as newlines, table cells as tabs)."""
    document = docx.Document(io.BytesIO(data))
    open_ids: set[int] = set()
    texts: dict[int, str] = {}
    text_tags = {qn(f"w:{t}") for t in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab")}
    for el in document.element.body.iter():
        if el.tag == qn("w:commentRangeStart"):
            cid = int(el.get(qn("w:id")))
            open_ids.add(cid)
            texts.setdefault(cid, "")
        elif el.tag == qn("w:commentRangeEnd"):
            open_ids.discard(int(el.get(qn("w:id"))))
        elif el.tag in text_tags and el.getparent().tag == qn("w:r"):
            for cid in open_ids:
                texts[cid] += str(el)
        elif el.tag == qn("w:p"):
            for cid in open_ids:
                if texts[cid]:
                    texts[cid] += "\n"
    assert not open_ids, f"unclosed comment ranges {open_ids}"
    return texts


def check_comments(review, doc, data: bytes) -> None:
    document = docx.Document(io.BytesIO(data))
    comments = list(document.comments)
    grounded = [f for f in review.findings if finding_span(f, doc)]
    # One comment per grounded finding, plus the overall comment on the title.
    assert len(comments) == len(grounded) + 1
    assert all(c.author == AUTHOR and c.initials == "AI" for c in comments)
    overall, *per_finding = comments
    assert overall.text.startswith("智能预审意见汇总")
    for f in review.findings:
        if not finding_span(f, doc):
            assert f.title in overall.text  # unplaced findings are listed in the summary
    anchors = anchored_texts(data)
    for comment, f in zip(per_finding, grounded):
        assert comment.text == comment_text(f)
        covered = anchors[comment.comment_id]
        assert fold(covered) == fold(f.quote), (f.id, covered, f.quote)
        if "\n" not in f.quote and "\t" not in f.quote and doc.format == "docx":
            # Paragraphs inside one table cell are joined without a separator by the reader.
            assert covered.replace("\n", "") == f.quote, f.id
    first_paragraph = next(p.text for p in document.paragraphs if p.text.strip())
    assert fold(anchors[overall.comment_id]) == fold(first_paragraph)


def east_asian_fonts(data: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(data))
    fonts = {el.get(qn("w:eastAsia")) for el in document.element.iter(qn("w:rFonts"))}
    styles = document.styles.element
    fonts |= {el.get(qn("w:eastAsia")) for el in styles.iter(qn("w:rFonts"))}
    fonts |= {el.get(qn("w:eastAsia")) for el in document.part._comments_part.element.iter(qn("w:rFonts"))}
    return fonts - {None}


@pytest.mark.parametrize("path", SAMPLE_TXTS + FIXTURE_DOCX + FIXTURE_PDF, ids=lambda p: p.name)
def test_comments_anchor_on_their_quotes(path):
    doc = load(path)
    review = build_review(doc)
    data = render_docx(review, doc)
    check_comments(review, doc, data)
    assert "宋体" in east_asian_fonts(data)


def test_docx_input_is_a_commented_copy_of_the_original(tmp_path):
    """Quotes across formatted runs, inside table cells (one with two paragraphs), across
    cells, across paragraphs, and overlapping each other, in a DOCX made here."""
    src = tmp_path / "report.docx"
    d = docx.Document()
    d.add_paragraph("某某县财政局2023年度部门整体支出绩效自评报告")
    p = d.add_paragraph("一、基本情况。本年度")
    bold = p.add_run("预算执行率为")
    bold.bold = True
    p.add_run("98.5%，")
    p.add_run("较上年提高2个百分点。")
    d.add_paragraph("二、绩效目标完成情况")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "分值", "得分"], ["预算执行率", "10", "9.8"], ["满意度", "10", "11"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 0).add_paragraph("（问卷）")
    merged = d.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格标题"
    merged.cell(1, 0).text = "左"
    merged.cell(1, 1).text = "右"
    d.add_paragraph("三、存在问题：部分项目进度偏慢。").add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("四、下一步工作：加快项目进度。")
    d.save(src)
    original_xml = docx.Document(src).element.body.xml

    doc = load(src)
    spans = {}
    for quote in ("预算执行率为98.5%", "执行率为98", "2个百分点", "满意度（问卷）", "11", "进度偏慢", "合并单元格标题",
                  "加快项目进度"):
        spans[quote] = doc.find(quote)
        assert spans[quote], quote
    spans["cross-paragraph"] = (doc.text.index("百分点"), doc.text.index("绩效目标") + 2)
    findings = [make_finding(doc, category="wording", severity="warning", source="rules", rule=f"t{i}",
                             title=f"问题{i}", detail="说明", suggestion="建议", span=span)
                for i, span in enumerate(spans.values())]
    findings.append(make_finding(doc, category="missing_part", severity="error", source="rules", rule="missing",
                                 title="缺少整改措施"))
    review = finalize(document_info(doc), findings)
    data = render_docx(review, doc)
    check_comments(review, doc, data)

    out = docx.Document(io.BytesIO(data))
    # The copy keeps the original's text and formatting: only comment marks were added.
    assert [p.text for p in out.paragraphs] == [p.text for p in docx.Document(src).paragraphs]
    # Split runs keep their formatting: the bold words are still bold, and only they.
    assert "".join(r.text for r in out.paragraphs[1].runs if r.bold) == "预算执行率为"
    assert len(out.paragraphs[1].runs) > 4
    assert out.tables[0].cell(2, 0).text == "满意度\n（问卷）"
    assert len(original_xml) < len(out.element.body.xml)
    reloaded = load(_save(tmp_path / "commented.docx", data))
    assert reloaded.text == doc.text


def test_original_edited_after_the_review_is_still_commented_on_the_quotes(tmp_path):
    """When the file changed since it was read, quotes are located again in its text."""
    src = tmp_path / "report.docx"
    d = docx.Document()
    d.add_paragraph("某单位2023年度项目支出绩效自评报告")
    d.add_paragraph("项目资金到位率为100%，执行率为95%。")
    d.save(src)
    doc = load(src)
    findings = [make_finding(doc, category="ratio", severity="error", source="prepass", rule="r", title="执行率有误",
                             span=doc.find("执行率为95%"))]
    review = finalize(document_info(doc), findings)
    edited = docx.Document(src)
    edited.paragraphs[0].insert_paragraph_before("（修订稿）")
    edited.save(src)
    data = render_docx(review, doc)
    comments = list(docx.Document(io.BytesIO(data)).comments)
    assert len(comments) == 2
    assert anchored_texts(data)[comments[1].comment_id] == "执行率为95%"


def _save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_comment_text_format():
    doc = load(SAMPLE_TXTS[0])
    f = make_finding(doc, category="arithmetic", severity="error", source="prepass", rule="r", title="合计不符",
                     detail="分项之和为99。", suggestion="核对合计数。", span=(0, 4), stated="100", expected="99")
    assert comment_text(f) == "[须修改] 合计不符：分项之和为99。（文中：100；核算：99） 建议：核对合计数。"
    cited = f.model_copy(update={"detail": "分项之和为99。（评审规则“部门整体支出绩效自评报告”：数据核算：合计）",
                                 "stated": None, "expected": None})
    assert comment_text(cited, "open") == ("【未整改】[须修改] 合计不符：分项之和为99。 建议：核对合计数。"
                                           " 依据：《部门整体支出绩效自评报告》评分细则：数据核算：合计")


@pytest.mark.parametrize("path", FIXTURE_DOCX[:2], ids=lambda p: p.name)
def test_rereview_of_a_commented_file_replaces_the_tools_comments(path, tmp_path):
    """The commented copy sent back and reviewed again: one set of the tool's comments,
    while a person's own comment stays."""
    first = load(path)
    commented = tmp_path / "commented.docx"
    commented.write_bytes(render_docx(build_review(first), first))
    person = docx.Document(str(commented))
    paragraph = next(p for p in person.paragraphs if p.text.strip())
    person.add_comment(paragraph.runs[:1] or [paragraph.add_run("x")], text="单位说明：已核对", author="单位经办人")
    person.save(str(commented))

    doc = load(commented)
    assert doc.text == first.text  # comments are not part of the reviewed text
    review = build_review(doc)
    data = render_docx(review, doc)
    comments = list(docx.Document(io.BytesIO(data)).comments)
    ours = [c for c in comments if c.author == AUTHOR]
    assert len(ours) == len([f for f in review.findings if finding_span(f, doc)]) + 1
    assert [c.text for c in comments if c.author == "单位经办人"] == ["单位说明：已核对"]
    body = docx.Document(io.BytesIO(data)).element.body
    starts = {el.get(qn("w:id")) for el in body.iter(qn("w:commentRangeStart"))}
    assert starts == {str(c.comment_id) for c in comments}


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.name)
def test_generated_docx_has_all_text_and_tables(path):
    doc = load(path)
    data = render_docx(build_review(doc), doc)
    out = docx.Document(io.BytesIO(data))
    # Tables whose cells hold all their text become Word tables; the others are kept as lines.
    assert len(out.tables) == sum(isinstance(item, TableItem) for item in text_layout(doc))
    assert out.styles["Normal"].font.size == Pt(10.5)
    body = fold("".join(el.text or "" for el in out.element.body.iter(qn("w:t"))))
    assert body == fold(doc.text)  # all the text, in order


def test_some_sample_has_word_tables():
    assert any(isinstance(item, TableItem) for p in SAMPLE_TXTS for item in text_layout(load(p)))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (CI installs libreoffice-writer-nogui)")
def test_libreoffice_opens_the_files(tmp_path):
    paths = [SAMPLE_TXTS[2]] + FIXTURE_DOCX[:1] + FIXTURE_PDF[:1]
    written = []
    for i, path in enumerate(paths):
        doc = load(path)
        written.append(_save(tmp_path / f"out{i}.docx", render_docx(build_review(doc), doc)))
    cmd = [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(tmp_path / "pdf"), *map(str, written)]
    subprocess.run(cmd, capture_output=True, timeout=240)
    for w in written:
        pdf = tmp_path / "pdf" / (w.stem + ".pdf")
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", pdf
        assert pdf.stat().st_size > 2000
