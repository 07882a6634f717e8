"""A plain-text picture of a semantic table, for inspection and golden tests."""
from __future__ import annotations

from .model import Table


def dump(table: Table) -> str:
    head = [f"table kind={table.kind} unit={table.unit or '-'} structure={table.structure}"
            f" header_rows={table.header_rows} page={table.block.page}"
            + (f" blocks={len(table.blocks)}" if len(table.blocks) > 1 else "")
            + (f" half={table.half_index + 1}/{table.halves}:{table.half or '-'}" if table.halves > 1 else "")]
    if table.caption:
        head.append(f"caption: {table.caption}")
    for c in table.columns:
        extra = []
        if c.level:
            extra.append(f"level={c.level}")
        if c.total:
            extra.append("total")
        if c.of_which:
            extra.append(f"of_which(parent={c.parent})")
        if c.unit:
            extra.append(f"unit={c.unit}")
        head.append(f"col {c.index}: {c.role:<15} {c.header}" + (f"  [{' '.join(extra)}]" if extra else ""))
    value_cols = [c.index for c in table.columns if c.role not in ("label", "code", "level1", "level2", "level3")]
    for row in table.rows:
        bits = [f"r{row.index:<3}", f"{row.role:<13}"]
        bits.append(f"L{row.level}" if row.level else "L-")
        bits.append(f"^{row.parent}" if row.parent is not None else "^-")
        if row.of_which_group is not None:
            bits.append(f"of={row.of_which_group}")
        if row.code:
            bits.append(f"#{row.code}")
        values = []
        for i in value_cols:
            v = row.value(i)
            values.append(v.text if v is not None and v.text else ".")
        head.append(" ".join(bits) + f" | {row.label[:30]} | " + " ".join(values))
    return "\n".join(head) + "\n"
