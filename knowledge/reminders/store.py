"""Deadlines in the database and the planning glue: policy from settings, effective deadlines, due digests.

Functions take a Session and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.catalog import Catalog
from knowledge.models import RowDeadline, SentReminder
from knowledge.reminders.deadlines import (
    Deadline,
    DeadlineError,
    DeadlineSource,
    document_default_due,
    effective_deadlines,
    normalize_row_id,
    parse_deadline,
    row_sort_key,
)
from knowledge.reminders.plan import ChatDigest, ChatRows, ReminderPolicy, due_at
from knowledge.reminders.subscriptions import active_chats


class PolicyConfig(Protocol):
    """The [reminders] settings the policy is built from (bot.config.ReminderSettings has these)."""

    @property
    def days_before(self) -> tuple[int, ...]: ...
    @property
    def overdue_days(self) -> tuple[int, ...]: ...
    @property
    def send_time(self) -> time: ...
    @property
    def timezone(self) -> str: ...
    @property
    def quiet_start(self) -> time | None: ...
    @property
    def quiet_end(self) -> time | None: ...
    @property
    def shift_to_workday(self) -> bool: ...
    @property
    def grace_hours(self) -> float: ...
    @property
    def check_minutes(self) -> int: ...


def policy_from(config: PolicyConfig) -> ReminderPolicy:
    """The planner's policy for a configuration; raises ValueError naming the bad value."""
    quiet = (config.quiet_start, config.quiet_end) if config.quiet_start and config.quiet_end else None
    return ReminderPolicy(
        offsets=tuple(sorted(set(config.days_before), reverse=True)),
        overdue_offsets=tuple(sorted({-abs(d) for d in config.overdue_days if d}, reverse=True)),
        send_time=config.send_time, timezone=config.timezone, quiet_hours=quiet,
        shift_to_workday=config.shift_to_workday, grace=timedelta(hours=config.grace_hours),
        # A run every check_minutes finds an on-time reminder up to that much after its instant;
        # only later than that (the bot was down) counts as late.
        late_after=timedelta(minutes=config.check_minutes + 1),
    )


# --- Deadlines stored per row -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredDeadline:
    """A deadline row of the database with who set it and when."""

    deadline: Deadline
    set_by: str
    set_at: datetime


def row_in(catalog: Catalog, raw: str) -> str:
    """A row id as typed ("k5-12", "Ｋ５－１２") checked against the document; DeadlineError otherwise."""
    row_id = normalize_row_id(raw)
    if row_id not in catalog.by_id:
        raise DeadlineError(f"文件 {catalog.key} 中没有 {row_id} 这一项")
    return row_id


def admin_deadline(catalog: Catalog, row: str, due: str, milestone: str = "") -> Deadline:
    """What an admin typed (/deadline K5-12 6月底前 完成过半, `duban deadlines set …`) as a Deadline."""
    return Deadline(row_in(catalog, row), due_from_text(due, catalog.year), milestone.strip(), "admin")


def set_deadline(session: Session, document: str, deadline: Deadline, *, set_by: str, now: datetime) -> bool:
    """Store an admin deadline; one with the same milestone label is replaced. True when it replaced one."""
    removed = session.execute(delete(RowDeadline).where(
        RowDeadline.document == document, RowDeadline.row_id == deadline.row_id,
        RowDeadline.source == "admin", RowDeadline.milestone == deadline.milestone))
    session.add(RowDeadline(document=document, row_id=deadline.row_id, due=deadline.due,
                            milestone=deadline.milestone, source="admin", set_by=set_by[:200], set_at=now))
    session.flush()
    return bool(getattr(removed, "rowcount", 0))


def due_from_text(text: str, year: int) -> date:
    """A deadline typed by an admin: 2023-06-30, or a phrase (6月底前, 三季度末) read in the document year."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    parsed = parse_deadline(text, year)
    if parsed.due is None:
        raise DeadlineError(f"“{text}”没有具体日期（{parsed.reason}）", phrase=text)
    return parsed.due


def clear_deadlines(session: Session, document: str, row_id: str, source: DeadlineSource = "admin") -> int:
    """Drop a row's deadlines of one source (so the next source in precedence applies again)."""
    result = session.execute(delete(RowDeadline).where(
        RowDeadline.document == document, RowDeadline.row_id == row_id, RowDeadline.source == source))
    return int(getattr(result, "rowcount", 0) or 0)


def import_schedule(session: Session, document: str, deadlines: Iterable[Deadline], *, set_by: str,
                    now: datetime) -> int:
    """Replace the document's whole schedule with `deadlines` (a schedule file is the full plan)."""
    session.execute(delete(RowDeadline).where(RowDeadline.document == document,
                                              RowDeadline.source == "schedule"))
    unique = {(d.row_id, d.due, d.milestone) for d in deadlines}
    session.add_all(RowDeadline(document=document, row_id=row_id, due=due, milestone=milestone,
                                source="schedule", set_by=set_by[:200], set_at=now)
                    for row_id, due, milestone in sorted(unique))
    session.flush()
    return len(unique)


def stored_deadlines(session: Session, document: str, row_id: str | None = None) -> list[StoredDeadline]:
    """The admin and schedule deadlines stored for a document (or one row), by row then date."""
    query = select(RowDeadline).where(RowDeadline.document == document)
    if row_id is not None:
        query = query.where(RowDeadline.row_id == row_id)
    found = [StoredDeadline(Deadline(r.row_id, r.due, r.milestone, "admin" if r.source == "admin" else "schedule"),
                            r.set_by, r.set_at) for r in session.scalars(query)]
    return sorted(found, key=lambda s: (row_sort_key(s.deadline.row_id), s.deadline.due, s.deadline.source))


def default_due(year: int, configured: object = None) -> date | None:
    """The document default: `[reminders] default_deadline` (a date, a phrase such as 年底前, or an
    open-ended phrase meaning none), else the last day of the document's year."""
    if configured in (None, ""):
        return document_default_due(year)
    if isinstance(configured, datetime):
        return configured.date()
    if isinstance(configured, date):
        return configured
    try:
        return parse_deadline(str(configured), year).due
    except DeadlineError as error:
        raise DeadlineError(f"[reminders] default_deadline: {error}") from None


def effective(session: Session, catalog: Catalog, configured_default: object = None) -> dict[str, list[Deadline]]:
    """Every row's deadlines after precedence: admin, else schedule, else its own 完成时限's date, else the default."""
    stored = [s.deadline for s in stored_deadlines(session, catalog.key)]
    return effective_deadlines([d for d in stored if d.source == "admin"],
                               [d for d in stored if d.source == "schedule"],
                               default_due(catalog.year, configured_default), catalog.by_id,
                               {row.id: row.due for row in catalog.rows if row.due is not None})


# --- Planning -----------------------------------------------------------------------------------


def plan(session: Session, catalog: Catalog, policy: ReminderPolicy, instant: datetime, *,
         configured_default: object = None, window: timedelta | None = None,
         chats: dict[int, ChatRows] | None = None, answering: bool = True) -> list[ChatDigest]:
    """The digests due at `instant` for every active subscription to the catalog's document (`answering`: the
    document chats that chose none ask, whose subscriptions older than their document's are too; nothing is
    recorded)."""
    chats = active_chats(session, catalog, answering=answering) if chats is None else chats
    return due_at(instant, chats, effective(session, catalog, configured_default), policy, window)


def drop_recorded(session: Session, document: str, digests: Sequence[ChatDigest]) -> list[ChatDigest]:
    """Remove rows already claimed, sent, failed or in doubt on their reminder day, and emptied digests.

    A cheap pre-filter, so the run every few minutes does not re-claim the whole day; the claim's unique
    key (which has no day) still stops a reminder whose day moved, e.g. after a policy change.
    """
    days = sorted({d.day for d in digests})
    if not days:
        return []
    recorded = set(session.execute(
        select(SentReminder.chat_id, SentReminder.row_id, SentReminder.due, SentReminder.days_before)
        .where(SentReminder.document == document, SentReminder.day.in_(days))))
    result = []
    for digest in digests:
        rows = [r for r in digest.rows if (digest.chat_id, r.id, r.deadline, r.days_before) not in recorded]
        if rows:
            result.append(digest if len(rows) == len(digest.rows) else replace(digest, rows=rows))
    return result


def merged_by_chat(digests: Sequence[ChatDigest]) -> list[ChatDigest]:
    """One digest per chat: a window spanning two reminder days still shows each row once."""
    by_chat: dict[int, ChatDigest] = {}
    for digest in digests:
        current = by_chat.get(digest.chat_id)
        if current is None:
            by_chat[digest.chat_id] = digest
            continue
        seen = {r.id for r in current.rows}
        rows = current.rows + [r for r in digest.rows if r.id not in seen]
        rows.sort(key=lambda r: (r.deadline, row_sort_key(r.id)))
        by_chat[digest.chat_id] = replace(current, rows=rows)
    return [by_chat[chat_id] for chat_id in sorted(by_chat)]


def due_json(instant: datetime, digests: Sequence[ChatDigest]) -> dict[str, Any]:
    """CONTRACT §7's object for a dry run."""
    return {
        "at": instant.isoformat(),
        "chats": [{"chat_id": d.chat_id, "chat_type": d.chat_type,
                   "rows": [{"id": r.id, "deadline": r.deadline.isoformat(), "days_before": r.days_before,
                             "milestone": r.milestone} for r in d.rows]}
                  for d in merged_by_chat(digests)],
    }
