"""Prompt templates: versioned text files in `prompts/` with named inputs.

A file starts with `key: value` header lines (`version`, `reads`, …) and a blank line;
the rest is the template. `{name}` is replaced by the input of that name; any other
brace (a JSON example) is left as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Inputs a template may use; the planner provides all of them for every call.
KNOWN_INPUTS = frozenset({
    "unit", "year", "kind", "duties", "rubric_items", "task_description", "section_title",
    "section_text", "prepass_facts", "outline", "answer_format",
    # The whole-report and by-parts reads: shared facts header, combined checklist,
    # what is read ("全文", "报告的第2部分"), a note for partial reads, the item limit.
    "facts", "checklist", "scope", "part_note", "max_findings",
})
# What part of the document a task reads, chosen by its template's `reads:` header.
READS = ("sections", "narrative", "outline", "indicators", "whole", "cross")

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class PromptError(ValueError):
    pass


def prompts_dir() -> Path:
    from ..datadirs import data_dir

    return data_dir("prompts", "REVIEWER_PROMPTS_DIR")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    body: str
    reads: str = "sections"
    header: dict = field(default_factory=dict)

    @property
    def inputs(self) -> set[str]:
        return {m.group(1) for m in _PLACEHOLDER.finditer(self.body) if m.group(1) in KNOWN_INPUTS}

    def render(self, values: dict[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")) if m.group(1) in KNOWN_INPUTS
                                else m.group(0), self.body)


def parse_template(name: str, text: str) -> PromptTemplate:
    header: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines) and lines[i].strip():
        key, sep, value = lines[i].partition(":")
        if not sep or not re.fullmatch(r"[a-z_]+", key.strip()):
            break
        header[key.strip()] = value.strip()
        i += 1
    body = "\n".join(lines[i:]).strip() + "\n"
    if "version" not in header:
        raise PromptError(f"prompt {name}: missing 'version:' header line")
    reads = header.get("reads", "sections")
    if reads not in READS:
        raise PromptError(f"prompt {name}: reads must be one of {', '.join(READS)}, not {reads!r}")
    if "JSON" not in body:
        raise PromptError(f"prompt {name}: must ask for JSON (json_object mode requires the word)")
    unknown = {m.group(1) for m in _PLACEHOLDER.finditer(body)} - KNOWN_INPUTS
    if unknown:
        raise PromptError(f"prompt {name}: unknown inputs {sorted(unknown)}")
    return PromptTemplate(name, header["version"], body, reads, header)


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> PromptTemplate:
    p = Path(path)
    return parse_template(p.stem, p.read_text(encoding="utf-8"))


def load_prompt(name: str) -> PromptTemplate:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise PromptError(f"invalid prompt name {name!r}")
    path = prompts_dir() / f"{name}.txt"
    if not path.exists():
        raise PromptError(f"prompt file not found: {path}")
    return _load(str(path), path.stat().st_mtime)
