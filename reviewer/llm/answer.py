"""What the model must answer, and how its reply is read.

The model fills only the contract fields it can know (category, severity, title,
detail, quote, section, suggestion); the tool adds source, rule, location and grounding.

Replies are read the way real servers send them, and nothing is lost silently:
- reasoning (`<think>…</think>`, a `reasoning_content` field) is never parsed;
- the JSON may be the whole reply, a fenced block or an object inside prose;
- the list may be bare or under `findings`, `issues`, `problems`, `问题` …;
- keys and values may use common aliases (`evidence`/`原文`/`引文` for the quote,
  `严重`/`一般`/`轻微`/`高`/`中`/`低` for severity, Chinese category names);
- a reply without a findings list is an error (never an empty answer, never cached);
- items that do not validate are counted, and the rest kept.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..models import CATEGORIES, CATEGORY_LABELS, SEVERITY_LABELS, Category, Severity

# --- aliases ---------------------------------------------------------------------------

ENVELOPES = ("findings", "issues", "problems", "results", "items", "errors", "comments", "opinions",
             "问题", "问题清单", "意见", "审核意见", "审查意见", "发现")
FIELD_ALIASES = {
    "quote": ("quote", "evidence", "原文", "引文", "引用", "原文引用", "引用原文", "原文摘录", "问题原文", "相关原文",
              "原文片段", "摘录", "引述", "原句", "证据", "excerpt", "text", "source_text", "original", "original_text",
              "citation"),
    "category": ("category", "type", "类别", "类型", "问题类型", "问题类别", "kind"),
    "severity": ("severity", "level", "严重程度", "级别", "等级", "priority"),
    "title": ("title", "标题", "问题", "issue", "problem", "summary", "name", "摘要"),
    "detail": ("detail", "details", "说明", "描述", "问题描述", "description", "reason", "理由", "原因",
               "explanation", "分析", "依据"),
    "suggestion": ("suggestion", "建议", "修改建议", "整改建议", "recommendation", "fix", "advice"),
    "section": ("section", "所在部分", "部分", "章节", "位置", "location", "part"),
    "check": ("check", "task", "检查项", "审查要点", "要点"),
}
SEVERITY_ALIASES = {
    "error": ("error", "错误", "严重", "高", "重大", "high", "critical", "major", "severe", "fatal"),
    "warning": ("warning", "警告", "一般", "中", "中等", "medium", "moderate", "warn"),
    "info": ("info", "提示", "轻微", "低", "low", "minor", "suggestion", "建议", "note", "信息"),
}
CATEGORY_ALIASES = {
    "arithmetic": ("合计", "合计不符", "差额", "计算", "计算错误", "算术", "加总", "求和"),
    "ratio": ("比例", "比率", "占比", "百分比", "执行率", "完成率", "增长率", "rate", "percentage"),
    "score": ("评分", "得分", "分数", "评分问题", "打分", "等级", "scoring"),
    "inconsistency": ("不一致", "前后不一致", "矛盾", "逻辑矛盾", "数据不一致", "数据错误", "数据有误", "口径不一致",
                      "归类错误", "分类错误",
                      "inconsistent", "contradiction", "mismatch"),
    "unit": ("单位", "计量单位", "单位错误", "units"),
    "duplicate": ("重复", "重复内容", "repeat", "repetition", "duplicated"),
    "missing_part": ("缺失", "缺少", "缺项", "内容缺失", "缺少内容", "缺少必备内容", "missing", "omission"),
    "boilerplate": ("套话", "模板残留", "空话", "空泛", "照抄", "模板", "template", "generic"),
    "unsupported_claim": ("缺乏支撑", "依据不足", "无依据", "证据不足", "结论缺乏支撑", "缺乏依据", "unsupported",
                          "claim", "无数据支撑"),
    "wording": ("文字", "文字错误", "错别字", "用词", "措辞", "表述", "表述不规范", "表述不清", "表述不当", "格式",
                "格式问题", "语病", "标点", "typo", "spelling", "grammar", "wording"),
}


def _table(groups: dict[str, tuple[str, ...]], labels: dict[str, str]) -> dict[str, str]:
    out = {}
    for value, names in groups.items():
        for name in names:
            out[name.lower()] = value
        out[value] = value
    for value, label in labels.items():
        out[label] = value
        for part in re.split(r"[/／]", label):
            out.setdefault(part, value)
    return out


_CATEGORY_TABLE = _table(CATEGORY_ALIASES, CATEGORY_LABELS)
_SEVERITY_TABLE = _table(SEVERITY_ALIASES, SEVERITY_LABELS)


def _lenient(value, table: dict[str, str]):
    """`"boilerplate"`, `" Boilerplate "`, `"模板残留/套话"`, `"boilerplate（套话）"`, `"套话"` all mean one thing."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    for candidate in (v, v.lower(), re.split(r"[\s(（:：/|，,]", v, maxsplit=1)[0].lower(),
                      re.sub(r"[（(].*?[）)]", "", v).strip().lower()):
        if candidate in table:
            return table[candidate]
    # "高风险", "严重错误", "一般问题": the longest known Chinese word the value holds (a
    # one-character word only at its start).
    low = v.lower()
    held = [name for name in table if re.match(r"[\u4e00-\u9fff]", name)
            and ((len(name) >= 2 and name in low) or (len(name) == 1 and low.startswith(name)))]
    if held:
        return table[max(held, key=len)]
    head = re.split(r"[\s(（:：/|]", v, maxsplit=1)[0].lower()
    return head or v


class ModelFinding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: Category
    severity: Severity = "warning"
    title: str = Field(min_length=1)
    detail: str = ""
    quote: str = ""
    section: str = ""
    suggestion: str = ""
    check: str = ""  # the checklist item (task id) the finding answers

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data):
        if not isinstance(data, dict):
            return data
        out = {}
        lowered = {str(k).strip().lower(): v for k, v in data.items()}
        for field_name, names in FIELD_ALIASES.items():
            for name in names:
                if name.lower() in lowered and lowered[name.lower()] not in (None, ""):
                    out[field_name] = lowered[name.lower()]
                    break
        # A finding without a title is still a finding: its detail says what it is.
        if not out.get("title") and isinstance(out.get("detail"), str) and out["detail"].strip():
            out["title"] = re.split(r"[。；;，,]", out["detail"].strip(), maxsplit=1)[0][:20]
        return out

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, v):
        return _lenient(v, _CATEGORY_TABLE)

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v):
        return "warning" if v in (None, "") else _lenient(v, _SEVERITY_TABLE)

    @field_validator("title", "detail", "quote", "suggestion", "section", "check", mode="before")
    @classmethod
    def _text(cls, v):
        if v is None:
            return ""
        if isinstance(v, list):  # several quotes: the first is the one to ground
            v = next((str(x) for x in v if x), "")
        return str(v) if not isinstance(v, str) else v


class ModelAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    findings: list[ModelFinding] = Field(default_factory=list)
    # Items of the reply that did not validate (counted, never silently lost).
    invalid: int = 0


class AnswerError(ValueError):
    """The reply is not a valid answer; the message is shown to the model on retry."""


def answer_json_schema() -> dict:
    """The strict JSON schema sent as response_format (all fields required, no extras)."""
    item = {
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "severity": {"type": "string", "enum": ["error", "warning", "info"]},
            "title": {"type": "string"},
            "detail": {"type": "string"},
            "quote": {"type": "string"},
            "section": {"type": "string"},
            "suggestion": {"type": "string"},
            "check": {"type": "string"},
        },
        "required": ["category", "severity", "title", "detail", "quote", "section", "suggestion", "check"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"findings": {"type": "array", "items": item}},
        "required": ["findings"],
        "additionalProperties": False,
    }


def answer_format_for_prompt() -> str:
    """The answer schema written out for the prompt (json_object and prose modes)."""
    shape = ('{"findings": [{"category": "…", "severity": "error|warning|info", "title": "…", '
             '"detail": "…", "quote": "…", "section": "…", "suggestion": "…", "check": "…"}]}')
    return f"{shape}\ncategory 只能取：{'、'.join(CATEGORIES)}"


# --- reading a reply --------------------------------------------------------------------

_THINK = re.compile(r"<(think|thinking|reasoning|thought)>.*?</\1>", re.S | re.I)
_OPEN_THINK = re.compile(r"<(think|thinking|reasoning|thought)>", re.I)
_FENCE = re.compile(r"```(?:json|JSON|json5)?\s*\n?(.*?)```", re.S)


def strip_reasoning(text: str) -> str:
    """The reply without its reasoning: closed `<think>` blocks go; an unclosed one
    (the reply was cut while thinking) leaves nothing after it; a stray `</think>`
    (the server stripped the opening tag) leaves only what follows it."""
    text = _THINK.sub("", text or "")
    m = _OPEN_THINK.search(text)
    if m:
        text = text[: m.start()]
    close = re.search(r"</(?:think|thinking|reasoning|thought)>", text, re.I)
    if close:
        text = text[close.end():]
    return text.strip()


def _json_candidates(text: str):
    text = text.strip()
    yield text
    for m in _FENCE.finditer(text):
        yield m.group(1).strip()
    # The first object or list that decodes, scanning from each "{" or "[".
    decoder = json.JSONDecoder()
    for m in re.finditer(r"[\{\[]", text):
        try:
            obj, _ = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(obj, (dict, list)):
            yield obj


def _decode(text: str) -> object | None:
    for cand in _json_candidates(text):
        if not isinstance(cand, str):
            return cand
        try:
            return json.loads(cand)
        except ValueError:
            continue
    return None


def _outside_strings(text: str, repair) -> str:
    """Apply `repair` to the parts of `text` outside JSON string literals."""
    out, buf, i, n = [], [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            out.append(repair("".join(buf)))
            buf = []
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        buf.append(ch)
        i += 1
    out.append(repair("".join(buf)))
    return "".join(out)


def _relaxed(text: str) -> str:
    """What servers and small models send instead of strict JSON, made strict: comments,
    trailing commas, Python literals, and (in a reply with no ASCII double quote at all)
    single or Chinese quotation marks used as the JSON quotes."""
    if '"' not in text:
        text = re.sub(r"[“”]", '"', text) if "“" in text else text.replace("'", '"')

    def fix(part: str) -> str:
        part = re.sub(r"//[^\n]*|/\*.*?\*/", "", part, flags=re.S)
        part = re.sub(r",(\s*[}\]])", r"\1", part)
        return re.sub(r"\b(True|False|None)\b", lambda m: {"True": "true", "False": "false", "None": "null"}[m.group()], part)

    return _outside_strings(text, fix)


def extract_json(text: str) -> object:
    """The JSON value a reply carries: the whole reply, a fenced block, or a value in prose;
    relaxed JSON (comments, trailing commas, other quote marks) when strict JSON fails."""
    found = _decode(text or "")
    if found is None and text:
        found = _decode(_relaxed(text))
    if found is None:
        raise AnswerError("回复中没有可解析的 JSON 对象")
    return found


def find_items(data: object, depth: int = 0) -> Optional[list]:
    """The findings list of a decoded reply, under any common envelope; None when absent."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or depth > 2:
        return None
    lowered = {str(k).strip().lower(): v for k, v in data.items()}
    for name in ENVELOPES:
        value = lowered.get(name.lower())
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            inner = find_items(value, depth + 1)
            if inner is not None:
                return inner
    lists = [v for v in data.values() if isinstance(v, list)]
    if len(lists) == 1 and all(isinstance(x, dict) for x in lists[0]):
        return lists[0]
    for value in data.values():  # {"result": {"findings": [...]}}
        if isinstance(value, dict):
            inner = find_items(value, depth + 1)
            if inner is not None:
                return inner
    return None


def _validate_items(items: list) -> tuple[list[ModelFinding], list[str]]:
    good, problems = [], []
    for i, item in enumerate(items):
        try:
            good.append(ModelFinding.model_validate(item))
        except ValidationError as e:
            err = e.errors()[0]
            problems.append(f"findings.{i}.{'.'.join(map(str, err['loc']))}: {err['msg']}")
    return good, problems


def parse_answer(text: str) -> ModelAnswer:
    """A validated answer, or AnswerError with a message fit to show the model."""
    cleaned = strip_reasoning(text)
    if not cleaned:
        raise AnswerError("回复为空（或只有思考过程）")
    items = find_items(extract_json(cleaned))
    if items is None:
        raise AnswerError("JSON 中没有 findings 列表")
    good, problems = _validate_items(items)
    if problems:
        raise AnswerError(f"JSON 不符合格式要求：{'; '.join(problems[:5])}")
    return ModelAnswer(findings=good)


def salvage_answer(text: str) -> Optional[ModelAnswer]:
    """The valid findings of a partly invalid or cut-off reply; None when there are none."""
    cleaned = strip_reasoning(text) if "<" in (text or "") else (text or "")
    try:
        items = find_items(extract_json(cleaned)) or []
    except AnswerError:
        items = []
    cut = complete_items(cleaned)  # a list cut off mid-way decodes only item by item
    if len(cut) > len(items):
        items = cut
    if not items:
        return None
    good, problems = _validate_items(items)
    return ModelAnswer(findings=good, invalid=len(problems)) if good else None


def complete_items(text: str) -> list:
    """The complete objects of a findings list cut off mid-way (`finish_reason: length`)."""
    m = re.search(r"\[", text or "")
    if not m:
        return []
    decoder = json.JSONDecoder()
    items, pos = [], m.end()
    while True:
        nxt = re.compile(r"\s*,?\s*").match(text, pos)
        pos = nxt.end() if nxt else pos
        if pos >= len(text) or text[pos] != "{":
            break
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except ValueError:
            break
        if isinstance(obj, dict):
            items.append(obj)
    return items
