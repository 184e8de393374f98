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


def answer_lines(runtime: Runtime, questions: Iterable[str], as_json: bool) -> Iterator[str]:
    """Answer each question; a line that cannot be handled yields an error object, and the next goes on."""
    for question in questions:
        try:
            if len(question) > MAX_QUESTION * 20:
                raise ValueError(msg.TOO_LONG.format(limit=MAX_QUESTION))
            result = runtime.duban.ask(question)
        except Exception as error:  # one bad line must not stop the lines after it
            log.exception("failed to answer %r", question[:200])
            reason = str(error) or type(error).__name__
            text = msg.ERROR_QUESTION.format(reason=reason)
            if as_json:
                yield json.dumps({"question": question[:MAX_QUESTION], "intent": "none", "entities": {},
                                  "items": [], "answer": text, "suggestions": [], "error": reason},
                                 ensure_ascii=False)
            else:
                yield text
            continue
        yield json.dumps(to_json(result), ensure_ascii=False) if as_json else render_text(result) + "\n"
