"""Tables recovered from text lines: rows separated by "|" or by spaces under a header
line, score forms written one value per line under a header, and rows whose cells lost
their separators (a whole form on one line) split by the header's column roles.

Every rule reads a list of `Line`s and returns `TextTable`s: which lines (or which part
of one line) the table covers, and its rows as cells pointing into the document text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..document import Cell
from ..sections import HEADING_RE
from ..textmatch import FoldedText, fold
from .header import HEADER_HINT_RE, HEADER_RE, NAME_ROLES, NUMERIC_ROLES, header_runs, is_header, role_of, whole_line_roles
from .join import Line
from .values import split_values

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
# A figure, or a dash or slash that marks a cell left empty ("- - -" under 分值 执行率 得分).
_NUMERIC_CELL = re.compile(r"^(?:[-+]?\d+(?:\.\d+)?%?|[-—–/／]+)$")
_PLAIN_NUMBER_CELL = re.compile(r"^(?:[-+]?\d+(?:\.\d+)?|[-—/／]+)$")
_TOTAL = re.compile(r"^(总分|合计|总计|总得分|小计)")
_SENTENCE_END = re.compile(r"[。；;！？!?]$")
_LEVEL1 = re.compile(r"(?:产出|效益|满意度|投入|过程|决策|管理|履职|效果)指标(?:\(\d+(?:\.\d+)?分\))?")
_LEVEL2 = re.compile(r"(?:(?:数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|"
                     r"可持续影响|服务对象满意度|满意度)指标)+")


@dataclass
class TextTable:
    first: int  # index of the first line it covers
    last: int  # index of the last line it covers
    start: int  # document span
    end: int
    rows: list[list[Cell]]
    origin: str  # which rule recovered it


def _cell(start: int, end: int, text: str, row: int, col: int) -> Cell:
    return Cell(start, end, row, col, text)


def _renumber(rows: list[list[Cell]]) -> list[list[Cell]]:
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    return rows


# --- (a) rows separated by "|" -------------------------------------------------------

_PIPE = re.compile(r"[|｜]")


def _pipe_cells(line: Line, bordered: bool = True) -> list[Cell]:
    cells, pos = [], 0
    parts = _PIPE.split(line.text)
    for k, part in enumerate(parts):
        lead = len(part) - len(part.lstrip())
        value = part.strip()
        s = line.start + pos + lead
        # Border pipes at the ends of a row hold no cell; in a table drawn without
        # borders an empty first or last part is an empty cell (a merged 一级指标).
        if not (bordered and (k == 0 or k == len(parts) - 1) and not value):
            cells.append(_cell(s, s + len(value), value, 0, 0))
        pos += len(part) + 1
    return cells


def _bordered(lines: list[Line]) -> bool:
    """Whether the table is drawn with border pipes: decided once for the whole table,
    never row by row (an empty merged first cell and an empty last cell look like
    borders on their own). A drawn border opens every row; one row that opens with text
    shows there is none."""
    return all(ln.text.strip()[:1] in ("|", "｜") for ln in lines)


def _pipe_table(lines: list[Line], i: int) -> TextTable | None:
    j = i
    while j < len(lines) and len(_PIPE.findall(lines[j].text)) >= 2 and (j == i or lines[j].blanks_before <= 1):
        j += 1
    if j - i < 2:
        return None
    bordered = _bordered(lines[i:j])
    rows = [_pipe_cells(ln, bordered) for ln in lines[i:j]]
    rows = [r for r in rows if any(c.text for c in r)]
    return TextTable(i, j - 1, lines[i].start, lines[j - 1].end, _renumber(rows), "text:pipe")


# --- (a) space-separated score rows under a header line ---------------------------


def _space_header(line: Line) -> list[str] | None:
    tokens = line.text.split()
    if len(tokens) < 4:
        return None
    roles = [whole_line_roles(fold(t)) for t in tokens]
    known = sum(1 for r in roles if r and len(r) == 1)
    if known < len(tokens) - 1 or not is_header([r[0] for r in roles if r]):
        return None
    return tokens


def _tokens(line: Line) -> list[tuple[int, int, str]]:
    return [(line.start + m.start(), line.start + m.end(), m.group()) for m in re.finditer(r"\S+", line.text)]


def _is_level1_line(line: Line) -> bool:
    body = fold(line.text)
    return body.endswith("指标") and len(body) <= 8


def _space_table(lines: list[Line], i: int, text: str) -> TextTable | None:
    """A header line, then for each indicator its name (one or more lines, possibly
    after hierarchy lines) and a line of values ending in the weight and score."""
    header_tokens = _space_header(lines[i])
    if not header_tokens:
        return None
    n_names = sum(1 for t in header_tokens if (whole_line_roles(fold(t)) or ["?"])[0] in NAME_ROLES)
    n_values = len(header_tokens) - n_names
    header = lines[i]
    rows: list[list[Cell]] = [[_cell(s, e, t, 0, 0) for s, e, t in _tokens(header)]]
    if n_names == 0:  # a funds header: its rows open with a label
        label_named = whole_line_roles(fold(header_tokens[0])) is None  # "项目资金 年初预算数 …"
        return _space_funds_table(lines, i, n_values - label_named, rows[0], label_named)
    pending: list[int] = []
    j = i + 1
    last = i
    level1: Line | None = None
    while j < len(lines):
        ln = lines[j]
        if ln.blanks_before > 3 or HEADING_RE.match(ln.text) and not pending:
            break
        tokens = ln.text.split()
        total_row = bool(tokens) and _TOTAL.match(tokens[0]) is not None
        values_line = len(tokens) >= n_values and all(_NUMBER.match(t) for t in tokens[-2:])
        if total_row or values_line:
            spans = _tokens(ln)
            values = spans[1:] if total_row else spans[-n_values:]
            lead = spans[: len(spans) - len(values)]
            cells: list[Cell] = []
            hierarchy = [lines[k] for k in pending]
            name_lines: list[Line] = []
            if not lead and hierarchy:
                # The indicator name is the last line, plus the full lines it wraps from.
                name_lines = [hierarchy.pop()]
                while hierarchy and len(fold(hierarchy[-1].text)) >= 9 and not _is_level1_line(hierarchy[-1]):
                    name_lines.insert(0, hierarchy.pop())
            for h in hierarchy:
                if _is_level1_line(h):
                    level1 = h
            if level1 is not None and not total_row:
                cells.append(_cell(level1.start, level1.end, level1.text, 0, 0))
            if name_lines:
                ns, ne = name_lines[0].start, name_lines[-1].end
                cells.append(_cell(ns, ne, text[ns:ne], 0, 0))
            cells += [_cell(s, e, t, 0, 0) for s, e, t in lead + values]
            rows.append(cells)
            pending = []
            last = j
            j += 1
            if total_row:
                break
            continue
        if len(pending) > 12:
            break
        pending.append(j)
        j += 1
    if len(rows) < 2:
        return None
    return TextTable(i, last, header.start, lines[last].end, _renumber(rows), "text:spaces")




def _space_funds_table(lines: list[Line], i: int, n_values: int, header: list[Cell],
                       label_named: bool = False) -> TextTable | None:
    """A funds block under a header line (年初预算数 全年预算数 全年执行数 分值 执行率 得分):
    each row a label and its figures. A row with fewer figures than columns leaves its
    last cells empty (a 其中 row has no 分值, 执行率 or 得分). The label column has a header
    cell of its own when the line opens with one (项目资金), else an empty one."""
    anchor = header[0].start
    rows = [header if label_named else [_cell(anchor, anchor, "", 0, 0)] + header]
    j, last = i + 1, i
    while j < len(lines):
        spans = _tokens(lines[j])
        k = len(spans)
        while k > 0 and _NUMERIC_CELL.match(spans[k - 1][2]):
            k -= 1
        label, values = spans[:k], spans[k:]
        if not label or not 1 <= len(values) <= n_values or not any(v[2][0].isdigit() for v in values):
            break
        cells = [_cell(label[0][0], label[-1][1], lines[j].text[label[0][0] - lines[j].start:label[-1][1] - lines[j].start], 0, 0)]
        cells += [_cell(s, e, t, 0, 0) for s, e, t in values]
        cells += [_cell(values[-1][1], values[-1][1], "", 0, 0) for _ in range(n_values - len(values))]
        rows.append(cells)
        last, j = j, j + 1
    if len(rows) < 2:
        return None
    return TextTable(i, last, lines[i].start, lines[last].end, _renumber(rows), "text:spaces")


# --- (b) one value per line under a header written one name per line ----------------


_MONEY_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:万元|元|亿元)$")


# A level's or an indicator's name is no target or actual value ("数量指标", "指标1工程资金").
_NAME_LIKE = re.compile(r"指标$|^指标\d|^[(（]?\d{1,2}[)）.、]?指标")


def _value_fits(role: str, folded: str) -> bool:
    if role in ("target", "actual_value") and _NAME_LIKE.search(folded):
        return False
    if role == "rate":
        return bool(_NUMERIC_CELL.match(folded))
    if role in ("budget", "actual") and _MONEY_CELL.match(folded):
        return True  # an amount written with its unit in the cell
    if role in NUMERIC_ROLES:
        return bool(_PLAIN_NUMBER_CELL.match(folded))
    # Targets and actual values: a figure or a short qualitative word.
    return 0 < len(folded) <= 20 and not _SENTENCE_END.search(folded)


_HEADER_PIECES = 3  # lines one column name may be wrapped over ("偏差原因" / "分析及" / "改进措施")


def _wrapped_name(lines: list[Line], j: int) -> tuple[list[str] | None, int]:
    """The roles of the column name(s) at line j and how many lines they take. A line that
    names nothing starts a name wrapped onto the next lines ("全年" / "执行数"); a line that
    names a column takes in the next lines only while they name nothing themselves
    ("偏差原因" / "分析及" / "改进措施"), so "执行率" / "得分" stay two columns."""
    def roles_of(a: int, b: int) -> list[str] | None:
        return whole_line_roles(fold("".join(ln.text for ln in lines[a:b])))

    first = roles_of(j, j + 1)
    best: tuple[list[str] | None, int] = (first, 1)
    for pieces in range(2, _HEADER_PIECES + 1):
        if j + pieces > len(lines) or lines[j + pieces - 1].blanks_before > 1 or not lines[j + pieces - 1].text:
            break
        if first is not None and roles_of(j + pieces - 1, j + pieces) is not None:
            break  # the next line is a column of its own
        joined = roles_of(j, j + pieces)
        if joined and len(joined) == 1:
            best = (joined, pieces)
            if first is None:
                break
    return best


def _column_header(lines: list[Line], i: int) -> tuple[list[str], int, list[tuple[int, int]]] | None:
    """Column names one per line from line i: their roles, the line after them, and the
    (start, end) of each name's lines. A name wrapped over a few lines ("全年" / "执行数")
    is read whole."""
    roles: list[str] = []
    spans: list[tuple[int, int]] = []
    j = i
    while j < len(lines) and (j == i or lines[j].blanks_before <= 1):
        line_roles, k = _wrapped_name(lines, j)
        if not line_roles:
            break
        roles += line_roles
        spans.append((lines[j].start, lines[j + k - 1].end))
        j += k
    if len(spans) < 3 or not is_header(roles):
        return None
    return roles, j, spans


_PLACEHOLDER_NAME = re.compile(r"^[.…·—-]+$")
_SCORE_NOTE = re.compile(r"^[(（]?\d+(?:\.\d+)?分?[)）]$")


def _name_groups_of_lines(names: list[Line]) -> list[list[Line]]:
    """Name lines grouped into the levels they spell: a group ends at a line ending in
    指标 (a level name wrapped over lines: "数量" / "指标"), a score note ("(50)",
    "30分)") stays with the level before it, the lines after the last level are the
    indicator's own name. A "……" line (a template's empty row) is no name."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    for ln in names:
        folded = fold(ln.text)
        if _PLACEHOLDER_NAME.match(folded):
            continue
        if _SCORE_NOTE.match(folded) and not current and groups:
            groups[-1].append(ln)
            continue
        current.append(ln)
        if re.search(r"指标(?:[(（]\d+(?:\.\d+)?分?[)）])?$", fold("".join(x.text for x in current))):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _column_row(roles: list[str], names: list[Line], values: list[Line], reason: Line | None,
                text: str, anchor: int) -> list[Cell]:
    """One row placed under its header: level names under the level columns, each value
    under its role's column, an empty cell wherever the row has nothing."""
    label_first = not any(r in NAME_ROLES for r in roles)
    width = len(roles) + (1 if label_first else 0)
    offset = 1 if label_first else 0
    row_start = (names or values)[0].start
    grid = [_cell(row_start, row_start, "", 0, 0) for _ in range(width)]

    def span_cell(group: list[Line]) -> Cell:
        a, b = group[0].start, group[-1].end
        return _cell(a, b, text[a:b], 0, 0)

    groups = _name_groups_of_lines(names)
    name_cols = [k for k, r in enumerate(roles) if r in NAME_ROLES]
    if label_first or len(name_cols) == 1:
        if names:
            grid[0 if label_first else name_cols[0]] = span_cell(names)
    elif groups:
        own, levels = groups[-1], groups[:-1]
        by_role = {"level3": own}
        for group in levels:
            folded = fold("".join(x.text for x in group))
            role = "level2" if _LEVEL2.match(folded) and "level2" not in by_role else "level1"
            by_role.setdefault(role, group)
        for role, group in by_role.items():
            col = next((k for k in name_cols if roles[k] == role), None)
            if col is not None:
                grid[col] = span_cell(group)
    value_cols = [k for k, r in enumerate(roles) if r not in NAME_ROLES]
    for k, ln in zip(value_cols, values):
        grid[k + offset] = _cell(ln.start, ln.end, ln.text, 0, 0)
    if reason is not None and len(value_cols) > len(values):
        grid[value_cols[len(values)] + offset] = _cell(reason.start, reason.end, reason.text, 0, 0)
    return grid


def _column_table(lines: list[Line], i: int, text: str, explicit_empty: bool = False) -> TextTable | None:
    """`explicit_empty`: the lines are a table's cells with its empty cells kept (a page
    saved one cell per line), so the cell after a row's last figure is its 偏差原因."""
    found = _column_header(lines, i)
    if not found:
        return None
    roles, j, name_spans = found
    value_roles = [r for r in roles if r not in NAME_ROLES]
    # A row ends with its last numeric column; text columns after it (偏差原因) may be empty.
    last_numeric = max((k for k, r in enumerate(value_roles) if r in NUMERIC_ROLES), default=-1)
    required = value_roles[: last_numeric + 1]
    trailing = value_roles[last_numeric + 1:]
    m = len(required)
    header_cells = [_cell(a, b, text[a:b], 0, 0) for a, b in name_spans]
    if not any(r in NAME_ROLES for r in roles):  # a funds header names no label column: its rows open with one
        header_cells.insert(0, _cell(name_spans[0][0], name_spans[0][0], "", 0, 0))
    rows: list[list[Cell]] = [header_cells]
    buffer: list[Line] = []
    last = j - 1
    empties = 0
    while j < len(lines):
        ln = lines[j]
        folded = fold(ln.text)
        if not folded:  # an empty cell of a table saved one cell per line
            empties += 1
            if empties > 8:
                break
            j += 1
            if buffer and explicit_empty:
                buffer.append(ln)  # a figure's cell left empty (a 得分 not filled in)
            continue
        empties = 0
        # Empty cells pasted as blank lines leave gaps inside the table: a row of them
        # (a template's "……" row) is a gap of several lines once rows have been read.
        gap_limit = 8 if len(rows) >= 3 else 4
        if ln.blanks_before > gap_limit or (not buffer and (HEADING_RE.match(ln.text) or len(folded) > 60)):
            break
        buffer.append(ln)
        j += 1
        tail = buffer[-m:]
        if len(buffer) >= m and all(_value_fits(r, fold(x.text)) or explicit_empty and not x.text
                                    for r, x in zip(required, tail)) \
                and sum(1 for x in tail if x.text) * 2 > m and tail[-1].text \
                and not _NUMERIC_CELL.match(fold(buffer[0].text)):
            names = [x for x in buffer[:-m] if x.text]
            if len(names) > 6:  # level names wrapped too: "产出指标" / "(50)" / "数量" / "指标" / name
                break
            reason = None
            # An optional text column after the figures: a reason, or a dash for none.
            if trailing and j < len(lines):
                nxt = fold(lines[j].text)
                if explicit_empty and not (nxt and _NUMERIC_CELL.match(nxt)):
                    reason = lines[j] if nxt else None
                    j += 1
                elif nxt in ("无", "/", "-", "—", "——") or re.search(r"原因|因为|由于|^已|^未", nxt):
                    reason = lines[j]
                    j += 1
            rows.append(_column_row(roles, names, tail, reason, text, header_cells[0].start))
            last = j - 1
            buffer = []
            continue
        if _TOTAL.match(folded) and len(buffer) == 1:
            continue
        if len(buffer) > m + 6:  # no row has more name lines than that
            break
    if len(rows) < 2:
        return None
    return TextTable(i, last, lines[i].start, lines[last].end, _renumber(rows), "text:columns")


# --- (c) cells that lost their separators ---------------------------------------------


def _name_cells(line: Line, ft: FoldedText, fs: int, fe: int, n_levels: int) -> list[Cell]:
    """An indicator name, split into its level prefixes (产出指标(70分) 数量指标 …) when
    the header has a column for each level; a level the row leaves out is an empty cell."""
    folded = ft.folded
    parts: list[tuple[int, int]] = []
    if n_levels >= 3:
        m1 = _LEVEL1.match(folded, fs, fe)
        p = m1.end() if m1 else fs
        m2 = _LEVEL2.match(folded, p, fe)
        q = m2.end() if m2 else p
        parts = [(fs, p), (p, q), (q, fe)]
    else:
        parts = [(fs, fe)]
    cells = []
    for a, b in parts:
        if a < b:
            s, e = ft.span(a, b)
        else:
            s = e = ft.origin[a] if a < len(ft.origin) else ft.length
        cells.append(_cell(line.start + s, line.start + e, line.text[s:e], 0, 0))
    return cells


_NAME_STOP = re.compile(r"[\d≥≤<>]")


def _name_end(folded: str, pos: int) -> int:
    """Where an indicator name ends: at the first figure not inside brackets. The number
    of a numbered indicator ("指标1免费发放…", "指标2：…") is part of its name."""
    depth = 0
    i = pos
    while i < len(folded):
        ch = folded[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
        elif depth == 0 and ch.isdigit() and folded.endswith("指标", pos, i) \
                and folded[i + 1:i + 2] and not folded[i + 1].isdigit():
            i += 1
            continue
        elif depth == 0 and _NAME_STOP.match(ch):
            return i
        i += 1
    return i


def _digits_end(folded: str, pos: int) -> int:
    while pos < len(folded) and (folded[pos].isdigit() or folded[pos] == "." and folded[pos + 1:pos + 2].isdigit()):
        pos += 1
    return pos


def _total_row(line: Line, ft: FoldedText, fs: int, fe: int, span) -> list[Cell]:
    """总分 followed by its figures: "100100" is the weight total and the score total
    when its halves are equal, else one figure."""
    cells = _name_cells(line, ft, fs, fe, 1)
    end = _digits_end(ft.folded, fe)
    digits = ft.folded[fe:end]
    half = len(digits) // 2
    parts = [(fe, fe + half), (fe + half, end)] if digits and len(digits) % 2 == 0 \
        and digits[:half] == digits[half:] else [(fe, end)]
    for a, b in parts:
        if a < b:
            s, e = span(a, b)
            cells.append(_cell(s, e, line.text[s - line.start:e - line.start], 0, 0))
    return cells


def _aligned(rows: list[list[Cell]], roles: list[str], value_roles: list[str]) -> list[list[Cell]]:
    """Put each row's cells under the header column of their role (a column the row
    does not fill gets an empty cell), so column k of every row means header k. A
    header without a label column gets an empty one in front for the row labels."""
    header = rows[0]
    if not any(r in NAME_ROLES for r in roles):
        roles = ["label"] + roles
        header = [_cell(header[0].start, header[0].start, "", 0, 0)] + header
    name_cols = [k for k, r in enumerate(roles) if r in NAME_ROLES]
    value_cols: list[int] = []
    used: set[int] = set()
    for role in value_roles:
        k = next(k for k, r in enumerate(roles) if r == role and k not in used)
        used.add(k)
        value_cols.append(k)
    out = [header]
    for row in rows[1:]:
        anchor = row[0].start
        grid = [_cell(anchor, anchor, "", 0, 0) for _ in roles]
        n_values = len(value_cols) if len(row) > len(value_cols) else 0
        names, values = (row[:-n_values], row[-n_values:]) if n_values else (row[:1], row[1:])
        # A total row's label goes under the first name column, an indicator's levels
        # under the last ones.
        cols = name_cols[:len(names)] if not n_values else name_cols[-len(names):] if names else []
        for k, cell in zip(cols, names):
            grid[k] = cell
        if n_values:
            for k, cell in zip(value_cols, values):
                grid[k] = cell
        else:  # a total row: its figures go under the weight and score columns
            cols = [k for k in value_cols if roles[k] in ("weight", "score")] or value_cols
            for k, cell in zip(cols[-len(values):], values):
                grid[k] = cell
        out.append(grid)
    return out


# --- a flattened form that kept a space between its cells ----------------------------
#
# A form pasted as one line of text ("产出指标(50分) 数量指标 培训人次 ≥50个 50 8 8 质量指标 …")
# still separates its cells by white space. Those spaces are the cell boundaries: a
# number is never split inside one, and a space between two numbers always ends a cell.

_DIGITISH = re.compile(r"[\d%]")
_MAX_NAME_TOKENS = 4  # level1, level2, a level3 name wrapped once, a stray reason


def _gap_starts(ft: FoldedText, text: str) -> set[int]:
    """Folded positions that white space precedes in the original."""
    out = set()
    origin = ft.origin
    for i in range(1, len(origin)):
        a, b = origin[i - 1], origin[i]
        if b - a > 1 and any(ch.isspace() for ch in text[a + 1:b]):
            out.add(i)
    return out


def _is_spaced(folded: str, gaps: set[int], pos: int) -> bool:
    """Whether the values after a header are separated by spaces: at least two places
    where a space stands between two numbers."""
    between_numbers = sum(1 for g in gaps if g > pos and _DIGITISH.match(folded[g - 1])
                          and folded[g:g + 1].isdigit())
    return between_numbers >= 2


def _spaced_tokens(folded: str, gaps: set[int], pos: int) -> list[tuple[int, int]]:
    bounds = sorted(g for g in gaps if g > pos)
    out, start = [], pos
    for g in bounds + [len(folded)]:
        if g > start:
            out.append((start, g))
        start = g
    return out


def _spaced_header(run: list[re.Match], gaps: set[int], folded: str) -> list[tuple[int, int, str]]:
    """The header's cells as (start, end, role); a name read across a space
    (执行率 得分 read as 执行率得分) is two columns when both halves are names."""
    cells = []
    for m in run:
        inner = [g for g in gaps if m.start() < g < m.end()]
        halves = None
        if len(inner) == 1:
            g = inner[0]
            left, right = HEADER_RE.fullmatch(folded, m.start(), g), HEADER_RE.fullmatch(folded, g, m.end())
            if left and right:
                halves = [(m.start(), g, role_of(left)), (g, m.end(), role_of(right))]
        cells.extend(halves or [(m.start(), m.end(), role_of(m))])
    return cells


Span = tuple[int, int]


def _name_groups(tokens: list[Span], folded: str, n_names: int) -> tuple[list[Span | None], list[Span]]:
    """Name tokens grouped under the header's name columns: a level-1 or level-2 name
    where the form's wording shows it, the tokens after them joined as the indicator's
    own name. Returns the groups and the stray tokens before the first level name (the
    previous row's 偏差原因 that ran on)."""
    levels = [i for i, (a, b) in enumerate(tokens) if _LEVEL1.fullmatch(folded, a, b) or _LEVEL2.fullmatch(folded, a, b)]
    if levels and levels[-1] == len(tokens) - 1:  # "满意度指标" written again as the indicator's name
        levels = levels[:-1]
    stray = tokens[:levels[0]] if levels else []
    level1 = next((tokens[i] for i in levels if _LEVEL1.fullmatch(folded, *tokens[i])), None)
    level2 = next((tokens[i] for i in levels if _LEVEL2.fullmatch(folded, *tokens[i])), None)
    rest = tokens[levels[-1] + 1:] if levels else tokens
    own = (rest[0][0], rest[-1][1])
    if n_names >= 3:
        return [level1, level2, own], stray
    if n_names == 2:
        return [level2 or level1, own], stray
    return [(tokens[0][0], tokens[-1][1])], []


def _fits(role: str, token: str) -> bool:
    """A numeric column holds a bare number (a rate may carry %); the target and the
    actual value may hold anything."""
    if role in NUMERIC_ROLES:
        return bool(_NUMERIC_CELL.match(token)) and (role == "rate" or not token.endswith("%"))
    return True


def _spaced_row(tokens: list[Span], k: int, folded: str, value_roles: list[str], n_names: int
                ) -> tuple[list[Span | None], list[Span | None], list[Span], int, bool] | None:
    """One row from token k: (name spans, value spans, stray tokens, next token, is a
    total row), or None where the tokens do not read as a row of this header (the table
    ends there). The row takes the fewest name tokens after which every value fits its
    column and the next token is no number (each row opens with a name)."""
    def text(t: Span) -> str:
        return folded[t[0]:t[1]]

    def numeric(t: Span) -> bool:
        return bool(_NUMERIC_CELL.match(text(t)))

    n = len(value_roles)
    all_numeric = all(role in NUMERIC_ROLES for role in value_roles)
    if _TOTAL.match(text(tokens[k])) and not all_numeric:  # a funds block's 合计 is a row like any
        r = k + 1
        while r < len(tokens) and r - k <= 2 and numeric(tokens[r]):
            r += 1
        return ([tokens[k]], tokens[k + 1:r], [], r, True) if r > k + 1 else None
    for m in range(1, _MAX_NAME_TOKENS + 2):
        if k + m >= len(tokens) or numeric(tokens[k + m - 1]):
            return None
        names, at = tokens[k:k + m], k + m
        if all_numeric:  # a funds row: the cells it leaves empty are its last ones
            r = at
            while r < len(tokens) and numeric(tokens[r]):
                r += 1
            if r == at:
                continue
            if r - at > n:
                return None
            values: list[Span | None] = list(tokens[at:r]) + [None] * (n - (r - at))
        else:
            r = at + n
            if r > len(tokens) or not all(_fits(role, text(t)) for role, t in zip(value_roles, tokens[at:r])):
                continue
            if r < len(tokens) and numeric(tokens[r]):
                continue
            values = list(tokens[at:r])
        if len(text((names[0][0], names[-1][1]))) > 80:
            return None
        groups, stray = _name_groups(names, folded, n_names)
        return groups, values, stray, r, False
    return None


def _spaced_rows(line: Line, ft: FoldedText, gaps: set[int], pos: int, value_roles: list[str],
                 n_names: int, has_reason: bool) -> tuple[list[list[Cell]], list[Cell | None], int]:
    """The rows after a header in a flattened form that kept its spaces, and where they
    end. With a 偏差原因 column, text between a row's last figure and the next row's
    level name is that row's reason."""
    folded = ft.folded
    tokens = _spaced_tokens(folded, gaps, pos)
    anchor = line.start + ft.origin[min(pos, len(folded) - 1)]

    def cell(span: Span | None) -> Cell:
        if span is None:
            return _cell(anchor, anchor, "", 0, 0)
        s, e = ft.span(*span)
        return _cell(line.start + s, line.start + e, line.text[s:e], 0, 0)

    rows: list[list[Cell]] = []
    reasons: list[Span | None] = []
    k, end = 0, pos
    while k < len(tokens):
        row = _spaced_row(tokens, k, folded, value_roles, n_names)
        if row is None:
            break
        names, values, stray, k, total = row
        if stray and reasons and has_reason:
            reasons[-1] = (stray[0][0], stray[-1][1])
        rows.append([cell(n) for n in names] + [cell(v) for v in values])
        reasons.append(None)
        end = tokens[k - 1][1]
        if total:
            break
    return rows, [cell(r) if r is not None else None for r in reasons], end


def _glued_tables(line: Line, index: int) -> list[TextTable]:
    if not HEADER_HINT_RE.search(line.text):
        return []
    ft = FoldedText.of(line.text)
    folded = ft.folded
    gaps = _gap_starts(ft, line.text)
    tables = []
    for run in header_runs(folded):
        spaced = _is_spaced(folded, gaps, run[-1].end())
        if spaced:
            header_cells = _spaced_header(run, gaps, folded)
            roles = [role for _, _, role in header_cells]
        else:
            header_cells = [(m.start(), m.end(), role_of(m)) for m in run]
            roles = [role_of(m) for m in run]
        n_names = sum(1 for r in roles if r in {"level1", "level2", "level3"})
        value_roles = [r for r in roles if r not in NAME_ROLES and r not in ("other", "reason")]
        last_numeric = max((k for k, r in enumerate(value_roles) if r in NUMERIC_ROLES), default=-1)
        value_roles = value_roles[: last_numeric + 1]
        if not value_roles:
            continue

        def span(a: int, b: int) -> tuple[int, int]:
            s, e = ft.span(a, b)
            return line.start + s, line.start + e

        header = []
        for a, b, _ in header_cells:
            s, e = span(a, b)
            header.append(_cell(s, e, line.text[s - line.start:e - line.start], 0, 0))
        rows = [header]
        pos = run[-1].end()
        end = pos
        if spaced:
            body, reasons, end = _spaced_rows(line, ft, gaps, pos, value_roles, n_names, "reason" in roles)
            rows += body
            pos = len(folded)
        while pos < len(folded):
            name_end = _name_end(folded, pos)
            if name_end - pos > 60:
                break
            lead = len(folded[pos:name_end]) - len(folded[pos:name_end].lstrip(".…"))
            if _TOTAL.match(folded[pos + lead:name_end]):
                rows.append(_total_row(line, ft, pos + lead, name_end, span))
                pos = end = _digits_end(folded, name_end)
                break
            split = split_values(value_roles, folded, name_end)
            if split is None:
                break
            spans, after = split
            cells = _name_cells(line, ft, pos, name_end, n_names) if name_end > pos else []
            for a, b in spans:
                s, e = span(a, b)
                cells.append(_cell(s, e, line.text[s - line.start:e - line.start], 0, 0))
            rows.append(cells)
            pos = end = after
        rows = _aligned(rows, roles, value_roles)
        if spaced and "reason" in roles:
            at = roles.index("reason") + (0 if any(r in NAME_ROLES for r in roles) else 1)
            for grid, reason in zip(rows[1:], reasons):
                if reason is not None:
                    grid[at] = reason
        hs = rows[0][0].start
        if len(rows) >= 2 or len(run) >= 5:
            tables.append(TextTable(index, index, hs, span(end - 1, end)[1],
                                    _renumber(rows), "text:glued"))
    return tables


# --- all rules -----------------------------------------------------------------------


# Figures that lost their integer digits (".32.06.5" for "1234.32 1200.06 …"): the
# flattening dropped characters, so glued digit runs cannot be split reliably.
_LOST_DIGITS = re.compile(r"(?<![\d.])\.\d{1,2}\.\d")


# A web page's table saved one cell per line, each cell closed by "|" ("年度资金总额: |",
# "30 |"), an empty cell a bare "|" (or several run together, "||||").
_CELL_LINE = re.compile(r"^(?P<value>[^|]*?)\s*[|｜]\s*$")
PIPES_ONLY = re.compile(r"^[\s|｜]+$")
_CELL_STREAM_SHARE = 0.6  # of a run's lines shaped so, for it to be read as cells


def is_cell_stream(lines: list[Line]) -> bool:
    shaped = sum(1 for ln in lines if _CELL_LINE.match(ln.text) or PIPES_ONLY.match(ln.text))
    return len(lines) >= 8 and shaped >= _CELL_STREAM_SHARE * len(lines)


def _as_cells(lines: list[Line]) -> list[Line] | None:
    """The run's lines as cells (the value without its closing "|", an empty cell as an
    empty line), or None when the run is not a cell stream."""
    if not is_cell_stream(lines):
        return None
    out = []
    for ln in lines:
        if PIPES_ONLY.match(ln.text):
            out.append(replace(ln, end=ln.start, text=""))
            continue
        m = _CELL_LINE.match(ln.text)
        if m:
            lead = len(m.group("value")) - len(m.group("value").lstrip())
            value = m.group("value").strip()
            out.append(replace(ln, start=ln.start + lead, end=ln.start + lead + len(value), text=value))
        else:
            out.append(ln)
    return out


def find_tables(lines: list[Line], text: str) -> list[TextTable]:
    """Tables in reading order; no two cover the same line (a line may hold several
    glued tables side by side). Where the text shows lost digits, glued tables keep only
    their header row: their cells are known, their figures are not."""
    lost_digits = any(_LOST_DIGITS.search(ln.text) for ln in lines)
    cells = _as_cells(lines)
    found: list[TextTable] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        table = _pipe_table(lines, i) or _space_table(lines, i, text) or _column_table(lines, i, text) \
            or (_column_table(cells, i, text, explicit_empty=True) if cells is not None and cells[i].text else None)
        if table:
            found.append(table)
            i = table.last + 1
            continue
        if len(fold(line.text)) >= 30:
            for table in _glued_tables(line, i):
                if lost_digits and len(table.rows) > 1:
                    header = table.rows[0]
                    table.rows = [header]
                    table.start = min(c.start for c in header if c.text)
                    table.end = max(c.end for c in header)
                found.append(table)
        i += 1
    return found
