"""The located document model every stage works on.

A `Document` is the extracted text as one string plus blocks (paragraphs, and tables
as rows x cells) that point into it by character offsets. Pages and lines are derived
from offsets, so any span can be reported as (section, page, line, start, end) and
quoted verbatim.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Optional

from .textmatch import Matcher

if TYPE_CHECKING:  # pragma: no cover
    from .textmatch import FoldedText
    from .models import Finding
    from .sections import SectionTree


@dataclass
class Cell:
    start: int
    end: int
    row: int
    col: int
    text: str


@dataclass
class Block:
    kind: Literal["paragraph", "table"]
    start: int
    end: int
    text: str
    page: int = 1
    rows: list[list[Cell]] = field(default_factory=list)
    # For tables: True when the table came from a layout (PDF/TXT) rather than a real
    # Word table, so column positions are less certain.
    inferred: bool = False
    # Printed lines this paragraph was re-joined from by the layout stage (1 = one line).
    lines: int = 1
    # Where a table came from: "word" (a real Word table), "ruled" (PDF rulings),
    # "tab" (tab-indented text export), or the layout rule that recovered it from text.
    origin: str = ""
    # Reader geometry of one printed line (PDF: x0, x1, top, bottom), for the layout
    # stage only; None where the format has none.
    box: Optional[tuple[float, float, float, float]] = field(default=None, repr=False, compare=False)

    @cached_property
    def folded(self) -> "FoldedText":
        """The block's text folded once (NFKC, white space removed) with its offset map:
        every check that reads folded text shares this one copy."""
        from .textmatch import FoldedText

        return FoldedText.of(self.text)

    @property
    def is_table(self) -> bool:
        return self.kind == "table"

    def cells(self):
        for row in self.rows:
            yield from row


# Marks that close a sentence (or a line that needs none: a closing bracket or quote).
_SENTENCE_CLOSE = "。．！？；!?;…）)」”』】"


@dataclass
class Document:
    path: str
    format: Literal["pdf", "docx", "txt"]
    text: str
    blocks: list[Block]
    page_starts: list[int] = field(default_factory=lambda: [0])
    # Problems found while reading (pages without a text layer, …), as findings.
    ingest_findings: list["Finding"] = field(default_factory=list)
    sections: Optional["SectionTree"] = None
    # Spans of `text` the layout stage left out of every block (web chrome, site
    # banners), as (start, end, reason): they stay in `text` so offsets hold.
    dropped: list[tuple[int, int, str]] = field(default_factory=list)

    @cached_property
    def check_text(self) -> str:
        """`text` with the dropped spans blanked out (same length, same offsets): what
        text-wide searches should read so chrome never reaches a check."""
        if not self.dropped:
            return self.text
        chars = list(self.text)
        for start, end, _ in self.dropped:
            for i in range(start, end):
                if chars[i] != "\n":
                    chars[i] = " "
        return "".join(chars)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    @cached_property
    def cut_at(self) -> int:
        """Where an unfinished last sentence starts, when the text stops mid-sentence (a
        page saved only up to a length, a file cut short); else the text's length. A
        list that runs into this tail may go on past the cut: what it lacks is not known."""
        end = len(self.text.rstrip())
        if end == 0 or self.text[end - 1] in _SENTENCE_CLOSE:
            return len(self.text)
        last = max(self.text.rfind(ch, 0, end) for ch in _SENTENCE_CLOSE)
        return last + 1

    def in_cut_tail(self, offset: int) -> bool:
        """Whether `offset` lies in the unfinished sentence a cut-short text ends with."""
        return self.cut_at < len(self.text) and offset >= self.cut_at

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(i + 1 for i, ch in enumerate(self.text) if ch == "\n")
        return starts

    @cached_property
    def matcher(self) -> Matcher:
        return Matcher(self.text)

    @cached_property
    def _block_starts(self) -> list[int]:
        return [b.start for b in self.blocks]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def page_of(self, offset: int) -> int:
        return bisect.bisect_right(self.page_starts, offset)

    def block_at(self, offset: int) -> Block | None:
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if 0 <= i < len(self.blocks) and self.blocks[i].start <= offset <= self.blocks[i].end:
            return self.blocks[i]
        return None

    def section_title_at(self, offset: int) -> str | None:
        return self.sections.title_at(offset) if self.sections else None

    def find(self, quote: str, near: int | None = None) -> tuple[int, int] | None:
        return self.matcher.find(quote, near)

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]

    @property
    def tables(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "table"]


class DocumentBuilder:
    """Builds a Document from extracted blocks: paragraphs are joined by newlines,
    table cells by tabs and table rows by newlines, and every offset is recorded."""

    def __init__(self, path: str, fmt: str):
        self.path = path
        self.format = fmt
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.page_starts: list[int] = [0]
        self._page = 1

    def _append(self, s: str) -> int:
        start = self._length
        self._parts.append(s)
        self._length += len(s)
        return start

    def _separate(self) -> None:
        if self._length:
            self._append("\n")

    def new_page(self) -> None:
        self._separate()
        # A page break is recorded as the offset where the next block will start.
        self.page_starts.append(self._length)
        self._page += 1

    def add_paragraph(self, text: str, box: tuple[float, float, float, float] | None = None) -> Block | None:
        text = text.replace("\n", " ").rstrip()
        if not text.strip():
            return None
        if self._length and not self._parts[-1].endswith("\n"):
            self._append("\n")
        start = self._append(text)
        block = Block("paragraph", start, start + len(text), text, self._page, box=box)
        self.blocks.append(block)
        return block

    def add_table(self, rows: list[list[str]], inferred: bool = False, origin: str = "") -> Block | None:
        rows = [[(c or "").replace("\n", "").replace("\t", " ").strip() for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return None
        if self._length and not self._parts[-1].endswith("\n"):
            self._append("\n")
        start = self._length
        cells: list[list[Cell]] = []
        for ri, row in enumerate(rows):
            if ri:
                self._append("\n")
            out_row = []
            for ci, value in enumerate(row):
                if ci:
                    self._append("\t")
                cs = self._append(value)
                out_row.append(Cell(cs, cs + len(value), ri, ci, value))
            cells.append(out_row)
        end = self._length
        text = "".join(self._parts)[start:end]
        block = Block("table", start, end, text, self._page, cells, inferred, origin=origin)
        self.blocks.append(block)
        return block

    def build(self) -> Document:
        text = "".join(self._parts)
        # Empty pages keep their own (repeated) start so the page count stays true.
        return Document(self.path, self.format, text, self.blocks, list(self.page_starts))
