"""More kinds of real documents, to find where `reviewer` misreads what it has seen little of.
Every figure is computed here (totals = sums, shares, changes, execution rates, scores,
grades), so a clean file holds no arithmetic defect.

    python3 scripts/make_more_bases.py [OUT_DIR] [--defects] [--no-pdf]

Writes into OUT_DIR (default /tmp/more_bases), each as .docx and .pdf:
  1_budget            部门预算公开 (2025 budget, not 决算): 收支预算总表 (收入 | 支出 halves),
                      财政拨款收支预算总表, 一般公共预算支出预算表 (科目编码 in one column),
                      "三公"经费预算表 with a two-row header, 预算情况说明, 名词解释
  2_template          an unfilled 部门整体支出绩效自评报告 template (XX单位, XXXX年, blanks,
                      an empty score table)
  3_project_yuan      项目支出绩效自评报告 whose tables are in 元 (1,234,567.89) while the
                      narrative gives the same figures in 万元
  4_dept_borderless   部门整体 report whose tables have no ruling lines
  4_dept_tabs         the same report with every table as tab-separated paragraphs
  5_dept_two_projects 部门整体 report with two project 自评表, each with its own 总分 row
With --defects, 1/3/4/5 also get *_defect.docx/pdf carrying three known defects each
(listed in OUT_DIR/defects.json as {"kind", "where"})."""
from __future__ import annotations

import os
import sys
from decimal import ROUND_HALF_UP, Decimal as D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_layout_bases import (  # noqa: E402  shared layout and arithmetic helpers
    add_row, change, fmt_score, grade, ind, merge_h, merge_v, money, new_document, para, pct, r2,
    repeat_header, save, table,
)
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm  # noqa: E402


def yuan(x) -> str:
    return f"{r2(x):,.2f}"


def wan(x_yuan) -> D:
    """元 -> 万元, two decimals, as a narrative states it."""
    return (D(x_yuan) / 10000).quantize(D("0.01"), ROUND_HALF_UP)


def plain_table(d, cols, widths):
    """A table with no style and every border switched off: the PDF shows aligned columns
    with no ruling lines."""
    t = d.add_table(rows=0, cols=cols)
    t.autofit = False
    t._widths = widths
    tblPr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.append(borders)
    for i, w in enumerate(widths):
        t.columns[i].width = Cm(w)
    return t


class Grid:
    """Writes rows either into a Word table (ruled or borderless) or, for `tabs`, as one
    paragraph per row with the cells joined by tab characters."""

    def __init__(self, d, cols, widths, mode="grid"):
        self.d, self.mode = d, mode
        if mode == "grid":
            self.t = table(d, cols, widths)
        elif mode == "plain":
            self.t = plain_table(d, cols, widths)
        else:
            self.t = None

    def row(self, values):
        if self.t is not None:
            return add_row(self.t, values)
        para(self.d, "\t".join("" if v is None else str(v) for v in values), size=9)


def score_rows(specs, plan):
    """Indicator dicts from (l1, l2, name, cmp, target, actual, unit, reason) specs, the
    weight of each 一级 spread over its rows."""
    out = []
    for l1, total in plan.items():
        grp = [s for s in specs if s[0] == l1]
        base = D(total) // len(grp)
        rest = D(total) - base * len(grp)
        for k, s in enumerate(grp):
            w = base + (1 if k < rest else 0)
            l1_, l2, name, cmp, target, actual, unit, reason = s
            if cmp is None:
                out.append(ind(l1_, l2, name, None, target, actual, "", w))
            else:
                out.append(ind(l1_, l2, name, cmp, target, actual, unit, w,
                               reason or "未完全达到年度目标，下一年度加强过程监控"))
    return out


# ================================================================ 1. budget disclosure

def budget(out_dir, defects, pdf):
    year = 2025
    unit = "松阳市交通运输局"
    # 一般公共预算 leaves: class -> kuan -> xiang (code, name, basic, project)
    tree = [
        ("208", "社会保障和就业支出", [
            ("20805", "行政事业单位养老支出", [
                ("2080501", "行政单位离退休", D("42.16"), D("0.00")),
                ("2080505", "机关事业单位基本养老保险缴费支出", D("118.34"), D("0.00")),
                ("2080506", "机关事业单位职业年金缴费支出", D("47.35"), D("0.00"))]),
        ]),
        ("210", "卫生健康支出", [
            ("21011", "行政事业单位医疗", [
                ("2101101", "行政单位医疗", D("38.62"), D("0.00")),
                ("2101103", "公务员医疗补助", D("12.40"), D("0.00"))]),
        ]),
        ("214", "交通运输支出", [
            ("21401", "公路水路运输", [
                ("2140101", "行政运行", D("865.27"), D("0.00")),
                ("2140104", "公路建设", D("0.00"), D("1260.00")),
                ("2140106", "公路养护", D("0.00"), D("2348.50")),
                ("2140112", "公路运输管理", D("0.00"), D("186.30")),
                ("2140199", "其他公路水路运输支出", D("0.00"), D("95.00"))]),
            ("21406", "车辆购置税支出", [
                ("2140602", "车辆购置税用于农村公路建设支出", D("0.00"), D("720.00"))]),
        ]),
        ("221", "住房保障支出", [
            ("22102", "住房改革支出", [
                ("2210201", "住房公积金", D("96.48"), D("0.00"))]),
        ]),
    ]
    classes = []
    for ccode, cname, kuans in tree:
        ks = []
        for kcode, kname, leaves in kuans:
            ks.append((kcode, kname, sum(l[2] for l in leaves), sum(l[3] for l in leaves), leaves))
        classes.append((ccode, cname, sum(k[2] for k in ks), sum(k[3] for k in ks), ks))
    g_basic = sum(c[2] for c in classes); g_proj = sum(c[3] for c in classes)
    g_total = g_basic + g_proj
    fund = D("350.00")           # 政府性基金, all 交通运输支出 project spending
    other = D("28.60")           # 其他收入, spent on 交通运输支出 basic spending
    income = [("一、一般公共预算拨款收入", g_total), ("二、政府性基金预算拨款收入", fund),
              ("三、国有资本经营预算拨款收入", D("0.00")), ("四、事业收入", D("0.00")), ("五、其他收入", other)]
    income_total = sum(v for _, v in income)
    exp_by_class = [(c[0], c[1], c[2] + c[3] + (fund + other if c[0] == "214" else 0)) for c in classes]
    exp_total = sum(v for _, _, v in exp_by_class)
    assert exp_total == income_total
    basic_all = g_basic + other; proj_all = g_proj + fund
    prev_income = D("5862.35"); prev_g = D("5391.74")
    prev_by_class = {"208": D("198.40"), "210": D("49.30"), "214": D("5089.12"), "221": D("91.36")}
    # 机关运行经费, 政府采购
    run_cost, prev_run_cost = D("136.85"), D("142.60")
    buy = [("货物类", D("86.40")), ("工程类", D("1980.00")), ("服务类", D("312.75"))]
    buy_total = sum(v for _, v in buy)
    # "三公": (出国, 车购置, 车运行, 接待) for last year and this year
    sg_prev = (D("0.00"), D("0.00"), D("24.80"), D("5.60"))
    sg_cur = (D("0.00"), D("0.00"), D("22.30"), D("4.90"))

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"child_sum": True, "share_off": True, "change_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{unit}{year}年部门预算", bold=True, size=16, center=True)
        para(d, "目录", bold=True)
        for s in ("第一部分 部门概况", f"第二部分 {year}年部门预算表", f"第三部分 {year}年部门预算情况说明",
                  "第四部分 名词解释"):
            para(d, s)
        para(d, "第一部分 部门概况", bold=True)
        para(d, "一、主要职能", bold=True)
        para(d, f"{unit}负责全市公路、水路交通行业管理，组织实施国省干线公路和农村公路的建设、养护和路政管理，"
                f"承担道路运输市场监管、交通运输安全生产监督管理和综合交通运输体系规划等工作。")
        para(d, "二、部门预算单位构成", bold=True)
        para(d, "纳入本部门2025年部门预算编制范围的单位共3个，包括：局机关、市公路事业发展中心、市道路运输服务中心。"
                "部门编制人数132人，其中行政编制38人、事业编制94人；实有在职人员126人，离退休人员57人。")
        para(d, f"第二部分 {year}年部门预算表", bold=True)

        # ---- 表一 收支预算总表
        para(d, f"表一 {unit}{year}年收支预算总表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 4, [5.4, 2.6, 5.6, 2.6])
        r = add_row(t, ["收入", "", "支出", ""]); merge_h(r, 0, 1); merge_h(r, 2, 3)
        add_row(t, ["项目", "预算数", "项目", "预算数"])
        repeat_header(t.rows[0]); repeat_header(t.rows[1])
        exp_rows = [(f"{'一二三四五六'[k]}、{n}", v) for k, (_, n, v) in enumerate(exp_by_class)]
        for k in range(max(len(income), len(exp_rows))):
            a = income[k] if k < len(income) else ("", None)
            b = exp_rows[k] if k < len(exp_rows) else ("", None)
            add_row(t, [a[0], money(a[1]) if a[1] is not None else "", b[0], money(b[1]) if b[1] is not None else ""])
        add_row(t, ["本年收入合计", money(income_total), "本年支出合计", money(exp_total)])
        add_row(t, ["上年结转", "0.00", "结转下年", "0.00"])
        add_row(t, ["收入总计", money(income_total), "支出总计", money(exp_total)])

        # ---- 表二 财政拨款收支预算总表
        para(d, "")
        para(d, f"表二 {unit}{year}年财政拨款收支预算总表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 6, [4.2, 2.0, 4.4, 2.0, 2.0, 2.0])
        r = add_row(t, ["收入", "", "支出", "", "", ""]); merge_h(r, 0, 1); merge_h(r, 2, 5)
        add_row(t, ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算"])
        fin_income = [("一、一般公共预算拨款", g_total), ("二、政府性基金预算拨款", fund),
                      ("三、国有资本经营预算拨款", D("0.00"))]
        fin_exp = []
        for k, c in enumerate(classes):
            f = fund if c[0] == "214" else D("0.00")
            fin_exp.append((f"{'一二三四五六'[k]}、{c[1]}", c[2] + c[3] + f, c[2] + c[3], f))
        for k in range(max(len(fin_income), len(fin_exp))):
            a = fin_income[k] if k < len(fin_income) else ("", None)
            b = fin_exp[k] if k < len(fin_exp) else ("", None, None, None)
            add_row(t, [a[0], money(a[1]) if a[1] is not None else "", b[0]] +
                    [money(x) if x is not None else "" for x in b[1:]])
        add_row(t, ["收入合计", money(g_total + fund), "支出合计", money(g_total + fund), money(g_total), money(fund)])

        # ---- 表三 一般公共预算支出预算表
        para(d, "")
        para(d, f"表三 {unit}{year}年一般公共预算支出预算表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 5, [2.4, 6.6, 2.4, 2.4, 2.4])
        add_row(t, ["科目编码", "科目名称", "合计", "基本支出", "项目支出"])
        repeat_header(t.rows[0])
        add_row(t, ["", "合计", money(g_total), money(g_basic), money(g_proj)])
        for ccode, cname, cb, cp, ks in classes:
            add_row(t, [ccode, cname, money(cb + cp), money(cb), money(cp)])
            for kcode, kname, kb, kp, leaves in ks:
                add_row(t, [kcode, "  " + kname, money(kb + kp), money(kb), money(kp)])
                for lcode, lname, lb, lp in leaves:
                    sp = lp
                    if dv.get("child_sum") and lcode == "2140106":
                        sp = lp + D("40.00")
                        notes.append({"kind": "child_sum", "where": f"表三 21401 公路水路运输 合计 {money(kb + kp)} / 项目支出 {money(kp)} ≠ Σ项 (2140106 公路养护 shown {money(lb + sp)} / {money(sp)}); also 214 and 合计 rows"})
                    add_row(t, [lcode, "    " + lname, money(lb + sp), money(lb), money(sp)])

        # ---- 表四 "三公"经费预算表
        para(d, "")
        para(d, f"表四 {unit}{year}年一般公共预算“三公”经费支出预算表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 7, [2.6, 2.0, 2.2, 2.0, 2.0, 2.0, 2.0])
        r = add_row(t, ["年度", "合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"])
        merge_h(r, 3, 5)
        add_row(t, ["", "", "", "小计", "购置费", "运行费", ""])
        for col in (0, 1, 2, 6):
            merge_v(t, col, 0, 1)
        for label, sg in ((f"{year - 1}年预算数", sg_prev), (f"{year}年预算数", sg_cur)):
            car = sg[1] + sg[2]
            add_row(t, [label, money(sum(sg)), money(sg[0]), money(car), money(sg[1]), money(sg[2]), money(sg[3])])

        # ---- 第三部分
        para(d, f"第三部分 {year}年部门预算情况说明", bold=True)
        para(d, "一、收支预算总体情况说明", bold=True)
        diff, rate, v1, v2 = change(income_total, prev_income)
        shown_rate = rate
        if dv.get("change_off"):
            shown_rate = rate + D("3.00")
            notes.append({"kind": "change_rate", "where": f"一、收支预算总体情况: 收入预算 {money(income_total)} 比上年 {money(prev_income)} {v2} {shown_rate:.2f}% (true {rate:.2f}%)"})
        para(d, f"{unit}{year}年收入预算{money(income_total)}万元，比上年{v1}{money(diff)}万元，{v2}{shown_rate:.2f}%，"
                f"主要原因是农村公路提质改造和公路养护任务增加。其中：一般公共预算拨款收入{money(g_total)}万元，"
                f"政府性基金预算拨款收入{money(fund)}万元，其他收入{money(other)}万元。")
        para(d, f"支出预算{money(exp_total)}万元，其中：基本支出{money(basic_all)}万元，占{pct(basic_all, exp_total):.2f}%；"
                f"项目支出{money(proj_all)}万元，占{pct(proj_all, exp_total):.2f}%。")
        parts = []
        for ccode, cname, v in exp_by_class:
            s = pct(v, exp_total)
            if dv.get("share_off") and ccode == "214":
                true_s = s; s = s - D("3.50")
                notes.append({"kind": "share", "where": f"支出预算按功能分类: {cname} {money(v)} 占 {s:.2f}% (true {true_s:.2f}%)"})
            parts.append(f"{cname}{money(v)}万元，占{s:.2f}%")
        para(d, "按支出功能分类：" + "；".join(parts) + "。")
        para(d, "二、一般公共预算支出预算情况说明", bold=True)
        diff, rate, v1, v2 = change(g_total, prev_g)
        para(d, f"{year}年一般公共预算支出预算{money(g_total)}万元，比上年{v1}{money(diff)}万元，{v2}{rate:.2f}%。"
                f"其中：基本支出{money(g_basic)}万元，占{pct(g_basic, g_total):.2f}%；项目支出{money(g_proj)}万元，"
                f"占{pct(g_proj, g_total):.2f}%。")
        for n, (ccode, cname, cb, cp, _) in enumerate(classes, 1):
            cur = cb + cp
            diff, rate, v1, v2 = change(cur, prev_by_class[ccode])
            para(d, f"{n}.{cname}（类）{money(cur)}万元，占一般公共预算支出的{pct(cur, g_total):.2f}%，"
                    f"比上年{v1}{money(diff)}万元，{v2}{rate:.2f}%。")
        para(d, "三、“三公”经费预算情况说明", bold=True)
        cur3, prev3 = sum(sg_cur), sum(sg_prev)
        diff, rate, v1, v2 = change(cur3, prev3)
        para(d, f"{year}年“三公”经费预算{money(cur3)}万元，比上年{v1}{money(diff)}万元，{v2}{rate:.2f}%。其中：因公出国（境）费"
                f"{money(sg_cur[0])}万元；公务用车购置及运行费{money(sg_cur[1] + sg_cur[2])}万元（购置费{money(sg_cur[1])}万元，"
                f"运行费{money(sg_cur[2])}万元）；公务接待费{money(sg_cur[3])}万元。减少的主要原因是严格控制公务用车使用和公务接待标准。")
        para(d, "四、机关运行经费预算情况说明", bold=True)
        diff, rate, v1, v2 = change(run_cost, prev_run_cost)
        para(d, f"{year}年本部门机关运行经费预算{money(run_cost)}万元，比上年{v1}{money(diff)}万元，{v2}{rate:.2f}%，"
                f"主要用于办公费、印刷费、水电费、办公用房物业管理费等日常公用支出。")
        para(d, "五、政府采购预算情况说明", bold=True)
        para(d, f"{year}年本部门政府采购预算{money(buy_total)}万元，其中：" +
                "，".join(f"{n}{money(v)}万元" for n, v in buy) +
                f"。工程类采购占政府采购预算的{pct(buy[1][1], buy_total):.2f}%。")
        para(d, "六、国有资产占用情况", bold=True)
        para(d, "截至2024年12月31日，本部门共有车辆21辆，其中：执法执勤用车9辆，特种专业技术用车12辆。"
                "单位价值100万元以上设备5台（套）。")
        para(d, "七、预算绩效目标设置情况", bold=True)
        para(d, f"{year}年本部门实行绩效目标管理的项目6个，涉及一般公共预算项目支出{money(g_proj)}万元，"
                f"占一般公共预算项目支出的100.00%，实现项目支出绩效目标管理全覆盖。重点项目公路养护项目绩效目标："
                f"完成国省干线公路养护里程不少于412公里，优良路率不低于85%。")
        para(d, "第四部分 名词解释", bold=True)
        para(d, "一、一般公共预算拨款收入：指市级财政当年拨付的资金。二、政府性基金预算拨款收入：指市级财政当年拨付的政府性基金"
                "预算资金。三、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。四、项目支出："
                "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。五、机关运行经费：指为保障行政单位运行用于购买"
                "货物和服务的各项公用经费。六、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。")
        save(d, out_dir, "1_budget" + ("" if tag == "clean" else "_defect"), pdf)
    return {"1_budget_defect": notes} if defects else {}


# ================================================================ 2. unfilled template

def template(out_dir, pdf):
    d = new_document()
    para(d, "附件3", size=10)
    para(d, "XX单位XXXX年度部门整体支出绩效自评报告", bold=True, size=16, center=True)
    para(d, "一、部门（单位）基本情况", bold=True)
    para(d, "（一）部门（单位）职能。（简要说明部门主要职能、内设机构等情况……）")
    para(d, "（二）机构设置及人员情况。本部门（单位）内设机构XX个，下属单位XX个；编制XX人，实有人员XX人。")
    para(d, "（三）年度预算及执行情况。XXXX年度部门（单位）年初预算共计    万元，全年预算数    万元，全年执行数    万元，"
            "预算执行率    %。其中：基本支出    万元，项目支出    万元。")
    para(d, "二、部门整体支出绩效目标及完成情况", bold=True)
    para(d, "（简要说明部门年度绩效目标设定情况，以及各项绩效指标的完成情况……）")
    para(d, "三、绩效自评工作开展情况", bold=True)
    para(d, "（简要说明自评工作的组织、自评范围、自评方法和过程……）")
    para(d, "四、综合评价结论", bold=True)
    para(d, "经自评，本部门（单位）XXXX年度部门整体支出绩效自评得分    分，自评等级为    。"
            "（评分等级标准：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。）")
    para(d, "五、存在的问题及原因分析", bold=True)
    para(d, "……")
    para(d, "六、改进措施", bold=True)
    para(d, "……")
    para(d, "七、绩效自评结果应用和公开情况", bold=True)
    para(d, "（说明自评结果在预算安排、改进管理等方面的应用情况，以及随部门决算公开的情况……）")
    para(d, "八、其他需要说明的问题", bold=True)
    para(d, "（如无，填写“无”。）")
    para(d, "")
    para(d, "部门（单位）整体支出绩效自评表", bold=True, center=True)
    para(d, "（XXXX年度）", center=True)
    t = table(d, 8, [1.5, 1.8, 3.6, 1.9, 1.9, 1.1, 1.1, 2.9])
    r = add_row(t, ["部门（单位）名称", "", "", "", "", "", "", ""]); merge_h(r, 1, 7)
    r = add_row(t, ["年度资金（万元）", "年初预算数", "", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    merge_h(r, 1, 2)
    r = add_row(t, ["", "", "", "", "", "10", "", ""]); merge_h(r, 1, 2)
    merge_v(t, 0, 1, 2)
    add_row(t, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    names = [("产出指标", "数量指标", "指标1："), ("", "", "指标2："), ("", "质量指标", "指标1："),
             ("", "时效指标", "指标1："), ("", "成本指标", "指标1："),
             ("效益指标", "社会效益指标", "指标1："), ("", "可持续影响指标", "指标1："),
             ("满意度指标", "服务对象满意度指标", "指标1：")]
    for l1, l2, n in names:
        add_row(t, [l1, l2, n, "", "", "", "", ""])
    r = add_row(t, ["合计", "", "", "", "", "", "", ""]); merge_h(r, 0, 4)
    para(d, "注：1.本表由部门（单位）填写，金额单位为万元；2.偏差原因分析请简要填写，如无偏差填写“无”；"
            "3.请在此处填写XX。", size=9)
    para(d, "填报单位（盖章）：                    填报日期：    年  月  日", size=10)
    save(d, out_dir, "2_template", pdf)


# ================================================================ 3. project report in 元

def project_yuan(out_dir, defects, pdf):
    year = 2024
    unit, dept = "河阳县残疾人联合会", "河阳县残疾人联合会"
    project = "残疾人基本康复服务项目"
    # sources in 元: (name, 年初预算, 全年预算, 全年执行)
    src = [("中央补助资金", D("486000.00"), D("512400.00"), D("498763.52")),
           ("省级补助资金", D("238500.00"), D("238500.00"), D("231045.80")),
           ("县级配套资金", D("480000.00"), D("483767.89"), D("467382.15"))]
    tot = ("合计", sum(s[1] for s in src), sum(s[2] for s in src), sum(s[3] for s in src))
    # the narrative's rounded parts add to its rounded total
    for k in (1, 2, 3):
        assert sum(wan(s[k]) for s in src) == wan(tot[k]), k
    rate = pct(tot[3], tot[2])
    exec_weight = D(10)
    exec_score = min(exec_weight, r2(rate / 100 * exec_weight))
    specs = [
        ("产出指标", "数量指标", "残疾儿童康复救助人数", "≥", 180, 192, "人", ""),
        ("产出指标", "数量指标", "成年残疾人辅助器具适配人数", "≥", 650, 618, "人",
         "部分申请人经评估不符合适配条件，下年度提前开展需求筛查"),
        ("产出指标", "质量指标", "康复服务定点机构评估合格率", "=", 100, 100, "%", ""),
        ("产出指标", "时效指标", "康复补贴资金发放及时率", "≥", 95, 98.5, "%", ""),
        ("产出指标", "成本指标", "残疾儿童康复救助人均补助标准", "≤", 18000, 17600, "元", ""),
        ("效益指标", "社会效益指标", "有需求的持证残疾人基本康复服务覆盖率", "≥", 85, 88.6, "%", ""),
        ("效益指标", "可持续影响指标", "康复服务长效机制", None, "持续发挥作用", "已建立定点机构年度评估制度", "", ""),
        ("满意度指标", "服务对象满意度指标", "康复服务对象满意度", "≥", 90, 94.2, "%", ""),
    ]
    inds = score_rows(specs, {"产出指标": 50, "效益指标": 30, "满意度指标": 10})
    total_score = exec_score + sum(i["score"] for i in inds)

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"sum_off": True, "rate_off": True, "wan_slip": True}
    notes = []
    for tag, dv in variants.items():
        shown_src = list(src)
        if dv.get("sum_off"):
            s = src[1]
            shown_src[1] = (s[0], s[1], s[2], s[3] + D("10000.00"))
            notes.append({"kind": "child_sum", "where": f"项目资金表(元) 合计 全年执行数 {yuan(tot[3])} ≠ Σ (省级补助资金 全年执行数 shown {yuan(s[3] + 10000)})"})
        shown_rate = rate
        if dv.get("rate_off"):
            shown_rate = rate - D("4.00")
            notes.append({"kind": "exec_rate", "where": f"项目资金表(元) 合计 执行率 {shown_rate:.2f}% ≠ {yuan(tot[3])}/{yuan(tot[2])} = {rate:.2f}%"})
        d = new_document()
        para(d, f"{unit}{year}年度{project}支出绩效自评报告", bold=True, size=16, center=True)
        para(d, "一、项目基本情况", bold=True)
        para(d, "（一）项目概况", bold=True)
        para(d, f"{project}依据《残疾人基本康复服务目录》和省残联、省财政厅有关文件实施，为全县0—6岁残疾儿童提供康复救助，"
                f"为有需求的成年残疾人提供辅助器具适配和基本康复训练服务，由{unit}组织实施，县财政局负责资金保障和监督。")
        para(d, "（二）项目资金情况", bold=True)
        w = {k: wan(tot[k]) for k in (1, 2, 3)}
        exec_wan = w[3]
        if dv.get("wan_slip"):
            exec_wan = wan(tot[3]) / 10
            exec_wan = exec_wan.quantize(D("0.01"), ROUND_HALF_UP)
            notes.append({"kind": "unit_slip", "where": f"（二）项目资金情况: 全年执行数 {money(exec_wan)}万元 vs 表 {yuan(tot[3])}元 = {money(w[3])}万元"})
        para(d, f"{year}年度项目年初预算{money(w[1])}万元，全年预算{money(w[2])}万元，其中：中央补助资金{money(wan(src[0][2]))}万元，"
                f"省级补助资金{money(wan(src[1][2]))}万元，县级配套资金{money(wan(src[2][2]))}万元。截至{year}年12月31日，"
                f"项目全年执行{money(exec_wan)}万元，预算执行率{rate:.2f}%。资金明细见下表。")
        para(d, f"{project}资金使用情况表", bold=True, center=True)
        para(d, "单位：元", size=9)
        t = table(d, 5, [4.0, 3.2, 3.2, 3.2, 2.2])
        add_row(t, ["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率"])
        for name, a, b, c in shown_src:
            add_row(t, [name, yuan(a), yuan(b), yuan(c), f"{pct(c, b):.2f}%"])
        add_row(t, [tot[0], yuan(tot[1]), yuan(tot[2]), yuan(tot[3]), f"{shown_rate:.2f}%"])
        para(d, "二、绩效目标及完成情况", bold=True)
        para(d, f"全年完成残疾儿童康复救助192人，成年残疾人辅助器具适配618人，未达到650人的年度目标；康复补贴资金发放及时率98.5%，"
                f"有需求的持证残疾人基本康复服务覆盖率88.6%，康复服务对象满意度94.2%。")
        para(d, "三、自评结论", bold=True)
        g = grade(total_score)
        para(d, f"根据自评，{project}{year}年度自评得分{fmt_score(total_score)}分，等级为“{g}”。其中预算执行率得分"
                f"{fmt_score(exec_score)}分（执行率{rate:.2f}%，分值10分），产出指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '产出指标'))}分，效益指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '效益指标'))}分，满意度指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '满意度指标'))}分。项目全年预算{money(w[2])}万元，"
                f"执行{money(exec_wan)}万元，结余{money(wan(tot[2] - tot[3]))}万元已按规定收回县财政。")
        para(d, f"{project}支出绩效自评表", bold=True, center=True)
        para(d, "单位：元", size=9)
        t = table(d, 8, [1.6, 2.2, 4.0, 2.0, 2.4, 1.1, 1.1, 2.6])
        r = add_row(t, ["项目名称", project]); merge_h(r, 1, 7)
        r = add_row(t, ["项目资金", "全年预算数", "", "全年执行数", "", "分值", "执行率", "得分"])
        merge_h(r, 1, 2); merge_h(r, 3, 4)
        r = add_row(t, ["", yuan(tot[2]), "", yuan(tot[3]), "", "10", f"{shown_rate:.2f}%", fmt_score(exec_score)])
        merge_h(r, 1, 2); merge_h(r, 3, 4)
        merge_v(t, 0, 1, 2)
        add_row(t, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        for i in inds:
            add_row(t, [i["l1"], i["l2"], i["name"], i["target"], i["actual"], fmt_score(i["weight"]),
                        fmt_score(i["score"]), i["reason"]])
        r = add_row(t, ["总分", "", "", "", "", "100", fmt_score(total_score), f"自评等级：{g}"]); merge_h(r, 0, 4)
        para(d, "四、存在的问题及改进措施", bold=True)
        para(d, "一是辅助器具适配前的需求评估不够精准，部分申请人不符合适配条件，适配人数未达年度目标；二是县级配套资金到位较晚，"
                "影响了部分康复训练的开展进度。下一步将提前开展需求筛查，并商请县财政局按季度拨付配套资金。")
        para(d, "五、结果应用", bold=True)
        para(d, "自评结果将作为2025年度项目预算安排的重要依据，并按规定在县人民政府门户网站公开。")
        save(d, out_dir, "3_project_yuan" + ("" if tag == "clean" else "_defect"), pdf)
    return {"3_project_yuan_defect": notes} if defects else {}


# ================================================================ 4. borderless / tab tables

def dept_borderless(out_dir, defects, pdf, mode):
    year = 2024
    unit = "桐江县商务局"
    inc = [("财政拨款收入", D("1846.25")), ("事业收入", D("0.00")), ("其他收入", D("12.40"))]
    exp = [("基本支出", D("684.93")), ("项目支出", D("1102.58"))]
    carry_in = D("26.30")
    inc_total = sum(v for _, v in inc); exp_total = sum(v for _, v in exp)
    carry_out = inc_total + carry_in - exp_total
    budget_full = D("1884.95")
    rate = pct(exp_total, budget_full)
    specs = [
        ("产出指标", "数量指标", "培育限额以上商贸企业", "≥", 25, 31, "家", ""),
        ("产出指标", "数量指标", "组织企业参加国内外展会", "≥", 12, 14, "场次", ""),
        ("产出指标", "数量指标", "电商进农村服务站点建设", "≥", 60, 52, "个",
         "部分行政村合并调整，站点布局重新规划，剩余站点2025年上半年建成"),
        ("产出指标", "质量指标", "成品油市场抽检合格率", "≥", 98, 99.3, "%", ""),
        ("产出指标", "时效指标", "外贸稳增长补助资金兑付及时率", "=", 100, 100, "%", ""),
        ("产出指标", "成本指标", "单个服务站点建设补助", "≤", 3, 2.8, "万元", ""),
        ("效益指标", "经济效益指标", "社会消费品零售总额增长率", "≥", 6, 6.8, "%", ""),
        ("效益指标", "经济效益指标", "外贸进出口总额", "≥", 18.5, 19.42, "亿元", ""),
        ("效益指标", "社会效益指标", "带动农村电商就业人数", "≥", 800, 863, "人", ""),
        ("效益指标", "可持续影响指标", "商贸流通体系运行", None, "稳定运行", "县乡村三级物流体系稳定运行", "", ""),
        ("满意度指标", "服务对象满意度指标", "企业满意度", "≥", 90, 93.7, "%", ""),
    ]
    inds = score_rows(specs, {"产出指标": 50, "效益指标": 40, "满意度指标": 10})
    total = sum(i["score"] for i in inds)

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"inc_sum": True, "score_total": True, "grade": True}
    notes = []
    stem0 = "4_dept_borderless" if mode == "plain" else "4_dept_tabs"
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{unit}{year}年度部门整体支出绩效自评报告", bold=True, size=16, center=True)
        para(d, "一、部门基本情况", bold=True)
        para(d, f"{unit}负责全县内外贸易、电子商务、商贸流通、招商引资和成品油市场监管等工作，内设办公室、市场运行股、"
                f"对外贸易股、电子商务股4个股室，下属县商贸服务中心1个。核定编制28人，实有在职人员26人。")
        para(d, "二、部门整体收支情况", bold=True)
        shown_inc_total = inc_total + (D("50.00") if dv.get("inc_sum") else 0)
        if dv.get("inc_sum"):
            notes.append({"kind": "total_sum", "where": f"收支情况表 本年收入合计 {money(shown_inc_total)} ≠ Σ {money(inc_total)}"})
        para(d, f"{year}年度本部门本年收入合计{money(inc_total)}万元，其中财政拨款收入{money(inc[0][1])}万元，占"
                f"{pct(inc[0][1], inc_total):.2f}%；其他收入{money(inc[2][1])}万元。本年支出合计{money(exp_total)}万元，"
                f"其中基本支出{money(exp[0][1])}万元，占{pct(exp[0][1], exp_total):.2f}%；项目支出{money(exp[1][1])}万元，"
                f"占{pct(exp[1][1], exp_total):.2f}%。全年预算数{money(budget_full)}万元，预算执行率{rate:.2f}%。"
                f"年末结转和结余{money(carry_out)}万元。")
        para(d, f"{unit}{year}年度收支情况表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        g = Grid(d, 4, [4.6, 3.0, 4.6, 3.0], mode)
        g.row(["收入项目", "金额", "支出项目", "金额"])
        for k in range(max(len(inc), len(exp))):
            a = inc[k] if k < len(inc) else ("", None)
            b = exp[k] if k < len(exp) else ("", None)
            g.row([a[0], money(a[1]) if a[1] is not None else "", b[0], money(b[1]) if b[1] is not None else ""])
        g.row(["本年收入合计", money(shown_inc_total), "本年支出合计", money(exp_total)])
        g.row(["年初结转和结余", money(carry_in), "年末结转和结余", money(carry_out)])
        g.row(["总计", money(inc_total + carry_in), "总计", money(exp_total + carry_out)])
        para(d, "三、绩效指标完成情况", bold=True)
        para(d, "全年培育限额以上商贸企业31家，组织企业参加展会14场次，建成电商进农村服务站点52个，未达到60个的年度目标；"
                "社会消费品零售总额增长6.8%，外贸进出口总额19.42亿元，企业满意度93.7%。")
        shown_total = total - (D("3.00") if dv.get("score_total") else 0)
        if dv.get("score_total"):
            notes.append({"kind": "score_total", "where": f"自评表 合计 得分 {fmt_score(shown_total)} ≠ Σ {fmt_score(total)}"})
        para(d, f"{unit}{year}年度部门整体支出绩效自评表", bold=True, center=True)
        g = Grid(d, 7, [1.8, 2.4, 4.2, 1.9, 2.6, 1.3, 1.4], mode)
        g.row(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
        prev = (None, None)
        for i in inds:
            l1 = i["l1"] if i["l1"] != prev[0] else ""
            l2 = i["l2"] if (i["l1"], i["l2"]) != prev else ""
            prev = (i["l1"], i["l2"])
            g.row([l1, l2, i["name"], i["target"], i["actual"], fmt_score(i["weight"]), fmt_score(i["score"])])
        g.row(["合计", "", "", "", "", "100", fmt_score(shown_total)])
        para(d, "四、综合评价结论", bold=True)
        gr = grade(total)
        gshown = gr
        if dv.get("grade"):
            gshown = "优" if gr != "优" else "良"
            notes.append({"kind": "grade", "where": f"四、综合评价结论: 得分 {fmt_score(total)} 等级 “{gshown}” (should be {gr})"})
        para(d, f"经自评，本局{year}年度部门整体支出绩效自评得分{fmt_score(total)}分，自评等级为“{gshown}”。其中产出指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '产出指标'))}分（分值50分），效益指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '效益指标'))}分（分值40分），满意度指标得分"
                f"{fmt_score(sum(i['score'] for i in inds if i['l1'] == '满意度指标'))}分（分值10分）。"
                f"评分等级标准：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。")
        para(d, "五、存在的问题及原因分析", bold=True)
        para(d, "一是受行政村合并调整影响，电商进农村服务站点建设进度滞后；二是部分项目资金拨付集中在第四季度，均衡性不足。")
        para(d, "六、改进措施", bold=True)
        para(d, "一是按调整后的村庄布局重新规划站点，2025年上半年完成剩余8个站点建设；二是按月监控项目资金支付进度，提高执行均衡性。")
        para(d, "七、绩效自评结果应用和公开情况", bold=True)
        para(d, "自评结果已报县财政局，作为2025年度预算安排的参考，并随部门决算公开。")
        save(d, out_dir, stem0 + ("" if tag == "clean" else "_defect"), pdf)
    return {stem0 + "_defect": notes} if defects else {}


# ================================================================ 5. two project tables

def dept_two_projects(out_dir, defects, pdf):
    year = 2024
    unit = "鹤鸣县民政局"
    projects = [
        dict(name="城乡居民最低生活保障资金项目", parts=[
            ("其中：当年财政拨款", D("3682.00"), D("3874.50"), D("3812.46")),
            ("上年结转资金", D("0.00"), D("46.20"), D("46.20"))],
            specs=[
                ("产出指标", "数量指标", "城市低保保障人数", "≥", 2100, 2186, "人", ""),
                ("产出指标", "数量指标", "农村低保保障人数", "≥", 9800, 9512, "人",
                 "开展低保对象动态复核，清退不符合条件对象，保障人数略低于目标"),
                ("产出指标", "质量指标", "低保资金社会化发放率", "=", 100, 100, "%", ""),
                ("产出指标", "时效指标", "低保金按月发放及时率", "=", 100, 100, "%", ""),
                ("产出指标", "成本指标", "低保金社会化发放单笔手续费", "≤", 0.5, 0.4, "元", ""),
                ("效益指标", "社会效益指标", "困难群众基本生活保障率", "=", 100, 100, "%", ""),
                ("效益指标", "可持续影响指标", "低保动态管理机制", None, "长效运行", "已建立季度复核机制", "", ""),
                ("满意度指标", "服务对象满意度指标", "低保对象满意度", "≥", 90, 95.6, "%", ""),
            ]),
        dict(name="特困人员救助供养资金项目", parts=[
            ("其中：当年财政拨款", D("1245.00"), D("1318.60"), D("1086.35")),
            ("其他资金", D("30.00"), D("30.00"), D("21.40"))],
            specs=[
                ("产出指标", "数量指标", "特困人员救助供养人数", "≥", 1650, 1702, "人", ""),
                ("产出指标", "数量指标", "敬老院改造提升数量", "≥", 6, 2, "所",
                 "四所敬老院改造因设计变更延至2025年实施"),
                ("产出指标", "质量指标", "集中供养机构安全达标率", "≥", 95, 92, "%",
                 "四所未改造敬老院消防设施未达标，已列入2025年改造计划"),
                ("产出指标", "时效指标", "供养金按月发放及时率", "=", 100, 100, "%", ""),
                ("产出指标", "成本指标", "集中供养机构人均年运营成本", "≤", 2.4, 2.31, "万元", ""),
                ("效益指标", "社会效益指标", "特困人员应救尽救率", "=", 100, 100, "%", ""),
                ("效益指标", "可持续影响指标", "失能特困人员集中照护率", "≥", 60, 52.4, "%",
                 "护理型床位不足，2025年新增护理型床位80张"),
                ("满意度指标", "服务对象满意度指标", "特困供养对象满意度", "≥", 90, 91.8, "%", ""),
            ]),
    ]
    for p in projects:
        parts = p["parts"]
        p["total"] = ("年度资金总额", sum(x[1] for x in parts), sum(x[2] for x in parts), sum(x[3] for x in parts))
        p["rate"] = pct(p["total"][3], p["total"][2])
        p["exec_score"] = min(D(10), r2(p["rate"] / 100 * 10))
        p["inds"] = score_rows(p["specs"], {"产出指标": 50, "效益指标": 30, "满意度指标": 10})
        p["score"] = p["exec_score"] + sum(i["score"] for i in p["inds"])
        p["grade"] = grade(p["score"])
    assert projects[1]["grade"] != "优", [(p["score"], p["grade"]) for p in projects]

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"total_off": True, "text_score": True, "rate_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        para(d, f"{unit}{year}年度部门整体支出绩效自评报告", bold=True, size=16, center=True)
        para(d, "一、部门基本情况", bold=True)
        para(d, f"{unit}负责全县社会救助、养老服务、社会事务、基层政权和社区建设等工作，内设6个股室，下属县社会福利院、"
                f"县殡仪馆2个事业单位。核定编制47人，实有在职人员45人。")
        para(d, "二、部门整体绩效目标", bold=True)
        para(d, f"{year}年度本部门绩效目标为：按时足额发放城乡低保金和特困人员供养金，保障城乡低保对象11900人以上、"
                f"特困人员1650人以上，完成6所敬老院改造提升，困难群众基本生活保障率100%，服务对象满意度不低于90%。")
        para(d, "三、部门整体收支情况", bold=True)
        fund_total = sum(p["total"][2] for p in projects); fund_exec = sum(p["total"][3] for p in projects)
        para(d, f"{year}年度本部门两个重点民生项目全年预算合计{money(fund_total)}万元，执行{money(fund_exec)}万元，"
                f"执行率{pct(fund_exec, fund_total):.2f}%。本报告对两个项目分别开展自评，自评表附后。")
        para(d, "四、项目支出绩效自评情况", bold=True)
        for n, p in enumerate(projects, 1):
            cn = "一二"[n - 1]
            tot = p["total"]
            shown_rate = p["rate"]
            if dv.get("rate_off") and n == 1:
                shown_rate = p["rate"] - D("2.50")
                notes.append({"kind": "exec_rate", "where": f"项目一 自评表 年度资金总额 执行率 {shown_rate:.2f}% ≠ {money(tot[3])}/{money(tot[2])} = {p['rate']:.2f}%"})
            para(d, f"（{cn}）项目{cn}：{p['name']}", bold=True)
            para(d, f"该项目全年预算{money(tot[2])}万元，全年执行{money(tot[3])}万元，预算执行率{p['rate']:.2f}%。"
                    f"项目{cn}自评表如下。")
            para(d, f"项目{cn} {p['name']}绩效自评表", bold=True, center=True)
            t = table(d, 9, [1.5, 1.8, 2.2, 3.4, 2.0, 2.2, 1.1, 1.2, 2.8])
            r = add_row(t, ["项目名称", p["name"]]); merge_h(r, 1, 8)
            r = add_row(t, ["主管部门", unit, "", "", "", "实施单位", unit]); merge_h(r, 1, 4); merge_h(r, 6, 8)
            f0 = len(t.rows)
            r = add_row(t, ["项目资金（万元）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
            merge_h(r, 1, 2)
            r = add_row(t, ["", tot[0], "", money(tot[1]), money(tot[2]), money(tot[3]), "10", f"{shown_rate:.2f}%",
                            fmt_score(p["exec_score"])]); merge_h(r, 1, 2)
            for name, a, b, c in p["parts"]:
                r = add_row(t, ["", name, "", money(a), money(b), money(c), "—", f"{pct(c, b):.2f}%", "—"])
                merge_h(r, 1, 2)
            merge_v(t, 0, f0, len(t.rows) - 1)
            add_row(t, ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                        "偏差原因分析及改进措施"])
            h0 = len(t.rows) - 1
            for i in p["inds"]:
                add_row(t, ["", i["l1"], i["l2"], i["name"], i["target"], i["actual"], fmt_score(i["weight"]),
                            fmt_score(i["score"]), i["reason"]])
            merge_v(t, 0, h0, len(t.rows) - 1)
            shown = p["score"]
            if dv.get("total_off") and n == 2:
                shown = p["score"] + D("4.00")
                notes.append({"kind": "score_total", "where": f"项目二 自评表 总分 {fmt_score(shown)} ≠ Σ {fmt_score(p['score'])}"})
            r = add_row(t, ["总分", "", "", "", "", "", "100", fmt_score(shown), f"自评等级：{grade(shown)}"])
            merge_h(r, 0, 5)
            para(d, "")
        para(d, "五、综合评价结论", bold=True)
        s1, s2 = projects[0]["score"], projects[1]["score"]
        s1_text = s1
        if dv.get("text_score"):
            s1_text = s1 - D("3.00")
            notes.append({"kind": "text_vs_table", "where": f"五、综合评价结论: 项目一 得分 {fmt_score(s1_text)}分 vs 自评表 总分 {fmt_score(s1)}"})
        para(d, f"经自评，项目一{projects[0]['name']}自评得分{fmt_score(s1_text)}分，自评等级为“{projects[0]['grade']}”；"
                f"项目二{projects[1]['name']}自评得分{fmt_score(s2)}分，自评等级为“{projects[1]['grade']}”。"
                f"评分等级标准：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。")
        para(d, "六、存在的问题及原因分析", bold=True)
        para(d, "一是特困人员救助供养项目中四所敬老院改造因设计变更未按期实施，资金执行率偏低；二是护理型床位不足，"
                "失能特困人员集中照护率未达目标。")
        para(d, "七、改进措施", bold=True)
        para(d, "一是督促设计单位尽快完成变更，2025年6月底前完成四所敬老院改造；二是2025年新增护理型床位80张，提高集中照护能力。")
        para(d, "八、绩效自评结果应用和公开情况", bold=True)
        para(d, "自评结果已报县财政局，并在县人民政府门户网站公开。")
        save(d, out_dir, "5_dept_two_projects" + ("" if tag == "clean" else "_defect"), pdf)
    return {"5_dept_two_projects_defect": notes} if defects else {}


def main(argv):
    from make_layout_bases import run_generators

    run_generators(argv, "/tmp/more_bases", [
        budget,
        lambda out, defects, pdf: template(out, pdf),
        project_yuan,
        lambda out, defects, pdf: dept_borderless(out, defects, pdf, "plain"),
        lambda out, defects, pdf: dept_borderless(out, defects, pdf, "tabs"),
        dept_two_projects,
    ])


if __name__ == "__main__":
    main(sys.argv[1:])
