"""Plain-text reports: decoding, lines, and tab-indented cells (the one table shape
whose column positions only the file's own layout carries). Re-joining hard-wrapped
lines and recovering other tables from text is the layout stage's job.

The document text is the file's own text (newlines normalised), so every quote is a
verbatim slice of what the user submitted.
"""
from __future__ import annotations

import re

from ..document import Block, Cell, Document
from ..errors import InputError
from ..textmatch import xml_safe


def decode(data: bytes, path: str) -> str:
    """The file's text. Byte-order marks choose UTF-8/UTF-16; otherwise UTF-8, then
    GB18030 (a superset of GBK and GB2312). Text that decodes but is garbage (mojibake,
    the wrong legacy encoding, characters lost to "?") is refused with what went wrong.
    Control characters XML cannot hold become spaces, so offsets stay and every output
    format can carry the quotes."""
    from .quality import diagnose_encoding, garbage_reason

    if not data.strip():
        raise InputError(f"文件为空：{path}", f"empty file: {path}")
    text = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # A file cut mid-character has an odd byte count: drop the half character.
        body = data[: len(data) - (len(data) % 2)]
        text = body.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise InputError(f"不是文本文件（含二进制内容）：{path}", f"binary content, not text: {path}")
    else:
        for encoding in ("utf-8", "gb18030"):
            try:
                candidate = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(candidate):
                text = candidate
                break
        if text is None or garbage_reason(text) is not None:
            # A UTF-8 file with a few damaged bytes is still UTF-8: read it with those
            # characters replaced rather than as GB18030 mojibake.
            lenient = data.decode("utf-8", errors="replace")
            if lenient.count("\ufffd") <= max(8, len(lenient) // 200) and _looks_like_text(lenient):
                text = lenient
        if text is None:
            raise InputError(f"无法识别文本编码（支持 UTF-8、GB18030/GBK）：{path}",
                             f"cannot decode text (UTF-8, GB18030/GBK tried): {path}")
    if garbage_reason(text) is not None:
        why = diagnose_encoding(text, data)
        raise InputError(f"文件文字为乱码，无法审核（{why}），请另存为 UTF-8 编码的简体中文文本后再审核：{path}",
                         f"text is garbage (wrong encoding or mojibake): {path}")
    return xml_safe(text)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _looks_like_text(text: str) -> bool:
    controls = len(_CONTROLS.findall(text))
    return controls <= max(2, len(text) // 1000)


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


def read_txt(text: str, path: str) -> Document:
    """The file as the layout stage's input: one paragraph block per non-blank line
    (without its indentation) and a table block per run of tab-indented cells."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = _split_lines(text)
    page_starts = [0] + [m.end() for m in re.finditer("\f", text)]
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
        start = line.start + (len(line.raw) - len(line.raw.lstrip()))
        end = line.start + len(line.raw.rstrip())
        blocks.append(Block("paragraph", start, end, text[start:end]))
        i += 1
    doc = Document(path, "txt", text, blocks, page_starts)
    for b in blocks:
        b.page = doc.page_of(b.start)
    return doc


def parse_txt(text: str, path: str) -> Document:
    from ..layout import recover

    return recover(read_txt(text, path))


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
        blocks.append(Block("table", start, last_tab_end, text[start:last_tab_end], rows=rows, inferred=False,
                            origin="tab"))
    return j
