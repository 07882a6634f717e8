"""Another unit's name left in the text (`boilerplate`): a report copied from a peer unit
often keeps that unit's name. A name with the same kind of body (…县总工会, …区财政局)
at the same administrative level as this unit, but another place, is flagged; bodies
at other levels (上级 市/州/省 总工会, 下属 乡镇) are normal company in a report.
"""
from __future__ import annotations

import re

from ..textmatch import fold
from .context import RuleContext

RULE = "boilerplate.peer_unit"
_LEVELS = "省|自治区|市|州|盟|县|区|旗"
_UNIT = re.compile(rf"^(?P<place>[\u4e00-\u9fff]{{2,10}}?(?:{_LEVELS}))(?P<body>[\u4e00-\u9fff]{{2,12}})$")
# Words that read like a place before 县/市 but are not one (全县总工会, 本市财政局 …).
_NOT_PLACE = re.compile(r"^(全|本|我|该|各|每|外|省|市|县|区|州|乡|镇|其他|所在|相关|周边|邻近|城|农|辖)")


def split_unit(name: str) -> tuple[str, str, str] | None:
    """(place, level, body) of a unit name: 新乡县总工会 → (新乡县, 县, 总工会)."""
    m = _UNIT.match(fold(name or ""))
    if not m:
        return None
    place = m.group("place")
    level = next(lv for lv in _LEVELS.split("|") if place.endswith(lv))
    return place, level, m.group("body")


def check(ctx: RuleContext) -> None:
    parts = split_unit(ctx.info.unit or "")
    if parts is None:
        return
    place, level, body = parts
    pattern = re.compile(rf"([\u4e00-\u9fff]{{2,8}}?{re.escape(level)}){re.escape(body)}")
    reported: set[str] = set()
    for sentence in ctx.sentences:
        for m in pattern.finditer(sentence.folded):
            # The match may start early ("关于元氏县"); a doubled level ("武定县县") is a typo.
            matched = re.sub(rf"({re.escape(level)})\1+$", r"\1", m.group(1))
            if matched.endswith(place):
                continue
            other = matched[-len(place):]
            if other[-2:-1] in "全本该各每其" or _NOT_PLACE.match(other) or other in reported:
                continue
            reported.add(other)
            span = ctx.block_span(sentence.block, sentence.fstart + m.start(), sentence.fstart + m.end())
            ctx.add(
                category="boilerplate", rule=RULE, span=span,
                title="出现其他同级单位名称",
                detail=(f"本报告单位为“{ctx.info.unit}”，此处却写“{other}{body}”（同为{level}级{body}），"
                        f"疑似照抄其他单位的报告后未改名。{ctx.enforces('疑似照抄其他单位的内容')}"),
                suggestion=f"核实此处单位名称，改为“{ctx.info.unit}”或删除照抄内容。",
            )
