"""Which stored document answers, and why; the documents an office keeps over the years.

The rule (CONTRACT §9), in order: the pinned document (`--doc`, DUBAN_DOCUMENT or `document` in
config.toml); else the newest document an operator imported (highest year, then latest import); else the
bundled one. The bundled document is only a start: it never outranks an operator's own, even an older one.
Functions take a Session and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge.catalog import UnknownDocument
from knowledge.models import DocumentRecord, Item, RowDeadline, Subscription
from knowledge.sources import default_key
from knowledge.vocabulary import BUNDLED_DOCUMENT

Why = Literal["pinned", "newest imported", "bundled"]
WHY_TEXT: dict[Why, str] = {
    "pinned": "已固定：--doc、DUBAN_DOCUMENT 或 config.toml 的 document",
    "newest imported": "导入的文件中年份最新",
    "bundled": "内置文件，尚未导入自己的文件",
}


class DocumentRefused(ValueError):
    """An operation on a stored document that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Choice:
    """The answering document's key and the reason it answers."""

    key: str
    why: Why


@dataclass(frozen=True)
class StoredDocument:
    """One line of `duban docs` (CONTRACT §9's object)."""

    key: str
    year: int
    title: str
    doc_number: str
    rows: int
    imported_at: datetime
    bundled: bool
    answering: bool
    why: Why | None

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "year": self.year, "title": self.title, "rows": self.rows,
                "imported_at": _aware(self.imported_at).replace(tzinfo=UTC).isoformat(), "bundled": self.bundled,
                "answering": self.answering, "why": self.why}


def is_bundled(key: str, source_name: str) -> bool:
    """Whether a stored document is the automatic import of the bundled file."""
    return key == default_key(BUNDLED_DOCUMENT) and source_name == BUNDLED_DOCUMENT.name


def choose(session: Session, pinned: str | None = None) -> Choice:
    """The answering document for this configuration; UnknownDocument when the pin names none stored."""
    records = session.execute(select(DocumentRecord.key, DocumentRecord.year, DocumentRecord.imported_at,
                                     DocumentRecord.source_name)).all()
    keys = [r.key for r in records]
    if pinned:
        if pinned not in keys:
            raise UnknownDocument(f"固定的文件“{pinned}”不在数据库中；已有：{'、'.join(sorted(keys)) or '（无）'}。"
                                  f"请改正 --doc / DUBAN_DOCUMENT / document，或先 duban import 该文件")
        return Choice(pinned, "pinned")
    own = [r for r in records if not is_bundled(r.key, r.source_name)]
    if own:
        newest = max(own, key=lambda r: (r.year, _aware(r.imported_at)))
        return Choice(newest.key, "newest imported")
    if records:
        return Choice(records[0].key, "bundled")
    raise UnknownDocument("数据库中还没有任何文件：请先运行 duban import PATH")


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; every import writes UTC.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def stored_documents(session: Session, pinned: str | None = None) -> list[StoredDocument]:
    """Every stored document, oldest year first, the answering one marked with its reason."""
    try:
        choice: Choice | None = choose(session, pinned)
    except UnknownDocument:
        choice = None
    counts = dict(session.execute(select(Item.document_id, func.count()).group_by(Item.document_id)).all())
    documents = []
    for record in session.scalars(select(DocumentRecord).order_by(DocumentRecord.year, DocumentRecord.key)):
        answering = choice is not None and record.key == choice.key
        documents.append(StoredDocument(
            key=record.key, year=record.year, title=record.title, doc_number=record.doc_number,
            rows=counts.get(record.id, 0), imported_at=record.imported_at,
            bundled=is_bundled(record.key, record.source_name), answering=answering,
            why=choice.why if answering and choice is not None else None))
    return documents


@dataclass(frozen=True)
class Removal:
    """What `duban docs remove` did."""

    key: str
    deadlines: int
    answering_now: Choice | None


def remove_document(session: Session, key: str, pinned: str | None = None) -> Removal:
    """Delete a document, its rows and its deadlines; refuse an unknown key or the pinned document.
    The sent-reminder log is kept: it is the record of what went out."""
    from knowledge.ingest.store import bump_revision

    record = session.scalars(select(DocumentRecord).where(DocumentRecord.key == key)).first()
    if record is None:
        known = "、".join(session.scalars(select(DocumentRecord.key).order_by(DocumentRecord.key))) or "（无）"
        raise DocumentRefused(f"没有键为“{key}”的文件；已有：{known}")
    if pinned == key:
        raise DocumentRefused(f"“{key}”是固定回答问题的文件（--doc、DUBAN_DOCUMENT 或 config.toml 的 document），"
                              f"不能删除：先改为固定另一个文件或取消固定，再删除")
    deadlines = session.execute(delete(RowDeadline).where(RowDeadline.document == key))
    session.delete(record)
    bump_revision(session)
    session.flush()
    try:
        now: Choice | None = choose(session, pinned)
    except UnknownDocument:
        now = None
    return Removal(key, int(getattr(deadlines, "rowcount", 0) or 0), now)


@dataclass(frozen=True)
class Handover:
    """What changes when a newly imported document takes over answering from the previous one."""

    previous: str
    current: str
    admin_deadlines: int
    schedule_deadlines: int
    unit_and_leader_subscriptions: int
    row_subscriptions: int


def handover(session: Session, previous: str, current: str) -> Handover:
    """Count what the previous answering document leaves behind: its deadlines stay with it (row IDs
    mean other rows in another year), subscriptions to units and leaders follow the new document by
    name, and subscriptions to one row now point at the new document's row of that number."""
    sources = dict(session.execute(select(RowDeadline.source, func.count()).where(RowDeadline.document == previous)
                                   .group_by(RowDeadline.source)).all())
    kinds = dict(session.execute(select(Subscription.target_kind, func.count())
                                 .group_by(Subscription.target_kind)).all())
    return Handover(previous, current, sources.get("admin", 0), sources.get("schedule", 0),
                    kinds.get("unit", 0) + kinds.get("leader", 0) + kinds.get("all", 0), kinds.get("row", 0))
