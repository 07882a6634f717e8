"""The benchmark's scorer on the five samples and on the real documents, side by side.

Runs /work/shared/benchmark/score.py (offline reviews, `--tiers prepass,rules` by default)
on labels/ + seeds/ and on real/ + real/, both at once, and prints their summary lines
(recall by tier and category, documents failed, kinds recognised, recall/precision).

    python3 bench/real_set.py [--tiers prepass,rules] [--benchmark DIR] [-v]

-v also prints both scorers' full output (every miss and false positive).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REVIEW_CMD = "reviewer review {doc} --format json --no-llm"
SUMMARY_PREFIXES = ("recall by tier", "recall by category", "documents failed", "document kind recognised", "recall=")


def score_command(benchmark: Path, labels: Path, docs: Path, tiers: str | None, verbose: bool) -> list[str]:
    cmd = [sys.executable, str(benchmark / "score.py"), "--labels", str(labels), "--docs", str(docs),
           "--cmd", REVIEW_CMD]
    if tiers:
        cmd += ["--tiers", tiers]
    if verbose:
        cmd.append("-v")
    return cmd


def summary_of(output: str) -> dict[str, str]:
    out = {}
    for line in output.splitlines():
        for prefix in SUMMARY_PREFIXES:
            if line.startswith(prefix):
                key = prefix.rstrip("=")
                out[key] = line[len(prefix):].lstrip(": ").strip() if prefix != "recall=" else line
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--benchmark", type=Path, default=Path("/work/shared/benchmark"))
    ap.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    ap.add_argument("--tiers", default="prepass,rules", help="tiers counted as expected ('' for all)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if not (a.benchmark / "score.py").exists():
        print(f"找不到评分脚本：{a.benchmark / 'score.py'}", file=sys.stderr)
        return 2
    sets = {
        "samples": score_command(a.benchmark, a.benchmark / "labels", a.seeds, a.tiers, a.verbose),
        "real": score_command(a.benchmark, a.benchmark / "real", a.benchmark / "real", a.tiers, a.verbose),
    }
    # Both scorers at once: each runs its reviews one after another.
    procs = {name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name, cmd in sets.items()}
    outputs = {}
    for name, p in procs.items():
        stdout, stderr = p.communicate(timeout=1800)
        if p.returncode != 0:
            print(f"评分脚本在 {name} 上失败（退出码 {p.returncode}）：{stderr.strip().splitlines()[-1:]}",
                  file=sys.stderr)
            return 1
        outputs[name] = stdout
    if a.verbose:
        for name, text in outputs.items():
            print(f"===== {name}\n{text}")
    summaries = {name: summary_of(text) for name, text in outputs.items()}
    keys = [p.rstrip("=") for p in SUMMARY_PREFIXES]
    width = max(len(summaries["samples"].get(k, "")) for k in keys) + 2
    width = min(max(width, 30), 70)
    print(f"{'':<26}{'samples (labels/, seeds/)':<{width}}real (real/)")
    for key in keys:
        left, right = summaries["samples"].get(key, "-"), summaries["real"].get(key, "-")
        if len(left) > width - 2:
            print(f"{key:<26}{left}\n{'':<26}{'':<{width}}{right}")
        else:
            print(f"{key:<26}{left:<{width}}{right}")
    print(f"tiers: {a.tiers or 'all'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
