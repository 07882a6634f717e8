"""The model stage end to end: samples reviewed through reviewer.pipeline against a real
local OpenAI-compatible server (tests/llm_server.py) with the real openai client."""
from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.ingest import load
from reviewer.llm import run_llm_stage
from reviewer.llm.cache import EndpointMemory
from reviewer.llm.plan import plan_calls
from reviewer.options import ReviewOptions
from reviewer.pipeline import document_info, review_file
from reviewer.rubric import load_rubric_for

from .conftest import SAMPLE_TXTS
from .llm_server import UNGROUNDED_QUOTE, LLMServer

SAMPLE = SAMPLE_TXTS[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No key, endpoint, model or reviewer.toml from the machine running the tests."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVIEWER_MODEL", "REVIEWER_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    EndpointMemory.forget_process_memory()
    yield
    EndpointMemory.forget_process_memory()


@pytest.fixture
def serve():
    servers = []

    def start(behaviour: str = "schema", **kw) -> LLMServer:
        server = LLMServer(behaviour, **kw).start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


def run(server: LLMServer, cache, path=SAMPLE, **kw):
    options = ReviewOptions(llm=kw.pop("llm", "on"), base_url=server.url, api_key="test",
                            cache_dir=str(cache), **kw)
    return review_file(path, options)


def llm_findings(review):
    return [f for f in review.findings if f.source == "llm" and f.rule != "llm.failed"]


def failure_findings(review):
    return [f for f in review.findings if f.rule == "llm.failed"]


def assert_grounded(review, doc):
    found = llm_findings(review)
    assert found
    for f in found:
        assert f.grounded and f.quote
        assert doc.text[f.location.start:f.location.end] == f.quote
        assert f.location.line and f.location.page


def test_json_schema_server_findings_reach_the_review(serve, tmp_path):
    server = serve("schema")
    review, doc = run(server, tmp_path)
    assert set(server.formats()) == {"json_schema"}
    assert_grounded(review, doc)
    assert {f.rule for f in llm_findings(review)} >= {"llm.problems_measures", "llm.boilerplate_mismatch"}
    usage = review.summary.llm
    assert usage.used and usage.model == "test-model"
    assert usage.calls == server.chat_requests
    assert usage.prompt_tokens == server.prompt_tokens
    assert usage.completion_tokens == server.completion_tokens


def test_json_object_only_server_falls_back_and_is_remembered(serve, tmp_path):
    server = serve("json_object")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    formats = server.formats()
    assert "json_object" in formats and 400 in server.statuses
    # Once the endpoint is known, no more json_schema attempts: not in this process…
    before = len(formats)
    run(server, tmp_path / "other-cache-1", path=SAMPLE_TXTS[2])
    assert set(server.formats()[before:]) == {"json_object"}
    # …nor in the next one (the cache folder remembers it).
    EndpointMemory.forget_process_memory()
    memory = json.loads((tmp_path / "llm" / "endpoints.json").read_text(encoding="utf-8"))
    assert memory[f"{server.url}#test-model"]["mode"] == "json_object"


def test_prose_server_json_is_extracted_from_fenced_text(serve, tmp_path):
    server = serve("prose")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert None in server.formats()
    assert not failure_findings(review)


def test_model_refusing_temperature_is_asked_without_it(serve, tmp_path):
    server = serve("reasoning")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert "temperature" not in server.requests[-1]
    assert set(server.formats()) == {"json_schema"}  # the output format was never the problem


def test_invalid_json_server_fails_the_stage_but_keeps_deterministic_findings(serve, tmp_path):
    offline, _ = review_file(SAMPLE, ReviewOptions(llm="off"))
    server = serve("invalid")
    review, _ = run(server, tmp_path)
    assert not review.summary.llm.used
    [failure] = failure_findings(review)
    assert failure.severity == "warning" and "JSON" in failure.detail
    # Each call asked once more with the validation error, then gave up.
    doc = load(SAMPLE)
    info = document_info(doc)
    planned = plan_calls(doc, info, load_rubric_for(info.kind), []).calls
    assert server.chat_requests == review.summary.llm.calls == 2 * len(planned)
    assert any("不合格" in (m.get("content") or "") for r in server.requests for m in r["messages"])
    kept = [f.model_dump(exclude={"id"}) for f in review.findings if f.rule != "llm.failed"]
    assert kept == [f.model_dump(exclude={"id"}) for f in offline.findings]


@pytest.mark.parametrize("keep", [False, True])
def test_ungrounded_quotes_are_dropped_or_kept_marked(serve, tmp_path, keep):
    server = serve("ungrounded")
    review, _ = run(server, tmp_path, keep_ungrounded=keep)
    found = llm_findings(review)
    if not keep:
        assert found == []
    else:
        assert found and all(not f.grounded and f.quote == UNGROUNDED_QUOTE for f in found)
        assert all(f.location.start is None for f in found)


def test_rate_limit_is_retried_after_the_servers_retry_after(serve, tmp_path):
    server = serve("rate_limit", fail_first=2, retry_after="1")
    started = time.perf_counter()
    review, doc = run(server, tmp_path)
    assert time.perf_counter() - started >= 1.0
    assert server.statuses.count(429) == 2
    assert_grounded(review, doc)
    assert not failure_findings(review)
    assert review.summary.llm.calls == server.chat_requests


def test_server_error_then_success(serve, tmp_path):
    server = serve("server_error", fail_first=1)
    review, doc = run(server, tmp_path)
    assert server.statuses[0] == 500 and server.statuses.count(500) == 1
    assert_grounded(review, doc)
    assert not failure_findings(review)


def test_reply_slower_than_timeout_is_retried(serve, tmp_path):
    server = serve("slow", fail_first=1, slow_seconds=2.5)
    review, doc = run(server, tmp_path, timeout=1)
    assert_grounded(review, doc)
    assert not failure_findings(review)


def test_server_always_slower_than_timeout_fails_the_stage_quickly(serve, tmp_path):
    server = serve("slow", fail_first=None, slow_seconds=3)
    started = time.perf_counter()
    review, _ = run(server, tmp_path, timeout=1, concurrency=8)
    assert time.perf_counter() - started < 6
    [failure] = failure_findings(review)
    assert "超时" in failure.detail
    assert not review.summary.llm.used


def test_authentication_failure_stops_all_calls(serve, tmp_path):
    server = serve("auth")
    review, _ = run(server, tmp_path, concurrency=1)
    [failure] = failure_findings(review)
    assert "认证" in failure.detail
    assert server.chat_requests == 1  # the other calls were not sent
    assert not review.summary.llm.used


def test_unchanged_rerun_is_answered_from_the_cache(serve, tmp_path):
    server = serve("schema")
    first, _ = run(server, tmp_path)
    sent = server.chat_requests
    second, _ = run(server, tmp_path)
    assert server.chat_requests == sent
    assert second.summary.llm.used and second.summary.llm.calls == 0
    assert [f.model_dump() for f in second.findings] == [f.model_dump() for f in first.findings]


def test_calls_run_concurrently_up_to_the_limit(serve, tmp_path):
    server = serve("schema", latency=0.3)
    doc = load(SAMPLE_TXTS[4])
    info = document_info(doc)
    options = ReviewOptions(llm="on", base_url=server.url, api_key="test", cache_dir=str(tmp_path), concurrency=3)
    findings, usage = run_llm_stage(doc, info, load_rubric_for(info.kind), [], options)
    assert usage.calls >= 4 and findings
    assert server.max_in_flight == 3


def test_llm_on_with_nothing_configured_says_so_without_calling(tmp_path):
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", cache_dir=str(tmp_path)))
    [failure] = failure_findings(review)
    assert "OPENAI_API_KEY" in failure.detail and not review.summary.llm.used


@pytest.mark.parametrize("behaviour,paths", [("empty", SAMPLE_TXTS), ("ungrounded", SAMPLE_TXTS[:2])],
                         ids=["empty", "ungrounded"])
def test_useless_server_leaves_the_offline_review_unchanged(serve, tmp_path, behaviour, paths):
    server = serve(behaviour)
    for path in paths:
        offline, _ = review_file(path, ReviewOptions(llm="off"))
        online, _ = run(server, tmp_path / path.stem, path=path)
        assert online.summary.llm.used and online.summary.llm.calls > 0
        a, b = json.loads(offline.model_dump_json()), json.loads(online.model_dump_json())
        a["summary"].pop("llm"), b["summary"].pop("llm")
        assert a == b


def test_cli_json_with_the_model_stage(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve("schema")
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "on",
                                 "--base-url", server.url, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["llm"]["used"] is True
    assert data["summary"]["llm"]["calls"] == server.chat_requests
    assert any(f["source"] == "llm" and f["grounded"] for f in data["findings"])
    assert (tmp_path / "cache" / "llm").is_dir()


@pytest.mark.parametrize("behaviour", ["invalid", "auth"])
def test_cli_llm_required_with_failing_server_exits_2(serve, tmp_path, monkeypatch, behaviour):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve(behaviour)
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "required",
                                 "--base-url", server.url])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_llm_on_with_failing_server_keeps_exit_code_of_findings(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve("auth")
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "on",
                                 "--base-url", server.url, "--fail-on", "never"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"]["llm"]["used"] is False
    assert any(f["rule"] == "llm.failed" for f in data["findings"])


def test_unreachable_endpoint_fails_with_a_clear_warning(tmp_path):
    server = LLMServer().start()
    url = server.url
    server.stop()  # nothing listens on that port any more
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", base_url=url, api_key="x", cache_dir=str(tmp_path),
                                                  model="m"))
    [failure] = failure_findings(review)
    assert "无法连接" in failure.detail
