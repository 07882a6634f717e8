"""Benchmark of the model stage against a local OpenAI-compatible server.

Two modes, both through the real pipeline and the real `openai` client:

Latency (default): the five samples against tests/llm_server.py with a fixed latency
per call; prints calls, prompt tokens against the document's tokens, and wall time
against the ideal ceil(calls / concurrency) x latency, then re-runs with a warm cache.

Replay (`--replay`): every call is answered with a realistic reply written here from
the prompt the tool actually sent, the way strong and noisy models answer:
- genuine findings whose quotes are copied imperfectly: verbatim, a word dropped or
  added, a character "corrected", 7.5 written 7.50, 13628.59 written 13,628.59, table
  cells joined by " | ", "A……B" elisions, other punctuation;
- repeats of the deterministic findings the prompt lists as already found (on the same
  text under another category, missing parts by name, the same figures elsewhere);
- generic advice ("建议进一步加强绩效管理…") and false findings (a quote the report does
  not contain, a quote with a changed figure);
- replies in fences, in prose, after `<think>` blocks, under `issues` with Chinese keys,
  as a bare list; every third call cut by the output limit (`finish_reason: length`).
Each finding's fate is read back from the audit log (`--llm-log`) and the bench prints:
genuine findings shown / total, genuine wrongly dropped, generic or false shown, repeats
shown twice, wall time against the ideal, prompt tokens against document tokens, and
the calls of a cached re-run.

Targets: >= 98% of genuine findings shown; 0 repeats shown twice; at most 1 generic or
false finding shown; wall <= 1.3 x ideal; a cached re-run makes 0 calls.

    python3 bench/llm_stage.py [--latency 0.5] [--concurrency 4]
    python3 bench/llm_stage.py --replay [--latency 0.5] [--concurrency 4] [-v]

Exit status 1 when a target is missed. The openai package and its HTTP transport are
loaded before timing (paid once per process, not per document; printed separately).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.ingest import load  # noqa: E402
from reviewer.llm import run_llm_stage  # noqa: E402
from reviewer.llm.cache import EndpointMemory  # noqa: E402
from reviewer.llm.tokens import estimate_tokens  # noqa: E402
from reviewer.options import ReviewOptions  # noqa: E402
from reviewer.pipeline import document_info, review_file  # noqa: E402
from reviewer.rubric import load_rubric_for  # noqa: E402
from tests.llm_server import LLMServer, reviewed_text  # noqa: E402


def warm_up() -> float:
    started = time.perf_counter()
    import openai

    openai.OpenAI(api_key="warm-up", base_url="http://127.0.0.1:9/v1")
    import reviewer.llm.stage  # noqa: F401
    return time.perf_counter() - started


# --- latency mode ----------------------------------------------------------------------------

def latency_bench(args) -> int:
    load_time = warm_up()
    paths = sorted(args.samples.glob("*.txt"))
    ok = True
    header = f"{'document':<28}{'calls':>6}{'prompt tok':>11}{'doc tok':>9}{'ratio':>7}{'wall s':>8}" \
             f"{'ideal s':>8}{'wall/ideal':>11}{'cached calls':>13}"
    print(header)
    print("-" * len(header))
    totals = dict(calls=0, prompt=0, doc=0, wall=0.0, ideal=0.0, cached=0)
    with LLMServer("schema", latency=args.latency) as server, tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            doc = load(path)
            info = document_info(doc)
            rubric = load_rubric_for(info.kind)
            options = ReviewOptions(llm="on", base_url=server.url, api_key="bench", cache_dir=tmp,
                                    concurrency=args.concurrency, timeout=30)
            started = time.perf_counter()
            findings, usage = run_llm_stage(doc, info, rubric, [], options)
            wall = time.perf_counter() - started
            _, again = run_llm_stage(doc, info, rubric, [], options)
            doc_tokens = estimate_tokens(doc.text)
            ideal = math.ceil(usage.calls / args.concurrency) * args.latency
            ratio = usage.prompt_tokens / doc_tokens
            print(f"{path.stem:<28}{usage.calls:>6}{usage.prompt_tokens:>11}{doc_tokens:>9}{ratio:>7.2f}"
                  f"{wall:>8.2f}{ideal:>8.2f}{wall / ideal if ideal else 0:>11.2f}{again.calls:>13}")
            ok &= usage.used and ratio <= 3.0 and again.calls == 0
            for key, value in (("calls", usage.calls), ("prompt", usage.prompt_tokens), ("doc", doc_tokens),
                               ("wall", wall), ("ideal", ideal), ("cached", again.calls)):
                totals[key] += value
    print("-" * len(header))
    t = totals
    print(f"{'all':<28}{t['calls']:>6}{t['prompt']:>11}{t['doc']:>9}{t['prompt'] / t['doc']:>7.2f}"
          f"{t['wall']:>8.2f}{t['ideal']:>8.2f}{t['wall'] / t['ideal']:>11.2f}{t['cached']:>13}")
    ok &= t["wall"] <= 1.3 * t["ideal"]
    print(f"one-time load of openai and its HTTP transport (not counted above): {load_time:.2f}s")
    print(f"latency {args.latency}s per call, concurrency {args.concurrency}; targets: ratio <= 3.00, "
          f"wall/ideal <= 1.30, cached calls 0 -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


# --- replay mode: realistic replies ------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_KNOWN = re.compile(r"^- \[(?P<cat>[^\]]+)\] (?P<title>[^（：\n]+)(?:（文中(?P<stated>[^，]+)，重算(?P<expected>[^）]+)）)?"
                    r"(?:：“(?P<quote>[^”]+)”)?", re.M)
_CLAIM = re.compile(r"圆满|全面完成|顺利完成|良好|满意|显著|有效|较高|到位")
_FALSE_QUOTES = ("本单位全年共完成项目验收56个，验收合格率达到100%", "经第三方机构评估，群众满意度达到99.8%以上")
GENERIC = (("绩效管理有待加强", "建议进一步加强绩效管理，提高资金使用效益。", "进一步加强绩效管理。"),
           ("预算管理需进一步规范", "建议进一步规范预算管理，切实提高预算编制的科学性。", "加强预算编制。"))


class Replay:
    """Writes the replies and remembers what each finding is (by its unique title)."""

    def __init__(self):
        self.labels: dict[str, str] = {}  # title -> genuine | repeat | generic | false
        self.calls = 0
        self._lock = threading.Lock()
        self._n = 0
        self._answers: dict[int, list[dict]] = {}

    def _title(self, base: str, label: str) -> str:
        """A unique title without digits (digits would make stock advice look specific)."""
        with self._lock:
            self._n += 1
            n, tag = self._n, ""
            while n:
                n, r = divmod(n, 26)
                tag += "abcdefghijklmnopqrstuvwxyz"[r]
            title = f"{base[:14]}·{tag}"
            self.labels[title] = label
        return title

    # quote variants a model produces when copying Chinese text
    @staticmethod
    def variant(sentence: str, k: int) -> str:
        s = sentence.strip().rstrip("。；")
        kind = k % 9
        if kind == 1 and len(s) > 16:  # a word dropped
            i = len(s) // 2
            return s[:i] + s[i + 2:]
        if kind == 2 and len(s) > 12:  # a word added
            i = len(s) // 3
            return s[:i] + "的" + s[i:]
        if kind == 3:  # 7.5 -> 7.50
            m = re.search(r"\d+\.\d(?!\d)", s)
            if m:
                return s[:m.end()] + "0" + s[m.end():]
        if kind == 4:  # 13628.59 -> 13,628.59
            m = re.search(r"(?<![\d.,])(\d{1,3})(\d{3})(\.\d+)?(?![\d,])", s)
            if m:
                return s[:m.start()] + f"{m.group(1)},{m.group(2)}{m.group(3) or ''}" + s[m.end():]
        if kind == 5 and len(s) > 40:  # "A……B"
            return s[:12] + "……" + s[-12:]
        if kind == 6:  # other punctuation
            return s.replace("，", "；", 1).replace(",", "，")
        if kind == 7 and len(s) > 14:  # a character "corrected"
            i = len(s) // 2
            if "\u4e00" <= s[i] <= "\u9fff":
                return s[:i] + ("地" if s[i] != "地" else "的") + s[i + 1:]
        return s

    def reply(self, user: str, body: dict) -> tuple[str, str]:
        with self._lock:
            self.calls += 1
        last = next((m.get("content") or "" for m in reversed(body.get("messages", [])) if m.get("role") == "user"), "")
        seed = int(hashlib.sha256(user.encode("utf-8")).hexdigest()[:8], 16)
        with self._lock:
            cached = self._answers.get(seed)
        if cached is None:  # the same prompt gets the same findings (the retry sees them again)
            cached = self.findings(user, random.Random(seed))
            with self._lock:
                self._answers[seed] = cached
        items = cached
        if "超出长度限制" in last:  # the retry: only what was not received whole
            received = last
            rest = [it for it in items if f"- {it['title']}：" not in received]
            return json.dumps({"findings": rest}, ensure_ascii=False), "stop"
        style = seed % 5
        payload = json.dumps({"findings": items}, ensure_ascii=False)
        if seed % 3 == 0 and len(items) >= 3:  # cut by the output limit
            cut = payload[: payload.index(items[len(items) * 2 // 3]["title"]) + 8]
            return cut, "length"
        if style == 0:
            return payload, "stop"
        if style == 1:
            return f"审查完毕，意见如下：\n```json\n{payload}\n```\n以上意见供参考。", "stop"
        if style == 2:
            return f'<think>先列草稿 {{"findings": []}}，再逐条核对原文。</think>\n{payload}', "stop"
        if style == 3:
            keys = {"category": "类别", "severity": "严重程度", "title": "标题", "detail": "说明", "quote": "原文",
                    "suggestion": "建议", "section": "所在部分"}
            sev = {"error": "高", "warning": "中", "info": "低"}
            issues = [{keys.get(k, k): (sev[v] if k == "severity" else v) for k, v in it.items()} for it in items]
            return json.dumps({"issues": issues}, ensure_ascii=False), "stop"
        return json.dumps(items, ensure_ascii=False), "stop"

    def findings(self, user: str, rnd: random.Random) -> list[dict]:
        text = reviewed_text(user)
        out: list[dict] = []
        # Genuine: sentences with figures or claims, and table rows.
        sentences = []
        for line in text.split("\n"):
            line = re.sub(r"〔[^〕]*〕", "", line)
            if " | " in line:
                cells = [c for c in line.split(" | ") if c.strip()]
                if len(cells) >= 3 and any(re.search(r"\d", c) for c in cells):
                    sentences.append(("row", " | ".join(cells[:3])))
                continue
            for m in _SENTENCE.finditer(line):
                s = m.group().strip()
                if 14 <= len(s) <= 90 and (re.search(r"\d", s) or _CLAIM.search(s)):
                    sentences.append(("text", s))
        rnd.shuffle(sentences)
        seen_quotes = set()
        for k, (kind, s) in enumerate(sentences[:7]):
            quote = s if kind == "row" else self.variant(s, k + rnd.randrange(9))
            if quote in seen_quotes:
                continue
            seen_quotes.add(quote)
            figures = re.findall(r"\d+(?:\.\d+)?%?", s)[:2]
            cat = "unsupported_claim" if _CLAIM.search(s) else ("inconsistency" if kind == "row" else "unsupported_claim")
            out.append({"category": cat, "severity": rnd.choice(["warning", "warning", "error", "info"]),
                        "title": self._title("数据与结论需核实", "genuine"),
                        "detail": f"“{s[:10]}”中的{('、'.join(figures) or '结论')}缺少依据或与报告其他部分不一致。",
                        "quote": quote, "section": "", "suggestion": f"补充{figures[0] if figures else '相关'}的计算依据。"})
        # Repeats of what the prompt says was already found.
        for m in list(_KNOWN.finditer(user))[:2]:
            quote = m.group("quote") or ""
            if quote.endswith("…"):
                quote = quote[:-1]
            if quote:
                detail = f"文中写{m.group('stated') or '该数'}，按报告数据应为{m.group('expected') or '其他值'}。"
                cat = rnd.choice(["ratio", "inconsistency", "arithmetic", "unsupported_claim"])
            else:
                detail, cat = f"{m.group('title')}，报告未写该部分。", "missing_part"
            out.append({"category": cat, "severity": "error", "title": self._title(m.group("title"), "repeat"),
                        "detail": detail, "quote": quote, "section": "", "suggestion": "按核算结果修改。"})
        # Generic advice, and a false finding every other call.
        title, detail, suggestion = GENERIC[rnd.randrange(len(GENERIC))]
        advice = next((s for _, s in sentences if re.search(r"加强|完善|提高|规范", s)), sentences[0][1] if sentences else "")
        out.append({"category": "boilerplate", "severity": "info", "title": self._title(title, "generic"),
                    "detail": detail, "quote": advice[:30], "section": "", "suggestion": suggestion})
        if rnd.random() < 0.5:
            out.append({"category": "unsupported_claim", "severity": "warning",
                        "title": self._title("验收合格率无依据", "false"), "detail": "合格率100%没有验收记录。",
                        "quote": rnd.choice(_FALSE_QUOTES), "section": "", "suggestion": "补充验收记录。"})
        elif sentences:
            s = next((s for _, s in sentences if re.search(r"\d+\.\d+", s)), None)
            if s:
                changed = re.sub(r"\d+\.\d+", lambda m: str(round(float(m.group()) + 1.37, 2)), s, count=1)
                out.append({"category": "inconsistency", "severity": "error",
                            "title": self._title("金额前后不一致", "false"),
                            "detail": "该金额与表中不同。", "quote": changed, "section": "", "suggestion": "核对金额。"})
        return out


def replay_bench(args) -> int:
    load_time = warm_up()
    paths = sorted(args.samples.glob("*.txt"))
    replay = Replay()
    rows = []
    lost: list[str] = []
    shown_bad: list[str] = []
    twice: list[str] = []
    totals = Counter()
    with LLMServer("schema", latency=args.latency, raw_responder=replay.reply) as server, \
            tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            EndpointMemory.forget_process_memory()
            log_path = Path(tmp) / f"{path.stem}.jsonl"
            options = ReviewOptions(llm="on", base_url=server.url, api_key="bench", cache_dir=tmp,
                                    concurrency=args.concurrency, timeout=30, llm_log=str(log_path))
            review, doc = review_file(path, options)
            records = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
            wall = next(r["seconds"] for r in records if r["type"] == "summary")  # the model stage only
            calls = [r for r in records if r["type"] == "call"]
            fates = [r for r in records if r["type"] == "finding"]
            depth = max((len(c["exchanges"]) for c in calls), default=1)
            ideal = args.latency * max(math.ceil(len(calls) / args.concurrency), depth)
            count = Counter()
            for r in fates:
                label = replay.labels.get(r["title"], "unknown")
                shown = r["fate"] in ("kept", "merged")
                count[label] += 1
                if label == "genuine":
                    count["genuine_shown"] += shown
                    if not shown:
                        lost.append(f"{path.stem} {r['reason']}: {r['quote']}")
                elif label in ("generic", "false") and r["fate"] == "kept":
                    count["bad_shown"] += 1
                    shown_bad.append(f"{path.stem} {label}: {r['title']} “{r['quote']}”")
                elif label == "repeat" and r["fate"] == "kept":
                    count["repeat_twice"] += 1
                    twice.append(f"{path.stem}: {r['title']} “{r['quote']}”")
            usage = review.summary.llm
            again, _ = review_file(path, options.model_copy(update={"llm_log": None}))
            doc_tokens = estimate_tokens(doc.text)
            rows.append((path.stem, len(calls), usage.calls, count["genuine_shown"], count["genuine"],
                         count["repeat"], count["repeat_twice"], count["generic"] + count["false"], count["bad_shown"],
                         wall, ideal, usage.prompt_tokens, doc_tokens, again.summary.llm.calls))
            for key, value in (("genuine", count["genuine"]), ("genuine_shown", count["genuine_shown"]),
                               ("repeat", count["repeat"]), ("repeat_twice", count["repeat_twice"]),
                               ("bad", count["generic"] + count["false"]), ("bad_shown", count["bad_shown"]),
                               ("planned", len(calls)), ("requests", usage.calls), ("prompt", usage.prompt_tokens),
                               ("doc", doc_tokens), ("cached_calls", again.summary.llm.calls)):
                totals[key] += value
            totals["wall"] += wall
            totals["ideal"] += ideal
    header = (f"{'document':<26}{'calls':>6}{'reqs':>5}{'genuine shown':>15}{'repeats':>8}{'twice':>6}"
              f"{'generic+false':>14}{'shown':>6}{'wall s':>8}{'ideal s':>8}{'prompt/doc':>11}{'cached calls':>13}")
    print(header)
    print("-" * len(header))
    for (name, calls, reqs, gs, g, rep, tw, bad, bs, wall, ideal, pt, dt, cc) in rows:
        print(f"{name:<26}{calls:>6}{reqs:>5}{f'{gs}/{g}':>15}{rep:>8}{tw:>6}{bad:>14}{bs:>6}{wall:>8.2f}"
              f"{ideal:>8.2f}{pt / dt:>11.2f}{cc:>13}")
    print("-" * len(header))
    t = totals
    share = t["genuine_shown"] / max(1, t["genuine"])
    print(f"genuine findings shown: {t['genuine_shown']}/{t['genuine']} ({share:.1%}); "
          f"genuine wrongly dropped: {t['genuine'] - t['genuine_shown']}")
    print(f"generic or false shown: {t['bad_shown']} of {t['bad']}; repeats shown twice: {t['repeat_twice']} "
          f"of {t['repeat']}")
    print(f"wall {t['wall']:.2f}s against ideal {t['ideal']:.2f}s ({t['wall'] / t['ideal']:.2f}x); "
          f"prompt tokens {t['prompt']} against document tokens {t['doc']} ({t['prompt'] / t['doc']:.2f}x); "
          f"{t['planned']} planned calls, {t['requests']} requests")
    print(f"cached re-run: {t['cached_calls']} calls")
    if args.verbose:
        for title, lines in (("genuine dropped", lost), ("generic/false shown", shown_bad),
                             ("repeats shown twice", twice)):
            for line in lines:
                print(f"  {title}: {line}")
    ok = share >= 0.98 and t["repeat_twice"] == 0 and t["bad_shown"] <= 1 and \
        t["wall"] <= 1.3 * t["ideal"] and t["cached_calls"] == 0
    print(f"one-time load of openai and its HTTP transport (not counted above): {load_time:.2f}s")
    print(f"latency {args.latency}s per call, concurrency {args.concurrency}; targets: genuine >= 98%, "
          f"repeats twice 0, generic/false shown <= 1, wall/ideal <= 1.30, cached calls 0 -> "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--latency", type=float, default=0.5, help="seconds per call (default 0.5)")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--replay", action="store_true", help="answer with realistic replies and score the fates")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    return replay_bench(args) if args.replay else latency_bench(args)


if __name__ == "__main__":
    sys.exit(main())
