"""Where conversations are remembered: in memory, and (for the bot and the console) in the database too.

The database copy is what makes a restart, or a second instance serving the same bot from the same
PostgreSQL database, continue a conversation: every message reads its conversation's row by primary key,
and states are written behind, batched, so no reply waits for a commit. `duban ask --conversation`
keeps one conversation in memory only.

Both run on the driver's own connection (from the engine's pool) with SQL compiled once: the read is on
every message, and SQLAlchemy's statement building and result processing cost 20 times the read itself;
the writer thread holds the interpreter while it prepares a batch, and a reply waits for it meanwhile.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.dialogue.context import Context

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
DEFAULT_EXPIRY_MINUTES = 30.0
# Memory holds at most this many conversations; the least recently used are dropped first (the database keeps them).
MEMORY_LIMIT = 10_000
# How long a state may wait in memory before the background writer stores it (and with it any later one).
FLUSH_SECONDS = 0.2
# Timestamps round-trip through the database at microsecond precision; closer than this is the same state.
SAME_INSTANT = 0.0005
# Each reply moves a conversation's clock on by at least this much, so a later state is always fresher.
TICK = 0.001


class ContextStore(Protocol):
    """Reads and writes one conversation's context by key."""

    def load(self, key: str, now: float) -> Context: ...

    def save(self, key: str, context: Context) -> None: ...

    def flush(self) -> int:
        """Store what is still only in memory (a database store's queue); returns how many states."""
        ...


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

    def flush(self) -> int:
        return 0  # nothing beyond memory

    def peek(self, key: str) -> Context | None:
        """The remembered state, expired or not (the database store compares it with the stored one)."""
        return self._items.get(key)

    def save(self, key: str, context: Context) -> None:
        self._items[key] = context
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)


class DatabaseStore:
    """Memory in front of the `conversation_states` table, written behind.

    Memory is authoritative for what this process answered last: `save` only queues the state, and a
    background thread writes the queued states every `flush_seconds` in one transaction (several replies in
    one conversation within that time are one write). `load` reads the row by primary key and
    takes the database's state only when it is fresher than memory's (another instance, or a restart, has
    moved the conversation on since), so a restart or a second instance on the same database continues the
    conversation. A conversation's `updated` only ever increases (Conversation.reply), so "fresher" is a
    plain comparison, in `load` and in the upsert (a late batch never puts an older turn back). One batch
    is written at a time, so `flush` (at exit, on close, before a reload) returns only once every state
    queued before it is stored. If the database cannot be reached, the conversation goes on from memory
    and the failure is logged; unwritten states are tried again with the next batch.
    """

    def __init__(self, sessions: sessionmaker[Session], expiry_minutes: float = DEFAULT_EXPIRY_MINUTES,
                 flush_seconds: float = FLUSH_SECONDS) -> None:
        self.sessions = sessions
        self.engine: Engine = sessions.kw["bind"]
        self.memory = MemoryStore(expiry_minutes)
        self.expiry = expiry_minutes * 60
        self.flush_seconds = flush_seconds
        self._pending: dict[str, dict[str, Any]] = {}  # key → the row to write
        self._lock = threading.Lock()
        # One batch is written at a time: a flush at exit waits for the writer's batch in flight, which
        # would otherwise die with the process (the writer is a daemon thread) after flush returned.
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None
        self._select, self._positional = _compiled_select(self.engine)
        # The read goes to the driver: its errors are the driver's (a checkout that fails is SQLAlchemy's).
        from sqlalchemy.exc import SQLAlchemyError

        self._unreadable: tuple[type[Exception], ...] = (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error)
        self._upsert = _upsert(self.engine.dialect.name)
        atexit.register(self.flush)

    def load(self, key: str, now: float) -> Context:
        remembered = self.memory.peek(key)
        try:
            stored = self._read(key)
        except self._unreadable:
            log.exception("conversation %s: database unreadable, continuing from memory", key)
            stored = None
        if stored is not None and (remembered is None
                                   or _timestamp(stored[0]) > remembered.updated + SAME_INSTANT):
            remembered = Context.from_json(stored[1])
            remembered.updated = _timestamp(stored[0])
            self.memory.save(key, remembered)
        if remembered is None or now - remembered.updated > self.expiry:
            return Context()
        return remembered

    def _read(self, key: str) -> tuple[datetime | str, str] | None:
        """The stored (updated_at, state) of `key`, or None; updated_at as the driver gives it."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._select, (key,) if self._positional else {"key": key})
            found = cursor.fetchall()  # to the end: SQLite then holds no read lock on the file
            cursor.close()
        finally:
            connection.close()  # back to the pool, which ends the read's transaction
        return (found[0][0], found[0][1]) if found else None

    def save(self, key: str, context: Context) -> None:
        self.memory.save(key, context)
        # The row is made here, a few µs per reply, rather than by the writer for a whole batch at once,
        # which would hold the interpreter for milliseconds while replies wait.
        row = {"key": key, "state": context.to_json(), "updated_at": datetime.fromtimestamp(context.updated, UTC)}
        with self._lock:
            self._pending[key] = row
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_behind, name="conversation-writer",
                                                daemon=True)
                self._writer.start()

    def flush(self) -> int:
        """Write every queued state now (also at exit and before a reload); returns how many."""
        from sqlalchemy.exc import SQLAlchemyError

        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, {}
            if not batch:
                return 0
            try:
                with self.engine.begin() as connection:
                    connection.execute(self._upsert, list(batch.values()))
            except SQLAlchemyError:
                log.exception("conversations %s: context not stored in the database", ", ".join(sorted(batch)))
                with self._lock:  # keep them for the next batch, unless a newer state was queued meanwhile
                    self._pending = {**batch, **self._pending}
                return 0
            return len(batch)

    def close(self) -> None:
        """Write the queue and stop waiting for the exit hook (the database is about to be closed)."""
        self.flush()
        atexit.unregister(self.flush)

    def _write_behind(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            self.flush()
            with self._lock:
                if not self._pending:
                    self._writer = None
                    return

    def forget_expired(self, now: float | None = None) -> int:
        """Delete database rows past expiry; returns how many."""
        from sqlalchemy import delete

        from knowledge.models import ConversationState

        cutoff = datetime.fromtimestamp((now or time.time()) - self.expiry, UTC)
        with self.sessions.begin() as session:
            result = session.execute(delete(ConversationState).where(ConversationState.updated_at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)


def _upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE for a batch of states (SQLite and PostgreSQL say it alike),
    one statement for the batch: the writer thread holds the interpreter as briefly as it can. A stored
    state is replaced only by a fresher one: an instance writing its queue late (another instance has
    moved the conversation on meanwhile) never puts an older turn back."""
    from sqlalchemy.dialects import postgresql, sqlite

    from knowledge.models import ConversationState

    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ConversationState)
    return statement.on_conflict_do_update(index_elements=[ConversationState.key],
                                           set_={"state": statement.excluded.state,
                                                 "updated_at": statement.excluded.updated_at},
                                           where=ConversationState.updated_at < statement.excluded.updated_at)


def _compiled_select(engine: Engine) -> tuple[str, bool]:
    """The SQL reading one conversation's row, in the driver's parameter style, and whether it is positional."""
    from sqlalchemy import bindparam, select

    from knowledge.models import ConversationState

    statement = select(ConversationState.updated_at, ConversationState.state).where(
        ConversationState.key == bindparam("key"))
    compiled = statement.compile(dialect=engine.dialect)
    return str(compiled), bool(compiled.positional)


def _timestamp(value: datetime | str) -> float:
    # SQLite's driver hands back the text SQLAlchemy wrote ("2026-12-04 21:33:17.270908"), PostgreSQL's an
    # aware datetime; naive ones were written in UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def conversation_key(chat_id: int | str, user_id: int | str | None = None, private: bool = True) -> str:
    """A private chat is one conversation; in a group, each user's messages to the bot are their own."""
    return f"chat:{chat_id}" if private or user_id is None else f"chat:{chat_id}:user:{user_id}"
