"""Merging the model's findings into the deterministic ones.

- Same span (overlapping quote location) and same category: the pre-pass or rules
  finding stays and the model's explanation is added to its detail.
- Same span but a different category, or a model finding that calls the flagged
  text correct: a contradiction. Both are kept and the model finding says so.
- Anything else is added as it is (source "llm").
"""
from __future__ import annotations

import re

from .models import SOURCE_LABELS, Finding

# A model finding that declares the text correct, where the figures say otherwise.
_SAYS_FINE = re.compile(r"(?:核算|计算|数据|数字|表述|填写|分数|得分|合计)?(?:无误|正确|准确|一致|无问题|没有问题|不存在问题)")
_SAYS_WRONG = re.compile(r"不正确|不准确|不一致|有误|错误|矛盾|不符")


def _overlaps(a: Finding, b: Finding) -> bool:
    la, lb = a.location, b.location
    if None in (la.start, la.end, lb.start, lb.end) or not (a.grounded and b.grounded):
        return False
    return la.start < lb.end and lb.start < la.end


def _says_fine(f: Finding) -> bool:
    text = f"{f.title} {f.detail}"
    return bool(_SAYS_FINE.search(text)) and not _SAYS_WRONG.search(text)


def _model_opinion(f: Finding) -> str:
    return f.detail or f.title


def merge_findings(deterministic: list[Finding], llm: list[Finding]) -> list[Finding]:
    merged = [f.model_copy(deep=True) for f in deterministic]
    added: list[Finding] = []
    for m in llm:
        m = m.model_copy(deep=True)
        m.source = "llm"
        same_span = [d for d in merged if d.source != "llm" and _overlaps(d, m)]
        if not same_span:
            added.append(m)
            continue
        agree = [d for d in same_span if d.category == m.category]
        if agree and not _says_fine(m):
            target = agree[0]
            opinion = _model_opinion(m)
            if opinion and opinion not in target.detail:
                target.detail = f"{target.detail}\n模型意见：{opinion}" if target.detail else f"模型意见：{opinion}"
            if not target.suggestion and m.suggestion:
                target.suggestion = m.suggestion
            continue
        # A contradiction: shown next to the deterministic finding, never hidden.
        other = same_span[0]
        note = (f"注意：{SOURCE_LABELS.get(other.source, other.source)}对同一处的结论是“{other.title}”，"
                "与模型意见不同，请人工核实。")
        m.detail = f"{m.detail}\n{note}" if m.detail else note
        added.append(m)
    return merged + added
