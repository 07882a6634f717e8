"""A report of another sector (农业农村局), clean and with injected figure errors: the
pre-pass must stay quiet on the clean one and catch each injected error."""
from pathlib import Path

from reviewer.checks import run_prepass
from reviewer.ingest import load

FIXTURES = Path(__file__).parent / "fixtures"


def test_clean_report_of_another_sector_has_no_prepass_findings():
    assert [(f.rule, f.quote) for f in run_prepass(load(FIXTURES / "synthetic_department_clean.txt"))] == []


def test_each_injected_error_is_found():
    found = {(f.rule, f.stated) for f in run_prepass(load(FIXTURES / "synthetic_department_injected.txt"))}
    assert found == {
        ("arithmetic.headcount", "55人"),
        ("arithmetic.breakdown", "1260.50万元"),
        ("ratio.share", "5.76%"),
        ("ratio.rate", "98.0%"),
        ("ratio.change", "8.3%"),
        ("ratio.change", "20%"),
        ("score.grade", "优"),
    }
