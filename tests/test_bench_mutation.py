"""The mutation benchmark's defect injectors (bench/mutate.py): each finds a site of its
shape in a small report, changes it, and names an anchor the mutated text holds; a text
without such a site gets no mutation. One end-to-end run checks the review finds a few."""
from __future__ import annotations

import re
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


# --------------------------------------------------------------------------- issue 11 classes

def _tab_table(rows: list[list[str]]) -> str:
    return "".join("".join(f"\t{c}\n" for c in r) + "\n" for r in rows)


FORM = _tab_table([
    ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因"],
    ["产出指标", "数量指标", "新建供水工程", "≥18处", "20处", "10", "10", ""],
    ["", "", "更换管网", "≥45公里", "46.5公里", "10", "10", ""],
    ["", "", "培训管护员", "≥40人", "42人", "5", "5", ""],
    ["", "质量指标", "验收合格率", "≥95%", "96.8%", "5", "5", ""],
    ["", "", "水质合格率", "≥95%", "97%", "5", "5", ""],
    ["", "时效指标", "按期完工率", "≥90%", "88%", "5", "4.89", "汛期影响"],
    ["", "成本指标", "单处平均造价", "≤42万元", "40.8万元", "10", "10", ""],
    ["效益指标", "社会效益指标", "自来水普及率", "≥60%", "63%", "10", "10", ""],
    ["", "", "受益人口", "≥3.2万人", "3.4万人", "10", "10", ""],
    ["", "可持续影响指标", "管护制度健全性", "健全", "已制定", "10", "10", ""],
    ["满意度指标", "满意度指标", "受益群众满意度", "≥90%", "94.2%", "10", "10", ""],
])

FUNDS = _tab_table([
    ["资金项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "860.00", "900.00", "846.00", "10", "94.00%", "9.40"],
    ["其中：中央财政资金", "500.00", "520.00", "500.00", "", "", ""],
    ["省级财政资金", "200.00", "210.00", "200.00", "", "", ""],
    ["县级财政资金", "160.00", "170.00", "146.00", "", "", ""],
])

NARRATIVE = (
    "云溪县水利局2023年度项目支出绩效自评报告\n"
    "一、项目概况\n"
    "依据《关于下达资金的通知》（云财农〔2023〕18号）实施。本局核定编制38人，年末实有人员61人，其中在职35人，离休1人，退休25人。\n"
    "2023年收入合计3260.45万元，其中：财政拨款收入3180.45万元，其他收入80.00万元。\n"
    "按支出功能分类，卫生健康支出2870.52万元，占支出合计的89.74%。\n"
    "2023年支出合计3198.72万元，比2022年的2985.30万元增加213.42万元，增长7.15%。\n"
    "累计拨付资金846.00万元，全年预算900.00万元，资金拨付进度94.00%。\n"
    "聘用管护员42名，管护补助按2400元/人的标准发放，全年发放管护补助资金10.08万元。\n"
    "年度计划新建工程不少于18处，实际完成20处。全年预算执行率82.60%。\n"
    "主要做了以下工作：1.按季度调度；2.开展水质抽检；3.开展运行检查。\n"
    "本年度基本支出1256.30万元，主要用于保障正常运转。\n"
    "收入支出决算总表\n"
    + _tab_table([["收入项目", "决算数", "支出项目", "决算数"],
                  ["一、财政拨款收入", "3180.45", "一、基本支出", "1256.30"],
                  ["本年收入合计", "3260.45", "本年支出合计", "3198.72"]])
    + "二、存在的问题及原因\n一是预算执行率82.60%，原因是培训推迟。\n三、改进措施\n按季度对接计划。\n"
)

# (class, text with a site, text the edit must change (before → after, "" when inserted),
#  text without a site of that shape)
NEW_CASES = [
    ("unmet_no_reason", FORM, "", FORM.replace("偏差原因", "备注说明")),
    ("over_completion", FORM, "", "本报告不含自评表。\n"),
    ("cost_comparator", FORM, "≤", FORM.replace("成本指标", "效率指标").replace("单处平均造价", "单处平均工期")),
    ("level_mismatch", FORM, "", FORM.replace("数量指标", "质量指标").replace("产出指标", "效率类")),
    ("malformed_target", FORM, "", "本报告不含自评表。\n"),
    ("satisfaction_no_survey", FORM, "", FORM.replace("受益群众满意度", "受益群众评价")),
    ("uniform_full", FORM, "", FORM.replace("\t4.89\n\t汛期影响", "\t5\n\t")),
    ("actual_copies_target", FORM, "", FORM.replace("≥", "").replace("≤", "")),
    ("weights", FORM, "", "本报告不含自评表。\n"),
    ("exec_score", FUNDS, "9.40", FUNDS.replace("9.40", "8.00")),
    ("funds_sources", FUNDS, "", FUNDS.replace("其中：", "")),
    ("open_rate", NARRATIVE, "94.00", NARRATIVE.replace("资金拨付进度94.00%", "资金拨付进度较快")),
    ("parts_exceed", NARRATIVE, "", NARRATIVE.replace("其他收入80.00万元", "其他收入90.00万元")),
    ("staffing", NARRATIVE, "", NARRATIVE.replace("退休25人", "退休26人")),
    ("class_tag", NARRATIVE, "", NARRATIVE.replace("的89.74%", "的大部分")),
    ("own_year_change", NARRATIVE, "7.15", NARRATIVE.replace("，增长7.15%", "").replace("比2022年的2985.30万元", "比上年")),
    ("text_vs_table", NARRATIVE, "1256.30", NARRATIVE.replace("本年度基本支出1256.30万元", "本年度基本支出1250.00万元")),
    ("per_head_unit", NARRATIVE, "万元", NARRATIVE.replace("10.08万元", "12.00万元")),
    ("unitless", NARRATIVE, "元", NARRATIVE.replace("2400元/人", "每人2400元")),
    ("option_pair", NARRATIVE, "", NARRATIVE.replace("比2022年", "与往年")),
    ("bracket_note", "一、项目概况\n2023年支出合计3198.72万元，比上年增加213.42万元。\n", "",
     "本局负责全县供水。\n"),
    ("empty_row", "二、绩效目标\n目标1：新建工程18处。\n目标2：更换管网45公里。\n三、其他\n", "",
     "二、绩效目标\n新建工程18处。\n"),
    ("html_residue", NARRATIVE, "", "1234567890\n"),
    ("docno", NARRATIVE, "〕", NARRATIVE.replace("〕", "）")),
    ("year_xx", NARRATIVE, "", "本局负责全县供水。\n"),
    ("claim_plan", NARRATIVE, "20", NARRATIVE.replace("不少于18处，实际完成20处", "18处")),
    ("claim_no_problem", NARRATIVE, "", NARRATIVE.replace("82.60%", "96.60%")),
    ("numbering", NARRATIVE, "3", NARRATIVE.replace("1.按季度调度；2.开展水质抽检；3.", "按季度调度、开展水质抽检并")),
    ("dup_paragraph", NARRATIVE, "", "本局负责全县供水。\n"),
    ("dup_indicator", FORM, "", "本报告不含自评表。\n"),
    ("dup_word", NARRATIVE, "", "本局负责全县供水。\n"),
]


@pytest.mark.parametrize("cls,text,changed,_", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_issue11_mutator_changes_a_site_of_its_shape(cls, text, changed, _):
    mutations = mutate.mutate(text, cls, seed=3, limit=3)
    assert mutations, f"{cls}: no site found"
    for m in mutations:
        assert m.text != text and m.cls == cls and m.categories
        assert m.anchor and mutate.fold(m.anchor) in mutate.fold(m.text)
        start, end = m.site
        assert text[:start] == m.text[:start]  # the edit begins at the site
        assert mutate.fold(m.text[start:end]) in mutate.fold(m.anchor) or not m.text[start:end].strip()
        if changed:  # the figure or mark the class is about was replaced
            removed = text[start:start + len(text) - len(m.text) + (end - start)]
            assert changed in removed or changed in text[start:start + 12], (cls, removed)


@pytest.mark.parametrize("cls,_,__,text", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_issue11_mutator_skips_text_without_its_shape(cls, _, __, text):
    assert mutate.mutate(text, cls, seed=3, limit=5) == []


def test_issue11_mutations_break_what_they_claim():
    """Spot checks of the changed values: short of target, over 130 %, every score full,
    sources off their total, parts over their total, staff off their sum."""
    [unmet] = mutate.mutate(FORM, "unmet_no_reason", seed=1)
    row = next(r for r in mutate.indicator_rows(unmet.text) if r.cells["actual"].start >= unmet.site[0] - 1
               and r.cells["actual"].start < unmet.site[1])
    target, actual = mutate.quantity(row.text("target")), mutate.quantity(row.text("actual"))
    assert actual[1] < target[1] and row.text("reason") == ""
    [over] = mutate.mutate(FORM, "over_completion", seed=1)
    rows = mutate.indicator_rows(over.text)
    assert any(mutate.quantity(r.text("actual"))[1] >= 1.3 * mutate.quantity(r.text("target"))[1]
               for r in rows if mutate.quantity(r.text("actual")) and mutate.quantity(r.text("target")))
    [full] = mutate.mutate(FORM, "uniform_full", seed=1)
    leaves = mutate._leaf_rows(full.text, mutate.indicator_rows(full.text))
    assert len(leaves) >= 10 and all(r.value("score") == r.value("weight") for r in leaves)
    [tagged] = mutate.mutate(NARRATIVE, "class_tag", seed=1)
    assert re.search(r"卫生健康支出[（(][类款][）)]2870\.52万元", tagged.text) and "89.74%" not in tagged.text
    [funds] = mutate.mutate(FUNDS, "funds_sources", seed=1)
    assert funds.text.count("\t") == FUNDS.count("\t") and funds.text != FUNDS
    [people] = mutate.mutate(NARRATIVE, "staffing", seed=1)
    m = re.search(r"实有人员(\d+)人，其中在职(\d+)人，离休(\d+)人，退休(\d+)人", people.text)
    assert int(m.group(1)) != sum(int(m.group(i)) for i in (2, 3, 4))
    [parts] = mutate.mutate(NARRATIVE, "parts_exceed", seed=1)
    m = re.search(r"收入合计([\d.]+)万元，其中：财政拨款收入([\d.]+)万元，其他收入([\d.]+)万元", parts.text)
    assert float(m.group(2)) + float(m.group(3)) > float(m.group(1))


def test_new_bases_are_clean_and_reviewed_end_to_end():
    """The added clean bases give no figure finding offline, and one mutation of each of a few
    issue-11 classes is found on them (TXT)."""
    bases = [BENCH / "data" / n for n in ("project_water_clean.txt", "department_health_clean.txt")]
    for base in bases:
        findings, _, document = mutate.review_findings(str(base))
        assert [f["rule"] for f in findings] == [] and document["kind"] in ("project", "department_overall")
    result = mutate.run(bases, ["staffing", "exec_score", "option_pair", "numbering"], ["txt"], limit=1, seed=1,
                        workers=1)
    records = result["records"]
    assert records and all(r["error"] is None for r in records)
    assert [r["note"] for r in records if not r["found"]] == []


@pytest.mark.parametrize("name, kind", [
    ("project_police_clean.txt", "project"),             # funds block counted in the 总分 row
    ("department_culture_clean.txt", "department_overall"),  # one value per line
    ("township_clean.txt", "department_overall"),        # a pipe table drawn without borders
    ("final_accounts_school_clean.txt", "final_accounts"),  # all-funds and 财政拨款 scopes side by side
])
def test_more_clean_bases_give_no_figure_findings(name, kind):
    findings, _, document = mutate.review_findings(str(BENCH / "data" / name))
    figures = [f["rule"] for f in findings if f["source"] == "prepass" and f["severity"] in ("error", "warning")]
    assert figures == [] and document["kind"] == kind
