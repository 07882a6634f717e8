"""Numbered items that repeat or skip within one list.

Three kinds of list are followed:
- paragraphs opened by a numbering style (一、 / （一） / 1、 1. / （1） / ①): a list is the
  run of one style under the same parent, so a paragraph of a higher style closes the
  lists below it, and starting again at 1 opens a new list. Styles nest in any order and
  automatic numbering drops numbers in conversion, so here only a number repeated right
  after itself ("（三）" twice in a row) is reported;
- ordinals inside a paragraph ("一是…二是…"), continuing into the next paragraph of the
  same section only when it goes on with the next number;
- labelled items opening paragraphs ("目标 1：…", "任务 2 …");
- numbered items run together inside one paragraph ("1.…2.…4.…4." or "（一）…（三）", as in
  a web page or a PDF line flattened to one paragraph). An item's number must open the
  paragraph or follow a sentence end, a colon, a comma or white space, so decimals (1.5),
  dates (2020.1.5) and 第1、2项 are not items; a list must start at 1 and have two items;
  a higher style inside the paragraph ("（二）" after "1.…2.…") closes the lists below it.

A number already used in the current list is a repeat (`duplicate`, warning, quoting the
second occurrence); a number past the next one is a skip (`wording`, info).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Block, Document
from ..findings import make_finding
from ..models import Finding
from ..textmatch import fold

SOURCE = "prepass"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def cn_number(text: str) -> int | None:
    """一..九十九 as an int ("十二" -> 12, "二十" -> 20)."""
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones:
        return None
    t = _CN_DIGITS.get(tens, None) if tens else 1
    o = _CN_DIGITS.get(ones, None) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


# Paragraph numbering styles, highest level first: (rank, pattern with group "n").
_STYLES: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^\s*(?P<n>[{_CN}]{{1,3}})\s*[、．.]")),
    (1, re.compile(rf"^\s*[（(]\s*(?P<n>[{_CN}]{{1,3}})\s*[）)]")),
    (2, re.compile(r"^\s*(?P<n>\d{1,2})\s*(?:[、．]|\.(?!\d))")),
    (3, re.compile(r"^\s*[（(]\s*(?P<n>\d{1,2})\s*[）)]")),
    (4, re.compile(rf"^\s*(?P<n>[{_CIRCLED}])")),
]
_STYLE_EXAMPLE = {0: "{}、", 1: "（{}）", 2: "{}、", 3: "（{}）", 4: "{}"}
_LABELLED = re.compile(
    rf"^\s*(?P<label>(?:年度)?(?:工作|绩效|履职)?(?:目标|任务)|重点工作|重点任务|措施|问题)\s*"
    rf"(?:(?P<d>\d{{1,2}})(?=\s*[：:、．.]|\s+\S|[\u4e00-\u9fff])|(?P<c>[{_CN}]{{1,3}})(?=\s*[：:、．.]))"
)
# A printed line may break inside or right after "四是" (hard-wrapped text keeps its breaks).
_ORDINAL = re.compile(rf"(?:^|(?<=[。；;，,：:！!？?、）)”\"\s]))(?P<n>[{_CN}]{{1,3}})\s?是(?=\s*[\u4e00-\u9fff“\"《（(A-Za-z0-9])")


def _value(token: str) -> int | None:
    if token in _CIRCLED:  # before isdigit(): "①".isdigit() is True
        return _CIRCLED.index(token) + 1
    if token.isdigit():
        return int(token)
    return cn_number(token)


@dataclass
class _List:
    last: int
    seen: set[int] = field(default_factory=set)


@dataclass
class _Event:
    kind: str  # "repeat" or "skip"
    number: int
    last: int
    span: tuple[int, int]
    token: str


class _Tracker:
    """Follows one list: restarts at 1, flags repeats and skips."""

    def __init__(self):
        self.current: _List | None = None

    def reset(self) -> None:
        self.current = None

    def feed(self, n: int, span: tuple[int, int], token: str) -> _Event | None:
        cur = self.current
        if n == 1 or cur is None:
            self.current = _List(n, {n})
            return None
        if n == cur.last + 1:
            cur.last = n
            cur.seen.add(n)
            return None
        if n in cur.seen:
            event = _Event("repeat", n, cur.last, span, token)
            cur.last = n
            return event
        if n > cur.last + 1:
            event = _Event("skip", n, cur.last, span, token)
            cur.last = n
            cur.seen.add(n)
            return event
        self.current = _List(n, {n})
        return None


def _clause_end(text: str, start: int, limit: int = 40) -> int:
    m = re.compile(r"[。；;！!？?\n]").search(text, start, start + limit)
    return m.start() if m else min(len(text), start + limit)


def _finding(doc: Document, event: _Event, *, what: str, expected_token: str, stated_token: str) -> Finding:
    start = event.span[0]
    end = _clause_end(doc.text, event.span[1])
    if event.kind == "repeat":
        return make_finding(
            doc, category="duplicate", severity="warning", source=SOURCE, rule="duplicate.numbering",
            title="编号重复",
            detail=f"{what}中编号“{stated_token}”重复出现（前一项为第{event.last}项），疑似漏改编号或重复列项。",
            span=(start, end), stated=stated_token, expected=expected_token,
            suggestion="核对编号顺序，改为连续编号，或删除重复的条目。")
    return make_finding(
        doc, category="wording", severity="info", source=SOURCE, rule="wording.numbering_skip",
        title="编号不连续",
        detail=f"{what}中第{event.last}项之后直接是“{stated_token}”，缺少“{expected_token}”。",
        span=(start, end), stated=stated_token, expected=expected_token,
        suggestion="核对是否漏写条目，或调整编号使其连续。")


def _number_text(n: int, chinese: bool) -> str:
    if not chinese:
        return str(n)
    if n <= 10:
        return " 一二三四五六七八九十"[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else " 一二三四五六七八九"[tens]) + "十" + (" 一二三四五六七八九"[ones] if ones else "")


def _is_title(text: str) -> bool:
    return len(fold(text)) <= 30 and not re.search(r"[，。；,;]", text)


def _paragraph_lists(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    trackers = {rank: _Tracker() for rank, _ in _STYLES}
    saved: dict[int, _List] = {}
    labelled: dict[str, _Tracker] = {}
    titled: dict[int, bool] = {}  # rank -> whether its last numbered paragraph was a short title
    previous_first: int | None = None  # rank of the paragraph before, when it was item 1 of its list
    for block in doc.paragraphs:
        text = block.text
        first_before, previous_first = previous_first, None
        m_label = _LABELLED.match(text)
        if m_label:
            token = m_label.group("d") or m_label.group("c")
            n = _value(token)
            label = fold(m_label.group("label"))
            if n is not None:
                tracker = labelled.setdefault(label, _Tracker())
                span = (block.start + m_label.start("label"), block.start + m_label.end())
                event = tracker.feed(n, span, token)
                if event:
                    chinese = not token.isdigit()
                    out.append(_finding(doc, event, what=f"“{label}”编号",
                                        stated_token=f"{label}{token}",
                                        expected_token=f"{label}{_number_text(event.last + 1, chinese)}"))
            continue
        for rank, pattern in _STYLES:
            m = pattern.match(text)
            if not m:
                continue
            n = _value(m.group("n"))
            if n is None:
                break
            outer = trackers[rank].current
            inside_deeper = any(trackers[k].current is not None for k in range(rank + 1, len(_STYLES)))
            for lower in range(rank + 1, len(_STYLES)):
                trackers[lower].reset()
                saved.pop(lower, None)
            if rank <= 1:
                for tracker in labelled.values():
                    tracker.reset()
            span = (block.start + m.start(), block.start + m.end())
            if n == 1 and outer is not None and inside_deeper:
                # A list of this style nested inside a deeper-styled item ("（一）办公室…"
                # under "2、机构情况"): the outer list is kept and may go on afterwards.
                saved[rank] = outer
            elif rank in saved and n == saved[rank].last + 1 and not (
                    trackers[rank].current is not None and n == trackers[rank].current.last + 1):
                trackers[rank].current = saved.pop(rank)
            event = trackers[rank].feed(n, span, m.group("n"))
            if n == 1:
                if first_before == rank and not inside_deeper:
                    # "（一）项目基本情况" straight after "（一）…": item 1 twice, not a new list
                    event = _Event("repeat", 1, 1, span, m.group("n"))
                previous_first = rank
            # A short title ("3. 评价情况分析") and a body item ("3.加强…。") share the style in
            # reports numbered 1. 2. 3. at the top: a title after an item of its number
            # starts the next part, it repeats nothing.
            title = _is_title(text)
            kind_changed = rank in titled and titled[rank] != title
            titled[rank] = title
            # Paragraph numbering nests in any order (a "（一）" list inside a "2、" item) and
            # loses numbers to automatic numbering, so only an immediate repeat is certain.
            if event and event.kind == "repeat" and event.number == event.last and not kind_changed:
                chinese = rank in (0, 1)
                stated = _STYLE_EXAMPLE[rank].format(m.group("n")) if rank != 4 else m.group("n")
                exp_n = event.last + 1
                exp = _CIRCLED[exp_n - 1] if rank == 4 and exp_n <= 20 else _number_text(exp_n, chinese)
                expected = _STYLE_EXAMPLE[rank].format(exp) if rank != 4 else exp
                out.append(_finding(doc, event, what="段落编号", stated_token=stated, expected_token=expected))
            break
    return out


def _ordinal_lists(doc: Document) -> list[Finding]:
    out: list[Finding] = []
    tracker = _Tracker()
    previous: Block | None = None
    previous_section = None
    for block in doc.paragraphs:
        section = doc.sections.at(block.start) if doc.sections else None
        matches = list(_ORDINAL.finditer(block.text))
        if not matches:
            # A paragraph without ordinals ends the list unless it is only a heading.
            if previous is not None:
                tracker.reset()
            previous = None
            continue
        first = _value(matches[0].group("n"))
        continues = (previous is not None and section is previous_section and tracker.current is not None
                     and first == tracker.current.last + 1)
        if not continues:
            tracker.reset()
        for m in matches:
            n = _value(m.group("n"))
            if n is None:
                continue
            span = (block.start + m.start(), block.start + m.end())
            event = tracker.feed(n, span, m.group())
            if event:
                stated = "".join(m.group().split())
                expected = _number_text(event.last + 1, True) + "是"
                out.append(_finding(doc, event, what="“一是、二是……”列举", stated_token=stated,
                                    expected_token=expected))
        previous, previous_section = block, section
    return out


# Item numbers inside a paragraph, highest style first: what may precede them, then the token.
_INLINE_LEAD = r"(?:^|(?<=[。；;：:！!？?，,\s]))"
# A printed line break may fall inside a token ("（" / "2）"): one line break is allowed there.
_INLINE_STYLES: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"{_INLINE_LEAD}(?P<n>[{_CN}]{{1,3}})\n?、")),
    (1, re.compile(rf"{_INLINE_LEAD}[（(]\n?(?P<n>[{_CN}]{{1,3}})\n?[）)]")),
    (2, re.compile(rf"{_INLINE_LEAD}(?<![\d.．])(?P<n>\d{{1,2}})\n?(?:、|[.．](?![\d.．]))")),
    (3, re.compile(rf"{_INLINE_LEAD}[（(]\n?(?P<n>\d{{1,2}})\n?[）)]")),
    (4, re.compile(rf"(?P<n>[{_CIRCLED}])")),
]


def _inline_tokens(text: str) -> list[tuple[int, int, int, str, int]]:
    """(position, rank, number, token text, match end) of the item numbers in a paragraph."""
    tokens = []
    for rank, pattern in _INLINE_STYLES:
        for m in pattern.finditer(text):
            n = _value(m.group("n"))
            if n is not None:
                tokens.append((m.start(), rank, n, "".join(m.group().split()), m.end()))
    tokens.sort()
    return tokens


_OPEN_LIST_END = re.compile(r"[；;，,：:]\s*$")


def _inline_lists(doc: Document) -> list[Finding]:
    """Item numbers inside paragraphs ("1.…；2.…；4.…"). A list may go on in the next
    paragraph when a printed line break falls before an item ("…督导；" / "2.组织…"): the
    paragraph then starts with the next number and the list is carried over."""
    out: list[Finding] = []
    # (rank, items, judged) of a list left open by the previous paragraph; a list from a
    # paragraph with fewer than three numbers is judged only once it goes on.
    carried: tuple[int, list, bool] | None = None
    for block in doc.paragraphs:
        text = block.text
        tokens = _inline_tokens(text)
        lists: dict[int, list] = {}  # rank -> the numbers of its current list, with absolute spans
        if carried is not None:
            rank, items, judged = carried
            first = tokens[0] if tokens else None
            if first is not None and first[0] == 0 and first[1] == rank and first[2] == items[-1][0] + 1:
                lists[rank] = items
            elif judged:
                _close_inline(doc, items, out)
            carried = None
        open_end = _OPEN_LIST_END.search(text) is not None
        judged = len(tokens) >= 3 or bool(lists)
        if not judged and not open_end:
            continue
        for pos, rank, n, token, end in tokens:
            for lower in [r for r in lists if r > rank]:
                _close_inline(doc, lists.pop(lower), out)
            current = lists.get(rank)
            item = (n, block.start + pos, block.start + end, token)
            if n == 1:
                if current:
                    _close_inline(doc, current, out)
                lists[rank] = [item]
            elif current is not None:
                current.append(item)
        # The last list stays open when the paragraph ends mid-list (on "；" or "，").
        if lists and tokens and open_end:
            last_rank = tokens[-1][1]
            if last_rank in lists:
                carried = (last_rank, lists.pop(last_rank), judged)
        if judged:
            for items in lists.values():
                _close_inline(doc, items, out)
    if carried is not None and carried[2]:
        _close_inline(doc, carried[1], out)
    return out


def _item_written_twice(text: str, item_start: int, window: str) -> bool:
    """Whether the words that open this item occur twice near it: the item itself
    repeated, as when 预期目标 and 实际完成情况 columns are flattened into one line."""
    opening = fold(text[item_start:item_start + 30])[:8]
    return len(opening) >= 6 and window.count(opening) >= 2


def _close_inline(doc: Document, items: list, out: list[Finding]) -> None:
    """Report repeats and skips of one inline list (three items or more in all, starting at
    1; a list carried over from the previous paragraph counts its items there)."""
    if len(items) < 2:
        return
    tracker = _Tracker()
    window_start, window_end = max(0, items[0][1] - 200), items[-1][2] + 400
    window = fold(doc.text[window_start:window_end])
    for n, start, end, token in items:
        event = tracker.feed(n, (start, end), token)
        if event and event.kind == "repeat" and _item_written_twice(doc.text, end, window):
            continue  # the same item twice (two columns read side by side): not a numbering slip
        if event:
            chinese = not token.strip("（）()、.．").isdigit() and token.strip("（）()、.．") not in _CIRCLED
            exp_n = event.last + 1
            if token in _CIRCLED:
                expected = _CIRCLED[exp_n - 1] if exp_n <= 20 else str(exp_n)
            else:
                expected = token.replace(token.strip("（）()、.．"), _number_text(exp_n, chinese), 1)
            out.append(_finding(doc, event, what="段内编号", stated_token=token, expected_token=expected))


def check_numbering(doc: Document) -> list[Finding]:
    return _paragraph_lists(doc) + _ordinal_lists(doc) + _inline_lists(doc)
