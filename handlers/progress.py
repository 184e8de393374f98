"""督办 in the chat: /bind (admins approve with buttons), /binds, /report with buttons, replies that edit a
report, /overview, /export, /chart, progress questions, and the chasing job.

Button data starts with "pg:" and is handled in group -1 (see handlers/__init__.py). Every press is
checked again on the server: a forged or stale button can neither write a report nor decide a binding.
Database work runs in worker threads, one transaction per step (a report is stored whole or not at all).
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.answer import Answer
from bot.progress import messages as pm
from bot.progress import render as pr
from bot.progress.chat import read_report_words, row_code
from bot.progress.questions import read_question
from bot.progress.runtime import answer_from_reports, local, reporting_for
from bot.render import render_html_pages
from bot.runtime import Runtime
from handlers import BOTH, PRIVATE, CommandSpec, Context, button_number, is_group, keep_press
from handlers.ask import ADDRESSED_TO_BOT, strip_mentions
from handlers.delivery import now_of
from handlers.subscriptions import may_change
from knowledge import chats
from knowledge.db import transaction
from knowledge.progress import store
from knowledge.progress.intake import ReportError, check_report, unit_name
from knowledge.progress.language import STATUSES
from knowledge.progress.periods import Period, parse_period
from knowledge.progress.status import Duty, PeriodStatus, Reporting, period_status

log = logging.getLogger(__name__)

COMMANDS: list[CommandSpec] = [
    ("report", pm.CMD_REPORT, BOTH),
    ("bind", pm.CMD_BIND, BOTH),
    ("overview", pm.CMD_OVERVIEW, BOTH),
    ("export", pm.CMD_EXPORT, BOTH),
    ("chart", pm.CMD_CHART, BOTH),
    ("binds", pm.CMD_BINDS, (PRIVATE,)),
]
PREFIX = "pg:"
Sessions = sessionmaker[Session]
MAX_ROW_BUTTONS = 24


def chat_lock(context: Context, chat_id: int) -> asyncio.Lock:
    """One lock per chat around "store, confirm, remember the confirmation": a reply to the confirmation,
    handled concurrently, waits until the report knows its message."""
    return context.bot_data.progress_locks.setdefault(chat_id, asyncio.Lock())


def _data(*parts: str) -> str:
    data = PREFIX + ":".join(parts)
    if len(data.encode()) > 64:
        raise ValueError(f"callback data {data!r} is longer than 64 bytes")
    return data


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    return await message.reply_html(text, reply_markup=markup, do_quote=is_group(message.chat.type))


def _is_admin(runtime: Runtime, user_id: int | None) -> bool:
    return user_id is not None and user_id in runtime.settings.admins


def office_chat(runtime: Runtime) -> int | None:
    return runtime.settings.progress.office_chat_id or runtime.settings.admin_chat_id


def _now(context: Any, runtime: Runtime) -> datetime:
    return local(runtime, now_of(context))


def _period(reporting: Reporting, now: datetime) -> Period:
    return reporting.period_at(now.date())


# --- database steps (worker threads) ------------------------------------------------------------------


def _status(runtime: Runtime, period: Period, now: datetime, units: list[str] | None = None) -> PeriodStatus:
    with runtime.knowledge.sessions() as session:
        return period_status(session, reporting_for(runtime), period, now,
                             configured_default=runtime.settings.default_deadline, detail_units=units or ())


def _bound(sessions: Sessions, chat_id: int) -> list[str]:
    with sessions() as session:
        return store.bound_units(session, chat_id)


def _published(sessions: Sessions, document: str, period: str) -> bool:
    with sessions() as session:
        return store.is_published(session, document, period)


# --- /bind and its approval ------------------------------------------------------------------------


def resolve_unit(runtime: Runtime, text: str) -> str | None:
    """A unit from its name, a spelling the catalog knows, or what the question parser links (民政局)."""
    name = unit_name(runtime.catalog, text)
    if name is None:
        query = runtime.duban.parse(text)
        name = query.units[0] if len(query.units) == 1 else None
    return name


async def on_bind(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    runtime = context.bot_data.runtime
    text = " ".join(context.args or []).strip()
    if not text:
        await _reply(message, html.escape(pm.BIND_USAGE))
        return
    if not await may_change(context, message, user):
        await _reply(message, pm.BIND_ONLY_GROUP_ADMINS)
        return
    unit = resolve_unit(runtime, text)
    if unit is None:
        await _reply(message, html.escape(pm.UNKNOWN_UNIT.format(unit=text)))
        return
    if runtime.catalog.units[unit].kind == "group":
        await _reply(message, html.escape(pm.GROUP_UNIT.format(unit=unit)))
        return
    chat = message.chat
    title = chat.title or (user.full_name if user else "") or str(chat.id)

    def work() -> tuple[store.BindingInfo, bool]:
        with transaction(runtime.knowledge.sessions) as session:
            return store.request_binding(session, chat.id, chats.chat_type(chat.type), title, unit, user.id if user else None,
                                         _now(context, runtime))

    binding, fresh = await asyncio.to_thread(work)
    if binding.status == "approved":
        await _reply(message, html.escape(pm.BIND_ALREADY.format(unit=unit)))
        return
    await _reply(message, html.escape(pm.BIND_PENDING.format(unit=unit)))
    if fresh and not await _ask_admins(context, runtime, binding, user.full_name if user else ""):
        await _reply(message, html.escape(pm.BIND_NO_ADMIN))


async def _ask_admins(context: Context, runtime: Runtime, binding: store.BindingInfo,
                      who: str) -> bool:
    """The request with 批准/拒绝 buttons in the office's chat, else in each admin's private chat."""
    text = pm.BIND_REQUEST.format(id=binding.id, who=html.escape(who), chat=html.escape(binding.chat_title),
                                  unit=html.escape(binding.unit))
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(pm.BUTTON_APPROVE, callback_data=_data("ba", str(binding.id))),
                                    InlineKeyboardButton(pm.BUTTON_REFUSE, callback_data=_data("br", str(binding.id)))]])
    office = office_chat(runtime)
    targets = [office] if office is not None else sorted(runtime.settings.admins)
    sent = False
    for chat_id in targets:
        try:
            await context.bot.send_message(chat_id, text, reply_markup=markup)
            sent = True
        except TelegramError as error:
            log.warning("cannot send the binding request to chat %s: %s", chat_id, error)
    return sent


async def on_binds(update: Update, context: Context) -> None:
    """/binds (admins): pending requests with approve/refuse, approved bindings with revoke."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    runtime = context.bot_data.runtime
    if not _is_admin(runtime, user.id if user else None):
        await _reply(message, pm.ADMINS_ONLY)
        return

    def work() -> list[store.BindingInfo]:
        with runtime.knowledge.sessions() as session:
            return [b for b in store.list_bindings(session) if b.status in ("pending", "approved")]

    bindings = await asyncio.to_thread(work)
    if not bindings:
        await _reply(message, html.escape(pm.NO_BINDINGS))
        return
    pending = [b for b in bindings if b.status == "pending"]
    lines = [pm.BINDS_HEAD.format(pending=len(pending), approved=len(bindings) - len(pending))]
    buttons = []
    for b in bindings:
        lines.append(f"#{b.id} {html.escape(b.unit)} ← {html.escape(b.chat_title or str(b.chat_id))}"
                     f"（{pm.BINDING_STATUS[b.status]}）")
        if b.status == "pending":
            buttons.append([InlineKeyboardButton(f"{pm.BUTTON_APPROVE} #{b.id}", callback_data=_data("ba", str(b.id))),
                            InlineKeyboardButton(f"{pm.BUTTON_REFUSE} #{b.id}", callback_data=_data("br", str(b.id)))])
        else:
            buttons.append([InlineKeyboardButton(pm.BUTTON_REVOKE.format(id=b.id, unit=b.unit)[:40],
                                                 callback_data=_data("bx", str(b.id)))])
    await _reply(message, "\n".join(lines), InlineKeyboardMarkup(buttons[:90]))


async def _decide(update: Update, context: Context, action: str, binding_id: int) -> None:
    query = update.callback_query
    assert query is not None
    runtime = context.bot_data.runtime
    if not _is_admin(runtime, query.from_user.id):
        await query.answer(pm.ADMINS_ONLY, show_alert=True)
        return
    actor = f"telegram:{query.from_user.id}"
    now = _now(context, runtime)

    def work() -> store.BindingInfo | None:
        with transaction(runtime.knowledge.sessions) as session:
            if action == "bx":
                return store.revoke_binding(session, binding_id, actor, now)
            return store.decide_binding(session, binding_id, action == "ba", actor, now)

    binding = await asyncio.to_thread(work)
    if binding is None:
        await query.answer(pm.BIND_DECIDED, show_alert=True)
        return
    await query.answer()
    chat = html.escape(binding.chat_title or str(binding.chat_id))
    unit = html.escape(binding.unit)
    by = html.escape(query.from_user.full_name)
    if action == "bx":
        if isinstance(query.message, Message):
            await query.message.reply_html(pm.BIND_REVOKED.format(id=binding.id, chat=chat, unit=unit))
        return
    template = pm.BIND_APPROVED_ADMIN if action == "ba" else pm.BIND_REFUSED_ADMIN
    if isinstance(query.message, Message):  # the request's buttons go: it is decided
        await query.edit_message_text(template.format(id=binding.id, chat=chat, unit=unit, by=by))
    tell = pm.BIND_APPROVED if action == "ba" else pm.BIND_REFUSED
    try:
        await context.bot.send_message(binding.chat_id, html.escape(tell.format(unit=binding.unit)))
    except TelegramError as error:
        log.warning("cannot tell chat %s about its binding: %s", binding.chat_id, error)


# --- /report and its buttons ---------------------------------------------------------------------------


def _unit_for(reporting: Reporting, units: list[str], row_id: str) -> tuple[str, Duty] | None:
    """The bound unit that reports on `row_id` (a lead before a supporter), with the row's duty."""
    for want_lead in (True, False):
        for unit in units:
            for duty, lead in reporting.duties_of.get(unit, []):
                if duty.row.id == row_id and lead == want_lead:
                    return unit, duty
    return None


async def _report_list(message: Message, context: Context, runtime: Runtime,
                       units: list[str]) -> None:
    reporting = reporting_for(runtime)
    now = _now(context, runtime)
    period = _period(reporting, now)
    status = await asyncio.to_thread(_status, runtime, period, now, units)
    for unit in units:
        text, missing = pr.unit_report_text(unit, status, reporting.duties_of.get(unit, []),
                                            reporting.closes(period))
        buttons = [InlineKeyboardButton(f"{pm.REPORT_BUTTON} {d.row.label}", callback_data=_data("r", d.row.id))
                   for d in missing[:MAX_ROW_BUTTONS]]
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
        for page in pr.pages("", [text]):
            await _reply(message, page, InlineKeyboardMarkup(rows) if rows else None)
            rows = []


async def on_report(update: Update, context: Context) -> None:
    """/report: the unit's rows for the period; /report 五-12 推进中 40% 说明: a report in one line."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    runtime = context.bot_data.runtime
    units = await asyncio.to_thread(_bound, runtime.knowledge.sessions, message.chat.id)
    if not units:
        await _reply(message, html.escape(pm.NOT_BOUND))
        return
    args = " ".join(context.args or []).strip()
    if not args:
        await _report_list(message, context, runtime, units)
        return
    tokens = args.split()
    row_id, rest = None, ""
    for n in (1, 2):  # "K5-12", "五-12" or "民生实事 5-1"
        if row_id is None and len(tokens) >= n and (row_id := row_code(runtime.duban, " ".join(tokens[:n]))):
            rest = " ".join(tokens[n:])
    words = read_report_words(rest)
    if row_id is None or (words.status is None and not words.unchanged):
        await _reply(message, html.escape(pm.REPORT_USAGE))
        return
    await _store_and_confirm(message, context, runtime, units, row_id, words.status, words.percent, words.text,
                             unchanged=words.unchanged, user_id=user.id if user else None)


async def _store_and_confirm(message: Message, context: Context, runtime: Runtime,
                             units: list[str], row_id: str, status: str | None, percent: int | None, text: str, *,
                             unchanged: bool, user_id: int | None) -> None:
    """Check, store in one transaction, then confirm with a message whose replies edit the report."""
    reporting = reporting_for(runtime)
    found = _unit_for(reporting, units, row_id)
    if found is None:
        await _reply(message, html.escape(pm.NOT_YOUR_ROW.format(units="、".join(units), row=row_id)))
        return
    unit, duty = found
    now = _now(context, runtime)
    period = _period(reporting, now)
    document = runtime.catalog.key

    def work() -> store.ReportInfo | str:
        with transaction(runtime.knowledge.sessions) as session:
            if unchanged:
                last = store.latest_report(session, document, row_id, unit, str(period))
                if last is None:
                    return pm.NO_PREVIOUS.format(row=duty.row.label)
                choice = (last.status, last.percent, last.text)
            else:
                choice = (status or "", percent, text)
            try:
                report = check_report(reporting, row_id, period, choice[0], percent=choice[1], text=choice[2],
                                      unit=unit)
            except ReportError as error:
                return pm.BAD_REPORT.format(error=error)
            return store.record_report(session, document, report, actor=f"telegram:{user_id}",
                                       chat_id=message.chat.id, now=now,
                                       action="unchanged" if unchanged else "report")

    async with chat_lock(context, message.chat.id):
        result = await asyncio.to_thread(work)
        if isinstance(result, str):
            await _reply(message, html.escape(result))
            return
        sent = await _reply(message, _saved_text(result, duty, period, reporting))

        def attach() -> None:
            with transaction(runtime.knowledge.sessions) as session:
                store.attach_message(session, result.id, sent.chat.id, sent.message_id)

        await asyncio.to_thread(attach)


def _saved_text(report: store.ReportInfo, duty: Duty, period: Period, reporting: Reporting) -> str:
    percent = f" {report.percent}%" if report.percent is not None else ""
    text = f"，{html.escape(report.text)}" if report.text else ""
    return pm.SAVED.format(label=html.escape(duty.row.label), unit=html.escape(report.unit), period=period.label,
                           status=report.status, percent=percent, text=text,
                           closes=pr.cn_day(reporting.closes(period)))


async def on_button(update: Update, context: Context) -> None:
    await keep_press(_press, update, context)


async def _press(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    parts = (query.data or "").removeprefix(PREFIX).split(":")
    if message is None or not parts:
        await query.answer(pm.STALE, show_alert=True)
        return
    action, args = parts[0], parts[1:]
    if action in ("ba", "br", "bx") and len(args) == 1:
        if (binding := button_number(args[0])) is None:
            await query.answer(pm.STALE, show_alert=True)
            return
        await _decide(update, context, action, binding)
        return
    runtime = context.bot_data.runtime
    units = await asyncio.to_thread(_bound, runtime.knowledge.sessions, message.chat.id)
    if not units:  # an unbound chat (or a forged button) cannot write
        await query.answer(pm.FORGED, show_alert=True)
        return
    if action == "l" and not args:
        await query.answer()
        await _report_list(message, context, runtime, units)
        return
    row_id = args[0] if args and args[0] in runtime.catalog.by_id else None
    if row_id is None or _unit_for(reporting_for(runtime), units, row_id) is None:
        await query.answer(pm.FORGED, show_alert=True)
        return
    if action == "r" and len(args) == 1:
        await query.answer()
        row = runtime.catalog.by_id[row_id]
        buttons = [InlineKeyboardButton(s, callback_data=_data("s", row_id, str(i))) for i, s in enumerate(STATUSES)]
        keyboard = [buttons[:3], buttons[3:], [InlineKeyboardButton(pm.BUTTON_UNCHANGED,
                                                                    callback_data=_data("u", row_id))]]
        await _reply(message, pm.CHOOSE_STATUS.format(label=html.escape(row.label),
                                                      text=html.escape(pr.snippet(row, 60))),
                     InlineKeyboardMarkup(keyboard))
        return
    user_id = query.from_user.id
    if action == "s" and len(args) == 2 and (status := button_number(args[1])) is not None and status < len(STATUSES):
        await query.answer()
        await _store_and_confirm(message, context, runtime, units, row_id, STATUSES[status], None, "",
                                 unchanged=False, user_id=user_id)
        return
    if action == "u" and len(args) == 1:
        await query.answer()
        await _store_and_confirm(message, context, runtime, units, row_id, None, None, "", unchanged=True,
                                 user_id=user_id)
        return
    await query.answer(pm.STALE, show_alert=True)


# --- replies edit a report -------------------------------------------------------------------------------


async def on_reply(update: Update, context: Context) -> None:
    """A reply to a report's confirmation edits that report (until the period closes); other replies pass."""
    message, user = update.effective_message, update.effective_user
    reply_to = message.reply_to_message if message is not None else None
    if message is None or not message.text or reply_to is None or reply_to.from_user is None \
            or reply_to.from_user.id != context.bot.id:
        return
    runtime = context.bot_data.runtime

    def find() -> store.ReportInfo | None:
        with runtime.knowledge.sessions() as session:
            return store.report_by_message(session, message.chat.id, reply_to.message_id)

    async with chat_lock(context, message.chat.id):
        report = await asyncio.to_thread(find)
    if report is None or report.document != runtime.catalog.key:
        return
    reporting = reporting_for(runtime)
    period = parse_period(report.period)
    now = _now(context, runtime)
    units = await asyncio.to_thread(_bound, runtime.knowledge.sessions, message.chat.id)
    if report.unit not in units:
        await _reply(message, html.escape(pm.NOT_BOUND))
        raise ApplicationHandlerStop
    if now.date() > reporting.closes(period):
        await _reply(message, html.escape(pm.CLOSED.format(period=period.label,
                                                           closes=pr.cn_day(reporting.closes(period)))))
        raise ApplicationHandlerStop
    words = read_report_words(strip_mentions(message.text, context.bot.username))
    status = words.status or report.status
    percent = words.percent if words.percent is not None else report.percent
    text = words.text or report.text

    def work() -> store.ReportInfo | str:
        try:
            checked = check_report(reporting, report.row_id, period, status, percent=percent, text=text,
                                   unit=report.unit)
        except ReportError as error:
            return pm.BAD_REPORT.format(error=error)
        with transaction(runtime.knowledge.sessions) as session:
            return store.record_report(session, report.document, checked, actor=f"telegram:{user.id if user else ''}",
                                       chat_id=message.chat.id, now=now, action="edit")

    result = await asyncio.to_thread(work)
    if isinstance(result, str):
        await _reply(message, html.escape(result))
    else:
        row = runtime.catalog.by_id[result.row_id]
        shown = f" {result.percent}%" if result.percent is not None else ""
        await _reply(message, pm.EDITED.format(label=html.escape(row.label), status=result.status, percent=shown,
                                               text=f"，{html.escape(result.text)}" if result.text else "",
                                               version=result.version))
    raise ApplicationHandlerStop


# --- the office: /overview, /export, /chart --------------------------------------------------------------


async def _office(update: Update, context: Context) -> tuple[Message, Runtime, Period,
                                                                              datetime] | None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return None
    runtime = context.bot_data.runtime
    if not _is_admin(runtime, user.id if user else None):
        await _reply(message, pm.ADMINS_ONLY)
        return None
    reporting = reporting_for(runtime)
    now = _now(context, runtime)
    period = _period(reporting, now)
    for arg in context.args or []:
        try:
            period = parse_period(arg)
        except ValueError:
            continue
    return message, runtime, period, now


async def on_overview(update: Update, context: Context) -> None:
    found = await _office(update, context)
    if found is None:
        return
    message, runtime, period, now = found
    status = await asyncio.to_thread(_status, runtime, period, now)
    for page in pr.overview_text(status):
        await _reply(message, page)


async def on_export(update: Update, context: Context) -> None:
    found = await _office(update, context)
    if found is None:
        return
    message, runtime, period, now = found

    def work() -> tuple[bytes, PeriodStatus]:
        from knowledge.progress.workbook import write_workbook

        status = _status(runtime, period, now)
        with tempfile.TemporaryDirectory() as folder:
            path = write_workbook(status, Path(folder) / f"{period}.xlsx")
            return path.read_bytes(), status

    content, status = await asyncio.to_thread(work)
    caption = pm.EXPORT_CAPTION.format(period=period.label, n=len(status.rows), missing=len(status.missing))
    await message.reply_document(io.BytesIO(content), filename=f"督查通报-{period}.xlsx", caption=caption,
                                 do_quote=is_group(message.chat.type))


async def on_chart(update: Update, context: Context) -> None:
    """/chart: per leader; /chart 单位 (or /chart unit): per unit."""
    found = await _office(update, context)
    if found is None:
        return
    message, runtime, period, now = found
    by: Any = "unit" if any(a in ("单位", "unit", "units") for a in context.args or []) else "leader"

    def work() -> tuple[bytes | None, str]:
        from knowledge.progress.chart import chart_bars, draw_chart, find_font

        status = _status(runtime, period, now)
        bars = chart_bars(status, by)
        title = pr.chart_title(status, by)
        font = find_font(runtime.settings.progress.chart_font)
        if font is None:
            return None, pr.bars_table(bars, title)
        with tempfile.TemporaryDirectory() as folder:
            return draw_chart(bars, title, font, Path(folder) / "chart.png").read_bytes(), title

    content, text = await asyncio.to_thread(work)
    if content is None:
        await _reply(message, text)
        return
    await message.reply_photo(io.BytesIO(content), caption=text, do_quote=is_group(message.chat.type))


# --- progress questions ---------------------------------------------------------------------------------


async def on_question(update: Update, context: Context) -> None:
    """A progress question ("哪些工作滞后了") is answered here; any other text goes on to handlers/ask.py."""
    message, user = update.effective_message, update.effective_user
    if message is None or not message.text:
        return
    runtime = context.bot_data.runtime
    text = strip_mentions(message.text, context.bot.username)
    if text.startswith("/"):  # /ask 哪些工作滞后了
        text = " ".join(context.args or [])
    query = read_question(runtime.duban, text)
    if query is None:
        return
    now = _now(context, runtime)
    office = _is_admin(runtime, user.id if user else None) or message.chat.id == office_chat(runtime)

    def work() -> Answer:
        # The office reads every text; a unit its own (answer_from_reports widens it once published).
        units = None if office else set(_bound(runtime.knowledge.sessions, message.chat.id))
        return answer_from_reports(runtime, query, now=now, viewer_units=units)

    for page in render_html_pages(await asyncio.to_thread(work)):
        await _reply(message, page)
    raise ApplicationHandlerStop


# --- chasing ------------------------------------------------------------------------------------------


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Commands, buttons and replies (group -1), progress questions (group 0, before other questions), chasing."""
    for name, callback in (("bind", on_bind), ("binds", on_binds), ("report", on_report),
                           ("overview", on_overview), ("export", on_export), ("chart", on_chart)):
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}"), group=-1)
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    # Replies first (group -1): one that answers a report's confirmation edits it; any other reply goes on.
    application.add_handler(MessageHandler(text & filters.REPLY, on_reply), group=-1)
    addressed = filters.ChatType.PRIVATE | (filters.ChatType.GROUPS & ADDRESSED_TO_BOT)
    application.add_handler(MessageHandler(text & addressed, on_question), group=0)
    # /ask with a progress question is answered here (group -1); any other /ask goes on to handlers/ask.py.
    application.add_handler(CommandHandler("ask", on_question, filters=filters.UpdateType.MESSAGE), group=-1)
    from handlers.progress_chase import schedule

    schedule(application)

