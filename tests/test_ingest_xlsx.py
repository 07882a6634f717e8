"""Excel 自评表 (.xlsx, .xls): every sheet one table in the same Document model, merged
cells resolved, so the score-table checks find what they find in the plain-text sample.

The workbooks are written here with openpyxl from the sample's own tables, the way a
unit fills the form in Excel: a title row merged across the sheet, the first-level
indicator merged down over its rows, numbers stored as numbers.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from reviewer.checks.scoretable import _place_cells, check_score_tables, header_roles_of
from reviewer.errors import InputError
from reviewer.ingest import load
from reviewer.ingest.xlsx import format_value
from reviewer.textmatch import fold

from .conftest import ROOT

SCORE_SAMPLES = ["000_b10681fc8d1fbec0", "003_9f785aea458f6f0e"]
_NUMBER = __import__("re").compile(r"^-?\d+(?:\.\d+)?$")


def _as_excel_value(text: str):
    """What a unit types: plain figures become numbers, everything else stays text."""
    if _NUMBER.match(text):
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() and "." not in text else float(text)
    return text


def write_workbook(doc, path, merge_down: bool = True) -> list[list[list[str]]]:
    """The document's tables as sheets (title row merged across; an empty cell
    under a filled one in the first column merged into it). Returns the grids written."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    blocks = doc.tables
    grids = []
    for n, block in enumerate(blocks, 1):
        sheet = book.create_sheet(f"自评表{n}")
        width = max(len(r) for r in block.rows)
        sheet.cell(1, 1, f"绩效自评表（{n}）")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        grid = [_full_row(row, width, block.rows) for row in block.rows]
        for r, row in enumerate(grid, 2):
            for c, text in enumerate(row, 1):
                if text:
                    cell = sheet.cell(r, c, _as_excel_value(text))
                    if text.startswith("="):
                        cell.data_type = "s"  # typed as text ("=100%" is a target), not a formula
        if merge_down:
            r = 0
            while r < len(grid):
                if grid[r][0]:
                    end = r
                    while end + 1 < len(grid) and not grid[end + 1][0] and any(grid[end + 1]):
                        end += 1
                    if end > r:
                        sheet.merge_cells(start_row=r + 2, start_column=1, end_row=end + 2, end_column=1)
                    r = end + 1
                else:
                    r += 1
        grids.append(grid)
    book.save(path)
    return grids


def _full_row(row, width: int, rows) -> list[str]:
    """A row of the text export on the full grid, as Excel holds it: the export drops the
    empty cells of merged ranges, and the score-table reader places such short rows
    right-aligned (a first-level name back in its column); the sheet gets them placed."""
    roles = next((r for r in map(header_roles_of, rows) if r), {})
    placed = _place_cells(row, width, roles)
    return [placed[c].text if c in placed else "" for c in range(width)]


def table_findings(doc) -> list[tuple]:
    """Score-table findings quoted from inside a table (text-only ones cannot be in a sheet)."""
    keys = []
    for f in check_score_tables(doc):
        block = doc.block_at(f.location.start) if f.location.start is not None else None
        if block is not None and block.is_table:
            keys.append((f.rule, f.stated, f.expected))
    return sorted(keys)


@pytest.mark.parametrize("stem", SCORE_SAMPLES)
def test_an_excel_copy_of_the_score_tables_gives_the_same_findings(tmp_path, stem):
    txt = load(ROOT / "samples" / f"{stem}.txt")
    path = tmp_path / f"{stem}.xlsx"
    grids = write_workbook(txt, path)
    doc = load(path)
    expected = table_findings(txt)
    assert expected
    assert table_findings(doc) == expected
    # One page per sheet; the merged title is a paragraph, not a table row.
    assert doc.pages == len(grids) and len(doc.tables) == len(grids)
    assert [b.page for b in doc.tables] == list(range(1, len(grids) + 1))
    assert fold(doc.paragraphs[0].text) == fold("绩效自评表（1）")
    for table, grid in zip(doc.tables, grids):
        # Line breaks inside a cell (Alt+Enter) are not part of its value.
        assert [[c.text for c in row] for row in table.rows] == [[g.replace("\n", "") for g in row] for row in grid]


def test_merged_cells_keep_their_value_in_the_top_left_cell(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [["一级指标", "二级指标", "分值", "得分"],
            ["产出指标", "数量指标", 20, 18],
            [None, "质量指标", 30, 30]]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C1:C1")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    doc = load(path)
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [
        ["一级指标", "二级指标", "分值", "得分"], ["产出指标", "数量指标", "20", "18"], ["", "质量指标", "30", "30"]]


@pytest.mark.parametrize("value, number_format, shown", [
    (95, "General", "95"),
    (95.0, "General", "95"),
    (0.1 + 0.2, "General", "0.3"),
    (0.9527, "0.00%", "95.27%"),
    (1, "0%", "100%"),
    (1136.9, "#,##0.00", "1136.90"),
    (12.345, "0.0", "12.3"),
    (dt.datetime(2022, 3, 1), "yyyy-mm-dd", "2022-03-01"),
    (True, "General", "是"),
    (" 完成 ", "General", "完成"),
    (None, "General", ""),
])
def test_values_read_as_excel_shows_them(value, number_format, shown):
    assert format_value(value, number_format) == shown


def test_formulas_read_by_their_saved_result(tmp_path):
    """A sheet saved by Excel or LibreOffice keeps each formula's last result."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: it computes and saves the formula results")
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["指标", "分值", "得分"], ["数量", 40, 38], ["质量", 60, 55], ["合计", "=SUM(B2:B3)", "=SUM(C2:C3)"]):
        sheet.append(row)
    raw = tmp_path / "raw.xlsx"
    book.save(raw)
    out = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(raw)], check=True, capture_output=True,
                   timeout=180)
    doc = load(out / "raw.xlsx")
    assert [c.text for c in doc.tables[0].rows[-1]] == ["合计", "100", "93"]


def test_an_xls_workbook_reads_like_the_xlsx(tmp_path):
    """A legacy .xls (LibreOffice writes one from the .xlsx): merged cells, numbers and
    findings as in the .xlsx."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: it writes the .xls copy")
    stem = SCORE_SAMPLES[1]
    txt = load(ROOT / "samples" / f"{stem}.txt")
    xlsx = tmp_path / f"{stem}.xlsx"
    write_workbook(txt, xlsx)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True,
                   timeout=180)
    xls_doc, xlsx_doc = load(tmp_path / f"{stem}.xls"), load(xlsx)
    assert [[c.text for c in r] for t in xls_doc.tables for r in t.rows] == \
        [[c.text for c in r] for t in xlsx_doc.tables for r in t.rows]
    assert table_findings(xls_doc) == table_findings(txt)


def test_hidden_sheets_and_empty_edges_are_left_out(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    sheet["C3"], sheet["D3"], sheet["C4"], sheet["D4"] = "指标", "得分", "数量", 9
    hidden = book.create_sheet("下拉选项")
    hidden["A1"] = "优"
    hidden.sheet_state = "hidden"
    path = tmp_path / "edges.xlsx"
    book.save(path)
    doc = load(path)
    assert doc.pages == 1
    assert [[c.text for c in r] for r in doc.tables[0].rows] == [["指标", "得分"], ["数量", "9"]]
    assert "优" not in doc.text


@pytest.mark.parametrize("name, content, words", [
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", ["Excel", "损坏"]),
    ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), ["加密"]),
    ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), [".xls", "损坏"]),
], ids=["broken_xlsx", "ole_xlsx", "broken_xls"])
def test_a_broken_workbook_is_one_clear_line(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load(path)
    for word in words:
        assert word in err.value.zh
    assert "\n" not in err.value.zh


def test_a_workbook_that_unpacks_too_far_is_refused(tmp_path):
    import io
    import zipfile

    from reviewer.limits import Limits

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", " " * (3 * 1024 * 1024))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError) as err:
        load(path, limits=Limits(max_unpacked_mb=1))
    assert "解压后过大" in err.value.zh


def test_a_workbook_part_with_a_bomb_ratio_is_refused_like_a_docx(tmp_path):
    """The Word guard applies to workbooks too: a part inflating thousands of times is a
    zip bomb even when the total stays under the size limit."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (8 * 1024 * 1024))
    path = tmp_path / "ratio.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError) as err:
        load(path)
    assert "Excel" in err.value.zh and "压缩比异常" in err.value.zh
