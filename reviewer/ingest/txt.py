"""Plain-text reports: decoding, paragraphs re-joined across hard wraps, and the two
table shapes text exports carry (tab-indented cells, and space-separated score rows).

The document text is the file's own text (newlines normalised), so every quote is a
verbatim slice of what the user submitted.
"""
from __future__ import annotations

import re
import statistics

from ..document import Block, Cell, Document
from ..errors import InputError
from ..sections import HEADING_RE
from ..textmatch import fold

_TERMINAL = tuple("。！？；：…!?;:")
# Column names of score tables (绩效自评表) written as one space-separated header line.
_HEADER_WORDS = (
    "一级指标", "二级指标", "三级指标", "指标名称", "指标", "指标值", "目标值", "年度指标值",
    "完成值", "实际值", "实际完成值", "业绩值", "全年实际值", "分值", "权重", "得分", "评分",
    "偏差原因", "年初预算数", "全年预算数", "全年执行数", "执行率", "预算数", "执行数",
)
_NUMBER_TOKEN = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(f"文件为空：{path}", f"empty file: {path}")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise InputError(f"不是文本文件（含二进制内容）：{path}", f"binary content, not text: {path}")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise InputError(f"无法识别文本编码（支持 UTF-8、GB18030/GBK）：{path}",
                     f"cannot decode text (UTF-8, GB18030/GBK tried): {path}")


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= max(2, len(text) // 1000)


def _wrap_width(lines: list[str]) -> int:
    """The width at which a hard-wrapped export breaks lines (0 when it does not)."""
    lengths = [len(fold(line)) for line in lines if len(fold(line)) >= 12]
    if len(lengths) < 10:
        return 0
    mode = statistics.mode(lengths)
    share = sum(1 for n in lengths if abs(n - mode) <= 2) / len(lengths)
    # Real page widths hold 18+ characters; a mode below that is just short lines.
    return mode if share >= 0.25 and 18 <= mode <= 60 else 0


class _Line:
    __slots__ = ("start", "end", "raw")

    def __init__(self, start: int, end: int, raw: str):
        self.start, self.end, self.raw = start, end, raw

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def tabbed(self) -> bool:
        return self.raw.startswith("\t")


def _split_lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _header_roles(line: str) -> list[str] | None:
    tokens = line.split()
    if len(tokens) < 4:
        return None
    known = sum(1 for t in tokens if t in _HEADER_WORDS)
    if known < len(tokens) - 1 or not any(t in ("得分", "评分", "分值", "权重") for t in tokens):
        return None
    return tokens


def _token_spans(text: str, start: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"\S+", text)]


def parse_txt(text: str, path: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _split_lines(text)
    page_starts = [0] + [m.end() for m in re.finditer("\f", text)]
    width = _wrap_width([ln.raw for ln in lines if not ln.tabbed])
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.tabbed and (line.raw.strip() or i + 1 < n and lines[i + 1].tabbed):
            i = _read_tab_table(lines, i, blocks, text)
            continue
        if line.blank:
            i += 1
            continue
        if line.tabbed:
            i = _read_tab_table(lines, i, blocks, text)
            continue
        roles = _header_roles(line.raw)
        if roles:
            i = _read_score_table(lines, i, roles, blocks, text)
            continue
        i = _read_paragraph(lines, i, width, blocks, text)
    doc = Document(path, "txt", text, blocks, page_starts)
    for b in blocks:
        b.page = doc.page_of(b.start)
    return doc


def _read_paragraph(lines: list[_Line], i: int, width: int, blocks: list[Block], text: str) -> int:
    first = lines[i]
    last = first
    j = i + 1
    # Re-join hard-wrapped lines: a full-width line not ending a sentence continues on the
    # next non-blank line, unless that line starts a new numbered heading or a table.
    while width:
        body = fold(last.raw)
        if len(body) < width - 3 or body.endswith(_TERMINAL):
            break
        k = j
        while k < len(lines) and lines[k].blank and k - j < 3:
            k += 1
        if k >= len(lines) or lines[k].blank or lines[k].tabbed:
            break
        nxt = lines[k].raw.strip()
        if HEADING_RE.match(nxt) or _header_roles(lines[k].raw):
            break
        last = lines[k]
        j = k + 1
    start = first.start + (len(first.raw) - len(first.raw.lstrip()))
    end = last.start + len(last.raw.rstrip())
    blocks.append(Block("paragraph", start, end, text[start:end]))
    return j


def _read_tab_table(lines: list[_Line], i: int, blocks: list[Block], text: str) -> int:
    """Rows of tab-indented cells (one per line) separated by blank lines."""
    rows: list[list[Cell]] = []
    current: list[Cell] = []
    n = len(lines)
    j = i
    last_tab_end = lines[i].end
    while j < n:
        ln = lines[j]
        if ln.tabbed:
            value = ln.raw.strip()
            lead = len(ln.raw) - len(ln.raw.lstrip())
            cs = ln.start + lead if value else ln.start + len(ln.raw)
            current.append(Cell(cs, cs + len(value), len(rows), len(current), value))
            last_tab_end = ln.end
            j += 1
        elif ln.blank:
            if current:
                rows.append(current)
                current = []
            # The table goes on only if another tabbed line follows the blank run.
            k = j
            while k < n and lines[k].blank and not lines[k].tabbed:
                k += 1
            if k < n and lines[k].tabbed:
                j = k
                continue
            break
        else:
            break
    if current:
        rows.append(current)
    rows = [r for r in rows if any(c.text for c in r)]
    for ri, row in enumerate(rows):
        for c in row:
            c.row = ri
    if rows:
        start = lines[i].start
        blocks.append(Block("table", start, last_tab_end, text[start:last_tab_end], rows=rows, inferred=False))
    return j


def _is_values_line(raw: str, n_values: int) -> bool:
    tokens = raw.split()
    if len(tokens) < n_values:
        return False
    tail = tokens[-n_values:]
    # The last two columns of a score table (分值, 得分 or 权重, 得分) are numbers.
    return all(_NUMBER_TOKEN.match(t) for t in tail[-2:])


def _is_level1(line: _Line) -> bool:
    """A first-level indicator line of a score table: 投入指标, 产出指标 …"""
    body = fold(line.raw)
    return body.endswith("指标") and len(body) <= 8


def _read_score_table(lines: list[_Line], i: int, roles: list[str], blocks: list[Block], text: str) -> int:
    """A score table exported as text: a header line, then for each indicator its name
    (one or more lines, possibly after hierarchy lines) and a line of values."""
    header = lines[i]
    name_roles = [r for r in roles if r in ("一级指标", "二级指标", "三级指标", "指标名称", "指标")]
    value_roles = roles[len(name_roles):]
    n_values = len(value_roles)
    rows: list[list[Cell]] = [[Cell(s, e, 0, k, t) for k, (s, e, t) in enumerate(_token_spans(header.raw, header.start))]]
    pending: list[_Line] = []
    j = i + 1
    end = header.end
    level1 = None
    while j < len(lines):
        ln = lines[j]
        if ln.blank:
            j += 1
            continue
        if ln.tabbed or HEADING_RE.match(ln.raw.strip()) and not pending:
            break
        tokens = ln.raw.split()
        total_row = tokens and re.match(r"^(总分|合计|总计|总得分)", tokens[0])
        if total_row or _is_values_line(ln.raw, n_values):
            spans = _token_spans(ln.raw, ln.start)
            values = spans[-n_values:] if not total_row else spans[1:]
            lead = spans[: len(spans) - len(values)]
            cells: list[Cell] = []
            # Hierarchy lines seen since the last row: a first-level indicator line
            # (投入指标, 产出指标 …) and its weight note, then second-level names.
            hierarchy = [p for p in pending]
            name_lines: list[_Line] = []
            if not lead and hierarchy:
                # The indicator name is the last line, plus the full-width lines it wraps from.
                name_lines = [hierarchy.pop()]
                while hierarchy and len(fold(hierarchy[-1].raw)) >= 9 and not _is_level1(hierarchy[-1]):
                    name_lines.insert(0, hierarchy.pop())
            for h in hierarchy:
                if _is_level1(h):
                    level1 = h
            if level1 is not None and not total_row:
                cells.append(Cell(level1.start, level1.start + len(level1.raw.rstrip()), len(rows), 0, level1.raw.strip()))
            if name_lines:
                ns = name_lines[0].start
                ne = name_lines[-1].start + len(name_lines[-1].raw.rstrip())
                cells.append(Cell(ns, ne, len(rows), 0, text[ns:ne]))
            for s, e, t in lead:
                cells.append(Cell(s, e, len(rows), 0, t))
            for s, e, t in values:
                cells.append(Cell(s, e, len(rows), 0, t))
            for k, c in enumerate(cells):
                c.col = k
            rows.append(cells)
            pending = []
            end = ln.end
            j += 1
            if total_row:
                break
            continue
        if len(pending) > 12:
            break
        pending.append(ln)
        j += 1
    start = header.start
    block = Block("table", start, end, text[start:end], rows=rows, inferred=True)
    blocks.append(block)
    # Lines read ahead but not part of any row are left for paragraphs.
    if pending and end < pending[0].start:
        return lines.index(pending[0])
    return j
