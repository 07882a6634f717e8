"""Section tree from Chinese heading numbering, and the report's identity
(unit, year, kind) from its cover.

Levels come from the numbering style (第一部分 > 一、 > （一） > 1、/1． > （1） > ①), not
from the numbers themselves, so skipped or repeated numbers do not break the tree. A
contents page (目录 and the heading lines after it) is not part of the tree.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from .textmatch import fold, strip_cjk_spaces

_CN_NUM = "一二三四五六七八九十百零〇"
# 第一部分/第一章 heads a whole part, above 一、 (rank 0); the document root is below it.
PART_RANK, ROOT_RANK = -1, -2
_PART = re.compile(rf"^第[{_CN_NUM}\d]{{1,3}}(?:部分|章|篇)")
# Each style: (rank, pattern on folded text). Lower rank = higher level.
_STYLES: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^[{_CN_NUM}]{{1,3}}[、.．，,]")),
    (1, re.compile(rf"^[（(][{_CN_NUM}]{{1,3}}[）)]")),
    (2, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (3, re.compile(r"^[（(]\d{1,2}[）)]")),
    (4, re.compile(r"^[①-⑳]")),
]
HEADING_RE = re.compile(
    rf"^\s*(?:第\s*[{_CN_NUM}]{{1,3}}\s*(?:部分|章|篇)|[{_CN_NUM}]{{1,3}}\s*[、．.]|[（(]\s*[{_CN_NUM}\d]{{1,3}}\s*[）)]|\d{{1,2}}\s*(?:、|[.．](?![\d０-９]))|[①-⑳])"
)
_TITLE_END = re.compile(r"[。：:；;]")


@dataclass
class Section:
    title: str
    level: int  # depth in the tree, 1 = top
    rank: int  # numbering style rank: PART_RANK for 第X部分, ROOT_RANK for the document root
    start: int
    end: int
    heading_start: int
    heading_end: int
    children: list["Section"] = field(default_factory=list)
    parent: "Section | None" = None

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    @property
    def path(self) -> list[str]:
        out, node = [], self
        while node is not None and node.rank > ROOT_RANK:
            out.insert(0, node.title)
            node = node.parent
        return out


@dataclass
class SectionTree:
    root: Section
    _starts: dict = field(default_factory=dict, repr=False, compare=False)

    def all(self) -> list[Section]:
        return [s for s in self.root.walk() if s.rank > ROOT_RANK]

    def at(self, offset: int) -> Section | None:
        # Children are in document order: a binary search per level keeps every lookup
        # logarithmic (checks ask this for every sentence).
        node, found = self.root, None
        while node.children:
            starts = self._starts.get(id(node))
            if starts is None:
                starts = self._starts[id(node)] = [c.start for c in node.children]
            k = bisect.bisect_right(starts, offset) - 1
            if k < 0 or not (node.children[k].start <= offset < node.children[k].end):
                return found
            node = found = node.children[k]
        return found

    def title_at(self, offset: int) -> str | None:
        s = self.at(offset)
        return s.title if s else None


def heading_rank(text: str) -> int | None:
    """Numbering style rank of a block that reads as a heading, else None."""
    if text.lstrip()[:1] and "\u2460" <= text.lstrip()[0] <= "\u2473":
        return 4  # ①–⑳ (NFKC would fold them into plain digits)
    f = fold(text)
    part = _PART.match(f)
    if part:
        rest = f[part.end():]
        return PART_RANK if len(rest) <= 40 and not _TITLE_END.search(rest) else None
    for rank, pattern in _STYLES:
        m = pattern.match(f)
        if not m:
            continue
        body = f[m.end():]
        if not body or body[0].isdigit() and rank >= 2:
            return None
        head = _TITLE_END.split(body, 1)[0]
        # Headings are short; a long first clause is a numbered paragraph or list item.
        # A top-level block that is nothing but its title may run longer.
        limit = 30 if rank <= 1 else 22
        whole_block_title = rank <= 1 and len(f) <= 48 and len(head) >= len(body.rstrip("。")) and "," not in head
        if len(head) > limit and not whole_block_title:
            return None
        if rank >= 2 and len(f) > 40 and "，" in head:
            return None
        return rank
    return None


def heading_title(text: str) -> str:
    flat = strip_cjk_spaces(" ".join(text.split()))
    m = _TITLE_END.search(flat)
    title = flat[: m.start()] if m else flat
    return title.strip()[:60]


def build_sections(doc) -> SectionTree:
    root = Section("", 0, ROOT_RANK, 0, len(doc.text), 0, 0)
    stack = [root]
    contents = contents_blocks(doc)
    for i, block in enumerate(doc.blocks):
        if block.kind != "paragraph" or i in contents:
            continue
        rank = heading_rank(block.text)
        if rank is None:
            continue
        while stack[-1].rank >= rank:
            closed = stack.pop()
            closed.end = block.start
        parent = stack[-1]
        title = heading_title(block.text)
        sec = Section(title, len(stack), rank, block.start, len(doc.text), block.start,
                      block.start + len(title), parent=parent)
        parent.children.append(sec)
        stack.append(sec)
    return SectionTree(root)




# --- contents page ---------------------------------------------------------------

_CONTENTS = re.compile(r"^目录$|^目次$")
# A contents entry: a heading line, or any short line ending in dot leaders or a page number.
_PAGE_REF = re.compile(r"(?:[.．·…。\-—_]{2,}\s*\d{1,3}|\s\d{1,3})$")


def contents_blocks(doc) -> set[int]:
    """Indexes of the blocks of a contents page: the 目录 line and the entries after it,
    up to the first entry that repeats (the body begins) or the first block that is no
    entry. Entries need no page numbers: a disclosure's contents often have none."""
    out: set[int] = set()
    blocks = doc.blocks
    for i, block in enumerate(blocks[:80]):
        if block.kind != "paragraph" or not _CONTENTS.match(fold(block.text)):
            continue
        entries: list[int] = []
        seen: set[str] = set()
        for j in range(i + 1, len(blocks)):
            b = blocks[j]
            if b.kind != "paragraph":
                break
            text = b.text.strip()
            key = _PAGE_REF.sub("", fold(text))
            is_entry = (len(text) <= 60 and (heading_rank(text) is not None or _PAGE_REF.search(text)))
            if not is_entry or key in seen:
                break
            seen.add(key)
            entries.append(j)
        if len(entries) >= 3:
            out.add(i)
            out.update(entries)
        break
    return out


# --- report identity -------------------------------------------------------------

_UNIT_SUFFIX = (
    "总工会|工会委员会|人民政府|街道办事处|办事处|委员会|联合会|管理局|管理处|管理站|服务中心|"
    "残联|妇联|团委|文联|科协|侨联|工商联|"
    "中心|局|办公室|院|所|站|馆|队|委|厅|处|社|协会|学校|中学|小学|幼儿园|医院|部"
)
# Name characters, with the placeholders of an unfilled template (上海市XX局).
_NAME = r"[\u4e00-\u9fffXx×○]"
UNIT_RE = re.compile(
    rf"{_NAME}{{1,12}}?(?:省|市|县|区|州|旗|镇|乡|盟){_NAME}{{0,14}}?(?:{_UNIT_SUFFIX})"
)
_UNIT_RE = UNIT_RE  # the name other modules import
_UNIT_END = re.compile(rf"(?:{_UNIT_SUFFIX})$")
# Words that never occur inside a unit's name: a match holding one is a sentence fragment.
_NOT_IN_NAME = re.compile(r"根据|关于|按照|要求|报告|自评|绩效|部分|我|的|对|及|通知|印发|开展|下达|文件|年度")
_YEAR = r"(20\d{2})"
_CITED = re.compile(r"《[^》]{0,80}》|[〔\[［(（]\s*20\d{2}\s*[〕\]］)）]\s*\d*号?")
_DATE_AFTER = re.compile(r"^\s*年?\s*\d{1,2}\s*月|^-\d")
_LEADING_NUMBER = re.compile(rf"^(?:\d{{1,2}}[、.．]|[{_CN_NUM}]{{1,3}}[、.．]|第[{_CN_NUM}]{{1,3}}部分)")
_TITLE_CUT = re.compile(r"20\d{2}|关于|部门整体|单位整体|整体支出|整体绩效|部门决算|部门预算|单位决算|单位预算|"
                        r"项目|专项|转移支付|部门绩效|绩效|决算|预算|[(（]")


def detect_kind(doc) -> str:
    """The document kind (see reviewer.kind.classify for the evidence)."""
    from .kind import classify

    return classify(doc).kind


def _good_name(name: str | None) -> bool:
    return bool(name) and 4 <= len(name) <= 30 and not _NOT_IN_NAME.search(name) and bool(_UNIT_END.search(name))


def unit_from_title(title: str) -> str | None:
    """The unit printed at the head of a title (“红河州数据发展中心2024年度项目…”), or any
    unit name inside it."""
    if not title:
        return None
    title = _LEADING_NUMBER.sub("", title)
    prefix = _TITLE_CUT.split(title, 1)[0]
    if _good_name(prefix) and re.search(r"省|市|县|区|州|旗|镇|乡|盟|自治|中央|国家", prefix):
        return prefix
    for m in UNIT_RE.finditer(_CITED.sub("", title)):
        if _good_name(m.group()):
            return m.group()
    return None


def _unit_from_fields(lines: list[str], fields: list[str]) -> str | None:
    text = "".join(lines)[:1500]
    for label in fields:
        for m in re.finditer(rf"{label}[:：]?", text):
            rest = text[m.end():]
            got = UNIT_RE.match(rest)
            if got and _good_name(got.group()):
                return got.group()
    return None


def detect_unit(doc) -> str | None:
    from .kind import load_config, read_cover, title_candidates

    cover = read_cover(doc)
    config = load_config()
    for title in title_candidates(doc):
        unit = unit_from_title(title)
        if unit:
            return unit
    unit = _unit_from_fields(cover.lines[:15], config.unit_fields)
    if unit:
        return unit
    for line in cover.lines[:15]:
        if heading_rank(line) is not None and not _PART.match(line):
            break  # the body has begun
        if len(line) > 40:
            continue  # a sentence of the body, not a cover line
        line = _CITED.sub("", _LEADING_NUMBER.sub("", line))
        for m in UNIT_RE.finditer(line):
            if _good_name(m.group()):
                return m.group()
    # A web page's publisher (发布机构/来源) is usually the unit itself.
    for line in cover.publisher_lines:
        m = re.search(r"(?:发布机构|来源|文章来源)[:：]?(.*)", line)
        if m:
            got = UNIT_RE.match(m.group(1))
            if got and _good_name(got.group()):
                return got.group()
    body = _CITED.sub("", fold(doc.text))
    names = {m.group() for m in UNIT_RE.finditer(body) if _good_name(m.group()) and len(m.group()) >= 5}
    # Count every occurrence, not only the matches the scan happened to cut out: a longer
    # false match ("…总体思路和省总工会") can swallow the real name where they overlap.
    counts = Counter({name: body.count(name) for name in names})
    common = [(name, n) for name, n in counts.most_common() if n >= 2]
    if not common:
        return None
    best = max(n for _, n in common)
    return max((name for name, n in common if n == best), key=len)


def _first_year(text: str, pattern: str = _YEAR) -> int | None:
    text = _CITED.sub("", text)
    for m in re.finditer(pattern, text):
        if _DATE_AFTER.match(text[m.end():]):
            continue  # a date (填报日期、发布时间), not the year reported on
        return int(m.group(1))
    return None


def detect_year(doc) -> int | None:
    from .kind import read_cover

    cover = read_cover(doc)
    year = _first_year(cover.title)
    if year:
        return year
    if cover.title_index is not None:
        near = "".join(cover.lines[max(0, cover.title_index - 2): cover.title_index + 4])
        year = _first_year(near, rf"{_YEAR}年")
        if year:
            return year
    head = fold(doc.text[:5000])
    year = _first_year(head, rf"{_YEAR}年度") or _first_year(head, rf"{_YEAR}年")
    if year:
        return year
    # A web page published in year N reports on year N-1 (self-evaluations are published
    # the spring after the year they cover).
    for line in cover.publisher_lines:
        m = re.search(r"(?:发布日期|发布时间|成文日期)[:：]?(20\d{2})[-/年.]", line)
        if m:
            return int(m.group(1)) - 1
    return None
