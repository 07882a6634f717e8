"""Wording slips (`wording`): a 2–4 character word immediately repeated (开展开展,
任务任务) and doubled or clashing punctuation (。。 ，。 ；。 ，，)."""
from __future__ import annotations

import re

from .context import RuleContext

DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
# Reduplications that are correct Chinese: 一个一个, 一步一步 …, and written numbers (二〇二〇).
LEGIT_DOUBLE = re.compile(r"^(一[\u4e00-\u9fff]{1,2}|[〇零一二三四五六七八九十百千万两]+)$")
# On folded text: NFKC turns "，" into "," and "；" into ";", "：" into ":".
PUNCT = re.compile(r"。。|[,;:、]。|,,|;;|、、|,;|;,")


def check(ctx: RuleContext) -> None:
    for block in ctx.doc.paragraphs:
        ft = ctx.folded_block(block)
        folded = ft.folded
        for m in DOUBLED.finditer(folded):
            word = m.group(1)
            if LEGIT_DOUBLE.match(word):
                continue
            start, end = ctx.block_span(block, m.start(), m.end())
            mid_start, _ = ctx.block_span(block, m.start() + len(word), m.end())
            # Copies split by white space are separate cells or items, not a slip.
            if ctx.doc.text[mid_start - 1].isspace():
                continue
            ctx.add(category="wording", rule="wording.doubled", title=f"词语重复：{m.group()}",
                    detail=(f"“{word}”连续出现两次，应为笔误。" + ctx.enforces("文字质量：不得有重复字词")),
                    span=(start, end), stated=m.group(), expected=word,
                    suggestion=f"删去重复的“{word}”。")
        for m in PUNCT.finditer(folded):
            lead = max(0, m.start() - 8)
            start, end = ctx.block_span(block, lead, m.end())
            raw = ctx.doc.text[ctx.block_span(block, m.start(), m.end())[0]:end]
            ctx.add(category="wording", rule="wording.punctuation", title=f"标点错误：{raw}",
                    detail=(f"“{raw}”标点重复或冲突。" + ctx.enforces("文字质量：标点规范")),
                    span=(start, end), suggestion="删去多余的标点。")
