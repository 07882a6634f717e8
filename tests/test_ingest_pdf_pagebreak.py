"""A table row that a page break cut, where the next page's part of the table is ruled
with other columns (a merged header cell over two rows): the overflow and the rows after
it go back to the table above, placed by their columns' positions. Case tables on the
reader's own table shapes; the printed PDF case is in tests/test_more_bases.py."""
from __future__ import annotations

import pytest

from reviewer.ingest.pdf import _carry_over, _Table

# The table at the bottom of page 1: six columns, left edges and the right edge.
ABOVE_EDGES = [50.0, 150.0, 230.0, 310.0, 360.0, 420.0, 480.0]
# The next page's table: eight narrower columns under the same width.
BELOW_EDGES = [50.0, 100.0, 150.0, 190.0, 230.0, 310.0, 360.0, 420.0, 480.0]
INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"]


def above():
    return _Table(700.0, 790.0, [["项目名称", "康复服务项目", "", "", "", ""],
                                 ["项目资", "全年预算数", "全年执行数", "分值", "执行", "得分"]], ABOVE_EDGES)


def test_the_cut_row_and_its_data_go_back_above():
    top = above()
    below = _Table(40.0, 300.0, [["金", "", "", "", "", "", "率", ""],
                                 ["", "", "1,234.67", "", "1,197.19", "10", "96.96%", "9.7"],
                                 INDICATOR_HEADER,
                                 ["产出指标", "数量指标", "救助人数", "≥180人", "192人", "10", "10", ""]], BELOW_EDGES)
    assert _carry_over(top, below)
    assert top.rows[1] == ["项目资金", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert top.rows[2] == ["", "1,234.67", "1,197.19", "10", "96.96%", "9.7"]
    assert below.rows[0] == INDICATOR_HEADER and len(below.rows) == 2


@pytest.mark.parametrize("first_row", [
    ["产出指标", "数量指标", "救助人数", "≥180人", "192人", "10", "10", ""],  # a row of its own
    ["", "", "1,234.67", "", "", "", "", ""],  # figures are no overflow of a cut cell
    ["金", "额", "合", "计", "", "", "率", ""],  # more than half the cells filled
])
def test_a_table_that_does_not_continue_the_cut_row_is_left_alone(first_row):
    top = above()
    below = _Table(40.0, 300.0, [first_row, INDICATOR_HEADER], BELOW_EDGES)
    before = [list(r) for r in top.rows]
    assert not _carry_over(top, below)
    assert top.rows == before and below.rows[0] == first_row


def test_overflow_under_a_cell_the_row_above_left_empty_is_no_overflow():
    top = above()
    top.rows[-1][-1] = ""
    below = _Table(40.0, 300.0, [["", "", "", "", "", "", "", "说明"], INDICATOR_HEADER], BELOW_EDGES)
    assert not _carry_over(top, below)


def test_without_column_positions_nothing_is_guessed():
    top = above()
    top.edges = None
    below = _Table(40.0, 300.0, [["金", "", "", "", "", "", "率", ""], INDICATOR_HEADER], BELOW_EDGES)
    assert not _carry_over(top, below)
