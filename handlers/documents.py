"""/doc: each chat chooses the document it is answered from (in groups, administrators only).

The buttons list the stored documents by short title and year, newest first, the chat's own one ticked;
a press stores the choice (bot/shelf) and every later question of the chat is answered from it.
"""

from __future__ import annotations

import asyncio
import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.shelf import messages as sm
from handlers import BOTH, CommandSpec, Context, is_group, keep_press
from handlers.subscriptions import may_change

COMMANDS: list[CommandSpec] = [("doc", sm.CMD_DOC, BOTH)]
_PREFIX = "dc:"
# Telegram shows at most 100 buttons; a chat choosing among more names the year or place in its question.
MAX_BUTTONS = 60


def _markup(context: Context, current: str) -> InlineKeyboardMarkup | None:
    library = context.bot_data.runtime.library
    rows = []
    for shelved in library.shelf()[:MAX_BUTTONS]:
        form = sm.DOC_BUTTON_CURRENT if shelved.key == current else sm.DOC_BUTTON
        rows.append([InlineKeyboardButton(form.format(label=shelved.label)[:64],
                                          callback_data=f"{_PREFIX}{shelved.id}")])
    return InlineKeyboardMarkup(rows) if rows else None


async def on_doc(update: Update, context: Context) -> None:
    """List the stored documents with a button each; the chat's current one is ticked."""
    message = update.effective_message
    if message is None:
        return
    library = context.bot_data.runtime.library
    current = await asyncio.to_thread(library.chat_document, message.chat.id)
    label = html.escape(library.label(current), quote=False)
    group = is_group(message.chat.type)
    if not library.several():
        await message.reply_html(sm.DOC_ONLY_ONE.format(label=label), do_quote=group)
        return
    if group and not await may_change(context, message, message.from_user):
        await message.reply_html(sm.DOC_CURRENT.format(label=label) + sm.DOC_ADMINS_ONLY, do_quote=True)
        return
    await message.reply_html(sm.DOC_LIST.format(label=label), reply_markup=_markup(context, current), do_quote=group)


async def _press(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    library = context.bot_data.runtime.library
    chosen = next((s for s in library.shelf() if f"{_PREFIX}{s.id}" == query.data), None)
    if message is None or chosen is None:
        await query.answer(sm.DOC_GONE, show_alert=True)
        return
    # The press is checked, not only the command: anyone in a group can press the buttons under /doc.
    if not await may_change(context, message, query.from_user):
        await query.answer(sm.DOC_ADMINS_ONLY, show_alert=True)
        return
    await asyncio.to_thread(library.choose, message.chat.id, chosen.key, query.from_user.id)
    await query.answer()
    await query.edit_message_text(html.escape(sm.DOC_CHOSEN.format(label=chosen.label), quote=False),
                                  reply_markup=_markup(context, chosen.key), parse_mode="HTML")


async def on_button(update: Update, context: Context) -> None:
    await keep_press(_press, update, context)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """/doc everywhere (groups: only administrators may press a choice), its buttons ahead of the router."""
    application.add_handler(CommandHandler("doc", on_doc))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{_PREFIX}"), group=-1)
