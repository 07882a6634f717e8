"""Which funds a figure is about. A 决算 or 预算 disclosure states the same items for
several scopes side by side: all funds (收入支出决算总表, 三、支出决算情况说明), fiscal
appropriations (财政拨款收入支出决算总表), the general budget only (一般公共预算财政拨款支出
决算表, 五、一般公共预算…说明), government funds (政府性基金…) and state capital (国有资本
经营…). A figure is compared only with figures of its own scope.

The scope words, most specific first, are data (rubrics/thresholds.yaml `fund_scopes`)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..document import Document
from ..textmatch import fold

_SENTENCE_START = re.compile(r"[。；;！？!?]")
_SIBLINGS = re.compile(r"其中|包括|分别为|分别是|主要有")
_DEFAULT = ("政府性基金", "国有资本经营", "一般公共预算", "财政拨款")


@lru_cache(maxsize=1)
def scope_words() -> tuple[str, ...]:
    # Read once: every narrative amount and table caption asks for it.
    from .indicator_quality import thresholds

    return tuple(thresholds().get("fund_scopes", _DEFAULT))


def scope_of(text: str) -> str:
    """The narrowest scope a name or caption states ("" for all funds)."""
    f = fold(text)
    return next((w for w in scope_words() if w in f), "")


def heading_scope(doc: Document, pos: int) -> str:
    """The scope the enclosing headings state, innermost first ("（二）结构情况" under
    "四、一般公共预算财政拨款支出决算情况说明")."""
    section = doc.sections.at(pos) if doc.sections else None
    while section is not None:
        found = scope_of(section.title or "")
        if found:
            return found
        section = section.parent
    return ""


def text_scope(doc: Document, block_start: int, text: str, clause_start: int) -> str:
    """The scope of a narrative figure from what precedes its label in its sentence, else
    from its headings. Items listed after 其中/包括 are siblings: a 财政拨款收入 before 其他收入
    ("其中：财政拨款收入…，其他收入…") does not lend its scope to the next item."""
    sentence_start = max((m.end() for m in _SENTENCE_START.finditer(text, max(0, clause_start - 200), clause_start)),
                         default=max(0, clause_start - 200))
    prefix = fold(text[sentence_start:clause_start])
    lists = [m.start() for m in _SIBLINGS.finditer(prefix)]
    found = scope_of(prefix[:lists[-1]] if lists else prefix)
    return found or heading_scope(doc, block_start)
