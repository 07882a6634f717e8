"""The fuzzed reader, bounded for CI: up to 300 mutated copies of the sample TXT, DOCX
and PDF fixtures (byte flips, truncation, duplicated chunks, zip members removed,
inflated, duplicated or their XML damaged, PDF streams damaged), within about a minute.
Each ends in a review rendered to every format or in the project's own one-line input
error; never another exception, never more than 20 s. The long run is bench/fuzz.py."""
from __future__ import annotations

import os
import random
import sys
import zipfile
import io

import pytest

from .conftest import ROOT

# bench/ on the path (worker processes unpickle bench/fuzz.py's functions by module name).
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))
import fuzz  # noqa: E402

COUNT = int(os.environ.get("REVIEWER_FUZZ_COUNT", "300"))
BUDGET = float(os.environ.get("REVIEWER_FUZZ_SECONDS", "60"))


def test_fuzzed_inputs_never_crash_or_hang():
    result = fuzz.run(COUNT, seed=20240601, workers=max(2, min(4, os.cpu_count() or 2)), hang=20.0,
                      budget=BUDGET, progress=False)
    problems = [f"{c['input']} {c['format']} {c['mutations']}: {c['error']}" for c in result["crashes"] + result["hangs"]]
    assert not problems, "\n".join(problems)
    # Bounded in time: on a slow machine fewer inputs run, but never too few to mean anything.
    assert result["inputs"] >= min(COUNT, 100), result
    assert result["tally"].get("review", 0) > 0 and result["tally"].get("input_error", 0) > 0, result["tally"]
    assert result["peak_rss_mb"] < 1024, result["peak_rss_mb"]


@pytest.mark.parametrize("mutation", [m for ms in fuzz.MUTATIONS.values() for m in dict.fromkeys(ms)],
                         ids=lambda m: m.__name__)
def test_each_mutation_changes_its_input(mutation):
    rng = random.Random(7)
    pool = fuzz.sources()
    fmt = next(f for f, ms in fuzz.MUTATIONS.items() if mutation in ms)
    original = pool[fmt][0]
    assert mutation(rng, original) != original


def test_zip_mutations_keep_a_readable_package():
    """Members removed or inflated: the package itself still opens, so the reader, not
    zipfile, meets the damage."""
    rng = random.Random(3)
    docx = fuzz.sources()["docx"][0]
    for mutation in (fuzz.zip_remove_member, fuzz.zip_inflate_member, fuzz.zip_duplicate_member, fuzz.zip_mutate_xml):
        data = mutation(rng, docx)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.namelist()


def test_inputs_are_reproducible_from_seed_and_index():
    assert fuzz.make_input(5, 42) == fuzz.make_input(5, 42)
    assert fuzz.make_input(5, 42) != fuzz.make_input(5, 43)
