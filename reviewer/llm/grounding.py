"""Turning the model's findings into located findings: every quote must be real text.

Models copy Chinese text imperfectly: table cells come back joined by " | ", 7.50 as
7.5, a typo silently corrected, a word dropped, a long sentence elided as "A……B". A
quote is located in steps, and the finding records which one found it:

1. `exact`: the quote after NFKC folding without white space;
2. `normalised`: separators (| ｜ / tabs), drifting punctuation and number formats
   (13,628.59 = 13628.59, 7.50 = 7.5) normalised on both sides; or "A……B" grounded
   piece by piece, in order, within one section; or a table row "a | b | c" grounded
   by its longest run of cells found in order, close together;
3. `fuzzy`: a bounded window of the document (0.75-1.35x the quote's length, difflib
   similarity) accepted only if every number of the quote appears in the window.

What the finding shows is always the document's own words at the span found. A quote
that occurs more than once resolves to the occurrence in the section the model named,
else the one nearest the text the call read.
"""
from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..document import Document
from ..findings import make_finding
from ..models import Finding, Location
from ..textmatch import fold
from .answer import ModelFinding
from .redact import redact

MIN_QUOTE = 4  # folded characters; shorter quotes match too many places to mean anything
MIN_FUZZY = 8  # normalised characters a fuzzy match needs
FUZZY_MIN_RATIO = 0.75
FUZZY_MIN_RATIO_NO_NUMBERS = 0.82  # without numbers to guard it, ask for more likeness
FUZZY_LENGTHS = (0.75, 1.35)
PIECE_GAP = 1500  # "A……B": B at most this far after A (and in A's section)
_ELLIPSIS = re.compile(r"…+|\.{3,}|⋯+|。。。+")
_WRAPPING_QUOTES = "“”\"'‘’「」『』"
_PROMPT_MARKS = re.compile(r"｜正文\d+字[：:]?|（后略）|（空）|〔[^〕]{0,20}〕|【[^】]{0,20}】")
# Dropped before comparing: separators, white space, punctuation that drifts in copying.
_DROP = set("|｜/／\\，,。.、；;：:！!？?“”\"'‘’「」『』《》〈〉（）()【】[]—-－…·～~ \t\u3000")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?")


def _number_form(raw: str) -> str:
    """13,628.59 -> 13628.59; 7.50 -> 7.5; 100.00 -> 100."""
    digits = raw.replace(",", "")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits or "0"


@dataclass
class NormText:
    text: str
    origin: list[int]  # origin[i] = offset in the original of normalised char i

    @classmethod
    def of(cls, text: str) -> "NormText":
        folded, fold_origin = [], []
        for i, ch in enumerate(text):
            for out in unicodedata.normalize("NFKC", ch):
                if not out.isspace():
                    folded.append(out)
                    fold_origin.append(i)
        s = "".join(folded)
        chars: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in _NUMBER.finditer(s):
            _append_plain(s, fold_origin, pos, m.start(), chars, origin)
            form = _number_form(m.group())
            # Map the kept digits (and point) in order onto their source characters.
            sources = [m.start() + k for k, c in enumerate(m.group()) if c != ","]
            for k, c in enumerate(form):
                chars.append(c)
                origin.append(fold_origin[sources[min(k, len(sources) - 1)]])
            pos = m.end()
        _append_plain(s, fold_origin, pos, len(s), chars, origin)
        return cls("".join(chars), origin)

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.origin[a], self.origin[b - 1] + 1


def _append_plain(s, fold_origin, a, b, chars, origin):
    for k in range(a, b):
        if s[k] not in _DROP:
            chars.append(s[k])
            origin.append(fold_origin[k])


def normalise(text: str) -> str:
    return NormText.of(text).text


def numbers_of(normalised: str) -> Counter:
    return Counter(_NUMBER_TOKEN.findall(normalised))


class DocIndex:
    """The normalised text of one document and a bigram index over it, built once."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.norm = NormText.of(doc.text)
        index: dict[str, list[int]] = defaultdict(list)
        t = self.norm.text
        for i in range(len(t) - 1):
            index[t[i:i + 2]].append(i)
        self.bigrams = index

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        out, t = [], self.norm.text
        if not needle:
            return out
        i = t.find(needle)
        while i >= 0 and len(out) < 50:
            out.append(self.norm.span(i, i + len(needle)))
            i = t.find(needle, i + 1)
        return out


_indexes: dict[int, tuple[weakref.ref, DocIndex]] = {}
_indexes_lock = threading.Lock()


def doc_index(doc: Document) -> DocIndex:
    with _indexes_lock:
        entry = _indexes.get(id(doc))
        if entry is not None and entry[0]() is doc:
            return entry[1]
        index = DocIndex(doc)
        for key in [k for k, (ref, _) in _indexes.items() if ref() is None]:
            del _indexes[key]
        _indexes[id(doc)] = (weakref.ref(doc), index)
        return index


# --- choosing among occurrences -----------------------------------------------------------

def _section_bounds(doc: Document, offset: int) -> tuple[int, int]:
    sec = doc.sections.at(offset) if doc.sections else None
    return (sec.start, sec.end) if sec else (0, len(doc.text))


def _in_named_section(doc: Document, span: tuple[int, int], section: str) -> bool:
    if not section or not doc.sections:
        return False
    want = normalise(re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]?", "", section.strip()))
    if len(want) < 2:
        return False
    node = doc.sections.at(span[0])
    while node is not None and node.rank is not None:
        title = normalise(node.title)
        if title and (want in title or title in want):
            return True
        node = node.parent
    return False


def choose(doc: Document, spans: list[tuple[int, int]], near: int | None, section: str = "") -> tuple[int, int]:
    if len(spans) == 1:
        return spans[0]
    named = [s for s in spans if _in_named_section(doc, s, section)]
    pool = named or spans
    if near is None:
        return pool[0]
    return min(pool, key=lambda s: abs(s[0] - near))


# --- the steps ----------------------------------------------------------------------------

def _clean_quote(quote: str) -> str:
    return (quote or "").strip().strip(_WRAPPING_QUOTES).strip()


def _exact(doc: Document, quote: str, near, section) -> tuple[int, int] | None:
    needle = fold(quote)
    if len(needle) < MIN_QUOTE:
        return None
    spans = doc.matcher.exact.find_all(needle)
    return choose(doc, spans, near, section) if spans else None


def _normalised(doc: Document, quote: str, near, section, index: DocIndex) -> tuple[int, int] | None:
    needle = normalise(quote)
    if len(needle) < MIN_QUOTE:
        return None
    spans = index.find_all(needle)
    return choose(doc, spans, near, section) if spans else None


def _piecewise(doc: Document, quote: str, near, section, index: DocIndex) -> tuple[int, int] | None:
    """ "A……B": A, then each later piece after the previous one, all in A's section."""
    parts = [p for p in _ELLIPSIS.split(_PROMPT_MARKS.sub("…", quote)) if len(normalise(p)) >= MIN_QUOTE]
    if not parts:
        return None
    if len(parts) == 1:
        return _exact(doc, parts[0], near, section) or _normalised(doc, parts[0], near, section, index)
    firsts = index.find_all(normalise(parts[0]))
    firsts.sort(key=lambda s: (not _in_named_section(doc, s, section), abs(s[0] - (near or 0))))
    for first in firsts[:10]:
        lo, hi = _section_bounds(doc, first[0])
        end, ok = first[1], True
        for part in parts[1:]:
            later = [s for s in index.find_all(normalise(part)) if end <= s[0] <= min(hi, end + PIECE_GAP)]
            if not later:
                ok = False
                break
            end = later[0][1]
        if ok:
            return first[0], end
    return None


_CELL_SEP = re.compile(r"\s*[|｜\t]\s*")
CELL_GAP = 40  # cells of one row sit close together in the text


def _cells(doc: Document, quote: str, near, section, index: DocIndex) -> tuple[int, int] | None:
    """A table row quoted as "a | b | c": the longest run of its cells found in order,
    close together (a merged cell's value, repeated in the row, is written once in the
    text, rows away)."""
    cells = [c for c in _CELL_SEP.split(quote) if len(normalise(c)) >= 1]
    if len(cells) < 2:
        return None
    for size in range(len(cells), 1, -1):
        for lo in range(0, len(cells) - size + 1):
            run = cells[lo:lo + size]
            if sum(len(normalise(c)) for c in run) < 6:
                continue
            starts = index.find_all(normalise(run[0]))
            starts.sort(key=lambda sp: (not _in_named_section(doc, sp, section), abs(sp[0] - (near or 0))))
            for first in starts[:20]:
                end, ok = first[1], True
                for cell in run[1:]:
                    nxt = [sp for sp in index.find_all(normalise(cell)) if end <= sp[0] <= end + CELL_GAP]
                    if not nxt:
                        ok = False
                        break
                    end = nxt[0][1]
                if ok:
                    return first[0], end
    return None


def _fuzzy(doc: Document, quote: str, near, section, index: DocIndex) -> tuple[int, int] | None:
    q = normalise(quote)
    if len(q) < MIN_FUZZY:
        return None
    t = index.norm.text
    votes: Counter = Counter()
    width = max(4, len(q) // 4)
    for j in range(len(q) - 1):
        hits = index.bigrams.get(q[j:j + 2], ())
        if len(hits) > 300:  # a bigram this common says nothing about where the quote is
            continue
        for p in hits:
            votes[(p - j) // width] += 1
    if not votes:
        return None
    need = max(3, int(0.3 * (len(q) - 1)))
    wanted = numbers_of(q)
    min_ratio = FUZZY_MIN_RATIO if wanted else FUZZY_MIN_RATIO_NO_NUMBERS
    best: tuple[float, int, int] | None = None
    for bucket, count in votes.most_common(12):
        if count < need:
            break
        start = bucket * width
        lo = max(0, start - int(len(q) * 0.4))
        hi = min(len(t), start + int(len(q) * 1.4) + width)
        region = t[lo:hi]
        blocks = [b for b in SequenceMatcher(None, q, region, autojunk=False).get_matching_blocks() if b.size >= 2]
        if not blocks:
            continue
        a, b = lo + blocks[0].b, lo + blocks[-1].b + blocks[-1].size
        # Extend to the quote's own ends when the model changed only its first/last chars.
        a = max(lo, a - blocks[0].a)
        b = min(hi, b + (len(q) - blocks[-1].a - blocks[-1].size))
        window = t[a:b]
        if not (FUZZY_LENGTHS[0] * len(q) <= len(window) <= FUZZY_LENGTHS[1] * len(q)):
            continue
        ratio = SequenceMatcher(None, q, window, autojunk=False).ratio()
        if ratio < min_ratio:
            continue
        if wanted - numbers_of(window):  # a figure of the quote the window does not state
            continue
        if best is None or ratio > best[0] + 1e-9 or (abs(ratio - best[0]) < 1e-9 and near is not None and
                                                      abs(a - near) < abs(best[1] - near)):
            best = (ratio, a, b)
    if best is None:
        return None
    return index.norm.span(best[1], best[2])


def locate(doc: Document, quote: str, near: int | None = None, section: str = "") -> tuple[tuple[int, int], str] | None:
    """(span, grounding level) of a model's quote, or None."""
    quote = _clean_quote(quote)
    if len(fold(quote)) < MIN_QUOTE:
        return None
    span = _exact(doc, quote, near, section)
    if span is not None:
        return span, "exact"
    index = doc_index(doc)
    span = _normalised(doc, quote, near, section, index) or _piecewise(doc, quote, near, section, index) or \
        _cells(doc, quote, near, section, index)
    if span is not None:
        return span, "normalised"
    for candidate in [quote] + [p for p in _ELLIPSIS.split(_PROMPT_MARKS.sub("…", quote)) if p != quote]:
        span = _fuzzy(doc, candidate, near, section, index)
        if span is not None:
            return span, "fuzzy"
    return None


def locate_quote(doc: Document, quote: str, near: int | None = None, section: str = "") -> tuple[int, int] | None:
    found = locate(doc, quote, near, section)
    return found[0] if found else None


def _clip(text: str, limit: int) -> str:
    text = redact((text or "").strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ground(doc: Document, mf: ModelFinding, task_id: str, near: int | None, section: str | None,
           keep_ungrounded: bool) -> Finding | None:
    """A located finding, an ungrounded one (kept only on request), or None."""
    fields = dict(
        category=mf.category, severity=mf.severity, source="llm", rule=f"llm.{task_id}",
        title=_clip(mf.title, 60), detail=_clip(mf.detail, 600), suggestion=_clip(mf.suggestion, 300),
    )
    found = locate(doc, mf.quote, near, mf.section)
    if found is not None:
        span, level = found
        finding = make_finding(doc, span=span, **fields)
        finding.grounding = level
        return finding
    if not keep_ungrounded:
        return None
    finding = make_finding(doc, **fields)
    finding.quote = _clip(mf.quote, 200)
    finding.grounded = False
    finding.location = Location(section=mf.section or section)
    return finding
