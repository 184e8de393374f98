"""The running document's Reporting rules and the office's clock (kept out of bot/progress/__init__.py so
that `duban ask` does not import SQLAlchemy through the CLI's messages)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.answer import Answer
from bot.nlu.query import Query
from bot.progress.questions import answer_progress
from bot.runtime import Runtime
from knowledge.progress.status import Reporting, period_status

_KEY = "_progress_reporting"


def reporting_for(runtime: Runtime) -> Reporting:
    """The office's reporting rules for the answering document, rebuilt when a new import replaced it."""
    cached: Reporting | None = runtime.__dict__.get(_KEY)
    if cached is None or cached.catalog is not runtime.catalog:
        cached = runtime.__dict__[_KEY] = Reporting(runtime.catalog, runtime.settings.progress)
    return cached


def local(runtime: Runtime, instant: datetime | None = None) -> datetime:
    """`instant` (default now) in the reminders' time zone, where due dates and periods are counted."""
    zone = ZoneInfo(runtime.settings.reminders.timezone)
    return (instant or datetime.now(UTC)).astimezone(zone)


def answer_from_reports(runtime: Runtime, query: Query, *, now: datetime | None = None,
                        viewer_units: set[str] | None = None) -> Answer:
    """A progress Query answered from the reports of the period being reported at `now` (default: now).

    `viewer_units`: see answer_progress; `duban ask` and the console are the office's (None: every text),
    Telegram passes the asker's units unless they may read all (handlers/progress.py).
    """
    from knowledge.progress.store import is_published

    reporting = reporting_for(runtime)
    instant = local(runtime, now)
    period = reporting.period_at(instant.date())
    with runtime.knowledge.sessions() as session:
        status = period_status(session, reporting, period, instant,
                               configured_default=runtime.settings.default_deadline)
        if runtime.settings.progress.share_text or is_published(session, runtime.catalog.key, str(period)):
            viewer_units = None
    return answer_progress(query, status, viewer_units=viewer_units)
