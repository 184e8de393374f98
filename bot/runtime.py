"""What every command needs once: settings, the knowledge base, and the question pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.config import Settings, load_settings
from bot.pipeline import Duban
from knowledge.bootstrap import KnowledgeBase, open_knowledge
from knowledge.catalog import Catalog, load_catalog


@dataclass
class Runtime:
    """Lazily opened resources for one process."""

    settings: Settings = field(default_factory=load_settings)
    document: str | None = None

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        return open_knowledge(self.settings.database_url)

    @cached_property
    def catalog(self) -> Catalog:
        with self.knowledge.sessions() as session:
            return load_catalog(session, self.document or self.settings.document)

    @cached_property
    def duban(self) -> Duban:
        return Duban(self.catalog, cache_dir=self.settings.data_dir / "cache")

    def reload(self) -> None:
        """Forget the snapshot after an import, so the next question sees the new document."""
        for name in ("catalog", "duban"):
            self.__dict__.pop(name, None)
