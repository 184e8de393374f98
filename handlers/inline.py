"""Inline mode: "@bot 民政局" in any chat offers the answer's summary, then every row a page at a time, ready to send."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler
from telegram.helpers import create_deep_linked_url

from bot import messages as msg
from bot.answer import Answer
from bot.render import clip, render_html_compact, render_html_detail
from handlers import CommandSpec, Context, button_number
from handlers import texts as tx
from handlers.pages import GROUP_ROWS, MAX_SUGGESTIONS, link_payload, suggested_question
from knowledge.catalog import Row

COMMANDS: list[CommandSpec] = []
PAGE_RESULTS = 20  # results per inline page; Telegram asks for the next page with `offset`
# Answers change only when a document is imported; five minutes of client caching is safe.
CACHE_SECONDS = 300
# Intents that found nothing to send: the user gets an empty list and a button to ask in private.
_NOTHING = frozenset({"none", "unknown_unit", "other_place", "other_year", "ambiguous"})


def _article(result_id: str, title: str, description: str, text: str,
             markup: InlineKeyboardMarkup | None = None) -> InlineQueryResultArticle:
    content = InputTextMessageContent(text, parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(result_id, clip(title, 100), content, reply_markup=markup,
                                    description=clip(description, 200) or None)


def _summary(context: Context, result_id: str, question: str, answer: Answer,
             title: str) -> InlineQueryResultArticle:
    """The answer's compact form; a link opens the whole answer in a private chat."""
    page, hidden = render_html_compact(answer, GROUP_ROWS)
    markup = None
    if hidden and context.bot.username:
        url = create_deep_linked_url(context.bot.username, link_payload(context, question))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(tx.INLINE_MORE, url=url)]])
    first = answer.rows[0].row.text if answer.rows else "；".join(answer.facts[:2])
    return _article(result_id, title, first, page.text, markup)


def row_title(row: Row) -> str:
    """"五-7 · 牵头 区民政局": the row's code and who leads it."""
    leads = row.lead_units
    if not leads:
        return row.label
    shown = "、".join(leads[:2]) + (tx.INLINE_LEADS_MORE if len(leads) > 2 else "")
    return tx.INLINE_ROW_TITLE.format(label=row.label, leads=shown)


def found_nothing(answer: Answer) -> bool:
    """No row and no fact to send: an inline result would only say "nothing found"."""
    return not answer.rows and (answer.intent in _NOTHING or not answer.facts)


def results_for(context: Context, question: str) -> list[InlineQueryResultArticle]:
    """The summary first, then one result per row (its detail); nothing when nothing was found."""
    library = context.bot_data.runtime.library
    answer = library.ask(question)
    if answer.rows:
        results = [_summary(context, "summary", question, answer, answer.headline)]
        results += [_article(f"row:{item.row.id}", row_title(item.row), item.row.text, render_html_detail(item.row))
                    for item in answer.rows]
        return results
    results = []
    # A near name the user may have meant: each is the answer about that name, never a silent swap.
    for index, suggestion in enumerate(answer.suggestions[:MAX_SUGGESTIONS]):
        again = suggested_question(question, answer, suggestion)
        other = library.ask(again)
        if not found_nothing(other):
            results.append(_summary(context, f"suggestion:{index}", again, other, msg.DID_YOU_MEAN + suggestion))
    if not results and not found_nothing(answer):
        results.append(_summary(context, "summary", question, answer, answer.headline))
    return results


def examples(context: Context) -> list[InlineQueryResultArticle]:
    """An empty query: the example questions, each sending its answer."""
    duban = context.bot_data.runtime.duban
    return [_summary(context, f"example:{index}", question, duban.ask(question),
                     tx.INLINE_EXAMPLE.format(question=question))
            for index, question in enumerate(duban.examples)]


def _offset(raw: str) -> int:
    return button_number(raw) or 0  # the offset comes from the client: "①" or 30 digits are 0


async def on_inline(update: Update, context: Context) -> None:
    """Answer an inline query a page at a time (`next_offset`); the same text gives everyone the same results."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    results = results_for(context, question) if question else examples(context)
    start = _offset(query.offset)
    page = results[start:start + PAGE_RESULTS]
    more = start + PAGE_RESULTS < len(results)
    if results:
        button = InlineQueryResultsButton(text=tx.INLINE_START, start_parameter="inline")
    else:  # nothing to send: offer to ask in a private chat instead
        button = InlineQueryResultsButton(text=tx.INLINE_NOTHING, start_parameter="inline")
    # The last page omits next_offset rather than passing "": with Defaults set, PTB 22 turns an empty
    # string (an empty sequence) into "[]", which a client would send back as the next offset.
    await query.answer(page, cache_time=CACHE_SECONDS, is_personal=False, button=button,
                       next_offset=str(start + PAGE_RESULTS) if more else None)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Inline queries (enable with /setinline in BotFather)."""
    application.add_handler(InlineQueryHandler(on_inline))
