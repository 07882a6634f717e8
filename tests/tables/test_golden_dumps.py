"""Golden dumps of every table the model builds from real fixtures (pd01 部门决算, samples).

Regenerate after an intended change with REVIEWER_UPDATE_GOLDEN=1 and read the diff.
"""
import os
from pathlib import Path

import pytest

from reviewer.ingest import load
from reviewer.tables import build_tables, dump

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = [
    Path("/work/shared/benchmark/real/pd01.pdf"),
    ROOT / "tests/fixtures/000_b10681fc8d1fbec0.docx",
    ROOT / "tests/fixtures/002_3f1d80a57ec3a08c.docx",
    ROOT / "tests/fixtures/003_9f785aea458f6f0e.docx",
    ROOT / "tests/fixtures/003_9f785aea458f6f0e.pdf",
    ROOT / "samples/000_b10681fc8d1fbec0.txt",
    ROOT / "samples/003_9f785aea458f6f0e.txt",
]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_table_dumps_match_golden(path):
    if not path.exists():
        pytest.skip(f"fixture not present: {path}")
    text = "\n".join(dump(t) for t in build_tables(load(path)))
    golden = GOLDEN / f"{path.name}.txt"
    if os.environ.get("REVIEWER_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
