"""Matching text the way reviewers compare it: NFKC-folded, white space ignored.

Matching happens on a folded copy, but every span maps back to the original text so
quotes are always taken verbatim from the document.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

# Punctuation that drifts between half and full width, or between quote styles, when a
# model (or a converter) copies text; the tolerant fallback ignores it entirely.
_DRIFTING_PUNCT = set("，,。.、；;：:！!？?“”\"'‘’「」『』《》〈〉（）()【】[]—-－…·～~")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")


def fold(text: str) -> str:
    """NFKC with all white space removed (the benchmark's comparison form)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def strip_cjk_spaces(text: str) -> str:
    """Remove the spaces PDF extraction puts between Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text)


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text with a map from folded positions back to the original."""

    folded: str
    origin: tuple[int, ...]  # origin[i] = index in the original of folded char i
    length: int  # length of the original

    @classmethod
    def of(cls, text: str, drop: set[str] | None = None) -> "FoldedText":
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            for out in unicodedata.normalize("NFKC", ch):
                if out.isspace() or (drop and out in drop):
                    continue
                chars.append(out)
                origin.append(i)
        return cls("".join(chars), tuple(origin), len(text))

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
