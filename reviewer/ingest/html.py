"""Saved web pages (.html, .htm): the text a browser shows, line by line, and every
<table> as a table block (row and column spans resolved: the value in the top-left
position, the others empty), into the same Document model as the other readers.

Scripts, styles and other content a reader never sees are left out. Navigation, share
widgets and publishing metadata are visible text, so they stay in the document text and
the layout stage's chrome rules leave them out of every block (recorded in
`doc.dropped`), as for a PDF printed from a web page.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from ..document import Document, DocumentBuilder
from ..errors import InputError

# Content no reader sees.
_HIDDEN = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "select",
           "button", "math"}
# Elements that start and end a line of text.
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "header", "footer", "nav", "aside", "main", "blockquote", "pre", "hr", "form", "center", "figure",
          "figcaption", "caption", "address", "fieldset", "legend", "details", "summary", "body", "html", "tbody",
          "thead", "tfoot"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    declared = _CHARSET.search(data[:4096])
    candidates = []
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk") else name)
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(f"无法识别网页的文字编码（支持 UTF-8、GB18030/GBK）：{path}",
                     f"cannot decode HTML (UTF-8, GB18030/GBK tried): {path}")


class _Table:
    def __init__(self):
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, rowspan, colspan) per cell
        self.cell: list[str] | None = None
        self.spans = (1, 1)

    def grid(self) -> list[list[str]]:
        """Cells placed on the grid: a spanning cell's value in its top-left position."""
        taken: set[tuple[int, int]] = set()
        out: list[list[str]] = []
        for r, row in enumerate(self.rows):
            line: dict[int, str] = {}
            c = 0
            for text, rowspan, colspan in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                line[c] = text
                for dc in range(1, colspan):
                    line[c + dc] = ""
                c += colspan
            width = max([k + 1 for k in line] + [k[1] + 1 for k in taken if k[0] == r] + [0])
            out.append([line.get(k, "") for k in range(width)])
        width = max((len(r) for r in out), default=0)
        return [r + [""] * (width - len(r)) for r in out]


def _span(attrs, name: str) -> int:
    value = dict(attrs).get(name) or "1"
    m = re.match(r"\s*(\d+)", value)
    return max(1, min(int(m.group(1)), 100)) if m else 1


class _Reader(HTMLParser):
    """HTML as a list of ("line", text) and ("table", rows) items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, object]] = []
        self.line: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.tables: list[_Table] = []

    # text
    def _text_sink(self) -> list[str]:
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            return table.cell
        return self.line

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not self.pre:
            data = _SPACES.sub(" ", data)
        self._text_sink().append(data)

    def _break(self) -> None:
        sink = self._text_sink()
        if sink is self.line:
            self._flush()
        else:
            sink.append("\n")

    def _flush(self) -> None:
        text = "".join(self.line)
        self.line = []
        for part in text.split("\n"):
            part = part.strip()
            if part:
                self.items.append(("line", part))

    # tags
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            if tag not in _VOID:
                self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self._text_sink().append("\n")
        elif tag == "pre":
            self._break()
            self.pre += 1
        elif tag == "table":
            if self.tables and self.tables[-1].cell is not None:
                self.tables.append(_Table())  # nested: its text goes into the outer cell
            else:
                self._flush()
                self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self._close_cell()
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            self._close_cell()
            if not table.rows:
                table.rows.append([])
            table.cell = []
            table.spans = (_span(attrs, "rowspan"), _span(attrs, "colspan"))
        elif tag in _BLOCK or tag.startswith("h") and tag[1:].isdigit():
            self._break()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag not in _VOID and self.hidden:
                self.hidden -= 1
            return
        if self.hidden:
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break()
        elif tag in ("td", "th") and self.tables:
            self._close_cell()
        elif tag == "table" and self.tables:
            self._close_cell()
            table = self.tables.pop()
            rows = table.grid()
            if self.tables and self.tables[-1].cell is not None:
                self.tables[-1].cell.append(" ".join("".join(r) for r in rows))
            elif any(any(c for c in r) for r in rows):
                self.items.append(("table", rows))
        elif tag in _BLOCK or tag.startswith("h") and tag[1:].isdigit():
            self._break()

    def _close_cell(self) -> None:
        table = self.tables[-1]
        if table.cell is None:
            return
        text = "".join(table.cell).strip()
        table.rows[-1].append((re.sub(r"\s*\n\s*", "", text), *table.spans))
        table.cell = None

    def close(self) -> None:
        super().close()
        while self.tables:
            self.handle_endtag("table")
        self._flush()


def read_html(text: str) -> list[tuple[str, object]]:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.items


def build(items: list[tuple[str, object]], path: str) -> Document:
    """Lines as paragraphs and grids as tables (format "txt": lines, no pages), through
    the layout stage."""
    from ..layout import recover

    builder = DocumentBuilder(path, "txt")
    for kind, value in items:
        if kind == "line":
            builder.add_paragraph(value)
        else:
            builder.add_table(value, origin="html")
    return recover(builder.build())


def parse_html(data: bytes, path: str) -> Document:
    return build(read_html(decode(data, path)), path)
