"""Fixed start-up cost: an offline review of an 8 KB TXT sample against a process that
only imports pydantic, yaml, typer and rich, measured side by side (alternating runs,
median of N), plus a batch of the same report ten times in one worker.

    python3 bench/startup.py [--runs 11] [--sample samples/001_….txt] [--max-ratio 1.5]

Exit status 1 when the review takes more than --max-ratio x the bare imports. The
first runs warm the disk caches (the parsed-YAML cache, byte code, page cache) and are
not counted; the YAML cache lives in a temporary folder (XDG_CACHE_HOME), so the user's
own cache is neither used nor written, and a review with that cache empty is shown apart.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_sample() -> Path:
    """The sample closest to 8 KB."""
    samples = sorted((ROOT / "samples").glob("*.txt"), key=lambda p: abs(p.stat().st_size - 8 * 1024))
    return samples[0]


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sample", type=Path, default=None)
    parser.add_argument("--max-ratio", type=float, default=1.5)
    args = parser.parse_args()
    sample = args.sample or default_sample()
    # As installed for users: byte-code caches are written and used (some sandboxes set
    # PYTHONDONTWRITEBYTECODE, which makes every process compile every module again).
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PYTHONDONTWRITEBYTECODE")}
    bare = [sys.executable, "-c", "import pydantic, yaml, typer, rich"]
    review = [sys.executable, "-m", "reviewer", "review", str(sample), "--no-llm", "--format", "json"]
    interpreter = [sys.executable, "-c", "pass"]
    cache_home = tempfile.TemporaryDirectory(prefix="reviewer-startup-cache-")
    env["XDG_CACHE_HOME"] = cache_home.name
    timed(review, env)  # byte code and page cache warm, so the next runs differ by the YAML cache only
    cold = []
    for _ in range(3):
        shutil.rmtree(Path(cache_home.name) / "reviewer", ignore_errors=True)
        cold.append(timed(review, env))
    for cmd in (bare, review, review):  # warm-up
        timed(cmd, env)
    times: dict[str, list[float]] = {"python -c pass": [], "import pydantic, yaml, typer, rich": [],
                                     "reviewer review (offline)": []}
    for _ in range(args.runs):
        times["python -c pass"].append(timed(interpreter, env))
        times["import pydantic, yaml, typer, rich"].append(timed(bare, env))
        times["reviewer review (offline)"].append(timed(review, env))
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["import pydantic, yaml, typer, rich"]
    print(f"sample: {sample.name} ({sample.stat().st_size / 1024:.1f} KB), {args.runs} runs each, median seconds")
    for name, value in medians.items():
        print(f"  {name:<38} {value:6.3f}  ({value / base:4.2f}x the bare imports)")
    cold_median = statistics.median(cold)
    print(f"  {'reviewer review, YAML cache empty':<38} {cold_median:6.3f}  ({cold_median / base:4.2f}x, median of 3)")
    ratio = medians["reviewer review (offline)"] / base

    with tempfile.TemporaryDirectory(prefix="reviewer-startup-") as tmp:
        folder = Path(tmp) / "inbox"
        folder.mkdir()
        for i in range(10):
            shutil.copy(sample, folder / f"r{i}.txt")
            with open(folder / f"r{i}.txt", "a", encoding="utf-8") as fh:
                fh.write(f"\n{i}\n")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reviewer", "batch", str(folder), "-d", str(Path(tmp) / "out"),
                        "--no-llm", "--workers", "1"], capture_output=True, env=env, cwd=ROOT)
        batch = time.perf_counter() - t0
        summary = json.loads((Path(tmp) / "out" / "summary.json").read_text(encoding="utf-8"))
    one = medians["reviewer review (offline)"]
    print(f"  batch of 10 copies, 1 worker: {batch:.2f} s = {batch / 10:.3f} s per report "
          f"(10 separate reviews: {10 * one:.2f} s); reviewed {summary['reviewed']}")
    cache_home.cleanup()
    verdict = "yes" if ratio <= args.max_ratio else "NO"
    print(f"review / bare imports: {ratio:.2f}x (target <= {args.max_ratio}x): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
