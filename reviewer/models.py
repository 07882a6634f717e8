"""The review contract: pydantic models whose JSON is exactly schema_version 1.

Everything that leaves the library (JSON, Markdown, HTML, Word, Excel) is rendered
from these models, so they are the one place the contract is written down.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_serializer

SCHEMA_VERSION = 1

Category = Literal[
    "arithmetic",
    "ratio",
    "score",
    "inconsistency",
    "unit",
    "duplicate",
    "missing_part",
    "boilerplate",
    "unsupported_claim",
    "wording",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}

Source = Literal["prepass", "rules", "llm", "ingest"]
ReportKind = Literal["department_overall", "project", "final_accounts", "template", "unknown"]

CATEGORY_LABELS = {
    "arithmetic": "合计/差额不符",
    "ratio": "比例/比率不符",
    "score": "评分问题",
    "inconsistency": "前后不一致",
    "unit": "计量单位错误",
    "duplicate": "重复",
    "missing_part": "缺少必备内容",
    "boilerplate": "模板残留/套话",
    "unsupported_claim": "结论缺乏支撑",
    "wording": "文字错误",
}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SOURCE_LABELS = {"prepass": "数据核算", "rules": "规则检查", "llm": "模型审查", "ingest": "文档读取"}
KIND_LABELS = {
    "department_overall": "部门整体支出自评",
    "project": "项目支出自评",
    "final_accounts": "部门决算（预算）公开",
    "template": "未填写的模板",
    "unknown": "未识别",
}
# The document's name in a heading (“…年度部门整体支出绩效自评报告”); unknown kinds
# keep the generic name.
KIND_TITLES = {
    "department_overall": "部门整体支出绩效自评报告",
    "project": "项目支出绩效自评报告",
    "final_accounts": "部门决算（预算）公开",
    "template": "（未填写的模板）",
    "unknown": "绩效自评报告",
}


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section: Optional[str] = None
    page: Optional[int] = None
    line: Optional[int] = None
    start: Optional[int] = None
    end: Optional[int] = None


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = ""
    category: Category
    severity: Severity
    source: Source
    rule: str
    title: str
    detail: str = ""
    quote: str = ""
    location: Location = Field(default_factory=Location)
    stated: Optional[str] = None
    expected: Optional[str] = None
    suggestion: str = ""
    grounded: bool = True
    # How a model finding's quote was found in the text (additive to schema 1; absent on
    # deterministic findings): verbatim after folding, after normalising separators and
    # number formats (or piecewise around an ellipsis), or by a bounded fuzzy window.
    grounding: Optional[Literal["exact", "normalised", "fuzzy"]] = None

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler):
        return _drop_none(handler(self), ("grounding",))


class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    format: Literal["pdf", "docx", "txt"]
    pages: int
    unit: Optional[str] = None
    year: Optional[int] = None
    kind: ReportKind = "unknown"
    chars: int
    # Why the kind was chosen (title words, outline, tables …), and notes for the reader
    # of the review (a kind the rubric could not be chosen for). Additive to schema 1.
    kind_evidence: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _drop_none(data, fields: tuple[str, ...]):
    """Additive contract fields are left out while unset, so older readers and the
    offline output stay byte-identical."""
    if isinstance(data, dict):
        for name in fields:
            if data.get(name) is None:
                data.pop(name, None)
    return data


class LLMFindingCounts(BaseModel):
    """What became of the model's findings (additive to schema 1)."""

    model_config = ConfigDict(extra="forbid")

    returned: int = 0  # items the model gave, over all calls
    kept: int = 0  # shown as model findings
    merged: int = 0  # folded into a deterministic finding or another model finding
    dropped: int = 0
    # reason -> count: ungrounded, generic, duplicate, invalid, truncated, disagreement …
    reasons: dict[str, int] = Field(default_factory=dict)


class LLMUsage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    used: bool = False
    model: Optional[str] = None
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Additive to schema 1, present only when the model stage was asked to run.
    status: Optional[Literal["ok", "partial", "failed"]] = None
    message: Optional[str] = None  # one line (Chinese) saying what happened, when not ok
    endpoint: Optional[str] = None  # credentials redacted
    failures: Optional[int] = None  # planned calls that failed for good
    cached: Optional[int] = None  # planned calls answered from the cache
    truncated: Optional[int] = None  # replies cut by the output limit even after the retry
    findings: Optional[LLMFindingCounts] = None

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler):
        return _drop_none(handler(self), ("status", "message", "endpoint", "failures", "cached",
                                          "truncated", "findings"))


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    llm: LLMUsage = Field(default_factory=LLMUsage)
    # Findings hidden by a reviewer's earlier decision (decisions file or web database);
    # not counted above. Additive to schema 1, present only when decisions hid some.
    dismissed: Optional[int] = None

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler):
        return _drop_none(handler(self), ("dismissed",))


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst_severity_rank(self) -> int:
        return max((SEVERITY_RANK[f.severity] for f in self.findings), default=0)


def review_json_schema() -> dict:
    return Review.model_json_schema()
