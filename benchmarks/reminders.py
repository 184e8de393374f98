"""Benchmark for the reminder planner: `python -m benchmarks.reminders` prints timings of due_at, alone
(synthetic rows) and end to end from the database (subscriptions read and expanded through the catalog,
effective deadlines, then due_at) for 100,000 stored subscriptions."""

from __future__ import annotations

import calendar
import random
import statistics
import tempfile
import time as _time
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from knowledge.bootstrap import open_knowledge
from knowledge.catalog import Catalog, load_catalog
from knowledge.db import transaction
from knowledge.models import Subscription
from knowledge.reminders import plan as reminder_plan
from knowledge.reminders.deadlines import Deadline
from knowledge.reminders.plan import ChatRows, ReminderPolicy, due_at
from knowledge.reminders.store import plan
from knowledge.reminders.subscriptions import active_chats

_TZ = ZoneInfo("Asia/Shanghai")
# 2023-12-29 is the Friday every year-end row's 0/1-day step lands on: the heaviest day of the year.
BUSY_INSTANT = datetime(2023, 12, 29, 9, 0, tzinfo=_TZ)
# 2023-06-21 is where the 06-30 rows' 7-day step moves to, ahead of the Dragon Boat holiday.
TYPICAL_INSTANT = datetime(2023, 6, 21, 9, 5, tzinfo=_TZ)


def _synthetic(n_subscriptions: int, rows_per_chat: int, seed: int = 2023
               ) -> tuple[dict[int, ChatRows], dict[str, list[Deadline]]]:
    """Deterministic chats and deadlines shaped like the real document, year-end heavy."""
    rng = random.Random(seed)
    n_rows = max(rows_per_chat, n_subscriptions // 20)
    row_ids = [f"K{1 + i // 100}-{1 + i % 100}" if i % 5 else f"L{1 + i // 100}-{1 + i % 100}"
               for i in range(n_rows)]
    month_ends = [date(2023, m, calendar.monthrange(2023, m)[1]) for m in range(1, 13)]
    deadlines: dict[str, list[Deadline]] = {}
    for row_id in row_ids:
        final = date(2023, 12, 31) if rng.random() < 0.6 else rng.choice(month_ends)
        items = [Deadline(row_id, final, "", "default" if final.month == 12 else "schedule")]
        if rng.random() < 0.3:
            items.append(Deadline(row_id, rng.choice(month_ends), "阶段目标", "schedule"))
        deadlines[row_id] = items
    n_chats = max(1, n_subscriptions // rows_per_chat)
    chats = {
        -100_000 - n: ChatRows("group" if n % 3 else "private", frozenset(rng.sample(row_ids, rows_per_chat)))
        for n in range(n_chats)
    }
    return chats, deadlines


def _timed(instant: datetime, chats: dict[int, ChatRows], deadlines: dict[str, list[Deadline]],
           policy: ReminderPolicy, repeats: int) -> tuple[list[float], int]:
    """Wall-clock seconds of each due_at call and the number of digest lines produced."""
    times: list[float] = []
    lines = 0
    for _ in range(repeats):
        start = _time.perf_counter()
        digests = due_at(instant, chats, deadlines, policy)
        times.append(_time.perf_counter() - start)
        lines = sum(len(d.rows) for d in digests)
    return times, lines


def _subscription_rows(catalog: Catalog, n: int, seed: int = 2023) -> list[dict[str, Any]]:
    """n stored subscriptions over n/2 chats: units 55 %, rows 28 %, leaders 15 %, everything 2 %."""
    rng = random.Random(seed)
    units = sorted(name for name, info in catalog.units.items() if catalog.by_unit.get(name))
    leaders, row_ids = catalog.leaders, sorted(catalog.by_id)
    now = datetime.now(UTC)
    result: list[dict[str, Any]] = []
    seen: set[tuple[int, str, str]] = set()
    chats = max(1, n // 2)
    while len(result) < n:
        chat_id = -100_000 - rng.randrange(chats) if rng.random() < 0.3 else 10_000 + rng.randrange(chats)
        draw = rng.random()
        kind, value = (("all", "") if draw < 0.02 else ("leader", rng.choice(leaders)) if draw < 0.17
                       else ("row", rng.choice(row_ids)) if draw < 0.45 else ("unit", rng.choice(units)))
        if (chat_id, kind, value) in seen:
            continue
        seen.add((chat_id, kind, value))
        result.append({"chat_id": chat_id, "chat_type": "private" if chat_id > 0 else "supergroup",
                       "target_kind": kind, "target": value, "created_by": None, "created_at": now,
                       "paused": False, "paused_reason": "", "paused_at": None})
    return result


def bench_from_database(n_subscriptions: int = 100_000) -> dict[str, float]:
    """End to end from a SQLite file: read and expand n subscriptions, effective deadlines, due_at."""
    with tempfile.TemporaryDirectory() as folder:
        base = open_knowledge(f"sqlite:///{folder}/bench.sqlite3")
        try:
            with base.sessions() as session:
                catalog = load_catalog(session)
            with transaction(base.sessions) as session:
                session.execute(insert(Subscription), _subscription_rows(catalog, n_subscriptions))
            policy = ReminderPolicy()
            figures: dict[str, float] = {"subscriptions": float(n_subscriptions)}
            with base.sessions() as session:
                start = _time.perf_counter()
                chats = active_chats(session, catalog)
                figures["expand_s"] = _time.perf_counter() - start
            figures["chats"] = float(len(chats))
            figures["pairs"] = float(sum(len(c.row_ids) for c in chats.values()))
            for label, instant in (("busy", BUSY_INSTANT), ("typical", TYPICAL_INSTANT)):
                times, lines = [], 0
                for _ in range(3):
                    with base.sessions() as session:
                        start = _time.perf_counter()
                        digests = plan(session, catalog, policy, instant)
                        times.append(_time.perf_counter() - start)
                    lines = sum(len(d.rows) for d in digests)
                figures[f"{label}_best_s"] = min(times)
                figures[f"{label}_median_s"] = statistics.median(times)
                figures[f"{label}_lines"] = float(lines)
            return figures
        finally:
            base.close()


def bench_reminders(n_subscriptions: int = 100_000, *, rows_per_chat: int = 50,
                    from_database: bool = True) -> dict[str, float]:
    """Time due_at over n (chat,row) pairs: cold call, best and median of 3, busy and typical day; and,
    with `from_database`, the whole plan from n stored subscriptions (keys prefixed db_)."""
    chats, deadlines = _synthetic(n_subscriptions, rows_per_chat)
    policy = ReminderPolicy()
    # Clear the calendar caches so the cold figure includes the chinese_calendar lookups.
    for cached in (reminder_plan.is_workday, reminder_plan._reminder_day, reminder_plan._day_steps):
        cached.cache_clear()
    cold, _ = _timed(BUSY_INSTANT, chats, deadlines, policy, 1)
    busy, busy_lines = _timed(BUSY_INSTANT, chats, deadlines, policy, 3)
    typical, typical_lines = _timed(TYPICAL_INSTANT, chats, deadlines, policy, 3)
    return {
        "pairs": float(sum(len(c.row_ids) for c in chats.values())),
        "chats": float(len(chats)),
        "rows": float(len(deadlines)),
        "busy_cold_s": cold[0],
        "busy_best_s": min(busy),
        "busy_median_s": statistics.median(busy),
        "busy_lines": float(busy_lines),
        "typical_best_s": min(typical),
        "typical_median_s": statistics.median(typical),
        "typical_lines": float(typical_lines),
    } | ({f"db_{k}": v for k, v in bench_from_database(n_subscriptions).items()} if from_database else {})


def main() -> None:
    """Print figures for two shapes: many rows per chat, and one row per chat."""
    for rows_per_chat in (50, 1):
        figures = bench_reminders(rows_per_chat=rows_per_chat, from_database=False)
        print(f"rows_per_chat={rows_per_chat}")
        for name, value in figures.items():
            print(f"  {name:>15}: {value:.4f}" if name.endswith("_s") else f"  {name:>15}: {value:,.0f}")


    print("from the database (100,000 stored subscriptions)")
    for name, value in bench_from_database().items():
        print(f"  {name:>15}: {value:.4f}" if name.endswith("_s") else f"  {name:>15}: {value:,.0f}")


if __name__ == "__main__":
    main()
