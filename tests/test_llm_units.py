"""The model stage's parts: reading replies, grounding quotes, prompts, the call plan,
configuration and redaction."""
from __future__ import annotations

import json
import logging

import pytest

from reviewer.ingest import load
from reviewer.llm import llm_configured
from reviewer.llm.answer import (AnswerError, answer_json_schema, complete_items, parse_answer, salvage_answer,
                                 strip_reasoning)
from reviewer.llm.config import ConfigError, resolve_settings
from reviewer.llm.grounding import locate, normalise
from reviewer.llm.plan import (BUDGET_FACTOR, CONTINUED_MARK, CUT_MARK, DEFAULT_TASKS, Piece, checklist_lines,
                               plan_calls, split_piece)
from reviewer.llm.prompts import PromptError, load_prompt, parse_template
from reviewer.llm.redact import RedactingFilter, redact, remember_secret
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
    json.dumps({"issues": [ITEM]}, ensure_ascii=False),
    json.dumps({"problems": [ITEM]}, ensure_ascii=False),
    json.dumps({"问题": [ITEM]}, ensure_ascii=False),
    json.dumps({"result": {"findings": [ITEM]}}, ensure_ascii=False),
    f'<think>草稿：{{"findings": []}}</think>\n{ANSWER}',
    f"<think>先想一想……</think>```json\n{ANSWER}\n```",
    f'推理过程省略 {{"findings": []}}</think>{ANSWER}',
    # relaxed JSON as small models and some servers send it
    ANSWER.replace("}]}", ",}],}"),
    ANSWER.replace('{"findings"', '{// 审查结果\n"findings"'),
    ANSWER.replace('"', "'"),
    "{“findings”: [{“category”: “boilerplate”, “severity”: “warning”, “title”: “套话”, “detail”: “d”, “quote”: “q”}]}",
], ids=["plain", "fenced", "fenced-in-prose", "inline-in-prose", "bare-list", "issues", "problems", "chinese-key",
        "nested", "think-draft", "think-then-fence", "stray-close-tag", "trailing-commas", "comment",
        "single-quotes", "chinese-quote-marks"])
def test_valid_replies_are_read(reply):
    answer = parse_answer(reply)
    assert [f.category for f in answer.findings] == ["boilerplate"]


@pytest.mark.parametrize("reply,message", [
    ("没有发现问题。", "没有可解析的 JSON"),
    ("", "为空"),
    ('<think>{"findings": [{"category": "wording"}]}', "为空"),
    ('{"result": "已审核", "count": 0}', "没有 findings 列表"),
    ('{"findings": [{"category": "galaxy", "severity": "warning", "title": "t", "quote": "q"}]}', "category"),
    ('{"findings": [{"category": "wording", "severity": "fatalistic", "title": "t"}]}', "severity"),
    ('{"findings": [{"category": "wording", "severity": "info"}]}', "title"),
    ('{"findings": "none"}', "findings"),
], ids=["no-json", "empty", "unclosed-think", "no-list", "bad-category", "bad-severity", "no-title-no-detail",
        "not-a-list"])
def test_invalid_replies_explain_what_is_wrong(reply, message):
    with pytest.raises(AnswerError, match=message):
        parse_answer(reply)


@pytest.mark.parametrize("category,severity,expected", [
    ("boilerplate", "warning", ("boilerplate", "warning")),
    (" Boilerplate ", "WARNING", ("boilerplate", "warning")),
    ("模板残留/套话", "警告", ("boilerplate", "warning")),
    ("unsupported_claim（结论缺乏支撑）", "错误", ("unsupported_claim", "error")),
    ("套话", "高", ("boilerplate", "error")),
    ("前后不一致", "中", ("inconsistency", "warning")),
    ("缺少必备内容", "低", ("missing_part", "info")),
    ("错别字", "轻微", ("wording", "info")),
    ("比例/比率不符", "严重", ("ratio", "error")),
    ("typo", "一般", ("wording", "warning")),
    ("逻辑矛盾", "高风险", ("inconsistency", "error")),
    ("表述不清", "中风险", ("wording", "warning")),
    ("执行率不符", "一般问题", ("ratio", "warning")),
    ("数据错误", "建议修改", ("inconsistency", "info")),
], ids=["ids", "case-and-space", "chinese-labels", "id-with-gloss", "high", "medium", "low", "minor", "serious",
        "english-alias", "words-held-1", "words-held-2", "words-held-3", "words-held-4"])
def test_categories_and_severities_are_read_leniently(category, severity, expected):
    reply = json.dumps({"findings": [{**ITEM, "category": category, "severity": severity}]}, ensure_ascii=False)
    f = parse_answer(reply).findings[0]
    assert (f.category, f.severity) == expected


@pytest.mark.parametrize("key", ["quote", "evidence", "原文", "引文", "引用"])
def test_quote_key_aliases(key):
    item = {k: v for k, v in ITEM.items() if k != "quote"} | {key: "年度实际支出率达84.9%"}
    [f] = parse_answer(json.dumps({"findings": [item]}, ensure_ascii=False)).findings
    assert f.quote == "年度实际支出率达84.9%"


def test_chinese_keys_throughout():
    item = {"类别": "套话", "严重程度": "一般", "标题": "空泛", "说明": "没有数据", "原文": "加强管理", "建议": "补充数据",
            "所在部分": "四、存在问题"}
    [f] = parse_answer(json.dumps({"问题清单": [item]}, ensure_ascii=False)).findings
    assert (f.category, f.severity, f.title, f.detail, f.quote, f.suggestion, f.section) == \
        ("boilerplate", "warning", "空泛", "没有数据", "加强管理", "补充数据", "四、存在问题")


def test_title_comes_from_the_detail_when_missing():
    item = {k: v for k, v in ITEM.items() if k != "title"} | {"detail": "问题表述空泛，没有原因。"}
    [f] = parse_answer(json.dumps([item], ensure_ascii=False)).findings
    assert f.title == "问题表述空泛"


def test_strip_reasoning_keeps_the_answer_only():
    assert strip_reasoning("<think>a</think>b<thinking>c</thinking>d") == "bd"
    assert strip_reasoning("答案<think>未完的思考") == "答案"


def test_salvage_keeps_the_valid_items_of_a_partly_invalid_reply():
    reply = json.dumps({"findings": [ITEM, {**ITEM, "category": "galaxy"}]}, ensure_ascii=False)
    answer = salvage_answer(reply)
    assert [f.title for f in answer.findings] == ["套话"] and answer.invalid == 1
    assert salvage_answer("不是 JSON") is None


def test_complete_items_of_a_cut_off_list():
    full = json.dumps({"findings": [ITEM, {**ITEM, "title": "第二条"}, {**ITEM, "title": "第三条"}]},
                      ensure_ascii=False)
    cut = full[: full.index("第三条") + 2]
    assert [i["title"] for i in complete_items(cut)] == ["套话", "第二条"]
    assert [f.title for f in salvage_answer(cut).findings] == ["套话", "第二条"]


def test_strict_schema_requires_every_field_and_forbids_extras():
    item = answer_json_schema()["properties"]["findings"]["items"]
    assert set(item["required"]) == set(item["properties"]) and item["additionalProperties"] is False


# --- grounding ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def doc():
    return load(SAMPLE_TXTS[1])


@pytest.mark.parametrize("quote,level", [
    ("年度实际支出率达 84.9%", "exact"),
    ("年度实际支出率达84.9%", "exact"),  # white space differs
    ("“年度实际支出率达 84.9%”", "exact"),  # wrapped in quotation marks
    ("决算数 169.02 万元；年度实际支出率达 84.9%", "normalised"),  # another punctuation mark
    ("年度实际支出率达84.90%", "normalised"),  # 84.9 written 84.90
    ("决算数 | 169.02 | 万元", "normalised"),  # table cells joined by a separator
    ("整体年初预算安排199.09……年度实际支出率达 84.9%", "normalised"),  # elided with an ellipsis
    ("万元，年度实际支出率达 84.9%（后略）", "normalised"),  # a mark of the prompt copied along
    ("2021年本部门整体年初预算安排199.09万元，决算数169.02万元", "fuzzy"),  # words dropped
    ("本部门认真的开展了绩效自评工作", "fuzzy"),  # words added
    ("指导基层工会开展群众性经济技术创新活动及劳动竞赛、岗位练兵和技能比赛等群众活动", "fuzzy"),
    ("年度实际支出率达 99.9%", None),  # a figure the report does not state
    ("2021年本部门整体年初预算安排199.09万元，决算数196.02万元", None),  # fuzzy, but a number differs
    ("84.", None),  # too short to point anywhere
    ("", None),
], ids=["verbatim", "spaces", "quoted", "punct-drift", "trailing-zero", "cells", "ellipsis", "prompt-mark",
        "dropped-words", "added-words", "near-copy", "absent", "number-guard", "too-short", "empty"])
def test_quotes_are_located_in_the_document(doc, quote, level):
    found = locate(doc, quote)
    assert (found[1] if found else None) == level
    if found:
        start, end = found[0]
        shown = doc.text[start:end]
        assert normalise(shown)[:4] and shown == doc.text[start:end]  # the document's own words


@pytest.mark.parametrize("a,b", [("13,628.59万元", "13628.59万元"), ("7.50%", "7.5%"), ("100.00分", "100分"),
                                 ("A | B｜C/D", "ABCD")])
def test_number_and_separator_normalisation(a, b):
    assert normalise(a) == normalise(b)


def test_a_quote_occurring_twice_resolves_to_the_named_section():
    from reviewer.document import DocumentBuilder
    from reviewer.sections import build_sections

    builder = DocumentBuilder("t.txt", "txt")
    for line in ["一、基本情况", "本年度共开展培训12次，参训人员达到了预期目标。", "二、存在的问题",
                 "本年度共开展培训12次，参训人员达到了预期目标。", "三、改进措施", "加强培训。"]:
        builder.add_paragraph(line)
    d = builder.build()
    d.sections = build_sections(d)
    spans = [locate(d, "共开展培训12次", section=s)[0] for s in ("二、存在的问题", "一、基本情况", "")]
    assert d.section_title_at(spans[0][0]).endswith("存在的问题")
    assert d.section_title_at(spans[1][0]).endswith("基本情况")
    assert spans[0] != spans[1]


# --- prompts --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["system", "review", "cross_part"] + [t.prompt for t in DEFAULT_TASKS])
def test_prompt_files_are_versioned_and_ask_for_json(name):
    template = load_prompt(name)
    assert template.version and "JSON" in template.body


def test_prompts_forbid_generic_advice_with_one_example():
    body = load_prompt("system").body
    assert "反例" in body and "建议进一步加强绩效管理" in body


@pytest.mark.parametrize("task", DEFAULT_TASKS, ids=lambda t: t.id)
def test_every_task_prompt_yields_a_checklist(task):
    lines = checklist_lines(load_prompt(task.prompt), task)
    assert len([line for line in lines if not line.startswith(("category", "quote"))]) >= 2


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

def _plan(path, rubric=None, **kw):
    d = load(path)
    info = document_info(d)
    return d, plan_calls(d, info, rubric or load_rubric_for(info.kind), [], **kw)


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_every_paragraph_is_read_and_prompts_stay_within_budget(path):
    d, plan = _plan(path)
    total = sum(estimate_tokens(plan.system) + estimate_tokens(c.user) for c in plan.calls)
    assert plan.calls and total <= BUDGET_FACTOR * estimate_tokens(d.text)
    sent = "".join("".join(c.user.split()) for c in plan.calls)
    for block in d.blocks:
        if not block.is_table:
            words = "".join(block.text.split())
            assert words[:10] in sent and words[-10:] in sent


@pytest.mark.parametrize("path", SAMPLE_TXTS, ids=lambda p: p.stem)
def test_reports_within_the_budget_are_read_whole_in_one_or_two_calls(path):
    d, plan = _plan(path)
    if len(d.text) <= 11000:
        assert plan.mode == "whole" and 1 <= len(plan.calls) <= 2
        assert {t for c in plan.calls for t in c.task_ids} >= {t.id for t in load_rubric_for(
            document_info(d).kind).llm_tasks} | {"cross_part"}
    else:
        assert plan.mode == "parts" and sum(c.id == "cross" for c in plan.calls) == 1


def test_the_whole_report_budget_is_configurable():
    d, plan = _plan(SAMPLE_TXTS[1], whole_chars=1500)
    assert plan.mode == "parts" and len(plan.calls) >= 3


def test_a_task_with_its_own_model_gets_its_own_calls():
    _, plan = _plan(SAMPLE_TXTS[1], task_models={"unsupported_claims": "judge"})
    own = [c for c in plan.calls if c.model == "judge"]
    assert own and all(c.task_ids == ["unsupported_claims"] for c in own)
    assert all("unsupported_claims" not in c.task_ids for c in plan.calls if c.model is None)


def test_rubric_without_tasks_uses_the_built_in_five():
    _, plan = _plan(SAMPLE_TXTS[0], Rubric(name="bare", title="bare"))
    assert {t for c in plan.calls for t in c.task_ids} == {t.id for t in DEFAULT_TASKS} | {"cross_part"}


def test_long_paragraphs_are_cut_only_at_sentence_ends_with_a_marker():
    sentence = "本年度完成培训任务共计12场次，参训人数达到1,200人次。"
    piece = Piece(0, 10, sentence * 40, "x")
    parts = split_piece(piece, 300)
    assert len(parts) > 2 and all(len(p.text) <= 300 for p in parts)
    for p in parts[:-1]:
        assert p.text.endswith("。" + CUT_MARK)
    assert all(p.text.startswith(CONTINUED_MARK) for p in parts[1:])
    joined = "".join(p.text.replace(CUT_MARK, "").replace(CONTINUED_MARK, "") for p in parts)
    assert joined == piece.text  # nothing lost


# --- configuration --------------------------------------------------------------------

@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REVIEWER_MODEL", "REVIEWER_CACHE_DIR", "XDG_CACHE_HOME",
                "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reviewer.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("options,env,toml,configured", [
    ({}, {}, None, False),
    ({"api_key": "k"}, {}, None, True),
    ({"base_url": "http://127.0.0.1:1/v1"}, {}, None, True),
    ({"preset": "ollama"}, {}, None, True),
    ({}, {"OPENAI_API_KEY": "k"}, None, True),
    ({}, {"OPENAI_BASE_URL": "http://h/v1"}, None, True),
    ({}, {}, ("cwd", '[llm]\nbase_url = "http://h/v1"\n'), False),  # a project folder never chooses
    ({}, {}, ("xdg", '[llm]\nbase_url = "http://h/v1"\n'), True),
    ({}, {}, ("xdg", 'api_key = "k"\n'), True),
    ({}, {}, ("xdg", 'preset = "deepseek"\n'), True),
    ({}, {}, ("xdg", '[llm]\nmodel = "m"\n'), False),
    ({}, {}, ("xdg", "not toml ["), False),
], ids=["nothing", "option-key", "option-url", "option-preset", "env-key", "env-url", "toml-cwd-ignored",
        "toml-xdg-url", "toml-xdg-key", "toml-xdg-preset", "toml-model-only", "toml-broken"])
def test_llm_configured(clean_env, monkeypatch, options, env, toml, configured):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if toml:
        where, text = toml
        _write(clean_env if where == "cwd" else clean_env / "xdg" / "reviewer", text)
    assert llm_configured(ReviewOptions(**options)) is configured


def test_settings_precedence_options_then_env_then_user_config(clean_env, monkeypatch):
    _write(clean_env / "xdg" / "reviewer",
           '[llm]\nbase_url = "http://toml/v1"\nmodel = "toml-model"\napi_key_env = "MY_KEY"\nconcurrency = 7\n')
    monkeypatch.setenv("MY_KEY", "secret")
    s = resolve_settings(ReviewOptions())
    assert (s.base_url, s.model, s.api_key, s.concurrency) == ("http://toml/v1", "toml-model", "secret", 7)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    monkeypatch.setenv("REVIEWER_MODEL", "env-model")
    s = resolve_settings(ReviewOptions())
    assert (s.base_url, s.model) == ("http://env/v1", "env-model")
    s = resolve_settings(ReviewOptions(base_url="http://flag/v1", model="flag-model", concurrency=2))
    assert (s.base_url, s.model, s.concurrency) == ("http://flag/v1", "flag-model", 2)


def test_project_folder_endpoint_and_key_variable_are_ignored_with_a_notice(clean_env, monkeypatch, caplog):
    _write(clean_env, '[llm]\nbase_url = "http://evil/v1"\napi_key_env = "HOME_SECRET"\n')
    monkeypatch.setenv("HOME_SECRET", "do-not-send")
    with caplog.at_level(logging.WARNING):
        s = resolve_settings(ReviewOptions())
    assert s.base_url != "http://evil/v1" and s.api_key != "do-not-send"
    assert "已忽略当前文件夹" in caplog.text and "base_url" in caplog.text


@pytest.mark.parametrize("preset,checks", [
    ("deepseek", {"model": "deepseek-chat", "mode": "json_object", "api_key": "ds-key-123456"}),
    ("dashscope", {"model": "qwen-plus", "extra_body": {"enable_thinking": False}}),
    ("qwen", {"model": "qwen-plus"}),
    ("glm", {"model": "glm-4-flash", "temperature": 0.1}),
    ("vllm", {"base_url": "http://127.0.0.1:8000/v1", "concurrency": 8}),
    ("ollama", {"base_url": "http://127.0.0.1:11434/v1", "concurrency": 1, "temperature": None, "timeout": 300.0}),
    ("llamacpp", {"base_url": "http://127.0.0.1:8080/v1", "concurrency": 1, "max_tokens": 4096}),
])
def test_presets(clean_env, monkeypatch, preset, checks):
    monkeypatch.setenv("DEEPSEEK_API_KEY", "ds-key-123456")
    s = resolve_settings(ReviewOptions(preset=preset))
    for name, value in checks.items():
        assert getattr(s, name) == value, name


def test_thinking_models_get_no_temperature_zero(clean_env):
    s = resolve_settings(ReviewOptions(base_url="http://h/v1"))
    assert s.temperature_for("deepseek-reasoner") is None and s.temperature_for("qwen-plus") == 0.0


@pytest.mark.parametrize("options,message", [
    ({"preset": "nonesuch"}, "未知的模型预设"),
    ({"temperature": "warm"}, "temperature"),
    ({"config": "/nonexistent/reviewer.toml"}, "找不到配置文件"),
])
def test_bad_settings_say_what_is_wrong(clean_env, options, message):
    with pytest.raises(ConfigError, match=message):
        resolve_settings(ReviewOptions(**options))


def test_cache_dir_defaults_under_xdg_cache(clean_env, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_env / "cache"))
    assert resolve_settings(ReviewOptions()).cache_dir == clean_env / "cache" / "reviewer"
    monkeypatch.setenv("REVIEWER_CACHE_DIR", str(clean_env / "mine"))
    assert resolve_settings(ReviewOptions()).cache_dir == clean_env / "mine"


# --- redaction ------------------------------------------------------------------------

@pytest.mark.parametrize("text,secret", [
    ("https://user:p4ssw0rd@api.example.com/v1", "p4ssw0rd"),
    ("http://127.0.0.1:8080/v1?api_key=abcdef123456", "abcdef123456"),
    ("Authorization: Bearer eyJhbGciOi.secret-token", "eyJhbGciOi.secret-token"),
    ("key sk-proj-abcdefghijklmnop in a message", "sk-proj-abcdefghijklmnop"),
    ("remembered plain-secret-value echoed", "plain-secret-value"),
])
def test_redact(text, secret):
    remember_secret("plain-secret-value")
    assert secret not in redact(text)


def test_log_records_are_redacted():
    remember_secret("log-secret-987654")
    record = logging.LogRecord("reviewer.llm", logging.WARNING, __file__, 1, "key was %s", ("log-secret-987654",),
                               None)
    RedactingFilter().filter(record)
    assert "log-secret-987654" not in record.getMessage()
