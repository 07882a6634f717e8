"""Realistic Word/PDF layouts of self-evaluation reports, to find where `reviewer` misreads
real submissions. Every figure is computed here (totals = sums, shares, changes, execution
rates, scores, grades), so a clean file holds no arithmetic defect.

    python3 scripts/make_layout_bases.py [OUT_DIR] [--defects] [--no-pdf]

Writes into OUT_DIR (default /tmp/layout_bases):
  1_project_table      项目支出绩效自评表: one Word table, national layout, merged cells
  2_department         部门整体支出绩效自评报告 with a two-row merged 收支总表 header
                       and a score table with a merged 一级指标 column and a 合计 row
  3_department_lines   the same kind of report with one paragraph per printed line and a
                       ~30-row score table that crosses a page with its header repeated
  4_final_accounts     县级部门决算 with 类 | 款 | 项 code columns
With --defects each also gets *_defect.docx/pdf carrying three known defects
(listed in OUT_DIR/defects.json)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal as D

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Noto Sans CJK SC"
C2 = D("0.01")


def r2(x) -> D:
    return D(x).quantize(C2, ROUND_HALF_UP)


def money(x, commas=False) -> str:
    return f"{r2(x):,.2f}" if commas else f"{r2(x):.2f}"


def pct(part, whole) -> D:
    return r2(D(part) / D(whole) * 100)


def change(cur, prev):
    """(difference, rate %, verb 增加/减少, verb 增长/下降)"""
    diff = r2(D(cur) - D(prev))
    rate = r2(abs(diff) / D(prev) * 100)
    return abs(diff), rate, ("增加" if diff >= 0 else "减少"), ("增长" if diff >= 0 else "下降")


def grade(score) -> str:
    s = D(score)
    return "优" if s >= 90 else "良" if s >= 80 else "中" if s >= 60 else "差"


def fmt_score(x) -> str:
    s = f"{r2(x):.2f}".rstrip("0").rstrip(".")
    return s


# ---------------------------------------------------------------- docx helpers

def new_document():
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.size = Pt(10.5)
    st.font.name = FONT
    st.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for s in d.sections:
        s.left_margin = s.right_margin = Cm(2.2)
        s.top_margin = s.bottom_margin = Cm(2.2)
    return d


def para(d, text, bold=False, size=None, center=False):
    p = d.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = 1
    return p


def repeat_header(row):
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def cant_split(row):
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def set_text(cell, text, size=9):
    cell.text = ""
    run = cell.paragraphs[0].add_run(str(text))
    run.font.size = Pt(size)


def table(d, cols, widths=None):
    t = d.add_table(rows=0, cols=cols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    t._widths = widths
    if widths:
        for i, w in enumerate(widths):
            t.columns[i].width = Cm(w)
    return t


def add_row(t, values, size=9):
    row = t.add_row()
    for i, v in enumerate(values):
        if v is not None and v != "":
            set_text(row.cells[i], v, size)
    if getattr(t, "_widths", None):
        for i, w in enumerate(t._widths):
            row.cells[i].width = Cm(w)
    return row


def merge_h(row, a, b):
    return row.cells[a].merge(row.cells[b])


def merge_v(t, col, r0, r1):
    """Word-style vertical merge: text stays only in the top cell (the others are empty)."""
    if r1 > r0:
        t.cell(r0, col).merge(t.cell(r1, col))


def save(d, out_dir, stem, pdf):
    path = os.path.join(out_dir, stem + ".docx")
    d.save(path)
    if pdf:
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", out_dir, path],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    return path


def hard_wrap(text, width=38):
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


class Writer:
    """Narrative writer: one paragraph per logical paragraph, or (lines=True) one paragraph
    per printed line, as PDF-to-Word exports produce."""

    def __init__(self, d, lines=False):
        self.d, self.lines = d, lines

    def heading(self, text):
        para(self.d, text, bold=True)

    def text(self, text):
        if self.lines:
            for line in hard_wrap(text):
                p = para(self.d, line)
                p.paragraph_format.first_line_indent = None
        else:
            p = para(self.d, text)
            p.paragraph_format.first_line_indent = Pt(21)


# ---------------------------------------------------------------- indicator scoring

def q_score(cmp, target, actual, weight):
    """Quantitative indicator score: full weight when met; otherwise proportional
    (actual/target for 正向, target/actual for 反向 '≤')."""
    target, actual, weight = D(str(target)), D(str(actual)), D(str(weight))
    if cmp in ("≥", "="):
        ok = actual >= target
        s = weight if ok else r2(actual / target * weight)
    else:
        ok = actual <= target
        s = weight if ok else r2(target / actual * weight)
    return s, ok


def ind(l1, l2, name, cmp, target, actual, unit, weight, reason=""):
    """One indicator row; `cmp` None means qualitative (target/actual are words, full marks
    unless `weight` is a (weight, score) pair)."""
    if cmp is None:
        if isinstance(weight, tuple):
            weight, s = D(str(weight[0])), D(str(weight[1]))
        else:
            weight = D(str(weight)); s = weight
        return dict(l1=l1, l2=l2, name=name, target=target, actual=actual, weight=weight, score=s,
                    reason=reason, spec=None)
    spec = (cmp, target, actual, unit, reason)
    if actual is None:  # filled in later from computed figures
        return dict(l1=l1, l2=l2, name=name, target="", actual="", weight=D(0), score=D(0), reason="", spec=spec)
    s, ok = q_score(cmp, target, actual, weight) if D(str(weight)) else (D(0), True)
    t = f"{cmp}{target}{unit}" if cmp != "=" else f"{target}{unit}"
    return dict(l1=l1, l2=l2, name=name, target=t, actual=f"{actual}{unit}", weight=D(str(weight)),
                score=s, reason=("" if ok else reason), spec=spec)


def group_spans(rows, key):
    """[(start, end)] runs of equal `key` values (end inclusive)."""
    spans, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][key] != rows[start][key] or (
                key == "l2" and rows[i]["l1"] != rows[start]["l1"]):
            spans.append((start, i - 1)); start = i
    return spans


# ================================================================ 1. project table

def project_table(out_dir, defects, pdf):
    unit, dept, year = "青峰县动物疫病预防控制中心", "青峰县农业农村局", 2023
    project = "重大动物疫病强制免疫补助项目"
    # funds: (name, 年初预算, 全年预算, 全年执行)
    parts = [("其中：当年财政拨款", D("286.40"), D("312.60"), D("291.37")),
             ("上年结转资金", D("0.00"), D("18.25"), D("18.25")),
             ("其他资金", D("12.00"), D("12.00"), D("9.60"))]
    total = ("年度资金总额", sum(p[1] for p in parts), sum(p[2] for p in parts), sum(p[3] for p in parts))
    rate = r2(total[3] / total[2] * 100)           # 执行率 % (denominator 全年预算数)
    fund_weight = D(10)
    fund_score = min(fund_weight, r2(rate / 100 * fund_weight))
    inds = [
        ind("产出指标", "数量指标", "猪牛羊口蹄疫强制免疫头只数", "≥", 42.5, 44.1, "万头只", 8),
        ind("产出指标", "数量指标", "家禽高致病性禽流感免疫羽数", "≥", 310, 296.2, "万羽", 8,
            "受市场行情影响年末家禽存栏下降，应免数量相应减少；下年度按季度核定存栏后再设定目标值"),
        ind("产出指标", "数量指标", "免疫效果监测抽样数", "≥", 3600, 3840, "份", 6),
        ind("产出指标", "质量指标", "口蹄疫免疫抗体合格率", "≥", 80, 86.4, "%", 8),
        ind("产出指标", "质量指标", "禽流感免疫抗体合格率", "≥", 80, 91.2, "%", 6),
        ind("产出指标", "时效指标", "春秋两季集中免疫完成时限", None, "5月、11月底前", "5月28日、11月26日完成", "", 6),
        ind("产出指标", "成本指标", "每头份疫苗采购平均成本", "≤", 0.95, 0.91, "元", 8),
        ind("效益指标", "经济效益指标", "因重大动物疫病造成的直接经济损失", "≤", 50, 12.6, "万元", 10),
        ind("效益指标", "社会效益指标", "区域性重大动物疫情发生次数", "≤", 0, 0, "次", 10),
        ind("效益指标", "可持续影响指标", "村级防疫员队伍稳定率", "≥", 90, 93.5, "%", 10),
        ind("满意度指标", "服务对象满意度指标", "养殖场户满意度", "≥", 90, 95.3, "%", 10),
    ]
    ind_total = sum(i["score"] for i in inds)
    assert sum(i["weight"] for i in inds) == 90
    expected = dict(fund_score=fund_score, total=fund_score + ind_total)
    docs = {"clean": dict(parts=parts, total=total, fund_score=fund_score, inds=inds, shown_total=None)}
    if defects:
        bad_parts = list(parts)
        bad_parts[0] = (parts[0][0], parts[0][1], parts[0][2], parts[0][3] + D("20.00"))  # child 执行数 +20
        bad_inds = [dict(i) for i in inds]
        bad_inds[3]["score"] = D("9.50")       # 口蹄疫免疫抗体合格率: weight 8, score 9.5
        bad_fund_score = fund_score + D("0.40")  # not rate x weight
        docs["defect"] = dict(parts=bad_parts, total=total, fund_score=bad_fund_score, inds=bad_inds,
                              shown_total=None)
    out = {}
    for tag, v in docs.items():
        d = new_document()
        para(d, "附件2", size=10)
        widths = [1.6, 2.0, 2.2, 3.4, 2.0, 2.2, 1.2, 1.3, 3.4]
        t = table(d, 9, widths)
        r = add_row(t, ["项目支出绩效自评表"], size=14); merge_h(r, 0, 8)
        r = add_row(t, [f"（{year}年度）"], size=10); merge_h(r, 0, 8)
        r = add_row(t, ["项目名称", project]); merge_h(r, 1, 8)
        r = add_row(t, ["主管部门", dept, "", "", "", "实施单位", unit])
        merge_h(r, 1, 4); merge_h(r, 6, 8)
        f0 = len(t.rows)
        r = add_row(t, ["项目资金（万元）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
        merge_h(r, 1, 2)
        tot = v["total"]
        r = add_row(t, ["", tot[0], "", money(tot[1]), money(tot[2]), money(tot[3]), fmt_score(fund_weight),
                        f"{rate:.2f}%", fmt_score(v["fund_score"])])
        merge_h(r, 1, 2)
        for name, a, b, c in v["parts"]:
            prate = f"{pct(c, b):.2f}%" if b else "—"
            r = add_row(t, ["", name, "", money(a), money(b), money(c), "—", prate, "—"])
            merge_h(r, 1, 2)
        merge_v(t, 0, f0, len(t.rows) - 1)
        g0 = len(t.rows)
        r = add_row(t, ["年度总体目标", "预期目标", "", "", "", "实际完成情况"]); merge_h(r, 1, 4); merge_h(r, 5, 8)
        goal = (f"完成全县猪牛羊口蹄疫强制免疫不少于42.5万头只、家禽高致病性禽流感免疫不少于310万羽，"
                f"春秋两季集中免疫按期完成，免疫抗体合格率保持在80%以上，全年不发生区域性重大动物疫情，"
                f"养殖场户满意度不低于90%。")
        done = (f"全年完成猪牛羊口蹄疫强制免疫44.1万头只、家禽禽流感免疫296.2万羽，采集免疫效果监测样品3840份，"
                f"口蹄疫、禽流感免疫抗体合格率分别为86.4%、91.2%，全年未发生区域性重大动物疫情，"
                f"养殖场户满意度95.3%。家禽免疫数量因存栏下降未达年度目标。")
        r = add_row(t, ["", goal, "", "", "", done]); merge_h(r, 1, 4); merge_h(r, 5, 8)
        merge_v(t, 0, g0, g0 + 1)
        h0 = len(t.rows)
        add_row(t, ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                    "偏差原因分析及改进措施"])
        i0 = len(t.rows)
        for i in v["inds"]:
            add_row(t, ["", i["l1"], i["l2"], i["name"], i["target"], i["actual"], fmt_score(i["weight"]),
                        fmt_score(i["score"]), i["reason"]])
        # one-level and two-level cells merged vertically, text only in the top cell
        for col, key in ((1, "l1"), (2, "l2")):
            for a, b in group_spans(v["inds"], key):
                for k in range(a + 1, b + 1):
                    t.cell(i0 + k, col).text = ""
                merge_v(t, col, i0 + a, i0 + b)
        merge_v(t, 0, h0, len(t.rows) - 1)
        shown = v["fund_score"] + sum(i["score"] for i in v["inds"])
        r = add_row(t, ["总分", "", "", "", "", "", "100", fmt_score(shown), f"自评等级：{grade(shown)}"])
        merge_h(r, 0, 5)
        para(d, "")
        para(d, f"填报单位（盖章）：{unit}        填报日期：{year + 1}年3月15日", size=10)
        para(d, f"说明：执行率=全年执行数÷全年预算数；预算执行率得分=执行率×分值，最高不超过分值。", size=9)
        stem = "1_project_table" + ("" if tag == "clean" else "_defect")
        save(d, out_dir, stem, pdf)
        out[stem] = None
    return {
        "1_project_table_defect": [
            {"kind": "child_sum", "where": f"项目资金: 年度资金总额 全年执行数 {money(total[3])} ≠ Σ (当年财政拨款 全年执行数 shown {money(parts[0][3] + 20)})"},
            {"kind": "exec_score", "where": f"年度资金总额 得分 {fmt_score(fund_score + D('0.40'))} ≠ 执行率 {rate}% × 10 = {fmt_score(fund_score)}"},
            {"kind": "score_over_weight", "where": "口蹄疫免疫抗体合格率 分值 8 得分 9.5"},
        ]} if defects else {}


# ================================================================ 2/3. department report

def dept_indicators(long):
    rows = [
        ind("投入", "预算配置", "财政供养人员控制率", "≤", 100, 94.12, "%", 3),
        ind("投入", "预算配置", "“三公”经费变动率", "≤", 0, -8.57, "%", 3),
        ind("投入", "预算配置", "重点支出安排率", "≥", 80, 84.6, "%", 3),
        ind("投入", "预算执行", "预算执行率", "≥", 95, None, "%", 3),  # filled below
        ind("投入", "预算执行", "结转结余率", "≤", 5, 3.1, "%", 3),
        ind("过程", "预算管理", "公用经费控制率", "≤", 100, 97.8, "%", 4),
        ind("过程", "预算管理", "政府采购执行率", "≥", 100, 100, "%", 4),
        ind("过程", "预算管理", "管理制度健全性", None, "健全", "已制定财务、资产、合同管理制度", "", 4),
        ind("过程", "预算管理", "资金使用合规性", None, "合规", "无违规使用资金情况", "", 4),
        ind("过程", "资产管理", "资产管理规范性", None, "规范", "已完成资产清查，账实相符", "", 3),
        ind("过程", "资产管理", "固定资产利用率", "≥", 90, 86.4, "%", 3,
            "部分外业测绘设备因项目调整闲置，下一步通过调剂共享提高使用率"),
        ind("过程", "信息公开", "预决算信息公开性", None, "按规定公开", "已在县政府网站公开", "", 3),
        ind("产出", "数量指标", "完成不动产登记办件量", "≥", 18000, 19432, "件", 5),
        ind("产出", "数量指标", "完成耕地保护动态巡查", "≥", 12, 12, "次", 5),
        ind("产出", "质量指标", "不动产登记差错率", "≤", 0.5, 0.21, "%", 5),
        ind("产出", "时效指标", "不动产登记平均办结时限", "≤", 5, 3.5, "个工作日", 5),
        ind("产出", "成本指标", "耕地保护补偿资金发放准确率", "=", 100, 100, "%", 5),
        ind("产出", "质量指标", "地质灾害隐患点监测覆盖率", "=", 100, 100, "%", 5),
        ind("效益", "社会效益", "耕地保有量", "≥", 41.2, 41.36, "万亩", 8),
        ind("效益", "生态效益", "新增国土绿化面积", "≥", 3000, 2760, "亩", 7,
            "受春季干旱影响部分地块补植推迟，已安排2025年春季补植"),
        ind("效益", "可持续影响", "地质灾害造成人员伤亡", "=", 0, 0, "人", 7),
        ind("效益", "满意度", "办事群众满意度", "≥", 90, 96.2, "%", 8),
    ]
    if long:
        extra = [
            ind("过程", "信息公开", "部门绩效信息公开率", "=", 100, 100, "%", 0),
            ind("产出", "数量指标", "完成土地变更调查图斑核查", "≥", 2500, 2688, "个", 0),
            ind("产出", "数量指标", "开展矿产资源执法检查", "≥", 40, 46, "次", 0),
            ind("产出", "数量指标", "完成村庄规划编制", "≥", 12, 12, "个", 0),
            ind("产出", "质量指标", "村庄规划成果审查通过率", "=", 100, 100, "%", 0),
            ind("产出", "时效指标", "测绘成果按期提交率", "≥", 95, 100, "%", 0),
            ind("效益", "社会效益", "违法用地案件查处率", "≥", 95, 97.3, "%", 0),
            ind("效益", "生态效益", "矿山生态修复面积", "≥", 150, 162, "亩", 0),
        ]
        rows = rows + extra
    # weights: 投入 15 / 过程 25 / 产出 30 / 效益 30; spread over the rows of each level
    plan = {"投入": 15, "过程": 25, "产出": 30, "效益": 30}
    order = {"投入": 0, "过程": 1, "产出": 2, "效益": 3}
    first = {}
    for k, r in enumerate(rows):
        first.setdefault((r["l1"], r["l2"]), k)
    rows.sort(key=lambda r: (order[r["l1"]], first[(r["l1"], r["l2"])]))
    # keep each 二级 group contiguous in its original order of first appearance
    return rows, plan


def assign_weights(rows, plan):
    out = []
    for l1, total in plan.items():
        grp = [r for r in rows if r["l1"] == l1]
        n = len(grp)
        base = D(total) // n
        rest = D(total) - base * n
        for k, r in enumerate(grp):
            w = base + (1 if k < rest else 0)
            out.append((r, w))
    return out


def department(out_dir, defects, pdf, lines):
    year = 2024
    unit = "白鹭县自然资源局"
    # ---- income / expenditure (万元)
    inc = [("一、一般公共预算财政拨款收入", D("2863.74")), ("二、政府性基金预算财政拨款收入", D("412.50")),
           ("三、事业收入", D("0.00")), ("四、其他收入", D("36.18"))]
    exp = [("一、一般公共服务支出", D("18.40")), ("二、社会保障和就业支出", D("248.93")),
           ("三、卫生健康支出", D("96.27")), ("四、节能环保支出", D("214.60")),
           ("五、城乡社区支出", D("402.15")), ("六、自然资源海洋气象等支出", D("2177.36")),
           ("七、住房保障支出", D("132.08"))]
    carry_in = D("58.42")
    income_total = sum(v for _, v in inc)
    exp_total = sum(v for _, v in exp)
    grand = income_total + carry_in
    carry_out = grand - exp_total
    assert carry_out >= 0
    basic = D("1386.52"); projectx = exp_total - basic
    prev_exp = D("3124.85")
    budget_adjusted = D("3385.20")
    exec_rate = pct(exp_total, budget_adjusted)

    long = lines
    rows, plan = dept_indicators(long)
    weighted = assign_weights(rows, plan)
    inds = []
    for r, w in weighted:
        if r["spec"] is None:  # qualitative: full marks
            r = dict(r, weight=D(w), score=D(w))
        else:
            cmp, tnum, anum, unitstr, reason = r["spec"]
            if r["name"] == "预算执行率":
                anum = exec_rate
            r = ind(r["l1"], r["l2"], r["name"], cmp, tnum, anum, unitstr, w, reason)
            if r["score"] < r["weight"] and not r["reason"]:
                r["reason"] = "未完全达到年度目标，下一年度加强过程监控"
        inds.append(r)
    by_l1 = {k: sum(i["score"] for i in inds if i["l1"] == k) for k in plan}
    total_score = sum(by_l1.values())

    variants = {"clean": {}}
    if defects:
        if not lines:
            variants["defect"] = {"share_off": True, "grade_wrong": True, "income_total_off": True}
        else:
            variants["defect"] = {"change_off": True, "score_over_weight": True, "score_total_off": True}
    defect_notes = []
    for tag, dv in variants.items():
        d = new_document()
        w = Writer(d, lines=lines)
        para(d, f"{unit}{year}年度部门整体支出绩效自评报告", bold=True, size=15, center=True)
        w.heading("一、部门基本情况")
        w.heading("（一）部门职能")
        w.text(f"{unit}是县人民政府工作部门，主要负责全县自然资源调查监测评价、不动产统一确权登记、国土空间规划编制和"
               f"实施监督、耕地保护和土地用途管制、矿产资源管理、地质灾害防治和国土绿化等工作。")
        w.heading("（二）机构和人员情况")
        w.text(f"本局内设办公室、国土空间规划股、耕地保护股、不动产登记股等8个股室，下设县不动产登记中心、县土地储备中心2个"
               f"二级单位。核定编制68人，年末实有人员97人，其中在职64人，退休33人。")
        w.heading("二、部门整体支出绩效目标")
        w.text(f"{year}年，本局围绕耕地保护、不动产登记便民服务和地质灾害防治三项重点工作设定年度绩效目标：全年完成不动产"
               f"登记办件不少于18000件，耕地保有量不低于41.2万亩，地质灾害隐患点监测覆盖率达到100%，新增国土绿化面积"
               f"不少于3000亩，办事群众满意度不低于90%。")
        w.heading("三、绩效自评工作开展情况")
        w.text(f"根据《白鹭县财政局关于开展{year}年度部门整体支出绩效自评工作的通知》（白财绩〔{year + 1}〕3号）要求，本局成立了"
               f"由局长任组长、分管财务的副局长任副组长的绩效自评工作领导小组，对照年初设定的绩效目标，逐项收集佐证材料，"
               f"核对财务账簿和业务台账，于{year + 1}年3月完成自评。")
        w.heading("四、部门整体收支预算及执行情况")
        shown_inc = list(inc)
        shown_income_total = income_total
        if dv.get("income_total_off"):
            shown_inc[3] = (inc[3][0], inc[3][1] + D("10.00"))  # an income item raised, total kept
            defect_notes.append({"kind": "table_total", "where": f"收入支出决算总表: 本年收入合计 {money(income_total)} ≠ Σ收入项目 (四、其他收入 shown {money(shown_inc[3][1])})"})
        fin = inc[0][1] + inc[1][1]
        s_fin = pct(fin, income_total)
        s_other = pct(inc[3][1], income_total)
        w.text(f"{year}年度收入总计{money(grand)}万元，其中：本年收入合计{money(income_total)}万元，年初结转和结余{money(carry_in)}万元。"
               f"本年收入中，一般公共预算财政拨款收入{money(inc[0][1])}万元，政府性基金预算财政拨款收入{money(inc[1][1])}万元，"
               f"二者合计{money(fin)}万元，占本年收入合计的{s_fin:.2f}%；其他收入{money(inc[3][1])}万元，占{s_other:.2f}%。")
        diff, rate, v1, v2 = change(exp_total, prev_exp)
        if dv.get("change_off"):
            shown_rate = rate + D("3.00")
            defect_notes.append({"kind": "change_rate", "where": f"本年支出合计 比上年{v2} {shown_rate:.2f}% (true {rate:.2f}%)"})
        else:
            shown_rate = rate
        s_basic = pct(basic, exp_total); s_proj = pct(projectx, exp_total)
        w.text(f"{year}年度本年支出合计{money(exp_total)}万元，比上年的{money(prev_exp)}万元{v1}{money(diff)}万元，"
               f"{v2}{shown_rate:.2f}%，主要原因是实施村庄规划编制和矿山生态修复项目支出增加。其中：基本支出{money(basic)}万元，"
               f"占本年支出合计的{s_basic:.2f}%；项目支出{money(projectx)}万元，占{s_proj:.2f}%。")
        main = exp[5]
        s_main = pct(main[1], exp_total)
        if dv.get("share_off"):
            shown_share = s_main - D("4.00")
            defect_notes.append({"kind": "share", "where": f"自然资源海洋气象等支出 {money(main[1])} 占本年支出合计 {shown_share:.2f}% (true {s_main:.2f}%)"})
        else:
            shown_share = s_main
        s_urban = pct(exp[4][1], exp_total)
        w.text(f"按支出功能分类，自然资源海洋气象等支出{money(main[1])}万元，占本年支出合计的{shown_share:.2f}%；"
               f"城乡社区支出{money(exp[4][1])}万元，占{s_urban:.2f}%；社会保障和就业支出{money(exp[1][1])}万元，"
               f"占{pct(exp[1][1], exp_total):.2f}%。全年预算数（调整后）{money(budget_adjusted)}万元，预算执行率{exec_rate:.2f}%。"
               f"年末结转和结余{money(carry_out)}万元。")
        para(d, f"收入支出决算总表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 4, [5.2, 2.8, 5.6, 2.8])
        r = add_row(t, ["收入", "", "支出", ""]); merge_h(r, 0, 1); merge_h(r, 2, 3)
        r = add_row(t, ["项目", "决算数", "项目", "决算数"])
        repeat_header(t.rows[0]); repeat_header(t.rows[1])
        n = max(len(shown_inc), len(exp))
        for k in range(n):
            a = shown_inc[k] if k < len(shown_inc) else ("", None)
            b = exp[k] if k < len(exp) else ("", None)
            add_row(t, [a[0], money(a[1]) if a[1] is not None else "", b[0], money(b[1]) if b[1] is not None else ""])
        add_row(t, ["本年收入合计", money(shown_income_total), "本年支出合计", money(exp_total)])
        add_row(t, ["年初结转和结余", money(carry_in), "年末结转和结余", money(carry_out)])
        add_row(t, ["总计", money(grand), "总计", money(grand)])
        w.heading("五、绩效指标完成情况分析")
        w.text(f"全年完成不动产登记办件19432件，耕地保有量41.36万亩，地质灾害隐患点监测覆盖率100%，全年未发生因地质灾害"
               f"造成的人员伤亡；新增国土绿化面积2760亩，未达到3000亩的年度目标；办事群众满意度96.2%。各项指标完成情况见下表。")
        shown = [dict(i) for i in inds]
        if dv.get("score_over_weight"):
            # a row that lands on the table's second page in the PDF
            k = next(j for j, i in enumerate(shown) if i["name"] == "开展矿产资源执法检查")
            shown[k]["score"] = shown[k]["weight"] + D("1.5")
            defect_notes.append({"kind": "score_over_weight", "where": f"开展矿产资源执法检查 分值 {fmt_score(shown[k]['weight'])} 得分 {fmt_score(shown[k]['score'])}"})
        shown_total = sum(i["score"] for i in shown)
        if dv.get("score_total_off"):
            shown_total = shown_total - D("2.00")
            defect_notes.append({"kind": "score_total", "where": f"绩效指标表 合计 得分 {fmt_score(shown_total)} ≠ Σ {fmt_score(shown_total + 2)}"})
        para(d, f"{unit}{year}年度部门整体支出绩效自评表", bold=True, center=True)
        t = table(d, 8, [1.4, 1.8, 3.6, 1.9, 2.6, 1.1, 1.1, 3.0])
        hr = add_row(t, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        if lines:
            repeat_header(hr)
        i0 = len(t.rows)
        for i in shown:
            row = add_row(t, [i["l1"], i["l2"], i["name"], i["target"], i["actual"], fmt_score(i["weight"]),
                              fmt_score(i["score"]), i["reason"]])
            cant_split(row)
        for col, key in ((0, "l1"), (1, "l2")):
            for a, b in group_spans(shown, key):
                for k in range(a + 1, b + 1):
                    t.cell(i0 + k, col).text = ""
                merge_v(t, col, i0 + a, i0 + b)
        r = add_row(t, ["合计", "", "", "", "", "100", fmt_score(shown_total), ""]); merge_h(r, 0, 4)
        w.heading("六、综合评价结论")
        sub = {k: sum(i["score"] for i in shown if i["l1"] == k) for k in plan}
        g = grade(shown_total)
        if dv.get("grade_wrong"):
            g_shown = "良" if g == "优" else "优"
            defect_notes.append({"kind": "grade", "where": f"综合评价结论: 得分 {fmt_score(shown_total)} 等级 “{g_shown}” (should be {g})"})
        else:
            g_shown = g
        w.text(f"经自评，本局{year}年度部门整体支出绩效自评得分为{fmt_score(shown_total)}分，自评等级为“{g_shown}”。"
               f"其中投入指标得分{fmt_score(sub['投入'])}分（分值15分），过程指标得分{fmt_score(sub['过程'])}分（分值25分），"
               f"产出指标得分{fmt_score(sub['产出'])}分（分值30分），效益指标得分{fmt_score(sub['效益'])}分（分值30分）。"
               f"评分等级标准为：90分（含）以上为优，80分（含）至90分为良，60分（含）至80分为中，60分以下为差。")
        w.heading("七、存在的问题及原因分析")
        w.text("一是部分外业测绘设备因项目调整闲置，固定资产利用率未达到目标；二是受春季干旱影响，部分国土绿化地块补植推迟，"
               "新增国土绿化面积未完成年度目标；三是绩效目标设置的细化量化程度还不够，个别指标与年度重点工作衔接不紧。")
        w.heading("八、改进措施")
        w.text("一是建立外业设备调剂共享台账，按季度通报设备使用情况；二是提前做好苗木储备，2025年春季完成补植任务；"
               "三是在编制下年度预算时同步细化绩效指标，增加成本和时效类指标。")
        w.heading("九、绩效自评结果应用和公开情况")
        w.text("自评结果已报县财政局，作为下年度预算安排和政策调整的重要依据，并随部门决算在县人民政府门户网站公开。")
        w.heading("十、其他需要说明的问题")
        w.text("无。")
        stem = ("3_department_lines" if lines else "2_department") + ("" if tag == "clean" else "_defect")
        save(d, out_dir, stem, pdf)
    key = ("3_department_lines" if lines else "2_department") + "_defect"
    return {key: defect_notes} if defects else {}


# ================================================================ 4. final accounts (决算)

def final_accounts(out_dir, defects, pdf):
    year = 2023
    unit = "石门县疾病预防控制中心"
    # 类 -> 款 -> 项 leaves: (code, name, basic, project)
    tree = [
        ("208", "社会保障和就业支出", [
            ("05", "行政事业单位养老支出", [("05", "机关事业单位基本养老保险缴费支出", D("86.42"), D("0.00")),
                                            ("06", "机关事业单位职业年金缴费支出", D("34.57"), D("0.00"))]),
        ]),
        ("210", "卫生健康支出", [
            ("04", "公共卫生", [("01", "疾病预防控制机构", D("612.38"), D("0.00")),
                               ("08", "基本公共卫生服务", D("0.00"), D("238.60")),
                               ("09", "重大公共卫生服务", D("0.00"), D("156.25")),
                               ("99", "其他公共卫生支出", D("0.00"), D("41.80"))]),
            ("11", "行政事业单位医疗", [("02", "事业单位医疗", D("47.96"), D("0.00"))]),
        ]),
        ("221", "住房保障支出", [
            ("02", "住房改革支出", [("01", "住房公积金", D("52.14"), D("0.00"))]),
        ]),
    ]
    prev_by_class = {"208": D("116.30"), "210": D("1204.55"), "221": D("49.86")}
    prev_total_fin = sum(prev_by_class.values())

    def sums(items):
        return sum(x[0] for x in items), sum(x[1] for x in items)

    class_rows = []
    for ccode, cname, kuans in tree:
        krows = []
        for kcode, kname, leaves in kuans:
            b, p = sums([(l[2], l[3]) for l in leaves])
            krows.append((kcode, kname, b, p, leaves))
        b, p = sums([(k[2], k[3]) for k in krows])
        class_rows.append((ccode, cname, b, p, krows))
    fin_basic, fin_proj = sums([(c[2], c[3]) for c in class_rows])
    fin_total = fin_basic + fin_proj
    other_income = D("24.60")
    other_spent_health = D("21.35")   # other-income spending, all under 卫生健康支出
    income_total = fin_total + other_income
    carry_in = D("12.80")
    exp_by_class = [(c[1], c[2] + c[3] + (other_spent_health if c[0] == "210" else 0)) for c in class_rows]
    exp_total = sum(v for _, v in exp_by_class)
    grand = income_total + carry_in
    carry_out = grand - exp_total
    basic_all = fin_basic + other_spent_health
    proj_all = fin_proj

    variants = {"clean": {}}
    if defects:
        variants["defect"] = {"kuan_off": True, "row_off": True, "change_off": True}
    notes = []
    for tag, dv in variants.items():
        d = new_document()
        w = Writer(d)
        para(d, f"{unit}{year}年度部门决算", bold=True, size=16, center=True)
        para(d, "目录", bold=True)
        for s in ("第一部分 单位概况", f"第二部分 {year}年度部门决算表", f"第三部分 {year}年度部门决算情况说明", "第四部分 名词解释"):
            para(d, s)
        w.heading("第一部分 单位概况")
        w.heading("一、主要职能")
        w.text(f"{unit}是石门县卫生健康局所属公益一类事业单位，主要承担全县传染病、慢性病、地方病的预防控制，免疫规划，"
               f"突发公共卫生事件应急处置，卫生检验检测和健康教育等工作。")
        w.heading("二、机构设置及人员情况")
        w.text("本单位内设办公室、疾病控制科、免疫规划科、检验科、健康教育科等7个科室，无下属单位。核定事业编制46人，"
               "年末实有人员58人，其中在职44人，退休14人。纳入本年度部门决算编制范围的单位1个。")
        w.heading(f"第二部分 {year}年度部门决算表")
        para(d, "表一 收入支出决算总表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 4, [5.0, 2.8, 5.6, 2.8])
        r = add_row(t, ["收入", "", "支出", ""]); merge_h(r, 0, 1); merge_h(r, 2, 3)
        add_row(t, ["项目", "决算数", "项目", "决算数"])
        inc = [("一、一般公共预算财政拨款收入", fin_total), ("二、政府性基金预算财政拨款收入", D("0.00")),
               ("三、事业收入", D("0.00")), ("四、其他收入", other_income)]
        names = ["一、", "二、", "三、", "四、"]
        exp_rows = [(names[k] + n, v) for k, (n, v) in enumerate(exp_by_class)]
        for k in range(max(len(inc), len(exp_rows))):
            a = inc[k] if k < len(inc) else ("", None)
            b = exp_rows[k] if k < len(exp_rows) else ("", None)
            add_row(t, [a[0], money(a[1], True) if a[1] is not None else "", b[0],
                        money(b[1], True) if b[1] is not None else ""])
        add_row(t, ["本年收入合计", money(income_total, True), "本年支出合计", money(exp_total, True)])
        add_row(t, ["年初结转和结余", money(carry_in, True), "年末结转和结余", money(carry_out, True)])
        add_row(t, ["总计", money(grand, True), "总计", money(grand, True)])

        para(d, "")
        para(d, "表二 一般公共预算财政拨款支出决算表", bold=True, center=True)
        para(d, "单位：万元", size=9)
        t = table(d, 7, [1.0, 0.9, 0.9, 6.2, 2.4, 2.4, 2.4])
        r0 = add_row(t, ["科目编码", "", "", "科目名称", "本年支出", "", ""])
        merge_h(r0, 0, 2); merge_h(r0, 4, 6)
        add_row(t, ["类", "款", "项", "", "合计", "基本支出", "项目支出"])
        merge_v(t, 3, 0, 1)
        repeat_header(t.rows[0]); repeat_header(t.rows[1])
        r = add_row(t, ["", "", "", "合计", money(fin_total, True), money(fin_basic, True), money(fin_proj, True)])
        merge_h(r, 0, 2)
        target_leaf = ("210", "04", "09")
        row_off_leaf = ("221", "02", "01")
        for ccode, cname, cb, cp, krows in class_rows:
            add_row(t, [ccode, "", "", cname, money(cb + cp, True), money(cb, True), money(cp, True)])
            for kcode, kname, kb, kp, leaves in krows:
                ktot = kb + kp
                add_row(t, [ccode, kcode, "", kname, money(ktot, True), money(kb, True), money(kp, True)])
                for lcode, lname, lb, lp in leaves:
                    shown_tot, shown_p = lb + lp, lp
                    if dv.get("kuan_off") and (ccode, kcode, lcode) == target_leaf:
                        shown_p = lp + D("12.00"); shown_tot = lb + shown_p
                        notes.append({"kind": "child_sum", "where": f"表二 21004 公共卫生 合计 {money(ktot)} / 项目支出 {money(kp)} ≠ Σ项 (2100409 重大公共卫生服务 shown {money(shown_tot)} / {money(shown_p)})"})
                    if dv.get("row_off") and (ccode, kcode, lcode) == row_off_leaf:
                        shown_tot = lb + lp + D("3.00")
                        notes.append({"kind": "row_sum", "where": f"表二 2210201 住房公积金 合计 {money(shown_tot)} ≠ 基本 {money(lb)} + 项目 {money(lp)}"})
                    add_row(t, [ccode, kcode, lcode, lname, money(shown_tot, True), money(lb, True), money(shown_p, True)])
        w.heading(f"第三部分 {year}年度部门决算情况说明")
        w.heading("一、收入支出决算总体情况说明")
        prev_grand = D("1408.77")
        diff, rate, v1, v2 = change(grand, prev_grand)
        w.text(f"{year}年度收入、支出决算总计均为{money(grand)}万元。与上年相比，收入、支出总计各{v1}{money(diff)}万元，"
               f"{v2}{rate:.2f}%，主要原因是重大公共卫生服务项目资金增加。")
        w.heading("二、收入决算情况说明")
        w.text(f"本年收入合计{money(income_total)}万元，其中：一般公共预算财政拨款收入{money(fin_total)}万元，占"
               f"{pct(fin_total, income_total):.2f}%；其他收入{money(other_income)}万元，占{pct(other_income, income_total):.2f}%。")
        w.heading("三、支出决算情况说明")
        w.text(f"本年支出合计{money(exp_total)}万元，其中：基本支出{money(basic_all)}万元，占{pct(basic_all, exp_total):.2f}%；"
               f"项目支出{money(proj_all)}万元，占{pct(proj_all, exp_total):.2f}%。")
        w.heading("四、一般公共预算财政拨款支出决算情况说明")
        w.heading("（一）总体情况")
        diff, rate, v1, v2 = change(fin_total, prev_total_fin)
        w.text(f"{year}年度一般公共预算财政拨款支出{money(fin_total)}万元，占本年支出合计的{pct(fin_total, exp_total):.2f}%。"
               f"与上年相比，一般公共预算财政拨款支出{v1}{money(diff)}万元，{v2}{rate:.2f}%，主要原因是承担的重大公共卫生服务任务增加。")
        w.heading("（二）结构情况")
        parts = []
        for ccode, cname, cb, cp, _ in class_rows:
            parts.append(f"{cname}{money(cb + cp)}万元，占{pct(cb + cp, fin_total):.2f}%")
        w.text(f"{year}年度一般公共预算财政拨款支出{money(fin_total)}万元，主要用于以下方面：" + "；".join(parts) + "。")
        w.heading("（三）具体情况")
        for n, (ccode, cname, cb, cp, _) in enumerate(class_rows, 1):
            cur = cb + cp
            prev = prev_by_class[ccode]
            diff, rate, v1, v2 = change(cur, prev)
            shown_rate = rate
            if dv.get("change_off") and ccode == "208":
                shown_rate = rate + D("5.00")
                notes.append({"kind": "change_rate", "where": f"{cname} 比上年{v2} {shown_rate:.2f}% (true {rate:.2f}%)"})
            w.text(f"{n}.{cname}（类）支出决算数为{money(cur)}万元，比上年决算数{money(prev)}万元{v1}{money(diff)}万元，"
                   f"{v2}{shown_rate:.2f}%。")
        w.heading("五、“三公”经费支出决算情况说明")
        gz = [("因公出国（境）费", D("0.00"), D("0.00")), ("公务用车购置及运行维护费", D("6.84"), D("7.92")),
              ("公务接待费", D("1.26"), D("1.58"))]
        cur3 = sum(g[1] for g in gz); prev3 = sum(g[2] for g in gz)
        diff, rate, v1, v2 = change(cur3, prev3)
        w.text(f"{year}年度“三公”经费财政拨款支出决算{money(cur3)}万元，比上年{v1}{money(diff)}万元，{v2}{rate:.2f}%，"
               f"主要原因是严格执行公务用车和公务接待管理规定。其中：因公出国（境）费{money(gz[0][1])}万元；"
               f"公务用车购置及运行维护费{money(gz[1][1])}万元，占{pct(gz[1][1], cur3):.2f}%；"
               f"公务接待费{money(gz[2][1])}万元，占{pct(gz[2][1], cur3):.2f}%。")
        w.heading("六、预算绩效管理情况说明")
        w.text(f"本单位对{year}年度重大公共卫生服务项目开展了绩效自评，项目自评得分93.6分，自评等级为“优”。"
               f"全年完成适龄儿童免疫规划疫苗接种率96.8%，法定传染病报告及时率100%。")
        w.heading("第四部分 名词解释")
        w.text("一、一般公共预算财政拨款收入：指县级财政当年拨付的资金。二、基本支出：指为保障机构正常运转、完成日常工作任务"
               "而发生的人员支出和公用支出。三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。")
        stem = "4_final_accounts" + ("" if tag == "clean" else "_defect")
        save(d, out_dir, stem, pdf)
    return {"4_final_accounts_defect": notes} if defects else {}


def run_generators(argv, default_dir: str, builders) -> None:
    """The command line every generator shares: `[OUT_DIR] [--defects] [--no-pdf]`. Each
    builder is called as builder(out_dir, defects, pdf) and returns the defects it
    injected ({stem: [{"kind", "where"}]}), written to OUT_DIR/defects.json."""
    args = [a for a in argv if not a.startswith("--")]
    out_dir = args[0] if args else default_dir
    defects = "--defects" in argv
    pdf = "--no-pdf" not in argv
    os.makedirs(out_dir, exist_ok=True)
    notes = {}
    for builder in builders:
        notes.update(builder(out_dir, defects, pdf) or {})
    if defects:
        with open(os.path.join(out_dir, "defects.json"), "w", encoding="utf-8") as f:
            json.dump(notes, f, ensure_ascii=False, indent=1)
    print(out_dir)


def main(argv):
    run_generators(argv, "/tmp/layout_bases", [
        project_table,
        lambda out, defects, pdf: department(out, defects, pdf, lines=False),
        lambda out, defects, pdf: department(out, defects, pdf, lines=True),
        final_accounts,
    ])


if __name__ == "__main__":
    main(sys.argv[1:])
