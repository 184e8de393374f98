"""Spec for knowledge.reminders.plan: policy, reminder days and instants, the due_at planner, keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from knowledge.reminders.deadlines import Deadline
from knowledge.reminders.plan import (
    CALENDAR_YEARS,
    ChatDigest,
    ChatRows,
    DueRow,
    ReminderPolicy,
    due_at,
    expand_chats,
    is_workday,
    reminder_day,
    reminder_instant,
    reminder_key,
    reminder_schedule,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = ReminderPolicy()
NO_SHIFT = ReminderPolicy(shift_to_workday=False)


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def test_default_policy() -> None:
    assert DEFAULT.offsets == (30, 7, 1, 0)
    assert DEFAULT.overdue_offsets == (-1,)
    assert DEFAULT.send_time == time(9, 0)
    assert DEFAULT.timezone == "Asia/Shanghai"
    assert DEFAULT.shift_to_workday is True
    assert DEFAULT.grace == timedelta(hours=12)
    assert DEFAULT.steps == (30, 7, 1, 0, -1)


@pytest.mark.parametrize(
    "kwargs",
    [{"offsets": (30, -1)}, {"overdue_offsets": (0,)}, {"grace": timedelta(0)},
     {"quiet_hours": (time(22), time(22))}, {"timezone": "Mars/Olympus"},
     {"send_time": time(9, tzinfo=SHANGHAI)}],
    ids=["negative_offset", "non_negative_overdue", "zero_grace", "empty_quiet_hours", "bad_zone",
         "aware_time"],
)
def test_policy_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(Exception):  # noqa: B017 - ValueError or ZoneInfoNotFoundError
        ReminderPolicy(**kwargs)  # type: ignore[arg-type]


REMINDER_DAYS: list[tuple[str, date, int, ReminderPolicy, date]] = [
    ("30_days_before_year_end_is_friday_dec_1", date(2023, 12, 31), 30, DEFAULT, date(2023, 12, 1)),
    ("7_days_before_lands_on_sunday_moves_to_friday", date(2023, 12, 31), 7, DEFAULT, date(2023, 12, 22)),
    ("1_day_before_saturday_moves_to_friday", date(2023, 12, 31), 1, DEFAULT, date(2023, 12, 29)),
    ("due_day_sunday_moves_to_friday", date(2023, 12, 31), 0, DEFAULT, date(2023, 12, 29)),
    ("overdue_on_new_year_holiday_moves_later", date(2023, 12, 31), -1, DEFAULT, date(2024, 1, 2)),
    ("national_day_holiday_moves_before_sept_29", date(2023, 10, 5), 0, DEFAULT, date(2023, 9, 28)),
    ("adjusted_working_saturday_oct_7_is_kept", date(2023, 10, 7), 0, DEFAULT, date(2023, 10, 7)),
    ("adjusted_working_sunday_oct_8_is_kept", date(2023, 10, 8), 0, DEFAULT, date(2023, 10, 8)),
    ("day_before_monday_is_working_sunday_oct_8", date(2023, 10, 9), 1, DEFAULT, date(2023, 10, 8)),
    ("overdue_into_holiday_moves_to_working_saturday", date(2023, 9, 28), -1, DEFAULT, date(2023, 10, 7)),
    ("no_shift_keeps_sunday", date(2023, 12, 31), 0, NO_SHIFT, date(2023, 12, 31)),
    ("no_shift_overdue_is_day_after", date(2023, 12, 31), -1, NO_SHIFT, date(2024, 1, 1)),
    ("beyond_calendar_data_falls_back_to_mon_fri", date(2030, 6, 2), 0, DEFAULT, date(2030, 5, 31)),
]


@pytest.mark.parametrize(("case", "deadline", "days_before", "policy", "expected"), REMINDER_DAYS,
                         ids=[r[0] for r in REMINDER_DAYS])
def test_reminder_day(
    case: str, deadline: date, days_before: int, policy: ReminderPolicy, expected: date
) -> None:
    assert reminder_day(deadline, days_before, policy) == expected


def test_calendar_fallback_year_is_outside_shipped_data() -> None:
    assert 2023 in CALENDAR_YEARS and 2030 not in CALENDAR_YEARS
    assert is_workday(date(2030, 10, 1))  # a real holiday, unknown without data: Mon–Fri rule


def test_contract_30_day_reminder_instant() -> None:
    instant = reminder_instant(date(2023, 12, 31), 30, DEFAULT)
    assert instant.isoformat() == "2023-12-01T09:00:00+08:00"
    assert instant.strftime("%A") == "Friday"


QUIET: list[tuple[str, time, tuple[time, time] | None, datetime]] = [
    ("no_quiet_hours", time(9), None, at(2023, 12, 1, 9)),
    ("outside_overnight_quiet", time(9), (time(22), time(7)), at(2023, 12, 1, 9)),
    ("early_morning_in_overnight_quiet", time(6, 30), (time(22), time(8)), at(2023, 12, 1, 8)),
    ("late_evening_rolls_to_next_morning", time(23), (time(22), time(7, 30)), at(2023, 12, 2, 7, 30)),
    ("lunch_break", time(12, 30), (time(12), time(14)), at(2023, 12, 1, 14)),
    ("quiet_end_is_not_quiet", time(14), (time(12), time(14)), at(2023, 12, 1, 14)),
]


@pytest.mark.parametrize(("case", "send", "quiet", "expected"), QUIET, ids=[q[0] for q in QUIET])
def test_quiet_hours_move_send_time_to_their_end(
    case: str, send: time, quiet: tuple[time, time] | None, expected: datetime
) -> None:
    policy = ReminderPolicy(send_time=send, quiet_hours=quiet)
    assert reminder_instant(date(2023, 12, 31), 30, policy) == expected


def test_send_time_and_timezone_are_configurable() -> None:
    policy = ReminderPolicy(send_time=time(8, 15), timezone="Europe/Berlin")
    assert reminder_instant(date(2023, 12, 31), 30, policy).isoformat() == "2023-12-01T08:15:00+01:00"


SCHEDULES: list[tuple[str, date, ReminderPolicy, list[tuple[int, date]]]] = [
    ("same_day_steps_keep_the_closest_to_deadline", date(2023, 12, 31), DEFAULT,
     [(30, date(2023, 12, 1)), (7, date(2023, 12, 22)), (0, date(2023, 12, 29)), (-1, date(2024, 1, 2))]),
    ("no_collision_on_a_wednesday_deadline", date(2023, 11, 15), DEFAULT,
     [(30, date(2023, 10, 16)), (7, date(2023, 11, 8)), (1, date(2023, 11, 14)), (0, date(2023, 11, 15)),
      (-1, date(2023, 11, 16))]),
    ("several_overdue_notices", date(2023, 11, 15), ReminderPolicy(offsets=(0,), overdue_offsets=(-1, -7)),
     [(0, date(2023, 11, 15)), (-1, date(2023, 11, 16)), (-7, date(2023, 11, 22))]),
]


@pytest.mark.parametrize(("case", "deadline", "policy", "expected"), SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_reminder_schedule(
    case: str, deadline: date, policy: ReminderPolicy, expected: list[tuple[int, date]]
) -> None:
    steps = reminder_schedule(deadline, policy)
    assert [(s.days_before, s.day) for s in steps] == expected
    assert all(s.at == reminder_instant(deadline, s.days_before, policy) for s in steps)


YEAR_END = {"K5-12": [Deadline("K5-12", date(2023, 12, 31), "", "default")]}
ONE_CHAT = {1: ChatRows("private", frozenset({"K5-12"}))}


def _lines(digests: list[ChatDigest]) -> list[tuple[int, str, int, bool]]:
    return [(d.chat_id, r.id, r.days_before, r.late) for d in digests for r in d.rows]


DUE: list[tuple[str, datetime, list[tuple[int, str, int, bool]]]] = [
    ("contract_30_day_on_time", at(2023, 12, 1), [(1, "K5-12", 30, False)]),
    ("before_scheduled_instant_nothing", at(2023, 12, 1, 8, 59, 59), []),
    ("within_tolerance_not_late", at(2023, 12, 1, 9, 0, 59), [(1, "K5-12", 30, False)]),
    ("catch_up_run_is_late", at(2023, 12, 1, 9, 2), [(1, "K5-12", 30, True)]),
    ("last_second_of_grace", at(2023, 12, 1, 20, 59, 59), [(1, "K5-12", 30, True)]),
    ("grace_over_missed", at(2023, 12, 1, 21), []),
    ("friday_sends_due_day_step_only_once", at(2023, 12, 29), [(1, "K5-12", 0, False)]),
    ("the_real_saturday_gets_nothing", at(2023, 12, 30), []),
    ("overdue_notice_after_new_year", at(2024, 1, 2), [(1, "K5-12", -1, False)]),
    ("same_instant_in_utc", datetime(2023, 12, 1, 1, 0, tzinfo=UTC), [(1, "K5-12", 30, False)]),
]


@pytest.mark.parametrize(("case", "instant", "expected"), DUE, ids=[d[0] for d in DUE])
def test_due_at_window_and_late_flag(
    case: str, instant: datetime, expected: list[tuple[int, str, int, bool]]
) -> None:
    assert _lines(due_at(instant, ONE_CHAT, YEAR_END, DEFAULT)) == expected


def test_due_row_carries_scheduled_instant_and_milestone() -> None:
    deadlines = {"K5-12": [Deadline("K5-12", date(2023, 12, 31), "完工")]}
    [digest] = due_at(at(2023, 12, 1, 10), ONE_CHAT, deadlines, DEFAULT)
    assert digest == ChatDigest(1, "private", [DueRow("K5-12", date(2023, 12, 31), 30, "完工", True,
                                                      at(2023, 12, 1))], date(2023, 12, 1))


def test_naive_instant_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        due_at(datetime(2023, 12, 1, 9), ONE_CHAT, YEAR_END, DEFAULT)


def test_custom_window_overrides_grace() -> None:
    assert due_at(at(2023, 12, 1, 9, 30), ONE_CHAT, YEAR_END, DEFAULT, window=timedelta(minutes=10)) == []


def test_wide_window_gives_one_digest_per_chat_per_day() -> None:
    digests = due_at(at(2023, 12, 29, 10), ONE_CHAT, {
        "K5-12": [Deadline("K5-12", date(2023, 12, 29))],  # 1-day step on Thu 28th, 0-day on Fri 29th
    }, DEFAULT, window=timedelta(days=2))
    assert [(d.day, [r.days_before for r in d.rows]) for d in digests] == [
        (date(2023, 12, 28), [1]), (date(2023, 12, 29), [0])]


def test_one_digest_per_chat_each_row_once_sorted_by_deadline_then_id() -> None:
    deadlines = {
        "K10-1": [Deadline("K10-1", date(2023, 12, 8))],
        "K5-12": [Deadline("K5-12", date(2023, 12, 8))],
        "K5-2": [Deadline("K5-2", date(2023, 12, 8))],
        "L8-2": [Deadline("L8-2", date(2023, 12, 1), "验收")],
        "K9-9": [Deadline("K9-9", date(2023, 12, 20))],  # nothing due on Dec 1
    }
    # Chat 1 reached K5-12 through two subscriptions (e.g. unit and leader); the caller expands to a set.
    chats = expand_chats([(1, "group", "K5-12"), (1, "group", "K5-12"), (1, "group", "K10-1"),
                          (1, "group", "K5-2"), (1, "group", "L8-2"), (1, "group", "K9-9"),
                          (2, "private", "K9-9"), (3, "private", "K5-12")])
    digests = due_at(at(2023, 12, 1), chats, deadlines, DEFAULT)
    assert [(d.chat_id, d.chat_type, [(r.id, r.days_before) for r in d.rows]) for d in digests] == [
        (1, "group", [("L8-2", 0), ("K5-2", 7), ("K5-12", 7), ("K10-1", 7)]),
        (3, "private", [("K5-12", 7)]),
    ]


def test_milestones_of_one_row_on_one_day_give_one_line_most_urgent_first() -> None:
    deadlines = {"K5-12": [Deadline("K5-12", date(2023, 12, 31), "完工"),
                           Deadline("K5-12", date(2023, 12, 8), "招标")]}
    [digest] = due_at(at(2023, 12, 1), ONE_CHAT, deadlines, DEFAULT)
    assert [(r.milestone, r.days_before) for r in digest.rows] == [("招标", 7)]


def test_rows_without_subscribers_or_deadlines_are_ignored() -> None:
    chats = {1: ChatRows("private", frozenset({"K1-1"}))}
    assert due_at(at(2023, 12, 1), chats, YEAR_END, DEFAULT) == []


def test_reminder_key_is_stable_and_distinguishes_every_part() -> None:
    key = reminder_key(-1001, "K5-12", date(2023, 12, 31), 0)
    assert key == "-1001:K5-12:2023-12-31:+0"
    assert reminder_key(-1001, "K5-12", date(2023, 12, 31), 0) == key
    others = {
        reminder_key(-1002, "K5-12", date(2023, 12, 31), 0),
        reminder_key(-1001, "K5-2", date(2023, 12, 31), 0),
        reminder_key(-1001, "K5-12", date(2023, 12, 30), 0),
        reminder_key(-1001, "K5-12", date(2023, 12, 31), -1),
    }
    assert key not in others and len(others) == 4


def test_digest_keys_match_reminder_key_across_runs() -> None:
    on_time = due_at(at(2023, 12, 29), ONE_CHAT, YEAR_END, DEFAULT)
    catch_up = due_at(at(2023, 12, 29, 15), ONE_CHAT, YEAR_END, DEFAULT)
    assert on_time[0].keys() == catch_up[0].keys() == ["1:K5-12:2023-12-31:+0"]
