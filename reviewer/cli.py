"""The `reviewer` command: parses options, calls the library, renders. Nothing else.

Heavy libraries (pdfplumber, openai, python-docx, openpyxl) are imported only by the
commands that need them, so `reviewer --help` starts fast.
"""
from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

HELP_OPTIONS = {"help_option_names": ["-h", "--help"], "max_content_width": 80}

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    help="预算绩效自评报告智能预审（部门整体支出 / 项目支出）。Pre-screens budget performance self-evaluation reports.",
)
rubrics_app = typer.Typer(help="查看评审规则（rubric）。List and show rubrics.", no_args_is_help=True,
                          context_settings=HELP_OPTIONS)
app.add_typer(rubrics_app, name="rubrics")


class Format(str, Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    xlsx = "xlsx"


class OutFormat(str, Enum):
    """Formats of one review: the batch formats, the Word 意见表 and one line per finding."""

    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    xlsx = "xlsx"
    docx_list = "docx-list"
    line = "line"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class MinSeverity(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"reviewer {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="显示版本号并退出"),
    max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", min=0.001, envvar="REVIEWER_MAX_FILE_MB",
                                                help="单个文件大小上限（MB，默认 100）"),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", min=1, envvar="REVIEWER_MAX_PAGES",
                                            help="页数上限（默认 2000）"),
    max_unpacked_mb: Optional[float] = typer.Option(None, "--max-unpacked-mb", min=0.001,
                                                    envvar="REVIEWER_MAX_UNPACKED_MB",
                                                    help="DOCX 解压后大小上限（MB，默认 300）"),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.01, envvar="REVIEWER_TIME_LIMIT",
                                               help="每份报告的审核时限（秒，默认 600）"),
) -> None:
    """预算绩效自评报告智能预审（部门整体支出 / 项目支出）。"""
    _apply_limits(ctx, max_file_mb=max_file_mb, max_pages=max_pages, max_unpacked_mb=max_unpacked_mb,
                  time_limit=time_limit)


# Commands that review files in this process, under the per-file time limit.
_TIMED_COMMANDS = ("review", "compare", "dismiss")


def _apply_limits(ctx: typer.Context, **given) -> None:
    """Input limits for this run (global options before the command, e.g.
    `reviewer --max-pages 5000 review big.pdf`); a review command also runs under the
    time limit, disarmed when the command ends."""
    from .limits import arm_deadline, default_limits, set_active_limits

    limits = default_limits().model_copy(update={k: v for k, v in given.items() if v is not None})
    set_active_limits(limits)
    if ctx.invoked_subcommand in _TIMED_COMMANDS:
        # compare reviews two files: each gets the limit.
        seconds = limits.time_limit * (2 if ctx.invoked_subcommand == "compare" else 1)
        ctx.call_on_close(arm_deadline(seconds))


class LLMChoice(str, Enum):
    auto = "auto"
    on = "on"
    off = "off"
    required = "required"


EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _fail(message: str) -> "typer.Exit":
    typer.echo(message, err=True)
    return typer.Exit(EXIT_INPUT)


def exit_code_for(review, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    threshold = {"error": 3, "warning": 2, "info": 1}[fail_on]
    return EXIT_FINDINGS if review.worst_severity_rank() >= threshold else EXIT_OK


def _project_defaults(ctx: typer.Context, choices: dict[str, type]) -> dict:
    """Options a `reviewer.toml` in the current folder sets (rubric, format, fail_on), for
    those the command line leaves at their default; an endpoint it names is ignored with
    a notice (reviewer.llm.config). A value of the wrong kind is an input error."""
    if not Path("reviewer.toml").is_file():
        return {}
    from .llm.config import read_project_config

    settings = read_project_config()
    out: dict = {}
    for name, kind in choices.items():
        if name not in settings:
            continue
        source = ctx.get_parameter_source(name)
        if source is not None and source.name != "DEFAULT":
            continue  # the command line wins
        value = settings[name]
        try:
            if kind is str:
                if not isinstance(value, str) or not value.strip():
                    raise ValueError
                out[name] = value
            elif isinstance(value, list):
                out[name] = [kind(str(v)) for v in value]
            else:
                out[name] = kind(str(value))
        except ValueError:
            raise _fail(f"错误：当前文件夹 reviewer.toml 中的 {name} = {value!r} 无效")
    return out


def _options(**kw):
    from .options import ReviewOptions

    return ReviewOptions(**{k: v for k, v in kw.items() if v is not None})


def write_output(review, doc, fmt: str, output: Optional[Path], console=None, **render_kw) -> None:
    """Render one review in `fmt` to `output`; text formats go to stdout without -o (or
    with -o -), binary ones to <stem>.<kind>.<ext> in the current folder, named on stderr."""
    from .outputs import BINARY_FORMATS, default_output, render

    to_stdout = output is None or str(output) == "-"
    if fmt == "terminal" and to_stdout:
        from rich.console import Console

        from .render.terminal import render_terminal

        render_terminal(review, console or Console())
        return
    data = render(review, doc, fmt, **render_kw)
    if fmt in BINARY_FORMATS and output is None:
        output = default_output(doc.path if render_kw.get("path") is None else render_kw["path"], fmt)
        to_stdout = False
    _emit(data, None if to_stdout else output)


def _emit(data, output: Optional[Path]) -> None:
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    if isinstance(data, bytes):
        output.write_bytes(data)
        typer.echo(f"已写出：{output}", err=True)
    else:
        output.write_text(data, encoding="utf-8")


def _prepare_output(output: Optional[Path]) -> None:
    """Create the output's folder before the review runs, or fail then."""
    if output is None or str(output) == "-":
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _fail(f"错误：无法创建输出文件夹 {output.parent}（cannot create output folder: {e}）")
    if output.is_dir():
        raise _fail(f"错误：输出路径是文件夹：{output}（output is a folder）")


REPORT_SUFFIXES = (".pdf", ".docx", ".txt")


class _input_file:
    """The file to review: FILE itself, or standard input saved under a temporary name
    with the suffix of --stdin-filename. Yields (path, name to show or None)."""

    def __init__(self, file: Path, stdin_filename: Optional[str]):
        self.file, self.stdin_filename, self.tmp = file, stdin_filename, None

    def __enter__(self):
        if str(self.file) != "-":
            return self.file, None
        import tempfile

        name = self.stdin_filename or ""
        suffix = Path(name).suffix.lower()
        if suffix not in REPORT_SUFFIXES:
            raise _fail("错误：从标准输入读取时须用 --stdin-filename 给出 .pdf、.docx 或 .txt 文件名"
                        "（--stdin-filename with a .pdf/.docx/.txt name is required for stdin）")
        self.tmp = tempfile.TemporaryDirectory(prefix="reviewer-stdin-")
        path = Path(self.tmp.name) / f"stdin{suffix}"
        path.write_bytes(sys.stdin.buffer.read())
        return path, name

    def __exit__(self, *exc):
        if self.tmp is not None:
            self.tmp.cleanup()
        return False


# The name of decisions.DECISIONS_FILE, repeated so that a review with no decisions file
# beside it never imports the decisions module (and hashlib with it) just to build a path.
_DECISIONS_FILE = ".reviewer-decisions.yaml"


def _decisions_beside(file: Path) -> Path:
    """decisions.decisions_path_for(file)."""
    return Path(file).resolve().parent / _DECISIONS_FILE


def _apply_decisions(review, path: Optional[Path]):
    # No file means no decisions (load_decisions returns none): nothing to import or apply.
    if path is None or not Path(path).exists():
        return review
    from .decisions import apply_decisions, load_decisions
    from .errors import InputError

    try:
        return apply_decisions(review, load_decisions(path), match_unit=False)
    except InputError as e:
        raise _fail(e.one_line())


def _at_least(review, min_severity: str):
    from .outputs import at_least

    return at_least(review, min_severity)


# The formats whose renderer takes list_options (outputs.render): the 审核意见表.
LIST_FORMATS = ("markdown", "xlsx", "docx-list")


def _list_options(audit_unit: Optional[str], auditor: Optional[str]):
    from .commentlist import ListOptions

    return ListOptions(audit_unit=audit_unit or "", auditor=auditor or "")


def _say_llm_status(review) -> None:
    """One line on stderr when the model stage did not run cleanly (failed, partial, cut)."""
    usage = review.summary.llm
    if usage.status and (usage.status != "ok" or usage.message):
        typer.echo(f"提示：{usage.message or '模型审查未能完成'}", err=True)


def _notice_if_llm_skipped(options) -> None:
    """In auto mode with no endpoint configured, say once that the model stage was skipped."""
    if options.llm != "auto":
        return
    from .llm import llm_configured

    if not llm_configured(options):
        typer.echo("提示：未配置模型端点（OPENAI_API_KEY / OPENAI_BASE_URL），已跳过模型审查，"
                   "仅做数据核算与规则检查 / LLM stage skipped: no endpoint configured", err=True)


@app.command()
def review(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="报告文件（PDF、DOCX 或 TXT）", show_default=False),
    format: OutFormat = typer.Option(OutFormat.terminal, "--format", "-f", help="输出格式"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="输出文件，“-”为标准输出 （docx/xlsx 默认写到 当前目录）"),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename",
                                                 help="FILE 为“-”时 从标准输入读取， 此为其文件名 （用于判断格式）"),
    min_severity: MinSeverity = typer.Option(MinSeverity.info, "--min-severity", help="只显示该级别及以上的问题"),
    audit_unit: Optional[str] = typer.Option(None, "--audit-unit", help="意见表的审核单位 （默认读 REVIEWER_AUDIT_UNIT）"),
    auditor: Optional[str] = typer.Option(None, "--auditor", help="意见表的审核人（默认读 REVIEWER_AUDITOR）"),
    decisions: Optional[Path] = typer.Option(None, "--decisions",
                                             help="处理记录文件 （默认为报告旁的 .reviewer-decisions.yaml）"),
    show_dismissed: bool = typer.Option(False, "--show-dismissed", help="也显示已确认不采纳的问题"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型（等同 --llm off）"),
    llm: LLMChoice = typer.Option(LLMChoice.auto, "--llm", help="模型审查：auto 已配置端点时启用；required 失败即报错"),
    model: Optional[str] = typer.Option(None, "--model", help="模型名（默认读 REVIEWER_MODEL）"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI 兼容端点（默认读 OPENAI_BASE_URL）"),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="模型并发调用数（默认 4）"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="单次模型调用超时秒数"),
    keep_ungrounded: bool = typer.Option(False, "--keep-ungrounded", help="保留无法在原文定位的模型意见（grounded=false）"),
    config: Optional[Path] = typer.Option(None, "--config",
                                          help="模型端点配置文件（默认 ~/.config/reviewer/reviewer.toml；当前文件夹的 reviewer.toml 不能指定端点）"),
    preset: Optional[str] = typer.Option(None, "--preset", help="模型服务预设：deepseek、dashscope、glm、vllm、ollama、llamacpp"),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=1, help="每次模型回复的最大 token 数"),
    temperature: Optional[str] = typer.Option(None, "--temperature", help="采样温度；none 表示不发送（思考型模型）"),
    llm_deadline: Optional[float] = typer.Option(None, "--llm-deadline", min=1, help="模型审查总时限（秒）"),
    llm_log: Optional[Path] = typer.Option(None, "--llm-log", help="把每次模型调用及每条模型意见的去向追加写入 JSONL 文件"),
    rubric: Optional[str] = typer.Option(None, "--rubric", help="评审规则名称或 YAML 路径（默认按报告类型选择）"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="出现该级别及以上问题时退出码为 1"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误输出调试日志"),
    dump_layout: bool = typer.Option(False, "--dump-layout",
                                     help="只输出版面恢复结果（合并的段落、识别的表格、略去的网页内容），不做审核"),
) -> None:
    """审核一份报告。Review one report."""
    _setup_logging(verbose)
    from .errors import InputError
    from .pipeline import review_file

    if dump_layout:
        from .ingest import load
        from .layout.dump import dump_layout as layout_text

        try:
            doc = load(file)
        except InputError as e:
            raise _fail(e.one_line())
        sys.stdout.write(layout_text(doc))
        raise typer.Exit(EXIT_OK)

    if config is not None and not config.is_file():
        raise _fail(f"错误：找不到配置文件 {config}")
    project = _project_defaults(ctx, {"rubric": str, "format": OutFormat, "fail_on": FailOn})
    rubric, format, fail_on = project.get("rubric", rubric), project.get("format", format), project.get("fail_on", fail_on)
    options = _options(
        llm="off" if no_llm else llm.value, model=model, base_url=base_url, concurrency=concurrency,
        timeout=timeout, keep_ungrounded=keep_ungrounded, rubric=rubric,
        config=str(config) if config else None, preset=preset, max_tokens=max_tokens, temperature=temperature,
        stage_deadline=llm_deadline, llm_log=str(llm_log) if llm_log else None,
    )
    _prepare_output(output)
    with _input_file(file, stdin_filename) as (path, shown_name):
        try:
            result, doc = review_file(path, options)
        except InputError as e:
            raise _fail(e.one_line())
        if shown_name:
            result.document.path = shown_name
        if not show_dismissed:
            result = _apply_decisions(result, decisions or (None if shown_name else _decisions_beside(file)))
        _notice_if_llm_skipped(options)
        _say_llm_status(result)
        shown = _at_least(result, min_severity.value)
        # Only the 意见表 formats sign a list: the others never import commentlist.
        signed = format.value in LIST_FORMATS
        out = dict(list_options=_list_options(audit_unit, auditor) if signed else None, path=shown_name or str(file))
        if options.llm == "required" and result.summary.llm.used is False:
            # No output: a review without the required model stage is not the review asked for.
            typer.echo("错误：模型审查未能完成（--llm required），未写出结果 / LLM stage did not complete", err=True)
            raise typer.Exit(EXIT_INPUT)
        try:
            write_output(shown, doc, format.value, output, **out)
        except OSError as e:
            raise _fail(f"错误：无法写出结果（cannot write output: {e})")
    raise typer.Exit(exit_code_for(shown, fail_on.value))


@app.command()
def batch(
    ctx: typer.Context,
    paths: List[Path] = typer.Argument(..., help="报告文件或文件夹（含子文件夹）", show_default=False),
    out_dir: Path = typer.Option(..., "--out-dir", "-d", help="输出文件夹"),
    format: List[Format] = typer.Option([Format.json], "--format", "-f", help="每份报告的输出格式，可多次指定"),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="并行进程数（0 = CPU 核数）"),
    force: bool = typer.Option(False, "--force", help="即使报告和设置都未变也重新审核"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型（等同 --llm off）"),
    llm: LLMChoice = typer.Option(LLMChoice.auto, "--llm", help="模型审查：auto 已配置端点时启用；required 失败即报错"),
    model: Optional[str] = typer.Option(None, "--model", help="模型名（默认读 REVIEWER_MODEL）"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI 兼容端点（默认读 OPENAI_BASE_URL）"),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="每份报告的模型并发调用数（默认 4）"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="单次模型调用超时秒数"),
    rubric: Optional[str] = typer.Option(None, "--rubric", help="评审规则名称或 YAML 路径"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="任一报告出现该级别问题时退出码为 1"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """批量预审（递归子文件夹），按风险排序汇总；Ctrl-C 可中断，重新运行即续审。Review many reports."""
    _setup_logging(verbose)
    from .batch import run_batch
    from .limits import active_limits

    project = _project_defaults(ctx, {"rubric": str, "format": Format, "fail_on": FailOn})
    rubric, fail_on = project.get("rubric", rubric), project.get("fail_on", fail_on)
    format = project["format"] if isinstance(project.get("format"), list) else \
        [project["format"]] if "format" in project else format
    options = _options(llm="off" if no_llm else llm.value, model=model, base_url=base_url, concurrency=concurrency,
                       timeout=timeout, rubric=rubric, limits=active_limits())
    _notice_if_llm_skipped(options)
    from .batch import EXIT_INTERRUPTED

    try:
        code = run_batch(paths, out_dir, [f.value for f in format], workers=workers, force=force,
                         options=options, fail_on=fail_on.value)
    except KeyboardInterrupt:
        # A second Ctrl-C after the run has stopped and written its summary: it was
        # interrupted all the same.
        code = EXIT_INTERRUPTED
    raise typer.Exit(code)


@app.command()
def compare(
    old: Path = typer.Argument(..., help="上次报送的报告", show_default=False),
    new: Path = typer.Argument(..., help="修改后重新报送的报告", show_default=False),
    format: OutFormat = typer.Option(OutFormat.terminal, "--format", "-f", help="输出格式"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="输出文件，“-”为标准输出"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型"),
    rubric: Optional[str] = typer.Option(None, "--rubric", help="评审规则名称或 YAML 路径"),
    audit_unit: Optional[str] = typer.Option(None, "--audit-unit", help="意见表的审核单位"),
    auditor: Optional[str] = typer.Option(None, "--auditor", help="意见表的审核人"),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="处理记录文件 （默认在新报告旁）"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on",
                                   help="修改稿仍有该级别问题 （未整改或新增） 时退出码为 1"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误输出调试日志"),
) -> None:
    """对比修改稿：已整改 / 未整改 / 新增。Compare a report with its resubmission."""
    _setup_logging(verbose)
    from .compare import compare_reviews
    from .errors import InputError
    from .outputs import BINARY_FORMATS, render_comparison
    from .pipeline import review_file

    _prepare_output(output)
    options = _options(llm="off" if no_llm else "auto", rubric=rubric)
    try:
        old_review, _ = review_file(old, options)
        new_review, new_doc = review_file(new, options)
    except InputError as e:
        raise _fail(e.one_line())
    old_review = _apply_decisions(old_review, decisions or _decisions_beside(old))
    new_review = _apply_decisions(new_review, decisions or _decisions_beside(new))
    result = compare_reviews(old_review, new_review)
    data = render_comparison(result, old_review, new_review, new_doc, format.value,
                             list_options=_list_options(audit_unit, auditor))
    if format.value in BINARY_FORMATS and output is None:
        from .outputs import default_output

        output = Path(Path(new).stem + ".对比" + default_output(str(new), format.value).name[len(Path(new).stem):])
    try:
        _emit(data, None if output is None or str(output) == "-" else output)
    except OSError as e:
        raise _fail(f"错误：无法写出结果（cannot write output: {e})")
    raise typer.Exit(exit_code_for(new_review, fail_on.value))


@app.command()
def dismiss(
    file: Path = typer.Argument(..., help="报告文件", show_default=False),
    ids: List[str] = typer.Argument(..., help="要忽略的问题编号 （如 F003， 见 reviewer review 的输出）",
                                    show_default=False),
    reason: str = typer.Option(..., "--reason", "-r", help="不采纳的理由"),
    by: Optional[str] = typer.Option(None, "--by", help="审核人 （默认读 REVIEWER_AUDITOR 或登录名）"),
    decisions: Optional[Path] = typer.Option(None, "--decisions", help="处理记录文件 （默认为报告旁的 .reviewer-decisions.yaml）"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型 （编号须与审核时一致）"),
    rubric: Optional[str] = typer.Option(None, "--rubric", help="评审规则名称或 YAML 路径"),
) -> None:
    """确认不采纳某些问题：以后审核同一报告或其修改稿时不再显示。Dismiss findings."""
    from .decisions import add_decisions, decision_for, default_who, load_decisions
    from .errors import InputError
    from .fingerprint import fingerprints
    from .pipeline import review_file

    path = decisions or _decisions_beside(file)
    try:
        result, _ = review_file(file, _options(llm="off" if no_llm else "auto", rubric=rubric))
        result = _apply_decisions(result, path)
        by_id = {f.id: (f, fp) for f, fp in zip(result.findings, fingerprints(result.findings))}
        unknown = [i for i in ids if i.upper() not in by_id]
        if unknown:
            raise _fail(f"错误：没有编号为 {'、'.join(unknown)} 的问题（no such finding）")
        who = by or default_who()
        new = [decision_for(*by_id[i.upper()], result, by=who, reason=reason) for i in ids]
        add_decisions(path, new)
    except InputError as e:
        raise _fail(e.one_line())
    for d in new:
        typer.echo(f"已忽略：{d.title}（{d.quote[:40]}）", err=True)
    typer.echo(f"已记录到 {path}（共 {len(load_decisions(path))} 条）", err=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址 （默认仅本机； 局域网用 0.0.0.0 须设口令）"),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="端口"),
    data_dir: Path = typer.Option(Path("reviewer-data"), "--data-dir", help="数据文件夹 （数据库与上传文件）"),
    token: Optional[str] = typer.Option(None, "--token", envvar="REVIEWER_TOKEN",
                                        help="访问口令； 非本机地址必须设置 （或 REVIEWER_TOKEN）"),
    max_upload_mb: float = typer.Option(50.0, "--max-upload-mb", min=0.1, help="单次上传大小上限（MB）"),
    allow: str = typer.Option("pdf,docx,txt", "--allow",
                              help="允许上传的文件类型，逗号分隔（可选 pdf、docx、txt、doc、wps、rtf、xlsx、xls、html、htm、md；"
                                   "doc、wps、rtf 需本机安装 LibreOffice）"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型"),
    audit_unit: Optional[str] = typer.Option(None, "--audit-unit", help="意见表的审核单位"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="在标准错误输出调试日志"),
) -> None:
    """启动网页版（浏览器上传报告、查看批注、下载意见表）。Run the web application."""
    _setup_logging(verbose)
    try:
        from .web.server import ServeConfig, run_server
    except ImportError as e:
        raise _fail(f"错误：网页版需要安装 reviewer[web]（pip install 'reviewer[web]'）：{e}")
    try:
        config = ServeConfig.build(host=host, port=port, data_dir=data_dir, token=token,
                                   max_upload_mb=max_upload_mb, allow=allow, llm="off" if no_llm else "auto",
                                   audit_unit=audit_unit or "")
    except ValueError as e:
        raise _fail(f"错误：{e}")
    run_server(config)


@app.command()
def schema() -> None:
    """输出审核结果的 JSON Schema。Print the review JSON Schema."""
    import json

    from .models import review_json_schema

    typer.echo(json.dumps(review_json_schema(), ensure_ascii=False, indent=2))


@rubrics_app.command("list")
def rubrics_list() -> None:
    """列出可用的评审规则。"""
    from .rubric import list_rubrics, load_rubric

    for name in list_rubrics():
        r = load_rubric(name)
        base = f"（继承 {r.extends}）" if r.extends else ""
        typer.echo(f"{name}\t{r.title}{base}\t{len(r.sections)} 个必备部分，{len(r.elements)} 个必备要素，{len(r.llm_tasks)} 项模型任务")


@rubrics_app.command("show")
def rubrics_show(name: str = typer.Argument(..., help="规则名称或 YAML 路径")) -> None:
    """显示一套评审规则（合并继承后的完整内容）。"""
    import yaml

    from .errors import InputError
    from .rubric import load_rubric

    try:
        r = load_rubric(name)
    except InputError as e:
        raise _fail(e.one_line())
    typer.echo(yaml.safe_dump(r.model_dump(), allow_unicode=True, sort_keys=False))


def main() -> None:
    from .limits import ReviewTimeout, surface_timeout

    try:
        try:
            app()
        except Exception as e:
            surface_timeout(e)
            raise
    except ReviewTimeout as e:
        typer.echo(e.one_line(), err=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        typer.echo("已中断 / interrupted", err=True)
        sys.exit(130)
