"""Pytest helpers around :class:`FakeBotApi` and python-telegram-bot.

Typical use in a test module (or a conftest.py)::

    from fakebot.fixtures import application_builder, fake_bot_api, polling  # noqa: F401

    async def test_reply(fake_bot_api):
        app = application_builder(fake_bot_api).build()
        app.add_handler(...)
        async with polling(app):
            user = fake_bot_api.add_user("Li")
            chat = fake_bot_api.private_chat(user)
            await fake_bot_api.send_text(chat, user, "/start")
            [reply] = await fake_bot_api.wait_for_bot_messages(chat)
"""

from __future__ import annotations

import contextlib
import datetime as dtm
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio
from telegram.ext import Application, ApplicationBuilder

from .server import DEFAULT_TOKEN, FakeBotApi

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
AnyApplicationBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]


@contextlib.asynccontextmanager
async def running_fake(**options: Any) -> AsyncIterator[FakeBotApi]:
    """Start a fake; on a clean exit, fail if the bot got any rejection nobody expected."""
    async with FakeBotApi(**options) as fake:
        yield fake
        fake.assert_no_unexpected_rejections()


def make_fake_bot_fixture(**options: Any) -> Any:
    """A function-scoped async fixture yielding a started fake built with ``options``
    (see FakeBotApi's keyword arguments); teardown asserts no unexpected rejections."""

    @pytest_asyncio.fixture
    async def _fixture() -> AsyncIterator[FakeBotApi]:
        async with running_fake(**options) as fake:
            yield fake

    return _fixture


fake_bot_api = make_fake_bot_fixture()


def application_builder(fake: FakeBotApi) -> AnyApplicationBuilder:
    """An ApplicationBuilder pointed at the fake (token and URLs set; nothing else)."""
    return ApplicationBuilder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url)


@contextlib.asynccontextmanager
async def polling(
    app: AnyApplication,
    *,
    timeout: float = 1.0,
    on_start: Callable[[AnyApplication], Any] | None = None,
) -> AsyncIterator[AnyApplication]:
    """Initialize, start and poll ``app``; stop and shut it down cleanly on exit."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=dtm.timedelta(seconds=timeout))
        try:
            if on_start is not None:
                await on_start(app)
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


__all__ = [
    "DEFAULT_TOKEN",
    "AnyApplication",
    "AnyApplicationBuilder",
    "application_builder",
    "fake_bot_api",
    "make_fake_bot_fixture",
    "polling",
    "running_fake",
]
