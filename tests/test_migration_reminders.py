"""Migration 0002 (reminders): yesterday's 0001 database, with a document in it, upgrades without loss."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from migration_support import import_into_old_schema
from sqlalchemy import func, inspect, select

from knowledge.catalog import load_catalog
from knowledge.db import current_revision, head_revision, make_engine, session_factory, transaction, upgrade
from knowledge.export import export_document, find_document
from knowledge.models import (
    Base,
    DocumentRecord,
    Item,
    ItemUnit,
    RowDeadline,
    SentReminder,
    Subscription,
    Unit,
)
from knowledge.vocabulary import BUNDLED_DOCUMENT

REMINDER_TABLES = {"subscriptions", "deadlines", "sent_reminders"}


def _counts(factory: object) -> dict[str, int]:
    with factory() as session:  # type: ignore[operator]
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (DocumentRecord, Item, ItemUnit, Unit)}


def test_0001_database_with_a_document_upgrades_to_head_without_loss(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert not REMINDER_TABLES & set(inspect(engine).get_table_names())
    factory = session_factory(engine)
    before = import_into_old_schema(engine, BUNDLED_DOCUMENT)
    before_counts = _counts(factory)

    upgrade(engine)

    assert current_revision(engine) == head_revision() >= "0002"
    assert set(inspect(engine).get_table_names()) >= REMINDER_TABLES
    assert _counts(factory) == before_counts
    with factory() as session:
        assert export_document(find_document(session)) == before
        assert len(load_catalog(session).rows) == before_counts["items"]
    # The new tables work, BigInteger chat ids included (supergroup ids do not fit in 32 bits).
    now = datetime.now(UTC)
    with transaction(factory) as session:
        session.add(Subscription(chat_id=-1001234567890, chat_type="supergroup", target_kind="unit",
                                 target="区民政局", created_by=42, created_at=now))
        session.add(RowDeadline(document="lucheng-2023", row_id="K5-12", due=date(2023, 6, 30),
                                milestone="完成过半", source="admin", set_by="test", set_at=now))
        session.add(SentReminder(chat_id=-1001234567890, document="lucheng-2023", row_id="K5-12",
                                 due=date(2023, 6, 30), days_before=30, day=date(2023, 5, 31), status="sent",
                                 digest="d", claimed_by="t", claimed_at=now))
    with factory() as session:
        assert session.scalar(select(Subscription.chat_id)) == -1001234567890
    engine.dispose()


def test_head_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_0002_downgrades_to_0001_keeping_the_document(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    factory = session_factory(engine)
    import_into_old_schema(engine, BUNDLED_DOCUMENT)
    counts = _counts(factory)
    upgrade(engine)
    from alembic import command

    from knowledge.db import alembic_config

    command.downgrade(alembic_config(engine), "0001")  # type: ignore[arg-type]
    assert current_revision(engine) == "0001"
    assert not REMINDER_TABLES & set(inspect(engine).get_table_names())
    assert _counts(factory) == counts
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
