"""From a Document's table blocks to semantic tables.

Stages, each a plain function (kept apart so each can be inspected and tested):
1. `stitch`: consecutive table blocks across a page break become one grid when the
   second repeats the first's header or has none; repeated header rows are kept as
   `header_repeat` rows so nothing is lost.
2. `split_header`: the leading rows without figures are the header; header rows are
   combined per column (merged cells filled from the left where a lower row splits them).
3. `column roles` from header words (tables/words.py).
4. `split_halves`: a key column (项目, 类/款/项, 科目名称) after a value column starts a
   second, side-by-side table (收入 | 决算数 | 支出 | 决算数).
5. rows: label, code, role (item/subtotal/total/of_which/section/header_repeat/note),
   level and parent from 科目编码 prefixes, 类/款/项 columns or numbering, and 其中 groups.

Everything is linear in the number of cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Block, Cell, Document
from ..textmatch import fold
from . import words as W
from .model import Column, Row, Table
from .values import looks_numeric, parse_value

MAX_HEADER_ROWS = 6
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,3}$")
_CODE_PART = re.compile(r"^\d{2,3}$")
_LABEL_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,3})(?=[^\d.,%])")
_CHROME = re.compile(r"^(第?\d+页?(/\d+)?|-\s*\d+\s*-|续表.*|续上表|单位[:：].{0,8}|\d+)$")


@dataclass
class Grid:
    """A table block (or stitched blocks) as a padded grid of cells."""

    blocks: list[Block]
    cells: list[list[Cell | None]]  # rows x width
    texts: list[list[str]]  # folded cell texts, "" for none
    block_of_row: list[int]
    repeated_header: set[int]  # row indexes that repeat the header after a page break

    @property
    def width(self) -> int:
        return len(self.cells[0]) if self.cells else 0


def _grid_rows(block: Block, width: int) -> tuple[list[list[Cell | None]], list[list[str]]]:
    cells, texts = [], []
    for row in block.rows:
        padded: list[Cell | None] = [None] * width
        for c in row:
            if c.col < width:
                padded[c.col] = c
        cells.append(padded)
        texts.append([fold(c.text) if c else "" for c in padded])
    return cells, texts


def _is_data_row(texts: list[str]) -> bool:
    nonempty = [t for t in texts if t]
    if not nonempty:
        return False
    if W.INDEX_HEADER.match(nonempty[0]):
        return False  # 栏次 1 2 3: column numbers, part of the header
    if len(nonempty) == 1 and W.is_total_label(nonempty[0]):
        return True  # a 合计 row with nothing filled in (a template, a table without data)
    if any(looks_numeric(t) for t in nonempty):
        return True
    return any(W.numbering_of(t) for t in nonempty)


def header_row_count(texts: list[list[str]]) -> int:
    n = 0
    while n < len(texts) and n < MAX_HEADER_ROWS and not _is_data_row(texts[n]):
        n += 1
    return n


# --- 1. stitching ------------------------------------------------------------------------


def _only_chrome_between(doc: Document, i: int, j: int) -> bool:
    return all(b.kind == "paragraph" and _CHROME.match(fold(b.text)) and not W.unit_in(fold(b.text))
               for b in doc.blocks[i + 1:j])


def table_groups(doc: Document) -> list[tuple[int, list[Block]]]:
    """Table blocks grouped into continuation chains, each with the block index of its
    first block (one group per logical table)."""
    groups: list[tuple[int, list[Block]]] = []
    last_index = None
    for i, block in enumerate(doc.blocks):
        if not block.is_table or not block.rows:
            continue
        if groups and last_index is not None and _continues(doc, groups[-1][1], block, last_index, i):
            groups[-1][1].append(block)
        else:
            groups.append((i, [block]))
        last_index = i
    return groups


def _continues(doc: Document, group: list[Block], block: Block, prev_i: int, i: int) -> bool:
    prev = group[-1]
    if block.page <= prev.page or not _only_chrome_between(doc, prev_i, i):
        return False
    first = group[0]
    width = max(len(r) for r in first.rows)
    if max(len(r) for r in block.rows) != width:
        return False
    _, first_texts = _grid_rows(first, width)
    _, texts = _grid_rows(block, width)
    h = header_row_count(first_texts)
    if h and texts[:h] == first_texts[:h]:
        return True
    # No header at all: the rows simply go on.
    return h > 0 and _is_data_row(texts[0]) and header_row_count(texts) == 0


def make_grid(blocks: list[Block]) -> Grid:
    width = max(len(r) for b in blocks for r in b.rows)
    cells, texts, block_of_row = [], [], []
    repeated: set[int] = set()
    header: list[list[str]] = []
    for bi, block in enumerate(blocks):
        c, t = _grid_rows(block, width)
        if bi == 0:
            header = t[:header_row_count(t)]
        elif header and t[:len(header)] == header:
            repeated.update(range(len(cells), len(cells) + len(header)))
        cells.extend(c)
        texts.extend(t)
        block_of_row.extend([bi] * len(c))
    return Grid(blocks, cells, texts, block_of_row, repeated)


# --- 2./3. header and column roles ---------------------------------------------------------


def header_texts(grid: Grid, n: int) -> list[list[str]]:
    """The header rows with merged cells filled: an empty cell takes its left neighbour's
    text when a lower header row has text in that column (the upper cell spans it)."""
    rows = [list(r) for r in grid.texts[:n]]
    for r in range(len(rows) - 1):
        for c in range(1, grid.width):
            same_span_above = r == 0 or rows[r - 1][c] == rows[r - 1][c - 1]
            if not rows[r][c] and rows[r][c - 1] and same_span_above and any(rows[k][c] for k in range(r + 1, len(rows))):
                rows[r][c] = rows[r][c - 1]
    return rows


def column_of(index: int, source_col: int, header_cells: list[str]) -> Column:
    cells = [h for h in header_cells if h]
    unique: list[str] = []
    for h in cells:
        if not unique or unique[-1] != h:
            unique.append(h)
    role, level = "", None
    for h in reversed(unique):
        role, level = W.column_role(h)
        if role:
            break
    header = "/".join(unique)
    of_which = any(W.OF_WHICH.match(h) for h in unique[-1:])
    name = unique[-1] if unique else ""
    return Column(index, source_col, header, role or "other", unit=W.unit_in(header), level=level,
                  total=bool(W.COLUMN_TOTAL.search(W.OF_WHICH.sub("", name))) and role in W.MONEY_ROLES,
                  of_which=of_which)


def _link_of_which_columns(columns: list[Column]) -> None:
    for col in columns:
        if col.of_which and col.role in W.MONEY_ROLES:
            for left in reversed(columns[:col.index]):
                if not left.of_which and left.role in W.MONEY_ROLES:
                    col.parent = left.index
                    break


# --- 4. halves ----------------------------------------------------------------------------


def half_starts(roles: list[str]) -> list[int]:
    """Grid columns where a logical table starts: 0, then every column that repeats the
    first key role (项目, 类) after a value column, when the part it starts has value
    columns of its own: the header repeats its label/value pattern."""
    starts = [0]
    first_key = next((r for r in roles if r in W.KEY_ROLES), None)
    if first_key is None:
        return starts
    seen_value = False
    for i, role in enumerate(roles):
        if role in W.VALUE_ROLES:
            seen_value = True
        elif role == first_key and seen_value:
            if any(r in W.VALUE_ROLES for r in roles[i:]):
                starts.append(i)
                seen_value = False
    return starts


# --- 5. rows --------------------------------------------------------------------------------


def _row_label(texts: list[str], cols: list[Column]) -> tuple[str, int | None]:
    """The row's label: the rightmost non-numeric key cell; without key columns, the first
    non-numeric cell before the first value."""
    keys = [c.index for c in cols if c.role in W.KEY_ROLES]
    if keys:
        for i in reversed(keys):
            t = texts[i]
            if t and not looks_numeric(t) and t not in W.LEVEL_HEADERS:
                return t, i
        return "", None
    for i, t in enumerate(texts):
        if not t:
            continue
        if looks_numeric(t):
            break
        return t, i
    return "", None


def _row_code(texts: list[str], cols: list[Column], label: str, carry: list[str]) -> tuple[str | None, int | None]:
    """(code, level): a 科目编码 cell, 类/款/项 cells (upper levels carried from above), or
    a code written at the start of the label."""
    level_cols = sorted((c for c in cols if c.role in ("level1", "level2", "level3") and c.level), key=lambda c: c.level)
    parts = [texts[c.index] for c in level_cols]
    if level_cols and any(_CODE_PART.match(p) for p in parts):
        deepest = max(i for i, p in enumerate(parts) if _CODE_PART.match(p))
        full = []
        for i in range(deepest + 1):
            p = parts[i] if _CODE_PART.match(parts[i]) else (carry[i] if i < len(carry) else "")
            if not p:
                return None, None
            full.append(p)
        carry[:] = full
        return "".join(full), deepest + 1
    for c in cols:
        if c.role == "code" and _CODE.match(texts[c.index]):
            code = texts[c.index]
            return code, (len(code) - 1) // 2
    m = _LABEL_CODE.match(label)
    if m:
        return m.group(1), (len(m.group(1)) - 1) // 2
    return None, None


def _row_role(texts: list[str], label: str, has_number: bool, width: int) -> str:
    nonempty = [t for t in texts if t]
    if W.OF_WHICH.match(label):
        return "of_which"
    if label and W.is_total_label(label):
        return "subtotal" if W.is_subtotal_label(label) else "total"
    if re.match(r"^(注|说明|备注)[:：0-9一二三]", label):
        return "note"
    if not has_number and len(nonempty) == 1 and width >= 3 and not W.numbering_of(label):
        return "section"
    return "item"


def _assign_parents(rows: list[Row], structure: str) -> None:
    if structure == "code":
        last: dict[str, int] = {}
        for row in rows:
            if row.code is None:
                continue
            prefix = row.code[:-2] if len(row.code) > 3 else None
            if prefix and prefix in last:
                row.parent = last[prefix]
            last[row.code] = row.index
        return
    # Numbering: the order styles first appear gives their levels; a numbered row's parent
    # is the nearest row above with a lower level. A sequence that restarts at 1 right
    # after an unnumbered item lists that item's parts.
    style_level: dict[str, int] = {}
    stack: list[tuple[int, int]] = []  # (level, row index)
    restart_parent: int | None = None
    prev: Row | None = None
    for row in rows:
        if row.role in ("header_repeat", "section", "note"):
            stack.clear()
            restart_parent = None
            prev = row
            continue
        numbering = W.numbering_of(row.label)
        if numbering is None:
            restart_parent = None
            if row.role == "item":
                stack.clear()
            prev = row
            continue
        style, ordinal = numbering
        if ordinal == 1 and style in style_level and prev is not None and prev.role == "item" \
                and W.numbering_of(prev.label) is None and prev.level is None:
            restart_parent = prev.index
        if restart_parent is not None and style_level.get(style) is not None:
            row.parent = restart_parent
            row.level = 2
            prev = row
            continue
        level = style_level.setdefault(style, len(style_level) + 1)
        row.level = level
        while stack and stack[-1][0] >= level:
            stack.pop()
        row.parent = stack[-1][1] if stack else None
        stack.append((level, row.index))
        prev = row


def _assign_of_which(rows: list[Row]) -> None:
    """An 其中 row belongs to the nearest row above that is not one; in a funds block
    (年度资金总额) the source lines after it belong to the same group."""
    group_parent: Row | None = None
    for row in rows:
        if row.role == "of_which":
            if group_parent is None:
                group_parent = next((r for r in reversed(rows[:row.index]) if r.role in ("item", "total", "subtotal")), None)
            if group_parent is None:
                continue
            row.of_which_group = group_parent.index
            continue
        if group_parent is not None and row.role == "item" and W.FUNDS_TOTAL.search(group_parent.label) \
                and W.FUNDS_SOURCE.search(row.label) and W.numbering_of(row.label) is None:
            row.role = "of_which"
            row.of_which_group = group_parent.index
            continue
        group_parent = None


def _caption_and_unit(doc: Document, i: int) -> tuple[str, str | None]:
    """The title printed above the table block at index i, and the unit line (单位：万元)."""
    caption, unit = "", None
    for b in reversed(doc.blocks[max(0, i - 4):i]):
        if b.is_table:
            break
        t = fold(b.text)
        if unit is None and W.unit_in(t) and len(t) <= 40:
            unit = W.unit_in(t)
        if not caption and len(t) <= 50 and W.CAPTION.search(t):
            caption = t
            break
    return caption, unit


def header_segments(grid: Grid) -> list[int]:
    """Rows where a part with a header of its own starts inside one table: the national
    project form has the funds block under 年初预算数 | 全年预算数 | … | 执行率 | 得分, then the
    indicators under 一级指标 | … | 分值 | 得分. A row is such a header when it follows data
    rows, holds no figure, names two value columns and is no repeat of the first header."""
    n = header_row_count(grid.texts)
    first_header = {tuple(t) for t in grid.texts[:n]}
    starts, seen_data = [0], False
    for r in range(n, len(grid.texts)):
        texts = grid.texts[r]
        if _is_data_row(texts):
            seen_data = True
            continue
        if not seen_data or r in grid.repeated_header or tuple(texts) in first_header:
            continue
        roles = [W.column_role(t)[0] for t in texts if t]
        if sum(1 for role in roles if role in W.VALUE_ROLES) >= 2 and sum(1 for role in roles if role) >= 3:
            starts.append(r)
            seen_data = False
    return starts


def _sub_grid(grid: Grid, a: int, b: int) -> Grid:
    return Grid(grid.blocks, grid.cells[a:b], grid.texts[a:b], grid.block_of_row[a:b],
                {r - a for r in grid.repeated_header if a <= r < b})


def build_grid_tables(grid: Grid, caption: str = "", unit: str | None = None) -> list[Table]:
    if not grid.cells:
        return []
    starts = header_segments(grid)
    if len(starts) > 1:
        bounds = starts + [len(grid.cells)]
        return [t for a, b in zip(bounds, bounds[1:])
                for t in _build_segment(_sub_grid(grid, a, b), caption, unit)]
    return _build_segment(grid, caption, unit)


def _header_lacks_label_column(header: list[str], first_row: list[str]) -> bool:
    """A header row that starts with a figure's column (全年预算数 | 全年执行数 | 执行率) over
    rows that start with a label (年度资金总额 | 2000 | 1157.97 | 57.89%): the label column's
    header is a merged cell elsewhere (资金情况), so the names sit one column too far left."""
    k = next((i for i, h in enumerate(header) if not h), len(header))
    if k == 0 or k == len(header) or any(header[k:]):
        return False
    role, _ = W.column_role(header[0])
    if role not in W.MONEY_ROLES and role != "rate":
        return False
    filled = [i for i, t in enumerate(first_row) if t]
    return filled == list(range(k + 1)) and not looks_numeric(first_row[0]) \
        and all(looks_numeric(t) for t in first_row[1:k + 1])


def _build_segment(grid: Grid, caption: str, unit: str | None) -> list[Table]:
    if not grid.cells:
        return []
    n = header_row_count(grid.texts)
    header = header_texts(grid, n)
    first = n if n < len(grid.texts) else None
    if first is not None and n and _header_lacks_label_column(header[-1], grid.texts[first]):
        header[-1] = [""] + header[-1][:-1]
    # Level words (类/款/项) printed in the first data row belong to the header.
    fused: dict[int, str] = {}
    if first is not None:
        for c, t in enumerate(grid.texts[first]):
            if t in ("类", "款", "项"):
                fused[c] = t
    all_columns = [column_of(c, c, [h[c] for h in header] + ([fused[c]] if c in fused else []))
                   for c in range(grid.width)]
    starts = half_starts([c.role for c in all_columns])
    tables = []
    for hi, start in enumerate(starts):
        end = starts[hi + 1] if hi + 1 < len(starts) else grid.width
        tables.append(_build_half(grid, n, header, fused, all_columns[start:end], start, caption, unit, hi, len(starts)))
    return [t for t in tables if t is not None]


def _build_half(grid: Grid, n: int, header: list[list[str]], fused: dict[int, str], src_cols: list[Column],
                start: int, caption: str, unit: str | None, half_index: int, halves: int) -> Table | None:
    columns = [Column(i, c.source_col, c.header, c.role, c.unit, c.level, c.total, c.of_which)
               for i, c in enumerate(src_cols)]
    _link_of_which_columns(columns)
    header_key = [tuple(h[start:start + len(columns)]) for h in grid.texts[:n]]
    rows: list[Row] = []
    carry: list[str] = []
    for r in range(n, len(grid.cells)):
        cells = grid.cells[r][start:start + len(columns)]
        texts = [t if (r != n or c + start not in fused) else "" for c, t in enumerate(grid.texts[r][start:start + len(columns)])]
        if not any(texts):
            continue
        values = [parse_value(cell) if cell is not None and columns[i].role not in W.KEY_ROLES else None
                  for i, cell in enumerate(cells)]
        label, label_col = _row_label(texts, columns)
        has_number = any(v is not None and v.is_number for v in values)
        if r in grid.repeated_header or (n and tuple(texts) in header_key and sum(1 for t in texts if t) >= 2):
            role = "header_repeat"
        else:
            role = _row_role(texts, label, has_number, len(columns))
        code, level = _row_code(texts, columns, label, carry) if role not in ("header_repeat", "section") else (None, None)
        rows.append(Row(len(rows), grid.cells[r][0].row if grid.cells[r][0] else r, list(cells), values, role, label,
                        cells[label_col] if label_col is not None else None, code, level,
                        block=grid.block_of_row[r]))
    coded = sum(1 for row in rows if row.code)
    structure = "code" if coded >= 2 else "numbering"
    if structure == "numbering":
        for row in rows:
            row.level = None
    _assign_parents(rows, structure)
    _assign_of_which(rows)
    roles = {c.role for c in columns}
    col_units = [c.unit for c in columns if c.unit]
    table_unit = unit or (col_units[0] if col_units else None)
    kind = "score" if roles & set(W.SCORE_TABLE_ROLES) else ("money" if roles & set(W.MONEY_ROLES) or table_unit else "other")
    half = next((h[start] for h in header if h[start]), "") if halves > 1 else ""
    if structure == "numbering" and not any(r.level for r in rows):
        structure = "flat"
    return Table(columns, rows, table_unit, kind, list(grid.blocks), caption, half, halves, half_index, n, structure)


def build_tables(doc: Document) -> list[Table]:
    """Every table of the document as logical tables (halves split, page breaks stitched)."""
    cached = getattr(doc, "_semantic_tables", None)
    if cached is not None:
        return cached
    tables: list[Table] = []
    for first_index, group in table_groups(doc):
        caption, unit = _caption_and_unit(doc, first_index)
        tables.extend(build_grid_tables(make_grid(group), caption, unit))
    try:
        doc._semantic_tables = tables  # built once per document, shared by every check
    except AttributeError:  # pragma: no cover - a frozen document
        pass
    return tables


def build_block_tables(block: Block, caption: str = "", unit: str | None = None) -> list[Table]:
    """One block on its own (tests and tools)."""
    return build_grid_tables(make_grid([block]), caption, unit)
