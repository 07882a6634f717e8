"""Indicator targets against actual values stated in the narrative, and the report's
claims of full completion next to a target that was not met.

A target is a figure with a comparator (不低于 85%, ≥105人, ≤260元) or a figure labelled
指标值/目标值; its actual is the next figure of the same unit labelled 实际/完成值/实现
within the same sentence. "Higher is better" unless the comparator says otherwise.
An unmet target next to a claim that everything was completed as planned is reported at
the claim; an unmet target with no stated reason is reported at the target.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..document import Document
from ..figures import Figure, FigureIndex, Paragraph
from ..models import Finding
from ..sections import heading_rank
from .common import prepass_finding

_AT_LEAST = ("≥", ">=", ">", "不低于", "不少于", "达到", "超过")
_AT_MOST = ("≤", "<=", "<", "不高于", "不超过")
_TARGET_LABEL = re.compile(r"指标值|目标值|目标为|计划")
_ACTUAL_LABEL = re.compile(r"实际|完成值|实现值|完成了?|达到了|实现了")
_REASON = re.compile(r"原因|由于|因为|所致|因\S{0,12}(?:影响|导致|减少|未|顺延|延期|推迟|延迟|暂缓|停工|滞后|调整|取消|缩减)|受\S{0,12}影响|导致|偏差")
# Claims that every target was met as planned (only whole-report or whole-dimension claims).
_CLAIM = re.compile(
    r"(?:已|均已|全部|圆满|如期|顺利)?(?:按照?计划完成|全面完成|全部完成|圆满完成|均已完成|已完成全部|"
    r"达到(?:了)?预期(?:效果|目标)?|完成(?:了)?(?:全部|各项)(?:绩效)?(?:目标|指标))"
)
_NEGATED = re.compile(r"(?:未|没有|尚未|不能|未能|基本)$")


@dataclass
class Unmet:
    para: Paragraph
    target: Figure
    actual: Figure
    higher_is_better: bool

    def shown(self, f: Figure) -> str:
        return f.shown() + ("" if f.unit else _unit(self.para, f))

    @property
    def text(self) -> str:
        word = "不低于" if self.higher_is_better else "不高于"
        return f"{self.target.label}{word}{self.shown(self.target)}，实际{self.shown(self.actual)}"


def _direction(target: Figure) -> bool | None:
    cmp = target.comparator or ""
    if cmp in _AT_MOST:
        return False
    if cmp in _AT_LEAST:
        return True
    return True if _TARGET_LABEL.search(target.label) else None


# Measures the figure reader leaves unit-less (公里, 亩 …), read from the text after the number.
_MEASURE = re.compile(r"平方公里|平方米|立方米|公里|千米|公顷|千瓦|小时|个月|米|亩|吨|天|册|本|张|篇|棵|株|只|头|处|座|套|间|户|宗")


def _unit(para: Paragraph, f: Figure) -> str:
    if f.unit:
        return f.unit
    m = _MEASURE.match(para.text, f.fend)
    return m.group() if m else ""


def _comparable(para: Paragraph, a: Figure, b: Figure) -> bool:
    if a.kind == "amount" and b.kind == "amount":
        return True
    unit = _unit(para, a)
    return unit != "" and unit == _unit(para, b) and a.kind != "score"


def _value(f: Figure) -> Decimal:
    return f.in_yuan if f.in_yuan is not None else f.value


def unmet_targets(index: FigureIndex) -> list[Unmet]:
    out: list[Unmet] = []
    for para in index.paragraphs:
        figures = para.figures
        for i, target in enumerate(figures):
            higher = _direction(target)
            if higher is None or target.in_parens:
                continue
            s, e = para.sentence_bounds(target.fstart)
            actual = None
            for g in figures[i + 1:]:
                if g.fstart >= e:
                    break
                if _comparable(para, target, g):
                    actual = g
                    break
            # "实际达到83.5%": after an actual's label 达到 says attained, not "at least".
            if actual is None or actual.comparator not in (None, "达到") or not _ACTUAL_LABEL.search(actual.label):
                continue
            a, t = _value(actual), _value(target)
            met = a >= t if higher else a <= t
            if not met:
                out.append(Unmet(para, target, actual, higher))
    return out


def _claims(index: FigureIndex) -> list[tuple[Paragraph, re.Match]]:
    found = []
    for para in index.paragraphs:
        for m in _CLAIM.finditer(para.text):
            if _NEGATED.search(para.text[max(0, m.start() - 4):m.start()]):
                continue
            found.append((para, m))
    return found


def _last_part_start(index: FigureIndex) -> int:
    """Where the last part (a heading numbered 一、 or （一）) starts; 0 when there is none."""
    last = 0
    for p in index.paragraphs:
        rank = heading_rank(p.block.text)
        if rank is not None and rank <= 1:
            last = p.block.start
    return last


def _reason_may_be_cut_off(doc: Document, last_part: int, para: Paragraph) -> bool:
    """A text cut short (a saved page's opening) before the part after this one begins:
    the reason may follow in what was cut off."""
    return doc.cut_at < len(doc.text) and para.block.start >= last_part


def check_targets(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    unmet = unmet_targets(index)
    if not unmet:
        return out
    listed = "；".join(u.text for u in unmet[:3]) + ("等" if len(unmet) > 3 else "")
    claims = _claims(index)
    seen: set[tuple[int, int]] = set()
    for para, m in claims:
        s, e = para.sentence_bounds(m.start())
        if (id(para), s) in seen or len(seen) >= 2:
            continue
        seen.add((id(para), s))
        out.append(prepass_finding(
            doc, category="unsupported_claim", rule="claim.unmet_target", title="称已完成目标，但有指标未达标",
            detail=f"报告称“{m.group()}”，但文中{listed}，未达到指标值。",
            span=para.span(s, e), stated=m.group(), expected="如实反映未完成的指标并说明原因",
            severity="warning", suggestion="如实表述目标完成情况，说明未达标指标的偏差原因及改进措施。",
        ))
    last_part = _last_part_start(index)
    for u in unmet:
        s, e = u.para.sentence_bounds(u.target.fstart)
        tail = u.para.text[s:min(len(u.para.text), e + 80)]
        if _REASON.search(tail) or _reason_may_be_cut_off(doc, last_part, u.para):
            continue
        out.append(prepass_finding(
            doc, category="unsupported_claim", rule="claim.unmet_no_reason", title="指标未达标且未说明原因",
            detail=f"{u.text}，未达到指标值，文中未说明偏差原因。",
            span=u.para.span(u.para.clause_start(u.target.fstart),
                             u.actual.fend + (0 if u.actual.unit else len(_unit(u.para, u.actual)))),
            stated=u.shown(u.actual), expected=f"{'≥' if u.higher_is_better else '≤'}{u.shown(u.target)}",
            severity="warning", suggestion="说明未达标的原因及拟采取的改进措施。",
        ))
    return out
