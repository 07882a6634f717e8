"""The model review stage: plan the calls, answer from the cache or the endpoint
(concurrently, within an overall deadline), ground every finding, and account for
everything: calls, failures, and what became of each finding the model gave.

The stage never adds a finding about itself. Its status and failures go to
`summary.llm` and to one line on stderr; with the stage failing in any way, the
review equals the offline review apart from `summary.llm`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import Counter
from concurrent.futures import ALL_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..document import Document
from ..models import DocumentInfo, Finding, LLMFindingCounts, LLMUsage
from ..rubric import Rubric
from .answer import ModelAnswer, ModelFinding
from .cache import AnswerCache, EndpointMemory, cache_key
from .client import CallFailed, CallResult, CallStats, ChatClient, Exchange
from .config import OPENAI_URL, ConfigError, LLMSettings, resolve_settings
from .grounding import ground
from .plan import PlannedCall, plan_calls
from .redact import install_log_filter, redact, redact_data

log = logging.getLogger("reviewer.llm")

NOT_CONFIGURED = "未配置模型服务（请设置 OPENAI_API_KEY，或用 --base-url / 用户配置文件指定 OpenAI 兼容端点）"


@dataclass
class CallOutcome:
    call: PlannedCall
    result: Optional[CallResult] = None
    error: Optional[CallFailed] = None
    cached: bool = False
    cache_entry: Optional[dict] = None

    @property
    def answer(self) -> Optional[ModelAnswer]:
        return self.result.answer if self.result else None


@dataclass
class ModelItem:
    """One finding the model gave, and what became of it."""

    call_id: str
    index: int
    raw: ModelFinding
    finding: Optional[Finding] = None  # grounded (or kept ungrounded) finding
    fate: str = "dropped"
    reason: str = ""
    target: Optional[Finding] = None


@dataclass
class StageReport:
    usage: LLMUsage
    items: list[ModelItem] = field(default_factory=list)
    outcomes: list[CallOutcome] = field(default_factory=list)
    settings: Optional[LLMSettings] = None
    system: str = ""
    invalid: int = 0  # items of replies that did not validate
    doc_path: str = ""
    seconds: float = 0.0  # wall time of the calls (planning to the last answer)

    @property
    def findings(self) -> list[Finding]:
        return [it.finding for it in self.items if it.finding is not None]

    @property
    def call_ids(self) -> list[str]:
        return [it.call_id for it in self.items if it.finding is not None]

    def set_fates(self, fates) -> None:
        """Fates from the merge, in the order of `findings`."""
        grounded = [it for it in self.items if it.finding is not None]
        for it, fate in zip(grounded, fates):
            it.fate, it.reason, it.target = fate.fate, fate.reason, fate.target
        self._count()

    def _count(self) -> None:
        reasons: Counter = Counter()
        kept = merged = dropped = 0
        for it in self.items:
            if it.fate == "kept":
                kept += 1
            elif it.fate == "merged":
                merged += 1
                reasons[it.reason] += 1
            else:
                dropped += 1
                reasons[it.reason or "unknown"] += 1
        if self.invalid:
            dropped += self.invalid
            reasons["invalid"] += self.invalid
        self.usage.findings = LLMFindingCounts(returned=len(self.items) + self.invalid, kept=kept, merged=merged,
                                               dropped=dropped, reasons=dict(sorted(reasons.items())))

    def fail(self, message: str) -> "StageReport":
        self.usage.used = False
        self.usage.status = "failed"
        self.usage.message = redact(message)
        return self

    # --- the audit log ----------------------------------------------------------------

    def log_records(self) -> list[dict]:
        records = []
        for o in self.outcomes:
            call = o.call
            exchanges = (o.result.exchanges if o.result else (o.error.exchanges if o.error else [])) or []
            usage: Counter = Counter()
            for ex in exchanges:
                for k, v in (ex.usage or {}).items():
                    usage[k] += v
            last: Optional[Exchange] = exchanges[-1] if exchanges else None
            entry = o.cache_entry or {}
            records.append({
                "type": "call", "document": self.doc_path, "call": call.id, "tasks": call.task_ids,
                "model": (o.result.model if o.result else None) or call.model or self.usage.model,
                "mode": (o.result.mode if o.result else None) or entry.get("mode") or (last.mode if last else None),
                "prompt_sha256": hashlib.sha256(f"{self.system}\n{call.user}".encode("utf-8")).hexdigest(),
                "system": self.system, "prompt": call.user,
                "cache_hit": o.cached,
                "reply": last.reply if last else entry.get("reply"),
                "finish_reason": last.finish_reason if last else entry.get("finish_reason"),
                "usage": dict(usage) or None,
                "latency": round(sum(ex.latency for ex in exchanges), 3),
                "exchanges": [{k: v for k, v in vars(ex).items()} for ex in exchanges],
                "truncated": bool(o.result and o.result.truncated),
                "error": str(o.error) if o.error else None,
            })
        for it in self.items:
            target = it.target
            records.append({
                "type": "finding", "document": self.doc_path, "call": it.call_id, "index": it.index,
                "category": it.raw.category, "severity": it.raw.severity, "title": it.raw.title,
                "quote": it.raw.quote, "section": it.raw.section,
                "grounding": it.finding.grounding if it.finding else None,
                "fate": it.fate, "reason": it.reason,
                "finding_id": target.id if target is not None else None,
                "into_rule": target.rule if target is not None and it.fate == "merged" else None,
            })
        records.append({"type": "summary", "document": self.doc_path, "seconds": round(self.seconds, 3),
                        "llm": self.usage.model_dump(mode="json")})
        return records

    def write_log(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                for record in self.log_records():
                    fh.write(json.dumps(redact_data(record), ensure_ascii=False, default=str) + "\n")
        except OSError as e:
            log.warning("无法写入模型调用日志 %s：%s", path, e)


def _rule_for(call: PlannedCall, mf: ModelFinding) -> str:
    ids = call.task_ids
    check = (mf.check or "").strip()
    if check in ids:
        return check
    return ids[0] if len(ids) == 1 else "review"


def _stage_deadline(settings: LLMSettings, calls: int) -> float:
    """Seconds the whole stage may take: the user's, else enough for every round of
    calls at the endpoint's concurrency plus a retry round."""
    if settings.stage_deadline:
        return settings.stage_deadline
    rounds = math.ceil(max(1, calls) / max(1, settings.concurrency))
    return settings.timeout * (rounds + 2)


def run_stage(doc: Document, info: DocumentInfo, rubric: Rubric, findings: list[Finding], options) -> StageReport:
    install_log_filter()
    report = StageReport(usage=LLMUsage(used=False), doc_path=doc.path)
    try:
        settings = resolve_settings(options)
    except ConfigError as e:
        return report.fail(str(e).removeprefix("错误："))
    report.settings = settings
    report.usage.model = settings.model
    report.usage.endpoint = settings.safe_endpoint
    if not settings.api_key and settings.endpoint == OPENAI_URL:
        # `--llm on` with nothing configured: say so instead of sending a keyless request.
        return report.fail(NOT_CONFIGURED)
    plan = plan_calls(doc, info, rubric, findings, whole_chars=settings.whole_chars,
                      task_models=settings.task_models)
    report.system = plan.system
    memory = EndpointMemory(settings.cache_dir)
    cache = AnswerCache(settings.cache_dir)
    stats = CallStats()
    abort = threading.Event()
    started = time.monotonic()
    deadline = started + _stage_deadline(settings, len(plan.calls))

    try:
        client = ChatClient(settings, memory, stats, abort, stage_deadline=deadline)
    except Exception as e:  # noqa: BLE001 - a client that cannot start is a failed stage
        return report.fail(f"无法创建模型客户端：{type(e).__name__}: {e}")
    report.usage.model = client.model

    def key_of(call: PlannedCall) -> str:
        return cache_key(model=call.model or client.model, endpoint=settings.endpoint, system=plan.system,
                         prompt=call.user, rubric=rubric.name, rubric_version=rubric.version,
                         max_tokens=settings.max_tokens, extra_body=settings.extra_body)

    outcomes = [CallOutcome(call) for call in plan.calls]
    report.outcomes = outcomes
    pending = []
    for outcome in outcomes:
        hit = cache.get(key_of(outcome.call))
        if hit is not None:
            try:
                answer = ModelAnswer.model_validate(hit["answer"])
                outcome.result = CallResult(answer, hit.get("model") or client.model, hit.get("mode") or "", [])
                outcome.cached, outcome.cache_entry = True, hit
                continue
            except (ValueError, KeyError, TypeError):
                pass
        pending.append(outcome)

    def run_one(outcome: CallOutcome) -> None:
        messages = [{"role": "system", "content": plan.system}, {"role": "user", "content": outcome.call.user}]
        try:
            outcome.result = client.complete(messages, model=outcome.call.model,
                                             max_findings=outcome.call.max_findings)
        except CallFailed as e:
            outcome.error = e
            if e.fatal:
                abort.set()
            return
        except Exception as e:  # noqa: BLE001 - a bug in one call must not lose the others
            outcome.error = CallFailed("internal", f"{type(e).__name__}: {e}")
            log.debug("model call failed", exc_info=e)
            return
        if outcome.result.cacheable:
            last = outcome.result.exchanges[-1] if outcome.result.exchanges else None
            cache.put(key_of(outcome.call), redact_data({
                "answer": outcome.result.answer.model_dump(), "model": outcome.result.model,
                "mode": outcome.result.mode, "reply": last.reply if last else "",
                "finish_reason": last.finish_reason if last else None}))

    if pending:
        pool = ThreadPoolExecutor(max_workers=min(settings.concurrency, len(pending)),
                                  thread_name_prefix="reviewer-llm")
        futures = [pool.submit(run_one, o) for o in pending]
        _, not_done = wait(futures, timeout=max(0.0, deadline - time.monotonic()) + 1.0,
                           return_when=ALL_COMPLETED)
        if not_done:
            abort.set()  # in-flight calls stop at their next chunk or wait
        pool.shutdown(wait=False, cancel_futures=True)
        for outcome, future in zip(pending, futures):
            if future in not_done and outcome.result is None and outcome.error is None:
                outcome.error = CallFailed("deadline", f"模型审查超过总时限（{deadline - started:.0f} 秒）")

    report.seconds = time.monotonic() - started
    failed = [o for o in outcomes if o.result is None]
    usage = report.usage
    usage.calls = stats.requests
    usage.prompt_tokens = stats.prompt_tokens
    usage.completion_tokens = stats.completion_tokens
    usage.cached = sum(o.cached for o in outcomes)
    usage.failures = len(failed)
    usage.truncated = sum(bool(o.result and o.result.truncated) for o in outcomes)
    log.info("llm stage: %d calls planned (%s, %d cached), %d requests, %d prompt tokens for %d document "
             "tokens, %.2fs", len(plan.calls), plan.mode, usage.cached, stats.requests, stats.prompt_tokens,
             plan.doc_tokens, time.monotonic() - started)

    for o in outcomes:
        if o.result is None:
            continue
        report.invalid += o.result.answer.invalid
        section = o.call.pieces[0].section if len(o.call.pieces) == 1 else None
        for i, mf in enumerate(o.result.answer.findings):
            finding = ground(doc, mf, _rule_for(o.call, mf), o.call.near, section, settings.keep_ungrounded)
            item = ModelItem(o.call.id, i, mf, finding)
            if finding is None:
                item.fate, item.reason = "dropped", "ungrounded"
            report.items.append(item)

    # The first real error explains the failure better than the calls it aborted.
    cause = next((o.error for o in failed if o.error and o.error.kind != "aborted"),
                 failed[0].error if failed else None)
    if outcomes and len(failed) == len(outcomes):
        report.fail(f"模型审查未能完成：{cause}")
        usage.calls = stats.requests
    elif failed:
        usage.used = True
        usage.status = "partial"
        usage.message = redact(f"部分模型审查未完成：{len(failed)}/{len(outcomes)} 次调用失败（{cause}）")
    else:
        usage.used = True
        usage.status = "ok"
        if usage.truncated:
            usage.message = f"{usage.truncated} 次模型回复两次被长度限制截断，只保留了其中完整的意见"
    report._count()
    return report


def run_llm_stage(doc: Document, info: DocumentInfo, rubric: Rubric, findings: list[Finding],
                  options) -> tuple[list[Finding], LLMUsage]:
    """Model findings (source "llm", grounded and located, not yet merged) and the usage."""
    report = run_stage(doc, info, rubric, findings, options)
    return report.findings, report.usage
