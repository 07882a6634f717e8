"""Golden tests of the terminal and Markdown renderers on hand-built reviews.

Regenerate the goldens after an intended change with:
    REVIEWER_UPDATE_GOLDEN=1 python3 -m pytest tests/test_render_terminal.py
and read the diff before committing it.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from reviewer.commentlist import ListOptions
from reviewer.models import DocumentInfo, Finding, LLMUsage, Location, Review, Summary
from reviewer.render.markdown import render_markdown
from reviewer.render.terminal import render_terminal

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("REVIEWER_UPDATE_GOLDEN") == "1"


def _document(**kw) -> DocumentInfo:
    base = dict(path="reports/某县财政局2023年度部门整体支出绩效自评报告.docx", format="docx", pages=12,
                unit="某县财政局", year=2023, kind="department_overall", chars=18234)
    return DocumentInfo(**(base | kw))


def _findings() -> list[Finding]:
    return [
        Finding(id="F001", category="arithmetic", severity="error", source="prepass", rule="table.sum",
                title="支出合计与分项之和不符", detail="基本支出与项目支出之和为 1,234.50 万元，文中合计为 1,243.50 万元。",
                quote="本年支出合计1243.50万元", location=Location(section="二、部门整体支出管理及使用情况", page=3, line=41,
                                                             start=2010, end=2025),
                stated="1243.50", expected="1234.50", suggestion="核对合计数或分项数。"),
        Finding(id="F002", category="ratio", severity="warning", source="prepass", rule="ratio.execution",
                title="预算执行率计算有误", detail="执行数 / 预算数 = 96.12%。", quote="预算执行率为98.5%",
                location=Location(section="二、部门整体支出管理及使用情况", page=3, line=44, start=2100, end=2111),
                stated="98.5%", expected="96.12%", suggestion="按执行数 / 全年预算数重新计算。"),
        Finding(id="F003", category="boilerplate", severity="info", source="llm", rule="llm.boilerplate",
                title="模板说明未删除", quote="（此处填写" + "部门职责的具体内容，" * 20 + "）",
                location=Location(section="一、部门基本情况", page=1, line=9, start=300, end=520),
                suggestion="删除模板提示文字并填写实际内容。"),
        Finding(id="F004", category="unsupported_claim", severity="warning", source="llm", rule="llm.claims",
                title="结论缺乏数据支撑", detail="“群众满意度显著提升”没有调查数据。", quote="群众满意度显著提升",
                grounded=False),
        Finding(id="F005", category="missing_part", severity="error", source="rules", rule="section.problems",
                title="缺少“存在的问题及原因分析”部分", detail="报告没有说明存在的问题。",
                suggestion="补充存在的问题、原因及改进措施。"),
    ]


CASES = {
    "with_findings": lambda: Review(
        document=_document(), findings=_findings(),
        summary=Summary(errors=2, warnings=2, infos=1,
                        llm=LLMUsage(used=True, model="qwen2.5-72b-instruct", calls=6, prompt_tokens=48210,
                                     completion_tokens=3120))),
    "no_findings": lambda: Review(document=_document(path="a.txt", format="txt", pages=1, unit=None, year=None,
                                                     kind="unknown", chars=120)),
}


def _terminal(review: Review) -> str:
    console = Console(width=100, color_system=None, record=True, file=io.StringIO())
    render_terminal(review, console)
    return console.export_text()


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with REVIEWER_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; if intended, regenerate with REVIEWER_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("case", sorted(CASES))
def test_terminal_golden(case):
    _check(f"terminal_{case}.txt", _terminal(CASES[case]()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_markdown_golden(case):
    signed = ListOptions(audit_unit="某市财政局预算绩效管理科", auditor="审核人甲", date="2024年6月1日")
    _check(f"markdown_{case}.md", render_markdown(CASES[case](), signed))


def test_terminal_shows_every_finding_and_cuts_long_quotes():
    text = _terminal(CASES["with_findings"]())
    for f in _findings():
        assert f.id in text and f.title in text
    assert "…" in text  # F003's long quote is shortened
    assert "未定位" in text  # F004 is not grounded
