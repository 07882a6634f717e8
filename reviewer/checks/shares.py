"""Shares: "X a万元，占总收入的 p%" recomputed against the base the sentence names.

The base is looked up by name (总收入, 总支出, “三公”经费 …) among the amounts stated
before the share: first in the same paragraph, then in earlier paragraphs (nearest
first), then anywhere. A share of an income item taken "of total expenditure" (or the
reverse) is recomputed against the right base and the wrong base is named.
"""
from __future__ import annotations

import bisect
import re

from ..document import Document
from ..figures import Figure, FigureIndex, Paragraph
from ..models import Finding
from ..textmatch import fold
from .common import consistent, decimals_of, fmt, prepass_finding, severity_of

SHARE_RE = re.compile(
    r"占(?P<base>[^,;。%\d]{0,24}?)(?:的)?(?:比重|比例|份额)?(?:为|达|约)?(?P<pct>\d+(?:\.\d+)?)%"
)
# Names under which reports state the totals shares are taken of.
BASE_SYNONYMS = {
    # 收入预算/支出预算 are bases in a budget disclosure only (_EXCLUDED_BASE_LABEL elsewhere).
    "收入": ("总收入", "收入合计", "收入总计", "收入总额", "收入决算", "本年收入", "全年收入", "收入预算"),
    "支出": ("总支出", "支出合计", "支出总计", "支出总额", "支出决算", "本年支出", "全年支出", "支出预算"),
}
_EXCLUDED_BASE_LABEL = re.compile(r"预算|上年|去年|同期|年初")
# In a budget disclosure (部门预算) the budget is the year's own figure, not another one.
_EXCLUDED_IN_BUDGET = re.compile(r"上年|去年|同期")
# A base named as the whole of one side: 总收入, 本年支出总额, 全部支出, 年度总支出 …
_TOTAL_WORDS = re.compile(r"总额|总计|合计|全部|全年|本年|年度|总|的")


def _whole_side(base: str) -> str | None:
    """收入/支出 when `base` names the whole of that side and nothing narrower."""
    rest = _TOTAL_WORDS.sub("", base)
    return rest if rest in ("收入", "支出") and rest != base else None


def _flow_of(text: str) -> str | None:
    """收入 or 支出: which side of the account a label or base name is on."""
    has_in, has_out = "收入" in text, "支出" in text
    if has_in and not has_out:
        return "收入"
    if has_out and not has_in:
        return "支出"
    return None


def _strip_quotes(s: str) -> str:
    return re.sub(r"[“”\"'‘’「」]", "", s)


def _label_matches(label: str, base: str, excluded: re.Pattern = _EXCLUDED_BASE_LABEL) -> bool:
    label, base = _strip_quotes(label), _strip_quotes(base)
    if not base or excluded.search(label):
        return False
    flow = _whole_side(base)
    if flow:
        return any(s in label for s in BASE_SYNONYMS[flow])
    return base in label


class _BaseFinder:
    """Finds the amount a share is taken of. For each base name it indexes once where
    amounts of that name (by the very name, then by a synonym) are stated, so a lookup
    is a binary search, not a walk through the document."""

    def __init__(self, index: FigureIndex, budget_document: bool = False):
        self.paragraphs = index.paragraphs
        self.excluded = _EXCLUDED_IN_BUDGET if budget_document else _EXCLUDED_BASE_LABEL
        self._where: dict[tuple[str, bool], tuple[list[int], list[list[Figure]]]] = {}

    def _positions(self, base: str, exact: bool) -> tuple[list[int], list[list[Figure]]]:
        key = (base, exact)
        if key not in self._where:
            # "占全年执行数的": a label states the amount without its 数/额 ("全年执行331.80万元").
            name = _strip_quotes(base)
            name = re.sub(r"(?<=..)(?:数|额|金额)$", "", name)

            def match(label: str) -> bool:
                # A label of a budget or last year's amount is no base, unless the share
                # names that very thing ("占全年预算的").
                if exact:
                    return bool(name) and name in _strip_quotes(label) \
                        and not any(w not in name for w in self.excluded.findall(label))
                return _label_matches(label, base, self.excluded)

            paras, figures = [], []
            for pi, para in enumerate(self.paragraphs):
                found = [f for f in para.figures if f.kind == "amount" and match(f.label)]
                if found:
                    paras.append(pi)
                    figures.append(found)
            self._where[key] = (paras, figures)
        return self._where[key]

    def find(self, base: str, pi: int, before: int) -> Figure | None:
        """The amount named `base`, stated before folded position `before` of paragraph `pi`:
        the same paragraph first, then earlier paragraphs (nearest first), then later ones;
        within each, a label holding the very name before one named by a synonym."""
        positions = [self._positions(base, True), self._positions(base, False)]
        for paras, figures in positions:  # this paragraph, before the share
            k = bisect.bisect_left(paras, pi)
            if k < len(paras) and paras[k] == pi:
                here = [f for f in figures[k] if f.fend <= before]
                if here:
                    return here[-1]
        nearest: tuple[int, Figure] | None = None
        for paras, figures in positions:  # the nearest earlier paragraph
            k = bisect.bisect_left(paras, pi) - 1
            if k >= 0 and (nearest is None or paras[k] > nearest[0]):
                nearest = (paras[k], figures[k][-1])
        if nearest is not None:
            return nearest[1]
        for paras, figures in positions:  # the nearest later paragraph
            k = bisect.bisect_right(paras, pi)
            if k < len(paras) and (nearest is None or paras[k] < nearest[0]):
                nearest = (paras[k], figures[k][0])
        return nearest[1] if nearest is not None else None


def _part_before(para: Paragraph, share_start: int) -> Figure | None:
    s, _ = para.sentence_bounds(share_start)
    cands = [f for f in para.figures if s <= f.fstart and f.fend <= share_start and f.kind == "amount"]
    return cands[-1] if cands else None


_LIST_MARKER = re.compile(r"其中|主要用于|包括|分别为|分别是|具体(?:情况)?(?:如下|为)|如下|用于以下|按[^，。；,;]{0,10}分类|构成|组成")


def _listed_whole(para: Paragraph, part: Figure, whole_paragraph: bool = False) -> Figure | None:
    """The amount a list of parts is introduced under ("X万元，主要用于以下方面：A a万元，
    占p%"): the nearest earlier amount of the paragraph followed by a list marker
    (`whole_paragraph`: any amount of this paragraph, the part being in the next one)."""
    # A bracketed amount ("总收入220.80万元（财政拨款收入219.60万元…），其中：") is an aside.
    before = [f for f in para.figures if (whole_paragraph or f.fend <= part.fstart) and f.kind == "amount"
              and f.in_yuan and not f.in_parens]
    end = len(para.text) if whole_paragraph else part.fstart
    for whole in reversed(before):
        if _LIST_MARKER.search(para.text, whole.fend, end) and whole.in_yuan > part.in_yuan:
            return whole
    return None


def _runs_on(previous: Paragraph, para: Paragraph, part: Figure) -> bool:
    """`para` goes on the sentence `previous` left open (no sentence end between them)."""
    return not re.search(r"[。！？!?]\s*$", previous.text) and not re.search(r"[。！？!?]", para.text[:part.fstart])


def _budget_document(doc: Document) -> bool:
    """A budget disclosure (2025年部门预算): its title names a budget and no outturn or
    evaluation."""
    from ..kind import title_candidates

    titles = "".join(fold(t) for t in title_candidates(doc))
    return "预算" in titles and not re.search(r"决算|绩效|自评|评价|执行", titles)


def check_shares(doc: Document, index: FigureIndex) -> list[Finding]:
    out: list[Finding] = []
    finder = _BaseFinder(index, _budget_document(doc))
    for pi, para in enumerate(index.paragraphs):
        for m in SHARE_RE.finditer(para.text):
            part = _part_before(para, m.start())
            if part is None or part.in_yuan is None:
                continue
            named = re.sub(r"^(比|全|所)$", "", m.group("base").strip())  # "占比5%" names no base
            part_flow = _flow_of(part.label)
            base_name = named
            wrong_base = False
            if not named:
                if part_flow is None:
                    continue
                base_name = "总" + part_flow
            elif _whole_side(named) and part_flow and _whole_side(named) != part_flow:
                # An income item "of total expenditure": recompute against total income.
                base_name, wrong_base = "总" + part_flow, True
            base = finder.find(base_name, pi, m.start())
            pct_text = m.group("pct")
            whole = None
            if not named:
                whole = _listed_whole(para, part)
                previous = index.paragraphs[pi - 1] if pi > 0 else None
                if whole is None and previous is not None and _runs_on(previous, para, part):
                    # A printed line not joined back: the list's whole sits in the line before.
                    whole = _listed_whole(previous, part, whole_paragraph=True)
            if whole is not None:
                # Shares listed under a whole are taken of it, unless the named total fits.
                if base is not None and base.in_yuan and consistent(pct_text, part.in_yuan / base.in_yuan * 100):
                    continue
                base, base_name = whole, whole.label
            if base is None or base is part or not base.in_yuan:
                continue
            if base.in_yuan < part.in_yuan and float(pct_text) <= 100:
                continue  # a base smaller than its part is itself misread or misstated
            recomputed = part.in_yuan / base.in_yuan * 100
            if consistent(pct_text, recomputed) and not wrong_base:
                continue
            decimals = max(2, decimals_of(pct_text))
            expected = f"{fmt(recomputed, decimals)}%"
            start = para.span(para.clause_start(part.fstart), m.end())
            arithmetic = f"{part.shown()} ÷ {base.label or base_name}{base.shown()} = {expected}"
            if wrong_base:
                detail = (f"{part.label}属于{part_flow}，文中却写“占{named}”；按{base_name}重算："
                          f"{arithmetic}，文中写{pct_text}%。")
                title = "占比的基数用错且数值不符" if not consistent(pct_text, recomputed) else "占比的基数用错"
            else:
                detail = f"{arithmetic}，文中写{pct_text}%。"
                title = "占比与重算不符"
            out.append(prepass_finding(
                doc, category="ratio", rule="ratio.share", title=title, detail=detail,
                span=start, stated=f"{pct_text}%", expected=expected,
                severity=severity_of(pct_text, recomputed) if not wrong_base else "error",
                suggestion=f"核对占比，按{part.num_text}/{base.num_text}重新计算"
                           + (f"，并将基数改为{base_name}" if wrong_base else "") + "。",
            ))
    return out
