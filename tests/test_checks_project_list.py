"""A list of projects with their scores and grades: each row's grade against its score,
and the average and counts the text states about the list."""
from __future__ import annotations

import pytest

from reviewer.checks.project_list import check_project_lists
from reviewer.document import DocumentBuilder
from reviewer.sections import build_sections
from .helpers import quoted_cell

HEADER = ["项目名称", "预算数", "执行数", "自评得分", "等级"]
ROWS = [["抚恤补助", "1286.40", "1279.52", "96.5", "优"],
        ["就业创业培训", "86.00", "71.38", "84.2", "良"],
        ["纪念设施维护", "142.00", "128.16", "91.8", "优"],
        ["服务站建设", "64.00", "42.56", "72.4", "中"]]


def _doc(rows, sentence):
    b = DocumentBuilder("inline.docx", "docx")
    b.add_paragraph("重点项目绩效自评情况表")
    b.add_table([HEADER] + rows)
    b.add_paragraph(sentence)
    doc = b.build()
    doc.sections = build_sections(doc)
    return doc


def found(rows, sentence):
    return [(f.rule, quoted_cell(f)) for f in check_project_lists(_doc(rows, sentence))]


@pytest.mark.parametrize("rows, sentence, expected", [
    (ROWS, "共4个项目，平均得分86.23分，其中优2个、良1个、中1个。", []),
    (ROWS, "共4个项目，平均得分87.23分。", [("score.average", "平均得分87.23分")]),
    (ROWS, "共4个项目，其中优3个、良1个。", [("score.grade_count", "优3个")]),
    # a row graded against its score
    ([r if r[0] != "服务站建设" else r[:4] + ["良"] for r in ROWS], "共4个项目。", [("score.row_grade", "良")]),
    # counts in a sentence about something else than projects are other figures
    (ROWS, "全年开展培训班优3个批次。", []),
])
def test_project_list(rows, sentence, expected):
    assert found(rows, sentence) == expected
