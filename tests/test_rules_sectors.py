"""Off-domain boilerplate: a sentence dense in another sector's terms that the unit's own
functions never mention. Cases cover the lexicon, own-sector detection from the unit
name and the duties text, and general-purpose units."""
from __future__ import annotations

import pytest
import yaml

from reviewer.ingest.txt import parse_txt
from reviewer.pipeline import document_info
from reviewer.rubric import load_rubric, rubrics_dir
from reviewer.rules import run_rules
from reviewer.rules.sectors import load_sectors, sectors_of_name
from reviewer.sections import build_sections

UNION = ("元宁县总工会2023年度整体支出绩效自评报告\n"
         "一、部门基本情况\n"
         "（一）主要职能\n"
         "指导全县各级工会开展民主管理，推动工资集体协商和集体合同制度，参与职工安全生产保护，"
         "开展困难职工帮扶和金秋助学，组织劳动竞赛和职工技能培训，促进就业再就业。\n"
         "二、存在的问题及改进措施\n")

TOWNSHIP = ("青山县白石镇人民政府2022年度部门整体支出绩效自评报告\n"
            "一、基本情况\n"
            "（一）主要职能\n"
            "负责全镇经济社会发展、乡村治理、农业生产、民生保障和安全稳定工作。\n"
            "二、绩效目标完成情况\n")


def off_domain(text: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
            if f.rule == "boilerplate.off_domain"]


def test_lexicon_has_enough_sectors_and_terms():
    raw = yaml.safe_load((rubrics_dir() / "sectors.yaml").read_text(encoding="utf-8"))["sectors"]
    assert len(raw) >= 20
    for sector in raw:
        assert len(set(sector["terms"])) >= 20, sector["id"]
        assert sector["unit_keywords"], sector["id"]
    ids = {s["id"] for s in raw}
    for sector in raw:
        assert set(sector.get("related", [])) <= ids, sector["id"]
        assert set(sector.get("covers", [])) - {"all"} <= ids, sector["id"]


@pytest.mark.parametrize("unit,sector", [
    ("元氏县总工会", "工会和群团"),
    ("青龙县粮食和物资储备局", "粮食和物资储备"),
    ("安宁县农业农村局", "农业农村"),
    ("白石镇人民政府", "乡镇综合"),
    ("宁远县林业和草原局", "林业和草原"),
    ("临川县卫生健康局", "卫生健康"),
])
def test_unit_name_gives_its_sector(unit, sector):
    assert sector in [s.name for s in sectors_of_name(unit, load_sectors())]


INVALID = [
    ("trade union copying grain-reserve measures",
     UNION + "我们将细化预算编制，更好地实施储备物资管理，确保储备物资数量真实、质量良好，从而完成全年储备任务。\n",
     "粮食和物资储备", "储备物资"),
    ("trade union copying a livestock sentence",
     UNION + "下一步将加强动物防疫工作，强化非洲猪瘟和口蹄疫防控，确保不发生区域性重大动物疫病。\n",
     "畜牧兽医", "非洲猪瘟"),
    ("agriculture bureau copying a police sentence",
     "安宁县农业农村局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n"
     "负责全县农业生产、高标准农田建设和农产品质量安全监管。\n二、改进措施\n"
     "下一步要加大打击犯罪力度，提高刑事案件破案率，维护社会治安稳定。\n",
     "公安", "刑事案件"),
    ("township copying a grain-reserve sentence its duties never mention",
     TOWNSHIP + "全年完成储备粮轮换计划，粮库仓容利用率达到95%。\n", "粮食和物资储备", "储备粮"),
    ("a copied sentence inside the duties part does not excuse itself",
     UNION.replace("促进就业再就业。", "促进就业再就业。\n全年完成储备粮轮换计划，确保储备物资数量真实、储存安全。"),
     "粮食和物资储备", "储备粮"),
    ("health bureau copying a union sentence with a service word",
     "临川县卫生健康局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县公共卫生和医疗服务管理。\n"
     "二、改进措施\n下一步将推进基层工会规范化建设，扩大新就业形态劳动者入会覆盖面，做好困难职工帮扶工作。\n",
     "工会和群团", "基层工会"),
    ("water bureau copying a sentence dense in farming terms (a related sector)",
     "宁远县水利局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县水资源管理和水利工程建设。\n"
     "二、绩效目标完成情况\n全年新建高标准农田2万亩，完成农作物病虫害统防统治，播种面积稳定，农产品质量安全抽检合格。\n",
     "农业农村", "高标准农田"),
    ("transport bureau copying a hospital sentence",
     "安平县交通运输局2023年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县公路建设和道路运输管理。\n"
     "二、改进措施\n下一步将加快胸痛中心和卒中中心建设，优化预约挂号流程，落实分级诊疗。\n",
     "卫生健康", "胸痛中心"),
]


@pytest.mark.parametrize("name,text,sector,term", INVALID, ids=[c[0] for c in INVALID])
def test_foreign_sentences_are_flagged_naming_the_sector(name, text, sector, term):
    got = off_domain(text)
    assert len(got) == 1, [(f.title, f.quote) for f in got]
    f = got[0]
    assert sector in f.title and term in f.quote
    assert f.category == "boilerplate" and f.source == "rules"


VALID = [
    # no unit named and no duties part (a transfer-payment report's opening): the funds'
    # own field, used across the text, is its subject, not copied text
    ("funds report whose subject is agriculture",
     "一、绩效目标分解下达情况\n（一）中央下达预算和绩效目标情况。\n"
     "中央下达我省农业生产发展专项转移支付预算46.31亿元，用于耕地地力保护补贴、农机购置补贴、"
     "良种良法技术推广和化肥减量增效。\n"
     "同步下达农业生产发展资金绩效目标，年度目标为支持农业生产稳定发展。\n"),
    ("trade union on workplace safety, jobs and mutual medical aid",
     UNION + "组织职工开展安全生产劳动竞赛，举办职工技能培训班12期，促进就业再就业。\n"
             "开展职工医疗互助活动，为住院职工发放互助金35万元。\n"),
    ("trade union taking part in another body's work",
     UNION + "配合人社等部门开展农民工工资支付专项检查，根治欠薪，追回工资120万元。\n"
             "参与乌东德水电站水库移民搬迁安置工作，完成13户搬迁。\n"),
    ("trade union sentence with one other-sector word",
     UNION + "开展送温暖活动，慰问困难职工和低保家庭共230户。\n"),
    ("township describing its own fire-prevention work (not in its duties text)",
     TOWNSHIP + "全年组织护林员开展护林防火巡查120次，森林防火期内未发生森林火灾。\n"),
    ("township whose duties list fire prevention",
     TOWNSHIP.replace("民生保障和安全稳定工作。", "民生保障、护林防火和安全稳定工作。")
     + "全年组织护林员开展护林防火巡查120次，清理防火隔离带15公里。\n"),
    ("water bureau on flood control (a related sector)",
     "宁远县水利局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县水资源管理和水利工程建设。\n"
     "二、绩效目标完成情况\n汛期前完成防汛物资储备，组织应急演练3次，受灾群众全部得到妥善安置。\n"),
    ("finance bureau naming the sectors it funds",
     "宁远县财政局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县财政收支管理。\n"
     "二、绩效目标完成情况\n拨付义务教育和学前教育经费3200万元，高标准农田建设资金1800万元，农村公路养护资金600万元。\n"),
    ("water bureau on irrigated farmland (two farming terms beside its own work)",
     "宁远县水利局2022年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责全县水资源管理和水利工程建设。\n"
     "二、绩效目标完成情况\n完成高标准农田配套渠道建设12公里，改善耕地灌排条件。\n"),
    ("trade union whose duties list assistance, in a duties sentence",
     UNION.replace("促进就业再就业。", "促进就业再就业。\n开展困难职工帮扶，组织金秋助学和送温暖活动。")),
    ("budget subject lines",
     UNION + "2080505机关事业单位基本养老保险缴费支出15.07万元，2101101行政单位医疗支出8.86万元。\n"),
]


@pytest.mark.parametrize("name,text", VALID, ids=[c[0] for c in VALID])
def test_own_or_shared_work_is_not_flagged(name, text):
    got = off_domain(text)
    assert got == [], [(f.title, f.quote) for f in got]


def self_references(text: str):
    doc = parse_txt(text, "report.txt")
    doc.sections = build_sections(doc)
    return [f for f in run_rules(doc, document_info(doc), load_rubric("department_overall"))
            if f.rule == "boilerplate.self_reference"]


SELF_REFERENCE_CASES = [
    # (case, unit line, sentence, flagged word or None)
    ("transport bureau speaking as a hospital", "安平县交通运输局", "下一步，我院将优化服务流程。", "我院"),
    ("civil affairs bureau speaking as a school", "安平县民政局", "本校全年开设课程42门。", "本校"),
    ("a hospital speaking of itself", "安平县人民医院", "下一步，我院将优化门诊服务流程。", None),
    ("a court speaking of itself", "安平县人民法院", "全院干警全年审结案件1200件。", None),
    ("a school speaking of itself", "安平县第一中学", "我校全年开设课程42门。", None),
    ("an education bureau naming schools", "安平县教育局", "督促全县学校落实课后服务，我局全年检查42次。", None),
]


@pytest.mark.parametrize("name,unit,sentence,word", SELF_REFERENCE_CASES, ids=[c[0] for c in SELF_REFERENCE_CASES])
def test_self_reference_of_another_kind_of_unit(name, unit, sentence, word):
    text = (f"{unit}2023年度部门整体支出绩效自评报告\n一、基本情况\n（一）主要职能\n负责本单位职责范围内的工作。\n"
            f"二、绩效目标完成情况\n{sentence}\n")
    got = self_references(text)
    if word is None:
        assert got == [], [(f.title, f.quote) for f in got]
    else:
        assert len(got) == 1 and word in got[0].title and got[0].quote.startswith(sentence[:4])
        assert got[0].severity == "warning" and got[0].category == "boilerplate"
