"""审核意见清单 in Markdown: numbered items grouped by severity."""
from __future__ import annotations

from ..models import CATEGORY_LABELS, KIND_LABELS, KIND_TITLES, SEVERITY_LABELS, SOURCE_LABELS, Review
from . import location_label


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 200 else flat[:200] + "…"


def render_markdown(review: Review) -> str:
    d = review.document
    s = review.summary
    title = f"{d.unit or '（未识别单位）'}{f'{d.year}年度' if d.year else ''}{KIND_TITLES.get(d.kind, '')}"
    out = [f"# 审核意见清单：{title}", ""]
    out.append(f"- 类型：{KIND_LABELS.get(d.kind, d.kind)}")
    out += [f"- 说明：{note}" for note in d.notes]
    out.append(f"- 文件：`{d.path}`（{d.format.upper()}，{d.pages} 页，{d.chars} 字）")
    out.append(f"- 问题：错误 {s.errors} 项，警告 {s.warnings} 项，提示 {s.infos} 项")
    if s.llm.used:
        out.append(f"- 模型审查：{s.llm.model}，调用 {s.llm.calls} 次，"
                   f"输入 {s.llm.prompt_tokens} / 输出 {s.llm.completion_tokens} tokens")
    else:
        out.append("- 模型审查：未启用（仅数据核算与规则检查）")
    out.append("")
    if not review.findings:
        out += ["未发现问题。", ""]
        return "\n".join(out)
    n = 0
    for severity in ("error", "warning", "info"):
        group = [f for f in review.findings if f.severity == severity]
        if not group:
            continue
        out += [f"## {SEVERITY_LABELS[severity]}（{len(group)}）", ""]
        for f in group:
            n += 1
            out.append(f"{n}. **{f.title}**（{CATEGORY_LABELS[f.category]}，{SOURCE_LABELS[f.source]}，`{f.rule}`，{f.id}）")
            out.append(f"   - 位置：{location_label(f.location)}")
            if f.quote:
                mark = "" if f.grounded else "（未能在原文中定位）"
                out.append(f"   - 原文：「{_quote(f.quote)}」{mark}")
            if f.detail:
                out.append(f"   - 问题：{f.detail}")
            if f.stated is not None or f.expected is not None:
                out.append(f"   - 文中：{f.stated or '—'}；核算：{f.expected or '—'}")
            if f.suggestion:
                out.append(f"   - 建议：{f.suggestion}")
        out.append("")
    return "\n".join(out)
