"""`reviewer batch`: a folder of real reports plus a corrupt file, re-runs, --force, exit codes."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from reviewer.batch import EXIT_FINDINGS, EXIT_NOTHING, EXIT_OK, exit_code, output_names, run_batch
from reviewer.models import Review
from reviewer.options import ReviewOptions

from .conftest import SAMPLE_TXTS

FORMATS = ["json", "markdown", "html", "docx", "xlsx", "terminal"]
EXTENSIONS = [".json", ".md", ".html", ".docx", ".xlsx", ".txt"]


@pytest.fixture()
def inbox(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for p in SAMPLE_TXTS:
        shutil.copy(p, folder / p.name)
    (folder / "损坏的报告.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 20)
    (folder / "说明.md").write_text("不是报告，不应被审核", encoding="utf-8")
    return folder


def batch(inbox: Path, out: Path, **kw) -> tuple[int, str]:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    quiet = Console(file=io.StringIO(), width=160, color_system=None)
    kw.setdefault("force", False)
    code = run_batch([inbox], out, FORMATS, workers=kw.pop("workers", 2), options=ReviewOptions(llm="off"),
                     fail_on=kw.pop("fail_on", "error"), console=console, progress_console=quiet, **kw)
    return code, console.file.getvalue()


def reviews_in(out: Path) -> dict[str, Review]:
    return {p.stem: Review.model_validate_json(p.read_text(encoding="utf-8"))
            for p in out.glob("*.json") if p.name != "summary.json"}


def test_batch_of_samples_with_a_corrupt_file(inbox, tmp_path):
    out = tmp_path / "out"
    code, printed = batch(inbox, out)

    reviews = reviews_in(out)
    assert sorted(reviews) == sorted(p.stem for p in SAMPLE_TXTS)
    for stem in reviews:
        for ext in EXTENSIONS:
            assert (out / (stem + ext)).stat().st_size > 0, stem + ext
    assert not list(out.glob("*.part"))

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["reviewed"], summary["skipped"], summary["failed"]) == (6, 5, 0, 1)
    [failure] = summary["failures"]
    assert failure["name"] == "损坏的报告.docx" and "DOCX" in failure["error"]
    ranked = summary["documents"]
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5]
    keys = [(r["errors"], r["warnings"], r["score_issues"], r["missing_parts"]) for r in ranked]
    assert keys == sorted(keys, reverse=True)
    for row in ranked:
        review = reviews[Path(row["name"]).stem]
        assert (row["errors"], row["warnings"], row["infos"]) == (review.count("error"), review.count("warning"),
                                                                  review.count("info"))
        assert row["unit"] == review.document.unit

    any_error = any(r.count("error") for r in reviews.values())
    assert code == (EXIT_FINDINGS if any_error else EXIT_OK)

    wb = load_workbook(out / "summary.xlsx")
    assert [c.value for c in wb["风险排序"][1]][:3] == ["排名", "文件", "单位"]
    assert wb["风险排序"].max_row == 6
    assert wb["未能审核"]["A2"].value.endswith("损坏的报告.docx")
    assert "损坏的报告.docx" in printed and "批量预审结果" in printed


def test_exit_code_is_one_when_a_document_has_errors(tmp_path):
    """The samples may have no errors yet; a report with a wrong total always has one
    once the pre-pass runs, and --fail-on info makes any finding count."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[0], folder / SAMPLE_TXTS[0].name)
    out = tmp_path / "out"
    code, _ = batch(folder, out, fail_on="info")
    review = next(iter(reviews_in(out).values()))
    assert code == (EXIT_FINDINGS if review.findings else EXIT_OK)
    code, _ = batch(folder, out, fail_on="never")
    assert code == EXIT_OK


def test_rerun_skips_up_to_date_documents_and_force_redoes_them(inbox, tmp_path):
    out = tmp_path / "out"
    kept = SAMPLE_TXTS[1:4]  # three reports are enough here, and quicker
    for extra in set(SAMPLE_TXTS) - set(kept):
        (inbox / extra.name).unlink()
    batch(inbox, out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith("summary")}

    code, printed = batch(inbox, out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["reviewed"], summary["skipped"], summary["failed"]) == (0, 3, 1)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith("summary")} == stamps
    assert len(summary["documents"]) == 3 and all(r["status"] == "skipped" for r in summary["documents"])
    assert "沿用" in printed

    # An edited input is reviewed again; the others are still skipped.
    edited = inbox / kept[1].name
    later = time.time() + 5
    os.utime(edited, (later, later))
    batch(inbox, out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["reviewed"], summary["skipped"]) == (1, 2)
    assert [r["name"] for r in summary["documents"] if r["status"] == "reviewed"] == [edited.name]

    # A missing output also means the document is reviewed again.
    (out / (kept[0].stem + ".docx")).unlink()
    batch(inbox, out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["reviewed"], summary["skipped"]) == (2, 1)  # the edited one is still newer than its outputs

    batch(inbox, out, force=True)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["reviewed"], summary["skipped"], summary["failed"]) == (3, 0, 1)


def test_nothing_reviewable_exits_2(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "空.txt").write_bytes(b"")
    (folder / "坏.docx").write_bytes(b"garbage")
    code, printed = batch(folder, tmp_path / "out")
    assert code == EXIT_NOTHING
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["failed"] == 2 and summary["documents"] == []
    assert "文件为空" in printed


def test_missing_path_is_a_listed_failure(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "a.txt")
    console = Console(file=io.StringIO(), width=160)
    code = run_batch([folder / "a.txt", tmp_path / "nope.pdf"], tmp_path / "out", ["json"], workers=1, force=False,
                     options=ReviewOptions(llm="off"), fail_on="never", console=console,
                     progress_console=Console(file=io.StringIO()))
    assert code == EXIT_OK
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["reviewed"] == 1
    assert [f["name"] for f in summary["failures"]] == ["nope.pdf"]


def _row(errors=0, warnings=0, infos=0):
    worst = 3 if errors else 2 if warnings else 1 if infos else 0
    return {"errors": errors, "warnings": warnings, "infos": infos, "worst": worst}


@pytest.mark.parametrize("rows, fail_on, expected", [
    ([], "error", EXIT_NOTHING),
    ([], "never", EXIT_NOTHING),
    ([_row()], "error", EXIT_OK),
    ([_row(warnings=2)], "error", EXIT_OK),
    ([_row(warnings=2)], "warning", EXIT_FINDINGS),
    ([_row(infos=1)], "warning", EXIT_OK),
    ([_row(infos=1)], "info", EXIT_FINDINGS),
    ([_row(), _row(errors=1)], "error", EXIT_FINDINGS),
    ([_row(errors=3)], "never", EXIT_OK),
])
def test_exit_code(rows, fail_on, expected):
    assert exit_code(rows, fail_on) == expected


@pytest.mark.parametrize("names, expected", [
    (["a/x.txt", "a/y.pdf"], ["x", "y"]),
    (["a/x.txt", "a/x.docx"], ["x_txt", "x_docx"]),
    (["a/x.txt", "b/x.txt"], ["x_txt", "x_txt_2"]),
])
def test_output_names_never_clash(names, expected):
    paths = [Path(n) for n in names]
    assert [output_names(paths)[p] for p in paths] == expected


def test_cli_batch_command(inbox, tmp_path):
    out = tmp_path / "cli-out"
    result = subprocess.run([sys.executable, "-m", "reviewer", "batch", str(inbox), "--out-dir", str(out),
                             "--format", "json", "--format", "xlsx", "--workers", "2", "--no-llm"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (EXIT_OK, EXIT_FINDINGS), result.stderr
    assert "Traceback" not in result.stderr
    assert len(list(out.glob("*.xlsx"))) == 6  # five reviews and summary.xlsx
    assert "损坏的报告.docx" in result.stdout
