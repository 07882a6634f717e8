"""The summary of a batch: summary.xlsx (risk ranking, every finding of every report in
one 全部审核意见汇总 sheet, failures, skipped files) and index.html linking every review.

Links are relative to the output folder, where both files sit, so the folder can be
moved or shared as a whole.
"""
from __future__ import annotations

import html
import io
from typing import Any
from urllib.parse import quote

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
RISK_FILLS = {"高": "FBD0D0", "中": "FFE7A3", "低": "E2F0D9"}
# The output a report's name links to, best first.
LINK_ORDER = ("html", "xlsx", "docx", "markdown", "docx-list", "terminal", "line", "json")
FORMAT_LABELS = {"html": "网页", "xlsx": "意见表", "docx": "批注版", "markdown": "Markdown", "docx-list": "意见表(Word)",
                 "terminal": "文本", "line": "逐行", "json": "JSON"}


def _status_label(row: dict[str, Any]) -> str:
    return "已审核" if row["status"] == "reviewed" else "未变更（沿用上次结果）"


def main_link(row: dict[str, Any]) -> str | None:
    return next((row["outputs"][f] for f in LINK_ORDER if f in row["outputs"]), None)


def summary_xlsx(summary: dict[str, Any], findings: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..models import CATEGORY_LABELS, KIND_LABELS
    from .xlsx import put, style_header

    wb = Workbook()
    ws = wb.active
    ws.title = "风险排序"
    top = 1
    if summary.get("interrupted"):
        put(ws, 1, 1, "已中断：部分结果，重新运行同一命令即可继续").font = Font(bold=True, color="C00000")
        top = 2
    columns = [("排名", 6), ("文件", 40), ("单位", 24), ("年度", 7), ("类型", 12), ("页数", 6), ("错误", 7),
               ("警告", 7), ("提示", 7), ("评分问题", 9), ("缺失内容", 9), ("风险分", 8), ("风险", 7), ("状态", 12),
               ("审核意见", 34)]
    for col, (header, _) in enumerate(columns, 1):
        put(ws, top, col, header)
    for r, row in enumerate(summary["documents"], top + 1):
        values = [row["rank"], row["rel"], row["unit"] or "", row["year"], KIND_LABELS.get(row["kind"], row["kind"]),
                  row["pages"], row["errors"], row["warnings"], row["infos"], row["score_issues"], row["missing_parts"],
                  row["risk_score"], row["risk"], _status_label(row)]
        for col, value in enumerate(values, 1):
            put(ws, r, col, value).alignment = Alignment(vertical="top", wrap_text=col in (2, 3))
        ws.cell(row=r, column=13).fill = PatternFill("solid", fgColor=RISK_FILLS[row["risk"]])
        target = main_link(row)
        if target:
            cell = put(ws, r, 15, target)
            cell.hyperlink = target  # relative: summary.xlsx sits at the top of the output folder
            cell.font = Font(color="0563C1", underline="single")
    style_header(ws, [w for _, w in columns], row=top)

    everything = wb.create_sheet("全部审核意见汇总")
    headers = [("风险排名", 8), ("文件", 34), ("单位", 20), ("风险", 6), ("编号", 7), ("严重程度", 8), ("类别", 10),
               ("问题", 28), ("说明", 50), ("原文", 36), ("页码", 6), ("章节", 20), ("建议", 36), ("来源", 8)]
    for col, (header, _) in enumerate(headers, 1):
        put(everything, 1, col, header)
    for r, item in enumerate(findings, 2):
        f = item["finding"]
        values = [item["rank"], item["rel"], item["unit"] or "", item["risk"], f.id,
                  SEVERITY_LABELS.get(f.severity, f.severity), CATEGORY_LABELS.get(f.category, f.category), f.title,
                  f.detail, f.quote, f.location.page, f.location.section or "", f.suggestion, f.source]
        for col, value in enumerate(values, 1):
            put(everything, r, col, value).alignment = Alignment(vertical="top", wrap_text=col in (2, 8, 9, 10, 13))
    style_header(everything, [w for _, w in headers])
    everything.auto_filter.ref = f"A1:{chr(ord('A') + len(headers) - 1)}{max(1, len(findings) + 1)}"

    failed = wb.create_sheet("未能审核")
    put(failed, 1, 1, "文件")
    put(failed, 1, 2, "原因")
    for r, f in enumerate(summary["failures"], 2):
        put(failed, r, 1, f["rel"] or f["path"])
        put(failed, r, 2, f["error"]).alignment = Alignment(wrap_text=True, vertical="top")
    for r, rel in enumerate(summary.get("not_reached", []), len(summary["failures"]) + 2):
        put(failed, r, 1, rel)
        put(failed, r, 2, "因中断未审核，重新运行即可继续")
    style_header(failed, [40, 90])

    skipped = wb.create_sheet("跳过的文件")
    put(skipped, 1, 1, "文件")
    put(skipped, 1, 2, "原因")
    for r, s in enumerate(summary["skipped_files"], 2):
        put(skipped, r, 1, s["rel"])
        put(skipped, r, 2, s["reason"])
    style_header(skipped, [50, 40])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px} h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f1f3f5} td.n{text-align:right;white-space:nowrap}
.band-高{background:#fbd0d0}.band-中{background:#ffe7a3}.band-低{background:#e2f0d9}
.bar{display:inline-block;height:10px;background:#c0392b;vertical-align:middle}
.banner{background:#fff3cd;border:1px solid #e0c36c;padding:8px 12px;font-weight:bold}
.hist td{border:none;padding:0 2px;vertical-align:bottom;text-align:center;font-size:12px}
.hist div{background:#5b8def;width:28px}
.muted{color:#666}
"""


def index_html(summary: dict[str, Any], findings: list[dict[str, Any]]) -> str:
    from ..models import KIND_LABELS

    e = html.escape
    counts: dict[str, dict[str, int]] = {}
    for item in findings:
        c = counts.setdefault(item["rel"], {})
        c[item["finding"].severity] = c.get(item["finding"].severity, 0) + 1
    parts = ["<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
             "<title>批量预审汇总</title><style>", _STYLE, "</style></head><body>",
             "<h1>批量预审汇总（按风险排序）</h1>",
             f"<p class='muted'>生成时间 {e(summary['generated_at'])}；共 {summary['total']} 份：新审核 "
             f"{summary['reviewed']} 份，沿用上次结果 {summary['reused']} 份，失败 {summary['failed']} 份，"
             f"跳过非报告文件 {summary['skipped']} 个。</p>"]
    if summary.get("interrupted"):
        parts.append("<p class='banner'>已中断：以下为部分结果，重新运行同一命令即可继续。</p>")
    risk = summary["risk"]
    if summary["documents"]:
        bands = "，".join(f"{e(k)} {v} 份" for k, v in risk["bands"].items())
        peak = max(risk["histogram"]) or 1
        bars = "".join(f"<td><div style='height:{4 + 60 * n // peak}px' title='{n} 份'></div>{n}</td>"
                       for n in risk["histogram"])
        labels = "".join(f"<td>{i * 10}–{i * 10 + 9 if i < 9 else 100}</td>" for i in range(10))
        parts.append(f"<h2>风险分分布</h2><p>最低 {risk['min']}，中位 {risk['median']}，最高 {risk['max']}"
                     f"（{bands}）</p><table class='hist'><tr>{bars}</tr><tr class='muted'>{labels}</tr></table>")
    speed = summary.get("throughput") or {}
    if speed.get("pages_per_second"):
        parts.append(f"<p class='muted'>处理速度：{speed['pages_per_second']} 页/秒，{speed['pages_per_core_hour']} "
                     f"页/核·小时（本次新审核 {speed['reviewed_pages']} 页，用时 {speed['wall_seconds']:.1f} 秒，"
                     f"{speed['workers']} 个进程）。</p>")
    parts.append("<h2>报告</h2><table><tr><th>#</th><th>文件</th><th>单位</th><th>年度</th><th>类型</th><th>页数</th>"
                 "<th>错误</th><th>警告</th><th>提示</th><th>风险分</th><th>风险</th><th>审核意见</th></tr>")
    for row in summary["documents"]:
        target = main_link(row)
        name = e(row["rel"]) + (" <span class='muted'>（沿用）</span>" if row["status"] == "reused" else "")
        if target:
            name = f"<a href='{e(quote(target))}'>{name}</a>"
        links = " ".join(f"<a href='{e(quote(path))}'>{e(FORMAT_LABELS.get(fmt, fmt))}</a>"
                         for fmt, path in row["outputs"].items())
        parts.append(
            f"<tr><td class='n'>{row['rank']}</td><td>{name}</td><td>{e(row['unit'] or '—')}</td>"
            f"<td class='n'>{e(str(row['year'] or '—'))}</td><td>{e(KIND_LABELS.get(row['kind'], row['kind']))}</td>"
            f"<td class='n'>{row['pages']}</td><td class='n'>{row['errors']}</td><td class='n'>{row['warnings']}</td>"
            f"<td class='n'>{row['infos']}</td><td class='n'>{row['risk_score']} "
            f"<span class='bar' style='width:{row['risk_score']}px'></span></td>"
            f"<td class='band-{e(row['risk'])}'>{e(row['risk'])}</td><td>{links}</td></tr>")
    parts.append("</table>")
    if summary["failures"] or summary.get("not_reached"):
        parts.append("<h2>未能审核</h2><table><tr><th>文件</th><th>原因</th></tr>")
        for f in summary["failures"]:
            parts.append(f"<tr><td>{e(f['rel'] or f['path'])}</td><td>{e(f['error'])}</td></tr>")
        for rel in summary.get("not_reached", []):
            parts.append(f"<tr><td>{e(rel)}</td><td>因中断未审核，重新运行即可继续</td></tr>")
        parts.append("</table>")
    if summary["skipped_files"]:
        parts.append("<h2>跳过的文件</h2><table><tr><th>文件</th><th>原因</th></tr>")
        for s in summary["skipped_files"]:
            parts.append(f"<tr><td>{e(s['rel'])}</td><td>{e(s['reason'])}</td></tr>")
        parts.append("</table>")
    parts.append("<p class='muted'>全部审核意见见 <a href='summary.xlsx'>summary.xlsx</a> 的“全部审核意见汇总”表。</p>")
    parts.append("</body></html>\n")
    return "".join(parts)
