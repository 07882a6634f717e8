"""What kind of document this is, decided from its structure and content.

`classify(doc)` weighs evidence for each kind (title words, section outline, form field
labels, the standard tables of a 决算 disclosure, placeholders and fill-in instructions)
and returns the kind with the evidence, so a reader can see why. No single phrase decides:
a project report often says 部门, a department report may list projects. The word lists,
weights and thresholds are data (rubrics/kinds.yaml).

The cover (`read_cover`) is shared with the metadata readers in sections.py: the title
lines after web and document-site chrome, which name the unit and the year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .textmatch import fold

KINDS = ("department_overall", "project", "final_accounts")
ROOT_KINDS = KINDS + ("template", "unknown")


@dataclass
class Signal:
    kind: str
    where: str
    pattern: re.Pattern | None
    weight: float
    cap: int
    distinct: bool
    evidence: str


@dataclass
class KindConfig:
    head_chars: int
    title_lines: int
    title_max_chars: int
    min_score: float
    margin: float
    chrome: list[re.Pattern]
    title_words: re.Pattern
    unit_fields: list[str]
    signals: list[Signal]
    self_evaluation: re.Pattern
    self_evaluation_cap: int
    final_accounts_penalty: float
    placeholders: re.Pattern
    instructions: re.Pattern
    title_placeholder_weight: float
    density_cap: float
    instruction_weight: float
    instruction_cap: int
    template_threshold: float
    min_placeholders: int
    # XX names and 20XX years in a text full of real amounts are a site that hid them (or
    # residue the rules report), not a template nobody filled in: they then do not count.
    filled_amounts: int = 0
    amounts: re.Pattern | None = None
    # One point short of min_score is enough when no other kind has any evidence near it.
    clear_lead: float = 0


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> KindConfig:
    from pathlib import Path

    from .rubric import rubrics_dir
    from .yamlio import load_yaml_file

    file = Path(path) if path else rubrics_dir() / "kinds.yaml"
    raw = load_yaml_file(file)
    tpl, se = raw["template"], raw["self_evaluation"]
    signals = [
        Signal(kind=s["kind"], where=s["where"],
               pattern=re.compile(s["pattern"]) if s.get("pattern") else None,
               weight=float(s.get("weight", 1)), cap=int(s.get("cap", 1)),
               distinct=bool(s.get("distinct", False)), evidence=s.get("evidence", ""))
        for s in raw["signals"]
    ]
    return KindConfig(
        head_chars=int(raw["head_chars"]), title_lines=int(raw["title_lines"]),
        title_max_chars=int(raw["title_max_chars"]), min_score=float(raw["min_score"]),
        margin=float(raw["margin"]), clear_lead=float(raw.get("clear_lead", 0)),
        chrome=[re.compile(p) for p in raw["chrome"]],
        title_words=re.compile(raw["title_words"]), unit_fields=list(raw["unit_fields"]),
        signals=signals, self_evaluation=re.compile(se["pattern"]),
        self_evaluation_cap=int(se["cap"]), final_accounts_penalty=float(se["final_accounts_penalty"]),
        placeholders=re.compile(tpl["placeholders"]), instructions=re.compile(tpl["instructions"]),
        title_placeholder_weight=float(tpl["title_placeholder_weight"]),
        density_cap=float(tpl["density_cap"]), instruction_weight=float(tpl["instruction_weight"]),
        instruction_cap=int(tpl["instruction_cap"]), template_threshold=float(tpl["threshold"]),
        min_placeholders=int(tpl["min_placeholders"]),
        filled_amounts=int(tpl.get("filled_amounts", 0)),
        amounts=re.compile(tpl["amounts"]) if tpl.get("amounts") else None,
    )


# --- the cover -------------------------------------------------------------------

# Where a long flattened line's title ends (the report's own name, then its body).
_TITLE_END = re.compile(r"(自评报告|评价报告|监控报告|总结报告|报告|自评表|评价表|决算|预算|总结)(?:\([^()]{1,30}\))?")
# A title ends in the document's name (报告, 自评表, 部门决算 …), maybe followed by a
# bracketed note or a file extension; a navigation line (预决算与三公经费) does not.
_TITLE_TAIL = re.compile(r"(报告|表|决算|预算|总结|说明)(\([^()]{1,40}\))?(\.(pdf|docx?|xlsx?|wps))?$")
_ATTACHMENT = re.compile(r"^(附件?\d*[:：]?|\d{1,3}|[-–—•·]+)$")
_SENTENCE = re.compile(r"[。；;]")
_SEPARATORS = re.compile(r"[|\t]+")


@dataclass
class Cover:
    """The report's title as printed (lines joined) and the lines around it."""

    title: str  # folded, the title lines joined
    lines: list[str]  # folded non-chrome lines near the top, in order
    title_index: int | None  # index in `lines` of the first title line
    publisher_lines: list[str] = field(default_factory=list)  # folded chrome lines


def is_chrome(line: str, config: KindConfig | None = None) -> bool:
    config = config or load_config()
    return any(p.search(line) for p in config.chrome)


def read_cover(doc) -> Cover:
    cached = getattr(doc, "_cover_cache", None)
    if cached is not None:
        return cached
    cover = _read_cover(doc.text, load_config())
    try:
        doc._cover_cache = cover
    except AttributeError:
        pass
    return cover


def _read_cover(text: str, config: KindConfig) -> Cover:
    lines: list[str] = []
    chrome: list[str] = []
    for raw in text.splitlines():
        line = fold(_SEPARATORS.sub(" ", raw)).strip("-•·")
        if not line or _ATTACHMENT.match(line):
            continue
        if is_chrome(line, config):
            chrome.append(line)
            continue
        lines.append(line)
        if len(lines) >= config.title_lines:
            break
    title_index, first = None, ""
    for i, line in enumerate(lines):
        if not config.title_words.search(line) or re.match(r"^目录", line):
            continue
        if (len(line) <= config.title_max_chars and not _SENTENCE.search(line[:-1])
                and _TITLE_TAIL.search(line)):
            title_index, first = i, line
            break
        m = _long_line_title(line, config)
        if m:
            title_index, first = i, m
            break
    if title_index is None:
        return Cover("", lines, None, chrome)
    parts = [first]
    # Title lines split over several lines: short lines just before (the unit) and just
    # after (the year, the rest of the name) belong to it.
    # A title line that names neither unit nor year is the second half of a split title.
    bare = not _names_unit_or_year(first, anywhere=True)
    for j in range(title_index - 1, max(-1, title_index - 3), -1):
        if _continues_title(lines[j]) and (bare or _names_unit_or_year(lines[j])):
            parts.insert(0, lines[j])
        else:
            break
    for j in range(title_index + 1, min(len(lines), title_index + 3)):
        line = lines[j]
        if _continues_title(line) and (line[:1] in "(（" or config.title_words.search(line)
                                       or re.search(r"20\d{2}", line)):
            parts.append(line)
        else:
            break
    return Cover("".join(parts), lines, title_index, chrome)


def _long_line_title(line: str, config: KindConfig) -> str | None:
    """The title at the start of a flattened line that runs on into the body."""
    if len(line) <= 40:
        return None
    for m in _TITLE_END.finditer(line[: config.title_max_chars]):
        if m.end() < 8 or _SENTENCE.search(line[: m.start()]) or re.search(r"[,，:]", line[: m.start()]):
            continue
        return line[: m.end()]
    return None


def title_candidates(doc, limit: int = 3) -> list[str]:
    """The cover title first, then other title-like lines of the cover (a site's file
    name line, the title repeated in full at the head of the text)."""
    cover = read_cover(doc)
    config = load_config()
    out = [cover.title] if cover.title else []
    for line in cover.lines[:20]:
        cand = line if (len(line) <= config.title_max_chars and _TITLE_TAIL.search(line)
                        and config.title_words.search(line)) else _long_line_title(line, config)
        if cand and cand not in out:
            out.append(cand)
        if len(out) >= limit:
            break
    return out


def _names_unit_or_year(line: str, anywhere: bool = False) -> bool:
    from .sections import UNIT_RE

    if anywhere:
        return bool(re.search(r"20\d{2}", line) or UNIT_RE.search(line))
    return bool(re.fullmatch(r"[(（]?20\d{2}年?度?[)）]?", line) or UNIT_RE.fullmatch(line))


def _continues_title(line: str) -> bool:
    from .sections import heading_rank

    return (len(line) <= 40 and not _SENTENCE.search(line) and heading_rank(line) is None
            and not re.match(r"^(目录|第[一二三四五六七八九十]+部分)", line) and "," not in line)


# --- classification ----------------------------------------------------------------


@dataclass
class KindResult:
    kind: str
    evidence: list[str]
    scores: dict[str, float]
    template_score: float = 0.0
    title: str = ""
    # What the document is by its structure, also when it is an unfilled template.
    base_kind: str = "unknown"


@lru_cache(maxsize=1)
def _subject_noise() -> re.Pattern:
    # Compiled on first use: only a title no signal matched is read for its subject.
    return re.compile(
        r"20\d{2}|[\dA-Za-z.]+|[()（）《》“”\"、,，:：]|年度|年|部门整体|单位整体|整体|部门|单位|支出|绩效|自评|评价|"
        r"报告|自评表|表|工作|情况|总结|关于|的|本级|我局|我单位|结果|目标|监控"
    )


def _title_subject(title: str, unit: str | None) -> str:
    """What the title is about once the unit, the year and the kind words are removed."""
    rest = title
    if unit:
        rest = rest.replace(unit, "")
    from .sections import UNIT_RE

    rest = UNIT_RE.sub("", rest)
    return _subject_noise().sub("", rest)


def _headings(doc, head: str) -> list[str]:
    from .sections import build_sections

    tree = doc.sections or build_sections(doc)
    out = [fold(s.title) for s in tree.all()]
    # Flattened text keeps its headings inside long lines: “…报告一、项目概况(一)…”.
    out += [m.group(1) for m in re.finditer(
        r"(?:^|[。:;\s)])(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\))([\u4e00-\u9fff()]{2,18})", head)]
    return out


def classify(doc) -> KindResult:
    cached = getattr(doc, "_kind_cache", None)
    if cached is not None:
        return cached
    result = _classify(doc, load_config())
    try:
        doc._kind_cache = result
    except AttributeError:
        pass
    return result


def _hits(pattern: re.Pattern, texts: list[str], distinct: bool) -> list[str]:
    found = []
    for t in texts:
        found += [m.group() for m in pattern.finditer(t) if m.group()]
    if distinct:
        found = list(dict.fromkeys(found))
    return found


def _classify(doc, config: KindConfig) -> KindResult:
    cover = read_cover(doc)
    head = "\n".join(cover.lines) + "\n" + fold(doc.text[: config.head_chars])
    body = fold(doc.text)
    headings = _headings(doc, head)
    title = cover.title
    texts = {"title": [title], "head": [head], "body": [body], "headings": headings}

    scores = {k: 0.0 for k in KINDS}
    evidence: dict[str, list[str]] = {k: [] for k in KINDS}
    title_matched = False
    for sig in config.signals:
        if sig.where == "title_subject":
            continue
        found = _hits(sig.pattern, texts[sig.where], sig.distinct)
        if not found:
            continue
        n = min(len(found), sig.cap)
        scores[sig.kind] += sig.weight * n
        shown = "、".join(f"“{x}”" for x in list(dict.fromkeys(found))[:3])
        evidence[sig.kind].append(f"{sig.evidence}：{shown}")
        title_matched |= sig.where == "title"
    subject_sig = next((s for s in config.signals if s.where == "title_subject"), None)
    if subject_sig and title and not title_matched and re.search(r"绩效|自评|评价", title):
        from .sections import unit_from_title

        subject = _title_subject(title, unit_from_title(title))
        if len(subject) >= 4:
            scores[subject_sig.kind] += subject_sig.weight
            evidence[subject_sig.kind].append(f"{subject_sig.evidence}：“{subject}”")

    # A score form or self-evaluation words: not a 决算 disclosure.
    self_eval = _hits(config.self_evaluation, [head], distinct=True)[: config.self_evaluation_cap]
    if self_eval:
        scores["final_accounts"] -= config.final_accounts_penalty * len(self_eval)

    ranked = sorted(KINDS, key=lambda k: scores[k], reverse=True)
    best, second = ranked[0], ranked[1]
    lead = scores[best] - scores[second]
    if scores[best] >= config.min_score and lead >= config.margin \
            or config.clear_lead and scores[best] >= config.min_score - 1 and lead >= config.clear_lead:
        kind = best
        reasons = evidence[best]
    else:
        kind = "unknown"
        reasons = [f"各类型证据不足或相当（{_score_text(scores)}）"]

    base_kind = kind
    template_score, template_reasons = _template_score(doc, body, title, config)
    if template_score >= config.template_threshold:
        reasons = template_reasons + ([f"按结构看是{_KIND_WORDS[kind]}"] if kind != "unknown" else [])
        kind = "template"
    return KindResult(kind, reasons, scores, template_score, title, base_kind)


_KIND_WORDS = {"department_overall": "部门整体支出绩效自评", "project": "项目支出绩效自评",
               "final_accounts": "部门决算（预算）公开", "unknown": "未识别类型"}


def _score_text(scores: dict[str, float]) -> str:
    return "，".join(f"{_KIND_WORDS[k]} {scores[k]:g}" for k in KINDS)


def _template_score(doc, body: str, title: str, config: KindConfig) -> tuple[float, list[str]]:
    placeholders = [m.group() for m in config.placeholders.finditer(body)]
    if config.amounts is not None and config.filled_amounts \
            and len(config.amounts.findall(body)) >= config.filled_amounts:
        placeholders = []  # a filled-in text whose names or years a site hid: residue, not a template
    instructions = [m.group() for m in config.instructions.finditer(body)]
    reasons = []
    score = 0.0
    title_ph = config.placeholders.search(title) if title else None
    if title_ph:
        score += config.title_placeholder_weight
        reasons.append(f"标题含占位符：“{title}”")
    if len(placeholders) >= config.min_placeholders:
        density = len(placeholders) * 1000 / max(len(body), 1)
        score += min(density, config.density_cap)
        shown = "、".join(f"“{x}”" for x in list(dict.fromkeys(placeholders))[:3])
        reasons.append(f"占位符{len(placeholders)}处（每千字{density:.1f}处）：{shown}")
    if instructions:
        n = min(len(instructions), config.instruction_cap)
        score += config.instruction_weight * n
        shown = "、".join(f"“{x}”" for x in list(dict.fromkeys(instructions))[:3])
        reasons.append(f"填写说明或未选定的选项{len(instructions)}处：{shown}")
    return score, reasons
