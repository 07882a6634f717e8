"""The annotated HTML report: parsed for its highlights, and rendered in headless Chromium."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reviewer.findings import make_finding
from reviewer.ingest import load
from reviewer.options import ReviewOptions
from reviewer.pipeline import document_info, finalize, review_document
from reviewer.render.html import finding_span, render_html
from reviewer.textmatch import fold

from .conftest import SAMPLE_TXTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def constructed_findings(doc) -> list:
    """Findings on real spans of `doc` in every shape a renderer must handle: nested,
    crossing, inside a table cell, across cells, across paragraphs, located by quote,
    ungrounded, and absent (no quote). Spans are chosen by structure, not by wording."""
    out = []

    def add(span, severity, source, category, title, **kw):
        out.append(make_finding(doc, category=category, severity=severity, source=source, rule=f"test.{len(out)}",
                                title=title, detail="测试用问题说明。", span=span, suggestion="测试用修改建议。", **kw))

    paragraphs = [b for b in doc.paragraphs if len(b.text.strip()) >= 14]
    if paragraphs:
        p = paragraphs[min(2, len(paragraphs) - 1)]
        add((p.start + 2, p.start + 9), "error", "prepass", "arithmetic", "合计数与分项之和不符", stated="100", expected="99")
        add((p.start + 5, p.start + 13), "warning", "llm", "wording", "表述存在歧义")  # crosses the first
        add((p.start + 3, p.start + 6), "info", "rules", "boilerplate", "套话")  # nested in the first
    if len(paragraphs) >= 5:
        a, b = paragraphs[3], paragraphs[4]
        add((a.end - 4, b.start + 4), "warning", "rules", "inconsistency", "前后表述不一致")  # across paragraphs
    for table in doc.tables:
        cells = [c for c in table.cells() if len(c.text) >= 2 and doc.text[c.start:c.end].strip()]
        if cells:
            add((cells[0].start, cells[0].end), "error", "prepass", "score", "得分超过分值")
        row = next((r for r in table.rows if sum(1 for c in r if c.text) >= 2), None)
        if row is not None:
            filled = [c for c in row if c.text]
            add((filled[0].start, filled[1].end), "info", "prepass", "ratio", "跨单元格的问题")
        break
    year = re.search(r"20\d\d年", doc.text)
    if year:
        out.append(make_finding(doc, category="inconsistency", severity="warning", source="llm", rule="test.quote",
                                title="年度前后不一致", quote=year.group(0)))
    out.append(make_finding(doc, category="unsupported_claim", severity="warning", source="llm", rule="test.ungrounded",
                            title="模型引用了原文没有的内容", quote="这句话并不在报告之中出现过"))
    out.append(make_finding(doc, category="missing_part", severity="error", source="rules", rule="test.missing",
                            title="缺少“存在问题及改进措施”部分", detail="报告未说明存在的问题。",
                            suggestion="补充存在问题及下一步改进措施。"))
    return out


@functools.lru_cache(maxsize=None)
def _pipeline_findings(path: str, text_length: int) -> tuple:
    # The pipeline is the slow part; each sample is reviewed once per test session.
    return tuple(review_document(load(path), ReviewOptions(llm="off")).findings)


def build_review(doc):
    """The pipeline's own review of `doc` plus the constructed findings, numbered."""
    real = [f.model_copy(deep=True) for f in _pipeline_findings(doc.path, len(doc.text))]
    return finalize(document_info(doc), real + constructed_findings(doc))


# The samples as DOCX (real Word tables) and PDF, rendered from the TXT samples.
FIXTURE_DOCX = sorted(FIXTURES.glob("[0-9][0-9][0-9]_*.docx"))
FIXTURE_PDF = sorted(FIXTURES.glob("[0-9][0-9][0-9]_*.pdf"))


def sample_docs():
    return list(SAMPLE_TXTS) + FIXTURE_DOCX + FIXTURE_PDF


class MarkCollector(HTMLParser):
    """Text of each finding's highlight pieces (data-finding first piece, data-cont the rest)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # (tag, finding id) of open marks
        self.anchors: dict[str, int] = {}
        self.pieces: dict[str, list[str]] = {}
        self.items: dict[str, dict[str, str]] = {}
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key])
        if tag == "link":
            self.external.append(str(a))
        if tag == "li" and a.get("data-id"):
            self.items[a["data-id"]] = a
        if tag == "mark":
            fid = a.get("data-finding") or a.get("data-cont")
            if a.get("data-finding"):
                self.anchors[fid] = self.anchors.get(fid, 0) + 1
            self.pieces.setdefault(fid, []).append("")
            self.stack.append(fid)

    def handle_endtag(self, tag):
        if tag == "mark":
            self.stack.pop()

    def handle_data(self, data):
        for fid in self.stack:
            self.pieces[fid][-1] += data


def parse(html: str) -> MarkCollector:
    parser = MarkCollector()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module", params=sample_docs(), ids=lambda p: p.name)
def reviewed(request):
    doc = load(request.param)
    return build_review(doc), doc


def test_every_grounded_finding_is_highlighted_once_with_its_quote(reviewed):
    review, doc = reviewed
    parsed = parse(render_html(review, doc))
    assert not parsed.stack, "unbalanced <mark> elements"
    grounded = [f for f in review.findings if finding_span(f, doc)]
    assert len(grounded) >= 3
    for f in grounded:
        assert parsed.anchors.get(f.id) == 1, f.id
        shown = "".join(parsed.pieces[f.id])
        assert fold(shown) == fold(f.quote), f.id
        if "\n" not in f.quote and "\t" not in f.quote:
            assert shown == f.quote, f.id
    unanchored = {f.id for f in review.findings} - set(parsed.anchors)
    assert unanchored == {f.id for f in review.findings if not finding_span(f, doc)}
    assert set(parsed.items) == {f.id for f in review.findings}
    for f in review.findings:
        item = parsed.items[f.id]
        assert (item["data-severity"], item["data-category"], item["data-source"]) == (f.severity, f.category, f.source)


def test_the_whole_document_text_is_shown(reviewed):
    review, doc = reviewed
    html = render_html(review, doc)

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.chunks = 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                self.inside += 1

        def handle_endtag(self, tag):
            if tag == "section":
                self.inside -= 1

        def handle_data(self, data):
            if self.inside:
                self.chunks.append(data)

    t = Text()
    t.feed(html)
    shown = fold("".join(t.chunks))
    # Page markers are added between pages; everything else is the document's own text.
    shown = re.sub(r"第\d+页", "", shown)
    assert shown == re.sub(r"第\d+页", "", fold(doc.text))


def test_self_contained_and_escaped(tmp_path):
    src = tmp_path / "escape.txt"
    src.write_text("一、基本情况\n单位名称：<script>alert(1)</script> & “测试” 单位。本年度总得分为95.5分。\n二、其他\n内容。\n",
                   encoding="utf-8")
    doc = load(src)
    start = doc.text.index("<script>")
    f = make_finding(doc, category="wording", severity="error", source="rules", rule="t", title="<b>标题</b>",
                     detail="a < b & c", span=(start, start + len("<script>alert(1)</script>")))
    review = finalize(document_info(doc), [f])
    html = render_html(review, doc)
    parsed = parse(html)
    assert parsed.external == []
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;标题&lt;/b&gt;" in html
    assert "".join(parsed.pieces["F001"]) == "<script>alert(1)</script>"
    assert "95.5 分" in html  # the stated score in the header
    assert "@media print" in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _dump_dom(url: str, profile: Path) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs the Debian package)")
def test_renders_in_headless_chromium(tmp_path):
    doc = load(SAMPLE_TXTS[0])
    review = build_review(doc)
    page = tmp_path / "review.html"
    page.write_text(render_html(review, doc), encoding="utf-8")

    dom = _dump_dom(page.as_uri(), tmp_path / "profile")
    assert 'data-ready="true"' in dom, "the script did not run"
    parsed = parse(dom)
    grounded = {f.id for f in review.findings if finding_span(f, doc)}
    assert {fid for fid, a in parsed.items.items() if a.get("data-anchored") == "yes"} == grounded
    assert set(parsed.anchors) == grounded
    assert f'data-shown="{len(review.findings)}"' in dom
    # The script built one checkbox per severity, category and source present.
    boxes = re.findall(r'<input type="checkbox" data-dim="(\w+)" value="(\w+)"', dom)
    assert {v for d, v in boxes if d == "severity"} == {f.severity for f in review.findings}
    assert {v for d, v in boxes if d == "source"} == {f.source for f in review.findings}

    # A filter preset in the address hides the other items.
    dom = _dump_dom(page.as_uri() + "#severity=error", tmp_path / "profile")
    errors = sum(f.severity == "error" for f in review.findings)
    assert f'data-shown="{errors}"' in dom
    hidden = re.findall(r'<li [^>]*data-id="(F\d+)"[^>]*hidden', dom)
    assert set(hidden) == {f.id for f in review.findings if f.severity != "error"}


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs the Debian package)")
def test_screenshot_is_written(tmp_path):
    doc = load(SAMPLE_TXTS[1])
    page = tmp_path / "review.html"
    page.write_text(render_html(build_review(doc), doc), encoding="utf-8")
    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
