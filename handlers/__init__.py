"""Telegram handlers: one module per user-facing feature, each exporting `register(application)`.

Conventions every handler module follows (bot/app.py relies on them):

- `register(application)` adds the module's handlers; it must not send anything.
- `COMMANDS: list[CommandSpec]` lists the module's slash commands as `(name, 中文说明, scopes)`,
  scopes being a tuple of `PRIVATE`, `GROUP` and/or `ADMIN`; bot/app.py publishes them with set_my_commands
  in HANDLER_MODULES order.
- A new module is added to bot/app.py's HANDLER_MODULES (imported there, so a rename fails loudly);
  tests/test_telegram_e2e.py checks that every module here with a `register` is in that list.
- Free-text questions are caught in handler group `QUESTION_GROUP`, after group 0: a module that
  consumes a plain text message itself (e.g. a conversation step) handles it in group 0 and raises
  `ApplicationHandlerStop` so it is not also answered as a question.
- Button data starting with "1" belongs to handlers/pages.py, whose router (group 0) answers every
  button nobody else took with a polite "unknown button" alert. Another module uses its own prefix
  and handles it in group -1, raising `ApplicationHandlerStop` (handlers/subscriptions.py: "sb:").
- Handlers take a `Context` (PTB's CallbackContext with `BotData` as bot_data, set by bot/app.py through
  `CONTEXT_TYPES`): the process's `Runtime` is `context.bot_data.runtime`, checked by mypy.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, TypeVar

from telegram import BotCommand, InlineKeyboardButton, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackContext,
    ContextTypes,
    ExtBot,
    JobQueue,
)

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.runtime import Runtime
    from handlers.delivery import ReminderService
    from handlers.progress_chase import Chaser

Scope = Literal["private", "group", "admin"]
PRIVATE: Scope = "private"
GROUP: Scope = "group"
ADMIN: Scope = "admin"  # the private menus of the users in DUBAN_ADMINS only (their own chat scope)
BOTH: tuple[Scope, ...] = (PRIVATE, GROUP)
CommandSpec = tuple[str, str, tuple[Scope, ...]]

QUESTION_GROUP = 1
Clock = Callable[[], datetime]


# Button data is anyone's to forge: an id in it is read only when it is a plain number a database holds.
_MAX_ID_DIGITS = 18  # below 2**63, the largest integer SQLite and PostgreSQL's bigint store


def button_number(text: str) -> int | None:
    """The non-negative integer `text` spells in ASCII digits (at most 18), else None: "99999999999999999999",
    "①" or "" are stale or forged buttons, never an OverflowError or a ValueError."""
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_ID_DIGITS:
        return None
    return int(text)


V = TypeVar("V")


class BoundedMemory(Generic[V]):
    """What buttons refer to by token (long questions, conversation answers), bounded in bytes as well as
    in entries: a user sending thousands of 4,000-character questions evicts older ones instead of filling
    memory. `weigh` estimates a value's size in bytes."""

    def __init__(self, weigh: Callable[[V], int], max_bytes: int = 8 * 2**20, max_entries: int = 20_000) -> None:
        self.weigh, self.max_bytes, self.max_entries = weigh, max_bytes, max_entries
        self._items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self.size = 0

    def put(self, key: str, value: V) -> None:
        if key in self._items:
            self.size -= self._items.pop(key)[1]
        weight = self.weigh(value)
        self._items[key] = (value, weight)
        self.size += weight
        while self._items and (self.size > self.max_bytes or len(self._items) > self.max_entries):
            _key, (_value, oldest) = self._items.popitem(last=False)
            self.size -= oldest

    def get(self, key: str) -> V | None:
        found = self._items.get(key)
        return None if found is None else found[0]

    def __len__(self) -> int:
        return len(self._items)


def _utf8_size(text: str) -> int:
    return len(text.encode())


def _answer_size(item: tuple[str, Answer]) -> int:
    """The question, and what the answer adds to the catalog rows it points at (headline, notes, one
    reference per row)."""
    question, answer = item
    return len(question.encode()) + len(answer.headline.encode()) + sum(len(n.encode()) for n in answer.notes) \
        + 64 * len(answer.rows) + 512


@dataclass
class BotData:
    """Everything the process keeps in `application.bot_data`, typed. PTB makes it with no arguments, so
    bot/app.py sets `runtime` right after building the Application."""

    _runtime: Runtime | None = None
    commands: dict[str, list[BotCommand]] = field(default_factory=dict)  # published menus (bot/app.py)
    admin_menus: set[int] = field(default_factory=set)  # admins whose own menu is published (handlers/start.py)
    questions: BoundedMemory[str] = field(default_factory=lambda: BoundedMemory(_utf8_size))  # handlers/pages.py
    # Recent answers that leaned on their conversation ("那配合的呢"), by token: their buttons page these.
    answers: BoundedMemory[tuple[str, Answer]] = field(default_factory=lambda: BoundedMemory(_answer_size))
    alerts: dict[str, float] = field(default_factory=dict)  # last admin alert per error (handlers/errors.py)
    reminders: ReminderService | None = None  # the delivery job's state (handlers/delivery.py)
    clock: Clock | None = None  # a test's clock for reminders; real time when None
    chaser: Chaser | None = None  # the progress-chasing job's state (handlers/progress_chase.py)
    progress_locks: dict[int, asyncio.Lock] = field(default_factory=dict)  # per chat (handlers/progress.py)

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("bot_data.runtime is not set: build the Application with bot.app.build_application")
        return self._runtime

    @runtime.setter
    def runtime(self, runtime: Runtime) -> None:
        self._runtime = runtime


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
App = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]]
# A command no module registered gets "未知命令" from handlers/ask.py, after everything else.
UNKNOWN_GROUP = 2


def is_group(chat_type: str) -> bool:
    """A basic group or a supergroup (Telegram's Chat.type): where replies quote the asker, answers are
    compact, only administrators change subscriptions and sends are paced. Every feature asks this here."""
    return chat_type in ("group", "supergroup")



async def keep_press(press: Callable[[Update, Context], Awaitable[None]], update: Update,
                     context: Context) -> NoReturn:
    """Handle a press of one of this module's own buttons (group -1, its own prefix) and stop there: an error
    is reported like any handler error, and ApplicationHandlerStop keeps handlers/pages.py's catch-all router
    from also answering the press as an unknown button."""
    try:
        await press(update, context)
    except Exception as error:
        await context.application.process_error(update, error)
    raise ApplicationHandlerStop


def nav_row(page: int, pages: int, data: Callable[[int], str]) -> list[InlineKeyboardButton]:
    """⏮ ◀ n/N ▶ ⏭ under a paged message (`data(k)`: the callback data showing page k); the ends appear when
    they are more than one step away. Empty for a single page."""
    from handlers import texts as tx

    if pages <= 1:
        return []
    row = []
    if page >= 2:
        row.append(InlineKeyboardButton(tx.FIRST, callback_data=data(0)))
    if page > 0:
        row.append(InlineKeyboardButton(tx.PREVIOUS, callback_data=data(page - 1)))
    row.append(InlineKeyboardButton(tx.PAGE_OF.format(page=page + 1, pages=pages), callback_data="1n"))
    if page < pages - 1:
        row.append(InlineKeyboardButton(tx.NEXT, callback_data=data(page + 1)))
    if page <= pages - 3:
        row.append(InlineKeyboardButton(tx.LAST, callback_data=data(pages - 1)))
    return row
