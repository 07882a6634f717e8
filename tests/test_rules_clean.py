"""A clean report gets no rules findings: repaired copies of the sample reports (their
labelled defects fixed) and a clean synthetic report, in tests/fixtures/clean/. The
unrepaired samples, by contrast, get their rules-tier defects reported."""
from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.ingest import load
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric_for
from reviewer.rules import run_rules

CLEAN = sorted((Path(__file__).parent / "fixtures" / "clean").glob("*.txt"))
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def rules_findings(path: Path):
    doc = load(path)
    info = document_info(doc)
    return run_rules(doc, info, load_rubric_for(info.kind))


def test_there_are_clean_reports():
    assert len(CLEAN) >= 6


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_report_has_no_rules_findings(path):
    got = rules_findings(path)
    assert got == [], [(f.rule, f.title, f.quote[:40]) for f in got]


# The sample's defects the rules must find (rule id, text in title/detail/quote).
SAMPLE_DEFECTS = [
    ("001_6f2eabfb1a9cdc15.txt", "boilerplate.instruction", "主要包括"),
    ("001_6f2eabfb1a9cdc15.txt", "part.problems", "问题"),
    ("001_6f2eabfb1a9cdc15.txt", "element.indicator_table", "详见"),
    ("002_3f1d80a57ec3a08c.txt", "boilerplate.off_domain", "储备物资"),
    ("002_3f1d80a57ec3a08c.txt", "element.indicator_table", "完成值"),
    ("002_3f1d80a57ec3a08c.txt", "part.results_disclosure", "公开"),
    ("003_9f785aea458f6f0e.txt", "boilerplate.template_title", "部门（单位）"),
    ("003_9f785aea458f6f0e.txt", "boilerplate.conversion", "bookmark"),
    ("004_0dfcc704536f2e1e.txt", "element.score_grade", "得分"),
]


@pytest.mark.parametrize("name,rule,text", SAMPLE_DEFECTS, ids=[f"{n[:3]}-{r}" for n, r, _ in SAMPLE_DEFECTS])
def test_sample_defects_are_found(name, rule, text):
    got = [f for f in rules_findings(SAMPLES / name) if f.rule == rule]
    assert got and any(text in f.title + f.detail + f.quote for f in got)
