"""Template residue (`boilerplate`): unfilled placeholders, fill-in instructions copied
into the body, a title that still reads 部门（单位）, and conversion residue.

Residue shapes whose words vary by template read their word lists from the rubric's
`checks:` params (see rubrics/department_overall.yaml):
- option pairs left unchosen, "增加（减少）" (`boilerplate.option_pair`, params `pairs`);
- bracketed notes, "（参考格式）" "（如持平作持平表述）" (`boilerplate.bracket_note`,
  params `patterns`, `assigned_fill`); a seal mark beside an empty field, "名称：（公章）"
  (`boilerplate.empty_field`, params `marks`);
- template rows with nothing but an ellipsis, "指标2：……" (`boilerplate.empty_item`);
- web-page residue, "< >" "&nbsp;" "<br>" (`boilerplate.web_residue`, params `entities`, `tags`);
- a year left as "20XX" (`boilerplate.year_placeholder`);
- a 文号 that lost its closing bracket, "〔20201535号" (`wording.doc_number`).
A rule with `max_findings` reports that many occurrences, then one finding for the rest.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ..errors import InputError
from ..sections import _UNIT_RE, heading_rank
from ..textmatch import FoldedText, fold, strip_cjk_spaces
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
    flagged = _Spans()
    _year_placeholders(ctx, flagged)
    _placeholders(ctx, flagged)
    _option_pairs(ctx, flagged)
    _bracket_notes(ctx, flagged)
    _empty_fields(ctx, flagged)
    _blank_figures(ctx, flagged)
    _empty_items(ctx, flagged)
    _conversion(ctx)
    _web_residue(ctx)
    _doc_numbers(ctx)
    _template_title(ctx, flagged)
    _instructions(ctx)


def _block_matches(ctx: RuleContext, pattern: re.Pattern, blocks=None):
    """(block, span in doc, matched folded text) for every match in every block."""
    for block in blocks if blocks is not None else ctx.doc.blocks:
        ft = ctx.folded_block(block) if not block.is_table else block.folded
        for m in pattern.finditer(ft.folded):
            s, e = ft.span(m.start(), m.end())
            yield block, (block.start + s, block.start + e), m.group()


# A length limit after a conditional requirement is a rule the form prints, not a blank:
# "预算执行率未达到90%的需说明原因(100字以内)" in the note under a funds block.
CONDITIONAL_REQUIREMENT = re.compile(r"的(?:需|须|应|应当)(?:单独)?(?:说明|列明|注明)[^;；。,，]{0,8}$")


def _is_form_rule(ctx: RuleContext, span: tuple[int, int]) -> bool:
    before = fold(ctx.doc.text[max(0, span[0] - 40):span[0]])
    clause = re.split(r"[;；。]", before)[-1]
    return bool(CONDITIONAL_REQUIREMENT.search(clause))


def _placeholders(ctx: RuleContext, flagged: "_Spans") -> None:
    hits = []
    for pattern, what in PLACEHOLDERS:
        for _block, span, text in _block_matches(ctx, pattern):
            if flagged.overlaps(span):
                continue
            if what == "字数限制说明" and _is_form_rule(ctx, span):
                continue
            flagged.append(span)
            hits.append((span, dict(
                category="boilerplate", title=f"模板{what}未替换：{text}",
                detail=(f"正文中保留了模板的{what}“{text}”，说明该处内容没有按实际情况填写。"
                        + ctx.enforces("模板残留：未填写的占位内容")),
                suggestion="按本单位实际情况填写该处内容，并删除模板说明文字。")))
    _emit(ctx, "boilerplate.placeholder", hits, what="未替换的模板占位内容", template_hint=True,
          category="boilerplate", suggestion="按本单位实际情况逐处填写，并删除模板说明文字。")


def _emit(ctx: RuleContext, rule: str, hits: list, *, what: str, category: str, suggestion: str,
          template_hint: bool = False) -> None:
    """Report hits in document order; past the rule's `max_findings`, one finding lists the rest
    (an unfilled template has hundreds of XX: the reviewer needs where, not 177 findings)."""
    hits = sorted(hits, key=lambda h: h[0])
    limit = ctx.params(rule).get("max_findings")
    shown = hits if not limit else hits[:int(limit)]
    for span, fields in shown:
        ctx.add(rule=rule, span=span, **fields)
    rest = hits[len(shown):]
    if not rest:
        return
    lines = sorted({ctx.doc.line_of(span[0]) for span, _ in rest})
    where = "、".join(str(n) for n in lines[:12]) + ("等" if len(lines) > 12 else "")
    quotes = []
    for span, _ in rest:
        q = _oneline(ctx.doc.text[span[0]:span[1]])
        if q and q not in quotes:
            quotes.append(q)
    sample = "、".join(f"“{q}”" for q in quotes[:5])
    ctx.add(category=category, rule=rule, span=rest[0][0],
            title=f"另有{len(rest)}处{what}",
            detail=(f"除以上{len(shown)}处外，第{where}行还有{len(rest)}处{what}（如{sample}）"
                    + ("，整份文件可能仍是未填写完的模板。" if template_hint else "。")
                    + ctx.enforces(f"模板残留：{what}")),
            suggestion=suggestion)


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


def _template_title(ctx: RuleContext, flagged: "_Spans") -> None:
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
        if flagged.overlaps(span):
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


# --- residue shapes whose words come from the rubric ------------------------------------------

def _param_list(ctx: RuleContext, rule: str, key: str) -> list:
    value = ctx.params(rule).get(key) or []
    if not isinstance(value, list):
        raise InputError(f"评审规则参数应为列表：{rule}.{key}", f"rubric param {rule}.{key} must be a list")
    return value


@lru_cache(maxsize=64)
def _compile(pattern: str, rule: str, flags: int = 0) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise InputError(f"评审规则中的正则表达式有误：{rule}", f"invalid pattern {pattern!r} in {rule}: {e}") from None


def _oneline(text: str) -> str:
    """A quote for a title or detail: line breaks and the spaces of PDF lines removed."""
    return strip_cjk_spaces(" ".join(text.split()))


class _Spans:
    """Spans already reported, kept sorted: one residue is reported by one rule only."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        i = bisect.bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])

    def overlaps(self, span: tuple[int, int]) -> bool:
        # Reported spans do not overlap one another, so only the neighbours can overlap this one.
        i = bisect.bisect_left(self.starts, span[1])
        return any(self.starts[j] < span[1] and span[0] < self.ends[j] for j in (i - 1, i - 2) if j >= 0)


def _year_placeholders(ctx: RuleContext, flagged: "_Spans") -> None:
    """"20XX年" / "二〇XX年": a year never filled in (essay sites publish reports this way)."""
    rule = "boilerplate.year_placeholder"
    pattern = re.compile(r"(?<![0-9A-Za-z])(?:(?:19|20)[Xx×*]{2}|(?:19|20)\d[Xx×*]|二[〇零○O][Xx×○]{2})(?![A-Za-z])")
    hits = []
    for _block, span, text in _block_matches(ctx, pattern):
        flagged.append(span)
        hits.append((span, dict(
            category="boilerplate", title=f"年份未填写：{text}",
            detail=(f"年份写作“{text}”，是模板或范文网站的占位写法，没有写明实际年度。"
                    + ctx.enforces("模板残留：年份占位")),
            suggestion="改为报告所属的实际年度。")))
    _emit(ctx, rule, hits, what="未填写的年份", template_hint=True, category="boilerplate",
          suggestion="逐处改为报告所属的实际年度。")


def _option_pairs(ctx: RuleContext, flagged: "_Spans") -> None:
    """"增加（减少）": both options of a template sentence left in, none chosen."""
    rule = "boilerplate.option_pair"
    pairs = [tuple(fold(w) for w in p) for p in _param_list(ctx, rule, "pairs") if len(p) == 2]
    if not pairs:
        return
    words = sorted({w for p in pairs for w in p}, key=len, reverse=True)
    alt = "|".join(map(re.escape, words))
    # The bracket may also offer a third choice: "增加（减少/持平）".
    pattern = _compile(rf"(?P<a>{alt})\((?P<b>{alt})(?:[/、或][^()]{{1,4}})?\)", rule)
    allowed = set(pairs) | {(b, a) for a, b in pairs}
    hits = []
    for block, span, text in _block_matches(ctx, pattern, ctx.doc.paragraphs):
        m = pattern.fullmatch(text)
        if not m or (m.group("a"), m.group("b")) not in allowed or flagged.overlaps(span):
            continue
        flagged.append(span)
        hits.append((span, dict(
            category="boilerplate", title=f"模板选项未选定：{_oneline(ctx.doc.text[span[0]:span[1]])}",
            detail=(f"“{_oneline(ctx.doc.text[span[0]:span[1]])}”同时保留了模板的两个选项，没有按实际情况选定其一。"
                    + ctx.enforces("模板残留：选项未选定")),
            suggestion=f"按实际数据只保留“{m.group('a')}”或“{m.group('b')}”之一，并填写具体数值。")))
    _emit(ctx, rule, hits, what="未选定的模板选项", template_hint=True, category="boilerplate",
          suggestion="逐处按实际数据选定其一，删去另一个选项。")


_BRACKETED = re.compile(r"[(【]([^()【】]{1,40})[)】]")


def _bracket_notes(ctx: RuleContext, flagged: "_Spans") -> None:
    """Bracketed template notes: "（参考格式）", "（如持平作持平表述）", "（由主管部门填写）"."""
    rule = "boilerplate.bracket_note"
    patterns = [_compile(p, rule) for p in _param_list(ctx, rule, "patterns")]
    hits = []
    if patterns:
        for block, span, text in _block_matches(ctx, _BRACKETED):
            inner = text[1:-1]
            if not any(p.search(inner) for p in patterns) or flagged.overlaps(span):
                continue
            flagged.append(span)
            raw = _oneline(ctx.doc.text[span[0]:span[1]])
            hits.append((span, dict(
                category="boilerplate", title=f"模板说明未删除：{raw}",
                detail=(f"“{raw}”是模板给填报人的说明，不是报告内容，应按说明处理后删除。"
                        + ctx.enforces("模板残留：括注的填写说明")),
                suggestion="按说明写出实际内容，并删去括号中的模板说明。")))
    # "由……填写" outside brackets, unless it is a form's own note ("本表由…填写", "注：…").
    assigned = _param_list(ctx, rule, "assigned_fill")
    if assigned:
        verbs = "|".join(map(re.escape, (fold(v) for v in assigned)))
        pattern = _compile(rf"由[^。,;:()]{{1,12}}(?:{verbs})", rule)
        for block in ctx.doc.paragraphs:
            ft = ctx.folded_block(block)
            if FORM_NOTE.match(ft.folded):
                continue
            for m in pattern.finditer(ft.folded):
                before = ft.folded[max(0, m.start() - 2):m.start()]
                if re.search(r"(本|此|该)[表栏页项]$|[表栏]$", before):
                    continue
                span = ctx.block_span(block, m.start(), m.end())
                if flagged.overlaps(span):
                    continue
                flagged.append(span)
                raw = _oneline(ctx.doc.text[span[0]:span[1]])
                hits.append((span, dict(
                    category="boilerplate", severity="info", title=f"模板填写说明未删除：{raw}",
                    detail=(f"“{raw}”是模板的填写分工说明，留在正文中说明该处可能未按要求填写。"
                            + ctx.enforces("模板残留：括注的填写说明")),
                    suggestion="确认该处已由相应单位填写，并删去模板说明。")))
    _emit(ctx, rule, hits, what="未删除的模板说明", template_hint=True, category="boilerplate",
          suggestion="逐处按说明写出实际内容，并删去模板说明。")


def _empty_fields(ctx: RuleContext, flagged: "_Spans") -> None:
    """"部门名称：（公章）": a seal or signature mark where the field's value should be."""
    rule = "boilerplate.empty_field"
    marks = [fold(m) for m in _param_list(ctx, rule, "marks")]
    if not marks:
        return
    alt = "|".join(map(re.escape, marks))
    pattern = _compile(rf"(?P<label>[\u4e00-\u9fff]{{2,8}}):\((?:{alt})\)", rule)
    hits = []
    for block, span, text in _block_matches(ctx, pattern):
        if flagged.overlaps(span):
            continue
        flagged.append(span)
        label = text.split(":", 1)[0]
        hits.append((span, dict(
            category="boilerplate", title=f"栏目未填写：{_oneline(ctx.doc.text[span[0]:span[1]])}",
            detail=(f"“{label}”一栏只有模板的盖章提示，没有填写内容。" + ctx.enforces("模板残留：栏目未填写")),
            suggestion=f"填写{label}全称，盖章提示可删去。")))
    _emit(ctx, rule, hits, what="未填写的栏目", category="boilerplate", suggestion="逐栏填写实际内容。")


def _blank_figures(ctx: RuleContext, flagged: "_Spans") -> None:
    """"共计    万元", "得分    分", "    年  月  日": the blank a template leaves for a
    figure, still empty. Read on the raw text, where the blank is: a run of spaces or
    underscores right before a unit, after a word or a colon, with no digit in it."""
    rule = "boilerplate.blank_figure"
    if not ctx.rubric.is_enabled(rule):
        return
    units = "|".join(map(re.escape, _param_list(ctx, rule, "units")))
    if not units:
        return
    # The unit must end there ("    元，"), not begin a name ("康少峰   元氏县…").
    pattern = _compile(rf"(?<=[\u4e00-\u9fff:：，,])[ \u3000_＿]{{2,}}(?=(?:{units})(?![\u4e00-\u9fff]))", rule)
    # A PDF's text loses the blank itself: "共计万元，", "得分分，", "日期：年月日" are read
    # on the folded text, after the words that always take a figure.
    takes_figure = "|".join(map(re.escape, _param_list(ctx, rule, "squeezed_after")))
    squeezed = _compile(rf"(?:{takes_figure})(?:为|是)?(?:{units})(?=[,.;。，；、]|$)|[:：]年月日", rule) \
        if takes_figure else None
    hits = []
    for block in ctx.doc.paragraphs:
        spans = [(block.start + max(0, m.start() - 8), block.start + min(len(block.text), m.end() + 4))
                 for m in pattern.finditer(block.text)]
        ft = ctx.folded_block(block)
        for m in (squeezed.finditer(ft.folded) if squeezed else ()):
            a, b = ft.span(m.start(), m.end())
            spans.append((block.start + max(0, a - 6), block.start + b))
        for start, end in spans:
            span = (start, end)
            if flagged.overlaps(span):
                continue
            flagged.append(span)
            shown = _oneline(ctx.doc.text[start:end])
            hits.append((span, dict(
                category="boilerplate", title=f"数字未填写：{shown}",
                detail=("此处只留了模板的空格，没有填写数字。" + ctx.enforces("模板残留：数字未填写")),
                suggestion="填写实际数字，或删去该句。")))
    _emit(ctx, rule, hits, what="未填写的数字", category="boilerplate", suggestion="逐处填写实际数字。",
          template_hint=True)


# A template row with nothing after its label but an ellipsis: "指标2：……", "1.……", "XXX：……",
# "…的主要原因：……". Folded text: NFKC turns "…" into "...", "：" into ":". A colon followed by
# nothing but dots is a label anywhere; a bare number must open the line or follow a sentence end.
_DOTS = r"(?:\.{3,}|。{3,}|_{3,}|—{2,})"
# The same runs before folding ("…" folds to "...", "．" and "＿" to "." and "_").
_DOTS_RAW = re.compile(r"…|[.．]{3,}|。{3,}|[_＿]{3,}|—{2,}")
_NUMBER_LABEL = (r"(?:\d{1,2}[.、．]|\(\d{1,2}\)|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、|[①-⑳])")
_COLON_LABEL = r"[\u4e00-\u9fffA-Za-z×]{1,12}\d{0,2}:"


@lru_cache(maxsize=1)
def _empty_item() -> re.Pattern:
    # Compiled on first use: only a line with a run of dots or dashes is searched.
    return re.compile(rf"(?P<item>{_COLON_LABEL}{_DOTS}|(?:^|(?<=[。;!?.])){_NUMBER_LABEL}{_DOTS})"
                      rf"(?=$|[。;]|{_COLON_LABEL}|{_NUMBER_LABEL})")


def _empty_items(ctx: RuleContext, flagged: "_Spans") -> None:
    rule = "boilerplate.empty_item"
    hits = []
    for block in ctx.doc.paragraphs:
        for line_start, line in _lines(block.text):
            if not _DOTS_RAW.search(line):
                continue  # no run of dots or dashes: nothing left empty
            ft = FoldedText.of(line)
            for m in _empty_item().finditer(ft.folded):
                s, e = ft.span(m.start("item"), m.end("item"))
                span = (block.start + line_start + s, block.start + line_start + e)
                if flagged.overlaps(span):
                    continue
                flagged.append(span)
                raw = _oneline(ctx.doc.text[span[0]:span[1]])
                hits.append((span, dict(
                    category="boilerplate", title=f"模板条目未填写：{raw}",
                    detail=(f"“{raw}”只有条目编号或名称和省略号，是模板中留待填写的空行。"
                            + ctx.enforces("模板残留：空白条目")),
                    suggestion="填写该条目的实际内容，没有内容的条目应删去。")))
    _emit(ctx, rule, hits, what="未填写的模板条目", template_hint=True, category="boilerplate",
          suggestion="逐条填写实际内容，或删去空白条目。")


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _without_line_breaks(text: str) -> tuple[str, list[int]]:
    """`text` without its line breaks, and for each kept character its offset in `text`."""
    origin = [i for i, ch in enumerate(text) if ch != "\n"]
    return "".join(text[i] for i in origin), origin


def _web_residue(ctx: RuleContext) -> None:
    """HTML left by a web page's conversion: entities, tags, and "< >" where a number was lost."""
    rule = "boilerplate.web_residue"
    entities = [e for e in _param_list(ctx, rule, "entities") if re.fullmatch(r"[A-Za-z]\w*", str(e))]
    tags = [t for t in _param_list(ctx, rule, "tags") if re.fullmatch(r"[A-Za-z][\w:]*", str(t))]
    parts = [r"(?<![A-Za-z0-9])[<＜][ \t\u3000]*[>＞](?![A-Za-z0-9=])", r"&#(?:\d{2,6}|[xX][0-9A-Fa-f]{2,5});"]
    if entities:
        # "&nbsp" often loses its ";" in copying; a bare "&amp" is still residue.
        parts.append(r"&(?:" + "|".join(map(re.escape, entities)) + r");?(?![A-Za-z])")
    if tags:
        parts.append(r"</?(?:" + "|".join(map(re.escape, tags)) + r")(?:\s[^<>\n]{0,80})?\s*/?>")
    pattern = _compile("|".join(parts), rule, re.I)
    hits = []
    for block in ctx.doc.blocks:
        # Printed line breaks may cut a code in two ("&n" / "bsp;"): match without them.
        flat, origin = _without_line_breaks(block.text)
        for m in pattern.finditer(flat):
            span = (block.start + origin[m.start()], block.start + origin[m.end() - 1] + 1)
            raw = m.group()
            lost_number = re.fullmatch(r"[<＜]\s*[>＞]", raw) and not flat[:m.start()].strip()
            note = "，很可能替代了转换时丢失的序号" if lost_number else ""
            hits.append((span, dict(
                category="boilerplate", title=f"网页转换残留：{raw.strip() or raw}",
                detail=(f"正文中出现网页代码“{raw}”{note}，是从网页复制或转换时留下的残留。"
                        + ctx.enforces("模板残留：网页转换残留")),
                suggestion="删除网页代码" + ("，并补上原有的序号。" if lost_number else "，转换后通读全文核对。"))))
    _emit(ctx, rule, hits, what="网页转换残留", category="boilerplate",
          suggestion="逐处删除网页代码，转换后通读全文核对。")


# A 文号 whose year lost one bracket: "皖财教〔20201535号" (no 〕), "皖财教2020〕1535号" (no 〔).
# Mixed brackets ("[2020]", "(2020)") are fine; only a lost one is reported.
_OPENERS, _CLOSERS = "〔[【(", "〕]】)"
_LOST_CLOSE = re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{1,6}})(?P<open>[{re.escape(_OPENERS)}])"
                         r"(?P<year>(?:19|20)\d{2})(?P<num>第?\d{1,5})号")
_LOST_OPEN = re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{1,6}})(?P<year>(?:19|20)\d{{2}})"
                        rf"(?P<close>[{re.escape(_CLOSERS)}])(?P<num>第?\d{{1,5}})号")


# Verbs that lead into a cited 文号 and are not part of the issuer's code ("根据皖财教…").
_LEAD_VERB = re.compile(r"^(?:根据|依据|按照|遵照|参照|对照|依照|按|据|依|见|经|及|和|与)")


def _doc_numbers(ctx: RuleContext) -> None:
    rule = "wording.doc_number"
    hits = []
    for block in ctx.doc.blocks:
        ft = ctx.folded_block(block) if not block.is_table else block.folded
        for pattern, lost in ((_LOST_CLOSE, "close"), (_LOST_OPEN, "open")):
            for m in pattern.finditer(ft.folded):
                lead = _LEAD_VERB.match(m.group("prefix"))
                # When the verb is all there is, keep it rather than quote a bare bracket.
                trim = lead.end() if lead and lead.end() < len(m.group("prefix")) else 0
                prefix = m.group("prefix")[trim:]
                s0, e0 = ft.span(m.start() + trim, m.end())
                span = (block.start + s0, block.start + e0)
                if lost == "close":
                    closer = _CLOSERS[_OPENERS.index(m.group("open"))]
                    fixed = f"{prefix}{m.group('open')}{m.group('year')}{closer}{m.group('num')}号"
                    what = f"缺少年份后的“{_display(closer)}”"
                else:
                    opener = _OPENERS[_CLOSERS.index(m.group("close"))]
                    fixed = f"{prefix}{opener}{m.group('year')}{m.group('close')}{m.group('num')}号"
                    what = f"缺少年份前的“{_display(opener)}”"
                fixed = fixed.translate(_FULL_WIDTH)
                raw = _oneline(ctx.doc.text[span[0]:span[1]])
                hits.append((span, dict(
                    category="wording", title=f"文号格式错误：{raw}",
                    detail=(f"文号“{raw}”{what}，年份与序号连在一起，应为“{fixed}”。"
                            + ctx.enforces("文字质量：文号格式")),
                    stated=raw, expected=fixed, suggestion=f"改为“{fixed}”。")))
    _emit(ctx, rule, hits, what="格式有误的文号", category="wording", suggestion="逐处补全文号年份的括号。")


_FULL_WIDTH = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）"})


def _display(bracket: str) -> str:
    return bracket.translate(_FULL_WIDTH)
