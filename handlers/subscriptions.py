"""/sub, /unsub, /mysubs (with remove buttons), /deadlines and the admins' /deadline.

In groups only the group's administrators may change the group's subscriptions (checked with
getChatMember on every change, never cached, so a demoted admin loses the right at once).

Database work runs in worker threads (asyncio.to_thread), one small synchronous step each with its own
session: on PostgreSQL every round trip made on the event loop would stall all the updates the
Application handles concurrently, and a Session must never be shared between threads.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
)

from bot.examples import chrome
from bot.pipeline import Duban
from bot.reminders import messages as rm
from bot.reminders import render as rr
from bot.reminders.targets import ALL_WORDS, Resolution, resolve_targets, sub_usage
from bot.render import quoted
from bot.runtime import Runtime
from handlers import ADMIN, BOTH, CommandSpec, Context, button_number, is_group, keep_press, nav_row
from handlers.delivery import now_of
from knowledge import chats
from knowledge.catalog import Catalog, Row
from knowledge.db import transaction
from knowledge.language import language
from knowledge.reminders.deadlines import Deadline, DeadlineError, parse_deadline
from knowledge.reminders.store import (
    clear_deadlines,
    due_from_text,
    effective,
    policy_from,
    set_deadline,
)
from knowledge.reminders.subscriptions import (
    SubscriptionInfo,
    Target,
    chat_row_ids,
    documents_of,
    list_subscriptions,
    pause_chat,
    resume_chat,
    subscribe,
    target_rows,
    unsubscribe,
    unsubscribe_all,
    unsubscribe_id,
)
from knowledge.rowids import canonical_row_ids

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = [
    ("sub", rm.CMD_SUB, BOTH),
    ("unsub", rm.CMD_UNSUB, BOTH),
    ("mysubs", rm.CMD_MYSUBS, BOTH),
    ("deadlines", rm.CMD_DEADLINES, BOTH),
    ("deadline", rm.CMD_DEADLINE, (ADMIN,)),
]
Sessions = sessionmaker[Session]
CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data
_PREFIX = "sb:"
_CLEAR_WORDS = language().commands.clear  # "/deadline K5-12 清除" (grammar.toml [commands])
# Telegram's "GroupAnonymousBot": messages of anonymous group admins come from it.
_ANONYMOUS_ADMIN = 1087968824


def callback_data(*parts: str) -> str:
    """`sb:…` callback data, refusing anything over Telegram's 64-byte limit."""
    data = _PREFIX + ":".join(parts)
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data {data!r} is longer than {CALLBACK_LIMIT} bytes")
    return data


@dataclass(frozen=True)
class ChatDocument:
    """The chat's document (/doc), which /sub, /deadline and their buttons read and act on, as questions do."""

    duban: Duban
    # The stored subscription documents meaning it (documents_of: its key, and "" when it answers by default).
    documents: tuple[str, ...]

    @property
    def catalog(self) -> Catalog:
        return self.duban.catalog


async def chat_document(runtime: Runtime, chat_id: int) -> ChatDocument:
    """The document chat `chat_id` asks (its /doc choice, else the answering one)."""
    library = runtime.library
    key = await asyncio.to_thread(library.chat_document, chat_id)
    return ChatDocument(library.duban(key), documents_of(key, key == library.default_key()))


async def _no_subs(doc: ChatDocument) -> str:
    """"本聊天还没有订阅…" with a unit of the chat's document."""
    return rm.NO_SUBS.format(unit=(await asyncio.to_thread(chrome, doc.duban)).unit)


def _button(text: str, *parts: str) -> InlineKeyboardButton | None:
    try:
        return InlineKeyboardButton(text[:40], callback_data=callback_data(*parts))
    except ValueError:
        return None


async def may_change(context: Context, message: Message, user: User | None) -> bool:
    """Private chats: always. Groups: only administrators (and anonymous admins posting as the group)."""
    chat = message.chat
    if not is_group(chat.type):
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None or user.id == _ANONYMOUS_ADMIN:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.warning("cannot check whether %s administers chat %s: %s", user.id, chat.id, error)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _args(context: Context) -> str:
    return " ".join(context.args or []).strip()


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await message.reply_html(text, reply_markup=markup, do_quote=is_group(message.chat.type))


def _refusal_markup(resolution: Resolution, action: str) -> InlineKeyboardMarkup | None:
    buttons = [b for s in resolution.suggestions[:3]
               if (b := _button(rm.SUGGESTION_BUTTON.format(name=s), action, s)) is not None]
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _group_addressees(catalog: Catalog, targets: list[Target]) -> list[str]:
    """Group addressees (各街镇, 全区各部门 …) reaching a subscribed unit: their rows are not included."""
    kinds = {catalog.units[t.value].kind for t in targets
             if t.kind == "unit" and t.value in catalog.units and catalog.units[t.value].kind != "group"}
    return sorted(name for name, info in catalog.units.items()
                  if info.kind == "group" and info.covers in kinds and catalog.by_unit.get(name))


# --- database steps: synchronous, each in its own session, run with asyncio.to_thread -------------
# They take the session factory, not the Runtime, so its lazily opened resources are first touched on
# the event loop's thread as before, never by two worker threads at once.


def _store_subscriptions(sessions: Sessions, chat_id: int, chat_type: chats.ChatType, targets: list[Target],
                         user_id: int | None, now: datetime, documents: tuple[str, ...]) -> tuple[int, list[Target]]:
    """Resume a paused chat and add the targets it lacks: (subscriptions resumed, targets added)."""
    with transaction(sessions) as session:
        resumed = resume_chat(session, chat_id)
        added = [t for t in targets if subscribe(session, chat_id, chat_type, t, created_by=user_id, now=now,
                                                 documents=documents)]
    return resumed, added


def _remove_all(sessions: Sessions, chat_id: int, documents: tuple[str, ...]) -> int:
    with transaction(sessions) as session:
        return unsubscribe_all(session, chat_id, documents)


def _remove_targets(sessions: Sessions, chat_id: int, targets: list[Target], documents: tuple[str, ...]) -> list[Target]:
    """The targets that were subscribed and are not any more."""
    with transaction(sessions) as session:
        return [t for t in targets if unsubscribe(session, chat_id, t, documents)]


def _remove_id(sessions: Sessions, chat_id: int, subscription_id: int) -> SubscriptionInfo | None:
    with transaction(sessions) as session:
        return unsubscribe_id(session, chat_id, subscription_id)


def _subscriptions(sessions: Sessions, chat_id: int, documents: tuple[str, ...]) -> list[SubscriptionInfo]:
    with sessions() as session:
        return list_subscriptions(session, chat_id, documents)


def _pause(sessions: Sessions, chat_id: int, now: datetime) -> int:
    with transaction(sessions) as session:
        return pause_chat(session, chat_id, rm.PAUSED_BY_USER, now)


def _resume(sessions: Sessions, chat_id: int) -> None:
    with transaction(sessions) as session:
        resume_chat(session, chat_id)


def _chat_deadlines(sessions: Sessions, catalog: Catalog, configured_default: object, chat_id: int,
                    documents: tuple[str, ...]) -> tuple[list[SubscriptionInfo], dict[str, list[Deadline]]]:
    """The chat's subscriptions to the document (all as if active) and, when it has any, every row's effective
    deadlines."""
    with sessions() as session:
        subs = [replace(s, paused=False) for s in list_subscriptions(session, chat_id, documents)]
        deadlines = effective(session, catalog, configured_default) if subs else {}
    return subs, deadlines


def _clear_deadlines(sessions: Sessions, document: str, row_id: str) -> int:
    with transaction(sessions) as session:
        return clear_deadlines(session, document, row_id)


def _set_deadline(sessions: Sessions, document: str, deadline: Deadline, set_by: str, now: datetime) -> bool:
    """True when it replaced an earlier admin deadline of the row."""
    with transaction(sessions) as session:
        return set_deadline(session, document, deadline, set_by=set_by, now=now)


# --- handlers --------------------------------------------------------------------------------------


async def subscribe_text(runtime: Runtime, doc: ChatDocument, chat_id: int, chat_type: chats.ChatType,
                         resolution: Resolution, user_id: int | None, now: datetime) -> str:
    """Store the resolved targets for a chat, against its document, and say what that means (shared by /sub
    and its buttons)."""
    catalog = doc.catalog
    resumed, added = await asyncio.to_thread(_store_subscriptions, runtime.knowledge.sessions, chat_id,
                                             chat_type, resolution.targets, user_id, now, doc.documents)
    rows = frozenset().union(*(target_rows(catalog, t) for t in resolution.targets))
    fresh = [t for t in resolution.targets if t in added]
    lines = [html.escape(note) for note in resolution.notes]
    if fresh:
        lines.append(rm.SUBSCRIBED.format(targets=html.escape(rr.target_list(catalog, fresh)), n=len(rows)))
    if len(fresh) < len(resolution.targets):
        old = [t for t in resolution.targets if t not in added]
        lines.append(rm.ALREADY.format(targets=html.escape(rr.target_list(catalog, old))))
    if resumed:
        lines.append(rm.RESUMED)
    reminders = runtime.settings.reminders
    lines.append(rr.policy_text(reminders.days_before, reminders.overdue_days,
                                reminders.send_time.strftime("%H:%M"), reminders.shift_to_workday))
    groups = _group_addressees(catalog, resolution.targets)
    if groups:
        lines.append(html.escape(rm.GROUPS_HINT.format(groups="”“".join(groups[:2]))))
    return "\n".join(lines)


async def on_sub(update: Update, context: Context) -> None:
    """/sub 区民政局 | 伍国军 | K5-12 | 全部."""
    message = update.effective_message
    if message is None:
        return
    text = _args(context)
    runtime = context.bot_data.runtime
    doc = await chat_document(runtime, message.chat.id)
    if not text:
        await _reply(message, html.escape(sub_usage(await asyncio.to_thread(chrome, doc.duban))))
        return
    if not await may_change(context, message, update.effective_user):
        await _reply(message, rm.GROUP_ONLY_ADMINS)
        return
    resolution = resolve_targets(doc.duban, text)
    if not resolution.ok:
        # A suggestion button only asks "did you mean X?": nothing is subscribed that the user did not name.
        await _reply(message, html.escape(resolution.problem), _refusal_markup(resolution, "c"))
        return
    user = update.effective_user
    text = await subscribe_text(runtime, doc, message.chat.id, chats.chat_type(message.chat.type), resolution,
                                user.id if user else None, now_of(context))
    await _reply(message, text)


async def on_unsub(update: Update, context: Context) -> None:
    """/unsub 区民政局 | 全部; without an argument, the /mysubs list with its buttons."""
    message = update.effective_message
    if message is None:
        return
    text = _args(context)
    if not text:
        await on_mysubs(update, context)
        return
    if not await may_change(context, message, update.effective_user):
        await _reply(message, rm.GROUP_ONLY_ADMINS)
        return
    runtime = context.bot_data.runtime
    chat_id = message.chat.id
    doc = await chat_document(runtime, chat_id)
    if text in ALL_WORDS:
        removed = await asyncio.to_thread(_remove_all, runtime.knowledge.sessions, chat_id, doc.documents)
        await _reply(message, rm.UNSUBSCRIBED_ALL.format(n=removed) if removed else html.escape(await _no_subs(doc)))
        return
    resolution = resolve_targets(doc.duban, text)
    if not resolution.ok:
        await _reply(message, html.escape(resolution.problem))
        return
    gone = await asyncio.to_thread(_remove_targets, runtime.knowledge.sessions, chat_id, resolution.targets,
                                   doc.documents)
    missing = [t for t in resolution.targets if t not in gone]
    lines = []
    if gone:
        lines.append(rm.UNSUBSCRIBED.format(targets=html.escape(rr.target_list(doc.catalog, gone))))
    if missing:
        lines.append(rm.NOT_SUBSCRIBED.format(targets=html.escape(rr.target_list(doc.catalog, missing))))
    await _reply(message, "\n".join(lines))


MYSUBS_ROWS = 8  # subscriptions per /mysubs page, each with its remove button


async def mysubs_view(runtime: Runtime, chat_id: int, page: int = 0) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the chat's subscriptions to its document, one remove button each (sb:r:<id>), ⏮ ◀ ▶ ⏭ between
    pages (sb:m:<page>)."""
    doc = await chat_document(runtime, chat_id)
    catalog = doc.catalog
    subs = await asyncio.to_thread(_subscriptions, runtime.knowledge.sessions, chat_id, doc.documents)
    pages = max(1, -(-len(subs) // MYSUBS_ROWS))
    page = min(max(page, 0), pages - 1)
    first = page * MYSUBS_ROWS
    shown = subs[first:first + MYSUBS_ROWS]
    counts = {s.id: len(target_rows(catalog, s.target)) for s in shown}
    buttons = [[b] for s in shown if (b := _button(rm.UNSUB_BUTTON.format(target=rr.target_label(catalog, s.target)), "r", str(s.id))) is not None]
    if nav := nav_row(page, pages, lambda k: callback_data("m", str(k))):
        buttons.append(nav)
    text = (rr.render_subscriptions(catalog, shown, counts, start=first + 1, total=len(subs)) if subs
            else html.escape(await _no_subs(doc)))
    return text, InlineKeyboardMarkup(buttons) if buttons else None


async def _resume_private(runtime: Runtime, message: Message) -> None:
    """A user who blocked the bot and now writes to it again wants reminders again."""
    if message.chat.type == ChatType.PRIVATE:
        await asyncio.to_thread(_resume, runtime.knowledge.sessions, message.chat.id)


async def on_mysubs(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    runtime = context.bot_data.runtime
    await _resume_private(runtime, message)
    text, markup = await mysubs_view(runtime, message.chat.id)
    await _reply(message, text, markup)


async def on_button(update: Update, context: Context) -> None:
    """sb:r:<id> removes a subscription; sb:a:<name> subscribes to a suggested name. Group admins only."""
    await keep_press(_press, update, context)


async def _press(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    parts = (query.data or "").split(":", 2)
    if message is None or len(parts) != 3 or parts[1] not in ("r", "a", "c", "x", "d", "m", "p", "t"):
        await query.answer(rm.MYSUBS_EXPIRED, show_alert=True)
        return
    if parts[1] in ("d", "m", "t"):  # looking is for everyone; changing (below) for group admins
        await _look(query, context, message, parts[1], parts[2])
        return
    if not await may_change(context, message, query.from_user):
        await query.answer(rm.GROUP_ONLY_ADMINS, show_alert=True)
        return
    runtime = context.bot_data.runtime
    chat_id = message.chat.id
    if parts[1] == "x":
        await query.answer()
        await _edit(query, rm.SUB_CANCELLED)
        return
    doc = await chat_document(runtime, chat_id)
    if parts[1] == "c":
        await _confirm(query, doc, parts[2])
        return
    if parts[1] == "p":
        paused = await asyncio.to_thread(_pause, runtime.knowledge.sessions, chat_id, now_of(context))
        await query.answer(rm.PAUSED_NOW.format(n=paused), show_alert=True)
        return
    if parts[1] == "a":
        resolution = resolve_targets(doc.duban, parts[2])
        if not resolution.ok:
            await query.answer(resolution.problem[:200], show_alert=True)
            return
        await query.answer()
        text = await subscribe_text(runtime, doc, chat_id, chats.chat_type(message.chat.type), resolution, query.from_user.id,
                                    now_of(context))
        await _edit(query, text)
        return
    removed: SubscriptionInfo | None = None
    if (number := button_number(parts[2])) is not None:
        removed = await asyncio.to_thread(_remove_id, runtime.knowledge.sessions, chat_id, number)
    await query.answer(rm.UNSUBSCRIBED.format(targets=rr.target_label(doc.catalog, removed.target)) if removed else rm.MYSUBS_EXPIRED)
    text, markup = await mysubs_view(runtime, chat_id)
    await _edit(query, text, markup)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the pressed message; a button pressed twice (or forged) asks for what is already shown, which
    Telegram refuses as "not modified" — nothing to do, not an error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _confirm(query: CallbackQuery, doc: ChatDocument, name: str) -> None:
    """A suggested name pressed: say what subscribing to it means, and let the user confirm or not."""
    resolution = resolve_targets(doc.duban, name)
    if not resolution.ok:
        await query.answer(resolution.problem[:200], show_alert=True)
        return
    rows = frozenset().union(*(target_rows(doc.catalog, t) for t in resolution.targets))
    label = rr.target_list(doc.catalog, resolution.targets)
    buttons = [b for b in (_button(rm.CONFIRM_BUTTON.format(target=label), "a", name),
                           _button(rm.CANCEL_BUTTON, "x", "")) if b is not None]
    await query.answer()
    await query.edit_message_text(html.escape(rm.CONFIRM_SUB.format(target=label, n=len(rows))),
                                  reply_markup=InlineKeyboardMarkup([buttons]))


async def on_deadlines(update: Update, context: Context) -> None:
    """Upcoming and overdue deadlines of every row the chat's subscriptions cover (paused ones too:
    pausing stops sending, not knowing)."""
    message = update.effective_message
    if message is None:
        return
    runtime = context.bot_data.runtime
    await _resume_private(runtime, message)
    pages = await deadline_pages(context, message.chat.id)
    if pages is None:
        await _reply(message, html.escape(await _no_subs(await chat_document(runtime, message.chat.id))))
        return
    await _reply(message, pages[0], _pages_markup(0, len(pages), "d"))


async def deadline_pages(context: Context, chat_id: int) -> list[str] | None:
    """/deadlines' pages for the chat's document, or None when the chat subscribes to nothing of it."""
    runtime = context.bot_data.runtime
    doc = await chat_document(runtime, chat_id)
    catalog = doc.catalog
    # Reading the deadlines of every row is the slow part of /deadlines: it runs in the thread too.
    subs, deadlines = await asyncio.to_thread(_chat_deadlines, runtime.knowledge.sessions, catalog,
                                              runtime.settings.default_deadline, chat_id, doc.documents)
    if not subs:
        return None
    rows = chat_row_ids(catalog, subs)
    policy = policy_from(runtime.settings.reminders)
    today = now_of(context).astimezone(policy.tzinfo).date()
    return rr.render_deadlines(catalog, {r: d for r, d in deadlines.items() if r in rows}, today)


def _pages_markup(page: int, pages: int, action: str) -> InlineKeyboardMarkup | None:
    nav = nav_row(page, pages, lambda k: callback_data(action, str(k)))
    return InlineKeyboardMarkup([nav]) if nav else None


async def _look(query: CallbackQuery, context: Context, message: Message, action: str, arg: str) -> None:
    """sb:d:<page> a page of /deadlines, sb:m:<page> a page of /mysubs, sb:t:<row> how to set a deadline."""
    runtime = context.bot_data.runtime
    if action == "t":
        row = (await chat_document(runtime, message.chat.id)).catalog.by_id.get(arg)
        if query.from_user.id not in runtime.settings.admins or row is None:
            await query.answer(rm.ADMINS_ONLY if row is not None else rm.MYSUBS_EXPIRED, show_alert=True)
            return
        await query.answer(rm.SET_DEADLINE_HOW.format(row=row.label.replace(" ", "")), show_alert=True)
        return
    page = button_number(arg) or 0  # forged page numbers ("①", 30 digits) show the first page
    if action == "d":
        pages = await deadline_pages(context, message.chat.id)
        if pages is None:
            await query.answer(await _no_subs(await chat_document(runtime, message.chat.id)), show_alert=True)
            return
        page = min(page, len(pages) - 1)
        text, markup = pages[page], _pages_markup(page, len(pages), "d")
    else:
        text, markup = await mysubs_view(runtime, message.chat.id, page)
    await query.answer()
    if message.text is not None and message.reply_markup is not None and message.text == text:
        return
    try:
        # A digest's "查看全部" opens the pages as a new message: the digest itself stays as it was sent.
        if action == "d" and _is_digest(message):
            await message.reply_html(text, reply_markup=markup, do_quote=False)
        else:
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


def _is_digest(message: Message) -> bool:
    markup = message.reply_markup
    return markup is not None and any(b.callback_data == callback_data("p", "")
                                      for row in markup.inline_keyboard for b in row)


def row_buttons(row: Row, admin: bool) -> list[InlineKeyboardButton]:
    """订阅 this row (asks before subscribing) and, for admins, 设置期限 (says how)."""
    label = row.label.replace(" ", "")
    buttons = [_button(rm.SUB_ROW_BUTTON.format(row=row.label), "c", label)]
    if admin:
        buttons.append(_button(rm.SET_DEADLINE_BUTTON, "t", row.id))
    return [b for b in buttons if b is not None]


def digest_markup(n: int) -> InlineKeyboardMarkup:
    """Under a digest: every row a tap away (/deadlines' pages), pause, and the subscriptions."""
    buttons = [_button(rm.ALL_BUTTON.format(n=n), "d", "0"), _button(rm.PAUSE_BUTTON, "p", ""),
               _button(rm.MANAGE_BUTTON, "m", "0")]
    return InlineKeyboardMarkup([[b for b in buttons if b is not None]])


async def on_deadline(update: Update, context: Context) -> None:
    """/deadline 五-12 2023-06-30 完成过半 (admins listed in DUBAN_ADMINS only)."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    runtime = context.bot_data.runtime
    if user is None or user.id not in runtime.settings.admins:
        await _reply(message, rm.ADMINS_ONLY)
        return
    args = list(context.args or [])
    # "民生实事 5-1" is one row ID written with a space: read it before the arguments are taken apart.
    args = canonical_row_ids(" ".join(args[:2])).split() + args[2:]
    doc = await chat_document(runtime, message.chat.id)
    words = await asyncio.to_thread(chrome, doc.duban)
    if len(args) < 2:
        await _reply(message, html.escape(rm.DEADLINE_USAGE.format(
            item=words.item, more="".join(rm.DEADLINE_MORE.format(item=i) for i in words.items[1:]))))
        return
    catalog = doc.catalog
    row_id, args = _deadline_row(doc.duban, args)
    if row_id is None:
        await _reply(message, html.escape(rm.DEADLINE_BAD_ROW.format(text=quoted(args[0]),
                                                                     items=rm.ITEMS_JOIN.join(words.items))))
        return
    label = catalog.by_id[row_id].label
    if args[1].lower() in _CLEAR_WORDS:
        n = await asyncio.to_thread(_clear_deadlines, runtime.knowledge.sessions, catalog.key, row_id)
        await _reply(message, rm.DEADLINE_CLEARED.format(row=label, n=n, fallback=rm.CLEAR_FALLBACK))
        return
    try:
        due = due_from_text(args[1], catalog.year)
    except DeadlineError:
        # The phrase reader's errors are for operators' logs; the admin in the chat gets a sentence.
        no_date = _open_ended(args[1], catalog.year)
        template = rm.DEADLINE_NO_DATE if no_date else rm.DEADLINE_BAD_DATE
        await _reply(message, html.escape(template.format(text=quoted(args[1]))))
        return
    try:
        deadline = Deadline(row_id, due, " ".join(args[2:]).strip(), "admin")
    except DeadlineError as error:  # a milestone too long: that message is Chinese already
        await _reply(message, html.escape(str(error)))
        return
    replaced = await asyncio.to_thread(_set_deadline, runtime.knowledge.sessions, catalog.key, deadline,
                                       f"telegram:{user.id}", now_of(context))
    template = rm.DEADLINE_REPLACED if replaced else rm.DEADLINE_SET
    milestone = f"（{deadline.milestone}）" if deadline.milestone else ""
    await _reply(message, html.escape(template.format(row=label, due=rr.cn_date(deadline.due),
                                                      milestone=milestone)))


def _deadline_row(duban: Duban, args: list[str]) -> tuple[str | None, list[str]]:
    """The one row /deadline names, in any written form (五-12, K5-12, ｋ５－１２, 民生实事5-1 or 民生实事 5-1),
    read as /sub reads it, and the arguments with that row as one: [row as written, date, milestone…]."""
    for width in (1, 2):
        if len(args) < width + 1:
            break
        written = "".join(args[:width])
        resolution = resolve_targets(duban, written)
        if resolution.ok and len(resolution.targets) == 1 and resolution.targets[0].kind == "row":
            return resolution.targets[0].value, [written, *args[width:]]
    return None, args


def _open_ended(text: str, year: int) -> bool:
    """A phrase such as 长期坚持: understood, but it names no date."""
    try:
        return parse_deadline(text, year).due is None
    except DeadlineError:
        return False


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The subscription commands, and their buttons ahead of the generic button router (group -1)."""
    for name, callback in (("sub", on_sub), ("unsub", on_unsub), ("mysubs", on_mysubs),
                           ("deadlines", on_deadlines), ("deadline", on_deadline)):
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{_PREFIX}"), group=-1)
