"""Review time of a 0.5 MB TXT against a 5 MB one: linear growth means about 10x.

Each size is built from the sample reports (samples/*.txt) in turn, with every decimal
figure scaled copy by copy so repeats are not verbatim and a page break between copies.
Two shapes: `lines` (the reports as they are) and `paragraph` (each copy's lines run
together into one long paragraph, the shape that made a check quadratic before). Each
review runs offline in a fresh process; the table shows seconds and peak memory.

    python3 bench/scaling_text.py [--sizes 0.5,5] [--shapes lines,paragraph] [--max-ratio 10]
                                  [--profile]

Exit status 1 when the largest size takes more than --max-ratio x the time of the
smallest, times the size ratio / 10 (so the default sizes must stay under 10x).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


def varied(text: str, copy: int) -> str:
    """The text with every decimal figure scaled by (1 + copy/1000), decimals kept."""
    if not copy:
        return text

    def scale(m: re.Match) -> str:
        decimals = len(m.group(2))
        return f"{float(m.group(0)) * (1 + copy / 1000):.{decimals}f}"

    return _DECIMAL.sub(scale, text)


def build(megabytes: float, shape: str) -> str:
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    target = int(megabytes * 1024 * 1024)
    parts: list[str] = []
    size, copy = 0, 0
    while size < target:
        text = varied(samples[copy % len(samples)], copy)
        if shape == "paragraph":
            text = "".join(line.strip() for line in text.splitlines())
        parts.append(text)
        size += len(text.encode("utf-8")) + 2
        copy += 1
    return "\n\f\n".join(parts)


_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file
review, doc = review_file(sys.argv[1], ReviewOptions(llm="off"))
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "findings": len(review.findings), "pages": doc.pages}))
"""


def run_one(path: Path, profile: bool) -> dict:
    if profile:
        out = path.with_suffix(".prof")
        code = _CHILD.replace("review, doc = review_file", "import cProfile; pr = cProfile.Profile(); pr.enable()\n"
                              "review, doc = review_file").replace(
            "elapsed = ", f"pr.disable(); pr.dump_stats({str(out)!r})\nelapsed = ")
    else:
        code = _CHILD
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"review of {path} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if profile:
        import pstats

        print(f"--- profile of {path.name} (top 15 by own time)")
        pstats.Stats(str(out)).sort_stats("tottime").print_stats(15)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.5,5", help="sizes in MB, comma-separated")
    parser.add_argument("--shapes", default="lines,paragraph")
    parser.add_argument("--max-ratio", type=float, default=10.0)
    parser.add_argument("--profile", action="store_true", help="print the largest size's profile")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    failed = False
    with tempfile.TemporaryDirectory(prefix="reviewer-scaling-") as tmp:
        print(f"{'shape':<10} {'MB':>5} {'pages':>6} {'seconds':>8} {'peak MB':>8} {'findings':>9} {'x smallest':>10}")
        for shape in args.shapes.split(","):
            first = None
            for mb in sizes:
                path = Path(tmp) / f"{shape}_{mb}.txt"
                path.write_text(build(mb, shape), encoding="utf-8")
                t0 = time.perf_counter()
                result = run_one(path, args.profile and mb == max(sizes))
                result["wall"] = time.perf_counter() - t0
                first = first or result
                ratio = result["seconds"] / first["seconds"]
                print(f"{shape:<10} {mb:>5g} {result['pages']:>6} {result['seconds']:>8.2f} {result['peak_mb']:>8.0f} "
                      f"{result['findings']:>9} {ratio:>10.1f}")
            allowed = args.max_ratio * (max(sizes) / min(sizes)) / 10
            if ratio > allowed:
                print(f"  {shape}: {ratio:.1f}x for {max(sizes) / min(sizes):g}x the size (target < {allowed:g}x)")
                failed = True
    print("linear: yes" if not failed else "linear: NO")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
