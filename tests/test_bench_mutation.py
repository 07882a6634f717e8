"""The mutation benchmark's defect injectors (bench/mutate.py): each finds a site of its
shape in a small report, changes it, and names an anchor the mutated text holds; a text
without such a site gets no mutation. One end-to-end run checks the review finds a few."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import mutate  # noqa: E402

SCORE_TABLE = """六、绩效指标完成情况
一级指标 二级指标 三级指标 指标值 完成值 分值 得分
产出指标
数量指标
培训人次
500人次 520人次 40 40
效益指标
群众满意度
90% 88% 60 58
总分 100 98
"""

MONEY_TABLE = """项目资金情况如下：
\t项目名称
\t预算数（万元）
\t执行数（万元）

\t道路养护
\t300.00
\t288.50

\t桥梁检测
\t120.00
\t116.20

\t合计
\t420.00
\t404.70
"""

# (class, text with a site of the class's shape, text the edit must touch ("a|b": either),
#  text without a site)
CASES = [
    ("total", "2023年收入合计860.50万元，其中：财政拨款收入800.50万元，其他收入60.00万元。\n",
     "860.50", "2023年收入合计860.50万元，主要用于人员支出。\n"),
    ("share", "支出合计400.00万元，其中基本支出300.00万元，占总支出的75%。\n",
     "75%", "支出合计400.00万元，其中基本支出300.00万元，占总支出的大部分。\n"),
    ("rate", "全年预算数500.00万元，全年执行数460.00万元，预算执行率92%。\n",
     "92%", "全年预算执行率92%，执行进度较好。\n"),
    ("score_total", SCORE_TABLE, "98", SCORE_TABLE.replace("总分 100 98\n", "")),
    ("score_cap", SCORE_TABLE, "58", "本年度未填报绩效自评表。\n"),
    ("unit", "项目支出120.50万元。\n……\n其中项目支出120.50万元全部用于职工帮扶。\n",
     "万元", "项目支出120.50万元。\n基本支出80.20万元。\n"),
    ("grade", "经自评，本单位绩效自评得分92.5分，评价等级为“优”。\n",
     "优", "经自评，本单位绩效自评得分92.5分。\n"),
    ("deleted_part", "一、基本情况\n本单位负责道路养护。\n二、存在的问题及原因\n资金拨付偏慢。\n三、改进措施\n加快拨付。\n",
     "存在的问题", "一、基本情况\n本单位负责道路养护。\n"),
    ("placeholder", "河源县交通运输局2023年度部门整体支出绩效自评报告\n河源县交通运输局全年支出260.00万元。\n",
     "河源县|260.00", "本报告说明年度工作。\n"),
    ("off_domain", "一、基本情况\n本局负责全县道路养护和客运管理。\n二、工作成效\n全年完成公路养护326公里。\n三、其他\n无。\n",
     "", "一、基本情况\n全年完成门诊诊疗、住院手术、储备粮轮换、职工慰问、教学和粮食种植工作\n"),
    ("table_cell", MONEY_TABLE, "", "项目资金情况如下：道路养护300.00万元。\n"),
]


@pytest.mark.parametrize("cls,text,touched,_", CASES, ids=[c[0] for c in CASES])
def test_mutator_changes_a_site_of_its_shape(cls, text, touched, _):
    [m] = mutate.mutate(text, cls, seed=3)
    assert m.text != text
    assert m.cls == cls and m.categories
    start, end = m.site
    if m.anchor is None:  # an absent part: the finding must name it instead
        assert cls == "deleted_part" and m.anyof
        assert touched not in m.text and len(m.text) < len(text)
        return
    assert mutate.fold(m.anchor) in mutate.fold(m.text)
    assert m.text[start:end] in m.anchor or mutate.fold(m.text[start:end]) in mutate.fold(m.anchor)
    # The edit replaced text at the expected site (same prefix before it in both texts).
    assert text[:start] == m.text[:start]
    if touched:
        original_site = text[start:start + 12]
        assert any(t in original_site for t in touched.split("|"))


@pytest.mark.parametrize("cls,_,__,text", CASES, ids=[c[0] for c in CASES])
def test_mutator_skips_text_without_its_shape(cls, _, __, text):
    assert mutate.mutate(text, cls, seed=3) == []


def test_changed_figures_break_what_they_claim():
    """The total no longer equals its parts; the share no longer recomputes; the score exceeds its weight."""
    [total] = mutate.mutate(CASES[0][1], "total", seed=5)
    assert "860.50万元" not in total.text and "800.50万元" in total.text
    [share] = mutate.mutate(CASES[1][1], "share", seed=5)
    assert "75%" not in share.text
    [cap] = mutate.mutate(SCORE_TABLE, "score_cap", seed=5, limit=1)
    row = cap.text[cap.site[0] - 12:cap.site[1]]
    weight, score = (float(x) for x in row.split()[-2:])
    assert score > weight
    [grade] = mutate.mutate(CASES[6][1], "grade", seed=5)
    assert "“良”" in grade.text


def test_avoided_spans_and_seed_are_respected():
    text = CASES[0][1]
    start = text.index("860.50")
    assert mutate.mutate(text, "total", seed=1, avoid=[(start, start + 6)]) == []
    first = mutate.mutate(SCORE_TABLE, "score_cap", seed=7, limit=2)
    again = mutate.mutate(SCORE_TABLE, "score_cap", seed=7, limit=2)
    assert [m.text for m in first] == [m.text for m in again] and len(first) == 2


def test_review_finds_injected_defects_end_to_end(tmp_path):
    base = BENCH / "data" / "synthetic_education_clean.txt"
    result = mutate.run([base], ["grade", "share", "rate"], ["txt"], limit=1, seed=1, workers=1)
    records = result["records"]
    assert {r["cls"] for r in records} == {"grade", "share", "rate"}
    assert all(r["error"] is None for r in records)
    missed = [(r["cls"], r["note"]) for r in records if not r["found"]]
    assert not missed
    assert sum(len(r["added"]) for r in records) <= 1
