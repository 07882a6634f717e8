"""Stable finding fingerprints: the same problem gets the same fingerprint in a later
version of the report, whatever changed elsewhere in it.

A fingerprint hashes what the problem *is*, never where it sits: the rule, the section
title without its numbering, the quoted text folded (NFKC, no white space) and the stated
value. Offsets, page and line numbers, finding ids and wording of the message are left
out, so inserting a paragraph earlier in the report, renumbering sections or re-running
with a better explanation keeps the fingerprint. A finding about something absent has no
quote; its title (which names the missing part) stands in for it.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

from .models import Finding
from .textmatch import fold

# Leading section numbering: 一、 （四） (4) 4. 4、 第一部分 第二章 …
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[部分章节条]+|[（(]?[一二三四五六七八九十百\d]+[)）]?[、.．]?|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+[、.．]?)"
)


def normalise_section(section: str | None) -> str:
    text = fold(section or "")
    return _NUMBERING.sub("", text, count=1)


def fingerprint_key(f: Finding) -> str:
    quote = fold(f.quote)
    parts = [f.rule, normalise_section(f.location.section), quote, fold(f.stated or "")]
    if not quote:
        parts.append(fold(f.title))
    return "\x1f".join(parts)


def fingerprint(f: Finding) -> str:
    return hashlib.sha1(fingerprint_key(f).encode("utf-8")).hexdigest()[:16]


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One fingerprint per finding; findings that share one (the same rule on the same
    quote twice) get "#2", "#3" … in document order, which is stable across versions."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        base = fingerprint(f)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out
