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
