"""Rubrics as data: YAML files in `rubrics/`, validated by pydantic.

A rubric lists the parts a report must have (with the synonyms reviewers accept), the
elements it must contain, the severity of each, and the review tasks handed to the
language model. A province's variant `extends:` a base rubric and overrides items by id.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError

Severity = Literal["error", "warning", "info"]


def rubrics_dir() -> Path:
    env = os.environ.get("REVIEWER_RUBRICS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "rubrics"


class SectionRule(BaseModel):
    """A required part of the report, found through the section tree by any synonym."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    synonyms: list[str] = Field(default_factory=list)
    severity: Severity = "warning"
    required: bool = True
    # Body phrases that show the part is present even without a heading of its own.
    evidence: list[str] = Field(default_factory=list)


class ElementRule(BaseModel):
    """A required element (a score, a grade, an indicator table …) checked by a rule."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    check: str  # the rule id in reviewer.rules that enforces it
    severity: Severity = "warning"
    description: str = ""
    params: dict = Field(default_factory=dict)


class LLMTask(BaseModel):
    """A review task for the language model: a prompt template and what it is given."""

    model_config = ConfigDict(extra="forbid")

    id: str
    prompt: str  # file name under prompts/, without extension
    inputs: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)  # SectionRule ids it reads; empty = all
    description: str = ""


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    version: str = "1"
    kind: Literal["department_overall", "project", "any"] = "any"
    extends: Optional[str] = None
    description: str = ""
    sections: list[SectionRule] = Field(default_factory=list)
    elements: list[ElementRule] = Field(default_factory=list)
    llm_tasks: list[LLMTask] = Field(default_factory=list)
    # Rule ids switched off in this rubric (a province that does not require a part).
    disabled: list[str] = Field(default_factory=list)


def _merge_items(base: list, override: list) -> list:
    by_id = {item["id"]: dict(item) for item in base}
    order = [item["id"] for item in base]
    for item in override:
        if item["id"] in by_id:
            by_id[item["id"]].update(item)
        else:
            by_id[item["id"]] = dict(item)
            order.append(item["id"])
    return [by_id[i] for i in order]


def _read_raw(ref: str, seen: tuple[str, ...] = ()) -> dict:
    path = Path(ref)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = rubrics_dir() / f"{ref}.yaml"
    if not path.exists():
        names = ", ".join(list_rubrics()) or "none"
        raise InputError(f"找不到评审规则“{ref}”（可用：{names}）", f"no rubric {ref!r} (available: {names})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InputError(f"评审规则文件格式错误：{path}", f"invalid rubric YAML {path}: {e}") from None
    parent = raw.get("extends")
    if parent:
        if parent in seen:
            raise InputError(f"评审规则循环继承：{parent}", f"rubric extends cycle at {parent}")
        base = _read_raw(parent, seen + (ref,))
        merged = {**base, **{k: v for k, v in raw.items() if k not in ("sections", "elements", "llm_tasks", "disabled")}}
        for key in ("sections", "elements", "llm_tasks"):
            merged[key] = _merge_items(base.get(key, []), raw.get(key, []))
        merged["disabled"] = list(base.get("disabled", [])) + list(raw.get("disabled", []))
        merged["extends"] = parent
        return merged
    return raw


@lru_cache(maxsize=32)
def load_rubric(ref: str) -> Rubric:
    """A rubric by name (`department_overall`) or by path to a YAML file."""
    from pydantic import ValidationError

    try:
        return Rubric.model_validate(_read_raw(ref))
    except ValidationError as e:
        raise InputError(f"评审规则内容不合规：{ref}", f"invalid rubric {ref}: {e.errors()[0]['msg']}") from None


def list_rubrics() -> list[str]:
    d = rubrics_dir()
    skip = {"sectors"}
    return sorted(p.stem for p in d.glob("*.yaml") if p.stem not in skip) if d.exists() else []


def load_rubric_for(kind: str, forced: str | None = None) -> Rubric:
    if forced:
        return load_rubric(forced)
    return load_rubric("project" if kind == "project" else "department_overall")
