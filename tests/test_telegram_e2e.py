"""The real Application from bot/app.py against the strict fake Bot API: what a Telegram user sees.

Every test ends with the fake asserting that the bot caused no rejection the test did not expect.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import importlib
import os
import pkgutil
import random
import re
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from fakebot import FakeBotApi, FakeChat, FakeMessage, FakeUser
from fakebot.fixtures import make_fake_bot_fixture, running_fake

import handlers
from benchmarks.documents import generated
from bot import messages as msg
from bot.app import (
    ALLOWED_UPDATES,
    HANDLER_MODULES,
    bot_commands,
    build_application,
    polling,
    webhook_options,
)
from bot.config import Settings
from bot.examples import chrome
from bot.progress import messages as pm
from bot.reminders import messages as rm
from bot.render import render_text
from bot.runtime import Runtime
from handlers import texts as tx
from handlers.inline import PAGE_RESULTS
from handlers.pages import PAGE_ITEMS
from knowledge.ingest import import_document
from knowledge.reminders.store import plan, policy_from, stored_deadlines
from knowledge.reminders.subscriptions import Target, list_subscriptions

fake = make_fake_bot_fixture()
BOT = "duban_test_bot"
ROOT = Path(__file__).resolve().parents[1]
_retry_after_warning = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture(scope="module")
def tg_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """One runtime for the module: the document is loaded once, the tests only read it."""
    base = tmp_path_factory.mktemp("telegram")
    runtime = Runtime(settings=Settings(data_dir=base / "data", database_url=f"sqlite:///{base / 'duban.sqlite3'}"))
    runtime.duban.ask("帮助")
    yield runtime
    if "knowledge" in runtime.__dict__:
        runtime.knowledge.close()


def running(fake: FakeBotApi, runtime: Runtime) -> contextlib.AbstractAsyncContextManager[Any]:
    """The bot as `duban run` builds it, polling the fake, stopped cleanly on exit."""
    return polling(build_application(runtime, token=fake.token, base_url=fake.base_url), timeout=1.0)


@pytest_asyncio.fixture
async def bot(fake: FakeBotApi, tg_runtime: Runtime) -> AsyncIterator[Any]:
    async with running(fake, tg_runtime) as app:
        yield app


def visible(message: FakeMessage) -> str:
    """What the user reads, checked against the HTML the bot sent (escaping round-trips)."""
    assert html.unescape(re.sub(r"</?[a-z][^>]*>", "", message.raw_text)).strip() == message.text
    return message.text


def group(fake: FakeBotApi, *users: FakeUser) -> FakeChat:
    return fake.group_chat("民政局工作群", {user: "member" for user in users})


async def ask(fake: FakeBotApi, chat: FakeChat, user: FakeUser, text: str, **kwargs: Any) -> FakeMessage:
    await fake.send_text(chat, user, text, **kwargs)
    [reply] = await fake.wait_for_bot_messages(chat)
    return reply


async def press(fake: FakeBotApi, chat: FakeChat, user: FakeUser, message: FakeMessage, data: str) -> Any:
    query_id = await fake.press_button(chat, user, message, data)
    return await fake.wait_for_callback_answer(query_id)


def button(message: FakeMessage, text: str) -> dict[str, Any]:
    found = next((b for row in message.buttons for b in row if b["text"].startswith(text)), None)
    assert found is not None, f"no button {text!r} in {message.button_texts}"
    return found


# --- private chats -------------------------------------------------------------------------------


async def test_command_menus_are_published(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    published = bot.bot_data.commands  # every handler module's COMMANDS, reminders' included
    for scope, chat in (("private", fake.private_chat(user)), ("group", group(fake, user))):
        menu = {c["command"]: c["description"] for c in fake.effective_commands(chat, user)}
        assert list(menu) == [c.command for c in published[scope]]
        assert {"start", "help", "ask", "unit", "leader", "item"} <= set(menu)
        assert "区民政局" in menu["unit"]
        # The bundled document's menu lines, written once, unchanged.
        assert (menu["ask"], menu["leader"], menu["sub"]) == (tx.CMD_ASK, tx.CMD_LEADER, rm.CMD_SUB)


def test_command_menus_follow_the_modules_convention(caplog: pytest.LogCaptureFixture) -> None:
    module = types.ModuleType("handlers.example")
    module.COMMANDS = [("sub", "订阅", ("private", "group")), ("deadline", "设置期限", ("private",)),
                       ("Bad-Name", "坏", ("private",)), ("empty", "", ("group",)), ("oops",), ("sub", "重复", "group")]
    menus = bot_commands([module])
    assert [(c.command, c.description) for c in menus["private"]] == [("sub", "订阅"), ("deadline", "设置期限")]
    assert [c.command for c in menus["group"]] == ["sub"]
    assert caplog.text.count("handlers.example") == 3


async def test_private_question_is_answered_with_detail_buttons(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    reply = await ask(fake, chat, user, "区民政局负责哪些民生实事")
    assert visible(reply).startswith("区民政局")
    assert "民生实事 5-1" in reply.text and reply.reply_to is None
    assert reply.entity_texts("bold")[0] == reply.text.splitlines()[0]
    assert "民生实事 5-1" in reply.button_texts

    await press(fake, chat, user, reply, button(reply, "民生实事 5-1")["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert "牵头单位：区民政局" in visible(reply) and "牵头区领导：伍国军" in reply.text
    back = button(reply, tx.BACK)
    await press(fake, chat, user, reply, back["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert visible(reply).startswith("区民政局") and "民生实事 5-1" in reply.button_texts


async def test_start_shows_the_document_and_example_buttons(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    intro = await ask(fake, chat, user, "/start")
    assert "温鹿政办〔2023〕12号" in visible(intro) and "重点工作 142 项" in intro.text
    assert intro.button_texts == list(msg.EXAMPLES)
    answer = await fake.wait_for_callback_answer(await fake.press_button(
        chat, user, intro, button_text=msg.EXAMPLES[0]))
    assert not answer.show_alert
    [reply] = await fake.wait_for_bot_messages(chat)
    assert visible(reply).startswith("区民政局")
    help_text = await ask(fake, chat, user, "/help")
    assert f"@{BOT}" in visible(help_text)


@pytest.mark.parametrize(("command", "expected"), [
    ("/unit 区民政局", "区民政局共涉及"), ("/leader 伍国军", "伍国军"), ("/item 五-12", "责任单位：区民政局（牵头）"),
    ("/item K5-12", "牵头区领导：伍国军"), ("/item ｋ５－１２", "牵头区领导：伍国军"),
    ("/item 民生实事5-1", "牵头单位：区民政局"), ("/item L5-1", "牵头单位：区民政局"),
    ("/item 五-99", "文件中没有编号“五-99”的条目"), ("/item 老年食堂", "文件中没有编号“老年食堂”的条目"),
    ("/ask", "请在命令后写上问题"), ("/unit", "请在命令后写上单位名称"), ("/unknowncmd", tx.UNKNOWN_COMMAND),
], ids=["unit", "leader", "item-label", "item-id", "item-fullwidth", "item-livelihood", "item-livelihood-id",
        "item-missing", "item-topic", "ask-empty", "unit-empty", "unknown-command"])
async def test_commands(fake: FakeBotApi, bot: Any, command: str, expected: str) -> None:
    user = fake.add_user("Li")
    reply = await ask(fake, fake.private_chat(user), user, command)
    assert expected in visible(reply)


async def test_long_answer_pages_in_place(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    reply = await ask(fake, chat, user, "重点工作有多少项")
    pages = -(-142 // PAGE_ITEMS)
    # ⏮ and ⏭ appear when the end is more than one step away: on page 1 only ⏭.
    assert reply.buttons[-1] == [{"text": f"1/{pages}", "callback_data": "1n"}, button(reply, tx.NEXT),
                                 button(reply, tx.LAST)]
    first = visible(reply)
    assert first.startswith("文件共有重点工作 142 项") and "二-1 " in first and f"二-{PAGE_ITEMS + 1} " not in first

    nxt = button(reply, tx.NEXT)["callback_data"]
    await press(fake, chat, user, reply, nxt)
    await fake.wait_for_call("editMessageText")
    assert f"二-{PAGE_ITEMS + 1} " in visible(reply) and "（续）" in reply.text
    assert reply.text.startswith("文件共有重点工作 142 项")
    assert f"2/{pages}" in reply.button_texts

    # A double tap sends the old page's data again: Telegram says "not modified", the bot shrugs.
    fake.expect_rejection("editMessageText", 400, description="message is not modified")
    again = await press(fake, chat, user, reply, nxt)
    assert not again.show_alert
    await fake.wait_for_call("editMessageText")
    counter = await press(fake, chat, user, reply, "1n")
    assert counter.text is None

    for _ in range(pages - 2):
        await press(fake, chat, user, reply, button(reply, tx.NEXT)["callback_data"])
        await fake.wait_for_call("editMessageText")
    assert "十一-" in visible(reply) and tx.NEXT not in reply.button_texts
    assert all(len(text) <= 4096 for text, _, _ in reply.history)
    last = visible(reply)
    # First and last in one tap each, from the other end.
    assert [b["text"] for b in reply.buttons[-1]] == [tx.FIRST, tx.PREVIOUS, f"{pages}/{pages}"]
    await press(fake, chat, user, reply, button(reply, tx.FIRST)["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert visible(reply) == first and f"1/{pages}" in reply.button_texts and tx.FIRST not in reply.button_texts
    await press(fake, chat, user, reply, button(reply, tx.LAST)["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert visible(reply) == last and f"{pages}/{pages}" in reply.button_texts


async def test_a_follow_up_pages_by_button_with_its_context(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Zhou")
    chat = fake.private_chat(user)
    await ask(fake, chat, user, "区住建局有哪些工作")
    reply = await ask(fake, chat, user, "那配合的呢")  # asked alone it means nothing: the buttons carry the answer
    first = visible(reply)
    assert first.startswith("区住建局配合（不牵头）16 项工作"), first
    await press(fake, chat, user, reply, button(reply, tx.NEXT)["callback_data"])
    await fake.wait_for_call("editMessageText")
    second = visible(reply)
    assert second.startswith("区住建局配合（不牵头）16 项工作") and second != first, second
    assert f"2/{-(-16 // PAGE_ITEMS)}" in reply.button_texts
    row = reply.buttons[0][0]  # a row's detail, and back to the follow-up's page
    await press(fake, chat, user, reply, row["callback_data"])
    await fake.wait_for_call("editMessageText")
    await press(fake, chat, user, reply, button(reply, tx.BACK)["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert visible(reply) == second


async def test_forged_and_stale_callbacks_get_polite_alerts(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    reply = await ask(fake, chat, user, "区民政局负责哪些民生实事")
    cases = {
        "garbage": tx.FORGED, "1p:x:q区民政局": tx.FORGED, "2p:0:q区民政局": tx.FORGED, "1e:99": tx.FORGED,
        "1p:0:tAAAAAAAAAAA": tx.STALE, "1p:999:q区民政局": tx.NO_SUCH_PAGE, "1d:K99-1": tx.NO_SUCH_ROW,
        "1s:0:q区民政局": tx.FORGED, "1p:0:q": tx.STALE,
    }
    for data, expected in cases.items():
        answer = await press(fake, chat, user, reply, data)
        assert (answer.text, answer.show_alert) == (expected, True), data
    assert fake.calls_to("editMessageText") == []
    await fake.assert_no_bot_messages(chat, wait=0.05)


async def test_forged_buttons_of_any_shape_are_stale_never_errors(fake: FakeBotApi, bot: Any) -> None:
    """Ids too large for the database, digits int() refuses, missing parts, random junk after every prefix
    the bot uses: each press is answered, none reaches the error handler (no apology, no admin alert)."""
    errors: list[BaseException | None] = []

    async def record(_update: object, context: Any) -> None:
        errors.append(context.error)

    bot.add_error_handler(record)
    # Pressing /mysubs' stale buttons redraws the same list: Telegram says "not modified", which the bot expects.
    fake.expect_rejection("editMessageText", 400, description="message is not modified")
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    reply = await ask(fake, chat, user, "区民政局负责哪些民生实事")
    huge = "99999999999999999999"
    expected = {f"sb:r:{huge}": rm.MYSUBS_EXPIRED, "sb:r:①": rm.MYSUBS_EXPIRED, "sb:r:-1": rm.MYSUBS_EXPIRED,
                "sb:": rm.MYSUBS_EXPIRED, f"pg:ba:{huge}": pm.STALE, "pg:bx:①": pm.STALE, f"1p:{huge}:q区民政局": tx.FORGED}
    for data, text in expected.items():
        answer = await press(fake, chat, user, reply, data)
        assert answer.text == text, data
    randomness = random.Random(11)
    prefixes = ["", "1p:", "1d:", "1s:", "1e:", "1a:", "1n", "sb:r:", "sb:c:", "sb:x:", "sb:d:", "sb:m:", "sb:t:", "pg:ba:", "pg:s:",
                "pg:r:", "pg:l", "pg:u:"]
    pieces = [huge, "①", "０", ":", "-", "K5-1", "L8-2", "t", "q", "区民政局", "\u202e", "0" * 30, "x" * 60]
    for _ in range(60):
        data = randomness.choice(prefixes) + "".join(randomness.choices(pieces, k=randomness.randint(0, 4)))
        data = data.encode()[:64].decode("utf-8", "ignore") or "x"
        answer = await press(fake, chat, user, reply, data)
        assert answer is not None, data
    assert errors == [], errors


# --- groups --------------------------------------------------------------------------------------


async def test_group_mention_gets_a_compact_quoted_answer(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    sent = await fake.send_text(chat, user, f"@{BOT} 伍国军分管哪些工作")
    [reply] = await fake.wait_for_bot_messages(chat)
    assert reply.reply_to is sent
    text = visible(reply)
    assert text.startswith("伍国军") and "……另有 24 项未列出" in text
    assert reply.button_texts[:2] == [tx.SHOW_ALL.format(n=27), tx.OPEN_PRIVATE]

    await press(fake, chat, user, reply, button(reply, "展开全部")["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert "……另有" not in visible(reply) and "1/4" in reply.button_texts


async def test_deep_link_continues_a_group_answer_in_private(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    reply = await ask(fake, chat, user, f"/ask@{BOT} 全区重点工作有多少项")
    url = button(reply, tx.OPEN_PRIVATE)["url"]
    assert url.startswith(f"https://t.me/{BOT}?start=")
    private = fake.private_chat(user)
    page = await ask(fake, private, user, "/start " + url.split("start=", 1)[1])
    assert visible(page).startswith("文件共有重点工作 142 项") and tx.NEXT in page.button_texts
    expired = await ask(fake, private, user, "/start page_AAAAAAAAAAA")
    assert visible(expired) == tx.EXPIRED_LINK
    await fake.wait_for_bot_messages(private)  # the introduction follows


async def test_group_command_with_suffix_and_reply_to_the_bot(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    reply = await ask(fake, chat, user, f"/ask@{BOT} 区民政局负责哪些民生实事")
    assert visible(reply).startswith("区民政局")
    follow = await ask(fake, chat, user, "区教育局负责哪些民生实事", reply_to=reply)
    assert visible(follow).startswith("区教育局") and follow.reply_to is not None
    only_mention = await ask(fake, chat, user, f"@{BOT}")
    assert visible(only_mention) == tx.MENTION_ONLY.format(bot=BOT, question="区民政局负责哪些工作")


@pytest.mark.parametrize("text", [f"/ask@{BOT}老年食堂谁管", "/ask老年食堂谁管", f"@{BOT}老年食堂谁管"],
                         ids=["suffixed-command", "command", "mention"])
async def test_chinese_typed_without_a_space(fake: FakeBotApi, bot: Any, text: str) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    reply = await ask(fake, chat, user, text)
    assert visible(reply).startswith("“老年食堂”的牵头单位：区民政局"), visible(reply)


@pytest_asyncio.fixture(params=[True, False], ids=["privacy-on", "privacy-off"])
async def any_fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeBotApi]:
    """With privacy off (or the bot an admin) Telegram delivers every group message."""
    async with running_fake(privacy_mode=request.param) as started:
        yield started


async def test_group_chatter_is_ignored(any_fake: FakeBotApi, tg_runtime: Runtime) -> None:
    fake = any_fake
    async with running(fake, tg_runtime):
        user = fake.add_user("Li")
        chat = group(fake, user)
        for text in ("大家好，区民政局负责哪些工作？", "/ask@other_bot 区民政局", "@other_bot 区民政局", "/unknown"):
            await fake.send_text(chat, user, text)
        await fake.wait_until_consumed()
        await fake.assert_no_bot_messages(chat, wait=0.1)
        reply = await ask(fake, chat, user, f"/unit@{BOT} 区民政局")
        assert visible(reply).startswith("区民政局")


async def test_group_start_help_and_small_talk_fit_the_group(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    intro = await ask(fake, chat, user, f"/start@{BOT}")
    text = visible(intro)
    assert len(text.splitlines()) == 3 and f"@{BOT}" in text and f"/ask@{BOT}" in text and "直接发问题" not in text
    assert "/sub" in text and intro.button_texts == list(msg.EXAMPLES)
    help_text = visible(await ask(fake, chat, user, f"/help@{BOT}"))
    assert f"/sub@{BOT}" in help_text and "/deadline " not in help_text
    for small_talk in ("谢谢", "你好", "明天会下雨吗"):
        sent = await fake.send_text(chat, user, small_talk, reply_to=intro)
        [reply] = await fake.wait_for_bot_messages(chat)
        assert reply.reply_to is sent and not reply.buttons and "例如" not in visible(reply)
        assert len(reply.text.replace(BOT, "")) <= 35 and "\n" not in reply.text, reply.text
    unknown = await ask(fake, chat, user, f"/nosuch@{BOT}")
    assert visible(unknown) == tx.UNKNOWN_COMMAND


async def test_private_start_and_help_list_every_feature(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    intro = visible(await ask(fake, chat, user, "/start"))
    assert len(intro.splitlines()) == 3 and "直接发问题" in intro
    help_text = visible(await ask(fake, chat, user, "/help"))
    for feature in ("/unit", "/leader", "/item", "/sub", "/mysubs", "/deadlines", "/unsub", f"@{BOT}"):
        assert feature in help_text, feature
    assert "/deadline " not in help_text  # an admin command, for admins only
    assert fake.bot_profile["description:"]["description"] == tx.DESCRIPTION
    assert fake.bot_profile["short_description:"]["short_description"] == tx.SHORT_DESCRIPTION


async def test_admin_commands_only_in_admins_menus(fake: FakeBotApi, tg_runtime: Runtime,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    admin, user = fake.add_user("Admin"), fake.add_user("Li")
    admin_chat, user_chat = fake.private_chat(admin), fake.private_chat(user)
    monkeypatch.setattr(tg_runtime, "settings", dataclasses.replace(tg_runtime.settings, admins=frozenset({admin.id})))
    async with running(fake, tg_runtime):
        assert "deadline" not in [c["command"] for c in fake.effective_commands(admin_chat, admin)]
        help_text = visible(await ask(fake, admin_chat, admin, "/help"))  # the admin's first message
        assert "/deadline 五-12" in help_text
        await fake.wait_for_call("setMyCommands", lambda c: c.params.get("scope", {}).get("type") == "chat")
        admin_menu = [c["command"] for c in fake.effective_commands(admin_chat, admin)]
        user_menu = [c["command"] for c in fake.effective_commands(user_chat, user)]
        group_menu = [c["command"] for c in fake.effective_commands(group(fake, admin, user), admin)]
        assert "deadline" in admin_menu and "deadline" not in user_menu and "deadline" not in group_menu
        assert set(user_menu) < set(admin_menu)


async def test_joining_a_group_says_hello_once(fake: FakeBotApi, bot: Any) -> None:
    admin = fake.add_user("Admin")
    chat = fake.group_chat("新群", {admin: "creator"}, bot_status="left")
    fake.set_bot_status(chat, "member", by=admin)
    [hello] = await fake.wait_for_bot_messages(chat)
    assert f"/ask@{BOT}" in visible(hello)
    fake.set_bot_status(chat, "administrator", by=admin)  # a promotion is not a second arrival
    await fake.wait_until_consumed()
    await fake.assert_no_bot_messages(chat, wait=0.05)


async def test_suggestions_are_buttons_that_ask_again(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    chat = group(fake, user)
    reply = await ask(fake, chat, user, f"@{BOT} 区交警大队负责哪些工作")
    assert "区交警大队" in visible(reply)
    assert reply.button_texts == ["市公安局交管局一大队", "市公安局交管局二大队"]  # both close, neither guessed
    await press(fake, chat, user, reply, button(reply, "市公安局交管局一大队")["callback_data"])
    await fake.wait_for_call("editMessageText")
    assert visible(reply).startswith("市公安局交管局一大队")


@pytest.mark.parametrize("name", ["区气象局", "火星街道"])
async def test_an_unknown_unit_gets_no_stranger_but_the_whole_list(fake: FakeBotApi, bot: Any, name: str) -> None:
    """No unrelated unit is offered for a name nothing in the document resembles; the lists of all are."""
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    reply = await ask(fake, chat, user, f"{name}负责哪些工作")
    assert f"没有找到“{name}”" in visible(reply) and "您是不是要找" not in reply.text
    assert reply.button_texts == [label.format(leader="区领导") for label, _ in tx.FALLBACKS]
    await press(fake, chat, user, reply, button(reply, "全部牵头单位")["callback_data"])
    [units] = await fake.wait_for_bot_messages(chat)
    assert "个牵头单位" in visible(units).splitlines()[0]


# --- inline mode ---------------------------------------------------------------------------------


async def test_inline_query_lists_summary_then_rows(fake: FakeBotApi, bot: Any) -> None:
    user = fake.add_user("Li")
    answer = await fake.wait_for_inline_answer(await fake.inline_query(user, "伍国军分管哪些工作"))
    assert len(answer.results) == PAGE_RESULTS and not answer.is_personal and answer.cache_time == 300
    summary, *rows = answer.results
    assert summary["title"].startswith("伍国军") and summary["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert [r["title"] for r in rows[:2]] == ["五-1 · 牵头 区人力社保局", "五-2 · 牵头 区委组织部"]
    row = bot.bot_data.runtime.catalog.by_id["K5-1"]
    assert row.text.startswith(rows[0]["description"].rstrip("…"))
    assert rows[0]["input_message_content"]["message_text"].startswith("<b>五-1")

    empty = await fake.wait_for_inline_answer(await fake.inline_query(user, ""))
    assert [r["title"] for r in empty.results] == [tx.INLINE_EXAMPLE.format(question=q) for q in msg.EXAMPLES]
    assert empty.button == {"text": tx.INLINE_START, "start_parameter": "inline"}


async def test_inline_pages_through_every_row(fake: FakeBotApi, bot: Any) -> None:
    """A leader's 27 rows: the summary and rows page by page with next_offset, each row once."""
    user = fake.add_user("Li")
    titles: list[str] = []
    offset = ""
    for _ in range(5):
        answer = await fake.wait_for_inline_answer(await fake.inline_query(user, "伍国军分管哪些工作", offset=offset))
        titles += [r["title"] for r in answer.results]
        offset = answer.next_offset
        if not offset:
            break
    rows = [t for t in titles if " · 牵头 " in t]
    assert len(titles) == 28 and len(rows) == len(set(rows)) == 27 and not offset


@pytest.mark.parametrize("nonsense", ["qwxzz", "今天天气怎么样", "区气象局负责哪些工作"])
async def test_inline_nonsense_offers_nothing_to_send(fake: FakeBotApi, bot: Any, nonsense: str) -> None:
    user = fake.add_user("Li")
    answer = await fake.wait_for_inline_answer(await fake.inline_query(user, nonsense))
    assert answer.results == [] and answer.next_offset == ""
    assert answer.button == {"text": tx.INLINE_NOTHING, "start_parameter": "inline"}


# --- formatting and faults -----------------------------------------------------------------------


@pytest.mark.parametrize("question", ["<b>区民政局</b> & 谁管", "A&B <i>公司 & 天气", "&amp; &lt; 区民政局"])
async def test_html_special_characters_in_questions(fake: FakeBotApi, bot: Any, question: str) -> None:
    user = fake.add_user("Li")
    reply = await ask(fake, fake.private_chat(user), user, question)
    assert visible(reply).splitlines()[0] == render_text(bot.bot_data.runtime.duban.ask(question)).splitlines()[0]
    inline = await fake.wait_for_inline_answer(await fake.inline_query(user, question))
    answer = bot.bot_data.runtime.duban.ask(question)
    assert bool(inline.results) == bool(answer.rows) or inline.button["text"] == tx.INLINE_NOTHING


@_retry_after_warning
async def test_429_storm_is_ridden_out(fake: FakeBotApi, bot: Any) -> None:
    users = [fake.add_user(f"U{i}") for i in range(4)]
    fake.inject_429("sendMessage", times=3, retry_after=1)
    for user in users:
        await fake.send_text(fake.private_chat(user), user, "区民政局负责哪些民生实事")
    for user in users:
        [reply] = await fake.wait_for_bot_messages(fake.private_chat(user), timeout=10)
        assert visible(reply).startswith("区民政局")
    assert len([c for c in fake.rejections if c.error_code == 429]) == 3


@_retry_after_warning
async def test_a_pasted_burst_gets_every_answer_in_question_order(tg_runtime: Runtime) -> None:
    """20 questions within a second, Telegram's broadcast limits on and 429s injected: 20 answers, in order."""
    questions = ["区民政局负责哪些民生实事", "老年食堂谁管？", "伍国军分管哪些工作", "今年新增多少养老床位",
                 "七都街道有什么任务", "区教育局负责哪些民生实事", "区财政局牵头哪些工作", "林杰分管哪些工作",
                 "五-12", "民生实事第6项", "区卫生健康局配合哪些工作", "区住建局负责哪些工作",
                 "区人社局负责哪些民生实事", "第五部分", "老旧小区改造谁牵头", "区发改局负责哪些工作",
                 "区市场监管局负责哪些工作", "区文广旅体局负责哪些工作", "区民政局牵头哪些重点工作", "K3-1"]
    # Each question names its own subject, so in one chat each is answered as it would be alone.
    expected = [render_text(tg_runtime.conversation.answer(q)).splitlines()[0] for q in questions]
    async with running_fake(flood_limits=True) as fake, running(fake, tg_runtime):
        user = fake.add_user("Paste")
        chat = fake.private_chat(user)
        fake.inject_429("sendMessage", times=4, retry_after=1)
        started = time.monotonic()
        sent = [await fake.send_text(chat, user, q) for q in questions]
        replies = await fake.wait_for_bot_messages(chat, count=len(questions), timeout=30)
        elapsed = time.monotonic() - started
        assert [visible(r).splitlines()[0] for r in replies] == expected
        assert [r.reply_to for r in replies] == [None] * len(questions) and len(sent) == 20
        refused = fake.rejections
        assert len(refused) == 4 and all(c.error_code == 429 for c in refused)
        assert not any(tx.SORRY_ANSWER.split("“")[0] in r.text for r in fake.bot_messages(chat))
        print(f"burst: 20 answers in {elapsed:.2f} s with 4 injected 429s (retry_after 1 s)")


async def test_blocked_user_does_not_stop_polling(fake: FakeBotApi, bot: Any) -> None:
    blocker, other = fake.add_user("Blocker"), fake.add_user("Other")
    await fake.send_text(fake.private_chat(blocker), blocker, "区民政局负责哪些民生实事")
    fake.block_user(blocker)
    await fake.wait_for_call("sendMessage", lambda c: c.error_code == 403)
    reply = await ask(fake, fake.private_chat(other), other, "区民政局负责哪些民生实事")
    assert visible(reply).startswith("区民政局")
    assert len(fake.calls_to("sendMessage")) == 2  # no apology sent to the user who blocked us


async def test_a_failing_question_is_apologised_for_and_reported(
        fake: FakeBotApi, bot: Any, tg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    user = fake.add_user("Li")
    admins = fake.group_chat("督办管理员", {user: "member"})
    monkeypatch.setattr(tg_runtime, "settings", dataclasses.replace(tg_runtime.settings, admin_chat_id=admins.id))
    real_ask = tg_runtime.duban.ask

    def failing(question: str, parsed: Any = None) -> Any:  # Duban.ask's signature
        if "爆炸" in question:
            raise RuntimeError("<boom> & bang")
        return real_ask(question, parsed)

    monkeypatch.setattr(tg_runtime.duban, "ask", failing)
    chat = fake.private_chat(user)
    sorry = await ask(fake, chat, user, "爆炸")
    assert visible(sorry) == tx.SORRY_ANSWER.format(question="爆炸")
    [alert] = await fake.wait_for_bot_messages(admins)
    assert "RuntimeError('<boom> & bang')" in visible(alert) and f"user {user.id}" in alert.text
    reply = await ask(fake, chat, user, "区民政局负责哪些民生实事")
    assert visible(reply).startswith("区民政局")
    pressed = await press(fake, chat, user, reply, "1p:0:q爆炸")  # a button whose question now fails
    assert (pressed.text, pressed.show_alert) == (tx.SORRY_BUTTON, True)
    await fake.assert_no_bot_messages(chat, wait=0.05)


# --- wiring --------------------------------------------------------------------------------------


def test_every_handler_module_is_registered() -> None:
    """A handler module left out of bot/app.py's explicit list would silently turn its feature off."""
    written = {f"handlers.{info.name}" for info in pkgutil.iter_modules(handlers.__path__)
               if hasattr(importlib.import_module(f"handlers.{info.name}"), "register")}
    assert written == {module.__name__ for module in HANDLER_MODULES}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_checks_the_secret(fake: FakeBotApi, tg_runtime: Runtime) -> None:
    app = build_application(tg_runtime, token=fake.token, base_url=fake.base_url)
    port = _free_port()
    options = webhook_options(tg_runtime.settings, "https://bot.example.org/duban/hook", "127.0.0.1", port, "s3cret")
    assert options["url_path"] == "duban/hook"
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": "区民政局负责哪些民生实事",
                                          "chat": chat.to_api(), "from": user.to_api()}}
    async with app:
        await app.post_init(app)
        await app.updater.start_webhook(**options, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        try:
            assert fake.webhook_url == "https://bot.example.org/duban/hook"
            assert fake.calls_to("setWebhook")[-1].params["secret_token"] == "s3cret"
            url = f"http://127.0.0.1:{port}/duban/hook"
            async with aiohttp.ClientSession() as session:
                async with session.post(url, json=update) as response:
                    assert response.status == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                async with session.post(url, json=update, headers=headers) as response:
                    assert response.status == 200
            [reply] = await fake.wait_for_bot_messages(chat)
            assert visible(reply).startswith("区民政局")
        finally:
            await app.updater.stop()
            await app.stop()


async def test_duban_run_serves_and_stops_on_sigterm(fake: FakeBotApi, tg_runtime: Runtime) -> None:
    env = {**os.environ, "DUBAN_TELEGRAM_TOKEN": fake.token, "DUBAN_TELEGRAM_BASE_URL": fake.base_url,
           "DUBAN_DATABASE_URL": tg_runtime.settings.database_url,
           "DUBAN_DATA_DIR": str(tg_runtime.settings.data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("DUBAN_CONFIG", None)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, cwd=tg_runtime.settings.data_dir,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not fake.calls_to("getUpdates"):  # the first long poll is pending, not finished
            assert process.poll() is None and time.monotonic() < deadline, process.stdout and process.stdout.read()
            await asyncio.sleep(0.05)
        user = fake.add_user("Li")
        reply = await ask(fake, fake.private_chat(user), user, "区民政局负责哪些民生实事")
        assert visible(reply).startswith("区民政局")
        process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.wait, 10)
        output = process.stdout.read().decode() if process.stdout else ""
        assert code == 0, output
        assert fake.token not in output  # httpx would log request URLs, token included
        assert fake.calls_to("getUpdates")[0].params["allowed_updates"] == ALLOWED_UPDATES
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


# --- a second document, chosen by /doc in one chat ------------------------------------------------


@pytest.fixture
def county(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    """The bundled document answering by default (pinned), and a generated 县 document stored beside it."""
    made = generated(1)
    assert "县" in made.place
    runtime = Runtime(settings=Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}",
                                        document="lucheng-2023"))
    path = tmp_path / f"{made.key}.txt"
    path.write_text(made.text, encoding="utf-8")
    import_document(runtime.knowledge.sessions, path, made.key)
    runtime.reload()
    yield runtime, made.key
    runtime.knowledge.close()


async def _choose(fake: FakeBotApi, chat: FakeChat, user: FakeUser, runtime: Runtime, key: str) -> None:
    await fake.send_text(chat, user, "/doc")
    [listing] = await fake.wait_for_bot_messages(chat)
    query = await fake.press_button(chat, user, listing, button_text=runtime.library.label(key))
    assert not (await fake.wait_for_callback_answer(query)).show_alert
    await fake.wait_for_call("editMessageText")
    assert runtime.library.chat_document(chat.id) == key


async def test_the_fallback_buttons_speak_of_the_chat_document(fake: FakeBotApi, county: tuple[Runtime, str]) -> None:
    runtime, key = county
    async with running(fake, runtime):
        user, other = fake.add_user("Li"), fake.add_user("Wang")
        chat, bundled = fake.private_chat(user), fake.private_chat(other)
        await _choose(fake, chat, user, runtime, key)
        reply = await ask(fake, chat, user, "火星街道负责哪些工作")
        assert reply.button_texts == ["全部牵头单位", "全部县领导"]
        await press(fake, chat, user, reply, button(reply, "全部县领导")["callback_data"])
        [leaders] = await fake.wait_for_bot_messages(chat)
        assert "县领导" in visible(leaders) and "区领导" not in leaders.text
        # A chat that chose nothing keeps the bundled document's words.
        assert (await ask(fake, bundled, other, "火星街道负责哪些工作")).button_texts == ["全部牵头单位", "全部区领导"]


async def test_sub_and_deadline_act_on_the_chat_document(fake: FakeBotApi, county: tuple[Runtime, str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, key = county
    user, other = fake.add_user("Admin"), fake.add_user("Wang")
    monkeypatch.setattr(runtime, "settings", dataclasses.replace(runtime.settings, admins=frozenset({user.id})))
    words = chrome(runtime.library.duban(key))
    row = runtime.library.duban(key).catalog.by_unit[words.unit][0]  # a row the subscription covers
    async with running(fake, runtime):
        chat, bundled = fake.private_chat(user), fake.private_chat(other)
        await _choose(fake, chat, user, runtime, key)
        assert f"/sub {words.unit}" in visible(await ask(fake, chat, user, "/mysubs"))
        usage = visible(await ask(fake, chat, user, "/sub"))
        assert "县领导" in usage and words.unit in usage and "伍国军" not in usage
        subscribed = visible(await ask(fake, chat, user, f"/sub {words.unit}"))
        assert words.unit in subscribed and "已订阅" in subscribed
        assert words.unit in visible(await ask(fake, chat, user, "/mysubs"))
        assert "/sub 区民政局" in visible(await ask(fake, bundled, other, "/mysubs"))  # nothing of the bundled one
        set_reply = visible(await ask(fake, chat, user, f"/deadline {row.label} 2017-06-30 完成过半"))
        assert row.label in set_reply
    with runtime.knowledge.sessions() as session:
        [sub] = list_subscriptions(session, chat.id)
        assert (sub.document, sub.target) == (key, Target("unit", words.unit))
        assert [(d.deadline.row_id, str(d.deadline.due)) for d in stored_deadlines(session, key, row.id)] == [(row.id, "2017-06-30")]
        assert stored_deadlines(session, "lucheng-2023", row.id) == []
        # The reminders follow the subscription's document: planned with its rows, not the answering one's.
        policy = policy_from(runtime.settings.reminders)
        instant = datetime.fromisoformat("2017-05-31T09:00:00+08:00")
        county_plan = plan(session, runtime.library.duban(key).catalog, policy, instant, answering=False)
        assert [d.chat_id for d in county_plan] == [chat.id] and row.id in {r.id for r in county_plan[0].rows}
        assert plan(session, runtime.catalog, policy, instant) == []


async def test_the_menus_fit_the_default_document(fake: FakeBotApi, county: tuple[Runtime, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, key = county
    monkeypatch.setattr(runtime, "settings", dataclasses.replace(runtime.settings, document=key))
    runtime.reload()
    words = chrome(runtime.duban)
    async with running(fake, runtime):
        user = fake.add_user("Li")
        menu = {c["command"]: c["description"] for c in fake.effective_commands(fake.private_chat(user), user)}
    assert menu["leader"] == f"查县领导牵头的工作，例如 /leader {words.person}"
    assert menu["sub"] == "订阅期限提醒：/sub 单位、县领导或任务编号"
    assert menu["ask"] == f"提问，例如 /ask {words.question}" and menu["unit"] == f"查单位的工作，例如 /unit {words.unit}"
    assert "区" not in menu["leader"] + menu["sub"]
