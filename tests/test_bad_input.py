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
    "unsupported": ("report.zip", b"PK\x03\x04 archive", ["不支持", ".zip"]),
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


# --- garbage text, odd encodings, control characters, damaged zip headers -----------

from reviewer.ingest.quality import garbage_reason, page_is_garbage  # noqa: E402

_TEXT = SAMPLE_TXTS[1].read_text(encoding="utf-8")
REAL = ROOT.parent / "shared" / "benchmark" / "real"


def _pdf_without_unicode_map() -> bytes:
    """A real sample PDF whose fonts lose their ToUnicode maps (same byte length, so the
    cross-reference table stays valid): its text extracts as glyph numbers."""
    data = (FIXTURES / f"{SAMPLE_TXTS[1].stem}.pdf").read_bytes()
    assert b"/ToUnicode" in data
    return data.replace(b"/ToUnicode", b"/ToUnicodX")


# name -> (file name, bytes, words the one line must contain)
GARBAGE_FILES = {
    "big5": ("繁体.txt", _TEXT.encode("big5", errors="ignore"), ["乱码", "Big5"]),
    "double_utf8": ("双重.txt", _TEXT.encode("utf-8").decode("latin-1").encode("utf-8"), ["乱码", "双重编码"]),
    "cp1252_double_utf8": ("双重1252.txt", _TEXT.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
                           ["乱码"]),
    "gbk_as_latin1": ("latin1.txt", _TEXT.encode("gbk").decode("latin-1").encode("utf-8"), ["乱码", "Latin-1"]),
    "latin1_file": ("latin1_raw.txt", _TEXT.encode("gbk").decode("latin-1").encode("latin-1")[:0]
                    + _TEXT.encode("utf-8").decode("latin-1").encode("latin-1", errors="replace")[:0]
                    + "".join(ch if ord(ch) < 256 else "?" for ch in _TEXT).encode("latin-1"), ["乱码", "问号"]),
    "utf8_as_gbk": ("锟斤拷.txt", _TEXT.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"), ["乱码"]),
}


def _ocr_available() -> bool:
    try:
        from reviewer.ingest.ocr import available
    except ImportError:
        return False
    return available()


def test_pdf_without_unicode_map_is_never_reviewed_as_garbage(tmp_path):
    """Exit 2 naming the cause, or (with the OCR extra) a review of the recognised text."""
    path = tmp_path / "nomap.pdf"
    path.write_bytes(_pdf_without_unicode_map())
    output = tmp_path / "out.json"
    proc = _run(str(path), "--no-llm", "-f", "json", "-o", str(output))
    if not _ocr_available():
        _check_refusal(proc.returncode, proc.stderr, output, ["Unicode 映射"])
        return
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["document"]["unit"] and data["document"]["unit"] in _TEXT
    assert not page_is_garbage("".join(f["quote"] for f in data["findings"]) * 3)


@pytest.mark.parametrize("case", sorted(GARBAGE_FILES))
def test_garbage_text_is_refused_not_reviewed(tmp_path, case):
    name, data, words = GARBAGE_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    output = tmp_path / "out.json"
    proc = _run(str(path), "--no-llm", "-f", "json", "-o", str(output))
    _check_refusal(proc.returncode, proc.stderr, output, words)


def _real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLE_TXTS]
    texts += [p.read_text(encoding="utf-8") for p in sorted(REAL.glob("*.txt"))]
    return texts


@pytest.mark.parametrize("text, garbage", [
    *[(t, False) for t in _real_texts()],
    ("Le café est très bon. Über die Straße gehen wir. " * 20, False),  # Western text is not mojibake
    ("2021年 1,234.56 万元 100% " * 5, False),
    ("短", False),  # too little to judge
    # a page in traditional characters, with the pinyin a mirror site adds: readable Chinese
    ("江門市2021年涉農(nóng)統(tǒng)籌整合轉(zhuǎn)移支付區(qū)域績(jī)效自評(píng)報(bào)告。"
     "根據(jù)廣東省財(cái)政廳關(guān)於提前下達(dá)省級(jí)涉農(nóng)專項(xiàng)轉(zhuǎn)移支付資金的通知精神，"
     "我局組織業(yè)務(wù)科室和直屬單位按照考核事項(xiàng)開展自評(píng)。" * 3, False),
    ("部門整體支出績效自評報告。本年度預算執行率為百分之九十八，績效目標全部完成，群眾滿意度較高。" * 4, False),
    ("(cid:12)(cid:45)(cid:7)" * 20, True),
    ("\x03\x04\x05\x06 \x07\x08\x0e\x0f" * 10, True),
    ("\ue001\ue002\ue003\ue004" * 10, True),
    (_TEXT.encode("utf-8").decode("latin-1"), True),
    (_TEXT.encode("big5", errors="ignore").decode("gb18030", errors="replace"), True),
    (_TEXT.encode("utf-8").decode("gbk", errors="replace"), True),
    ("?" * 200 + "2021", True),
])
def test_page_is_garbage(text, garbage):
    assert page_is_garbage(text) is garbage, garbage_reason(text)


@pytest.mark.parametrize("make", ["odd_byte_utf16_le", "odd_byte_utf16_be"])
def test_utf16_with_an_odd_byte_count_is_reviewed(tmp_path, make):
    codec, bom = ("utf-16-le", b"\xff\xfe") if make.endswith("le") else ("utf-16-be", b"\xfe\xff")
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + _TEXT.encode(codec) + b"\x00")  # a file cut mid-character
    output = tmp_path / "out.json"
    proc = _run(str(path), "--no-llm", "-f", "json", "-o", str(output))
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(output.read_text(encoding="utf-8"))["document"]["unit"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html", "markdown", "json"])
def test_control_characters_reach_every_output_format(tmp_path, fmt):
    text = _TEXT.replace("。", "。\x01", 1).replace("，", "，\x0b", 1).replace("的", "的\x1b", 1)
    path = tmp_path / "ctl.txt"
    path.write_text(text, encoding="utf-8")
    output = tmp_path / f"out.{fmt}"
    proc = _run(str(path), "--no-llm", "-f", fmt, "-o", str(output))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and output.stat().st_size > 0
    if fmt == "json":
        data = json.loads(output.read_text(encoding="utf-8"))
        assert not any(ch in f["quote"] for f in data["findings"] for ch in "\x01\x0b\x1b")


def _docx_with(mutate) -> bytes:
    data = bytearray((FIXTURES / f"{SAMPLE_TXTS[1].stem}.docx").read_bytes())
    mutate(data)
    return bytes(data)


def _break_local_header(data: bytearray) -> None:
    at = data.find(b"PK\x03\x04", data.find(b"word/document.xml") - 40)
    data[at + 8:at + 10] = b"\x63\x00"  # an unknown compression method


def _break_central_directory(data: bytearray) -> None:
    at = data.rfind(b"PK\x01\x02")
    data[at + 28:at + 30] = b"\xff\xff"  # a file name longer than the archive


def _break_end_record(data: bytearray) -> None:
    at = data.rfind(b"PK\x05\x06")
    data[at + 16:at + 20] = b"\xff\xff\xff\x7f"  # central directory offset past the end


@pytest.mark.parametrize("mutate", [_break_local_header, _break_central_directory, _break_end_record])
def test_damaged_zip_headers_are_one_line(tmp_path, mutate):
    path = tmp_path / "damaged.docx"
    path.write_bytes(_docx_with(mutate))
    output = tmp_path / "out.json"
    proc = _run(str(path), "--no-llm", "-f", "json", "-o", str(output))
    if proc.returncode in (0, 1):
        return  # python-docx never read the damaged part: a review, which is fine
    _check_refusal(proc.returncode, proc.stderr, output, ["DOCX"])
