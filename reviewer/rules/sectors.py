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

import yaml

from ..rubric import rubrics_dir
from ..textmatch import fold
from .context import RuleContext, Sentence

RULE = "boilerplate.off_domain"
# Sentences about joining another body's work are legitimate for any unit.
PARTICIPATION = re.compile(r"(配合|协助|协同|参与|会同|联合|挂包|挂钩|驻村|包村|包保|帮扶|结对|中心工作|联系点|抽调|派驻|助力|支持)")
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
def load_sectors(path: str | None = None) -> tuple[Sector, ...]:
    p = Path(path) if path else rubrics_dir() / "sectors.yaml"
    if not p.exists():
        return ()
    raw = yaml.load(p.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
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
    parts = []
    for sec, title in ctx.headings:
        if DUTIES_TITLE.search(title):
            parts.append(fold(ctx.doc.check_text[sec.start:sec.end]))
    if not parts:
        # No such heading: the opening of the report is where units describe themselves.
        top = ctx.tree.root.children
        end = top[1].start if len(top) > 1 else min(len(ctx.doc.text), 3000)
        parts.append(fold(ctx.doc.check_text[:end]))
    return "".join(parts)


def check(ctx: RuleContext) -> None:
    sectors = load_sectors()
    if not sectors:
        return
    min_terms = int(ctx.params(RULE).get("min_terms", 2))
    unit = ctx.info.unit or ""
    own = sectors_of_name(unit, sectors)
    duties = duties_text(ctx)
    if not own and len(duties) < 50:
        return  # nothing to compare against
    if not own:
        min_terms += 1  # an unrecognised unit: ask for stronger evidence
    by_id = {s.id: s for s in sectors}
    excused: set[str] = {s.id for s in sectors if not s.flag_as_foreign}
    for s in own:
        excused.add(s.id)
        excused.update(s.related)
        if s.general:
            excused.update(by_id if "all" in s.covers else s.covers)
    general = any(s.general for s in own)
    for s in sectors:
        used = {t for _, _, t in find_terms(duties, s)}
        # A sector the duties text clearly works in is the unit's own; a general-purpose
        # unit owns any sector its duties mention at all.
        if len(used) >= 2 or (general and used):
            excused.add(s.id)
    own_terms = {t for s in own for t in s.terms}
    duty_sections = [sec for sec, title in ctx.headings if DUTIES_TITLE.search(title)]

    paragraph_terms: dict[str, set[int]] = {}
    for block in ctx.doc.paragraphs:
        folded = ctx.folded_block(block).folded
        for s in sectors:
            if s.id in excused:
                continue
            for _, _, term in find_terms(folded, s):
                paragraph_terms.setdefault(term, set()).add(id(block))

    # The duties parts as disjoint spans (a part and its subsection merge), for bisection.
    duty_spans: list[list[int]] = []
    for start, end in sorted((sec.start, sec.end) for sec in duty_sections):
        if duty_spans and start <= duty_spans[-1][1]:
            duty_spans[-1][1] = max(duty_spans[-1][1], end)
        else:
            duty_spans.append([start, end])
    duty_starts = [start for start, _ in duty_spans]

    def in_duties(pos: int) -> bool:
        k = bisect.bisect_right(duty_starts, pos) - 1
        return k >= 0 and pos < duty_spans[k][1]

    for sentence in ctx.sentences:
        if in_duties(sentence.start):
            continue
        text = sentence.folded
        if PARTICIPATION.search(text) or BUDGET_SUBJECT.search(text):
            continue
        if any(t in text for t in own_terms):
            continue  # the unit talking about its own work in another field's words
        for s in sectors:
            if s.id in excused:
                continue
            hits = [h for h in find_terms(text, s)
                    if h[2] not in duties and _elsewhere(paragraph_terms.get(h[2], ()), id(sentence.block)) < 2]
            distinct = sorted({h[2] for h in hits})
            if len(distinct) < min_terms:
                continue
            _report(ctx, sentence, s, hits, distinct, own, unit)
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
