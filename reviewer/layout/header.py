"""Column names of the score and funds tables that reports flatten to text, each with the
role it gives its column. One list, read by every text-table rule."""
from __future__ import annotations

import re

# (role, pattern on folded text). Longer names first where one contains another.
HEADER_WORDS: list[tuple[str, str]] = [
    ("reason", r"(?:偏差|未完成)原因(?:分析)?(?:及|和)?(?:拟采取的)?(?:改进|整改)?(?:措施)?"),
    ("level1", r"一级指标"), ("level2", r"二级指标"), ("level3", r"三级指标"),
    ("label", r"绩效指标"), ("label", r"指标名称"), ("label", r"指标内容"),
    ("other", r"计量单位"), ("other", r"指标性质"), ("other", r"指标方向"),
    ("target", r"(?:年度|预期|全年)?(?:目标)?指标值"), ("target", r"(?:年度)?目标值"), ("target", r"计划值"),
    ("actual_value", r"(?:全年|实际)?(?:实际|完成)值"), ("actual_value", r"实际完成值"), ("actual_value", r"业绩值"),
    ("weight", r"执行率权重"), ("weight", r"(?:指标)?权重"), ("weight", r"(?:指标)?分值"),
    ("score", r"执行率得分"), ("score", r"(?:指标|自评)?得分"), ("score", r"评分"),
    ("budget", r"年初预算数?"), ("budget", r"全年(?:\(调整\))?预算数"), ("budget", r"调整后预算数"),
    ("budget", r"预算数"),
    ("actual", r"全年执行数"), ("actual", r"预算执行数"), ("actual", r"执行数"),
    ("rate", r"预算执行率"), ("rate", r"执行率"),
    ("reason", r"说明"), ("reason", r"备注"), ("reason", r"原因"), ("other", r"度量单位"),
]
# A column name may carry a short note in brackets: 分值(分), 全年预算数(A), 执行率(B/A).
_SUFFIX = r"(?:\([A-Za-z/%分万元]{1,4}\))?"
# The note is written once after the alternation rather than after each name: the same
# matches (the branches are tried in the same order) and the same lastgroup, but its
# character class, slow to compile for its Chinese characters, is compiled once, not 33 times.
_ALTERNATION = "(?:" + "|".join(f"(?P<h{i}>{p})" for i, (_, p) in enumerate(HEADER_WORDS)) + ")" + _SUFFIX
HEADER_RE = re.compile(_ALTERNATION)
# Every column name holds one of these: a cheap test before the full alternation.
HINT_RE = re.compile(r"指标|值|分|权重|预算|执行|原因|说明|备注|单位|性质|方向")
# A header has a weight or score column, or budget and execution columns.
HEADER_HINT_RE = re.compile(r"分值|得分|评分|权重|预算数")
NUMERIC_ROLES = {"weight", "score", "budget", "actual", "rate"}
NAME_ROLES = {"level1", "level2", "level3", "label"}


def role_of(match: re.Match) -> str:
    return HEADER_WORDS[int(match.lastgroup[1:])][0]


def header_runs(folded: str, min_words: int = 4) -> list[list[re.Match]]:
    """Runs of column names written one after another with nothing between them."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for m in HEADER_RE.finditer(folded):
        if current and m.start() == current[-1].end():
            current.append(m)
            continue
        if len(current) >= min_words:
            runs.append(current)
        current = [m]
    if len(current) >= min_words:
        runs.append(current)
    # "绩效指标" before the indicator columns is the merged cell that groups the rows,
    # not a column of its own.
    runs = [r[1:] if len(r) > 1 and r[0].group() == "绩效指标" and role_of(r[1]) in NAME_ROLES else r for r in runs]
    return [r for r in runs if is_header([role_of(m) for m in r])]


def is_header(roles: list[str]) -> bool:
    """A score table header names a weight or a score; a funds header a budget and an
    execution figure."""
    has = set(roles)
    return len(roles) >= 4 and (bool(has & {"weight", "score"}) or {"budget", "actual"} <= has)


def whole_line_roles(folded: str) -> list[str] | None:
    """Roles of a line made only of column names (one or several), else None."""
    if len(folded) > 40 or not HINT_RE.search(folded):
        return None
    roles, pos = [], 0
    for m in HEADER_RE.finditer(folded):
        if m.start() != pos:
            return None
        roles.append(role_of(m))
        pos = m.end()
    return roles if roles and pos == len(folded) else None
