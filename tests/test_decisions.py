"""Decisions: a finding dismissed once (who, when, why) stays hidden on a re-run and on
the corrected copy, and is counted in summary.dismissed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.compare import compare_reviews
from reviewer.decisions import (DECISIONS_FILE, Decision, add_decisions, apply_decisions, load_decisions,
                                save_decisions)
from reviewer.errors import InputError
from reviewer.fingerprint import fingerprints
from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file

from .conftest import SAMPLE_TXTS

CORRECTED = Path(__file__).resolve().parent / "fixtures" / "corrected"
runner = CliRunner()


def review_json(path: Path, *extra: str) -> dict:
    result = runner.invoke(app, ["review", str(path), "--no-llm", "-f", "json", "--fail-on", "never", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def folder(tmp_path):
    """A sample and its corrected copy in folders of their own, as a reviewer keeps them."""
    sample = SAMPLE_TXTS[4]
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    first = shutil.copy(sample, tmp_path / "v1" / sample.name)
    second = shutil.copy(CORRECTED / sample.name, tmp_path / "v2" / sample.name)
    return Path(first), Path(second)


def test_dismissed_finding_stays_hidden_on_rerun_and_on_the_corrected_copy(folder, tmp_path):
    first, second = folder
    before = review_json(first)
    old, _ = review_file(first, ReviewOptions(llm="off"))
    new, _ = review_file(second, ReviewOptions(llm="off"))
    # A finding the corrected copy still has (未整改), so hiding it there is visible.
    cmp = compare_reviews(old, new)
    still = next(i for i in cmp.items if i.status == "open")
    target = next(f for f in before["findings"] if f["id"] == still.old_id)

    decisions = tmp_path / "shared-decisions.yaml"
    result = runner.invoke(app, ["dismiss", str(first), target["id"], "--reason", "该处表述经核实无误",
                                 "--by", "李审核", "--no-llm", "--decisions", str(decisions)])
    assert result.exit_code == 0, result.output
    recorded = yaml.safe_load(decisions.read_text(encoding="utf-8"))["dismissed"]
    assert len(recorded) == 1
    entry = recorded[0]
    assert entry["by"] == "李审核" and entry["reason"] == "该处表述经核实无误" and entry["at"][:4].isdigit()
    assert entry["rule"] == target["rule"] and entry["fingerprint"]

    # Re-run: hidden and counted.
    again = review_json(first, "--decisions", str(decisions))
    assert len(again["findings"]) == len(before["findings"]) - 1
    assert again["summary"]["dismissed"] == 1
    assert (target["title"], target["quote"]) not in {(f["title"], f["quote"]) for f in again["findings"]}
    assert [f["id"] for f in again["findings"]] == [f"F{i:03d}" for i in range(1, len(again["findings"]) + 1)]

    # The corrected copy: the same finding is hidden there too.
    corrected_before = review_json(second)
    corrected = review_json(second, "--decisions", str(decisions))
    assert corrected["summary"]["dismissed"] == 1
    assert len(corrected["findings"]) == len(corrected_before["findings"]) - 1

    # --show-dismissed brings it back.
    shown = review_json(first, "--decisions", str(decisions), "--show-dismissed")
    assert len(shown["findings"]) == len(before["findings"])


def test_decisions_file_beside_the_report_is_the_default(folder):
    first, _ = folder
    before = review_json(first)
    result = runner.invoke(app, ["dismiss", str(first), "F001", "F002", "-r", "不适用", "--no-llm"])
    assert result.exit_code == 0, result.output
    path = first.parent / DECISIONS_FILE
    assert path.exists()
    assert len(load_decisions(path)) == 2
    after = review_json(first)
    assert after["summary"]["dismissed"] == 2 and len(after["findings"]) == len(before["findings"]) - 2
    # Markdown says how many were left out; no finding numbers or rule ids.
    md = runner.invoke(app, ["review", str(first), "--no-llm", "-f", "markdown", "--fail-on", "never"]).stdout
    assert "另有 2 项意见经审核人确认不予采纳" in md


def test_unknown_id_and_broken_file_are_one_line_errors(folder, tmp_path):
    first, _ = folder
    result = runner.invoke(app, ["dismiss", str(first), "F999", "-r", "x", "--no-llm"])
    assert result.exit_code == 2 and "F999" in result.output and "Traceback" not in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("dismissed: [ {fingerprint: a\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(first), "--no-llm", "--decisions", str(broken)])
    assert result.exit_code == 2 and "处理记录" in result.output and "Traceback" not in result.output


def test_decisions_round_trip_and_unit_scope(tmp_path):
    review, _ = review_file(SAMPLE_TXTS[0], ReviewOptions(llm="off"))
    fp = fingerprints(review.findings)[0]
    path = tmp_path / DECISIONS_FILE
    add_decisions(path, [Decision(fingerprint=fp, unit="别的单位", by="王", at="2024-01-01T00:00:00+08:00",
                                  reason="不适用", extra={"note": "kept"})])
    add_decisions(path, [Decision(fingerprint=fp, unit="别的单位", by="王", reason="改了理由")])
    loaded = load_decisions(path)
    assert len(loaded) == 1 and loaded[0].reason == "改了理由"
    # A shared store (the web database) keeps decisions to their unit; a file beside the
    # reports is its own scope.
    assert not apply_decisions(review, loaded).summary.dismissed
    assert apply_decisions(review, loaded, match_unit=False).summary.dismissed == 1
    save_decisions(path, [Decision(fingerprint=fp, unit=review.document.unit)])
    assert apply_decisions(review, load_decisions(path)).summary.dismissed == 1


@pytest.mark.parametrize("content", ["dismissed: 3\n", "dismissed:\n  - {rule: x}\n", "[unclosed\n"])
def test_bad_decisions_files(tmp_path, content):
    path = tmp_path / DECISIONS_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_decisions(path)
