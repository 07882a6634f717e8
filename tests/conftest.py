from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_TXTS = sorted(SAMPLES.glob("*.txt"))

_CACHE_HOME: str | None = None


def pytest_configure(config):
    """The suite never reads or writes the user's own cache folder (the parsed-YAML
    cache, the model reply cache): XDG_CACHE_HOME points at a folder of its own."""
    global _CACHE_HOME
    _CACHE_HOME = tempfile.mkdtemp(prefix="reviewer-tests-cache-")
    os.environ["XDG_CACHE_HOME"] = _CACHE_HOME


def pytest_unconfigure(config):
    if _CACHE_HOME:
        shutil.rmtree(_CACHE_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
