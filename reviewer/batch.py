"""`reviewer batch`: many reports reviewed in parallel processes, ranked by risk.

Each document is reviewed in a worker process and its outputs are written to the output
folder as <stem>.<ext>; the JSON review is always written too, so a re-run can skip
documents whose outputs are newer than the input and still rank them. One bad file is a
listed failure, never the end of the batch. The summary (terminal table, summary.json,
summary.xlsx) puts the riskiest documents first.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from .models import Review
from .options import ReviewOptions
from .render import SUFFIX

log = logging.getLogger("reviewer.batch")

EXIT_OK, EXIT_FINDINGS, EXIT_NOTHING = 0, 1, 2
FAIL_THRESHOLD = {"error": 3, "warning": 2, "info": 1}
REPORT_SUFFIXES = (".pdf", ".docx", ".txt")
SUMMARY_JSON = "summary.json"
SUMMARY_XLSX = "summary.xlsx"
RISK_LABELS = {3: "高", 2: "中", 1: "低", 0: "低"}


@dataclass
class Job:
    path: Path
    outputs: dict[str, Path]  # format -> output file; always holds "json"


@dataclass
class Outcome:
    path: str
    status: str  # "reviewed", "skipped" or "failed"
    row: dict[str, Any] = field(default_factory=dict)
    error: str = ""


# ---------------------------------------------------------------------------
# Inputs and output names


def expand_inputs(paths: Iterable[Path], out_dir: Path) -> tuple[list[Path], list[Outcome]]:
    """Report files named or found (directly) in the named folders, each once, and a
    failure for each path that does not exist. Files in the output folder are not inputs."""
    files: list[Path] = []
    missing: list[Outcome] = []
    seen: set[Path] = set()
    out_resolved = out_dir.resolve()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for p in paths:
        p = Path(p)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if (child.is_file() and child.suffix.lower() in REPORT_SUFFIXES and not child.name.startswith("~$")
                        and child.resolve().parent != out_resolved):
                    add(child)
        elif p.exists():
            add(p)
        else:
            missing.append(Outcome(str(p), "failed", error=f"错误：文件不存在：{p}（no such file: {p}）"))
    return files, missing


def output_names(files: list[Path]) -> dict[Path, str]:
    """A distinct base name per input: the stem, qualified by extension or a number on clashes."""
    by_stem: dict[str, int] = {}
    for f in files:
        by_stem[f.stem.lower()] = by_stem.get(f.stem.lower(), 0) + 1
    names: dict[Path, str] = {}
    used: set[str] = set()
    for f in files:
        base = f.stem if by_stem[f.stem.lower()] == 1 else f"{f.stem}_{f.suffix.lstrip('.').lower()}"
        name, n = base, 2
        while name.lower() in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name.lower())
        names[f] = name
    return names


def plan_jobs(files: list[Path], out_dir: Path, formats: list[str]) -> list[Job]:
    fmts = ["json"] + [f for f in dict.fromkeys(formats) if f != "json"]
    names = output_names(files)
    return [Job(f, {fmt: out_dir / (names[f] + SUFFIX[fmt]) for fmt in fmts}) for f in files]


def up_to_date(job: Job) -> bool:
    """All outputs exist and none is older than the input."""
    try:
        source = job.path.stat().st_mtime_ns
        return all(p.exists() and p.stat().st_mtime_ns >= source for p in job.outputs.values())
    except OSError:
        return False


# ---------------------------------------------------------------------------
# One document (runs in a worker process)


def risk_row(review: Review, path: str, outputs: dict[str, Path]) -> dict[str, Any]:
    d = review.document
    worst = review.worst_severity_rank()
    return {
        "path": path,
        "name": Path(path).name,
        "unit": d.unit,
        "year": d.year,
        "kind": d.kind,
        "format": d.format,
        "pages": d.pages,
        "errors": review.summary.errors,
        "warnings": review.summary.warnings,
        "infos": review.summary.infos,
        "score_issues": sum(f.category == "score" for f in review.findings),
        "missing_parts": sum(f.category == "missing_part" for f in review.findings),
        "findings": len(review.findings),
        "worst": worst,
        "risk": RISK_LABELS[worst],
        "outputs": {fmt: p.name for fmt, p in outputs.items()},
    }


def _write_atomically(path: Path, data: str | bytes) -> None:
    part = path.with_name(path.name + ".part")
    if isinstance(data, bytes):
        part.write_bytes(data)
    else:
        part.write_text(data, encoding="utf-8")
    os.replace(part, path)


def render(review: Review, doc, fmt: str) -> str | bytes:
    if fmt == "json":
        from .render.json import render_json

        return render_json(review)
    if fmt == "markdown":
        from .render.markdown import render_markdown

        return render_markdown(review)
    if fmt == "html":
        from .render.html import render_html

        return render_html(review, doc)
    if fmt == "docx":
        from .render.word import render_docx

        return render_docx(review, doc)
    if fmt == "xlsx":
        from .render.xlsx import render_xlsx

        return render_xlsx(review)
    if fmt == "terminal":
        import io

        from rich.console import Console

        from .render.terminal import render_terminal

        buffer = io.StringIO()
        render_terminal(review, Console(file=buffer, width=120, color_system=None))
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def review_one(job: Job, options: ReviewOptions, log_level: int = logging.WARNING) -> Outcome:
    """Review one file and write its outputs; every failure becomes an Outcome."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from .errors import InputError
    from .pipeline import review_file

    path = str(job.path)
    try:
        review, doc = review_file(job.path, options)
    except InputError as e:
        return Outcome(path, "failed", error=e.one_line())
    except Exception as e:  # a reader crash on one odd file must not end the batch
        log.debug("review of %s failed", path, exc_info=True)
        return Outcome(path, "failed", error=f"审核出错：{type(e).__name__}: {e}")
    # JSON first: it is what a re-run reads back.
    for fmt, out in job.outputs.items():
        try:
            _write_atomically(out, render(review, doc, fmt))
        except Exception as e:
            log.debug("writing %s failed", out, exc_info=True)
            return Outcome(path, "failed", error=f"无法生成 {out.name}：{type(e).__name__}: {e}")
    return Outcome(path, "reviewed", row=risk_row(review, path, job.outputs))


def read_back(job: Job) -> Optional[Outcome]:
    """The outcome of a skipped document, from its JSON review (None if unreadable)."""
    try:
        review = Review.model_validate_json(job.outputs["json"].read_text(encoding="utf-8"))
    except Exception:
        return None
    return Outcome(str(job.path), "skipped", row=risk_row(review, str(job.path), job.outputs))


# ---------------------------------------------------------------------------
# Running the batch


def _pool_context():
    # Not fork: the progress bar runs a thread, and forking a threaded process can hang.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run_jobs(jobs: list[Job], options: ReviewOptions, workers: int, done: Callable[[Outcome], None]) -> None:
    """Run jobs in worker processes, calling `done` as each finishes. A worker that dies
    breaks the whole pool, so the jobs caught in it are retried one by one to find the
    file that kills its process."""
    if not jobs:
        return
    level = logging.getLogger().getEffectiveLevel()
    context = _pool_context()
    retry: list[Job] = []
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=context) as pool:
        futures = {pool.submit(review_one, job, options, level): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                done(future.result())
            except BrokenProcessPool:
                retry.append(job)
            except Exception as e:
                done(Outcome(str(job.path), "failed", error=f"审核出错：{type(e).__name__}: {e}"))
    for job in retry:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            try:
                done(pool.submit(review_one, job, options, level).result())
            except BrokenProcessPool:
                done(Outcome(str(job.path), "failed", error="错误：处理该文件时进程意外退出（worker process died）"))
            except Exception as e:
                done(Outcome(str(job.path), "failed", error=f"审核出错：{type(e).__name__}: {e}"))


def risk_key(row: dict[str, Any]):
    return (-row["errors"], -row["warnings"], -row["score_issues"], -row["missing_parts"], -row["infos"], row["path"])


def exit_code(rows: list[dict[str, Any]], fail_on: str) -> int:
    """2 when nothing could be reviewed; 1 when a document has a finding at or above
    `fail_on`; else 0."""
    if not rows:
        return EXIT_NOTHING
    threshold = FAIL_THRESHOLD.get(fail_on)
    if threshold is None:  # "never"
        return EXIT_OK
    return EXIT_FINDINGS if any(r["worst"] >= threshold for r in rows) else EXIT_OK


def build_summary(outcomes: list[Outcome], out_dir: Path, formats: list[str]) -> dict[str, Any]:
    rows = sorted((o.row | {"status": o.status} for o in outcomes if o.status != "failed"), key=risk_key)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    failures = sorted(({"path": o.path, "name": Path(o.path).name, "error": o.error}
                       for o in outcomes if o.status == "failed"), key=lambda f: f["path"])
    return {
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "out_dir": str(out_dir),
        "formats": formats,
        "total": len(outcomes),
        "reviewed": sum(o.status == "reviewed" for o in outcomes),
        "skipped": sum(o.status == "skipped" for o in outcomes),
        "failed": len(failures),
        "documents": rows,
        "failures": failures,
    }


def summary_xlsx(summary: dict[str, Any]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from .models import KIND_LABELS
    from .render.xlsx import put, style_header

    wb = Workbook()
    ws = wb.active
    ws.title = "风险排序"
    columns = [("排名", 6), ("文件", 34), ("单位", 24), ("年度", 7), ("类型", 12), ("错误", 7), ("警告", 7),
               ("提示", 7), ("评分问题", 9), ("缺失内容", 9), ("风险", 7), ("状态", 9), ("审核意见", 30)]
    for col, (header, _) in enumerate(columns, 1):
        put(ws, 1, col, header)
    fills = {"高": "FBD0D0", "中": "FFE7A3", "低": "E2F0D9"}
    link_order = ("html", "xlsx", "docx", "markdown", "terminal", "json")
    for r, row in enumerate(summary["documents"], 2):
        values = [row["rank"], row["name"], row["unit"] or "", row["year"], KIND_LABELS.get(row["kind"], row["kind"]),
                  row["errors"], row["warnings"], row["infos"], row["score_issues"], row["missing_parts"], row["risk"],
                  "已审核" if row["status"] == "reviewed" else "未变更（沿用上次结果）"]
        for col, value in enumerate(values, 1):
            put(ws, r, col, value).alignment = Alignment(vertical="top", wrap_text=col in (2, 3))
        ws.cell(row=r, column=11).fill = PatternFill("solid", fgColor=fills[row["risk"]])
        target = next((row["outputs"][f] for f in link_order if f in row["outputs"]), None)
        if target:
            cell = put(ws, r, 13, target)
            cell.hyperlink = target  # relative: summary.xlsx sits beside the outputs
            cell.font = Font(color="0563C1", underline="single")
    style_header(ws, [w for _, w in columns])

    failed = wb.create_sheet("未能审核")
    put(failed, 1, 1, "文件")
    put(failed, 1, 2, "原因")
    for r, f in enumerate(summary["failures"], 2):
        put(failed, r, 1, f["path"])
        put(failed, r, 2, f["error"]).alignment = Alignment(wrap_text=True, vertical="top")
    style_header(failed, [40, 90])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def print_summary(summary: dict[str, Any], console) -> None:
    from rich import box
    from rich.table import Table

    style = {"高": "bold red", "中": "yellow", "低": "green"}
    table = Table(title="批量预审结果（按风险排序）", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    # File and unit names fold onto more lines; the figures never wrap.
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("文件", overflow="fold", min_width=14)
    table.add_column("单位", overflow="fold", min_width=8, max_width=20)
    for header in ("年度", "错误", "警告", "提示", "评分", "缺失"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("风险", justify="center", no_wrap=True)
    for row in summary["documents"]:
        # A document not reviewed again (outputs newer than the input) is marked in place.
        name = row["name"] + ("（沿用）" if row["status"] == "skipped" else "")
        table.add_row(str(row["rank"]), name, row["unit"] or "—", str(row["year"] or "—"), str(row["errors"]),
                      str(row["warnings"]), str(row["infos"]), str(row["score_issues"]), str(row["missing_parts"]),
                      f"[{style[row['risk']]}]{row['risk']}[/]")
    if summary["documents"]:
        console.print(table)
    if summary["failures"]:
        console.print(f"[bold red]未能审核 {len(summary['failures'])} 份：[/bold red]")
        for f in summary["failures"]:
            console.print(f"  {f['path']}：{f['error']}", markup=False, highlight=False)
    console.print(f"共 {summary['total']} 份：审核 {summary['reviewed']} 份，沿用上次结果 {summary['skipped']} 份，"
                  f"失败 {summary['failed']} 份。汇总：{Path(summary['out_dir']) / SUMMARY_XLSX}", highlight=False)


def run_batch(
    paths: list[Path],
    out_dir: Path,
    formats: list[str],
    *,
    workers: int = 0,
    force: bool = False,
    options: ReviewOptions | None = None,
    fail_on: str = "error",
    console=None,
    progress_console=None,
) -> int:
    """Review every report under `paths` into `out_dir`; returns the exit code."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    options = options or ReviewOptions()
    console = console or Console()
    progress_console = progress_console or Console(stderr=True)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        progress_console.print(f"错误：无法创建输出文件夹：{out_dir}（{e.strerror}）", markup=False)
        return EXIT_NOTHING
    files, outcomes = expand_inputs(paths, out_dir)
    if not files and not outcomes:
        progress_console.print("错误：没有找到 PDF、DOCX 或 TXT 报告文件（no report files found）")
        return EXIT_NOTHING
    jobs = plan_jobs(files, out_dir, list(formats))
    workers = workers or os.cpu_count() or 1

    todo: list[Job] = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(), console=progress_console) as progress:
        task = progress.add_task("预审", total=len(jobs))
        for job in jobs:
            previous = read_back(job) if not force and up_to_date(job) else None
            if previous:
                outcomes.append(previous)
                progress.advance(task)
            else:
                todo.append(job)

        def done(outcome: Outcome) -> None:
            outcomes.append(outcome)
            mark = "✗" if outcome.status == "failed" else "✓"
            progress.update(task, advance=1, description=f"预审 {mark} {Path(outcome.path).name}")

        run_jobs(todo, options, workers, done)

    summary = build_summary(outcomes, out_dir, list(formats))
    _write_atomically(out_dir / SUMMARY_JSON, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    _write_atomically(out_dir / SUMMARY_XLSX, summary_xlsx(summary))
    print_summary(summary, console)
    return exit_code(summary["documents"], fail_on)
