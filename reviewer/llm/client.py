"""One chat call to an OpenAI-compatible endpoint, made robust.

- Structured output falls back step by step and the endpoint's answer is remembered:
  `json_schema` (strict) -> `json_object` (schema written in the prompt) -> plain text
  (JSON extracted from prose or a fenced block). A 400/422 to a response_format is
  what servers without that feature answer (DeepSeek answers 400 to json_schema).
- A reply that does not validate is answered once with the validation error.
- 429, 5xx, timeouts and dropped connections are retried with capped exponential
  backoff, honouring Retry-After; authentication, permission, unknown model and
  exhausted quota stop the whole stage at once.
"""
from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

from .answer import AnswerError, ModelAnswer, answer_json_schema, parse_answer, salvage_answer
from .cache import EndpointMemory
from .config import FALLBACK_MODEL, LLMSettings, known_default_model
from .tokens import estimate_tokens

log = logging.getLogger("reviewer.llm")

MODES = ("json_schema", "json_object", "prose")
# Retry policy. Waits are capped so a misbehaving server cannot stall a review.
MAX_RETRIES = {"rate_limit": 4, "server": 3, "connection": 2, "timeout": 1}
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
MAX_RETRY_AFTER = 30.0
NO_KEY = "not-needed"  # local servers take any key; the openai client insists on one


class CallFailed(Exception):
    """A call that failed for good. `fatal` failures stop the remaining calls too."""

    def __init__(self, kind: str, message: str, fatal: bool = False):
        super().__init__(message)
        self.kind = kind
        self.fatal = fatal


REASONS = {
    "auth": "模型服务拒绝了 API 密钥（认证失败）",
    "permission": "API 密钥无权使用该模型",
    "not_found": "模型服务找不到该模型或接口地址有误",
    "quota": "模型服务额度已用完",
    "rate_limit": "模型服务持续限流（429）",
    "server": "模型服务内部错误（5xx）",
    "connection": "无法连接到模型服务",
    "timeout": "模型调用超时",
    "bad_request": "模型服务拒绝了请求（400）",
    "invalid_output": "模型未返回有效的 JSON",
    "aborted": "模型审查已中止",
}


@dataclass
class CallStats:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, requests: int = 0, prompt: int = 0, completion: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.prompt_tokens += prompt
            self.completion_tokens += completion


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _shared_client(settings: LLMSettings):
    """One client (and connection pool) per endpoint and key for the whole process:
    building one costs more than a local call, and a batch reviews many documents."""
    import openai

    key = (settings.base_url, settings.api_key, settings.timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = openai.OpenAI(api_key=settings.api_key or NO_KEY, base_url=settings.base_url,
                                   timeout=settings.timeout, max_retries=0)
            _clients[key] = client
        return client


def _retry_after(exc) -> Optional[float]:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _backoff(attempt: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt) * (0.75 + random.random() / 2)


class ChatClient:
    def __init__(self, settings: LLMSettings, memory: EndpointMemory, stats: CallStats,
                 abort: threading.Event | None = None):
        import openai  # heavy: imported only when the stage runs

        self._openai = openai
        self.settings = settings
        self.memory = memory
        self.stats = stats
        self.abort = abort or threading.Event()
        self.client = _shared_client(settings)
        self.model = self._resolve_model()

    # --- model and mode -------------------------------------------------------------

    def _resolve_model(self) -> str:
        s = self.settings
        model = s.model or known_default_model(s.endpoint) or self.memory.get(s.endpoint, "model")
        if model:
            return model
        try:  # local servers (vLLM, Ollama, llama.cpp) serve models under their own names
            listed = [m.id for m in self.client.models.list().data]
        except Exception as e:  # noqa: BLE001 - any failure just means "use the fallback"
            log.info("cannot list models at %s: %s", s.endpoint, e)
            listed = []
        model = listed[0] if listed else FALLBACK_MODEL
        if listed:
            self.memory.set(s.endpoint, "model", model)
        return model

    @property
    def _mode_key(self) -> str:
        return f"{self.settings.endpoint}#{self.model}"

    def _start_mode(self) -> str:
        mode = self.memory.get(self._mode_key, "mode")
        return mode if mode in MODES else MODES[0]

    def _demote(self, failed_mode: str) -> None:
        nxt = MODES[MODES.index(failed_mode) + 1]
        if MODES.index(self._start_mode()) < MODES.index(nxt):
            log.info("endpoint %s: %s unsupported, using %s", self._mode_key, failed_mode, nxt)
            self.memory.set(self._mode_key, "mode", nxt)

    # --- one call --------------------------------------------------------------------

    def complete(self, messages: list[dict]) -> ModelAnswer:
        """The validated answer to `messages`, or CallFailed."""
        mode = self._start_mode()
        while True:
            with_temperature = self._temperature_allowed()
            try:
                text = self._send(messages, mode, with_temperature)
                break
            except self._openai.BadRequestError as e:
                last = e
            except self._openai.UnprocessableEntityError as e:
                last = e
            if "temperature" in _message(last).lower() and with_temperature:
                # Reasoning models refuse a temperature; that is not about the output format.
                self.memory.set(self._mode_key, "temperature", "off")
                continue
            if mode == MODES[-1]:
                raise CallFailed("bad_request", f"{REASONS['bad_request']}：{_message(last)}")
            self._demote(mode)
            mode = MODES[MODES.index(mode) + 1]
        try:
            return parse_answer(text)
        except AnswerError as first_error:
            error = first_error
        # Ask once more, showing the model what was wrong with its reply.
        retry = messages + [
            {"role": "assistant", "content": text[:4000]},
            {"role": "user", "content": f"上面的回复不合格：{error}。请只输出一个符合要求的 JSON 对象，不要任何其他文字。"},
        ]
        try:
            second = self._send(retry, mode)
        except (self._openai.BadRequestError, self._openai.UnprocessableEntityError) as e:
            raise CallFailed("invalid_output", f"{REASONS['invalid_output']}：{error}") from e
        try:
            return parse_answer(second)
        except AnswerError as e:
            salvaged = salvage_answer(second) or salvage_answer(text)
            if salvaged is not None:
                return salvaged
            raise CallFailed("invalid_output", f"{REASONS['invalid_output']}：{e}") from None

    def _temperature_allowed(self) -> bool:
        return self.memory.get(self._mode_key, "temperature") != "off"

    def _request_args(self, mode: str) -> dict:
        if mode == "json_schema":
            return {"response_format": {"type": "json_schema", "json_schema": {
                "name": "review_findings", "strict": True, "schema": answer_json_schema()}}}
        if mode == "json_object":
            return {"response_format": {"type": "json_object"}}
        return {}

    def _send(self, messages: list[dict], mode: str, with_temperature: bool | None = None) -> str:
        """The reply text, retrying transient failures. 400/422 are left to the caller."""
        oa = self._openai
        if with_temperature is None:
            with_temperature = self._temperature_allowed()
        attempts: dict[str, int] = {}
        while True:
            if self.abort.is_set():
                raise CallFailed("aborted", REASONS["aborted"])
            try:
                self.stats.add(requests=1)
                response = self.client.chat.completions.create(
                    model=self.model, messages=messages, timeout=self.settings.timeout,
                    **({"temperature": 0} if with_temperature else {}), **self._request_args(mode))
            except (oa.BadRequestError, oa.UnprocessableEntityError):
                raise
            except oa.AuthenticationError as e:
                raise CallFailed("auth", f"{REASONS['auth']}：{_message(e)}", fatal=True) from None
            except oa.PermissionDeniedError as e:
                raise CallFailed("permission", f"{REASONS['permission']}：{_message(e)}", fatal=True) from None
            except oa.NotFoundError as e:
                raise CallFailed("not_found", f"{REASONS['not_found']}（{self.model}）：{_message(e)}",
                                 fatal=True) from None
            except oa.RateLimitError as e:
                if e.code == "insufficient_quota":
                    raise CallFailed("quota", REASONS["quota"], fatal=True) from None
                self._wait("rate_limit", attempts, _retry_after(e), e)
            except oa.APITimeoutError as e:
                self._wait("timeout", attempts, None, e)
            except oa.APIConnectionError as e:
                self._wait("connection", attempts, None, e)
            except oa.APIStatusError as e:
                if e.status_code >= 500 or e.status_code == 408:
                    self._wait("server", attempts, _retry_after(e), e)
                else:
                    raise CallFailed("bad_request", f"HTTP {e.status_code}：{_message(e)}") from None
            else:
                self._account(messages, response)
                choice = response.choices[0] if response.choices else None
                content = (choice.message.content if choice and choice.message else None) or ""
                return content

    def _wait(self, kind: str, attempts: dict, retry_after: Optional[float], exc: Exception) -> None:
        n = attempts.get(kind, 0)
        if n >= MAX_RETRIES[kind]:
            reason = REASONS[kind]
            if kind == "connection":
                reason += f"（{self.settings.endpoint}）"
            raise CallFailed(kind, reason) from exc
        attempts[kind] = n + 1
        delay = min(MAX_RETRY_AFTER, retry_after) if retry_after is not None else _backoff(n)
        log.info("%s from %s; retry %d in %.1fs", kind, self.settings.endpoint, n + 1, delay)
        # Wake early when another call hit a fatal error.
        if self.abort.wait(delay):
            raise CallFailed("aborted", REASONS["aborted"])

    def _account(self, messages: list[dict], response) -> None:
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        if prompt is None:
            prompt = sum(estimate_tokens(m["content"]) for m in messages)
        if completion is None:
            choice = response.choices[0] if response.choices else None
            completion = estimate_tokens(choice.message.content or "") if choice else 0
        self.stats.add(prompt=int(prompt), completion=int(completion))


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:200]
    return str(getattr(exc, "message", exc))[:200]
