"""Rubrics as data: loading, inheritance, validation, and the `reviewer rubrics` commands."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.errors import InputError
from reviewer.rubric import list_rubrics, load_rubric, load_rubric_for, rubrics_dir

LLM_TASKS = {"semantic_missing_parts", "boilerplate_mismatch", "unsupported_claims", "problems_measures",
             "indicator_classification"}
REQUIRED_PARTS = {"basic_info", "goals", "evaluation_work", "budget_execution", "conclusion", "achievement",
                  "problems", "measures", "results_disclosure", "other"}


@pytest.mark.parametrize("name", ["department_overall", "project"])
def test_base_rubrics_cover_the_outline(name):
    r = load_rubric(name)
    assert {s.id for s in r.sections} == REQUIRED_PARTS
    assert {e.check for e in r.elements} == {"element.score_grade", "element.indicator_table",
                                              "element.problems_stated", "element.measures_tied",
                                              "element.disclosure_plan"}
    assert {t.id for t in r.llm_tasks} == LLM_TASKS
    assert {t.prompt for t in r.llm_tasks} == LLM_TASKS
    for item in r.sections + r.elements + r.checks:
        assert item.severity in ("error", "warning", "info")


def test_rubric_chosen_by_kind_or_forced():
    assert load_rubric_for("project").name == "project"
    assert load_rubric_for("department_overall").name == "department_overall"
    assert load_rubric_for("unknown").name == "department_overall"
    assert load_rubric_for("project", "sichuan_department").name == "sichuan_department"


def test_province_variant_extends_the_base():
    base, sc = load_rubric("department_overall"), load_rubric("sichuan_department")
    assert sc.extends == "department_overall"
    assert "other" not in {s.id for s in sc.sections}  # removed by the variant
    assert next(s for s in sc.sections if s.id == "achievement").severity == "error"  # overridden
    assert next(e for e in sc.elements if e.id == "disclosure_plan").severity == "error"
    assert {t.id for t in sc.llm_tasks} == {t.id for t in base.llm_tasks}  # inherited
    assert any("10" in n and "90" in n for n in sc.notes)


def test_example_variant_loads_by_path():
    path = rubrics_dir() / "examples" / "county_light.yaml"
    r = load_rubric(str(path))
    assert r.extends == "department_overall"
    assert not r.is_enabled("claim.satisfaction")
    assert next(s for s in r.sections if s.id == "evaluation_work").required is False


def test_sectors_file_is_not_a_rubric():
    assert "sectors" not in list_rubrics()
    assert {"department_overall", "project", "sichuan_department"} <= set(list_rubrics())


def write(tmp_path: Path, name: str, data: dict) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


INVALID = [
    ("unknown field", {"name": "x", "title": "x", "colour": "red"}),
    ("bad severity", {"name": "x", "title": "x", "sections": [{"id": "a", "name": "甲", "severity": "fatal"}]}),
    ("bad evidence pattern", {"name": "x", "title": "x", "sections": [{"id": "a", "name": "甲", "evidence": ["(unclosed"]}]}),
    ("duplicate ids", {"name": "x", "title": "x", "sections": [{"id": "a", "name": "甲"}, {"id": "a", "name": "乙"}]}),
    ("task reads an unknown section", {"name": "x", "title": "x", "llm_tasks": [{"id": "t", "prompt": "t", "sections": ["nope"]}]}),
    ("item without id", {"name": "x", "title": "x", "extends": "department_overall", "sections": [{"name": "甲"}]}),
    ("not a mapping", ["a", "b"]),
]


@pytest.mark.parametrize("name,data", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_rubrics_are_refused_with_one_clear_error(tmp_path, name, data):
    path = write(tmp_path, name.replace(" ", "_"), data)
    with pytest.raises(InputError) as e:
        load_rubric(path)
    assert "评审规则" in e.value.zh


def test_extends_cycle_is_refused(tmp_path):
    a = write(tmp_path, "a", {"name": "a", "title": "a", "extends": str(tmp_path / "b.yaml")})
    write(tmp_path, "b", {"name": "b", "title": "b", "extends": a})
    with pytest.raises(InputError) as e:
        load_rubric(a)
    assert "循环" in e.value.zh


def test_unknown_rubric_lists_the_available_ones():
    with pytest.raises(InputError) as e:
        load_rubric("no_such_rubric")
    assert "department_overall" in e.value.zh


runner = CliRunner()


def test_cli_rubrics_list():
    result = runner.invoke(app, ["rubrics", "list"])
    assert result.exit_code == 0
    assert "department_overall" in result.output and "sichuan_department" in result.output
    assert "继承 department_overall" in result.output


def test_cli_rubrics_show_prints_the_merged_rubric():
    result = runner.invoke(app, ["rubrics", "show", "sichuan_department"])
    assert result.exit_code == 0
    shown = yaml.safe_load(result.output)
    assert shown["extends"] == "department_overall"
    assert {t["prompt"] for t in shown["llm_tasks"]} == LLM_TASKS
    assert "存在的问题及原因" in result.output


def test_cli_rubrics_show_unknown_is_one_line_exit_2():
    result = runner.invoke(app, ["rubrics", "show", "no_such_rubric"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
