"""What the model reads: the whole report, in as few calls as it fits.

- A report whose text fits `whole_chars` (default 12,000 characters) is read whole,
  with one combined checklist of every rubric task: one call, or two (figures and
  claims / text quality) when it is more than half the budget, so no single answer
  has to carry everything.
- A longer report is split by its parts (top-level sections, packed in order). Every
  call carries the same facts header: kind, unit, year, key figures, the outline, and
  the deterministic findings as "已发现的问题（不要重复）". A separate cross-part call
  compares the goal/indicator tables with what the parts say, the score and grade with
  the stated problems, and the execution rate with the grades.
- Text is never cut mid-sentence: a paragraph too long for one call is split at a
  sentence end, and both halves carry a visible marker.
- A task the user gave its own model (`task_models`) gets calls of its own.
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

WHOLE_CHARS = 12000
PART_CHARS = 6000  # text per call when a report is read by parts
CROSS_CHARS = 6000  # text of the cross-part call
FIGURES_CHARS = 600
KNOWN_CHARS = 1800
OUTLINE_CHARS = 1200
DUTIES_CHARS = 160
OUTLINE_PREVIEW = 24
OUTLINE_DEPTH = 3
BUDGET_FACTOR = 3.0  # all prompts of a document stay within this many times its tokens
MAX_FINDINGS = {"single": 15, "whole": 10, "part": 10, "cross": 8}
CUT_MARK = "〔本段未完，续见下文〕"
CONTINUED_MARK = "〔接上文〕"
SCHEMA_TOKENS = estimate_tokens(str(answer_json_schema()))
# Checklist groups of a whole-report read in two calls: figures and claims first.
FIGURE_TASKS = ("unsupported_claims", "indicator_classification")
CROSS_TASK = "cross_part"

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
_INDICATOR_WORDS = ("指标", "目标值", "完成值", "指标值", "实际值", "分值", "得分", "权重")
_DUTY_WORDS = ("职能", "职责", "主要任务", "概况", "基本情况")
_CROSS_PARTS = ("goals", "achievement", "conclusion", "problems", "budget_execution")


@dataclass
class Piece:
    """A stretch of document text a call reads, rendered compactly for the prompt."""

    start: int
    end: int
    text: str
    section: str


@dataclass
class PlannedCall:
    id: str
    tasks: list[LLMTask]
    template: PromptTemplate
    pieces: list[Piece]
    user: str
    tokens: int = 0
    model: str | None = None
    max_findings: int = 10

    @property
    def task(self) -> LLMTask:
        return self.tasks[0]

    @property
    def near(self) -> int:
        return self.pieces[0].start if self.pieces else 0

    @property
    def task_ids(self) -> list[str]:
        return [t.id for t in self.tasks]


@dataclass
class Plan:
    calls: list[PlannedCall]
    system: str
    system_version: str
    doc_tokens: int
    budget: int
    mode: str = "whole"  # whole | parts
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
        return "\n".join(" | ".join(compact(c.text) for c in row) for row in block.rows)
    return compact(block.text)


def _section_of(doc: Document, offset: int) -> str:
    return doc.section_title_at(offset) or ""


def _pieces_in(doc: Document, spans: list[tuple[int, int]], keep=lambda b: True) -> list[Piece]:
    out = []
    for block in doc.blocks:
        if not any(s <= block.start < e for s, e in spans) or not keep(block):
            continue
        text = render_block(block)
        if text:
            out.append(Piece(block.start, block.end, text, _section_of(doc, block.start)))
    return out


def whole_pieces(doc: Document) -> list[Piece]:
    return _pieces_in(doc, [(0, len(doc.text) + 1)])


# --- report parts -------------------------------------------------------------------

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


def part_spans(doc: Document, part_ids, rubric: Rubric) -> list[tuple[int, int]]:
    parts = part_synonyms(rubric)
    found = set()
    for pid in part_ids:
        if pid in parts:
            _, words, exclude = parts[pid]
            found |= {(s.start, s.end) for s in sections_matching(doc, words, exclude)}
    spans = sorted(found)
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


# --- the facts header shared by every call --------------------------------------------

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
    re.compile(r"[^。；\n]{0,30}(?:预算|收入|支出|决算)[^。；\n]{0,16}?(?:合计|总计|共计|安排|数为|为)[^。；\n]{0,6}?"
               r"\d[\d,]*(?:\.\d+)?\s*万?元"),
)


def key_figures(doc: Document, limit: int = 10) -> list[str]:
    seen, lines = set(), []
    text = compact(doc.text)  # statements broken across lines by the export read as one
    for pattern in _FACT_PATTERNS:
        for m in list(pattern.finditer(text))[:4]:
            s = compact(m.group()).strip("，,、 ")
            if s and s not in seen and len(lines) < limit:
                seen.add(s)
                lines.append(s)
    return lines


def known_findings(findings: list[Finding], limit: int = 25) -> list[str]:
    lines = []
    for f in sorted(findings, key=lambda f: {"error": 0, "warning": 1, "info": 2}[f.severity]):
        if f.source not in ("prepass", "rules"):
            continue
        line = f"- [{CATEGORY_LABELS.get(f.category, f.category)}] {f.title}"
        if f.stated or f.expected:
            line += f"（文中{f.stated or '—'}，重算{f.expected or '—'}）"
        if f.quote:
            line += f"：“{_clip(compact(f.quote), 30)}”"
        lines.append(line)
        if len(lines) >= limit:
            break
    return lines


def _lines_within(lines: list[str], limit: int) -> list[str]:
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > limit:
            out.append(f"- ……另有{len(lines) - len(out)}条")
            break
        out.append(line)
        size += len(line) + 1
    return out


def facts_header(doc: Document, info: DocumentInfo, findings: list[Finding], outline: str = "") -> str:
    """Kind, unit, year, key figures, the outline (reads by parts) and the deterministic
    findings: each block bounded on its own, so none crowds out the others."""
    figures = _lines_within([f"- {s}" for s in key_figures(doc)], FIGURES_CHARS)
    known = _lines_within(known_findings(findings, limit=40), KNOWN_CHARS)
    parts = [f"报告类型：{KIND_LABELS.get(info.kind, info.kind)}；单位：{info.unit or '（未识别）'}；"
             f"年度：{info.year or '（未识别）'}；全文{len(doc.text)}字"]
    if figures:
        parts.append("关键数字（摘自报告）：\n" + "\n".join(figures))
    if outline:
        parts.append("报告提纲（标题｜正文字数）：\n" + outline)
    parts.append("已发现的问题（不要重复）：\n" + ("\n".join(known) if known else "（无）"))
    return "\n".join(parts)


def outline_text(doc: Document) -> str:
    lines = []
    if not doc.sections:
        return ""
    for sec in doc.sections.all():
        if sec.level > OUTLINE_DEPTH:
            continue
        body = compact(_own_text(doc, sec))
        indent = "  " * (sec.level - 1)
        lines.append(f"{indent}{compact(sec.title)}｜{len(body)}字")
    return _clip("\n".join(lines), OUTLINE_CHARS)


# --- checklists -------------------------------------------------------------------------

def checklist_lines(template: PromptTemplate, task: LLMTask) -> list[str]:
    """The bullet points after “请找出：” in a task's prompt (and its category line);
    the task's description when the prompt has none."""
    lines, taking = [], False
    for line in template.body.splitlines():
        s = line.strip()
        if "请找出" in s or "请核对" in s:
            taking = True
            continue
        if taking and s.startswith("-"):
            lines.append(s.lstrip("- ").strip())
            continue
        if taking and s:
            taking = False
        if s.startswith("category") or s.startswith("quote 引用"):
            lines.append(s)
    if not any(not l.startswith(("category", "quote")) for l in lines) and task.description:
        lines.insert(0, task.description)
    return lines


def render_checklist(tasks: list[tuple[LLMTask, PromptTemplate]]) -> str:
    out = []
    for i, (task, template) in enumerate(tasks, 1):
        head = f"{i}. [{task.id}] {task.description or task.id}"
        out.append(head)
        out.extend(f"   - {line}" for line in checklist_lines(template, task))
    return "\n".join(out)


# --- sizing and splitting ------------------------------------------------------------------

def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_at_sentence(text: str, limit: int) -> int:
    """Where to cut `text` so the head is at most `limit` chars and ends a sentence
    (at a line end, or hard at `limit` only when no sentence ends in the second half)."""
    if len(text) <= limit:
        return len(text)
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)] + [m.end() for m in re.finditer(r"\n", head)]
    ends = [e for e in ends if e >= limit * 0.3]
    return max(ends) if ends else limit


def split_piece(p: Piece, limit: int) -> list[Piece]:
    """A piece longer than `limit`, in sentence-ended parts that say they continue."""
    if len(p.text) <= limit:
        return [p]
    out, text = [], p.text
    room = limit - len(CUT_MARK) - len(CONTINUED_MARK)
    while len(text) > limit - len(CONTINUED_MARK):
        at = cut_at_sentence(text, room)
        head, text = text[:at], text[at:]
        prefix = CONTINUED_MARK if out else ""
        out.append(Piece(p.start, p.end, prefix + head + CUT_MARK, p.section))
    out.append(Piece(p.start, p.end, CONTINUED_MARK + text, p.section))
    return out


def pack(pieces: list[Piece], limit: int) -> list[list[Piece]]:
    """Consecutive pieces packed into groups of at most `limit` chars; a new top-level
    part starts a new group when the current one is at least half full."""
    groups: list[list[Piece]] = []
    size = 0
    for p in (q for piece in pieces for q in split_piece(piece, limit)):
        if groups and size + len(p.text) + 1 <= limit:
            groups[-1].append(p)
            size += len(p.text) + 1
        else:
            groups.append([p])
            size = len(p.text)
    return groups


def parts_of(doc: Document, pieces: list[Piece], limit: int) -> list[list[Piece]]:
    """Pieces grouped by top-level section, then packed (a part never shares a call with
    half of another when it can have one of its own)."""
    if not doc.sections:
        return pack(pieces, limit)
    tops = [s for s in doc.sections.root.children]
    groups: list[list[Piece]] = []
    current: list[Piece] = []
    size = 0

    def top_of(offset):
        return next((i for i, s in enumerate(tops) if s.start <= offset < s.end), -1)

    by_top: list[list[Piece]] = []
    last = None
    for p in pieces:
        t = top_of(p.start)
        if t != last or not by_top:
            by_top.append([])
            last = t
        by_top[-1].append(p)
    for part in by_top:
        part_size = sum(len(p.text) + 1 for p in part)
        if part_size > limit:
            if current:
                groups.append(current)
                current, size = [], 0
            groups.extend(pack(part, limit))
            continue
        if current and size + part_size > limit:
            groups.append(current)
            current, size = [], 0
        current.extend(part)
        size += part_size
    if current:
        groups.append(current)
    return groups


def _section_titles(pieces: list[Piece]) -> str:
    titles = []
    for p in pieces:
        if p.section and p.section not in titles:
            titles.append(p.section)
    return _clip("、".join(titles) or "（报告开头）", 120)


# --- the cross-part call ----------------------------------------------------------------------

def cross_pieces(doc: Document, rubric: Rubric) -> list[Piece]:
    """Indicator and goal tables, the parts that state goals, results, scores and
    problems, and every sentence with a score, grade or rate."""
    def is_indicator_table(b: Block) -> bool:
        return b.is_table and any(w in b.text for w in _INDICATOR_WORDS)

    spans = part_spans(doc, [p for p in _CROSS_PARTS], rubric)
    chosen = {p.start: p for p in _pieces_in(doc, [(0, len(doc.text) + 1)], keep=is_indicator_table)}
    for p in _pieces_in(doc, spans):
        chosen.setdefault(p.start, p)
    pieces = [chosen[k] for k in sorted(chosen)]
    total = sum(len(p.text) for p in pieces)
    if total <= CROSS_CHARS:
        return pieces
    # Too long: tables and the sentences with figures first, each cut at a sentence end.
    out, size = [], 0
    for p in sorted(pieces, key=lambda p: (not doc.block_at(p.start) or not doc.block_at(p.start).is_table,
                                           p.start)):
        room = CROSS_CHARS - size
        if room < 200:
            break
        if len(p.text) > room:
            at = cut_at_sentence(p.text, room - len(CUT_MARK))
            p = Piece(p.start, p.end, p.text[:at] + CUT_MARK, p.section)
        out.append(p)
        size += len(p.text) + 1
    return sorted(out, key=lambda p: p.start)


# --- the plan -----------------------------------------------------------------------

def _task_model(task: LLMTask, task_models: dict) -> str | None:
    return task_models.get(task.id) or getattr(task, "model", None)


def plan_calls(doc: Document, info: DocumentInfo, rubric: Rubric, findings: list[Finding],
               whole_chars: int = WHOLE_CHARS, task_models: dict | None = None,
               budget_factor: float = BUDGET_FACTOR) -> Plan:
    task_models = task_models or {}
    tasks = list(rubric.llm_tasks) or list(DEFAULT_TASKS)
    system_t = load_prompt("system")
    system = system_t.render({"answer_format": answer_format_for_prompt()})
    review_t = load_prompt("review")
    cross_t = load_prompt("cross_part")
    doc_tokens = estimate_tokens(doc.text)
    budget = int(doc_tokens * budget_factor)
    per_call_overhead = estimate_tokens(system) + SCHEMA_TOKENS
    duties = duties_summary(doc)
    base = {"unit": info.unit or "（未识别）", "year": str(info.year) if info.year else "（未识别）",
            "kind": KIND_LABELS.get(info.kind, info.kind), "duties": duties,
            "answer_format": answer_format_for_prompt()}

    pieces = whole_pieces(doc)
    size = sum(len(p.text) + 1 for p in pieces)
    whole = size <= whole_chars
    with_templates = [(t, load_prompt(t.prompt)) for t in tasks]
    shared = [(t, tp) for t, tp in with_templates if not _task_model(t, task_models)]
    own = [(t, tp) for t, tp in with_templates if _task_model(t, task_models)]
    calls: list[PlannedCall] = []

    def add(call_id, group_tasks, template, group, scope, facts, part_note, max_findings, model=None):
        checklist = render_checklist(group_tasks)
        text = "\n".join(p.text for p in group)
        user = template.render(dict(base, facts=facts, checklist=checklist, scope=scope, part_note=part_note,
                                    section_title=_section_titles(group), section_text=text,
                                    max_findings=str(max_findings)))
        calls.append(PlannedCall(call_id, [t for t, _ in group_tasks], template, group, user,
                                 estimate_tokens(user) + per_call_overhead, model, max_findings))

    def read(prefix: str, group_tasks, model=None):
        if not group_tasks:
            return
        if whole:
            facts = facts_header(doc, info, findings)
            cross = (_cross_task(), cross_t)
            groups = [group_tasks + [cross]] if model is None else [group_tasks]
            if model is None and size > whole_chars // 2:
                figures = [g for g in group_tasks if g[0].id in FIGURE_TASKS] + [cross]
                text_tasks = [g for g in group_tasks if g[0].id not in FIGURE_TASKS]
                groups = [g for g in (figures, text_tasks) if g]
            limit = MAX_FINDINGS["single" if len(groups) == 1 else "whole"]
            for i, g in enumerate(groups, 1):
                add(f"{prefix}whole-{i}", g, review_t, pieces, "全文", facts, "", limit, model)
            return
        outline = outline_text(doc)
        facts = facts_header(doc, info, findings, outline)
        parts = parts_of(doc, pieces, min(PART_CHARS, max(1000, whole_chars // 2)))
        for i, group in enumerate(parts, 1):
            note = (f"本次只给出报告的第{i}部分（共{len(parts)}部分），其余部分另行审查；"
                    "只报告本部分文字中的问题，缺少的部分对照上面的提纲判断。")
            add(f"{prefix}part-{i}", group_tasks, review_t, group, f"报告的第{i}部分", facts, note,
                MAX_FINDINGS["part"], model)
        if model is None:
            add(f"{prefix}cross", [(_cross_task(), cross_t)], cross_t, cross_pieces(doc, rubric), "跨部分",
                facts, "", MAX_FINDINGS["cross"], model)

    read("", shared)
    for task, template in own:
        read(f"{task.id}:", [(task, template)], _task_model(task, task_models))
    return Plan(calls, system, system_t.version, doc_tokens, budget, "whole" if whole else "parts")


def _cross_task() -> LLMTask:
    return LLMTask(id=CROSS_TASK, prompt="cross_part",
                   description="跨部分核对：目标表与分项完成情况、得分与所列问题、执行率与评分等级是否互相印证")
