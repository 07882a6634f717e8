"""Re-joining printed lines into paragraphs, one rule set for every format.

Two signals say a line runs on: geometry where the reader has it (a PDF line that
reaches the right margin, and a next line that is not indented or far below), and
otherwise the wrap-width pattern of the text (a hard-wrapped export breaks most lines at
one width; a line that reaches it and does not end a sentence continues). Headings,
table rows and sentence ends are never run on across.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ..sections import HEADING_RE, heading_rank
from ..textmatch import fold

TERMINAL = tuple("。！？；：…!?;:")
_LEADING_WORD = re.compile(r"[A-Za-z0-9.,%/+\-]+")
# Blank lines a hard-wrapped export may put between two printed lines of one paragraph.
MAX_BLANKS_INSIDE = 3


@dataclass
class Line:
    """One printed line (or one source paragraph) as the layout stage sees it."""

    start: int
    end: int
    text: str
    page: int
    blanks_before: int = 0  # blank lines between the previous line and this one
    box: tuple[float, float, float, float] | None = None  # x0, x1, top, bottom
    indented: bool = False  # starts after white space (a first-line indent)

    @property
    def folded_len(self) -> int:
        return len(fold(self.text))

    @property
    def visual_len(self) -> int:
        """The line's printed width in full-width characters: digits, Latin letters and
        half-width punctuation take half a place, as a page sets them."""
        return int(sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in self.text if not ch.isspace()) + 0.5)


@dataclass(frozen=True)
class Wrap:
    """The width a hard-wrapped text breaks its lines at, and how it is measured: by
    character count (an export that cuts every N characters) or by printed width (a
    page set by width, where a line of many digits holds more characters)."""
    width: int = 0
    visual: bool = False

    def __bool__(self) -> bool:
        return self.width > 0

    def length(self, line: "Line") -> int:
        return line.visual_len if self.visual else line.folded_len


def _mode_share(lengths: list[int], tolerance: int) -> tuple[int, float]:
    mode = statistics.mode(lengths)
    return mode, sum(1 for n in lengths if abs(n - mode) <= tolerance) / len(lengths)


def wrap_width(lines: list[Line], strict: bool = False) -> Wrap:
    """The width at which a hard-wrapped text breaks lines (falsy when it does not).
    `strict` asks for most lines to break at exactly one count (lines typeset by width
    vary with their digits and punctuation, and must not pass)."""
    counted = [ln for ln in lines if ln.folded_len >= 12]
    if len(counted) < 10:
        return Wrap()
    mode, share = _mode_share([ln.folded_len for ln in counted], 0 if strict else 2)
    if strict:
        return Wrap(mode) if share >= 0.5 and 18 <= mode <= 60 else Wrap()
    # Real page widths hold 18+ characters; a mode below that is just short lines.
    by_count = Wrap(mode) if share >= 0.25 and 18 <= mode <= 60 else Wrap()
    # Number-heavy lines set by width hold more characters than prose lines: measured
    # by printed width they break at one place again.
    v_mode, v_share = _mode_share([ln.visual_len for ln in counted], 2)
    if v_share > share and v_share >= 0.25 and 18 <= v_mode <= 60:
        return Wrap(v_mode, visual=True)
    return by_count


def indents_paragraphs(lines: list[Line], width: Wrap) -> bool:
    """Whether the text marks each paragraph's first line by an indent: lines after a
    sentence end are mostly indented, lines after a full unfinished line mostly not.
    Then a full line that ends a sentence still runs on when the next is not indented."""
    if not width:
        return False
    starts = conts = starts_indented = conts_indented = 0
    for a, b in zip(lines, lines[1:]):
        body = fold(a.text)
        if HEADING_RE.match(b.text) or b.blanks_before:
            continue
        if body.endswith(TERMINAL):
            starts += 1
            starts_indented += b.indented
        elif width.length(a) >= width.width - 3:
            conts += 1
            conts_indented += b.indented
    return starts >= 5 and conts >= 5 and starts_indented >= 0.6 * starts and conts_indented <= 0.2 * conts


def runs_on_by_width(line: Line, nxt: Line, width: Wrap, indents: bool = False) -> bool:
    if not width or nxt.blanks_before > MAX_BLANKS_INSIDE:
        return False
    body = fold(line.text)
    if width.length(line) < width.width - 3:
        return False
    if "," not in body and heading_rank(line.text) is not None and heading_rank(line.text + nxt.text) is None:
        # A title (no clause comma) that happens to fill the line runs on only into the
        # rest of its title; a numbered sentence ("（二）牢固树立…，加强…") runs on as usual.
        return False
    if body.endswith(TERMINAL) and not (indents and not nxt.indented and not nxt.blanks_before):
        return False
    return not HEADING_RE.match(nxt.text)


@dataclass
class Geometry:
    left: float  # left margin of body text
    right: float  # right margin of body text
    size: float  # typical line height
    gap: float | None  # white space between two lines of one paragraph, when known


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def page_geometry(lines: list[Line]) -> Geometry | None:
    boxed = [ln for ln in lines if ln.box]
    if not boxed:
        return None
    geo = Geometry(_percentile([ln.box[0] for ln in boxed], 0.05), _percentile([ln.box[1] for ln in boxed], 0.95),
                   statistics.median(max(ln.box[3] - ln.box[2], 1.0) for ln in boxed), None)
    # Lines that surely run on (full, mid-sentence) show the gap inside a paragraph.
    gaps = [round((b.box[2] - a.box[3]) * 2) / 2 for a, b in zip(boxed, boxed[1:])
            if a.page == b.page and runs_on_by_geometry(a, b, geo)]
    if len(gaps) >= 3:
        geo.gap = statistics.mode(gaps)
    return geo


def runs_on_by_geometry(line: Line, nxt: Line, geo: Geometry) -> bool:
    """`nxt` goes on the paragraph that `line` ends: `line` runs to the right margin, and
    `nxt` is neither a heading, nor indented, nor far below. A line that ends a sentence
    runs on only when nothing (extra space, indent) marks a new paragraph."""
    if HEADING_RE.match(nxt.text):
        return False
    new_page = nxt.page != line.page
    x0, x1, top, bottom = line.box
    nx0, _, ntop, _ = nxt.box
    if line.text.endswith(TERMINAL):
        if new_page or geo.gap is None or ntop - bottom > geo.gap + 0.75:
            return False
    # Left-aligned Chinese text ends a few characters short of the margin (line-break
    # rules keep punctuation with its neighbours), and a word or number that does not
    # fit moves to the next line whole.
    lead = _LEADING_WORD.match(nxt.text)
    allowance = geo.size * (4.0 + (0.6 * len(lead.group()) if lead else 0.0))
    if x1 < geo.right - allowance:
        return False
    if nx0 > geo.left + 1.5 * geo.size:
        return False
    if not new_page and ntop - bottom > 2.0 * geo.size:
        return False
    return True


# Chinese typesetting never opens a line with these: a line that does is the rest of the
# line before, whatever its width.
_CLOSING_MARK = re.compile(r"^[，。；：、）》」』”！？,;:)]")


def _continues_clause(prev: Line, line: Line) -> bool:
    return (bool(_CLOSING_MARK.match(line.text)) and not line.blanks_before
            and not fold(prev.text).endswith(TERMINAL) and not HEADING_RE.match(prev.text))


def join_runs(lines: list[Line], stops: set[int], width: "Wrap", geo: Geometry | None) -> list[list[Line]]:
    """Group consecutive lines into paragraphs. `stops` holds indexes of lines that may
    never be run on to (a table or dropped chrome came between)."""
    groups: list[list[Line]] = []
    indents = indents_paragraphs([ln for ln in lines if not ln.box], width)
    for i, line in enumerate(lines):
        if groups and i not in stops:
            prev = groups[-1][-1]
            if _continues_clause(prev, line):
                joined = True
            elif prev.box and line.box and geo is not None:
                joined = runs_on_by_geometry(prev, line, geo) or runs_on_by_width(prev, line, width)
            else:
                joined = runs_on_by_width(prev, line, width, indents)
            if joined:
                groups[-1].append(line)
                continue
        groups.append([line])
    return groups
