""".doc, .wps and .rtf reports through LibreOffice: the same tables and the same
score-table findings as the plain-text sample they were rendered from.

The copies are made here from the DOCX fixtures (themselves renderings of samples/*.txt)
with LibreOffice; a .wps file of WPS 文字 is a Word-97 binary, so the .doc copy under a
.wps name stands for one.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.checks.scoretable import check_score_tables
from reviewer.errors import InputError
from reviewer.ingest import load
from reviewer.textmatch import fold

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
# The samples whose tables include score tables with findings (000: an indicator named
# twice; 003: a score off its formula, a cell repeated down a column).
SCORE_SAMPLES = ["000_b10681fc8d1fbec0", "003_9f785aea458f6f0e"]

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each score sample's DOCX fixture converted to .doc and .rtf, and the .doc as .wps."""
    out = tmp_path_factory.mktemp("office")
    sources = [str(FIXTURES / f"{stem}.docx") for stem in SCORE_SAMPLES]
    paths = {}
    for target in ("doc", "rtf"):
        subprocess.run(["soffice", f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(out), *sources],
                       check=True, capture_output=True, timeout=300)
        for stem in SCORE_SAMPLES:
            paths[(stem, target)] = out / f"{stem}.{target}"
    for stem in SCORE_SAMPLES:
        wps = out / f"{stem}.wps"
        shutil.copy(paths[(stem, "doc")], wps)
        paths[(stem, "wps")] = wps
    return paths


def finding_keys(doc) -> list[tuple]:
    return sorted((f.rule, f.stated, f.expected) for f in check_score_tables(doc))


def table_cells(doc) -> list[list[list[str]]]:
    return [[[fold(c.text) for c in row if fold(c.text)] for row in t.rows] for t in doc.tables]


@needs_soffice
@pytest.mark.parametrize("suffix", ["doc", "wps", "rtf"])
@pytest.mark.parametrize("stem", SCORE_SAMPLES)
def test_converted_copy_gives_the_same_score_table_findings(converted, stem, suffix):
    txt = load(ROOT / "samples" / f"{stem}.txt")
    copy = load(converted[(stem, suffix)])
    assert copy.format == "docx" and copy.path.endswith(f".{suffix}")
    expected = finding_keys(txt)
    assert expected  # the sample has score-table findings to compare
    assert finding_keys(copy) == expected
    assert table_cells(copy) == table_cells(txt)


@needs_soffice
def test_quotes_point_into_the_converted_text(converted):
    doc = load(converted[(SCORE_SAMPLES[1], "doc")])
    for finding in check_score_tables(doc):
        start, end = finding.location.start, finding.location.end
        assert fold(doc.text[start:end]) == fold(finding.quote)


@needs_soffice
@pytest.mark.parametrize("name", ["broken.doc", "broken.wps"])
def test_a_file_libreoffice_cannot_read_is_one_clear_line(tmp_path, name):
    """An OLE container with nothing in it: LibreOffice gives up, the user gets one line."""
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    with pytest.raises(InputError) as err:
        load(path)
    assert "LibreOffice" in err.value.zh and str(path) in err.value.zh
    assert "\n" not in err.value.zh


def test_without_libreoffice_the_message_names_the_package(tmp_path, monkeypatch):
    """A machine without LibreOffice: PATH holds no soffice."""
    path = tmp_path / "report.doc"
    path.write_bytes((FIXTURES / f"{SCORE_SAMPLES[0]}.docx").read_bytes())
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(InputError) as err:
        load(path)
    assert "libreoffice-writer-nogui" in err.value.zh and "LibreOffice" in err.value.zh


@needs_soffice
def test_the_conversion_has_a_time_limit(tmp_path):
    from reviewer.ingest.office import convert

    data = (FIXTURES / f"{SCORE_SAMPLES[0]}.docx").read_bytes()
    with pytest.raises(InputError) as err:
        convert(data, "slow.doc", ".doc", "docx", timeout=0.01)
    assert "超时" in err.value.zh


@needs_soffice
def test_cli_reviews_a_doc_file(converted, tmp_path):
    import json
    import sys

    out = tmp_path / "review.json"
    done = subprocess.run([sys.executable, "-m", "reviewer", "review", str(converted[(SCORE_SAMPLES[1], "doc")]),
                           "--no-llm", "--format", "json", "-o", str(out)], capture_output=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode()
    review = json.loads(out.read_text(encoding="utf-8"))
    assert review["document"]["format"] == "docx"
    assert any(f["rule"] == "score.formula" for f in review["findings"])
