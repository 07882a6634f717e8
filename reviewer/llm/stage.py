"""The model review stage: plan the calls, answer from the cache or the endpoint
(concurrently), ground every finding, and account for usage."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..document import Document
from ..findings import make_finding
from ..models import DocumentInfo, Finding, LLMUsage
from ..rubric import Rubric
from .answer import ModelAnswer
from .cache import AnswerCache, EndpointMemory, cache_key
from .client import CallFailed, CallStats, ChatClient
from .config import OPENAI_URL, resolve_settings
from .grounding import dedupe_model_findings, ground
from .plan import PlannedCall, plan_calls

log = logging.getLogger("reviewer.llm")


@dataclass
class CallOutcome:
    call: PlannedCall
    answer: ModelAnswer | None = None
    error: CallFailed | None = None
    cached: bool = False


def _failure_finding(doc: Document, reason: str, partial: str = "") -> Finding:
    if partial:
        title = "部分模型审查未完成"
        detail = f"{partial}（{reason}）。其余模型意见及数据核算、规则检查结果不受影响。"
    else:
        title = "模型审查未能完成"
        detail = f"{reason}。以下仅为数据核算和规则检查结果，不含模型意见。"
    return make_finding(
        doc, category="missing_part", severity="warning", source="llm", rule="llm.failed",
        title=title, detail=detail,
        suggestion="检查模型服务地址（--base-url）、API 密钥和网络后重试，或用 --no-llm 只做离线检查。",
    )


def run_llm_stage(doc: Document, info: DocumentInfo, rubric: Rubric, findings: list[Finding],
                  options) -> tuple[list[Finding], LLMUsage]:
    settings = resolve_settings(options)
    if not settings.api_key and settings.endpoint == OPENAI_URL:
        # `--llm on` with nothing configured: say so instead of sending a keyless request.
        reason = "未配置模型服务（请设置 OPENAI_API_KEY，或用 --base-url 指定 OpenAI 兼容端点）"
        return [_failure_finding(doc, reason)], LLMUsage(used=False, model=settings.model)
    plan = plan_calls(doc, info, rubric, findings)
    memory = EndpointMemory(settings.cache_dir)
    cache = AnswerCache(settings.cache_dir)
    stats = CallStats()
    abort = threading.Event()
    started = time.perf_counter()

    try:
        client = ChatClient(settings, memory, stats, abort)
    except Exception as e:  # noqa: BLE001 - a client that cannot start is a failed stage
        reason = f"无法创建模型客户端：{e}"
        return [_failure_finding(doc, reason)], LLMUsage(used=False, model=settings.model)

    def key_of(call: PlannedCall) -> str:
        return cache_key(model=client.model, endpoint=settings.endpoint, system=plan.system_version,
                         prompt=call.template.name, prompt_version=call.template.version,
                         rubric=rubric.name, rubric_version=rubric.version, text=call.user)

    outcomes = [CallOutcome(call) for call in plan.calls]
    pending = []
    for outcome in outcomes:
        hit = cache.get(key_of(outcome.call))
        if hit is not None:
            try:
                outcome.answer = ModelAnswer.model_validate(hit)
                outcome.cached = True
                continue
            except ValueError:
                pass
        pending.append(outcome)

    def run_one(outcome: CallOutcome) -> None:
        messages = [{"role": "system", "content": plan.system}, {"role": "user", "content": outcome.call.user}]
        try:
            outcome.answer = client.complete(messages)
        except CallFailed as e:
            outcome.error = e
            if e.fatal:
                abort.set()
            return
        cache.put(key_of(outcome.call), outcome.answer.model_dump())

    if pending:
        with ThreadPoolExecutor(max_workers=min(settings.concurrency, len(pending)),
                                thread_name_prefix="reviewer-llm") as pool:
            list(pool.map(run_one, pending))

    log.info("llm stage: %d calls planned (%d cached), %d requests, %d prompt tokens "
             "(estimate %d, budget %d for %d document tokens), %.2fs",
             len(plan.calls), len(plan.calls) - len(pending), stats.requests, stats.prompt_tokens,
             plan.prompt_tokens, plan.budget, plan.doc_tokens, time.perf_counter() - started)

    failed = [o for o in outcomes if o.error is not None]
    # The first real error explains the failure better than the calls it aborted.
    cause = next((o.error for o in failed if o.error.kind != "aborted"), failed[0].error if failed else None)
    usage = LLMUsage(used=True, model=client.model, calls=stats.requests,
                     prompt_tokens=stats.prompt_tokens, completion_tokens=stats.completion_tokens)
    if outcomes and len(failed) == len(outcomes):
        usage.used = False
        return [_failure_finding(doc, str(cause))], usage

    out: list[Finding] = []
    for o in outcomes:
        if o.answer is None:
            continue
        section = o.call.pieces[0].section if o.call.pieces else None
        for mf in o.answer.findings:
            f = ground(doc, mf, o.call.task.id, o.call.near, section, settings.keep_ungrounded)
            if f is not None:
                out.append(f)
    out = dedupe_model_findings(out)
    if failed:
        out.append(_failure_finding(doc, str(cause), partial=f"{len(failed)}/{len(outcomes)} 次模型调用失败"))
    return out, usage
