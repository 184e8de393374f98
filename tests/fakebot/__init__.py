"""A strict local fake of the Telegram Bot API for end-to-end tests (see README.md)."""

from .server import (
    DEFAULT_TOKEN,
    ApiCall,
    CallbackQuery,
    FakeBotApi,
    FakeChat,
    FakeMessage,
    FakeUser,
    FloodLimits,
    InlineQuery,
    RejectionExpectation,
    parse_html,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "CallbackQuery",
    "FakeBotApi",
    "FakeChat",
    "FakeMessage",
    "FakeUser",
    "FloodLimits",
    "InlineQuery",
    "RejectionExpectation",
    "parse_html",
]
