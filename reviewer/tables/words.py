"""Every word the table model reads: header words per column role, the words that make a
row a total, subtotal or 其中 row, numbering styles, and the funds-block vocabulary.

One module on purpose: a new layout or province adds its words here, not in a check.
All patterns apply to folded text (NFKC, no white space).
"""
from __future__ import annotations

import re

# --- rows ----------------------------------------------------------------------------

# A total row names one of these anywhere in its label (本年收入合计, 人员经费合计, 总计).
TOTAL_WORDS = ("合计", "总计", "共计", "小计")
SUBTOTAL_WORDS = ("小计",)
# A label that is only a total word, possibly after a prefix like 金额/收入/支出.
_TOTAL_IN_LABEL = re.compile(r"合计|总计|共计|小计|^总额$|^总数$")
OF_WHICH = re.compile(r"^其中[:：]?")
# An 其中 group that names a catch-all part lists every part: its sum must equal the parent.
CATCH_ALL = re.compile(r"^(其中[:：]?)?其他|^其它")

# Funds blocks of a 自评表: a total line and its source lines.
FUNDS_TOTAL = re.compile(r"资金总额|资金总计|项目总投资|总投资|预算总额|资金合计")
FUNDS_SOURCE = re.compile(
    r"财政拨款|财政资金|财政性资金|上年结转|结转|结余|其他资金|其他来源|自筹|社会资金|单位资金|"
    r"中央|省级|市级|县级|区级|自治区|盟市|旗县|地市|本级|专项|上级补助|债券|融资"
)

# Numbering styles, outermost first as usually nested.
NUMBERING = (
    ("cn", re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    ("cn_paren", re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    ("arabic", re.compile(r"^\d{1,2}[、.．](?!\d)")),
    ("arabic_paren", re.compile(r"^[（(]\d{1,2}[）)]")),
)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# --- columns -------------------------------------------------------------------------

# Single-cell level headers of 科目编码 tables and indicator levels of score tables.
LEVEL_HEADERS = {"类": 1, "款": 2, "项": 3, "一级指标": 1, "二级指标": 2, "三级指标": 3}
CODE_HEADER = re.compile(r"编码|代码|科目号")
# 收入项目 / 支出项目 head the label columns of a 收支总表's two halves.
LABEL_HEADER = re.compile(r"^(项目|科目|摘要|内容|收入|支出|指标|资金来源|来源)$|^(收入|支出|收支)(项目|科目)$|名称$"
                          r"|^指标名称|^绩效指标$")
INDEX_HEADER = re.compile(r"^(序号|编号|栏次|行次)$")
RATE_HEADER = re.compile(r"执行率|完成率|到位率|支出率|使用率|支付率")
ADJUSTED_BUDGET_HEADER = re.compile(r"调整后|调整预算|全年预算|预算调整数|变更后")
BUDGET_HEADER = re.compile(r"预算|计划数|安排数|批复数|下达数")
ACTUAL_HEADER = re.compile(r"决算|执行数|实际支出|支出数|到位数|完成数|实际数|实际执行|拨付数|执行金额")
TARGET_HEADER = re.compile(r"指标值|目标值|计划值|预期值|年度目标|预期目标")
ACTUAL_VALUE_HEADER = re.compile(r"完成值|实际值|业绩值|实现值|执行值|实际完成")
SCORE_HEADER = re.compile(r"得分|^评分$|^自评分$|^分数$")
WEIGHT_HEADER = re.compile(r"分值$|权重|^满分|^标准分")
REASON_HEADER = re.compile(r"原因|偏差|改进措施|措施")
NOTE_HEADER = re.compile(r"备注|说明|依据|描述|标准|方法|情况$|形式$|性质$")
# A money column that names a category rather than budget or actual (基本支出, 财政拨款收入, 合计).
AMOUNT_HEADER = re.compile(r"合计|小计|总计|收入|支出|拨款|经费|资金|金额|费|结转|结余|补助|上缴|投资|总额")
FUND_TYPE = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算")
COLUMN_TOTAL = re.compile(r"合计|小计|总计")
UNIT_IN_TEXT = re.compile(r"单位[:：]?(亿元|万元|千元|元)|[（(](亿元|万元|千元|元)[）)]")

# A caption names its table: 收入支出决算总表, 项目支出绩效自评表 …
CAPTION = re.compile(r"表([（(].{0,12}[）)])?$")
CAPTION_NOISE = re.compile(r"^(第[一二三四五六七八九十]+部分)|^\d{4}年度?|决算|预算|总表$|明细表$|情况表$|表$")

SCORE_TABLE_ROLES = ("weight", "score")
MONEY_ROLES = ("budget", "adjusted_budget", "actual", "amount")
KEY_ROLES = ("label", "code", "level1", "level2", "level3")
VALUE_ROLES = MONEY_ROLES + ("rate", "target", "actual_value", "weight", "score")


def strip_brackets(text: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", text)


def column_role(header: str) -> tuple[str, int | None]:
    """(role, level) for one folded header cell; ('', None) when it names nothing."""
    f = header
    if not f:
        return "", None
    bare = strip_brackets(f) or f
    if bare in LEVEL_HEADERS:
        return f"level{LEVEL_HEADERS[bare]}", LEVEL_HEADERS[bare]
    if INDEX_HEADER.match(bare):
        return "other", None
    if OF_WHICH.match(bare):
        bare = OF_WHICH.sub("", bare)
    # 一般公共预算/政府性基金预算 name a kind of fund, not a budget figure.
    bare = FUND_TYPE.sub("", bare) or bare
    if SCORE_HEADER.search(bare) and "标准" not in bare and "率" not in bare:
        return "score", None
    if WEIGHT_HEADER.search(bare):
        return "weight", None
    if REASON_HEADER.search(bare):
        return "reason", None
    if NOTE_HEADER.search(bare):
        return "note", None
    if RATE_HEADER.search(bare):
        return "rate", None
    if CODE_HEADER.search(bare):
        return "code", None
    if ACTUAL_VALUE_HEADER.search(bare):
        return "actual_value", None
    if TARGET_HEADER.search(bare):
        return "target", None
    if LABEL_HEADER.search(bare):
        return "label", None
    if ADJUSTED_BUDGET_HEADER.search(bare):
        return "adjusted_budget", None
    if BUDGET_HEADER.search(bare):
        return "budget", None
    if ACTUAL_HEADER.search(bare):
        return "actual", None
    if AMOUNT_HEADER.search(bare):
        return "amount", None
    return "", None


def is_total_label(label: str) -> bool:
    return bool(_TOTAL_IN_LABEL.search(strip_numbering(label)))


def is_subtotal_label(label: str) -> bool:
    return any(w in label for w in SUBTOTAL_WORDS)


def numbering_of(label: str) -> tuple[str, int] | None:
    """(style, ordinal) of a numbered label (一、 → ('cn', 1)); None when unnumbered."""
    for style, pattern in NUMBERING:
        m = pattern.match(label)
        if m:
            digits = re.sub(r"[^\d一二三四五六七八九十]", "", m.group())
            return style, _ordinal(digits)
    return None


def _ordinal(digits: str) -> int:
    if digits.isdigit():
        return int(digits)
    if digits in _CN_DIGITS:
        return _CN_DIGITS[digits]
    if digits.startswith("十"):
        return 10 + _CN_DIGITS.get(digits[1:], 0)
    if digits.endswith("十"):
        return _CN_DIGITS.get(digits[:-1], 1) * 10
    if "十" in digits:
        tens, ones = digits.split("十", 1)
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return 0


def strip_numbering(label: str) -> str:
    for _, pattern in NUMBERING:
        label = pattern.sub("", label, count=1)
    return label


def unit_in(text: str) -> str | None:
    m = UNIT_IN_TEXT.search(text)
    return (m.group(1) or m.group(2)) if m else None
