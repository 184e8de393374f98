"""Helpers shared by the reminder tests: an injectable clock, a fast Runtime, an Application on the fake."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fakebot import FakeBotApi, FakeMessage
from fakebot.fixtures import AnyApplication, application_builder
from sqlalchemy import select
from telegram import Bot

import handlers.delivery
import handlers.pages
import handlers.subscriptions
from bot.config import Settings
from bot.pipeline import Duban
from bot.reminders.render import DIGEST_ROWS
from bot.runtime import Runtime
from handlers import CONTEXT_TYPES
from handlers.delivery import Deliverer, DeliveryOptions
from knowledge.bootstrap import KnowledgeBase
from knowledge.catalog import Catalog
from knowledge.db import transaction
from knowledge.models import SentReminder
from knowledge.numerals import chinese_to_int
from knowledge.reminders.deadlines import row_sort_key
from knowledge.reminders.subscriptions import Target, subscribe

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A listed row as users see it: "• 五-12 …" or "• 民生实事 5-1 …" (the document's own numbering).
ROW_LABEL = re.compile(r"^• (?:民生实事 (\d+)-(\d+)|([一二三四五六七八九十]+)-(\d+))", re.M)
# No pacing and no start-up delay: tests control time themselves.
FAST = DeliveryOptions(rate=0, group_interval=0, concurrency=4, start_delay=3600,
                       claim_timeout=timedelta(0))
MINSHENG_ROWS = ["K5-7", "K5-8", "K5-9", "K5-12", "K5-13", "K5-15", "K5-16", "L5-1", "L8-1"]


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """An instant in Asia/Shanghai, the policy's zone."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class Clock:
    """The injected clock: tests move `now`; everything that asks the time reads it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def fast_runtime(settings: Settings, catalog: Catalog, duban: Duban, **changes: Any) -> Runtime:
    """A Runtime on the test database that reuses the session-wide catalog and parser (same document)."""
    runtime = Runtime(settings=replace(settings, **changes) if changes else settings)
    runtime.__dict__["catalog"] = catalog
    runtime.__dict__["duban"] = duban
    return runtime


def add_subscription(knowledge: KnowledgeBase, chat_id: int, target: Target, chat_type: str = "private") -> None:
    with transaction(knowledge.sessions) as session:
        subscribe(session, chat_id, chat_type, target, created_by=None, now=datetime.now(UTC))


def build_app(fake: FakeBotApi, runtime: Runtime, clock: Clock | None = None,
              options: DeliveryOptions = FAST) -> AnyApplication:
    """An Application on the fake with the pages router (to prove our buttons win), subscriptions and
    the reminder job (its catch-up far in the future unless `options` says otherwise)."""
    app = application_builder(fake).context_types(CONTEXT_TYPES).build()
    app.bot_data.runtime = runtime
    handlers.pages.register(app)
    handlers.subscriptions.register(app)
    handlers.delivery.register(app, clock=clock, options=options)
    return app


def row_ids(text: str) -> list[str]:
    """Row ids (K5-12, L5-1) of the rows a message lists, in order, read back from their labels."""
    return [f"L{p}-{k}" if p else f"K{chinese_to_int(s)}-{n}" for p, k, s, n in ROW_LABEL.findall(text)]


def rows_in(messages: Iterable[FakeMessage]) -> list[str]:
    """Row ids listed in messages, in order."""
    return [m for message in messages for m in row_ids(message.text)]


def nearest(rows: Iterable[str]) -> list[str]:
    """The rows a one-message digest shows when they share a deadline: the first DIGEST_ROWS in document order."""
    return sorted(rows, key=row_sort_key)[:DIGEST_ROWS]


def sent_to(log: Sequence[SentReminder], chat: int) -> tuple[Counter[str], set[int | None]]:
    """What the sent log says `chat` was sent: how often each row was marked sent, and the message ids named.
    A digest is one message that carries every row (the rest one tap away): the log is where "every row,
    exactly once" is proved, since the text shows only the nearest rows."""
    sent = [r for r in log if r.chat_id == chat and r.status == "sent"]
    return Counter(r.row_id for r in sent), {r.message_id for r in sent}


def log_rows(knowledge: KnowledgeBase) -> list[SentReminder]:
    with knowledge.sessions() as session:
        return list(session.scalars(select(SentReminder).order_by(SentReminder.chat_id, SentReminder.row_id)))


def deliverer(bot: Bot, rt: Runtime, name: str = "A", options: DeliveryOptions = FAST, **kw: Any) -> Deliverer:
    return Deliverer(bot, rt.knowledge, rt.catalog, rt.settings, instance=name, options=options, **kw)


def private_chats(fake: FakeBotApi, n: int) -> list[int]:
    return [fake.private_chat(fake.add_user(f"用户{i}")).id for i in range(n)]


def counts(fake: FakeBotApi, chats: list[int]) -> dict[int, int]:
    return {chat: len(fake.bot_messages(chat)) for chat in chats}


class SessionThreads:
    """A session factory that notes which thread opened each session."""

    def __init__(self, factory: Any) -> None:
        self.factory, self.threads = factory, []  # type: list[int]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        return self.factory(*args, **kwargs)
