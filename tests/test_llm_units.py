"""The model stage's parts: reading replies, grounding quotes, prompts, the call plan
and its budget, and configuration."""
from __future__ import annotations

import json

import pytest

from reviewer.ingest import load
from reviewer.llm import llm_configured
from reviewer.llm.answer import AnswerError, answer_json_schema, parse_answer, salvage_answer
from reviewer.llm.config import resolve_settings
from reviewer.llm.grounding import locate_quote
from reviewer.llm.plan import BUDGET_FACTOR, CHUNK_CHARS, DEFAULT_TASKS, plan_calls, water_fill
from reviewer.llm.prompts import PromptError, load_prompt, parse_template
from reviewer.llm.tokens import estimate_tokens
from reviewer.options import ReviewOptions
from reviewer.pipeline import document_info
from reviewer.rubric import Rubric, load_rubric_for

from .conftest import SAMPLE_TXTS

ITEM = {"category": "boilerplate", "severity": "warning", "title": "套话", "detail": "d", "quote": "q",
        "suggestion": "s"}
ANSWER = json.dumps({"findings": [ITEM]}, ensure_ascii=False)


# --- replies --------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    ANSWER,
    f"```json\n{ANSWER}\n```",
    f"好的，结果如下：\n```\n{ANSWER}\n```\n以上。",
    f"审查意见：{ANSWER} 请参考。",
    json.dumps([ITEM], ensure_ascii=False),
    json.dumps({"result": [ITEM]}, ensure_ascii=False),
], ids=["plain", "fenced", "fenced-in-prose", "inline-in-prose", "bare-list", "other-key"])
def test_valid_replies_are_read(reply):
    answer = parse_answer(reply)
    assert [f.category for f in answer.findings] == ["boilerplate"]


@pytest.mark.parametrize("reply,message", [
    ("没有发现问题。", "没有可解析的 JSON"),
    ('{"findings": [{"category": "typo", "severity": "warning", "title": "t", "quote": "q"}]}', "category"),
    ('{"findings": [{"category": "wording", "severity": "fatal", "title": "t"}]}', "severity"),
    ('{"findings": [{"category": "wording", "severity": "info"}]}', "title"),
    ('{"findings": "none"}', "findings"),
], ids=["no-json", "bad-category", "bad-severity", "no-title", "not-a-list"])
def test_invalid_replies_explain_what_is_wrong(reply, message):
    with pytest.raises(AnswerError, match=message):
        parse_answer(reply)


@pytest.mark.parametrize("category,severity,expected", [
    ("boilerplate", "warning", ("boilerplate", "warning")),
    (" Boilerplate ", "WARNING", ("boilerplate", "warning")),
    ("模板残留/套话", "警告", ("boilerplate", "warning")),
    ("unsupported_claim（结论缺乏支撑）", "错误", ("unsupported_claim", "error")),
], ids=["ids", "case-and-space", "chinese-labels", "id-with-gloss"])
def test_categories_and_severities_are_read_leniently(category, severity, expected):
    reply = json.dumps({"findings": [{**ITEM, "category": category, "severity": severity}]}, ensure_ascii=False)
    f = parse_answer(reply).findings[0]
    assert (f.category, f.severity) == expected


def test_salvage_keeps_the_valid_items_of_a_partly_invalid_reply():
    reply = json.dumps({"findings": [ITEM, {**ITEM, "category": "typo"}]}, ensure_ascii=False)
    assert [f.title for f in salvage_answer(reply).findings] == ["套话"]
    assert salvage_answer("不是 JSON") is None


def test_strict_schema_requires_every_field_and_forbids_extras():
    item = answer_json_schema()["properties"]["findings"]["items"]
    assert set(item["required"]) == set(item["properties"]) and item["additionalProperties"] is False


# --- grounding ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def doc():
    return load(SAMPLE_TXTS[1])


@pytest.mark.parametrize("quote,found", [
    ("年度实际支出率达 84.9%", True),  # verbatim
    ("年度实际支出率达84.9%", True),  # white space differs
    ("决算数 169.02 万元,年度实际支出率达 84.9%", True),  # half-width comma for full-width
    ("“年度实际支出率达 84.9%”", True),  # wrapped in quotation marks
    ("整体年初预算安排199.09……年度实际支出率达 84.9%", True),  # elided with an ellipsis
    ("万元，年度实际支出率达 84.9%（后略）", True),  # a mark of the prompt copied along
    ("年度实际支出率达 99.9%", False),  # a figure the report does not state
    ("84.", False),  # too short to point anywhere
    ("", False),
], ids=["verbatim", "spaces", "punct-drift", "quoted", "ellipsis", "prompt-mark", "absent", "too-short", "empty"])
def test_quotes_are_located_in_the_document(doc, quote, found):
    span = locate_quote(doc, quote)
    assert (span is not None) == found
    if span:
        assert "84.9" in doc.text[span[0]:span[1]]


# --- prompts --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["system"] + [t.prompt for t in DEFAULT_TASKS])
def test_prompt_files_are_versioned_and_ask_for_json(name):
    template = load_prompt(name)
    assert template.version and "JSON" in template.body
    if name != "system":
        assert {"unit", "year", "kind"} <= template.inputs
        assert "section_text" in template.inputs or "outline" in template.inputs


def test_rubric_tasks_have_their_prompt_files():
    for kind in ("department_overall", "project"):
        for task in load_rubric_for(kind).llm_tasks:
            assert load_prompt(task.prompt).version


@pytest.mark.parametrize("text,error", [
    ("reads: sections\n\n请输出 JSON {unit}", "version"),
    ("version: 1\nreads: everything\n\n请输出 JSON", "reads"),
    ("version: 1\n\n请输出结果 {unit}", "JSON"),
    ("version: 1\n\n请输出 JSON {unknown_input}", "unknown"),
], ids=["no-version", "bad-reads", "no-json", "unknown-input"])
def test_bad_prompt_templates_are_refused(text, error):
    with pytest.raises(PromptError, match=error):
        parse_template("t", text)


def test_template_keeps_json_braces_and_fills_named_inputs():
    t = parse_template("t", 'version: 2\n\n单位：{unit}\n没有问题输出 {"findings": []}，JSON')
    assert t.render({"unit": "某县总工会"}) == '单位：某县总工会\n没有问题输出 {"findings": []}，JSON\n'


# --- the plan -------------------------------------------------------------------------

def _plan(path, rubric=None):
    d = load(path)
    info = document_info(d)
    return d, plan_calls(d, info, rubric or load_rubric_for(info.kind), [])


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_prompts_stay_within_three_times_the_document(path):
    d, plan = _plan(path)
    total = sum(estimate_tokens(plan.system) + estimate_tokens(c.user) for c in plan.calls)
    assert plan.calls and total <= BUDGET_FACTOR * estimate_tokens(d.text)
    for call in plan.calls:
        text = "\n".join(p.text for p in call.pieces)
        assert len(text) <= CHUNK_CHARS * 3 // 2 and len(text) < len(d.text) * 0.8  # never the whole report
        assert call.template.body.split("{")[0][:8] in call.user


def test_rubric_without_tasks_uses_the_built_in_five():
    _, plan = _plan(SAMPLE_TXTS[0], Rubric(name="bare", title="bare"))
    assert {c.task.id for c in plan.calls} == {t.id for t in DEFAULT_TASKS}


def test_problems_task_reads_the_problem_and_measure_parts():
    d, plan = _plan(SAMPLE_TXTS[0])
    [call] = [c for c in plan.calls if c.task.id == "problems_measures"]
    assert "问题" in call.user and "措施" in call.user
    assert "年度履职目标相关性" not in call.user  # the score table belongs to other tasks


@pytest.mark.parametrize("sizes,total,expected", [
    ({"a": 100, "b": 100}, 300, {"a": 100, "b": 100}),
    ({"a": 100, "b": 1000}, 600, {"a": 100, "b": 500}),
    ({"a": 300, "b": 1000, "c": 1000}, 1300, {"a": 300, "b": 500, "c": 500}),
], ids=["fits", "large-cut", "small-kept"])
def test_water_fill_cuts_the_largest_first(sizes, total, expected):
    assert water_fill(sizes, total, floor=0) == expected


# --- configuration --------------------------------------------------------------------

@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVIEWER_MODEL", "REVIEWER_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("options,env,toml,configured", [
    ({}, {}, None, False),
    ({"api_key": "k"}, {}, None, True),
    ({"base_url": "http://127.0.0.1:1/v1"}, {}, None, True),
    ({}, {"OPENAI_API_KEY": "k"}, None, True),
    ({}, {"OPENAI_BASE_URL": "http://h/v1"}, None, True),
    ({}, {}, ("cwd", '[llm]\nbase_url = "http://h/v1"\n'), True),
    ({}, {}, ("xdg", 'api_key = "k"\n'), True),
    ({}, {}, ("cwd", '[llm]\nmodel = "m"\n'), False),
    ({}, {}, ("cwd", "not toml ["), False),
], ids=["nothing", "option-key", "option-url", "env-key", "env-url", "toml-cwd", "toml-xdg", "toml-model-only",
        "toml-broken"])
def test_llm_configured(clean_env, monkeypatch, options, env, toml, configured):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if toml:
        where, text = toml
        folder = clean_env if where == "cwd" else clean_env / "xdg" / "reviewer"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "reviewer.toml").write_text(text, encoding="utf-8")
    assert llm_configured(ReviewOptions(**options)) is configured


def test_settings_precedence_options_then_env_then_toml(clean_env, monkeypatch):
    (clean_env / "reviewer.toml").write_text(
        '[llm]\nbase_url = "http://toml/v1"\nmodel = "toml-model"\napi_key_env = "MY_KEY"\nconcurrency = 7\n',
        encoding="utf-8")
    monkeypatch.setenv("MY_KEY", "secret")
    s = resolve_settings(ReviewOptions())
    assert (s.base_url, s.model, s.api_key, s.concurrency) == ("http://toml/v1", "toml-model", "secret", 7)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    monkeypatch.setenv("REVIEWER_MODEL", "env-model")
    s = resolve_settings(ReviewOptions())
    assert (s.base_url, s.model) == ("http://env/v1", "env-model")
    s = resolve_settings(ReviewOptions(base_url="http://flag/v1", model="flag-model", concurrency=2))
    assert (s.base_url, s.model, s.concurrency) == ("http://flag/v1", "flag-model", 2)


def test_cache_dir_defaults_under_xdg_cache(clean_env, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_env / "cache"))
    assert resolve_settings(ReviewOptions()).cache_dir == clean_env / "cache" / "reviewer"
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(clean_env / "mine"))
    assert resolve_settings(ReviewOptions()).cache_dir == clean_env / "mine"
