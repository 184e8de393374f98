"""Opening the knowledge base: schema up to date, bundled document imported when needed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import ensure_schema, make_engine, session_factory
from knowledge.ingest import import_document
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
    ensure_schema(engine)
    base = KnowledgeBase(engine, session_factory(engine))
    if bundled:
        ensure_bundled(base)
    return base


def ensure_bundled(base: KnowledgeBase) -> bool:
    """Import the bundled document when no document is stored, or redo its automatic import when the
    reader or the unit data changed since. True when it imported."""
    key = default_key(BUNDLED_DOCUMENT)
    with base.sessions() as session:
        stored = session.execute(select(DocumentRecord.key, DocumentRecord.source_name,
                                        DocumentRecord.source_sha256)).all()
    bundled = [row for row in stored if row.key == key and row.source_name == BUNDLED_DOCUMENT.name]
    if stored and not bundled:
        return False
    if bundled and bundled[0].source_sha256 == fingerprint(BUNDLED_DOCUMENT):
        return False
    import_document(base.sessions, BUNDLED_DOCUMENT)
    return True
