"""Bindings, reports and the audit log in the database. Functions take a Session and never commit:
the caller owns the transaction (one per report, so a crash mid-report stores all of it or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import chats
from knowledge.chats import ChatType
from knowledge.progress.models import ProgressEvent, ProgressReport, PublishedPeriod, UnitBinding

BindingStatus = Literal["pending", "approved", "refused", "revoked"]
MAX_TEXT = 500  # characters of a report's text: a bulletin cell, not an essay


@dataclass(frozen=True, slots=True)
class BindingInfo:
    """A chat's binding to a unit, detached from the session."""

    id: int
    chat_id: int
    chat_type: ChatType
    chat_title: str
    unit: str
    status: str
    requested_by: int | None
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReportInput:
    """A checked report as a unit (or the office) gave it."""

    row_id: str
    unit: str
    period: str
    status: str
    percent: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """The current version of a report."""

    id: int
    document: str
    row_id: str
    unit: str
    period: str
    status: str
    percent: int | None
    text: str
    version: int
    reported_by: str
    chat_id: int | None
    message_id: int | None
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class EventInfo:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    document: str
    unit: str
    row_id: str
    period: str
    status: str
    percent: int | None
    text: str
    version: int
    chat_id: int | None


def _binding(b: UnitBinding) -> BindingInfo:
    return BindingInfo(b.id, b.chat_id, chats.chat_type(b.chat_type), b.chat_title, b.unit, b.status, b.requested_by,
                       b.requested_at, b.decided_by, b.decided_at)


def _report(r: ProgressReport) -> ReportInfo:
    return ReportInfo(r.id, r.document, r.row_id, r.unit, r.period, r.status, r.percent, r.text, r.version,
                      r.reported_by, r.chat_id, r.message_id, r.reported_at)


def _event(e: ProgressEvent) -> EventInfo:
    return EventInfo(e.id, e.at, e.actor, e.action, e.document, e.unit, e.row_id, e.period, e.status, e.percent,
                     e.text, e.version, e.chat_id)


def _log(session: Session, *, at: datetime, actor: str, action: str, **fields: object) -> None:
    session.add(ProgressEvent(at=at, actor=actor[:100], action=action, **fields))


# --- bindings -------------------------------------------------------------------------------------


def request_binding(session: Session, chat_id: int, chat_type: ChatType, chat_title: str, unit: str,
                    user_id: int | None, now: datetime) -> tuple[BindingInfo, bool]:
    """Ask for `chat_id` to speak for `unit`: (the binding, whether a new request is waiting for an admin)."""
    found = session.scalars(select(UnitBinding).where(UnitBinding.chat_id == chat_id, UnitBinding.unit == unit)
                            .with_for_update()).first()
    if found is not None and found.status in ("approved", "pending"):
        return _binding(found), False
    if found is None:
        found = UnitBinding(chat_id=chat_id, chat_type=chat_type, unit=unit)
        session.add(found)
    found.chat_title, found.status = chat_title[:200], "pending"
    found.requested_by, found.requested_at, found.decided_by, found.decided_at = user_id, now, "", None
    session.flush()
    _log(session, at=now, actor=f"telegram:{user_id}" if user_id else "telegram", action="bind_request",
         unit=unit, chat_id=chat_id)
    return _binding(found), True


def decide_binding(session: Session, binding_id: int, approve: bool, actor: str,
                   now: datetime) -> BindingInfo | None:
    """Approve or refuse a pending request; None when it is not pending (decided already, or unknown)."""
    found = session.get(UnitBinding, binding_id, with_for_update=True)
    if found is None or found.status != "pending":
        return None
    found.status = "approved" if approve else "refused"
    found.decided_by, found.decided_at = actor[:100], now
    _log(session, at=now, actor=actor, action="bind_approve" if approve else "bind_refuse", unit=found.unit,
         chat_id=found.chat_id)
    return _binding(found)


def add_binding(session: Session, chat_id: int, unit: str, actor: str, now: datetime,
                chat_type: ChatType = "private", chat_title: str = "") -> BindingInfo:
    """Bind a chat to a unit directly (an administrator's command), approved at once."""
    found = session.scalars(select(UnitBinding).where(UnitBinding.chat_id == chat_id,
                                                      UnitBinding.unit == unit)).first()
    if found is None:
        found = UnitBinding(chat_id=chat_id, chat_type=chat_type, chat_title=chat_title, unit=unit,
                            requested_by=None, requested_at=now)
        session.add(found)
    found.status, found.decided_by, found.decided_at = "approved", actor[:100], now
    session.flush()
    _log(session, at=now, actor=actor, action="bind_approve", unit=unit, chat_id=chat_id)
    return _binding(found)


def revoke_binding(session: Session, binding_id: int, actor: str, now: datetime) -> BindingInfo | None:
    """Revoke an approved or pending binding; None when there is none to revoke."""
    found = session.get(UnitBinding, binding_id, with_for_update=True)
    if found is None or found.status not in ("approved", "pending"):
        return None
    found.status, found.decided_by, found.decided_at = "revoked", actor[:100], now
    _log(session, at=now, actor=actor, action="bind_revoke", unit=found.unit, chat_id=found.chat_id)
    return _binding(found)


def list_bindings(session: Session, *, status: str | None = None, chat_id: int | None = None,
                  unit: str | None = None) -> list[BindingInfo]:
    query = select(UnitBinding).order_by(UnitBinding.unit, UnitBinding.chat_id)
    if status is not None:
        query = query.where(UnitBinding.status == status)
    if chat_id is not None:
        query = query.where(UnitBinding.chat_id == chat_id)
    if unit is not None:
        query = query.where(UnitBinding.unit == unit)
    return [_binding(b) for b in session.scalars(query)]


def bound_units(session: Session, chat_id: int) -> list[str]:
    """The units an approved binding lets this chat speak for."""
    return list(session.scalars(select(UnitBinding.unit).where(
        UnitBinding.chat_id == chat_id, UnitBinding.status == "approved").order_by(UnitBinding.unit)))


def approved_chats(session: Session) -> dict[int, tuple[ChatType, list[str]]]:
    """chat id → (chat type, units it speaks for), for reminders."""
    found: dict[int, tuple[ChatType, list[str]]] = {}
    for chat_id, stored_type, unit in session.execute(select(UnitBinding.chat_id, UnitBinding.chat_type,
                                                           UnitBinding.unit).where(UnitBinding.status == "approved")):
        found.setdefault(chat_id, (chats.chat_type(stored_type), []))[1].append(unit)
    return found


# --- reports ----------------------------------------------------------------------------------------


def record_report(session: Session, document: str, report: ReportInput, *, actor: str, chat_id: int | None,
                  now: datetime, action: str = "report") -> ReportInfo:
    """Store a report as the current one of its (row, unit, period) and keep the version in the log."""
    found = session.scalars(select(ProgressReport).where(
        ProgressReport.document == document, ProgressReport.row_id == report.row_id,
        ProgressReport.unit == report.unit, ProgressReport.period == report.period).with_for_update()).first()
    if found is None:
        found = ProgressReport(document=document, row_id=report.row_id, unit=report.unit, period=report.period,
                               version=0)
        session.add(found)
    elif action == "report":
        action = "edit"
    found.status, found.percent, found.text = report.status, report.percent, report.text[:MAX_TEXT]
    found.version += 1
    found.reported_by, found.reported_at = actor[:100], now
    if chat_id is not None:
        found.chat_id = chat_id
    session.flush()
    _log(session, at=now, actor=actor, action=action, document=document, unit=report.unit, row_id=report.row_id,
         period=report.period, status=report.status, percent=report.percent, text=found.text,
         version=found.version, chat_id=chat_id)
    return _report(found)


def attach_message(session: Session, report_id: int, chat_id: int, message_id: int) -> None:
    """Remember the bot's confirmation message, so that a reply to it edits the report."""
    found = session.get(ProgressReport, report_id)
    if found is not None:
        found.chat_id, found.message_id = chat_id, message_id


def report_by_message(session: Session, chat_id: int, message_id: int) -> ReportInfo | None:
    found = session.scalars(select(ProgressReport).where(ProgressReport.chat_id == chat_id,
                                                         ProgressReport.message_id == message_id)).first()
    return _report(found) if found is not None else None


def current_report(session: Session, document: str, row_id: str, unit: str, period: str) -> ReportInfo | None:
    found = session.scalars(select(ProgressReport).where(
        ProgressReport.document == document, ProgressReport.row_id == row_id, ProgressReport.unit == unit,
        ProgressReport.period == period)).first()
    return _report(found) if found is not None else None


def latest_report(session: Session, document: str, row_id: str, unit: str, up_to: str) -> ReportInfo | None:
    """The unit's most recent report on the row in any period up to `up_to` (for the one-tap 无变化)."""
    periods = select(ProgressReport).where(ProgressReport.document == document, ProgressReport.row_id == row_id,
                                           ProgressReport.unit == unit, ProgressReport.period <= up_to)
    found = session.scalars(periods.order_by(ProgressReport.period.desc(), ProgressReport.reported_at.desc())
                            ).first()
    return _report(found) if found is not None else None


ReportRow = tuple[str, str, str, int | None, str, datetime]
# The separator inside period_index's aggregated strings: a control character no row ID or status holds.
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class PeriodIndex:
    """Who has reported what in a period, up to an instant: unit → row id → report id (as text).

    Read by one aggregate query from one index (ix_progress_reports_unit): a row per unit, its row ids and
    report ids each joined into one string by the database — 200 rows to read at 200 units × 176 rows
    instead of 35,000. /overview needs only who reported (the missing lists) and the ids of the few
    reports whose details it shows.
    """

    rows: dict[str, dict[str, str]]

    def has(self, row_id: str, unit: str) -> bool:
        return row_id in self.rows.get(unit, ())

    def id(self, row_id: str, unit: str) -> int | None:
        found = self.rows.get(unit, {}).get(row_id)
        return int(found) if found is not None else None


def period_index(session: Session, document: str, period: str, up_to: datetime, *,
                 status: str | None = None) -> PeriodIndex:
    """The period's reports made up to `up_to` (only those of `status` if given), grouped by unit."""
    from sqlalchemy import String, cast, func

    r = ProgressReport
    # Two aggregates of one GROUP BY see each group's rows in the same order (one pass feeds both),
    # so the two strings split into aligned lists.
    query = (select(r.unit, func.aggregate_strings(r.row_id, _SEP), func.aggregate_strings(cast(r.id, String), _SEP))
             .where(r.document == document, r.period == period, r.reported_at <= up_to).group_by(r.unit))
    if status is not None:
        query = query.where(r.status == status)
    # The session's connection, not session.execute: column tuples need no ORM loading.
    return PeriodIndex({unit: dict(zip(row_ids.split(_SEP), id_list.split(_SEP), strict=True))
                        for unit, row_ids, id_list in session.connection().execute(query)})


def reports_by_id(session: Session, ids: Iterable[int]) -> list[ReportRow]:
    """(row id, unit, status, percent, text, reported at) of the given reports (primary-key lookups)."""
    r = ProgressReport
    wanted = sorted(set(ids))
    rows: list[ReportRow] = []
    for start in range(0, len(wanted), 500):  # bounded IN lists
        query = select(r.row_id, r.unit, r.status, r.percent, r.text, r.reported_at).where(
            r.id.in_(wanted[start:start + 500]))
        rows += [(row_id, unit, status, percent, text, at) for row_id, unit, status, percent, text, at
                 in session.connection().execute(query)]
    return rows


def events(session: Session, *, document: str | None = None, period: str | None = None, unit: str | None = None,
           row_id: str | None = None, limit: int = 200) -> list[EventInfo]:
    """The audit log, newest last; filters combine."""
    query = select(ProgressEvent)
    if document is not None:
        query = query.where(ProgressEvent.document.in_([document, ""]))
    if period is not None:
        query = query.where(ProgressEvent.period == period)
    if unit is not None:
        query = query.where(ProgressEvent.unit == unit)
    if row_id is not None:
        query = query.where(ProgressEvent.row_id == row_id)
    newest = session.scalars(query.order_by(ProgressEvent.id.desc()).limit(limit)).all()
    return [_event(e) for e in reversed(newest)]


# --- publishing ---------------------------------------------------------------------------------------


def publish(session: Session, document: str, period: str, actor: str, now: datetime) -> bool:
    """Let every unit read the period's report texts; False when it was published already."""
    if session.get(PublishedPeriod, (document, period)) is not None:
        return False
    session.add(PublishedPeriod(document=document, period=period, published_by=actor[:100], published_at=now))
    _log(session, at=now, actor=actor, action="publish", document=document, period=period)
    return True


def is_published(session: Session, document: str, period: str) -> bool:
    return session.get(PublishedPeriod, (document, period)) is not None
