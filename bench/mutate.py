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
    """NFKC with all white space removed (the benchmark's comparison form)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


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
    return [f.model_dump() for f in review.findings], fold(doc.text), review.document.model_dump()


def finding_key(f: dict) -> tuple[str, str]:
    return f.get("rule") or "", fold(f.get("quote"))


def quote_overlaps(f: dict, doc: str, targets: list[tuple[int, int]]) -> bool:
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
        jobs = []
        for bi, base in enumerate(bases):
            for f in formats:
                path = render(base.read_text(encoding="utf-8"), f, f"b{bi}_clean", work_dir)
                jobs.append(dict(kind="clean", base=base.name, fmt=f, path=str(path), mutation=None))
        for mi, m in enumerate(mutations):
            for f in formats:
                path = render(m["text"], f, f"m{mi:04d}", work_dir)
                jobs.append(dict(kind="mutation", base=m["base"], fmt=f, path=str(path), mutation_index=mi,
                                 mutation={k: m[k] for k in ("anchor", "categories", "anyof", "also", "related")}))
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
    print(f"{'class':<14}" + "".join(f"{f:>{width}}" for f in formats))
    print(f"{'':<14}" + "".join(f"{'found/n  added site':>{width}}" for _ in formats))
    for cls in result["classes"] + ["ALL"]:
        cells = []
        for f in formats:
            s = summary[f"{cls}/{f}"]
            if not s["n"]:
                cells.append(f"{'-':>{width}}")
                continue
            cell = f"{s['found']}/{s['n']} {100 * s['found'] / s['n']:3.0f}% {s['added']:>3} {s['at_site']:>3}"
            cells.append(f"{cell:>{width}}")
        print(f"{cls:<14}" + "".join(cells))
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
