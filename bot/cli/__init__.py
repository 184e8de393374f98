"""The `duban` command: import and export documents, ask questions, chat, run the bot."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bot import failures
from bot.cli import reminders as reminders_cli
from bot.cli import report as report_cli
from bot.cli.support import fail, open_runtime
from bot.config import ConfigError

app = typer.Typer(help="督办 Duban: questions and reminders about a government's task-responsibility document.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
reminders_cli.register(app)
report_cli.register(app)

DocOption = Annotated[str | None, typer.Option("--doc", help="Document key (default: the newest document).")]


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="The document: .txt, .docx, .xlsx, .html/.htm, .pdf (text layer), "
                                              "or .doc/.wps/.xls with LibreOffice installed.")],
    key: Annotated[str | None, typer.Option(help="Document key; default: the file name without suffix.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what was understood; store nothing.")] = False,
) -> None:
    """Import a document; re-importing the same key replaces it. Example: duban import --dry-run notice.html"""
    from knowledge.ingest import DocumentError, import_document, read_document
    from knowledge.ingest.summary import summary_lines

    if dry_run:
        try:
            document = read_document(path, key)
        except DocumentError as error:
            raise fail(f"无法读取，未作任何改动。{error}") from None
        typer.echo("\n".join(["（试读，未保存）", *summary_lines(document)]))
        return
    runtime = open_runtime()
    try:
        document = import_document(runtime.knowledge.sessions, path, key)
    except DocumentError as error:
        raise fail(f"导入失败，数据库未作任何改动。{error}") from None
    typer.echo("\n".join(["已导入。", *summary_lines(document)]))


@app.command("export")
def export_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print CONTRACT §5's JSON object.")] = False,
    doc: DocOption = None,
) -> None:
    """Print a stored document back. Example: duban export --json > lucheng.json"""
    from knowledge.catalog import UnknownDocument
    from knowledge.export import export_document, find_document

    runtime = open_runtime()
    with runtime.knowledge.sessions() as session:
        try:
            data = export_document(find_document(session, doc))
        except UnknownDocument as error:
            raise fail(str(error)) from None
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    meta = data["document"]
    typer.echo(f"{meta['key']}  {meta['doc_number']}  {meta['title']}")
    for task in data["key_tasks"]:
        units = "、".join(("*" if u["lead"] else "") + u["name"] for u in task["units"])
        typer.echo(f"{task['id']}\t{task['text']}\t{units}\t{task['note']}")
    for line in data["livelihood"]:
        typer.echo(f"{line['id']}\t{line['category']}\t{line['text']}\t{line['leader']}\t{' '.join(line['lead_units'])}")


@app.command("docs")
def docs_command() -> None:
    """List stored documents. Example: duban docs"""
    from sqlalchemy import func, select

    from knowledge.models import DocumentRecord, Item

    runtime = open_runtime()
    with runtime.knowledge.sessions() as session:
        counts = dict(session.execute(select(Item.document_id, func.count()).group_by(Item.document_id)).all())
        for record in session.scalars(select(DocumentRecord).order_by(DocumentRecord.year, DocumentRecord.key)):
            typer.echo(f"{record.key}\t{record.year}\t{record.doc_number}\t{counts.get(record.id, 0)} 行\t"
                       f"{record.imported_at:%Y-%m-%d %H:%M}\t{record.title}")


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
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question (CONTRACT §2).")] = False,
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
    for output in answer_lines(runtime, source, as_json, "ask" if conversation else None):
        textio.write_line(output)


@app.command("chat")
def chat_command(doc: DocOption = None) -> None:
    """The console chat: the same answers as Telegram, in the terminal. Example: duban chat"""
    from bot.cli.console import chat

    chat(open_runtime(doc, answering=True))


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold questions, one JSON object per line (CONTRACT §3).")],
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
) -> None:
    """Measure answer latency, cold start and memory (a benchmark, not a test). Example: duban bench"""
    from benchmarks.answers import run

    figures = run(open_runtime(doc, answering=True).duban, rounds)
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    for name, value in figures.items():
        if isinstance(value, dict):
            typer.echo(f"{name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                               for k, v in value.items()))
        else:
            typer.echo(f"{name}: {value:.1f}")


@app.command("run")
def run_command(
    webhook_url: Annotated[str | None, typer.Option(help="Public HTTPS URL for webhook mode.")] = None,
    listen: Annotated[str | None, typer.Option(help="Webhook listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Webhook listen port.")] = None,
    secret_token: Annotated[str | None, typer.Option(help="Webhook secret token.")] = None,
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
        run_bot(runtime, webhook_url=webhook_url, listen=listen, port=port, secret_token=secret_token)
    except ConfigError as error:
        raise fail(f"配置错误：{error}", 2) from None


@app.callback()
def root(debug: Annotated[bool, typer.Option("--debug", help="On failure, also print the traceback "
                                             "(same as DUBAN_DEBUG=1 or DUBAN_LOG_LEVEL=DEBUG).")] = False) -> None:
    """督办 Duban: questions and reminders about a government's task-responsibility document."""
    failures.set_debug(debug)


def main() -> None:
    """Console-script entry point: secrets masked everywhere, every failure a sentence (bot.failures)."""
    failures.install_masking()
    try:
        app()
    except Exception as error:
        sys.exit(failures.report(error))
    except KeyboardInterrupt as error:
        sys.exit(failures.report(error))


