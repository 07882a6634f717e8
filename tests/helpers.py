"""Small builders shared by tests: a Document from inline report text, and the real
Word/PDF bases the scripts/make_*_bases.py generators write."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from reviewer.ingest.txt import parse_txt
from reviewer.sections import build_sections

ROOT = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# PDFs are printed by LibreOffice: without it the generated bases are tested as DOCX only.
BASE_FORMATS = ["docx"] + (["pdf"] if SOFFICE else [])


def doc_from_text(text: str, path: str = "inline.txt"):
    doc = parse_txt(text, path)
    doc.sections = build_sections(doc)
    return doc


def generate_bases(out: Path, script: str) -> Path:
    """Run one generator (clean files and their defective copies) into `out`."""
    args = [sys.executable, str(ROOT / "scripts" / script), str(out), "--defects"]
    if not SOFFICE:
        args.append("--no-pdf")
    subprocess.run(args, check=True, capture_output=True, timeout=300)
    return out


def offline_review(path: Path):
    from reviewer.options import ReviewOptions
    from reviewer.pipeline import review_file

    review, _ = review_file(path, ReviewOptions(llm="off"))
    return review


def quoted_cell(finding) -> str:
    """The quote, or for a one-character cell (quoted with the cells before it on its row,
    so that the quote says where it is) that cell alone."""
    last = finding.quote.replace("\n", "\t").split("\t")[-1].strip()
    return last if len(last) <= 1 else finding.quote
