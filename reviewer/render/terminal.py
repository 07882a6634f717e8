"""Terminal output with rich: a header, then findings grouped by section."""
from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..models import CATEGORY_LABELS, KIND_LABELS, SEVERITY_LABELS, SOURCE_LABELS, Review

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _header(review: Review) -> Panel:
    d, s = review.document, review.summary
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("单位", d.unit or "（未识别）")
    grid.add_row("年度", str(d.year) if d.year else "（未识别）")
    grid.add_row("类型", KIND_LABELS.get(d.kind, d.kind))
    for note in d.notes:
        grid.add_row("说明", note)
    grid.add_row("文件", f"{d.path}（{d.format.upper()}，{d.pages} 页，{d.chars} 字）")
    counts = Text()
    counts.append(f"错误 {s.errors}", style=STYLE["error"])
    counts.append("  ")
    counts.append(f"警告 {s.warnings}", style=STYLE["warning"])
    counts.append("  ")
    counts.append(f"提示 {s.infos}", style=STYLE["info"])
    grid.add_row("问题", counts)
    if s.llm.used:
        grid.add_row("模型", f"{s.llm.model}：调用 {s.llm.calls} 次，输入 {s.llm.prompt_tokens} / 输出 {s.llm.completion_tokens} tokens")
    else:
        grid.add_row("模型", "未启用（数据核算 + 规则检查）")
    return Panel(grid, title="预算绩效自评报告预审", title_align="left")


def _finding(f) -> Group:
    head = Text()
    head.append(f"{f.id} ", style="dim")
    head.append(f"[{SEVERITY_LABELS[f.severity]}]", style=STYLE[f.severity])
    head.append(f" {f.title}", style="bold")
    head.append(f"  {CATEGORY_LABELS[f.category]} · {SOURCE_LABELS[f.source]} · {f.rule}", style="dim")
    parts = [head]
    where = []
    if f.location.page:
        where.append(f"第{f.location.page}页")
    if f.location.line:
        where.append(f"第{f.location.line}行")
    if f.quote:
        q = " ".join(f.quote.split())
        q = q if len(q) <= 160 else q[:160] + "…"
        line = Text("    原文：", style="dim")
        line.append(f"「{q}」", style="italic")
        if where:
            line.append(f"（{'，'.join(where)}）", style="dim")
        if not f.grounded:
            line.append(" 未定位", style="red")
        parts.append(line)
    if f.detail:
        parts.append(Text(f"    {f.detail}"))
    if f.stated is not None or f.expected is not None:
        line = Text("    文中 ")
        line.append(f.stated or "—", style="bold")
        line.append(" → 核算 ")
        line.append(f.expected or "—", style="bold green")
        parts.append(line)
    if f.suggestion:
        parts.append(Text(f"    建议：{f.suggestion}", style="green"))
    return Group(*parts)


def render_terminal(review: Review, console: Console) -> None:
    console.print(_header(review))
    if not review.findings:
        console.print("[green]未发现问题。[/green]")
        return
    groups: dict[str, list] = {}
    for f in review.findings:
        groups.setdefault(f.location.section or ("（全文）" if f.location.start is None else "（标题前）"), []).append(f)
    for section, items in groups.items():
        console.rule(Text(section, style="bold"), align="left")
        for f in items:
            console.print(_finding(f))
