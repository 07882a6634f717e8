"""What the model must answer, and how its reply is read.

The model fills only the contract fields it can know (category, severity, title,
detail, quote, suggestion); the tool adds source, rule, location and grounding.
Replies are read leniently (a JSON object anywhere in prose or a fenced block) and
validated strictly.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..models import CATEGORIES, CATEGORY_LABELS, SEVERITY_LABELS, Category, Severity


_LABEL_TO_CATEGORY = {label: cat for cat, label in CATEGORY_LABELS.items()}
_LABEL_TO_SEVERITY = {label: sev for sev, label in SEVERITY_LABELS.items()}


def _lenient(value, labels: dict[str, str]):
    """`"boilerplate"`, `" Boilerplate "`, `"模板残留/套话"`, `"boilerplate（套话）"` all mean one thing."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    if v in labels:
        return labels[v]
    head = re.split(r"[\s(（:：/|]", v, maxsplit=1)[0].lower()
    return head or v


class ModelFinding(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: Category
    severity: Severity
    title: str = Field(min_length=1)
    detail: str = ""
    quote: str = ""
    suggestion: str = ""

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, v):
        return _lenient(v, _LABEL_TO_CATEGORY)

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v):
        return _lenient(v, _LABEL_TO_SEVERITY)

    @field_validator("detail", "quote", "suggestion", mode="before")
    @classmethod
    def _text(cls, v):
        return "" if v is None else v


class ModelAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    findings: list[ModelFinding] = Field(default_factory=list)


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
            "suggestion": {"type": "string"},
        },
        "required": ["category", "severity", "title", "detail", "quote", "suggestion"],
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
             '"detail": "…", "quote": "…", "suggestion": "…"}]}')
    return f"{shape}\ncategory 只能取：{'、'.join(CATEGORIES)}"


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def _json_candidates(text: str):
    text = text.strip()
    yield text
    for m in _FENCE.finditer(text):
        yield m.group(1).strip()
    # The outermost {...} of the first object that decodes, scanning from each "{".
    decoder = json.JSONDecoder()
    for m in re.finditer(r"\{", text):
        try:
            obj, _ = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        yield obj


def extract_json(text: str) -> object:
    """The JSON value a reply carries: the whole reply, a fenced block, or an object in prose."""
    for cand in _json_candidates(text or ""):
        if not isinstance(cand, str):
            return cand
        try:
            return json.loads(cand)
        except ValueError:
            continue
    raise AnswerError("回复中没有可解析的 JSON 对象")


def _normalise(data: object) -> object:
    # Some models answer a bare list, or nest the list under another key.
    if isinstance(data, list):
        return {"findings": data}
    if isinstance(data, dict) and "findings" not in data:
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:
            return {"findings": lists[0]}
    return data


def parse_answer(text: str) -> ModelAnswer:
    """A validated answer, or AnswerError with a message fit to show the model."""
    data = _normalise(extract_json(text))
    try:
        return ModelAnswer.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()[:5])
        raise AnswerError(f"JSON 不符合格式要求：{problems}") from None


def salvage_answer(text: str) -> Optional[ModelAnswer]:
    """The valid findings of a partly invalid reply (used after the one retry failed)."""
    try:
        data = _normalise(extract_json(text))
    except AnswerError:
        return None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    good = []
    for item in items:
        try:
            good.append(ModelFinding.model_validate(item))
        except ValidationError:
            continue
    return ModelAnswer(findings=good) if good else None
