"""Bad input ends a review with one clear line on stderr and exit code 2, never a
traceback and never a half-written output file; odd but valid text encodings are read.

Each case runs through typer's CliRunner and through a real `python3 -m reviewer`.
"""
from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reviewer.cli import app

from .conftest import ROOT, SAMPLE_TXTS

FIXTURES = ROOT / "tests" / "fixtures"
runner = CliRunner()


def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _zip_without_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("readme.txt", "not a word document")
    return buf.getvalue()


def _truncated_docx() -> bytes:
    data = (FIXTURES / f"{SAMPLE_TXTS[1].stem}.docx").read_bytes()
    return data[: len(data) // 2]


def _docx_with_broken_xml() -> bytes:
    source = zipfile.ZipFile(FIXTURES / f"{SAMPLE_TXTS[1].stem}.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element
            z.writestr(item, data)
    return buf.getvalue()


# name -> (file name, content or None for "do not create", words the message must contain)
BAD_FILES = {
    "missing": ("nowhere.pdf", None, ["不存在"]),
    "unsupported": ("report.xlsx", b"PK\x03\x04 spreadsheet", ["不支持", ".xlsx"]),
    "no_extension": ("report", b"some text", ["不支持"]),
    "empty_txt": ("empty.txt", b"", ["为空"]),
    "blank_txt": ("blank.txt", b"  \n\n \t\n", ["为空"]),
    "empty_pdf": ("empty.pdf", b"", ["为空"]),
    "encrypted_pdf": ("encrypted.pdf", "fixture", ["加密"]),
    "random_pdf": ("random.pdf", _random_bytes(4096, 1), ["PDF"]),
    "corrupt_pdf_body": ("broken.pdf", b"%PDF-1.7\n" + _random_bytes(4096, 2), ["PDF", "损坏"]),
    "truncated_pdf": ("truncated.pdf", "truncated_pdf", ["PDF"]),
    "random_docx": ("random.docx", _random_bytes(4096, 3), ["DOCX"]),
    "zip_not_docx": ("other.docx", _zip_without_document(), ["Word"]),
    "truncated_docx": ("truncated.docx", "truncated_docx", ["DOCX"]),
    "broken_xml_docx": ("broken_xml.docx", "broken_xml_docx", ["DOCX"]),
    "ole_docx": ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), ["加密", ".doc"]),
    "binary_txt": ("garbage.txt", _random_bytes(4096, 4), ["文本"]),
}


def _make(tmp_path: Path, case: str) -> tuple[Path, list[str]]:
    name, content, words = BAD_FILES[case]
    path = tmp_path / name
    if content == "fixture":
        path.write_bytes((FIXTURES / name).read_bytes())
    elif content == "truncated_pdf":
        data = (FIXTURES / f"{SAMPLE_TXTS[1].stem}.pdf").read_bytes()
        path.write_bytes(data[:1500])
    elif content == "truncated_docx":
        path.write_bytes(_truncated_docx())
    elif content == "broken_xml_docx":
        path.write_bytes(_docx_with_broken_xml())
    elif content is not None:
        path.write_bytes(content)
    return path, words


def _check_refusal(code: int, stderr: str, output: Path, words: list[str]) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert not output.exists()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_via_cli_runner(tmp_path, case):
    path, words = _make(tmp_path, case)
    output = tmp_path / "out.json"
    result = runner.invoke(app, ["review", str(path), "--no-llm", "--format", "json", "-o", str(output)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    _check_refusal(result.exit_code, result.stderr, output, words)
    assert result.stdout == ""


def _run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("OPENAI_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "reviewer", "review", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_via_subprocess(tmp_path, case):
    path, words = _make(tmp_path, case)
    output = tmp_path / "out.md"
    proc = _run(str(path), "--no-llm", "--format", "markdown", "-o", str(output))
    _check_refusal(proc.returncode, proc.stderr, output, words)
    assert proc.stdout == ""


def test_folder_is_refused(tmp_path):
    output = tmp_path / "out.json"
    result = runner.invoke(app, ["review", str(tmp_path), "--no-llm", "-f", "json", "-o", str(output)])
    _check_refusal(result.exit_code, result.stderr, output, ["文件夹"])
    proc = _run(str(tmp_path), "--no-llm", "-f", "json", "-o", str(output))
    _check_refusal(proc.returncode, proc.stderr, output, ["文件夹"])


@pytest.mark.parametrize("encoding, prefix", [("gbk", b""), ("gb18030", b""), ("utf-8", b"\xef\xbb\xbf")],
                         ids=["gbk", "gb18030", "utf8_bom"])
def test_other_encodings_are_reviewed(tmp_path, encoding, prefix):
    sample = SAMPLE_TXTS[1]
    text = sample.read_text(encoding="utf-8")
    path = tmp_path / f"report_{encoding}.txt"
    path.write_bytes(prefix + text.encode(encoding))
    output = tmp_path / "out.json"

    result = runner.invoke(app, ["review", str(path), "--no-llm", "-f", "json", "-o", str(output)])
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["document"]["format"] == "txt"
    assert data["document"]["unit"] and data["document"]["unit"] in text
    # Quotes are the decoded text, not mojibake or a BOM.
    for finding in data["findings"]:
        assert "\ufeff" not in finding["quote"] and "\ufffd" not in finding["quote"]
        if finding["quote"]:
            assert finding["quote"] in text.replace("\r\n", "\n")

    output.unlink()
    proc = _run(str(path), "--no-llm", "-f", "json", "-o", str(output))
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(output.read_text(encoding="utf-8"))["document"]["unit"] == data["document"]["unit"]
