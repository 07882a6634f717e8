"""`review(path, options) -> Review`: the one entry point every front end calls.

Stages run one after another on the same Document: the figure pre-pass, the rubric
rules, then (when configured) the language model; their findings are merged. A stage
that fails is reported as a finding and the others' work is kept.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from .document import Document
from .models import DocumentInfo, Finding, Review, Summary, LLMUsage
from .options import ReviewOptions
from .sections import detect_kind, detect_unit, detect_year

log = logging.getLogger("reviewer")


def _stage_failure(doc: Document, stage: str, exc: Exception) -> Finding:
    from .findings import make_finding

    log.warning("stage %s failed on %s: %s: %s", stage, doc.path, type(exc).__name__, exc)
    log.debug("stage failure details", exc_info=exc)
    return make_finding(
        doc, category="missing_part", severity="warning", source="ingest", rule=f"stage.{stage}",
        title=f"“{stage}”检查未能完成",
        detail=f"该阶段运行出错（{type(exc).__name__}: {exc}），其余检查结果不受影响。",
        suggestion="请将此文件反馈给开发者。",
    )


def _run_stage(doc: Document, name: str, fn: Callable[[], list[Finding]], out: list[Finding]) -> None:
    t0 = time.perf_counter()
    try:
        out.extend(fn())
    except Exception as exc:  # one stage never loses the others' findings
        out.append(_stage_failure(doc, name, exc))
    log.debug("stage %s: %.3fs", name, time.perf_counter() - t0)


def document_info(doc: Document) -> DocumentInfo:
    return DocumentInfo(
        path=doc.path,
        format=doc.format,
        pages=doc.pages,
        unit=detect_unit(doc),
        year=detect_year(doc),
        kind=detect_kind(doc),
        chars=len(doc.text),
    )


def review_document(doc: Document, options: ReviewOptions | None = None) -> Review:
    options = options or ReviewOptions()
    info = document_info(doc)
    findings: list[Finding] = list(doc.ingest_findings)

    from .checks import run_prepass

    _run_stage(doc, "prepass", lambda: run_prepass(doc), findings)

    from .rubric import load_rubric_for
    from .rules import run_rules

    rubric_box: list = []

    def rules_stage() -> list[Finding]:
        rubric = load_rubric_for(info.kind, options.rubric)
        rubric_box.append(rubric)
        return run_rules(doc, info, rubric)

    _run_stage(doc, "rules", rules_stage, findings)

    usage_box: list[LLMUsage] = []
    if rubric_box and _llm_wanted(options):
        from .llm import run_llm_stage
        from .merge import merge_findings

        llm_findings: list[Finding] = []

        def llm_stage() -> list[Finding]:
            got, used = run_llm_stage(doc, info, rubric_box[0], findings, options)
            usage_box.append(used)
            return got

        _run_stage(doc, "llm", llm_stage, llm_findings)
        findings = merge_findings(findings, llm_findings)
    findings = _dedupe(findings)

    return finalize(info, findings, usage_box[0] if usage_box else None)


def _llm_wanted(options: ReviewOptions) -> bool:
    """The model stage runs when asked for, or in auto mode when an endpoint is set."""
    if options.llm == "off":
        return False
    try:
        from .llm import llm_configured
    except ImportError:
        return False
    return options.llm in ("on", "required") or llm_configured(options)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.rule, f.location.start, f.location.end, f.title)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


def finalize(info: DocumentInfo, findings: list[Finding], usage: LLMUsage | None = None) -> Review:
    """Order findings by position (absent parts last), number them, count them."""
    big = 1 << 60
    findings = sorted(findings, key=lambda f: (f.location.start if f.location.start is not None else big,
                                               f.location.end or 0, f.rule))
    for i, f in enumerate(findings, 1):
        f.id = f"F{i:03d}"
    summary = Summary(
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        infos=sum(f.severity == "info" for f in findings),
        llm=usage or LLMUsage(),
    )
    return Review(document=info, findings=findings, summary=summary)


def review_file(path: str | Path, options: ReviewOptions | None = None) -> tuple[Review, Document]:
    """The review and the document it points into (renderers that show the text need both)."""
    from .ingest import load

    doc = load(path)
    return review_document(doc, options), doc


def review(path: str | Path, options: ReviewOptions | None = None) -> Review:
    """Review one report file (PDF, DOCX or TXT). Raises InputError for bad input."""
    return review_file(path, options)[0]
