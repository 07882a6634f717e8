"""The semantic table: columns with roles, rows with roles, levels and parents, values
that keep their cells. Built by `build.py`; read by checks; never creates findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from ..document import Block, Cell
from .values import Value

ColumnRole = Literal["label", "code", "level1", "level2", "level3", "budget", "adjusted_budget",
                     "actual", "amount", "rate", "target", "actual_value", "weight", "score",
                     "reason", "note", "other"]
RowRole = Literal["item", "subtotal", "total", "of_which", "section", "header_repeat", "note"]
TableKind = Literal["money", "score", "other"]


@dataclass
class Column:
    index: int  # position in the logical table
    source_col: int  # position in the source grid
    header: str  # folded header cells of this column, top to bottom, joined by "/"
    role: str
    unit: str | None = None
    level: int | None = None  # for level1–3 columns
    total: bool = False  # the header names a total (合计, 本年收入合计)
    of_which: bool = False  # the header starts with 其中
    parent: int | None = None  # for 其中 columns: the column they are part of

    @property
    def name(self) -> str:
        """The most specific header word (the lowest header cell)."""
        return self.header.rsplit("/", 1)[-1]


@dataclass
class Row:
    index: int  # position in the logical table
    source_row: int  # row index in its source block
    cells: list[Optional[Cell]]  # one per column (None where the grid has no cell)
    values: list[Value | None]
    role: str = "item"
    label: str = ""  # folded, as written (numbering kept)
    label_cell: Cell | None = None
    code: str | None = None
    level: int | None = None
    parent: int | None = None  # index of the parent row
    block: int = 0  # which source block (continuation tables)
    of_which_group: int | None = None  # index of the 其中 group parent for of_which rows

    def value(self, col: int) -> Value | None:
        return self.values[col] if 0 <= col < len(self.values) else None


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    unit: str | None
    kind: str
    blocks: list[Block]  # source blocks (more than one when stitched across pages)
    caption: str = ""  # the title printed above the table, folded
    half: str = ""  # for side-by-side halves: the half's top header (收入 / 支出)
    halves: int = 1  # how many logical tables the source block was split into
    half_index: int = 0
    header_rows: int = 0
    structure: str = "flat"  # flat | code | numbering
    notes: list[str] = field(default_factory=list)  # what the builder was unsure about

    @property
    def block(self) -> Block:
        return self.blocks[0]

    def columns_with(self, *roles: str) -> list[Column]:
        return [c for c in self.columns if c.role in roles]

    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.role not in ("header_repeat", "section", "note")]

    def children_of(self, row: Row) -> list[Row]:
        return [r for r in self.rows if r.parent == row.index]
