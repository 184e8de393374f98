"""Chasing: which bound chats get a "not yet reported" reminder, and when the office gets the list of units
that have not reported — planned with the reminders' planner (workdays, quiet hours, grace) and made
exactly-once by the reminders' sent log (knowledge/reminders/log.py) under the document key "<key>:progress"."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from knowledge.progress.periods import Period, period_of
from knowledge.progress.status import Reporting
from knowledge.progress.store import approved_chats, period_index
from knowledge.reminders.deadlines import Deadline
from knowledge.reminders.plan import ChatDigest, ChatRows, DueRow, ReminderPolicy, due_at, reminder_instant

OFFICE_ROW = "office"  # the pseudo row of the office's list in the sent log


def log_document(document: str) -> str:
    """The sent-log document key of progress chasing, apart from deadline reminders of the same rows."""
    return f"{document}:progress"


@dataclass(frozen=True, slots=True)
class UnitChase:
    """A bound chat's reminder: its units' rows still unreported for a period due soon."""

    digest: ChatDigest
    period: Period
    units: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OfficeChase:
    """The office's list of units that have not reported, due after a period's due date."""

    chat_id: int
    period: Period
    row: DueRow


def _periods(reporting: Reporting, instant: datetime) -> list[Period]:
    """Periods whose due date can be near `instant` (a "next month" rule falls after the period)."""
    current = period_of(instant.date(), reporting.kind)
    return [current.previous(), current]


def unit_chases(session: Session, reporting: Reporting, policy: ReminderPolicy, instant: datetime) -> list[UnitChase]:
    """Reminders due at `instant` to bound chats, listing only the rows their units have not reported."""
    offsets = reporting.settings.remind_days_before
    if not offsets:
        return []
    policy = replace(policy, offsets=offsets, overdue_offsets=(-1,))
    chats = approved_chats(session)
    if not chats:
        return []
    chases: list[UnitChase] = []
    for period in _periods(reporting, instant):
        due = reporting.due(period)
        reported = period_index(session, reporting.catalog.key, str(period), instant)
        owed: dict[int, ChatRows] = {}
        units_of: dict[int, tuple[str, ...]] = {}
        for chat_id, (chat_type, units) in chats.items():
            owed_rows: set[str] = set()
            for unit in units:
                for duty, lead in reporting.duties_of.get(unit, []):
                    # A row led by two units is reported once by either; a supporter reports its own.
                    if lead and any(reported.has(duty.row.id, u) for u in duty.leads):
                        continue
                    if not lead and reported.has(duty.row.id, unit):
                        continue
                    owed_rows.add(duty.row.id)
            if owed_rows:
                owed[chat_id] = ChatRows(chat_type, frozenset(owed_rows))
                units_of[chat_id] = tuple(units)
        deadlines = {row: [Deadline(row, due, str(period))] for rows in owed.values() for row in rows.row_ids}
        for digest in due_at(instant, owed, deadlines, policy):
            rows = [r for r in digest.rows if r.days_before >= 0]  # after the due date the office chases
            if rows:
                chases.append(UnitChase(replace(digest, rows=rows), period, units_of[digest.chat_id]))
    return chases


def office_chases(reporting: Reporting, policy: ReminderPolicy, instant: datetime,
                  office_chat: int | None) -> list[OfficeChase]:
    """The office's after-due lists due at `instant` (within the reminders' grace period)."""
    if office_chat is None:
        return []
    chases = []
    for period in _periods(reporting, instant):
        due = reporting.due(period)
        for after in reporting.settings.office_after_days:
            scheduled = reminder_instant(due, -after, policy)
            if scheduled <= instant < scheduled + policy.grace:
                late = instant - scheduled > policy.late_after
                chases.append(OfficeChase(office_chat, period,
                                          DueRow(OFFICE_ROW, due, -after, str(period), late, scheduled)))
    return chases
