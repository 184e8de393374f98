"""What every command needs once: settings, the knowledge base, and the question pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot import failures, snapshot
from bot.config import Settings, load_settings
from bot.pipeline import Duban
from knowledge.catalog import Catalog

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.dialogue.engine import Conversation
    from bot.nlu.query import Query
    from bot.shelf import Library
    from knowledge.bootstrap import KnowledgeBase
    from knowledge.documents import Choice
    from knowledge.reminders.deadlines import Deadline


@dataclass
class Runtime:
    """Lazily opened resources for one process."""

    settings: Settings = field(default_factory=load_settings)
    document: str | None = None
    # Whoever asks reads every unit's report texts (`duban ask`, the console: the office's own tools).
    office_view: bool = True

    def __post_init__(self) -> None:
        # Settings may come from config.toml: their secrets are masked in every later log line and message.
        failures.remember_secret(self.settings.telegram_token, self.settings.webhook_secret)
        failures.remember_database(self.settings.database_url)

    @property
    def cache_dir(self) -> Path:
        return self.settings.data_dir / "cache"

    @property
    def document_key(self) -> str | None:
        return self.document or self.settings.document

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from knowledge.bootstrap import open_knowledge

        return open_knowledge(self.settings.database_url)

    @cached_property
    def catalog(self) -> Catalog:
        return self.duban.catalog

    @cached_property
    def duban(self) -> Duban:
        """The answering document's pipeline."""
        return self.load_duban(self.document_key)

    @cached_property
    def library(self) -> Library:
        """Every stored document, each chat's choice, loaded on demand (bot/shelf)."""
        from bot.shelf import Library

        return Library(self, capacity=self.settings.documents_in_memory)

    def load_duban(self, key: str | None) -> Duban:
        """A document's pipeline from the signed snapshot cache when current, else from the database."""
        url = self.settings.database_url
        # Progress reports belong to the answering document: another document's questions are answered alone.
        progress = self._progress if key == self.document_key else None
        cached = snapshot.load(self.cache_dir, url, key)
        if cached is not None:
            catalog, lexicon = cached
            duban = Duban(catalog, cache_dir=self.cache_dir, progress=progress)
            duban.__dict__["lexicon"] = lexicon
            return duban
        from knowledge.catalog import load_catalog

        with self.knowledge.sessions() as session:
            catalog = load_catalog(session, key)
        duban = Duban(catalog, cache_dir=self.cache_dir, progress=progress)
        snapshot.save(self.cache_dir, url, key, catalog, duban.lexicon)
        return duban

    @cached_property
    def conversation(self) -> Conversation:
        """Conversations of `duban ask --conversation`: one process, kept in memory only."""
        from bot.dialogue.engine import Conversation
        from bot.dialogue.store import MemoryStore

        return Conversation(self.duban, MemoryStore(self.settings.conversation_expiry_minutes),
                            deadlines=self.deadlines)

    @cached_property
    def chats(self) -> Conversation:
        """Conversations kept in the database too (the bot, the console): a restart continues them."""
        from bot.dialogue.engine import Conversation
        from bot.dialogue.store import DatabaseStore

        return Conversation(self.duban, DatabaseStore(self.knowledge.sessions, self.settings.conversation_expiry_minutes),
                            deadlines=self.deadlines)

    def deadlines(self) -> dict[str, list[Deadline]]:
        """Every row's deadlines as reminders see them: admin-set, else schedule files, else the default."""
        from knowledge.reminders.store import effective

        with self.knowledge.sessions() as session:
            return effective(session, self.catalog, self.settings.default_deadline)

    def _progress(self, query: Query) -> Answer:
        """A progress question answered from the stored reports of the current period (imported only then:
        an ordinary question never loads SQLAlchemy)."""
        from bot.progress.runtime import answer_from_reports

        return answer_from_reports(self, query, viewer_units=None if self.office_view else set())

    def answering(self) -> Choice:
        """Which stored document answers for this configuration, and why (a database read)."""
        from knowledge.documents import choose

        with self.knowledge.sessions() as session:
            return choose(session, self.document_key)

    def answers_by_default(self, key: str) -> bool:
        """Whether document `key` answers the chats that chose none, in the bot's configuration (a database read)."""
        from knowledge.documents import choose

        with self.knowledge.sessions() as session:
            return choose(session, self.settings.document).key == key

    def stale(self) -> bool:
        """Whether an import since the snapshot was taken changed the knowledge base (a database read)."""
        if "duban" not in self.__dict__:
            return False
        from knowledge.models import Meta

        with self.knowledge.sessions() as session:
            meta = session.get(Meta, "revision")
        return meta is not None and int(meta.value) != self.catalog.revision

    def reload(self) -> None:
        """Forget the snapshot after an import, so the next question sees the new document."""
        if "chats" in self.__dict__:
            self.chats.store.flush()  # the queued states must not be lost with the old store
        for name in ("catalog", "duban", "conversation", "chats", "library"):  # the next snapshot check sees the new revision
            self.__dict__.pop(name, None)


def settle() -> None:
    """Once a long-running process (the bot, the console chat) has loaded its document: collect, then freeze
    what is left — catalog, lexicon, jieba's dictionary, the libraries' modules — into the collector's
    permanent generation. A full collection then walks only what chats made since, not every loaded
    object while a reply waits (a third of the pause with the bundled document). Called again after a reload, it first unfreezes, so the replaced document can be collected."""
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()
