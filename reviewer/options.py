"""Options of one review, shared by the library API, the CLI and batch runs."""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict

from .limits import Limits

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
    # The user's own config file for the model endpoint (default: XDG config folder).
    config: Optional[str] = None
    preset: Optional[str] = None  # deepseek, dashscope, glm, vllm, ollama, llamacpp
    max_tokens: Optional[int] = None
    temperature: Optional[Union[float, str]] = None  # a number, or "none" to send none
    stage_deadline: Optional[float] = None  # seconds for the whole model stage
    llm_log: Optional[str] = None  # JSON Lines audit log of every model call
    # Input size, page and time limits (None: the process's limits, see reviewer/limits.py).
    limits: Optional[Limits] = None
