"""The running document's Reporting rules and the office's clock (kept out of bot/progress/__init__.py so
that `duban ask` does not import SQLAlchemy through the CLI's messages)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.runtime import Runtime
from knowledge.progress.status import Reporting

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
