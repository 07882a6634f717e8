"""Repeated passages (`duplicate`): a whole paragraph of 30+ characters that appears again
verbatim in another paragraph (list numbering aside). Paragraphs are compared with
paragraphs only: a table cell repeating narrative text is normal."""
from __future__ import annotations

import re

from .context import RuleContext, strip_numbering

RULE = "duplicate.paragraph"
_TRAILING = re.compile(r"[。.;；,，:：]+$")


def paragraph_key(folded: str) -> str:
    key = folded
    for _ in range(2):  # "一、（一）…" carries two levels of numbering
        key = strip_numbering(key)
    return _TRAILING.sub("", key)


def check(ctx: RuleContext) -> None:
    min_chars = int(ctx.params(RULE).get("min_chars", 30))
    first_seen: dict[str, object] = {}
    for block in ctx.doc.paragraphs:
        folded = ctx.folded_block(block).folded
        key = paragraph_key(folded)
        # A line without sentence punctuation is a title or a running page header; a
        # sentence may still hold only enumeration commas and its closing stop.
        if len(key) < min_chars or not re.search(r"[,。;，；]", folded):
            continue
        earlier = first_seen.get(key)
        if earlier is None:
            first_seen[key] = block
            continue
        line = ctx.doc.line_of(earlier.start)
        ctx.add(category="duplicate", rule=RULE, title="段落重复",
                detail=(f"这一段与第{line}行的段落完全相同（{len(key)}字），属于重复粘贴。"
                        + ctx.enforces("文字质量：不得整段重复")),
                span=(block.start, block.end),
                suggestion="删除重复的段落，或改写为该部分应有的内容。")
