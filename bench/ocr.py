#!/usr/bin/env python3
"""Scanned reports through OCR: speed against bare RapidOCR, and the figure findings kept.

    python3 bench/ocr.py [--samples 001,003] [--pages 2,4] [--dpi 200] [-v]

For each sample, its PDF fixture (tests/fixtures/<stem>.pdf, LibreOffice's rendering of
samples/<stem>.txt) is rendered to page images and wrapped as an image-only PDF, the way
a scanner makes one. Then
(a) bare RapidOCR: each page rendered and recognised (`RapidOCR()(image)`), nothing else;
(b) `reviewer.ingest.load` of the scanned PDF: rendering, recognition, rulings, table
    grids, the confusion fold and the layout stage;
alternating, after a warm-up (model loading and imports out of the way), the fastest of
--rounds each (use 2-3 on a busy machine: other work only adds time). It prints both times and
the ratio b/a (target ≤ 1.2), and the figure findings (source "prepass") of the scanned
copy's review against the TXT's (target ≥ 90 % kept), with the OCR's misreads counted:
TXT findings lost, findings only the scan has, and characters the confusion map folded.
With --pages only those pages are scanned, and the reference is the text-layer PDF of
the same pages. Exits 1 when a target is missed. Needs the extra: pip install 'reviewer[ocr]'.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures"
RATIO_TARGET = 1.2
RECALL_TARGET = 0.9


def pages_of(pdf_bytes: bytes, pages: list[int]) -> bytes:
    """A PDF holding only the given pages (1-based) of another."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf_bytes)
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [p - 1 for p in pages])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def scanned_copy(pdf_bytes: bytes, dpi: int = 200) -> bytes:
    """The PDF as a scanner gives it back: every page one grey JPEG image, no text layer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    images = [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(pdf))]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def figure_findings(path: Path):
    from reviewer.ingest import load
    from reviewer.options import ReviewOptions
    from reviewer.pipeline import review_document

    doc = load(path)
    review = review_document(doc, ReviewOptions(llm="off"))
    return doc, [f for f in review.findings if f.source == "prepass"]


def finding_key(f) -> tuple:
    """What a figure finding says, independent of where the OCR put its line breaks."""
    return (f.rule, re.sub(r"\s", "", f.stated or ""), re.sub(r"\s", "", f.expected or ""))


def compare(reference: list, scanned: list) -> tuple[int, list, list]:
    want, got = Counter(map(finding_key, reference)), Counter(map(finding_key, scanned))
    kept = sum((want & got).values())
    return kept, sorted((want - got).elements()), sorted((got - want).elements())


def bare_rapidocr(pdf_bytes: bytes) -> float:
    import pypdfium2 as pdfium

    from reviewer.ingest.ocr import RENDER_SCALE, engine

    ocr = engine()
    pdf = pdfium.PdfDocument(pdf_bytes)
    t0 = time.perf_counter()
    for i in range(len(pdf)):
        import numpy as np

        ocr(np.array(pdf[i].render(scale=RENDER_SCALE).to_pil().convert("RGB")))
    return time.perf_counter() - t0


def timed_load(path: Path) -> float:
    from reviewer.ingest import load

    t0 = time.perf_counter()
    load(path)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", default="", help="stems or their numbers, comma-separated (default: all)")
    parser.add_argument("--pages", default="", help="only these pages (1-based, comma-separated)")
    parser.add_argument("--dpi", type=int, default=200, help="scan resolution")
    parser.add_argument("--rounds", type=int, default=1, help="timing rounds per sample (alternating)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the findings lost and added")
    args = parser.parse_args()

    from reviewer.ingest.ocr import available, engine

    if not available():
        print("OCR extra not installed: pip install 'reviewer[ocr]'")
        return 1
    stems = sorted(p.stem for p in FIXTURES.glob("0*.pdf"))
    if args.samples:
        wanted = args.samples.split(",")
        stems = [s for s in stems if any(s.startswith(w) for w in wanted)]
    pages = [int(p) for p in args.pages.split(",") if p]
    engine()(__import__("numpy").full((64, 256, 3), 255, dtype="uint8"))  # warm-up: models
    figure_findings(ROOT / "samples" / f"{stems[0]}.txt")  # warm-up: the review's imports

    work = Path(tempfile.mkdtemp(prefix="reviewer-ocr-bench-"))
    print(f"{'sample':<22}{'pages':>6}{'bare s':>9}{'ours s':>9}{'ratio':>7}{'ref':>6}{'kept':>6}{'lost':>6}{'added':>7}{'folded':>8}")
    total_bare = total_ours = 0.0
    total_ref = total_kept = 0
    for stem in stems:
        source = (FIXTURES / f"{stem}.pdf").read_bytes()
        if pages:
            source = pages_of(source, pages)
            reference = work / f"{stem}_pages.pdf"
            reference.write_bytes(source)
        else:
            reference = ROOT / "samples" / f"{stem}.txt"
        scan = work / f"{stem}_scan.pdf"
        scan.write_bytes(scanned_copy(source, args.dpi))
        # The fastest of the rounds: other work on the machine only ever adds time.
        bare = ours = float("inf")
        for _ in range(args.rounds):
            bare = min(bare, bare_rapidocr(scan.read_bytes()))
            ours = min(ours, timed_load(scan))
        _, ref_findings = figure_findings(reference)
        doc, scan_findings = figure_findings(scan)
        kept, lost, added = compare(ref_findings, scan_findings)
        folded = sum(int(m) for f in doc.ingest_findings if f.rule == "ingest.ocr"
                     for m in re.findall(r"已按常见误识纠正 (\d+) 个字符", f.detail))
        total_bare, total_ours = total_bare + bare, total_ours + ours
        total_ref, total_kept = total_ref + len(ref_findings), total_kept + kept
        print(f"{stem:<22}{doc.pages:>6}{bare:>9.1f}{ours:>9.1f}{ours / bare:>7.2f}{len(ref_findings):>6}{kept:>6}"
              f"{len(lost):>6}{len(added):>7}{folded:>8}")
        if args.verbose:
            for key in lost:
                print("    lost ", key)
            for key in added:
                print("    added", key)
    ratio = total_ours / total_bare if total_bare else 0.0
    recall = total_kept / total_ref if total_ref else 1.0
    print(f"total: OCR {total_ours:.1f}s against bare RapidOCR {total_bare:.1f}s, ratio {ratio:.2f} "
          f"(target ≤ {RATIO_TARGET}); figure findings kept {total_kept}/{total_ref} = {recall:.0%} "
          f"(target ≥ {RECALL_TARGET:.0%})")
    return 0 if ratio <= RATIO_TARGET and recall >= RECALL_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
