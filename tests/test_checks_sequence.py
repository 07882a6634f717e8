from __future__ import annotations

import pytest

from reviewer.checks.sequence import check_numbering, cn_number
from reviewer.ingest import load

from .conftest import ROOT, SAMPLES
from .helpers import doc_from_text

CORRECTED = ROOT / "tests" / "fixtures" / "corrected"


def found(text):
    return [(f.rule, f.stated, f.expected) for f in check_numbering(doc_from_text(text))]


@pytest.mark.parametrize("text, value", [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20),
                                         ("二十三", 23), ("甲", None), ("十十", None)])
def test_cn_number(text, value):
    assert cn_number(text) == value


# --- "一是…二是…" inside paragraphs ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "主要做法：一是加强学习；二是完善制度；三是强化监督。\n",
    # a printed line that ends right after an ordinal (hard-wrapped text keeps its breaks)
    "主要做法：一是加强学习；二是完善制度；三是\n强化监督；四是落实整改责\n任。\n",
    "主要做法：一是加强学习；二是完善制度；三\n是强化监督；四是落实整改责任。\n",
    # two lists, each in its own paragraph, both starting again at 一是
    "（一）预算管理。一是细化编制；二是严格执行。\n\n（二）资产管理。一是定期盘点；二是规范处置。\n",
    # a list going on into the next paragraph of the same section
    "一是加强学习，提升能力。二是完善制度。\n\n三是强化监督，确保落实。\n",
    # words that contain 一是 are not ordinals
    "这是唯一是非判断标准。统一是前提。\n",
    # a new list after a paragraph with no ordinals starts from scratch
    "一是甲；二是乙；三是丙。\n\n其他情况说明。\n\n二是丁。\n",
])
def test_ordinals_that_are_in_order(text):
    assert found(text) == []


@pytest.mark.parametrize("text, expected", [
    ("一是加强学习；二是完善制度；二是强化监督。\n", [("duplicate.numbering", "二是", "三是")]),
    ("一是甲。二是乙。三是丙。四是丁。五是戊。六是己。六是庚。\n", [("duplicate.numbering", "六是", "七是")]),
    ("一是加强学习；二是完善制度；四是强化监督。\n", [("wording.numbering_skip", "四是", "三是")]),
])
def test_ordinals_that_repeat_or_skip(text, expected):
    assert found(text) == expected


def test_repeat_quotes_the_second_occurrence():
    text = "一是甲事项。二是乙事项。二是丙事项。\n"
    doc = doc_from_text(text)
    (f,) = check_numbering(doc)
    assert f.category == "duplicate" and f.severity == "warning" and f.source == "prepass"
    assert f.quote == "二是丙事项" and f.location.start == text.index("二是丙")


def test_skip_is_wording_info():
    (f,) = check_numbering(doc_from_text("一是甲事项；三是丙事项。\n"))
    assert (f.category, f.severity) == ("wording", "info")


# --- labelled items: 目标 1…目标 5, 任务 1… ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("目标 1：甲\n\n目标 2：乙\n\n目标 3：丙\n", []),
    ("目标 1：甲\n\n目标 2：乙\n\n目标 3：丙\n\n目标 4：丁\n\n目标 3：戊\n", [("duplicate.numbering", "目标3", "目标5")]),
    ("任务 1 甲\n\n任务 2 乙\n\n任务 4 丁\n", [("wording.numbering_skip", "任务4", "任务3")]),
    # goals and tasks are separate lists; each restarts at 1
    ("目标 1：甲\n\n目标 2：乙\n\n任务 1 甲\n\n任务 2 乙\n\n目标 1：丙\n", []),
    ("任务名称 主要内容\n\n目标一致，任务十分艰巨。\n", []),
])
def test_labelled_items(text, expected):
    assert found(text) == expected


# --- numbered paragraphs ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("（一）收入情况\n\n（二）支出情况\n\n（二）结余情况\n", [("duplicate.numbering", "（二）", "（三）")]),
    ("1、加强学习。\n\n2、完善制度。\n\n2、强化监督。\n", [("duplicate.numbering", "2", "3")]),
    # sections restart numbering below them
    ("一、基本情况\n\n1、主要职能\n\n2、机构情况\n\n二、自评情况\n\n1、组织\n\n2、实施\n", []),
    # a "（一）" list nested inside a "2、" item, then the next "（二）" heading
    ("（一）概况\n\n1、主要职能\n\n2、机构情况\n\n（一）办公室：负责综合协调服务、管理县总工会机关日常事务工作，起草重要文稿。\n\n"
     "（二）组织部：研究制定工会组织建设规划，指导基层工会组织建设。\n\n（二）部门预算管理情况\n", []),
    # numbers lost to automatic numbering are not reported as skips
    ("（一）部门概况\n\n部门收支情况\n\n（三）绩效目标\n", []),
    # top-level titles numbered like the body's items: the title "3." after the item "3." starts a part
    ("2. 部门整体收支情况\n\n1.加强预算管理，细化支出。\n\n2.规范资产管理，定期盘点。\n\n3.压减一般性支出。\n\n"
     "3. 评价情况分析及综合评价结论\n", []),
    # item 1 again under the next part: a new list
    ("一、项目概况\n\n（一）项目基本情况\n\n二、绩效目标\n\n（一）总体目标\n", []),
    # item 1 twice in a row: a repeat, not a new list
    ("一、项目概况\n\n（一）项目基本情况\n\n（一）项目概况\n\n本项目共投入资金20万元。\n",
     [("duplicate.numbering", "（一）", "（二）")]),
    # two titles with one number are a repeat all the same
    ("2. 部门整体收支情况\n\n3. 绩效目标完成情况\n\n3. 评价情况分析及综合评价结论\n", [("duplicate.numbering", "3", "4")]),
])
def test_numbered_paragraphs(text, expected):
    assert [(r, s.replace("、", ""), e.replace("、", "")) for r, s, e in found(text)] == \
        [(r, s.replace("、", ""), e.replace("、", "")) for r, s, e in expected]


# --- numbered items run together inside one paragraph -----------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("主要措施：1.加强学习。2.完善制度。4.强化监督。4.推进公开。\n",
     [("wording.numbering_skip", "4.", "3."), ("duplicate.numbering", "4.", "5.")]),
    ("（一）收入情况良好；（二）支出规范；（四）结余合理。\n", [("wording.numbering_skip", "（四）", "（三）")]),
    ("工作成效：①培训120人次；②调解纠纷35件；②开展普法宣传12场。\n", [("duplicate.numbering", "②", "③")]),
    ("存在问题：1、预算编制不细；2、执行进度慢，3、执行进度慢。二、措施：1、细化编制；3、加快进度。\n",
     [("wording.numbering_skip", "3、", "2、")]),
    # a printed line break before an item: the list goes on in the next paragraph
    ("主要做了以下工作：1.开展督导；\n2.组织专家坐诊；2.核查健康档案。\n", [("duplicate.numbering", "2.", "3.")]),
    ("主要措施：1.加强学习；2.完善制度；\n3.强化监督；3.推进公开。\n", [("duplicate.numbering", "3.", "4.")]),
])
def test_inline_numbering_that_repeats_or_skips(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "主要措施：1.加强学习；2.完善制度；3.强化监督。\n",
    # decimals, dates and 第1、2项 are not item numbers
    "收入1.5万元，2.3万元，4.5万元，支出6.7万元。\n",
    "2020.1.5召开会议，2021.3.6完成验收，2022.4.1上报。\n",
    "第1、2、4项指标未完成，3.5%的资金未支付。\n",
    # nested lists restart under each higher item
    "（一）预算：1.编制；2.执行。（二）决算：1.编制；2.公开。\n",
    "一、概况。1.职能；2.机构。二、目标。1.产出；2.效益；3.满意度。\n",
    # a list that does not start at 1 in this paragraph (continued from elsewhere) is left alone
    "3.强化监督；5.推进公开。\n",
    # lists over several paragraphs, in order
    "主要做了以下工作：1.开展督导；\n2.组织专家坐诊；\n3.核查健康档案。\n",
    # the next paragraph does not go on from the open list: two separate lists
    "主要措施：1.加强学习；\n1.完善制度；3.强化监督。\n",
    "主要措施：1.加强学习；2.完善制度；\n4.强化监督；5.推进公开。\n",
    # 预期目标 and 实际完成情况 flattened side by side: each item written twice, not renumbered
    "预期目标 实际完成情况 1.开展普法宣传进社区活动。 1.开展普法宣传进社区活动，共12场。 2.加强社区矫正对象监管。 "
    "2.加强社区矫正对象监管，无脱管漏管。 3.提供法律援助服务。 3.提供法律援助服务186件。\n",
])
def test_inline_numbering_in_order_or_not_numbering(text):
    assert found(text) == []


# --- the samples and corrected copies ------------------------------------------------------------

def test_sample_004_repeated_ordinal():
    path = next(SAMPLES.glob("004_*.txt"))
    findings = check_numbering(load(path))
    assert [(f.rule, f.quote) for f in findings] == [("duplicate.numbering", "六是自身建设不断加强")]


@pytest.mark.parametrize("stem", ["000", "001", "002", "003"])
def test_samples_without_numbering_defects(stem):
    assert check_numbering(load(next(SAMPLES.glob(f"{stem}_*.txt")))) == []


@pytest.mark.parametrize("path", sorted(CORRECTED.glob("*.txt")), ids=lambda p: p.stem[:3])
def test_corrected_copies_have_no_numbering_findings(path):
    assert check_numbering(load(path)) == []


def test_inline_repeat_read_across_a_line_break_inside_its_token():
    from reviewer.checks.sequence import check_numbering

    from .helpers import doc_from_text

    width = 24
    tail = ("主要措施：（1）加强预算编制和审核；（2）规范资金支付；（2）强化绩效运行监控。"
            + "下一步将继续完善制度，提高资金使用效益，确保各项工作落到实处，" * 3)
    lead = "本单位高度重视预算绩效管理工作，认真落实各项制度要求，" * 4
    cut = len(lead) + tail.index("（2）规范") + 1
    lead += "严" * ((width - cut % width) % width)  # a printed line ends inside "（" / "2）"
    body = lead + tail
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    doc = doc_from_text("\n".join(lines) + "\n")
    assert len(doc.paragraphs) == 1  # the printed lines read as one paragraph
    found = [f for f in check_numbering(doc) if "段内编号" in f.detail]
    assert len(found) == 1 and found[0].stated == "（2）"
