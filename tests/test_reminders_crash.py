"""Crashes, restarts and concurrent instances: nothing lost, nothing sent twice.

In process, with a crash injected at exact points (before a send, after it, between digests), for both
in-doubt policies; and the acceptance proofs, with real processes against the fake Bot API:

- SIGKILL in the middle of a 1,000-chat fan-out, then a restart: every reminder arrives exactly once,
  except the digest(s) whose request was in flight at the kill instant, which are reported as in doubt
  (at most once: never sent twice; see knowledge/reminders/log.py for why that one cannot be known);
- two processes sending the same fan-out against one database (PostgreSQL under scripts/with-postgres):
  every digest once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture
from reminders_support import (
    FAST,
    MINSHENG_ROWS,
    add_subscription,
    at,
    counts,
    deliverer,
    fast_runtime,
    log_rows,
    nearest,
    private_chats,
    rows_in,
    sent_to,
)
from telegram import Bot

from bot.config import Settings
from bot.pipeline import Duban
from bot.runtime import Runtime
from handlers.delivery import Deliverer, DeliveryReport
from knowledge.bootstrap import KnowledgeBase, open_knowledge
from knowledge.catalog import Catalog, load_catalog
from knowledge.db import transaction
from knowledge.reminders.plan import ChatDigest
from knowledge.reminders.subscriptions import Target, subscribe, target_rows

fake = make_fake_bot_fixture()
AT = "2023-12-01T09:00+08:00"
TARGETS = [Target("unit", "区民政局"), Target("leader", "伍国军"), Target("row", "K5-12"), Target("unit", "区财政局")]


@pytest.fixture
def rt(settings: Settings, shared_catalog: Catalog, duban: Duban) -> Iterator[Runtime]:
    runtime = fast_runtime(settings, shared_catalog, duban)
    yield runtime
    runtime.knowledge.close()


def populate(fake: FakeBotApi, knowledge: KnowledgeBase, n: int) -> dict[int, set[str]]:
    """n private chats that started the bot, each subscribed to one target; their expected rows."""
    with knowledge.sessions() as session:
        catalog = load_catalog(session)
    expected: dict[int, set[str]] = {}
    now = datetime.now(UTC)
    with transaction(knowledge.sessions) as session:
        for i in range(n):
            chat = fake.private_chat(fake.add_user(f"用户{i}")).id
            target = TARGETS[i % len(TARGETS)]
            subscribe(session, chat, "private", target, created_by=chat, now=now)
            expected[chat] = set(target_rows(catalog, target))
    return expected


async def send_due(fake: FakeBotApi, database_url: str, workdir: Path, at: str,
                   *options: str) -> asyncio.subprocess.Process:
    """`duban reminders send-due` in its own process, as an operator or cron would run it."""
    env = {**os.environ, "DUBAN_DATABASE_URL": database_url, "DUBAN_DATA_DIR": str(workdir / "data"),
           "DUBAN_TELEGRAM_TOKEN": fake.token, "DUBAN_TELEGRAM_BASE_URL": fake.base_url}
    env.pop("DUBAN_CONFIG", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.reminders", "reminders", "send-due", "--at", at, "--rate", "0",
        "--concurrency", "4", *options, cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def delivered(fake: FakeBotApi) -> int:
    return sum(1 for call in fake.calls_to("sendMessage") if call.ok)


class Crash(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no except-clause catches it."""


class CrashingBot(Bot):
    """Dies on the n-th send, either before the request leaves or after Telegram accepted it."""

    def __init__(self, *args: Any, crash_at: int, when: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bot freezes public attributes; underscored ones stay settable.
        self._crash_at, self._when, self._sends = crash_at, when, 0

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        self._sends += 1
        if self._sends == self._crash_at and self._when == "before":
            raise Crash
        message = await super().send_message(*args, **kwargs)
        if self._sends == self._crash_at and self._when == "after":
            raise Crash
        return message


@pytest.mark.parametrize(("when", "in_doubt", "victim_gets"), [
    ("after", "skip", 1), ("before", "skip", 0), ("before", "resend", 1), ("after", "resend", 2),
], ids=["delivered_then_crash_skip", "crash_before_send_skip", "crash_before_send_resend",
        "delivered_then_crash_resend"])
async def test_crash_mid_send_then_restart(fake: FakeBotApi, rt: Runtime, when: str, in_doubt: str,
                                           victim_gets: int) -> None:
    """The one digest in flight at the crash is the only one in doubt: reported, and resolved by policy.
    Every other chat gets exactly one digest, whatever the policy."""
    chats = private_chats(fake, 12)
    for chat in chats:
        add_subscription(rt.knowledge, chat, Target("unit", "区民政局"))
    options = replace(FAST, concurrency=1, in_doubt=in_doubt)  # type: ignore[arg-type]
    async with CrashingBot(fake.token, base_url=fake.base_url, crash_at=5, when=when) as crashing:
        with pytest.raises(Crash):
            await deliverer(crashing, rt, "first", options).run(at(2023, 12, 1))
    async with Bot(fake.token, base_url=fake.base_url) as client:
        report = await deliverer(client, rt, "restarted", options).run(at(2023, 12, 1, 9, 3))
    victim = chats[4]
    assert {e.chat_id for e in report.in_doubt} == {victim} and len(report.in_doubt) == len(MINSHENG_ROWS)
    assert counts(fake, chats) == {chat: victim_gets if chat == victim else 1 for chat in chats}
    statuses = {(r.chat_id, r.status) for r in log_rows(rt.knowledge)}
    assert statuses == {(c, "unknown" if c == victim and in_doubt == "skip" else "sent") for c in chats}


async def test_crash_between_digests_loses_and_repeats_nothing(fake: FakeBotApi, rt: Runtime) -> None:
    chats = private_chats(fake, 10)
    for chat in chats:
        add_subscription(rt.knowledge, chat, Target("unit", "区民政局"))

    class DiesAfterSix(Deliverer):
        async def deliver(self, digest: ChatDigest, report: DeliveryReport) -> None:
            if report.digests == 6:
                raise Crash
            await super().deliver(digest, report)

    async with Bot(fake.token, base_url=fake.base_url) as client:
        first = DiesAfterSix(client, rt.knowledge, rt.catalog, rt.settings, instance="1",
                             options=replace(FAST, concurrency=1))
        with pytest.raises(Crash):
            await first.run(at(2023, 12, 1))
        assert sum(counts(fake, chats).values()) == 6
        report = await deliverer(client, rt, "2").run(at(2023, 12, 1, 9, 5))
        again = await deliverer(client, rt, "3").run(at(2023, 12, 1, 9, 10))
    assert report.in_doubt == [] and report.messages == 4 and again.messages == 0
    assert set(counts(fake, chats).values()) == {1}


async def test_two_instances_on_one_database_send_once(fake: FakeBotApi, rt: Runtime, database_url: str) -> None:
    """Two engines (as two processes would have) racing through the same fan-out."""
    chats = private_chats(fake, 60)
    for n, chat in enumerate(chats):
        add_subscription(rt.knowledge, chat, Target("unit", "区民政局" if n % 2 else "区财政局"))
    second = open_knowledge(database_url)
    try:
        async with Bot(fake.token, base_url=fake.base_url) as one, Bot(fake.token, base_url=fake.base_url) as two:
            # A real claim timeout: with 0, each would take the other's fresh claims for a dead process's.
            both = replace(FAST, claim_timeout=timedelta(minutes=10))
            a = Deliverer(one, rt.knowledge, rt.catalog, rt.settings, instance="A", options=both)
            b = Deliverer(two, second, rt.catalog, rt.settings, instance="B", options=both)
            reports = await asyncio.gather(a.run(at(2023, 12, 1)), b.run(at(2023, 12, 1)))
    finally:
        second.close()
    assert set(counts(fake, chats).values()) == {1}
    assert sum(r.messages for r in reports) == len(chats)
    assert len(log_rows(rt.knowledge)) == sum(r.rows for r in reports)


# --- real processes -----------------------------------------------------------------------------


async def test_sigkill_mid_fan_out_then_restart_delivers_every_reminder_once(
        fake: FakeBotApi, knowledge: KnowledgeBase, database_url: str, tmp_path: Path) -> None:
    expected = populate(fake, knowledge, 1000)

    first = await send_due(fake, database_url, tmp_path, AT)
    while delivered(fake) < 300:
        if first.returncode is not None:
            out, err = await first.communicate()
            pytest.fail(f"send-due ended before the kill: {out.decode()} {err.decode()}")
        await asyncio.sleep(0.002)
    first.send_signal(signal.SIGKILL)
    await first.communicate()
    assert first.returncode == -signal.SIGKILL
    at_kill = delivered(fake)
    assert 300 <= at_kill < 1000, "the kill must land in the middle of the fan-out"

    # Restarted an hour later: still within the 12-hour grace period, so the rest goes out, marked late.
    second = await send_due(fake, database_url, tmp_path, "2023-12-01T10:00+08:00", "--claim-timeout", "0")
    out, err = await second.communicate()
    assert second.returncode == 0, err.decode()

    log = log_rows(knowledge)
    in_doubt = {r.chat_id for r in log if r.status == "unknown"}
    received = Counter({chat: len(fake.bot_messages(chat)) for chat in expected})
    lost = sorted(chat for chat in in_doubt if received[chat] == 0)
    print(f"\nkilled after {at_kill} digests; in doubt at the kill: {len(in_doubt)} chat(s) "
          f"({len(in_doubt) - len(lost)} had arrived, {len(lost)} had not); restart: {out.decode().strip()}")
    assert len(in_doubt) <= 4, "only requests in flight (at most --concurrency) can be in doubt"
    for chat in in_doubt:  # reported by the restart, and never sent twice
        assert f"in doubt: chat {chat} " in out.decode()
        assert received[chat] <= 1
    for chat, rows in expected.items():
        if chat in in_doubt:
            continue
        messages = fake.bot_messages(chat)
        assert len(messages) == 1, f"chat {chat} received {len(messages)} digests"
        # One message: the nearest rows shown, every row logged sent exactly once under that message.
        sent, message_ids = sent_to(log, chat)
        assert rows_in(messages) == nearest(rows), f"chat {chat}"
        assert sorted(sent) == sorted(rows) and set(sent.values()) == {1}, f"chat {chat}"
        assert message_ids == {messages[0].message_id}, f"chat {chat}"
    assert {r.status for r in log} <= {"sent", "unknown"}
    assert Counter(r.status for r in log)["sent"] == sum(len(expected[c]) for c in expected if c not in in_doubt)
    assert {r.late for r in log if r.status == "sent"} == {False, True}  # before the kill on time, after it late


async def test_two_processes_against_one_database_send_each_digest_once(
        fake: FakeBotApi, knowledge: KnowledgeBase, database_url: str, tmp_path: Path) -> None:
    expected = populate(fake, knowledge, 300)
    one, two = await asyncio.gather(send_due(fake, database_url, tmp_path, AT),
                                    send_due(fake, database_url, tmp_path, AT))
    outputs = await asyncio.gather(one.communicate(), two.communicate())
    assert (one.returncode, two.returncode) == (0, 0), [err.decode()[-2000:] for _, err in outputs]
    log = log_rows(knowledge)
    for chat, rows in expected.items():
        messages = fake.bot_messages(chat)
        assert len(messages) == 1 and rows_in(messages) == nearest(rows), f"chat {chat}"
        sent, message_ids = sent_to(log, chat)
        assert sorted(sent) == sorted(rows) and set(sent.values()) == {1}, f"chat {chat}"
        assert message_ids == {messages[0].message_id}, f"chat {chat}"
    assert {r.status for r in log} == {"sent"} and len(log) == sum(len(r) for r in expected.values())
    print("\nsent per process:", dict(Counter(r.claimed_by.split(":")[1] for r in log)),
          [out.decode().strip() for out, _ in outputs])
