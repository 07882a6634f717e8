"""Other frameworks and provincial shapes (scripts/make_framework_bases.py): a department
form on 决策/过程/产出/效益 with 评分标准 and 扣分原因 text and 小计 rows, a provincial project
report (资金到位, 资金使用, 完成率 tables), a department report listing its key projects'
scores, and a project whose targets and actuals are words.

Clean files give no error or warning beyond the parts they really lack; injected defects
are reported (KNOWN_MISSES lists any gap left)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import BASE_FORMATS, generate_bases, offline_review

FORMATS = BASE_FORMATS
# What each clean file really lacks: the provincial outline has no 结果应用 part, and the
# key-projects report has no indicator table nor an account of how targets were met.
TRUE_FINDINGS = {
    "1_dept_decision": set(),
    "2_project_province": {"part.results_disclosure"},
    "3_dept_projects": {"element.indicator_table", "part.achievement"},
    "4_project_textvalues": set(),
}
EXPECTED_RULES = {
    "subtotal": {"score.subtotal"},
    "score_total": {"score.total"},
    "child_sum": {"arithmetic.table_total", "arithmetic.table_parent"},
    "exec_rate": {"ratio.table_rate", "score.execution_rate"},
    "grade": {"score.grade", "score.row_grade"},
    "text_vs_table": {"score.level1_text"},
    "completion_rate": {"ratio.completion_rate"},
    "average": {"score.average"},
    "grade_count": {"score.grade_count"},
}
# Every kind injected here is now found.
KNOWN_MISSES: set = set()


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Path:
    return generate_bases(tmp_path_factory.mktemp("bases"), "make_framework_bases.py")


def _rules(path: Path, levels=("error", "warning")) -> set[str]:
    review = offline_review(path)
    return {f.rule for f in review.findings if f.severity in levels}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", sorted(TRUE_FINDINGS))
def test_clean_files_give_only_what_they_really_lack(bases, stem, fmt):
    assert _rules(bases / f"{stem}.{fmt}") == TRUE_FINDINGS[stem]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", [s + "_defect" for s in sorted(TRUE_FINDINGS)])
def test_injected_defects_are_reported(bases, stem, fmt):
    injected = json.loads((bases / "defects.json").read_text(encoding="utf-8"))[stem]
    rules = _rules(bases / f"{stem}.{fmt}", levels=("error", "warning", "info"))
    found = {d["kind"]: bool(EXPECTED_RULES[d["kind"]] & rules) for d in injected}
    assert found == {kind: (stem, kind) not in KNOWN_MISSES for kind in found}
