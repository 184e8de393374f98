"""Yesterday's databases for migration tests: a document written into an old schema without today's models.

Today's models have columns an old schema lacks, so the document is imported into a fresh database at
head and its rows copied, column by column that both schemas have, into the old one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, insert, select

from knowledge.db import make_engine, session_factory, upgrade
from knowledge.export import export_document, find_document
from knowledge.ingest import import_document

_TABLES = ("documents", "sections", "units", "unit_aliases", "items", "item_units", "meta")


def import_into_old_schema(engine: Engine, path: Path) -> dict[str, Any]:
    """Store the document of `path` in `engine`'s (older) schema; return its export as head reads it."""
    with tempfile.TemporaryDirectory() as folder:
        head = make_engine(f"sqlite:///{folder}/head.sqlite3")
        upgrade(head)
        factory = session_factory(head)
        import_document(factory, path)
        with factory() as session:
            exported = export_document(find_document(session))
        source, target = MetaData(), MetaData()
        source.reflect(head)
        target.reflect(engine)
        with head.connect() as reading, engine.begin() as writing:
            for name in _TABLES:
                columns = [c.name for c in target.tables[name].columns]
                rows = [dict(row._mapping) for row in reading.execute(
                    select(*(source.tables[name].c[c] for c in columns)))]
                if rows:
                    writing.execute(insert(target.tables[name]), rows)
        head.dispose()
    return exported
