"""Telegram handlers: one module per user-facing feature, each exporting `register(application)`.

Conventions every handler module follows (bot/app.py relies on them):

- `register(application)` adds the module's handlers; it must not send anything.
- `COMMANDS: list[CommandSpec]` lists the module's slash commands as `(name, 中文说明, scopes)`,
  scopes being a tuple of `PRIVATE` and/or `GROUP`; bot/app.py publishes them with set_my_commands
  in HANDLER_MODULES order.
- A new module is added to bot/app.py's HANDLER_MODULES (imported there, so a rename fails loudly);
  tests/test_telegram_e2e.py checks that every module here with a `register` is in that list.
- Free-text questions are caught in handler group `QUESTION_GROUP`, after group 0: a module that
  consumes a plain text message itself (e.g. a conversation step) handles it in group 0 and raises
  `ApplicationHandlerStop` so it is not also answered as a question.
- Button data starting with "1" belongs to handlers/pages.py, whose router (group 0) answers every
  button nobody else took with a polite "unknown button" alert. Another module uses its own prefix
  and handles it in group -1, raising `ApplicationHandlerStop` (handlers/subscriptions.py: "sb:").
- The process's `Runtime` is `runtime_of(context)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bot.runtime import Runtime

Scope = Literal["private", "group"]
PRIVATE: Scope = "private"
GROUP: Scope = "group"
BOTH: tuple[Scope, ...] = (PRIVATE, GROUP)
CommandSpec = tuple[str, str, tuple[Scope, ...]]

QUESTION_GROUP = 1
RUNTIME_KEY = "runtime"


def is_group(chat_type: str) -> bool:
    """A basic group or a supergroup (Telegram's Chat.type): where replies quote the asker, answers are
    compact, only administrators change subscriptions and sends are paced. Every feature asks this here."""
    return chat_type in ("group", "supergroup")


def runtime_of(context: Any) -> Runtime:
    """The Runtime stored in `application.bot_data` by bot/app.py."""
    runtime: Runtime = context.bot_data[RUNTIME_KEY]
    return runtime
