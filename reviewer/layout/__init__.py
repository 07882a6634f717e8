"""The layout stage: one recovery pass for every format, between the readers and the
checks.

A reader hands over a `Document` whose paragraph blocks are printed lines (TXT lines,
DOCX paragraphs, PDF text lines with their boxes) and whose table blocks are real grids
(Word tables, ruled PDF tables, tab-indented exports). `recover` then

1. leaves web and document-site chrome out of every block, recording it in
   `doc.dropped` (the text keeps it, so every offset and quote still holds);
2. recovers tables from text lines (`texttables`);
3. re-joins printed lines into paragraphs (`join`), by geometry where the reader gave
   boxes and by the wrap-width pattern otherwise.

Joined lines keep their line breaks in `doc.text`: a paragraph block spans them, so the
text stays the reader's and checks read paragraphs folded (white space removed).
"""
from __future__ import annotations

from ..document import Block, Document
from .chrome import find_chrome
from .join import Line, join_runs, page_geometry, wrap_width
from .texttables import PIPES_ONLY, TextTable, find_tables, is_cell_stream

__all__ = ["recover", "Line", "TextTable"]


def _lines_of(doc: Document) -> list[object]:
    """The reader's blocks as layout items: a `Line` per paragraph block, tables as they are."""
    items: list[object] = []
    prev_end = 0
    for block in doc.blocks:
        blanks = max(doc.text.count("\n", prev_end, block.start) - 1, 0) if prev_end else 0
        if block.kind == "paragraph":
            line_start = doc.text.rfind("\n", 0, block.start) + 1
            indented = block.start > line_start or block.text[:1].isspace()
            items.append(Line(block.start, block.end, block.text, block.page, blanks, block.box, indented))
        else:
            items.append(block)
        prev_end = block.end
    return items


def _trimmed(doc: Document, start: int, end: int, page: int) -> Line | None:
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return Line(start, end, doc.text[start:end], page) if start < end else None


def recover(doc: Document) -> Document:
    items = _lines_of(doc)

    # 1. Chrome.
    line_items = [it for it in items if isinstance(it, Line)]
    reasons = find_chrome([ln.text for ln in line_items])
    if is_cell_stream(line_items):
        # A table saved one cell per line: a bare "|" is an empty cell, not a list mark.
        reasons = [None if r and PIPES_ONLY.match(ln.text) else r for ln, r in zip(line_items, reasons)]
    dropped_ids = set()
    for line, reason in zip(line_items, reasons):
        if reason:
            doc.dropped.append((line.start, line.end, reason))
            dropped_ids.add(id(line))

    # 2. Tables, within each run of kept lines (a dropped line or a grid ends a run).
    out: list[tuple[str, object, bool]] = []  # (kind, item, may not be run on to)
    run: list[Line] = []
    stop_next = False

    def flush() -> None:
        nonlocal stop_next
        if not run:
            return
        tables = find_tables(run, doc.text)
        by_line: dict[int, list[TextTable]] = {}
        for t in tables:
            by_line.setdefault(t.first, []).append(t)
        k = 0
        while k < len(run):
            found = by_line.get(k)
            if not found:
                out.append(("line", run[k], stop_next))
                stop_next = False
                k += 1
                continue
            line = run[k]
            pos = line.start
            for t in found:
                before = _trimmed(doc, pos, t.start, line.page) if t.first == t.last else None
                if before:
                    before.blanks_before = line.blanks_before if pos == line.start else 0
                    out.append(("line", before, stop_next))
                out.append(("table", _table_block(doc, t, line.page), True))
                pos = t.end
                stop_next = True
            last_line = run[found[-1].last]
            after = _trimmed(doc, pos, last_line.end, last_line.page) if found[-1].first == found[-1].last else None
            if after:
                out.append(("line", after, True))
                stop_next = False
            k = found[-1].last + 1
        run.clear()

    for it in items:
        if isinstance(it, Line):
            if id(it) in dropped_ids:
                flush()
                stop_next = True
            else:
                run.append(it)
        else:
            flush()
            out.append(("table", it, True))
            stop_next = True
    flush()

    # 3. Paragraphs.
    kept = [(item, stop) for kind, item, stop in out if kind == "line"]
    lines = [ln for ln, _ in kept]
    geo = page_geometry(lines)
    # Boxed (PDF) lines are joined by geometry, and also by their character count when
    # most break at one count: a PDF printed from a one-line-per-paragraph DOCX breaks at
    # a count, and digits (half width) leave such lines short of the margin.
    width = wrap_width([ln for ln in lines if not ln.box]) or wrap_width(lines, strict=True)
    stops = {i for i, (_, stop) in enumerate(kept) if stop}
    paragraphs = [_paragraph_block(doc, group) for group in join_runs(lines, stops, width, geo)]
    tables = [item for kind, item, _ in out if kind == "table"]
    doc.blocks = sorted(paragraphs + tables, key=lambda b: b.start)
    for block in doc.blocks:
        block.box = None
    doc.dropped.sort()
    for key in ("check_text", "_block_starts"):
        doc.__dict__.pop(key, None)
    return doc


def _paragraph_block(doc: Document, group: list[Line]) -> Block:
    start, end = group[0].start, group[-1].end
    return Block("paragraph", start, end, doc.text[start:end], doc.page_of(start), lines=len(group))


def _table_block(doc: Document, table: TextTable, page: int) -> Block:
    return Block("table", table.start, table.end, doc.text[table.start:table.end], doc.page_of(table.start),
                 rows=table.rows, inferred=True, origin=table.origin)
