"""Where the model stage gets its endpoint, key, model, limits and cache from.

Only the user may choose where the report's text and the key go:
- explicit options (CLI flags, library callers) win;
- then the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `REVIEWER_MODEL`,
  `REVIEWER_CACHE_DIR`);
- then the user's own config file: `--config FILE`, else
  `$XDG_CONFIG_HOME/reviewer/reviewer.toml` (`~/.config/reviewer/reviewer.toml`);
- then the preset's defaults.
A `reviewer.toml` in the current (project) folder may set rubric and output options
only: a report received from outside with such a file beside it must not be able to
send the text, or the key named by `api_key_env`, anywhere. An endpoint it names is
ignored with a one-line notice.

User config, keys at top level or under `[llm]`:

    [llm]
    preset = "deepseek"                # deepseek, dashscope (qwen), glm, vllm, ollama, llamacpp
    base_url = "https://api.deepseek.com"
    api_key_env = "DEEPSEEK_API_KEY"   # or api_key = "…"
    model = "deepseek-chat"
    max_tokens = 8192
    temperature = 0                    # or "none": not sent (thinking models advise against 0)
    extra_body = { enable_thinking = false }
    response_format = "json_object"    # first structured-output mode tried
    timeout = 60                       # seconds per call, a real deadline
    stage_deadline = 600               # seconds for the whole model stage
    concurrency = 4
    whole_report_chars = 12000         # reports up to this size are read whole
    keep_ungrounded = false
    cache_dir = "~/.cache/reviewer"

    [llm.task_models]                  # an optional model per rubric task
    unsupported_claims = "deepseek-reasoner"

    [llm.endpoints."http://127.0.0.1:8080/v1"]   # controls for one endpoint
    concurrency = 1
    max_tokens = 4096
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .redact import redact, remember_secret

log = logging.getLogger("reviewer.llm")

DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT = 60.0
DEFAULT_WHOLE_CHARS = 12000
OPENAI_URL = "https://api.openai.com/v1"
FALLBACK_MODEL = "deepseek-chat"
MODES = ("json_schema", "json_object", "prose")
# Keys that choose where text and key go: only the user's own config and flags may set them.
ENDPOINT_KEYS = frozenset({"base_url", "api_key", "api_key_env", "preset", "model", "extra_body", "headers",
                           "endpoints", "task_models"})
# What a project-folder reviewer.toml may set.
PROJECT_KEYS = frozenset({"rubric", "format", "fail_on", "output"})


@dataclass(frozen=True)
class Preset:
    base_url: str
    model: Optional[str]
    key_env: Optional[str]
    mode: str = "json_schema"
    max_tokens: Optional[int] = None
    temperature: Optional[float] = 0.0
    extra_body: dict = field(default_factory=dict)
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    hosts: tuple[str, ...] = ()  # URL fragments that identify the service


PRESETS: dict[str, Preset] = {
    "openai": Preset(OPENAI_URL, "gpt-4o-mini", "OPENAI_API_KEY", hosts=("api.openai.com",)),
    # DeepSeek answers 400 to json_schema; json_object works.
    "deepseek": Preset("https://api.deepseek.com", "deepseek-chat", "DEEPSEEK_API_KEY", mode="json_object",
                       max_tokens=8192, hosts=("deepseek.com",)),
    # Qwen3 on DashScope refuses non-streaming calls unless thinking is off.
    "dashscope": Preset("https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", "DASHSCOPE_API_KEY",
                        mode="json_object", max_tokens=8192, extra_body={"enable_thinking": False},
                        hosts=("dashscope",)),
    # GLM's older models refuse temperature 0 (range (0, 1)).
    "glm": Preset("https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", "ZHIPUAI_API_KEY", mode="json_object",
                  max_tokens=4096, temperature=0.1, hosts=("bigmodel.cn",)),
    "vllm": Preset("http://127.0.0.1:8000/v1", None, None, max_tokens=4096, concurrency=8),
    # Single-slot local servers: one call at a time, so queue time never eats the deadline.
    "ollama": Preset("http://127.0.0.1:11434/v1", None, None, max_tokens=4096, temperature=None, concurrency=1,
                     timeout=300.0, hosts=(":11434",)),
    "llamacpp": Preset("http://127.0.0.1:8080/v1", None, None, max_tokens=4096, temperature=None, concurrency=1,
                       timeout=300.0),
}
PRESETS["qwen"] = PRESETS["dashscope"]
PRESETS["zhipu"] = PRESETS["glm"]
PRESETS["llama.cpp"] = PRESETS["llamacpp"]
# Model names that think before answering: temperature 0 is advised against.
_THINKING_MODELS = ("reasoner", "-r1", "r1-", "qwq", "thinking", "o1", "o3", "o4-")


class ConfigError(ValueError):
    """A config file or option the user must fix (shown as one line, exit 2)."""


def _toml_module():
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            return None
    return tomllib


def read_toml(path: Path) -> dict[str, Any]:
    toml = _toml_module()
    if toml is None:
        log.warning("无法读取 %s：Python 3.10 需要安装 tomli（pip install tomli）", path)
        return {}
    data = toml.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _llm_section(data: dict) -> dict[str, Any]:
    section = data.get("llm")
    if isinstance(section, dict):
        return dict(section)
    return {k: v for k, v in data.items() if not isinstance(v, dict) or k in ("extra_body", "endpoints",
                                                                                 "task_models", "headers")}


def user_config_path(options=None) -> Optional[Path]:
    explicit = getattr(options, "config", None)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(xdg) / "reviewer" / "reviewer.toml"


def read_user_config(options=None) -> dict[str, Any]:
    """The `[llm]` settings of the user's own config file (`--config`, else XDG)."""
    path = user_config_path(options)
    explicit = bool(getattr(options, "config", None))
    if path is None or not path.is_file():
        if explicit:
            raise ConfigError(f"错误：找不到配置文件 {path}")
        return {}
    try:
        settings = _llm_section(read_toml(path))
    except (OSError, ValueError) as e:
        if explicit:
            raise ConfigError(f"错误：无法读取配置文件 {path}：{e}") from None
        log.warning("忽略无法读取的配置文件 %s：%s", path, e)
        return {}
    settings["_path"] = str(path)
    return settings


_project_notice_lock = threading.Lock()
_project_noticed: set[str] = set()


def project_config_path() -> Path:
    return Path.cwd() / "reviewer.toml"


def read_project_config() -> dict[str, Any]:
    """Rubric and output options of a `reviewer.toml` in the current folder. An endpoint,
    key or model it names is ignored, with a one-line notice (once per process)."""
    path = project_config_path()
    user = user_config_path()
    if not path.is_file() or (user is not None and user.exists() and path.resolve() == user.resolve()):
        return {}
    try:
        data = read_toml(path)
    except (OSError, ValueError) as e:
        log.warning("忽略无法读取的 %s：%s", path, e)
        return {}
    llm = _llm_section(data)
    named = sorted(k for k in llm if k in ENDPOINT_KEYS)
    if named:
        with _project_notice_lock:
            first = str(path) not in _project_noticed
            _project_noticed.add(str(path))
        if first:
            log.warning("提示：已忽略当前文件夹 %s 中的模型端点设置（%s）；端点和密钥只能由用户配置文件"
                        "（~/.config/reviewer/reviewer.toml 或 --config）或命令行参数指定",
                        path.name, "、".join(named))
    return {k: v for k, v in data.items() if k in PROJECT_KEYS}


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
    max_tokens: Optional[int] = None
    temperature: Optional[float] = 0.0  # None: not sent
    extra_body: dict = field(default_factory=dict)
    mode: Optional[str] = None  # the first structured-output mode to try
    stage_deadline: Optional[float] = None  # None: from the number of calls
    whole_chars: int = DEFAULT_WHOLE_CHARS
    task_models: dict = field(default_factory=dict)
    preset: Optional[str] = None
    llm_log: Optional[Path] = None

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def safe_endpoint(self) -> str:
        return redact(self.endpoint)

    def temperature_for(self, model: str) -> Optional[float]:
        if self.temperature is not None and self.temperature == 0 and is_thinking_model(model):
            return None
        return self.temperature


def is_thinking_model(model: str | None) -> bool:
    name = (model or "").lower()
    return any(marker in name for marker in _THINKING_MODELS)


def _first(*values):
    return next((v for v in values if v not in (None, "")), None)


def preset_for(name: Optional[str], base_url: Optional[str]) -> tuple[Optional[str], Optional[Preset]]:
    """The preset named, else the one whose host the URL names."""
    if name:
        key = str(name).strip().lower()
        if key not in PRESETS:
            raise ConfigError(f"错误：未知的模型预设 {name}（可用：{'、'.join(sorted(set(PRESETS)))}）")
        return key, PRESETS[key]
    if base_url:
        for key, preset in PRESETS.items():
            if any(h in base_url for h in preset.hosts):
                return key, preset
    return None, None


def _temperature(value) -> tuple[bool, Optional[float]]:
    """(given, value): `"none"`/`"off"` means the request carries no temperature."""
    if value is None:
        return False, None
    if isinstance(value, str) and value.strip().lower() in ("none", "off", "null", "default", ""):
        return True, None
    try:
        return True, float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"错误：temperature 应为数字或 \"none\"，而不是 {value!r}") from None


def _positive(value, name: str, cast=float):
    if value in (None, ""):
        return None
    try:
        v = cast(value)
    except (TypeError, ValueError):
        raise ConfigError(f"错误：{name} 应为正数，而不是 {value!r}") from None
    if v <= 0:
        raise ConfigError(f"错误：{name} 应为正数，而不是 {value!r}")
    return v


def _endpoint_overrides(toml: dict, base_url: str) -> dict:
    table = toml.get("endpoints")
    if not isinstance(table, dict):
        return {}
    want = base_url.rstrip("/")
    for url, values in table.items():
        if isinstance(values, dict) and str(url).rstrip("/") == want:
            return values
    return {}


def resolve_settings(options) -> LLMSettings:
    toml = read_user_config(options)
    read_project_config()  # only for its notice: a project file never chooses the endpoint
    preset_name, preset = preset_for(_first(getattr(options, "preset", None), toml.get("preset")),
                                     _first(options.base_url, os.environ.get("OPENAI_BASE_URL"), toml.get("base_url")))
    base_url = _first(options.base_url, os.environ.get("OPENAI_BASE_URL"), toml.get("base_url"),
                      preset.base_url if preset else None) or OPENAI_URL
    if preset is None:
        preset_name, preset = preset_for(None, base_url)
    local = _endpoint_overrides(toml, str(base_url))
    conf = {**toml, **local}

    # The key: a flag, the variable the user's config names, the config's own key, the
    # preset's variable, then OPENAI_API_KEY.
    named_env = conf.get("api_key_env")
    api_key = _first(options.api_key, os.environ.get(str(named_env)) if named_env else None, conf.get("api_key"),
                     os.environ.get(preset.key_env) if preset and preset.key_env else None,
                     os.environ.get("OPENAI_API_KEY"))
    remember_secret(api_key)
    model = _first(options.model, os.environ.get("REVIEWER_MODEL"), conf.get("model"),
                   preset.model if preset else None)

    # Options carry defaults, so a file value wins only over an untouched default.
    concurrency = options.concurrency
    if concurrency == DEFAULT_CONCURRENCY:
        concurrency = _positive(conf.get("concurrency"), "concurrency", int) or \
            (preset.concurrency if preset else DEFAULT_CONCURRENCY)
    timeout = options.timeout
    if timeout == DEFAULT_TIMEOUT:
        timeout = _positive(conf.get("timeout"), "timeout") or (preset.timeout if preset else DEFAULT_TIMEOUT)

    given, temperature = _temperature(_first(getattr(options, "temperature", None), conf.get("temperature")))
    if not given:
        temperature = preset.temperature if preset else 0.0
    max_tokens = _positive(_first(getattr(options, "max_tokens", None), conf.get("max_tokens")), "max_tokens", int) \
        or (preset.max_tokens if preset else None)
    extra_body = conf.get("extra_body") if isinstance(conf.get("extra_body"), dict) else \
        (dict(preset.extra_body) if preset else {})
    mode = _first(conf.get("response_format"), preset.mode if preset else None)
    if mode is not None and mode not in MODES:
        raise ConfigError(f"错误：response_format 应为 {'、'.join(MODES)} 之一，而不是 {mode!r}")
    stage_deadline = _positive(_first(getattr(options, "stage_deadline", None), conf.get("stage_deadline")),
                               "stage_deadline")
    whole = _positive(conf.get("whole_report_chars"), "whole_report_chars", int) or DEFAULT_WHOLE_CHARS
    cache_dir = _first(options.cache_dir, os.environ.get("REVIEWER_CACHE_DIR"), conf.get("cache_dir"))
    task_models = {str(k): str(v) for k, v in (conf.get("task_models") or {}).items()} \
        if isinstance(conf.get("task_models"), dict) else {}
    llm_log = getattr(options, "llm_log", None)
    return LLMSettings(
        base_url=str(base_url),
        api_key=api_key,
        model=model,
        concurrency=max(1, int(concurrency)),
        timeout=max(1.0, float(timeout)),
        keep_ungrounded=bool(options.keep_ungrounded or conf.get("keep_ungrounded", False)),
        cache_dir=Path(cache_dir).expanduser() if cache_dir else default_cache_dir(),
        max_tokens=max_tokens,
        temperature=temperature,
        extra_body=dict(extra_body or {}),
        mode=mode,
        stage_deadline=stage_deadline,
        whole_chars=int(whole),
        task_models=task_models,
        preset=preset_name,
        llm_log=Path(llm_log).expanduser() if llm_log else None,
    )


def is_configured(options) -> bool:
    """True when a key, an endpoint or a preset is set by the user (auto mode then runs the stage)."""
    if options.api_key or options.base_url or getattr(options, "preset", None):
        return True
    if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
        return True
    try:
        toml = read_user_config(options)
    except ConfigError:
        return True  # let the stage say what is wrong with the file
    read_project_config()
    return bool(toml.get("api_key") or toml.get("base_url") or toml.get("preset") or
                (toml.get("api_key_env") and os.environ.get(str(toml["api_key_env"]))))


def known_default_model(base_url: str) -> Optional[str]:
    _, preset = preset_for(None, base_url)
    return preset.model if preset else None
