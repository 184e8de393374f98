"""督办 end to end through the real Application and the fake Bot API: bind → approve → reminder → report →
edit → overview → export → chart, plus the safety rules (forged buttons, unbound chats, hidden texts).
Runs on SQLite and, under scripts/with-postgres, on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from fakebot import FakeBotApi, FakeChat, FakeMessage, FakeUser
from fakebot.fixtures import make_fake_bot_fixture
from openpyxl import load_workbook
from reminders_support import Clock, at

from bot.app import build_application, polling
from bot.config import Settings
from bot.runtime import Runtime
from knowledge.progress.settings import ProgressSettings
from knowledge.progress.store import events
from knowledge.progress.workbook import COLUMNS

fake = make_fake_bot_fixture()
FONT_PACKAGE = "fonts-wqy-microhei"


@pytest.fixture(scope="session", autouse=True)
def cjk_font() -> None:
    """/chart needs a font with Chinese glyphs: install Debian's when the machine has none (as
    scripts/with-postgres installs PostgreSQL), and say so loudly when that is impossible."""
    import os
    import shutil
    import subprocess

    from knowledge.progress.chart import find_font

    if find_font() is not None:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", FONT_PACKAGE], check=False, env=env, capture_output=True)
        from matplotlib import font_manager

        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    if find_font() is None:
        print(f"\n{'!' * 72}\n!!! No CJK font and {FONT_PACKAGE} could not be installed: /chart is tested "
              f"as its text fallback only.\n{'!' * 72}\n")
MINSHENG_LEADS = ["K5-7", "K5-9", "K5-12", "L5-1", "L8-1"]  # rows 区民政局 leads


@dataclass
class Office:
    """The cast: an office group with an admin, 区民政局's clerk, and 区教育局's clerk."""

    app: Any
    runtime: Runtime
    clock: Clock
    admin: FakeUser
    office: FakeChat
    clerk: FakeUser
    clerk_chat: FakeChat
    other: FakeUser
    other_chat: FakeChat


@pytest_asyncio.fixture
async def office(fake: FakeBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[Office]:
    admin = fake.add_user("督查室王")
    clerk = fake.add_user("民政李")
    other = fake.add_user("教育张")
    group = fake.group_chat("区政府督查室", {admin: "administrator"})
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, admins=frozenset({admin.id}),
                        progress=replace(ProgressSettings(), office_chat_id=group.id))
    runtime = Runtime(settings=settings)
    clock = Clock(at(2023, 6, 8, 8, 0))
    app = build_application(runtime, token=fake.token, base_url=fake.base_url, rate_limiter=False)
    app.bot_data.clock = clock
    async with polling(app, timeout=1.0):
        yield Office(app, runtime, clock, admin, group, clerk, fake.private_chat(clerk), other,
                     fake.private_chat(other))
    runtime.knowledge.close()


async def said(fake: FakeBotApi, chat: FakeChat, user: FakeUser, text: str, n: int = 1,
               reply_to: FakeMessage | None = None) -> list[FakeMessage]:
    await fake.send_text(chat, user, text, reply_to=reply_to)
    return await fake.wait_for_bot_messages(chat, n, timeout=10)


async def press(fake: FakeBotApi, chat: FakeChat, user: FakeUser, message: FakeMessage, text: str | None = None,
                data: str | None = None) -> str:
    query = await fake.press_button(chat, user, message, data, button_text=text)
    answer = await fake.wait_for_callback_answer(query, timeout=10)
    return str(answer.text or "")


async def test_bind_report_edit_overview_export(fake: FakeBotApi, office: Office, tmp_path: Path) -> None:
    o = office
    # An unbound clerk cannot report.
    [refused] = await said(fake, o.clerk_chat, o.clerk, "/report")
    assert "还没有绑定单位" in refused.text
    # Binding: the request goes to the office's chat with buttons; only an admin may press them.
    [pending] = await said(fake, o.clerk_chat, o.clerk, "/bind 民政局")
    assert "区民政局" in pending.text and "等待督办管理员审核" in pending.text
    [request] = await fake.wait_for_bot_messages(o.office, timeout=10)
    assert "区民政局" in request.text and request.button_texts == ["批准", "拒绝"]
    approve = str(request.buttons[0][0]["callback_data"])
    assert "只有督办管理员" in await press(fake, o.office, o.clerk, request, "批准")
    await press(fake, o.office, o.admin, request, "批准")
    [approved] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    assert "已批准" in approved.text and "/report" in approved.text
    assert "已批准" in fake.chat_messages(o.office)[-1].text  # the request was edited, buttons gone
    assert "已经处理过了" in await press(fake, o.office, o.admin, request, data=approve)

    # Chasing before the due date (Q2 is due 06-20, a Tuesday): 7 days before is 06-13 at 09:00.
    chaser = o.app.bot_data.chaser
    assert chaser is not None
    assert (await chaser.run(o.app.bot, at(2023, 6, 13, 8, 59))).units == 0
    first = await chaser.run(o.app.bot, at(2023, 6, 13, 9, 0))
    again = await chaser.run(o.app.bot, at(2023, 6, 13, 9, 5))
    assert first.units == 1 and again.units == 0  # exactly once
    [reminder] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    assert "6月20日" in reminder.text and "还有 7 天" in reminder.text
    assert all(f"（{row}）" in reminder.text for row in MINSHENG_LEADS)

    # Reporting from the reminder's button: the list, a row, a status; then a reply adds percent and text.
    await press(fake, o.clerk_chat, o.clerk, reminder, "填报")
    [listing] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    assert "应报 5 项，已报 0 项，未报 5 项" in listing.text
    await press(fake, o.clerk_chat, o.clerk, listing, "填报 五-12")
    [choose] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    await press(fake, o.clerk_chat, o.clerk, choose, "推进中")
    [saved] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    assert "五-12" in saved.text and "推进中" in saved.text and "回复本条消息" in saved.text
    [edited] = await said(fake, o.clerk_chat, o.clerk, "40% 已建成老年食堂12家", reply_to=saved)
    assert "40%" in edited.text and "第 2 版" in edited.text
    # One line, and the one-tap 无变化 that copies the last report.
    [line] = await said(fake, o.clerk_chat, o.clerk, "/report 民生实事 5-1 滞后 选址未定")
    assert "滞后" in line.text and "选址未定" in line.text
    [same] = await said(fake, o.clerk_chat, o.clerk, "/report K5-7 无变化")
    assert "没有上次的报告" in same.text

    # Safety: a forged button from an unbound chat, another unit's row, a bad status.
    assert "不属于本聊天" in await press(fake, o.other_chat, o.other, (await said(
        fake, o.other_chat, o.other, "/report"))[0], data="pg:s:K5-12:2")
    [not_ours] = await said(fake, o.clerk_chat, o.clerk, "/report K3-4 已完成")
    assert "不负责" in not_ours.text

    # The office: /overview only for admins; counts, missing units, red first.
    [denied] = await said(fake, o.clerk_chat, o.clerk, "/overview")
    assert "只有督办管理员" in denied.text
    o.clock.now = at(2023, 6, 21, 10, 0)
    pages = await said(fake, o.office, o.admin, "/overview")
    overview = pages[0].text
    assert "2023年第二季度工作进展总览" in overview and "未报送单位" in overview and "区教育局" in overview
    assert "按分管领导" in "".join(p.text for p in pages)
    # After the due date the office chat gets the list of units not reported, once.
    late = await chaser.run(o.app.bot, at(2023, 6, 21, 9, 0))
    assert late.office == 1 and (await chaser.run(o.app.bot, at(2023, 6, 21, 9, 30))).office == 0
    [chase] = await fake.wait_for_bot_messages(o.office, timeout=10)
    assert "仍未报送" in chase.text and "区教育局" in chase.text and "区民政局" in chase.text

    # /export: the workbook in the chat, read back.
    [document] = await said(fake, o.office, o.admin, "/export")
    assert document.document is not None and document.document_bytes
    book = load_workbook(io.BytesIO(document.document_bytes))
    lines = {line[0]: line for line in book.worksheets[0].iter_rows(values_only=True)}
    assert lines["编号"] == COLUMNS
    assert lines["K5-12"][4:] == ("推进中", 40, "已建成老年食堂12家", "绿")
    assert lines["L5-1"][4:] == ("滞后", None, "选址未定", "黄")
    assert lines["K3-4"][4] == "未报送"

    # /chart: a PNG (a CJK font is installed by the fixture below when missing) or the text table.
    [chart] = await said(fake, o.office, o.admin, "/chart")
    if chart.photo is not None:
        assert chart.photo_bytes and chart.photo_bytes.startswith(b"\x89PNG") and len(chart.photo_bytes) > 5000
        assert chart.photo[0]["width"] > 0 and chart.photo[0]["height"] > 0
    else:
        assert "没有可显示中文的字体" in chart.text

    # Questions through the intent layer; another unit's unpublished text stays hidden.
    [answer] = await said(fake, o.clerk_chat, o.clerk, "民政局的老年食堂进展怎么样")
    assert "五-12" in answer.text and "已建成老年食堂12家" in answer.text
    await said(fake, o.other_chat, o.other, "/report")  # nothing bound: refused, no leak
    [peek] = await said(fake, o.other_chat, o.other, "民政局的老年食堂进展怎么样")
    assert "推进中" in peek.text and "已建成老年食堂12家" not in peek.text and "待督查室发布" in peek.text
    [count] = await said(fake, o.office, o.admin, "/ask 伍国军分管的工作有几项是红灯")
    assert "红灯工作" in count.text
    [lagging] = await said(fake, o.clerk_chat, o.clerk, "哪些工作滞后了")
    assert "民生实事 5-1" in lagging.text
    [missing] = await said(fake, o.clerk_chat, o.clerk, "哪些单位还没报")
    assert "区教育局" in missing.text

    # The audit log kept every version with who and when.
    with o.runtime.knowledge.sessions() as session:
        log = events(session, row_id="K5-12")
    assert [(e.action, e.status, e.percent, e.version) for e in log] == [("report", "推进中", None, 1),
                                                                       ("edit", "推进中", 40, 2)]
    assert all(e.actor == f"telegram:{o.clerk.id}" for e in log)


async def test_a_reply_after_the_period_closed_changes_nothing(fake: FakeBotApi, office: Office) -> None:
    o = office
    with o.runtime.knowledge.sessions.begin() as session:
        from datetime import UTC, datetime

        from knowledge.progress.store import add_binding
        add_binding(session, o.clerk_chat.id, "区民政局", "test", datetime.now(UTC))
    [saved] = await said(fake, o.clerk_chat, o.clerk, "/report 五-12 推进中")
    o.clock.now = at(2023, 7, 2, 10, 0)  # Q2 closed on 06-30
    [closed] = await said(fake, o.clerk_chat, o.clerk, "已完成", reply_to=saved)
    assert "已于 6月30日 截止" in closed.text
    with o.runtime.knowledge.sessions() as session:
        assert [e.status for e in events(session, row_id="K5-12")] == ["推进中"]


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_chasing_goes_through_the_reminders_delivery(fake: FakeBotApi, office: Office) -> None:
    """One delivery path: the chase is claimed in the reminders' sent log (document "<key>:progress"), a
    429 is waited out as reminders wait it out, and the message carries its 填报 button."""
    from datetime import UTC, datetime

    from reminders_support import log_rows

    from knowledge.db import transaction
    from knowledge.progress import store

    o = office
    now = datetime(2023, 6, 1, tzinfo=UTC)
    with transaction(o.runtime.knowledge.sessions) as session:
        binding, _ = store.request_binding(session, o.clerk_chat.id, "private", "民政李", "区民政局", o.clerk.id, now)
        store.decide_binding(session, binding.id, True, "test", now)
    chaser = o.app.bot_data.chaser
    assert chaser is not None
    fake.inject_429("sendMessage", times=1, retry_after=1)
    first = await chaser.run(o.app.bot, at(2023, 6, 13, 9, 0))
    assert first.units == 1 and (await chaser.run(o.app.bot, at(2023, 6, 13, 9, 5))).units == 0
    [reminder] = await fake.wait_for_bot_messages(o.clerk_chat, timeout=10)
    assert "还有 7 天" in reminder.text and reminder.button_texts == ["填报"]
    rows = [r for r in log_rows(o.runtime.knowledge) if r.chat_id == o.clerk_chat.id]
    assert rows and {(r.document, r.status) for r in rows} == {(f"{o.runtime.catalog.key}:progress", "sent")}
    assert max(r.attempts for r in rows) == 2  # the 429, then the send
