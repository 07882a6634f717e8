"""A 部门决算 with a real table layout (merged header, side-by-side halves, 类/款/项 codes,
a table broken across pages under a repeated header), as DOCX and as the PDF LibreOffice
prints from it: the clean copy draws no figure finding in either format, and one changed
cell is found in both, at the same rows. Made by scripts/make_final_accounts_fixture.py."""
from __future__ import annotations

import pytest

from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

FIGURE_SOURCES = ("prepass",)


def figure_findings(name: str):
    review, _ = review_file(FIXTURES / name, ReviewOptions(llm="off"))
    assert review.document.kind == "final_accounts"
    return sorted((f.rule, f.quote) for f in review.findings if f.source in FIGURE_SOURCES)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_clean_final_accounts_has_no_figure_findings(fmt):
    assert figure_findings(f"final_accounts_clean.{fmt}") == []


def test_changed_cell_is_found_alike_in_docx_and_pdf():
    docx_found = figure_findings("final_accounts_mutated.docx")
    pdf_found = figure_findings("final_accounts_mutated.pdf")
    assert docx_found == pdf_found
    rules = {rule for rule, _ in docx_found}
    assert {"arithmetic.table_parent", "arithmetic.table_row_total"} <= rules
