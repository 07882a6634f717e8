"""Every figure a report states, with its unit, label and place.

Figures are read from a folded copy of each paragraph (NFKC, white space removed), so
hard line wraps and stray spaces do not split them, while their spans map back to the
original text for verbatim quotes. NFKC turns full-width punctuation into ASCII: in the
folded text the clause marks are `,` `:` `;` `(` `)` next to `、` and `。`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from .document import Block, Document
from .textmatch import FoldedText

AMOUNT_FACTORS = {"亿元": Decimal(10) ** 8, "万元": Decimal(10) ** 4, "万": Decimal(10) ** 4,
                  "千元": Decimal(1000), "元": Decimal(1)}
COUNT_UNITS = ("人次", "批次", "人", "个", "家", "次", "项", "场", "份", "件", "户", "名", "批", "条", "期", "所", "座", "台", "辆")
_UNIT_RE = "亿元|万元|千元|元|万(?![\u4e00-\u9fff])|%|‰|分|" + "|".join(COUNT_UNITS)
_NUM_RE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
FIGURE_RE = re.compile(
    rf"(?P<cmp>≥|≤|>=|<=|>|<|=|不低于|不高于|不少于|不超过|达到|超过)?"
    rf"(?<![\d.])(?P<neg>-)?(?P<num>{_NUM_RE})(?P<unit>{_UNIT_RE})?"
)
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10 ** 4, "亿": 10 ** 8}
CN_NUMBER_RE = re.compile(rf"(?P<num>[零〇一二两三四五六七八九十百千万亿]{{2,}}|[两三四五六七八九十])(?P<unit>{'|'.join(COUNT_UNITS)}|元|万元)")
# Clause boundaries in folded text; labels never cross them.
CLAUSE_MARKS = ",，:：;；。、()（）!?！？"
SENTENCE_END = "。;；!?！？"
_LABEL_NOISE = re.compile(r"^(其中|包括|主要是|主要有|分别为|分别是)")


def parse_chinese_number(text: str) -> int | None:
    """三万五千 → 35000, 两千 → 2000, 十二 → 12; None if it is not a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit if digit is not None else 1) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total += section * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def decimals_of(num_text: str) -> int:
    return len(num_text.split(".", 1)[1]) if "." in num_text else 0


@dataclass
class Figure:
    value: Decimal
    unit: str
    num_text: str
    start: int  # doc offsets of number + unit
    end: int
    fstart: int  # folded offsets inside the paragraph
    fend: int
    label: str
    comparator: str | None = None
    in_parens: bool = False

    @property
    def decimals(self) -> int:
        return decimals_of(self.num_text)

    @property
    def kind(self) -> str:
        if self.unit in AMOUNT_FACTORS:
            return "amount"
        if self.unit in ("%", "‰"):
            return "percent"
        if self.unit == "分":
            return "score"
        if self.unit in COUNT_UNITS:
            return "count"
        return "number"

    @property
    def in_yuan(self) -> Decimal | None:
        factor = AMOUNT_FACTORS.get(self.unit)
        return self.value * factor if factor is not None else None

    def shown(self) -> str:
        return f"{self.num_text}{self.unit}"


@dataclass
class Paragraph:
    """One paragraph block, folded, with the figures it states."""

    block: Block
    folded: FoldedText
    figures: list[Figure] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.folded.folded

    def span(self, fstart: int, fend: int) -> tuple[int, int]:
        s, e = self.folded.span(fstart, fend)
        return self.block.start + s, self.block.start + e

    @cached_property
    def _sentence_marks(self) -> list[int]:
        return [i for i, ch in enumerate(self.text) if ch in SENTENCE_END]

    @cached_property
    def _clause_marks(self) -> list[int]:
        return clause_marks(self.text)

    def sentence_bounds(self, fpos: int) -> tuple[int, int]:
        # Mark positions are found once per paragraph: a long paragraph asks this for
        # every figure, and scanning back each time would be quadratic.
        marks = self._sentence_marks
        k = bisect.bisect_left(marks, fpos)
        start = marks[k - 1] + 1 if k else 0
        return start, (marks[k] + 1 if k < len(marks) else len(self.text))

    def list_head(self, fpos: int) -> str:
        """What the sentence states before the 其中 that lists the figure at `fpos` as a
        part ("调整预算为3218.60万元，" in "…，其中基本支出1204.35万元"); "" when the figure is
        no listed part."""
        s, _ = self.sentence_bounds(fpos)
        cut = self.text.rfind("其中", s, fpos)
        return self.text[s:cut] if cut > s else ""

    def clause_start(self, fpos: int) -> int:
        return _clause_start(self._clause_marks, fpos)

    def figures_between(self, fstart: int, fend: int) -> list[Figure]:
        return [f for f in self.figures if fstart <= f.fstart and f.fend <= fend]


def _paren_depth_map(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "(（":
            depth += 1
        out.append(depth)
        if ch in ")）" and depth:
            depth -= 1
    return out


def _is_code_or_date(text: str, m: re.Match) -> bool:
    """Numbers that are not quantities: budget subject codes, years, document numbers."""
    num, unit = m.group("num"), m.group("unit") or ""
    after = text[m.end():m.end() + 1]
    before = text[m.start() - 1:m.start()] if m.start() else ""
    if not unit and after in "年月日号期届次" and after:
        return True
    if before in "〔[【(（" and after in "〕]】)）" and len(num) == 4:
        return True
    if not unit and len(num) >= 5 and "." not in num:
        return True  # 2012902 (政府收支分类科目), phone numbers, file numbers
    return False


_LEVEL_TAGS = ("(类)", "(款)", "(项)")


def clause_marks(text: str) -> list[int]:
    """Positions of the clause marks of `text`, in order."""
    return [i for i, ch in enumerate(text) if ch in CLAUSE_MARKS]


def _clause_start(marks: list[int], fpos: int) -> int:
    k = bisect.bisect_left(marks, fpos)
    return marks[k - 1] + 1 if k else 0


def label_before(text: str, fpos: int, marks: list[int] | None = None) -> str:
    # "一般公共服务支出（类）2106.66万元": the budget-level tag is part of the name.
    if text[max(0, fpos - 3):fpos] in _LEVEL_TAGS:
        return label_before(text, fpos - 3, marks)
    if marks is None:
        marks = clause_marks(text)
    start = _clause_start(marks, fpos)
    label = text[start:fpos]
    # Drop a leading subject code (2012902一般行政管理事务收入 → 一般行政管理事务收入).
    label = re.sub(r"^\d{3,}(?![年.\d])", "", label)
    label = _LABEL_NOISE.sub("", label)
    label = re.sub(r"(为|是|达|达到|约|:)$", "", label)
    return label


def extract_paragraph(block: Block) -> Paragraph:
    folded = block.folded
    para = Paragraph(block, folded)
    text = folded.folded
    depth = _paren_depth_map(text)
    marks = para._clause_marks
    for m in FIGURE_RE.finditer(text):
        if _is_code_or_date(text, m):
            continue
        value = to_decimal(m.group("num"))
        if value is None:
            continue
        if m.group("neg"):
            value = -value
        unit = m.group("unit") or ""
        if unit == "万":
            unit = "万元"
        nstart = m.start("num") - (1 if m.group("neg") else 0)
        fs, fe = nstart, m.end()
        start, end = para.span(fs, fe)
        para.figures.append(Figure(
            value=value, unit=unit, num_text=m.group("num"), start=start, end=end, fstart=fs, fend=fe,
            label=label_before(text, nstart if not m.group("cmp") else m.start("cmp"), marks),
            comparator=m.group("cmp"), in_parens=depth[fs] > 0,
        ))
    for m in CN_NUMBER_RE.finditer(text):
        value = parse_chinese_number(m.group("num"))
        if value is None or any(f.fstart <= m.start() < f.fend for f in para.figures):
            continue
        start, end = para.span(m.start(), m.end())
        para.figures.append(Figure(
            value=Decimal(value), unit=m.group("unit"), num_text=str(value), start=start, end=end,
            fstart=m.start(), fend=m.end(), label=label_before(text, m.start(), marks), in_parens=depth[m.start()] > 0,
        ))
    para.figures.sort(key=lambda f: f.fstart)
    return para


_CUT_END = re.compile(r"[\d.．]$")
_CUT_START = re.compile(r"^(?!\d{1,2}[、.．](?!\d))[\d.．]")  # not an item number "2." / "3、"


def _drop_cut_numbers(paragraphs: list[Paragraph]) -> None:
    """A number cut by a printed line break that was not joined back ("…1012." / "66万元，占…"):
    neither piece is the figure, so the piece that opens the next paragraph and the one
    that ends the previous are left out rather than read as amounts of their own."""
    for prev, para in zip(paragraphs, paragraphs[1:]):
        if not prev.figures or not para.figures or not _CUT_END.search(prev.text) or not _CUT_START.match(para.text):
            continue
        if para.figures[0].fstart == 0:
            para.figures.pop(0)
        if prev.figures[-1].fend == len(prev.text):
            prev.figures.pop()


class FigureIndex:
    """All paragraphs of a document, folded once, with their figures."""

    def __init__(self, doc: Document):
        self.doc = doc

    @classmethod
    def of(cls, doc: Document) -> "FigureIndex":
        """The document's one index, shared by the pre-pass and the rules."""
        index = doc.__dict__.get("_figure_index")
        if index is None:
            index = doc.__dict__["_figure_index"] = cls(doc)
        return index

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        # Kept on the document: the pre-pass and the rules each make an index, and the
        # figures of a document are extracted once.
        cached = self.doc.__dict__.get("_figure_paragraphs")
        if cached is None:
            cached = self.doc.__dict__["_figure_paragraphs"] = [
                extract_paragraph(b) for b in self.doc.blocks if b.kind == "paragraph"]
            _drop_cut_numbers(cached)
        return cached

    def figures(self):
        for p in self.paragraphs:
            for f in p.figures:
                yield p, f

    @cached_property
    def dominant_amount_unit(self) -> str | None:
        counts: dict[str, int] = {}
        for _, f in self.figures():
            if f.kind == "amount":
                counts[f.unit] = counts.get(f.unit, 0) + 1
        return max(counts, key=counts.get) if counts else None
