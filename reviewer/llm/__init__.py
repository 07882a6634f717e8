"""The language-model review stage (rubric-guided prompts over the narrative).

Entry points for the pipeline. Everything heavy (the openai client) is imported only
when the stage actually runs, so `reviewer --help` and offline reviews stay fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..models import DocumentInfo, Finding, LLMUsage
    from ..options import ReviewOptions
    from ..rubric import Rubric

__all__ = ["llm_configured", "run_llm_stage", "run_stage"]


def llm_configured(options: "ReviewOptions") -> bool:
    """True when an API key or a base URL is configured (options, environment or reviewer.toml)."""
    from .config import is_configured

    return is_configured(options)


def run_llm_stage(doc: "Document", info: "DocumentInfo", rubric: "Rubric", findings: list["Finding"],
                  options: "ReviewOptions") -> tuple[list["Finding"], "LLMUsage"]:
    """Model findings (source "llm", grounded and located, before the merge) and the
    usage of the stage. A stage that fails returns no finding about itself: `usage.status`
    and `usage.message` say what happened (`usage.used` False when nothing was answered,
    so `--llm required` can exit 2); it never raises for endpoint, network or output problems.
    """
    from .stage import run_llm_stage as run

    return run(doc, info, rubric, findings, options)


def run_stage(doc: "Document", info: "DocumentInfo", rubric: "Rubric", findings: list["Finding"],
              options: "ReviewOptions"):
    """The stage's full report (findings, usage, each model finding's fate, the calls)."""
    from .stage import run_stage as run

    return run(doc, info, rubric, findings, options)
