"""Wording slips (`wording`): a word immediately repeated (开展开展, 任务任务, 的的) and
doubled or clashing punctuation (。。 ，。 ；。 ，，).

Tables flattened to text (web pages, document-sharing sites, xlsx exports) put
neighbouring cells side by side, so a header or a value equal to its neighbour reads as a
doubled word ("执行率执行率", "显著提升显著提升" where target = actual, "区森林区森林" where
a wrapped cell's two columns interleave). A doubled word is therefore not reported where
the text around it reads as a table rather than a sentence (parameters of
`wording.doubled` in the rubric):
- a long run without any clause punctuation (`table_run` characters);
- many figures nearby in the word's sentence (`table_numbers` within `window`);
- other text echoed nearby (a run of `echo_chars` characters twice within `window`);
- a repeated unit of `long_unit`+ characters on a line without sentence punctuation.
Single characters are checked only for the function words listed in `single_chars`
(的的, 在在): most doubled single characters are correct Chinese (人人, 年年, 常常).
"""
from __future__ import annotations

import bisect
import re

from ..textmatch import FoldedText, fold
from .context import RuleContext

RULE = "wording.doubled"
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
# Reduplications that are correct Chinese: 一个一个, 一步一步 …, and written numbers (二〇二〇).
LEGIT_DOUBLE = re.compile(r"^(一[\u4e00-\u9fff]{1,2}|[〇零一二三四五六七八九十百千万两]+)$")
# On folded text: NFKC turns "，" into "," and "；" into ";", "：" into ":".
# A run of three or more "。" is an ellipsis or a contents-page leader, not a doubled stop.
PUNCT = re.compile(r"(?<!。)。。(?!。)|[,;:、]。|,,|;;|、、|,;|;,|≥≥|≤≤")
CLAUSE_BREAK = re.compile(r"[。!?;,:、]")
SENTENCE_MARK = re.compile(r"[。!?;]")
NUMBER = re.compile(r"[≥≤<>]?\d+(?:\.\d+)?%?")
CITED_TITLE = re.compile(r"《[^《》]{1,60}》")

DEFAULTS = {"table_run": 64, "table_numbers": 4, "window": 40, "echo_chars": 6, "long_unit": 3}


# A heading whose number was lost, leaving its 、 ("、项目绩效情况").
LOST_NUMBER = re.compile(r"^、(?P<title>[\u4e00-\u9fff（）()]{2,30})$")


def _lost_heading_numbers(ctx: RuleContext) -> None:
    for block in ctx.doc.paragraphs:
        m = LOST_NUMBER.match(block.text.strip())
        if not m:
            continue
        start = block.start + block.text.index("、")
        ctx.add(category="wording", rule="wording.numbering_lost", title=f"标题缺少序号：{block.text.strip()}",
                detail=f"标题“{block.text.strip()}”以“、”开头，序号缺失。" + ctx.enforces("文字质量：序号连续"),
                span=(start, start + len(block.text.strip())), suggestion="补上标题的序号（如“三、”）。")


def check(ctx: RuleContext) -> None:
    _doubled_in_cells(ctx)
    _lost_heading_numbers(ctx)
    params = {**DEFAULTS, **ctx.params(RULE)}
    singles = "".join(c for c in params.get("single_chars") or [] if len(c) == 1)
    single = re.compile(rf"([{re.escape(singles)}])\1") if singles else None
    legit = [c for c in params.get("legit_contexts") or [] if isinstance(c, str)]
    for block in ctx.doc.paragraphs:
        ft = ctx.folded_block(block)
        folded = ft.folded
        breaks = _ClauseRuns(folded)
        candidates = list(DOUBLED.finditer(folded))
        if single:
            candidates += [m for m in single.finditer(folded)
                           if not _reduplicated(folded, m) and not _legit_context(folded, m, legit)]
        for m in sorted(candidates, key=lambda m: m.start()):
            word = m.group(1)
            if LEGIT_DOUBLE.match(word):
                continue
            if folded.startswith(word, m.end()) or folded.endswith(word, 0, m.start()):
                continue  # three times or more: cells of a flattened table, not a slip
            if len(word) > 1 and len(set(word)) == 1:
                continue  # one character four times ("久久久久"): no word doubled
            if _between_column_names(folded, m.start(), m.end(), len(word)):
                continue  # "三级指标指标值": two column names of a flattened header
            start, end = ctx.block_span(block, m.start(), m.end())
            mid_start, _ = ctx.block_span(block, m.start() + len(word), m.end())
            # Copies split by white space are separate cells or items, not a slip.
            if ctx.doc.text[mid_start - 1].isspace():
                continue
            if _reads_as_table(ctx, folded, m, breaks, params, start):
                continue
            _add_doubled(ctx, (start, end), m.group(), word)
        _glued_dates(ctx, block, ft)
        for m in PUNCT.finditer(folded):
            lead = max(0, m.start() - 8)
            start, end = ctx.block_span(block, lead, m.end())
            raw = ctx.doc.text[ctx.block_span(block, m.start(), m.end())[0]:end]
            if any(ch.isspace() for ch in raw):
                continue  # marks a space apart close two cells (columns read side by side)
            ctx.add(category="wording", rule="wording.punctuation", title=f"标点错误：{raw}",
                    detail=(f"“{raw}”标点重复或冲突。" + ctx.enforces("文字质量：标点规范")),
                    span=(start, end), suggestion="删去多余的标点。")


def _reduplicated(folded: str, m: re.Match) -> bool:
    """"的的确确", "是是非非": an AABB reduplication, or a run of three, is not a slip."""
    after = folded[m.end():m.end() + 2]
    before = folded[m.start() - 1:m.start()] if m.start() else ""
    return (len(after) == 2 and after[0] == after[1]) or before == m.group(1) or after[:1] == m.group(1)


def _legit_context(folded: str, m: re.Match, contexts: list[str]) -> bool:
    """The doubled character lies inside a listed correct span ("目的的" = 目的 + 的)."""
    pair = m.group()
    for context in contexts:
        at = context.find(pair)
        while at >= 0:
            start = m.start() - at
            if start >= 0 and folded[start:start + len(context)] == context:
                return True
            at = context.find(pair, at + 1)
    return False


class _ClauseRuns:
    """Positions of clause punctuation in a folded paragraph, for run lengths in O(log n)."""

    def __init__(self, folded: str):
        self.folded = folded
        self.marks = [m.start() for m in CLAUSE_BREAK.finditer(folded)]

    def run_around(self, start: int, end: int) -> int:
        i = bisect.bisect_left(self.marks, start)
        left = self.marks[i - 1] + 1 if i > 0 else 0
        j = bisect.bisect_left(self.marks, end)
        right = self.marks[j] if j < len(self.marks) else len(self.folded)
        return right - left


def _reads_as_table(ctx: RuleContext, folded: str, m: re.Match, breaks: _ClauseRuns, params: dict,
                    doc_start: int) -> bool:
    if breaks.run_around(m.start(), m.end()) >= int(params["table_run"]):
        return True
    w = int(params["window"])
    lo, hi = max(0, m.start() - w), min(len(folded), m.end() + w)
    # Figures count within the word's own sentence: a table row has many and no sentence end.
    ends = [x.end() for x in SENTENCE_MARK.finditer(folded, lo, m.start())]
    after = SENTENCE_MARK.search(folded, m.end(), hi)
    sentence = folded[ends[-1] if ends else lo:after.start() if after else hi]
    if len(NUMBER.findall(sentence)) >= int(params["table_numbers"]):
        return True
    if _echoed(folded, lo, hi, m.start(), m.end(), int(params["echo_chars"])):
        return True
    if len(m.group(1)) >= int(params["long_unit"]):
        line = _line_at(ctx.doc.text, doc_start)
        if not SENTENCE_MARK.search(FoldedText.of(line).folded):
            return True
    return False


def _echoed(folded: str, lo: int, hi: int, start: int, end: int, k: int) -> bool:
    """Another run of k characters occurs twice near the match: two columns of a wrapped
    cell read side by side ("林区安全稳定,全完成维护林业、林区安全稳定,全区森林区森林")."""
    if k <= 0:
        return False
    # A cited title (《…农村供水保障三年行动方案》) repeats the project's own name: prose,
    # not two table columns side by side.
    cited = [(c.start(), c.end()) for c in CITED_TITLE.finditer(folded, max(0, lo - 60), min(len(folded), hi + 60))]
    seen: dict[str, int] = {}
    for i in range(lo, hi - k + 1):
        if i < end and i + k > start:
            continue  # the doubled word itself
        if any(a < i + k and i < b for a, b in cited):
            continue
        gram = folded[i:i + k]
        if not re.search(r"[\u4e00-\u9fff]", gram):
            continue
        first = seen.get(gram)
        if first is None:
            seen[gram] = i
        elif i - first >= k:
            return True
    return False


def _line_at(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start:end if end >= 0 else len(text)]


# A year run into its month ("截至201912月", "于20211231日前"): the 年 (and 月) was lost.
# Only a year of this century or the last, a month 1–12 and a day 1–31 written with no
# space between the digits (a space is a cell boundary: "2019 12月" is two cells).
GLUED_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(1[0-2]|0?[1-9])(?:(3[01]|[12]\d|0?[1-9])日|月)")
# A month run into its day after a written year ("2021年1231日"), and a year's 年 written
# twice before a date ("2021年年12月"; "2020年年末" and "2021年年度" are correct).
GLUED_MONTH_DAY = re.compile(r"\d年年?(?P<month>1[0-2]|0[1-9])(?P<day>3[01]|[12]\d|0[1-9])日")
DOUBLED_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}年年(?=\d)")


def _glued_dates(ctx: RuleContext, block, ft) -> None:
    """Dates that lost 年 or 月 (one finding each), and 年 written twice before a date."""
    for pattern, first_group, what in ((GLUED_MONTH_DAY, "month", "月份与日期"), (GLUED_DATE, 0, "年份与月份")):
        for m in pattern.finditer(ft.folded):
            start, end = ctx.block_span(block, m.start(first_group), m.end())
            raw = ctx.doc.text[start:end]
            if any(ch.isspace() for ch in raw):
                continue  # a space between the digits is a cell boundary
            fixed = _written_date(m)
            ctx.add(category="wording", rule="wording.date_glued", title=f"日期缺字：{raw}",
                    detail=(f"“{raw}”{what}连在一起，疑为“{fixed}”漏字。" + ctx.enforces("文字质量：日期书写")),
                    span=(start, end), stated=raw, expected=fixed, suggestion=f"改为“{fixed}”。")
    for m in DOUBLED_YEAR.finditer(ft.folded):
        start, end = ctx.block_span(block, m.start(), m.end())
        _add_doubled(ctx, (start, end), ctx.doc.text[start:end], "年")


def _written_date(m: re.Match) -> str:
    """The date a glued match should have read: "2019年12月", "12月31日"."""
    groups = m.groupdict()
    if "month" in groups and groups["month"]:
        return f"{groups['month'].lstrip('0')}月{groups['day'].lstrip('0')}日"
    year, month, day = m.group(1), m.group(2).lstrip("0"), m.group(3)
    return f"{year}年{month}月" + (f"{day.lstrip('0')}日" if day else "")


def _add_doubled(ctx: RuleContext, span: tuple[int, int], doubled: str, word: str, where: str = "") -> None:
    """One doubled-word finding: `doubled` as written, `word` the part written twice."""
    fixed = doubled.replace(word + word, word, 1)
    ctx.add(category="wording", rule=RULE, title=f"词语重复：{doubled}",
            detail=(f"{f'“{where}”中' if where else ''}“{word}”连续出现两次，应为笔误。"
                    + ctx.enforces("文字质量：不得有重复字词")),
            span=span, stated=doubled, expected=fixed, suggestion=f"删去重复的“{word}”。")


# A two-character word doubled inside one table cell, with more of the cell around it
# ("社会效益效益指标"). A cell that is nothing but a phrase twice ("显著提升显著提升") is two
# cells the flattening glued, and is left alone.
CELL_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")


def _doubled_in_cells(ctx: RuleContext) -> None:
    for block in ctx.doc.blocks:
        if not block.is_table:
            continue
        for cell in block.cells():
            folded = fold(cell.text)
            if not 4 < len(folded) <= 30:
                continue
            for m in CELL_DOUBLED.finditer(folded):
                word = m.group(1)
                if LEGIT_DOUBLE.match(word) or m.start() == 0 and m.end() == len(folded):
                    continue
                if m.start() == 0 or m.end() == len(folded):
                    continue  # a doubled edge may be two cells' words run together
                ft = FoldedText.of(cell.text)
                s0, e0 = ft.span(m.start(), m.end())
                start, end = cell.start + s0, cell.start + e0
                _add_doubled(ctx, (start, end), m.group(), word, where=cell.text)


def _between_column_names(folded: str, start: int, end: int, half: int) -> bool:
    """Whether the doubled word's first copy ends one column name and its second starts
    the next ("三级指标" + "指标值")."""
    from ..layout.header import HEADER_RE

    window_start = max(0, start - 8)
    ends = {m.end() for m in HEADER_RE.finditer(folded, window_start, min(len(folded), end + 8))}
    starts = {m.start() for m in HEADER_RE.finditer(folded, start + half, min(len(folded), end + 8))}
    return start + half in ends and start + half in starts

