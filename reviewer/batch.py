"""`reviewer batch`: a whole inbox of reports, reviewed in worker processes and ranked
by risk.

- Inputs: files named, and every report file under the folders named (recursively;
  hidden folders and the output folder are not entered). Every other file is listed as
  skipped, with its reason.
- Outputs: out/reviews/<relative path>/<name>.<ext>, mirroring where each report sat
  (the relative path starts with the folder named on the command line), so argument
  order never changes which review belongs to which report, and no report can overwrite
  the summary (summary.json, summary.xlsx, index.html at the top of out/).
- Re-runs: out/.reviewer-batch.json records, per relative path, the SHA-256 of the input
  and a key of everything that shapes a review (options, model settings, rubric and
  prompt files, version). A report is reviewed again when either changed or an output
  is missing; otherwise its review is reused.
- Interruption: the first Ctrl-C stops the workers at once, keeps every finished review
  (each output is written atomically, the record after each file), and writes a partial
  summary marked 已中断; a re-run resumes. A second Ctrl-C exits immediately.
- Exit code: 2 when any file failed (or nothing was found), else 1 when a report has a
  finding at or above --fail-on, else 0.

Worker processes start from a preloaded fork server, so the import and set-up cost is
paid once per worker, not once per file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Optional

from .options import ReviewOptions

log = logging.getLogger("reviewer.batch")

EXIT_OK, EXIT_FINDINGS, EXIT_FAILED = 0, 1, 2
EXIT_NOTHING = EXIT_FAILED  # kept for callers of the earlier name
EXIT_INTERRUPTED = 130
FAIL_THRESHOLD = {"error": 3, "warning": 2, "info": 1}
SUMMARY_JSON = "summary.json"
SUMMARY_XLSX = "summary.xlsx"
INDEX_HTML = "index.html"
MANIFEST = ".reviewer-batch.json"
REVIEWS_DIR = "reviews"
MANIFEST_VERSION = 1

# Severity and kind weights of the risk score (see risk_score).
SEVERITY_WEIGHT = {"error": 1.0, "warning": 0.3, "info": 0.05}
CATEGORY_WEIGHT = {"arithmetic": 3.0, "ratio": 3.0, "score": 3.0, "inconsistency": 2.5, "unit": 2.0,
                   "missing_part": 2.5, "unsupported_claim": 2.0, "duplicate": 1.5, "boilerplate": 1.5,
                   "wording": 0.5}
# Characters of a typical report page: the length a score is normalised by.
CHARS_PER_PAGE = 1500
RISK_SCALE = 6.0  # weighted findings per sqrt(page) that make a score of 63
RISK_BANDS = ((60, "高"), (30, "中"), (0, "低"))


def default_suffixes() -> tuple[str, ...]:
    """The report formats the readers take (the ingest dispatch decides)."""
    from .ingest import SUPPORTED

    return tuple(sorted(SUPPORTED))


# ---------------------------------------------------------------------------
# Inputs


@dataclass
class Source:
    path: Path  # as found (absolute or relative to the current folder)
    rel: str  # key and output location: "<folder named>/<sub>/<file>", POSIX separators


@dataclass
class Job:
    source: Source
    sha256: str
    outputs: dict[str, Path]  # format -> output file; always holds "json"

    @property
    def path(self) -> Path:
        return self.source.path


@dataclass
class Outcome:
    path: str
    rel: str
    status: str  # "reviewed", "reused" or "failed"
    row: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    cpu_seconds: float = 0.0
    seconds: float = 0.0


def _root_names(roots: list[Path]) -> dict[Path, str]:
    """The first component of every relative path: the folder's (or file's) own name,
    qualified by a hash of its full path when two named folders share a name (so the
    choice never depends on argument order)."""
    by_name: dict[str, list[Path]] = {}
    for r in roots:
        by_name.setdefault(r.resolve().name or "root", []).append(r)
    names = {}
    for name, group in by_name.items():
        for r in group:
            if len({g.resolve() for g in group}) > 1:
                digest = hashlib.sha256(str(r.resolve()).encode("utf-8")).hexdigest()[:6]
                names[r] = f"{name}-{digest}"
            else:
                names[r] = name
    return names


def _skip_reason(path: Path, suffixes: tuple[str, ...]) -> Optional[str]:
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock"):
        return "Office 临时文件（文档打开时生成）"
    if name.startswith("."):
        return "隐藏文件"
    if path.suffix.lower() not in suffixes:
        return f"不支持的文件类型（{path.suffix or '无扩展名'}）"
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return f"无法读取（{e.strerror}）"
    if not stat.S_ISREG(mode):
        return "不是普通文件（设备、管道或套接字）"
    return None


def discover(paths: Iterable[Path], out_dir: Path, suffixes: Optional[tuple[str, ...]] = None,
             stop: Optional[Callable[[], bool]] = None
             ) -> tuple[list[Source], list[dict[str, str]], list[Outcome]]:
    """Report files named or found under the named folders (recursively), each once;
    the files skipped with their reasons; a failure for each path that does not exist."""
    suffixes = suffixes or default_suffixes()
    out_resolved = Path(out_dir).resolve()
    roots = [Path(p) for p in paths]
    names = _root_names([r for r in roots if r.exists()])
    sources: list[Source] = []
    skipped: list[dict[str, str]] = []
    missing: list[Outcome] = []
    seen: set[Path] = set()

    def take(path: Path, rel: str) -> None:
        reason = _skip_reason(path, suffixes)
        if reason:
            skipped.append({"path": str(path), "rel": rel, "reason": reason})
            return
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        sources.append(Source(path, rel))

    for root in roots:
        if stop and stop():
            break
        if not root.exists() and not root.is_symlink():
            missing.append(Outcome(str(root), root.name, "failed",
                                   error=f"错误：文件不存在：{root}（no such file: {root}）"))
            continue
        if not root.is_dir():
            take(root, names.get(root, root.name))
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            here = Path(folder)
            # Hidden folders and the output folder are never inputs.
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != out_resolved)
            for name in sorted(files):
                path = here / name
                rel = str(PurePosixPath(names[root], *path.relative_to(root).parts))
                take(path, rel)
    sources.sort(key=lambda s: s.rel)
    return sources, skipped, missing


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def output_names(rels: list[str]) -> dict[str, str]:
    """A base name per input (its relative folder + stem), qualified by the extension
    when two reports in one folder share a stem. Depends on the set of inputs only."""
    stems: dict[tuple[str, str], int] = {}
    for rel in rels:
        p = PurePosixPath(rel)
        stems[(str(p.parent), p.stem.lower())] = stems.get((str(p.parent), p.stem.lower()), 0) + 1
    out = {}
    for rel in rels:
        p = PurePosixPath(rel)
        clash = stems[(str(p.parent), p.stem.lower())] > 1
        stem = f"{p.stem}_{p.suffix.lstrip('.').lower()}" if clash else p.stem
        out[rel] = str(p.parent / stem)
    return out


def plan_outputs(rels: list[str], out_dir: Path, formats: list[str]) -> dict[str, dict[str, Path]]:
    from .outputs import SUFFIX

    fmts = ["json"] + [f for f in dict.fromkeys(formats) if f != "json"]
    names = output_names(rels)
    base = Path(out_dir) / REVIEWS_DIR
    return {rel: {fmt: base / (names[rel] + SUFFIX[fmt]) for fmt in fmts} for rel in rels}


# ---------------------------------------------------------------------------
# What shapes a review: a change in any of these means reviewing again


def _files_digest(folder: Path, patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    if folder.is_dir():
        for pattern in patterns:
            for p in sorted(folder.rglob(pattern)):
                try:
                    digest.update(str(p.relative_to(folder)).encode("utf-8") + b"\0" + p.read_bytes())
                except OSError:
                    continue
    return digest.hexdigest()


def _model_settings(options: ReviewOptions) -> dict[str, Any]:
    """The model endpoint and settings a review would use (never the key itself)."""
    if options.llm == "off":
        return {"llm": "off"}
    try:
        from .llm.config import resolve_settings

        settings = resolve_settings(options)
        values = vars(settings) if hasattr(settings, "__dict__") else {}
    except Exception as e:  # unconfigured or invalid: the review will say so; the key records it
        return {"llm": options.llm, "unresolved": type(e).__name__}
    out = {}
    for name, value in sorted(values.items()):
        if "key" in name.lower() or name.startswith("_"):
            continue
        if isinstance(value, (str, int, float, bool, type(None))):
            out[name] = value
    return out


def settings_key(options: ReviewOptions, formats: list[str]) -> str:
    """A digest of everything besides the input that shapes a review's outputs."""
    from . import __version__
    from .datadirs import data_dir

    shaped = options.model_dump(mode="json", exclude={"api_key", "concurrency", "llm_log"})
    parts = {
        "version": __version__,
        "options": shaped,
        "model": _model_settings(options),
        "formats": sorted(set(formats) | {"json"}),
        "rubrics": _files_digest(data_dir("rubrics", "REVIEWER_RUBRICS_DIR"), ("*.yaml", "*.yml")),
        "prompts": _files_digest(data_dir("prompts", "REVIEWER_PROMPTS_DIR"), ("*.txt",)),
    }
    if options.rubric and Path(options.rubric).is_file():
        parts["rubric_file"] = sha256_of(Path(options.rubric))
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


# ---------------------------------------------------------------------------
# Risk


def risk_score(findings: list[dict[str, Any]], chars: int) -> int:
    """0-100: findings weighted by severity and kind, per square root of the length in
    pages (a long report has more chances to slip, but not proportionally more), mapped
    through 1 - exp(-x) so a handful of serious errors already scores high."""
    weighted = sum(SEVERITY_WEIGHT.get(f.get("severity"), 0) * CATEGORY_WEIGHT.get(f.get("category"), 1.0)
                   for f in findings)
    pages = max(1.0, chars / CHARS_PER_PAGE)
    density = weighted / math.sqrt(pages)
    return int(round(100 * (1 - math.exp(-density / RISK_SCALE))))


def risk_band(score: int) -> str:
    return next(label for floor, label in RISK_BANDS if score >= floor)


def risk_row(review, rel: str, path: str, outputs: dict[str, Path], out_dir: Path) -> dict[str, Any]:
    d = review.document
    findings = [{"severity": f.severity, "category": f.category} for f in review.findings]
    score = risk_score(findings, d.chars or 0)
    return {
        "path": path,
        "rel": rel,
        "name": Path(rel).name,
        "unit": d.unit,
        "year": d.year,
        "kind": d.kind,
        "format": d.format,
        "pages": d.pages,
        "chars": d.chars,
        "errors": review.summary.errors,
        "warnings": review.summary.warnings,
        "infos": review.summary.infos,
        "score_issues": sum(f.category == "score" for f in review.findings),
        "missing_parts": sum(f.category == "missing_part" for f in review.findings),
        "findings": len(review.findings),
        "worst": review.worst_severity_rank(),
        "risk_score": score,
        "risk": risk_band(score),
        "outputs": {fmt: p.relative_to(out_dir).as_posix() for fmt, p in outputs.items()},
    }


# ---------------------------------------------------------------------------
# One document (runs in a worker process)


def _write_atomically(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    if isinstance(data, bytes):
        part.write_bytes(data)
    else:
        part.write_text(data, encoding="utf-8")
    os.replace(part, path)


def review_one(job: Job, options: ReviewOptions, out_dir: Path) -> Outcome:
    """Review one file and write its outputs; every failure becomes an Outcome."""
    from .errors import InputError
    from .limits import ReviewTimeout, deadline, resolve, surface_timeout
    from .outputs import render
    from .pipeline import review_file

    path, rel = str(job.path), job.source.rel
    cpu0, wall0 = time.process_time(), time.perf_counter()

    def finish(outcome: Outcome) -> Outcome:
        outcome.cpu_seconds = time.process_time() - cpu0
        outcome.seconds = time.perf_counter() - wall0
        return outcome

    limit = resolve(options.limits).time_limit
    try:
        with deadline(limit, path):
            review, doc = review_file(job.path, options)
            for fmt, out in job.outputs.items():  # JSON first: it is what a re-run reads back
                try:
                    _write_atomically(out, render(review, doc, fmt, path=path))
                except OSError as e:
                    return finish(Outcome(path, rel, "failed", error=f"错误：无法写出 {out.name}（{e.strerror}）"))
    except InputError as e:
        return finish(Outcome(path, rel, "failed", error=e.one_line()))
    except ReviewTimeout as e:
        return finish(Outcome(path, rel, "failed", error=e.one_line()))
    except Exception as e:  # a crash on one odd file must not end the batch
        try:
            surface_timeout(e)
        except ReviewTimeout as timeout:
            return finish(Outcome(path, rel, "failed", error=timeout.one_line()))
        log.debug("review of %s failed", path, exc_info=True)
        return finish(Outcome(path, rel, "failed", error=f"错误：审核出错（{type(e).__name__}: {e}）"))
    return finish(Outcome(path, rel, "reviewed", row=risk_row(review, rel, path, job.outputs, out_dir)))


def _worker_main(conn, options: ReviewOptions, out_dir: Path, level: int) -> None:
    """A worker: reviews the jobs sent to it, one at a time, until told to stop. The
    parent handles Ctrl-C (and terminates workers), so workers ignore it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = review_one(job, options, out_dir)
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return


# Imported once by the fork server, so every worker starts with them loaded.
PRELOAD = ["reviewer.pipeline", "reviewer.checks", "reviewer.rules", "reviewer.outputs", "reviewer.ingest.txt",
           "reviewer.ingest.docx", "reviewer.ingest.pdf", "reviewer.render.json", "reviewer.batch"]


def _pool_context():
    # Not fork: the progress bar runs a thread, and forking a threaded process can hang.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, context, options: ReviewOptions, out_dir: Path, level: int):
        parent, child = context.Pipe()
        self.conn = parent
        self.process = context.Process(target=_worker_main, args=(child, options, out_dir, level), daemon=True)
        self.process.start()
        child.close()
        self.job: Optional[Job] = None

    def stop(self, hard: bool = False) -> None:
        if self.process.is_alive():
            self.process.kill() if hard else self.process.terminate()

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass


class Interrupt:
    """Ctrl-C handling of a batch: the first one asks the run to stop, the second one
    ends the process at once (after killing the workers)."""

    def __init__(self, console=None):
        self.requested = False
        self.console = console
        self.workers: list[_Worker] = []
        self.on_abort: Optional[Callable[[], None]] = None  # keeps the record of finished reviews
        self._previous = None

    def __call__(self, signum, frame) -> None:
        if self.requested:
            for w in self.workers:
                w.stop(hard=True)
            if self.on_abort is not None:
                try:
                    self.on_abort()
                except Exception:  # noqa: BLE001 - exiting anyway
                    pass
            os.write(2, "\n已强制退出（第二次 Ctrl-C）/ aborted\n".encode("utf-8"))
            os._exit(EXIT_INTERRUPTED)
        self.requested = True
        os.write(2, "\n正在停止：已完成的审核会保留，再按一次 Ctrl-C 立即退出 / stopping\n".encode("utf-8"))

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self)
        return self

    def __exit__(self, *exc) -> bool:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def run_jobs(jobs: list[Job], options: ReviewOptions, workers: int, out_dir: Path,
             done: Callable[[Outcome], None], interrupt: Optional[Interrupt] = None) -> list[Job]:
    """Run jobs in worker processes, calling `done` as each finishes; returns the jobs
    not finished because the run was interrupted. A worker that dies (a reader crashing
    the process) fails its file and is replaced."""
    from multiprocessing.connection import wait

    if not jobs:
        return []
    interrupt = interrupt or Interrupt()
    level = logging.getLogger().getEffectiveLevel()
    context = _pool_context()
    pending = deque(jobs)
    pool: list[_Worker] = []
    interrupt.workers = pool
    try:
        for _ in range(max(1, min(workers, len(jobs)))):
            pool.append(_Worker(context, options, out_dir, level))
        while (pending or any(w.job for w in pool)) and not interrupt.requested:
            for w in pool:
                if w.job is None and pending:
                    w.job = pending.popleft()
                    try:
                        w.conn.send(w.job)
                    except (BrokenPipeError, OSError):
                        pass  # its death is seen below
            busy = [w for w in pool if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
            for w in busy:
                outcome = None
                if w.conn in ready:
                    try:
                        outcome = w.conn.recv()
                    except (EOFError, OSError):
                        outcome = None
                if outcome is not None:
                    w.job = None
                    done(outcome)
                elif w.process.sentinel in ready or not w.process.is_alive():
                    job = w.job
                    w.job = None
                    w.close()
                    done(Outcome(str(job.path), job.source.rel, "failed",
                                 error=f"错误：处理该文件时进程意外退出（worker process died, exit code "
                                       f"{w.process.exitcode}）"))
                    pool[pool.index(w)] = _Worker(context, options, out_dir, level)
    finally:
        # Reviews that finished while stopping are kept, not redone.
        for w in pool:
            if w.job is None:
                continue
            try:
                if w.conn.poll(0):
                    outcome = w.conn.recv()
                    w.job = None
                    done(outcome)
            except (EOFError, OSError):
                pass
        unfinished = [w.job for w in pool if w.job is not None] + list(pending)
        for w in pool:
            if interrupt.requested or w.job is not None:
                w.stop()
            else:
                try:
                    w.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
        deadline = time.monotonic() + 1.5
        for w in pool:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.stop(hard=True)
                w.process.join(0.5)
            w.close()
    return unfinished if interrupt.requested else []


# ---------------------------------------------------------------------------
# The record of finished reviews


def read_manifest(out_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_manifest(out_dir: Path, entries: dict[str, Any]) -> None:
    _write_atomically(out_dir / MANIFEST, json.dumps({"version": MANIFEST_VERSION, "entries": entries},
                                                     ensure_ascii=False, indent=1) + "\n")


def reusable(entry: Optional[dict], job: Job, key: str) -> bool:
    """The recorded review is of this very content, under the same settings, and all
    its outputs are still there."""
    if not entry or entry.get("status") != "reviewed":
        return False
    if entry.get("sha256") != job.sha256 or entry.get("settings") != key:
        return False
    return all(p.is_file() for p in job.outputs.values())


# ---------------------------------------------------------------------------
# Summary


def risk_key(row: dict[str, Any]):
    return (-row.get("risk_score", 0), -row["errors"], -row["warnings"], -row["score_issues"],
            -row["missing_parts"], -row["infos"], row.get("rel", row.get("path", "")))


def exit_code(rows: list[dict[str, Any]], fail_on: str, failed: int = 0) -> int:
    """2 when a file failed or nothing could be reviewed; 1 when a document has a
    finding at or above `fail_on`; else 0."""
    if failed or not rows:
        return EXIT_FAILED
    threshold = FAIL_THRESHOLD.get(fail_on)
    if threshold is None:  # "never"
        return EXIT_OK
    return EXIT_FINDINGS if any(r["worst"] >= threshold for r in rows) else EXIT_OK


def _spread(rows: list[dict[str, Any]]) -> dict[str, Any]:
    scores = sorted(r["risk_score"] for r in rows)
    bands = {label: sum(r["risk"] == label for r in rows) for _, label in RISK_BANDS}
    if not scores:
        return {"bands": bands, "min": None, "median": None, "max": None, "histogram": [0] * 10}
    histogram = [0] * 10
    for s in scores:
        histogram[min(9, s // 10)] += 1
    middle = len(scores) // 2
    median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    return {"bands": bands, "min": scores[0], "median": median, "max": scores[-1], "histogram": histogram}


def build_summary(outcomes: list[Outcome], out_dir: Path, formats: list[str], *, skipped: list[dict[str, str]],
                  interrupted: bool = False, not_reached: list[str] = (), started: float = 0.0,
                  workers: int = 1) -> dict[str, Any]:
    rows = sorted((o.row | {"status": o.status} for o in outcomes if o.status != "failed"), key=risk_key)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    failures = sorted(({"path": o.path, "rel": o.rel, "name": Path(o.rel or o.path).name, "error": o.error}
                       for o in outcomes if o.status == "failed"), key=lambda f: f["rel"] or f["path"])
    fresh = [o for o in outcomes if o.status in ("reviewed", "failed")]
    wall = max(time.perf_counter() - started, 1e-9) if started else 0.0
    pages = sum(o.row.get("pages") or 0 for o in fresh if o.status == "reviewed")
    cpu = sum(o.cpu_seconds for o in fresh)
    return {
        "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "status": "已中断" if interrupted else "完成",
        "interrupted": interrupted,
        "out_dir": str(out_dir),
        "formats": formats,
        "total": len(outcomes) + len(not_reached),
        "reviewed": sum(o.status == "reviewed" for o in outcomes),
        "reused": sum(o.status == "reused" for o in outcomes),
        "failed": len(failures),
        "not_reached": list(not_reached),
        "skipped": len(skipped),
        "documents": rows,
        "failures": failures,
        "skipped_files": sorted(skipped, key=lambda s: s["rel"]),
        "risk": _spread(rows),
        "throughput": {
            "reviewed_pages": pages,
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "workers": workers,
            "pages_per_second": round(pages / wall, 2) if wall and pages else None,
            "pages_per_core_hour": round(pages / cpu * 3600) if cpu and pages else None,
        },
    }


def attach_findings(summary: dict[str, Any], out_dir: Path) -> list[dict[str, Any]]:
    """Every finding of every ranked review, for the combined sheet (read from the JSON
    reviews, so reused reviews are included)."""
    from .models import Review

    rows = []
    for doc in summary["documents"]:
        try:
            review = Review.model_validate_json((out_dir / doc["outputs"]["json"]).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError):
            continue
        for f in review.findings:
            rows.append({"rank": doc["rank"], "rel": doc["rel"], "unit": doc["unit"], "risk": doc["risk"],
                         "finding": f})
    return rows


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
    for header in ("年度", "错误", "警告", "提示", "评分", "缺失", "风险分"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("风险", justify="center", no_wrap=True)
    for row in summary["documents"]:
        name = row["rel"] + ("（沿用）" if row["status"] == "reused" else "")
        table.add_row(str(row["rank"]), name, row["unit"] or "—", str(row["year"] or "—"), str(row["errors"]),
                      str(row["warnings"]), str(row["infos"]), str(row["score_issues"]), str(row["missing_parts"]),
                      str(row["risk_score"]), f"[{style[row['risk']]}]{row['risk']}[/]")
    if summary["interrupted"]:
        console.print("[bold yellow]已中断：以下为部分结果，重新运行同一命令即可继续。[/bold yellow]")
    if summary["documents"]:
        console.print(table)
        risk = summary["risk"]
        bands = "，".join(f"{k} {v} 份" for k, v in risk["bands"].items())
        console.print(f"风险分分布：最低 {risk['min']}，中位 {risk['median']}，最高 {risk['max']}（{bands}）",
                      highlight=False)
    if summary["failures"]:
        console.print(f"[bold red]未能审核 {len(summary['failures'])} 份：[/bold red]")
        for f in summary["failures"]:
            console.print(f"  {f['rel'] or f['path']}：{f['error']}", markup=False, highlight=False)
    if summary["skipped_files"]:
        console.print(f"跳过 {len(summary['skipped_files'])} 个非报告文件：", highlight=False)
        for s in summary["skipped_files"]:
            console.print(f"  {s['rel']}：{s['reason']}", markup=False, highlight=False)
    if summary["not_reached"]:
        console.print(f"因中断未审核 {len(summary['not_reached'])} 份（重新运行即可继续）", highlight=False)
    speed = summary["throughput"]
    if speed["pages_per_second"]:
        console.print(f"处理速度：{speed['pages_per_second']} 页/秒，{speed['pages_per_core_hour']} 页/核·小时"
                      f"（{speed['reviewed_pages']} 页，{speed['wall_seconds']:.1f} 秒，{speed['workers']} 个进程）",
                      highlight=False)
    out = Path(summary["out_dir"])
    console.print(f"共 {summary['total']} 份：新审核 {summary['reviewed']} 份，沿用上次结果 {summary['reused']} 份，"
                  f"失败 {summary['failed']} 份。汇总：{out / SUMMARY_XLSX}，{out / INDEX_HTML}", highlight=False)


def write_summary(summary: dict[str, Any], out_dir: Path) -> None:
    from .render.batch_summary import index_html, summary_xlsx

    findings = attach_findings(summary, out_dir)
    _write_atomically(out_dir / SUMMARY_JSON, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    _write_atomically(out_dir / SUMMARY_XLSX, summary_xlsx(summary, findings))
    _write_atomically(out_dir / INDEX_HTML, index_html(summary, findings))


# ---------------------------------------------------------------------------
# Running the batch


def _import_summary_modules() -> None:
    try:
        import openpyxl  # noqa: F401

        from . import models  # noqa: F401
        from .render import batch_summary, xlsx  # noqa: F401
    except Exception:  # noqa: BLE001 - only a warm-up; write_summary reports real errors
        pass


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

    started = time.perf_counter()
    options = options or ReviewOptions()
    console = console or Console()
    progress_console = progress_console or Console(stderr=True)
    out_dir = Path(out_dir)
    formats = list(dict.fromkeys(formats or ["json"]))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        progress_console.print(f"错误：无法创建输出文件夹：{out_dir}（{e.strerror}）", markup=False)
        return EXIT_FAILED

    # The summary's libraries load while the workers run, so an interrupted run can
    # write its partial summary at once.
    threading.Thread(target=_import_summary_modules, daemon=True).start()
    with Interrupt() as interrupt:
        sources, skipped, outcomes = discover(paths, out_dir, stop=lambda: interrupt.requested)
        if not sources and not outcomes:
            write_summary(build_summary([], out_dir, formats, skipped=skipped, started=started), out_dir)
            progress_console.print("错误：没有找到可审核的报告文件（no report files found）")
            return EXIT_FAILED
        key = settings_key(options, formats)
        planned = plan_outputs([s.rel for s in sources], out_dir, formats)
        entries = read_manifest(out_dir)
        workers = workers or os.cpu_count() or 1

        todo: list[Job] = []
        not_reached: list[str] = []
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                      console=progress_console) as progress:
            task = progress.add_task("预审", total=len(sources))
            for source in sources:
                if interrupt.requested:
                    not_reached.append(source.rel)
                    continue
                try:
                    digest = sha256_of(source.path)
                except OSError as e:
                    outcomes.append(Outcome(str(source.path), source.rel, "failed",
                                            error=f"错误：无法读取文件：{source.path}（{e.strerror}）"))
                    progress.advance(task)
                    continue
                job = Job(source, digest, planned[source.rel])
                entry = entries.get(source.rel)
                if not force and reusable(entry, job, key):
                    outcomes.append(Outcome(str(source.path), source.rel, "reused", row=dict(entry["row"])))
                    progress.advance(task)
                else:
                    todo.append(job)

            by_rel = {j.source.rel: j for j in todo}
            last_saved = [0.0]

            def save_record() -> None:
                write_manifest(out_dir, entries)
                last_saved[0] = time.monotonic()

            # The record is rewritten at most once a second (a province's inbox has
            # thousands of entries), at the end, and on a second Ctrl-C.
            interrupt.on_abort = save_record

            def done(outcome: Outcome) -> None:
                outcomes.append(outcome)
                job = by_rel[outcome.rel]
                if outcome.status == "reviewed":
                    entries[outcome.rel] = {"status": "reviewed", "sha256": job.sha256, "settings": key,
                                            "path": outcome.path, "row": outcome.row,
                                            "reviewed_at": datetime.now().astimezone().isoformat(timespec="seconds")}
                else:
                    entries.pop(outcome.rel, None)
                if time.monotonic() - last_saved[0] > 1.0:
                    save_record()
                mark = "✗" if outcome.status == "failed" else "✓"
                progress.update(task, advance=1, description=f"预审 {mark} {Path(outcome.rel).name}")

            unfinished = run_jobs(todo, options, workers, out_dir, done, interrupt) if not interrupt.requested \
                else list(todo)
            not_reached += [j.source.rel for j in unfinished]
            save_record()
            interrupt.on_abort = None

        summary = build_summary(outcomes, out_dir, formats, skipped=skipped, interrupted=interrupt.requested,
                                not_reached=sorted(not_reached), started=started, workers=min(workers, max(1, len(todo))))
        write_summary(summary, out_dir)
        print_summary(summary, console)
    if summary["interrupted"]:
        progress_console.print("已中断：已完成的审核已保留，部分汇总已写出（标记为“已中断”）；重新运行同一命令即可继续。")
        return EXIT_INTERRUPTED
    return exit_code(summary["documents"], fail_on, failed=summary["failed"])
