"""Section tree from Chinese heading numbering, and the report's identity
(unit, year, kind) from its title lines.

Levels come from the numbering style (一、 > （一） > 1、/1． > （1） > ①), not from the
numbers themselves, so skipped or repeated numbers do not break the tree.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .textmatch import fold, strip_cjk_spaces

_CN_NUM = "一二三四五六七八九十百零〇"
# Each style: (rank, pattern on folded text). Lower rank = higher level.
_STYLES: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^[{_CN_NUM}]{{1,3}}[、.．，,]")),
    (1, re.compile(rf"^[（(][{_CN_NUM}]{{1,3}}[）)]")),
    (2, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (3, re.compile(r"^[（(]\d{1,2}[）)]")),
    (4, re.compile(r"^[①-⑳]")),
]
HEADING_RE = re.compile(
    rf"^\s*(?:[{_CN_NUM}]{{1,3}}\s*[、．.]|[（(]\s*[{_CN_NUM}\d]{{1,3}}\s*[）)]|\d{{1,2}}\s*(?:[、．]|\.(?!\d))|[①-⑳])"
)
_TITLE_END = re.compile(r"[。：:；;]")


@dataclass
class Section:
    title: str
    level: int  # depth in the tree, 1 = top
    rank: int  # numbering style rank, -1 for the document root
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
        while node is not None and node.rank >= 0:
            out.insert(0, node.title)
            node = node.parent
        return out


@dataclass
class SectionTree:
    root: Section

    def all(self) -> list[Section]:
        return [s for s in self.root.walk() if s.rank >= 0]

    def at(self, offset: int) -> Section | None:
        node, found = self.root, None
        while True:
            nxt = next((c for c in node.children if c.start <= offset < c.end), None)
            if nxt is None:
                return found
            node = found = nxt

    def title_at(self, offset: int) -> str | None:
        s = self.at(offset)
        return s.title if s else None


def heading_rank(text: str) -> int | None:
    """Numbering style rank of a block that reads as a heading, else None."""
    if text.lstrip()[:1] and "\u2460" <= text.lstrip()[0] <= "\u2473":
        return 4  # ①–⑳ (NFKC would fold them into plain digits)
    f = fold(text)
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
    root = Section("", 0, -1, 0, len(doc.text), 0, 0)
    stack = [root]
    for block in doc.blocks:
        if block.kind != "paragraph":
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


# --- report identity -------------------------------------------------------------

_UNIT_SUFFIX = (
    "总工会|工会委员会|人民政府|街道办事处|办事处|委员会|联合会|管理局|管理处|管理站|服务中心|"
    "中心|局|办公室|院|所|站|馆|队|委|厅|处|社|协会|学校|中学|小学|幼儿园|医院|部"
)
_UNIT_RE = re.compile(
    rf"[\u4e00-\u9fff]{{1,12}}?(?:省|市|县|区|州|旗|镇|乡|盟)[\u4e00-\u9fff]{{0,14}}?(?:{_UNIT_SUFFIX})"
)
_YEAR_RE = re.compile(r"(20\d{2})\s*年")
_TEMPLATE_UNIT = re.compile(r"部门[（(]单位[）)]")


def _title_region(doc, limit: int = 12) -> list[str]:
    return [fold(b.text) for b in doc.blocks[:limit] if b.kind == "paragraph"]


def detect_kind(doc) -> str:
    head = "".join(_title_region(doc))[:300]
    if re.search(r"项目支出绩效自评", head) and not re.search(r"整体", head):
        return "project"
    if re.search(r"整体", head):
        return "department_overall"
    body = fold(doc.text[:5000])
    if "部门整体" in body or "整体支出" in body:
        return "department_overall"
    if "项目支出绩效" in body or "项目概况" in body:
        return "project"
    return "unknown"


def detect_year(doc) -> int | None:
    head = "".join(_title_region(doc))[:300]
    m = _YEAR_RE.search(head) or _YEAR_RE.search(fold(doc.text[:3000]))
    return int(m.group(1)) if m else None


def detect_unit(doc) -> str | None:
    candidates = Counter(m.group() for m in _UNIT_RE.finditer(fold(doc.text)))
    if not candidates:
        return None
    for line in _title_region(doc):
        if _TEMPLATE_UNIT.search(line) and not _UNIT_RE.search(_TEMPLATE_UNIT.sub("", line)):
            continue
        m = _UNIT_RE.search(line)
        if m:
            name = m.group()
            # Prefer the longest frequent name that the title's match begins.
            return name
    return candidates.most_common(1)[0][0]
