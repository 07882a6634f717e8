"""More real layouts (scripts/make_more_bases.py): a 部门预算 disclosure, an unfilled
template, a project whose tables are in 元 while the text is in 万元, a department report
whose tables have no ruling lines (and the same with tab-separated lines), and a department
report with two project forms.

Clean files give no error or warning; the template is recognised as one and gets no figure
finding; each injected defect is reported, except the gaps listed in KNOWN_MISSES."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import BASE_FORMATS, generate_bases, offline_review

FORMATS = BASE_FORMATS
CLEAN = ["1_budget", "3_project_yuan", "4_dept_borderless", "4_dept_tabs", "5_dept_two_projects"]
EXPECTED_RULES = {
    "child_sum": {"arithmetic.table_parent", "arithmetic.funds_total", "arithmetic.table_total"},
    "change_rate": {"ratio.change"},
    "share": {"ratio.share"},
    "exec_rate": {"ratio.table_rate", "score.execution_rate"},
    "unit_slip": {"ratio.rate", "unit.cross_mention", "unit.text_vs_table", "inconsistency.text_vs_table"},
    "total_sum": {"arithmetic.table_total"},
    "score_total": {"score.total"},
    "grade": {"score.grade"},
    "text_vs_table": {"inconsistency.text_vs_table", "score.project_total"},
}
# Gaps seen and left: a PDF table without ruling lines is read as text (its columns lost).
KNOWN_MISSES = {
    ("4_dept_borderless_defect", "pdf", "total_sum"), ("4_dept_borderless_defect", "pdf", "score_total"),
    ("4_dept_tabs_defect", "docx", "total_sum"),
    ("4_dept_tabs_defect", "pdf", "total_sum"), ("4_dept_tabs_defect", "pdf", "score_total"),
}
KNOWN_FALSE: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Path:
    return generate_bases(tmp_path_factory.mktemp("bases"), "make_more_bases.py")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", CLEAN)
def test_clean_files_give_no_error_or_warning(bases, stem, fmt):
    if (stem, fmt) in KNOWN_FALSE:
        pytest.xfail("a merged header row cut by a PDF page break is not rejoined: 总分 reads short")
    review = offline_review(bases / f"{stem}.{fmt}")
    assert [(f.rule, f.quote[:30]) for f in review.findings if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_unfilled_template_is_recognised_and_gets_no_figure_finding(bases, fmt):
    review = offline_review(bases / f"2_template.{fmt}")
    assert review.document.kind == "template"
    assert {f.rule for f in review.findings} >= {"boilerplate.placeholder", "boilerplate.blank_figure"}
    assert [f.rule for f in review.findings if f.source == "prepass"] == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", [s + "_defect" for s in CLEAN])
def test_injected_defects_are_reported(bases, stem, fmt):
    injected = json.loads((bases / "defects.json").read_text(encoding="utf-8"))[stem]
    rules = {f.rule for f in offline_review(bases / f"{stem}.{fmt}").findings}
    found = {d["kind"]: bool(EXPECTED_RULES[d["kind"]] & rules) for d in injected}
    expected = {kind: (stem, fmt, kind) not in KNOWN_MISSES for kind in found}
    assert found == expected
