"""The buttons under a digest and under a row in full, pressed through bot/app.py's Application on the strict
fake Bot API: what each does for the user, and not one call Telegram would refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakebot import FakeBotApi, FakeChat, FakeMessage, FakeUser
from fakebot.fixtures import make_fake_bot_fixture, polling
from reminders_support import Clock, add_subscription, at, fast_runtime, nearest, row_ids, rows_in

from bot.app import build_application
from bot.config import Settings
from bot.pipeline import Duban
from bot.reminders import messages as rm
from bot.runtime import Runtime
from handlers import texts as tx
from knowledge.catalog import Catalog
from knowledge.reminders.subscriptions import Target

fake = make_fake_bot_fixture()


@pytest.fixture
def admin_id() -> int:
    return 4242


@pytest.fixture
def rt(settings: Settings, shared_catalog: Catalog, duban: Duban, admin_id: int) -> Iterator[Runtime]:
    runtime = fast_runtime(settings, shared_catalog, duban, admins=frozenset({admin_id}))
    yield runtime
    runtime.knowledge.close()


def app_on(fake: FakeBotApi, rt: Runtime) -> Any:
    return build_application(rt, token=fake.token, base_url=fake.base_url)


async def press(fake: FakeBotApi, chat: FakeChat, user: FakeUser, message: FakeMessage, text: str) -> Any:
    """Press the button whose label starts with `text`; the callback query once answered."""
    label = next((b["text"] for row in message.buttons for b in row if b["text"].startswith(text)), None)
    assert label is not None, f"no button {text!r} in {message.button_texts}"
    return await fake.wait_for_callback_answer(await fake.press_button(chat, user, message, button_text=label))


async def test_a_digest_of_everything_then_all_pause_and_manage(fake: FakeBotApi, rt: Runtime) -> None:
    app = app_on(fake, rt)
    async with polling(app):
        user = fake.add_user("李雷")
        chat = fake.private_chat(user)
        add_subscription(rt.knowledge, chat.id, Target("all"))
        service = app.bot_data.reminders
        assert service is not None
        service.clock = Clock(at(2023, 12, 1))
        await service.run(app)
        [digest] = await fake.wait_for_bot_messages(chat)
        every = list(rt.catalog.by_id)
        sent_text = digest.text
        assert row_ids(sent_text) == nearest(every)

        # 查看全部: /deadlines' first page as a new message, paged; the digest stays as it was sent.
        await press(fake, chat, user, digest, rm.ALL_BUTTON.format(n=len(every)))
        [listing] = await fake.wait_for_bot_messages(chat)
        assert digest.text == sent_text and digest.edit_date is None
        first = rows_in([listing])
        assert first and set(first) <= set(every)
        assert any(t.startswith(tx.PAGE_OF.format(page=1, pages="")) for t in listing.button_texts)
        # Its ▶ edits that message in place to the next rows.
        await press(fake, chat, user, listing, tx.NEXT)
        await fake.wait_for_call("editMessageText")
        assert rows_in([listing]) and not set(rows_in([listing])) & set(first)

        # 暂停提醒: said in an alert, and the next reminder day sends nothing.
        paused = await press(fake, chat, user, digest, rm.PAUSE_BUTTON)
        assert paused.show_alert and paused.text == rm.PAUSED_NOW.format(n=1)
        service.clock = Clock(at(2023, 12, 22))
        await service.run(app)
        await fake.assert_no_bot_messages(chat)

        # 管理订阅: the digest becomes the chat's subscriptions, each with its remove button.
        await press(fake, chat, user, digest, rm.MANAGE_BUTTON)
        await fake.wait_for_call("editMessageText", lambda c: str(c.params.get("message_id")) == str(digest.message_id))
        assert digest.text.startswith(rm.MYSUBS.format(n=1)) and any(t.startswith("取消 ") for t in digest.button_texts)
    assert fake.rejections == []


@pytest.mark.parametrize("is_admin", [True, False], ids=["admin", "user"])
async def test_a_rows_detail_offers_subscribe_and_for_admins_set_deadline(fake: FakeBotApi, rt: Runtime,
                                                                          admin_id: int, is_admin: bool) -> None:
    async with polling(app_on(fake, rt)):
        user = fake.add_user("王芳", user_id=admin_id if is_admin else admin_id + 1)
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "区民政局负责哪些民生实事")
        [reply] = await fake.wait_for_bot_messages(chat)
        await press(fake, chat, user, reply, "民生实事 5-1")
        await fake.wait_for_call("editMessageText")
        assert "新改建老年食堂" in reply.text
        labels = reply.button_texts
        assert rm.SUB_ROW_BUTTON.format(row="民生实事 5-1") in labels
        assert (rm.SET_DEADLINE_BUTTON in labels) is is_admin

        if is_admin:
            how = await press(fake, chat, user, reply, rm.SET_DEADLINE_BUTTON)
            assert how.show_alert and how.text == rm.SET_DEADLINE_HOW.format(row="民生实事5-1")
        else:  # the button is not there, and its data forged still does nothing but say why
            query = await fake.press_button(chat, user, reply, "sb:t:L5-1")
            refused = await fake.wait_for_callback_answer(query)
            assert refused.show_alert and refused.text == rm.ADMINS_ONLY

        # 订阅 asks first, then subscribes on the confirming button.
        await press(fake, chat, user, reply, rm.SUB_ROW_BUTTON.format(row="民生实事 5-1"))
        await fake.wait_for_call("editMessageText", lambda c: "要订阅" in str(c.params.get("text")))
        assert reply.text.startswith("要订阅“民生实事 5-1”吗？共 1 项工作")
        await press(fake, chat, user, reply, rm.CONFIRM_BUTTON.format(target="民生实事 5-1"))
        await fake.wait_for_call("editMessageText", lambda c: "已订阅" in str(c.params.get("text")))
        assert reply.text.startswith("已订阅")
        await fake.send_text(chat, user, "/mysubs")
        [subs] = await fake.wait_for_bot_messages(chat)
        assert subs.text.startswith(rm.MYSUBS.format(n=1)) and "民生实事 5-1" in subs.text
    assert fake.rejections == []


@pytest.mark.parametrize("code", ["L5-1", "民生实事5-1", "ｌ５－１"])
async def test_a_detail_button_reads_its_row_code_as_knowledge_rowids_does(fake: FakeBotApi, rt: Runtime,
                                                                          code: str) -> None:
    """The detail callback has no row-code pattern of its own: every form knowledge.rowids reads opens the row,
    a code the document lacks gets the polite alert."""
    async with polling(app_on(fake, rt)):
        user = fake.add_user("Li")
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "区民政局负责哪些民生实事")
        [reply] = await fake.wait_for_bot_messages(chat)
        missing = await fake.wait_for_callback_answer(await fake.press_button(chat, user, reply, "1d:民生实事99-1"))
        assert missing.show_alert and missing.text == tx.NO_SUCH_ROW
        await fake.wait_for_callback_answer(await fake.press_button(chat, user, reply, f"1d:{code}"))
        await fake.wait_for_call("editMessageText")
        assert reply.text.startswith("民生实事 5-1") and "新改建老年食堂" in reply.text
    assert fake.rejections == []
