"""`review(path, options) -> Review`: the one entry point every front end calls.

Stages run one after another on the same Document: the figure pre-pass, the rubric
rules, then (when configured) the language model; their findings are merged. A check
stage that fails is reported as a finding and the others' work is kept; the model stage
reports its own status in summary.llm and on stderr, never as a finding.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

from .document import Document
from .limits import surface_timeout
from .models import DocumentInfo, Finding, LLMUsage, Review, Summary
from .options import ReviewOptions
from .sections import detect_unit, detect_year

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
        surface_timeout(exc)
        out.append(_stage_failure(doc, name, exc))
    log.debug("stage %s: %.3fs", name, time.perf_counter() - t0)


NOTE_UNKNOWN = "未能识别报告类型，未按评分细则检查必备内容。"
NOTE_TEMPLATE = "文件为未填写的模板，未查必备内容，模板残留按类汇总。"


def document_info(doc: Document) -> DocumentInfo:
    from .kind import classify

    result = classify(doc)
    notes = {"unknown": [NOTE_UNKNOWN], "template": [NOTE_TEMPLATE]}.get(result.kind, [])
    return DocumentInfo(
        path=doc.path,
        format=doc.format,
        pages=doc.pages,
        unit=detect_unit(doc),
        year=detect_year(doc),
        kind=result.kind,
        chars=len(doc.text),
        kind_evidence=result.evidence,
        notes=notes,
    )


def review_document(doc: Document, options: ReviewOptions | None = None) -> Review:
    options = options or ReviewOptions()
    info = document_info(doc)
    findings: list[Finding] = list(doc.ingest_findings)

    from .checks import run_prepass

    _run_stage(doc, "prepass", lambda: run_prepass(doc), findings)

    from .kind import classify
    from .rubric import load_rubric_for
    from .rules import run_rules

    rubric_box: list = []

    def rules_stage() -> list[Finding]:
        # The kind chooses the rubric; a rubric the user names wins.
        rubric = load_rubric_for(info.kind, options.rubric, classify(doc).base_kind)
        rubric_box.append(rubric)
        return run_rules(doc, info, rubric)

    _run_stage(doc, "rules", rules_stage, findings)

    stage_report = None
    if rubric_box and _llm_wanted(options):
        findings, stage_report = _llm_stage(doc, info, rubric_box[0], findings, options)
    findings = _dedupe(findings)
    findings = gate_by_kind(doc, info, findings, forced_rubric=bool(options.rubric))
    if any(b.origin == "ocr" for b in doc.blocks):
        from .ingest.ocr import note_ocr_findings

        note_ocr_findings(doc, findings)  # a finding on a recognised page says so

    review = finalize(info, findings, stage_report.usage if stage_report else None)
    if stage_report is not None:
        _account_llm_stage(stage_report, review)
    return review


# --- the model stage -------------------------------------------------------------------

def _llm_stage(doc: Document, info: DocumentInfo, rubric, findings: list[Finding], options: ReviewOptions):
    """The findings with the model's merged in, and the stage's report. The stage never
    adds a finding about itself: a failure of any kind leaves the findings as they were
    and is told in summary.llm and on stderr."""
    from .llm import run_stage
    from .llm.plan import part_synonyms
    from .llm.stage import StageReport
    from .merge import merge_model_findings

    t0 = time.perf_counter()
    try:
        report = run_stage(doc, info, rubric, findings, options)
    except Exception as exc:  # a bug in the stage must not lose the deterministic review
        surface_timeout(exc)
        log.debug("model stage failure details", exc_info=exc)
        report = StageReport(usage=LLMUsage(), doc_path=doc.path).fail(
            f"模型审查出错（{type(exc).__name__}: {exc}）")
    try:
        model_findings = report.findings
        if model_findings:
            blocks = doc.block_at
            outcome = merge_model_findings(findings, model_findings, part_synonyms(rubric),
                                           block_of=blocks, call_of=report.call_ids)
            report.set_fates(outcome.fates)
            findings = outcome.findings
    except Exception as exc:  # noqa: BLE001 - same rule for the merge
        log.debug("model merge failure details", exc_info=exc)
        report.fail(f"模型意见合并出错（{type(exc).__name__}: {exc}）")
        report.items = []
    log.debug("stage llm: %.3fs", time.perf_counter() - t0)
    return findings, report


def _account_llm_stage(report, review: Review) -> None:
    """Fates of findings the kind gate removed, the one stderr line, the audit log."""
    shown = {id(f) for f in review.findings}
    changed = False
    for item in report.items:
        if item.fate in ("kept", "merged") and item.target is not None and id(item.target) not in shown:
            item.fate, item.reason, changed = "dropped", "kind_gate", True
    if changed:
        report._count()
    usage = report.usage
    if usage.status != "ok" or usage.message:
        # The command line prints this one line itself (summary.llm.message).
        log.info("%s", usage.message or "模型审查未能完成")
    settings = report.settings
    if settings is not None and settings.llm_log is not None:
        report.write_log(settings.llm_log)


# --- the kind gate -------------------------------------------------------------------

_CHECK_SOURCES = ("rules", "llm")


def gate_by_kind(doc: Document, info: DocumentInfo, findings: list[Finding], forced_rubric: bool = False) -> list[Finding]:
    """What a kind without a rubric of its own does to the findings. An unfilled template:
    its residue findings collapse into one per rule, and no part is missing from a form
    nobody filled in. An unrecognised document: no part checks (the rubric was chosen
    without them; this also drops any the model raised). A rubric the user named keeps
    its part checks."""
    if info.kind not in ("template", "unknown"):
        return findings
    if not forced_rubric:
        findings = [f for f in findings if not (f.category == "missing_part" and f.source in _CHECK_SOURCES)]
    if info.kind == "template":
        findings = collapse_residue(doc, findings)
    return findings


def collapse_residue(doc: Document, findings: list[Finding]) -> list[Finding]:
    """One finding per residue rule (boilerplate from the rules), saying the document is
    an unfilled template, how often and on which pages, quoting the first occurrence."""
    from .models import SEVERITY_RANK

    groups: dict[str, list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        if f.category == "boilerplate" and f.source == "rules":
            groups.setdefault(f.rule, []).append(f)
        else:
            out.append(f)
    for rule, group in groups.items():
        group.sort(key=lambda f: f.location.start if f.location.start is not None else 1 << 60)
        first = group[0]
        occurrences = sum(_occurrences(f) for f in group)
        pages = sorted({f.location.page for f in group if f.location.page})
        examples = list(dict.fromkeys(_flat(f.quote) for f in group if f.quote))[:5]
        where = f"，见第{_page_list(pages)}页" if pages else ""
        shown = "；例如" + "、".join(f"“{q}”" for q in examples) if examples else ""
        name = first.title.split("：", 1)[0]
        out.append(first.model_copy(update={
            "severity": max((f.severity for f in group), key=lambda s: SEVERITY_RANK[s]),
            "title": f"文件为未填写的模板：{name}",
            "detail": (f"“{name}”共{occurrences}处{where}{shown}。整份文件尚未按本单位实际情况填写，"
                       f"逐处列出意义不大，此处汇总为一条。"),
            "suggestion": "按本单位实际情况填写模板全部内容，替换占位符，删去填写说明，选定选项后再提交审核。",
        }))
    if not groups:
        out.append(_template_finding(doc))
    return out


def _template_finding(doc: Document) -> Finding:
    """The template said once when no residue rule fired: its first placeholder."""
    from .findings import make_finding
    from .kind import classify, load_config

    config = load_config()
    m = config.placeholders.search(doc.text) or config.instructions.search(doc.text)
    return make_finding(
        doc, category="boilerplate", severity="warning", source="rules", rule="kind.template",
        title="文件为未填写的模板",
        detail="；".join(classify(doc).evidence) + "。",
        span=(m.start(), m.end()) if m else None,
        suggestion="按本单位实际情况填写模板全部内容后再提交审核。",
    )


def _occurrences(f: Finding) -> int:
    """A rule that stopped listing after N findings says how many more it saw (“另有12处”)."""
    import re

    m = re.search(r"(?:另有|其余|还有)(\d+)处", f.detail)
    return 1 + int(m.group(1)) if m else 1


def _flat(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 30 else flat[:30] + "…"


def _page_list(pages: list[int]) -> str:
    if len(pages) <= 8:
        return "、".join(str(p) for p in pages)
    return "、".join(str(p) for p in pages[:8]) + f"等{len(pages)}"


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

    doc = load(path, limits=options.limits if options else None)
    return review_document(doc, options), doc


def review(path: str | Path, options: ReviewOptions | None = None) -> Review:
    """Review one report file (PDF, DOCX or TXT). Raises InputError for bad input."""
    return review_file(path, options)[0]
