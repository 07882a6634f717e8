"""Command-line conventions for people who script the tool: --version, -h, `-o -`, stdin
with --stdin-filename, the `line` format, --min-severity, --fail-on info, completion,
help within 80 columns, output folders, and binary outputs named on stderr."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from reviewer import __version__

from .conftest import SAMPLE_TXTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = SAMPLE_TXTS[4]


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "reviewer", *args], input=stdin, capture_output=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "80", **(env or {})}, timeout=300)


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_version():
    for flag in ("--version", "-V"):
        out = run(flag)
        assert out.returncode == 0 and out.stdout.decode().strip() == f"reviewer {__version__}"


@pytest.mark.parametrize("command", [[], ["review"], ["batch"], ["compare"], ["dismiss"], ["serve"], ["rubrics"]])
def test_help_fits_80_columns(command):
    for flag in ("-h", "--help"):
        out = run(*command, flag)
        assert out.returncode == 0, out.stderr.decode()
        lines = out.stdout.decode().splitlines()
        assert lines and max(display_width(line) for line in lines) <= 80


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom reviewer.cli import app\n"
            "for args in (['--help'], ['review', '--help'], ['serve', '--help']):\n"
            "    assert CliRunner().invoke(app, args).exit_code == 0\n"
            "heavy = ('pdfplumber', 'openai', 'docx', 'openpyxl', 'starlette', 'uvicorn', 'selenium')\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shell_completion_is_offered():
    out = run("--show-completion", "bash", env={"SHELL": "/bin/bash"})
    assert out.returncode == 0 and "complete" in out.stdout.decode()


def test_output_dash_is_stdout(tmp_path):
    out = run("review", str(SAMPLE), "--no-llm", "-f", "json", "-o", "-", "--fail-on", "never", cwd=tmp_path)
    assert out.returncode == 0
    assert json.loads(out.stdout)["schema_version"] == 1
    assert not (tmp_path / "-").exists()
    binary = run("review", str(SAMPLE), "--no-llm", "-f", "xlsx", "-o", "-", "--fail-on", "never", cwd=tmp_path)
    assert binary.stdout[:2] == b"PK"
    load_workbook(io.BytesIO(binary.stdout))


@pytest.mark.parametrize("source", [SAMPLE, FIXTURES / "001_6f2eabfb1a9cdc15.docx"], ids=["txt", "docx"])
def test_stdin_with_a_filename(source):
    direct = run("review", str(source), "--no-llm", "-f", "json", "--fail-on", "never")
    piped = run("review", "-", "--stdin-filename", f"上报稿{source.suffix}", "--no-llm", "-f", "json",
                "--fail-on", "never", stdin=source.read_bytes())
    assert piped.returncode == 0, piped.stderr.decode()
    a, b = json.loads(direct.stdout), json.loads(piped.stdout)
    assert b["document"]["path"] == f"上报稿{source.suffix}"
    assert [(f["rule"], f["quote"]) for f in a["findings"]] == [(f["rule"], f["quote"]) for f in b["findings"]]


@pytest.mark.parametrize("name", [None, "report.exe", "noext"])
def test_stdin_needs_a_report_filename(name):
    args = ["review", "-", "--no-llm"] + (["--stdin-filename", name] if name else [])
    out = run(*args, stdin=b"text")
    assert out.returncode == 2
    err = out.stderr.decode()
    assert "--stdin-filename" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_line_format():
    out = run("review", str(SAMPLE), "--no-llm", "-f", "line", "--fail-on", "never")
    data = json.loads(run("review", str(SAMPLE), "--no-llm", "-f", "json", "--fail-on", "never").stdout)
    text = SAMPLE.read_text(encoding="utf-8")
    lines = out.stdout.decode().splitlines()
    assert len(lines) == len(data["findings"])
    pattern = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+):(?P<sev>error|warning|info):(?P<rule>[\w.]+):(?P<msg>.+)$")
    source_lines = text.split("\n")
    for line, f in zip(lines, data["findings"]):
        m = pattern.match(line)
        assert m, line
        assert m["path"] == str(SAMPLE) and m["sev"] == f["severity"] and m["rule"] == f["rule"]
        assert m["msg"].startswith(f["title"])
        if f["quote"] and f["location"]["start"] is not None and "\n" not in f["quote"]:
            row, col = int(m["line"]), int(m["col"])
            assert source_lines[row - 1][col - 1:].startswith(f["quote"][:10]), (line, f["quote"])


@pytest.mark.parametrize("floor, allowed", [("info", {"error", "warning", "info"}), ("warning", {"error", "warning"}),
                                            ("error", {"error"})])
def test_min_severity(floor, allowed):
    out = run("review", str(SAMPLE_TXTS[0]), "--no-llm", "-f", "json", "--min-severity", floor, "--fail-on", "never")
    data = json.loads(out.stdout)
    assert {f["severity"] for f in data["findings"]} <= allowed
    full = json.loads(run("review", str(SAMPLE_TXTS[0]), "--no-llm", "-f", "json", "--fail-on", "never").stdout)
    assert len(data["findings"]) == sum(f["severity"] in allowed for f in full["findings"])


@pytest.mark.parametrize("fail_on, min_severity, code", [
    ("info", "info", 1),  # sample 000 has only info and warning findings
    ("warning", "info", 1),
    ("error", "info", 0),
    ("info", "error", 0),  # nothing shown, nothing to fail on
    ("never", "info", 0),
])
def test_fail_on(fail_on, min_severity, code):
    out = run("review", str(SAMPLE_TXTS[0]), "--no-llm", "-f", "json", "--fail-on", fail_on,
              "--min-severity", min_severity)
    data = json.loads(out.stdout)
    assert {f["severity"] for f in data["findings"]} <= {"warning", "info"}
    assert out.returncode == code


def test_output_into_a_missing_folder_is_created(tmp_path):
    target = tmp_path / "a" / "b" / "review.md"
    out = run("review", str(SAMPLE), "--no-llm", "-f", "markdown", "-o", str(target), "--fail-on", "never")
    assert out.returncode == 0 and target.read_text(encoding="utf-8").startswith("# ")


def test_output_folder_that_cannot_be_made_fails_before_the_review(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("review", str(tmp_path / "missing.txt"), "--no-llm", "-o", str(blocker / "sub" / "r.json"))
    assert out.returncode == 2
    err = out.stderr.decode()
    assert "输出文件夹" in err and "不存在" not in err  # failed on the folder, before reading the input


@pytest.mark.parametrize("fmt, name", [("docx", "review.docx"), ("xlsx", "意见表.xlsx"), ("docx-list", "意见表.docx")])
def test_binary_output_without_o_is_named_on_stderr(tmp_path, fmt, name):
    out = run("review", str(SAMPLE), "--no-llm", "-f", fmt, "--fail-on", "never", cwd=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    written = tmp_path / f"{SAMPLE.stem}.{name}"
    assert written.exists() and str(written.name) in out.stderr.decode()
    if fmt != "xlsx":
        docx.Document(str(written))
    else:
        load_workbook(written)


def test_signature_options_reach_the_list(tmp_path):
    target = tmp_path / "list.xlsx"
    out = run("review", str(SAMPLE), "--no-llm", "-f", "xlsx", "-o", str(target), "--audit-unit", "某县财政局",
              "--auditor", "赵六", "--fail-on", "never")
    assert out.returncode == 0
    ws = load_workbook(target).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "某县财政局" in values and "赵六" in values
