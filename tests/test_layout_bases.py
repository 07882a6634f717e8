"""Real Word layouts and their PDFs (scripts/make_layout_bases.py): the national project
form as one table with merged cells and two header parts, a department report with a
two-row merged 收支 header, the same report with one paragraph per printed line and a score
table that crosses a page with its header repeated, and a 决算 with 类 | 款 | 项 columns.

Every clean file gives no error or warning; every defective copy gives each of its
injected defects, in DOCX and in PDF alike."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import BASE_FORMATS, generate_bases, offline_review

FORMATS = BASE_FORMATS
STEMS = ["1_project_table", "2_department", "3_department_lines", "4_final_accounts"]
# The rule each kind of injected defect must be reported by.
EXPECTED_RULES = {
    "child_sum": {"arithmetic.funds_total", "arithmetic.table_parent"},
    "exec_score": {"score.execution_rate"},
    "score_over_weight": {"score.over_weight"},
    "table_total": {"arithmetic.table_total"},
    "share": {"ratio.share"},
    "grade": {"score.grade"},
    "change_rate": {"ratio.change"},
    "score_total": {"score.total"},
    "row_sum": {"arithmetic.table_row_total"},
}


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Path:
    return generate_bases(tmp_path_factory.mktemp("bases"), "make_layout_bases.py")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_clean_layouts_give_no_error_or_warning(bases, stem, fmt):
    review = offline_review(bases / f"{stem}.{fmt}")
    shown = [(f.rule, f.quote[:30]) for f in review.findings if f.severity in ("error", "warning")]
    assert shown == []
    assert review.document.kind in ("project", "department_overall", "final_accounts")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_injected_defects_are_each_reported(bases, stem, fmt):
    injected = json.loads((bases / "defects.json").read_text(encoding="utf-8"))[f"{stem}_defect"]
    rules = {f.rule for f in offline_review(bases / f"{stem}_defect.{fmt}").findings}
    missed = [d["where"] for d in injected if not EXPECTED_RULES[d["kind"]] & rules]
    assert missed == []
