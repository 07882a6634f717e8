"""Plain-text dump of the layout stage's result, for people and golden tests."""
from __future__ import annotations

from ..document import Block, Document


def _short(text: str, limit: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _table_lines(block: Block) -> list[str]:
    try:  # the semantic table model, when present, describes a table best
        from ..tables import dump as table_dump  # type: ignore[attr-defined]
    except ImportError:
        table_dump = None
    if table_dump is not None:
        try:
            return str(table_dump(block)).splitlines()
        except Exception:  # a model that cannot read this grid: fall back to the cells
            pass
    return [f"  行{r + 1}: " + " | ".join(c.text for c in row) for r, row in enumerate(block.rows)]


def dump_layout(doc: Document, limit: int = 60) -> str:
    out: list[str] = [f"# {doc.path}（{doc.format}，{doc.pages}页，{len(doc.text)}字符）"]
    for block in doc.blocks:
        where = f"[{block.start}-{block.end} 第{block.page}页]"
        if block.is_table:
            origin = block.origin or ("推断" if block.inferred else "表格")
            out.append(f"表格 {where} 来源={origin} {len(block.rows)}行")
            out.extend(_table_lines(block))
        else:
            joined = f" 合并{block.lines}行" if block.lines > 1 else ""
            out.append(f"段落 {where}{joined}：{_short(block.text, limit)}")
    if doc.dropped:
        out.append(f"已略去 {len(doc.dropped)} 处：")
        for start, end, reason in doc.dropped:
            out.append(f"  [{start}-{end}] {reason}：{_short(doc.text[start:end], limit)}")
    for f in doc.ingest_findings:
        out.append(f"读取提示：{f.title}：{f.detail}")
    return "\n".join(out) + "\n"
