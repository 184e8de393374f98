"""The error handler: log with context, apologise to the user, alert the admin chat; polling goes on."""

from __future__ import annotations

import html
import logging
import time
import traceback
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import Application

from bot.render import clip, quoted
from handlers import CommandSpec, Context, is_group
from handlers import texts as tx

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = []
# One admin alert per kind of error per window, so a failing dependency cannot flood the admin chat.
ALERT_WINDOW_SECONDS = 300.0


def describe(update: object) -> str:
    """Who sent what, in one log-friendly line."""
    if not isinstance(update, Update):
        return f"no update ({type(update).__name__})"
    parts = [f"update {update.update_id}"]
    if chat := update.effective_chat:
        parts.append(f"chat {chat.id} ({chat.type})")
    if user := update.effective_user:
        parts.append(f"user {user.id}")
    if update.callback_query is not None:
        parts.append(f"callback {update.callback_query.data!r}")
    elif update.inline_query is not None:
        parts.append(f"inline {update.inline_query.query[:80]!r}")
    elif (message := update.effective_message) is not None and message.text:
        parts.append(f"text {message.text[:80]!r}")
    return ", ".join(parts)


async def on_error(update: object, context: Context) -> None:
    """Handle an exception raised while processing an update (or while polling).

    A 429 never gets here from a reply (handlers/sending.py waits it out); what does is a real failure,
    and the asker is told which message it was.
    """
    error = context.error
    if isinstance(error, Forbidden):
        # The user blocked the bot or removed it from a group: there is nobody to tell.
        log.info("not allowed to write (%s): %s", error.message, describe(update))
        return
    if update is None and isinstance(error, NetworkError):
        # A failed getUpdates; PTB retries it by itself.
        log.warning("network problem while polling: %s", error)
        return
    where = describe(update)
    log.error("error while handling %s", where, exc_info=error)
    await _apologise(update, context)
    await _alert_admin(context, error, where)


async def _apologise(update: object, context: Context) -> None:
    if not isinstance(update, Update) or update.effective_chat is None or update.inline_query is not None:
        return
    message = update.effective_message
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(tx.SORRY_BUTTON, show_alert=True)
                return
            except BadRequest:  # already answered before the failure: say it in the chat instead
                message = None
        if message is not None and message.text is not None and update.callback_query is None:
            template = tx.SORRY_SEND if isinstance(context.error, TelegramError) else tx.SORRY_ANSWER
            sorry = template.format(question=quoted(message.text))
            await message.reply_text(sorry, do_quote=is_group(message.chat.type))
        elif update.callback_query is not None:
            await context.bot.send_message(update.effective_chat.id, tx.SORRY_BUTTON)
    except TelegramError as error:  # the apology must not raise from the error handler itself
        log.warning("could not apologise in chat %s: %s", update.effective_chat.id, error)


async def _alert_admin(context: Context, error: BaseException | None, where: str) -> None:
    chat_id = context.bot_data.runtime.settings.admin_chat_id
    if chat_id is None or error is None:
        return
    alerts = context.bot_data.alerts
    kind = type(error).__name__
    now = time.monotonic()
    if now - alerts.get(kind, -ALERT_WINDOW_SECONDS) < ALERT_WINDOW_SECONDS:
        return
    alerts[kind] = now
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    text = tx.ADMIN_ALERT.format(
        error=html.escape(clip(repr(error), 300), quote=False),
        where=html.escape(clip(where, 300), quote=False),
        trace=html.escape(trace[-2500:], quote=False),
    )
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as failure:
        log.warning("could not alert admin chat %s: %s", chat_id, failure)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Install the error handler."""
    application.add_error_handler(on_error)
