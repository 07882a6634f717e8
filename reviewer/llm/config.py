"""Where the model stage gets its endpoint, key, model and cache from.

Precedence: explicit options (CLI flags, library callers) > environment
(`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `REVIEWER_MODEL`, `REVIEWER_CACHE_DIR`) >
`reviewer.toml` (the current directory first, then `$XDG_CONFIG_HOME/reviewer/`) >
defaults. In the TOML file the keys may sit at top level or under `[llm]`:

    [llm]
    base_url = "https://api.deepseek.com"
    api_key_env = "DEEPSEEK_API_KEY"   # or api_key = "…"
    model = "deepseek-chat"
    concurrency = 4
    timeout = 60
    keep_ungrounded = false
    cache_dir = "~/.cache/reviewer"

Default model when none is named: `deepseek-chat` for DeepSeek, `gpt-4o-mini` for
OpenAI itself (no base URL), `qwen-plus` for DashScope, `glm-4-flash` for Zhipu; for
any other endpoint (vLLM, Ollama, llama.cpp …) the first model the server lists.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger("reviewer.llm")

DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT = 60.0
OPENAI_URL = "https://api.openai.com/v1"
# Host fragment -> model used when the user names none.
KNOWN_DEFAULT_MODELS = (
    ("deepseek.com", "deepseek-chat"),
    ("api.openai.com", "gpt-4o-mini"),
    ("dashscope", "qwen-plus"),
    ("bigmodel.cn", "glm-4-flash"),
)
FALLBACK_MODEL = "deepseek-chat"


def config_paths() -> list[Path]:
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / "reviewer.toml", Path(xdg) / "reviewer" / "reviewer.toml"]


def read_toml_config() -> dict[str, Any]:
    """The `[llm]` settings of the first reviewer.toml found (unreadable files are skipped)."""
    import tomllib

    for path in config_paths():
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.warning("ignoring %s: %s", path, e)
            continue
        section = data.get("llm")
        settings = dict(section) if isinstance(section, dict) else {
            k: v for k, v in data.items() if not isinstance(v, dict)}
        if settings.get("api_key_env") and not settings.get("api_key"):
            settings["api_key"] = os.environ.get(str(settings["api_key_env"]))
        settings["_path"] = str(path)
        return settings
    return {}


def default_cache_dir() -> Path:
    env = os.environ.get("REVIEWER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "reviewer"


@dataclass(frozen=True)
class LLMSettings:
    base_url: str  # always explicit, so the cache and mode memory key on the real endpoint
    api_key: Optional[str]
    model: Optional[str]  # None: resolved from the endpoint when the stage starts
    concurrency: int
    timeout: float
    keep_ungrounded: bool
    cache_dir: Path

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/")


def _first(*values):
    return next((v for v in values if v not in (None, "")), None)


def resolve_settings(options) -> LLMSettings:
    toml = read_toml_config()
    base_url = _first(options.base_url, os.environ.get("OPENAI_BASE_URL"), toml.get("base_url")) or OPENAI_URL
    api_key = _first(options.api_key, os.environ.get("OPENAI_API_KEY"), toml.get("api_key"))
    model = _first(options.model, os.environ.get("REVIEWER_MODEL"), toml.get("model"))
    # Options carry defaults, so a TOML value wins only over an untouched default.
    concurrency = options.concurrency
    if concurrency == DEFAULT_CONCURRENCY and toml.get("concurrency"):
        concurrency = int(toml["concurrency"])
    timeout = options.timeout
    if timeout == DEFAULT_TIMEOUT and toml.get("timeout"):
        timeout = float(toml["timeout"])
    cache_dir = _first(options.cache_dir, os.environ.get("REVIEWER_CACHE_DIR"), toml.get("cache_dir"))
    return LLMSettings(
        base_url=str(base_url),
        api_key=api_key,
        model=model,
        concurrency=max(1, int(concurrency)),
        timeout=max(1.0, float(timeout)),
        keep_ungrounded=bool(options.keep_ungrounded or toml.get("keep_ungrounded", False)),
        cache_dir=Path(cache_dir).expanduser() if cache_dir else default_cache_dir(),
    )


def is_configured(options) -> bool:
    """True when a key or an endpoint is set anywhere (auto mode then runs the stage)."""
    if options.api_key or options.base_url:
        return True
    if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
        return True
    toml = read_toml_config()
    return bool(toml.get("api_key") or toml.get("base_url"))


def known_default_model(base_url: str) -> Optional[str]:
    for fragment, model in KNOWN_DEFAULT_MODELS:
        if fragment in base_url:
            return model
    return None
