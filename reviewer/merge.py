"""Merging the model's findings into the deterministic ones, so the review reads as
written by one reviewer.

- Generic advice (no number, no quoted term, only "建议进一步加强…") is dropped: it
  says nothing about this report.
- A model finding on the span of a deterministic finding agrees with it, whatever
  category it chose: its explanation is added to the deterministic finding. (On a
  longer span that contains the flagged one, it agrees when it speaks of the same
  thing: a related category or one of the same figures.) It is a
  disagreement, shown next to it with a note, only when the model says the flagged
  text is fine.
- A missing-part finding merges with the deterministic one about the same part (parts
  have no span; they are identified by the rubric's part names and synonyms).
- A model finding that restates a deterministic finding's figures (the stated and the
  recomputed value) elsewhere is a repeat, merged the same way.
- Model findings on one paragraph (or overlapping spans) from several calls become one.
Every model finding gets a fate (kept, merged, dropped) with a reason, for the summary
and the audit log.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .models import SEVERITY_RANK, SOURCE_LABELS, Finding
from .textmatch import fold

# A model finding that declares the text correct, where the figures say otherwise.
_SAYS_FINE = re.compile(r"(?:核算|计算|数据|数字|表述|填写|分数|得分|合计)?(?:无误|正确|准确|一致|无问题|没有问题|不存在问题)")
_SAYS_WRONG = re.compile(r"不正确|不准确|不一致|有误|错误|矛盾|不符|偏差|差异")
FIGURE_CATEGORIES = frozenset({"arithmetic", "ratio", "score", "inconsistency", "unit", "unsupported_claim"})
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUOTED_TERM = re.compile(r"[“\"「『‘][^”\"」』’]{2,}[”\"」』’]")
_ADVICE = re.compile(r"^(?:建议|应当?|需要?|要|进一步|加强|强化|切实|持续|不断)|建议(?:进一步|继续|持续|加强|完善|提高|提升)|"
                     r"进一步(?:加强|完善|提高|提升|规范|强化)|有待(?:加强|提高|提升|完善)")
_POINTS_AT = re.compile(r"未|没有|缺少|缺乏具体|无(?:具体|数据|依据|说明)|不符|矛盾|只写|仅写|仅有|只有|空泛|套话|"
                        r"重复|照抄|与.{1,12}不|错|漏|残留")


@dataclass
class Fate:
    fate: str  # kept | merged | dropped
    reason: str = ""
    target: Optional[Finding] = None  # the finding it was merged into (or kept as)


@dataclass
class MergeOutcome:
    findings: list[Finding]
    fates: list[Fate] = field(default_factory=list)  # one per model finding, in input order


def _span(f: Finding):
    loc = f.location
    if not f.grounded or loc.start is None or loc.end is None:
        return None
    return loc.start, loc.end


def _overlap_share(a: Finding, b: Finding) -> float:
    """Overlap of the two spans as a share of the shorter one (0 when either has none)."""
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return 0.0
    inter = min(sa[1], sb[1]) - max(sa[0], sb[0])
    if inter <= 0:
        return 0.0
    return inter / max(1, min(sa[1] - sa[0], sb[1] - sb[0]))


def _same_span(a: Finding, b: Finding) -> bool:
    """Nearly the same text: the overlap covers at least half of the longer span."""
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return False
    inter = min(sa[1], sb[1]) - max(sa[0], sb[0])
    return inter > 0 and inter >= 0.5 * max(sa[1] - sa[0], sb[1] - sb[0])


def _overlaps(a: Finding, b: Finding) -> bool:
    return _overlap_share(a, b) > 0


def _text(f: Finding) -> str:
    return f"{f.title} {f.detail}"


def _says_fine(f: Finding) -> bool:
    text = _text(f)
    return bool(_SAYS_FINE.search(text)) and not _SAYS_WRONG.search(text)


def is_generic(f: Finding) -> bool:
    """Advice that fits any report: no number and no quoted term in what the finding
    says, phrased as advice, and not pointing at anything the report did or lacks."""
    own = f"{f.title} {f.detail}"
    if _NUMBER.search(own) or _QUOTED_TERM.search(own):
        return False
    if not (_ADVICE.search(f.title.strip()) or _ADVICE.search(f.detail.strip())):
        return False
    return not _POINTS_AT.search(own)


def _numbers(text: str) -> set[str]:
    out = set()
    for n in _NUMBER.findall((text or "").replace(",", "")):
        out.add(n.rstrip("0").rstrip(".") if "." in n else n)
    return out


def _repeats_figures(d: Finding, m: Finding) -> bool:
    """The model names both the figure a deterministic finding flagged and its recomputed
    value (or quotes the same text)."""
    if d.quote and m.quote and len(fold(d.quote)) >= 6 and fold(d.quote) == fold(m.quote):
        return _related(d, m)  # the same text at another occurrence
    if not (d.stated and d.expected):
        return False
    said = _numbers(f"{m.title} {m.detail} {m.quote}")
    return bool(_numbers(d.stated) & said) and bool(_numbers(d.expected) & said)


def _related(d: Finding, m: Finding) -> bool:
    """Two findings on one span that speak of the same thing."""
    if d.category == m.category:
        return True
    if d.category in FIGURE_CATEGORIES and m.category in FIGURE_CATEGORIES:
        return True
    numbers = _numbers(f"{d.quote} {d.stated or ''} {d.expected or ''}")
    return bool(numbers & _numbers(_text(m)))


# --- parts -------------------------------------------------------------------------------

def part_of(f: Finding, parts: dict[str, tuple[str, list[str], list[str]]]) -> Optional[str]:
    """The rubric part a missing-part finding is about: its rule id (part.X / element.X)
    when it has one, else the part whose name or synonym it mentions (longest wins)."""
    m = re.match(r"(?:part|element)\.([\w-]+)", f.rule or "")
    if m and m.group(1) in parts:
        return m.group(1)
    text = fold(f"{f.title} {f.detail} {f.quote}")
    best, best_len = None, 0
    for pid, (name, words, _) in parts.items():
        for w in [name, *words]:
            fw = fold(w)
            if len(fw) >= 2 and fw in text and len(fw) > best_len:
                best, best_len = pid, len(fw)
    return best


# --- merging -------------------------------------------------------------------------------

def _add_opinion(target: Finding, m: Finding) -> None:
    opinion = m.detail or m.title
    if opinion and opinion not in target.detail and fold(opinion) not in fold(target.detail):
        target.detail = f"{target.detail}\n模型意见：{opinion}" if target.detail else f"模型意见：{opinion}"
    if not target.suggestion and m.suggestion:
        target.suggestion = m.suggestion


def _fold_into(target: Finding, m: Finding) -> None:
    """One model finding absorbed by another: the stronger severity, both explanations."""
    if SEVERITY_RANK[m.severity] > SEVERITY_RANK[target.severity]:
        target.severity = m.severity
    if m.detail and fold(m.detail) not in fold(target.detail):
        target.detail = f"{target.detail}\n{m.detail}" if target.detail else m.detail
    if not target.suggestion and m.suggestion:
        target.suggestion = m.suggestion


def merge_model_findings(deterministic: list[Finding], llm: list[Finding], parts: dict | None = None,
                         block_of=None, call_of: list[str] | None = None) -> MergeOutcome:
    """Deterministic findings (copied, with model opinions added) plus the model
    findings that say something new, and the fate of every model finding.

    `parts`: rubric part id -> (name, synonyms, excluded) for missing-part identity;
    `block_of(offset)`: the paragraph or table an offset is in; `call_of[i]`: the call
    model finding i came from."""
    parts = parts or {}
    merged = [f.model_copy(deep=True) for f in deterministic]
    det = [f for f in merged if f.source != "llm"]
    fates: list[Optional[Fate]] = [None] * len(llm)
    kept: list[tuple[int, Finding]] = []
    order = sorted(range(len(llm)), key=lambda i: -SEVERITY_RANK[llm[i].severity])
    for i in order:
        m = llm[i].model_copy(deep=True)
        m.source = "llm"
        if is_generic(m):
            fates[i] = Fate("dropped", "generic")
            continue
        # Missing parts: by part identity.
        if m.category == "missing_part":
            pid = part_of(m, parts)
            same = [d for d in det if d.category == "missing_part" and pid and part_of(d, parts) == pid]
            if same:
                _add_opinion(same[0], m)
                fates[i] = Fate("merged", "same_part", same[0])
                continue
        # The same span, or the same figures, as a deterministic finding.
        on_span = sorted((d for d in det if _overlaps(d, m)), key=lambda d: -_overlap_share(d, m))
        if on_span and _says_fine(m):
            other = on_span[0]
            note = (f"注意：{SOURCE_LABELS.get(other.source, other.source)}对同一处的结论是“{other.title}”，"
                    "与模型意见不同，请人工核实。")
            m.detail = f"{m.detail}\n{note}" if m.detail else note
            kept.append((i, m))
            fates[i] = Fate("kept", "disagreement", m)
            continue
        # The same span is agreement whatever the category; a longer span containing a
        # flagged one agrees only when it speaks of the same thing.
        agree = [d for d in on_span if _same_span(d, m) or _related(d, m)] or \
            [d for d in det if _repeats_figures(d, m)]
        if agree:
            _add_opinion(agree[0], m)
            fates[i] = Fate("merged", "agrees_with_prepass", agree[0])
            continue
        # The same paragraph or span as a model finding already kept.
        twin = _model_twin(m, [k for _, k in kept], block_of, call_of, i, kept, parts)
        if twin is not None:
            _fold_into(twin, m)
            fates[i] = Fate("merged", "same_paragraph", twin)
            continue
        kept.append((i, m))
        fates[i] = Fate("kept", "", m)
    kept.sort()
    return MergeOutcome(merged + [m for _, m in kept], [f or Fate("dropped", "unknown") for f in fates])


def _model_twin(m: Finding, others: list[Finding], block_of, call_of, index, kept, parts) -> Optional[Finding]:
    for (j, k) in kept:
        if not k.grounded or not m.grounded:
            if k.title == m.title and fold(k.quote) == fold(m.quote):
                return k
            if m.category == k.category == "missing_part" and part_of(m, parts) and \
                    part_of(m, parts) == part_of(k, parts):
                return k
            continue
        share = _overlap_share(k, m)
        if share >= 0.5 and (k.category == m.category or
                             (k.category in FIGURE_CATEGORIES and m.category in FIGURE_CATEGORIES)):
            return k
        if m.category == k.category == "missing_part" and part_of(m, parts) and \
                part_of(m, parts) == part_of(k, parts):
            return k
        if block_of is not None and call_of is not None and call_of[j] != call_of[index] and \
                k.category == m.category:
            a, b = block_of(k.location.start), block_of(m.location.start)
            if a is not None and a is b:
                return k
    return None


def merge_findings(deterministic: list[Finding], llm: list[Finding], parts: dict | None = None) -> list[Finding]:
    """The merged findings only (see merge_model_findings)."""
    return merge_model_findings(deterministic, llm, parts).findings
