"""Reminder delivery: a JobQueue job that plans the due digests, claims each reminder, sends, and records it.

The database is the source of truth (PTB does not persist jobs): every run re-plans from subscriptions,
deadlines and the clock, skips what the sent-reminder log already holds, and claims the rest before
sending, so restarts, crashes mid fan-out and second instances never send a reminder twice. The first
run at start-up is the catch-up: reminders missed while the bot was down within the grace period go
out then, marked late. See knowledge/reminders/log.py for the states and docs/reminders.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time as _time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.config import InDoubt, Settings
from bot.reminders.render import Page, render_digest
from handlers import BotData, Clock, CommandSpec, Context, is_group
from handlers.sending import retry_seconds
from knowledge.bootstrap import KnowledgeBase
from knowledge.catalog import Catalog
from knowledge.db import transaction
from knowledge.reminders import log as rlog
from knowledge.reminders.plan import ChatDigest, DueRow
from knowledge.reminders.store import drop_recorded, plan, policy_from
from knowledge.reminders.subscriptions import move_chat, pause_chat, subscribed_documents

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = []  # delivery only; the commands live in handlers/subscriptions.py
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_of(context: Context) -> datetime:
    """The bot's clock: real time, or the one a test put in bot_data."""
    return (context.bot_data.clock or utc_now)()


def instance_id() -> str:
    """Who holds a claim, for the log and for operators: host, pid and a random tag."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class DeliveryOptions:
    """Fan-out limits and the in-doubt choice; defaults stay under Telegram's broadcast limits."""

    rate: float = 25.0  # messages per second overall (Telegram allows about 30)
    group_interval: float = 3.1  # seconds between messages to one group (20 per minute)
    concurrency: int = 4  # requests in flight; each is an in-doubt digest if the process dies
    claim_timeout: timedelta = timedelta(minutes=10)  # a claim older than this belongs to a dead process
    in_doubt: InDoubt = "skip"  # at most once (default) or at least once
    max_attempts: int = 5  # 429 retries per message within one run
    max_wait: float = 60.0  # a longer Retry-After defers the message to a later run
    start_delay: float = 5.0  # seconds from start-up to the catch-up run


@dataclass
class DeliveryReport:
    """What one run did; `in_doubt` lists the reminders whose fate nobody can know."""

    at: datetime
    digests: int = 0
    messages: int = 0
    rows: int = 0
    late: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0
    retries: int = 0
    paused_chats: list[int] = field(default_factory=list)
    chats: list[int] = field(default_factory=list)  # chats that got at least one message
    in_doubt: list[rlog.LogEntry] = field(default_factory=list)

    def summary(self) -> str:
        return (f"reminders at {self.at.isoformat()}: {self.messages} message(s) to {self.digests} chat(s), "
                f"{self.rows} reminder(s) sent ({self.late} late), {self.skipped} already claimed elsewhere, "
                f"{self.failed} failed, {self.deferred} deferred, {self.retries} 429 retries, "
                f"{len(self.paused_chats)} chat(s) paused, {len(rlog.by_digest(self.in_doubt))} digest(s) "
                f"in doubt ({len(self.in_doubt)} reminders)")


class Pacer:
    """Spaces sends: at most `rate` per second overall, and `group_interval` apart within one group."""

    def __init__(self, rate: float, group_interval: float,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._group_interval = group_interval
        self._next = 0.0
        self._groups: dict[int, float] = {}
        self._sleep = sleep

    async def wait(self, chat_id: int, group: bool) -> None:
        now = _time.monotonic()
        # Reserve a slot synchronously (no await in between), then sleep outside the reservation.
        slot = max(now, self._next)
        self._next = slot + self._gap
        if group:
            slot = max(slot, self._groups.get(chat_id, 0.0))
            self._groups[chat_id] = slot + self._group_interval
        if slot > now:
            await self._sleep(slot - now)


def _never_sent(error: NetworkError) -> bool:
    """Connection or pool failures mean the request never left this process; a read timeout may have."""
    cause = error.__cause__
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout) \
        or "Pool timeout" in error.message


class Deliverer:
    """One run: plan, claim, send, record. Reusable across runs of one process (same instance id)."""

    def __init__(self, bot: Bot, knowledge: KnowledgeBase, catalog: Catalog, settings: Settings, *,
                 instance: str, options: DeliveryOptions | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, log_key: str | None = None,
                 answering: bool = True) -> None:
        self.bot, self.knowledge, self.catalog, self.settings = bot, knowledge, catalog, settings
        # The catalog's document answers chats that chose none: subscriptions older than their document's follow it.
        self.answering = answering
        # The sent log's document key: the catalog's for deadline reminders, "<key>:progress" for chasing.
        self.log_key = log_key or catalog.key
        self.instance = instance
        self.options = options or DeliveryOptions()
        self.policy = policy_from(settings.reminders)
        self.sleep = sleep
        self.pacer = Pacer(self.options.rate, self.options.group_interval, sleep)
        # Only a bot with a rate limiter (the running bot) takes rate_limit_args; the CLI's plain Bot does not.
        limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None
        self._no_limiter_retries: dict[str, Any] = {"rate_limit_args": 0} if limited else {}

    def _tx(self) -> Any:
        return transaction(self.knowledge.sessions)

    # --- database steps ---------------------------------------------------------------------------
    # Each runs in a worker thread (asyncio.to_thread) so its round trips do not stall the event loop
    # (the bot's concurrent updates, the other digests of this run). Each opens and commits its own
    # transaction before the awaiting coroutine resumes, so the order is the one synchronous code had:
    # a claim is committed before the send, and the mark after it. Sessions never cross threads, and
    # the DeliveryReport is only changed on the event loop (the workers share it).

    def _settle_stale(self) -> list[rlog.LogEntry]:
        with self._tx() as session:
            return rlog.resolve_stale(session, older_than=utc_now() - self.options.claim_timeout,
                                      resend=self.options.in_doubt == "resend")

    def _claim(self, digest: ChatDigest, key: str) -> list[DueRow]:
        with self._tx() as session:
            return rlog.claim(session, self.log_key, digest.chat_id, digest.day, digest.rows,
                              digest=key, instance=self.instance, now=utc_now())

    def _mark_sent(self, chat_id: int, rows: Sequence[DueRow], key: str, message_id: int) -> None:
        with self._tx() as session:
            rlog.mark_sent(session, self.log_key, chat_id, rows, digest=key, instance=self.instance,
                           message_id=message_id, now=utc_now())

    def _mark_waiting(self, chat_id: int, rows: Sequence[DueRow], key: str, error: str) -> None:
        with self._tx() as session:
            rlog.mark_waiting(session, self.log_key, chat_id, rows, digest=key, instance=self.instance,
                              error=error)

    def _reclaim(self, chat_id: int, rows: Sequence[DueRow], key: str) -> bool:
        with self._tx() as session:
            return rlog.reclaim(session, self.log_key, chat_id, rows, digest=key, instance=self.instance,
                                now=utc_now())

    def _release(self, chat_id: int, rows: Sequence[DueRow], key: str) -> None:
        with self._tx() as session:
            rlog.release(session, self.log_key, chat_id, rows, digest=key, instance=self.instance)

    def _move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        with self._tx() as session:
            move_chat(session, old_chat_id, new_chat_id)

    def _record_refusal(self, chat_id: int, rows: Sequence[DueRow], key: str, error: str, gone: bool) -> None:
        """Mark the rows failed and, when the chat is gone, pause it, in one transaction."""
        with self._tx() as session:
            rlog.mark_failed(session, self.log_key, chat_id, rows, digest=key, instance=self.instance,
                             error=error)
            if gone:
                pause_chat(session, chat_id, error, utc_now())

    def _record_in_doubt(self, chat_id: int, rows: Sequence[DueRow], key: str,
                         error: str) -> list[rlog.LogEntry]:
        """Mark the rows `unknown`; the digest's in-doubt entries, read in the same transaction."""
        with self._tx() as session:
            rlog.mark_failed(session, self.log_key, chat_id, rows, digest=key, instance=self.instance,
                             error=f"in doubt: {error}", status="unknown")
            return [e for e in rlog.entries(session, chat_id=chat_id, status="unknown") if e.digest == key]

    # --- the run ----------------------------------------------------------------------------------

    def pending(self, instant: datetime) -> list[ChatDigest]:
        """The digests due at `instant` that the log does not hold yet (a dry run stops here)."""
        with self.knowledge.sessions() as session:
            digests = plan(session, self.catalog, self.policy, instant,
                           configured_default=self.settings.default_deadline, answering=self.answering)
            return drop_recorded(session, self.log_key, digests)

    async def run(self, instant: datetime) -> DeliveryReport:
        """Settle dead claims, then send everything due at `instant` that nobody has sent."""
        report = DeliveryReport(at=instant)
        report.in_doubt = await asyncio.to_thread(self._settle_stale)
        for (chat_id, key, holder), rows in rlog.by_digest(report.in_doubt).items():
            log.warning("chat %s: digest %s (claimed by %s) was in flight when its process stopped; %s: %s",
                        chat_id, key, holder, "resending" if self.options.in_doubt == "resend"
                        else "not resent (status unknown)", " ".join(rows))
        # Planning 100,000 subscriptions takes most of a second: keep it off the event loop.
        digests = await asyncio.to_thread(self.pending, instant)
        queue: asyncio.Queue[ChatDigest] = asyncio.Queue()
        for digest in digests:
            queue.put_nowait(digest)

        async def worker() -> None:
            while not queue.empty():
                digest = queue.get_nowait()
                try:
                    await self.deliver(digest, report)
                except Exception:  # one broken chat must not stop the fan-out
                    log.exception("delivering the digest for chat %s failed", digest.chat_id)

        await asyncio.gather(*(worker() for _ in range(max(1, min(self.options.concurrency, len(digests))))))
        log.info(report.summary())
        return report

    async def deliver(self, digest: ChatDigest, report: DeliveryReport) -> None:
        """Pace, claim, then send the claimed rows as one digest (several pages only past 4096 chars)."""
        group = is_group(digest.chat_type)
        # Pace before claiming, so the claim → send window (the in-doubt window) stays milliseconds long.
        await self.pacer.wait(digest.chat_id, group)
        key = rlog.digest_key(self.log_key, digest.chat_id, digest.day, digest.rows)
        rows = await asyncio.to_thread(self._claim, digest, key)
        report.skipped += len(digest.rows) - len(rows)
        if not rows:
            return
        report.digests += 1
        # In a worker thread: a subclass's texts may read the database (the office's list of late units).
        pages = await asyncio.to_thread(self.pages, replace(digest, rows=list(rows)))
        for n, page in enumerate(pages):
            if n:
                await self.pacer.wait(digest.chat_id, group)
            remaining = [r for later in pages[n:] for r in later.rows]
            if not await self._send_page(digest, key, page, remaining, report):
                unsent = [r for later in pages[n + 1:] for r in later.rows]
                if unsent:  # never attempted: give them back rather than leave them to look in doubt
                    await asyncio.to_thread(self._release, digest.chat_id, unsent, key)
                return

    def pages(self, digest: ChatDigest) -> list[Page]:
        """The digest's messages (a subclass with other texts, such as progress chasing, overrides this)."""
        return render_digest(digest, self.catalog)

    def markup(self, digest: ChatDigest) -> InlineKeyboardMarkup | None:
        """Under a deadline digest: see every row (/deadlines' pages), pause, manage the subscriptions."""
        from handlers.subscriptions import digest_markup  # it imports this module's clock

        return digest_markup(len(digest.rows))

    async def _send_page(self, digest: ChatDigest, key: str, page: Page, remaining: Sequence[DueRow],
                         report: DeliveryReport) -> bool:
        """Send one page and record the outcome; False stops the rest of this digest."""
        chat_id, rows = digest.chat_id, list(page.rows)
        target = chat_id
        for attempt in range(1, self.options.max_attempts + 1):
            try:
                # A 429 comes straight back here (the bot's rate limiter is told not to retry): this loop
                # knows the claim, marks it waiting, and waits or gives it back for a later run.
                message = await self.bot.send_message(target, page.text, parse_mode=ParseMode.HTML,
                                                      reply_markup=self.markup(digest), **self._no_limiter_retries)
            except RetryAfter as error:
                wait = retry_seconds(error)
                report.retries += 1
                await asyncio.to_thread(self._mark_waiting, chat_id, rows, key, str(error))
                if attempt == self.options.max_attempts or wait > self.options.max_wait:
                    break
                await self.sleep(wait)
                if not await asyncio.to_thread(self._reclaim, chat_id, rows, key):
                    return False  # a stale-claim sweep took it: it will be sent by whoever runs next
                continue
            except ChatMigrated as error:
                await asyncio.to_thread(self._move_chat, chat_id, error.new_chat_id)
                target = chat_id = error.new_chat_id  # the claims moved with the chat: mark them there
                continue
            except (Forbidden, BadRequest) as error:
                return await self._refused(digest, key, rows, remaining, error, report)
            except NetworkError as error:
                await self._ambiguous(digest, key, rows, error, report, never_sent=_never_sent(error))
                return False
            except TelegramError as error:
                await self._ambiguous(digest, key, rows, error, report, never_sent=False)
                return False
            await asyncio.to_thread(self._mark_sent, chat_id, rows, key, message.message_id)
            report.messages += 1
            if chat_id not in report.chats:
                report.chats.append(chat_id)
            report.rows += len(rows)
            report.late += sum(1 for r in rows if r.late)
            return True
        # Still throttled: give the claim back so a later run (or the other instance) sends it.
        await asyncio.to_thread(self._release, chat_id, remaining, key)
        report.deferred += len(remaining)
        log.warning("chat %s: still rate limited after %d attempts; deferred", chat_id, self.options.max_attempts)
        return False

    async def _refused(self, digest: ChatDigest, key: str, rows: list[DueRow], remaining: Sequence[DueRow],
                       error: TelegramError, report: DeliveryReport) -> bool:
        """A definite refusal: blocked, kicked or gone pauses the chat; other 400s fail this page only."""
        text = str(error)
        gone = isinstance(error, Forbidden) or "chat not found" in text.lower()
        failed = list(remaining) if gone else rows
        await asyncio.to_thread(self._record_refusal, digest.chat_id, failed, key, text, gone)
        report.failed += len(failed)
        if gone:
            report.paused_chats.append(digest.chat_id)
            log.info("chat %s refused the reminder (%s): its subscriptions are paused", digest.chat_id, text)
        else:
            log.error("chat %s: Telegram rejected a reminder page: %s", digest.chat_id, text)
        return not gone

    async def _ambiguous(self, digest: ChatDigest, key: str, rows: list[DueRow], error: TelegramError,
                         report: DeliveryReport, *, never_sent: bool) -> None:
        """A timeout may or may not have delivered: `unknown` unless the request surely never left."""
        if never_sent or self.options.in_doubt == "resend":
            await asyncio.to_thread(self._release, digest.chat_id, rows, key)
            report.deferred += len(rows)
        else:
            doubtful = await asyncio.to_thread(self._record_in_doubt, digest.chat_id, rows, key,
                                               str(error))
            report.in_doubt += doubtful
        log.warning("chat %s: sending a reminder failed (%s); %s", digest.chat_id, error,
                    "will retry" if never_sent else "it may or may not have arrived")


def options_from(settings: Settings, *, rate: float | None = None, concurrency: int | None = None,
                 claim_timeout: timedelta | None = None, in_doubt: InDoubt | None = None) -> DeliveryOptions:
    """Delivery knobs from [reminders]; an argument given here (a command-line option) wins over it."""
    reminders = settings.reminders
    return DeliveryOptions(
        rate=reminders.send_rate if rate is None else rate,
        concurrency=reminders.concurrency if concurrency is None else concurrency,
        claim_timeout=timedelta(minutes=reminders.claim_timeout_minutes) if claim_timeout is None else claim_timeout,
        in_doubt=in_doubt or reminders.in_doubt,
    )


class ReminderService:
    """The job's state in one process: its instance id, options, clock, and a guard against overlap."""

    def __init__(self, options: DeliveryOptions | None = None, clock: Clock | None = None) -> None:
        self.options = options or DeliveryOptions()
        self.clock = clock or utc_now
        self.instance = instance_id()
        self.last: DeliveryReport | None = None
        self._lock = asyncio.Lock()

    async def run(self, application: AnyApplication) -> DeliveryReport | None:
        """One delivery run; skipped when the previous one is still sending."""
        if self._lock.locked():
            log.info("previous reminder run still in progress; skipping this one")
            return None
        async with self._lock:
            runtime = application.bot_data.runtime
            instant = self.clock()
            # The answering document's subscriptions first, then those of documents chats chose with /doc.
            report = None
            named = await asyncio.to_thread(_subscribed, runtime.knowledge.sessions)
            library = runtime.library
            keys = [runtime.catalog.key, *sorted(k for k in named if k not in ("", runtime.catalog.key)
                                                 and library.stored(k) is not None)]
            for key in keys:
                catalog = runtime.catalog if key == runtime.catalog.key else runtime.library.duban(key).catalog
                deliverer = Deliverer(application.bot, runtime.knowledge, catalog, runtime.settings,
                                      instance=self.instance, options=self.options,
                                      answering=catalog is runtime.catalog)
                done = await deliverer.run(instant)
                report = done if report is None else _added(report, done)
            self.last = report
            return self.last


def _subscribed(sessions: sessionmaker[Session]) -> set[str]:
    """Every document some active subscription names (a worker thread's database read)."""
    with sessions() as session:
        return subscribed_documents(session)


def _added(first: DeliveryReport, second: DeliveryReport) -> DeliveryReport:
    """Two documents' runs at one instant as one report."""
    counts = {name: getattr(first, name) + getattr(second, name)
              for name in ("digests", "messages", "rows", "late", "skipped", "failed", "deferred", "retries")}
    return DeliveryReport(first.at, **counts, paused_chats=first.paused_chats + second.paused_chats,
                          chats=first.chats + second.chats, in_doubt=first.in_doubt + second.in_doubt)


async def _job(context: Context) -> None:
    service = context.bot_data.reminders
    if service is None:  # register() sets it before scheduling this job
        raise RuntimeError("the reminder job runs without its ReminderService")
    await service.run(context.application)


def _next_boundary(now: datetime, minutes: int) -> datetime:
    """The next wall-clock multiple of `minutes`, so 09:00 reminders go out at 09:00, not 09:04."""
    step = minutes * 60
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % step + step, UTC)


def register(application: AnyApplication, *, clock: Clock | None = None,
             options: DeliveryOptions | None = None) -> None:
    """Schedule the catch-up run at start and a run every `check_minutes`; nothing is sent yet."""
    if application.job_queue is None:
        log.warning("python-telegram-bot has no JobQueue (install the job-queue extra): reminders are off")
        return
    bot_data: BotData = application.bot_data
    settings = bot_data.runtime.settings
    service = ReminderService(options or options_from(settings), clock)
    bot_data.reminders, bot_data.clock = service, clock
    minutes = settings.reminders.check_minutes
    jobs = application.job_queue
    jobs.run_once(_job, when=service.options.start_delay, name="reminders:catch-up")
    jobs.run_repeating(_job, interval=timedelta(minutes=minutes), first=_next_boundary(utc_now(), minutes),
                       name="reminders", job_kwargs={"max_instances": 1, "coalesce": True})
