#!/usr/bin/env python3
"""Render the plain-text sample reports as Word and PDF fixtures.

Each samples/<stem>.txt becomes tests/fixtures/<stem>.docx (paragraphs, and real Word
tables where the text export carries table shapes) and tests/fixtures/<stem>.pdf
(LibreOffice's rendering of that DOCX). The TXT reader decides what is a table, so the
three formats carry the same content and the ingestion tests can compare them.

Idempotent: `python3 scripts/render_samples.py` again changes nothing unless a sample
(or this script's output) changed; `--force` renders every PDF anew.
Needs LibreOffice (`soffice`) and the Noto CJK fonts.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT))

CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Noto Sans CJK SC"
# Report PDFs are usually typeset with a fallback name; Word resolves 宋体 on Windows.
CJK_FALLBACK = "宋体"


def unwrap(text: str) -> str:
    """A paragraph's text with the hard line wraps of the text export removed."""
    return re.sub(r"[ \t\u3000]*\n\s*", "", text).strip()


def _set_fonts(run_or_style_element, size_pt: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement

    rpr = run_or_style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    fonts.set(qn("w:cs"), CJK_FALLBACK)


def _new_document():
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.name = LATIN_FONT
    _set_fonts(normal.element)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.line_spacing = 1.15
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
    return document


def _add_table(document, rows: list[list[str]]) -> None:
    """A Word table; short rows are right-aligned (the cells missing in a text export are
    the leading, vertically merged ones) and a one-cell row spans the whole width."""
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for ri, row in enumerate(rows):
        if len(row) == 1 and width > 1:
            merged = table.cell(ri, 0).merge(table.cell(ri, width - 1))
            merged.text = row[0]
            continue
        pad = width - len(row)
        for ci, value in enumerate(row):
            table.cell(ri, pad + ci).text = value
        for ci in range(pad):
            if ri <= 1:
                continue
            above = table.cell(ri - 1, ci)
            if above.text.strip() and above._tc.grid_span == 1:
                above.merge(table.cell(ri, ci))


def render_docx(txt_paths: Path | list[Path], out_path: Path) -> None:
    """One DOCX holding the given text reports one after another."""
    from reviewer.ingest.txt import decode, parse_txt

    txt_paths = [txt_paths] if isinstance(txt_paths, Path) else list(txt_paths)
    document = _new_document()
    for number, txt_path in enumerate(txt_paths):
        if number:
            document.add_page_break()
        doc = parse_txt(decode(txt_path.read_bytes(), str(txt_path)), str(txt_path))
        for block in doc.blocks:
            if block.kind == "table":
                _add_table(document, [[c.text for c in row] for row in block.rows])
                document.add_paragraph()
            else:
                text = unwrap(block.text)
                if text:
                    document.add_paragraph(text)
    # Fixed metadata keeps the output the same from run to run.
    props = document.core_properties
    props.author = "reviewer fixtures"
    props.title = out_path.stem
    import datetime as _dt

    fixed = _dt.datetime(2024, 1, 1)
    props.created = props.modified = fixed
    props.last_modified_by = "reviewer fixtures"
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    out_path.write_bytes(_stable_zip(buffer.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so re-rendering changes no byte."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item))
    return out.getvalue()


def render_pdf(docx_path: Path, out_dir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed to render the PDF fixtures")
    # A private profile so a running LibreOffice does not swallow the conversion.
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(docx_path)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
        )


def render_encrypted(out_path: Path) -> None:
    """A small password-protected PDF (password "secret") for the bad-input tests."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed to render the PDF fixtures")
    options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / f"{out_path.stem}.txt"
        source.write_text("一、加密的报告\n本文件需要密码才能打开。\n", encoding="utf-8")
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", options,
             "--outdir", work, str(source)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
        )
        shutil.copyfile(Path(work) / f"{out_path.stem}.pdf", out_path)


def main() -> None:
    # LibreOffice stamps every PDF with its creation time, so a PDF is rendered again
    # only when its DOCX changed (or with --force): re-running leaves the tree as it is.
    force = "--force" in sys.argv[1:]
    FIXTURES.mkdir(parents=True, exist_ok=True)
    total = 0
    for txt_path in sorted(SAMPLES.glob("*.txt")):
        docx_path = FIXTURES / f"{txt_path.stem}.docx"
        pdf_path = FIXTURES / f"{txt_path.stem}.pdf"
        before = docx_path.read_bytes() if docx_path.exists() else None
        render_docx(txt_path, docx_path)
        if force or before != docx_path.read_bytes() or not pdf_path.exists():
            render_pdf(docx_path, FIXTURES)
        total += docx_path.stat().st_size + pdf_path.stat().st_size
        print(f"{txt_path.name}: {docx_path.stat().st_size // 1024} KB docx, "
              f"{pdf_path.stat().st_size // 1024} KB pdf")
    encrypted = FIXTURES / "encrypted.pdf"
    if force or not encrypted.exists():
        render_encrypted(encrypted)
    total += encrypted.stat().st_size
    print(f"encrypted.pdf: {encrypted.stat().st_size // 1024} KB; fixtures total {total // 1024} KB")


if __name__ == "__main__":
    main()
