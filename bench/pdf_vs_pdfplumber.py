#!/usr/bin/env python3
"""Time the whole offline review of a PDF against bare pdfplumber text extraction.

    python3 bench/pdf_vs_pdfplumber.py [--pdf report.pdf] [--repeat 5]

Without --pdf it renders an ~11-page report (samples 002 and 001 one after the other,
through python-docx and LibreOffice, cached in the temp folder) so both sides read the
same real file: text, ruled tables, page breaks. Each round runs
(a) pdfplumber: open the file and `page.extract_text()` on every page, and
(b) `reviewer.pipeline.review_file(path, ReviewOptions(llm="off"))`,
alternating, after one warm-up round (imports and caches out of the way). It prints the
median of each and the ratio b/a; the target is a ratio of at most 1.0.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_SAMPLES = ("002_3f1d80a57ec3a08c", "001_6f2eabfb1a9cdc15")


def bench_pdf() -> Path:
    """The ~11-page benchmark report, rendered once and reused."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from render_samples import render_docx, render_pdf

    cache = Path(tempfile.gettempdir()) / "reviewer-bench"
    cache.mkdir(exist_ok=True)
    pdf = cache / "bench_report.pdf"
    sources = [ROOT / "samples" / f"{stem}.txt" for stem in BENCH_SAMPLES]
    if not pdf.exists() or pdf.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        docx = cache / "bench_report.docx"
        render_docx(sources, docx)
        render_pdf(docx, cache)
    return pdf


def pdfplumber_text(path: Path) -> int:
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
    return chars


def offline_review(path: Path) -> int:
    from reviewer.options import ReviewOptions
    from reviewer.pipeline import review_file

    review, _doc = review_file(path, ReviewOptions(llm="off"))
    return len(review.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="PDF to time (default: the rendered ~11-page report)")
    parser.add_argument("--repeat", "-n", type=int, default=5, help="timed rounds (default 5)")
    args = parser.parse_args()
    path = args.pdf or bench_pdf()

    import pypdfium2

    pages = len(pypdfium2.PdfDocument(path))
    chars = pdfplumber_text(path)  # warm-up round for both sides
    findings = offline_review(path)
    plumber_times, review_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        pdfplumber_text(path)
        plumber_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        offline_review(path)
        review_times.append(time.perf_counter() - t0)
    a, b = statistics.median(plumber_times), statistics.median(review_times)
    print(f"file: {path} ({pages} pages, {chars} characters, {findings} findings)")
    print(f"(a) pdfplumber extract_text, all pages: {a:.3f} s  (median of {args.repeat}: "
          + ", ".join(f"{t:.3f}" for t in plumber_times) + ")")
    print(f"(b) reviewer offline review:           {b:.3f} s  (median of {args.repeat}: "
          + ", ".join(f"{t:.3f}" for t in review_times) + ")")
    verdict = "OK" if b / a <= 1.0 else "SLOWER THAN TARGET"
    print(f"ratio b/a = {b / a:.2f}  (target <= 1.0: {verdict})")


if __name__ == "__main__":
    main()
