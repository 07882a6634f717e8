"""Mutation benchmark: inject one known defect into a clean report and check the review finds it.

Each defect class is a function that looks for sites of the right shape in a clean text
(a stated total whose parts add up, a share that recomputes, a score row within its
weight, a required section heading …), never for a literal phrase, and returns edits:
the mutated text, the anchor the finding's quote must overlap (or, for an absent part,
words the finding must name) and the categories that count. The runner renders each
mutated text as TXT, DOCX (paragraphs and Word tables), DOCX with one paragraph per
printed line (~35 characters, as PDF-to-Word conversions give) and PDF (LibreOffice's
rendering of the DOCX), reviews every file without a language model, and prints recall
per defect class x format and the false findings the mutation added.

    python3 bench/mutate.py                          # every class, TXT only
    python3 bench/mutate.py --formats txt,docx,pdf --classes total,share,grade --limit 1
    python3 bench/mutate.py --json out.json          # per-mutation records for machines

A mutation counts as found when the mutated review has a finding, absent from the clean
review, whose category is accepted and whose quote overlaps the anchor (text compared
after NFKC folding with white space removed, as the benchmark's score.py does).
"Added" counts the other new findings away from the mutated site; "site" counts new
findings at the site with a category that does not count.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
sys.path.insert(0, str(ROOT))

FORMATS = ("txt", "docx", "docx_lines", "pdf")
LINE_WIDTH = 35  # characters per printed line in the docx_lines variant

# --------------------------------------------------------------------------- text helpers

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
AMOUNT_RE = re.compile(rf"(?<![\d.,])({_NUM})[ \t]*(亿元|万元|元)")
PERCENT_RE = re.compile(rf"(?<![\d.,])({_NUM})[ \t]*[%％]")
_SENTENCE_END = re.compile(r"[。；;！？]|\n[ \t]*\n")
_HEADING_RE = re.compile(
    r"^[ \t]*(?:([一二三四五六七八九十]{1,3})[、．.]|[（(]([一二三四五六七八九十]{1,3})[）)]|(\d{1,2})(?:[、．]|\.(?!\d))"
    r"|[（(](\d{1,2})[）)])", re.M)


def fold(text: str) -> str:
    """NFKC with all white space and table rules ("|") removed (the benchmark's comparison
    form: a pipe table written as text is a Word table once rendered, without its pipes)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).replace("|", "")


def to_number(s: str) -> float:
    return float(s.replace(",", ""))


def decimals_of(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def sentence_bounds(text: str, pos: int, limit: int = 300) -> tuple[int, int]:
    """The sentence around pos: between sentence ends (or blank lines), at most `limit` each side."""
    start = max(0, pos - limit)
    for m in _SENTENCE_END.finditer(text, start, pos):
        start = m.end()
    m = _SENTENCE_END.search(text, pos, min(len(text), pos + limit))
    return start, (m.start() if m else min(len(text), pos + limit))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def spans(hay: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], hay.find(needle) if needle else -1
    while i >= 0:
        out.append((i, i + len(needle)))
        i = hay.find(needle, i + 1)
    return out


def tables_of(text: str):
    """Table blocks of a text as the TXT reader sees them (cells carry offsets into text)."""
    from reviewer.ingest.txt import parse_txt

    doc = parse_txt(text, "<mutation>")
    return [b for b in doc.blocks if b.kind == "table"]


def real_cells(text: str, row):
    """The cells of a row that are really there (inferred, carried-down cells point elsewhere)."""
    return [c for c in row if c.end > c.start and text[c.start:c.end].strip() == c.text.strip()]


def number_cell(text: str) -> float | None:
    t = text.strip().replace(",", "")
    return float(t) if re.fullmatch(r"[-+]?\d+(?:\.\d+)?", t) else None


# --------------------------------------------------------------------------- edits

@dataclass
class Edit:
    """Replace text[start:end] with `replacement`. The anchor is the replacement widened by
    `before`/`after` characters of context; anchorless edits name `anyof` words instead."""
    start: int
    end: int
    replacement: str
    categories: tuple[str, ...]
    note: str
    anchored: bool = True
    anyof: tuple[str, ...] = ()
    # Other spans of the clean text a finding may rightly point at: `also` counts as found
    # (a table's total, when a part cell changed), `related` as a consequence (a share
    # computed on a changed total), neither found nor false.
    also: tuple[tuple[int, int], ...] = ()
    related: tuple[tuple[int, int], ...] = ()
    # A narrower anchor inside a large replacement: (offset, length) within it.
    anchor_at: tuple[int, int] | None = None


@dataclass
class Mutation:
    cls: str
    text: str
    anchor: str | None
    categories: list[str]
    note: str
    site: tuple[int, int]
    anyof: list[str] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


def unique_anchor(text: str, start: int, end: int, min_folded: int = 4) -> str:
    """text[start:end] widened left (then right) within its line until its folded form occurs
    once in the folded text, so a finding elsewhere cannot overlap it by chance."""
    folded = fold(text)
    s, e = start, end
    # Whole quantities: never start or end an anchor inside a number or its unit.
    while s > 0 and (text[s - 1].isdigit() or text[s - 1] in ".," or
                     text[s - 1] in " \t" and s > 1 and text[s - 2].isdigit()):
        s -= 1
    while e < len(text) and (text[e].isdigit() or text[e] in ".,%％万亿元"):
        e += 1
    for _ in range(80):
        piece = fold(text[s:e])
        if len(piece) >= min_folded and len(spans(folded, piece)) == 1:
            break
        if s > 0 and text[s - 1] != "\n":
            s -= 1
        elif e < len(text) and text[e] != "\n":
            e += 1
        elif s > 0:
            s -= 1
        elif e < len(text):
            e += 1
        else:
            break
    return text[s:e]


def apply_edit(cls: str, text: str, edit: Edit) -> Mutation:
    new = text[:edit.start] + edit.replacement + text[edit.end:]
    site = (edit.start, edit.start + len(edit.replacement))
    if edit.anchor_at:
        site = (edit.start + edit.anchor_at[0], edit.start + edit.anchor_at[0] + edit.anchor_at[1])
    anchor = unique_anchor(new, *site) if edit.anchored else None
    delta = len(edit.replacement) - (edit.end - edit.start)

    def moved(spans_: tuple[tuple[int, int], ...]) -> list[str]:
        out = []
        for s, e in spans_:
            if e <= edit.start:
                out.append(unique_anchor(new, s, e))
            elif s >= edit.end:
                out.append(unique_anchor(new, s + delta, e + delta))
            elif s <= edit.start and e >= edit.end:
                out.append(new[s:e + delta])
        return [a for a in out if fold(a)]

    return Mutation(cls, new, anchor, list(edit.categories), edit.note, site, list(edit.anyof),
                    moved(edit.also), moved(edit.related))


def paragraph_bounds(text: str, pos: int, limit: int = 600) -> tuple[int, int]:
    """The paragraph around pos (between blank lines or headings' line breaks), capped."""
    s = max(text.rfind("\n\n", max(0, pos - limit), pos), max(0, pos - limit))
    e = text.find("\n\n", pos, pos + limit)
    return s, (e if e >= 0 else min(len(text), pos + limit))


def _shift(value: float, decimals: int, rng: random.Random, low: float, high: float,
           floor: float = 0.0, ceiling: float | None = None) -> float | None:
    """value moved by a random relative step in [low, high], up or down, kept in range."""
    for sign in rng.sample([1, -1], 2):
        step = max(value * rng.uniform(low, high), 10 ** -decimals * 3)
        new = round(value + sign * step, decimals)
        if new > floor and (ceiling is None or new <= ceiling) and new != value:
            return new
    return None


def _shift_points(value: float, decimals: int, rng: random.Random, low: float, high: float,
                  ceiling: float = 100.0) -> float | None:
    """A percentage moved by low..high points, kept in (0, ceiling]."""
    for sign in rng.sample([1, -1], 2):
        new = round(value + sign * rng.uniform(low, high), max(decimals, 1 if value < 10 else decimals))
        if 0 < new <= ceiling and abs(new - value) >= low - 1e-9:
            return new
    return None


# --------------------------------------------------------------------------- defect classes

def sites_total(text: str, rng: random.Random) -> list[Edit]:
    """A stated total whose listed parts (same sentence, same unit) add up: change the total."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        s0, s1 = sentence_bounds(text, m.start())
        unit = m.group(2)
        total = to_number(m.group(1))
        after = text[m.end():s1]
        before = text[s0:m.start()]
        parts = None
        # "总额 T，其中 A、B …" (parts after) or "A、B …，合计 T" (parts before).
        if re.search(r"^[^。\d]{0,6}其中", after):
            parts = [to_number(p.group(1)) for p in AMOUNT_RE.finditer(after) if p.group(2) == unit]
        elif re.search(r"(合计|共计|总计|总额|总共|共)[为是：:]?\s*$", before):
            parts = [to_number(p.group(1)) for p in AMOUNT_RE.finditer(before) if p.group(2) == unit]
        if not parts or len(parts) < 2 or total <= 0:
            continue
        if abs(sum(parts) - total) > 0.011 + 0.0005 * total:
            continue
        d = decimals_of(m.group(1))
        new = _shift(total, d, rng, 0.04, 0.12)
        if new is None:
            continue
        out.append(Edit(m.start(1), m.end(1), fmt(new, d), ("arithmetic", "inconsistency"),
                        f"合计 {m.group(1)}{unit} → {fmt(new, d)}{unit}（分项之和 {sum(parts):.2f}）",
                        also=((s0, s1),), related=(paragraph_bounds(text, m.start()),)))
    return out


def _recomputes(p: float, decimals: int, numerators: list[float], denominators: list[float]) -> bool:
    tol = 0.5 * 10 ** -decimals + 0.011
    return any(abs(a / b * 100 - p) <= tol for a in numerators for b in denominators if b > a > 0)


def sites_share(text: str, rng: random.Random) -> list[Edit]:
    """"A万元，占…P%" where P recomputes from A and an amount stated nearby: change P."""
    out = []
    for m in re.finditer(rf"({_NUM})[ \t]*(亿元|万元|元)[^。；\n\d]{{0,4}}占[^。；\n\d%]{{0,14}}?({_NUM})[ \t]*[%％]", text):
        a = to_number(m.group(1))
        p_text = m.group(3)
        p = to_number(p_text)
        window = text[max(0, m.start() - 400):min(len(text), m.end() + 200)]
        totals = [to_number(t.group(1)) for t in AMOUNT_RE.finditer(window) if t.group(2) == m.group(2)]
        d = decimals_of(p_text)
        if not _recomputes(p, d, [a], totals):
            continue
        new = _shift_points(p, d, rng, 3.0, 9.0)
        if new is None:
            continue
        new_text = fmt(new, max(d, 0 if new >= 10 else 1))
        out.append(Edit(m.start(3), m.end(3), new_text, ("ratio", "inconsistency", "arithmetic"),
                        f"占比 {p_text}% → {new_text}%"))
    return out


def sites_rate(text: str, rng: random.Random) -> list[Edit]:
    """An execution (or payment) rate that recomputes from two amounts before it: change it."""
    out = []
    for m in re.finditer(rf"(执行率|支出率|支付率|使用率)[^。；\n\d%]{{0,8}}?({_NUM})[ \t]*[%％]", text):
        p_text = m.group(2)
        p = to_number(p_text)
        s0 = max(0, m.start() - 300)
        block = text.rfind("\n\n", s0, m.start())
        window = text[(block if block >= 0 else s0):m.start()]
        amounts = [to_number(t.group(1)) for t in AMOUNT_RE.finditer(window)]
        d = decimals_of(p_text)
        if len(amounts) < 2 or not _recomputes(p, d, amounts, amounts):
            continue
        new = _shift_points(p, d, rng, 3.0, 9.0)
        if new is None:
            continue
        new_text = fmt(new, d)
        out.append(Edit(m.start(2), m.end(2), new_text, ("ratio", "inconsistency"),
                        f"{m.group(1)} {p_text}% → {new_text}%"))
    return out


_SCORE_HEADS = ("得分", "评分", "自评得分")
_WEIGHT_HEADS = ("分值", "权重", "标准分", "满分")
_TOTAL_WORDS = ("合计", "总分", "总计", "得分合计", "总得分")


def _score_columns(text: str, table):
    """(weight offset from the right, score offset from the right) of a score table, or None."""
    header = [c.text.strip() for c in table.rows[0]]
    score = next((i for i, h in enumerate(header) if h in _SCORE_HEADS), None)
    weight = next((i for i, h in enumerate(header) if any(w in h for w in _WEIGHT_HEADS)), None)
    if score is None or weight is None:
        return None
    return len(header) - weight, len(header) - score


def _score_rows(text: str, table):
    """(row, weight cell, score cell, is_total) for the score table's rows that have both numbers."""
    cols = _score_columns(text, table)
    if not cols:
        return []
    out = []
    for row in table.rows[1:]:
        if len(row) < max(cols):
            continue
        w, s = row[-cols[0]], row[-cols[1]]
        if number_cell(w.text) is None or number_cell(s.text) is None:
            continue
        if s.end <= s.start or text[s.start:s.end].strip() != s.text.strip():
            continue
        is_total = any(word in row[0].text for word in _TOTAL_WORDS)
        out.append((row, w, s, is_total))
    return out


def sites_score_total(text: str, rng: random.Random) -> list[Edit]:
    """A score table's total row whose score equals the sum of the indicator scores: change it."""
    out = []
    for table in tables_of(text):
        rows = _score_rows(text, table)
        leaves = [number_cell(s.text) for _, _, s, total in rows if not total]
        for row, w, s, total in rows:
            value = number_cell(s.text)
            if not total or not leaves or abs(sum(leaves) - value) > 0.11:
                continue
            d = decimals_of(s.text.strip())
            new = _shift(value, d, rng, 0.03, 0.08, ceiling=number_cell(w.text))
            if new is None:
                continue
            out.append(Edit(s.start, s.end, fmt(new, d), ("score", "arithmetic", "inconsistency"),
                            f"总分 {s.text.strip()} → {fmt(new, d)}（各项得分之和 {sum(leaves):g}）",
                            related=tuple(_score_mentions(text, value))))
    return out


def _score_mentions(text: str, value: float) -> list[tuple[int, int]]:
    """Where the text states this total score ("得分92.5分"), to tell consequences from noise."""
    return [(m.start(), m.end()) for m in re.finditer(rf"({_NUM})[ \t]*分", text)
            if abs(to_number(m.group(1)) - value) < 1e-9]


def sites_score_cap(text: str, rng: random.Random) -> list[Edit]:
    """An indicator row scored within its weight: give it more than the weight."""
    out = []
    for table in tables_of(text):
        rows = _score_rows(text, table)
        totals = [(s.start, s.end) for _, _, s, total in rows if total]
        mentions = [span for _, _, s, total in rows if total for span in _score_mentions(text, number_cell(s.text))]
        for row, w, s, total in rows:
            weight, score = number_cell(w.text), number_cell(s.text)
            if total or weight <= 0 or score > weight:
                continue
            d = decimals_of(s.text.strip())
            new = round(weight + max(1.0, round(weight * rng.uniform(0.2, 0.5))), d)
            out.append(Edit(s.start, s.end, fmt(new, d), ("score", "arithmetic"),
                            f"得分 {s.text.strip()} → {fmt(new, d)}（分值 {w.text.strip()}）",
                            related=tuple(totals + mentions)))
    return out


def sites_unit(text: str, rng: random.Random) -> list[Edit]:
    """An amount in 万元 stated at least twice: write one later mention in 元."""
    seen: dict[float, list[tuple[int, int]]] = collections.defaultdict(list)
    out = []
    for m in AMOUNT_RE.finditer(text):
        if m.group(2) != "万元":
            continue
        value = to_number(m.group(1))
        if seen[value] and value >= 1:
            out.append(Edit(m.start(2), m.end(2), "元", ("unit", "inconsistency"),
                            f"{m.group(1)}万元 → {m.group(1)}元（同一金额前文为万元）",
                            related=tuple(seen[value]) + (sentence_bounds(text, m.start()),)))
        seen[value].append((m.start(), m.end()))
    return out


_GRADES = {"优": 90, "优秀": 90, "良": 80, "良好": 80, "中": 60, "中等": 60, "合格": 60, "差": 0, "较差": 0}
_WRONG_GRADE = {"优": "良", "优秀": "良好", "良": "优", "良好": "优秀", "中": "优", "中等": "优秀",
                "合格": "优秀", "差": "良", "较差": "良好"}


def _grade_for(score: float) -> int:
    return 90 if score >= 90 else 80 if score >= 80 else 60 if score >= 60 else 0


def sites_grade(text: str, rng: random.Random) -> list[Edit]:
    """A total score and the grade stated with it, consistent: state the wrong grade."""
    out = []
    pat = re.compile(rf"(得分|总分|分数|评分)[^。；\n\d]{{0,6}}?({_NUM})[ \t]*分"
                     r"[^。；\n]{0,24}?(等级|评价为|评定为|评为|属于|结果为|结论为)[^。；\n]{0,6}?"
                     r"[“\"「『]?(优秀|良好|中等|合格|较差|优|良|中|差)")
    for m in pat.finditer(text):
        score = to_number(m.group(2))
        grade = m.group(4)
        if not 0 <= score <= 100 or _GRADES[grade] != _grade_for(score):
            continue
        wrong = _WRONG_GRADE[grade]
        out.append(Edit(m.start(4), m.end(4), wrong, ("score", "inconsistency"),
                        f"{m.group(2)}分 等级 {grade} → {wrong}", related=((m.start(2), m.end(2)),)))
    return out


# Required parts a mutation may delete: heading words, words the finding must name.
_PARTS = {
    "problems": (("存在的问题", "存在问题", "主要问题", "问题及原因", "问题和不足"), ("问题",)),
    "measures": (("改进措施", "整改措施", "下一步", "改进建议", "有关建议"), ("改进", "整改", "措施")),
    "disclosure": (("结果应用", "公开情况", "应用和公开"), ("公开", "结果应用")),
}
# A remaining heading with these words still holds the part (七、经验、问题和建议).
_PART_STILL_NAMED = {"problems": re.compile(r"问题|不足"), "measures": re.compile(r"措施|建议|下一步|打算"),
                     "disclosure": re.compile(r"公开|结果应用")}


def _heading_style(m: re.Match) -> int:
    return next(i for i, g in enumerate(m.groups()) if g is not None)


def sites_deleted_part(text: str, rng: random.Random) -> list[Edit]:
    """A required section (heading and body, up to the next heading of its level): delete it."""
    out = []
    headings = [m for m in _HEADING_RE.finditer(text)]
    for i, m in enumerate(headings):
        line_end = text.find("\n", m.start())
        line = text[m.start():line_end if line_end >= 0 else len(text)]
        if len(fold(line)) > 40 or "其他" in line:
            continue
        part = next((p for p, (words, _) in _PARTS.items() if any(w in line for w in words)), None)
        if part is None:
            continue
        style = _heading_style(m)
        end = len(text)
        for later in headings[i + 1:]:
            if _heading_style(later) <= style:
                end = later.start()
                break
        # Keep the text before the heading's line start (the match may begin after spaces).
        start = text.rfind("\n", 0, m.start()) + 1
        others = [text[h.start():text.find("\n", h.start())] for h in headings if not start <= h.start() < end]
        if any(_PART_STILL_NAMED[part].search(o) for o in others if "其他" not in o and len(fold(o)) <= 40):
            continue  # a parent or sibling heading still names the part: not missing
        # A heading may name two parts (存在的问题及改进措施): a finding on either counts.
        named = [p for p, (words, _) in _PARTS.items() if any(w in line for w in words)]
        anyof = tuple(dict.fromkeys(w for p in [part, *named] for w in _PARTS[p][1]))
        out.append(Edit(start, end, "", ("missing_part",), f"删除“{fold(line)}”一节",
                        anchored=False, anyof=anyof))
    return out


_PLACE_NAME = re.compile(r"[\u4e00-\u9fa5]{1,5}?[省市县区旗州](?:[\u4e00-\u9fa5]{0,10}?(?:总工会|委员会|局|委|院|学校|中心|办公室))")


def unit_name(text: str) -> str | None:
    """The unit's name as the title states it: a place name and an organisation at a line start."""
    for line in text.splitlines()[:6]:
        m = _PLACE_NAME.match(line.strip())
        if m and "某" not in m.group(0):
            return m.group(0)
    return None


def sites_placeholder(text: str, rng: random.Random) -> list[Edit]:
    """Blank out the unit's place name in a mention after the title, or an amount, with XX / ×××."""
    out = []
    name = unit_name(text)
    place = re.match(r".+?[省市县区旗州]", name).group(0) if name else None
    first_line_end = text.find("\n", text.find(name)) if name else 0
    for start, end in spans(text, name or ""):
        if start <= first_line_end:
            continue
        mark = rng.choice(["XX", "×××"])
        out.append(Edit(start, start + len(place), mark + place[-1], ("boilerplate", "missing_part", "wording"),
                        f"{name} → {mark}{name[len(place) - 1:]}", related=(sentence_bounds(text, start),)))
    for m in AMOUNT_RE.finditer(text):
        if m.group(2) != "万元":
            continue
        mark = rng.choice(["XX", "×××"])
        out.append(Edit(m.start(1), m.end(1), mark, ("boilerplate", "missing_part", "wording"),
                        f"{m.group(1)}万元 → {mark}万元", related=(paragraph_bounds(text, m.start()),)))
    return out


def _load_sectors() -> dict:
    import yaml

    return yaml.safe_load((DATA / "off_domain.yaml").read_text(encoding="utf-8"))["sectors"]


def sites_off_domain(text: str, rng: random.Random) -> list[Edit]:
    """Insert another sector's paragraph after a narrative paragraph of this report."""
    sectors = _load_sectors()
    foreign = [s for s, spec in sorted(sectors.items()) if not any(k in text for k in spec["keywords"])]
    if not foreign:
        return []
    table_spans = [(t.start, t.end) for t in tables_of(text)]
    out = []
    for m in re.finditer(r"。[ \t]*\n", text):
        pos = m.end()
        if any(s <= pos <= e for s, e in table_spans) or pos >= len(text):
            continue
        sector = rng.choice(foreign)
        paragraph = rng.choice(sectors[sector]["paragraphs"])
        out.append(Edit(pos, pos, paragraph + "\n", ("boilerplate", "inconsistency", "unsupported_claim"),
                        f"插入{sector}段落"))
    return out


def sites_table_cell(text: str, rng: random.Random) -> list[Edit]:
    """A money table whose total row adds up in a column: change one part cell of that column."""
    out = []
    for table in tables_of(text):
        rows = table.rows
        for ti, total_row in enumerate(rows):
            if not any(w in (total_row[0].text if total_row else "") for w in ("合计", "总计")):
                continue
            parts_rows = rows[1:ti]
            width = len(total_row)
            for back in range(1, width):
                total = number_cell(total_row[-back].text)
                if total is None or total <= 0:
                    continue
                cells = [r[-back] for r in parts_rows if len(r) >= back and number_cell(r[-back].text) is not None]
                if len(cells) < 2 or abs(sum(number_cell(c.text) for c in cells) - total) > 0.011 * len(cells):
                    continue
                for c in cells:
                    value = number_cell(c.text)
                    if value <= 0 or text[c.start:c.end].strip() != c.text.strip():
                        continue
                    d = decimals_of(c.text.strip())
                    new = _shift(value, d, rng, 0.05, 0.2)
                    if new is None:
                        continue
                    row = next(r for r in parts_rows if c in r)
                    cells_of_row = real_cells(text, row) or [c]
                    out.append(Edit(c.start, c.end, fmt(new, d), ("arithmetic", "inconsistency", "ratio"),
                                    f"表格单元格 {c.text.strip()} → {fmt(new, d)}（合计 {total_row[-back].text.strip()}）",
                                    also=((total_row[-back].start, total_row[-back].end),),
                                    related=((cells_of_row[0].start, cells_of_row[-1].end),
                                             (total_row[0].start, total_row[-1].end))))
    return out


# --------------------------------------------------------------------------- 自评表 rows (issue 11)

def _region(text: str, changes: list[tuple[int, int, str]]) -> tuple[int, int, str]:
    """Several cell changes as one edit: (start, end, replacement) over the span they cover."""
    changes = sorted(changes)
    start, end = changes[0][0], max(e for _, e, _ in changes)
    out, pos = [], start
    for s, e, new in changes:
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:end])
    return start, end, "".join(out)


def _header_role(header: str) -> str | None:
    """The role of a score table's header cell (a small reading of its own, independent of
    the reviewer's, so a table the reviewer misreads still gets mutated)."""
    f = fold(re.sub(r"[（(][^）)]*[）)]", "", header))
    if not f:
        return None
    if ("得分" in f and "率" not in f and "标准" not in f) or f in ("评分", "自评分", "分数"):
        return "score"
    if f.endswith("分值") or "权重" in f or f in ("满分", "标准分"):
        return "weight"
    if re.search(r"偏差|原因", f):
        return "reason"
    if "执行率" in f:
        return "rate"
    if "一级指标" in f:
        return "level1"
    if "二级指标" in f:
        return "level2"
    if "三级指标" in f or f in ("指标名称", "绩效指标", "指标内容"):
        return "name"
    if re.search(r"完成值|实际值|业绩值|实际完成|实现值", f):
        return "actual"
    if re.search(r"指标值|目标值|计划值|预期值|年度目标", f):
        return "target"
    if re.search(r"全年预算|调整后预算|预算数", f) and "年初" not in f:
        return "budget"
    if re.search(r"执行数|支出数|实际支出", f):
        return "spent"
    return None


_LEVEL_WORD = re.compile(r"产出|效益|满意|数量|质量|时效|成本|投入|过程|预算执行|可持续")
_QTY = re.compile(r"^(≥|>=|≤|<=|>|<|=|不低于|不少于|不高于|不超过|大于|小于)?\s*(\d+(?:\.\d+)?)\s*([^\d\s\-—~～至][^\d]{0,5})?$")


@dataclass
class Row:
    """One indicator row of a score table: its cells by role, the cell naming it, and the
    level words (产出/数量 …) it sits under, carried down from the rows above."""
    table: object
    index: int
    cells: dict
    name: object
    context: str

    def value(self, role: str) -> float | None:
        c = self.cells.get(role)
        return number_cell(c.text) if c is not None else None

    def text(self, role: str) -> str:
        c = self.cells.get(role)
        return c.text.strip() if c is not None else ""


def quantity(s: str):
    """(comparator, value, unit) of "≥95%", "46.5公里", "100%"; None for words."""
    m = _QTY.match(s.strip().replace(",", ""))
    if not m:
        return None
    return m.group(1) or "", float(m.group(2)), (m.group(3) or "").strip()


def indicator_rows(text: str, need: tuple[str, ...] = ("weight", "score")) -> list[Row]:
    """Indicator rows of every table whose header names the roles in `need`; cells are
    matched to header columns directly, or from the right when a row has fewer cells."""
    out = []
    for table in tables_of(text):
        if len(table.rows) < 2:
            continue
        header = table.rows[0]
        roles = {}
        for i, c in enumerate(header):
            r = _header_role(c.text)
            if r and r not in roles:
                roles[r] = i
        if not all(r in roles for r in need):
            continue
        width = len(header)
        value_cols = [roles[r] for r in ("target", "actual", "weight", "score", "rate", "budget", "spent") if r in roles]
        name_col = roles.get("name", min(value_cols) - 1 if value_cols else 0)
        carried: dict[int, str] = {}
        previous_end = header[-1].end
        for ri, row in enumerate(table.rows[1:], start=1):
            shift = width - len(row)
            by_col = {c.col + shift if shift > 0 else c.col: c for c in row}
            between = text[previous_end:row[0].start] if row and row[0].start > previous_end else ""
            previous_end = max((c.end for c in row), default=previous_end)
            for col in range(0, name_col):
                c = by_col.get(col)
                if c is not None and c.text.strip() and c.end > c.start:
                    carried[col] = c.text.strip()
                    for later in range(col + 1, name_col):
                        carried.pop(later, None)
            cells = {r: by_col[i] for r, i in roles.items() if i in by_col}
            name = by_col.get(name_col)
            context = " ".join([carried[k] for k in sorted(carried)] + [between])
            out.append(Row(table, ri, cells, name, context))
    return out


def _real(text: str, cell) -> bool:
    return cell is not None and cell.end > cell.start and text[cell.start:cell.end].strip() == cell.text.strip()


def _leaf_rows(text: str, rows: list[Row]) -> list[Row]:
    """Rows with a real weight and score that are not totals or subtotals."""
    out = []
    for r in rows:
        if r.value("weight") is None or r.value("score") is None:
            continue
        if not (_real(text, r.cells["weight"]) and _real(text, r.cells["score"])):
            continue
        label = " ".join(c.text for c in r.table.rows[r.index][:2])
        if any(w in label for w in _TOTAL_WORDS) or "小计" in label:
            continue
        out.append(r)
    return out


def _met_rows(text: str, rng: random.Random, higher_only: bool = True):
    """Indicator rows with a numeric target and actual of one unit, met, scored in full."""
    for r in _leaf_rows(text, indicator_rows(text)):
        t, a = quantity(r.text("target")), quantity(r.text("actual"))
        if not t or not a or t[2] != a[2] or t[1] <= 0:
            continue
        if not (_real(text, r.cells.get("target")) and _real(text, r.cells.get("actual"))):
            continue
        lower = t[0] in ("≤", "<=", "<", "不高于", "不超过", "小于")
        if higher_only and lower:
            continue
        met = a[1] <= t[1] if lower else a[1] >= t[1]
        if met and r.value("score") == r.value("weight"):
            yield r, t, a


def sites_unmet_no_reason(text: str, rng: random.Random) -> list[Edit]:
    """A met indicator on a form with a 偏差原因 column: its actual falls short of the target
    with the reason left empty; the score stays full, or drops below the weight."""
    out = []
    for r, t, a in _met_rows(text, rng):
        if "reason" not in r.cells or r.text("reason"):
            continue
        d = max(decimals_of(r.text("actual").rstrip("%" + a[2])), 0)
        new = round(t[1] * rng.uniform(0.72, 0.92), d)
        if new >= t[1] or new <= 0:
            continue
        actual = r.cells["actual"]
        changes = [(actual.start, actual.end, r.text("actual").replace(_num_text(r.text("actual")), fmt(new, d), 1))]
        keep_full = rng.random() < 0.5
        weight = r.value("weight")
        if not keep_full:
            score = r.cells["score"]
            changes.append((score.start, score.end, fmt(new / t[1] * weight, 2)))
        s, e, rep = _region(text, changes)
        score = r.cells["score"]
        out.append(Edit(s, e, rep, ("unsupported_claim", "score"), also=((score.start, score.end),),
                        related=(_row_span(r),) + tuple(_total_mentions(text)),
                        note=f"“{r.name.text.strip() if r.name else ''}”完成值 {r.text('actual')} → {fmt(new, d)}{a[2]}"
                        f"（指标值 {r.text('target')}，{'得分仍满分' if keep_full else '得分低于分值'}，偏差原因空）"))
    return out


def _row_span(r: Row) -> tuple[int, int]:
    cells = [c for c in r.table.rows[r.index] if c.end > c.start]
    return (min(c.start for c in cells), max(c.end for c in cells)) if cells else (0, 0)


_TOTAL_MENTION = re.compile(rf"(?:得分|总分)[^。；\n\d]{{0,6}}?({_NUM})[ \t]*分")


def _total_mentions(text: str) -> list[tuple[int, int]]:
    """Where the text states a score ("自评得分99.29分"): a changed form makes them stale."""
    return [(m.start(), m.end()) for m in _TOTAL_MENTION.finditer(text)]


def _num_text(s: str) -> str:
    m = re.search(r"\d+(?:\.\d+)?", s)
    return m.group() if m else s


def sites_over_completion(text: str, rng: random.Random) -> list[Edit]:
    """A met indicator without a stated reason: its actual raised to 135–180% of the target."""
    out = []
    for r, t, a in _met_rows(text, rng):
        if r.text("reason"):
            continue
        ceiling = 100.0 if a[2] == "%" else None
        factor = rng.uniform(1.35, 1.8)
        new = t[1] * factor
        if ceiling is not None and new > ceiling:
            continue
        d = decimals_of(_num_text(r.text("actual")))
        new = round(new, d)
        if new / t[1] < 1.31:
            continue
        actual = r.cells["actual"]
        out.append(Edit(actual.start, actual.end, r.text("actual").replace(_num_text(r.text("actual")), fmt(new, d), 1),
                        ("score", "unsupported_claim"),
                        f"完成值 {r.text('actual')} → {fmt(new, d)}{a[2]}（指标值 {r.text('target')}，{new / t[1]:.0%}）"))
    return out


def sites_cost_comparator(text: str, rng: random.Random) -> list[Edit]:
    """A 成本 indicator with an upper-bound target: the comparator turned to "≥"."""
    out = []
    for r in indicator_rows(text, need=("target",)):
        target = r.cells.get("target")
        names = (r.name.text if r.name else "") + " " + r.context
        if not _real(text, target) or "成本" not in names:
            continue
        m = re.match(r"\s*(≤|<=|<|不高于|不超过)", target.text)
        if not m:
            continue
        new = {"≤": "≥", "<=": ">=", "<": ">", "不高于": "不低于", "不超过": "不少于"}[m.group(1)]
        s = target.start + text[target.start:target.end].index(m.group(1))
        # The flipped target now reads as unmet or over-completed: consequences on the row.
        out.append(Edit(s, s + len(m.group(1)), new, ("score",),
                        f"成本指标 {target.text.strip()} → {new}{target.text.strip()[len(m.group(1)):]}",
                        also=((target.start, target.end),), related=(_row_span(r),) + tuple(_total_mentions(text))))
    return out


_EXECUTION_NAMES = ("预算执行率", "资金支付率", "资金拨付率", "资金执行率")


def sites_level_mismatch(text: str, rng: random.Random) -> list[Edit]:
    """An 产出 (数量) row turned into a budget-execution indicator, left under 产出/数量."""
    out = []
    for r in _leaf_rows(text, indicator_rows(text, need=("target", "actual", "weight", "score"))):
        if r.name is None or not _real(text, r.name) or not re.search(r"数量|产出", r.context):
            continue
        if re.search(r"质量|时效|成本|效益|满意", r.context.split()[-1] if r.context.split() else ""):
            continue
        if r.value("score") != r.value("weight"):
            continue
        target, actual = r.cells.get("target"), r.cells.get("actual")
        if not (_real(text, target) and _real(text, actual)):
            continue
        name = rng.choice(_EXECUTION_NAMES)
        goal = rng.choice([90, 95])
        reached = round(rng.uniform(goal + 1, 99.9), 2)
        s, e, rep = _region(text, [(r.name.start, r.name.end, name), (target.start, target.end, f"≥{goal}%"),
                                   (actual.start, actual.end, f"{reached}%")])
        out.append(Edit(s, e, rep, ("score", "inconsistency"),
                        f"产出/数量指标“{r.name.text.strip()}” → “{name}”（≥{goal}%，{reached}%）"))
    return out


def sites_malformed_target(text: str, rng: random.Random) -> list[Edit]:
    """A target written "≥95百分比" (a unit spelt out) or left as a placeholder "*"."""
    out = []
    for r in indicator_rows(text, need=("target",)):
        target = r.cells.get("target")
        if not _real(text, target):
            continue
        q = quantity(target.text)
        if q and q[2] == "%" and rng.random() < 0.6:
            i = target.start + text[target.start:target.end].rindex("%")
            out.append(Edit(i, i + 1, "百分比", ("boilerplate", "score", "wording"),
                            f"指标值 {target.text.strip()} → {target.text.strip()[:-1]}百分比",
                            also=((target.start, target.end),)))
        elif q:
            out.append(Edit(target.start, target.end, "*", ("boilerplate", "score", "wording", "missing_part"),
                            f"指标值 {target.text.strip()} → *"))
    return out


_NO_SURVEY = ("未收到投诉", "无投诉", "零投诉", "未接到投诉")


def sites_satisfaction_no_survey(text: str, rng: random.Random) -> list[Edit]:
    """A satisfaction row whose completion value becomes "未收到投诉" (no survey behind it)."""
    out = []
    for r in indicator_rows(text, need=("actual",)):
        actual = r.cells.get("actual")
        if not _real(text, actual) or r.name is None or "满意" not in r.name.text:
            continue
        words = rng.choice(_NO_SURVEY)
        out.append(Edit(actual.start, actual.end, words, ("unsupported_claim", "score"),
                        f"满意度完成值 {actual.text.strip()} → {words}"))
    return out


def sites_uniform_full(text: str, rng: random.Random) -> list[Edit]:
    """A form of ≥10 scored rows, some below full marks: every row given full marks (its
    actual raised to the target, its reason cleared) and the total row made to agree."""
    out = []
    by_table: dict[int, list[Row]] = collections.defaultdict(list)
    rows_all = indicator_rows(text)
    for r in _leaf_rows(text, rows_all):
        by_table[id(r.table)].append(r)
    for key, rows in by_table.items():
        if len(rows) < 10:
            continue
        short = [r for r in rows if r.value("score") < r.value("weight")]
        if not short:
            continue
        changes = []
        for r in short:
            w = r.cells["weight"]
            changes.append((r.cells["score"].start, r.cells["score"].end, text[w.start:w.end].strip()))
            t, a = quantity(r.text("target")), quantity(r.text("actual"))
            if t and a and t[2] == a[2] and _real(text, r.cells.get("actual")):
                d = decimals_of(_num_text(r.text("actual")))
                c = r.cells["actual"]
                changes.append((c.start, c.end, r.text("actual").replace(_num_text(r.text("actual")), fmt(t[1], d), 1)))
            reason = r.cells.get("reason")
            if _real(text, reason) and reason.text.strip():
                changes.append((reason.start, reason.end, ""))
        related = []
        for r in rows_all:
            if r.table is rows[0].table and r not in rows and r.value("score") is not None and _real(text, r.cells["score"]):
                total = sum(x.value("weight") for x in rows)
                if abs(r.value("score") - sum(x.value("score") for x in rows)) < 0.11:
                    c = r.cells["score"]
                    changes.append((c.start, c.end, fmt(total, decimals_of(c.text.strip()))))
                    related += _score_mentions(text, r.value("score"))
        first = rows[0].cells["score"]
        # The region starts at the first row's score cell: a finding on the form names it.
        s, e, rep = _region(text, changes + [(first.start, first.start, "")])
        out.append(Edit(s, e, rep, ("score", "unsupported_claim"),
                        f"{len(rows)}项指标全部改为满分（原{len(short)}项未满分）",
                        # The finding names the form, at whichever row the reader takes as first.
                        anchor_at=(first.start - s + sum(len(n) - (b - a) for a, b, n in changes if b <= first.start and b > a),
                                   len(next((n for a, b, n in changes if a == first.start and b > a),
                                            first.text.strip()))),
                        related=tuple(related + _total_mentions(text))))
    return out


def sites_actual_copies_target(text: str, rng: random.Random) -> list[Edit]:
    """A row whose completion value copies its target, comparator and all ("≥266米")."""
    out = []
    for r in indicator_rows(text, need=("target", "actual")):
        target, actual = r.cells.get("target"), r.cells.get("actual")
        if not (_real(text, target) and _real(text, actual)):
            continue
        q = quantity(target.text)
        if not q or not q[0] or q[0] == "=" or fold(actual.text) == fold(target.text):
            continue
        out.append(Edit(actual.start, actual.end, target.text.strip(), ("unsupported_claim", "score", "duplicate"),
                        f"完成值 {actual.text.strip()} → {target.text.strip()}（照抄指标值）"))
    return out


# --------------------------------------------------------------------------- score arithmetic

_NOTE_RE = re.compile(r"一级指标[^。\n]{0,40}?(?:分值|权重)[^。\n]*")
_NOTE_PAIR_RE = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:指标)?\s*[为：:]?\s*(\d+(?:\.\d+)?)\s*分")


def sites_weights(text: str, rng: random.Random) -> list[Edit]:
    """First-level weights off 100 or off the form's own note: one full-marks row's weight
    and score both raised (the row stays consistent, its group no longer adds up), or a
    weight in the note changed."""
    out = []
    rows_all = indicator_rows(text)
    leaves = _leaf_rows(text, rows_all)
    for r in leaves:
        w, sc = r.value("weight"), r.value("score")
        if w != sc or w <= 0:
            continue
        step = rng.choice([2, 3, 5])
        d = decimals_of(r.text("weight"))
        new = fmt(w + step, d)
        s, e, rep = _region(text, [(r.cells["weight"].start, r.cells["weight"].end, new),
                                   (r.cells["score"].start, r.cells["score"].end, new)])
        also, level1 = [], None
        # The level-1 cell heading this row's group, the note and the total row's weight.
        for other in rows_all:
            if other.table is not r.table:
                continue
            first = other.table.rows[other.index][0]
            if other.index <= r.index and _real(text, first) and re.search(r"产出|效益|满意|投入|过程|决策|管理|履职", first.text):
                level1 = (first.start, first.end)
            label = " ".join(c.text for c in other.table.rows[other.index][:2])
            if any(wd in label for wd in _TOTAL_WORDS) and "weight" in other.cells and _real(text, other.cells["weight"]):
                also.append((other.cells["weight"].start, other.cells["weight"].end))
        if level1:
            also.append(level1)
        # A form printed as one table per first-level indicator, with no total row, can
        # only be judged as a whole: its tables' header rows are where the sum is reported.
        tables = {id(o.table): o.table for o in rows_all}
        if not any(any(wd in " ".join(c.text for c in row[:2]) for wd in _TOTAL_WORDS)
                   for t in tables.values() for row in t.rows):
            for t in tables.values():
                header = [c for c in t.rows[0] if _real(text, c)]
                if header:
                    also.append((header[0].start, header[-1].end))
        for m in _NOTE_RE.finditer(text):
            also.append((m.start(), m.end()))
        out.append(Edit(s, e, rep, ("score", "arithmetic", "inconsistency"),
                        f"“{r.name.text.strip() if r.name else ''}”分值/得分 {r.text('weight')} → {new}（一级指标分值合计随之改变）",
                        also=tuple(also)))
    for m in _NOTE_RE.finditer(text):
        for p in _NOTE_PAIR_RE.finditer(m.group()):
            value = to_number(p.group(2))
            step = rng.choice([-10, -5, 5, 10])
            if value + step <= 0:
                step = -step
            s = m.start() + p.start(2)
            out.append(Edit(s, s + len(p.group(2)), fmt(value + step, decimals_of(p.group(2))),
                            ("score", "arithmetic", "inconsistency"),
                            f"表注“{p.group(1)}{p.group(2)}分” → {fmt(value + step, 0)}分"))
    return out


def sites_exec_score(text: str, rng: random.Random) -> list[Edit]:
    """A funds block whose execution-rate score is rate × weight: the score changed (full
    marks, or off by 0.5–2 points) so it no longer follows the rule."""
    out = []
    for r in indicator_rows(text, need=("rate", "weight", "score")):
        rate_cell, w, sc = r.cells.get("rate"), r.value("weight"), r.value("score")
        q = quantity(rate_cell.text) if rate_cell is not None else None
        if not q or q[2] != "%" or w is None or sc is None or not _real(text, r.cells["score"]):
            continue
        expected = min(q[1], 100.0) / 100 * w
        if abs(expected - sc) > 0.011:
            continue
        d = max(decimals_of(r.text("score")), 1 if expected % 1 else 0)
        candidates = [w] if sc < w - 0.3 else []
        candidates += [v for v in (sc - rng.uniform(0.5, 2.0), sc + rng.uniform(0.5, 2.0)) if 0 < v <= w]
        new = round(rng.choice(candidates), d)
        if abs(new - expected) < 0.3:
            continue
        c = r.cells["score"]
        out.append(Edit(c.start, c.end, fmt(new, d), ("score", "arithmetic"),
                        f"执行率得分 {c.text.strip()} → {fmt(new, d)}（执行率 {rate_cell.text.strip()} × 分值 {fmt(w, 0)}）",
                        related=tuple(_total_mentions(text))))
    return out


def sites_funds_sources(text: str, rng: random.Random) -> list[Edit]:
    """A funds block's 年度资金总额 row whose 其中 source rows add up: one source cell changed."""
    out = []
    for table in tables_of(text):
        rows = table.rows
        for ti, row in enumerate(rows):
            if not row or not re.search(r"资金总额|资金合计|合计", row[0].text) or ti + 2 >= len(rows) + 1:
                continue
            sources = []
            for later in rows[ti + 1:]:
                if not later or any(w in later[0].text for w in ("合计", "总额", "总计")):
                    break
                sources.append(later)
            if len(sources) < 2 or "其中" not in sources[0][0].text:
                continue
            for col in range(1, len(row)):
                total = number_cell(row[col].text) if col < len(row) else None
                cells = [s[col] for s in sources if col < len(s) and number_cell(s[col].text) is not None]
                if total is None or total <= 0 or len(cells) < 2 or len(cells) != len(sources):
                    continue
                if abs(sum(number_cell(c.text) for c in cells) - total) > 0.011:
                    continue
                for c in cells:
                    value = number_cell(c.text)
                    if value <= 0 or not _real(text, c):
                        continue
                    d = decimals_of(c.text.strip())
                    new = _shift(value, d, rng, 0.05, 0.2)
                    if new is None:
                        continue
                    out.append(Edit(c.start, c.end, fmt(new, d), ("arithmetic", "inconsistency"),
                                    f"其中行 {c.text.strip()} → {fmt(new, d)}（{row[0].text.strip()} {row[col].text.strip()}）",
                                    also=((row[col].start, row[col].end),)))
    return out


# --------------------------------------------------------------------------- narrative figures

def _outside_tables(text: str):
    spans_ = [(t.start, t.end) for t in tables_of(text)]
    return lambda pos: not any(s <= pos < e for s, e in spans_)


_OPEN_RATE = re.compile(
    rf"([\u4e00-\u9fff]{{0,6}}?(?:拨付|支付|到位|兑付|发放|使用|完成|报账|结算)(?:率|进度|比例))"
    rf"[^。；\n\d%]{{0,8}}?({_NUM})[ \t]*[%％]")


def sites_open_rate(text: str, rng: random.Random) -> list[Edit]:
    """Any "X率/X进度/X比例 p%" (not only 执行率) that recomputes from two amounts of the same
    or the previous sentences of its paragraph: p changed by 3–9 points."""
    out = []
    outside = _outside_tables(text)
    for m in _OPEN_RATE.finditer(text):
        if not outside(m.start()) or "执行率" in m.group(1) or "支出率" in m.group(1):
            continue
        p_text = m.group(2)
        p, d = to_number(p_text), decimals_of(p_text)
        para_start = max(text.rfind("\n", 0, m.start()), m.start() - 300) + 1
        amounts = [to_number(a.group(1)) * (10000 if a.group(2) == "万元" else 1)
                   for a in AMOUNT_RE.finditer(text, para_start, m.start())]
        if len(amounts) < 2 or not _recomputes(p, d, amounts, amounts):
            continue
        new = _shift_points(p, d, rng, 3.0, 9.0)
        if new is None:
            continue
        out.append(Edit(m.start(2), m.end(2), fmt(new, d), ("ratio", "inconsistency"),
                        f"{m.group(1)} {p_text}% → {fmt(new, d)}%"))
    return out


_PART_RE = re.compile(rf"([\u4e00-\u9fff“”]{{2,16}}?)[ \t]*({_NUM})[ \t]*(亿元|万元|元)")


def _suffix(label: str) -> str:
    m = re.search(r"(收入|支出|资金|经费|拨款)$", label)
    return m.group(1) if m else ""


def sites_parts_exceed(text: str, rng: random.Random) -> list[Edit]:
    """"T，其中：A、B" whose same-level parts (named alike: …收入, …支出) add up to T: one
    part raised so the parts exceed the total by 3–10 %."""
    out = []
    outside = _outside_tables(text)
    for m in AMOUNT_RE.finditer(text):
        if not outside(m.start()):
            continue
        s0, s1 = sentence_bounds(text, m.start())
        after = text[m.end():s1]
        if not re.match(r"^[^。\d]{0,6}其中", after):
            continue
        unit = m.group(2)
        parts = [p for p in _PART_RE.finditer(text, m.end(), s1) if p.group(3) == unit]
        suffixes = {_suffix(p.group(1)) for p in parts}
        if len(parts) < 2 or len(suffixes) != 1 or "" in suffixes:
            continue
        total = to_number(m.group(1))
        values = [to_number(p.group(2)) for p in parts]
        if total <= 0 or abs(sum(values) - total) > 0.011:
            continue
        p = rng.choice(parts)
        d = decimals_of(p.group(2))
        excess = total * rng.uniform(0.03, 0.10)
        new = round(to_number(p.group(2)) + excess, d)
        out.append(Edit(p.start(2), p.end(2), fmt(new, d), ("arithmetic", "inconsistency"),
                        f"分项 {p.group(1)}{p.group(2)}{unit} → {fmt(new, d)}{unit}（合计 {m.group(1)}{unit}，分项之和超出）",
                        also=((m.start(), m.end()),), related=((s0, s1),)))
    return out


_STAFF = re.compile(r"实有[^。；\d]{0,8}?(\d+)[ \t]*(?:人|名)")
_STAFF_PART = re.compile(r"(在职|在岗|离休|退休|离退休|遗属)[^。；\d]{0,6}?(\d+)[ \t]*(?:人|名)")


def sites_staffing(text: str, rng: random.Random) -> list[Edit]:
    """"实有N人，其中在职a人，离休b人，退休c人" with N = a+b+c: N or a part changed."""
    out = []
    for m in _STAFF.finditer(text):
        _, s1 = sentence_bounds(text, m.start())
        parts = list(_STAFF_PART.finditer(text, m.end(), s1))
        kinds = [p.group(1) for p in parts]
        if len(parts) < 2 or "在职" not in kinds + [k.replace("在岗", "在职") for k in kinds]:
            continue
        if "离退休" in kinds and ("离休" in kinds or "退休" in kinds):
            continue
        total = int(m.group(1))
        if sum(int(p.group(2)) for p in parts) != total:
            continue
        step = rng.choice([-3, -2, -1, 1, 2, 3, 4])
        if rng.random() < 0.5 and total + step > 0:
            out.append(Edit(m.start(1), m.end(1), str(total + step), ("arithmetic", "inconsistency"),
                            f"实有 {total} → {total + step}（在职/离休/退休之和 {total}）",
                            related=((m.start(), s1),)))
        else:
            p = rng.choice(parts)
            value = int(p.group(2))
            new = value + step if value + step >= 0 else value + abs(step)
            out.append(Edit(p.start(2), p.end(2), str(new), ("arithmetic", "inconsistency"),
                            f"{p.group(1)} {value} → {new}（实有 {total}）",
                            also=((m.start(), m.end()),), related=((m.start(), s1),)))
    return out


_TAGGED_SHARE = re.compile(
    rf"([\u4e00-\u9fff]{{2,16}}?(?:支出|收入))[ \t]*({_NUM})[ \t]*(亿元|万元|元)"
    rf"([^。；\n\d]{{0,4}}占[^。；\n\d%]{{0,14}}?)({_NUM})[ \t]*[%％]")


# Economic or source names, never a functional 类/款 (those read 一般公共服务支出, 行政运行 …).
_NOT_A_CLASS = re.compile(r"(基本|项目|人员|公用|工资福利|补贴|补助|资本性|培训补贴)支出$|(其他|财政拨款|事业|经营|上级补助|附属单位上缴)收入$")


def sites_class_tag(text: str, rng: random.Random) -> list[Edit]:
    """A share "X支出A万元，占P%" that recomputes: the budget-level tag （类）/（款） put between
    the name and the amount, and P changed by 3–9 points (the share must still be read)."""
    out = []
    outside = _outside_tables(text)
    for m in _TAGGED_SHARE.finditer(text):
        if not outside(m.start()) or _NOT_A_CLASS.search(m.group(1)):
            continue
        a, p_text = to_number(m.group(2)), m.group(5)
        p, d = to_number(p_text), decimals_of(p_text)
        window = text[max(0, m.start() - 400):min(len(text), m.end() + 200)]
        totals = [to_number(t.group(1)) for t in AMOUNT_RE.finditer(window) if t.group(2) == m.group(3)]
        if not _recomputes(p, d, [a], totals):
            continue
        new = _shift_points(p, d, rng, 3.0, 9.0)
        if new is None:
            continue
        tag = rng.choice(["（类）", "（款）", "(类)"])
        new_text = fmt(new, max(d, 0 if new >= 10 else 1))
        s, e, rep = _region(text, [(m.end(1), m.end(1), tag), (m.start(5), m.end(5), new_text)])
        out.append(Edit(s, e, rep, ("ratio", "inconsistency", "arithmetic"),
                        f"{m.group(1)}{tag}{m.group(2)}{m.group(3)} 占比 {p_text}% → {new_text}%"))
    return out


def doc_year(text: str) -> int | None:
    m = re.search(r"(20\d\d)[ \t]*年", "\n".join(text.splitlines()[:4]))
    return int(m.group(1)) if m else None


_CHANGE = re.compile(rf"(?:比|较|与)[^。；\n]{{0,16}}?(增加|减少|增长|下降)[^。；\n\d]{{0,8}}?({_NUM})[ \t]*(亿元|万元|元|[%％])"
                     rf"(?:[，,、（(]?[^。；\n\d]{{0,6}}?({_NUM})[ \t]*[%％])?")


def sites_own_year_change(text: str, rng: random.Random) -> list[Edit]:
    """A change in a sentence that names the document's own year as the current period
    ("2022年支出…比2021年增加d，增长p%"): p (or, without p, d) changed."""
    year = doc_year(text)
    if not year:
        return []
    out = []
    outside = _outside_tables(text)
    for m in _CHANGE.finditer(text):
        s0, _ = sentence_bounds(text, m.start())
        if not outside(m.start()) or not re.search(rf"{year}[ \t]*年", text[s0:m.start()]):
            continue
        amounts_before = list(AMOUNT_RE.finditer(text, s0, m.start(2)))
        if not m.group(4) and len(amounts_before) < 2:
            continue  # a lone rate or amount without both periods: nothing to recompute from
        if m.group(4):  # "增加 d 万元，增长 p%": change p
            p_text, start, end = m.group(4), m.start(4), m.end(4)
        elif m.group(3) in "%％":
            p_text, start, end = m.group(2), m.start(2), m.end(2)
        else:  # amount only: change d
            d = decimals_of(m.group(2))
            new = _shift(to_number(m.group(2)), d, rng, 0.08, 0.25)
            if new is None:
                continue
            out.append(Edit(m.start(2), m.end(2), fmt(new, d), ("arithmetic", "ratio", "inconsistency"),
                            f"{year}年的增减额 {m.group(2)}{m.group(3)} → {fmt(new, d)}{m.group(3)}"))
            continue
        d = decimals_of(p_text)
        new = _shift_points(to_number(p_text), d, rng, 3.0, 9.0)
        if new is None:
            continue
        out.append(Edit(start, end, fmt(new, d), ("ratio", "arithmetic", "inconsistency"),
                        f"{year}年比上期的增减幅度 {p_text}% → {fmt(new, d)}%"))
    return out


def _row_label(row) -> str:
    return re.sub(r"^[一二三四五六七八九十\d]+[、.．]|\s", "", row[0].text) if row else ""


def sites_text_vs_table(text: str, rng: random.Random) -> list[Edit]:
    """A narrative amount (a total, 基本支出 …) equal to a table cell its label names (the
    row label ends with the words before the amount): the narrative amount changed 5–15 %."""
    out = []
    tables = tables_of(text)
    outside = _outside_tables(text)
    cells = []
    for t in tables:
        for row in t.rows:
            label = _row_label(row)
            for c in row[1:]:
                v = number_cell(c.text)
                if v is not None and label:
                    cells.append((label, v, c))
            # Side-by-side halves: the label of the right half's cell stands left of it.
            for i in range(2, len(row) - 1):
                v = number_cell(row[i + 1].text)
                label2 = re.sub(r"^[一二三四五六七八九十\d]+[、.．]|\s", "", row[i].text)
                if v is not None and label2 and number_cell(row[i].text) is None:
                    cells.append((label2, v, row[i + 1]))
    for m in _PART_RE.finditer(text):
        if not outside(m.start()):
            continue
        # Only the table can tell: no share, breakdown or change hangs on this amount.
        s0, s1 = sentence_bounds(text, m.start())
        if re.match(r"^[^。；\d]{0,8}(占|其中|比|较|增|减)", text[m.end():s1]) or \
                re.search(r"(其中|包括)[：:]?[^。；\d]{0,16}$", text[s0:m.start()]):
            continue
        value = to_number(m.group(2))
        words = fold(m.group(1))
        match = [c for label, v, c in cells if abs(v - value) < 0.005 and len(label) >= 2
                 and (words.endswith(label) or label.endswith(words[-4:]))]
        if not match:
            continue
        d = decimals_of(m.group(2))
        new = _shift(value, d, rng, 0.05, 0.15)
        if new is None:
            continue
        out.append(Edit(m.start(2), m.end(2), fmt(new, d), ("inconsistency", "arithmetic", "unit"),
                        f"正文 {m.group(1)}{m.group(2)}{m.group(3)} → {fmt(new, d)}（表中 {match[0].text.strip()}）",
                        also=tuple((c.start, c.end) for c in match)))
    return out


# --------------------------------------------------------------------------- units

_PER_WORDS = "人次|人|户|辆|亩|次|家|所|个|名|套|间"
_EACH_STD = re.compile(rf"(?:每|人均|户均)({_PER_WORDS})?({_NUM})[ \t]*(万元|元)|({_NUM})[ \t]*(万元|元)/({_PER_WORDS})")


def sites_per_head_unit(text: str, rng: random.Random) -> list[Edit]:
    """A per-head standard × its count = an amount stated in the paragraph: that amount's
    unit slipped (万元 ↔ 元) with the digits kept."""
    out = []
    for line_start, line in _lines(text):
        for std in _EACH_STD.finditer(line):
            per = std.group(1) or std.group(6)
            if not per:
                continue
            value = to_number(std.group(2) or std.group(4)) * (10000 if (std.group(3) or std.group(5)) == "万元" else 1)
            counts = [to_number(c.group(1)) for c in re.finditer(rf"({_NUM})[ \t]*({per}|名|人)(?![/\d])", line)
                      if c.group(2) in (per, "名" if per == "人" else per, "人" if per == "名" else per)]
            for a in AMOUNT_RE.finditer(line):
                if a.start() <= std.end() and a.end() >= std.start():
                    continue
                yuan = to_number(a.group(1)) * (10000 if a.group(2) == "万元" else 1)
                if any(abs(value * n - yuan) <= 0.006 * max(yuan, 1) for n in counts):
                    new_unit = "元" if a.group(2) == "万元" else "万元"
                    out.append(Edit(line_start + a.start(2), line_start + a.end(2), new_unit, ("unit",),
                                    f"{a.group(1)}{a.group(2)} → {a.group(1)}{new_unit}（{std.group()} × 人数）"))
    return out


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def sites_unitless(text: str, rng: random.Random) -> list[Edit]:
    """A per-head standard "300元/人" that loses its unit: "300/人"."""
    out = []
    outside = _outside_tables(text)
    for m in re.finditer(rf"(?<![\d.,])({_NUM})[ \t]*(万元|元)/({_PER_WORDS})", text):
        if outside(m.start()):
            out.append(Edit(m.start(1), m.end(2), m.group(1), ("unit",), f"{m.group()} → {m.group(1)}/{m.group(3)}"))
    return out


# --------------------------------------------------------------------------- residue

_CHANGE_WORD = re.compile(r"(?:比上年|较上年|与上年相比|比20\d\d年|较20\d\d年|与20\d\d年相比|同比)[^。；\n]{0,20}?(增加|减少|增长|下降|上升|提高|降低)")
_OPPOSITE = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "上升": "下降", "提高": "降低", "降低": "提高"}


def sites_option_pair(text: str, rng: random.Random) -> list[Edit]:
    """A change word of a comparison left as the template's option pair: 增加 → 增加（减少）."""
    out = []
    outside = _outside_tables(text)
    for m in _CHANGE_WORD.finditer(text):
        if not outside(m.start()):
            continue
        word = m.group(1)
        new = rng.choice([f"{word}（{_OPPOSITE[word]}）", f"{word}({_OPPOSITE[word]})"])
        out.append(Edit(m.start(1), m.end(1), new, ("boilerplate",), f"{word} → {new}"))
    return out


_NOTES = ("（如持平作持平表述）", "（如有增减变化请说明原因）", "（此处填写主要原因）", "（参考格式）")


def sites_bracket_note(text: str, rng: random.Random) -> list[Edit]:
    """A template's bracketed instruction left in the body: after a comparison's change
    figure, or after a section heading."""
    out = []
    outside = _outside_tables(text)
    for m in _CHANGE.finditer(text):
        if outside(m.start()):
            note = rng.choice(_NOTES[:3])
            out.append(Edit(m.end(), m.end(), note, ("boilerplate",), f"插入{note}"))
    for m in _HEADING_RE.finditer(text):
        end = text.find("\n", m.start())
        if end > 0 and len(fold(text[m.start():end])) <= 30 and outside(m.start()):
            out.append(Edit(end, end, "（参考格式）", ("boilerplate",), "标题后插入（参考格式）"))
    return out


_ITEM = re.compile(r"^[ \t]*(?:([\u4e00-\u9fff]{1,4})(\d{1,2})[：:]|(\d{1,2})[.、．](?!\d)|[（(](\d{1,2})[）)])", re.M)


def sites_empty_row(text: str, rng: random.Random) -> list[Edit]:
    """A run of numbered lines ("目标1：…", "1.…", "（1）…"): a next item left as the template's
    empty row ("目标4：……")."""
    out = []
    outside = _outside_tables(text)
    items = [m for m in _ITEM.finditer(text) if outside(m.start())]
    for i, m in enumerate(items):
        n = int(m.group(2) or m.group(3) or m.group(4))
        nxt = items[i + 1] if i + 1 < len(items) else None
        line_end = text.find("\n", m.start())
        if line_end < 0 or n < 2:
            continue
        nxt_n = int(nxt.group(2) or nxt.group(3) or nxt.group(4)) if nxt else None
        if nxt is not None and nxt_n == n + 1:
            continue  # not the last item of its list (the next may follow a paragraph)
        prev = items[i - 1] if i else None
        if prev is None or int(prev.group(2) or prev.group(3) or prev.group(4)) != n - 1:
            continue
        if m.group(1):
            new = f"{m.group(1)}{n + 1}：……"
        elif m.group(3):
            new = f"{n + 1}{text[m.end() - 1]}……"
        else:
            new = f"（{n + 1}）……"
        out.append(Edit(line_end + 1, line_end + 1, new + "\n", ("boilerplate", "missing_part"), f"插入空白条目“{new}”"))
    return out


def sites_html_residue(text: str, rng: random.Random) -> list[Edit]:
    """Web-page residue: "&nbsp;" inside a narrative sentence, or "< >" for a lost number."""
    out = []
    outside = _outside_tables(text)
    for m in re.finditer(r"[\u4e00-\u9fff]，(?=[\u4e00-\u9fff])", text):
        if outside(m.start()) and rng.random() < 0.5:
            out.append(Edit(m.end(), m.end(), "&nbsp;", ("boilerplate", "wording"), "插入&nbsp;"))
    for m in re.finditer(r"^[ \t]*(\d{1,2})[.、．](?!\d)", text, re.M):
        if outside(m.start()):
            out.append(Edit(m.start(1), m.end(), "< >", ("boilerplate", "wording"), f"编号 {m.group()} → < >"))
    return out


def sites_docno(text: str, rng: random.Random) -> list[Edit]:
    """A document number "〔2023〕18号" whose closing bracket is lost: "〔202318号"."""
    return [Edit(m.start(2), m.end(2), "", ("wording", "boilerplate"), f"文号 {m.group()} 缺“〕”",
                 related=((m.start(), m.end()),))
            for m in re.finditer(r"[〔\[［](20\d\d)([〕\]］])(\d{1,4})号", text)]


def sites_year_xx(text: str, rng: random.Random) -> list[Edit]:
    """A year in the body (not the title) left as the template's "20XX年"."""
    out = []
    first_line = text.find("\n")
    outside = _outside_tables(text)
    for m in re.finditer(r"(?<![\d〔\[（(])(20\d\d)(?=年)", text):
        if m.start() > first_line and outside(m.start()):
            mark = rng.choice(["20XX", "20xx", "20××"])
            out.append(Edit(m.start(), m.end(), mark, ("boilerplate", "missing_part", "wording"),
                            f"{m.group()}年 → {mark}年", related=(sentence_bounds(text, m.start()),)))
    return out


# --------------------------------------------------------------------------- claims

_TARGET_ACTUAL = re.compile(
    rf"(不少于|不低于|≥|达到)[ \t]*({_NUM})[ \t]*([^\d\s，,。；;%]{{0,3}}?|%)"
    rf"[，,][^。；;\n\d]{{0,6}}?(实际完成|实际达到|实际|完成了?)[ \t]*({_NUM})[ \t]*(\3)(?=[，,；;。\n])")


def sites_claim_plan(text: str, rng: random.Random) -> list[Edit]:
    """A target and its actual stated in the text, met: the actual lowered below the target
    and "已按计划完成" said next to it."""
    out = []
    outside = _outside_tables(text)
    for m in _TARGET_ACTUAL.finditer(text):
        if not outside(m.start()):
            continue
        target, actual = to_number(m.group(2)), to_number(m.group(5))
        if actual < target or target <= 0:
            continue
        d = decimals_of(m.group(5))
        new = round(target * rng.uniform(0.75, 0.93), d)
        if new >= target or new <= 0:
            continue
        claim = rng.choice(["，已按计划完成", "，已按计划全部完成", "，达到预期目标"])
        out.append(Edit(m.start(5), m.end(6), f"{fmt(new, d)}{m.group(6)}{claim}", ("unsupported_claim",),
                        f"实际 {m.group(5)}{m.group(6)} → {fmt(new, d)}{m.group(6)}（目标 {m.group(1)}{m.group(2)}{m.group(3)}）{claim}",
                        also=((m.start(), m.end()),)))
    return out


_PROBLEMS_HEADING = re.compile(r"存在的?问题|主要问题|问题及原因|问题和不足")
_LOW_RATE = re.compile(rf"(?:执行率|支出率|支付率|执行进度)[^。；\n\d%]{{0,8}}?({_NUM})[ \t]*[%％]")
_BUDGET_SPENT = re.compile(rf"预算[^。；\n\d]{{0,6}}?({_NUM})[ \t]*万元[^。；\n\d]{{0,12}}?(?:支出|执行|使用)[^。；\n\d]{{0,4}}?({_NUM})[ \t]*万元")


def _low_execution(text: str) -> bool:
    if any(to_number(m.group(1)) < 90 for m in _LOW_RATE.finditer(text)):
        return True
    return any(0 < to_number(m.group(2)) / to_number(m.group(1)) < 0.9 for m in _BUDGET_SPENT.finditer(text)
               if to_number(m.group(1)) > 0)


def sites_claim_no_problem(text: str, rng: random.Random) -> list[Edit]:
    """In a report whose figures show execution below 90 % (outside the problems part),
    the problems part says "暂无问题"."""
    out = []
    headings = list(_HEADING_RE.finditer(text))
    for i, m in enumerate(headings):
        line_end = text.find("\n", m.start())
        line = text[m.start():line_end]
        if line_end < 0 or len(fold(line)) > 30 or not _PROBLEMS_HEADING.search(line) or "改进" in line:
            continue
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        end = text.rfind("\n", 0, end) + 1 if text.rfind("\n", 0, end) > line_end else end
        if not _low_execution(text[:line_end] + text[end:]):
            continue
        body = rng.choice(["暂无问题。", "无。", "经自查，本年度未发现问题。"])
        out.append(Edit(line_end + 1, end, body + "\n", ("unsupported_claim",), f"问题部分改为“{body}”"))
    return out


# --------------------------------------------------------------------------- numbering

_INLINE_NUM = re.compile(r"(?:(?<=[：:；;。，,])|^)[ \t]*(\d{1,2})[.、．](?!\d)|[（(](\d{1,2})[）)]", re.M)


def sites_numbering(text: str, rng: random.Random) -> list[Edit]:
    """Items numbered in one paragraph ("1.…2.…3."): the last number skips (→ n+1) or repeats."""
    out = []
    outside = _outside_tables(text)
    for line_start, line in _lines(text):
        if not outside(line_start):
            continue
        nums = [m for m in _INLINE_NUM.finditer(line) if m.start() > 0]
        run = []
        for m in nums:
            n = int(m.group(1) or m.group(2))
            style = m.group(1) is not None
            if run and (n != run[-1][0] + 1 or style != run[-1][1]):
                run = [] if n != 1 else run[:0]
            if not run and n != 1:
                continue
            run.append((n, style, m))
        if len(run) < 2:
            continue
        n, _, last = run[-1]
        group = 1 if last.group(1) else 2
        new = str(n + 1) if rng.random() < 0.6 or n < 3 else str(n - 1)
        out.append(Edit(line_start + last.start(group), line_start + last.end(group), new, ("wording", "duplicate"),
                        f"段内编号 {n} → {new}"))
    return out


_DOUBLING_WORDS = ("开展", "加强", "完成", "推进", "落实", "提高", "建立", "组织", "资金", "工作", "项目", "任务")


def sites_dup_paragraph(text: str, rng: random.Random) -> list[Edit]:
    """A narrative paragraph (30+ characters, with sentence punctuation) pasted a second
    time after another paragraph further on."""
    out = []
    outside = _outside_tables(text)
    lines = [(pos, line) for pos, line in _lines(text) if outside(pos)]
    candidates = [(pos, line) for pos, line in lines
                  if len(fold(line)) >= 40 and re.search(r"[，。；]", line) and line.strip().endswith("。")]
    for pos, line in candidates:
        later = [(p2, l2) for p2, l2 in lines if p2 > pos + len(line) + 200 and l2.strip().endswith("。")]
        if not later:
            continue
        p2, l2 = rng.choice(later)
        at = p2 + len(l2) + 1
        if at > len(text):
            continue
        out.append(Edit(at, at, line.strip() + "\n", ("duplicate",), f"段落重复粘贴：{line.strip()[:20]}…"))
    return out


def sites_dup_indicator(text: str, rng: random.Random) -> list[Edit]:
    """A score-table row whose indicator name is the row above's name again (the copy
    was never edited: "年度工作目标3" twice)."""
    out = []
    rows = indicator_rows(text, need=("weight",))
    for prev, row in zip(rows, rows[1:]):
        if prev.table is not row.table or prev.name is None or row.name is None:
            continue
        a, b = prev.name.text.strip(), row.name.text.strip()
        if not a or not b or a == b or len(a) < 4 or not _real(text, row.name) or not _real(text, prev.name):
            continue
        if re.search(r"合计|总计|小计|总分", a + b):
            continue
        out.append(Edit(row.name.start, row.name.end, a, ("duplicate",), f"指标名称 “{b}” → “{a}”（与上一行重复）",
                        also=((prev.name.start, prev.name.end),)))
    return out


def sites_dup_word(text: str, rng: random.Random) -> list[Edit]:
    """A word typed twice in running text ("开展开展")."""
    out = []
    outside = _outside_tables(text)
    for word in _DOUBLING_WORDS:
        for m in re.finditer(word, text):
            if not outside(m.start()) or text[m.end():m.end() + len(word)] == word or text[max(0, m.start() - len(word)):m.start()] == word:
                continue
            out.append(Edit(m.start(), m.end(), word + word, ("wording", "duplicate"), f"{word} → {word}{word}"))
    return out


NEW_MUTATORS = {
    "unmet_no_reason": sites_unmet_no_reason,
    "over_completion": sites_over_completion,
    "cost_comparator": sites_cost_comparator,
    "level_mismatch": sites_level_mismatch,
    "malformed_target": sites_malformed_target,
    "satisfaction_no_survey": sites_satisfaction_no_survey,
    "uniform_full": sites_uniform_full,
    "actual_copies_target": sites_actual_copies_target,
    "weights": sites_weights,
    "exec_score": sites_exec_score,
    "funds_sources": sites_funds_sources,
    "open_rate": sites_open_rate,
    "parts_exceed": sites_parts_exceed,
    "staffing": sites_staffing,
    "class_tag": sites_class_tag,
    "own_year_change": sites_own_year_change,
    "text_vs_table": sites_text_vs_table,
    "per_head_unit": sites_per_head_unit,
    "unitless": sites_unitless,
    "option_pair": sites_option_pair,
    "bracket_note": sites_bracket_note,
    "empty_row": sites_empty_row,
    "html_residue": sites_html_residue,
    "docno": sites_docno,
    "year_xx": sites_year_xx,
    "claim_plan": sites_claim_plan,
    "claim_no_problem": sites_claim_no_problem,
    "numbering": sites_numbering,
    "dup_paragraph": sites_dup_paragraph,
    "dup_indicator": sites_dup_indicator,
    "dup_word": sites_dup_word,
}


MUTATORS = {
    "total": sites_total,
    "share": sites_share,
    "rate": sites_rate,
    "score_total": sites_score_total,
    "score_cap": sites_score_cap,
    "unit": sites_unit,
    "grade": sites_grade,
    "deleted_part": sites_deleted_part,
    "placeholder": sites_placeholder,
    "off_domain": sites_off_domain,
    "table_cell": sites_table_cell,
    **NEW_MUTATORS,
}


def mutate(text: str, cls: str, seed: int | str = 0, avoid: list[tuple[int, int]] = (),
           limit: int = 1) -> list[Mutation]:
    """Up to `limit` mutations of one class at distinct sites, chosen with the seed; sites that
    overlap `avoid` (spans the clean review already reports) are skipped."""
    rng = random.Random(f"{seed}:{cls}")
    edits = [e for e in MUTATORS[cls](text, rng)
             if not any(overlaps((e.start, max(e.end, e.start + 1)), a) for a in avoid)]
    rng.shuffle(edits)
    chosen, used = [], []
    for e in edits:
        span = (e.start, max(e.end, e.start + 1))
        if any(overlaps(span, u) for u in used):
            continue
        used.append(span)
        chosen.append(apply_edit(cls, text, e))
        if len(chosen) >= limit:
            break
    return chosen


# --------------------------------------------------------------------------- rendering

def _render_module():
    """scripts/render_samples.py: the fixtures' DOCX/PDF rendering, shared rather than copied."""
    spec = importlib.util.spec_from_file_location("render_samples", ROOT / "scripts" / "render_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def printed_lines(paragraph: str, width: int) -> list[str]:
    """A paragraph cut as a page prints it, `width` characters a line, where white space
    takes no room (text extracted from a PDF keeps spaces the page never showed)."""
    lines, start, count = [], 0, 0
    for i, ch in enumerate(paragraph):
        if ch.isspace():
            continue
        if count == width:
            lines.append(paragraph[start:i])
            start, count = i, 0
        count += 1
    lines.append(paragraph[start:])
    return [ln for ln in lines if ln.strip()]


def render_docx(text: str, out_path: Path, per_line: int = 0) -> None:
    """A DOCX of a report text: paragraphs (re-joined across hard wraps) and real Word tables;
    with per_line > 0 every paragraph is cut into printed lines of that many characters."""
    from reviewer.ingest.txt import parse_txt

    rs = _render_module()
    document = rs._new_document()
    doc = parse_txt(text, str(out_path))
    for block in doc.blocks:
        if block.kind == "table":
            rs._add_table(document, [[c.text for c in row] for row in block.rows])
            document.add_paragraph()
            continue
        paragraph = rs.unwrap(block.text)
        if not paragraph:
            continue
        pieces = printed_lines(paragraph, per_line) if per_line else [paragraph]
        for piece in pieces:
            document.add_paragraph(piece)
    document.core_properties.author = "reviewer bench"
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    out_path.write_bytes(rs._stable_zip(buffer.getvalue()))


def render_pdfs(docx_paths: list[Path], out_dir: Path, workers: int = 2) -> None:
    """PDFs of many DOCX files: a few LibreOffice runs, each converting a share of the files."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("需要 LibreOffice（soffice）才能生成 PDF")
    if not docx_paths:
        return
    chunks = [docx_paths[i::workers] for i in range(workers) if docx_paths[i::workers]]
    with tempfile.TemporaryDirectory() as profiles:
        procs = []
        for n, chunk in enumerate(chunks):
            # A private profile per run, so parallel runs do not share one LibreOffice.
            procs.append(subprocess.Popen(
                [soffice, f"-env:UserInstallation=file://{profiles}/p{n}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(out_dir), *map(str, chunk)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in procs:
            p.wait(timeout=60 + 20 * len(docx_paths))


def _render_job(args: tuple) -> Path:
    return render(*args)


def render(text: str, fmt_name: str, stem: str, work: Path) -> Path:
    """Write one text in a format (PDF: its DOCX; render_pdfs makes the PDF later)."""
    if fmt_name == "txt":
        path = work / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
    elif fmt_name == "docx":
        path = work / f"{stem}.docx"
        render_docx(text, path)
    elif fmt_name == "docx_lines":
        path = work / f"{stem}.lines.docx"
        render_docx(text, path, per_line=LINE_WIDTH)
    elif fmt_name == "pdf":
        path = work / "pdf" / f"{stem}.docx"
        path.parent.mkdir(exist_ok=True)
        render_docx(text, path)
    else:
        raise ValueError(fmt_name)
    return path


# --------------------------------------------------------------------------- reviewing

def review_findings(path: str) -> tuple[list[dict], str, dict]:
    """The offline review of a file: its findings as JSON dicts, and its text folded."""
    from reviewer.options import ReviewOptions
    from reviewer.pipeline import review_file

    review, doc = review_file(path, ReviewOptions(llm="off"))
    findings = [f.model_dump() for f in review.findings]
    # Where each quote sits in the folded text, from its offsets: a short quote ("*", "5")
    # occurs many times, its location only once.
    cum, n = [0], 0
    for ch in doc.text:
        n += len(fold(ch))
        cum.append(n)
    for f in findings:
        loc = f.get("location") or {}
        s, e = loc.get("start"), loc.get("end")
        if s is not None and e is not None and 0 <= s <= e <= len(doc.text):
            f["folded_span"] = (cum[s], cum[e])
    return findings, fold(doc.text), review.document.model_dump()


def finding_key(f: dict) -> tuple[str, str]:
    return f.get("rule") or "", fold(f.get("quote"))


def quote_overlaps(f: dict, doc: str, targets: list[tuple[int, int]]) -> bool:
    located = f.get("folded_span")
    if located and located[1] > located[0] and any(overlaps(tuple(located), t) for t in targets):
        return True
    quote = fold(f.get("quote"))
    if len(quote) < 2:
        return False
    return any(overlaps(q, t) for q in spans(doc, quote) for t in targets)


def blob_of(f: dict) -> str:
    parts = [f.get(k) for k in ("title", "detail", "quote", "stated", "expected", "suggestion")]
    parts.append((f.get("location") or {}).get("section"))
    return fold(" ".join(str(p) for p in parts if p))


def judge(findings: list[dict], doc: str, baseline: list[dict], mutation: dict) -> dict:
    """Found or not, and the new findings the mutation brought, at its site or elsewhere."""
    base = collections.Counter(finding_key(f) for f in baseline)
    fresh = []
    for f in findings:
        key = finding_key(f)
        if base[key]:
            base[key] -= 1
        else:
            fresh.append(f)
    targets = spans(doc, fold(mutation["anchor"])) if mutation["anchor"] else []
    also = [t for a in mutation.get("also", []) for t in spans(doc, fold(a))]
    related = [t for a in mutation.get("related", []) for t in spans(doc, fold(a))]
    found, at_site, consequences, added = [], [], [], []
    for f in fresh:
        near = quote_overlaps(f, doc, targets)
        accepted = f.get("category") in mutation["categories"]
        if accepted and (near or quote_overlaps(f, doc, also) if mutation["anchor"]
                         else any(fold(w) in blob_of(f) for w in mutation["anyof"])):
            found.append(f)
        elif near:
            at_site.append(f)
        elif quote_overlaps(f, doc, related):
            consequences.append(f)
        else:
            added.append(f)
    return dict(found=bool(found), anchor_in_text=bool(targets) or not mutation["anchor"],
                hits=[(f["rule"], f["title"]) for f in found],
                at_site=[(f["rule"], f["category"], f["title"]) for f in at_site],
                consequences=[(f["rule"], f["category"], f["title"]) for f in consequences],
                added=[(f["rule"], f["category"], f["title"], f.get("quote", "")[:40]) for f in added])


def _review_job(job: dict) -> dict:
    started = time.perf_counter()
    try:
        findings, doc, _ = review_findings(job["path"])
    except Exception as exc:  # a crash is a result too: the mutation was not found
        return dict(job, error=f"{type(exc).__name__}: {exc}", found=False, seconds=0.0)
    out = dict(job, seconds=round(time.perf_counter() - started, 3))
    if job.get("mutation") is None:
        out["findings"] = findings
        return out
    out.update(judge(findings, doc, job["baseline"], job["mutation"]))
    out.pop("baseline")
    return out


# --------------------------------------------------------------------------- runner

def default_bases() -> list[Path]:
    """Clean reports: for each sample, whichever of its repaired copies (tests/fixtures/clean,
    tests/fixtures/corrected) the offline review flags least, then the clean synthetic reports."""
    fixtures = ROOT / "tests" / "fixtures"
    by_stem: dict[str, list[Path]] = collections.defaultdict(list)
    for folder in ("clean", "corrected"):
        for p in sorted((fixtures / folder).glob("*.txt")):
            by_stem[p.stem].append(p)
    bases = []
    for stem, paths in sorted(by_stem.items()):
        bases.append(min(paths, key=lambda p: len(review_findings(str(p))[0])) if len(paths) > 1 else paths[0])
    bases.append(fixtures / "synthetic_department_clean.txt")
    bases.extend(sorted(DATA.glob("*_clean.txt")))
    return [b for b in bases if b.exists()]


def build_mutations(bases: list[Path], classes: list[str], limit: int, seed: int) -> list[dict]:
    out = []
    for base in bases:
        text = base.read_text(encoding="utf-8")
        clean, _, _ = review_findings(str(base))
        avoid = [(f["location"]["start"], f["location"]["end"]) for f in clean
                 if f["location"].get("start") is not None]
        for cls in classes:
            for n, m in enumerate(mutate(text, cls, seed=f"{seed}:{base.name}", avoid=avoid, limit=limit)):
                out.append(dict(base=base.name, cls=cls, n=n, text=m.text, anchor=m.anchor,
                                categories=m.categories, anyof=m.anyof, also=m.also, related=m.related,
                                note=m.note))
    return out


def run(bases: list[Path], classes: list[str], formats: list[str], limit: int, seed: int,
        workers: int = 2, keep: Path | None = None) -> dict:
    started = time.perf_counter()
    mutations = build_mutations(bases, classes, limit, seed)
    work_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="reviewer-mutate-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        jobs, renders = [], []
        for bi, base in enumerate(bases):
            for f in formats:
                renders.append((base.read_text(encoding="utf-8"), f, f"b{bi}_clean", work_dir))
                jobs.append(dict(kind="clean", base=base.name, fmt=f, mutation=None))
        for mi, m in enumerate(mutations):
            for f in formats:
                renders.append((m["text"], f, f"m{mi:04d}", work_dir))
                jobs.append(dict(kind="mutation", base=m["base"], fmt=f, mutation_index=mi,
                                 mutation={k: m[k] for k in ("anchor", "categories", "anyof", "also", "related")}))
        # Rendering DOCX files is CPU work too: spread it over the workers.
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            for job, path in zip(jobs, pool.map(_render_job, renders, chunksize=8)):
                job["path"] = str(path)
        if "pdf" in formats:
            docx_for_pdf = [Path(j["path"]) for j in jobs if j["fmt"] == "pdf"]
            render_pdfs(docx_for_pdf, work_dir / "pdf", workers)
            for j in jobs:
                if j["fmt"] == "pdf":
                    j["path"] = str(Path(j["path"]).with_suffix(".pdf"))
        render_seconds = time.perf_counter() - started
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            clean_jobs = [j for j in jobs if j["kind"] == "clean"]
            baselines = {(r["base"], r["fmt"]): r.get("findings", []) for r in pool.map(_review_job, clean_jobs)}
            mutation_jobs = [dict(j, baseline=baselines[(j["base"], j["fmt"])]) for j in jobs if j["kind"] == "mutation"]
            results = list(pool.map(_review_job, mutation_jobs, chunksize=4))
    finally:
        if not keep:
            shutil.rmtree(work_dir, ignore_errors=True)
    records = []
    for r in results:
        m = mutations[r["mutation_index"]]
        records.append(dict(base=m["base"], cls=m["cls"], fmt=r["fmt"], note=m["note"], anchor=m["anchor"],
                            found=r.get("found", False), anchor_in_text=r.get("anchor_in_text", False),
                            hits=r.get("hits", []), at_site=r.get("at_site", []), added=r.get("added", []),
                            consequences=r.get("consequences", []),
                            error=r.get("error"), seconds=r.get("seconds")))
    return dict(seed=seed, limit=limit, bases=[b.name for b in bases], classes=classes, formats=formats,
                render_seconds=round(render_seconds, 1), total_seconds=round(time.perf_counter() - started, 1),
                summary=summarise(records, classes, formats), records=records)


def summarise(records: list[dict], classes: list[str], formats: list[str]) -> dict:
    table = {}
    for cls in classes:
        for f in formats:
            rs = [r for r in records if r["cls"] == cls and r["fmt"] == f]
            table[f"{cls}/{f}"] = dict(n=len(rs), found=sum(r["found"] for r in rs),
                                       added=sum(len(r["added"]) for r in rs),
                                       at_site=sum(len(r["at_site"]) for r in rs),
                                       anchor_lost=sum(not r["anchor_in_text"] for r in rs),
                                       errors=sum(bool(r["error"]) for r in rs))
    for f in formats:
        rs = [r for r in records if r["fmt"] == f]
        table[f"ALL/{f}"] = dict(n=len(rs), found=sum(r["found"] for r in rs),
                                 added=sum(len(r["added"]) for r in rs),
                                 at_site=sum(len(r["at_site"]) for r in rs),
                                 anchor_lost=sum(not r["anchor_in_text"] for r in rs),
                                 errors=sum(bool(r["error"]) for r in rs))
    return table


def print_table(result: dict, verbose: bool = False) -> None:
    formats, summary = result["formats"], result["summary"]
    width = 22
    name_width = max(14, *(len(c) + 1 for c in result["classes"]))
    print(f"{'class':<{name_width}}" + "".join(f"{f:>{width}}" for f in formats))
    print(f"{'':<{name_width}}" + "".join(f"{'found/n  added site':>{width}}" for _ in formats))
    for cls in result["classes"] + ["ALL"]:
        cells = []
        for f in formats:
            s = summary[f"{cls}/{f}"]
            if not s["n"]:
                cells.append(f"{'-':>{width}}")
                continue
            cell = f"{s['found']}/{s['n']} {100 * s['found'] / s['n']:3.0f}% {s['added']:>3} {s['at_site']:>3}"
            cells.append(f"{cell:>{width}}")
        print(f"{cls:<{name_width}}" + "".join(cells))
    print(f"bases: {len(result['bases'])}, mutations × formats: {len(result['records'])}, "
          f"seed {result['seed']}, render {result['render_seconds']}s, total {result['total_seconds']}s")
    lost = sum(r["anchor_in_text"] is False and not r["error"] for r in result["records"])
    if lost:
        print(f"anchor not found in the extracted text: {lost}")
    errors = collections.Counter((r["fmt"], r["error"].split(":")[0]) for r in result["records"] if r["error"])
    for (f, kind), n in sorted(errors.items()):
        example = next(r["error"] for r in result["records"] if r["fmt"] == f and r["error"].startswith(kind))
        print(f"review failed on {n} {f} files (counted as missed): {example[:160]}")
    if verbose:
        for r in result["records"]:
            if not r["found"] or r["added"]:
                mark = "missed" if not r["found"] else "found "
                print(f"  {mark} {r['cls']}/{r['fmt']} {r['base']}: {r['note']} | anchor {fold(r['anchor'] or '')[:30]!r}"
                      + (f" | error {r['error']}" if r["error"] else "")
                      + (f" | at site {r['at_site']}" if r["at_site"] else "")
                      + (f" | added {r['added']}" if r["added"] else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--classes", default=",".join(MUTATORS), help="comma-separated defect classes")
    ap.add_argument("--formats", default="txt", help=f"comma-separated, of {','.join(FORMATS)}")
    ap.add_argument("--limit", type=int, default=2, help="mutations per class and clean report (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bases", nargs="*", type=Path, help="clean reports (default: repaired samples + synthetic)")
    ap.add_argument("--json", type=Path, help="write every record and the summary as JSON")
    ap.add_argument("--keep", type=Path, help="keep the rendered files in this folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and added findings")
    a = ap.parse_args(argv)
    classes = [c for c in a.classes.split(",") if c]
    formats = [f for f in a.formats.split(",") if f]
    bad = [c for c in classes if c not in MUTATORS] + [f for f in formats if f not in FORMATS]
    if bad:
        print(f"未知的缺陷类别或格式：{', '.join(bad)}（类别：{', '.join(MUTATORS)}；格式：{', '.join(FORMATS)}）",
              file=sys.stderr)
        return 2
    bases = a.bases or default_bases()
    result = run(bases, classes, formats, a.limit, a.seed, a.workers, a.keep)
    print_table(result, a.verbose)
    if a.json:
        a.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
