"""Delivery with an injected clock, through the fake Bot API: digests on the right days, catch-up marked
late, 429, 403 and network errors, pacing and the 4096 limit (crashes: test_reminders_crash.py)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import time, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fakebot import FakeBotApi, FloodLimits
from fakebot.fixtures import make_fake_bot_fixture, polling
from reminders_support import (
    FAST,
    MINSHENG_ROWS,
    Clock,
    SessionThreads,
    add_subscription,
    at,
    build_app,
    counts,
    deliverer,
    fast_runtime,
    log_rows,
    nearest,
    private_chats,
    row_ids,
    rows_in,
    sent_to,
)
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.config import ReminderSettings, Settings
from bot.pipeline import Duban
from bot.reminders.render import DIGEST_ROWS
from bot.runtime import Runtime
from knowledge.catalog import Catalog
from knowledge.reminders.deadlines import row_sort_key
from knowledge.reminders.store import policy_from
from knowledge.reminders.subscriptions import Target, list_subscriptions

fake = make_fake_bot_fixture()
flood_fake = make_fake_bot_fixture(flood_limits=FloodLimits())
retry_warning = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def rt(settings: Settings, shared_catalog: Catalog, duban: Duban) -> Iterator[Runtime]:
    runtime = fast_runtime(settings, shared_catalog, duban)
    yield runtime
    runtime.knowledge.close()


@pytest_asyncio.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as client:
        yield client


# --- the user's view: /sub, then the digest on the right days ------------------------------------


async def test_sub_then_one_digest_on_each_reminder_day(fake: FakeBotApi, rt: Runtime) -> None:
    clock = Clock(at(2023, 11, 30, 20))
    app = build_app(fake, rt, clock)
    async with polling(app):
        user = fake.add_user("李雷")
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "/sub 区民政局")
        await fake.wait_for_bot_messages(chat)
        service = app.bot_data.reminders
        assert service is not None
        days: dict[str, list[str]] = {}
        seen = len(fake.bot_messages(chat))  # the /sub reply
        # Every 5 minutes from 09:00 to 09:30 on the reminder days, and a quiet day in between.
        for day in (at(2023, 12, 1), at(2023, 12, 4), at(2023, 12, 22), at(2023, 12, 29), at(2024, 1, 2)):
            for minutes in range(0, 31, 5):
                clock.now = day + timedelta(minutes=minutes)
                await service.run(app)
            days[day.date().isoformat()] = [m.text for m in fake.bot_messages(chat)[seen:]]
            seen = len(fake.bot_messages(chat))
    # 30 days before 12-31 is Fri 12-01; 7 days (Sun 12-24) moves to Fri 12-22; 1 day (Sat 12-30) and the
    # day itself (Sun 12-31) both move to Fri 12-29 (one digest); the overdue notice for Mon 01-01 (New
    # Year's Day) moves to Tue 01-02. The text says how far the deadline really is on the day it is sent.
    assert [len(texts) for texts in days.values()] == [1, 0, 1, 1, 1]
    first, _, week, last, overdue = days.values()
    assert "还有 30 天到期（12月31日）" in first[0] and "2023年12月1日（周五）" in first[0]
    assert "还有 9 天到期" in week[0] and "还有 2 天到期" in last[0] and "已逾期 2 天" in overdue[0]
    assert "今天到期" not in last[0]
    # One short message a day: the count, the nearest rows, the rest one tap away (查看全部 → /deadlines' pages).
    for texts in (first, week, last, overdue):
        assert f"您订阅的 {len(MINSHENG_ROWS)} 项工作" in texts[0]
        assert row_ids(texts[0]) == sorted(MINSHENG_ROWS, key=row_sort_key)[:DIGEST_ROWS]
    digest = fake.bot_messages(chat)[-1]
    assert [b["callback_data"] for b in digest.buttons[0]] == ["sb:d:0", "sb:p:", "sb:m:0"]
    assert not any(r.late for r in log_rows(rt.knowledge))


async def test_catch_up_at_start_marks_late_within_grace_only(fake: FakeBotApi, rt: Runtime) -> None:
    add_subscription(rt.knowledge, fake.private_chat(fake.add_user("a")).id, Target("unit", "区民政局"))
    chat = next(iter(fake.chats))
    clock = Clock(at(2023, 12, 1, 15, 30))  # the bot was down from before 09:00 until 15:30
    app = build_app(fake, rt, clock, replace(FAST, start_delay=0.05))
    async with polling(app):  # the catch-up job runs right after start
        [digest] = await fake.wait_for_bot_messages(chat, timeout=10)
    assert "原定 12月1日 09:00 发出，因服务中断延迟送达" in digest.text
    assert all(r.late and r.status == "sent" for r in log_rows(rt.knowledge))

    other = fake.private_chat(fake.add_user("b")).id
    add_subscription(rt.knowledge, other, Target("unit", "区民政局"))
    clock.now = at(2023, 12, 1, 21, 1)  # beyond the 12-hour grace period: lost on purpose, not sent late
    async with Bot(fake.token, base_url=fake.base_url) as client:
        report = await deliverer(client, rt).run(clock.now)
    assert report.messages == 0 and fake.bot_messages(other) == []


async def test_digest_for_everything_is_one_short_message_carrying_every_row(fake: FakeBotApi, bot: Bot,
                                                                          rt: Runtime) -> None:
    chat = private_chats(fake, 1)[0]
    add_subscription(rt.knowledge, chat, Target("all"))
    report = await deliverer(bot, rt).run(at(2023, 12, 1))
    [digest] = fake.bot_messages(chat)
    every = list(rt.catalog.by_id)
    assert report.messages == 1 and report.rows == len(every)
    # The count, the nearest rows (each date group counted), the rest one tap away: a phone screen, not four.
    assert f"您订阅的 {len(every)} 项工作" in digest.text and f"另有 {len(every) - DIGEST_ROWS} 项" in digest.text
    assert row_ids(digest.text) == nearest(every) and len(digest.text) < 1000
    assert [b["text"] for b in digest.buttons[0]] == [f"查看全部 {len(every)} 项", "暂停提醒", "管理订阅"]
    # Every row is in the sent log exactly once, all marked with this one message.
    sent, message_ids = sent_to(log_rows(rt.knowledge), chat)
    assert sorted(sent) == sorted(every) and set(sent.values()) == {1} and message_ids == {digest.message_id}
    # Sent rows are never sent again, the same day or later the same reminder day.
    assert (await deliverer(bot, rt, "B").run(at(2023, 12, 1, 9, 5))).messages == 0


class ThrottledSecondSend(Bot):
    """Telegram says "retry after 120 s" to the second message only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sends = 0

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        self._sends += 1
        if self._sends == 2:
            raise RetryAfter(120)
        return await super().send_message(*args, **kwargs)


@retry_warning
async def test_digest_refused_for_a_long_wait_is_given_back_and_sent_whole_later(fake: FakeBotApi,
                                                                                   rt: Runtime) -> None:
    """Two chats subscribed to everything; Telegram says "retry after 120 s" to the second digest: its rows are
    given back (not left claimed, so not in doubt) and the next run sends that digest whole, once."""
    chats = private_chats(fake, 2)
    for chat in chats:
        add_subscription(rt.knowledge, chat, Target("all"))
    every = list(rt.catalog.by_id)
    async with ThrottledSecondSend(fake.token, base_url=fake.base_url) as client:
        first = await deliverer(client, rt, options=replace(FAST, concurrency=1)).run(at(2023, 12, 1))
        assert first.messages == 1 and first.rows == len(every) and first.deferred == len(every)
        assert {r.status for r in log_rows(rt.knowledge)} == {"sent"}  # given back, not left claimed
        second = await deliverer(client, rt).run(at(2023, 12, 1, 9, 5))
    assert second.messages == 1 and first.rows + second.rows == 2 * len(every)
    log = log_rows(rt.knowledge)
    for chat in chats:
        [digest] = fake.bot_messages(chat)
        assert row_ids(digest.text) == nearest(every)
        sent, message_ids = sent_to(log, chat)
        assert sorted(sent) == sorted(every) and set(sent.values()) == {1} and message_ids == {digest.message_id}


async def test_group_digest_and_rows_once_across_overlapping_subscriptions(fake: FakeBotApi, bot: Bot,
                                                                          rt: Runtime) -> None:
    group = fake.group_chat("督办群")
    for target in (Target("unit", "区民政局"), Target("row", "K5-12"), Target("leader", "伍国军")):
        add_subscription(rt.knowledge, group.id, target, "supergroup")
    await deliverer(bot, rt).run(at(2023, 12, 1))
    [digest] = fake.bot_messages(group)
    ids = rows_in([digest])
    assert len(ids) == len(set(ids)) == DIGEST_ROWS
    # A row reached through three subscriptions is one row: counted once, logged once, under one message.
    sent, message_ids = sent_to(log_rows(rt.knowledge), group.id)
    assert set(sent.values()) == {1} and set(MINSHENG_ROWS) <= set(sent) and set(ids) <= set(sent)
    assert f"您订阅的 {len(sent)} 项工作" in digest.text and message_ids == {digest.message_id}


class FlakyNetworkBot(Bot):
    """The first send fails: a read timeout after Telegram got it, or a refused connection before."""

    def __init__(self, *args: Any, after_delivery: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_delivery, self._failed = after_delivery, False

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        if self._failed:
            return await super().send_message(*args, **kwargs)
        self._failed = True
        if self._after_delivery:
            await super().send_message(*args, **kwargs)
            raise TimedOut
        raise NetworkError("httpx.ConnectError: connection refused") from httpx.ConnectError("refused")


@pytest.mark.parametrize(("after_delivery", "status", "messages"), [(True, "unknown", 1), (False, "sent", 1)],
                         ids=["timeout_is_in_doubt_not_resent", "connection_refused_is_retried"])
async def test_network_errors(fake: FakeBotApi, rt: Runtime, after_delivery: bool, status: str,
                              messages: int) -> None:
    chat = private_chats(fake, 1)[0]
    add_subscription(rt.knowledge, chat, Target("row", "K5-12"))
    async with FlakyNetworkBot(fake.token, base_url=fake.base_url, after_delivery=after_delivery) as client:
        first = await deliverer(client, rt).run(at(2023, 12, 1))
        await deliverer(client, rt).run(at(2023, 12, 1, 9, 5))
    assert len(first.in_doubt) == (1 if after_delivery else 0)
    assert [r.status for r in log_rows(rt.knowledge)] == [status]
    assert len(fake.bot_messages(chat)) == messages




@retry_warning
async def test_delivery_does_its_database_work_off_the_event_loop(fake: FakeBotApi, bot: Bot, rt: Runtime,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Settle, claim, mark sent, 429 wait and reclaim, refusal and in-doubt marks all open their sessions
    in worker threads, so the bot's other updates keep going while a run talks to the database."""
    chat, late_chat = private_chats(fake, 2)
    group = fake.group_chat("已移除", bot_status="kicked")
    add_subscription(rt.knowledge, chat, Target("row", "K5-12"))
    add_subscription(rt.knowledge, group.id, Target("row", "K5-12"), "supergroup")
    sessions = SessionThreads(rt.knowledge.sessions)
    monkeypatch.setattr(rt.knowledge, "sessions", sessions)
    loop_thread = threading.get_ident()
    fake.inject_429("sendMessage", times=1, retry_after=3)
    fake.expect_rejection("sendMessage", 403)

    async def sleep(seconds: float) -> None:
        pass

    first = await deliverer(bot, rt, sleep=sleep).run(at(2023, 12, 1))
    assert first.messages == 1 and first.retries == 1 and first.paused_chats == [group.id]
    assert len(sessions.threads) >= 6 and loop_thread not in sessions.threads

    add_subscription(rt.knowledge, late_chat, Target("row", "K5-12"))
    sessions.threads.clear()  # that session was the test's own
    async with FlakyNetworkBot(fake.token, base_url=fake.base_url, after_delivery=True) as client:
        second = await deliverer(client, rt).run(at(2023, 12, 1, 9, 5))
    assert [e.chat_id for e in second.in_doubt] == [late_chat]
    assert len(sessions.threads) >= 3 and loop_thread not in sessions.threads


# --- policy from [reminders] ----------------------------------------------------------------------


def test_policy_from_reminder_settings() -> None:
    policy = policy_from(ReminderSettings(days_before=(7, 30, 0), overdue_days=(1, 3), quiet_start=time(22),
                                          quiet_end=time(7, 30), grace_hours=6, check_minutes=10))
    assert policy.offsets == (30, 7, 0) and policy.overdue_offsets == (-1, -3)
    assert policy.quiet_hours == (time(22), time(7, 30)) and policy.grace == timedelta(hours=6)
    assert policy.late_after == timedelta(minutes=11)  # a run every 10 minutes is not "late"
    assert policy_from(ReminderSettings(quiet_start=time(22))).quiet_hours is None
    with pytest.raises(ValueError):
        policy_from(ReminderSettings(timezone="Mars/Olympus_Mons"))


async def test_quiet_hours_carry_the_digest_to_the_morning(fake: FakeBotApi, bot: Bot, settings: Settings,
                                                         shared_catalog: Catalog, duban: Duban) -> None:
    quiet = ReminderSettings(days_before=(30,), overdue_days=(), send_time=time(23), quiet_start=time(22),
                             quiet_end=time(7, 30))
    runtime = fast_runtime(settings, shared_catalog, duban, reminders=quiet)
    try:
        chat = private_chats(fake, 1)[0]
        add_subscription(runtime.knowledge, chat, Target("row", "K5-12"))
        assert (await deliverer(bot, runtime).run(at(2023, 12, 1, 23))).messages == 0
        assert (await deliverer(bot, runtime).run(at(2023, 12, 2, 7, 30))).messages == 1
    finally:
        runtime.knowledge.close()
    [digest] = fake.bot_messages(chat)
    assert "2023年12月2日（周六）" in digest.text and "还有 29 天到期" in digest.text


# --- Telegram's refusals ------------------------------------------------------------------------


@retry_warning
async def test_429_waits_retry_after_and_sends_once(fake: FakeBotApi, bot: Bot, rt: Runtime) -> None:
    chat = private_chats(fake, 1)[0]
    add_subscription(rt.knowledge, chat, Target("row", "K5-12"))
    fake.inject_429("sendMessage", times=2, retry_after=3)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    report = await deliverer(bot, rt, sleep=sleep).run(at(2023, 12, 1))
    assert waits == [3.0, 3.0] and report.retries == 2 and report.messages == 1
    [row] = log_rows(rt.knowledge)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(fake.bot_messages(chat)) == 1


@retry_warning
async def test_429_beyond_patience_defers_to_the_next_run(fake: FakeBotApi, bot: Bot, rt: Runtime) -> None:
    chat = private_chats(fake, 1)[0]
    add_subscription(rt.knowledge, chat, Target("row", "K5-12"))
    fake.inject_429("sendMessage", times=1, retry_after=120)  # longer than max_wait: do not block the run
    report = await deliverer(bot, rt).run(at(2023, 12, 1))
    assert report.deferred == 1 and report.messages == 0 and log_rows(rt.knowledge) == []
    report = await deliverer(bot, rt).run(at(2023, 12, 1, 9, 5))
    assert report.messages == 1 and len(fake.bot_messages(chat)) == 1


async def test_403_pauses_the_chat_until_it_writes_again(fake: FakeBotApi, rt: Runtime) -> None:
    clock = Clock(at(2023, 12, 1))
    app = build_app(fake, rt, clock)
    users = [fake.add_user(name) for name in ("甲", "乙", "丙")]
    chats = [fake.private_chat(u) for u in users]
    for chat in chats:
        add_subscription(rt.knowledge, chat.id, Target("unit", "区民政局"))
    fake.block_user(users[1])
    service = app.bot_data.reminders
    assert service is not None
    async with polling(app):
        first = await service.run(app)
        clock.advance(minutes=5)
        second = await service.run(app)
        assert first is not None and second is not None
        assert first.paused_chats == [chats[1].id] and first.messages == 2 and second.messages == 0
        sends_to_blocked = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] in (chats[1].id,
                                                                                                str(chats[1].id))]
        assert len(sends_to_blocked) == 1  # not retried forever
        with rt.knowledge.sessions() as session:
            assert all(s.paused and "blocked" in s.paused_reason for s in list_subscriptions(session, chats[1].id))

        fake.unblock_user(users[1])
        await fake.send_text(chats[1], users[1], "/sub 区民政局")  # writing again resumes the chat
        [reply] = await fake.wait_for_bot_messages(chats[1])
        assert "已恢复" in reply.text
        clock.advance(minutes=5)
        third = await service.run(app)
        assert third is not None and third.messages == 1
    assert [len(fake.bot_messages(c)) for c in chats] == [1, 2, 1]  # the /sub reply and the late digest


async def test_kicked_group_and_vanished_chat_are_paused(fake: FakeBotApi, bot: Bot, rt: Runtime) -> None:
    group = fake.group_chat("已移除", bot_status="kicked")
    add_subscription(rt.knowledge, group.id, Target("row", "K5-12"), "supergroup")
    add_subscription(rt.knowledge, -100999, Target("row", "K5-12"), "supergroup")  # Telegram never heard of it
    fake.expect_rejection("sendMessage", 403)
    fake.expect_rejection("sendMessage", 400, description="chat not found")
    report = await deliverer(bot, rt).run(at(2023, 12, 1))
    assert sorted(report.paused_chats) == sorted([group.id, -100999]) and report.failed == 2
    assert {r.status for r in log_rows(rt.knowledge)} == {"failed"}
    assert (await deliverer(bot, rt).run(at(2023, 12, 1, 9, 5))).messages == 0


async def test_fan_out_stays_under_telegrams_flood_limits(flood_fake: FakeBotApi, rt: Runtime) -> None:
    """45 chats due at once with the fake enforcing 30 messages per second: pacing avoids every 429."""
    chats = private_chats(flood_fake, 45)
    for chat in chats:
        add_subscription(rt.knowledge, chat, Target("row", "K5-12"))
    async with Bot(flood_fake.token, base_url=flood_fake.base_url) as client:
        report = await deliverer(client, rt, options=replace(FAST, rate=25.0)).run(at(2023, 12, 1))
    assert report.messages == 45 and report.retries == 0
    assert set(counts(flood_fake, chats).values()) == {1}


async def test_the_real_application_wires_commands_buttons_and_job(fake: FakeBotApi, rt: Runtime) -> None:
    """bot/app.py's Application (every handler module, its rate limiter): menus, /sub, a button, a digest."""
    from bot.app import build_application

    app = build_application(rt, token=fake.token, base_url=fake.base_url)
    async with polling(app):
        user = fake.add_user("王芳")
        chat = fake.private_chat(user)
        # The menus bot/app.py publishes at start-up.
        private, group, admin = ({c.command for c in app.bot_data.commands[scope]}
                                 for scope in ("private", "group", "admin"))
        assert {"sub", "unsub", "mysubs", "deadlines"} <= private and "deadline" not in private
        assert {"sub", "unsub", "mysubs", "deadlines"} <= group and "deadline" not in group
        assert admin == {"deadline"}  # the admins' own menus only
        await fake.send_text(chat, user, "/sub 区民政局")
        await fake.wait_for_bot_messages(chat)
        await fake.send_text(chat, user, "/mysubs")
        [listing] = await fake.wait_for_bot_messages(chat)
        query = await fake.press_button(chat, user, listing, button_text="取消 区民政局")
        assert (await fake.wait_for_callback_answer(query)).text == "已取消订阅 区民政局。"
        await fake.send_text(chat, user, "/sub 区民政局")
        await fake.wait_for_bot_messages(chat)
        service = app.bot_data.reminders
        assert service is not None
        service.clock = Clock(at(2023, 12, 1))
        report = await service.run(app)
        assert report is not None and report.messages == 1
        [digest] = await fake.wait_for_bot_messages(chat)
        assert row_ids(digest.text) == nearest(MINSHENG_ROWS)
        sent, message_ids = sent_to(log_rows(rt.knowledge), chat.id)
        assert sorted(sent) == sorted(MINSHENG_ROWS) and set(sent.values()) == {1}
        assert message_ids == {digest.message_id}
