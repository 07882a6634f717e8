"""A batch of 30 files (good, corrupt, encrypted, garbage-encoded, in subfolders) run as
a real process, interrupted with a real SIGINT, then run again: every good file is
reviewed exactly once over the two runs, every failure is listed, the second run exits 2
with a complete summary; a second Ctrl-C ends the process at once."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.batch import EXIT_FAILED, EXIT_INTERRUPTED, MANIFEST, REVIEWS_DIR

from .conftest import ROOT, SAMPLE_TXTS

FIXTURES = ROOT / "tests" / "fixtures"


def _make_inbox(root: Path) -> tuple[set[str], set[str]]:
    """30 files: 24 good reports (TXT, DOCX, PDF) over three folders, 6 bad ones."""
    good, bad = set(), set()
    folders = [root / "inbox", root / "inbox" / "县区", root / "inbox" / "县区" / "乡镇"]
    for f in folders:
        f.mkdir(parents=True, exist_ok=True)
    n = 0
    for copy in range(3):
        for sample in SAMPLE_TXTS:
            folder = folders[n % 3]
            target = folder / f"r{copy}_{sample.name}"
            # Each copy differs (a trailing line), so no two files share content.
            target.write_text(sample.read_text(encoding="utf-8") + f"\n（第{copy}份）\n", encoding="utf-8")
            good.add(target.relative_to(root).as_posix())
            n += 1
    for sample in SAMPLE_TXTS[:5]:
        for ext in ("docx",) if sample is SAMPLE_TXTS[3] else ("docx", "pdf"):
            target = folders[n % 3] / f"{sample.stem}.{ext}"
            shutil.copy(FIXTURES / f"{sample.stem}.{ext}", target)
            good.add(target.relative_to(root).as_posix())
            n += 1
    text = SAMPLE_TXTS[1].read_text(encoding="utf-8")
    bad_files = {
        folders[0] / "损坏.docx": b"PK\x03\x04" + bytes(range(256)) * 8,
        folders[1] / "加密.pdf": (FIXTURES / "encrypted.pdf").read_bytes(),
        folders[2] / "截断.pdf": (FIXTURES / f"{SAMPLE_TXTS[2].stem}.pdf").read_bytes()[:1200],
        folders[0] / "繁体Big5.txt": text.encode("big5", errors="ignore"),
        folders[1] / "双重编码.txt": text.encode("utf-8").decode("latin-1").encode("utf-8"),
        folders[2] / "空白.txt": b"   \n\n",
    }
    for path, data in bad_files.items():
        path.write_bytes(data)
        bad.add(path.relative_to(root).as_posix())
    assert len(good) + len(bad) == 30
    return good, bad


def _start(root: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(key, None)
    return subprocess.Popen([sys.executable, "-m", "reviewer", "batch", "inbox", "--out-dir", str(out),
                             "--format", "json", "--format", "docx", "--format", "xlsx", "--workers", "1",
                             "--no-llm"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def _finished(out: Path) -> int:
    """Entries in the batch's record (written at most once a second, and at the end)."""
    try:
        return len(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["entries"])
    except (OSError, ValueError, KeyError):
        return 0


def _written(out: Path) -> int:
    """Reviews written so far (each output appears whole: written aside, then renamed)."""
    return len(list((out / REVIEWS_DIR).rglob("*.json"))) if (out / REVIEWS_DIR).is_dir() else 0


def _wait_for(out: Path, count: int, proc: subprocess.Popen, limit: float = 120) -> None:
    started = time.monotonic()
    while _written(out) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - started < limit, "batch made no progress"
        time.sleep(0.02)


def test_interrupted_batch_resumes_and_lists_every_failure(tmp_path):
    good, bad = _make_inbox(tmp_path)
    out = tmp_path / "out"

    proc = _start(tmp_path, out)
    _wait_for(out, 3, proc)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    stopped_in = time.monotonic() - sent
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert stopped_in < 2.0, stopped_in
    assert "Traceback" not in stderr and "已中断" in stderr

    partial = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert partial["interrupted"] and partial["status"] == "已中断"
    first_done = {d["rel"] for d in partial["documents"]}
    assert len(first_done) >= 3 and first_done <= good
    assert partial["not_reached"], "the interruption left nothing to do"
    assert len(first_done) + partial["failed"] + len(partial["not_reached"]) == 30
    assert "已中断" in (out / "index.html").read_text(encoding="utf-8")
    for rel in first_done:
        assert (out / REVIEWS_DIR / Path(rel).with_suffix(".json")).is_file()
    assert not list(out.rglob("*.part"))

    proc = _start(tmp_path, out)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == EXIT_FAILED, stderr
    assert "Traceback" not in stderr
    final = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert final["status"] == "完成" and not final["not_reached"]
    reviewed_now = {d["rel"] for d in final["documents"] if d["status"] == "reviewed"}
    reused = {d["rel"] for d in final["documents"] if d["status"] == "reused"}
    assert reused == first_done  # nothing finished is reviewed twice
    assert reviewed_now | reused == good and not (reviewed_now & reused)
    failures = {f["rel"]: f["error"] for f in final["failures"]}
    assert set(failures) == bad
    for rel, words in {"inbox/繁体Big5.txt": ["乱码", "Big5"], "inbox/县区/双重编码.txt": ["乱码", "双重编码"],
                       "inbox/县区/加密.pdf": ["加密"], "inbox/损坏.docx": ["DOCX"]}.items():
        for word in words:
            assert word in failures[rel], (rel, failures[rel])
    assert len(final["documents"]) == len(good) and final["total"] == 30
    for rel in bad:
        assert Path(rel).name in stdout


def test_second_ctrl_c_exits_at_once(tmp_path):
    good, _ = _make_inbox(tmp_path)
    out = tmp_path / "out"
    proc = _start(tmp_path, out)
    _wait_for(out, 1, proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in stderr
    # What was recorded is intact: a re-run resumes from it.
    done = _finished(out)
    proc = _start(tmp_path, out)
    proc.communicate(timeout=600)
    final = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert final["reused"] == done and len(final["documents"]) == len(good)


@pytest.mark.parametrize("workers", [1])
def test_a_batch_pays_start_up_once(tmp_path, workers):
    """Ten small reports in one worker take far less than ten separate processes."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(10):
        (folder / f"r{i}.txt").write_text(SAMPLE_TXTS[1].read_text(encoding="utf-8") + f"\n{i}\n", encoding="utf-8")
    env = dict(os.environ)
    env.pop("OPENAI_BASE_URL", None)
    env.pop("OPENAI_API_KEY", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reviewer", "review", str(folder / "r0.txt"), "--no-llm", "-f", "json"],
                   capture_output=True, env=env, check=False)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reviewer", "batch", str(folder), "-d", str(tmp_path / "out"),
                           "--no-llm", "--workers", str(workers)], capture_output=True, text=True, env=env)
    ten = time.perf_counter() - t0
    assert proc.returncode in (0, 1), proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["reviewed"] == 10
    # Ten reviews in one batch cost less than six separate review processes.
    assert ten < 6 * one, (ten, one)
