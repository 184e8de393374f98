"""`duban reminders|subscriptions|deadlines …`: the operators' side of reminders (register(app) adds them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast
from zoneinfo import ZoneInfo

import typer

from bot.cli.support import DocOption, fail, open_runtime
from bot.runtime import Runtime
from knowledge.chats import ChatType

if TYPE_CHECKING:
    from bot.config import InDoubt
    from knowledge.reminders.subscriptions import Target

# Every `duban` command imports this module: SQLAlchemy, the planner and Telegram are imported inside
# the commands that use them, so `duban ask` does not pay for them at start-up.

reminders_app = typer.Typer(rich_markup_mode=None, help="Reminder delivery: dry run, sending, the sent-reminder log.", no_args_is_help=True)
subscriptions_app = typer.Typer(rich_markup_mode=None, help="Chats' reminder subscriptions.", no_args_is_help=True)
deadlines_app = typer.Typer(rich_markup_mode=None, help="Per-row deadlines (admin, schedule file, document default).", no_args_is_help=True)

AtOption = Annotated[str | None, typer.Option("--at", help="ISO 8601 instant, e.g. 2023-12-01T09:00+08:00 "
                                                           "(default: now; no offset: the policy's zone).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
# A group's chat id is negative (-1001234567890): read as an argument, not as an unknown option.
NEGATIVE_IDS = {"ignore_unknown_options": True}
ChatArgument = Annotated[int, typer.Argument(help="Telegram chat id; a group's is negative, e.g. -1001234567890.")]


def register(app: typer.Typer) -> None:
    """Add the three command groups to the `duban` app."""
    app.add_typer(reminders_app, name="reminders")
    app.add_typer(subscriptions_app, name="subscriptions")
    app.add_typer(deadlines_app, name="deadlines")


def parse_instant(text: str | None, zone: str) -> datetime:
    """--at: an ISO 8601 instant; without an offset it is wall-clock time in the policy's zone."""
    if not text:
        return datetime.now(UTC).astimezone(ZoneInfo(zone))
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"--at {text!r}: expected an ISO 8601 instant such as 2023-12-01T09:00+08:00", 2) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=ZoneInfo(zone))


# --- duban reminders ----------------------------------------------------------------------------


@reminders_app.command("due")
def due_command(at: AtOption = None, as_json: JsonOption = False,
                include_recorded: Annotated[bool, typer.Option("--all", help="Include reminders already "
                                                               "sent or claimed.")] = False, doc: DocOption = None) -> None:
    """Dry run: what would be sent at --at, one entry per chat; nothing is sent or recorded.
    Example: duban reminders due --at 2023-12-24T09:00+08:00 --json"""
    from bot.reminders.render import render_digest
    from knowledge.reminders.store import drop_recorded, due_json, merged_by_chat, plan, policy_from

    runtime = open_runtime(doc)
    try:
        policy = policy_from(runtime.settings.reminders)
    except ValueError as error:
        raise fail(f"配置错误：{error}", 2) from None
    instant = parse_instant(at, policy.timezone)
    catalog = runtime.catalog
    answering = runtime.answers_by_default(catalog.key)
    with runtime.knowledge.sessions() as session:
        digests = plan(session, catalog, policy, instant, configured_default=runtime.settings.default_deadline,
                       answering=answering)
        if not include_recorded:
            digests = drop_recorded(session, catalog.key, digests)
    if as_json:
        typer.echo(json.dumps(due_json(instant, digests), ensure_ascii=False))
        return
    merged = merged_by_chat(digests)
    typer.echo(f"{instant.isoformat()}: {len(merged)} chat(s), {sum(len(d.rows) for d in merged)} reminder(s)")
    for digest in merged:
        typer.echo(f"\n=== chat {digest.chat_id} ({digest.chat_type}) ===")
        for page in render_digest(digest, catalog, markup=False):
            typer.echo(page.text)


@reminders_app.command("send-due")
def send_due_command(
    at: AtOption = None,
    rate: Annotated[float | None, typer.Option(help="Messages per second overall "
                                                    "(default: [reminders] send_rate).")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Requests in flight at once "
                                                         "(default: [reminders] concurrency).")] = None,
    claim_timeout: Annotated[float | None, typer.Option(help="Seconds after which an unconfirmed claim counts as "
                                                             "its process having died (default: [reminders] "
                                                             "claim_timeout_minutes).")] = None,
    in_doubt: Annotated[str | None, typer.Option(help="skip (at most once) or resend (at least once) reminders "
                                                      "whose process died mid-send (default: [reminders] "
                                                      "in_doubt).")] = None,
    doc: DocOption = None,
) -> None:
    """Send what is due at --at now, once (the bot's job does this every few minutes); options default to
    the [reminders] settings. Exit status 1 when any send failed. Example: duban reminders send-due"""
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.failures import OperatorError, telegram_problem
    from handlers.delivery import Deliverer, instance_id, options_from
    from knowledge.reminders.log import by_digest

    if in_doubt not in (None, "skip", "resend"):
        raise fail(f"--in-doubt {in_doubt!r}: expected skip or resend", 2)
    runtime = open_runtime(doc)
    settings = runtime.settings
    if not settings.telegram_token:
        raise fail("没有 Telegram 令牌：请设置 DUBAN_TELEGRAM_TOKEN", 2)
    instant = parse_instant(at, settings.reminders.timezone)
    options = options_from(settings, rate=rate, concurrency=concurrency, in_doubt=cast("InDoubt | None", in_doubt),
                           claim_timeout=None if claim_timeout is None else timedelta(seconds=claim_timeout))
    extra: dict[str, Any] = {"base_url": settings.telegram_base_url} if settings.telegram_base_url else {}

    async def main() -> Any:
        async with Bot(settings.telegram_token or "", **extra) as bot:
            deliverer = Deliverer(bot, runtime.knowledge, runtime.catalog, settings, instance=instance_id(),
                                  options=options, answering=runtime.answers_by_default(runtime.catalog.key))
            return await deliverer.run(instant)

    import asyncio

    try:
        report = asyncio.run(main())
    except TelegramError as error:
        sentence = telegram_problem(error, settings.telegram_base_url, "getMe")
        if sentence is None:
            raise
        raise OperatorError(sentence) from error
    typer.echo(report.summary())
    for (chat, digest, holder), rows in by_digest(report.in_doubt).items():
        typer.echo(f"in doubt: chat {chat} digest {digest} (claimed by {holder}, not resent unless "
                   f"--in-doubt resend): {' '.join(rows)}")
    if report.failed:
        raise fail(f"{report.failed} 条提醒发送失败（原因见上方日志与 duban reminders status）", 1)


@reminders_app.command("status")
def status_command(as_json: JsonOption = False) -> None:
    """Counts of the sent-reminder log by status, the in-doubt reminders and the paused chats.
    Example: duban reminders status"""
    from knowledge.reminders import log as rlog
    from knowledge.reminders.subscriptions import list_subscriptions

    runtime = open_runtime()
    with runtime.knowledge.sessions() as session:
        counts = rlog.status_counts(session)
        doubtful = rlog.entries(session, status="unknown")
        paused = sorted({s.chat_id for s in list_subscriptions(session) if s.paused})
    if as_json:
        typer.echo(json.dumps({"counts": counts, "paused_chats": paused,
                               "in_doubt": [{"chat_id": e.chat_id, "row": e.row_id, "deadline": e.due.isoformat(),
                                             "days_before": e.days_before, "digest": e.digest,
                                             "claimed_by": e.claimed_by, "error": e.error} for e in doubtful]},
                              ensure_ascii=False))
        return
    typer.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no reminders recorded")
    for e in doubtful:
        typer.echo(f"in doubt: chat {e.chat_id} {e.row_id} {e.due} {e.days_before:+d} ({e.error})")
    if paused:
        typer.echo("paused chats: " + ", ".join(map(str, paused)))


@reminders_app.command("requeue-unknown")
def requeue_command(chat: Annotated[int | None, typer.Option(help="Only this chat.")] = None) -> None:
    """Forget in-doubt reminders so the next run resends them (at least once instead of at most once).
    Example: duban reminders requeue-unknown --chat 4242"""
    from knowledge.db import transaction
    from knowledge.reminders import log as rlog

    runtime = open_runtime()
    with transaction(runtime.knowledge.sessions) as session:
        n = rlog.requeue_unknown(session, chat)
    typer.echo(f"{n} in-doubt reminder(s) will be sent again if still within the grace period")


# --- duban subscriptions ------------------------------------------------------------------------


def _chat_type(chat_id: int, given: ChatType | None) -> ChatType:
    if given:
        return given
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _targets(runtime: Runtime, text: str) -> list[Target]:
    from bot.reminders.targets import resolve_targets

    resolution = resolve_targets(runtime.duban, text)
    if not resolution.ok:
        raise fail(resolution.problem)
    for note in resolution.notes:
        typer.echo(note, err=True)
    return resolution.targets


@subscriptions_app.command("list")
def subs_list(chat: Annotated[int | None, typer.Option(help="Only this chat.")] = None,
              as_json: JsonOption = False, doc: DocOption = None) -> None:
    """List subscriptions with the number of rows each covers. Example: duban subscriptions list --json"""
    from knowledge.reminders.subscriptions import list_subscriptions, target_rows

    runtime = open_runtime(doc)
    with runtime.knowledge.sessions() as session:
        subs = list_subscriptions(session, chat)
    items = [{"id": s.id, "chat_id": s.chat_id, "chat_type": s.chat_type, "kind": s.target.kind,
              "target": s.target.value, "rows": len(target_rows(runtime.catalog, s.target)),
              "paused": s.paused, "paused_reason": s.paused_reason, "created_by": s.created_by,
              "created_at": s.created_at.isoformat()} for s in subs]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    for item in items:
        state = f"\tpaused: {item['paused_reason']}" if item["paused"] else ""
        typer.echo(f"{item['chat_id']}\t{item['chat_type']}\t{item['kind']}\t{item['target'] or '全部工作'}\t"
                   f"{item['rows']} rows{state}")
    if not items:
        typer.echo("no subscriptions")


@subscriptions_app.command("add", context_settings=NEGATIVE_IDS)
def subs_add(chat_id: ChatArgument,
             target: Annotated[list[str], typer.Argument(help="Unit, leader, row id or 全部.")],
             chat_type: Annotated[ChatType | None, typer.Option("--type", help="private, group or supergroup "
                                                           "(default: from the id's sign).")] = None,
             doc: DocOption = None) -> None:
    """Subscribe a chat, resolving names as questions do. Example: duban subscriptions add 4242 区民政局"""
    from knowledge.db import transaction
    from knowledge.reminders.subscriptions import documents_of, resume_chat, subscribe, target_rows

    runtime = open_runtime(doc)
    targets = _targets(runtime, " ".join(target))
    # Stored against the document whose rows the names were read in (--doc, else the answering one).
    documents = documents_of(runtime.catalog.key, runtime.answers_by_default(runtime.catalog.key))
    with transaction(runtime.knowledge.sessions) as session:
        resume_chat(session, chat_id)
        for t in targets:
            added = subscribe(session, chat_id, _chat_type(chat_id, chat_type), t, created_by=None,
                              now=datetime.now(UTC), documents=documents)
            typer.echo(f"{'subscribed' if added else 'already subscribed'}: {chat_id} {t.kind} {t.label} "
                       f"({len(target_rows(runtime.catalog, t))} rows)")


@subscriptions_app.command("remove", context_settings=NEGATIVE_IDS)
def subs_remove(chat_id: ChatArgument,
                target: Annotated[list[str], typer.Argument(help="Unit, leader, row id or 全部.")], doc: DocOption = None) -> None:
    """Unsubscribe a chat. Example: duban subscriptions remove 4242 区民政局"""
    from knowledge.db import transaction
    from knowledge.reminders.subscriptions import unsubscribe

    runtime = open_runtime(doc)
    targets = _targets(runtime, " ".join(target))
    with transaction(runtime.knowledge.sessions) as session:
        for t in targets:
            typer.echo(f"{'removed' if unsubscribe(session, chat_id, t) else 'not subscribed'}: {chat_id} {t.label}")


@subscriptions_app.command("resume", context_settings=NEGATIVE_IDS)
def subs_resume(chat_id: ChatArgument) -> None:
    """Resume a chat paused after it blocked the bot. Example: duban subscriptions resume 4242"""
    from knowledge.db import transaction
    from knowledge.reminders.subscriptions import resume_chat

    runtime = open_runtime()
    with transaction(runtime.knowledge.sessions) as session:
        n = resume_chat(session, chat_id)
    typer.echo(f"resumed {n} subscription(s) of chat {chat_id}")


# --- duban deadlines ----------------------------------------------------------------------------


def _row(runtime: Runtime, raw: str) -> str:
    from knowledge.reminders.deadlines import DeadlineError
    from knowledge.reminders.store import row_in

    try:
        return row_in(runtime.catalog, raw)
    except DeadlineError as error:
        raise fail(str(error), 2) from None


@deadlines_app.command("set")
def deadlines_set(row: Annotated[str, typer.Argument(help="Row id, e.g. K5-12.")],
                  due: Annotated[str, typer.Argument(help="2023-06-30 or a phrase such as 6月底前.")],
                  milestone: Annotated[str, typer.Argument(help="Milestone label.")] = "", doc: DocOption = None) -> None:
    """Set a row's admin deadline (same milestone label: replaced). Example: duban deadlines set K5-12 2023-06-30 完成过半"""
    from knowledge.db import transaction
    from knowledge.reminders.deadlines import DeadlineError
    from knowledge.reminders.store import admin_deadline, set_deadline

    runtime = open_runtime(doc)
    try:
        deadline = admin_deadline(runtime.catalog, row, due, milestone)
    except DeadlineError as error:
        raise fail(str(error), 2) from None
    row_id = deadline.row_id
    with transaction(runtime.knowledge.sessions) as session:
        import getpass

        replaced = set_deadline(session, runtime.catalog.key, deadline, set_by=f"cli:{getpass.getuser()}",
                                now=datetime.now(UTC))
    typer.echo(f"{'replaced' if replaced else 'set'}: {row_id} {deadline.due.isoformat()} {deadline.milestone}".rstrip())


@deadlines_app.command("clear")
def deadlines_clear(row: Annotated[str, typer.Argument(help="Row id.")],
                    source: Annotated[str, typer.Option(help="admin or schedule.")] = "admin", doc: DocOption = None) -> None:
    """Remove a row's admin (or schedule) deadlines. Example: duban deadlines clear K5-12"""
    from knowledge.db import transaction
    from knowledge.reminders.store import clear_deadlines

    if source not in ("admin", "schedule"):
        raise fail(f"--source {source!r}: expected admin or schedule", 2)
    runtime = open_runtime(doc)
    row_id = _row(runtime, row)
    with transaction(runtime.knowledge.sessions) as session:
        n = clear_deadlines(session, runtime.catalog.key, row_id, "admin" if source == "admin" else "schedule")
    typer.echo(f"removed {n} {source} deadline(s) of {row_id}")


@deadlines_app.command("import")
def deadlines_import(path: Annotated[Path, typer.Argument(help="CSV (id,date[,milestone]) or TOML "
                                                               "([[deadline]] id, due, milestone).")], doc: DocOption = None) -> None:
    """Replace the schedule with a file's deadlines; an error names the line. Example: duban deadlines import plan.csv"""
    from knowledge.db import transaction
    from knowledge.reminders.deadlines import DeadlineError, read_schedule, row_sort_key
    from knowledge.reminders.store import import_schedule

    runtime = open_runtime(doc)
    catalog = runtime.catalog
    try:
        deadlines = read_schedule(path, year=catalog.year)
    except DeadlineError as error:
        raise fail(f"导入失败，数据库未作任何改动。{error}") from None
    unknown = sorted({d.row_id for d in deadlines if d.row_id not in catalog.by_id}, key=row_sort_key)
    if unknown:
        raise fail(f"导入失败，数据库未作任何改动。{path}: rows not in document {catalog.key}: {', '.join(unknown)}")
    with transaction(runtime.knowledge.sessions) as session:
        n = import_schedule(session, catalog.key, deadlines, set_by=f"import:{path.name}", now=datetime.now(UTC))
    typer.echo(f"imported {n} deadline(s) for {len({d.row_id for d in deadlines})} row(s) from {path}")


@deadlines_app.command("copy")
def deadlines_copy(
    source: Annotated[str, typer.Option("--from", help="Key of the document whose admin deadlines to copy.")],
    target: Annotated[str, typer.Option("--to", help="Key of the document that receives them (next year's).")],
) -> None:
    """Carry admin deadlines over to another document, rows matched by their text (same text, else a clearly
    most similar row), dates moved by the difference of the documents' years; unmatched rows are listed.
    Example: duban deadlines copy --from lucheng-2023 --to lucheng-2024"""
    import getpass

    from bot.cli import messages as cm
    from knowledge.catalog import UnknownDocument, load_catalog
    from knowledge.db import transaction
    from knowledge.reminders.carry import copy_admin_deadlines

    if source == target:
        raise fail(cm.COPY_SAME.format(key=source))
    runtime = open_runtime()
    try:
        with transaction(runtime.knowledge.sessions) as session:
            old, new = load_catalog(session, source), load_catalog(session, target)
            carried = copy_admin_deadlines(session, old, new, set_by=f"copy:{source}:{getpass.getuser()}")
    except UnknownDocument as error:
        raise fail(str(error)) from None
    if not carried:
        typer.echo(cm.COPY_NOTHING.format(source=source))
        return
    copied = [c for c in carried if c.target is not None]
    years = new.year - old.year
    done = cm.COPIED if years else cm.COPIED_SAME_YEAR
    typer.echo(done.format(source=source, target=target, n=len(copied), years=years))
    for c in copied:
        how = cm.COPY_EXACT if c.score >= 100 else cm.COPY_SIMILAR.format(score=c.score)
        typer.echo(cm.COPY_MATCH.format(old=c.deadline.row_id, new=c.target, how=how,
                                        due=c.due.isoformat() if c.due else "", milestone=c.deadline.milestone).rstrip())
    missed = [c for c in carried if c.target is None]
    if missed:
        typer.echo(cm.COPY_UNMATCHED.format(n=len(missed), target=target))
        for c in missed:
            typer.echo(cm.COPY_UNMATCHED_ROW.format(row=c.deadline.row_id, due=c.deadline.due.isoformat(),
                                                    milestone=c.deadline.milestone, text=c.source_text[:60]))


@deadlines_app.command("list")
def deadlines_list(row: Annotated[str | None, typer.Option(help="Only this row.")] = None,
                   effective_only: Annotated[bool, typer.Option("--effective", help="Every row's deadlines "
                                                                "after precedence, defaults included.")] = False,
                   as_json: JsonOption = False, doc: DocOption = None) -> None:
    """List stored deadlines, or with --effective what reminders use. Example: duban deadlines list --effective"""
    from knowledge.reminders.store import effective, stored_deadlines

    runtime = open_runtime(doc)
    catalog = runtime.catalog
    row_id = _row(runtime, row) if row else None
    with runtime.knowledge.sessions() as session:
        if effective_only:
            found = [d for r, ds in effective(session, catalog, runtime.settings.default_deadline).items()
                     if row_id in (None, r) for d in ds]
            items = [{"id": d.row_id, "deadline": d.due.isoformat(), "milestone": d.milestone,
                      "source": d.source} for d in found]
        else:
            items = [{"id": s.deadline.row_id, "deadline": s.deadline.due.isoformat(),
                      "milestone": s.deadline.milestone, "source": s.deadline.source, "set_by": s.set_by,
                      "set_at": s.set_at.isoformat()} for s in stored_deadlines(session, catalog.key, row_id)]
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False))
        return
    for item in items:
        typer.echo("\t".join(str(item[k]) for k in ("id", "deadline", "source", "milestone")).rstrip())
    if not items:
        typer.echo("no deadlines stored (rows use the document default; see --effective)")


def main() -> None:
    """Run these commands on their own: python -m bot.cli.reminders reminders due --json."""
    app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    register(app)
    app()


if __name__ == "__main__":
    main()
