"""Markdown reports (.md): the text as a Markdown viewer shows it, with pipe tables as
table blocks, into the same Document model as the other readers.

Markup is left out (heading marks, emphasis, bullets, link targets), so headings such
as "## 一、部门概况" read as the report's own "一、部门概况"; numbered items keep their
numbers (they are the report's ordinals). Each source line stays a line: re-joining
hard-wrapped lines is the layout stage's job, as for every format (and it never runs a
heading on, where Markdown would). Embedded HTML tables go through the HTML reader.
"""
from __future__ import annotations

import re

from ..document import Document

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]+\|[^|]")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]*)`")
_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
def inline(text: str) -> str:
    """A line's visible text: images by their alt text, links by their words, emphasis
    and code marks and inline tags left out, escapes resolved."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = _TAG.sub("", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    return text.replace("&nbsp;", " ").strip()


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    parts = re.split(r"(?<!\\)\|", body)
    return [inline(p) for p in parts]


def read_markdown(text: str) -> list[tuple[str, object]]:
    """The report as ("line", text) and ("table", rows) items."""
    from .html import read_html

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    items: list[tuple[str, object]] = []

    i = 0
    while i < len(lines):
        raw = lines[i]
        if _FENCE.match(raw):
            i += 1
            while i < len(lines) and not _FENCE.match(lines[i]):
                if lines[i].strip():
                    items.append(("line", lines[i].strip()))
                i += 1
            i += 1
            continue
        if re.match(r"^\s*<table", raw, re.IGNORECASE):
            j = i
            while j < len(lines) and not re.search(r"</table>", lines[j], re.IGNORECASE):
                j += 1
            items.extend(read_html("\n".join(lines[i:j + 1])))
            i = j + 1
            continue
        if _TABLE_ROW.match(raw) and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            rows = [_cells(raw)]
            i += 2
            while i < len(lines) and lines[i].strip() and "|" in lines[i]:
                rows.append(_cells(lines[i]))
                i += 1
            width = max(len(r) for r in rows)
            items.append(("table", [r + [""] * (width - len(r)) for r in rows]))
            continue
        if not raw.strip() or _RULE.match(raw):
            i += 1
            continue
        if _SETEXT.match(raw) and i and lines[i - 1].strip():
            i += 1  # the underline of a "Title\n===" heading
            continue
        heading = _HEADING.match(raw)
        if heading:
            if heading.group(1):
                items.append(("line", inline(heading.group(1))))
            i += 1
            continue
        body = _QUOTE.sub("", raw)
        if _BULLET.match(body):
            body = _BULLET.sub("", body)
        for part in _BR.split(body):
            text = inline(part)
            if text:
                items.append(("line", text))
        i += 1
    return items


def parse_markdown(text: str, path: str) -> Document:
    from .html import build

    return build(read_markdown(text), path)
