"""Database models: documents, their sections and rows, units and who does what."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every Duban table."""


class DocumentRecord(Base):
    """One imported notice; re-importing the same key replaces it."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    doc_number: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    issued: Mapped[date | None] = mapped_column(Date)
    printed: Mapped[date | None] = mapped_column(Date)
    addressees: Mapped[str] = mapped_column(Text, default="")
    cc: Mapped[str] = mapped_column(Text, default="")
    key_tasks_title: Mapped[str] = mapped_column(Text, default="")
    livelihood_title: Mapped[str] = mapped_column(Text, default="")
    source_name: Mapped[str] = mapped_column(String(300), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    # Read from the document itself: where it is from ("鞍山市立山区"), its level (区/县/市), whether it marks
    # leads, and what the reader understood (tables, column roles, layout guess, warnings) for `duban docs`.
    place: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    lead_marked: Mapped[bool] = mapped_column(Boolean, default=True)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    sections: Mapped[list[SectionRecord]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="SectionRecord.number")
    items: Mapped[list[Item]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Item.position")


class SectionRecord(Base):
    """A section of the key-task attachment and the leader who leads it."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text)
    leader: Mapped[str] = mapped_column(String(50), default="")
    leader_titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    remark: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[DocumentRecord] = relationship(back_populates="sections")


class Item(Base):
    """An answerable row: a key task (kind "key_task") or a livelihood line (kind "livelihood")."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("document_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    # Key tasks: section number and 序号; livelihood lines: project 序号 and position in the project.
    major: Mapped[int] = mapped_column(Integer)
    minor: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    leader: Mapped[str] = mapped_column(String(50), default="")
    line: Mapped[int] = mapped_column(Integer, default=0)
    # General documents only (empty for the bundled one): numbering as written, the row's own leaders,
    # the deadline as written and its date, and columns kept but not read as units (进展情况 …).
    no_text: Mapped[str] = mapped_column(String(50), default="")
    leaders: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline_text: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    extra: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    document: Mapped[DocumentRecord] = relationship(back_populates="items")
    units: Mapped[list[ItemUnit]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemUnit.position")


class Unit(Base):
    """A body (department, street or town) or a group addressee such as 各街镇."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # department | street | group
    # Groups only: which kind of unit they address, whether all of them, and how answers explain it.
    covers: Mapped[str] = mapped_column(String(20), default="")
    covers_all: Mapped[bool] = mapped_column(Boolean, default=False)
    explain: Mapped[str] = mapped_column(String(200), default="")

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.alias")


class UnitAlias(Base):
    """Another spelling of a unit: the document's variants and the short forms people type."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class ItemUnit(Base):
    """A unit's part in a row: lead (牵头) or support (配合), and the name as the row writes it."""

    __tablename__ = "item_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    written: Mapped[str] = mapped_column(String(200))
    lead: Mapped[bool] = mapped_column(Boolean)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    # lead | support | responsible (no lead marked in the document: answered as 负责, exported as lead).
    role: Mapped[str] = mapped_column(String(12), default="")

    item: Mapped[Item] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class Meta(Base):
    """Key/value facts about the database, e.g. a counter bumped by every import."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- Reminders: subscriptions, per-row deadlines, and the log that makes delivery exactly-once.


class Subscription(Base):
    """A chat's wish to be reminded about a unit's, a leader's, one row's or every row's deadlines."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "document", "target_kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Telegram chat ids exceed 32 bits (supergroups are -100…), hence BigInteger.
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # The document whose rows the target names (DocumentRecord.key: row ids, units and leaders are per
    # document); "" for a subscription stored before subscriptions named theirs: the answering document's.
    document: Mapped[str] = mapped_column(String(100), default="", server_default="")
    chat_type: Mapped[str] = mapped_column(String(20))  # private | group | supergroup | channel
    target_kind: Mapped[str] = mapped_column(String(10))  # unit | leader | row | all
    target: Mapped[str] = mapped_column(String(200))  # canonical unit name, leader, row id, or "" for all
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Paused (not deleted) when the chat blocked the bot, so unblocking and writing again restores it.
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str] = mapped_column(String(300), default="")
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RowDeadline(Base):
    """A dated milestone of one row, set by an admin or imported from a schedule file."""

    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("document", "row_id", "source", "due", "milestone"),
                      Index("ix_deadlines_document_row", "document", "row_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(100))  # DocumentRecord.key: row ids are per document
    row_id: Mapped[str] = mapped_column(String(20))
    due: Mapped[date] = mapped_column(Date)
    milestone: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(10))  # admin | schedule
    set_by: Mapped[str] = mapped_column(String(200), default="")
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SentReminder(Base):
    """One reminder (chat, row, deadline, step): inserted as a claim before sending, marked after.

    The unique constraint is what stops a restart or a second instance from sending it twice.
    """

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("chat_id", "document", "row_id", "due", "days_before"),
                      Index("ix_sent_reminders_day", "day"),
                      Index("ix_sent_reminders_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[str] = mapped_column(String(100))
    row_id: Mapped[str] = mapped_column(String(20))
    due: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)  # the reminder day: one digest per chat and day
    status: Mapped[str] = mapped_column(String(10))  # claimed | sent | failed | unknown
    # The digest message's idempotence key: every row claimed for one message shares it.
    digest: Mapped[str] = mapped_column(String(64))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(300), default="")


class ConversationState(Base):
    """What one conversation (a private chat, a user in a group, the console) remembers between messages.

    Kept in the database as well as in memory, so a restart or a second instance serving the same bot
    continues the conversation; `state` is bot/dialogue/context.py's JSON, opaque here.
    """

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ChatDocument(Base):
    """The document a chat chose with /doc; a chat without a row asks the answering document (the pinned one,
    else the newest imported, else the bundled one). A removed document's choices are simply not found."""

    __tablename__ = "chat_documents"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document: Mapped[str] = mapped_column(String(100))
    chosen_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
