"""Inline mode: "@bot 民政局" in any chat offers the answer's summary, then its rows, ready to send."""

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
from telegram.ext import Application, ContextTypes, InlineQueryHandler
from telegram.helpers import create_deep_linked_url

from bot import messages as msg
from bot.answer import Answer
from bot.render import clip, render_html_compact, render_html_detail
from handlers import CommandSpec, runtime_of
from handlers import texts as tx
from handlers.pages import GROUP_ROWS, link_payload, suggested_question

COMMANDS: list[CommandSpec] = []
MAX_RESULTS = 10
# Answers change only when a document is imported; five minutes of client caching is safe.
CACHE_SECONDS = 300


def _article(result_id: str, title: str, description: str, text: str,
             markup: InlineKeyboardMarkup | None = None) -> InlineQueryResultArticle:
    content = InputTextMessageContent(text, parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(result_id, clip(title, 100), content, reply_markup=markup,
                                    description=clip(description, 200) or None)


def _summary(context: ContextTypes.DEFAULT_TYPE, result_id: str, question: str, answer: Answer,
             title: str) -> InlineQueryResultArticle:
    """The answer's compact form; a link opens the whole answer in a private chat."""
    page, hidden = render_html_compact(answer, GROUP_ROWS)
    markup = None
    if hidden and context.bot.username:
        url = create_deep_linked_url(context.bot.username, link_payload(context, question))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(tx.INLINE_MORE, url=url)]])
    first = answer.rows[0].row.text if answer.rows else "；".join(answer.facts[:2])
    return _article(result_id, title, first, page.text, markup)


def results_for(context: ContextTypes.DEFAULT_TYPE, question: str) -> list[InlineQueryResultArticle]:
    """The summary first, then one result per row (its detail), at most MAX_RESULTS."""
    duban = runtime_of(context).duban
    answer = duban.ask(question)
    results = [_summary(context, "summary", question, answer, answer.headline)]
    for item in answer.rows[:MAX_RESULTS - 1]:
        row = item.row
        results.append(_article(f"row:{row.id}", row.label, row.text, render_html_detail(row)))
    if not answer.rows:
        for index, suggestion in enumerate(answer.suggestions[:MAX_RESULTS - 1]):
            again = suggested_question(question, answer, suggestion)
            title = msg.DID_YOU_MEAN + suggestion
            results.append(_summary(context, f"suggestion:{index}", again, duban.ask(again), title))
    return results


def examples(context: ContextTypes.DEFAULT_TYPE) -> list[InlineQueryResultArticle]:
    """An empty query: the example questions, each sending its answer."""
    duban = runtime_of(context).duban
    return [_summary(context, f"example:{index}", question, duban.ask(question),
                     tx.INLINE_EXAMPLE.format(question=question))
            for index, question in enumerate(msg.EXAMPLES[:MAX_RESULTS])]


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer an inline query; the same text gives everyone the same results."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    results = results_for(context, question) if question else examples(context)
    button = InlineQueryResultsButton(text=tx.INLINE_START, start_parameter="inline")
    await query.answer(results[:MAX_RESULTS], cache_time=CACHE_SECONDS, is_personal=False, button=button)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Inline queries (enable with /setinline in BotFather)."""
    application.add_handler(InlineQueryHandler(on_inline))
