"""The question pipeline shared by Telegram, the console chat and `duban ask`: parse → answer → render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.answer import Answer, answer
from bot.nlu.lexicon import Lexicon
from bot.nlu.parse import Parser
from bot.nlu.pasted import PasteIndex
from bot.nlu.query import Query
from knowledge.catalog import Catalog


@dataclass
class Duban:
    """Answers questions about one catalog snapshot."""

    catalog: Catalog
    cache_dir: Path | None = None
    # Answers a progress Query (intent "progress") from the stored reports; set by the runtime, which can
    # read them. None: progress cues are read as ordinary words.
    progress: Callable[[Query], Answer] | None = None

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon.build(self.catalog)

    @cached_property
    def examples(self) -> tuple[str, ...]:
        """Example questions this document answers (bot/examples.py): made once, when first shown."""
        from bot.examples import fitted

        return fitted(self)

    @cached_property
    def written_examples(self) -> bool:
        """The written examples (bot/messages.py) are this document's: it answers every one of them."""
        from bot.examples import written_fit

        return written_fit(self)

    @cached_property
    def parser(self) -> Parser:
        return Parser(self.lexicon, self.cache_dir)

    @cached_property
    def pastes(self) -> PasteIndex:
        """The rows' texts for recognising a sentence copied from the document (built once, not per message)."""
        return PasteIndex.of_rows({row.id: row.text for row in self.catalog.rows})

    def parse(self, question: str) -> Query:
        return self.parser.parse(question)

    def answer(self, query: Query) -> Answer:
        return answer(query, self.catalog)

    def ask(self, question: str, parsed: Query | None = None) -> Answer:
        """Parse and answer one question; a progress question goes to `progress` when reports can be read.
        `parsed`: the question as `parse` already read it (the dialogue reads each message once)."""
        if self.progress is not None:
            from bot.progress.questions import read_question

            if (query := read_question(self, question)) is not None:
                return self.progress(query)
        from bot.examples import with_examples

        return with_examples(answer(parsed if parsed is not None else self.parse(question), self.catalog), self)
