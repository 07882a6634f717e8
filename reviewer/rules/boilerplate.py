"""Template residue (`boilerplate`): unfilled placeholders, fill-in instructions copied
into the body, a title that still reads 部门（单位）, and conversion residue."""
from __future__ import annotations

import re

from ..sections import _UNIT_RE, heading_rank
from ..textmatch import FoldedText, fold
from .context import RuleContext, has_figure

# Patterns run on folded text (NFKC, no white space): "（" is "(", "：" is ":".
PLACEHOLDERS = [
    (re.compile(r"\((此处|请在此|请)(填写|填报|填列|输入|录入)[^()]{0,40}\)"), "未填写的占位说明"),
    (re.compile(r"\((填写|填列|录入)[^():]{0,40}\)"), "未填写的占位说明"),
    (re.compile(r"\([^()]{0,12}(不超过|不少于|限|控制在)\d+字[^()]{0,6}\)"), "字数限制说明"),
    (re.compile(r"\([^()]{0,6}\d+字(以内|左右|以下)\)"), "字数限制说明"),
    (re.compile(r"\((单位名称|项目名称|部门名称|填报单位|单位全称|项目全称)\)"), "名称占位符"),
    (re.compile(r"【[^】]{0,10}(填写|此处|请)[^】]{0,40}】"), "未填写的占位说明"),
    (re.compile(r"(?<![A-Za-z])(?:[Xx×]{2,}|○{2,}|□{2,})(?![A-Za-z])"), "占位符"),
    # A bracketed fill-in instruction: “（对照年初目标逐项说明完成情况）”.
    (re.compile(r"\((请|需|须|应|对照|逐项|简要|重点|主要|可|根据|按照|结合)[^()\d]{0,40}"
                r"(说明|填写|分析|阐述|列明|描述|概述|反映)[^()\d]{0,30}\)"), "填写说明"),
]
CONVERSION = [
    re.compile(r"\[(bookmark|image|footnote|endnote|comment)[:：][^\]]{0,80}\]", re.I),
    re.compile(r"\{\{[^{}]{0,80}\}\}"),
    re.compile(r"<<[A-Za-z_][\w.\-]{0,40}>>|«[A-Za-z_][\w.\-]{0,40}»"),
    re.compile(r"(MERGEFORMAT|MERGEFIELD|HYPERLINK\"|PAGEREF_Toc\d+|_Toc\d{6,}|_GoBack)"),
    re.compile(r"(错误!未找到引用源|错误!未定义书签|Error!Bookmarknotdefined|Error!Referencesourcenotfound)", re.I),
]
# Fill-in instructions: a lead-in marker, then writing/analysis verbs and no facts.
INSTRUCTION_MARKER = re.compile(
    r"(主要包括|包括但不限于|主要内容包括|应当说明|应说明|须说明|需说明|重点说明|简要说明|请填写|请根据|请按照|"
    r"请说明|请简要|应包括|应当包括|应重点|主要反映|重点反映|应当反映|应反映|需反映)[:：]?"
)
ANALYSIS_VERB = re.compile(r"(分析|总结|说明|阐述|反映|描述|对比|查找|归纳|概述|列示|填写|梳理|评估)")
FACT_MARKERS = re.compile(r"(我单位|我局|我部门|本单位|本部门|我们|我会|本局|我院|我中心|已经|已按|已完成|完成了|开展了|进行了|形成了)")
FORM_NOTE = re.compile(r"^(注|备注|说明|填表说明|填报说明)\d?[:：.、]")
TEMPLATE_UNIT = re.compile(r"部门\((单位)\)|\(单位\)|XX单位|××单位")


def check(ctx: RuleContext) -> None:
    flagged: list[tuple[int, int]] = []
    _placeholders(ctx, flagged)
    _conversion(ctx)
    _template_title(ctx, flagged)
    _instructions(ctx)


def _block_matches(ctx: RuleContext, pattern: re.Pattern, blocks=None):
    """(block, span in doc, matched folded text) for every match in every block."""
    for block in blocks if blocks is not None else ctx.doc.blocks:
        ft = ctx.folded_block(block) if not block.is_table else FoldedText.of(block.text)
        for m in pattern.finditer(ft.folded):
            s, e = ft.span(m.start(), m.end())
            yield block, (block.start + s, block.start + e), m.group()


def _placeholders(ctx: RuleContext, flagged: list) -> None:
    seen: set[tuple[int, int]] = set()
    for pattern, what in PLACEHOLDERS:
        for _block, span, text in _block_matches(ctx, pattern):
            if any(s <= span[0] < e for s, e in seen):
                continue
            seen.add(span)
            flagged.append(span)
            ctx.add(category="boilerplate", rule="boilerplate.placeholder",
                    title=f"模板{what}未替换：{text}",
                    detail=(f"正文中保留了模板的{what}“{text}”，说明该处内容没有按实际情况填写。"
                            + ctx.enforces("模板残留：未填写的占位内容")),
                    span=span, suggestion="按本单位实际情况填写该处内容，并删除模板说明文字。")


def _conversion(ctx: RuleContext) -> None:
    seen: list[tuple[int, int]] = []
    for pattern in CONVERSION:
        for _block, span, text in _block_matches(ctx, pattern):
            if any(s < span[1] and span[0] < e for s, e in seen):
                continue  # "_GoBack" inside an already reported "[bookmark: _GoBack]"
            seen.append(span)
            ctx.add(category="boilerplate", rule="boilerplate.conversion",
                    title="文档转换残留",
                    detail=(f"正文中出现“{ctx.doc.text[span[0]:span[1]]}”，是文档转换或域代码留下的残留，"
                            "不是报告内容。" + ctx.enforces("模板残留：文档转换残留")),
                    span=span, suggestion="删除该残留内容，转换后通读全文核对。")


def _title_region(ctx: RuleContext):
    """Paragraphs before the first numbered heading (at most the first 15 blocks)."""
    out = []
    for block in ctx.doc.blocks[:15]:
        if block.is_table:
            continue
        if heading_rank(block.text) is not None:
            break
        out.append(block)
    return out


def _template_title(ctx: RuleContext, flagged: list) -> None:
    region = _title_region(ctx)
    named = any(_UNIT_RE.search(TEMPLATE_UNIT.sub("", fold(b.text))) for b in region)
    if named:
        return
    for block in region:
        folded = fold(block.text)
        m = TEMPLATE_UNIT.search(folded)
        if not m or folded[m.end():m.end() + 2] == "名称":
            continue  # "部门（单位）名称" is a form label, not a title
        if not re.search(r"(报告|自评表|评价表|自评)", folded):
            continue
        span = (block.start, block.end)
        if any(s < span[1] and span[0] < e for s, e in flagged):
            continue
        ctx.add(category="boilerplate", rule="boilerplate.template_title",
                title="标题未填写单位名称，仍为“部门（单位）”",
                detail=("报告标题仍是模板字样“部门（单位）”，没有写明是哪个单位的报告。"
                        + ctx.enforces("模板残留：标题未填单位名称")),
                span=span, suggestion="将标题改为“××单位××年度部门整体支出绩效自评报告”，写明单位全称。")
        return


def _instructions(ctx: RuleContext) -> None:
    hits = []  # (top-level section, start, end)
    for block in ctx.doc.paragraphs:
        ft = ctx.folded_block(block)
        folded = ft.folded
        if FORM_NOTE.match(folded):
            continue
        m = INSTRUCTION_MARKER.search(folded)
        if not m:
            continue
        rest = folded[m.end():]
        if len(rest) < 15 or has_figure(rest) or FACT_MARKERS.search(rest):
            continue
        verbs = ANALYSIS_VERB.findall(rest)
        guided = re.search(r"通过[^。]{0,40}" + ANALYSIS_VERB.pattern, rest)
        if len(verbs) < 2 and not guided:
            continue
        start, end = ctx.block_span(block, m.start(), len(folded))
        hits.append((_top_section(ctx, start), start, end))
    # Consecutive instruction paragraphs of one part are one copied template passage.
    groups: list[list] = []
    for hit in hits:
        if groups and groups[-1][-1][0] is hit[0]:
            groups[-1].append(hit)
        else:
            groups.append([hit])
    for group in groups:
        start, end = group[0][1], group[-1][2]
        ctx.add(category="boilerplate", rule="boilerplate.instruction",
                title="照抄模板填写说明，未写实际情况",
                detail=("这段文字是模板的填写说明（“主要包括……分析……”一类要求），没有本单位的具体情况和数据，"
                        "应替换为实际的分析内容。" + ctx.enforces("模板残留：正文保留填写说明")),
                span=(start, end),
                suggestion="删除模板说明，按要求写出本单位的实际情况、数据和分析结论。")


def _top_section(ctx: RuleContext, offset: int):
    node = ctx.tree.at(offset)
    while node is not None and node.parent is not None and node.parent.rank >= 0:
        node = node.parent
    return node
