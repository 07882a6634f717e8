"""The Word file reviewers hand back: findings as comments (批注) on the quoted text.

For a DOCX input the original file is copied and commented in place: the body is walked
exactly as the DOCX reader built the document text, so every text offset maps back to a
character of a Word paragraph, and runs are split so a comment covers exactly its quote.
For PDF and TXT input a Word file of the extracted text is generated, with the same
comments. An overall comment on the title summarises the review and lists the findings
that have no place in the text (missing parts, unlocated quotes).
"""
from __future__ import annotations

import copy
import io
import logging
from pathlib import Path

from ..document import Document, DocumentBuilder
from ..models import CATEGORY_LABELS, KIND_LABELS, Finding, Review
from ..textmatch import xml_safe
from .html import TextItem, finding_span, text_layout

log = logging.getLogger("reviewer.render.word")

AUTHOR = "智能预审"
INITIALS = "AI"
EAST_ASIA_FONT = "宋体"
LATIN_FONT = "Times New Roman"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Run children that carry text (the same set python-docx reads for Run.text).
_TEXT_TAGS = {_W + t for t in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab")}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


STATUS_PREFIX = {"open": "【未整改】", "new": "【新增】"}


def comment_text(f: Finding, status: str = "") -> str:
    """"[严重程度] 标题：detail（文中…；核算…） 建议：suggestion 依据：…" (empty parts left out);
    in a comparison the comment starts with 【未整改】 or 【新增】."""
    from ..commentlist import severity_label, split_citation

    detail, citation = split_citation(f.detail)
    text = f"{STATUS_PREFIX.get(status, '')}[{severity_label(f.severity)}] {f.title}"
    if f.stated is not None or f.expected is not None:
        detail = f"{detail}（文中：{f.stated or '—'}；核算：{f.expected or '—'}）".strip()
    if detail:
        text += f"：{detail}"
    if f.suggestion:
        text += f" 建议：{f.suggestion}"
    if citation:
        text += f" 依据：{citation}"
    return text


def overall_text(review: Review, anchored: int, unplaced: list[Finding], status: dict[str, str] | None = None,
                 fixed: list[Finding] | None = None) -> str:
    from ..commentlist import conclusion_for, severity_label

    d, s = review.document, review.summary
    kind = KIND_LABELS.get(d.kind, "")
    verdict, reason = conclusion_for(review.findings)
    lines = [
        f"智能预审意见汇总（{d.unit or '未识别单位'}{f'{d.year}年度' if d.year else ''}{kind}）：共发现 "
        f"{len(review.findings)} 项问题，其中{severity_label('error')} {s.errors} 项、{severity_label('warning')} "
        f"{s.warnings} 项、{severity_label('info')} {s.infos} 项；{anchored} 项已在原文相应位置批注。",
        f"总体结论：{verdict}。{reason}",
    ]
    lines += list(d.notes)
    if s.dismissed:
        lines.append(f"另有 {s.dismissed} 项意见经审核人确认不予采纳，未批注。")
    if status is not None or fixed:
        status = status or {}
        lines.append(f"与上次报送稿对比：已整改 {len(fixed or [])} 项，未整改 "
                     f"{sum(v == 'open' for v in status.values())} 项，新增 {sum(v == 'new' for v in status.values())} 项。")
    if unplaced:
        lines.append(f"以下 {len(unplaced)} 项无法在原文中定位（缺失内容或未能找到引文）：")
        for i, f in enumerate(unplaced, 1):
            lines.append(f"{i}. {comment_text(f, (status or {}).get(f.id, ''))}（{CATEGORY_LABELS[f.category]}）")
    if fixed:
        lines.append(f"上次报送稿中的以下 {len(fixed)} 项已整改：")
        for i, f in enumerate(fixed, 1):
            lines.append(f"{i}. {f.title}" + (f"（原文：{' '.join(f.quote.split())[:60]}）" if f.quote else ""))
    lines.append("本意见由程序自动生成，仅供参考，请审核人员复核。")
    return "\n".join(lines)


def _set_east_asia(rpr_owner, font: str = EAST_ASIA_FONT) -> None:
    """Set the East Asian font on a run or style (python-docx only sets ascii/hAnsi)."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font)


def _add_comment(document, first_run, last_run, text: str):
    # Model replies and quotes may hold control characters XML cannot carry.
    comment = document.add_comment([first_run, last_run], text=xml_safe(text, keep_page_breaks=False),
                                   author=AUTHOR, initials=INITIALS)
    for paragraph in comment.paragraphs:
        for run in paragraph.runs:
            _set_east_asia(run._r)
    return comment


def _comment_targets(review: Review, doc: Document) -> tuple[list[tuple[Finding, tuple[int, int]]], list[Finding]]:
    placed, unplaced = [], []
    for f in review.findings:
        span = finding_span(f, doc)
        (placed.append((f, span)) if span else unplaced.append(f))
    return placed, unplaced


# ---------------------------------------------------------------------------
# Commenting the original Word file


def _text_runs(p) -> list:
    """The w:r elements whose text makes up Paragraph.text, in order."""
    return p.xpath("./w:r | ./w:hyperlink/w:r")


def _keep(run, lo: int, hi: int | None) -> None:
    """Keep only the run content of characters [lo, hi)."""
    pos = 0
    for child in list(run):
        if child.tag == _W + "rPr":
            continue
        n = len(str(child)) if child.tag in _TEXT_TAGS else 0
        c_lo, c_hi = pos, pos + n
        pos = c_hi
        if n == 0:
            if not (c_lo >= lo and (hi is None or c_lo < hi)):
                run.remove(child)
            continue
        a, b = max(c_lo, lo), c_hi if hi is None else min(c_hi, hi)
        if a >= b:
            run.remove(child)
        elif (a, b) != (c_lo, c_hi):  # only w:t holds more than one character
            child.text = child.text[a - c_lo:b - c_lo]
            child.set(_XML_SPACE, "preserve")


def _split_at(p, k: int) -> None:
    """Make offset k of paragraph p's text fall on a run boundary."""
    pos = 0
    for r in _text_runs(p):
        n = len(r.text)
        if pos < k < pos + n:
            right = copy.deepcopy(r)
            _keep(r, 0, k - pos)
            _keep(right, k - pos, None)
            r.addnext(right)
            return
        pos += n


def _run_at(p, k: int, *, ending: bool):
    """The run that starts (or, with ending, ends) at offset k of paragraph p."""
    pos = 0
    for r in _text_runs(p):
        n = len(r.text)
        if n and (pos + n == k if ending else pos == k):
            return r
        pos += n
    return None


class _OriginalMap:
    """Offsets of the rebuilt document text mapped to (w:p element, character index).

    The body is walked the way the DOCX reader walks it (page breaks, text boxes, tables
    with merged and nested cells); the caller checks the rebuilt text equals the reviewed
    text before trusting offsets, and otherwise locates each quote in the rebuilt text.
    """

    _MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

    def __init__(self, document, path: str):
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        from ..ingest import docx as reader

        builder = DocumentBuilder(path, "docx")
        self.origin: dict[int, tuple[object, int]] = {}
        page_breaks = getattr(reader, "_page_breaks", None)
        rendered = next(document.element.body.iter(_W + "lastRenderedPageBreak"), None) is not None
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                before, count = page_breaks(item._p, rendered) if page_breaks else (False, 0)
                if before:
                    builder.new_page()
                    count -= 1
                self._paragraph(builder, item.text, item._p)
                for box_p, text in self._text_boxes(item._p):
                    # Text box paragraphs are read from w:t only; they map when that is their text.
                    self._paragraph(builder, text, box_p if text == box_p.text else None)
                for _ in range(count):
                    builder.new_page()
            elif isinstance(item, Table):
                self._add_table(builder, item)
        self.doc = builder.build()

    def _paragraph(self, builder: DocumentBuilder, text: str, p) -> None:
        block = builder.add_paragraph(text)
        if block is not None and p is not None:
            for i in range(len(block.text)):
                self.origin[block.start + i] = (p, i)

    def _text_boxes(self, p_element):
        for box in p_element.iter(_W + "txbxContent"):
            node, fallback = box.getparent(), False
            while node is not None and node is not p_element:
                if node.tag == self._MC_FALLBACK:  # the VML copy of a DrawingML box
                    fallback = True
                    break
                node = node.getparent()
            if fallback:
                continue
            for p in box.iter(_W + "p"):
                text = "".join(t.text or "" for t in p.iter(_W + "t"))
                if text.strip():
                    yield p, text

    def _rows(self, table) -> list[list[list[tuple[str, object]]]]:
        """Each cell's characters with their origins; a merged cell once, then empty."""
        seen: set = set()  # the w:tc elements themselves: merged cells repeat the same element
        rows = []
        for row in table.rows:
            out = []
            for cell in row.cells:
                if cell._tc in seen:
                    out.append([])
                    continue
                seen.add(cell._tc)
                chars = [(ch, (p._p, i)) for p in cell.paragraphs for i, ch in enumerate(p.text)]
                for inner in cell.tables:  # a nested table's cells belong to this cell
                    for inner_row in self._rows(inner):
                        for inner_cell in inner_row:
                            chars.extend(inner_cell)
                out.append(_strip(chars))
            rows.append(out)
        return rows

    def _add_table(self, builder: DocumentBuilder, table) -> None:
        # The builder's cell clean-up, applied to characters with their origins.
        rows = [[_strip([(" " if ch == "\t" else ch, o) for ch, o in cell if ch != "\n"]) for cell in row]
                for row in self._rows(table)]
        texts = [["".join(ch for ch, _ in cell) for cell in row] for row in rows]
        kept = [row for row, row_texts in zip(rows, texts) if any(row_texts)]
        block = builder.add_table(texts)
        if block is None:
            return
        for row, cells in zip(kept, block.rows):
            for chars, cell in zip(row, cells):
                for i, (_, o) in enumerate(chars[: cell.end - cell.start]):
                    self.origin[cell.start + i] = o

    def segments(self, start: int, end: int) -> list[tuple[object, int, int]] | None:
        """(w:p, lo, hi) character ranges of each paragraph that [start, end) covers, or
        None when part of the span has no place in a paragraph (text the walk cannot map)."""
        out: list[list] = []
        for offset in range(start, end):
            o = self.origin.get(offset)
            if o is None:
                if not self.doc.text[offset].isspace():
                    return None
                continue
            p, i = o
            if out and out[-1][0] is p and out[-1][2] == i:
                out[-1][2] = i + 1
            else:
                out.append([p, i, i + 1])
        return [tuple(s) for s in out]


def _strip(chars: list[tuple[str, object]]) -> list[tuple[str, object]]:
    a, b = 0, len(chars)
    while a < b and chars[a][0].isspace():
        a += 1
    while b > a and chars[b - 1][0].isspace():
        b -= 1
    return chars[a:b]


def _split_for(mapping: _OriginalMap, start: int, end: int):
    """Split runs so [start, end) begins and ends on run boundaries; returns the
    (first paragraph, lo, last paragraph, hi) to find the runs by, or None."""
    segs = mapping.segments(start, end)
    if not segs:
        return None
    (p0, lo, _), (p1, _, hi) = segs[0], segs[-1]
    _split_at(p0, lo)
    _split_at(p1, hi)
    return p0, lo, p1, hi


def _runs_for(bounds):
    """(first run, last run) covering the bounds; only valid once all splits are done."""
    from docx.text.run import Run

    p0, lo, p1, hi = bounds
    first, last = _run_at(p0, lo, ending=False), _run_at(p1, hi, ending=True)
    if first is None or last is None:
        return None
    return Run(first, None), Run(last, None)


def _title_runs(document):
    from docx.text.run import Run

    for paragraph in document.paragraphs:
        runs = [r for r in _text_runs(paragraph._p) if r.text.strip()]
        if runs:
            return Run(runs[0], None), Run(runs[-1], None)
    return None


def remove_tool_comments(document) -> int:
    """Remove the comments an earlier run of this tool left (author 智能预审), with their
    ranges and references, so a re-review replaces them instead of adding a second set.
    Other people's comments stay."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    try:
        comments_part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return 0
    root = comments_part.element
    ids = set()
    for comment in list(root.iterchildren(qn("w:comment"))):
        if comment.get(qn("w:author")) == AUTHOR and comment.get(qn("w:initials")) in (INITIALS, None):
            ids.add(comment.get(qn("w:id")))
            root.remove(comment)
    if not ids:
        return 0
    body = document.element.body
    for el in list(body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"))):
        if el.get(qn("w:id")) in ids:
            el.getparent().remove(el)
    for ref in list(body.iter(qn("w:commentReference"))):
        if ref.get(qn("w:id")) in ids:
            run = ref.getparent()
            if run.tag == qn("w:r") and all(ch.tag in (qn("w:rPr"), qn("w:commentReference")) for ch in run):
                run.getparent().remove(run)
            else:
                run.remove(ref)
    return len(ids)


def _comment_original(review: Review, doc: Document, status: dict[str, str] | None = None,
                      fixed: list[Finding] | None = None) -> bytes:
    import docx

    document = docx.Document(doc.path)
    removed = remove_tool_comments(document)
    if removed:
        log.info("replacing %d comments of an earlier review in %s", removed, doc.path)
    mapping = _OriginalMap(document, doc.path)
    same_text = mapping.doc.text == doc.text
    if not same_text:
        log.warning("DOCX text of %s differs from the reviewed text; locating quotes again", doc.path)
    placed, unplaced = _comment_targets(review, doc)
    anchors = []
    for f, (start, end) in placed:
        if not same_text:
            span = mapping.doc.find(f.quote, near=start)
            if span is None:
                unplaced.append(f)
                continue
            start, end = span
        anchors.append((f, start, end))
    # All splits first: a later split could cut a run an earlier comment was to end on.
    bounds = [(f, _split_for(mapping, start, end)) for f, start, end in anchors]
    placed_runs = []
    for f, bound in bounds:
        runs = _runs_for(bound) if bound else None
        if runs is None:
            log.warning("cannot anchor %s in %s", f.id, doc.path)
            unplaced.append(f)
        else:
            placed_runs.append((f, runs))
    title = _title_runs(document)
    if title:
        _add_comment(document, *title, overall_text(review, len(placed_runs), unplaced, status, fixed))
    for f, runs in placed_runs:
        _add_comment(document, *runs, comment_text(f, (status or {}).get(f.id, "")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# A Word file generated from the extracted text (PDF and TXT input)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ord(ch) >= 0x2E80


def _visible(text: str, a: int, b: int) -> str:
    """text[a:b] with hard line breaks joined (nothing between Chinese, a space otherwise)."""
    out = []
    for i in range(a, b):
        ch = text[i]
        if ch == "\n":
            prev, nxt = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
            out.append("" if _is_cjk(prev) or _is_cjk(nxt) else " ")
        elif ch in "\f\v":
            continue
        else:
            out.append(ch)
    return "".join(out)


class _Writer:
    def __init__(self, document, doc: Document, cuts: set[int]):
        self.document = document
        self.doc = doc
        self.cuts = sorted(cuts)
        self.runs: list[tuple[int, int, object]] = []  # (start, end, Run) in document order

    def fill(self, paragraph, start: int, end: int, bold: bool = False) -> None:
        import bisect

        i = bisect.bisect_right(self.cuts, start)
        points = [start]
        while i < len(self.cuts) and self.cuts[i] < end:
            points.append(self.cuts[i])
            i += 1
        points.append(end)
        for a, b in zip(points, points[1:]):
            text = _visible(self.doc.text, a, b)
            if not text:
                continue
            run = paragraph.add_run(text)
            run.bold = bold or None
            self.runs.append((a, b, run))

    def anchor(self, start: int, end: int):
        inside = [r for a, b, r in self.runs if start <= a and b <= end and r.text.strip()]
        return (inside[0], inside[-1]) if inside else None


def _setup_styles(document) -> None:
    from docx.shared import Pt

    for name in ("Normal", "Title"):
        style = document.styles[name]
        style.font.name = LATIN_FONT
        _set_east_asia(style.element)
    document.styles["Normal"].font.size = Pt(10.5)


def set_a4(section, landscape: bool = False) -> None:
    """A4 with Chinese official-document margins (python-docx defaults to US Letter)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    section.top_margin = section.bottom_margin = Mm(25 if not landscape else 18)
    section.left_margin = section.right_margin = Mm(25 if not landscape else 15)


def add_page_numbers(section) -> None:
    """"第 X 页，共 Y 页" centred in the footer, as PAGE and NUMPAGES fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def text(value: str) -> None:
        run = paragraph.add_run(value)
        run.font.size = Pt(9)
        _set_east_asia(run._r)

    def field(instr: str) -> None:
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        run.append(t)
        fld.append(run)
        paragraph._p.append(fld)

    text("第 ")
    field("PAGE")
    text(" 页，共 ")
    field("NUMPAGES")
    text(" 页")


def _generate(review: Review, doc: Document, status: dict[str, str] | None = None,
              fixed: list[Finding] | None = None) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    _setup_styles(document)
    set_a4(document.sections[0])
    add_page_numbers(document.sections[0])
    document.core_properties.title = f"{review.document.unit or ''}绩效自评报告（预审批注）"
    document.core_properties.author = AUTHOR
    placed, unplaced = _comment_targets(review, doc)
    writer = _Writer(document, doc, {p for _, span in placed for p in span})
    headings = {s.heading_start for s in doc.sections.all()} if doc.sections else set()
    title_runs = None
    for item in text_layout(doc):
        if isinstance(item, TextItem):
            paragraph = document.add_paragraph()
            first = title_runs is None
            writer.fill(paragraph, item.start, item.end, bold=first or item.start in headings)
            if first:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    run.font.size = Pt(15)
                if paragraph.runs:
                    title_runs = (paragraph.runs[0], paragraph.runs[-1])
        else:
            width = max(len(row) for row in item.rows)
            table = document.add_table(rows=len(item.rows), cols=width)
            table.style = "Table Grid"
            # Table.cell() lists every cell of the table on each call: fetch them once
            # (a 20,000-cell table took 48 s cell by cell).
            cells = table._cells
            for r, row in enumerate(item.rows):
                for c, (s, e) in enumerate(row):
                    writer.fill(cells[r * width + c].paragraphs[0], s, e)
    anchors = []
    for f, (start, end) in placed:
        runs = writer.anchor(start, end)
        if runs is None:
            unplaced.append(f)
        else:
            anchors.append((f, runs))
    if title_runs is None:  # no paragraph at all: add one to carry the summary
        paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
        run = paragraph.add_run(f"{review.document.unit or ''}绩效自评报告")
        title_runs = (run, run)
    _add_comment(document, *title_runs, overall_text(review, len(anchors), unplaced, status, fixed))
    for f, runs in anchors:
        _add_comment(document, *runs, comment_text(f, (status or {}).get(f.id, "")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(review: Review, doc: Document, *, status: dict[str, str] | None = None,
                fixed: list[Finding] | None = None) -> bytes:
    """The commented Word file as bytes: the original copy for DOCX input, else generated.
    With `status` (finding id -> open | new) and `fixed` (findings of the previous version
    no longer present) the comments say what a resubmission changed."""
    if doc.format == "docx" and Path(doc.path).is_file():
        try:
            return _comment_original(review, doc, status, fixed)
        except Exception as exc:  # an odd original never loses the comments: fall back
            log.warning("cannot comment the original %s (%s: %s); generating a new file",
                        doc.path, type(exc).__name__, exc)
    return _generate(review, doc, status, fixed)


# ---------------------------------------------------------------------------
# The 审核意见表 as a Word document (the same list as the Excel and Markdown copies)

LIST_FILL = {"error": "FBD0D0", "warning": "FFE7A3", "info": "CFE6FF"}
# Relative column widths of the Word list (narrow columns need room for the cell padding).
WIDTHS = [7, 11, 16, 10, 34, 40, 16, 26, 20, 14, 11]


def _shade(cell, color: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shd)


def _row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _write_cell(cell, value, size: float, bold: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lines = ("" if value is None else str(value)).split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(xml_safe(line, keep_page_breaks=False))
        run.font.size = Pt(size)
        run.bold = bold or None
        _set_east_asia(run._r)


def comment_list_docx(cl) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from ..render.xlsx import CENTERED
    from ..commentlist import COLUMNS, counts_line

    document = docx.Document()
    _setup_styles(document)
    section = document.sections[0]
    set_a4(section, landscape=True)
    add_page_numbers(section)
    document.core_properties.title = f"{cl.title}：{cl.subtitle}"
    document.core_properties.author = AUTHOR

    def centered(text: str, size: float) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
        _set_east_asia(run._r)

    centered(cl.title, 16)
    centered(cl.subtitle, 12)
    pairs = list(cl.header) + [("总体结论", f"{cl.conclusion}。{cl.conclusion_reason}"), ("意见数量", counts_line(cl))]
    pairs += [("说明", note) for note in cl.notes]
    usable = section.page_width - section.left_margin - section.right_margin
    info = document.add_table(rows=len(pairs), cols=2)
    info.style = "Table Grid"
    info.autofit = False
    info.columns[0].width, info.columns[1].width = Mm(30), usable - Mm(30)  # the grid LibreOffice reads
    for (key, value), row in zip(pairs, info.rows):
        row.cells[0].width, row.cells[1].width = Mm(30), usable - Mm(30)
        _write_cell(row.cells[0], key, 10, bold=True)
        _write_cell(row.cells[1], value, 10, bold=key == "总体结论")
    document.add_paragraph()

    table = document.add_table(rows=1 + max(len(cl.rows), 1), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    total = float(sum(WIDTHS))
    widths = [int(usable * w / total) for w in WIDTHS]
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    head = table.rows[0]
    _row_flags(head, header=True)
    for cell, name in zip(head.cells, COLUMNS):
        _write_cell(cell, name, 9, bold=True, center=True)
        _shade(cell, "D9E1F2")
    if not cl.rows:
        merged = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        _write_cell(merged, "未发现问题。", 9)
    for r, item in zip(table.rows[1:], cl.rows):
        _row_flags(r)
        for cell, name, value in zip(r.cells, COLUMNS, item.cells()):
            _write_cell(cell, value, 9, center=name in CENTERED)
        _shade(r.cells[1], LIST_FILL[item.severity])
    note = document.add_paragraph()
    run = note.add_run(cl.footer)
    run.italic = True
    run.font.size = Pt(9)
    _set_east_asia(run._r)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx_list(review: Review, options=None, *, status: dict[str, str] | None = None,
                     fixed: list[Finding] | None = None, previous: Review | None = None) -> bytes:
    """The 审核意见表 as a Word document (A4 landscape, page numbers, header repeated)."""
    from ..commentlist import build_comment_list

    return comment_list_docx(build_comment_list(review, options, status=status, fixed=fixed, previous=previous))
