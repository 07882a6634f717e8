"""Score tables (绩效自评表): the indicator model and the checks on it.

A score table is any table whose header names a score column (得分) beside weights,
targets, actuals or indicator levels, whether it came from a Word table, a PDF layout
or a text export. Each data row becomes an `Indicator` with its hierarchy (一级/二级/
三级指标, merged cells carried down), target, actual, weight and score. The checks:

- subtotals (parent rows, 小计 rows) and the total (total row, or the total the text
  states) against the sum of leaf indicators — a parent row is never added to itself;
- per indicator: a score above its weight, the quantitative rule (met → full weight,
  unmet → actual/target × weight, or the reverse forms for "≤" targets), qualitative
  tiers, and execution-rate scores (rate × weight, capped);
- the grade stated next to the total (优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60);
- first-level weights stated in the table ("投入指标（15分）") or the report's notes;
- an indicator named twice in one table, and a long cell repeated in one column.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..document import Block, Cell, Document
from ..findings import make_finding
from ..models import Finding
from ..sections import detect_kind
from ..textmatch import FoldedText, fold
from .tolerance import consistent, decimals_of, fmt, severity_of

SOURCE = "prepass"
HUNDRED = Decimal(100)

# --- column roles ----------------------------------------------------------------

LEVEL_ROLES = ("level1", "level2", "level3")
VALUE_ROLES = ("target", "actual", "weight", "score", "rate")
_NOT_A_VALUE = re.compile(r"依据|来源|说明|描述|原因|标准|方法|备注|计算|公式|扣分")


# A header cell is a few words; a body cell that mentions 指标值 or 执行率 in a sentence
# ("…每有1项指标未设指标值扣0.5分。") names no column.
_HEADER_CELL_MAX = 16


def column_role(text: str) -> str | None:
    """The role a header cell names, or None for columns the checks do not use."""
    f = re.sub(r"[（(][^）)]*[）)]", "", fold(text))
    if not f or len(f) > _HEADER_CELL_MAX or re.search(r"[。；;，,]|\d+(?:\.\d+)?%", f):
        return None
    if "得分" in f and "标准" not in f and "率" not in f:
        return "score"
    if f in ("评分", "自评分", "分数", "自评得分"):
        return "score"
    if f.endswith("分值") or "权重" in f or f in ("满分", "标准分", "满分值"):
        return "weight"
    if re.search(r"偏差|未完成原因|原因分析|原因及|原因和", f):
        return "reason"
    if _NOT_A_VALUE.search(f):
        return None
    if f.endswith("完成率") or f in ("完成比例", "完成程度", "完成百分比"):
        return "completion"  # 实际完成值 ÷ 指标值, per indicator
    if "执行率" in f:
        return "rate"
    if "一级指标" in f:
        return "level1"
    if "二级指标" in f:
        return "level2"
    if "三级指标" in f or f in ("指标名称", "绩效指标", "指标", "指标内容"):
        return "level3"
    if any(k in f for k in ("完成值", "实际值", "业绩值", "实际完成", "实现值", "执行值")):
        return "actual"
    if any(k in f for k in ("指标值", "目标值", "计划值", "预期值", "年度目标")):
        return "target"
    return None


_GENERIC_NAME_HEADER = ("指标名称", "绩效指标", "指标", "指标内容")


def _header_roles(row: list[Cell]) -> dict[str, int]:
    roles: dict[str, int] = {}
    generic: set[str] = set()
    for c in row:
        role = column_role(c.text)
        if not role:
            continue
        # A side label ("绩效指标" over the level columns of the national form) names a
        # column only where the header has no explicit 三级指标.
        is_generic = re.sub(r"[（(][^）)]*[）)]", "", fold(c.text)) in _GENERIC_NAME_HEADER
        if role not in roles or (role in generic and not is_generic):
            roles[role] = c.col
            generic.discard(role)
            if is_generic:
                generic.add(role)
    return roles


# --- the indicator model ---------------------------------------------------------

_NUMBER_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?分?$")
_TOTAL_LABEL = re.compile(r"^(总分|总计|合计|总得分|得分合计|分值合计|综合得分|自评得分|自评总分|总体得分)")
_SUBTOTAL_LABEL = re.compile(r"^小计")
_LEVEL1_NAME = re.compile(r"^[\u4e00-\u9fff]{1,8}指标(?:[（(]\d+(?:\.\d+)?分[）)])?$")
_WEIGHT_NOTE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3})[、.．)）]|^[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|^[①-⑳]")


def cell_number(cell: Cell | None) -> Decimal | None:
    if cell is None:
        return None
    f = fold(cell.text)
    if not _NUMBER_CELL.match(f):
        return None
    try:
        return Decimal(f.rstrip("分"))
    except InvalidOperation:
        return None


def level1_key(text: str) -> str:
    """A first-level name without its weight note: "投入指标（15分）" -> "投入"."""
    f = _WEIGHT_NOTE.sub("", fold(text))
    return re.sub(r"指标$", "", f)


@dataclass
class Indicator:
    row: int
    cells: dict[str, Cell]  # role -> own cell of this row
    names: dict[str, str]  # level role -> name, carried down from rows above
    level1_cell: Cell | None
    span: tuple[int, int]
    own_level: int  # deepest level named on this row (1..3), 0 when none
    parent: bool = False
    children: list["Indicator"] = field(default_factory=list)
    label: str = ""  # the row's first cell, for rows without indicator names
    # The roles of the header this row sits under: a form holds parts with headers of
    # their own (the funds block has no 偏差原因 column, the indicators do).
    part_roles: frozenset = frozenset()

    @property
    def name(self) -> str:
        for role in reversed(LEVEL_ROLES):
            if self.names.get(role):
                return self.names[role]
        return self.label

    @property
    def name_cell(self) -> Cell | None:
        for role in reversed(LEVEL_ROLES):
            if role in self.cells:
                return self.cells[role]
        return None

    def text(self, role: str) -> str:
        c = self.cells.get(role)
        return c.text if c else ""

    @property
    def weight(self) -> Decimal | None:
        return cell_number(self.cells.get("weight"))

    @property
    def score(self) -> Decimal | None:
        return cell_number(self.cells.get("score"))

    @property
    def level1(self) -> str:
        return self.names.get("level1") or ""


@dataclass
class TotalRow:
    label: Cell
    weight: Cell | None
    score: Cell | None
    span: tuple[int, int]
    covers: list["Indicator"] = field(default_factory=list)  # the rows above it


@dataclass
class SubtotalRow:
    label: Cell
    weight: Cell | None
    score: Cell | None
    span: tuple[int, int]
    children: list[Indicator]


@dataclass
class ScoreTable:
    block: Block
    roles: dict[str, int]
    header_row: int  # the first header row; later parts may bring their own
    indicators: list[Indicator] = field(default_factory=list)
    total: TotalRow | None = None
    subtotals: list[SubtotalRow] = field(default_factory=list)

    @property
    def leaves(self) -> list[Indicator]:
        return [i for i in self.indicators if not i.parent]


def table_rows(block: Block, fmt: str) -> list[list[Cell]]:
    """The table's rows, with the continuation rows a PDF layout splits off (a cell's text
    wrapped onto a row of its own, every other cell empty) joined back to the row above.
    The joined cell keeps the span of its first part, so quotes stay verbatim."""
    if fmt != "pdf":
        return block.rows
    out: list[list[Cell]] = []
    for row in block.rows:
        live = [c for c in row if c.text]
        prev = out[-1] if out else None
        if prev is not None and live and len(row) == len(prev):
            prev_live = [c for c in prev if c.text]
            fits = all(prev[c.col].text and not _NUMBER_CELL.match(fold(c.text)) for c in live)
            if fits and len(live) * 2 <= len(prev_live):
                merged = list(prev)
                for c in live:
                    p = prev[c.col]
                    merged[c.col] = Cell(p.start, p.end, p.row, p.col, p.text + c.text)
                out[-1] = merged
                continue
        out.append(row)
    return out


def header_roles_of(row: list[Cell]) -> dict[str, int] | None:
    """The column roles of a header row: a score column and at least two others."""
    roles = _header_roles(row)
    if "score" not in roles or len(roles) < 3:
        return None
    return roles


def _place_cells(row: list[Cell], width: int, roles: dict[str, int]) -> dict[int, Cell]:
    """Grid column of each cell. Short rows (text exports drop empty leading cells, and
    layout tables leave out merged ones) are aligned to the right, where the values are;
    a first-level name that lands in another name column is moved to the first level."""
    shift = width - len(row)
    placed: dict[int, Cell] = {}
    for c in row:
        col = c.col + shift
        if 0 <= col < width:
            placed[col] = c
    if shift > 0 and "level1" in roles:
        level1_col = roles["level1"]
        name_cols = sorted(roles[r] for r in LEVEL_ROLES if r in roles and r != "level1")
        if level1_col not in placed:
            for col in name_cols:
                c = placed.get(col)
                if c and _LEVEL1_NAME.match(fold(c.text)) and col != max(name_cols):
                    placed[level1_col] = placed.pop(col)
                    break
    return placed


def _is_header_repeat(row: list[Cell]) -> bool:
    return sum(1 for c in row if column_role(c.text)) >= 2


def _span_of(cells: list[Cell]) -> tuple[int, int]:
    live = [c for c in cells if c.text]
    return (min(c.start for c in live), max(c.end for c in live)) if live else (0, 0)


def build_score_table(block: Block, fmt: str = "docx") -> ScoreTable | None:
    rows = table_rows(block, fmt)
    table: ScoreTable | None = None
    roles: dict[str, int] = {}
    col_role: dict[int, str] = {}
    width = 0
    names: dict[str, str] = {}
    carried_cells: dict[str, Cell] = {}
    level1_cell: Cell | None = None
    previous_spans: set[tuple[int, int]] = set()
    section_leaves: list[Indicator] = []
    for row in rows:
        row_spans = {(c.start, c.end) for c in row if c.text}
        live = [c for c in row if c.text]
        # A table may hold several parts, each under its own header row (the national
        # project form: budget execution rows, then indicator rows), or repeat its header.
        header = header_roles_of(row)
        if header is not None:
            # The same header again (repeated after a page break) goes on with the rows
            # above: the first-level name carried down stays.
            repeat = table is not None and header == roles
            roles, width = header, len(row)
            col_role = {col: role for role, col in roles.items()}
            if table is None:
                table = ScoreTable(block, dict(roles), live[0].row if live else 0)
            else:
                table.roles.update(roles)
            if not repeat:
                names, carried_cells, level1_cell = {}, {}, None
            previous_spans = row_spans
            continue
        if table is None or not live or _is_header_repeat(row):
            previous_spans = row_spans
            continue
        placed = _place_cells(row, width, roles)
        first = fold(live[0].text)
        rate_cell = placed.get(roles["rate"]) if "rate" in roles else None
        is_total = bool(_TOTAL_LABEL.match(first) or _SUBTOTAL_LABEL.match(first))
        if is_total and rate_cell is not None and rate_cell.text:
            is_total = False  # "合计 … 执行率 …" is a budget-execution row, scored like one
        elif is_total and not table.indicators:
            previous_spans = row_spans  # a total above every indicator totals something else
            continue
        if is_total:
            values = [c for c in row if c.text and c is not live[0]]
            weight = placed.get(roles["weight"]) if "weight" in roles else None
            score = placed.get(roles["score"])
            if score is None or cell_number(score) is None:
                # A total row whose values do not line up: the last numbers are 分值, 得分.
                numbers = [c for c in values if cell_number(c) is not None]
                score = numbers[-1] if numbers else None
                weight = numbers[-2] if len(numbers) >= 2 else None
            span = _span_of([live[0]] + ([score] if score else []))
            if _SUBTOTAL_LABEL.match(first):
                table.subtotals.append(SubtotalRow(live[0], weight, score, span, list(section_leaves)))
                section_leaves = []
            elif table.total is None:
                table.total = TotalRow(live[0], weight, score, span, [i for i in table.indicators])
            previous_spans = row_spans
            continue
        own: dict[str, Cell] = {}
        for col, c in placed.items():
            role = col_role.get(col)
            if role and c.text:
                own[role] = c
        # A first-level cell repeated on every row of a layout table is carried, not own.
        for role in LEVEL_ROLES:
            c = own.get(role)
            if c is not None and (c.start, c.end) in previous_spans:
                carried_cells[role] = own.pop(role)
        own_levels = [i + 1 for i, role in enumerate(LEVEL_ROLES) if role in own]
        if own_levels and min(own_levels) == 1 and fold(own["level1"].text) != fold(names.get("level1", "")):
            names = {}
        for i, role in enumerate(LEVEL_ROLES):
            if role in own:
                names[role] = fold(own[role].text)
                for deeper in LEVEL_ROLES[i + 1:]:
                    if deeper not in own:
                        names.pop(deeper, None)
        for role, c in carried_cells.items():
            if role not in own and (c.start, c.end) in row_spans:
                names[role] = fold(c.text)
        if "level1" in own:
            level1_cell = own["level1"]
        elif "level1" in carried_cells and (carried_cells["level1"].start, carried_cells["level1"].end) in row_spans:
            level1_cell = carried_cells["level1"]
        if level1_cell is not None and names.get("level1") != fold(level1_cell.text):
            level1_cell = None
        values = {role: own[role] for role in VALUE_ROLES if role in own}
        if not values:
            previous_spans = row_spans
            continue
        # The row is quoted from its own indicator name on: level cells above it may sit
        # lines away in a text export.
        name_cell = next((own[r] for r in reversed(LEVEL_ROLES) if r in own), None)
        span_cells = [c for c in own.values() if name_cell is None or c.start >= name_cell.start]
        ind = Indicator(
            row=live[0].row,
            cells=own,
            names={k: _WEIGHT_NOTE.sub("", v) if k == "level1" else v for k, v in names.items()},
            level1_cell=level1_cell,
            span=_span_of(span_cells),
            own_level=max(own_levels) if own_levels else 0,
            label=fold(live[0].text),
            part_roles=frozenset(roles),
        )
        if ind.weight is None and ind.score is None:
            previous_spans = row_spans
            continue
        table.indicators.append(ind)
        section_leaves.append(ind)
        previous_spans = row_spans
    if table is None:
        return None
    _mark_parents(table)
    return table if table.indicators else None


def _mark_parents(table: ScoreTable) -> None:
    """A row naming only a higher level, without target or actual, whose next rows name
    deeper levels under it, is a parent: its weight and score are its children's sums."""
    inds = table.indicators
    for i, ind in enumerate(inds):
        if ind.own_level == 0 or "target" in ind.cells or "actual" in ind.cells:
            continue
        children = []
        for nxt in inds[i + 1:]:
            if nxt.own_level and nxt.own_level <= ind.own_level:
                break
            children.append(nxt)
        if children and all(c.own_level == 0 or c.own_level > ind.own_level for c in children):
            ind.parent = True
            ind.children = [c for c in children]
    for ind in inds:
        if ind.parent:
            ind.children = [c for c in ind.children if not c.parent]


def _stitched(doc: Document, blocks: list[Block]) -> Block:
    """A table split across pages (its header repeated on the next page) as one block, so
    its total row covers every row; the repeated header is read as a later part's own."""
    if len(blocks) == 1:
        return blocks[0]
    first, last = blocks[0], blocks[-1]
    return Block(kind="table", start=first.start, end=last.end, text=doc.text[first.start:last.end], page=first.page,
                 rows=[row for b in blocks for row in b.rows], inferred=first.inferred, origin=first.origin)


def score_tables(doc: Document) -> list[ScoreTable]:
    """The document's score tables, built once: several checks read them."""
    cached = doc.__dict__.get("_score_tables")
    if cached is None:
        from ..tables.build import table_groups

        blocks = [_stitched(doc, group) for _, group in table_groups(doc)]
        cached = [t for t in (build_score_table(b, doc.format) for b in blocks) if t is not None]
        doc.__dict__["_score_tables"] = cached
    return list(cached)


# --- target and actual -----------------------------------------------------------

_QUANTITY = re.compile(
    r"^(?P<pre>[≥≤<>=＜＞≧≦]{1,2}|不低于|不少于|不高于|不超过|不大于|大于|高于|低于|小于|达到|控制在)?"
    r"(?P<num>\d+(?:\.\d+)?)"
    # a unit per head or per period as well ("5300元/户", "583元/人*月")
    r"(?P<unit>(?:%|‰|万元|亿元|千元|元|万|个月|[\u4e00-\u9fff]{1,3})(?:/[\u4e00-\u9fff][\u4e00-\u9fff·*]{0,3})?)?"
    r"(?P<post>以上|以下|以内)?$"
)
_LOWER_BETTER_NAME = re.compile(r"控制率|调整率|结余率|结转|投诉|事故|差错|发生率|超支|变动率|成本|费用|支出|时间|时限|周期|天数|率下降")
_UNIT_ALIASES = {"万": "万元", "日": "天", "个月": "月"}


@dataclass
class Quantity:
    value: Decimal
    unit: str
    direction: str  # "higher", "lower" or "exact"


def parse_quantity(text: str) -> Quantity | None:
    """A target or actual that is one number with an optional comparator and unit."""
    f = fold(text).replace("＝", "=").replace("％", "%")
    m = _QUANTITY.match(f)
    if not m:
        return None
    pre, post = m.group("pre") or "", m.group("post") or ""
    if pre in ("≥", ">=", "≧", ">", "＞", "不低于", "不少于", "大于", "高于", "达到") or post == "以上":
        direction = "higher"
    elif pre in ("≤", "<=", "≦", "<", "＜", "不高于", "不超过", "不大于", "低于", "小于", "控制在") or post in ("以下", "以内"):
        direction = "lower"
    else:
        direction = "exact"
    unit = m.group("unit") or ""
    return Quantity(Decimal(m.group("num")), _UNIT_ALIASES.get(unit, unit), direction)


def _comparable(target: Quantity, actual: Quantity) -> bool:
    if target.unit == actual.unit:
        return True
    # A zero needs no unit ("<10%" against "0").
    return actual.value == 0 and not actual.unit or target.value == 0 and not target.unit


def _score_options(ind: Indicator, target: Quantity, actual: Quantity, weight: Decimal) -> tuple[bool, list[Decimal], str]:
    """Whether the target is met, the scores the accepted formulas give, and the arithmetic."""
    direction = target.direction
    if direction == "exact":
        direction = "lower" if _LOWER_BETTER_NAME.search(ind.name) else "higher"
    t, a = target.value, actual.value
    if direction == "higher":
        met = a >= t
        if met:
            return True, [weight], ""
        options = [a / t * weight] if t else [Decimal(0)]
        how = f"{fmt(a, 4).rstrip('0').rstrip('.')}/{fmt(t, 4).rstrip('0').rstrip('.')}×{weight}={fmt(options[0], 2)}"
    else:
        met = a <= t
        if met:
            return True, [weight], ""
        ratio = t / a * weight if a else Decimal(0)
        linear = max(Decimal(0), (1 - (a - t) / t) * weight) if t else Decimal(0)
        options = [ratio, linear]
        how = (f"{_plain(t)}/{_plain(a)}×{weight}={fmt(ratio, 2)}，"
               f"或（1−({_plain(a)}−{_plain(t)})/{_plain(t)}）×{weight}={fmt(linear, 2)}")
    if "执行率" in ind.name and actual.unit == "%":
        rate_score = min(a / HUNDRED, Decimal(1)) * weight
        options.append(rate_score)
        how += f"；按执行率计分 {_plain(a)}%×{weight}={fmt(rate_score, 2)}"
    return False, options, how


def target_met(ind: Indicator, target: Quantity, actual: Quantity) -> bool | None:
    """Whether a comparable actual meets its target (the direction read as the scoring
    rule reads it); None when the two cannot be compared."""
    if not _comparable(target, actual) or ind.weight is None:
        return None
    return _score_options(ind, target, actual, ind.weight)[0]


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# --- qualitative tiers --------------------------------------------------------------

_TIERS = (
    (re.compile(r"^(未达成|未达到|未完成)(预期)?(指标|目标)?"), Decimal("0"), Decimal("0.6"), "未达成预期"),
    (re.compile(r"^部分达成|^部分达到|^部分完成"), Decimal("0.6"), Decimal("0.8"), "部分达成预期"),
    (re.compile(r"^(全部)?(达成|达到)(预期)?(指标|目标)?$"), Decimal("0.8"), Decimal("1"), "达成预期"),
)


def tier_of(actual_text: str) -> tuple[Decimal, Decimal, str] | None:
    f = fold(actual_text)
    for pattern, low, high, label in _TIERS:
        if pattern.match(f):
            return low, high, label
    return None


# --- checks on one table -----------------------------------------------------------


def _row_quote(ind: Indicator) -> tuple[int, int]:
    return ind.span


def _finding(doc: Document, *, rule: str, severity: str, title: str, detail: str, span: tuple[int, int],
             stated: str, expected: str, suggestion: str, category: str = "score") -> Finding:
    return make_finding(doc, category=category, severity=severity, source=SOURCE, rule=rule, title=title,
                        detail=detail, span=span, stated=stated, expected=expected, suggestion=suggestion)


def _check_indicator(doc: Document, ind: Indicator) -> list[Finding]:
    out: list[Finding] = []
    weight, score = ind.weight, ind.score
    if weight is None or score is None:
        return out
    name = ind.name or "该指标"
    score_text = ind.text("score")
    if score > weight:
        out.append(_finding(
            doc, rule="score.over_weight", severity="error", title="指标得分超过分值",
            detail=f"“{name}”分值为{_plain(weight)}分，得分却为{score_text}分，得分不应超过分值。",
            span=_row_quote(ind), stated=f"{score_text}分", expected=f"≤{_plain(weight)}分",
            suggestion="核对该指标得分，得分最高为该指标分值。"))
        return out
    if "rate" in ind.cells:
        rate = parse_quantity(ind.text("rate"))
        if rate is not None and rate.unit == "%":
            expected = min(rate.value / HUNDRED, Decimal(1)) * weight
            if not consistent(score_text, expected):
                out.append(_finding(
                    doc, rule="score.execution_rate", severity=severity_of(score_text, expected),
                    title="执行率得分与计分规则不符",
                    detail=(f"“{name}”执行率{ind.text('rate')}，分值{_plain(weight)}分，按“执行率×分值（最高为分值）”"
                            f"应得{fmt(expected, 2)}分，表中为{score_text}分。"),
                    span=_row_quote(ind), stated=f"{score_text}分", expected=f"{fmt(expected, 2)}分",
                    suggestion="按执行率×分值重新计算得分。"))
            return out
    target_text, actual_text = ind.text("target"), ind.text("actual")
    target, actual = parse_quantity(target_text), parse_quantity(actual_text)
    if target is not None and actual is not None and _comparable(target, actual) and weight > 0:
        met, options, how = _score_options(ind, target, actual, weight)
        if met:
            return out
        low, high = min(options), max(options)
        # Full marks on an unmet target are a finding even where rounding a whole-number
        # score would hide it (0.89 written as 1), unless the formula itself gives full marks.
        places = max(2, decimals_of(score_text))
        full_on_unmet = score == weight and Decimal(fmt(high, places)) < weight
        if not full_on_unmet and any(consistent(score_text, o) for o in options):
            return out
        if full_on_unmet:
            out.append(_finding(
                doc, rule="score.full_on_unmet", severity="error", title="未完成指标值却得满分",
                detail=(f"“{name}”指标值{target_text}，完成值{actual_text}，未达到指标值，不应得满分；"
                        f"按完成比例计分：{how}，表中却为满分{score_text}分。"),
                span=_row_quote(ind), stated=f"{score_text}分", expected=f"{fmt(high, 2)}分",
                suggestion="未完成指标值的定量指标应按完成值与指标值的比例计分，并说明未完成原因。"))
        elif score > high:
            out.append(_finding(
                doc, rule="score.formula", severity=severity_of(score_text, high), title="指标得分高于按完成比例计算的得分",
                detail=(f"“{name}”指标值{target_text}，完成值{actual_text}，未达到指标值；"
                        f"按完成比例计分：{how}，表中为{score_text}分，偏高。"),
                span=_row_quote(ind), stated=f"{score_text}分", expected=f"{fmt(high, 2)}分",
                suggestion="按完成值与指标值的比例重新计分。"))
        elif score < low:
            out.append(_finding(
                doc, rule="score.formula", severity="warning", title="指标得分低于按完成比例计算的得分",
                detail=(f"“{name}”指标值{target_text}，完成值{actual_text}，未达到指标值；"
                        f"按完成比例计分：{how}，表中为{score_text}分，低于计算结果。"),
                span=_row_quote(ind), stated=f"{score_text}分", expected=f"{fmt(low, 2)}分",
                suggestion="核对该指标的计分方法；如采用其他扣分标准，请在表注中说明。"))
        return out
    tier = tier_of(actual_text)
    if tier is not None and weight > 0:
        low, high, label = tier
        share = score / weight
        if not (low <= share <= high):
            lo_s, hi_s = low * weight, high * weight
            severity = "error" if share > high else "warning"
            out.append(_finding(
                doc, rule="score.qualitative_tier", severity=severity, title="定性指标得分不在对应档次区间",
                detail=(f"“{name}”完成情况为“{actual_text}”，属“{label}”档，应得分值的"
                        f"{fmt(low * 100, 0)}%–{fmt(high * 100, 0)}%，即{_plain(lo_s)}–{_plain(hi_s)}分"
                        f"（分值{_plain(weight)}分），表中为{score_text}分。"),
                span=_row_quote(ind), stated=f"{score_text}分", expected=f"{_plain(lo_s)}–{_plain(hi_s)}分",
                suggestion="按定性指标的档次区间重新确定得分。"))
    return out


def _sum(values: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for v in values:
        total += v
    return total


def _check_parent(doc: Document, parent: Indicator) -> list[Finding]:
    out: list[Finding] = []
    kids = parent.children
    if not kids:
        return out
    name = parent.name or "上级指标"
    for role, label in (("score", "得分"), ("weight", "分值")):
        stated_cell = parent.cells.get(role)
        stated = cell_number(stated_cell)
        values = [cell_number(k.cells.get(role)) for k in kids]
        if stated is None or any(v is None for v in values):
            continue
        total = _sum(values)  # type: ignore[arg-type]
        if consistent(stated_cell.text, total):
            continue
        parts = "+".join(_plain(v) for v in values)  # type: ignore[arg-type]
        out.append(_finding(
            doc, rule="score.subtotal", severity=severity_of(stated_cell.text, total),
            title=f"上级指标{label}与下级指标合计不符",
            detail=f"“{name}”下级指标{label}合计：{parts}={_plain(total)}分，表中“{name}”{label}为{stated_cell.text}分。",
            span=parent.span, stated=f"{stated_cell.text}分", expected=f"{_plain(total)}分",
            suggestion=f"核对“{name}”的{label}及其下级指标。"))
    return out


def _check_subtotal_row(doc: Document, sub: SubtotalRow) -> list[Finding]:
    out: list[Finding] = []
    for role, cell, label in (("score", sub.score, "得分"), ("weight", sub.weight, "分值")):
        stated = cell_number(cell)
        values = [cell_number(k.cells.get(role)) for k in sub.children]
        if stated is None or not values or any(v is None for v in values):
            continue
        total = _sum(values)  # type: ignore[arg-type]
        if consistent(cell.text, total):
            continue
        parts = "+".join(_plain(v) for v in values)  # type: ignore[arg-type]
        out.append(_finding(
            doc, rule="score.subtotal", severity=severity_of(cell.text, total), title=f"小计{label}与明细合计不符",
            detail=f"小计行以上各项指标{label}合计：{parts}={_plain(total)}分，小计行为{cell.text}分。",
            span=sub.span, stated=f"{cell.text}分", expected=f"{_plain(total)}分",
            suggestion="核对小计行与各项指标。"))
    return out


def _leaf_sums(leaves: list[Indicator], role: str) -> Decimal | None:
    values = [cell_number(i.cells.get(role)) for i in leaves]
    if not values or any(v is None for v in values):
        return None
    return _sum(values)  # type: ignore[arg-type]


def _group_by_level1(leaves: list[Indicator]) -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = {}
    for ind in leaves:
        if ind.level1:
            groups.setdefault(level1_key(ind.level1), []).append(ind)
    return groups


def _level1_note(doc: Document, cell: Cell) -> tuple[Decimal, tuple[int, int]] | None:
    """The weight a first-level cell states: in the cell ("产出指标（30分）") or, in text
    exports, on the line right after it."""
    m = _WEIGHT_NOTE.search(cell.text)
    if m:
        return Decimal(m.group(1)), (cell.start, cell.end)
    after = doc.text[cell.end:cell.end + 24]
    m = re.match(r"\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]", after)
    if m:
        return Decimal(m.group(1)), (cell.start, cell.end + m.end())
    return None


_NOTE_SENTENCE = re.compile(r"一级指标[^。]{0,40}?(?:分值|权重)[^。]*")
_NOTE_PAIR = re.compile(r"([\u4e00-\u9fff]{2,6}?)(?:指标)?\s*[为：:]?\s*(\d+(?:\.\d+)?)\s*分")


def stated_level1_weights(doc: Document) -> dict[str, tuple[Decimal, tuple[int, int]]]:
    """First-level weights a report's note sets ("一级指标分值统一设置为：投入指标 15 分、…")."""
    out: dict[str, tuple[Decimal, tuple[int, int]]] = {}
    for m in _NOTE_SENTENCE.finditer(doc.check_text):
        body = m.group()
        for p in _NOTE_PAIR.finditer(body):
            key = re.sub(r"^(?:为|设置为|设为|统一|分别|：|:)+", "", fold(p.group(1)))
            key = re.sub(r"指标$", "", key)
            if not key or key in ("满分", "总分", "分值", "权重"):
                continue
            out.setdefault(key, (Decimal(p.group(2)), (m.start() + p.start(), m.start() + p.end())))
    return out


def _check_level1(doc: Document, table: ScoreTable, notes: dict) -> list[Finding]:
    out: list[Finding] = []
    against_note: list[tuple[str, Decimal, Decimal, str, tuple[int, int]]] = []
    groups = _group_by_level1(table.leaves)
    # A form recovered from flattened text may stop short (a page saved only so far, a row
    # the reader could not split): its last group is whole only when a total row closes it.
    open_last = table.block.inferred and table.total is None
    for n, (key, members) in enumerate(groups.items()):
        weight_sum = _leaf_sums(members, "weight")
        if weight_sum is None or open_last and n == len(groups) - 1:
            continue
        first = next((m.level1_cell for m in members if m.level1_cell is not None), None)
        own = _level1_note(doc, first) if first is not None else None
        parts = "+".join(_plain(m.weight) for m in members)  # type: ignore[arg-type]
        if own is not None and own[0] != weight_sum:
            out.append(_finding(
                doc, rule="score.level1_weight", severity="error", title="一级指标分值与下级指标分值合计不符",
                detail=f"“{key}指标”标注分值{_plain(own[0])}分，其下各指标分值合计：{parts}={_plain(weight_sum)}分。",
                span=own[1], stated=f"{_plain(own[0])}分", expected=f"{_plain(weight_sum)}分",
                suggestion="核对一级指标分值与各项三级指标分值。"))
            continue
        note = notes.get(key)
        if note is not None and note[0] != weight_sum:
            span = (first.start, first.end) if first is not None else note[1]
            against_note.append((key, note[0], weight_sum, parts, span))
    if against_note:
        # One finding per table: the form departs from its note's split as a whole.
        key, noted, weight_sum, parts, span = against_note[0]
        listed = "；".join(f"“{k}指标”说明为{_plain(n)}分，表中合计{p}={_plain(w)}分" for k, n, w, p, _ in against_note)
        out.append(_finding(
            doc, rule="score.level1_weight", severity="warning", title="一级指标分值与报告说明不符",
            detail=f"{listed}。", span=span, stated=f"{_plain(weight_sum)}分", expected=f"{_plain(noted)}分",
            suggestion="核对一级指标分值设置，与说明不一致的应说明理由。"))
    return out


def funds_only(table: ScoreTable) -> bool:
    """A funds block read as its own table: every row an execution-rate row."""
    return bool(table.leaves) and table.total is None and all("rate" in i.cells or not i.names for i in table.leaves) \
        and "rate" in table.roles


def _check_total_row(doc: Document, table: ScoreTable, funds: ScoreTable | None = None) -> list[Finding]:
    """The total row against its rows. On the national project form the 总分 row may also
    count the funds block printed above the indicators (执行率 10 + 指标 90 = 100): a total
    that equals the rows plus the block's own weight and score is consistent."""
    out: list[Finding] = []
    total = table.total
    if total is None:
        return out
    leaves = [i for i in total.covers if not i.parent]
    for role, cell, label in (("score", total.score, "得分"), ("weight", total.weight, "分值")):
        stated = cell_number(cell)
        computed = _leaf_sums(leaves, role)
        if stated is None or computed is None or consistent(cell.text, computed):
            continue
        funds_part = _leaf_sums(funds.leaves, role) if funds is not None else None
        if funds_part is not None and consistent(cell.text, computed + funds_part):
            continue
        groups = _group_by_level1(leaves)
        if len(groups) > 1 and sum(len(g) for g in groups.values()) == len(leaves):
            parts = "+".join(f"{k}{_plain(_leaf_sums(g, role) or 0)}" for k, g in groups.items())
        else:
            parts = "+".join(_plain(cell_number(i.cells.get(role))) for i in leaves)  # type: ignore[arg-type]
        out.append(_finding(
            doc, rule="score.total", severity=severity_of(cell.text, computed), title=f"总{label}与各指标{label}合计不符",
            detail=f"各项指标{label}合计：{parts}={_plain(computed)}分，表中{fold(total.label.text)}为{cell.text}分。",
            span=(total.label.start, cell.end), stated=f"{cell.text}分", expected=f"{_plain(computed)}分",
            suggestion=f"核对总{label}与各项指标{label}。"))
    return out


def _check_duplicates(doc: Document, table: ScoreTable) -> tuple[list[Finding], set[tuple[int, int]]]:
    out: list[Finding] = []
    flagged: set[tuple[int, int]] = set()
    seen: dict[tuple[str, str], Indicator] = {}
    previous: tuple[str, Indicator] | None = None
    for ind in table.indicators:
        name = fold(ind.name)
        if len(name) < 4 or not re.search(r"[\u4e00-\u9fff]", name):
            previous = None
            continue
        # The same name under two first-level indicators (or two projects) may be meant,
        # unless the rows are neighbours: a row copied and never edited.
        key = (level1_key(ind.level1), name)
        adjacent = previous is not None and previous[0] == name and previous[1].parent == ind.parent
        previous_ind = previous[1] if previous is not None else None
        previous = (name, ind)
        if key in seen or adjacent:
            first = seen.get(key) or previous_ind
            cell = ind.name_cell
            out.append(make_finding(
                doc, category="duplicate", severity="warning", source=SOURCE, rule="duplicate.indicator",
                title="同一张表中指标重复",
                detail=(f"指标“{ind.name}”在表中出现两次（第{first.row + 1}行、第{ind.row + 1}行），"
                        f"得分会被重复计算，或漏列了应有的指标。"),
                span=ind.span, stated=ind.name, expected="每个指标只列一次",
                suggestion="核对指标名称，删除重复项或改为应有的指标（如编号顺延）。"))
            if cell is not None:
                flagged.add((cell.start, cell.end))
        else:
            seen[key] = ind
    return out, flagged


# --- long cells repeated in one column (any table) ---------------------------------------


_GLUED_LABELS = re.compile(r"[一二三四五六七八九十]、")


def _strip_numbering(text: str) -> str:
    return _LEADING_NUMBER.sub("", fold(text))


def check_repeated_cells(doc: Document, block: Block, skip: set[tuple[int, int]]) -> list[Finding]:
    """A long cell (≥ 15 characters) repeated in one column of one table, in a column whose
    other cells are distinct: a copied row, not a column of standard wording."""
    out: list[Finding] = []
    rows = table_rows(block, doc.format)
    if len(rows) < 3:
        return out
    width = max(len(r) for r in rows)
    header = rows[0]
    columns: dict[int, list[Cell]] = {}
    for row in rows[1:]:
        shift = width - len(row) if len(row) < width else 0
        for c in row:
            if c.text:
                columns.setdefault(c.col + shift, []).append(c)
    for col, cells in columns.items():
        head = header[col].text if col < len(header) and len(header) == width else ""
        if head and _NOT_A_VALUE.search(fold(head)):
            continue
        keys = [_strip_numbering(c.text) for c in cells]
        counts: dict[str, int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        # A cell holding several numbered labels ("一、…二、…") is rows glued by the layout,
        # and a money table repeats them by design (本年收入 and 年初结转 both list 一、…).
        repeated = [k for k, n in counts.items() if n > 1 and len(k) >= 15 and len(_GLUED_LABELS.findall(k)) < 2]
        # Standard wording repeats in many rows; a copied row repeats once.
        if len(repeated) != 1 or counts[repeated[0]] != 2 or len(cells) < 3:
            continue
        i, j = [n for n, k in enumerate(keys) if k == repeated[0]]
        later = cells[j]
        if (later.start, later.end) in skip:
            continue
        head_label = f"“{fold(head)}”列" if head else "同一列"
        out.append(make_finding(
            doc, category="duplicate", severity="warning", source=SOURCE, rule="duplicate.table_cell",
            title="表格中内容重复",
            detail=(f"表格{head_label}第{cells[i].row + 1}行与第{later.row + 1}行内容相同"
                    f"（“{repeated[0][:30]}…”），疑似复制时未修改。"),
            span=(later.start, later.end), stated=later.text[:40], expected="各行内容应各不相同",
            suggestion="核对该行内容，改为对应的职能、任务或指标。"))
    return out


# --- totals and grades stated in the text -----------------------------------------------

_TEXT_TOTAL = re.compile(
    r"(?<!满)(总得分|自评得分|综合得分|综合评分|自评总分|最终得分|评价得分|绩效得分|自评分数|总分)"
    r"\s*(?:为|是|：|:|达到|共计|合计)?\s*(\d+(?:[.．]\d+)?)\s*分"
)
_GRADE = re.compile(
    r"(?:等级|等次|评价|评定|评为|属于|档次|结果)\s*(?:为|是|：|:|属于)?\s*[“\"「『‘']?"
    r"(优秀|优|良好|良|中等|中|合格|较差|差|不合格)(?=[”\"」』’']|等|级|档|[，,。；;、）)]|$)"
)
GRADE_NORMAL = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中",
                 "合格": "中", "较差": "差", "差": "差", "不合格": "差"}


def grade_for(score: Decimal) -> str:
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


_PART_WORDS = re.compile(r"投入|过程|产出|效益|满意度|成本|质量|数量|时效|决策|管理|预算执行|项目")


@dataclass
class TotalMention:
    value: Decimal
    text: str
    span: tuple[int, int]
    sentence_end: int


def text_total_mentions(doc: Document) -> list[TotalMention]:
    """Totals the prose states ("总得分93.98分", "自评得分97分"), outside tables."""
    table_spans = [(b.start, b.end) for b in doc.tables]
    project_report = detect_kind(doc) == "project"
    out: list[TotalMention] = []
    for m in _TEXT_TOTAL.finditer(doc.check_text):
        if any(s <= m.start() < e for s, e in table_spans):
            continue
        before = doc.text[max(0, m.start() - 6):m.start()]
        # "某项目得分" in a department report is one project's score, not the report's total.
        if "满分" in before or "项目" in before[-2:] and not project_report:
            continue
        # "产出指标自评得分28分" is a first-level score, not the total.
        clause = re.split(r"[，,。；;：:、\n]", doc.text[max(0, m.start() - 12):m.start()])[-1]
        part = _PART_WORDS.search(clause)
        if "指标" in clause or part and not (project_report and part.group() == "项目"):
            continue
        end = _sentence_end(doc, m.end())
        number = unicodedata.normalize("NFKC", m.group(2))  # "８８．５" → "88.5"
        out.append(TotalMention(Decimal(number), number, (m.start(), m.end()), end))
    # "总分100分，得分97分": a full mark of 100 beside another score in one sentence is not a total.
    drop = set()
    for a in out:
        for b in out:
            if a is not b and a.sentence_end == b.sentence_end and a.value == HUNDRED and b.value != HUNDRED \
                    and doc.text[a.span[0]:a.span[1]].startswith("总分"):
                drop.add(id(a))
    return [m for m in out if id(m) not in drop]


def _sentence_end(doc: Document, pos: int) -> int:
    """The end of the sentence at `pos`: a sentence mark, or the end of its paragraph
    (a hard-wrapped paragraph keeps its line breaks, which end nothing)."""
    block = doc.block_at(pos)
    limit = block.end if block is not None and block.kind == "paragraph" else None
    if limit is None:
        newline = doc.text.find("\n", pos)
        limit = newline if newline >= 0 else len(doc.text)
    m = _SENTENCE_MARK.search(doc.text, pos, limit)
    return m.start() if m else limit


_SENTENCE_MARK = re.compile(r"[。；;！!？?]")


def _check_grades(doc: Document, mentions: list[TotalMention]) -> list[Finding]:
    out: list[Finding] = []
    for mention in mentions:
        window = FoldedText.of(doc.text[mention.span[1]:mention.sentence_end])
        g = _GRADE.search(window.folded)
        if not g:
            continue
        stated = g.group(1)
        normal = GRADE_NORMAL[stated]
        expected = grade_for(mention.value)
        if normal == expected:
            continue
        end = mention.span[1] + window.span(g.start(1), g.end(1))[1]
        if doc.text[end:end + 1] in ("”", '"', "」", "』", "’", "'"):
            end += 1
        out.append(_finding(
            doc, rule="score.grade", severity="error", title="评价等级与得分不符",
            detail=(f"得分{mention.text}分，按“优≥90分、良80–<90分、中60–<80分、差<60分”应为“{expected}”，"
                    f"文中为“{stated}”。"),
            span=(mention.span[0], end), stated=stated, expected=expected,
            suggestion="按得分重新确定评价等级。"))
    return out


def text_total_reference(tables: list[ScoreTable]) -> tuple[Decimal, str] | None:
    """The total the score tables give when they form one scoring system (one table with a
    total row, or tables whose weights sum to 100), and how it was read; else None."""
    if not tables:
        return None
    with_total = [t for t in tables if t.total is not None and cell_number(t.total.score) is not None]
    if len(with_total) == 1 and len(tables) == 1:
        return cell_number(with_total[0].total.score), f"自评表总分{with_total[0].total.score.text}分"
    if with_total:
        return None
    leaves = [i for t in tables for i in t.leaves]
    weights, scores = _leaf_sums(leaves, "weight"), _leaf_sums(leaves, "score")
    if weights != HUNDRED or scores is None:
        return None
    per_table = [_leaf_sums(t.leaves, "score") for t in tables]
    joined = "+".join(_plain(s) for s in per_table if s is not None)
    how = f"自评表各项指标得分合计{joined}={_plain(scores)}分" if len(tables) > 1 else \
        f"自评表各项指标得分合计{_plain(scores)}分"
    return scores, how


def _check_text_totals(doc: Document, tables: list[ScoreTable], mentions: list[TotalMention]) -> list[Finding]:
    """Compare the totals the prose states with the score tables, when the tables form one
    scoring system: one table with a total row, or tables whose weights sum to 100."""
    out: list[Finding] = []
    if not mentions:
        return out
    found = text_total_reference(tables)
    if found is None:
        return out
    reference, how = found
    for mention in mentions:
        if consistent(mention.text, reference):
            continue
        out.append(_finding(
            doc, rule="score.total", severity=severity_of(mention.text, reference), title="文中总得分与自评表不符",
            detail=f"文中总得分为{mention.text}分，{how}。",
            span=mention.span, stated=f"{mention.text}分", expected=f"{_plain(reference)}分",
            suggestion="核对文中得分与自评表得分，保持一致。"))
    return out


# --- entry point ------------------------------------------------------------------------


_ORDINAL_NAME = re.compile(r"^(?:经自评[,，]?|其中[:：,，]?|[（(][一二三四五六七八九十\d]+[)）])*(?:项目[一二三四五六七八九十\d]+|第[一二三四五六七八九十\d]+个?项目)?[:：]?")


def _caption_of(doc: Document, table: ScoreTable) -> str:
    """The title printed right above a table (within two paragraphs), folded."""
    starts = [b.start for b in doc.blocks]
    k = bisect.bisect_left(starts, table.block.start) - 1
    for block in doc.blocks[max(0, k - 1):k + 1][::-1]:
        if not block.is_table:
            return fold(block.text)
    return ""


def _check_project_totals(doc: Document, tables: list[ScoreTable]) -> list[Finding]:
    """A department report holding several project forms states each project's score:
    "项目一城乡居民最低生活保障资金项目自评得分96.55分" against the total row of the one form
    whose title names that project."""
    out: list[Finding] = []
    totals = [t for t in tables if t.total is not None and cell_number(t.total.score) is not None]
    if len(totals) < 2:
        return out
    captions = [(t, _caption_of(doc, t)) for t in totals]
    for block in doc.paragraphs:
        ft = block.folded
        for m in _PROJECT_SCORE.finditer(ft.folded):
            core = _ORDINAL_NAME.sub("", m.group("name"))
            core = re.sub(r"(项目)?(的)?(绩效)?$", "", core)
            if len(core) < 4:
                continue
            named = [t for t, caption in captions if core in caption]
            if len(named) != 1:
                continue
            table = named[0]
            reference = cell_number(table.total.score)
            if consistent(m.group("num"), reference):
                continue
            s, e = ft.span(m.start(), m.end())
            out.append(_finding(
                doc, rule="score.project_total", severity=severity_of(m.group("num"), reference), title="文中项目得分与其自评表不符",
                detail=f"文中“{core}”得分为{m.group('num')}分，其绩效自评表总分行得分为{table.total.score.text}分。",
                span=(block.start + s, block.start + e), stated=f"{m.group('num')}分", expected=f"{_plain(reference)}分",
                suggestion="核对文中项目得分与该项目自评表，保持一致。"))
    return out


_LEVEL2_NAME = re.compile(r"^(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)")
# "效益指标得分28.7分", "效益指标满分30分，得28.7分", "效益指标满分30分，自评得27.7分".
_LEVEL1_SCORE = re.compile(r"(?P<name>决策|过程|投入|产出|效益|满意度|服务对象满意度)(?:指标)?"
                           r"(?:(?:满分|分值)\d+(?:\.\d+)?分,?)?(?:自评)?得(?:分)?(?:为|是|:)?"
                           r"(?P<num>\d+(?:\.\d+)?)分")


def _check_level1_text(doc: Document, tables: list[ScoreTable]) -> list[Finding]:
    """A first-level score the text states ("效益指标得分28.7分") against the sum of that
    first-level group's rows, in the one score table that has the group whole (every row
    scored). Several tables with the group, or none, leave it unjudged."""
    out: list[Finding] = []
    groups: dict[str, list[tuple[ScoreTable, list[Indicator], Decimal]]] = {}
    for table in tables:
        by_level1 = _group_by_level1(table.leaves)
        if any(_LEVEL2_NAME.match(key) for key in by_level1):
            continue  # second-level names read as first-level ones: the columns are shifted
        if sum(len(g) for g in by_level1.values()) != len(table.leaves):
            continue  # rows whose first level was not read: a group may be short of them
        # A group's score: its 小计 row, else the sum of its rows in a table read whole
        # (its rows add up to its own total row).
        subtotal_of = {id(c): sub for sub in table.subtotals for c in sub.children}
        total = cell_number(table.total.score) if table.total is not None else None
        scores = _leaf_sums(table.leaves, "score")
        whole = total is not None and scores is not None and consistent(table.total.score.text, scores)
        for key, members in by_level1.items():
            sub = subtotal_of.get(id(members[0]))
            own = _leaf_sums(members, "score")
            # A 小计 that agrees with its rows vouches for the group (a wrong 小计 is
            # score.subtotal's finding, and the rows then say what the group scored).
            if sub is not None and own is not None and all(subtotal_of.get(id(i)) is sub for i in members) \
                    and cell_number(sub.score) is not None and consistent(sub.score.text, own):
                groups.setdefault(key, []).append((table, members, own))
            elif whole and own is not None:
                groups.setdefault(key, []).append((table, members, own))
    if not groups:
        return out
    # On each paragraph's folded text: a printed line break may fall anywhere in the phrase.
    matches = []
    for block in doc.paragraphs:
        ft = block.folded
        for m in _LEVEL1_SCORE.finditer(ft.folded):
            a, b = ft.span(m.start(), m.end())
            matches.append((m, (block.start + a, block.start + b)))
    for m, span in matches:
        name = m.group("name")
        found = [(t, g, v) for key, tg in groups.items() for t, g, v in tg if key == name or key.endswith(name)]
        if len(found) != 1:
            continue
        _, members, summed = found[0]
        if consistent(m.group("num"), summed):
            continue
        out.append(_finding(
            doc, rule="score.level1_text", severity=severity_of(m.group("num"), summed), title="文中一级指标得分与自评表不符",
            detail=f"文中{name}指标得分为{m.group('num')}分，自评表中{name}类指标得分为{_plain(summed)}分。",
            span=span, stated=f"{m.group('num')}分", expected=f"{_plain(summed)}分",
            suggestion="核对文中一级指标得分与自评表，保持一致。"))
    return out


_PROJECT_SCORE = re.compile(r"(?P<name>[^,，。;；:：]{4,40}?)(?:自评)?(?:总)?得分(?:为)?(?P<num>\d+(?:\.\d+)?)分")


def check_score_tables(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    tables = score_tables(doc)
    notes = stated_level1_weights(doc) if tables else {}
    flagged_cells: set[tuple[int, int]] = set()
    for n, table in enumerate(tables):
        for ind in table.indicators:
            if ind.parent:
                findings.extend(_check_parent(doc, ind))
            else:
                findings.extend(_check_indicator(doc, ind))
        for sub in table.subtotals:
            findings.extend(_check_subtotal_row(doc, sub))
        funds = tables[n - 1] if n > 0 and funds_only(tables[n - 1]) else None
        findings.extend(_check_total_row(doc, table, funds))
        findings.extend(_check_level1(doc, table, notes))
        dups, flagged = _check_duplicates(doc, table)
        findings.extend(dups)
        flagged_cells |= flagged
    for block in doc.tables:
        findings.extend(check_repeated_cells(doc, block, flagged_cells))
    mentions = text_total_mentions(doc)
    findings.extend(_check_text_totals(doc, tables, mentions))
    findings.extend(_check_project_totals(doc, tables))
    findings.extend(_check_level1_text(doc, tables))
    findings.extend(_check_grades(doc, mentions))
    return findings
