"""The whole pre-pass on corrected copies of the samples: figures fixed, nothing to report.
Paired with the samples themselves, where the same checks do fire."""
from pathlib import Path

import pytest

from reviewer.checks import run_prepass
from reviewer.ingest import load

from .conftest import SAMPLES

CORRECTED = sorted((Path(__file__).parent / "fixtures" / "corrected").glob("*.txt"))


@pytest.mark.parametrize("path", CORRECTED, ids=lambda p: p.stem)
def test_corrected_copy_has_no_prepass_findings(path):
    findings = run_prepass(load(path))
    assert [(f.rule, f.quote) for f in findings] == []


@pytest.mark.parametrize("stem,rules", [
    ("001_6f2eabfb1a9cdc15", {"ratio.rate"}),
    ("003_9f785aea458f6f0e", {"arithmetic.part_exceeds_whole", "duplicate.table_cell"}),
    ("004_0dfcc704536f2e1e", {"ratio.share", "ratio.change", "unit.change", "unit.cross_mention",
                              "arithmetic.list_total", "arithmetic.breakdown"}),
])
def test_original_sample_has_the_findings_the_corrections_remove(stem, rules):
    found = {f.rule for f in run_prepass(load(SAMPLES / f"{stem}.txt"))}
    assert rules <= found
