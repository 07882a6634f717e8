"""Reviewers' decisions: findings dismissed once stay hidden.

A decision records who dismissed which finding, when and why, keyed by the finding's
fingerprint (reviewer/fingerprint.py), so it still applies to a re-run and to a corrected
version of the report. The command line keeps decisions in `.reviewer-decisions.yaml`
beside the report; the web application keeps the same records in its database. Both hand
a list of `Decision` to `apply_decisions`, which hides the matching findings, renumbers
the rest and counts the hidden ones in `summary.dismissed`.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

from .errors import InputError
from .fingerprint import fingerprints
from .models import Finding, Review

DECISIONS_FILE = ".reviewer-decisions.yaml"
_HEADER = ("# 预审意见处理记录：此处列出的意见已由审核人确认忽略，以后审核同一报告（含修改稿）时不再显示。\n"
           "# Dismissed findings: reviewer re-runs hide them. Edit with `reviewer dismiss`.\n")


@dataclass
class Decision:
    fingerprint: str
    rule: str = ""
    title: str = ""
    quote: str = ""
    unit: Optional[str] = None  # None: any unit
    by: str = ""
    at: str = ""
    reason: str = ""
    extra: dict = field(default_factory=dict, repr=False)

    def applies_to(self, review: Review) -> bool:
        return self.unit is None or not review.document.unit or self.unit == review.document.unit


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def decision_for(f: Finding, fp: str, review: Review, *, by: str, reason: str) -> Decision:
    quote = " ".join(f.quote.split())
    return Decision(fingerprint=fp, rule=f.rule, title=f.title, quote=quote[:120], unit=review.document.unit,
                    by=by, at=now_iso(), reason=reason)


def default_who() -> str:
    for var in ("REVIEWER_AUDITOR", "USER", "USERNAME", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    return ""


def decisions_path_for(report: Path) -> Path:
    """The decisions file beside a report."""
    return Path(report).resolve().parent / DECISIONS_FILE


# ---------------------------------------------------------------------------
# The YAML file


def load_decisions(path: Path) -> list[Decision]:
    import yaml

    path = Path(path)
    if not path.exists():
        return []
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise InputError(f"无法读取处理记录文件 {path}", f"cannot read decisions file {path}: {e}")
    items = raw.get("dismissed") if isinstance(raw, dict) else None
    if items is None:
        items = []
    if not isinstance(items, list):
        raise InputError(f"处理记录文件格式不对：{path}", f"decisions file {path}: 'dismissed' must be a list")
    out = []
    known = set(Decision.__dataclass_fields__) - {"extra"}
    for item in items:
        if not isinstance(item, dict) or not item.get("fingerprint"):
            raise InputError(f"处理记录文件中有无效条目：{path}", f"decisions file {path}: entry without fingerprint")
        kw = {k: ("" if v is None and k != "unit" else v) for k, v in item.items() if k in known}
        kw = {k: (str(v) if k != "unit" and v is not None else v) for k, v in kw.items()}
        out.append(Decision(**kw, extra={k: v for k, v in item.items() if k not in known}))
    return out


def save_decisions(path: Path, decisions: Iterable[Decision]) -> None:
    import yaml

    rows = []
    for d in decisions:
        row = {k: v for k, v in asdict(d).items() if k != "extra"}
        row.update(d.extra)
        rows.append(row)
    body = yaml.safe_dump({"dismissed": rows}, allow_unicode=True, sort_keys=False, width=1000)
    path = Path(path)
    part = path.with_name(path.name + ".part")
    part.write_text(_HEADER + body, encoding="utf-8")
    os.replace(part, path)


def add_decisions(path: Path, new: Iterable[Decision]) -> list[Decision]:
    """Append decisions (one per fingerprint and unit: a later one replaces an earlier)."""
    current = load_decisions(path)
    for d in new:
        current = [c for c in current if not (c.fingerprint == d.fingerprint and c.unit == d.unit)]
        current.append(d)
    save_decisions(path, current)
    return current


# ---------------------------------------------------------------------------
# Applying decisions to a review


def renumbered(review: Review, findings: list[Finding], dismissed: int) -> Review:
    findings = [f.model_copy() for f in findings]
    for i, f in enumerate(findings, 1):
        f.id = f"F{i:03d}"
    summary = review.summary.model_copy(update={
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "infos": sum(f.severity == "info" for f in findings),
        "dismissed": dismissed,
    })
    return review.model_copy(update={"findings": findings, "summary": summary})


def apply_decisions(review: Review, decisions: Iterable[Decision], match_unit: bool = True) -> Review:
    """The review without the dismissed findings, renumbered, with the count of hidden ones.
    With `match_unit` a decision applies only to reports of its unit (a shared store, like
    the web database); a decisions file beside the reports is its own scope, so the CLI
    passes False and a corrected copy whose unit is read differently still matches."""
    wanted = {d.fingerprint for d in decisions if not match_unit or d.applies_to(review)}
    if not wanted:
        return review
    kept = [f for f, fp in zip(review.findings, fingerprints(review.findings)) if fp not in wanted]
    hidden = len(review.findings) - len(kept)
    return renumbered(review, kept, (review.summary.dismissed or 0) + hidden)
