"""Reminders as stored data: deadlines, the planner, subscriptions, the sent-reminder log."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def time_zone(name: str) -> ZoneInfo:
    """The zone called `name`, or ValueError naming it: the one check of `[reminders] timezone`, made by the
    settings at start-up and by every ReminderPolicy (this package stays light: the settings import it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"[reminders] timezone {name!r} is not a time zone "
                         f"(expected a name such as Asia/Shanghai)") from None
