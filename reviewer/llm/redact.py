"""Secrets never leave the process: keys and URL credentials are masked in every log
line, error message, audit record and output the model stage produces.

Known secrets (the configured key, the key variables' values) are masked wherever they
appear, even inside a reply a server echoes; URL user:password parts, key-like query
parameters and bearer/sk- tokens are masked by shape.
"""
from __future__ import annotations

import logging
import os
import re
import threading

MASK = "***"
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<cred>[^/@\s:]+(?::[^/@\s]*)?)@")
_QUERY_SECRET = re.compile(r"(?i)(?P<name>[?&](?:api[_-]?key|key|token|access[_-]?token|secret|sig|signature)=)"
                           r"(?P<value>[^&#\s\"']+)")
_TOKEN_SHAPES = re.compile(r"(?i)\b(?:sk|ak|pk)-[A-Za-z0-9_\-]{8,}|(?<=Bearer )[A-Za-z0-9._\-]{8,}")
# Environment variables whose values are secrets wherever they show up.
_SECRET_VARS = re.compile(r"(?i)(api_?key|token|secret|password)$")

_known: set[str] = set()
_lock = threading.Lock()


def remember_secret(value: str | None) -> None:
    """Mask `value` from now on (keys shorter than 6 characters are too common to mask)."""
    if value and len(value) >= 6:
        with _lock:
            _known.add(value)


def _env_secrets() -> list[str]:
    return [v for k, v in os.environ.items() if _SECRET_VARS.search(k) and v and len(v) >= 6]


def redact(text: str) -> str:
    """`text` with every known secret and every credential-shaped part masked."""
    if not text or not isinstance(text, str):
        return text
    with _lock:
        secrets = sorted(_known | set(_env_secrets()), key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group('name')}{MASK}", text)
    return _TOKEN_SHAPES.sub(MASK, text)


def redact_url(url: str | None) -> str | None:
    return redact(url) if url else url


def redact_data(value):
    """Every string of a JSON-like value redacted (for audit records and cache entries)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Masks secrets in log records of the `reviewer` loggers (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


_installed = False


def install_log_filter() -> None:
    """Once per process: every record of `reviewer.*` passes through the redactor."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    logger = logging.getLogger("reviewer")
    logger.addFilter(RedactingFilter())
    for name in ("reviewer.llm", "openai", "httpx", "httpcore"):
        logging.getLogger(name).addFilter(RedactingFilter())
