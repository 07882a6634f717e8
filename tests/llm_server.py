"""A local OpenAI-compatible chat server for the model-stage tests and benchmark.

A real HTTP server on 127.0.0.1 (ephemeral port, one thread per request) serving
`POST /v1/chat/completions` and `GET /v1/models`, so the real `openai` client talks to
it over real sockets. Its behaviour mimics the servers users run:

- "schema":      supports response_format json_schema (OpenAI, vLLM);
- "json_object": answers 400 to json_schema, accepts json_object (DeepSeek);
- "prose":       answers 400 to any response_format; replies with JSON in a fenced
                 block inside prose (small local models);
- "invalid":     never returns valid JSON;
- "ungrounded":  findings whose quotes are not in the document;
- "empty":       valid answers with no findings;
- "rate_limit":  the first `fail_first` requests get 429 with Retry-After;
- "server_error":the first `fail_first` requests get 500;
- "slow":        the first `fail_first` requests (all when None) take `slow_seconds`;
- "reasoning":   answers 400 to any request that sets a temperature (o1-style models);
- "auth":        401 to everything.
Every reply waits `latency` seconds first. Token usage is counted with the same
estimate the planner uses (reviewer.llm.tokens), the schema of json_schema included.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

from reviewer.llm.tokens import estimate_tokens

MODEL_ID = "test-model"
UNGROUNDED_QUOTE = "本单位在火星设立了分支机构并圆满完成全部任务"
_TEXT = re.compile(r"【待审文本开始】\n(.*?)\n【待审文本结束】", re.S)
# Which category the default responder uses, by a phrase of each task's prompt.
_TASK_CATEGORY = (("有标题、无内容", "missing_part"), ("套话", "boilerplate"), ("结论、得分", "unsupported_claim"),
                  ("存在的问题", "unsupported_claim"), ("指标的归类", "inconsistency"))


def reviewed_text(user: str) -> str:
    m = _TEXT.search(user)
    return m.group(1) if m else ""


def first_sentence(text: str) -> str:
    """A quote the way a model takes it: the start of the first real sentence."""
    for line in text.split("\n"):
        line = line.split("｜")[0].strip()  # outline lines: the heading only
        for sentence in re.split(r"[。；]", line):
            if len(sentence) >= 8:
                return sentence[:30]
    return text[:20]


def grounded_answer(user: str, request: dict) -> dict:
    """One finding quoting the reviewed text, categorised by the task."""
    category = next((c for phrase, c in _TASK_CATEGORY if phrase in user), "boilerplate")
    return {"findings": [{
        "category": category, "severity": "info", "title": "测试意见",
        "detail": "本地测试服务器给出的意见。", "quote": first_sentence(reviewed_text(user)),
        "suggestion": "请核实。",
    }]}


def ungrounded_answer(user: str, request: dict) -> dict:
    return {"findings": [{
        "category": "unsupported_claim", "severity": "warning", "title": "无中生有的意见",
        "detail": "引文不在报告中。", "quote": UNGROUNDED_QUOTE, "suggestion": "无",
    }]}


def empty_answer(user: str, request: dict) -> dict:
    return {"findings": []}


class LLMServer:
    def __init__(self, behaviour: str = "schema", *, latency: float = 0.0,
                 responder: Optional[Callable[[str, dict], dict]] = None, fail_first: Optional[int] = 1,
                 retry_after: str = "1", slow_seconds: float = 3.0):
        self.behaviour = behaviour
        self.latency = latency
        self.responder = responder or {"ungrounded": ungrounded_answer, "empty": empty_answer}.get(
            behaviour, grounded_answer)
        self.fail_first = fail_first
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []  # every chat request body, in arrival order
        self.statuses: list[int] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> "LLMServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [
                        {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "test"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                status, payload, headers = server._answer(body)
                try:
                    self._send(status, payload, headers)
                except OSError:  # the client gave up (timeout tests)
                    pass

            def _send(self, status: int, payload: dict, headers: dict | None = None):
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="llm-test-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "LLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- behaviour ------------------------------------------------------------------

    @property
    def chat_requests(self) -> int:
        return len(self.requests)

    def formats(self) -> list[Optional[str]]:
        """The response_format type of every request (None when absent)."""
        return [(r.get("response_format") or {}).get("type") for r in self.requests]

    def _answer(self, body: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append(body)
            n = len(self.requests)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            status, payload, headers = self._respond(body, n)
        finally:
            with self._lock:
                self.in_flight -= 1
        with self._lock:
            self.statuses.append(status)
        return status, payload, headers

    def _early(self, n: int) -> bool:
        return self.fail_first is None or n <= self.fail_first

    def _respond(self, body: dict, n: int) -> tuple[int, dict, dict]:
        fmt = (body.get("response_format") or {}).get("type")
        b = self.behaviour
        if b == "auth":
            return 401, _error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"), {}
        if b == "rate_limit" and self._early(n):
            return 429, _error("Rate limit reached", "requests", "rate_limit_exceeded"), \
                {"Retry-After": self.retry_after}
        if b == "server_error" and self._early(n):
            return 500, _error("The server had an error", "server_error"), {}
        if b == "slow" and self._early(n):
            time.sleep(self.slow_seconds)
        if b == "reasoning" and "temperature" in body:
            return 400, _error("Unsupported parameter: 'temperature' is not supported with this model.",
                               "invalid_request_error"), {}
        if b == "json_object" and fmt == "json_schema":
            return 400, _error("This response_format type is unavailable now", "invalid_request_error"), {}
        if b == "prose" and fmt is not None:
            return 400, _error(f"response_format {fmt} is not supported", "invalid_request_error"), {}

        user = "\n".join(m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user")
        if b == "invalid":
            content = "抱歉，以下是结果：{findings: [ {category: boilerplate, quote: 未闭合"
        else:
            answer = json.dumps(self.responder(user, body), ensure_ascii=False)
            content = f"好的，审查结果如下：\n```json\n{answer}\n```\n如有疑问请告知。" if b == "prose" else answer
        prompt_tokens = sum(estimate_tokens(m.get("content") or "") for m in body.get("messages", []))
        if fmt == "json_schema":
            prompt_tokens += estimate_tokens(str(body["response_format"]["json_schema"].get("schema")))
        completion_tokens = estimate_tokens(content)
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
        return 200, {
            "id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", MODEL_ID),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }, {}


def _error(message: str, type_: str, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}
