"""What every rule module reads: the document, its identity, the rubric, and folded views
of the text (white space removed, NFKC) that map back to verbatim spans."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..document import Block, Document
from ..findings import make_finding
from ..models import DocumentInfo, Finding
from ..rubric import Rubric, SectionRule
from ..sections import SectionTree, build_sections
from ..textmatch import FoldedText, fold

# Sentence ends in folded text (NFKC turns full-width ！？； into ASCII).
SENTENCE_END = re.compile(r"[。!?;！？；]")
# Leading list numbering of a heading or paragraph: 一、 （一） 1、 1. (1) ① 第一，
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．,，]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}(?:[、．]|\.(?!\d))|[①-⑳]|第[一二三四五六七八九十]+[、,，是])"
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万元|亿元|元|个|人|次|家|户|件|项|份|场|期|名|所|座|公里|千米|米|吨|亩|台|套|篇|条|天|小时|分)")


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1)


def has_figure(text: str) -> bool:
    """A quantity with a unit (not a bare year or a list number)."""
    return bool(_FIGURE.search(text))


@dataclass
class Sentence:
    start: int  # offsets in doc.text
    end: int
    folded: str
    block: Block
    fstart: int = 0  # offset of `folded` in the block's folded text


@dataclass
class RuleContext:
    doc: Document
    info: DocumentInfo
    rubric: Rubric
    findings: list[Finding] = field(default_factory=list)

    @cached_property
    def tree(self) -> SectionTree:
        return self.doc.sections or build_sections(self.doc)

    @cached_property
    def folded_text(self) -> str:
        # check_text: the document text with web chrome the layout stage dropped blanked.
        return fold(self.doc.check_text)

    @cached_property
    def folded_narrative(self) -> str:
        """Paragraph text only (no table cells), folded."""
        return "".join(fold(b.text) for b in self.doc.paragraphs)

    @cached_property
    def paragraph_folds(self) -> dict[int, FoldedText]:
        return {id(b): b.folded for b in self.doc.paragraphs}

    def folded_block(self, block: Block) -> FoldedText:
        return self.paragraph_folds.get(id(block)) or block.folded

    def block_span(self, block: Block, fstart: int, fend: int) -> tuple[int, int]:
        """Document span of folded range [fstart, fend) of a paragraph."""
        s, e = self.folded_block(block).span(fstart, fend)
        return block.start + s, block.start + e

    @cached_property
    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        for block in self.doc.paragraphs:
            ft = self.folded_block(block)
            pos = 0
            for m in list(SENTENCE_END.finditer(ft.folded)) + [None]:
                end = m.end() if m else len(ft.folded)
                if end > pos:
                    s, e = self.block_span(block, pos, end)
                    out.append(Sentence(s, e, ft.folded[pos:end], block, pos))
                pos = end
        return out

    # --- sections -------------------------------------------------------------------

    @cached_property
    def headings(self) -> list[tuple[object, str]]:
        """(section, folded title without numbering) for every heading."""
        return [(s, strip_numbering(fold(s.title))) for s in self.tree.all()]

    def sections_for(self, rule: SectionRule) -> list:
        found = []
        for sec, title in self.headings:
            if any(fold(x) in title for x in rule.exclude):
                continue
            if any(fold(x) in title for x in rule.synonyms):
                found.append(sec)
        return found

    @cached_property
    def folded_body(self) -> str:
        """Folded text without heading lines: evidence is what the body says."""
        parts, pos = [], 0
        text = self.doc.check_text
        for sec in sorted(self.tree.all(), key=lambda s: s.heading_start):
            parts.append(text[pos:sec.heading_start])
            pos = max(pos, sec.heading_end)
        parts.append(text[pos:])
        return fold("\n".join(parts))

    @cached_property
    def folded_narrative_body(self) -> str:
        """Folded paragraphs without heading lines or table cells."""
        headings = {sec.heading_start for sec in self.tree.all()}
        return "\n".join(fold(b.text) for b in self.doc.paragraphs if b.start not in headings)

    def evidence_for(self, rule: SectionRule, text: str | None = None) -> re.Match | None:
        if text is None:
            hay = self.folded_narrative_body if rule.evidence_scope == "narrative" else self.folded_body
        else:
            hay = text
        for pattern in rule.evidence:
            m = re.search(pattern, hay)
            if m:
                return m
        return None

    def section_rule(self, rule_id: str) -> SectionRule | None:
        return next((s for s in self.rubric.sections if s.id == rule_id), None)

    def section_body(self, sec) -> str:
        """Folded text of a section without its heading line."""
        return fold(self.doc.check_text[sec.heading_end:sec.end])

    @cached_property
    def is_form_only(self) -> bool:
        """A score form with little narrative (a 项目支出绩效自评表 on its own): narrative
        sections are not expected of it."""
        narrative = sum(len(fold(b.text)) for b in self.doc.paragraphs)
        top = self.tree.root.children
        return len(top) < 3 and narrative < 2000

    # --- findings -------------------------------------------------------------------

    def severity(self, rule_id: str, default: str = "warning") -> str:
        check = self.rubric.check(rule_id)
        return check.severity if check else default

    def params(self, rule_id: str) -> dict:
        check = self.rubric.check(rule_id)
        return dict(check.params) if check else {}

    def add(self, *, category: str, rule: str, title: str, detail: str, severity: str | None = None,
            span: tuple[int, int] | None = None, suggestion: str = "", stated: str | None = None,
            expected: str | None = None) -> Finding:
        f = make_finding(
            self.doc, category=category, severity=severity or self.severity(rule), source="rules",
            rule=rule, title=title, detail=detail, span=span, suggestion=suggestion,
            stated=stated, expected=expected,
        )
        self.findings.append(f)
        return f

    def enforces(self, item_name: str) -> str:
        """The closing note of a detail: which rubric item the finding enforces."""
        return f"（评审规则“{self.rubric.title}”：{item_name}）"
