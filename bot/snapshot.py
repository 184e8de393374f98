"""A snapshot of the catalog and lexicon, so `duban ask` starts in a fraction of a second.

The snapshot is valid while the database's import counter (meta.revision), schema revision and the
bundled document's fingerprint are unchanged. For SQLite those are read with the standard library, so a
warm start never imports SQLAlchemy or Alembic; other databases always take the full path.

The snapshot is only an optimisation: any failure to read or write it (a full disk, a read-only or missing
cache directory, a damaged or foreign file) logs one warning and the answer comes from the database. It is
a pickle, so it is trusted only when signed: an HMAC-SHA256 with a key kept outside the cache directory
(`snapshot.key` in the data directory, mode 0600), and even a signed file is unpickled with an allowlist of
the classes a snapshot holds, so a file written by someone else can neither run code nor be loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import logging
import os
import pickle
import secrets
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from bot.nlu.lexicon import Lexicon
from knowledge.catalog import Catalog

log = logging.getLogger(__name__)
_ROOT = Path(__file__).resolve().parents[1]
# The code and data that shape a snapshot: an edit to any of these files invalidates older pickles by itself
# (a catalog's units and spellings are knowledge/vocabulary.py's document_spellings of the place files too).
_SHAPERS = ("knowledge/catalog.py", "knowledge/vocabulary.py", "bot/nlu/lexicon.py", "bot/snapshot.py",
            "knowledge/language.py", "knowledge/data/cues.toml", "knowledge/data/bodies.toml",
            "knowledge/data/topics.toml", "knowledge/data/grammar.toml", "knowledge/data/titles.toml",
            "knowledge/data/unit_forms.toml",
            *sorted(str(p.relative_to(_ROOT)) for p in (_ROOT / "knowledge/data/places").glob("*.toml")))


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


def _read(url: str, *queries: tuple[str, tuple[object, ...]]) -> list[list[tuple[Any, ...]]] | None:
    """Each query's rows from a SQLite database file at the current schema, read-only with the standard
    library; None when the URL is no SQLite file, the schema is not current, or the read fails."""
    from knowledge.migrations import head_revision

    path = _sqlite_path(url)
    if path is None or not path.exists():
        return None
    try:
        # closing(): a sqlite3 connection's own context manager commits but never closes.
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            schema = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if not schema or schema[0] != head_revision():
                return None
            return [connection.execute(sql, parameters).fetchall() for sql, parameters in queries]
    except sqlite3.Error:
        return None


def stored_documents(url: str) -> list[tuple[str, int, str, int, str]] | None:
    """(key, id, place, year, title) of every stored document, newest first, without SQLAlchemy (a warm start)."""
    found = _read(url, ("SELECT key, id, place, year, title FROM documents ORDER BY year DESC, imported_at DESC", ()))
    return None if found is None else [(r[0], r[1], r[2], r[3], r[4]) for r in found[0]]


def database_state(url: str, document: str | None) -> str | None:
    """A string that changes whenever the snapshot would: None when it can't be read cheaply."""
    from knowledge.sources import default_key, fingerprint
    from knowledge.vocabulary import BUNDLED_DOCUMENT

    found = _read(url, ("SELECT value FROM meta WHERE key = 'revision'", ()),
                  ("SELECT source_sha256 FROM documents WHERE key = ? AND source_name = ?",
                   (default_key(BUNDLED_DOCUMENT), BUNDLED_DOCUMENT.name)))
    if found is None or not found[0]:
        return None
    revision, bundled = found[0][0], found[1][0] if found[1] else None
    if bundled and bundled[0] != fingerprint(BUNDLED_DOCUMENT):
        return None  # the automatic import is stale: the full path redoes it
    return f"{snapshot_version()}:{revision[0]}:{document or ''}"


MAGIC = b"duban-snapshot-1\n"
KEY_FILE = "snapshot.key"
_STALE_TEMP_SECONDS = 3600.0  # a temporary file this old was left by a killed process
_SAFE_GLOBALS = {
    "builtins": frozenset({"set", "frozenset", "slice", "complex", "bytearray", "range"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "array": frozenset({"array", "_array_reconstructor"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "Counter", "deque"}),
    "copyreg": frozenset({"_reconstructor"}),
}
_warned: set[str] = set()


class SnapshotRefused(Exception):
    """A snapshot file that is not ours to load (unsigned, wrongly signed, or naming a foreign class)."""


class _Unpickler(pickle.Unpickler):
    """Loads only our own classes (knowledge.*, bot.*) and a few harmless standard-library types."""

    def find_class(self, module: str, name: str) -> Any:
        ours = module.startswith(("knowledge.", "bot."))
        if not ours and name not in _SAFE_GLOBALS.get(module, ()):
            raise SnapshotRefused(f"{module}.{name} is not a class a snapshot holds")
        found = super().find_class(module, name)
        if ours and not isinstance(found, type):  # our classes only, never our functions
            raise SnapshotRefused(f"{module}.{name} is not a class")
        return found


def _warn(kind: str, message: str, *args: object) -> None:
    """One warning per kind of failure per process: a full disk must not fill the log at every refresh."""
    if kind not in _warned:
        _warned.add(kind)
        log.warning(message, *args)


def _key(cache_dir: Path, create: bool) -> bytes | None:
    """The signing key, kept next to (not inside) the cache directory; made with mode 0600 when missing."""
    path = cache_dir.parent / KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            return None
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return _read_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    key = path.read_bytes()
    return key if len(key) == 32 else None


def _cache_file(cache_dir: Path, url: str, document: str | None) -> Path:
    digest = hashlib.sha256(f"{url}\n{document or ''}".encode()).hexdigest()[:16]
    return cache_dir / f"snapshot-{digest}.pickle"


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def load(cache_dir: Path, url: str, document: str | None) -> tuple[Catalog, Lexicon] | None:
    """The cached catalog and lexicon, when still valid and signed with our key; else None."""
    try:
        state = database_state(url, document)
        path = _cache_file(cache_dir, url, document)
        if state is None or not path.exists():
            return None
        key = _key(cache_dir, create=False)
        data = path.read_bytes()
        size = len(MAGIC) + 32
        if key is None or not data.startswith(MAGIC) or not hmac.compare_digest(
                data[len(MAGIC):size], _signature(key, data[size:])):
            raise SnapshotRefused("unsigned or wrongly signed")
        stored_state, catalog, lexicon = _Unpickler(io.BytesIO(data[size:])).load()
    except Exception as error:  # a cache is only a cache: any failure means the database answers
        _warn("read", "snapshot cache not used (%s: %s); answering from the database", type(error).__name__, error)
        return None
    return (catalog, lexicon) if stored_state == state else None


def save(cache_dir: Path, url: str, document: str | None, catalog: Catalog, lexicon: Lexicon) -> None:
    """Store the snapshot, signed (a 0600 temporary file renamed into place); a failure only warns."""
    temporary: str | None = None
    try:
        state = database_state(url, document)
        if state is None:
            return
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_stale_temporaries(cache_dir)
        key = _key(cache_dir, create=True)
        if key is None:
            raise SnapshotRefused(f"unreadable key {cache_dir.parent / KEY_FILE}")
        payload = pickle.dumps((state, catalog, lexicon), protocol=pickle.HIGHEST_PROTOCOL)
        descriptor, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")  # created 0600
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(MAGIC + _signature(key, payload) + payload)
        os.replace(temporary, _cache_file(cache_dir, url, document))
        temporary = None
    except Exception as error:  # a full disk or a read-only directory costs only the next start's speed
        _warn("write", "snapshot cache not written (%s: %s); answers are unaffected", type(error).__name__, error)
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _remove_stale_temporaries(cache_dir: Path) -> None:
    """Temporary files a killed process left behind (a live writer's file is younger than an hour)."""
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for leftover in cache_dir.glob("*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
