"""Disk cache of model answers, and what each endpoint is known to support.

Answers are keyed by everything that could change them (model, endpoint, prompt
versions, rubric version, the rendered prompt with its section text), so an unchanged
re-run makes no call. Files are written atomically; an unreadable cache is a miss.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger("reviewer.llm")

CACHE_FORMAT = 2  # 2: entries hold the answer, the raw reply and the mode


def cache_key(**parts: Any) -> str:
    blob = json.dumps({"format": CACHE_FORMAT, **parts}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _write_atomic(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AnswerCache:
    def __init__(self, root: Path):
        self.root = Path(root) / "llm"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Optional[dict]:
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict) -> None:
        try:
            _write_atomic(self._path(key), json.dumps(value, ensure_ascii=False))
        except OSError as e:  # a read-only cache only costs repeated calls
            log.warning("cannot write LLM cache %s: %s", self.root, e)


class EndpointMemory:
    """Per endpoint: the structured-output mode that worked and the model it serves.

    Kept in process (shared by all documents of a run) and in the cache folder.
    """

    _process: dict[str, dict] = {}
    _lock = threading.Lock()

    def __init__(self, root: Path):
        self.path = Path(root) / "llm" / "endpoints.json"

    def _load_disk(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def get(self, endpoint: str, field: str) -> Optional[str]:
        with self._lock:
            if endpoint in self._process and field in self._process[endpoint]:
                return self._process[endpoint][field]
            value = self._load_disk().get(endpoint, {}).get(field)
            if value is not None:
                self._process.setdefault(endpoint, {})[field] = value
            return value

    def set(self, endpoint: str, field: str, value: str) -> None:
        with self._lock:
            self._process.setdefault(endpoint, {})[field] = value
            data = self._load_disk()
            data.setdefault(endpoint, {})[field] = value
            try:
                _write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1))
            except OSError as e:
                log.warning("cannot write %s: %s", self.path, e)

    @classmethod
    def forget_process_memory(cls) -> None:
        """Forget what this process learnt about endpoints (modes, models, concurrency)."""
        with cls._lock:
            cls._process.clear()
        from .client import EndpointGate

        EndpointGate.forget()
