"""One chat call to an OpenAI-compatible endpoint, made robust and accountable.

- Structured output falls back step by step and the endpoint's answer is remembered:
  `json_schema` (strict) -> `json_object` (schema written in the prompt) -> plain text
  (JSON extracted from prose or a fenced block). Only a 400/422 whose message names
  `response_format`, JSON or a schema demotes the mode; one that names the temperature,
  `enable_thinking` or `max_tokens` drops or fixes that parameter instead; any other 400
  fails the call and changes nothing.
- `finish_reason: length` is never read as an answer: the complete items of the cut
  reply are kept, and the call is asked once more, with an explicit `max_tokens`, for
  fewer and shorter findings (only those not yet received whole); if that is cut too,
  the complete items of both replies are kept and the call is reported as truncated.
- A reply that does not validate is answered once with the validation error.
- 429, 5xx, timeouts and dropped connections are retried with capped exponential
  backoff. `timeout` is a wall-clock deadline per request (a server that drips its
  reply byte by byte is cut at the deadline), and a Retry-After longer than it fails
  the call instead of waiting. Authentication, permission, unknown model and exhausted
  quota stop the whole stage at once.
- A timeout while several calls were in flight lowers the endpoint's concurrency (a
  single-slot local server queues requests, and queue time is not the model's time).
"""
from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

from .answer import AnswerError, ModelAnswer, answer_json_schema, parse_answer, salvage_answer
from .cache import EndpointMemory
from .config import FALLBACK_MODEL, MODES, LLMSettings, known_default_model
from .redact import redact
from .tokens import estimate_tokens

log = logging.getLogger("reviewer.llm")

# Retry policy. Waits are capped so a misbehaving server cannot stall a review.
MAX_RETRIES = {"rate_limit": 4, "server": 3, "connection": 2, "timeout": 1}
CONTENTION_RETRIES = 3  # timeouts forgiven while the endpoint's concurrency is lowered
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
RETRY_MAX_TOKENS = 4096  # the explicit output limit of the retry after a cut-off reply
NO_KEY = "not-needed"  # local servers take any key; the openai client insists on one
_FORMAT_ERROR = re.compile(r"response_format|json|schema", re.I)
_THINKING_ERROR = re.compile(r"enable_thinking|thinking", re.I)
_MAX_TOKENS_ERROR = re.compile(r"max_tokens|max_completion_tokens|maximum.*tokens", re.I)


class CallFailed(Exception):
    """A call that failed for good. `fatal` failures stop the remaining calls too."""

    def __init__(self, kind: str, message: str, fatal: bool = False, exchanges: list | None = None):
        super().__init__(redact(message))
        self.kind = kind
        self.fatal = fatal
        self.exchanges = exchanges or []


REASONS = {
    "auth": "模型服务拒绝了 API 密钥（认证失败）",
    "permission": "API 密钥无权使用该模型",
    "not_found": "模型服务找不到该模型或接口地址有误",
    "quota": "模型服务额度已用完",
    "rate_limit": "模型服务持续限流（429）",
    "server": "模型服务内部错误（5xx）",
    "connection": "无法连接到模型服务",
    "timeout": "模型调用超时",
    "deadline": "模型审查超过总时限",
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


@dataclass
class Exchange:
    """One HTTP request and its reply, for the audit log."""

    mode: str
    params: dict
    reply: str = ""
    reasoning_chars: int = 0
    finish_reason: Optional[str] = None
    usage: Optional[dict] = None
    latency: float = 0.0
    status: Optional[int] = None
    error: Optional[str] = None
    purpose: str = "first"  # first, retry_invalid, retry_length, retry_timeout …


@dataclass
class CallResult:
    answer: ModelAnswer
    model: str
    mode: str
    exchanges: list[Exchange]
    truncated: bool = False  # cut by the output limit even after the retry
    cacheable: bool = True


@dataclass
class Reply:
    text: str
    finish_reason: Optional[str]


# --- a real deadline per request ------------------------------------------------------------

_context = threading.local()


class _Deadline:
    def __init__(self, at: float, abort: threading.Event):
        self.at = at
        self.abort = abort

    def remaining(self) -> float:
        return self.at - time.monotonic()


def _deadline_transport():
    """An httpx transport that clips every phase's timeout to the request's deadline and
    checks the deadline between received chunks (httpx's read timeout restarts with every
    byte, so a dripping server would otherwise hold a call for ever)."""
    import httpx

    class DeadlineStream(httpx.SyncByteStream):
        def __init__(self, inner, deadline: _Deadline, request):
            self.inner, self.deadline, self.request = inner, deadline, request

        def __iter__(self):
            for chunk in self.inner:
                if self.deadline.abort.is_set() or self.deadline.remaining() <= 0:
                    raise httpx.ReadTimeout("deadline exceeded while reading the reply", request=self.request)
                yield chunk

        def close(self):
            self.inner.close()

    class DeadlineTransport(httpx.BaseTransport):
        def __init__(self):
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request):
            deadline: Optional[_Deadline] = getattr(_context, "deadline", None)
            if deadline is not None:
                left = deadline.remaining()
                if left <= 0:
                    raise httpx.ReadTimeout("deadline exceeded", request=request)
                timeouts = dict(request.extensions.get("timeout") or {})
                request.extensions["timeout"] = {k: min(v, left) if v else left
                                                 for k, v in {**{"connect": None, "read": None, "write": None,
                                                                 "pool": None}, **timeouts}.items()}
            response = self.inner.handle_request(request)
            if deadline is not None:
                response.stream = DeadlineStream(response.stream, deadline, request)
            return response

        def close(self):
            self.inner.close()

    return DeadlineTransport()


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _shared_client(settings: LLMSettings):
    """One client (and connection pool) per endpoint and key for the whole process:
    building one costs more than a local call, and a batch reviews many documents."""
    import httpx
    import openai

    key = (settings.base_url, settings.api_key, settings.timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            http = httpx.Client(transport=_deadline_transport(), timeout=settings.timeout, follow_redirects=True)
            client = openai.OpenAI(api_key=settings.api_key or NO_KEY, base_url=settings.base_url,
                                   timeout=settings.timeout, max_retries=0, http_client=http)
            _clients[key] = client
        return client


class EndpointGate:
    """How many calls may be in flight at one endpoint; lowered when calls time out
    while others wait in the server's queue. Shared by all documents of a process."""

    _gates: dict[str, "EndpointGate"] = {}
    _gates_lock = threading.Lock()

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.in_flight = 0
        self._cond = threading.Condition()

    @classmethod
    def of(cls, endpoint: str, limit: int) -> "EndpointGate":
        with cls._gates_lock:
            gate = cls._gates.get(endpoint)
            if gate is None or gate.limit > limit:
                gate = cls._gates[endpoint] = cls(limit)
            return gate

    @classmethod
    def forget(cls) -> None:
        with cls._gates_lock:
            cls._gates.clear()

    def acquire(self, abort: threading.Event, until: float) -> bool:
        with self._cond:
            while self.in_flight >= self.limit:
                left = until - time.monotonic()
                if abort.is_set() or left <= 0:
                    return False
                self._cond.wait(min(left, 0.2))
            self.in_flight += 1
            return True

    def release(self) -> None:
        with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def lower(self) -> None:
        with self._cond:
            if self.limit > 1:
                self.limit = max(1, self.limit // 2)
                log.info("endpoint queue suspected: concurrency lowered to %d", self.limit)


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
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _backoff(attempt: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt) * (0.75 + random.random() / 2)


def _usage_dict(usage) -> Optional[dict]:
    if usage is None:
        return None
    out = {}
    for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = getattr(usage, name, None)
        if value is not None:
            out[name] = value
    return out or None


class ChatClient:
    def __init__(self, settings: LLMSettings, memory: EndpointMemory, stats: CallStats,
                 abort: threading.Event | None = None, stage_deadline: float | None = None):
        import openai  # heavy: imported only when the stage runs

        self._openai = openai
        self.settings = settings
        self.memory = memory
        self.stats = stats
        self.abort = abort or threading.Event()
        self.stage_deadline = stage_deadline  # time.monotonic() value, or None
        self.client = _shared_client(settings)
        self.gate = EndpointGate.of(settings.endpoint, settings.concurrency)
        self.model = self._resolve_model()

    # --- model and mode -------------------------------------------------------------

    def _resolve_model(self) -> str:
        s = self.settings
        model = s.model or known_default_model(s.endpoint) or self.memory.get(s.safe_endpoint, "model")
        if model:
            return model
        try:  # local servers (vLLM, Ollama, llama.cpp) serve models under their own names
            with self._deadline(min(10.0, s.timeout)):
                listed = [m.id for m in self.client.models.list(timeout=min(10.0, s.timeout)).data]
        except Exception as e:  # noqa: BLE001 - any failure just means "use the fallback"
            log.info("cannot list models at %s: %s", s.safe_endpoint, redact(str(e)))
            listed = []
        model = listed[0] if listed else FALLBACK_MODEL
        if listed:
            self.memory.set(s.safe_endpoint, "model", model)
        return model

    def _mode_key(self, model: str) -> str:
        return f"{self.settings.safe_endpoint}#{model}"

    def _start_mode(self, model: str) -> str:
        mode = self.memory.get(self._mode_key(model), "mode")
        if mode in MODES:
            return mode
        return self.settings.mode if self.settings.mode in MODES else MODES[0]

    def _demote(self, model: str, failed_mode: str) -> str:
        nxt = MODES[min(len(MODES) - 1, MODES.index(failed_mode) + 1)]
        if MODES.index(self._start_mode(model)) < MODES.index(nxt):
            log.info("endpoint %s: %s unsupported, using %s", self._mode_key(model), failed_mode, nxt)
            self.memory.set(self._mode_key(model), "mode", nxt)
        return nxt

    def _flag(self, model: str, name: str) -> Optional[str]:
        return self.memory.get(self._mode_key(model), name)

    # --- one logical call -------------------------------------------------------------

    def complete(self, messages: list[dict], model: str | None = None, max_findings: int = 10) -> CallResult:
        """The validated answer to `messages` (with the exchanges that produced it), or CallFailed."""
        model = model or self.model
        exchanges: list[Exchange] = []
        try:
            return self._complete(messages, model, max_findings, exchanges)
        except CallFailed as e:
            e.exchanges = exchanges
            raise

    def _complete(self, messages, model, max_findings, exchanges) -> CallResult:
        mode = self._start_mode(model)
        reply, mode = self._exchange(messages, model, mode, exchanges, "first")
        if reply.finish_reason == "length":
            return self._after_cut(messages, model, mode, reply, max_findings, exchanges)
        try:
            return CallResult(parse_answer(reply.text), model, mode, exchanges)
        except AnswerError as first_error:
            error = first_error
        # Ask once more, showing the model what was wrong with its reply (an empty reply
        # is simply asked again: some servers refuse an empty assistant turn).
        retry = list(messages)
        if reply.text.strip():
            retry += [{"role": "assistant", "content": reply.text[:4000]},
                      {"role": "user", "content": f"上面的回复不合格：{error}。请只输出一个符合要求的 JSON 对象，不要任何其他文字。"}]
        try:
            second, mode = self._exchange(retry, model, mode, exchanges, "retry_invalid")
        except CallFailed as e:
            if e.kind in ("bad_request",):
                raise CallFailed("invalid_output", f"{REASONS['invalid_output']}：{error}") from e
            raise
        if second.finish_reason == "length":
            return self._after_cut(messages, model, mode, second, max_findings, exchanges)
        try:
            return CallResult(parse_answer(second.text), model, mode, exchanges)
        except AnswerError as e:
            salvaged = salvage_answer(second.text) or salvage_answer(reply.text)
            if salvaged is not None:
                return CallResult(salvaged, model, mode, exchanges, cacheable=False)
            raise CallFailed("invalid_output", f"{REASONS['invalid_output']}：{e}") from None

    def _after_cut(self, messages, model, mode, cut: Reply, max_findings: int, exchanges) -> CallResult:
        """A reply cut by the output limit: ask for fewer findings with an explicit limit."""
        first = salvage_answer(cut.text)
        limit = max(self.settings.max_tokens or 0, RETRY_MAX_TOKENS)
        if first and first.findings:
            # Keep what arrived whole; ask only for the rest, fewer and shorter.
            received = "\n".join(f"- {f.title}：“{f.quote[:24]}”" for f in first.findings)
            fewer = max(3, max_findings - len(first.findings))
            ask = (f"上一次回复超出长度限制被截断。以下意见已完整收到，不要重复：\n{received}\n"
                   f"请只列出其余尚未列出的意见，最多{fewer}条，每条 detail 不超过60字；没有其余意见就输出 "
                   '{"findings": []}。不要输出思考过程，只输出一个完整的 JSON 对象。')
        else:
            fewer = max(3, max_findings // 2)
            ask = (f"上一次回复超出长度限制被截断。请重新回答：只列最重要的{fewer}条，每条 detail 不超过60字，"
                   "不要输出思考过程，只输出一个完整的 JSON 对象。")
        retry = list(messages) + [{"role": "user", "content": ask}]
        second, mode = self._exchange(retry, model, mode, exchanges, "retry_length", max_tokens=limit)
        if second.finish_reason != "length":
            try:
                answer = parse_answer(second.text)
                return CallResult(_union(answer, first), model, mode, exchanges)
            except AnswerError:
                pass
        again = salvage_answer(second.text)
        kept = _union(again, first) if (again or first) else None
        if kept is None:
            raise CallFailed("truncated", "模型回复两次被长度限制截断，未得到完整意见")
        log.warning("模型回复两次被长度限制截断，只保留完整的 %d 条意见", len(kept.findings))
        return CallResult(kept, model, mode, exchanges, truncated=True, cacheable=False)

    # --- one exchange with parameter repair -------------------------------------------

    def _exchange(self, messages, model, mode, exchanges, purpose, max_tokens=None) -> tuple[Reply, str]:
        """The reply to `messages`, adapting the request to what the endpoint accepts."""
        oa = self._openai
        for _ in range(8):  # each repair removes one cause; never loops for ever
            params = self._params(model, mode, max_tokens)
            try:
                return self._send(messages, model, mode, params, exchanges, purpose), mode
            except (oa.BadRequestError, oa.UnprocessableEntityError) as e:
                message = _message(e)
                if "temperature" in params and "temperature" in message.lower():
                    # Reasoning models refuse a temperature; that is not about the output format.
                    self.memory.set(self._mode_key(model), "temperature", "off")
                    continue
                if _THINKING_ERROR.search(message) and self._flag(model, "thinking") != "off":
                    # DashScope's Qwen3: non-streaming calls need enable_thinking false.
                    self.memory.set(self._mode_key(model), "thinking", "off")
                    continue
                if "max_tokens" in params and _MAX_TOKENS_ERROR.search(message):
                    self.memory.set(self._mode_key(model), "max_tokens", "off")
                    max_tokens = None
                    continue
                if mode != MODES[-1] and "response_format" in params and _FORMAT_ERROR.search(message):
                    mode = self._demote(model, mode)
                    continue
                raise CallFailed("bad_request", f"{REASONS['bad_request']}：{message}") from None
        raise CallFailed("bad_request", REASONS["bad_request"])

    def _params(self, model: str, mode: str, max_tokens: int | None) -> dict:
        s = self.settings
        params: dict = {}
        temperature = s.temperature_for(model)
        if temperature is not None and self._flag(model, "temperature") != "off":
            params["temperature"] = temperature
        limit = max_tokens or s.max_tokens
        if limit and self._flag(model, "max_tokens") != "off":
            params["max_tokens"] = int(limit)
        extra = dict(s.extra_body)
        if self._flag(model, "thinking") == "off":
            extra["enable_thinking"] = False
        if extra:
            params["extra_body"] = extra
        if mode == "json_schema":
            params["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "review_findings", "strict": True, "schema": answer_json_schema()}}
        elif mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        return params

    # --- the HTTP request, with retries and deadlines ----------------------------------

    def _deadline(self, seconds: float):
        outer = self

        class Scope:
            def __enter__(self_inner):
                at = time.monotonic() + seconds
                if outer.stage_deadline is not None:
                    at = min(at, outer.stage_deadline)
                _context.deadline = _Deadline(at, outer.abort)
                return _context.deadline

            def __exit__(self_inner, *exc):
                _context.deadline = None

        return Scope()

    def _stage_left(self) -> float:
        return float("inf") if self.stage_deadline is None else self.stage_deadline - time.monotonic()

    def _send(self, messages, model, mode, params, exchanges, purpose) -> Reply:
        """The reply, retrying transient failures. 400/422 are left to the caller."""
        oa = self._openai
        attempts: dict[str, int] = {}
        forgiven = 0
        while True:
            if self.abort.is_set():
                raise CallFailed("aborted", REASONS["aborted"])
            if self._stage_left() <= 0:
                raise CallFailed("deadline", REASONS["deadline"])
            if not self.gate.acquire(self.abort, time.monotonic() + max(0.0, min(self._stage_left(), 3600))):
                raise CallFailed("aborted" if self.abort.is_set() else "deadline",
                                 REASONS["aborted" if self.abort.is_set() else "deadline"])
            crowded = self.gate.in_flight > 1
            exchange = Exchange(mode=mode, params={k: v for k, v in params.items() if k != "response_format"},
                                purpose=purpose)
            exchange.params["response_format"] = (params.get("response_format") or {}).get("type")
            exchanges.append(exchange)
            started = time.monotonic()
            try:
                self.stats.add(requests=1)
                with self._deadline(self.settings.timeout):
                    response = self.client.chat.completions.create(
                        model=model, messages=messages, timeout=self.settings.timeout, **params)
            except (oa.BadRequestError, oa.UnprocessableEntityError) as e:
                exchange.status, exchange.error = e.status_code, redact(_message(e))
                raise
            except oa.AuthenticationError as e:
                exchange.status, exchange.error = 401, redact(_message(e))
                raise CallFailed("auth", f"{REASONS['auth']}：{_message(e)}", fatal=True) from None
            except oa.PermissionDeniedError as e:
                exchange.status, exchange.error = 403, redact(_message(e))
                raise CallFailed("permission", f"{REASONS['permission']}：{_message(e)}", fatal=True) from None
            except oa.NotFoundError as e:
                exchange.status, exchange.error = 404, redact(_message(e))
                raise CallFailed("not_found", f"{REASONS['not_found']}（{model}）：{_message(e)}",
                                 fatal=True) from None
            except oa.RateLimitError as e:
                exchange.status, exchange.error = 429, redact(_message(e))
                if e.code == "insufficient_quota":
                    raise CallFailed("quota", REASONS["quota"], fatal=True) from None
                self._wait("rate_limit", attempts, _retry_after(e), e)
            except oa.APITimeoutError as e:
                exchange.error = "timeout"
                if crowded and forgiven < CONTENTION_RETRIES and self._stage_left() > 0:
                    # Probably queued behind other calls: fewer at once, and try again.
                    forgiven += 1
                    self.gate.lower()
                    continue
                self._wait("timeout", attempts, None, e)
            except oa.APIConnectionError as e:
                exchange.error = "connection"
                self._wait("connection", attempts, None, e)
            except oa.APIStatusError as e:
                exchange.status, exchange.error = e.status_code, redact(_message(e))
                if e.status_code >= 500 or e.status_code == 408:
                    self._wait("server", attempts, _retry_after(e), e)
                else:
                    raise CallFailed("bad_request", f"HTTP {e.status_code}：{_message(e)}") from None
            else:
                exchange.status = 200
                exchange.latency = round(time.monotonic() - started, 3)
                choice = response.choices[0] if response.choices else None
                message = choice.message if choice else None
                content = (message.content if message else None) or ""
                reasoning = getattr(message, "reasoning_content", None) if message else None
                if reasoning is None and message is not None and getattr(message, "model_extra", None):
                    reasoning = message.model_extra.get("reasoning_content") or message.model_extra.get("reasoning")
                exchange.reply = redact(content)
                exchange.reasoning_chars = len(reasoning or "")
                exchange.finish_reason = getattr(choice, "finish_reason", None) if choice else None
                exchange.usage = _usage_dict(getattr(response, "usage", None))
                self._account(messages, response, content)
                return Reply(content, exchange.finish_reason)
            finally:
                if not exchange.latency:
                    exchange.latency = round(time.monotonic() - started, 3)
                self.gate.release()

    def _wait(self, kind: str, attempts: dict, retry_after: Optional[float], exc: Exception) -> None:
        n = attempts.get(kind, 0)
        if n >= MAX_RETRIES[kind]:
            reason = REASONS[kind]
            if kind == "connection":
                reason += f"（{self.settings.safe_endpoint}）"
            raise CallFailed(kind, reason) from exc
        if retry_after is not None and retry_after > self.settings.timeout:
            # Waiting longer than a call may take would hold the review: give up now.
            raise CallFailed(kind, f"{REASONS[kind]}：服务要求 {retry_after:.0f} 秒后重试，超过单次调用时限 "
                                   f"{self.settings.timeout:.0f} 秒") from exc
        attempts[kind] = n + 1
        delay = retry_after if retry_after is not None else _backoff(n)
        delay = max(0.0, min(delay, self._stage_left()))
        log.info("%s from %s; retry %d in %.1fs", kind, self.settings.safe_endpoint, n + 1, delay)
        # Wake early when another call hit a fatal error.
        if self.abort.wait(delay):
            raise CallFailed("aborted", REASONS["aborted"])
        if self._stage_left() <= 0:
            raise CallFailed("deadline", REASONS["deadline"]) from exc

    def _account(self, messages: list[dict], response, content: str) -> None:
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        if prompt is None:  # servers that send no usage: our estimate
            prompt = sum(estimate_tokens(m["content"]) for m in messages)
        if completion is None:
            completion = estimate_tokens(content)
        self.stats.add(prompt=int(prompt), completion=int(completion))


def _union(primary: Optional[ModelAnswer], extra: Optional[ModelAnswer]) -> ModelAnswer:
    """Findings of both answers, each quote once (the complete items of a cut-off reply
    are as good as the shorter answer asked for after it)."""
    out = list(primary.findings) if primary else []
    seen = {(f.quote.strip(), f.category) for f in out}
    for f in (extra.findings if extra else []):
        if (f.quote.strip(), f.category) not in seen:
            seen.add((f.quote.strip(), f.category))
            out.append(f)
    invalid = (primary.invalid if primary else 0) + (extra.invalid if extra else 0)
    return ModelAnswer(findings=out, invalid=invalid)


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return redact(str(err["message"])[:200])
        if isinstance(err, str):
            return redact(err[:200])
    return redact(str(getattr(exc, "message", exc))[:200])
