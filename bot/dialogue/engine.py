"""A conversation: each message answered with what the chat said before it.

`Conversation.reply(key, message)` loads the conversation's context, reads the message, answers it and
stores what a follow-up may lean on. The order in which readings win (first match answers):

0. voice fillers (那个, 呃, 我想问一下, 然后) are taken out first;
1. pleasantries alone (你好, 谢谢) — a short reply; the context is kept, so "卫健局呢" still works after "谢谢";
2. an English message — 请用中文提问 and the Chinese it probably meant;
3. an answer to an ask-back (a choice offered, or "对" to the only one);
4. paging (下一页, 还有呢, 查看全部) and "第3条(详细说说)" of the last list; "详细 五-12";
5. row codes (五-12, K5-12, 民生实事 5-1; 五-30 is said not to exist);
6. after rows found by a topic, a unit alone ("那街道呢", "那民政局呢"): its part in those rows; a correction
   ("不是民政局，是人社局") or a follow-up that only names a new subject ("卫健局呢", "那托位呢"): the last
   question about it;
7. the document's structure and facts, statistics, yes/no, supporting units, deadlines;
8. the question pipeline; when the message names no subject of its own, the last one is used
   (its role, kind, count or list changed as the message says), else the message is answered afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answer import Answer
from bot.dialogue.context import Context
from bot.dialogue.cues import DialogueCues, load_dialogue_cues
from bot.dialogue.store import TICK, ContextStore, MemoryStore
from bot.dialogue.turn import Turn
from bot.pipeline import Duban

if TYPE_CHECKING:
    from knowledge.reminders.deadlines import Deadline


@dataclass
class Conversation:
    """Answers the messages of many conversations, each remembered by its key."""

    duban: Duban
    store: ContextStore = field(default_factory=MemoryStore)
    cues: DialogueCues = field(default_factory=load_dialogue_cues)
    clock: Callable[[], float] = time.time
    # Every row's deadlines (admin-set, schedule files, the document default), read when a message asks
    # about deadlines; None: the document default only (no database to read).
    deadlines: Callable[[], dict[str, list[Deadline]]] | None = None

    def reply(self, key: str, message: str) -> Answer:
        """Answer one message of conversation `key` and remember what a follow-up may need."""
        now = self.clock()
        context = self.store.load(key, now)
        answer, after = Turn(self.duban, self.cues, context, message, self.deadlines).run()
        after.updated = max(now, context.updated + TICK)  # never older than the state it follows
        self.store.save(key, after)
        return answer

    def answer(self, message: str) -> Answer:
        """Answer a message that stands alone (no conversation before it, none remembered after)."""
        return Turn(self.duban, self.cues, Context(), message, self.deadlines).run()[0]

    def forget(self, key: str) -> None:
        """Start conversation `key` afresh (/start)."""
        now = self.clock()
        self.store.save(key, Context(updated=max(now, self.store.load(key, now).updated + TICK)))
