"""Matching text the way reviewers compare it: NFKC-folded, white space ignored.

Matching happens on a folded copy, but every span maps back to the original text so
quotes are always taken verbatim from the document.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

# Punctuation that drifts between half and full width, or between quote styles, when a
# model (or a converter) copies text; the tolerant fallback ignores it entirely.
_DRIFTING_PUNCT = set("，,。.、；;：:！!？?“”\"'‘’「」『』《》〈〉（）()【】[]—-－…·～~")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")


def fold(text: str) -> str:
    """NFKC with all white space removed (the benchmark's comparison form)."""
    if not text:
        return ""
    if len(text) <= _FOLD_CACHE_MAX_LEN:
        # Checks fold the same titles, synonyms and cells over and over.
        return _fold_cached(text)
    return "".join(unicodedata.normalize("NFKC", text).split())


# Only short strings are memoised: a long text is folded once per document anyway, and
# keeping long ones would hold whole documents in memory in a batch worker.
_FOLD_CACHE_MAX_LEN = 512


@lru_cache(maxsize=1 << 16)
def _fold_cached(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


# Each character's folded form (NFKC, white space removed), memoised per drop set: a
# document has a few thousand distinct characters and normalising them one call each
# dominated the cost of folding long texts.
_CHAR_FOLDS: dict[frozenset | None, dict[str, str]] = {}


def _char_fold_table(drop: set[str] | None) -> dict[str, str]:
    key = frozenset(drop) if drop else None
    table = _CHAR_FOLDS.get(key)
    if table is None:
        table = _CHAR_FOLDS[key] = {}
    return table


# Characters an XML document (Word, Excel) cannot hold. Form feed is kept apart: it is
# the page separator of the document text.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@lru_cache(maxsize=1)
def _xml_illegal_or_ff() -> re.Pattern:
    # Compiled on first use: only the Word writer and the PDF reader drop page breaks.
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str, keep_page_breaks: bool = True) -> str:
    """Each character XML cannot hold replaced by a space (lengths, so offsets, stay)."""
    pattern = _XML_ILLEGAL if keep_page_breaks else _xml_illegal_or_ff()
    return pattern.sub(" ", text) if text else text


def strip_cjk_spaces(text: str) -> str:
    """Remove the spaces PDF extraction puts between Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text)


_STABLE_RUNS: dict[frozenset | None, re.Pattern] = {}


def _stable_runs(drop: set[str] | None) -> re.Pattern:
    """Runs of characters that fold to themselves and are not dropped: printable ASCII
    and CJK ideographs (neither has a compatibility decomposition)."""
    key = frozenset(drop) if drop else None
    pattern = _STABLE_RUNS.get(key)
    if pattern is None:
        ascii_kept = "".join(re.escape(chr(c)) for c in range(0x21, 0x7F) if not (drop and chr(c) in drop))
        # A drop set holding ideographs leaves them to the one-by-one path.
        cjk = not (drop and any("\u3400" <= c <= "\u9fff" for c in drop))
        ideographs = "\u3400-\u4dbf\u4e00-\u9fff" if cjk else ""
        pattern = _STABLE_RUNS[key] = re.compile(f"[{ascii_kept}{ideographs}]+")
    return pattern


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text with a map from folded positions back to the original."""

    folded: str
    origin: tuple[int, ...]  # origin[i] = index in the original of folded char i
    length: int  # length of the original

    @classmethod
    def of(cls, text: str, drop: set[str] | None = None) -> "FoldedText":
        table = _char_fold_table(drop)
        distinct = set(text)
        for ch in distinct:
            if ch not in table:
                table[ch] = "".join(c for c in unicodedata.normalize("NFKC", ch)
                                    if not (c.isspace() or (drop and c in drop)))
        # Printable ASCII and the CJK ideographs fold to themselves: runs of them are
        # copied whole, and only the characters between runs (punctuation, spaces,
        # full-width forms) are looked up one by one.
        parts: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in _stable_runs(drop).finditer(text):
            a, b = m.span()
            for i in range(pos, a):
                out = table[text[i]]
                if out:
                    parts.append(out)
                    origin.extend([i] * len(out))
            parts.append(m.group())
            origin.extend(range(a, b))
            pos = b
        for i in range(pos, len(text)):
            out = table[text[i]]
            if out:
                parts.append(out)
                origin.extend([i] * len(out))
        return cls("".join(parts), tuple(origin), len(text))

    def span(self, fstart: int, fend: int) -> tuple[int, int]:
        """Original (start, end) of folded range [fstart, fend)."""
        return self.origin[fstart], self.origin[fend - 1] + 1

    def find_all(self, needle_folded: str) -> list[tuple[int, int]]:
        out = []
        if not needle_folded:
            return out
        i = self.folded.find(needle_folded)
        while i >= 0:
            out.append(self.span(i, i + len(needle_folded)))
            i = self.folded.find(needle_folded, i + 1)
        return out


class Matcher:
    """Locates quotes in one text; folded indexes are built once and reused."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def exact(self) -> FoldedText:
        return FoldedText.of(self.text)

    @cached_property
    def loose(self) -> FoldedText:
        return FoldedText.of(self.text, drop=_DRIFTING_PUNCT)

    def find(self, quote: str, near: int | None = None) -> tuple[int, int] | None:
        """Span of `quote` in the text: exact folded match first, then ignoring
        punctuation drift. With several matches, the one nearest `near` wins."""
        for index, drop in ((self.exact, None), (self.loose, _DRIFTING_PUNCT)):
            needle = "".join(ch for ch in fold(quote) if not (drop and ch in drop))
            if len(needle) < 2:
                continue
            spans = index.find_all(needle)
            if spans:
                if near is None:
                    return spans[0]
                return min(spans, key=lambda s: abs(s[0] - near))
        return None
