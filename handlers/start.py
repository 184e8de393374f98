"""/start (what Duban knows, example questions as buttons, deep links), /help, and joining groups."""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from telegram import (
    BotCommandScopeChat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot import messages as msg
from bot.answer import kind_name
from bot.examples import Chrome, chrome
from bot.wording import leader_words
from handlers import ADMIN, BOTH, PRIVATE, CommandSpec, Context, is_group
from handlers import texts as tx
from handlers.pages import LINK_PREFIXES, question_of_payload, reply_answer
from knowledge.catalog import Catalog

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = [
    ("start", tx.CMD_START, BOTH),
    ("help", tx.CMD_HELP, BOTH),
]
# Statuses in which the bot can speak in a group (a restricted bot may be muted).
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def intro(catalog: Catalog, group: bool = False, bot: str = "", words: Chrome | None = None) -> str:
    """Three lines, as HTML: what the bot knows, how to ask in this kind of chat, and reminders."""
    # Only the tables the document has, by its own names (民生实事 25 项; 重点工作 142 项、民生实事 34 项).
    counts = tx.START_COUNT_JOIN.join(
        tx.START_COUNT.format(name=kind_name(catalog, kind), n=sum(r.kind == kind for r in catalog.rows))
        for kind in catalog.kinds)
    units = {role.unit for row in catalog.rows for role in row.roles if not role.group}
    how = tx.START_HOW_GROUP.format(bot=bot) if group else tx.START_HOW_PRIVATE
    number = tx.START_NUMBER.format(doc_number=html.escape(catalog.doc_number, quote=False)) if catalog.doc_number else ""
    leader = words.leader if words else leader_words(catalog.wording).noun
    return tx.START.format(title=html.escape(catalog.title, quote=False), number=number,
                           counts=html.escape(counts, quote=False), units=len(units), how=how, leader=leader)


def examples_keyboard(examples: tuple[str, ...] = msg.EXAMPLES) -> InlineKeyboardMarkup:
    """One button per example question (the chat's document's, bot/examples.py); pressing it asks it."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(q, callback_data=f"1e:{i}")]
                                 for i, q in enumerate(examples)])


def _quoted(examples: tuple[str, ...]) -> str:
    """"“区民政局负责哪些民生实事”“老年食堂谁管？”": the first two examples, for /help."""
    return "".join(tx.QUOTED.format(question=q) for q in examples[:2])


async def on_start(update: Update, context: Context) -> None:
    """/start, or /start <payload> from a "私聊查看" link: continue that answer here."""
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args else ""
    if payload.startswith(LINK_PREFIXES):
        question = question_of_payload(context, payload)
        if question is not None:
            await reply_answer(message, context, question)
            return
        await message.reply_text(tx.EXPIRED_LINK)
    group = is_group(message.chat.type)
    # What the chat's own document holds, with examples from it (not the bundled document's, unless it is that).
    library = context.bot_data.runtime.library
    duban = library.duban(await asyncio.to_thread(library.chat_document, message.chat.id))
    examples = await asyncio.to_thread(lambda: duban.examples)
    words = await asyncio.to_thread(chrome, duban)
    await message.reply_html(intro(duban.catalog, group, context.bot.username or "", words),
                             reply_markup=examples_keyboard(examples), do_quote=group)


async def on_help(update: Update, context: Context) -> None:
    """Every feature, as it is used in this kind of chat; admins also see their commands (in private)."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    bot = context.bot.username or ""
    library = context.bot_data.runtime.library
    duban = library.duban(await asyncio.to_thread(library.chat_document, message.chat.id))
    words = await asyncio.to_thread(chrome, duban)
    if is_group(message.chat.type):
        await message.reply_html(help_text(words, bot, group=True), do_quote=True)
        return
    admin = user is not None and user.id in context.bot_data.runtime.settings.admins
    examples = await asyncio.to_thread(lambda: duban.examples)
    await message.reply_html(help_text(words, bot, examples=examples, admin=admin))


def help_text(words: Chrome, bot: str, group: bool = False, examples: tuple[str, ...] = (), admin: bool = False) -> str:
    """/help as HTML for the chat's document: its leaders and row numbers, and (in private) its examples."""
    item = html.escape(words.item, quote=False)
    leader = html.escape(words.leader, quote=False)
    if group:
        return tx.HELP_GROUP.format(bot=bot, item=item)
    items = html.escape(tx.ITEM_EXAMPLES_JOIN.join(words.items), quote=False)
    return tx.HELP_PRIVATE.format(bot=bot, admin=tx.HELP_ADMIN.format(item=item) if admin else "", leader=leader,
                                  examples=html.escape(_quoted(examples), quote=False), items=items)


async def publish_admin_menu(update: Update, context: Context) -> None:
    """An admin's first private message in this process: put the admin-only commands in their menu.

    Done here rather than at start-up because Telegram refuses a chat scope for a user who has not
    opened the bot yet; the admin commands stay out of everyone else's menus either way.
    """
    user = update.effective_user
    published = context.bot_data.admin_menus
    menus = context.bot_data.commands
    if user is None or user.id in published or not menus.get(ADMIN) \
            or user.id not in context.bot_data.runtime.settings.admins:
        return
    published.add(user.id)
    commands = menus.get(PRIVATE, []) + [c for c in menus[ADMIN] if c not in menus.get(PRIVATE, [])]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user.id))
    except TelegramError as error:
        published.discard(user.id)
        log.warning("admin %s: could not publish the admin command menu: %s", user.id, error)


async def on_membership(update: Update, context: Context) -> None:
    """Say hello once when added to a group; note when a user blocks the bot."""
    change = update.my_chat_member
    if change is None:
        return
    old, new = change.old_chat_member.status, change.new_chat_member.status
    chat = change.chat
    if chat.type == ChatType.PRIVATE:
        log.info("user %s %s the bot", chat.id, "blocked" if new == ChatMember.BANNED else "unblocked")
        return
    if is_group(chat.type) and new in _PRESENT and old not in _PRESENT:
        title = html.escape(context.bot_data.runtime.catalog.title, quote=False)
        await context.bot.send_message(chat.id, tx.GROUP_HELLO.format(title=title, bot=context.bot.username))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """/start, /help, the admins' own menus, and the bot's own membership changes."""
    updates = filters.UpdateType.MESSAGE
    # Runs beside the other handlers (its own group), never instead of them.
    application.add_handler(MessageHandler(updates & filters.ChatType.PRIVATE, publish_admin_menu), group=-2)
    application.add_handler(CommandHandler("start", on_start, filters=updates))
    application.add_handler(CommandHandler("help", on_help, filters=updates))
    application.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
