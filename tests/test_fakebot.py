"""Tests of the fake Telegram Bot API itself, driven through a real python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from fakebot import FakeBotApi, FloodLimits, parse_html
from fakebot.fixtures import AnyApplication, application_builder, make_fake_bot_fixture, polling, running_fake
from fakebot.server import EntityParseError, finalize_text
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

fake = make_fake_bot_fixture()
flood_fake = make_fake_bot_fixture(flood_limits=FloodLimits(group_per_minute=3))

App = AnyApplication
# PTB itself reads RetryAfter.retry_after while building the exception, which warns.
_retry_after_warning = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


def _ci(text: str) -> re.Pattern[str]:
    """PTB drops the "Bad Request: " prefix and lower-cases all but the first letter."""
    return re.compile(re.escape(text), re.IGNORECASE)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def _cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("cmd ok")


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"<b>chose</b> {query.data}", parse_mode="HTML")


async def _inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    assert query is not None
    await query.answer(
        [
            InlineQueryResultArticle(
                "1", "title", InputTextMessageContent(f"<i>{query.query}</i>", parse_mode="HTML")
            )
        ]
    )


def _build(fake: FakeBotApi) -> App:
    app = application_builder(fake).build()
    app.add_handler(CommandHandler("cmd", _cmd))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(CallbackQueryHandler(_button))
    app.add_handler(InlineQueryHandler(_inline))
    return app


@pytest_asyncio.fixture
async def app(fake: FakeBotApi) -> AsyncIterator[App]:
    async with polling(_build(fake)) as running:
        yield running


# ----------------------------------------------------------------------------- conversation


async def test_echo_in_private_chat(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Li", "li_test")
    chat = fake.private_chat(user)
    sent = await fake.send_text(chat, user, "你好，督办")
    [reply] = await fake.wait_for_bot_messages(chat)
    assert reply.text == "你好，督办"
    assert reply.from_user is fake.bot_user
    assert sent.delivered and reply.reply_to is None  # PTB does not quote in private chats
    assert fake.calls[0].method == "getMe"
    assert [c.method for c in fake.calls_to("sendMessage")] == ["sendMessage"]


async def test_button_press_answer_and_edit(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Wang")
    chat = fake.private_chat(user)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    sent = await app.bot.send_message(chat.id, "Pick", reply_markup=keyboard)
    [stored] = await fake.wait_for_bot_messages(chat)
    assert stored.button_texts == ["Yes"] and sent.message_id == stored.message_id

    query_id = await fake.press_button(chat, user, stored, button_text="Yes")
    answer = await fake.wait_for_callback_answer(query_id)
    assert answer.text == "got yes" and not answer.forged
    edit = await fake.wait_for_call("editMessageText")
    assert edit.ok
    assert stored.text == "chose yes" and stored.raw_text == "<b>chose</b> yes"
    assert stored.entity_texts("bold") == ["chose"]
    assert stored.reply_markup is None  # editing without reply_markup drops the keyboard

    forged = await fake.press_button(chat, user, stored, "not-a-button")
    assert fake.callback_queries[forged].forged
    await fake.wait_for_callback_answer(forged)
    await fake.wait_for_call("editMessageText")


async def test_inline_query_answer(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Zhao")
    query_id = await fake.inline_query(user, "任务")
    answer = await fake.wait_for_inline_answer(query_id)
    assert [r["id"] for r in answer.results] == ["1"]
    assert answer.results[0]["input_message_content"]["message_text"] == "<i>任务</i>"


# ----------------------------------------------------------------------------- formatting


async def test_html_good_markup_is_accepted(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><a href="https://example.org/?a=1&amp;b=2">link</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><span class="tg-spoiler">sp</span>'
        "<tg-spoiler>t</tg-spoiler><blockquote expandable>q</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x4e2d;'
    )
    message = await app.bot.send_message(chat.id, html, parse_mode="HTML")
    [stored] = await fake.wait_for_bot_messages(chat)
    assert stored.text == "bsieunskdlinkcx = 1sptq👍 <>&\"'中" == message.text
    assert stored.raw_text == html
    kinds = [e["type"] for e in stored.entities]
    assert kinds.count("bold") == 2 and kinds.count("strikethrough") == 3
    pre = next(e for e in stored.entities if e["type"] == "pre")
    assert pre["language"] == "python" and "code" in kinds
    assert {"spoiler", "expandable_blockquote", "custom_emoji", "text_link"} <= set(kinds)
    assert stored.entity_texts("text_link") == ["link"]
    link = next(e for e in stored.entities if e["type"] == "text_link")
    assert link["url"] == "https://example.org/?a=1&b=2"


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>x", "Can't find end tag corresponding to start tag b"),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("Tom & Jerry", 'unescaped HTML entity "&" at byte offset 4'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<a>x</a>", 'Tag "a" must have a non-empty attribute "href"'),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("&nbsp;", 'entity "&nbsp;"'),
    ],
)
async def test_html_bad_markup_is_rejected(fake: FakeBotApi, app: App, html: str, detail: str) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.expect_rejection("sendMessage", 400, description="can't parse entities")
    with pytest.raises(BadRequest, match=_ci("can't parse entities")) as caught:
        await app.bot.send_message(chat.id, html, parse_mode="HTML")
    # PTB drops the "Bad Request: " prefix and lower-cases all but the first letter.
    assert detail.lower() in str(caught.value).lower()
    assert detail in (fake.rejections[-1].description or "")
    assert fake.bot_messages(chat) == []


async def test_length_limit_counts_visible_utf16(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.expect_rejection("sendMessage", 400, description="message is too long")
    await app.bot.send_message(chat.id, "a" * 4096)
    await app.bot.send_message(chat.id, "<b>" + "a" * 4095 + "</b>&amp;", parse_mode="HTML")
    await app.bot.send_message(chat.id, "😀" * 2048)  # 2 UTF-16 units each
    for too_long, mode in [
        ("a" * 4097, None),
        ("<i>" + "a" * 4096 + "</i>&lt;", "HTML"),
        ("😀" * 2048 + "a", None),
    ]:
        with pytest.raises(BadRequest, match=_ci("message is too long")):
            await app.bot.send_message(chat.id, too_long, parse_mode=mode)
    assert len(fake.bot_messages(chat)) == 3
    assert len(fake.rejections) == 3


async def test_empty_text_rejected(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.expect_rejection("sendMessage", 400, description="message text is empty")
    for text, mode in [(" \n ", None), ("<b> </b>", "HTML")]:
        with pytest.raises(BadRequest, match=_ci("message text is empty")):
            await app.bot.send_message(chat.id, text, parse_mode=mode)


async def test_callback_data_limit(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.expect_rejection("sendMessage", 400, description="BUTTON_DATA_INVALID")
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await app.bot.send_message(chat.id, "fits", reply_markup=ok)
    for data in ("x" * 65, "中" * 22):  # 65 and 66 bytes of UTF-8
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("big", callback_data=data)]])
        with pytest.raises(BadRequest, match=_ci("BUTTON_DATA_INVALID")):
            await app.bot.send_message(chat.id, "too big", reply_markup=markup)


async def test_inline_results_limit(fake: FakeBotApi) -> None:
    # No handler answers here: the test answers through the bot by hand.
    async with polling(application_builder(fake).build()) as running:
        user = fake.add_user("Li")
        fake.expect_rejection("answerInlineQuery", 400)

        def results(count: int) -> list[InlineQueryResultArticle]:
            return [
                InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent(f"m{i}"))
                for i in range(count)
            ]

        too_many = await fake.inline_query(user, "q")
        with pytest.raises(BadRequest, match=_ci("RESULTS_TOO_MUCH")):
            await running.bot.answer_inline_query(too_many, results(51))
        bad_text = [InlineQueryResultArticle("x", "t", InputTextMessageContent("<b>", parse_mode="HTML"))]
        with pytest.raises(BadRequest, match=_ci("can't parse entities")):
            await running.bot.answer_inline_query(too_many, bad_text)
        duplicate = [InlineQueryResultArticle("same", "t", InputTextMessageContent("m"))] * 2
        with pytest.raises(BadRequest, match=_ci("RESULT_ID_DUPLICATE")):
            await running.bot.answer_inline_query(too_many, duplicate)
        long_id = [InlineQueryResultArticle("i" * 65, "t", InputTextMessageContent("m"))]
        with pytest.raises(BadRequest, match=_ci("RESULT_ID_INVALID")):
            await running.bot.answer_inline_query(too_many, long_id)
        assert await running.bot.answer_inline_query(too_many, results(50), cache_time=0, is_personal=True)
        answer = await fake.wait_for_inline_answer(too_many)
        assert len(answer.results) == 50 and answer.is_personal and answer.cache_time == 0
        with pytest.raises(BadRequest, match=_ci("query is too old")):
            await running.bot.answer_inline_query(too_many, results(1))


async def test_message_not_modified_and_unknown_messages(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.expect_rejection("editMessageText", 400)
    fake.expect_rejection("sendMessage", 400, description="message to be replied not found")
    fake.expect_rejection("deleteMessage", 400, description="message to delete not found")
    sent = await app.bot.send_message(chat.id, "<b>same</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=_ci("message is not modified: specified new message content")):
        await app.bot.edit_message_text("<b>same</b>", chat.id, sent.message_id, parse_mode="HTML")
    await app.bot.edit_message_text(
        "<i>same</i>", chat.id, sent.message_id, parse_mode="HTML"
    )  # formatting differs
    with pytest.raises(BadRequest, match=_ci("message to edit not found")):
        await app.bot.edit_message_text("x", chat.id, 999)
    with pytest.raises(BadRequest, match=_ci("message to be replied not found")):
        await app.bot.send_message(chat.id, "x", reply_to_message_id=999)
    await app.bot.send_message(chat.id, "x", reply_to_message_id=999, allow_sending_without_reply=True)
    assert await app.bot.delete_message(chat.id, sent.message_id)
    with pytest.raises(BadRequest, match=_ci("message to delete not found")):
        await app.bot.delete_message(chat.id, sent.message_id)


# ----------------------------------------------------------------------------- faults


@_retry_after_warning
async def test_injected_429_reaches_ptb_as_retry_after(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    fake.inject_429("sendMessage", times=1, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(chat.id, "hi")
    assert "Retry in 3" in str(caught.value)
    await app.bot.send_message(chat.id, "hi again")
    [rejected] = fake.rejections
    assert rejected.error_code == 429 and rejected.parameters == {"retry_after": 3}
    assert fake.unexpected_rejections() == []  # injected faults are expected by default


async def test_blocked_user_is_forbidden(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    fake.block_user(user)
    with pytest.raises(Forbidden, match=_ci("bot was blocked by the user")):
        await app.bot.send_message(chat.id, "hi")
    stranger = fake.add_user("Stranger")
    fake.expect_rejection("sendMessage", 403, description="can't initiate conversation")
    with pytest.raises(Forbidden, match=_ci("bot can't initiate conversation with a user")):
        await app.bot.send_message(stranger.id, "hi")
    fake.expect_rejection("sendMessage", 400, description="chat not found")
    with pytest.raises(BadRequest, match=_ci("chat not found")):
        await app.bot.send_message(424242, "hi")
    await fake.send_text(chat, user, "I'm back")  # writing to the bot again unblocks it
    [echo] = await fake.wait_for_bot_messages(chat)
    assert echo.text == "I'm back"


@_retry_after_warning
async def test_flood_limit_per_group(flood_fake: FakeBotApi) -> None:
    async with polling(application_builder(flood_fake).build()) as running:
        group = flood_fake.group_chat("g")
        flood_fake.expect_rejection("sendMessage", 429)
        for n in range(3):
            await running.bot.send_message(group.id, f"m{n}")
        with pytest.raises(RetryAfter):
            await running.bot.send_message(group.id, "one too many")
        private = flood_fake.private_chat(flood_fake.add_user("Li"))
        await running.bot.send_message(private.id, "other chats are fine")


# ----------------------------------------------------------------------------- groups


async def test_privacy_mode_in_groups(fake: FakeBotApi, app: App) -> None:
    alice, bob = fake.add_user("Alice", "alice"), fake.add_user("Bob")
    group = fake.group_chat("督办群", {alice: "creator", bob: "member"})

    chatter = await fake.send_text(group, bob, "just chatting")
    other_bot = await fake.send_text(group, bob, "/cmd@otherbot")
    assert not chatter.delivered and not other_bot.delivered
    assert fake.withheld == [chatter, other_bot]
    assert other_bot.withheld_reason == "command for @otherbot"

    command = await fake.send_text(group, alice, "/cmd@duban_test_bot")
    assert command.delivered
    assert command.entities == [{"type": "bot_command", "offset": 0, "length": 19}]
    [reply] = await fake.wait_for_bot_messages(group)
    assert reply.text == "cmd ok" and reply.reply_to is command  # PTB quotes in groups

    mention = await fake.send_text(group, bob, "@duban_test_bot hi")
    [echo] = await fake.wait_for_bot_messages(group)
    assert mention.delivered and echo.text == "@duban_test_bot hi"

    answer = await fake.send_text(group, bob, "thanks", reply_to=reply)
    [echo2] = await fake.wait_for_bot_messages(group)
    assert answer.delivered and echo2.text == "thanks"

    plain_command = await fake.send_text(group, bob, "/cmd")
    await fake.wait_for_bot_messages(group)
    assert plain_command.delivered
    await fake.assert_no_bot_messages(group, wait=0.1)


async def test_group_member_queries(fake: FakeBotApi, app: App) -> None:
    alice, bob = fake.add_user("Alice"), fake.add_user("Bob")
    group = fake.group_chat("g", {alice: "creator", bob: "administrator"}, bot_status="administrator")
    assert (await app.bot.get_chat_member(group.id, bob.id)).status == "administrator"
    assert (await app.bot.get_chat_member(group.id, alice.id)).status == "creator"
    stranger = fake.add_user("Eve")
    assert (await app.bot.get_chat_member(group.id, stranger.id)).status == "left"
    admins = await app.bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {alice.id, bob.id, fake.bot_user.id}
    info = await app.bot.get_chat(group.id)
    assert info.title == "g" and info.type == "supergroup"
    assert await app.bot.send_chat_action(group.id, "typing")
    assert fake.chat_actions == [(group.id, "typing")]
    # An administrator bot sees everything despite privacy mode.
    plain = await fake.send_text(group, bob, "no command here")
    assert plain.delivered
    await fake.wait_for_bot_messages(group)


async def test_commands_per_scope(fake: FakeBotApi, app: App) -> None:
    user = fake.add_user("Li", language_code="zh-hans")
    chat = fake.private_chat(user)
    await app.bot.set_my_commands([BotCommand("start", "开始"), BotCommand("due", "到期任务")])
    await app.bot.set_my_commands(
        [BotCommand("help", "帮助")], scope=BotCommandScopeChat(chat.id), language_code="zh"
    )
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "due"]
    assert [c["command"] for c in fake.effective_commands(chat, user)] == ["help"]
    fake.expect_rejection("setMyCommands", 400)
    with pytest.raises(BadRequest, match=_ci("BOT_COMMAND_INVALID")):
        await app.bot.set_my_commands([BotCommand("Start", "x")])
    with pytest.raises(BadRequest, match=_ci("BOT_COMMAND_DESCRIPTION_INVALID")):
        await app.bot.set_my_commands([BotCommand("start", "x" * 257)])
    assert await app.bot.delete_my_commands()
    assert await app.bot.get_my_commands() == ()


# ----------------------------------------------------------------------------- plumbing


async def test_unexpected_rejection_tracking() -> None:
    async with FakeBotApi() as fake, polling(application_builder(fake).build()) as running:
        chat = fake.private_chat(fake.add_user("Li"))
        with pytest.raises(BadRequest):
            await running.bot.send_message(chat.id, "<b>", parse_mode="HTML")
        with pytest.raises(BadRequest):
            await running.bot.send_message(chat.id, "")
        assert [c.description for c in fake.unexpected_rejections()] == [
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b",
            "Bad Request: message text is empty",
        ]
        with pytest.raises(AssertionError, match=_ci("did not expect")):
            fake.assert_no_unexpected_rejections()
        expectation = fake.expect_rejection(lambda call: "parse entities" in (call.description or ""))
        assert len(fake.unexpected_rejections()) == 1 and len(expectation.matched) == 1
        fake.expect_rejection("sendMessage", 400)
        fake.assert_no_unexpected_rejections()
    # polling shut down cleanly: its last long poll was abandoned, not rejected
    assert all(c.ok or c.abandoned for c in fake.calls_to("getUpdates"))

    with pytest.raises(AssertionError, match=_ci("message text is empty")):
        async with running_fake() as fake2, polling(application_builder(fake2).build()) as running2:
            chat2 = fake2.private_chat(fake2.add_user("Li"))
            with pytest.raises(BadRequest):
                await running2.bot.send_message(chat2.id, " ")


async def test_raw_http_protocol(fake: FakeBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}{fake.token}"
        async with session.post(f"{url}/getMe") as response:
            body = await response.json()
            assert body["ok"] and body["result"]["username"] == "duban_test_bot"
            assert body["result"]["can_read_all_group_messages"] is False
        async with session.post(f"{url}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with session.post(f"{fake.base_url}123:wrong/getMe") as response:
            assert response.status == 401
        chat = fake.private_chat(fake.add_user("Li"))
        payload = {
            "chat_id": chat.id,
            "text": "json body",
            "reply_markup": {"inline_keyboard": [[{"text": "t"}]]},
        }
        async with session.post(f"{url}/sendMessage", json=payload) as response:
            body = await response.json()
            assert response.status == 400
            assert "Text buttons are unallowed" in body["description"]
        async with session.post(f"{url}/getUpdates", data={"timeout": "0"}) as response:
            assert (await response.json())["result"] == []
    fake.expect_rejection(lambda call: call.error_code in (401, 404))
    fake.expect_rejection("sendMessage", 400)


async def test_long_poll_returns_early_and_confirms_by_offset(fake: FakeBotApi) -> None:
    user = fake.add_user("Li")
    chat = fake.private_chat(user)
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}{fake.token}/getUpdates"
        started = dtm.datetime.now()
        poll = session.post(url, data={"timeout": "5"})
        send = fake.send_text(chat, user, "wake up")
        response, _ = await asyncio.gather(poll, send)
        updates = (await response.json())["result"]
        assert dtm.datetime.now() - started < dtm.timedelta(seconds=2)
        assert updates[0]["message"]["text"] == "wake up"
        async with session.post(url, data={"timeout": "0"}) as again:
            assert len((await again.json())["result"]) == 1  # not confirmed yet
        async with session.post(url, data={"offset": str(updates[0]["update_id"] + 1)}) as confirmed:
            assert (await confirmed.json())["result"] == []


def test_parse_html_unit() -> None:
    text, ents = parse_html("<b>粗 <i>斜</i></b>\n<code>x</code>")
    assert text == "粗 斜\nx"
    assert [(e.type, e.start, e.end) for e in ents] == [("italic", 2, 3), ("bold", 0, 3), ("code", 4, 5)]
    with pytest.raises(EntityParseError, match=_ci("byte offset 6")):
        parse_html("中文<p>")  # byte offsets count UTF-8 bytes
    lenient, _ = parse_html("Tom & Jerry &amp", strict=False)
    assert lenient == "Tom & Jerry &"
    trimmed, trimmed_ents = finalize_text("  \n<x>  ", [])
    assert trimmed == "<x>" and trimmed_ents == []


async def test_send_document_keeps_bytes_and_caption(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    sent = await app.bot.send_document(
        chat.id, document=b"a,b\n1,2\n", filename="tasks.csv", caption="<b>导出</b>", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "tasks.csv"
    [stored] = await fake.wait_for_bot_messages(chat)
    assert stored.document_bytes == b"a,b\n1,2\n" and stored.caption == "导出"
    assert stored.entity_texts("bold") == ["导出"]


async def test_second_live_poller_conflicts(fake: FakeBotApi) -> None:
    fake.expect_rejection("getUpdates", 409, description="terminated by other getUpdates request")
    fake.expect_rejection("sendVoice", 400, description="not emulated")
    async with aiohttp.ClientSession() as first, aiohttp.ClientSession() as second:
        url = f"{fake.base_url}{fake.token}"
        slow = asyncio.ensure_future(first.post(f"{url}/getUpdates", data={"timeout": "3"}))
        while not any(call.pending for call in fake.calls_to("getUpdates")):
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.02)
        async with second.post(f"{url}/getUpdates", data={"timeout": "0"}) as response:
            assert (await response.json())["ok"]
        async with await slow as conflicted:
            assert conflicted.status == 409
        async with second.post(f"{url}/sendVoice", data={"chat_id": "1"}) as response:
            assert response.status == 400


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def test_send_photo_checks_the_image_as_telegram_does(fake: FakeBotApi, app: App) -> None:
    chat = fake.private_chat(fake.add_user("Li"))
    sent = await app.bot.send_photo(chat.id, photo=_png(40, 30), caption="<b>进展图</b>", parse_mode="HTML")
    assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == (40, 30)
    [stored] = await fake.wait_for_bot_messages(chat)
    assert stored.photo_bytes == _png(40, 30) and stored.caption == "进展图" and stored.document is None
    fake.expect_rejection("sendPhoto", 400, description="IMAGE_PROCESS_FAILED")
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await app.bot.send_photo(chat.id, photo=b"a,b\n1,2\n")
    fake.expect_rejection("sendPhoto", 400, description="PHOTO_INVALID_DIMENSIONS")
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await app.bot.send_photo(chat.id, photo=_png(2, 60))  # sides beyond 20:1
    fake.expect_rejection("editMessageText", 400, description="no text in the message")
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await app.bot.edit_message_text("x", chat_id=chat.id, message_id=sent.message_id)
