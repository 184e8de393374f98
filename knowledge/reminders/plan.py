"""Reminder policy and planner: which chats get which deadline lines at a given instant (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as _cc_constants

from knowledge.chats import ChatType
from knowledge.reminders import time_zone
from knowledge.reminders.deadlines import Deadline, row_sort_key

# chinese_calendar only knows the State Council schedules it ships; derive the range instead of hardcoding it.
_CC_DATES = [*_cc_constants.holidays, *_cc_constants.workdays]
CALENDAR_YEARS = range(min(_CC_DATES).year, max(_CC_DATES).year + 1)
_ONE_DAY = timedelta(days=1)
_CHAT_ID = attrgetter("chat_id")


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """When reminders go out; frozen and hashable so per-policy work can be cached."""

    offsets: tuple[int, ...] = (30, 7, 1, 0)
    overdue_offsets: tuple[int, ...] = (-1,)
    send_time: time = time(9, 0)
    timezone: str = "Asia/Shanghai"
    quiet_hours: tuple[time, time] | None = None
    shift_to_workday: bool = True
    grace: timedelta = timedelta(hours=12)
    late_after: timedelta = timedelta(minutes=1)

    def __post_init__(self) -> None:
        if any(o < 0 for o in self.offsets):
            raise ValueError(f"reminder offsets must be >= 0 days before the deadline: {self.offsets}")
        if any(o >= 0 for o in self.overdue_offsets):
            raise ValueError(f"overdue offsets must be negative (-1 = the day after): {self.overdue_offsets}")
        if self.grace <= timedelta(0):
            raise ValueError("grace period must be positive")
        if self.quiet_hours is not None and self.quiet_hours[0] == self.quiet_hours[1]:
            raise ValueError("quiet hours need distinct start and end")
        if self.send_time.tzinfo is not None:
            raise ValueError("send_time is wall-clock time in `timezone`; give it without tzinfo")
        time_zone(self.timezone)  # fail at configuration time, not at 09:00

    @property
    def tzinfo(self) -> ZoneInfo:
        """The policy's zone (ZoneInfo caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)

    @property
    def steps(self) -> tuple[int, ...]:
        """All days_before values, most distant first."""
        return tuple(sorted(set(self.offsets) | set(self.overdue_offsets), reverse=True))


# ChatRows and ChatDigest are built once per chat at 100,000 subscriptions: plain slotted dataclasses
# construct several times faster than frozen ones (which go through object.__setattr__ per field).
# Treat them as read-only; ChatDigest.rows may be shared between chats with the same rows.
@dataclass(slots=True)
class ChatRows:
    """A chat's subscriptions already expanded to row ids by the caller."""

    chat_type: ChatType
    row_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class ReminderStep:
    """One planned reminder of a deadline after workday shifting and same-day dedupe."""

    days_before: int
    day: date
    at: datetime


@dataclass(frozen=True, slots=True)
class DueRow:
    """One line of a digest: a row's deadline and how far away it is."""

    id: str
    deadline: date
    days_before: int
    milestone: str
    late: bool = False
    scheduled: datetime | None = None


@dataclass(slots=True)
class ChatDigest:
    """Everything one chat should be told for one reminder day, each row once."""

    chat_id: int
    chat_type: ChatType
    rows: list[DueRow]
    day: date

    def keys(self) -> list[str]:
        """The reminder keys the delivery layer records once this digest is sent."""
        return [reminder_key(self.chat_id, r.id, r.deadline, r.days_before) for r in self.rows]


@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    """Official workday incl. 调休 weekends; outside CALENDAR_YEARS it falls back to Mon–Fri (no holidays)."""
    if day.year in CALENDAR_YEARS:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def _shift(day: date, step: timedelta) -> date:
    """Walk from `day` in `step` direction until a workday (the longest Chinese break is ~9 days)."""
    while not is_workday(day):
        day += step
    return day


@lru_cache(maxsize=65536)
def _reminder_day(deadline: date, days_before: int, shift: bool) -> date:
    """Cached core of reminder_day, keyed on primitives so hashing stays cheap."""
    day = deadline - timedelta(days=days_before)
    if not shift:
        return day
    # Warnings move earlier so they are never late; overdue notices move later so they stay after the due day.
    return _shift(day, -_ONE_DAY if days_before >= 0 else _ONE_DAY)


def reminder_day(deadline: date, days_before: int, policy: ReminderPolicy) -> date:
    """The calendar day the `days_before` step of `deadline` is sent (0 = due day, -1 = day after)."""
    return _reminder_day(deadline, days_before, policy.shift_to_workday)


@lru_cache(maxsize=64)
def _send_clock(send_time: time, quiet: tuple[time, time] | None) -> tuple[time, int]:
    """Send time after quiet hours, plus 1 if that rolls into the next morning."""
    if quiet is None:
        return send_time, 0
    start, end = quiet
    if start < end:
        return (end, 0) if start <= send_time < end else (send_time, 0)
    # The quiet period wraps midnight: late evening rolls over to the next morning's end.
    if send_time >= start:
        return end, 1
    if send_time < end:
        return end, 0
    return send_time, 0


def send_clock(policy: ReminderPolicy) -> tuple[time, int]:
    """Effective send time and day carry: 23:00 with quiet hours 22:00–07:00 goes at 07:00 the next day."""
    return _send_clock(policy.send_time, policy.quiet_hours)


def _instant_on(day: date, policy: ReminderPolicy) -> datetime:
    """The aware send instant for a reminder whose reminder day is `day`."""
    clock, carry = send_clock(policy)
    return datetime.combine(day + timedelta(days=carry), clock, tzinfo=policy.tzinfo)


def reminder_instant(deadline: date, days_before: int, policy: ReminderPolicy) -> datetime:
    """The aware instant the `days_before` step of `deadline` is scheduled for."""
    return _instant_on(reminder_day(deadline, days_before, policy), policy)


@lru_cache(maxsize=16384)
def _day_steps(deadline: date, steps: tuple[int, ...], shift: bool) -> tuple[tuple[date, int], ...]:
    """(day, days_before) for a deadline, keeping only the smallest days_before per day."""
    best: dict[date, int] = {}
    for days_before in steps:
        day = _reminder_day(deadline, days_before, shift)
        if day not in best or days_before < best[day]:
            best[day] = days_before
    return tuple(sorted(best.items()))


def reminder_schedule(deadline: date, policy: ReminderPolicy) -> list[ReminderStep]:
    """Every reminder a deadline will get under `policy`, in send order, one per day."""
    return [ReminderStep(days_before, day, _instant_on(day, policy))
            for day, days_before in _day_steps(deadline, policy.steps, policy.shift_to_workday)]


def reminder_key(chat_id: int, row_id: str, deadline: date, days_before: int) -> str:
    """Stable identity of one reminder, used to record it as sent and never send it twice."""
    return f"{chat_id}:{row_id}:{deadline.isoformat()}:{days_before:+d}"


def _due_days(instant: datetime, window: timedelta, policy: ReminderPolicy) -> dict[date, datetime]:
    """Reminder days whose send instant s satisfies s <= instant < s + window."""
    _, carry = send_clock(policy)
    local_today = instant.astimezone(policy.tzinfo).date()
    found: dict[date, datetime] = {}
    # Look back far enough to cover the window plus the possible quiet-hours carry.
    for back in range(window.days + carry + 2):
        day = local_today - timedelta(days=back)
        scheduled = _instant_on(day, policy)
        if scheduled <= instant < scheduled + window:
            found[day] = scheduled
    return found


def due_at(
    instant: datetime,
    chats: Mapping[int, ChatRows],
    deadlines: Mapping[str, Sequence[Deadline]],
    policy: ReminderPolicy | None = None,
    window: timedelta | None = None,
) -> list[ChatDigest]:
    """Digests due at `instant`: reminder s is due iff s <= instant < s + window (default: policy.grace)."""
    # The window lets the on-time run and any catch-up run within grace both find a reminder; the
    # delivery layer's reminder_key record stops the second from resending. Rows found more than
    # policy.late_after after s are flagged late. One digest per chat per reminder day, each row once.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")
    policy = policy or ReminderPolicy()
    window = policy.grace if window is None else window
    days = _due_days(instant, window, policy)
    if not days:
        return []
    steps, shift = policy.steps, policy.shift_to_workday

    # Invert once per distinct due date: which of the due reminder days does it have a step on?
    hits_by_due: dict[date, list[tuple[date, int]]] = {}
    # Per (day, row): the most urgent candidate, ranked by (days_before, deadline, milestone).
    chosen: dict[date, dict[str, tuple[int, date, str]]] = {day: {} for day in days}
    for row_id, row_deadlines in deadlines.items():
        for item in row_deadlines:
            hits = hits_by_due.get(item.due)
            if hits is None:
                hits = [(d, b) for d, b in _day_steps(item.due, steps, shift) if d in days]
                hits_by_due[item.due] = hits
            for day, days_before in hits:
                candidate = (days_before, item.due, item.milestone)
                current = chosen[day].get(row_id)
                if current is None or candidate < current:
                    chosen[day][row_id] = candidate

    digests: list[ChatDigest] = []
    for day, scheduled in sorted(days.items()):
        rows_today = chosen[day]
        if not rows_today:
            continue
        late = instant - scheduled > policy.late_after
        # DueRow objects are chat-independent, so build each once and share it between chats.
        lines = {row_id: DueRow(row_id, due, days_before, milestone, late, scheduled)
                 for row_id, (days_before, due, milestone) in rows_today.items()}
        rank = {row_id: n for n, row_id in enumerate(
            sorted(lines, key=lambda r: (lines[r].deadline, row_sort_key(r))))}
        due_ids = set(lines)
        # Chats with the same rows (one subscription to the same unit, say) share one digest line list.
        memo: dict[int, list[DueRow]] = {}
        batch: list[ChatDigest] = []
        for chat_id, sub in chats.items():
            # set & set iterates the smaller side in C, so big chats cost little on quiet days.
            hit = due_ids & sub.row_ids
            if not hit:
                continue
            shared = memo.get(id(sub.row_ids))
            if shared is None:
                shared = memo[id(sub.row_ids)] = [lines[r] for r in sorted(hit, key=rank.__getitem__)]
            batch.append(ChatDigest(chat_id, sub.chat_type, shared, day))
        batch.sort(key=_CHAT_ID)  # days come in order already; within a day, by chat
        digests += batch
    return digests


def expand_chats(pairs: Iterable[tuple[int, ChatType, str]]) -> dict[int, ChatRows]:
    """Build the planner's chat mapping from (chat_id, chat_type, row_id) triples, merging duplicates."""
    rows: dict[int, set[str]] = {}
    types: dict[int, ChatType] = {}
    for chat_id, chat_type, row_id in pairs:
        rows.setdefault(chat_id, set()).add(row_id)
        types[chat_id] = chat_type
    return {chat_id: ChatRows(types[chat_id], frozenset(ids)) for chat_id, ids in rows.items()}
