"""Answers on screen: pages with ◀ ▶, row details, suggestion buttons, and the callbacks behind them.

Callback data (at most 64 bytes, version prefix "1") names everything needed to redraw a view:

    1p:<page>:<ref>              a page of the answer to <ref>
    1d:<row id>[:<page>:<ref>]   a row's detail, with a way back to that page
    1s:<index>:<ref>             re-ask <ref> with its <index>-th suggestion
    1e:<index>                   ask example question <index>
    1a:<index>                   ask fallback question <index> (the list of all units, of all leaders)
    1n                           the page counter (does nothing)

<ref> is `q<question>` when the question fits, so most buttons keep working after a restart, or
`t<token>` for a longer question remembered in memory (a stale token gets a polite alert), or `a<token>`
for an answer that leaned on its conversation ("那配合的呢" after "区住建局有哪些工作"): asked alone its
text means something else, so the buttons page the answer itself, remembered in memory.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler
from telegram.helpers import create_deep_linked_url

from bot.answer import Answer
from bot.render import clip, html_pages, render_html_compact, render_html_detail
from bot.wording import leader_words
from handlers import BoundedMemory, CommandSpec, Context, is_group, nav_row
from handlers import texts as tx
from knowledge.catalog import Row
from knowledge.rowids import parse_row_id

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = []
PAGE_ITEMS = 8  # rows per page: a phone screen, and one detail button per row
GROUP_ROWS = 3  # rows a group sees before "展开全部"
DETAIL_COLUMNS = 3
MAX_SUGGESTIONS = 6
CALLBACK_BYTES = 64
LINK_PREFIXES = ("q_", "page_")

_PAGE = re.compile(r"1p:(\d{1,3}):(.+)", re.S)
_DETAIL = re.compile(r"1d:([^:]{1,20})(?::(\d{1,3}):(.+))?", re.S)  # the row id: knowledge.rowids reads it
_SUGGEST = re.compile(r"1s:(\d{1,2}):(.+)", re.S)
_EXAMPLE = re.compile(r"1e:(\d{1,2})")
_FALLBACK = re.compile(r"1a:(\d{1,2})")
_TOKEN = re.compile(r"t([A-Za-z0-9_-]{11})")
_ANSWER = re.compile(r"a([A-Za-z0-9_-]{11})")


@dataclass(frozen=True)
class View:
    """What one message shows: HTML text and its buttons."""

    text: str
    markup: InlineKeyboardMarkup | None = None


# --- remembering questions -----------------------------------------------------------------------


def _memory(context: Context) -> BoundedMemory[str]:
    return context.bot_data.questions


def remember(context: Context, question: str) -> str:
    """A stable 11-character token for `question`, kept in a table bounded in bytes and entries."""
    key = _token(question)
    _memory(context).put(key, question)
    return key


def ref_for(context: Context, question: str, prefix: str) -> str:
    """The question itself when `prefix` + it fits in callback data, else a remembered token."""
    if len((prefix + "q" + question).encode()) <= CALLBACK_BYTES:
        return "q" + question
    return "t" + remember(context, question)


def resolve_ref(context: Context, ref: str) -> str | None:
    """The question a ref names, or None when it is forged or forgotten."""
    if ref.startswith("q") and ref[1:].strip():
        return ref[1:]
    if match := _TOKEN.fullmatch(ref):
        return _memory(context).get(match.group(1))
    return None


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.blake2b(text.encode(), digest_size=8).digest()).decode().rstrip("=")


def answer_ref(context: Context, question: str, answer: Answer) -> str | None:
    """An `a<token>` ref when `answer` leaned on the conversation (the question asked alone answers
    otherwise), else None: the question itself is then the ref, as for every other button."""
    alone = context.bot_data.runtime.duban.ask(question)
    shown = [item.row.id for item in answer.rows]
    if (alone.headline, [item.row.id for item in alone.rows]) == (answer.headline, shown):
        return None
    key = _token(f"{question}\n{answer.headline}\n{','.join(shown)}")
    context.bot_data.answers.put(key, (question, answer))
    return "a" + key


def resolve_answer(context: Context, ref: str, key: str | None = None) -> tuple[str, Answer] | None:
    """The question and answer a ref names (the answer remembered, or asked again of document `key`, default
    the answering one), or None."""
    if match := _ANSWER.fullmatch(ref):
        return context.bot_data.answers.get(match.group(1))
    question = resolve_ref(context, ref)
    return None if question is None else (question, context.bot_data.runtime.library.ask(question, key))


def link_payload(context: Context, question: str) -> str:
    """A /start deep-link payload ([A-Za-z0-9_-], ≤ 64) that leads to the full answer in private."""
    encoded = base64.urlsafe_b64encode(question.encode()).decode().rstrip("=")
    if len(encoded) + 2 <= CALLBACK_BYTES:
        return "q_" + encoded
    return "page_" + remember(context, question)


def question_of_payload(context: Context, payload: str) -> str | None:
    """The question a deep-link payload carries, or None when it is malformed or forgotten."""
    if payload.startswith("page_"):
        return _memory(context).get(payload[5:])
    if payload.startswith("q_"):
        raw = payload[2:]
        try:
            question = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return question.strip() or None
    return None


# --- views ---------------------------------------------------------------------------------------


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(clip(text, 40), callback_data=data)


def fallbacks(context: Context, key: str) -> list[tuple[str, str]]:
    """The whole-list buttons (label, question) in document `key`'s words: 全部县领导 asks 有哪些县领导."""
    leader = leader_words(context.bot_data.runtime.library.duban(key).catalog.wording).noun
    return [(label.format(leader=leader), asked.format(leader=leader)) for label, asked in tx.FALLBACKS]


def _suggestion_rows(context: Context, answer: Answer, question: str, key: str, ref: str | None = None
                     ) -> list[list[InlineKeyboardButton]]:
    rows = []
    for index, suggestion in enumerate(answer.suggestions[:MAX_SUGGESTIONS]):
        prefix = f"1s:{index}:"
        rows.append([_button(suggestion, prefix + (ref or ref_for(context, question, prefix)))])
    if answer.intent == "unknown_unit" and not answer.suggestions:
        # No name is close enough to offer: the whole list instead, never a guess.
        rows.append([_button(label, f"1a:{index}") for index, (label, _) in enumerate(fallbacks(context, key))])
    return rows


def page_view(context: Context, answer: Answer, question: str, page: int, key: str, ref: str | None = None) -> View:
    """Page `page` of the answer with a detail button per row, suggestions, and ◀ n/N ▶; `key` is the chat's
    document (its words on the buttons), `ref` names the answer in the buttons when the question alone does
    not (answer_ref)."""
    pages = html_pages(answer, items_per_page=PAGE_ITEMS)
    page = min(max(page, 0), len(pages) - 1)
    shown = pages[page]
    keyboard: list[list[InlineKeyboardButton]] = []
    if not answer.detail:
        # The answer's own rows: it may come from another document than the process's answering one.
        rows = {item.row.id: item.row for item in answer.rows}
        buttons = []
        for row_id in shown.row_ids:
            prefix = f"1d:{row_id}:{page}:"
            buttons.append(_button(rows[row_id].label, prefix + (ref or ref_for(context, question, prefix))))
        keyboard += [buttons[i:i + DETAIL_COLUMNS] for i in range(0, len(buttons), DETAIL_COLUMNS)]
    keyboard += _suggestion_rows(context, answer, question, key, ref)
    if answer.detail:
        own = {item.row.id: item.row for item in answer.rows}
        keyboard += [row_actions(context, own[row_id], False, key) for row_id in shown.row_ids if row_id in own]

    def data(k: int) -> str:
        return f"1p:{k}:" + (ref or ref_for(context, question, f"1p:{k}:"))

    if nav := nav_row(page, len(pages), data):
        keyboard.append(nav)
    return View(shown.text, InlineKeyboardMarkup(keyboard) if keyboard else None)


def compact_view(context: Context, answer: Answer, question: str, key: str, ref: str | None = None) -> View:
    """A group's view: the summary and first rows, with buttons to see the rest here or in private."""
    compact, hidden = render_html_compact(answer, GROUP_ROWS)
    if not hidden:
        return page_view(context, answer, question, 0, key, ref)
    prefix = "1p:0:"
    keyboard = [[_button(tx.SHOW_ALL.format(n=len(answer.rows)), prefix + (ref or ref_for(context, question, prefix)))]]
    username = context.bot.username
    if username:
        url = create_deep_linked_url(username, link_payload(context, question))
        keyboard[0].append(InlineKeyboardButton(tx.OPEN_PRIVATE, url=url))
    keyboard += _suggestion_rows(context, answer, question, key, ref)
    return View(compact.text, InlineKeyboardMarkup(keyboard))


def detail_view(context: Context, row: Row, question: str | None, page: int, key: str, ref: str | None = None,
                admin: bool = False) -> View:
    """One row in full: 订阅 (and 设置期限 for an admin), and a button back to the page it was opened from."""
    keyboard = [row_actions(context, row, admin, key)]
    if question is not None:
        prefix = f"1p:{page}:"
        keyboard.append([_button(tx.BACK, prefix + (ref or ref_for(context, question, prefix)))])
    return View(render_html_detail(row), InlineKeyboardMarkup(keyboard))


def row_actions(context: Context, row: Row, admin: bool, key: str) -> list[InlineKeyboardButton]:
    """Under a row in full: 订阅 (asks before subscribing) and, for an admin, how to set its deadline."""
    from handlers.subscriptions import row_buttons

    # Subscriptions and deadlines follow the chat's document `key`: a row another document answered (a question
    # naming its year) has neither.
    own = context.bot_data.runtime.library.duban(key).catalog.by_id.get(row.id) == row
    return row_buttons(row, admin) if own else []


async def reply_answer(message: Message, context: Context, question: str) -> None:
    """Answer `question` under `message`: full pages in private, compact (quoting the asker) in groups."""
    from bot.dialogue.store import conversation_key

    group = is_group(message.chat.type)
    # A private chat is one conversation; in a group each user's messages to the bot are their own.
    user = message.from_user.id if message.from_user is not None else None
    library = context.bot_data.runtime.library
    key = await asyncio.to_thread(library.chat_document, message.chat.id)
    answer = library.reply(conversation_key(message.chat.id, user, private=not group), question, key)
    if group and answer.intent in ("none", "chat"):
        # Thanks, greetings or anything else off the document said to the bot in a group: a few words,
        # never the examples read out to everyone.
        words = answer.headline if answer.intent == "chat" else tx.GROUP_NOT_ABOUT.format(bot=context.bot.username or "")
        await message.reply_text(words, do_quote=True)
        return
    ref = answer_ref(context, question, answer)
    view = compact_view(context, answer, question, key, ref) if group else page_view(context, answer, question, 0, key, ref)
    await message.reply_html(view.text, reply_markup=view.markup, do_quote=group)


# --- callbacks -----------------------------------------------------------------------------------


async def _alert(query: CallbackQuery, text: str) -> None:
    await query.answer(text, show_alert=True)


async def _show(query: CallbackQuery, view: View) -> None:
    """Redraw the message; pressing the button of the page already shown is not an error."""
    try:
        await query.edit_message_text(view.text, reply_markup=view.markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def on_callback(update: Update, context: Context) -> None:
    """Route a button press; anything unrecognised or stale gets an alert, never an exception."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    if data == "1n":
        await query.answer()
    elif message is None:  # too old for Telegram to show us, or sent inline
        await _alert(query, tx.STALE)
    elif match := _EXAMPLE.fullmatch(data):
        # The examples of the chat's document, as /start showed them (bot/examples.py).
        chosen = context.bot_data.runtime.library.duban(_chat_document(context, query))
        await _on_example(query, context, message, await asyncio.to_thread(lambda: chosen.examples),
                          int(match.group(1)))
    elif match := _FALLBACK.fullmatch(data):
        fallback = fallbacks(context, await asyncio.to_thread(_chat_document, context, query))
        await _on_example(query, context, message, [q for _, q in fallback], int(match.group(1)))
    elif match := _PAGE.fullmatch(data):
        await _on_page(query, context, int(match.group(1)), match.group(2))
    elif match := _DETAIL.fullmatch(data):
        await _on_detail(query, context, match.group(1), int(match.group(2) or 0), match.group(3))
    elif match := _SUGGEST.fullmatch(data):
        await _on_suggestion(query, context, message, int(match.group(1)), match.group(2))
    else:
        log.info("unrecognised callback data %r from user %s", data[:80], query.from_user.id)
        await _alert(query, tx.FORGED)


async def _on_example(query: CallbackQuery, context: Context, message: Message,
                      questions: Sequence[str], index: int) -> None:
    """A button that asks a fixed question: the answer comes as a new message."""
    if index >= len(questions):
        await _alert(query, tx.FORGED)
        return
    await query.answer()
    await reply_answer(message, context, questions[index])


def _chat_document(context: Context, query: CallbackQuery) -> str:
    """The document of the chat the button is in (the answering one for a message sent inline)."""
    library = context.bot_data.runtime.library
    message = query.message if isinstance(query.message, Message) else None
    return library.chat_document(message.chat.id) if message is not None else library.default_key()


async def _on_page(query: CallbackQuery, context: Context, page: int, ref: str) -> None:
    key = _chat_document(context, query)
    resolved = resolve_answer(context, ref, key)
    if resolved is None:
        await _alert(query, tx.STALE)
        return
    question, answer = resolved
    if page >= len(html_pages(answer, items_per_page=PAGE_ITEMS)):
        await _alert(query, tx.NO_SUCH_PAGE)
        return
    await query.answer()
    await _show(query, page_view(context, answer, question, page, key, ref if _ANSWER.fullmatch(ref) else None))


async def _on_detail(query: CallbackQuery, context: Context, row_id: str, page: int,
                     ref: str | None) -> None:
    library = context.bot_data.runtime.library
    asked = resolve_ref(context, ref) if ref else None
    key = library.pick(asked or "", _chat_document(context, query))
    row = library.duban(key).catalog.by_id.get(parse_row_id(row_id) or "")
    if row is None:
        await _alert(query, tx.NO_SUCH_ROW)
        return
    await query.answer()
    remembered = context.bot_data.answers.get(ref[1:]) if ref and _ANSWER.fullmatch(ref) else None
    question = remembered[0] if remembered else resolve_ref(context, ref) if ref else None
    admin = query.from_user.id in context.bot_data.runtime.settings.admins
    await _show(query, detail_view(context, row, question, page, _chat_document(context, query),
                                   ref if remembered else None, admin))


async def _on_suggestion(query: CallbackQuery, context: Context, message: Message,
                         index: int, ref: str) -> None:
    key = _chat_document(context, query)
    resolved = resolve_answer(context, ref, key)
    if resolved is None:
        await _alert(query, tx.STALE)
        return
    question, answer = resolved
    if index >= len(answer.suggestions):
        await _alert(query, tx.FORGED)
        return
    question = suggested_question(question, answer, answer.suggestions[index])
    answer = context.bot_data.runtime.library.ask(question, key)
    await query.answer()
    view = compact_view(context, answer, question, key) if is_group(message.chat.type) else page_view(context, answer, question, 0, key)
    await _show(query, view)


def suggested_question(question: str, answer: Answer, suggestion: str) -> str:
    """The question asked again with the unknown or ambiguous name replaced by the chosen suggestion."""
    unknown = answer.query.unknown
    if unknown and unknown in question:
        return question.replace(unknown, suggestion, 1)
    return suggestion


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Handle every button press."""
    application.add_handler(CallbackQueryHandler(on_callback))
