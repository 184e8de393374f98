"""The documents a bot can answer from, and the one each chat chose with /doc.

Functions take a Session and never commit; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from knowledge.language import document_places, language

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# SQLAlchemy is imported inside the functions that query: a warm `duban ask` reads the shelf with sqlite3
# (bot/snapshot.py's stored_documents) and must not pay for loading it.


@dataclass(frozen=True, slots=True)
class Shelved:
    """A stored document as a chat chooses it: its key, database id (button data), place, year and title."""

    key: str
    id: int
    place: str
    year: int
    title: str
    # Its short title and year, as answers name it: "鹿城区 2023年" (set by shelf(), unique on the shelf).
    label: str = ""


def shelf(session: Session) -> list[Shelved]:
    """Every stored document, newest year first (then latest import), as a list of choices."""
    from sqlalchemy import select

    from knowledge.models import DocumentRecord

    records = session.execute(select(DocumentRecord.key, DocumentRecord.id, DocumentRecord.place,
                                     DocumentRecord.year, DocumentRecord.title)
                              .order_by(DocumentRecord.year.desc(), DocumentRecord.imported_at.desc()))
    return labelled([Shelved(r.key, r.id, r.place, r.year, r.title) for r in records])


def labelled(found: list[Shelved]) -> list[Shelved]:
    """The documents with their labels, unique on the shelf."""
    labels = [_label(s) for s in found]
    # Two documents of one place and year (the tasks and the livelihood list) are told apart by their keys.
    return [replace(s, label=label if labels.count(label) == 1 else f"{label}·{s.key}")
            for s, label in zip(found, labels, strict=True)]


def _label(shelved: Shelved) -> str:
    """The most local place the document names (鞍山市立山区 → 立山区; the title's start when no place was
    read) and its year."""
    places = document_places(shelved.place or shelved.title, language().names.levels)
    name = places[-2] if len(places) >= 2 else (shelved.place or shelved.title)[:12]
    return f"{name} {shelved.year}年" if shelved.year else name


def chosen(session: Session, chat_id: int) -> str | None:
    """The key the chat chose, or None (it asks the answering document)."""
    from knowledge.models import ChatDocument

    row = session.get(ChatDocument, chat_id)
    return row.document if row is not None else None


def choose_for_chat(session: Session, chat_id: int, key: str, user_id: int | None) -> None:
    """Remember the chat's choice (replacing an earlier one)."""
    from knowledge.models import ChatDocument

    row = session.get(ChatDocument, chat_id)
    now = datetime.now(UTC)
    if row is None:
        session.add(ChatDocument(chat_id=chat_id, document=key, chosen_by=user_id, chosen_at=now))
    else:
        row.document, row.chosen_by, row.chosen_at = key, user_id, now


def all_chosen(session: Session) -> dict[int, str]:
    """Every chat's choice (read once when the bot starts answering, then kept in memory)."""
    from sqlalchemy import select

    from knowledge.models import ChatDocument

    return {row.chat_id: row.document for row in session.execute(select(ChatDocument.chat_id, ChatDocument.document))}
