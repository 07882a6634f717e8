"""Report shapes built on other scoring frameworks, to find where `reviewer` misreads them.
Every figure is computed here (subtotals, totals, rates, completion rates, averages, grade
counts, grades), so a clean file holds no arithmetic defect.

    python3 scripts/make_framework_bases.py [OUT_DIR] [--defects] [--no-pdf]

Writes into OUT_DIR (default /tmp/framework_bases), each as .docx and .pdf:
  1_dept_decision      部门整体支出绩效评价自评报告 on 决策 15 / 过程 25 / 产出 30 / 效益 30:
                       score table 一级 | 二级 | 三级 | 分值 | 评分标准 | 自评得分 | 扣分原因 with
                       merged first-level cells, a 小计 row per first level and a 合计 row
  2_project_province   provincial 项目支出绩效自评报告: 资金到位 table (到位率), 资金使用 table
                       (执行率), an 元 breakdown table, indicator table with 完成率 = 实际 ÷ 指标值
  3_dept_projects      部门整体 report with a 重点项目 table (执行率, 自评得分, 等级), a 合计
                       and an average row, "共有N个项目，平均得分X分，其中优M个…", and a
                       first-level summary table with 得分率
  4_project_textvalues 项目支出 report whose indicator targets/actuals are words ("按时完成",
                       "≤3个工作日", "100%覆盖", "无重大安全事故", "较上年提升"), with
                       qualitative indicators scored partially and their reasons
With --defects each also gets *_defect.docx/pdf carrying three known defects
(listed in OUT_DIR/defects.json as {"kind", "where"})."""
from __future__ import annotations

import os
import sys
from decimal import Decimal as D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_layout_bases import (  # noqa: E402  shared layout and arithmetic helpers
    add_row, fmt_score, grade, group_spans, merge_h, merge_v, money, new_document, para, pct, r2,
    save, table,
)
from make_more_bases import yuan  # noqa: E402


def ratio_score(rate, weight) -> D:
    """Rate (%) × weight, capped at the weight."""
    return min(D(weight), r2(D(rate) / 100 * D(weight)))


# ================================================================ 1. 决策/过程/产出/效益

def dept_decision(out_dir, defects, pdf):
    year = 2024
    unit = "梅岭县林业局"
    budget_basic, budget_proj = D("1204.35"), D("2014.25")
    spent_basic, spent_proj = D("1198.62"), D("1774.09")
    budget_all, spent_all = budget_basic + budget_proj, spent_basic + spent_proj
    exec_rate = pct(spent_all, budget_all)
    exec_deduct = r2((D(95) - exec_rate) * D("0.5")) if exec_rate < 95 else D(0)
    tending_plan, tending_done = D("3.50"), D("3.36")
    tending_rate = pct(tending_done, tending_plan)
    tending_deduct = r2((D(100) - tending_rate) * D("0.2"))
    satisfaction = D("87.4")
    sat_deduct = r2((D(90) - satisfaction) * D("0.5"))
    # (l1, l2, l3, weight, 评分标准, score, 扣分原因)
    rows = [
        ("决策", "目标设定", "绩效目标合理性", D(3),
         "绩效目标与部门职能、中长期规划和年度工作计划相符得3分；每发现1处不相符扣1分，扣完为止。", D(3), ""),
        ("决策", "目标设定", "绩效指标明确性", D(3),
         "绩效指标细化、量化、可衡量得3分；定量指标占比低于60%的扣1分，每有1项指标未设指标值扣0.5分。", D("2.5"),
         "“林业有害生物防治效果”指标未设定量化指标值，扣0.5分。"),
        ("决策", "决策过程", "决策依据充分性", D(3),
         "项目立项符合国家林草政策及县委县政府决策部署得3分；每有1个项目依据不充分扣1分。", D(3), ""),
        ("决策", "决策过程", "决策程序规范性", D(3),
         "重大支出事项经局党组会议集体研究得3分；每有1项未履行集体决策程序扣1分。", D(3), ""),
        ("决策", "资金分配", "资金分配合理性", D(3),
         "资金分配与年度重点任务相匹配得3分；重点任务资金保障率每低5个百分点扣0.5分。", D(3), ""),
        ("过程", "资金管理", "资金到位率", D(4),
         "资金到位率=实际到位资金÷预算资金×100%，达到100%得满分，每低1个百分点扣0.2分。", D(4), ""),
        ("过程", "资金管理", "预算执行率", D(5),
         "预算执行率=实际支出÷调整后预算×100%，≥95%得满分；低于95%的，每低1个百分点扣0.5分。",
         D(5) - exec_deduct, f"预算执行率{exec_rate:.2f}%，低于95%，扣{fmt_score(exec_deduct)}分。"),
        ("过程", "资金管理", "资金使用合规性", D(4),
         "资金使用符合财经法规和资金管理办法得4分；每发现1笔违规支出扣1分。", D(4), ""),
        ("过程", "组织实施", "管理制度健全性", D(4),
         "财务、资产、项目管理制度健全得4分；每缺少1项制度扣1分。", D(4), ""),
        ("过程", "组织实施", "制度执行有效性", D(4),
         "严格执行各项管理制度得4分；每发现1项执行不到位问题扣1分。", D(3),
         "固定资产卡片登记不及时1项，扣1分。"),
        ("过程", "组织实施", "政府采购规范性", D(4),
         "政府采购程序合规、手续完备得4分；每发现1项不规范扣1分。", D(4), ""),
        ("产出", "产出数量", "人工造林任务完成率", D(5),
         "完成人工造林面积÷计划面积×100%，达到100%得满分，每低1个百分点扣0.2分。", D(5), ""),
        ("产出", "产出数量", "森林抚育任务完成率", D(5),
         "完成森林抚育面积÷计划面积×100%，达到100%得满分，每低1个百分点扣0.2分。", D(5) - tending_deduct,
         f"受夏季持续降雨影响部分抚育作业推迟，完成{tending_done}万亩，完成率{tending_rate:.2f}%，"
         f"扣{fmt_score(tending_deduct)}分。"),
        ("产出", "产出数量", "生态护林员巡护到位率", D(4),
         "巡护到位率≥98%得满分，每低1个百分点扣0.5分。", D(4), ""),
        ("产出", "产出质量", "当年造林成活率", D(5),
         "成活率≥85%得满分，每低1个百分点扣0.5分。", D(5), ""),
        ("产出", "产出时效", "造林任务完成及时性", D(5),
         "春季造林季（5月31日前）完成全部造林任务得满分，每延迟10天扣1分。", D(5), ""),
        ("产出", "产出成本", "单位造林成本控制情况", D(6),
         "单位造林成本控制在批复标准以内得满分；超出标准的，每超出1%扣0.5分。", D(6), ""),
        ("效益", "社会效益", "森林火灾受害率", D(6),
         "森林火灾受害率控制在0.9‰以内得满分，超出不得分。", D(6), ""),
        ("效益", "生态效益", "森林覆盖率", D(8),
         "森林覆盖率较上年提高得满分，持平得4分，下降不得分。", D(8), ""),
        ("效益", "可持续影响", "林长制长效管护机制", D(6),
         "县、乡、村三级林长制管护体系建立并有效运行得满分；每有1个乡镇未落实巡林制度扣1分。", D(5),
         "1个乡镇林长巡林记录不完整，扣1分。"),
        ("效益", "满意度", "林农及社会公众满意度", D(10),
         "满意度≥90%得满分，每低1个百分点扣0.5分。", D(10) - sat_deduct,
         f"问卷调查满意度{satisfaction}%，低于90%，扣{fmt_score(sat_deduct)}分。"),
    ]
    plan = {"决策": D(15), "过程": D(25), "产出": D(30), "效益": D(30)}
    for l1, w in plan.items():
        assert sum(r[3] for r in rows if r[0] == l1) == w, l1
    sub = {l1: sum(r[5] for r in rows if r[0] == l1) for l1 in plan}
    total = sum(sub.values())
    g = grade(total)

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"subtotal_off": True, "total_off": True, "text_level1": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{unit}{year}年度部门整体支出绩效评价自评报告", bold=True, size=16, center=True)
        para(d, "一、部门基本情况", bold=True)
        para(d, f"{unit}是县政府工作部门，负责全县林业和草原资源保护、造林绿化、森林防火、林业有害生物防治和林长制"
                f"日常工作，内设办公室、生态修复股、资源管理股、森林防火股4个股室，下属国有林场2个。年末在职人员68人。")
        para(d, f"{year}年度部门年初预算2986.40万元，年中追加森林防火和造林补助资金后调整预算为{money(budget_all)}万元，"
                f"其中基本支出{money(budget_basic)}万元、项目支出{money(budget_proj)}万元。全年实际支出{money(spent_all)}万元，"
                f"其中基本支出{money(spent_basic)}万元、项目支出{money(spent_proj)}万元，预算执行率{exec_rate:.2f}%。"
                f"基本支出执行率{pct(spent_basic, budget_basic):.2f}%，项目支出执行率{pct(spent_proj, budget_proj):.2f}%，"
                f"项目支出执行偏低的主要原因是国有林场管护用房建设项目年底方完成招标。")
        para(d, "二、绩效自评工作开展情况", bold=True)
        para(d, "本局成立了由局长任组长的绩效自评工作领导小组，按照县财政局印发的部门整体支出绩效评价指标体系，"
                "从决策、过程、产出、效益四个方面逐项打分，并对林农及社会公众开展了问卷调查，发放问卷400份，收回有效问卷386份。")
        para(d, "三、综合评价结论", bold=True)
        shown_sub = dict(sub)
        if dv.get("subtotal_off"):
            shown_sub["产出"] = sub["产出"] - D(1)
            notes.append({"kind": "subtotal", "where": f"评分表 产出 小计 自评得分 {fmt_score(shown_sub['产出'])} ≠ Σ {fmt_score(sub['产出'])}"})
        shown_total = total
        if dv.get("total_off"):
            shown_total = total + D("1.50")
            notes.append({"kind": "score_total", "where": f"评分表 合计 自评得分 {fmt_score(shown_total)} ≠ Σ小计 {fmt_score(total)}"})
        text_sub = dict(sub)
        if dv.get("text_level1"):
            text_sub["效益"] = sub["效益"] + D(1)
            notes.append({"kind": "text_vs_table", "where": f"三、综合评价结论: 效益指标得分 {fmt_score(text_sub['效益'])}分 vs 评分表 效益 小计 {fmt_score(sub['效益'])}"})
        para(d, f"经综合评价，本局{year}年度部门整体支出绩效自评得分{fmt_score(total)}分，评价等级为“{g}”。其中：决策指标"
                f"满分15分，得{fmt_score(text_sub['决策'])}分；过程指标满分25分，得{fmt_score(text_sub['过程'])}分；产出指标满分30分，"
                f"得{fmt_score(text_sub['产出'])}分；效益指标满分30分，得{fmt_score(text_sub['效益'])}分。"
                f"评价等级划分为：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。具体评分见下表。")
        para(d, f"{unit}{year}年度部门整体支出绩效评价评分表", bold=True, center=True)
        t = table(d, 7, [1.3, 1.7, 2.6, 1.0, 5.6, 1.3, 3.6])
        add_row(t, ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分", "扣分原因"])
        for l1 in plan:
            grp = [r for r in rows if r[0] == l1]
            r0 = len(t.rows)
            for k, (a, b, c, w, std, s, why) in enumerate(grp):
                add_row(t, [a if k == 0 else "", b, c, fmt_score(w), std, fmt_score(s), why])
            # 二级 cells merged over their runs, text only in the top cell
            for a, b in group_spans([dict(l1=r[0], l2=r[1]) for r in grp], "l2"):
                for k in range(a + 1, b + 1):
                    t.cell(r0 + k, 1).text = ""
                merge_v(t, 1, r0 + a, r0 + b)
            r = add_row(t, ["", "小计", "", fmt_score(plan[l1]), "", fmt_score(shown_sub[l1]), ""])
            merge_h(r, 1, 2)
            merge_v(t, 0, r0, len(t.rows) - 1)  # the first-level cell spans its subtotal row
        r = add_row(t, ["合计", "", "", "100", "", fmt_score(shown_total), ""]); merge_h(r, 0, 2)
        para(d, "四、绩效指标分析", bold=True)
        para(d, f"（一）决策指标。决策指标满分15分，自评得{fmt_score(sub['决策'])}分。部门绩效目标与职能相符，"
                f"重大支出事项均经局党组会议研究；“林业有害生物防治效果”指标未设定量化指标值，扣0.5分。")
        para(d, f"（二）过程指标。过程指标满分25分，自评得{fmt_score(sub['过程'])}分。全年预算执行率{exec_rate:.2f}%，"
                f"低于95%的标准，扣{fmt_score(exec_deduct)}分；固定资产卡片登记不及时，扣1分。")
        para(d, f"（三）产出指标。产出指标满分30分，自评得{fmt_score(sub['产出'])}分。全年完成人工造林1.26万亩，"
                f"完成计划1.2万亩的105.00%；完成森林抚育{tending_done}万亩，完成计划{tending_plan}万亩的{tending_rate:.2f}%；"
                f"当年造林成活率88.6%。")
        para(d, f"（四）效益指标。效益指标满分30分，自评得{fmt_score(sub['效益'])}分。全年森林火灾受害率0.12‰，"
                f"森林覆盖率由上年的71.36%提高到71.58%；林农及社会公众满意度{satisfaction}%。")
        para(d, "五、存在的问题", bold=True)
        para(d, "一是国有林场管护用房建设项目招标滞后，项目支出执行率偏低；二是森林抚育作业受天气影响较大，未完成年度计划；"
                "三是林农对生态护林员选聘程序的知晓度不高，满意度未达到90%。")
        para(d, "六、改进措施", bold=True)
        para(d, "一是建设类项目在年初完成前期工作，上半年完成招标；二是错开雨季安排抚育作业，2025年一季度补足抚育面积；"
                "三是通过村务公开栏公示护林员选聘结果，提高群众知晓度。")
        para(d, "七、自评结果应用", bold=True)
        para(d, "自评结果已报县财政局，作为2025年度部门预算安排的参考，并随部门决算公开。")
        save(d, out_dir, "1_dept_decision" + ("" if tag == "clean" else "_defect"), pdf)
    return {"1_dept_decision_defect": notes} if defects else {}


# ================================================================ 2. provincial project report

def project_province(out_dir, defects, pdf):
    year = 2024
    unit, dept = "鹤泉县应急管理局", "鹤泉县应急管理局"
    project = "基层应急救援能力提升项目"
    # 资金到位: (来源, 预算数, 到位数) in 万元
    arrive = [("省级财政补助资金", D("260.00"), D("260.00")),
              ("市级财政补助资金", D("80.00"), D("80.00")),
              ("县级财政配套资金", D("120.00"), D("104.50"))]
    a_budget, a_in = sum(a[1] for a in arrive), sum(a[2] for a in arrive)
    # 培训演练经费明细 in 元; its 合计 is the 队伍培训演练 row of the 资金使用 table
    training = [("讲课费", D("38400.00")), ("场地及器材租赁费", D("126800.00")),
                ("演练耗材费", D("214650.00")), ("食宿及交通费", D("105350.00"))]
    training_total = sum(x[1] for x in training)
    use = [("乡镇应急救援装备购置", D("218.00"), D("209.36")),
           ("应急物资储备", D("96.00"), D("91.20")),
           ("应急救援队伍培训演练", D("54.00"), r2(training_total / 10000)),
           ("应急指挥信息平台升级", D("92.00"), D("78.64"))]
    u_budget, u_spent = sum(u[1] for u in use), sum(u[2] for u in use)
    assert u_budget == a_budget
    exec_rate = pct(u_spent, u_budget)
    # indicators: (类型, 名称, cmp, target, actual, unit, weight); cmp None = qualitative
    specs = [
        ("数量指标", "配备乡镇应急救援装备", "", 32, 32, "套", 10),
        ("数量指标", "开展应急救援培训演练", "", 24, 26, "场次", 10),
        ("数量指标", "储备应急物资品类", "", 45, 42, "类", 10),
        ("质量指标", "救援装备验收合格率", "", 100, 100, "%", 10),
        ("时效指标", "装备配发完成时间", None, "2024年9月底前", "2024年9月20日", "", 5),
        ("成本指标", "队员人均培训成本", "≤", 2000, 1866, "元", 5),
        ("社会效益指标", "乡镇应急救援平均响应时间", "≤", 30, 25, "分钟", 15),
        ("可持续影响指标", "乡镇应急救援队伍覆盖率", "", 100, 100, "%", 15),
        ("满意度指标", "受益群众满意度", "≥", 90, D("94.6"), "%", 10),
        ("预算执行", "预算执行率", "", 100, exec_rate, "%", 10),
    ]
    inds = []
    for typ, name, cmp, target, actual, unit_, w in specs:
        w = D(w)
        if cmp is None:
            inds.append(dict(typ=typ, name=name, target=target, actual=actual, rate="100%", rate_v=D(100), weight=w, score=w))
        elif cmp == "≤":
            ok = D(str(actual)) <= D(str(target))
            assert ok
            inds.append(dict(typ=typ, name=name, target=f"≤{target}{unit_}", actual=f"{actual}{unit_}", rate="—",
                             rate_v=None, weight=w, score=w))
        else:
            rv = pct(D(str(actual)), D(str(target)))
            s = w if rv >= 100 else ratio_score(rv, w)
            inds.append(dict(typ=typ, name=name, target=f"{cmp}{target}{unit_}", actual=f"{actual}{unit_}",
                             rate=f"{rv:.2f}%", rate_v=rv, weight=w, score=s))
    assert sum(i["weight"] for i in inds) == 100
    total = sum(i["score"] for i in inds)
    out_score = sum(i["score"] for i in inds if i["typ"] in ("数量指标", "质量指标", "时效指标", "成本指标"))
    eff_score = sum(i["score"] for i in inds if i["typ"] in ("社会效益指标", "可持续影响指标"))
    sat_score = sum(i["score"] for i in inds if i["typ"] == "满意度指标")
    exe_score = inds[-1]["score"]
    g = grade(total)

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"arrive_total_off": True, "use_rate_off": True, "completion_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{year}年度{project}绩效自评报告", bold=True, size=16, center=True)
        para(d, f"项目主管部门：{dept}    项目实施单位：{unit}", size=10, center=True)
        para(d, "一、项目基本情况", bold=True)
        para(d, "（一）项目概况", bold=True)
        para(d, f"为提升乡镇（街道）应急救援能力，根据省应急管理厅、省财政厅关于加强基层应急能力建设的通知要求，{unit}"
                f"实施{project}，为全县32个乡镇（街道）配备应急救援装备，开展队伍培训演练，补充应急物资储备，"
                f"并对县应急指挥信息平台进行升级。项目资金来源为省、市、县三级财政资金。")
        para(d, "（二）资金到位情况", bold=True)
        para(d, f"项目预算{money(a_budget)}万元，实际到位{money(a_in)}万元，资金到位率{pct(a_in, a_budget):.2f}%。"
                f"其中县级财政配套资金到位{money(arrive[2][2])}万元，到位率{pct(arrive[2][2], arrive[2][1]):.2f}%，"
                f"主要原因是县级财力紧张，部分配套资金延至2025年拨付。")
        para(d, "表1 项目资金到位情况表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 4, [5.0, 3.0, 3.0, 2.6])
        add_row(t, ["资金来源", "预算数", "到位数", "到位率"])
        for name, b, a in arrive:
            add_row(t, [name, money(b), money(a), f"{pct(a, b):.2f}%"])
        shown_in = a_in
        if dv.get("arrive_total_off"):
            shown_in = a_in + D("10.00")
            notes.append({"kind": "child_sum", "where": f"表1 合计 到位数 {money(shown_in)} ≠ Σ {money(a_in)}"})
        add_row(t, ["合计", money(a_budget), money(shown_in), f"{pct(a_in, a_budget):.2f}%"])
        para(d, "（三）资金使用情况", bold=True)
        para(d, f"截至{year}年12月31日，项目实际支出{money(u_spent)}万元，预算执行率{exec_rate:.2f}%。其中培训演练经费"
                f"{money(use[2][2])}万元，包括讲课费{yuan(training[0][1])}元、演练耗材费{yuan(training[2][1])}元等。"
                f"应急指挥信息平台升级项目因软件开发尾款待验收后支付，执行率{pct(use[3][2], use[3][1]):.2f}%。")
        para(d, "表2 项目资金使用情况表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 4, [5.0, 3.0, 3.0, 2.6])
        add_row(t, ["支出内容", "预算数", "实际支出", "执行率"])
        for k, (name, b, s) in enumerate(use):
            rate_txt = f"{pct(s, b):.2f}%"
            if dv.get("use_rate_off") and k == 1:
                rate_txt = f"{pct(s, b) + D('3.00'):.2f}%"
                notes.append({"kind": "exec_rate", "where": f"表2 应急物资储备 执行率 {rate_txt} ≠ {money(s)}/{money(b)} = {pct(s, b):.2f}%"})
            add_row(t, [name, money(b), money(s), rate_txt])
        add_row(t, ["合计", money(u_budget), money(u_spent), f"{exec_rate:.2f}%"])
        para(d, "表3 培训演练经费支出明细表", bold=True, center=True)
        para(d, "单位：元", size=9)
        t = table(d, 3, [5.0, 3.4, 4.0])
        add_row(t, ["支出项目", "金额", "备注"])
        for name, v in training:
            add_row(t, [name, yuan(v), ""])
        add_row(t, ["合计", yuan(training_total), f"折合{money(use[2][2])}万元"])
        para(d, "二、绩效目标及完成情况", bold=True)
        para(d, "（一）年度绩效目标", bold=True)
        para(d, "为32个乡镇（街道）配备应急救援装备，开展培训演练不少于24场次，储备应急物资45类，乡镇应急救援平均响应时间"
                "控制在30分钟以内，乡镇应急救援队伍实现全覆盖，受益群众满意度不低于90%。")
        para(d, "（二）绩效指标完成情况", bold=True)
        para(d, "完成率=实际完成值÷指标值×100%；未达到指标值的，按完成率×分值计分；反向指标达到指标值的得满分。", size=9)
        para(d, "表4 绩效指标完成情况表", bold=True, center=True)
        t = table(d, 7, [2.2, 4.2, 2.4, 2.4, 1.7, 1.1, 1.1])
        add_row(t, ["指标类型", "指标名称", "指标值", "实际完成值", "完成率", "分值", "得分"])
        for i in inds:
            rate_txt = i["rate"]
            if dv.get("completion_off") and i["name"] == "储备应急物资品类":
                rate_txt = f"{i['rate_v'] + D('5.00'):.2f}%"
                notes.append({"kind": "completion_rate", "where": f"表4 储备应急物资品类 完成率 {rate_txt} ≠ 42/45 = {i['rate_v']:.2f}%"})
            add_row(t, [i["typ"], i["name"], i["target"], i["actual"], rate_txt, fmt_score(i["weight"]), fmt_score(i["score"])])
        r = add_row(t, ["合计", "", "", "", "", "100", fmt_score(total)]); merge_h(r, 0, 4)
        para(d, f"储备应急物资品类完成42类，完成率{inds[2]['rate_v']:.2f}%，未完成的原因是3类防汛物资因供应商产能不足"
                f"延期交付，已于2025年1月补充到位。")
        para(d, "三、自评结论", bold=True)
        para(d, f"经自评，{project}{year}年度综合得分{fmt_score(total)}分，自评等级为“{g}”。其中产出指标得分"
                f"{fmt_score(out_score)}分（分值50分），效益指标得分{fmt_score(eff_score)}分（分值30分），满意度指标得分"
                f"{fmt_score(sat_score)}分（分值10分），预算执行率得分{fmt_score(exe_score)}分（分值10分）。")
        para(d, "四、存在的问题", bold=True)
        para(d, f"一是县级配套资金到位率仅{pct(arrive[2][2], arrive[2][1]):.2f}%，影响了信息平台升级进度；二是部分应急物资供应商"
                "产能不足，物资储备品类未达到年度目标；三是部分乡镇救援队伍专业技能仍然偏弱。")
        para(d, "五、改进措施", bold=True)
        para(d, "一是商请县财政局在2025年上半年拨付剩余配套资金；二是建立应急物资供应商备选库，实行协议储备与实物储备相结合；"
                "三是按季度组织乡镇救援队伍轮训，开展实战化演练。")
        save(d, out_dir, "2_project_province" + ("" if tag == "clean" else "_defect"), pdf)
    return {"2_project_province_defect": notes} if defects else {}


# ================================================================ 3. department with key projects

def dept_projects(out_dir, defects, pdf):
    year = 2024
    unit = "枫浦县退役军人事务局"
    # (项目名称, 预算数, 执行数, 自评得分)
    projects = [("重点优抚对象抚恤补助", D("1286.40"), D("1279.52"), D("96.5")),
                ("退役军人就业创业培训", D("86.00"), D("71.38"), D("84.2")),
                ("烈士纪念设施维护修缮", D("142.00"), D("128.16"), D("91.8")),
                ("光荣院运转保障", D("215.60"), D("209.13"), D("93.6")),
                ("退役军人服务站标准化建设", D("64.00"), D("42.56"), D("72.4")),
                ("军休干部服务管理", D("98.50"), D("97.02"), D("95"))]
    p_budget, p_spent = sum(p[1] for p in projects), sum(p[2] for p in projects)
    avg = r2(sum(p[3] for p in projects) / len(projects))
    counts = {k: sum(1 for p in projects if grade(p[3]) == k) for k in ("优", "良", "中", "差")}
    # first-level summary: (一级指标, 分值, 得分)
    levels = [("投入", D(20), D("19.2")), ("过程", D(20), D("18.6")), ("产出", D(40), D("37.45")), ("效益", D(20), D("18.3"))]
    dept_total = sum(x[2] for x in levels)
    assert sum(x[1] for x in levels) == 100

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"avg_off": True, "count_off": True, "grade_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{unit}{year}年度部门整体支出绩效自评报告", bold=True, size=16, center=True)
        para(d, "一、部门概况", bold=True)
        para(d, f"{unit}负责全县退役军人思想政治、管理保障和安置工作，承担优抚对象抚恤优待、烈士纪念设施保护管理、"
                f"光荣院和军休服务管理等职责。内设办公室、优抚安置股、就业创业股、权益维护股，下属光荣院、军休所各1个，"
                f"年末在职人员41人。")
        para(d, "二、部门整体支出绩效目标", bold=True)
        para(d, "全年按时足额发放各类优抚对象抚恤补助，组织退役军人参加就业创业培训不少于300人次，完成辖区烈士纪念设施"
                "维护修缮，推进乡镇退役军人服务站标准化建设，保障光荣院和军休所正常运转。")
        para(d, "三、重点项目绩效自评情况", bold=True)
        shown_avg = avg
        if dv.get("avg_off"):
            shown_avg = avg + D(1)
            notes.append({"kind": "average", "where": f"三、重点项目: 平均得分 {fmt_score(shown_avg)}分 (true {fmt_score(avg)})"})
        shown_counts = dict(counts)
        if dv.get("count_off"):
            shown_counts["优"] = counts["优"] + 1
            notes.append({"kind": "grade_count", "where": f"三、重点项目: 其中优{shown_counts['优']}个 (table has {counts['优']})"})
        count_text = "、".join(f"{k}{v}个" for k, v in shown_counts.items() if v)
        para(d, f"{year}年度本局对{len(projects)}个重点项目全部开展了绩效自评。{len(projects)}个项目共有预算{money(p_budget)}万元，"
                f"执行{money(p_spent)}万元，执行率{pct(p_spent, p_budget):.2f}%。共有{len(projects)}个项目，平均得分"
                f"{fmt_score(shown_avg)}分，其中{count_text}，无差等项目。执行率低于90%的有退役军人就业创业培训、"
                f"退役军人服务站标准化建设2个项目，主要原因是培训报名人数少于预期、3个乡镇服务站因选址调整未完工。")
        para(d, f"{unit}{year}年度重点项目绩效自评情况表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 6, [5.0, 2.4, 2.4, 1.8, 1.8, 1.4])
        add_row(t, ["项目名称", "预算数", "执行数", "执行率", "自评得分", "等级"])
        for k, (name, b, s, sc) in enumerate(projects):
            gr = grade(sc)
            if dv.get("grade_off") and k == 4:
                gr = "良"
                notes.append({"kind": "grade", "where": f"重点项目表 {name} 自评得分 {fmt_score(sc)} 等级 “{gr}” (should be {grade(sc)})"})
            add_row(t, [name, money(b), money(s), f"{pct(s, b):.2f}%", fmt_score(sc), gr])
        add_row(t, ["合计", money(p_budget), money(p_spent), f"{pct(p_spent, p_budget):.2f}%", "—", "—"])
        add_row(t, ["项目平均得分", "", "", "", fmt_score(avg), ""])
        para(d, "四、部门整体支出绩效自评结论", bold=True)
        para(d, f"按照县财政局部门整体支出绩效评价指标体系，本局{year}年度部门整体支出绩效自评得分{fmt_score(dept_total)}分，"
                f"等级为“{grade(dept_total)}”。其中投入指标得{fmt_score(levels[0][2])}分，过程指标得{fmt_score(levels[1][2])}分，"
                f"产出指标得{fmt_score(levels[2][2])}分，效益指标得{fmt_score(levels[3][2])}分。")
        t = table(d, 4, [3.6, 2.4, 2.4, 2.4])
        add_row(t, ["一级指标", "分值", "自评得分", "得分率"])
        for name, w, s in levels:
            add_row(t, [name + "指标", fmt_score(w), fmt_score(s), f"{pct(s, w):.2f}%"])
        add_row(t, ["合计", "100", fmt_score(dept_total), f"{pct(dept_total, 100):.2f}%"])
        para(d, "五、存在的问题", bold=True)
        para(d, "一是退役军人就业创业培训项目宣传发动不够，参训人数少于预期，执行率偏低；二是退役军人服务站标准化建设"
                "项目前期选址论证不充分，3个乡镇服务站未按期完工。")
        para(d, "六、改进措施", bold=True)
        para(d, "一是与人社部门联合开展订单式培训，提前摸排培训需求；二是督促相关乡镇于2025年6月底前完成服务站建设。")
        para(d, "七、结果应用及公开", bold=True)
        para(d, "自评结果已报县财政局，将在县人民政府门户网站公开，并作为2025年度项目预算安排的重要依据。")
        save(d, out_dir, "3_dept_projects" + ("" if tag == "clean" else "_defect"), pdf)
    return {"3_dept_projects_defect": notes} if defects else {}


# ================================================================ 4. text-valued indicators

def project_textvalues(out_dir, defects, pdf):
    year = 2024
    unit, dept = "岚溪县政务服务和数据管理局", "岚溪县人民政府办公室"
    project = "政务服务“一网通办”平台运维项目"
    b_start, b_full, spent = D("380.00"), D("356.00"), D("341.26")
    rate = pct(spent, b_full)
    fund_w = D(10)
    fund_score = ratio_score(rate, fund_w)
    # (l1, l2, name, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
    inds = [
        ("产出指标", "数量指标", "平台运维覆盖政务服务事项数", "≥1200项", "1286项", D(8), D(8), ""),
        ("产出指标", "数量指标", "“一网通办”事项覆盖范围", "100%覆盖", "100%覆盖", D(6), D(6), ""),
        ("产出指标", "质量指标", "平台系统平均可用率", "≥99.5%", "99.82%", D(8), D(8), ""),
        ("产出指标", "质量指标", "数据共享交换成功率", "≥95%", "97.6%", D(6), D(6), ""),
        ("产出指标", "时效指标", "系统故障响应修复时限", "≤3个工作日", "平均1.5个工作日", D(6), D(6), ""),
        ("产出指标", "时效指标", "年度升级改造任务", "按时完成", "部分完成", D(6), D("4.2"),
         "电子证照模块升级因省级接口规范调整延至2025年1月上线，其余升级任务按期完成；下一步提前对接省级接口变更计划"),
        ("产出指标", "成本指标", "运维经费控制", "不超过年度预算", "未超预算", D(5), D(5), ""),
        ("产出指标", "成本指标", "单事项年均运维成本", "≤0.3万元", "0.27万元", D(5), D(5), ""),
        ("效益指标", "社会效益指标", "群众办事跑动次数", "较上年减少", "较上年减少0.6次", D(7), D(7), ""),
        ("效益指标", "社会效益指标", "网上办件占比", "较上年提升", "较上年提升6.2个百分点", D(7), D(7), ""),
        ("效益指标", "可持续影响指标", "平台安全运行情况", "无重大安全事故", "无重大安全事故", D(8), D(8), ""),
        ("效益指标", "可持续影响指标", "运维管理制度健全性", "健全", "基本健全", D(8), D("6.4"),
         "运维外包服务考核细则尚未出台，拟于2025年二季度制定并执行"),
        ("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥95%", "96.3%", D(10), D(10), ""),
    ]
    assert sum(i[5] for i in inds) == 90
    total = fund_score + sum(i[6] for i in inds)
    g = grade(total)
    lv = {k: sum(i[6] for i in inds if i[0] == k) for k in ("产出指标", "效益指标", "满意度指标")}

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"rate_off": True, "total_off": True, "grade_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{project}{year}年度绩效自评报告", bold=True, size=16, center=True)
        para(d, "一、项目基本情况", bold=True)
        para(d, f"{project}由{unit}组织实施，主管部门为{dept}。项目主要用于县政务服务平台、电子证照库和数据共享交换系统的"
                f"日常运维、安全防护和升级改造，保障全县政务服务事项网上可办、一网通办。")
        para(d, f"{year}年度项目年初预算{money(b_start)}万元，年中根据运维合同结算情况调减为{money(b_full)}万元，"
                f"全年执行{money(spent)}万元，预算执行率{rate:.2f}%（按调整后预算计算）。")
        para(d, "二、绩效目标完成情况", bold=True)
        para(d, "全年平台运维覆盖政务服务事项1286项，平台系统平均可用率99.82%，系统故障平均1.5个工作日内修复，"
                "全年未发生重大网络安全事故；网上办件占比较上年提升6.2个百分点，办事群众满意度96.3%。"
                "年度升级改造任务中电子证照模块升级延期，运维管理制度尚需完善。")
        para(d, f"{project}绩效自评表", bold=True, center=True)
        t = table(d, 8, [1.6, 2.0, 3.4, 2.2, 2.4, 1.1, 1.1, 3.2])
        r = add_row(t, ["项目名称", project]); merge_h(r, 1, 7)
        r = add_row(t, ["实施单位", unit, "", "", "主管部门", dept]); merge_h(r, 1, 3); merge_h(r, 5, 7)
        r = add_row(t, ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "", "分值", "执行率", "得分"])
        merge_h(r, 3, 4)
        shown_rate = rate
        if dv.get("rate_off"):
            shown_rate = rate + D("2.00")
            notes.append({"kind": "exec_rate", "where": f"自评表 项目资金 执行率 {shown_rate:.2f}% ≠ {money(spent)}/{money(b_full)} = {rate:.2f}%"})
        r = add_row(t, ["", money(b_start), money(b_full), money(spent), "", fmt_score(fund_w), f"{shown_rate:.2f}%",
                        fmt_score(fund_score)])
        merge_h(r, 3, 4)
        merge_v(t, 0, 2, 3)
        add_row(t, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        i0 = len(t.rows)
        for i in inds:
            add_row(t, [i[0], i[1], i[2], i[3], i[4], fmt_score(i[5]), fmt_score(i[6]), i[7]])
        rows = [dict(l1=i[0], l2=i[1]) for i in inds]
        for col, key in ((0, "l1"), (1, "l2")):
            for a, b in group_spans(rows, key):
                for k in range(a + 1, b + 1):
                    t.cell(i0 + k, col).text = ""
                merge_v(t, col, i0 + a, i0 + b)
        shown_total = total
        if dv.get("total_off"):
            shown_total = total + D(2)
            notes.append({"kind": "score_total", "where": f"自评表 总分 {fmt_score(shown_total)} ≠ Σ {fmt_score(total)}"})
        r = add_row(t, ["总分", "", "", "", "", "100", fmt_score(shown_total), f"自评等级：{grade(shown_total)}"])
        merge_h(r, 0, 4)
        para(d, "三、自评结论", bold=True)
        g_text = g
        if dv.get("grade_off"):
            g_text = "良"
            notes.append({"kind": "grade", "where": f"三、自评结论: 得分 {fmt_score(total)}分 等级 “{g_text}” (should be {g})"})
        para(d, f"经自评，本项目{year}年度自评得分{fmt_score(total)}分，自评等级为“{g_text}”。其中预算执行率得"
                f"{fmt_score(fund_score)}分，产出指标得{fmt_score(lv['产出指标'])}分，效益指标得{fmt_score(lv['效益指标'])}分，"
                f"满意度指标得{fmt_score(lv['满意度指标'])}分。定性指标按“达成预期（80%—100%）、部分达成（60%—80%）、"
                f"未达成（0—60%）”分档计分：年度升级改造任务部分完成，得分值的70%；运维管理制度基本健全，得分值的80%。")
        para(d, "四、存在的问题及原因", bold=True)
        para(d, "一是电子证照模块升级受省级接口规范调整影响未能按期上线；二是运维外包服务考核细则尚未出台，"
                "对运维服务商的考核主要依靠合同条款，约束力不足。")
        para(d, "五、改进措施", bold=True)
        para(d, "一是建立与省级平台的接口变更通报机制，提前预留升级窗口；二是2025年二季度出台运维外包服务考核细则，"
                "考核结果与运维费用支付挂钩。")
        para(d, "六、结果应用", bold=True)
        para(d, "自评结果将作为2025年度运维经费预算安排的依据，并在县人民政府门户网站公开。")
        save(d, out_dir, "4_project_textvalues" + ("" if tag == "clean" else "_defect"), pdf)
    return {"4_project_textvalues_defect": notes} if defects else {}


def main(argv):
    from make_layout_bases import run_generators

    run_generators(argv, "/tmp/framework_bases", [dept_decision, project_province, dept_projects, project_textvalues])


if __name__ == "__main__":
    main(sys.argv[1:])
