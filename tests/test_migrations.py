"""Alembic migrations: an empty database upgrades to head, and the app does it by itself."""

from __future__ import annotations

from sqlalchemy import inspect

from knowledge.bootstrap import open_knowledge
from knowledge.db import current_revision, head_revision, make_engine, upgrade


def test_empty_database_upgrades_to_head(database_url: str) -> None:
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"documents", "items", "units", "item_units", "unit_aliases"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_app_upgrades_and_imports_an_empty_database(database_url: str) -> None:
    base = open_knowledge(database_url)
    assert current_revision(base.engine) == head_revision()
    base.close()
