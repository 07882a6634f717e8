"""Off-domain boilerplate (`boilerplate`): a sentence dense in another sector's terms
that this unit's own functions never mention — text copied from another kind of unit.

The unit's own sectors come from its name (rubrics/sectors.yaml `unit_keywords`) and from
its duties text (the 职能/职责/基本情况 part). A term is excused when the duties text uses
it, when the report uses it in several other paragraphs (it is the unit's real work), or
when the sentence describes taking part in another body's work (配合, 协助, 参与 …).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..rubric import rubrics_dir
from ..textmatch import fold
from ..yamlio import load_yaml_file
from .context import RuleContext, Sentence

RULE = "boilerplate.off_domain"
# Sentences about joining another body's work are legitimate for any unit.
PARTICIPATION = re.compile(r"(配合|协助|协同|参与|会同|挂包|挂钩|驻村|包村|包保|结对|中心工作|联系点|抽调|派驻)")
# Weaker words: "支持…", "帮扶…" also name a sector's own services ("困难职工帮扶"), so they
# excuse a sentence only while its foreign terms are few.
WEAK_PARTICIPATION = re.compile(r"(联合|帮扶|助力|支持)")
# Budget subject lines (2080505机关事业单位基本养老保险缴费) name other sectors' spending.
BUDGET_SUBJECT = re.compile(r"\b2\d{6}\b|\d{7}[\u4e00-\u9fff]")
DUTIES_TITLE = re.compile(r"(职能|职责|主要任务|工作任务|基本情况|概况|单位简介|部门简介|机构设置|内设机构)")
CLAUSE_SPLIT = re.compile(r"[,，:：]")


@dataclass
class Sector:
    id: str
    name: str
    unit_keywords: list[str]
    terms: list[str]
    general: bool = False
    # Sectors whose terms any unit may use (village governance, office work) are never
    # reported as foreign.
    flag_as_foreign: bool = True
    covers: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    @cached_property
    def term_pattern(self) -> re.Pattern | None:
        # One alternation, longest terms first, compiled once: the rule runs it on every
        # sentence of every document.
        return re.compile("|".join(map(re.escape, self.terms))) if self.terms else None


@lru_cache(maxsize=4)
def _sectors_data(path: str | None) -> dict:
    p = Path(path) if path else rubrics_dir() / "sectors.yaml"
    return (load_yaml_file(p) or {}) if p.exists() else {}


def load_sectors(path: str | None = None) -> tuple[Sector, ...]:
    raw = _sectors_data(path)
    out = []
    for item in raw.get("sectors", []):
        out.append(Sector(
            id=item["id"], name=item["name"],
            unit_keywords=[fold(k) for k in item.get("unit_keywords", [])],
            terms=sorted({fold(str(t)) for t in item.get("terms", [])}, key=len, reverse=True),
            general=bool(item.get("general", False)),
            flag_as_foreign=bool(item.get("flag_as_foreign", True)),
            covers=list(item.get("covers", [])), related=list(item.get("related", [])),
        ))
    return tuple(out)


def sectors_of_name(name: str, sectors=None) -> list[Sector]:
    folded = fold(name or "")
    return [s for s in (sectors or load_sectors()) if any(k in folded for k in s.unit_keywords)]


def find_terms(text: str, sector: Sector) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of the sector's terms (the longest at each place)."""
    if sector.term_pattern is None:
        return []
    return [(m.start(), m.end(), m.group()) for m in sector.term_pattern.finditer(text)]


def duties_text(ctx: RuleContext) -> str:
    """Folded text of the parts that describe the unit's functions."""
    return "".join(ctx.folded_block(b).folded for b in duty_blocks(ctx))


def duty_spans(ctx: RuleContext) -> list[tuple[int, int]]:
    """The parts that describe the unit's functions (职能/职责/基本情况 …) as disjoint spans;
    without such a heading, the report's opening, where units describe themselves."""
    found = sorted((sec.start, sec.end) for sec, title in ctx.headings if DUTIES_TITLE.search(title))
    if not found:
        top = ctx.tree.root.children
        return [(0, top[1].start if len(top) > 1 else min(len(ctx.doc.text), 3000))]
    merged: list[list[int]] = []
    for start, end in found:  # a part and its subsection merge
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def duty_blocks(ctx: RuleContext) -> list:
    spans = duty_spans(ctx)
    starts = [a for a, _ in spans]
    out = []
    for block in ctx.doc.paragraphs:
        k = bisect.bisect_right(starts, block.start) - 1
        if k >= 0 and block.start < spans[k][1]:
            out.append(block)
    return out


@dataclass
class DutyTerms:
    """Which duties paragraphs use which sector terms, so that a paragraph never excuses
    itself: a sentence copied into the duties part is judged against the other duties
    paragraphs, not against its own words."""
    blocks_of: dict[str, set[int]] = field(default_factory=dict)  # term -> duties paragraphs
    by_sector: dict[str, set[str]] = field(default_factory=dict)  # sector id -> terms used

    def term_used(self, term: str, block_id: int) -> bool:
        blocks = self.blocks_of.get(term, ())
        return len(blocks) - (block_id in blocks) > 0

    def sector_terms(self, sector_id: str, block_id: int) -> int:
        return sum(self.term_used(t, block_id) for t in self.by_sector.get(sector_id, ()))


def duty_terms(ctx: RuleContext, sectors) -> DutyTerms:
    out = DutyTerms()
    for block in duty_blocks(ctx):
        folded = ctx.folded_block(block).folded
        for s in sectors:
            for _, _, term in find_terms(folded, s):
                out.blocks_of.setdefault(term, set()).add(id(block))
                out.by_sector.setdefault(s.id, set()).add(term)
    return out


def check(ctx: RuleContext) -> None:
    sectors = load_sectors()
    if not sectors:
        return
    params = ctx.params(RULE)
    min_terms = int(params.get("min_terms", 2))
    # A related sector (水利 and 农业) shares vocabulary with the unit's own: only a
    # sentence dense in its terms is copied text.
    related_min_terms = int(params.get("related_min_terms", min_terms + 2))
    unit = ctx.info.unit or ""
    own = sectors_of_name(unit, sectors)
    duties = duty_terms(ctx, sectors)
    if not own and sum(len(ctx.folded_block(b).folded) for b in duty_blocks(ctx)) < 50:
        return  # nothing to compare against
    if not own:
        min_terms += 1  # an unrecognised unit: ask for stronger evidence
    by_id = {s.id: s for s in sectors}
    excused: set[str] = {s.id for s in sectors if not s.flag_as_foreign}
    related: set[str] = set()
    for s in own:
        excused.add(s.id)
        related.update(s.related)
        if s.general:
            excused.update(by_id if "all" in s.covers else s.covers)
    related -= excused
    general = any(s.general for s in own)
    own_terms = {t for s in own for t in s.terms}
    spans = duty_spans(ctx) if any(DUTIES_TITLE.search(t) for _, t in ctx.headings) else []
    starts = [a for a, _ in spans]

    def in_duties(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < spans[k][1]

    def duty_excused(sector: Sector, block_id: int) -> bool:
        # A sector the other duties paragraphs clearly work in is the unit's own; a
        # general-purpose unit owns any sector its duties mention at all.
        used = duties.sector_terms(sector.id, block_id)
        return used >= 2 or (general and used >= 1)

    paragraph_terms: dict[str, set[int]] = {}
    for block in ctx.doc.paragraphs:
        folded = ctx.folded_block(block).folded
        for s in sectors:
            if s.id in excused:
                continue
            for _, _, term in find_terms(folded, s):
                paragraph_terms.setdefault(term, set()).add(id(block))

    if not own:
        # Without the unit's sector from its name, a sector the whole text works in (its
        # words in several paragraphs) is the report's own subject, not copied text.
        spread: dict[str, set[int]] = {}
        for term, blocks in paragraph_terms.items():
            for s in sectors:
                if term in s.terms:
                    spread.setdefault(s.id, set()).update(blocks)
        topic = int(params.get("topic_paragraphs", 2))
        excused.update(sid for sid, blocks in spread.items() if len(blocks) >= topic)

    _check_self_references(ctx, unit)
    for sentence in ctx.sentences:
        # Without the unit's sector from its name, the duties part is the only evidence
        # of what the unit does: it cannot be judged against itself.
        if not own and in_duties(sentence.start):
            continue
        text = sentence.folded
        if PARTICIPATION.search(text) or BUDGET_SUBJECT.search(text):
            continue
        weak = WEAK_PARTICIPATION.search(text) is not None
        if any(t in text for t in own_terms):
            continue  # the unit talking about its own work in another field's words
        block_id = id(sentence.block)
        for s in sectors:
            if s.id in excused or duty_excused(s, block_id):
                continue
            hits = [h for h in find_terms(text, s)
                    if not duties.term_used(h[2], block_id)
                    and _elsewhere(paragraph_terms.get(h[2], ()), block_id) < 2]
            distinct = sorted({h[2] for h in hits})
            needed = related_min_terms if s.id in related or weak else min_terms
            if len(distinct) < needed:
                continue
            _report(ctx, sentence, s, hits, distinct, own, unit)
            break


SELF_RULE = "boilerplate.self_reference"


@lru_cache(maxsize=4)
def load_self_references(path: str | None = None) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    raw = _sectors_data(path)
    return tuple((tuple(fold(w) for w in item.get("words", [])), tuple(fold(w) for w in item.get("unit_words", [])))
                 for item in raw.get("self_references", []))


def _check_self_references(ctx: RuleContext, unit: str) -> None:
    """"我院"/"本校" in the report of a unit that is neither a hospital nor a school: the
    unit speaks in another unit's voice, so the paragraph was copied. Only with a known
    unit name, and once per word."""
    name = fold(unit)
    if not name or not ctx.rubric.is_enabled(SELF_RULE):
        return
    limit = int(ctx.params(SELF_RULE).get("max_findings", 3))
    wanted = [(w, unit_words) for words, unit_words in load_self_references() if not any(u in name for u in unit_words)
              for w in words]
    if not wanted:
        return
    reported = 0
    seen: set[str] = set()
    for sentence in ctx.sentences:
        if reported >= limit:
            return
        for word, _ in wanted:
            at = sentence.folded.find(word)
            if at < 0 or word in seen:
                continue
            seen.add(word)
            reported += 1
            ft = ctx.folded_block(sentence.block)
            a, b = ft.span(sentence.fstart, sentence.fstart + len(sentence.folded.rstrip("。;；!?")))
            ctx.add(category="boilerplate", rule=SELF_RULE,
                    title=f"自称“{word}”与报告单位不符",
                    detail=(f"该句以“{word}”自称，而报告单位为{unit}，不是医院或学校等以此自称的单位，"
                            "疑似从其他单位的报告照搬，请核实。" + ctx.enforces("套话：与本单位职能无关的内容")),
                    span=(sentence.block.start + a, sentence.block.start + b),
                    suggestion="改为本单位的表述，删除不属于本单位的内容。")
            break


def _elsewhere(blocks, block_id: int) -> int:
    """How many other paragraphs use a term (without copying the set)."""
    return len(blocks) - (block_id in blocks)


def _report(ctx: RuleContext, sentence: Sentence, sector: Sector, hits, distinct, own, unit) -> None:
    # Quote the clauses that hold the foreign terms, not the whole sentence.
    text = sentence.folded
    bounds = [0] + [m.end() for m in CLAUSE_SPLIT.finditer(text)] + [len(text) + 1]
    first = max(b for b in bounds if b <= hits[0][0])
    last_end = min(b for b in bounds if b >= hits[-1][1])
    last_end = min(last_end, len(text))
    if last_end > first and text[last_end - 1] in ",，:：":
        last_end -= 1
    while last_end > first and text[last_end - 1] in "。;；!?":
        last_end -= 1
    ft = ctx.folded_block(sentence.block)
    base = sentence.block.start
    offset = sentence.fstart
    s, e = ft.span(offset + first, offset + last_end)
    span = (base + s, base + e)
    own_name = "、".join(x.name for x in own) or "本单位职能"
    terms = "”“".join(distinct[:4])
    ctx.add(category="boilerplate", rule=RULE,
            title=f"疑似照抄其他单位内容（{sector.name}）",
            detail=(f"该句出现“{terms}”等{sector.name}领域用语，与{unit or '本单位'}（{own_name}）的职能无关，"
                    "本单位职能部分也从未提及，疑似从其他单位的报告照搬。"
                    + ctx.enforces("套话：与本单位职能无关的内容")),
            span=span, suggestion="删除或改写为本单位实际开展的工作和措施。")
