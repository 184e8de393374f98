"""What the chat side of reporting reads from a message: a one-line report, or a reply that edits one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.progress.language import language

if TYPE_CHECKING:
    from bot.pipeline import Duban

_SEPARATORS = ("", " ", "，", ",", "；", ";", "：", ":", "。")
_PERCENT = re.compile(r"(?:完成|进度)?\s*(\d{1,3})\s*[%％]")


@dataclass(frozen=True, slots=True)
class ReportWords:
    """Status (if named), percent (if given) and the rest as the text."""

    status: str | None
    percent: int | None
    text: str
    unchanged: bool = False


def read_report_words(text: str) -> ReportWords:
    """"推进中 40% 已建成12家" → (推进中, 40, 已建成12家); "40%" alone → (None, 40, "")."""
    text = " ".join(text.split())
    lang = language()
    if any(text == cue or text.startswith(cue + " ") for cue in lang.cues.get("unchanged", ())):
        return ReportWords(None, None, "", unchanged=True)
    percent = None
    if m := _PERCENT.search(text):
        percent = int(m.group(1))
        text = (text[:m.start()] + " " + text[m.end():]).strip()
    status = None
    first, _, rest = text.partition(" ")
    if (found := lang.status(first)) is not None:
        status, text = found, rest
    else:
        for word in sorted(lang.statuses, key=len, reverse=True):
            if text.startswith(word) and len(word) >= 2 and text[len(word):][:1] in _SEPARATORS:
                status, text = lang.statuses[word], text[len(word):]
                break
    return ReportWords(status, percent, text.strip(" ，,；;:："))


def row_code(duban: Duban, text: str) -> str | None:
    """K5-12, ｋ５－１２, 五-12 or 民生实事 5-1 as the document's row id, None when it names no one row: the
    question parser reads row codes, so /report and `duban report add --row` accept what a question does."""
    query = duban.parse(text)
    return query.items[0] if query.intent == "item" and len(query.items) == 1 else None
