"""Review time against document length: the same report at ~25, 100 and 500 pages.

The long documents repeat a sample (default the longest of /work/shared/seeds) with its
decimal figures varied copy by copy (so repeats are not verbatim), with a page break
every ~PAGE_CHARS characters. Each is reviewed offline as TXT and as DOCX (paragraphs
and Word tables); the table shows seconds for reading and for the review, and the time
per page relative to the smallest size. Linear scaling keeps that ratio near 1.

    python3 bench/layout_scaling.py [--pages 25,100,500] [--formats txt,docx] [--sample FILE]

Exit status 1 when the time per page at the largest size exceeds --max-ratio (default 2)
times that of the smallest.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from mutate import fold, render_docx  # noqa: E402

PAGE_CHARS = 900  # characters of text (white space removed) on one printed A4 page of a report
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.])")


def varied(text: str, copy: int) -> str:
    """The text with every decimal figure scaled by (1 + copy/100), decimals kept."""
    if not copy:
        return text

    def scale(m: re.Match) -> str:
        decimals = len(m.group(2))
        value = float(m.group(0)) * (1 + copy / 100)
        return f"{value:.{decimals}f}"

    return _DECIMAL.sub(scale, text)


def build(sample_text: str, pages: int) -> str:
    """Copies of the sample (figures varied) with a form feed every ~PAGE_CHARS characters,
    at paragraph ends, until the text fills `pages` pages."""
    paragraphs: list[str] = []
    copy = 0
    target = pages * PAGE_CHARS
    while sum(len(fold(p)) for p in paragraphs) < target:
        paragraphs.extend(varied(sample_text, copy).split("\n\n"))
        copy += 1
    out, on_page, total = [], 0, 0
    for p in paragraphs:
        if total >= target:
            break
        size = len(fold(p))
        if on_page and on_page + size > PAGE_CHARS:
            out.append("\f")
            on_page = 0
        out.append(p)
        on_page += size
        total += size
    return "\n\n".join(out).replace("\n\n\f\n\n", "\n\f\n")


def timed_review(path: Path) -> tuple[float, float, int, int]:
    """(seconds to read, seconds to review, pages the reader counted, findings)."""
    from reviewer.ingest import load
    from reviewer.options import ReviewOptions
    from reviewer.pipeline import review_document

    t0 = time.perf_counter()
    doc = load(path)
    t1 = time.perf_counter()
    review = review_document(doc, ReviewOptions(llm="off"))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, doc.pages, len(review.findings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", default="25,100,500")
    ap.add_argument("--formats", default="txt,docx")
    ap.add_argument("--sample", type=Path, help="report to repeat (default: the longest seed)")
    ap.add_argument("--max-ratio", type=float, default=2.0)
    a = ap.parse_args(argv)
    sample = a.sample or max(Path("/work/shared/seeds").glob("*.txt"), key=lambda p: p.stat().st_size)
    sizes = [int(p) for p in a.pages.split(",") if p]
    formats = [f for f in a.formats.split(",") if f]
    if any(f not in ("txt", "docx") for f in formats) or not sizes:
        print("格式只支持 txt、docx；页数须为逗号分隔的整数", file=sys.stderr)
        return 2
    text = sample.read_text(encoding="utf-8")
    # Load the reviewer's modules once so the first size does not pay the imports.
    from reviewer.pipeline import review_file  # noqa: F401
    from reviewer.options import ReviewOptions

    review_file(str(sample), ReviewOptions(llm="off"))
    print(f"sample {sample.name}, {PAGE_CHARS} characters per page")
    print(f"{'format':<7}{'pages':>6}{'chars':>9}{'read s':>9}{'review s':>10}{'findings':>10}{'ms/page':>9}{'ratio':>7}")
    ok = True
    with tempfile.TemporaryDirectory(prefix="reviewer-scaling-") as work:
        for fmt_name in formats:
            base_per_page = None
            for pages in sizes:
                body = build(text, pages)
                path = Path(work) / f"scaled_{pages}.{fmt_name}"
                if fmt_name == "txt":
                    path.write_text(body, encoding="utf-8")
                else:
                    render_docx(body, path)
                read_s, review_s, counted, findings = timed_review(path)
                per_page = (read_s + review_s) / pages
                base_per_page = base_per_page or per_page
                ratio = per_page / base_per_page
                ok &= ratio <= a.max_ratio
                print(f"{fmt_name:<7}{pages:>6}{len(body):>9}{read_s:>9.2f}{review_s:>10.2f}{findings:>10}"
                      f"{1000 * per_page:>9.1f}{ratio:>7.2f}")
    print("linear (time per page at the largest size <= "
          f"{a.max_ratio:g} x the smallest): " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
