"""Where the data folders (rubrics/, prompts/) live.

In a checkout or an editable install they sit at the repository root; a wheel installs
them under <prefix>/share/reviewer/ (pyproject's data-files). An environment variable
overrides either.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir(name: str, env_var: str) -> Path:
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "reviewer" / name
