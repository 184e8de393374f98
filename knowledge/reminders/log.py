"""The sent-reminder log: claim a reminder before sending it, mark it after. Functions never commit.

Life of a reminder key (chat, document, row, deadline, step):

    claimed ──send ok──► sent
       │  ├──403/400───► failed      (definitely not delivered; the chat is paused)
       │  ├──429───────► waiting ──► claimed (retried after Retry-After; definitely not delivered meanwhile)
       │  └──timeout───► unknown     (Telegram may or may not have it: never resent automatically)
       └──process died─► unknown     (resolve_stale, once the claim is older than the claim timeout)

The claim is an INSERT under the unique key, committed before the message goes out: of two instances
(or a restarted one) only one INSERT succeeds, so only one sends. What cannot be known is whether a
message whose request was in flight when the process died reached Telegram (the Bot API cannot list
sent messages); such keys become `unknown` and are reported, trading a possible loss of that one digest
for never sending twice. `requeue_unknown` lets an operator choose the other side of that trade.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Literal, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.models import SentReminder
from knowledge.reminders.plan import DueRow

Status = Literal["claimed", "waiting", "sent", "failed", "unknown"]
_KEY_COLUMNS = ("chat_id", "document", "row_id", "due", "days_before")
_TABLE = cast(Table, SentReminder.__table__)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the log, detached from the session."""

    chat_id: int
    document: str
    row_id: str
    due: date
    days_before: int
    day: date
    status: str
    digest: str
    claimed_by: str
    claimed_at: datetime
    sent_at: datetime | None
    message_id: int | None
    late: bool
    attempts: int
    error: str


def by_digest(entries: Sequence[LogEntry]) -> dict[tuple[int, str, str], list[str]]:
    """Log rows grouped per message, as operators read them: (chat, digest key, claimant) → row@deadline±step."""
    grouped: dict[tuple[int, str, str], list[str]] = {}
    for e in entries:
        grouped.setdefault((e.chat_id, e.digest, e.claimed_by), []).append(f"{e.row_id}@{e.due}{e.days_before:+d}")
    return grouped


def _entry(r: SentReminder) -> LogEntry:
    return LogEntry(r.chat_id, r.document, r.row_id, r.due, r.days_before, r.day, r.status, r.digest,
                    r.claimed_by, r.claimed_at, r.sent_at, r.message_id, r.late, r.attempts, r.error)


def digest_key(document: str, chat_id: int, day: date, rows: Sequence[DueRow]) -> str:
    """The idempotence key of one digest message: the same chat, day and rows give the same key."""
    text = "|".join([document, str(chat_id), day.isoformat(),
                     *sorted(f"{r.id}:{r.deadline.isoformat()}:{r.days_before}" for r in rows)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def claim(session: Session, document: str, chat_id: int, day: date, rows: Sequence[DueRow], *,
          digest: str, instance: str, now: datetime) -> list[DueRow]:
    """Insert a claim for each row; return the rows this caller got (others hold or sent the rest).

    Commit right after, before sending: the committed claim is what the other instances see.
    """
    if not rows:
        return []
    values = [{"chat_id": chat_id, "document": document, "row_id": r.id, "due": r.deadline,
               "days_before": r.days_before, "day": day, "status": "claimed", "digest": digest,
               "claimed_by": instance, "claimed_at": now, "sent_at": None, "message_id": None,
               "late": r.late, "attempts": 1, "error": ""} for r in rows]
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        won = _insert_ignoring_conflicts(session, dialect, values)
    else:
        won = _insert_one_by_one(session, values)
    return [r for r in rows if (r.id, r.deadline, r.days_before) in won]


def _insert_ignoring_conflicts(session: Session, dialect: str, values: list[dict[str, Any]]
                               ) -> set[tuple[str, date, int]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: one statement, and it tells which rows were ours."""
    statement: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement = pg_insert(_TABLE)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(_TABLE)
    statement = (statement.values(values).on_conflict_do_nothing(index_elements=list(_KEY_COLUMNS))
                 .returning(_TABLE.c.row_id, _TABLE.c.due, _TABLE.c.days_before))
    return {(row_id, due, days_before) for row_id, due, days_before in session.execute(statement)}


def _insert_one_by_one(session: Session, values: list[dict[str, Any]]) -> set[tuple[str, date, int]]:
    """Portable fallback: each INSERT in a savepoint; IntegrityError means another claim exists."""
    won: set[tuple[str, date, int]] = set()
    for value in values:
        try:
            with session.begin_nested():
                session.execute(insert(SentReminder).values(**value))
        except IntegrityError:
            continue
        won.add((value["row_id"], value["due"], value["days_before"]))
    return won


def _mine(document: str, chat_id: int, rows: Sequence[DueRow], digest: str, instance: str) -> list[Any]:
    """WHERE clauses selecting this instance's log rows of one digest."""
    return [SentReminder.document == document, SentReminder.chat_id == chat_id, SentReminder.digest == digest,
            SentReminder.claimed_by == instance, SentReminder.row_id.in_([r.id for r in rows])]


def _set(session: Session, where: list[Any], **values: Any) -> int:
    result = session.execute(update(SentReminder).where(*where).values(**values))
    return int(getattr(result, "rowcount", 0) or 0)


def mark_sent(session: Session, document: str, chat_id: int, rows: Sequence[DueRow], *, digest: str,
              instance: str, message_id: int | None, now: datetime) -> int:
    """Record that the message carrying `rows` was accepted by Telegram."""
    return _set(session, _mine(document, chat_id, rows, digest, instance),
                status="sent", sent_at=now, message_id=message_id, error="")


def mark_failed(session: Session, document: str, chat_id: int, rows: Sequence[DueRow], *, digest: str,
                instance: str, error: str, status: Status = "failed") -> int:
    """Record a definite refusal (`failed`) or an ambiguous outcome (`unknown`); neither is retried."""
    return _set(session, _mine(document, chat_id, rows, digest, instance), status=status, error=error[:300])


def mark_waiting(session: Session, document: str, chat_id: int, rows: Sequence[DueRow], *, digest: str,
                 instance: str, error: str) -> int:
    """Telegram answered 429: not delivered, and the claim is kept while waiting to retry."""
    return _set(session, [*_mine(document, chat_id, rows, digest, instance), SentReminder.status == "claimed"],
                status="waiting", error=error[:300])


def reclaim(session: Session, document: str, chat_id: int, rows: Sequence[DueRow], *, digest: str,
            instance: str, now: datetime) -> bool:
    """Take a waiting claim back for a retry; False if it was resolved meanwhile (then do not send)."""
    changed = _set(session, [*_mine(document, chat_id, rows, digest, instance), SentReminder.status == "waiting"],
                   status="claimed", claimed_at=now, attempts=SentReminder.attempts + 1)
    return changed == len(rows)


def release(session: Session, document: str, chat_id: int, rows: Sequence[DueRow], *, digest: str,
            instance: str) -> int:
    """Drop this instance's unsent claims (definitely not delivered) so a later run sends them."""
    result = session.execute(delete(SentReminder).where(
        *_mine(document, chat_id, rows, digest, instance), SentReminder.status.in_(("claimed", "waiting"))))
    return int(getattr(result, "rowcount", 0) or 0)


def resolve_stale(session: Session, *, older_than: datetime, resend: bool = False) -> list[LogEntry]:
    """Settle claims whose process died: return the in-doubt ones (`claimed` when it died).

    `waiting` claims were definitely not delivered and are dropped so they are sent again. In-doubt
    claims become `unknown` (at most once: the default) or, with `resend`, are dropped (at least once).
    Statements write first, so concurrent instances serialize on the write instead of failing a snapshot.
    """
    session.execute(delete(SentReminder).where(SentReminder.status == "waiting",
                                               SentReminder.claimed_at < older_than))
    stale = [SentReminder.status == "claimed", SentReminder.claimed_at < older_than]
    statement: Any
    if resend:
        statement = delete(_TABLE).where(*stale).returning(*_TABLE.c)
    else:
        statement = (update(_TABLE).where(*stale)
                     .values(status="unknown", error="in doubt: the sending process stopped mid-send")
                     .returning(*_TABLE.c))
    rows = session.execute(statement).mappings().all()
    names = [f.name for f in fields(LogEntry)]
    return [LogEntry(**{name: r[name] for name in names}) for r in rows]


def requeue_unknown(session: Session, chat_id: int | None = None) -> int:
    """Operator's choice for in-doubt reminders: forget them so the next run (within grace) resends."""
    query = delete(SentReminder).where(SentReminder.status == "unknown")
    if chat_id is not None:
        query = query.where(SentReminder.chat_id == chat_id)
    return int(getattr(session.execute(query), "rowcount", 0) or 0)


def entries(session: Session, *, status: str | None = None, chat_id: int | None = None,
            limit: int | None = None) -> list[LogEntry]:
    """Log rows, newest claim first."""
    query = select(SentReminder).order_by(SentReminder.claimed_at.desc(), SentReminder.id.desc())
    if status is not None:
        query = query.where(SentReminder.status == status)
    if chat_id is not None:
        query = query.where(SentReminder.chat_id == chat_id)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(r) for r in session.scalars(query)]


def status_counts(session: Session) -> dict[str, int]:
    """How many log rows have each status."""
    query = select(SentReminder.status, func.count()).group_by(SentReminder.status)
    return {status: count for status, count in session.execute(query)}
