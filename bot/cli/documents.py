"""`duban import|export|docs`: the documents an office keeps over the years, and which one answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import messages as cm
from bot.cli.support import DocOption, fail, open_runtime

docs_app = typer.Typer(rich_markup_mode=None, help="Stored documents: which one answers and why; removing one.",
                       invoke_without_command=True)


def register(app: typer.Typer) -> None:
    """Add `import`, `export` and the `docs` group to the `duban` app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.add_typer(docs_app, name="docs")


def import_command(
    path: Annotated[Path, typer.Argument(help="The document: .txt, .docx, .xlsx, .html/.htm, .pdf (text layer), "
                                              "or .doc/.wps/.xls with LibreOffice installed.")],
    key: Annotated[str | None, typer.Option(help="Document key; default: the file name without its suffix and "
                                                 "a trailing -tasks (lucheng-2024-tasks.txt → lucheng-2024).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what was understood; store nothing.")] = False,
    overrides: Annotated[Path | None, typer.Option(
        help="A place file for this document (the keys of knowledge/data/places/*.toml: streets, [[unit]] with "
             "aliases, [[group]]): spellings no rule derives. Kept with the document.")] = None,
) -> None:
    """Import a document; re-importing the same key replaces it. Says what was read, whether the key was added
    or replaced, which document answers afterwards and, when the new one takes over, what happens to the
    previous one's deadlines and subscriptions. Example: duban import lucheng-2024-tasks.txt
    (duban import qingtian-2024.txt --overrides qingtian-units.toml adds spellings no rule derives)"""
    from sqlalchemy import select

    from knowledge.catalog import UnknownDocument
    from knowledge.documents import WHY_TEXT, choose, handover
    from knowledge.ingest import DocumentError, import_document, place_summary, read_document
    from knowledge.ingest.summary import summary_lines
    from knowledge.models import DocumentRecord

    if dry_run:
        try:
            understood = read_document(path, key, overrides=overrides)
        except DocumentError as error:
            raise fail(f"无法读取，未作任何改动。{error}") from None
        typer.echo("\n".join(["（试读，未保存）", *summary_lines(understood),
                               *place_summary(path, understood, overrides)]))
        return
    runtime = open_runtime()
    pinned = runtime.document_key
    sessions = runtime.knowledge.sessions
    with sessions() as session:
        keys = set(session.scalars(select(DocumentRecord.key)))
        try:
            before = choose(session, pinned).key
        except UnknownDocument:
            before = None
    try:
        document = import_document(sessions, path, key, overrides)
    except DocumentError as error:
        raise fail(f"导入失败，数据库未作任何改动。{error}") from None
    verb = cm.REPLACED if document.key in keys else cm.ADDED
    typer.echo("\n".join([verb.format(key=document.key), *summary_lines(document),
                           *place_summary(path, document, overrides)]))
    with sessions() as session:
        try:
            now = choose(session, pinned)
        except UnknownDocument as error:  # the import itself succeeded; the pin is what needs fixing
            typer.echo(str(error), err=True)
            return
        why = WHY_TEXT[now.why]
        if now.key != document.key:
            typer.echo(cm.ANSWERING_KEPT.format(key=now.key, why=why, new=document.key))
        elif before is None or before == now.key:
            typer.echo(cm.ANSWERING_NOW.format(key=now.key, why=why))
        else:
            typer.echo(cm.ANSWERING_CHANGED.format(key=now.key, why=why, previous=before))
            change = handover(session, before, now.key)
            if change.admin_deadlines or change.schedule_deadlines:
                typer.echo(cm.HANDOVER_DEADLINES.format(previous=before, current=now.key,
                                                        admin=change.admin_deadlines,
                                                        schedule=change.schedule_deadlines))
            else:
                typer.echo(cm.HANDOVER_NO_DEADLINES.format(previous=before, current=now.key))
            if change.unit_and_leader_subscriptions or change.row_subscriptions:
                typer.echo(cm.HANDOVER_SUBSCRIPTIONS.format(current=now.key,
                                                            named=change.unit_and_leader_subscriptions,
                                                            rows=change.row_subscriptions))


def export_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole document as one JSON object "
                                                         "(the shape is described in docs/operators.md).")] = False,
    doc: DocOption = None,
) -> None:
    """Print a stored document back: by default the one that answers (pinned, else the newest imported).
    Example: duban export --json > lucheng.json"""
    from knowledge.catalog import UnknownDocument
    from knowledge.export import export_document, find_document

    runtime = open_runtime(doc)
    with runtime.knowledge.sessions() as session:
        try:
            data = export_document(find_document(session, runtime.document_key))
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


@docs_app.callback()
def docs_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array: key, year, title, rows, imported_at, "
                                                         "bundled, answering, why.")] = False,
    doc: DocOption = None,
) -> None:
    """List stored documents; * marks the one that answers, with why (pinned, newest imported, bundled).
    Example: duban docs --json"""
    if ctx.invoked_subcommand is not None:
        return
    from knowledge.documents import WHY_TEXT, stored_documents

    runtime = open_runtime(doc)
    with runtime.knowledge.sessions() as session:
        documents = stored_documents(session, runtime.document_key)
    if as_json:
        typer.echo(json.dumps([d.to_json() for d in documents], ensure_ascii=False))
        return
    if not documents:
        typer.echo(cm.DOCS_EMPTY)
    for d in documents:
        mark = "*" if d.answering else " "
        why = f"\t← 回答问题：{WHY_TEXT[d.why]}" if d.why else ""
        origin = "（内置）" if d.bundled else ""
        typer.echo(f"{mark} {d.key}\t{d.year}\t{d.doc_number}\t{d.rows} 行\t{d.imported_at:%Y-%m-%d %H:%M}\t"
                   f"{d.title}{origin}{why}")


@docs_app.command("remove")
def docs_remove(
    key: Annotated[str, typer.Argument(help="The key of the document to remove (see duban docs).")],
) -> None:
    """Remove a stored document, its rows and its deadlines; refused for the pinned document.
    Example: duban docs remove lucheng-2022"""
    from knowledge.db import transaction
    from knowledge.documents import WHY_TEXT, DocumentRefused, remove_document

    runtime = open_runtime()
    try:
        with transaction(runtime.knowledge.sessions) as session:
            removal = remove_document(session, key, runtime.document_key)
    except DocumentRefused as error:
        raise fail(str(error)) from None
    typer.echo(cm.REMOVED.format(key=removal.key, deadlines=removal.deadlines))
    if removal.answering_now is None:
        typer.echo(cm.REMOVED_LAST)
    else:
        typer.echo(cm.REMOVED_NOW.format(key=removal.answering_now.key, why=WHY_TEXT[removal.answering_now.why]))
