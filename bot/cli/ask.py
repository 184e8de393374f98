"""`duban ask`: one answer per input line, never a traceback, whatever the line holds."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator

from bot import messages as msg
from bot.nlu.normalize import MAX_QUESTION
from bot.render import render_text, to_json
from bot.runtime import Runtime

log = logging.getLogger(__name__)
# Longer input is refused politely rather than read: no question about the document needs 10,000 characters.
MAX_INPUT = MAX_QUESTION * 20


def _refusal(question: str, reason: str, as_json: bool) -> str:
    text = msg.ERROR_QUESTION.format(reason=reason)
    if not as_json:
        return text
    return json.dumps({"question": question[:MAX_QUESTION], "intent": "none", "entities": {}, "items": [],
                       "answer": text, "suggestions": [], "error": reason}, ensure_ascii=False)


def answer_lines(runtime: Runtime, questions: Iterable[str], as_json: bool,
                 conversation: str | None = None, failed: list[str] | None = None) -> Iterator[str]:
    """Answer each question; a line that cannot be handled yields an error object, and the next goes on.
    With `conversation` (a key), the lines are the messages of that one conversation: each may lean on
    the ones before it. Questions that could not be answered (an error, not a polite refusal) are added
    to `failed`."""
    library, key = runtime.library, runtime.catalog.key
    store = runtime.conversation.store  # in memory: one `duban ask --conversation` is one process
    for question in questions:
        if len(question) > MAX_INPUT:
            yield _refusal(question, msg.TOO_LONG.format(limit=MAX_INPUT), as_json)
            continue
        try:
            result = (library.answer(question, key) if conversation is None
                      else library.reply(conversation, question, key, store))
        except Exception as error:  # one bad line must not stop the lines after it
            log.exception("failed to answer %r", question[:200])
            if failed is not None:
                failed.append(question)
            yield _refusal(question, str(error) or type(error).__name__, as_json)
            continue
        yield json.dumps(to_json(result), ensure_ascii=False) if as_json else render_text(result) + "\n"
