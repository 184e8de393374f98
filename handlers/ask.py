"""Questions: /ask, /unit, /leader, /item, plain text in private, and messages addressed to the bot in groups.

Groups run with privacy mode on, so Telegram only delivers commands, mentions and replies to the
bot; the filters below still check the addressee, because with privacy off (or the bot an admin)
every message arrives and the bot must stay quiet unless spoken to.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.examples import chrome, command_samples
from bot.pipeline import Duban
from bot.render import quoted
from handlers import BOTH, QUESTION_GROUP, UNKNOWN_GROUP, CommandSpec, Context, is_group
from handlers import texts as tx
from handlers.pages import reply_answer

COMMANDS: list[CommandSpec] = [
    ("ask", tx.CMD_ASK, BOTH),
    ("unit", tx.CMD_UNIT, BOTH),
    ("leader", tx.CMD_LEADER, BOTH),
    ("item", tx.CMD_ITEM, BOTH),
]
# What a command's argument becomes as a question.
_TEMPLATES = {"ask": "{}", "unit": tx.UNIT_QUESTION, "leader": tx.LEADER_QUESTION, "item": "{}"}
_FILLER = " \t\n,，:：、"
# Command and bot names are ASCII; \w would also take the Chinese that follows without a space ("/ask老年食堂").
_COMMAND = re.compile(r"/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?\s*(.*)", re.S)


class _AddressedToBot(filters.MessageFilter):
    """A group message that mentions this bot or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        me = f"@{bot.username}".lower()
        for entity, text in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
            if text.lower() == me or (entity.user is not None and entity.user.id == bot.id):
                return True
        return False


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed_to_bot")


def strip_mentions(text: str, username: str | None) -> str:
    """The message text without "@bot" and the punctuation around it."""
    if username:
        text = re.sub(rf"@{re.escape(username)}(?![A-Za-z0-9_])", " ", text, flags=re.IGNORECASE)
    return text.strip(_FILLER)


def command_question(command: str, args: str) -> str:
    """What "/unit 区民政局" asks, as a question the pipeline understands."""
    args = args.strip(_FILLER)
    return _TEMPLATES.get(command, "{}").format(args) if args else ""


async def on_command(update: Update, context: Context) -> None:
    """/ask 问题, /unit 单位, /leader 姓名, /item 五-12."""
    message = update.effective_message
    if message is None or not message.text:
        return
    match = _COMMAND.match(message.text)
    if match is None:
        return
    command = match.group(1).lower()
    question = command_question(command, strip_mentions(match.group(2), context.bot.username))
    library = context.bot_data.runtime.library
    key = await asyncio.to_thread(library.chat_document, message.chat.id)
    if not question:
        await message.reply_text(await asyncio.to_thread(usage, library.duban(key), command),
                                 do_quote=is_group(message.chat.type))
        return
    item = library.ask(question, key) if command == "item" else None
    if item is not None and not (item.detail and item.rows):
        # /item names one row: anything else (五-99, a topic) is a code the document lacks, not a question.
        words = await asyncio.to_thread(chrome, library.duban(key))
        examples = tx.ITEM_EXAMPLES_JOIN.join(tx.ITEM_EXAMPLE.format(item=i) for i in words.items)
        await message.reply_text(tx.NO_SUCH_ITEM.format(code=quoted(question), examples=examples),
                                 do_quote=is_group(message.chat.type))
        return
    await reply_answer(message, context, question)


def usage(duban: Duban, command: str) -> str:
    """How to use a command, with an example from the chat's document (the written one where it is that one's)."""
    command = command if command in tx.COMMAND_USAGE else "ask"
    samples = command_samples(duban)
    if samples is None or not getattr(samples, command):
        return tx.COMMAND_USAGE[command]
    return tx.COMMAND_USAGE_FITTED[command].format(**{command if command != "ask" else "question": getattr(samples, command)})


def _known_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> frozenset[str]:
    return frozenset(name for handlers in application.handlers.values() for handler in handlers
                     if isinstance(handler, CommandHandler) for name in handler.commands)


async def on_unknown_command(update: Update, context: Context) -> None:
    """"/foo" in private, or "/foo@thisbot" in a group: say so. A bare "/foo" in a group may be another bot's."""
    message = update.effective_message
    if message is None or not message.text:
        return
    match = _COMMAND.match(message.text)
    if match is None or match.group(1).lower() in _known_commands(context.application):
        return
    addressed = f"@{context.bot.username}".lower() in message.text.split(maxsplit=1)[0].lower()
    if is_group(message.chat.type) and not addressed:
        return
    await message.reply_text(tx.UNKNOWN_COMMAND, do_quote=is_group(message.chat.type))


async def on_text(update: Update, context: Context) -> None:
    """Plain text in private, or a group message addressed to the bot: a question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    question = strip_mentions(message.text, context.bot.username)
    if not question:
        bot = context.bot.username or ""
        library = context.bot_data.runtime.library
        duban = library.duban(await asyncio.to_thread(library.chat_document, message.chat.id))
        words = await asyncio.to_thread(chrome, duban)
        await message.reply_text(tx.MENTION_ONLY.format(bot=bot, question=words.question), do_quote=True)
        return
    await reply_answer(message, context, question)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Commands in every chat; free text in private chats and, when addressed to the bot, in groups."""
    # Edited messages are not questions: re-answering an edit would post a second reply.
    updates = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(list(_TEMPLATES), on_command, filters=updates))
    private = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    groups = filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_BOT
    application.add_handler(MessageHandler(updates & (private | groups), on_text), group=QUESTION_GROUP)
    application.add_handler(MessageHandler(updates & filters.COMMAND, on_unknown_command), group=UNKNOWN_GROUP)
