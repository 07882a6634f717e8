"""The model stage end to end: samples reviewed through reviewer.pipeline against a real
local OpenAI-compatible server (tests/llm_server.py) with the real openai client."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

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
LONG_SAMPLE = max(SAMPLE_TXTS, key=lambda p: p.stat().st_size)  # read by parts
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No key, endpoint, model or reviewer.toml from the machine running the tests."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVIEWER_MODEL", "REVIEWER_CACHE_DIR", "DEEPSEEK_API_KEY",
                "DASHSCOPE_API_KEY", "ZHIPUAI_API_KEY"):
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
    options = ReviewOptions(llm=kw.pop("llm", "on"), base_url=server.url, api_key=kw.pop("api_key", "test"),
                            cache_dir=str(cache), **kw)
    return review_file(path, options)


def llm_findings(review):
    return [f for f in review.findings if f.source == "llm"]


def assert_grounded(review, doc):
    found = llm_findings(review)
    assert found
    for f in found:
        assert f.grounded and f.quote and f.grounding in ("exact", "normalised", "fuzzy")
        assert doc.text[f.location.start:f.location.end] == f.quote
        assert f.location.line and f.location.page


def without_llm_summary(review) -> dict:
    data = json.loads(review.model_dump_json())
    data["summary"].pop("llm")
    return data


def offline(path=SAMPLE) -> dict:
    return without_llm_summary(review_file(path, ReviewOptions(llm="off"))[0])


def planned_calls(path=SAMPLE) -> int:
    doc = load(path)
    info = document_info(doc)
    return len(plan_calls(doc, info, load_rubric_for(info.kind), []).calls)


# --- structured output and what the endpoint accepts ------------------------------------

def test_json_schema_server_findings_reach_the_review(serve, tmp_path):
    server = serve("schema")
    review, doc = run(server, tmp_path)
    assert set(server.formats()) == {"json_schema"}
    assert_grounded(review, doc)
    assert {f.rule for f in llm_findings(review)} <= {f"llm.{t.id}" for t in load_rubric_for("project").llm_tasks} | \
        {f"llm.{t.id}" for t in load_rubric_for("department_overall").llm_tasks} | {"llm.cross_part", "llm.review"}
    usage = review.summary.llm
    assert usage.used and usage.status == "ok" and usage.model == "test-model" and usage.failures == 0
    assert usage.calls == server.chat_requests
    assert usage.prompt_tokens == server.prompt_tokens
    assert usage.completion_tokens == server.completion_tokens
    assert usage.findings.returned == usage.findings.kept + usage.findings.merged + usage.findings.dropped


def test_short_report_is_read_whole_in_one_call(serve, tmp_path):
    server = serve("schema")
    doc = load(SAMPLE)
    run(server, tmp_path)
    [request] = server.requests
    user = request["messages"][-1]["content"]
    # Every paragraph of the report reaches the model, whole.
    for block in doc.paragraphs:
        words = "".join(block.text.split())
        assert words[-12:] in "".join(user.split())


def test_long_report_is_read_by_parts_with_a_shared_header_and_a_cross_part_call(serve, tmp_path):
    server = serve("schema")
    offline_review, _ = review_file(LONG_SAMPLE, ReviewOptions(llm="off"))
    run(server, tmp_path, path=LONG_SAMPLE)
    users = [r["messages"][-1]["content"] for r in server.requests]
    assert len(users) >= 3
    assert all("已发现的问题（不要重复）" in u and "报告提纲" in u for u in users)
    assert sum("跨部分核对" in u for u in users) == 1
    titles = {f.title for f in offline_review.findings if f.source == "prepass"}
    assert all(any(t in u for t in titles) for u in users)


def test_deepseek_json_schema_400_falls_back_and_is_remembered(serve, tmp_path):
    server = serve("json_object")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    formats = server.formats()
    assert formats[:2] == ["json_schema", "json_object"] and 400 in server.statuses
    before = len(formats)
    run(server, tmp_path / "other-cache-1", path=SAMPLE_TXTS[2])
    assert set(server.formats()[before:]) == {"json_object"}
    EndpointMemory.forget_process_memory()
    memory = json.loads((tmp_path / "llm" / "endpoints.json").read_text(encoding="utf-8"))
    assert memory[f"{server.url}#test-model"]["mode"] == "json_object"


def test_an_unrelated_400_never_demotes_the_output_format(serve, tmp_path):
    server = serve("unrelated_400")
    review, _ = run(server, tmp_path, path=LONG_SAMPLE)
    assert server.statuses[0] == 400
    assert set(server.formats()) == {"json_schema"}
    assert review.summary.llm.status == "partial" and review.summary.llm.failures == 1
    assert not (tmp_path / "llm" / "endpoints.json").exists() or \
        "mode" not in json.loads((tmp_path / "llm" / "endpoints.json").read_text()).get(f"{server.url}#test-model", {})


def test_prose_server_json_is_extracted_from_fenced_text(serve, tmp_path):
    server = serve("prose")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert None in server.formats()


def test_model_refusing_temperature_is_asked_without_it(serve, tmp_path):
    server = serve("reasoning")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert "temperature" not in server.requests[-1]
    assert set(server.formats()) == {"json_schema"}  # the output format was never the problem


def test_dashscope_thinking_refusal_is_repaired(serve, tmp_path):
    server = serve("dashscope")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert server.statuses[0] == 400 and server.requests[-1]["enable_thinking"] is False


def test_dashscope_preset_sends_enable_thinking_false_from_the_start(serve, tmp_path):
    server = serve("dashscope")
    review, doc = run(server, tmp_path, preset="dashscope", model="qwen-plus")
    assert_grounded(review, doc)
    assert 400 not in server.statuses
    assert all(r["enable_thinking"] is False for r in server.requests)
    assert server.formats() == ["json_object"] * len(server.requests)  # DashScope starts at json_object


# --- nothing lost silently ------------------------------------------------------------------

def test_cut_off_reply_is_retried_for_fewer_findings_with_explicit_max_tokens(serve, tmp_path):
    server = serve("truncate")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    first, retry = server.requests
    assert "max_tokens" not in first and retry["max_tokens"] >= 4096
    assert "超出长度限制" in retry["messages"][-1]["content"]
    usage = review.summary.llm
    assert usage.status == "ok" and not usage.truncated
    # The complete item of the cut reply and the retry's answer are both kept.
    assert usage.findings.returned >= 1


def test_reply_cut_twice_keeps_complete_items_and_says_so(serve, tmp_path):
    server = serve("truncate", truncate_always=True)
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    usage = review.summary.llm
    assert usage.truncated == 1 and "截断" in usage.message
    sent = server.chat_requests
    run(server, tmp_path)  # a truncated answer is not cached
    assert server.chat_requests == 2 * sent


def test_think_blocks_and_reasoning_content_are_not_parsed(serve, tmp_path):
    server = serve("think")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert server.chat_requests == planned_calls()  # no retry: the draft in <think> was ignored


def test_issues_envelope_and_chinese_keys_are_read(serve, tmp_path):
    server = serve("envelope")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert {(f.category, f.severity) for f in llm_findings(review)} == {("boilerplate", "error")}


def test_reply_without_a_findings_list_is_an_error_and_never_cached(serve, tmp_path):
    server = serve("no_list")
    review, _ = run(server, tmp_path)
    usage = review.summary.llm
    assert usage.status == "failed" and not usage.used and "findings" in usage.message
    assert server.chat_requests == 2 * planned_calls()  # asked once more, with the reason
    run(server, tmp_path)
    assert server.chat_requests == 4 * planned_calls()  # nothing was cached


def test_empty_first_reply_is_asked_again(serve, tmp_path):
    server = serve("empty_first")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert server.chat_requests == 2 * planned_calls()
    assert all(m["content"] for r in server.requests for m in r["messages"])  # no empty assistant turn


def test_server_without_usage_is_counted_by_estimate(serve, tmp_path):
    server = serve("no_usage")
    review, doc = run(server, tmp_path)
    assert_grounded(review, doc)
    assert review.summary.llm.prompt_tokens > 1000 and review.summary.llm.completion_tokens > 10


@pytest.mark.parametrize("behaviour", ["invalid", "auth", "no_list"])
def test_failing_model_stage_leaves_the_offline_review_and_says_why(serve, tmp_path, behaviour):
    server = serve(behaviour)
    review, _ = run(server, tmp_path)
    assert without_llm_summary(review) == offline()
    usage = review.summary.llm
    assert usage.status == "failed" and usage.message and not usage.used


def test_invalid_json_is_asked_once_more_with_the_error(serve, tmp_path):
    server = serve("invalid")
    review, _ = run(server, tmp_path)
    assert "JSON" in review.summary.llm.message
    assert server.chat_requests == review.summary.llm.calls == 2 * planned_calls()
    assert any("不合格" in (m.get("content") or "") for r in server.requests for m in r["messages"])


@pytest.mark.parametrize("keep", [False, True])
def test_ungrounded_quotes_are_dropped_or_kept_marked(serve, tmp_path, keep):
    server = serve("ungrounded")
    review, _ = run(server, tmp_path, keep_ungrounded=keep)
    found = llm_findings(review)
    if not keep:
        assert found == []
        assert review.summary.llm.findings.reasons == {"ungrounded": review.summary.llm.findings.dropped}
    else:
        assert found and all(not f.grounded and f.quote == UNGROUNDED_QUOTE for f in found)
        assert all(f.location.start is None for f in found)


@pytest.mark.parametrize("behaviour,paths", [("empty", SAMPLE_TXTS), ("ungrounded", SAMPLE_TXTS[:2])],
                         ids=["empty", "ungrounded"])
def test_useless_server_leaves_the_offline_review_unchanged(serve, tmp_path, behaviour, paths):
    server = serve(behaviour)
    for path in paths:
        online, _ = run(server, tmp_path / path.stem, path=path)
        assert online.summary.llm.used and online.summary.llm.calls > 0
        assert without_llm_summary(online) == offline(path)


# --- retries, deadlines, concurrency ---------------------------------------------------------

def test_rate_limit_is_retried_after_the_servers_retry_after(serve, tmp_path):
    server = serve("rate_limit", fail_first=2, retry_after="1")
    started = time.perf_counter()
    review, doc = run(server, tmp_path)
    assert time.perf_counter() - started >= 1.0
    assert server.statuses.count(429) == 2
    assert_grounded(review, doc)
    assert review.summary.llm.calls == server.chat_requests


def test_retry_after_an_hour_is_not_obeyed(serve, tmp_path):
    server = serve("rate_limit", fail_first=None, retry_after="3600")
    started = time.perf_counter()
    review, _ = run(server, tmp_path, timeout=3)
    assert time.perf_counter() - started < 5
    assert review.summary.llm.status == "failed" and "3600" in review.summary.llm.message


def test_server_error_then_success(serve, tmp_path):
    server = serve("server_error", fail_first=1)
    review, doc = run(server, tmp_path)
    assert server.statuses[0] == 500 and server.statuses.count(500) == 1
    assert_grounded(review, doc)


def test_reply_slower_than_timeout_is_retried(serve, tmp_path):
    server = serve("slow", fail_first=1, slow_seconds=2.5)
    review, doc = run(server, tmp_path, timeout=1)
    assert_grounded(review, doc)


def test_server_always_slower_than_timeout_fails_the_stage_quickly(serve, tmp_path):
    server = serve("slow", fail_first=None, slow_seconds=3)
    started = time.perf_counter()
    review, _ = run(server, tmp_path, timeout=1, concurrency=8)
    assert time.perf_counter() - started < 6
    assert "超时" in review.summary.llm.message and not review.summary.llm.used


def test_dripping_server_is_cut_at_the_timeout(serve, tmp_path):
    server = serve("drip", drip_interval=0.2)
    started = time.perf_counter()
    review, _ = run(server, tmp_path, timeout=2)
    elapsed = time.perf_counter() - started
    # Two attempts of at most 2 s each, a backoff, and no more: the drip never holds the call.
    assert elapsed < 8, elapsed
    assert review.summary.llm.status == "failed" and "超时" in review.summary.llm.message


def test_stage_deadline_bounds_the_whole_stage(serve, tmp_path):
    server = serve("slow", fail_first=None, slow_seconds=5)
    started = time.perf_counter()
    review, _ = run(server, tmp_path, path=LONG_SAMPLE, timeout=4, concurrency=1, stage_deadline=3)
    assert time.perf_counter() - started < 6
    assert review.summary.llm.status == "failed"


def test_single_slot_server_queue_does_not_fail_calls(serve, tmp_path):
    """llama.cpp with one slot: requests queue; queue time must not count as the model's."""
    server = serve("single_slot", slow_seconds=0.5)
    review, doc = run(server, tmp_path, path=LONG_SAMPLE, timeout=1.2, concurrency=4)
    assert review.summary.llm.status == "ok", review.summary.llm.message
    assert review.summary.llm.failures == 0
    assert_grounded(review, doc)


def test_authentication_failure_stops_all_calls(serve, tmp_path):
    server = serve("auth")
    review, _ = run(server, tmp_path, path=LONG_SAMPLE, concurrency=1)
    assert "认证" in review.summary.llm.message
    assert server.chat_requests == 1  # the other calls were not sent


def test_calls_run_concurrently_up_to_the_limit(serve, tmp_path):
    server = serve("schema", latency=0.3)
    doc = load(LONG_SAMPLE)
    info = document_info(doc)
    options = ReviewOptions(llm="on", base_url=server.url, api_key="test", cache_dir=str(tmp_path), concurrency=3)
    findings, usage = run_llm_stage(doc, info, load_rubric_for(info.kind), [], options)
    assert usage.calls >= 4 and findings
    assert server.max_in_flight == 3


def test_unreachable_endpoint_fails_with_a_clear_message(tmp_path):
    server = LLMServer().start()
    url = server.url
    server.stop()  # nothing listens on that port any more
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", base_url=url, api_key="x", cache_dir=str(tmp_path),
                                                  model="m"))
    assert "无法连接" in review.summary.llm.message
    assert without_llm_summary(review) == offline()


def test_llm_on_with_nothing_configured_says_so_without_calling(tmp_path):
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", cache_dir=str(tmp_path)))
    assert "OPENAI_API_KEY" in review.summary.llm.message and not review.summary.llm.used
    assert without_llm_summary(review) == offline()


# --- cache ---------------------------------------------------------------------------------

def test_unchanged_rerun_is_answered_from_the_cache(serve, tmp_path):
    server = serve("schema")
    first, _ = run(server, tmp_path)
    sent = server.chat_requests
    second, _ = run(server, tmp_path)
    assert server.chat_requests == sent
    assert second.summary.llm.used and second.summary.llm.calls == 0 and second.summary.llm.cached == sent
    assert [f.model_dump() for f in second.findings] == [f.model_dump() for f in first.findings]


def test_cache_key_includes_the_prompt_text(serve, tmp_path, monkeypatch):
    server = serve("schema")
    run(server, tmp_path / "cache")
    sent = server.chat_requests
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    review_prompt = prompts / "review.txt"
    # Same version line, one word changed: the answer may change, so the cache must miss.
    review_prompt.write_text(review_prompt.read_text(encoding="utf-8").replace("审核", "审查", 1), encoding="utf-8")
    monkeypatch.setenv("REVIEWER_PROMPTS_DIR", str(prompts))
    run(server, tmp_path / "cache")
    assert server.chat_requests == 2 * sent


# --- endpoint controls --------------------------------------------------------------------------

def write_user_config(tmp_path, text: str) -> Path:
    folder = tmp_path / "config" / "reviewer"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reviewer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_config_sets_endpoint_controls_and_task_models(serve, tmp_path, monkeypatch):
    server = serve("schema")
    monkeypatch.setenv("MY_LOCAL_KEY", "local-key-123456")
    write_user_config(tmp_path, f'''
[llm]
base_url = "{server.url}"
api_key_env = "MY_LOCAL_KEY"
model = "main-model"
max_tokens = 3000
temperature = "none"
extra_body = {{ top_k = 20 }}
[llm.task_models]
unsupported_claims = "judge-model"
[llm.endpoints."{server.url}"]
concurrency = 1
''')
    review, _ = review_file(SAMPLE, ReviewOptions(llm="auto", cache_dir=str(tmp_path / "cache")))
    assert review.summary.llm.used
    assert {r["model"] for r in server.requests} == {"main-model", "judge-model"}
    assert all(r["max_tokens"] == 3000 and r["top_k"] == 20 and "temperature" not in r for r in server.requests)
    assert server.max_in_flight == 1
    assert {h.get("authorization") for h in server.headers} == {"Bearer local-key-123456"}


def test_config_flag_names_the_users_file(serve, tmp_path):
    server = serve("schema")
    config = tmp_path / "elsewhere.toml"
    config.write_text(f'base_url = "{server.url}"\napi_key = "k-123456"\ntemperature = 0.3\n', encoding="utf-8")
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", config=str(config), cache_dir=str(tmp_path / "c")))
    assert review.summary.llm.used and server.requests[0]["temperature"] == 0.3


def test_project_folder_config_naming_an_endpoint_sends_nothing(serve, tmp_path, monkeypatch, caplog):
    server = serve("schema")
    monkeypatch.setenv("CANARY_KEY", "sk-canary-project-folder-000")
    project = tmp_path / "received"
    project.mkdir()
    shutil.copy(SAMPLE, project / SAMPLE.name)
    (project / "reviewer.toml").write_text(
        f'[llm]\nbase_url = "{server.url}"\napi_key_env = "CANARY_KEY"\nmodel = "x"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    for mode in ("auto", "on"):
        result = runner.invoke(app, ["review", SAMPLE.name, "--format", "json", "--llm", mode, "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        assert "已忽略当前文件夹" in caplog.text
        data = json.loads(result.stdout)
        assert data["summary"]["llm"]["used"] is False
    assert server.chat_requests == 0


# --- the audit log and secrets ---------------------------------------------------------------------

def test_llm_log_records_every_call_and_every_findings_fate(serve, tmp_path):
    server = serve("schema", findings_per_call=3)
    log_path = tmp_path / "audit.jsonl"
    review, _ = run(server, tmp_path / "cache", path=LONG_SAMPLE, llm_log=str(log_path))
    records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    calls = [r for r in records if r["type"] == "call"]
    fates = [r for r in records if r["type"] == "finding"]
    assert len(calls) == planned_calls(LONG_SAMPLE)
    for c in calls:
        assert len(c["prompt_sha256"]) == 64 and c["prompt"] and c["model"] == "test-model"
        assert c["mode"] == "json_schema" and c["reply"] and c["finish_reason"] == "stop"
        assert c["usage"]["prompt_tokens"] > 0 and c["latency"] >= 0 and c["cache_hit"] is False
    assert len(fates) == review.summary.llm.findings.returned
    shown = {f.id for f in review.findings}
    for r in fates:
        assert r["fate"] in ("kept", "merged", "dropped")
        if r["fate"] != "dropped":
            assert r["finding_id"] in shown
    # A cached re-run logs cache hits.
    run(server, tmp_path / "cache", path=LONG_SAMPLE, llm_log=str(log_path))
    again = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()][len(records):]
    assert all(r["cache_hit"] for r in again if r["type"] == "call")


def test_canary_key_never_reaches_any_file_even_when_the_server_echoes_it(serve, tmp_path, monkeypatch):
    canary = "sk-canary-4f1e9b2c7d"
    server = serve("echo")
    monkeypatch.setenv("OPENAI_API_KEY", canary)
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "on", "--base-url", server.url,
                                 "-o", str(out / "review.json"), "--llm-log", str(out / "calls.jsonl"),
                                 "--fail-on", "never", "-v"])
    assert result.exit_code == 0, result.output
    assert server.headers[0]["authorization"] == f"Bearer {canary}"  # the server did get it
    review = json.loads((out / "review.json").read_text(encoding="utf-8"))
    assert review["summary"]["llm"]["used"] and any(f["source"] == "llm" for f in review["findings"])
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "calls.jsonl" for p in written) and any(p.suffix == ".json" for p in written)
    for path in written:
        assert canary not in path.read_text(encoding="utf-8", errors="replace"), path
    assert canary not in result.output and canary not in result.stderr


def test_url_credentials_are_redacted_in_summary_and_messages(tmp_path):
    server = LLMServer().start()
    port = server.url.split(":")[2].split("/")[0]
    server.stop()
    url = f"http://user:hunter2-secret@127.0.0.1:{port}/v1"
    review, _ = review_file(SAMPLE, ReviewOptions(llm="on", base_url=url, api_key="x", cache_dir=str(tmp_path),
                                                  model="m"))
    text = review.model_dump_json()
    assert "hunter2-secret" not in text and review.summary.llm.endpoint.startswith("http://***@127.0.0.1")


# --- the command line ---------------------------------------------------------------------------

def test_cli_json_with_the_model_stage(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve("schema")
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "on",
                                 "--base-url", server.url, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["llm"]["used"] is True and data["summary"]["llm"]["status"] == "ok"
    assert data["summary"]["llm"]["calls"] == server.chat_requests
    assert any(f["source"] == "llm" and f["grounded"] and f["grounding"] for f in data["findings"])
    assert all("grounding" not in f for f in data["findings"] if f["source"] != "llm")


@pytest.mark.parametrize("behaviour", ["invalid", "auth"])
def test_cli_llm_required_with_failing_server_exits_2_and_writes_nothing(serve, tmp_path, monkeypatch, behaviour):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve(behaviour)
    out = tmp_path / "review.json"
    result = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "required",
                                 "--base-url", server.url, "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()
    assert "Traceback" not in result.output


def test_cli_failing_model_stage_output_equals_offline_and_stderr_says_why_in_one_line(serve, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    server = serve("auth")
    online = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--llm", "on",
                                 "--base-url", server.url, "--fail-on", "never"])
    plain = runner.invoke(app, ["review", str(SAMPLE), "--format", "json", "--no-llm", "--fail-on", "never"])
    assert online.exit_code == plain.exit_code == 0
    a, b = json.loads(online.stdout), json.loads(plain.stdout)
    assert a["summary"].pop("llm")["status"] == "failed"
    b["summary"].pop("llm")
    assert a == b
    lines = [line for line in online.stderr.splitlines() if "模型审查" in line]
    assert len(lines) == 1 and "认证" in lines[0]
