"""Which text each review task reads, cut into calls that fit the budget.

A task reads what its template's `reads:` header names:
- `sections`: the report parts the task lists (rubric SectionRule ids, found in the
  section tree by name or synonym), tables included;
- `narrative`: the running text (no tables) of those parts, or of the whole report;
- `outline`: every heading with the start of its own text and its length, so a part
  that exists by name but says nothing is visible without sending the whole report;
- `indicators`: the indicator tables and the lines that name indicators.
Small parts are batched into one call; large ones are split at block boundaries. All
prompts of a document together stay within `BUDGET_FACTOR` x the document's tokens:
when they would not, every task's text is shortened in proportion (each paragraph
keeps its beginning), and only if even that cannot fit are the last tasks dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Block, Document
from ..models import CATEGORY_LABELS, KIND_LABELS, DocumentInfo, Finding
from ..rubric import LLMTask, Rubric
from ..textmatch import fold, strip_cjk_spaces
from .answer import answer_format_for_prompt, answer_json_schema
from .prompts import PromptTemplate, load_prompt
from .tokens import estimate_tokens

BUDGET_FACTOR = 3.0
BUDGET_SAFETY = 0.95  # real tokenizers and our estimate differ a little
CHUNK_CHARS = 3000  # section text per call
DUTIES_CHARS = 160
FACTS_CHARS = 500
RUBRIC_ITEMS_CHARS = 400
OUTLINE_PREVIEW = 40
OUTLINE_DEPTH = 3  # deeper headings are list items, not report parts
# The schema travels with every call (as response_format or in the prompt).
SCHEMA_TOKENS = estimate_tokens(str(answer_json_schema()))

# Report parts used when the rubric names none (synonyms from published templates).
DEFAULT_PARTS: dict[str, tuple[str, list[str]]] = {
    "basic_info": ("基本情况", ["基本情况", "概况", "主要职能", "职能", "职责"]),
    "goals": ("绩效目标", ["绩效目标", "履职目标", "总体目标", "目标设定", "目标设立", "指标设定"]),
    "self_evaluation": ("自评工作开展情况", ["自评工作", "组织实施", "自评组织", "评价工作情况"]),
    "budget_execution": ("收支与预算执行", ["预算执行", "收支", "资金情况", "资金使用", "预算管理"]),
    "conclusion": ("综合评价结论", ["评价结论", "综合评价", "自评得分", "评价等级", "得分情况"]),
    "achievement": ("目标实现/指标分析", ["目标实现", "目标完成", "指标完成", "实现情况", "履职完成",
                                      "履职效果", "效益", "满意度"]),
    "problems": ("存在的问题", ["存在的问题", "存在问题", "主要问题", "问题及原因", "发现的问题", "问题"]),
    "measures": ("改进措施", ["改进措施", "整改", "措施", "改进", "建议", "下一步"]),
    "application": ("结果应用和公开", ["结果应用", "应用和公开", "公开情况"]),
    "other": ("其他需要说明的问题", ["其他需要说明", "其他需说明"]),
}

DEFAULT_TASKS: list[LLMTask] = [
    LLMTask(id="problems_measures", prompt="problems_measures", sections=["problems", "measures"],
            description="问题是否具体、有原因；措施是否对应问题、可执行"),
    LLMTask(id="unsupported_claims", prompt="unsupported_claims",
            sections=["conclusion", "achievement", "budget_execution"],
            description="结论、得分和“圆满完成”等说法是否有数据支撑，是否与报告自身数据矛盾"),
    LLMTask(id="boilerplate_mismatch", prompt="boilerplate_mismatch", sections=[],
            description="与本单位职能无关或放之四海皆准的套话、模板残留"),
    LLMTask(id="semantic_missing_parts", prompt="semantic_missing_parts", sections=[],
            description="有标题但没有实质内容的必备部分"),
    LLMTask(id="indicator_classification", prompt="indicator_classification", sections=["goals", "achievement"],
            description="绩效指标归类（产出/效益/满意度，数量/质量/时效/成本）是否正确"),
]

_SENTENCE_END = re.compile(r"[。；！？;!?]")
_INDICATOR_WORDS = ("指标", "目标值", "完成值", "指标值", "实际值", "分值", "得分")
_DUTY_WORDS = ("职能", "职责", "主要任务", "概况", "基本情况")


@dataclass
class Piece:
    """A stretch of document text a call reads, rendered compactly for the prompt."""

    start: int
    end: int
    text: str
    section: str


@dataclass
class PlannedCall:
    task: LLMTask
    template: PromptTemplate
    pieces: list[Piece]
    user: str
    tokens: int = 0

    @property
    def near(self) -> int:
        return self.pieces[0].start if self.pieces else 0


@dataclass
class Plan:
    calls: list[PlannedCall]
    system: str
    system_version: str
    doc_tokens: int
    budget: int
    dropped_tasks: list[str] = field(default_factory=list)

    @property
    def prompt_tokens(self) -> int:
        return sum(c.tokens for c in self.calls)


# --- rendering document text --------------------------------------------------------

def compact(text: str) -> str:
    """Hard wraps and PDF spacing removed; quotes still match (matching ignores spaces)."""
    return strip_cjk_spaces(" ".join(text.split()))


def render_block(block: Block) -> str:
    if block.is_table and block.rows:
        return "\n".join("\t".join(compact(c.text) for c in row) for row in block.rows)
    return compact(block.text)


def _section_of(doc: Document, offset: int) -> str:
    return doc.section_title_at(offset) or ""


def _pieces_in(doc: Document, spans: list[tuple[int, int]], tables: bool = True,
               keep=lambda b: True) -> list[Piece]:
    out = []
    for block in doc.blocks:
        if not tables and block.is_table:
            continue
        if not any(s <= block.start < e for s, e in spans) or not keep(block):
            continue
        text = render_block(block)
        if text:
            out.append(Piece(block.start, block.end, text, _section_of(doc, block.start)))
    return out


# --- finding report parts -------------------------------------------------------------

def part_synonyms(rubric: Rubric) -> dict[str, tuple[str, list[str], list[str]]]:
    """Part id -> (name, heading words, excluded heading words)."""
    parts = {k: (name, words, []) for k, (name, words) in DEFAULT_PARTS.items()}
    for rule in rubric.sections:
        parts[rule.id] = (rule.name, [rule.name, *rule.synonyms], list(getattr(rule, "exclude", []) or []))
    return parts


def sections_matching(doc: Document, words: list[str], exclude: list[str] = ()):
    """Outermost sections whose heading contains one of `words` and none of `exclude`."""
    if not doc.sections:
        return []
    keys = [fold(w) for w in words if fold(w)]
    banned = [fold(w) for w in exclude if fold(w)]
    chosen = []
    for sec in doc.sections.all():
        title = fold(sec.title)
        if any(k in title for k in keys) and not any(b in title for b in banned):
            if not any(c.start <= sec.start < c.end for c in chosen):
                chosen.append(sec)
    return chosen


def task_spans(doc: Document, task: LLMTask, rubric: Rubric) -> list[tuple[int, int]] | None:
    """Spans of the parts a task reads; None when it reads the whole report."""
    if not task.sections:
        return None
    parts = part_synonyms(rubric)
    known = [parts[sid] for sid in task.sections if sid in parts]
    if not known:  # ids this build does not know: read everything rather than nothing
        return None
    found = {}
    for _, words, exclude in known:
        for sec in sections_matching(doc, words, exclude):
            found[(sec.start, sec.end)] = sec
    # Outermost only, so nested matches are not read twice.
    spans = sorted(found)
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


# --- inputs shared by the calls of one document --------------------------------------

def _own_text(doc: Document, sec) -> str:
    end = sec.children[0].start if sec.children else sec.end
    return doc.text[sec.heading_end:end]


def duties_summary(doc: Document) -> str:
    for word in _DUTY_WORDS:
        for sec in sections_matching(doc, [word]):
            text = compact(doc.text[sec.heading_end:sec.end])
            if len(text) >= 20:
                return _clip(text, DUTIES_CHARS)
    narrative = " ".join(compact(b.text) for b in doc.paragraphs[:40])
    return _clip(narrative, DUTIES_CHARS) or "（报告未写明）"


_FACT_PATTERNS = (
    re.compile(r"[^。；\n]{0,30}(?:得分|总分|自评分|评分)[^。；\n]{0,8}?\d+(?:\.\d+)?\s*分[^。；\n]{0,12}"),
    re.compile(r"[^。；\n]{0,40}(?:执行率|支出率|完成率)[^。；\n]{0,12}?\d+(?:\.\d+)?\s*[%％][^。；\n]{0,10}"),
    re.compile(r"[^。；\n，]{0,20}(?:评价等级|等级为|评定为|评价为)[^。；\n]{0,12}"),
)


def prepass_facts(doc: Document, findings: list[Finding]) -> str:
    """What the figures say: the deterministic findings, then score/rate/grade statements."""
    lines = []
    for f in sorted(findings, key=lambda f: {"error": 0, "warning": 1, "info": 2}[f.severity])[:12]:
        if f.source not in ("prepass", "rules"):
            continue
        line = f"- {CATEGORY_LABELS.get(f.category, f.category)}：{f.title}"
        if f.stated or f.expected:
            line += f"（文中{f.stated or '—'}，重算{f.expected or '—'}）"
        if f.quote:
            line += f"；原文“{_clip(compact(f.quote), 40)}”"
        lines.append(line)
    seen = set()
    text = compact(doc.text)  # statements broken across lines by the export read as one
    for pattern in _FACT_PATTERNS:
        for m in list(pattern.finditer(text))[:6]:
            s = compact(m.group())
            if s and s not in seen:
                seen.add(s)
                lines.append(f"- 文中：{s}")
    return _clip("\n".join(lines), FACTS_CHARS) or "（无）"


def rubric_items(task: LLMTask, rubric: Rubric, template: PromptTemplate) -> str:
    parts = part_synonyms(rubric)
    if template.reads == "outline":
        required = [r for r in rubric.sections if r.required] or None
        if required:
            items = [f"{r.name}（{'/'.join(r.synonyms[:3])}）" if r.synonyms else r.name for r in required]
        else:
            items = [name for name, *_ in parts.values()]
        return _clip("必备部分：" + "；".join(items), RUBRIC_ITEMS_CHARS)
    names = [parts[s][0] for s in task.sections if s in parts]
    head = f"审查要点：{task.description}" if task.description else ""
    tail = f"；所审部分：{'、'.join(names)}" if names else ""
    return _clip(head + tail, RUBRIC_ITEMS_CHARS)


def outline_pieces(doc: Document) -> list[Piece]:
    out = []
    if not doc.sections:
        return out
    for sec in doc.sections.all():
        if sec.level > OUTLINE_DEPTH:
            continue
        body = compact(_own_text(doc, sec))
        indent = "  " * (sec.level - 1)
        if sec.children and not body:
            line = f"{indent}{sec.title}"
        elif len(body) <= OUTLINE_PREVIEW:
            line = f"{indent}{sec.title}｜正文{len(body)}字：{body or '（空）'}"
        else:
            line = f"{indent}{sec.title}｜正文{len(body)}字：{body[:OUTLINE_PREVIEW]}（后略）"
        out.append(Piece(sec.start, sec.end, line, sec.title))
    return out


def indicator_pieces(doc: Document, spans: list[tuple[int, int]] | None) -> list[Piece]:
    def names_indicators(b: Block) -> bool:
        return b.is_table and any(w in b.text for w in _INDICATOR_WORDS) or \
            (not b.is_table and any(w in b.text for w in _INDICATOR_WORDS[:1]))
    everywhere = [(0, len(doc.text))]
    pieces = _pieces_in(doc, everywhere, keep=names_indicators)
    if not any(doc.block_at(p.start) and doc.block_at(p.start).is_table for p in pieces) and spans:
        # No indicator table: the goal and achievement parts are where indicators are named.
        pieces = _pieces_in(doc, spans)
    return pieces


def task_pieces(doc: Document, task: LLMTask, template: PromptTemplate, rubric: Rubric) -> list[Piece]:
    spans = task_spans(doc, task, rubric)
    if template.reads == "outline":
        return outline_pieces(doc)
    if template.reads == "indicators":
        return indicator_pieces(doc, spans)
    if template.reads == "narrative":
        return _pieces_in(doc, spans or [(0, len(doc.text))], tables=False)
    if spans is None:
        return _pieces_in(doc, [(0, len(doc.text))])
    return _pieces_in(doc, spans)


# --- sizing -------------------------------------------------------------------------

def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(text: str, limit: int) -> str:
    """A verbatim prefix of at most `limit` chars, ending at a sentence end when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    return head[: ends[-1]] if ends and ends[-1] >= limit * 0.5 else head


def shrink(pieces: list[Piece], limit: int) -> list[Piece]:
    """Pieces cut to about `limit` chars in all, each keeping its beginning."""
    total = sum(len(p.text) for p in pieces)
    if total <= limit:
        return pieces
    ratio = limit / total
    out = [Piece(p.start, p.end, _cut(p.text, max(40, int(len(p.text) * ratio))), p.section) for p in pieces]
    while out and sum(len(p.text) for p in out) > limit:
        out.pop()
    return out


def split_long(pieces: list[Piece], limit: int) -> list[Piece]:
    out = []
    for p in pieces:
        text, start = p.text, p.start
        while len(text) > limit:
            head = _cut(text, limit)
            out.append(Piece(start, p.end, head, p.section))
            text = text[len(head):]
        if text.strip():
            out.append(Piece(start, p.end, text, p.section))
    return out


def batch(pieces: list[Piece], limit: int) -> list[list[Piece]]:
    """Consecutive pieces packed into calls of at most `limit` chars."""
    groups: list[list[Piece]] = []
    size = 0
    for p in split_long(pieces, limit):
        if groups and size + len(p.text) + 1 <= limit:
            groups[-1].append(p)
            size += len(p.text) + 1
        else:
            groups.append([p])
            size = len(p.text)
    return groups


def water_fill(sizes: dict[str, int], total: int, floor: int = 200) -> dict[str, int]:
    """Per-task limits summing to about `total`: small tasks keep all their text, the
    largest are cut to a common level (never below `floor`)."""
    if sum(sizes.values()) <= total:
        return dict(sizes)
    lo, hi = 0, max(sizes.values())
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(min(v, mid) for v in sizes.values()) <= total:
            lo = mid
        else:
            hi = mid - 1
    return {k: max(min(floor, v), min(v, lo)) for k, v in sizes.items()}


# --- the plan -----------------------------------------------------------------------

def _section_titles(pieces: list[Piece]) -> str:
    titles = []
    for p in pieces:
        if p.section and p.section not in titles:
            titles.append(p.section)
    return _clip("、".join(titles) or "（报告开头）", 80)


def plan_calls(doc: Document, info: DocumentInfo, rubric: Rubric, findings: list[Finding],
               budget_factor: float = BUDGET_FACTOR, chunk_chars: int = CHUNK_CHARS) -> Plan:
    tasks = list(rubric.llm_tasks) or list(DEFAULT_TASKS)
    system_t = load_prompt("system")
    system = system_t.render({"answer_format": answer_format_for_prompt()})
    doc_tokens = estimate_tokens(doc.text)
    budget = int(doc_tokens * budget_factor * BUDGET_SAFETY)
    shared = {
        "unit": info.unit or "（未识别）",
        "year": str(info.year) if info.year else "（未识别）",
        "kind": KIND_LABELS.get(info.kind, info.kind),
        "duties": duties_summary(doc),
        "prepass_facts": prepass_facts(doc, findings),
    }
    per_call_overhead = estimate_tokens(system) + SCHEMA_TOKENS

    prepared = []  # (task, template, pieces, static inputs)
    for task in tasks:
        template = load_prompt(task.prompt)
        pieces = task_pieces(doc, task, template, rubric)
        if not pieces:
            continue
        values = dict(shared, rubric_items=rubric_items(task, rubric, template),
                      task_description=task.description or task.id)
        prepared.append((task, template, pieces, values))

    def build(limits: dict[str, int]) -> list[PlannedCall]:
        calls = []
        for task, template, pieces, values in prepared:
            if task.id not in limits:
                continue
            chosen = pieces if task.id in whole else shrink(pieces, limits[task.id])
            # An outline is short per line and best read in one piece.
            limit = chunk_chars * 3 // 2 if task.id in whole else chunk_chars
            for group in batch(chosen, limit):
                text = "\n".join(p.text for p in group)
                key = "outline" if template.reads == "outline" else "section_text"
                user = template.render(dict(values, section_title=_section_titles(group), **{key: text}))
                calls.append(PlannedCall(task, template, group, user,
                                         estimate_tokens(user) + per_call_overhead))
        return calls

    sizes = {task.id: sum(len(p.text) for p in pieces) for task, _, pieces, _ in prepared}
    # An outline is already a summary: cutting lines would hide the parts it exists to show.
    whole = {task.id for task, template, _, _ in prepared if template.reads == "outline"}
    limits = dict(sizes)
    dropped: list[str] = []
    calls = build(limits)
    for _ in range(8):
        total = sum(c.tokens for c in calls)
        if total <= budget or not limits:
            break
        text_tokens = sum(estimate_tokens(p.text) for c in calls for p in c.pieces)
        text_chars = sum(len(p.text) for c in calls for p in c.pieces)
        available = budget - (total - text_tokens)
        if available < 200 * len(limits):
            # The fixed part of the prompts alone is too much: drop the last task.
            victim = [t.id for t, *_ in prepared if t.id in limits][-1]
            dropped.append(victim)
            del limits[victim]
        else:
            # Limits are in characters; digits and Latin text cost less than a token each.
            chars_per_token = text_chars / max(1, text_tokens)
            room = int(available * chars_per_token * 0.97) - sum(sizes[k] for k in limits if k in whole)
            cut = water_fill({k: min(v, sizes[k]) for k, v in limits.items() if k not in whole}, max(0, room))
            limits = {k: cut.get(k, v) for k, v in limits.items()}
        calls = build(limits)
    return Plan(calls, system, system_t.version, doc_tokens, budget, dropped)
