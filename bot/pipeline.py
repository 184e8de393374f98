"""The question pipeline shared by Telegram, the console chat and `duban ask`: parse → answer → render."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.answer import Answer, answer
from bot.nlu.lexicon import Lexicon
from bot.nlu.parse import Parser
from bot.nlu.query import Query
from knowledge.catalog import Catalog


@dataclass
class Duban:
    """Answers questions about one catalog snapshot."""

    catalog: Catalog
    cache_dir: Path | None = None

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon.build(self.catalog)

    @cached_property
    def parser(self) -> Parser:
        return Parser(self.lexicon, self.cache_dir)

    def parse(self, question: str) -> Query:
        return self.parser.parse(question)

    def ask(self, question: str) -> Answer:
        """Parse and answer one question."""
        return answer(self.parse(question), self.catalog)
