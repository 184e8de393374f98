"""Tables of progress reporting: bindings of chats to units, reports (current state), and the event log.

They share knowledge.models.Base, so Alembic's autogenerate and `Base.metadata` see them; the
migration is knowledge/migrations/versions/0004_progress_reports.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.models import Base


class UnitBinding(Base):
    """A chat (a user's private chat or a unit's group) that speaks for a unit once an admin approved it."""

    __tablename__ = "progress_bindings"
    __table_args__ = (UniqueConstraint("chat_id", "unit"), Index("ix_progress_bindings_unit", "unit"))

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_type: Mapped[str] = mapped_column(String(20))
    chat_title: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200))  # canonical unit name (units.name)
    status: Mapped[str] = mapped_column(String(10))  # pending | approved | refused | revoked
    requested_by: Mapped[int | None] = mapped_column(BigInteger)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProgressReport(Base):
    """The current report of one unit on one row for one period; its versions are ProgressEvent rows."""

    __tablename__ = "progress_reports"
    __table_args__ = (UniqueConstraint("document", "row_id", "unit", "period"),
                      # Who reported what in a period, grouped by unit, read from the index alone (store.period_index).
                      Index("ix_progress_reports_unit", "document", "period", "unit", "row_id", "status",
                            "reported_at", "id"),
                      Index("ix_progress_reports_message", "chat_id", "message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(100))
    row_id: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(10))  # 2023Q2 | 2023-05
    status: Mapped[str] = mapped_column(String(10))
    percent: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    reported_by: Mapped[str] = mapped_column(String(100))  # telegram:<user id> | cli:<os user>
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # The bot's confirmation message: a reply to it edits this report.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProgressEvent(Base):
    """Append-only audit log: every report version and every binding decision, with who and when."""

    __tablename__ = "progress_events"
    __table_args__ = (Index("ix_progress_events_period", "document", "period"),
                      Index("ix_progress_events_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    # report | edit | unchanged | bind_request | bind_approve | bind_refuse | bind_revoke | publish
    action: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    row_id: Mapped[str] = mapped_column(String(20), default="")
    period: Mapped[str] = mapped_column(String(10), default="")
    status: Mapped[str] = mapped_column(String(10), default="")
    percent: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)


class PublishedPeriod(Base):
    """A period whose report texts the office has published: every unit may then read them."""

    __tablename__ = "progress_published"

    document: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
