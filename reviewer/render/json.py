"""The review contract as JSON (schema_version 1)."""
from __future__ import annotations

from ..models import Review


def render_json(review: Review) -> str:
    return review.model_dump_json(indent=2) + "\n"
