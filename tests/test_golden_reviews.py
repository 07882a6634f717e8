"""Golden offline reviews of the five samples: any change in findings shows up as a diff.

Regenerate after an intended change with REVIEWER_UPDATE_GOLDEN=1 and read the diff.
"""
import json
import os
from pathlib import Path

import pytest

from reviewer.options import ReviewOptions
from reviewer.pipeline import review_file

from .conftest import SAMPLE_TXTS

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_offline_review_matches_golden(path):
    review, _ = review_file(path, ReviewOptions(llm="off"))
    data = review.model_dump(mode="json")
    data["document"]["path"] = path.name
    golden = GOLDEN / f"review_{path.stem}.json"
    if os.environ.get("REVIEWER_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert data == json.loads(golden.read_text(encoding="utf-8"))
