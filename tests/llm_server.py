"""A local OpenAI-compatible chat server for the model-stage tests and benchmark.

A real HTTP server on 127.0.0.1 (ephemeral port, one thread per request) serving
`POST /v1/chat/completions` and `GET /v1/models`, so the real `openai` client talks to
it over real sockets. Its behaviour mimics the servers users run:

- "schema":      supports response_format json_schema (OpenAI, vLLM);
- "json_object": answers 400 to json_schema, accepts json_object (DeepSeek's message);
- "prose":       answers 400 to any response_format; replies with JSON in a fenced
                 block inside prose (small local models);
- "invalid":     never returns valid JSON;
- "ungrounded":  findings whose quotes are not in the document;
- "empty":       valid answers with no findings;
- "no_list":     a JSON object without any findings list;
- "rate_limit":  the first `fail_first` requests get 429 with Retry-After;
- "server_error":the first `fail_first` requests get 500;
- "slow":        the first `fail_first` requests (all when None) take `slow_seconds`;
- "single_slot": one request at a time, `slow_seconds` each, others queue (llama.cpp
                 with one slot); a request whose client has gone is skipped;
- "drip":        sends the headers, then the body one byte every `drip_interval` s;
- "reasoning":   answers 400 to any request that sets a temperature (o1-style models);
- "dashscope":   400 unless `enable_thinking: false` is in the body (Qwen3 on DashScope);
- "unrelated_400": 400 about the messages (not about the format) to the first request;
- "truncate":    the first reply to each prompt is cut mid-JSON with finish_reason
                 "length"; a retry that asks for fewer findings is answered whole
                 (with `truncate_always`, it is cut too);
- "think":       a `<think>` block holding a draft JSON before the real answer, and a
                 `reasoning_content` field;
- "envelope":    the list under `issues`, keys and values in Chinese aliases;
- "empty_first": the first reply to each prompt is empty;
- "no_usage":    replies without a `usage` object;
- "echo":        replies that echo the request's API key (in prose and in a finding);
- "auth":        401 to everything.
Every reply waits `latency` seconds first. `raw_responder(user, body) -> (content,
finish_reason)` replaces the built-in replies entirely (the benchmark's replay).
Token usage is counted with the planner's estimate (reviewer.llm.tokens).
"""
from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

from reviewer.llm.tokens import estimate_tokens

MODEL_ID = "test-model"
UNGROUNDED_QUOTE = "本单位在火星设立了分支机构并圆满完成全部任务"
_TEXT = re.compile(r"【待审文本开始】\n(.*?)\n【待审文本结束】", re.S)
_CHECK = re.compile(r"\[([a-z_]+)\]")
DASHSCOPE_ERROR = "parameter.enable_thinking must be set to false for non-streaming calls"
DEEPSEEK_ERROR = "This response_format type is unavailable now"


def reviewed_text(user: str) -> str:
    m = _TEXT.search(user)
    return m.group(1) if m else ""


def sentences(text: str, n: int = 1) -> list[str]:
    """Quotes the way a model takes them: the start of the first real sentences."""
    out = []
    for line in text.split("\n"):
        if " | " in line:
            continue
        for sentence in re.split(r"[。；]", line):
            sentence = re.sub(r"〔[^〕]*〕", "", sentence).strip()
            if len(sentence) >= 12:
                out.append(sentence[:30])
                if len(out) >= n:
                    return out
    return out or [text[:20]]


def first_sentence(text: str) -> str:
    return sentences(text, 1)[0]


def grounded_answer(user: str, request: dict, n: int = 1) -> dict:
    """Findings quoting the reviewed text, each with the first checklist item as its check."""
    checks = _CHECK.findall(user)
    return {"findings": [{
        "category": "boilerplate", "severity": "info", "title": f"测试意见{i + 1}",
        "detail": f"本地测试服务器给出的第{i + 1}条意见：“{q[:6]}”表述需核实。", "quote": q, "section": "",
        "suggestion": "请核实。", "check": checks[0] if checks else "",
    } for i, q in enumerate(sentences(reviewed_text(user), n))]}


def ungrounded_answer(user: str, request: dict) -> dict:
    return {"findings": [{
        "category": "unsupported_claim", "severity": "warning", "title": "无中生有的意见",
        "detail": "引文不在报告中。", "quote": UNGROUNDED_QUOTE, "suggestion": "无",
    }]}


def empty_answer(user: str, request: dict) -> dict:
    return {"findings": []}


def _client_gone(handler) -> bool:
    """True when the client closed its side (a timed-out request nobody waits for)."""
    sock = handler.connection
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class LLMServer:
    def __init__(self, behaviour: str = "schema", *, latency: float = 0.0,
                 responder: Optional[Callable[[str, dict], dict]] = None, fail_first: Optional[int] = 1,
                 retry_after: str = "1", slow_seconds: float = 3.0, drip_interval: float = 0.5,
                 truncate_always: bool = False, findings_per_call: int = 1,
                 raw_responder: Optional[Callable[[str, dict], tuple[str, str]]] = None):
        self.behaviour = behaviour
        self.latency = latency
        self.findings_per_call = findings_per_call
        self.responder = responder or {"ungrounded": ungrounded_answer, "empty": empty_answer}.get(
            behaviour, lambda user, body: grounded_answer(user, body, self.findings_per_call))
        self.raw_responder = raw_responder
        self.fail_first = fail_first
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.drip_interval = drip_interval
        self.truncate_always = truncate_always
        self.requests: list[dict] = []  # every chat request body, in arrival order
        self.headers: list[dict] = []  # their headers
        self.statuses: list[int] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.skipped = 0  # single_slot: requests whose client had gone
        self._seen_prompts: set[str] = set()
        self._lock = threading.Lock()
        self._slot = threading.Lock()
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
                with server._lock:
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                try:
                    if server.behaviour == "single_slot":
                        with server._slot:
                            if _client_gone(self):
                                with server._lock:
                                    server.skipped += 1
                                return
                            status, payload, headers = server._answer(body, server.headers[-1])
                    else:
                        status, payload, headers = server._answer(body, server.headers[-1])
                    if server.behaviour == "drip" and status == 200:
                        self._drip(payload)
                    else:
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

            def _drip(self, payload: dict):
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.flush()
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(server.drip_interval)

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

    def _answer(self, body: dict, headers: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append(body)
            n = len(self.requests)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            status, payload, extra = self._respond(body, n, headers)
        finally:
            with self._lock:
                self.in_flight -= 1
        with self._lock:
            self.statuses.append(status)
        return status, payload, extra

    def _early(self, n: int) -> bool:
        return self.fail_first is None or n <= self.fail_first

    def _first_time(self, user: str) -> bool:
        with self._lock:
            first = user not in self._seen_prompts
            self._seen_prompts.add(user)
            return first

    def _respond(self, body: dict, n: int, headers: dict) -> tuple[int, dict, dict]:
        fmt = (body.get("response_format") or {}).get("type")
        b = self.behaviour
        if b == "auth":
            return 401, _error("Incorrect API key provided", "invalid_request_error", "invalid_api_key"), {}
        if b == "rate_limit" and self._early(n):
            return 429, _error("Rate limit reached", "requests", "rate_limit_exceeded"), \
                {"Retry-After": self.retry_after}
        if b == "server_error" and self._early(n):
            return 500, _error("The server had an error", "server_error"), {}
        if b in ("slow", "single_slot") and (b == "single_slot" or self._early(n)):
            time.sleep(self.slow_seconds)
        if b == "reasoning" and "temperature" in body:
            return 400, _error("Unsupported parameter: 'temperature' is not supported with this model.",
                               "invalid_request_error"), {}
        if b == "dashscope" and body.get("enable_thinking") is not False:
            return 400, _error(DASHSCOPE_ERROR, "invalid_request_error", "InvalidParameter"), {}
        if b == "unrelated_400" and n == 1:
            return 400, _error("Invalid 'messages[1].content': string too long.", "invalid_request_error"), {}
        if b == "json_object" and fmt == "json_schema":
            return 400, _error(DEEPSEEK_ERROR, "invalid_request_error", "invalid_request_error"), {}
        if b == "prose" and fmt is not None:
            return 400, _error(f"response_format {fmt} is not supported", "invalid_request_error"), {}

        messages = body.get("messages", [])
        first_user = next((m.get("content") or "" for m in messages if m.get("role") == "user"), "")
        last_user = next((m.get("content") or "" for m in reversed(messages) if m.get("role") == "user"), "")
        user = "\n".join(m.get("content") or "" for m in messages if m.get("role") == "user")
        finish = "stop"
        message: dict = {"role": "assistant"}
        if self.raw_responder is not None:
            content, finish = self.raw_responder(first_user, body)
        elif b == "invalid":
            content = "抱歉，以下是结果：{findings: [ {category: boilerplate, quote: 未闭合"
        elif b == "no_list":
            content = json.dumps({"result": "已审核", "count": 0}, ensure_ascii=False)
        elif b == "empty_first" and self._first_time(first_user):
            content = ""
        elif b == "truncate" and ("超出长度限制" not in last_user or self.truncate_always):
            full = json.dumps(grounded_answer(first_user, body, 3), ensure_ascii=False)
            cut_at = full.index("测试意见2") + 40  # inside the second finding
            content, finish = full[:cut_at], "length"
        elif b == "truncate":
            content = json.dumps(grounded_answer(first_user, body, 1), ensure_ascii=False)
        elif b == "think":
            draft = json.dumps({"findings": []})
            answer = json.dumps(self.responder(first_user, body), ensure_ascii=False)
            content = f"<think>先起草：{draft}，再核对引文。</think>\n{answer}"
            message["reasoning_content"] = "思考过程：" + draft
        elif b == "envelope":
            items = grounded_answer(first_user, body)["findings"]
            content = json.dumps({"issues": [{"类别": "模板残留/套话", "严重程度": "高", "标题": i["title"],
                                              "说明": i["detail"], "原文": i["quote"], "建议": i["suggestion"]}
                                             for i in items]}, ensure_ascii=False)
        elif b == "echo":
            key = (headers.get("authorization") or "").removeprefix("Bearer ")
            answer = grounded_answer(first_user, body)
            for item in answer["findings"]:
                item["detail"] += f"（调试：密钥 {key}）"
            content = f"收到密钥 {key}。\n```json\n{json.dumps(answer, ensure_ascii=False)}\n```"
        else:
            answer = json.dumps(self.responder(user, body), ensure_ascii=False)
            content = f"好的，审查结果如下：\n```json\n{answer}\n```\n如有疑问请告知。" if b == "prose" else answer
        message["content"] = content
        prompt_tokens = sum(estimate_tokens(m.get("content") or "") for m in messages)
        if fmt == "json_schema":
            prompt_tokens += estimate_tokens(str(body["response_format"]["json_schema"].get("schema")))
        completion_tokens = estimate_tokens(content)
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
        payload = {
            "id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", MODEL_ID),
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        }
        if b != "no_usage":
            payload["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                "total_tokens": prompt_tokens + completion_tokens}
        return 200, payload, {}


def _error(message: str, type_: str, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}
