"""Resubmissions: fingerprints that survive edits elsewhere, and `reviewer compare` of each
sample with its corrected copy (every figure finding 已整改, nothing 新增) in every format."""
from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.compare import compare_reviews
from reviewer.fingerprint import fingerprint, fingerprints, normalise_section
from reviewer.models import Finding, Location
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file

from .conftest import SAMPLE_TXTS

CORRECTED = Path(__file__).resolve().parent / "fixtures" / "corrected"
runner = CliRunner()


@functools.lru_cache(maxsize=None)
def offline(path: str):
    return review_file(path, ReviewOptions(llm="off"))


def _f(**kw) -> Finding:
    base = dict(category="ratio", severity="error", source="prepass", rule="ratio.share", title="占比与重算不符",
                quote="一般行政管理事务收入6.2万元，占总收入0.2%", stated="0.2%", expected="2.81%",
                location=Location(section="（四）部门整体收支", page=4, line=78, start=5012, end=5040))
    return Finding(**(base | kw))


@pytest.mark.parametrize("change", [
    dict(id="F009"),
    dict(location=Location(section="（五）部门整体收支", page=7, line=120, start=9000, end=9028)),
    dict(location=Location(section="五、部门整体收支", page=4, line=78, start=5012, end=5040)),
    dict(quote="一般行政管理事务收入 6.2万元，\n占总收入0.2%"),
    dict(detail="说法换了", suggestion="也换了", expected="2.8%", severity="warning"),
])
def test_fingerprint_survives(change):
    assert fingerprint(_f(**change)) == fingerprint(_f())


@pytest.mark.parametrize("change", [
    dict(rule="ratio.rate"),
    dict(stated="0.3%"),
    dict(quote="一般行政管理事务收入6.2万元，占总收入0.3%"),
    dict(location=Location(section="（四）项目支出情况")),
])
def test_fingerprint_changes(change):
    assert fingerprint(_f(**change)) != fingerprint(_f())


@pytest.mark.parametrize("section, expected", [
    ("（四）部门整体收支", "部门整体收支"), ("4、资产总体情况", "资产总体情况"), ("一、基本情况", "基本情况"),
    ("第二部分 自评结论", "自评结论"), (None, ""), ("1．收入支出", "收入支出"),
])
def test_normalise_section(section, expected):
    assert normalise_section(section) == expected


def test_duplicates_get_distinct_fingerprints():
    fps = fingerprints([_f(), _f(), _f(stated="1%")])
    assert len(set(fps)) == 3 and fps[1] == fps[0] + "#2"


def test_missing_parts_are_told_apart_by_title():
    a = _f(category="missing_part", rule="part.missing", quote="", title="缺少存在的问题", location=Location())
    b = a.model_copy(update={"title": "缺少结果应用"})
    assert fingerprint(a) != fingerprint(b)


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_corrected_copy_fixes_every_figure_finding(path):
    old, _ = offline(str(path))
    new, _ = offline(str(CORRECTED / path.name))
    cmp = compare_reviews(old, new)
    fixed_ids = {i.old_id for i in cmp.items if i.status == "fixed"}
    for f in old.findings:
        if f.source == "prepass":
            assert f.id in fixed_ids, (f.rule, f.title)
    assert cmp.summary.new == 0, [i.finding.title for i in cmp.items if i.status == "new"]
    assert cmp.summary.fixed + cmp.summary.open == len(old.findings)
    assert cmp.summary.open + cmp.summary.new == len(new.findings)


def test_a_review_compared_with_itself_is_all_open():
    review, _ = offline(str(SAMPLE_TXTS[4]))
    cmp = compare_reviews(review, review)
    assert cmp.summary.open == len(review.findings) and cmp.summary.fixed == cmp.summary.new == 0


def test_edits_elsewhere_keep_findings_open(tmp_path):
    """A paragraph inserted at the top and a figure fixed: the rest stay 未整改."""
    source = SAMPLE_TXTS[4]
    text = source.read_text(encoding="utf-8")
    lines = text.split("\n")
    edited = "\n".join(lines[:3] + ["本报告根据审核意见作了补充说明，新增本段文字。"] + lines[3:])
    copy = tmp_path / source.name
    copy.write_text(edited, encoding="utf-8")
    old, _ = offline(str(source))
    new, _ = review_file(copy, ReviewOptions(llm="off"))
    cmp = compare_reviews(old, new)
    assert cmp.summary.fixed == 0 and cmp.summary.new == 0
    assert cmp.summary.open == len(old.findings)


def test_still_wrong_figure_is_open_not_new():
    old = [_f()]
    new = [_f(stated="0.3%", quote="一般行政管理事务收入6.2万元，占总收入0.3%")]
    from reviewer.models import DocumentInfo, Review

    info = DocumentInfo(path="a.txt", format="txt", pages=1, chars=10)
    cmp = compare_reviews(Review(document=info, findings=old), Review(document=info, findings=new))
    assert [i.status for i in cmp.items] == ["open"]


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown", "line", "html"])
def test_compare_command_text_formats(fmt):
    path = SAMPLE_TXTS[3]
    result = runner.invoke(app, ["compare", str(path), str(CORRECTED / path.name), "--no-llm", "-f", fmt,
                                 "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    old, _ = offline(str(path))
    new, _ = offline(str(CORRECTED / path.name))
    cmp = compare_reviews(old, new)
    if fmt == "json":
        data = json.loads(out)
        assert data["summary"] == {"fixed": cmp.summary.fixed, "open": cmp.summary.open, "new": 0}
        assert {i["status"] for i in data["items"]} <= {"fixed", "open", "new"}
    else:
        assert "已整改" in out
        if cmp.summary.open:
            assert "未整改" in out


@pytest.mark.parametrize("fmt", ["xlsx", "docx-list", "docx"])
def test_compare_command_files(fmt, tmp_path):
    path = SAMPLE_TXTS[4]
    out = tmp_path / "deep" / "folder" / f"cmp.{fmt}"
    result = runner.invoke(app, ["compare", str(path), str(CORRECTED / path.name), "--no-llm", "-f", fmt, "-o",
                                 str(out), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    old, _ = offline(str(path))
    fixed = sum(1 for f in old.findings if f.source == "prepass")
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data)).active
        statuses = [r[-1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
        assert statuses.count("已整改") >= fixed and "新增" not in statuses
    elif fmt == "docx-list":
        table = docx.Document(io.BytesIO(data)).tables[-1]
        statuses = [row.cells[-1].text for row in table.rows[1:]]
        assert statuses.count("已整改") >= fixed and "新增" not in statuses
    else:
        comments = [c.text for c in docx.Document(io.BytesIO(data)).comments]
        assert "已整改" in comments[0]
        assert all(not c.startswith("【新增】") for c in comments[1:])
