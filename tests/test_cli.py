from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from reviewer.cli import app

from .conftest import SAMPLE_TXTS

runner = CliRunner()


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_json_output_is_the_contract(path):
    result = runner.invoke(app, ["review", str(path), "--format", "json", "--no-llm", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["document"]["format"] == "txt"
    assert data["document"]["unit"]
    assert data["summary"]["llm"]["used"] is False
    for f in data["findings"]:
        assert set(f) == {"id", "category", "severity", "source", "rule", "title", "detail", "quote",
                          "location", "stated", "expected", "suggestion", "grounded"}


def test_help_does_not_import_heavy_libraries():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom reviewer.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0\n"
            "print(sorted(m for m in ('pdfplumber', 'openai', 'docx', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_schema_command_prints_json_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "findings" in schema["properties"]
    assert set(schema["$defs"]["Finding"]["properties"]["category"]["enum"]) >= {"ratio", "wording"}


# --- a project folder's reviewer.toml: rubric and output options only -------------------------

@pytest.mark.parametrize("toml, args, expect_exit, expect_start", [
    ('format = "markdown"\nfail_on = "never"\n', [], 0, "# "),          # both applied
    ('format = "markdown"\n', ["--format", "json"], None, "{"),           # the command line wins
    ('format = "pdfx"\n', [], 2, None),                                    # a wrong value: input error
    ('fail_on = "never"\nformat = "json"\n', [], 0, "{"),
])
def test_project_config_sets_output_options(tmp_path, monkeypatch, toml, args, expect_exit, expect_start):
    report = tmp_path / "report.txt"
    report.write_bytes(SAMPLE_TXTS[3].read_bytes())
    (tmp_path / "reviewer.toml").write_text(toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["review", "report.txt", "--no-llm", *args])
    if expect_exit is not None:
        assert result.exit_code == expect_exit, result.output
    if expect_start is None:
        assert "reviewer.toml" in result.output and "Traceback" not in result.output
    else:
        assert result.stdout.lstrip().startswith(expect_start)


def test_project_config_sets_batch_formats(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE_TXTS[0].read_bytes())
    (tmp_path / "reviewer.toml").write_text('format = ["markdown", "json"]\nfail_on = "never"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["batch", "in", "--out-dir", "out", "--no-llm", "--workers", "1"])
    assert result.exit_code == 0, result.output
    written = {p.suffix for p in (tmp_path / "out").rglob("a*")}
    assert {".md", ".json"} <= written
