"""Input limits: size, pages, unpacked size, time; the zip-bomb guard; special files.
Each refusal is one clear line and exit 2, through a real `python -m reviewer`."""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from reviewer.errors import InputError
from reviewer.limits import Limits, ReviewTimeout, default_limits, surface_timeout
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file

from .conftest import ROOT, SAMPLE_TXTS

FIXTURES = ROOT / "tests" / "fixtures"
DOCX = FIXTURES / f"{SAMPLE_TXTS[1].stem}.docx"
PDF10 = FIXTURES / f"{SAMPLE_TXTS[4].stem}.pdf"


def zip_with_raw_member(source: Path, name: str, compressed: bytes, size: int, crc: int) -> bytes:
    """The members of `source` plus one member given as raw deflate data, written by hand
    (zipfile cannot store data it did not compress itself)."""
    members = []
    with zipfile.ZipFile(source) as z:
        for info in z.infolist():
            data = z.read(info)
            co = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append((info.filename, co.compress(data) + co.flush(), len(data), zlib.crc32(data)))
    members.append((name, compressed, size, crc))
    out, central = io.BytesIO(), io.BytesIO()
    for filename, data, usize, ucrc in members:
        raw_name = filename.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, ucrc, len(data), usize,
                              len(raw_name), 0) + raw_name + data)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0x21, ucrc, len(data),
                                  usize, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def zip_bomb(megabytes: int = 820) -> bytes:
    """A DOCX that is a real Word document plus a part of `megabytes` MB of zeros, about
    1,000:1 compressed (a fully flushed deflate block repeats byte for byte)."""
    chunk = bytes(1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    data = first + again * (megabytes - 2) + co.compress(chunk) + co.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return zip_with_raw_member(DOCX, "word/media/image1.png", data, megabytes << 20, crc)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "炸弹.docx"
    path.write_bytes(zip_bomb())
    return path


def run(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONIOENCODING="utf-8")
    full.pop("OPENAI_BASE_URL", None)
    full.pop("OPENAI_API_KEY", None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True,
                          encoding="utf-8", env=full, cwd=ROOT, timeout=timeout)


def one_line_refusal(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert proc.stdout == ""
    return lines[0]


def test_zip_bomb_is_refused_in_seconds(bomb):
    assert bomb.stat().st_size < 0.9 * 1024 * 1024
    started = time.monotonic()
    proc = run("review", str(bomb), "--no-llm", "-f", "json")
    assert time.monotonic() - started < 5
    one_line_refusal(proc, "压缩炸弹", "DOCX")


def test_unpacked_limit_is_an_option(tmp_path):
    # The real sample unpacks to well under a megabyte; a limit below that refuses it.
    proc = run("--max-unpacked-mb", "0.01", "review", str(DOCX), "--no-llm", "-f", "json")
    one_line_refusal(proc, "解压后过大", "--max-unpacked-mb")
    assert run("review", str(DOCX), "--no-llm", "-f", "json").returncode in (0, 1)


def test_compression_ratio_guard():
    """A member far more compressed than any real document part is refused even under
    the total limit."""
    from reviewer.ingest.docx import check_package

    members = [zipfile.ZipInfo("word/document.xml"), zipfile.ZipInfo("word/media/x.bin")]
    members[0].file_size, members[0].compress_size = 50_000, 9_000
    members[1].file_size, members[1].compress_size = 100 << 20, 100_000
    with pytest.raises(InputError, match="压缩比"):
        check_package(members, "x.docx", Limits())
    members[1].file_size = 10 << 20  # 100:1, as in a real picture-free part
    check_package(members, "x.docx", Limits())


@pytest.mark.parametrize("args, env, words", [
    (["--max-file-mb", "0.01"], {}, ["文件过大", "--max-file-mb"]),
    ([], {"REVIEWER_MAX_FILE_MB": "0.01"}, ["文件过大"]),
    (["--max-pages", "3"], {}, ["页数过多", "10 页", "--max-pages"]),
    ([], {"REVIEWER_MAX_PAGES": "3"}, ["页数过多"]),
    (["--time-limit", "0.05"], {}, ["时限", "--time-limit"]),
])
def test_limits_through_the_command_line(args, env, words):
    proc = run(*args, "review", str(PDF10), "--no-llm", "-f", "json", env=env)
    one_line_refusal(proc, *words)


def test_txt_pages_count_too(tmp_path):
    path = tmp_path / "pages.txt"
    path.write_text("\f".join([SAMPLE_TXTS[1].read_text(encoding="utf-8")] * 6), encoding="utf-8")
    proc = run("--max-pages", "5", "review", str(path), "--no-llm", "-f", "json")
    one_line_refusal(proc, "页数过多")


@pytest.mark.parametrize("limits, message", [
    (Limits(max_file_mb=0.001), "文件过大"),
    (Limits(max_pages=2), "页数过多"),
])
def test_limits_through_the_library(limits, message):
    with pytest.raises(InputError, match=message):
        review_file(PDF10, ReviewOptions(llm="off", limits=limits))


def test_defaults_live_in_one_place(monkeypatch):
    limits = default_limits()
    assert (limits.max_file_mb, limits.max_pages, limits.max_unpacked_mb) == (100, 2000, 300)
    monkeypatch.setenv("REVIEWER_MAX_PAGES", "7")
    monkeypatch.setenv("REVIEWER_TIME_LIMIT", "not a number")
    assert default_limits().max_pages == 7 and default_limits().time_limit == Limits().time_limit


@pytest.mark.parametrize("make", ["fifo", "dev_zero_link", "dev_zero"])
def test_special_files_are_refused_without_reading(tmp_path, make):
    if make == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
    elif make == "dev_zero_link":
        path = tmp_path / "zero.pdf"
        path.symlink_to("/dev/zero")
    else:
        path = tmp_path / "zero.txt"
        path.symlink_to("/dev/zero")
    started = time.monotonic()
    proc = run("review", str(path), "--no-llm", "-f", "json", timeout=20)
    assert time.monotonic() - started < 10
    one_line_refusal(proc, "不是普通文件")


# --- a timeout that lands inside code which converts exceptions -----------------------------
def _wrapped(how: str) -> BaseException:
    """The shapes a ReviewTimeout arrives in: bare, as the cause of a RuntimeError (Python
    3.10's __set_name__ while a library imports), as an exception's context, two deep."""
    timeout = ReviewTimeout(0.05, "a.pdf")
    if how == "bare":
        return timeout
    outer = RuntimeError("Error calling __set_name__")
    if how == "cause":
        outer.__cause__ = timeout
    elif how == "context":
        outer.__context__ = timeout
    elif how == "two deep":
        middle = ValueError("while reading")
        middle.__cause__ = timeout
        outer.__context__ = middle
    return outer


@pytest.mark.parametrize("how", ["bare", "cause", "context", "two deep"])
def test_a_wrapped_timeout_surfaces(how):
    with pytest.raises(ReviewTimeout):
        surface_timeout(_wrapped(how))


@pytest.mark.parametrize("exc", [RuntimeError("x"), ValueError("y"), KeyError("z")])
def test_an_ordinary_error_is_left_to_its_handler(exc):
    exc.__context__ = TypeError("unrelated")
    surface_timeout(exc)  # returns: nothing to surface


def test_a_cycle_in_the_chain_ends():
    a, b = RuntimeError("a"), RuntimeError("b")
    a.__context__, b.__context__ = b, a
    surface_timeout(a)


def test_a_wrapped_timeout_in_a_stage_stops_the_review_rather_than_becoming_a_finding(monkeypatch):
    """A stage whose library import is interrupted by the timer must not report
    '检查未能完成' and carry on without a time limit."""
    import reviewer.checks as checks

    def interrupted(doc, *a, **k):
        raise RuntimeError("Error calling __set_name__") from ReviewTimeout(0.05, "x")

    monkeypatch.setattr(checks, "run_prepass", interrupted)
    with pytest.raises(ReviewTimeout):
        review_file(SAMPLE_TXTS[0], ReviewOptions(llm="off"))
