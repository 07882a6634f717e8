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

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="预算绩效自评报告智能预审（部门整体支出 / 项目支出）。Pre-screens budget performance self-evaluation reports.",
)
rubrics_app = typer.Typer(help="查看评审规则（rubric）。List and show rubrics.", no_args_is_help=True)
app.add_typer(rubrics_app, name="rubrics")


class Format(str, Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    xlsx = "xlsx"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


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
    threshold = {"error": 3, "warning": 2}[fail_on]
    return EXIT_FINDINGS if review.worst_severity_rank() >= threshold else EXIT_OK


def _options(**kw):
    from .options import ReviewOptions

    return ReviewOptions(**{k: v for k, v in kw.items() if v is not None})


def write_output(review, doc, fmt: str, output: Optional[Path], console=None) -> None:
    """Render one review in `fmt` to `output` (or stdout for text formats)."""
    from .render import BINARY_FORMATS

    if fmt == "terminal":
        from rich.console import Console

        from .render.terminal import render_terminal

        if output:
            with output.open("w", encoding="utf-8") as fh:
                render_terminal(review, Console(file=fh, width=120, color_system=None))
        else:
            render_terminal(review, console or Console())
        return
    if fmt == "json":
        from .render.json import render_json

        data: str | bytes = render_json(review)
    elif fmt == "markdown":
        from .render.markdown import render_markdown

        data = render_markdown(review)
    elif fmt == "html":
        from .render.html import render_html

        data = render_html(review, doc)
    elif fmt == "docx":
        from .render.word import render_docx

        data = render_docx(review, doc)
    else:
        from .render.xlsx import render_xlsx

        data = render_xlsx(review)
    if output is None and fmt in BINARY_FORMATS:
        output = Path(Path(doc.path).stem + f".review.{fmt}")
    if output is None:
        sys.stdout.write(data)  # type: ignore[arg-type]
        sys.stdout.flush()
    elif isinstance(data, bytes):
        output.write_bytes(data)
    else:
        output.write_text(data, encoding="utf-8")


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
    file: Path = typer.Argument(..., help="报告文件（PDF、DOCX 或 TXT）", show_default=False),
    format: Format = typer.Option(Format.terminal, "--format", "-f", help="输出格式"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="输出到文件（默认标准输出；docx/xlsx 默认写到当前目录）"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型（等同 --llm off）"),
    llm: LLMChoice = typer.Option(LLMChoice.auto, "--llm", help="模型审查：auto 已配置端点时启用；required 失败即报错"),
    model: Optional[str] = typer.Option(None, "--model", help="模型名（默认读 REVIEWER_MODEL）"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI 兼容端点（默认读 OPENAI_BASE_URL）"),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="模型并发调用数（默认 4）"),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="单次模型调用超时秒数"),
    keep_ungrounded: bool = typer.Option(False, "--keep-ungrounded", help="保留无法在原文定位的模型意见（grounded=false）"),
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

    options = _options(
        llm="off" if no_llm else llm.value, model=model, base_url=base_url, concurrency=concurrency,
        timeout=timeout, keep_ungrounded=keep_ungrounded, rubric=rubric,
    )
    try:
        result, doc = review_file(file, options)
    except InputError as e:
        raise _fail(e.one_line())
    _notice_if_llm_skipped(options)
    if options.llm == "required" and result.summary.llm.used is False:
        typer.echo("错误：模型审查未能完成（--llm required）/ LLM stage did not complete", err=True)
        write_output(result, doc, format.value, output)
        raise typer.Exit(EXIT_INPUT)
    try:
        write_output(result, doc, format.value, output)
    except OSError as e:
        raise _fail(f"错误：无法写出结果（cannot write output: {e})")
    raise typer.Exit(exit_code_for(result, fail_on.value))


@app.command()
def batch(
    paths: List[Path] = typer.Argument(..., help="报告文件或文件夹", show_default=False),
    out_dir: Path = typer.Option(..., "--out-dir", "-d", help="输出文件夹"),
    format: List[Format] = typer.Option([Format.json], "--format", "-f", help="每份报告的输出格式，可多次指定"),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="并行进程数（0 = CPU 核数）"),
    force: bool = typer.Option(False, "--force", help="即使结果比原文件新也重新审核"),
    no_llm: bool = typer.Option(False, "--no-llm", help="不调用语言模型"),
    rubric: Optional[str] = typer.Option(None, "--rubric", help="评审规则名称或 YAML 路径"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="任一报告出现该级别问题时退出码为 1"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """批量预审，按风险排序汇总。Review many reports and rank them by risk."""
    _setup_logging(verbose)
    from .batch import run_batch

    options = _options(llm="off" if no_llm else "auto", rubric=rubric)
    _notice_if_llm_skipped(options)
    code = run_batch(paths, out_dir, [f.value for f in format], workers=workers, force=force,
                     options=options, fail_on=fail_on.value)
    raise typer.Exit(code)


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
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("已中断 / interrupted", err=True)
        sys.exit(130)
