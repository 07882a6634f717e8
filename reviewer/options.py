"""Options of one review, shared by the library API, the CLI and batch runs."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

LLMMode = Literal["auto", "on", "off", "required"]


class ReviewOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rubric: Optional[str] = None  # a rubric name or a path; None picks from the report kind
    llm: LLMMode = "auto"
    model: Optional[str] = None
    base_url: Optional[str] = None
    api_key: Optional[str] = None
    concurrency: int = 4
    timeout: float = 60.0
    keep_ungrounded: bool = False
    cache_dir: Optional[str] = None
