"""A document imported for real into a throw-away SQLite database, answered as the bot answers it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.pipeline import Duban
from knowledge.bootstrap import open_knowledge
from knowledge.catalog import load_catalog
from knowledge.ingest import import_document


def imported(source: Path, key: str, folder: Path) -> Duban:
    """`source` imported under `key` into a database in `folder` (closed again), and a Duban over its catalog."""
    base = open_knowledge(f"sqlite:///{folder}/duban.sqlite3")
    try:
        import_document(base.sessions, source, key=key)
        with base.sessions() as session:
            catalog = load_catalog(session, key)
    finally:
        base.close()
    return Duban(catalog, cache_dir=folder)


@contextmanager
def imported_text(text: str, key: str) -> Iterator[Duban]:
    """A notice written as `text` (a .txt file), imported under `key` into a throw-away database."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.txt"
        path.write_text(text, encoding="utf-8")
        yield imported(path, key, Path(folder))
