"""A pickled snapshot of the catalog and lexicon, so `duban ask` starts in a fraction of a second.

The snapshot is valid while the database's import counter (meta.revision), schema revision and the
bundled document's fingerprint are unchanged. For SQLite those are read with the standard library, so a
warm start never imports SQLAlchemy or Alembic; other databases always take the full path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bot.nlu.lexicon import Lexicon
from knowledge.catalog import Catalog

log = logging.getLogger(__name__)
# The code and data that shape a snapshot: an edit to any of these files invalidates older pickles by itself.
_SHAPERS = ("knowledge/catalog.py", "bot/nlu/lexicon.py", "bot/snapshot.py", "knowledge/language.py",
            "knowledge/data/cues.toml", "knowledge/data/places.toml", "knowledge/data/topics.toml",
            "knowledge/data/grammar.toml", "knowledge/data/titles.toml", "knowledge/data/units.toml")
_ROOT = Path(__file__).resolve().parents[1]


def snapshot_version() -> str:
    """A digest of the modules whose classes a snapshot pickles."""
    digest = hashlib.sha256()
    for name in _SHAPERS:
        digest.update((_ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + ":memory:") or "?" in url:
        return None
    return Path(url.removeprefix(prefix))


def database_state(url: str, document: str | None) -> str | None:
    """A string that changes whenever the snapshot would: None when it can't be read cheaply."""
    from knowledge.migrations import head_revision
    from knowledge.sources import default_key, fingerprint
    from knowledge.vocabulary import BUNDLED_DOCUMENT

    path = _sqlite_path(url)
    if path is None or not path.exists():
        return None
    try:
        # closing(): a sqlite3 connection's own context manager commits but never closes.
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            schema = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = connection.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
            bundled = connection.execute("SELECT source_sha256 FROM documents WHERE key = ? AND source_name = ?",
                                         (default_key(BUNDLED_DOCUMENT), BUNDLED_DOCUMENT.name)).fetchone()
    except sqlite3.Error:
        return None
    if not schema or schema[0] != head_revision() or not revision:
        return None
    if bundled and bundled[0] != fingerprint(BUNDLED_DOCUMENT):
        return None  # the automatic import is stale: the full path redoes it
    return f"{snapshot_version()}:{revision[0]}:{document or ''}"


def _cache_file(cache_dir: Path, url: str, document: str | None) -> Path:
    digest = hashlib.sha256(f"{url}\n{document or ''}".encode()).hexdigest()[:16]
    return cache_dir / f"snapshot-{digest}.pickle"


def load(cache_dir: Path, url: str, document: str | None) -> tuple[Catalog, Lexicon] | None:
    """The cached catalog and lexicon, when still valid."""
    state = database_state(url, document)
    path = _cache_file(cache_dir, url, document)
    if state is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            stored_state, catalog, lexicon = pickle.load(handle)
    except Exception:  # a corrupt or foreign cache is only a cache: rebuild it
        log.warning("ignoring unreadable snapshot %s", path)
        return None
    return (catalog, lexicon) if stored_state == state else None


def save(cache_dir: Path, url: str, document: str | None, catalog: Catalog, lexicon: Lexicon) -> None:
    """Store the snapshot (written to a temporary file, then renamed into place)."""
    state = database_state(url, document)
    if state is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump((state, catalog, lexicon), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, _cache_file(cache_dir, url, document))
