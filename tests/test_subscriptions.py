"""Subscriptions: storage and expansion, name resolution as questions do it, and the Telegram commands
(/sub, /unsub, /mysubs with buttons, /deadlines, /deadline) end to end through the fake Bot API,
including who may change a group's subscriptions."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture, polling
from reminders_support import (
    MINSHENG_ROWS,
    Clock,
    SessionThreads,
    add_subscription,
    at,
    build_app,
    fast_runtime,
    rows_in,
)
from telegram import Chat, Message, User

from bot.config import Settings
from bot.pipeline import Duban
from bot.reminders.targets import resolve_targets
from bot.runtime import Runtime
from handlers.subscriptions import CALLBACK_LIMIT, COMMANDS, callback_data, may_change
from knowledge.catalog import Catalog
from knowledge.db import transaction
from knowledge.reminders.deadlines import Deadline
from knowledge.reminders.store import effective, import_schedule, set_deadline, stored_deadlines
from knowledge.reminders.subscriptions import (
    Target,
    active_chats,
    list_subscriptions,
    move_chat,
    pause_chat,
    resume_chat,
    subscribe,
    target_rows,
    unsubscribe,
    unsubscribe_all,
)

fake = make_fake_bot_fixture()
ADMIN_ID = 777_000_001
NOW = datetime(2023, 11, 30, 1, 0, tzinfo=UTC)




@pytest.fixture
def rt(settings: Settings, shared_catalog: Catalog, duban: Duban) -> Iterator[Runtime]:
    runtime = fast_runtime(settings, shared_catalog, duban, admins=frozenset({ADMIN_ID}))
    yield runtime
    runtime.knowledge.close()


# --- storage and expansion ----------------------------------------------------------------------


def test_subscribe_is_idempotent_and_unsubscribe_removes(rt: Runtime) -> None:
    unit = Target("unit", "区民政局")
    with transaction(rt.knowledge.sessions) as session:
        assert subscribe(session, 42, "private", unit, created_by=42, now=NOW) is True
        assert subscribe(session, 42, "private", unit, created_by=42, now=NOW) is False
        assert subscribe(session, 42, "private", Target("row", "K5-12"), created_by=42, now=NOW) is True
    with rt.knowledge.sessions() as session:
        assert [s.target for s in list_subscriptions(session, 42)] == [unit, Target("row", "K5-12")]
    with transaction(rt.knowledge.sessions) as session:
        assert unsubscribe(session, 42, unit) is True
        assert unsubscribe(session, 42, unit) is False
        assert unsubscribe_all(session, 42) == 1
        assert list_subscriptions(session, 42) == []


def test_target_validation() -> None:
    with pytest.raises(ValueError):
        Target("all", "x")
    with pytest.raises(ValueError):
        Target("unit", "")
    with pytest.raises(ValueError):
        Target("team", "x")  # type: ignore[arg-type]


@pytest.mark.parametrize(("target", "expected"), [
    (Target("unit", "区民政局"), set(MINSHENG_ROWS)),
    (Target("row", "K5-12"), {"K5-12"}),
    (Target("row", "K99-1"), set()),
    (Target("unit", "不存在的单位"), set()),
], ids=["unit_rows_naming_it", "one_row", "unknown_row", "unknown_unit"])
def test_target_rows(shared_catalog: Catalog, target: Target, expected: set[str]) -> None:
    assert target_rows(shared_catalog, target) == expected


def test_leader_and_all_targets(shared_catalog: Catalog) -> None:
    leader = target_rows(shared_catalog, Target("leader", "伍国军"))
    assert {"K5-12", "L5-1"} <= leader and all(shared_catalog.by_id[r].leader == "伍国军" for r in leader)
    assert target_rows(shared_catalog, Target("all")) == set(shared_catalog.by_id)


def test_active_chats_merge_targets_and_skip_paused(rt: Runtime) -> None:
    add_subscription(rt.knowledge, 1, Target("unit", "区民政局"))
    add_subscription(rt.knowledge, 1, Target("row", "K2-2"))
    add_subscription(rt.knowledge, -1001, Target("row", "K5-12"), "supergroup")
    add_subscription(rt.knowledge, 3, Target("all"))
    with transaction(rt.knowledge.sessions) as session:
        assert pause_chat(session, 3, "Forbidden: bot was blocked by the user", NOW) == 1
    with rt.knowledge.sessions() as session:
        chats = active_chats(session, rt.catalog)
    assert set(chats) == {1, -1001}
    assert chats[1].row_ids == {*MINSHENG_ROWS, "K2-2"}
    assert chats[-1001].chat_type == "supergroup" and chats[-1001].row_ids == {"K5-12"}


def test_resume_and_move_chat(rt: Runtime) -> None:
    add_subscription(rt.knowledge, -5, Target("row", "K5-12"), "group")
    with transaction(rt.knowledge.sessions) as session:
        pause_chat(session, -5, "kicked", NOW)
        assert resume_chat(session, -5) == 1
        assert resume_chat(session, -5) == 0
        assert move_chat(session, -5, -1005) == 1
    with rt.knowledge.sessions() as session:
        [sub] = list_subscriptions(session)
    assert (sub.chat_id, sub.chat_type, sub.paused) == (-1005, "supergroup", False)


def test_a_migrated_group_keeps_its_reminder_log(rt: Runtime) -> None:
    """A group that became a supergroup must not get the reminders it already had a second time."""
    from knowledge.reminders.log import claim
    from knowledge.reminders.plan import DueRow

    row = DueRow("K5-12", date(2023, 12, 31), 30, "")
    add_subscription(rt.knowledge, -6, Target("row", "K5-12"), "group")
    with transaction(rt.knowledge.sessions) as session:
        assert claim(session, rt.catalog.key, -6, date(2023, 12, 1), [row], digest="d", instance="i", now=NOW)
    with transaction(rt.knowledge.sessions) as session:
        move_chat(session, -6, -1006)
    with transaction(rt.knowledge.sessions) as session:
        assert claim(session, rt.catalog.key, -1006, date(2023, 12, 1), [row], digest="e", instance="i",
                     now=NOW) == []


def test_deadline_precedence_admin_schedule_default(rt: Runtime) -> None:
    key = rt.catalog.key
    with transaction(rt.knowledge.sessions) as session:
        import_schedule(session, key, [Deadline("K5-12", date(2023, 9, 30), "三季度", "schedule"),
                                       Deadline("K5-12", date(2023, 6, 30), "过半", "schedule"),
                                       Deadline("K5-13", date(2023, 8, 31), "", "schedule")],
                        set_by="import:plan.csv", now=NOW)
        assert set_deadline(session, key, Deadline("K5-13", date(2023, 7, 15), "", "admin"),
                            set_by="telegram:1", now=NOW) is False
        assert set_deadline(session, key, Deadline("K5-13", date(2023, 7, 20), "", "admin"),
                            set_by="telegram:1", now=NOW) is True
    with rt.knowledge.sessions() as session:
        rows = effective(session, rt.catalog)
        assert [(d.due, d.source) for d in rows["K5-12"]] == [(date(2023, 6, 30), "schedule"),
                                                              (date(2023, 9, 30), "schedule")]
        assert [(d.due, d.source) for d in rows["K5-13"]] == [(date(2023, 7, 20), "admin")]
        assert [(d.due, d.source) for d in rows["L5-1"]] == [(date(2023, 12, 31), "default")]
        assert effective(session, rt.catalog, "6月底前")["L5-1"][0].due == date(2023, 6, 30)
        assert effective(session, rt.catalog, "长期坚持")["L5-1"] == []
        assert len(stored_deadlines(session, key)) == 4
    with transaction(rt.knowledge.sessions) as session:  # a new schedule replaces the old one entirely
        import_schedule(session, key, [Deadline("K5-12", date(2023, 10, 31), "", "schedule")],
                        set_by="import:v2.csv", now=NOW)
        assert [s.deadline.due for s in stored_deadlines(session, key, "K5-12")] == [date(2023, 10, 31)]


# --- resolving names as questions do ------------------------------------------------------------


@pytest.mark.parametrize(("text", "targets"), [
    ("区民政局", [Target("unit", "区民政局")]),
    ("民政局", [Target("unit", "区民政局")]),
    ("民证局", [Target("unit", "区民政局")]),
    ("伍国君", [Target("leader", "伍国军")]),
    ("人社局", [Target("unit", "区人力社保局")]),
    ("伍国军", [Target("leader", "伍国军")]),
    ("K5-12", [Target("row", "K5-12")]),
    ("ｋ５－１２", [Target("row", "K5-12")]),
    ("五-12", [Target("row", "K5-12")]),
    ("民生实事5-1", [Target("row", "L5-1")]),
    ("民生实事 5-1", [Target("row", "L5-1")]),
    ("全部", [Target("all")]),
    ("区民政局 K5-12，伍国军", [Target("unit", "区民政局"), Target("row", "K5-12"), Target("leader", "伍国军")]),
    ("区民政局和区财政局", [Target("unit", "区民政局"), Target("unit", "区财政局")]),
], ids=["canonical", "short_form", "typo", "leader_typo", "alias", "leader", "row", "fullwidth_row", "section_code",
        "livelihood_code", "livelihood_code_spaced", "all",
        "several", "joined_by_he"])
def test_resolution_follows_question_resolution(duban: Duban, text: str, targets: list[Target]) -> None:
    resolution = resolve_targets(duban, text)
    assert resolution.ok, f"{text}: {resolution.problem}"
    assert resolution.targets == targets, text


@pytest.mark.parametrize(("text", "says", "suggests"), [
    ("潘旭", "潘旭", "潘旭光"),
    ("区教育厅", "区教育厅", "区教育局"),
    ("火星街道", "火星街道", None),  # 五马街道 shares only 街道: no stranger is offered
    ("K5-99", "K5-99", "五-17"),
    ("老年食堂", "老年食堂", None),
    ("区民政局 区教育厅", "区教育厅", "区教育局"),
], ids=["partial_leader_name", "close_unit_name", "unknown_street", "unknown_row", "topic_not_a_name",
        "one_bad_piece_refuses_all"])
def test_unknown_names_are_refused_with_suggestions(duban: Duban, text: str, says: str,
                                                    suggests: str | None) -> None:
    resolution = resolve_targets(duban, text)
    assert not resolution.ok and resolution.targets == []
    assert says in resolution.problem
    if suggests:
        assert suggests in resolution.suggestions and suggests in resolution.problem
    else:
        assert resolution.suggestions == []
        assert "/sub 编号" in resolution.problem


def test_callback_data_is_checked_against_telegrams_limit() -> None:
    assert callback_data("r", "123") == "sb:r:123"
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data("a", "区现代社区建设暨“共享社·幸福里”建设领导小组其他成员单位")
    assert CALLBACK_LIMIT == 64
    assert {name for name, _, _ in COMMANDS} == {"sub", "unsub", "mysubs", "deadlines", "deadline"}


# --- Telegram, end to end -----------------------------------------------------------------------


async def test_private_sub_mysubs_button_and_unsub(fake: FakeBotApi, rt: Runtime) -> None:
    async with polling(build_app(fake, rt, Clock(at(2023, 11, 30)))):
        user = fake.add_user("李雷")
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "/sub 民政局")
        [reply] = await fake.wait_for_bot_messages(chat)
        assert "已订阅 区民政局，共 9 项工作" in reply.text
        assert "期限前 30、7、1 天、到期当天和逾期后 1 天的 09:00" in reply.text
        assert "各街镇" not in reply.text and "全区各部门" in reply.text  # group addressees are not included

        await fake.send_text(chat, user, "/sub K5-12 潘旭")
        [refusal] = await fake.wait_for_bot_messages(chat)
        assert "没有找到“潘旭”" in refusal.text and "潘旭光" in refusal.text
        assert refusal.button_texts == ["潘旭光？"]
        await fake.press_button(chat, user, refusal, button_text="潘旭光？")  # a suggestion only asks
        await fake.wait_for_call("editMessageText")
        assert refusal.text.startswith("要订阅“潘旭光”吗？共 1 项工作")
        assert refusal.button_texts == ["订阅 潘旭光", "不用了"]
        await fake.press_button(chat, user, refusal, button_text="订阅 潘旭光")
        await fake.wait_for_call("editMessageText", lambda c: "已订阅" in str(c.params.get("text")))
        assert "已订阅 潘旭光" in fake.bot_messages(chat)[-1].text

        await fake.send_text(chat, user, "/mysubs")
        [listing] = await fake.wait_for_bot_messages(chat)
        assert "区民政局（9 项）" in listing.text and "潘旭光" in listing.text
        assert listing.button_texts == ["取消 区民政局", "取消 潘旭光"]
        query = await fake.press_button(chat, user, listing, button_text="取消 区民政局")
        answered = await fake.wait_for_callback_answer(query)
        assert answered.text == "已取消订阅 区民政局。" and not answered.show_alert
        await fake.wait_for_call("editMessageText")
        assert listing.button_texts == ["取消 潘旭光"]  # the list was redrawn in place

        await fake.send_text(chat, user, "/unsub 潘旭光 K5-12")
        [done] = await fake.wait_for_bot_messages(chat)
        assert "已取消订阅 潘旭光" in done.text and "没有订阅 五-12" in done.text
    with rt.knowledge.sessions() as session:
        assert list_subscriptions(session, chat.id) == []


async def test_only_group_admins_change_group_subscriptions(fake: FakeBotApi, rt: Runtime) -> None:
    async with polling(build_app(fake, rt, Clock(at(2023, 11, 30)))):
        admin, member = fake.add_user("管理员"), fake.add_user("群成员")
        group = fake.group_chat("督办群", {admin: "administrator", member: "member"})

        await fake.send_text(group, member, "/sub 区民政局")
        [refused] = await fake.wait_for_bot_messages(group)
        assert "只有本群的管理员" in refused.text
        with rt.knowledge.sessions() as session:
            assert list_subscriptions(session, group.id) == []

        await fake.send_text(group, admin, "/sub 区民政局")
        [ok] = await fake.wait_for_bot_messages(group)
        assert "已订阅 区民政局" in ok.text

        await fake.send_text(group, member, "/mysubs")  # reading is open to everyone
        [listing] = await fake.wait_for_bot_messages(group)
        query = await fake.press_button(group, member, listing, button_text="取消 区民政局")
        alert = await fake.wait_for_callback_answer(query)
        assert alert.show_alert and "只有本群的管理员" in (alert.text or "")
        await fake.send_text(group, member, "/unsub 全部")
        [refused_again] = await fake.wait_for_bot_messages(group)
        assert "只有本群的管理员" in refused_again.text

        fake.set_member_status(group, admin, "member")  # demoted: checked on every change, never cached
        await fake.send_text(group, admin, "/unsub 区民政局")
        [demoted] = await fake.wait_for_bot_messages(group)
        assert "只有本群的管理员" in demoted.text
        fake.set_member_status(group, admin, "creator")
        query = await fake.press_button(group, admin, listing, button_text="取消 区民政局")
        assert not (await fake.wait_for_callback_answer(query)).show_alert
        await fake.wait_for_call("editMessageText")
    with rt.knowledge.sessions() as session:
        assert list_subscriptions(session, group.id) == []
    assert len(fake.calls_to("getChatMember")) >= 5


async def test_anonymous_group_admin_may_change() -> None:
    group = Chat(-100123, "supergroup")
    message = Message(1, datetime.now(UTC), group, sender_chat=group,
                      from_user=User(1087968824, "Group", is_bot=True))
    assert await may_change(None, message, message.from_user) is True  # type: ignore[arg-type]
    private = Message(2, datetime.now(UTC), Chat(5, "private"), from_user=User(5, "x", is_bot=False))
    assert await may_change(None, private, private.from_user) is True  # type: ignore[arg-type]


async def test_deadline_is_admin_only_and_shows_in_deadlines(fake: FakeBotApi, rt: Runtime) -> None:
    clock = Clock(at(2023, 6, 1))
    async with polling(build_app(fake, rt, clock)):
        admin = fake.add_user("督办员", user_id=ADMIN_ID)
        someone = fake.add_user("路人")
        admin_chat, other_chat = fake.private_chat(admin), fake.private_chat(someone)

        await fake.send_text(other_chat, someone, "/deadline K5-12 2023-06-30 完成过半")
        [refused] = await fake.wait_for_bot_messages(other_chat)
        assert "只有督办管理员" in refused.text

        await fake.send_text(admin_chat, admin, "/deadline 五-12 2023-06-30 完成过半")
        [done] = await fake.wait_for_bot_messages(admin_chat)
        assert "已设置 五-12 的期限：2023年6月30日（完成过半）" in done.text
        # Every written form of a row code, and every refusal in Chinese with the row as users number it.
        for command in ("/deadline ｋ５－１３ 三季度末", "/deadline K5-14 长期坚持", "/deadline K9-99 2023-06-30",
                        "/deadline 五-15 2023-02-30", "/deadline 五-15 下辈子"):
            await fake.send_text(admin_chat, admin, command)
        set13, open_ended, unknown, impossible, unreadable = await fake.wait_for_bot_messages(admin_chat, 5)
        assert "已设置 五-13 的期限：2023年9月30日" in set13.text
        assert "长期坚持" in open_ended.text and "没有具体日期" in open_ended.text
        assert "没有找到任务编号“K9-99”" in unknown.text
        assert "看不懂期限“2023-02-30”" in impossible.text and "看不懂期限“下辈子”" in unreadable.text
        for reply in (set13, open_ended, unknown, impossible, unreadable):
            assert not re.search(r"[A-Za-z]{3,}", reply.text.replace("K9-99", "")), reply.text
        await fake.send_text(admin_chat, admin, "/deadline 民生实事 5-1 2023-11-30")
        await fake.send_text(admin_chat, admin, "/deadline 民生实事5-1 清除")
        set_l, cleared_l = await fake.wait_for_bot_messages(admin_chat, 2)
        assert "已设置 民生实事 5-1 的期限：2023年11月30日" in set_l.text
        assert "已清除 民生实事 5-1 的 1 个管理员期限" in cleared_l.text

        await fake.send_text(other_chat, someone, "/deadlines")
        [none] = await fake.wait_for_bot_messages(other_chat)
        assert "还没有订阅" in none.text
        await fake.send_text(other_chat, someone, "/sub K5-12 K5-16")
        await fake.wait_for_bot_messages(other_chat)
        clock.now = at(2023, 7, 5)
        await fake.send_text(other_chat, someone, "/deadlines")
        [listing] = await fake.wait_for_bot_messages(other_chat)
        assert "已逾期 1 项" in listing.text and "即将到期 1 项" in listing.text
        assert rows_in([listing]) == ["K5-12", "K5-16"]
        assert "完成过半" in listing.text and "管理员设定" in listing.text and "默认期限" in listing.text

        await fake.send_text(admin_chat, admin, "/deadline K5-12 清除")
        [cleared] = await fake.wait_for_bot_messages(admin_chat)
        assert "已清除 五-12 的 1 个管理员期限" in cleared.text
    with rt.knowledge.sessions() as session:
        assert [s.deadline.row_id for s in stored_deadlines(session, rt.catalog.key)] == ["K5-13"]


async def test_commands_do_their_database_work_off_the_event_loop(fake: FakeBotApi, rt: Runtime,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session the commands and buttons open is opened in a worker thread: on PostgreSQL a round
    trip made on the event loop would stall every update the Application handles concurrently."""
    sessions = SessionThreads(rt.knowledge.sessions)
    monkeypatch.setattr(rt.knowledge, "sessions", sessions)
    loop_thread = threading.get_ident()
    async with polling(build_app(fake, rt, Clock(at(2023, 11, 30)))):
        admin = fake.add_user("督办员", user_id=ADMIN_ID)
        chat = fake.private_chat(admin)
        await fake.send_text(chat, admin, "/sub 区民政局")
        await fake.send_text(chat, admin, "/sub 潘旭")
        _, refusal = await fake.wait_for_bot_messages(chat, 2)
        await fake.press_button(chat, admin, refusal, button_text="潘旭光？")  # sb:c: only asks
        await fake.wait_for_call("editMessageText")
        assert "要订阅“潘旭光”吗" in refusal.text
        await fake.press_button(chat, admin, refusal, button_text="订阅 潘旭光")  # sb:a: subscribes
        await fake.wait_for_call("editMessageText")
        await fake.send_text(chat, admin, "/mysubs")
        [listing] = await fake.wait_for_bot_messages(chat)
        await fake.press_button(chat, admin, listing, button_text="取消 区民政局")  # sb:r: removes
        await fake.wait_for_call("editMessageText")
        assert listing.text.endswith("1. 潘旭光（1 项）")  # redrawn without the removed subscription
        replies = []
        for command in ("/deadlines", "/deadline K5-12 2023-12-30", "/deadline K5-12 清除", "/unsub 潘旭光",
                        "/unsub 全部"):
            await fake.send_text(chat, admin, command)
            replies += await fake.wait_for_bot_messages(chat)
        assert "已取消订阅 潘旭光" in replies[3].text and "还没有订阅" in replies[4].text
    assert len(sessions.threads) >= 11 and loop_thread not in sessions.threads


async def test_usage_texts(fake: FakeBotApi, rt: Runtime) -> None:
    async with polling(build_app(fake, rt)):
        user = fake.add_user("韩梅梅")
        chat = fake.private_chat(user)
        for command in ("/sub", "/mysubs", "/unsub 全部"):
            await fake.send_text(chat, user, command)
        usage, empty, nothing = await fake.wait_for_bot_messages(chat, 3)
        assert "/sub 区民政局" in usage.text
        assert "还没有订阅" in empty.text and "还没有订阅" in nothing.text


def test_chat_types_are_checked_where_strings_come_in() -> None:
    from knowledge.chats import chat_type

    assert chat_type("supergroup") == "supergroup"
    with pytest.raises(ValueError, match="unknown chat type 'sender'"):
        chat_type("sender")  # Telegram's inline-query chat type is no chat the bot keeps
