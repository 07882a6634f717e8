"""reviewer — 预算绩效自评报告智能预审.

Library first: `reviewer.review(path, options) -> Review`. Heavy modules load lazily so
the command line starts fast.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["review", "ReviewOptions", "Review", "Finding", "InputError"]


def __getattr__(name: str):
    if name == "review":
        from .pipeline import review

        return review
    if name == "ReviewOptions":
        from .options import ReviewOptions

        return ReviewOptions
    if name in ("Review", "Finding"):
        from . import models

        return getattr(models, name)
    if name == "InputError":
        from .errors import InputError

        return InputError
    raise AttributeError(name)
