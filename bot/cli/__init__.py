"""The `duban` command: import and export documents, ask questions, chat, run the bot."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot import failures
from bot.cli import documents as documents_cli
from bot.cli import reminders as reminders_cli
from bot.cli import report as report_cli
from bot.cli.support import DocOption, fail, open_runtime
from bot.config import ConfigError

app = typer.Typer(rich_markup_mode=None, help="督办 Duban: questions and reminders about a government's task-responsibility document.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(rich_markup_mode=None, help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
documents_cli.register(app)
reminders_cli.register(app)
report_cli.register(app)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the database schema. Example: duban db upgrade"""
    from knowledge.db import current_revision, make_engine, upgrade

    settings = open_runtime().settings
    engine = make_engine(settings.database_url)
    upgrade(engine, revision)
    typer.echo(f"数据库已升级到 {current_revision(engine)}")


@app.command("ask")
def ask_command(
    questions: Annotated[list[str] | None, typer.Argument(help="Questions; none: one per line from stdin.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question: question, intent, entities, items, answer, suggestions (docs/operators.md describes each field).")] = False,
    conversation: Annotated[bool, typer.Option(
        "--conversation", help="The lines are one conversation: a message may lean on the ones before it.")] = False,
    doc: DocOption = None,
) -> None:
    """Answer questions. Example: duban ask --json 区民政局负责哪些民生实事
    (printf '民政局负责啥\\n那配合的呢\\n' | duban ask --conversation)"""
    from bot.cli import textio
    from bot.cli.ask import answer_lines

    runtime = open_runtime(doc, answering=True)
    source = textio.arguments(questions) if questions else textio.input_lines()
    failed: list[str] = []
    for output in answer_lines(runtime, source, as_json, "ask" if conversation else None, failed):
        textio.write_line(output)
    if failed:  # every line got its object, but a script must learn that some were not answered
        raise fail(f"{len(failed)} 个问题未能回答（见上方的 error 字段与日志）", 1)


@app.command("chat")
def chat_command(doc: DocOption = None) -> None:
    """The console chat: the same answers as Telegram, in the terminal. Example: duban chat"""
    from bot.cli.console import chat

    chat(open_runtime(doc, answering=True))


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold questions, one JSON object per line with q, required, allowed, answer_must_contain (docs/operators.md).")],
    show: Annotated[int, typer.Option(help="How many failures to print.")] = 20,
    minimum: Annotated[float, typer.Option("--min-accuracy", help="Exit 1 below this exact accuracy.")] = 0.0,
    doc: DocOption = None,
) -> None:
    """Grade a gold file in-process. Example: duban eval tests/golden/dev.jsonl"""
    from bot.evaluate import evaluate, read_gold

    try:
        golds = read_gold(gold)
    except (OSError, ValueError, KeyError) as error:
        raise fail(f"无法读取 {gold}：{error}") from None
    report = evaluate(open_runtime(doc, answering=True).duban, golds)
    typer.echo("\n".join(report.lines(show)))
    if report.accuracy < minimum:
        raise typer.Exit(1)


@app.command("bench")
def bench_command(
    rounds: Annotated[int, typer.Option(help="Rounds over the question set.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    doc: DocOption = None,
    documents: Annotated[int, typer.Option(
        help="Instead: store this many generated documents in a throw-away SQLite database and measure one "
             "bot serving them (e.g. 1000).")] = 0,
    in_memory: Annotated[int, typer.Option(help="With --documents: documents held in memory at once.")] = 32,
) -> None:
    """Measure answer latency, cold start and memory (a benchmark, not a test). Example: duban bench
    (duban bench --documents 1000: a chat's question, a cold document and the RSS with 1,000 stored)"""
    if documents > 0:
        from benchmarks.library import run as run_library

        figures = run_library(documents, in_memory)
    else:
        from benchmarks.answers import run

        runtime = open_runtime(doc, answering=True)
        figures = run(runtime.duban, rounds, failures.mask_url(runtime.settings.database_url))
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    for name, value in figures.items():
        if isinstance(value, dict):
            typer.echo(f"{name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                               for k, v in value.items()))
        elif isinstance(value, float):
            typer.echo(f"{name}: {value:.1f}")
        else:
            typer.echo(f"{name}: {value}")


@app.command("check")
def check_command(doc: DocOption = None) -> None:
    """Check the configuration, database, schema, data directory, the answering document and, with a token,
    Telegram: one ✓/✗ line each, the fix on every ✗; exit 0 only when all hold. Example: duban check"""
    from bot.cli.check import check_command as check

    check(doc)


@app.command("run")
def run_command(
    webhook_url: Annotated[str | None, typer.Option(help="Public HTTPS URL for webhook mode.")] = None,
    listen: Annotated[str | None, typer.Option(help="Webhook listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Webhook listen port.")] = None,
    secret_token: Annotated[str | None, typer.Option(help="Webhook secret token.")] = None,
    certificate: Annotated[Path | None, typer.Option(help="Public certificate (PEM) uploaded to Telegram with "
                                                           "setWebhook, for a self-signed certificate at the proxy.",
                                                      exists=True, dir_okay=False)] = None,
    doc: DocOption = None,
) -> None:
    """Run the Telegram bot (polling, or webhook with --webhook-url); without a token, the console chat.
    Example: DUBAN_TELEGRAM_TOKEN=123:abc duban run"""
    runtime = open_runtime(doc, answering=True)
    if not runtime.settings.telegram_token:
        typer.echo("未设置 DUBAN_TELEGRAM_TOKEN：打开控制台对话（输入问题，Ctrl-D 退出）。", err=True)
        from bot.cli.console import chat

        chat(runtime)
        return
    from bot.app import run_bot

    try:
        run_bot(runtime, webhook_url=webhook_url, listen=listen, port=port, secret_token=secret_token,
                certificate=certificate)
    except ConfigError as error:
        raise fail(f"配置错误：{error}", 2) from None


@app.callback()
def root(debug: Annotated[bool, typer.Option("--debug", help="On failure, also print the traceback "
                                             "(same as DUBAN_DEBUG=1 or DUBAN_LOG_LEVEL=DEBUG).")] = False) -> None:
    """督办 Duban: questions and reminders about a government's task-responsibility document."""
    failures.set_debug(debug)
    if debug:  # the bot's log then shows DEBUG records and tracebacks too
        os.environ["DUBAN_LOG_LEVEL"] = "DEBUG"


def main() -> None:
    """Console-script entry point: secrets masked everywhere, every failure a sentence (bot.failures)."""
    failures.install_masking()
    try:
        app()
    except Exception as error:
        sys.exit(failures.report(error))
    except KeyboardInterrupt as error:
        sys.exit(failures.report(error))


