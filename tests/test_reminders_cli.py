"""`duban reminders|subscriptions|deadlines`: the dry run of CONTRACT §7 and the operators' commands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import typer
from cli_support import cli_app, run
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture, polling
from reminders_support import MINSHENG_ROWS, Clock, at, build_app, fast_runtime, log_rows
from telegram import Bot
from typer.core import TyperGroup

from bot.cli.reminders import deadlines_app, register, reminders_app, subscriptions_app
from bot.config import Settings
from bot.pipeline import Duban
from bot.runtime import Runtime
from handlers.delivery import Deliverer, DeliveryOptions, DeliveryReport
from knowledge.catalog import Catalog
from knowledge.reminders.subscriptions import Target

fake = make_fake_bot_fixture()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "reminders.md"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """The three command groups on a `duban`-like app, pointed at the test database."""
    return cli_app(register, database_url, tmp_path, monkeypatch)


@pytest.fixture
def rt(settings: Settings, shared_catalog: Catalog, duban: Duban) -> Iterator[Runtime]:
    runtime = fast_runtime(settings, shared_catalog, duban)
    yield runtime
    runtime.knowledge.close()


def due(app: typer.Typer, instant: str, *extra: str) -> dict[str, object]:
    return json.loads(run(app, "reminders", "due", "--at", instant, "--json", *extra))


async def test_dry_run_of_a_telegram_sub_shows_what_is_then_sent(fake: FakeBotApi, rt: Runtime,
                                                                 cli: typer.Typer) -> None:
    """CONTRACT §7: /sub 区民政局 in a private chat; at 2023-12-01T09:00+08:00 its 30-day reminders."""
    async with polling(build_app(fake, rt, Clock(at(2023, 11, 30)))):
        user = fake.add_user("李雷")
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "/sub 区民政局")
        await fake.wait_for_bot_messages(chat)

    plan = due(cli, "2023-12-01T09:00+08:00")
    assert plan == {"at": "2023-12-01T09:00:00+08:00", "chats": [{
        "chat_id": chat.id, "chat_type": "private",
        "rows": [{"id": row, "deadline": "2023-12-31", "days_before": 30, "milestone": ""}
                 for row in MINSHENG_ROWS]}]}
    assert due(cli, "2023-12-24T09:00+08:00")["chats"] == []  # a Sunday: its 7-day step moved to Friday 12-22
    assert [r["days_before"] for c in due(cli, "2023-12-22T09:00+08:00")["chats"]  # type: ignore[attr-defined]
            for r in c["rows"]] == [7] * 9
    # Nothing was sent or recorded by the dry runs ...
    assert len(fake.bot_messages(chat)) == 1 and log_rows(rt.knowledge) == []
    # ... and the delivery at that instant sends exactly what the dry run showed.
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        await Deliverer(bot, rt.knowledge, rt.catalog, rt.settings, instance="t").run(at(2023, 12, 1))
    assert {(r.chat_id, r.row_id, r.days_before) for r in log_rows(rt.knowledge)} == {
        (chat.id, row, 30) for row in MINSHENG_ROWS}
    assert due(cli, "2023-12-01T09:00+08:00")["chats"] == []  # already sent: nothing more would go out
    assert len(due(cli, "2023-12-01T09:00+08:00", "--all")["chats"]) == 1  # type: ignore[arg-type]


def test_subscriptions_commands(cli: typer.Typer) -> None:
    assert "subscribed: 4242 unit 区民政局 (9 rows)" in run(cli, "subscriptions", "add", "4242", "民政局")
    assert "already subscribed" in run(cli, "subscriptions", "add", "4242", "区民政局")
    run(cli, "subscriptions", "add", "--", "-1001234567890", "伍国军", "K5-12")
    listed = json.loads(run(cli, "subscriptions", "list", "--json"))
    assert [(s["chat_id"], s["chat_type"], s["kind"], s["target"]) for s in listed] == [
        (-1001234567890, "supergroup", "leader", "伍国军"), (-1001234567890, "supergroup", "row", "K5-12"),
        (4242, "private", "unit", "区民政局")]
    assert "4242\tprivate\tunit\t区民政局\t9 rows" in run(cli, "subscriptions", "list", "--chat", "4242")
    refused = run(cli, "subscriptions", "add", "4242", "潘旭", code=1)
    assert "没有找到“潘旭”" in refused and "潘旭光" in refused
    assert "removed: 4242 区民政局" in run(cli, "subscriptions", "remove", "4242", "区民政局")
    assert "not subscribed: 4242 区民政局" in run(cli, "subscriptions", "remove", "4242", "区民政局")
    assert "resumed 0" in run(cli, "subscriptions", "resume", "4242")


def test_deadline_commands_and_precedence(cli: typer.Typer, tmp_path: Path) -> None:
    run(cli, "subscriptions", "add", "4242", "K5-12", "K5-13")
    schedule = tmp_path / "plan.csv"
    schedule.write_text("id,date,milestone\nK5-12,6月底前,完成过半\nK5-12,2023-09-30,基本完成\nK5-13,三季度末,\n",
                        encoding="utf-8")
    assert "imported 3 deadline(s) for 2 row(s)" in run(cli, "deadlines", "import", str(schedule))
    assert "set: K5-13 2023-07-15 提前" in run(cli, "deadlines", "set", "K5-13", "2023-07-15", "提前")
    effective = json.loads(run(cli, "deadlines", "list", "--effective", "--json"))
    mine = [(d["id"], d["deadline"], d["source"]) for d in effective if d["id"] in ("K5-12", "K5-13", "K5-14")]
    assert mine == [("K5-12", "2023-06-30", "schedule"), ("K5-12", "2023-09-30", "schedule"),
                    ("K5-13", "2023-07-15", "admin"), ("K5-14", "2023-12-31", "default")]
    # 30 days before 06-30 is Wednesday 05-31: the milestone shows in the dry run.
    [chat] = due(cli, "2023-05-31T09:00+08:00")["chats"]  # type: ignore[misc]
    assert chat["rows"] == [{"id": "K5-12", "deadline": "2023-06-30", "days_before": 30, "milestone": "完成过半"}]
    assert "removed 1 admin deadline(s) of K5-13" in run(cli, "deadlines", "clear", "K5-13")
    assert "K5-13\t2023-09-30\tschedule" in run(cli, "deadlines", "list")

    broken = tmp_path / "broken.csv"
    broken.write_text("K5-12,2023-06-30\nK5-13,下个月\n", encoding="utf-8")
    error = run(cli, "deadlines", "import", str(broken), code=1)
    assert f"{broken}:2:" in error and "下个月" in error and "数据库未作任何改动" in error
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[[deadline]]\nid = "K9-99"\ndue = 2023-06-30\n', encoding="utf-8")
    assert "K9-99" in run(cli, "deadlines", "import", str(unknown), code=1)
    assert len(json.loads(run(cli, "deadlines", "list", "--json"))) == 3  # the failed imports changed nothing
    assert "长期坚持" in run(cli, "deadlines", "set", "K5-12", "长期坚持", code=2)
    assert "中没有 K9-99" in run(cli, "deadlines", "set", "K9-99", "2023-06-30", code=2)


def test_at_option_and_status(cli: typer.Typer) -> None:
    run(cli, "subscriptions", "add", "4242", "K5-12")
    assert "ISO 8601" in run(cli, "reminders", "due", "--at", "tomorrow", code=2)
    naive = due(cli, "2023-12-01T09:00")  # no offset: the policy's zone
    assert naive["at"] == "2023-12-01T09:00:00+08:00" and len(naive["chats"]) == 1  # type: ignore[arg-type]
    text = run(cli, "reminders", "due", "--at", "2023-12-01T09:00+08:00")
    assert "chat 4242 (private)" in text and "五-12" in text and "还有 30 天到期" in text
    assert "no reminders recorded" in run(cli, "reminders", "status")
    assert json.loads(run(cli, "reminders", "status", "--json"))["in_doubt"] == []
    assert "0 in-doubt reminder(s)" in run(cli, "reminders", "requeue-unknown")


@pytest.mark.parametrize("group", [reminders_app, subscriptions_app, deadlines_app],
                         ids=["reminders", "subscriptions", "deadlines"])
def test_every_command_has_an_example_and_is_documented(group: typer.Typer) -> None:
    command = typer.main.get_command(group)
    assert isinstance(command, TyperGroup)
    docs = DOCS.read_text(encoding="utf-8")
    name = {reminders_app: "reminders", subscriptions_app: "subscriptions", deadlines_app: "deadlines"}[group]
    for sub_name, sub in command.commands.items():
        assert "Example: duban" in (sub.help or ""), f"duban {name} {sub_name} --help has no example"
        assert f"duban {name} {sub_name}" in docs, f"docs/reminders.md does not mention duban {name} {sub_name}"
    assert Target("all").label == "全部工作"


async def test_send_due_defaults_come_from_the_reminders_settings(fake: FakeBotApi, cli: typer.Typer, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`in_doubt = "resend"` in config.toml reaches `duban reminders send-due`; an option given wins."""
    (tmp_path / "config.toml").write_text('[reminders]\nin_doubt = "resend"\nsend_rate = 7.5\nconcurrency = 2\n'
                                          'claim_timeout_minutes = 3\n', encoding="utf-8")
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", fake.token)
    monkeypatch.setenv("DUBAN_TELEGRAM_BASE_URL", fake.base_url)
    seen: list[DeliveryOptions] = []

    async def record(self: Deliverer, instant: datetime) -> DeliveryReport:
        seen.append(self.options)
        return DeliveryReport(instant)

    monkeypatch.setattr(Deliverer, "run", record)
    await asyncio.to_thread(run, cli, "reminders", "send-due", "--at", "2023-12-01T09:00+08:00")
    assert (seen[-1].in_doubt, seen[-1].rate, seen[-1].concurrency, seen[-1].claim_timeout) == (
        "resend", 7.5, 2, timedelta(minutes=3))
    await asyncio.to_thread(run, cli, "reminders", "send-due", "--in-doubt", "skip", "--rate", "1")
    assert (seen[-1].in_doubt, seen[-1].rate, seen[-1].concurrency) == ("skip", 1.0, 2)
