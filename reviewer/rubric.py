"""Rubrics as data: YAML files in `rubrics/`, validated by pydantic.

A rubric lists the parts a report must have (with the synonyms reviewers accept), the
elements it must contain, the severity of each, and the review tasks handed to the
language model. A province's variant `extends:` a base rubric and overrides items by id.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import InputError
from .yamlio import load_yaml_file, yaml_error

Severity = Literal["error", "warning", "info"]


def rubrics_dir() -> Path:
    from .datadirs import data_dir

    return data_dir("rubrics", "REVIEWER_RUBRICS_DIR")


class SectionRule(BaseModel):
    """A required part of the report, found through the section tree by any synonym."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    synonyms: list[str] = Field(default_factory=list)
    severity: Severity = "warning"
    required: bool = True
    # Title words that rule a heading out even when a synonym matches
    # (“其他需要说明的问题” is not the problems section).
    exclude: list[str] = Field(default_factory=list)
    # Regular expressions on the folded text (white space removed) that show the part is
    # present even without a heading of its own.
    evidence: list[str] = Field(default_factory=list)
    # Where evidence counts: "all" the text, or the "narrative" only (a score-table row
    # named 预决算信息公开性 does not report on disclosure).
    evidence_scope: Literal["all", "narrative"] = "all"
    description: str = ""

    @field_validator("evidence")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"invalid evidence pattern {p!r}: {e}") from None
        return patterns


class ElementRule(BaseModel):
    """A required element (a score, a grade, an indicator table …) checked by a rule."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    check: str  # the rule id in reviewer.rules that enforces it
    severity: Severity = "warning"
    description: str = ""
    params: dict = Field(default_factory=dict)


class CheckRule(BaseModel):
    """A narrative check (template residue, off-domain text, claims, repeats, wording):
    its severity, its parameters, and whether this rubric runs it."""

    model_config = ConfigDict(extra="forbid")

    id: str  # the rule id of its findings, e.g. "boilerplate.placeholder"
    name: str
    severity: Severity = "warning"
    enabled: bool = True
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
    kind: Literal["department_overall", "project", "final_accounts", "any"] = "any"
    extends: Optional[str] = None
    description: str = ""
    sections: list[SectionRule] = Field(default_factory=list)
    elements: list[ElementRule] = Field(default_factory=list)
    checks: list[CheckRule] = Field(default_factory=list)
    llm_tasks: list[LLMTask] = Field(default_factory=list)
    # Notes for reviewers (a province's weights, where its template differs …).
    notes: list[str] = Field(default_factory=list)
    # Rule ids switched off in this rubric (a province that does not require a part).
    disabled: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Rubric":
        for key in ("sections", "elements", "checks", "llm_tasks"):
            ids = [item.id for item in getattr(self, key)]
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"duplicate {key} ids: {sorted(dup)}")
        known = {s.id for s in self.sections}
        for task in self.llm_tasks:
            unknown = [s for s in task.sections if s not in known]
            if unknown:
                raise ValueError(f"llm task {task.id} reads unknown sections {unknown}")
        return self

    def is_enabled(self, rule_id: str) -> bool:
        """A rule runs unless the rubric disables it (by its id or its family prefix)."""
        family = rule_id.split(".", 1)[0]
        if rule_id in self.disabled or family in self.disabled:
            return False
        check = next((c for c in self.checks if c.id == rule_id), None)
        return check.enabled if check else True

    def check(self, rule_id: str) -> CheckRule | None:
        return next((c for c in self.checks if c.id == rule_id), None)


def _merge_items(base: list, override: list, where: str) -> list:
    """Items of `override` replace fields of the base item with the same id, add new
    items, or (with `remove: true`) drop the base item."""
    for item in list(base) + list(override):
        if not isinstance(item, dict) or "id" not in item:
            raise InputError(f"评审规则条目缺少 id：{where}", f"rubric item without id in {where}: {item!r}")
    by_id = {item["id"]: dict(item) for item in base}
    order = [item["id"] for item in base]
    for item in override:
        if item.get("remove"):
            by_id.pop(item["id"], None)
            continue
        if item["id"] in by_id:
            by_id[item["id"]].update(item)
        else:
            by_id[item["id"]] = dict(item)
            order.append(item["id"])
    return [by_id[i] for i in order if i in by_id]


def _read_raw(ref: str, seen: tuple[str, ...] = ()) -> dict:
    path = Path(ref)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = rubrics_dir() / f"{ref}.yaml"
    if not path.exists():
        names = ", ".join(list_rubrics()) or "none"
        raise InputError(f"找不到评审规则“{ref}”（可用：{names}）", f"no rubric {ref!r} (available: {names})")
    try:
        raw = load_yaml_file(path) or {}
    except yaml_error() as e:
        raise InputError(f"评审规则文件格式错误：{path}", f"invalid rubric YAML {path}: {e}") from None
    if not isinstance(raw, dict):
        raise InputError(f"评审规则文件格式错误：{path}", f"rubric {path} is not a mapping")
    parent = raw.get("extends")
    if parent:
        if parent in seen:
            raise InputError(f"评审规则循环继承：{parent}", f"rubric extends cycle at {parent}")
        if parent.endswith((".yaml", ".yml")) and not Path(parent).is_absolute():
            parent = str(path.parent / parent)  # a file next to the child rubric
        base = _read_raw(parent, seen + (ref,))
        merged = {**base, **{k: v for k, v in raw.items() if k not in ("sections", "elements", "checks", "llm_tasks", "disabled", "notes")}}
        for key in ("sections", "elements", "checks", "llm_tasks"):
            merged[key] = _merge_items(base.get(key) or [], raw.get(key) or [], f"{ref}.{key}")
        merged["disabled"] = list(base.get("disabled", [])) + list(raw.get("disabled", []))
        merged["notes"] = list(base.get("notes", [])) + list(raw.get("notes", []))
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
        first = e.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise InputError(f"评审规则内容不合规：{ref}（{where}）",
                         f"invalid rubric {ref}: {where}: {first['msg']}") from None


def list_rubrics() -> list[str]:
    d = rubrics_dir()
    return sorted(p.stem for p in d.glob("*.yaml") if _is_rubric_file(p)) if d.exists() else []


def _is_rubric_file(path: Path) -> bool:
    """Data files live beside the rubrics (sectors, kinds, thresholds …): a rubric is a
    mapping with a name."""
    try:
        raw = load_yaml_file(path)
    except (OSError, yaml_error()):
        return True  # listed, so that loading it reports the error
    return isinstance(raw, dict) and "name" in raw


# The rubric each document kind is reviewed by. A template or an unrecognised document
# gets its structural kind's rubric without the part checks (see without_parts).
RUBRIC_FOR_KIND = {"department_overall": "department_overall", "project": "project",
                   "final_accounts": "final_accounts"}
# Rule families that check required parts and elements.
PART_FAMILIES = ("part", "element")
# The model task that looks for missing parts (prompts/semantic_missing_parts.txt).
PART_PROMPTS = ("semantic_missing_parts",)


def load_rubric_for(kind: str, forced: str | None = None, base_kind: str | None = None) -> Rubric:
    """The rubric for a document kind; `forced` (the user's --rubric) always wins. A kind
    with no rubric of its own (template, unknown) gets its structural kind's rubric, or
    the department rubric, with no part checks."""
    if forced:
        return load_rubric(forced)
    if kind in RUBRIC_FOR_KIND:
        return load_rubric(RUBRIC_FOR_KIND[kind])
    return without_parts(load_rubric(RUBRIC_FOR_KIND.get(base_kind or "", "department_overall")))


def without_parts(rubric: Rubric) -> Rubric:
    """The rubric's narrative checks only: no required parts or elements, for rules or
    for the model."""
    tasks = [t for t in rubric.llm_tasks if t.prompt not in PART_PROMPTS]
    return rubric.model_copy(update={
        "sections": [], "elements": [],
        "llm_tasks": [t.model_copy(update={"sections": []}) for t in tasks],
        "disabled": list(rubric.disabled) + [f for f in PART_FAMILIES if f not in rubric.disabled],
    })
