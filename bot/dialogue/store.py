"""Where conversations are remembered: in memory, and (for the bot and the console) in the database too.

The database copy is what makes a restart, or a second instance serving the same bot from the same
PostgreSQL database, continue a conversation: every message reads its conversation's row by primary key
and writes it back. `duban ask --conversation` keeps one conversation in memory only.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.dialogue.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
DEFAULT_EXPIRY_MINUTES = 30.0
# Memory holds at most this many conversations; the least recently used are dropped first (the database keeps them).
MEMORY_LIMIT = 10_000


class ContextStore(Protocol):
    """Reads and writes one conversation's context by key."""

    def load(self, key: str, now: float) -> Context: ...

    def save(self, key: str, context: Context) -> None: ...


class MemoryStore:
    """Conversations in this process only; an entry older than `expiry_minutes` is forgotten."""

    def __init__(self, expiry_minutes: float = DEFAULT_EXPIRY_MINUTES, limit: int = MEMORY_LIMIT) -> None:
        self.expiry = expiry_minutes * 60
        self.limit = limit
        self._items: OrderedDict[str, Context] = OrderedDict()

    def load(self, key: str, now: float) -> Context:
        context = self._items.get(key)
        if context is None or now - context.updated > self.expiry:
            return Context()
        self._items.move_to_end(key)
        return context

    def save(self, key: str, context: Context) -> None:
        self._items[key] = context
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)


class DatabaseStore:
    """Memory in front of the `conversation_states` table. The table is read on every message (one
    primary-key lookup), so an instance never answers from a context another instance has moved on from;
    if the database cannot be reached the conversation goes on from memory and the failure is logged."""

    def __init__(self, sessions: sessionmaker[Session], expiry_minutes: float = DEFAULT_EXPIRY_MINUTES) -> None:
        self.sessions = sessions
        self.memory = MemoryStore(expiry_minutes)
        self.expiry = expiry_minutes * 60

    def load(self, key: str, now: float) -> Context:
        from sqlalchemy.exc import SQLAlchemyError

        from knowledge.models import ConversationState

        try:
            with self.sessions() as session:
                record = session.get(ConversationState, key)
                stored = None if record is None else (record.state, record.updated_at)
        except SQLAlchemyError:
            log.exception("conversation %s: database unreadable, continuing from memory", key)
            return self.memory.load(key, now)
        if stored is None:
            return Context()
        context = Context.from_json(stored[0])
        context.updated = _timestamp(stored[1])
        if now - context.updated > self.expiry:
            return Context()
        return context

    def save(self, key: str, context: Context) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from knowledge.models import ConversationState

        self.memory.save(key, context)
        try:
            with self.sessions.begin() as session:
                session.merge(ConversationState(key=key, state=context.to_json(),
                                                updated_at=datetime.fromtimestamp(context.updated, UTC)))
        except SQLAlchemyError:
            log.exception("conversation %s: context not stored in the database", key)

    def forget_expired(self, now: float | None = None) -> int:
        """Delete database rows past expiry; returns how many."""
        from sqlalchemy import delete

        from knowledge.models import ConversationState

        cutoff = datetime.fromtimestamp((now or time.time()) - self.expiry, UTC)
        with self.sessions.begin() as session:
            result = session.execute(delete(ConversationState).where(ConversationState.updated_at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)


def _timestamp(value: datetime) -> float:
    # SQLite hands back naive datetimes; they were written in UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def conversation_key(chat_id: int | str, user_id: int | str | None = None, private: bool = True) -> str:
    """A private chat is one conversation; in a group, each user's messages to the bot are their own."""
    return f"chat:{chat_id}" if private or user_id is None else f"chat:{chat_id}:user:{user_id}"
