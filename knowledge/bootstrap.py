"""Opening the knowledge base: schema up to date, bundled document imported when needed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import current_revision, ensure_schema, exclusive, make_engine, session_factory
from knowledge.ingest import import_document
from knowledge.migrations import head_revision
from knowledge.models import DocumentRecord
from knowledge.sources import default_key, fingerprint
from knowledge.vocabulary import BUNDLED_DOCUMENT


@dataclass
class KnowledgeBase:
    """An engine and its session factory for one database URL."""

    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def open_knowledge(url: str, bundled: bool = True) -> KnowledgeBase:
    """Open `url`, migrate it, and import the bundled document into an empty (or stale) database."""
    engine = make_engine(url)
    base = KnowledgeBase(engine, session_factory(engine))
    if current_revision(engine) == head_revision() and not (bundled and _bundled_stale(base)):
        return base  # the usual start: nothing to create, no lock taken
    # Several processes may start on an empty database at once: one creates the schema and imports the
    # bundled document while the others wait, then find both done.
    with exclusive(engine, "bootstrap"):
        ensure_schema(engine)
        if bundled:
            ensure_bundled(base)
    return base


def _bundled_stale(base: KnowledgeBase) -> bool:
    """Whether the bundled document needs its automatic import: no document is stored, or the reader or
    the unit data changed since it was imported."""
    key = default_key(BUNDLED_DOCUMENT)
    with base.sessions() as session:
        stored = session.execute(select(DocumentRecord.key, DocumentRecord.source_name,
                                        DocumentRecord.source_sha256)).all()
    bundled = [row for row in stored if row.key == key and row.source_name == BUNDLED_DOCUMENT.name]
    if stored and not bundled:
        return False
    return not (bundled and bundled[0].source_sha256 == fingerprint(BUNDLED_DOCUMENT))


def ensure_bundled(base: KnowledgeBase) -> bool:
    """Import the bundled document when `_bundled_stale` says so. True when it imported."""
    if not _bundled_stale(base):
        return False
    import_document(base.sessions, BUNDLED_DOCUMENT)
    return True
