"""`reviewer batch`: a nested folder of real reports plus bad files; outputs keyed by
relative path, content and settings; re-runs; exit codes; the ranking's spread; the
combined sheet and index.html; model options through to a real local endpoint."""
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

from reviewer.batch import (EXIT_FAILED, EXIT_FINDINGS, EXIT_OK, MANIFEST, REVIEWS_DIR, discover, exit_code,
                            output_names, risk_band, risk_score, run_batch)
from reviewer.models import Review
from reviewer.options import ReviewOptions

from .conftest import ROOT, SAMPLE_TXTS

FIXTURES = ROOT / "tests" / "fixtures"
FORMATS = ["json", "markdown", "html", "docx", "xlsx", "terminal"]
EXTENSIONS = [".json", ".md", ".html", ".docx", ".xlsx", ".txt"]


@pytest.fixture()
def inbox(tmp_path) -> Path:
    """reports/ with two samples at the top, two in a subfolder, one PDF two levels
    down, a corrupt DOCX, an encrypted PDF, a Markdown note and a Word lock file."""
    folder = tmp_path / "reports"
    (folder / "县区" / "乡镇").mkdir(parents=True)
    for p in SAMPLE_TXTS[:2]:
        shutil.copy(p, folder / p.name)
    for p in SAMPLE_TXTS[2:4]:
        shutil.copy(p, folder / "县区" / p.name)
    shutil.copy(FIXTURES / f"{SAMPLE_TXTS[4].stem}.pdf", folder / "县区" / "乡镇" / f"{SAMPLE_TXTS[4].stem}.pdf")
    (folder / "损坏的报告.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 20)
    shutil.copy(FIXTURES / "encrypted.pdf", folder / "县区" / "加密.pdf")
    (folder / "附件.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (folder / "~$草稿.docx").write_bytes(b"lock")
    return folder


def batch(paths, out: Path, formats=FORMATS, **kw) -> tuple[int, str]:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    quiet = Console(file=io.StringIO(), width=200, color_system=None)
    options = kw.pop("options", ReviewOptions(llm="off"))
    paths = paths if isinstance(paths, list) else [paths]
    code = run_batch(paths, out, formats, workers=kw.pop("workers", 2), options=options,
                     fail_on=kw.pop("fail_on", "error"), console=console, progress_console=quiet, **kw)
    return code, console.file.getvalue()


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def reviews_in(out: Path) -> dict[str, Review]:
    base = out / REVIEWS_DIR
    return {p.relative_to(base).with_suffix("").as_posix(): Review.model_validate_json(p.read_text(encoding="utf-8"))
            for p in base.rglob("*.json")}


def test_nested_inbox_is_reviewed_with_relative_paths(inbox, tmp_path):
    out = tmp_path / "out"
    code, printed = batch(inbox, out)

    reviews = reviews_in(out)
    expected = {f"reports/{p.stem}" for p in SAMPLE_TXTS[:2]} | {f"reports/县区/{p.stem}" for p in SAMPLE_TXTS[2:4]} \
        | {f"reports/县区/乡镇/{SAMPLE_TXTS[4].stem}"}
    assert set(reviews) == expected
    for key in reviews:
        for ext in EXTENSIONS:
            assert (out / REVIEWS_DIR / (key + ext)).stat().st_size > 0, key + ext
    assert not list(out.rglob("*.part"))
    # Each review is of the report at that relative path.
    for key, review in reviews.items():
        assert Path(review.document.path).stem == Path(key).name

    summary = summary_of(out)
    assert (summary["total"], summary["reviewed"], summary["reused"], summary["failed"]) == (7, 5, 0, 2)
    assert summary["status"] == "完成" and not summary["interrupted"]
    failures = {f["rel"]: f["error"] for f in summary["failures"]}
    assert "DOCX" in failures["reports/损坏的报告.docx"]
    assert "加密" in failures["reports/县区/加密.pdf"]
    skipped = {s["rel"]: s["reason"] for s in summary["skipped_files"]}
    assert set(skipped) == {"reports/附件.zip", "reports/~$草稿.docx"}
    assert "不支持" in skipped["reports/附件.zip"] and "临时文件" in skipped["reports/~$草稿.docx"]
    ranked = summary["documents"]
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5]
    assert [r["risk_score"] for r in ranked] == sorted((r["risk_score"] for r in ranked), reverse=True)
    assert code == EXIT_FAILED  # a file failed: exit 2 whatever the findings
    for word in ("批量预审结果", "损坏的报告.docx", "加密.pdf", "附件.zip", "页/秒", "风险分分布"):
        assert word in printed, word

    speed = summary["throughput"]
    assert speed["reviewed_pages"] == sum(r["pages"] for r in ranked)
    assert speed["pages_per_second"] > 0 and speed["pages_per_core_hour"] > speed["pages_per_second"]


def test_summary_workbook_and_index_link_every_review(inbox, tmp_path):
    out = tmp_path / "out"
    batch(inbox, out, formats=["json", "html"])
    summary = summary_of(out)
    reviews = reviews_in(out)

    wb = load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["风险排序", "全部审核意见汇总", "未能审核", "跳过的文件"]
    ranking = wb["风险排序"]
    assert ranking.max_row == 1 + len(summary["documents"])
    links = [ranking.cell(row=r, column=15).hyperlink.target for r in range(2, ranking.max_row + 1)]
    assert all((out / link).is_file() for link in links)
    combined = wb["全部审核意见汇总"]
    assert combined.max_row - 1 == sum(len(r.findings) for r in reviews.values())
    quotes = {combined.cell(row=r, column=10).value or "" for r in range(2, combined.max_row + 1)}
    assert {f.quote for r in reviews.values() for f in r.findings} <= quotes | {""}
    assert wb["未能审核"].max_row == 3 and wb["跳过的文件"].max_row == 3

    index = (out / "index.html").read_text(encoding="utf-8")
    import re
    from urllib.parse import unquote

    hrefs = {unquote(h) for h in re.findall(r"href='([^']+)'", index)}
    for row in summary["documents"]:
        for target in row["outputs"].values():
            assert target in hrefs and (out / target).is_file()
    for word in ("损坏的报告.docx", "附件.zip", "风险分分布", "页/秒"):
        assert word in index


def test_argument_order_never_swaps_reviews(tmp_path):
    """`batch d2 d1` after `batch d1 d2`: same names in both folders, each report keeps its own review."""
    d1, d2 = tmp_path / "d1", tmp_path / "d2"
    d1.mkdir()
    d2.mkdir()
    shutil.copy(SAMPLE_TXTS[0], d1 / "report.txt")
    shutil.copy(SAMPLE_TXTS[1], d2 / "report.txt")
    out = tmp_path / "out"
    batch([d1, d2], out, formats=["json"])
    code, _ = batch([d2, d1], out, formats=["json"])
    summary = summary_of(out)
    assert summary["reused"] == 2
    for folder, sample in ((d1, SAMPLE_TXTS[0]), (d2, SAMPLE_TXTS[1])):
        review = Review.model_validate_json((out / REVIEWS_DIR / folder.name / "report.json").read_text("utf-8"))
        assert review.document.unit and review.document.unit in sample.read_text(encoding="utf-8")
        assert Path(review.document.path).parent.name == folder.name


def test_a_report_named_summary_never_overwrites_the_summary(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "summary.txt")
    shutil.copy(SAMPLE_TXTS[2], folder / "index.txt")
    out = tmp_path / "out"
    batch(folder, out, formats=["json", "html", "xlsx"])
    assert "documents" in summary_of(out)
    assert load_workbook(out / "summary.xlsx").sheetnames[0] == "风险排序"
    assert "批量预审汇总" in (out / "index.html").read_text(encoding="utf-8")
    assert set(reviews_in(out)) == {"in/summary", "in/index"}


def test_reruns_reuse_only_what_is_unchanged(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SAMPLE_TXTS[1:4]:
        shutil.copy(p, folder / p.name)
    out = tmp_path / "out"
    batch(folder, out, formats=["json", "markdown"])
    stamps = {p: p.stat().st_mtime_ns for p in (out / REVIEWS_DIR).rglob("*.*")}

    code, printed = batch(folder, out, formats=["json", "markdown"])
    summary = summary_of(out)
    assert (summary["reviewed"], summary["reused"], summary["failed"]) == (0, 3, 0)
    assert {p: p.stat().st_mtime_ns for p in (out / REVIEWS_DIR).rglob("*.*")} == stamps
    assert all(r["status"] == "reused" for r in summary["documents"]) and "沿用" in printed
    assert code in (EXIT_OK, EXIT_FINDINGS)

    # A replaced file with an OLDER timestamp is still seen as changed (content hash).
    edited = folder / SAMPLE_TXTS[2].name
    edited.write_text(SAMPLE_TXTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    past = time.time() - 10 * 86400
    os.utime(edited, (past, past))
    batch(folder, out, formats=["json", "markdown"])
    summary = summary_of(out)
    assert (summary["reviewed"], summary["reused"]) == (1, 2)
    assert [r["name"] for r in summary["documents"] if r["status"] == "reviewed"] == [edited.name]

    # A missing output means reviewing again.
    next((out / REVIEWS_DIR).rglob("*.md")).unlink()
    batch(folder, out, formats=["json", "markdown"])
    assert (summary_of(out)["reviewed"], summary_of(out)["reused"]) == (1, 2)

    # A changed setting (another rubric) reviews everything again, as does --force.
    batch(folder, out, formats=["json", "markdown"], options=ReviewOptions(llm="off", rubric="project"))
    assert summary_of(out)["reviewed"] == 3
    batch(folder, out, formats=["json", "markdown"], options=ReviewOptions(llm="off", rubric="project"))
    assert summary_of(out)["reused"] == 3
    batch(folder, out, formats=["json", "markdown"], options=ReviewOptions(llm="off", rubric="project"), force=True)
    assert summary_of(out)["reviewed"] == 3


def test_a_changed_rubric_file_means_reviewing_again(tmp_path, monkeypatch):
    rubrics = tmp_path / "rubrics"
    shutil.copytree(ROOT / "rubrics", rubrics)
    monkeypatch.setenv("REVIEWER_RUBRICS_DIR", str(rubrics))
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "a.txt")
    out = tmp_path / "out"
    batch(folder, out, formats=["json"], workers=1)
    batch(folder, out, formats=["json"], workers=1)
    assert summary_of(out)["reused"] == 1
    with open(rubrics / "department_overall.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    batch(folder, out, formats=["json"], workers=1)
    assert summary_of(out)["reviewed"] == 1


def test_nothing_reviewable_exits_2(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "空.txt").write_bytes(b"")
    (folder / "坏.docx").write_bytes(b"garbage")
    code, printed = batch(folder, tmp_path / "out", formats=["json"])
    assert code == EXIT_FAILED
    summary = summary_of(tmp_path / "out")
    assert summary["failed"] == 2 and summary["documents"] == []
    assert "文件为空" in printed

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.zip").write_bytes(b"x")
    code, _ = batch(empty, tmp_path / "out2", formats=["json"])
    assert code == EXIT_FAILED
    assert summary_of(tmp_path / "out2")["skipped_files"][0]["rel"] == "empty/readme.zip"


def test_missing_path_is_a_listed_failure(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "a.txt")
    code, _ = batch([folder / "a.txt", tmp_path / "nope.pdf"], tmp_path / "out", formats=["json"], fail_on="never")
    assert code == EXIT_FAILED
    summary = summary_of(tmp_path / "out")
    assert summary["reviewed"] == 1
    assert [f["name"] for f in summary["failures"]] == ["nope.pdf"]


def test_special_files_in_a_folder_are_skipped_with_a_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "a.txt")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.pdf")
    (folder / ".hidden").mkdir()
    shutil.copy(SAMPLE_TXTS[2], folder / ".hidden" / "b.txt")
    code, _ = batch(folder, tmp_path / "out", formats=["json"], fail_on="never")
    summary = summary_of(tmp_path / "out")
    assert summary["reviewed"] == 1 and code == EXIT_OK
    reasons = {s["rel"]: s["reason"] for s in summary["skipped_files"]}
    assert "普通文件" in reasons["in/pipe.txt"] and "普通文件" in reasons["in/zero.pdf"]


def _row(errors=0, warnings=0, infos=0):
    worst = 3 if errors else 2 if warnings else 1 if infos else 0
    return {"errors": errors, "warnings": warnings, "infos": infos, "worst": worst}


@pytest.mark.parametrize("rows, fail_on, failed, expected", [
    ([], "error", 0, EXIT_FAILED),
    ([], "never", 0, EXIT_FAILED),
    ([_row()], "error", 0, EXIT_OK),
    ([_row(warnings=2)], "error", 0, EXIT_OK),
    ([_row(warnings=2)], "warning", 0, EXIT_FINDINGS),
    ([_row(infos=1)], "warning", 0, EXIT_OK),
    ([_row(infos=1)], "info", 0, EXIT_FINDINGS),
    ([_row(), _row(errors=1)], "error", 0, EXIT_FINDINGS),
    ([_row(errors=3)], "never", 0, EXIT_OK),
    ([_row()], "error", 1, EXIT_FAILED),
    ([_row(errors=3)], "error", 1, EXIT_FAILED),
    ([_row()], "never", 2, EXIT_FAILED),
])
def test_exit_code(rows, fail_on, failed, expected):
    assert exit_code(rows, fail_on, failed) == expected


@pytest.mark.parametrize("rels, expected", [
    (["a/x.txt", "a/y.pdf"], ["a/x", "a/y"]),
    (["a/x.txt", "a/x.docx"], ["a/x_txt", "a/x_docx"]),
    (["a/x.txt", "b/x.txt"], ["a/x", "b/x"]),
    (["a/sub/x.txt", "a/x.txt"], ["a/sub/x", "a/x"]),
    (["a/X.txt", "a/x.PDF"], ["a/X_txt", "a/x_pdf"]),
])
def test_output_names_never_clash(rels, expected):
    names = output_names(rels)
    assert [names[r] for r in rels] == expected
    assert output_names(list(reversed(rels))) == names  # argument order changes nothing


def _findings(**counts):
    out = []
    for key, n in counts.items():
        severity, category = key.split("__")
        out += [{"severity": severity, "category": category}] * n
    return out


@pytest.mark.parametrize("more, less, chars", [
    (_findings(error__arithmetic=2), _findings(error__wording=2), 10000),  # kind matters
    (_findings(error__ratio=1), _findings(warning__ratio=1), 10000),  # severity matters
    (_findings(error__score=3), _findings(error__score=1), 10000),  # count matters
    (_findings(error__missing_part=1), _findings(info__missing_part=5), 10000),
])
def test_risk_score_weights_kind_and_severity(more, less, chars):
    assert risk_score(more, chars) > risk_score(less, chars)


def test_risk_score_is_normalised_by_length():
    same = _findings(error__arithmetic=3)
    assert risk_score(same, 3000) > risk_score(same, 60000)
    assert risk_score([], 5000) == 0 and risk_band(0) == "低"
    assert 0 <= risk_score(_findings(error__arithmetic=200), 1000) <= 100


def test_the_ranking_separates_the_samples(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    for p in SAMPLE_TXTS:
        shutil.copy(p, folder / p.name)
    for stem in (SAMPLE_TXTS[0].stem, SAMPLE_TXTS[3].stem):
        shutil.copy(FIXTURES / f"{stem}.docx", folder / f"{stem}.docx")
    out = tmp_path / "out"
    batch(folder, out, formats=["json"])
    summary = summary_of(out)
    bands = summary["risk"]["bands"]
    assert sum(bands.values()) == len(summary["documents"]) == 7
    assert max(bands.values()) <= len(summary["documents"]) / 2, bands
    assert summary["risk"]["max"] > summary["risk"]["min"]


def test_discover_recurses_and_keeps_relative_paths(inbox, tmp_path):
    sources, skipped, missing = discover([inbox], tmp_path / "out")
    rels = [s.rel for s in sources]
    assert rels == sorted(rels) and not missing
    assert f"reports/县区/乡镇/{SAMPLE_TXTS[4].stem}.pdf" in rels
    # The output folder inside an input folder is never read as input.
    out = inbox / "out"
    batch(inbox, out, formats=["json"])
    again, _, _ = discover([inbox], out)
    assert [s.rel for s in again] == rels


def test_cli_batch_passes_model_options_to_a_real_endpoint(tmp_path):
    from .llm_server import LLMServer

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_TXTS[1], folder / "a.txt")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REVIEWER_MODEL"))}
    env["REVIEWER_CACHE_DIR"] = str(tmp_path / "cache")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    with LLMServer("schema") as server:
        env["OPENAI_API_KEY"] = "sk-test-batch"
        proc = subprocess.run([sys.executable, "-m", "reviewer", "batch", str(folder), "--out-dir", str(out),
                               "--llm", "on", "--base-url", server.url, "--model", "batch-model",
                               "--concurrency", "2", "--timeout", "20", "--workers", "1"],
                              capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
        calls = server.chat_requests
    assert proc.returncode in (EXIT_OK, EXIT_FINDINGS), proc.stderr
    review = Review.model_validate_json((out / REVIEWS_DIR / "in" / "a.json").read_text(encoding="utf-8"))
    assert review.summary.llm.used and review.summary.llm.model == "batch-model"
    assert calls > 0

    # Another model is another setting: reviewed again, not reused.
    with LLMServer("schema") as server:
        proc = subprocess.run([sys.executable, "-m", "reviewer", "batch", str(folder), "--out-dir", str(out),
                               "--llm", "on", "--base-url", server.url, "--model", "other-model", "--workers", "1"],
                              capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert summary_of(out)["reviewed"] == 1, proc.stderr


def test_cli_batch_command(inbox, tmp_path):
    out = tmp_path / "cli-out"
    result = subprocess.run([sys.executable, "-m", "reviewer", "batch", str(inbox), "--out-dir", str(out),
                             "--format", "json", "--format", "xlsx", "--workers", "2", "--no-llm"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == EXIT_FAILED, result.stderr  # two files failed
    assert "Traceback" not in result.stderr
    assert len(list((out / REVIEWS_DIR).rglob("*.xlsx"))) == 5
    assert (out / "summary.xlsx").is_file() and (out / "index.html").is_file() and (out / MANIFEST).is_file()
    assert "损坏的报告.docx" in result.stdout
