"""Engine and session factory, and bringing a database's schema up to date with Alembic."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite files go unlocked (a single-machine database anyway)
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from knowledge.migrations import MIGRATIONS, head_revision


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get their folder created and foreign keys enforced."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    # The busy timeout first: switching to WAL needs the database to itself, and a second process starting
    # at the same moment must wait for that rather than fail with "database is locked". 30 s: on a busy
    # shared machine an import's write transaction has been seen to hold the file longer than 10 s.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the bot read while an import or a second instance writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock `name` on this database against every other process using it: PostgreSQL's advisory
    lock (keyed by the name and the URL, so schemas of one server do not share it), or for a SQLite file an
    flock on a file beside it. Waits as long as the holder works; a holder that dies releases it. Where no
    lock can be taken (an in-memory or read-only database) the work goes on unlocked: it can only read."""
    if engine.dialect.name == "postgresql":
        where = engine.url.render_as_string(hide_password=True)
        key = int.from_bytes(hashlib.sha256(f"duban:{name}\n{where}".encode()).digest()[:8], "big", signed=True)
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()  # the lock belongs to the session, not to this transaction
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or fcntl is None:
        yield
        return
    try:
        descriptor = os.open(f"{database}.{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only directory: nothing here can write, so nothing needs the lock
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the flock


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or None for an empty one."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(engine: Engine) -> object:
    """An Alembic configuration that migrates `engine` (imported lazily: Alembic is slow to load)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats % as interpolation: URLs with escaped options need it doubled.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)  # type: ignore[arg-type]


def ensure_schema(engine: Engine) -> bool:
    """Upgrade when the database is behind; cheap when it is current. True when it migrated."""
    if current_revision(engine) == head_revision():
        return False
    upgrade(engine)
    return True
