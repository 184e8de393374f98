"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when the suite runs under
scripts/with-postgres), the bundled document imported, and the question pipeline on top."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.pipeline import Duban
from bot.runtime import Runtime
from knowledge.bootstrap import KnowledgeBase, open_knowledge
from knowledge.catalog import Catalog, load_catalog

PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "")


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (per-test files)'}"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of its own: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'duban.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def knowledge(database_url: str) -> Iterator[KnowledgeBase]:
    base = open_knowledge(database_url)
    yield base
    base.close()


@pytest.fixture(scope="session")
def shared_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The bundled document's snapshot, made once: language tests only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'duban.sqlite3'}"
    base = open_knowledge(url)
    with base.sessions() as session:
        catalog = load_catalog(session)
    base.close()
    return catalog


@pytest.fixture(scope="session")
def duban(shared_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Duban:
    return Duban(shared_catalog, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(settings=settings)
    yield rt
    if "knowledge" in rt.__dict__:
        rt.knowledge.close()


from fakebot.fixtures import fake_bot_api  # noqa: E402, F401  (the fake Bot API server, for end-to-end tests)


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The `duban` command's environment for one test: its own database and data directory, no token, no
    configuration file, no pinned document, working in tmp_path. Returns the environment for subprocesses."""
    values = {"DUBAN_DATABASE_URL": database_url, "DUBAN_DATA_DIR": str(tmp_path / "data")}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    for name in ("DUBAN_TELEGRAM_TOKEN", "DUBAN_CONFIG", "DUBAN_DOCUMENT", "DUBAN_ADMINS", "DUBAN_TELEGRAM_BASE_URL",
                 "DUBAN_LOG_LEVEL", "DUBAN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return {**os.environ, **values}
