"""Format parity: the same report as TXT, as a DOCX with one paragraph per printed line, and
as the PDF of that DOCX should get the same figure and rule findings.

For each sample (default /work/shared/seeds/*.txt) the TXT review's findings of source
prepass/rules are the reference. A DOCX/PDF finding recovers one when it has the same rule
and its quote overlaps the reference quote (both located in the DOCX/PDF text after NFKC
folding with white space removed; quotes of absent parts match by rule alone). Findings
of the DOCX/PDF that recover none are "added".

    python3 bench/parity.py [--samples DIR] [--width 35] [--json out.json] [-v]

Target (issue 10): >= 95 % recovered and <= 2 added per document. Exit status 1 when missed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from mutate import fold, overlaps, render_docx, render_pdfs, review_findings, spans  # noqa: E402

SOURCES = ("prepass", "rules")


def _located(f: dict, doc: str) -> list[tuple[int, int]]:
    quote = fold(f.get("quote"))
    return spans(doc, quote) if len(quote) >= 2 else []


def same_finding(ref: dict, got: dict, doc: str) -> bool:
    """Same rule and overlapping quotes in the folded text of the converted document."""
    if ref.get("rule") != got.get("rule"):
        return False
    rq, gq = fold(ref.get("quote")), fold(got.get("quote"))
    if not rq or not gq:
        return not rq and not gq
    a, b = _located(ref, doc), _located(got, doc)
    if a and b:
        return any(overlaps(x, y) for x in a for y in b)
    # A quote the converted text does not hold verbatim: compare the quotes themselves.
    return rq in gq or gq in rq


def compare(reference: list[dict], findings: list[dict], doc: str) -> dict:
    ref = [f for f in reference if f.get("source") in SOURCES]
    got = [f for f in findings if f.get("source") in SOURCES]
    free = list(got)
    recovered, lost = [], []
    for r in ref:
        match = next((g for g in free if same_finding(r, g, doc)), None)
        if match is None:
            lost.append(r)
        else:
            free.remove(match)
            recovered.append(r)
    return dict(reference=len(ref), recovered=len(recovered),
                lost=[(f["rule"], fold(f.get("quote"))[:40]) for f in lost],
                added=[(f["rule"], fold(f.get("quote"))[:40]) for f in free])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path, default=Path("/work/shared/seeds"))
    ap.add_argument("--width", type=int, default=35, help="characters per printed line (default 35)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list lost and added findings")
    a = ap.parse_args(argv)
    samples = sorted(a.samples.glob("*.txt"))
    if not samples:
        print(f"没有找到样本：{a.samples}/*.txt", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="reviewer-parity-") as work:
        work_dir = Path(work)
        docx_paths = []
        for txt in samples:
            out = work_dir / f"{txt.stem}.docx"
            render_docx(txt.read_text(encoding="utf-8"), out, per_line=a.width)
            docx_paths.append(out)
        render_pdfs(docx_paths, work_dir)
        for txt, docx_path in zip(samples, docx_paths):
            reference, _, _ = review_findings(str(txt))
            row = dict(document=txt.name)
            for fmt_name, path in (("docx", docx_path), ("pdf", docx_path.with_suffix(".pdf"))):
                try:
                    findings, doc, _ = review_findings(str(path))
                except Exception as exc:  # a failed review recovers nothing
                    row[fmt_name] = dict(reference=0, recovered=0, lost=[], added=[], error=f"{type(exc).__name__}: {exc}")
                    continue
                row[fmt_name] = compare(reference, findings, doc)
            rows.append(row)
    ok = True
    print(f"{'document':<28}{'txt':>5}{'docx rec':>10}{'added':>7}{'pdf rec':>10}{'added':>7}")
    totals = {f: [0, 0, 0] for f in ("docx", "pdf")}
    for row in rows:
        line = f"{row['document']:<28}{row['docx']['reference'] or row['pdf']['reference']:>5}"
        for f in ("docx", "pdf"):
            r = row[f]
            totals[f][0] += r["recovered"]
            totals[f][1] += r["reference"]
            totals[f][2] += len(r["added"])
            share = r["recovered"] / r["reference"] if r["reference"] else 1.0
            ok &= share >= 0.95 and len(r["added"]) <= 2 and not r.get("error")
            line += f"{r['recovered']:>5}/{r['reference']:<4}{len(r['added']):>7}"
        print(line)
        if a.verbose:
            for f in ("docx", "pdf"):
                r = row[f]
                if r.get("error"):
                    print(f"   {f} error: {r['error'][:160]}")
                for rule, quote in r["lost"]:
                    print(f"   {f} lost   {rule} | {quote}")
                for rule, quote in r["added"]:
                    print(f"   {f} added  {rule} | {quote}")
    for f, (rec, ref, added) in totals.items():
        print(f"{f}: recovered {rec}/{ref} ({100 * rec / ref if ref else 100:.1f}%), added {added}")
    print("target (>=95% recovered, <=2 added per document): " + ("met" if ok else "NOT met"))
    if a.json:
        a.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
