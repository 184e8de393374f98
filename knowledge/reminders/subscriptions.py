"""Subscriptions: which chat wants reminders about which rows. Functions take a Session and never commit."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from knowledge import chats
from knowledge.catalog import Catalog
from knowledge.chats import ChatType
from knowledge.models import SentReminder, Subscription
from knowledge.queries import rows_of_leader, rows_of_unit
from knowledge.reminders.plan import ChatRows

TargetKind = Literal["unit", "leader", "row", "all"]
# The document of a subscription stored before subscriptions named theirs: it follows the answering document.
ANSWERING = ""
TARGET_KINDS: tuple[TargetKind, ...] = ("unit", "leader", "row", "all")


@dataclass(frozen=True, slots=True)
class Target:
    """What a subscription follows: a unit, a leader, one row, or every row (value "")."""

    kind: TargetKind
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(f"target kind must be one of {TARGET_KINDS}, got {self.kind!r}")
        if (self.kind == "all") != (self.value == ""):
            raise ValueError(f"a {self.kind!r} target needs {'no' if self.kind == 'all' else 'a'} value")

    @property
    def label(self) -> str:
        """How users see it: the unit, the leader, the row id, or 全部工作."""
        return "全部工作" if self.kind == "all" else self.value


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    """One stored subscription, detached from the session."""

    id: int
    chat_id: int
    chat_type: ChatType
    target: Target
    created_by: int | None
    created_at: datetime
    paused: bool
    paused_reason: str
    document: str = ANSWERING


def documents_of(key: str, answering: bool) -> tuple[str, ...]:
    """The stored document values meaning document `key`: its own, and ANSWERING when it answers."""
    return (key, ANSWERING) if answering else (key,)


def _info(record: Subscription) -> SubscriptionInfo:
    target = Target(cast(TargetKind, record.target_kind), record.target)
    return SubscriptionInfo(record.id, record.chat_id, chats.chat_type(record.chat_type), target, record.created_by,
                            record.created_at, record.paused, record.paused_reason, record.document)


def _find(session: Session, chat_id: int, target: Target, documents: Collection[str]) -> Subscription | None:
    return session.scalars(select(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.target_kind == target.kind,
        Subscription.target == target.value, Subscription.document.in_(documents))).first()


def subscribe(session: Session, chat_id: int, chat_type: ChatType, target: Target, *,
              created_by: int | None, now: datetime, documents: Collection[str] = (ANSWERING,)) -> bool:
    """Add a subscription to the first of `documents` (documents_of: the one the target names rows of);
    False when the chat already had it (a paused one is resumed)."""
    existing = _find(session, chat_id, target, documents)
    if existing is not None:
        if existing.paused:
            existing.paused, existing.paused_reason, existing.paused_at = False, "", None
        return False
    session.add(Subscription(chat_id=chat_id, chat_type=chat_type, target_kind=target.kind,
                             target=target.value, created_by=created_by, created_at=now,
                             paused=False, paused_reason="", document=next(iter(documents))))
    session.flush()
    return True


def unsubscribe(session: Session, chat_id: int, target: Target, documents: Collection[str] | None = None) -> bool:
    """Remove one subscription (of `documents` only, when given); False when the chat did not have it."""
    result = session.execute(delete(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.target_kind == target.kind,
        Subscription.target == target.value,
        *(() if documents is None else (Subscription.document.in_(documents),))))
    return bool(getattr(result, "rowcount", 0))


def unsubscribe_id(session: Session, chat_id: int, subscription_id: int) -> SubscriptionInfo | None:
    """Remove a subscription by id, only if it belongs to `chat_id` (a button from another chat does nothing)."""
    record = session.get(Subscription, subscription_id)
    if record is None or record.chat_id != chat_id:
        return None
    info = _info(record)
    session.delete(record)
    session.flush()
    return info


def unsubscribe_all(session: Session, chat_id: int, documents: Collection[str] | None = None) -> int:
    """Remove every subscription of a chat (of `documents` only, when given); the number removed."""
    result = session.execute(delete(Subscription).where(
        Subscription.chat_id == chat_id, *(() if documents is None else (Subscription.document.in_(documents),))))
    return int(getattr(result, "rowcount", 0) or 0)


def list_subscriptions(session: Session, chat_id: int | None = None,
                       documents: Collection[str] | None = None) -> list[SubscriptionInfo]:
    """A chat's subscriptions (every chat's when None; of `documents` only, when given), oldest first."""
    query = select(Subscription).order_by(Subscription.chat_id, Subscription.id)
    if chat_id is not None:
        query = query.where(Subscription.chat_id == chat_id)
    if documents is not None:
        query = query.where(Subscription.document.in_(documents))
    return [_info(record) for record in session.scalars(query)]


def subscribed_documents(session: Session) -> set[str]:
    """The documents some active subscription names (ANSWERING among them for the older ones)."""
    return set(session.scalars(select(Subscription.document).where(Subscription.paused.is_(False)).distinct()))


def pause_chat(session: Session, chat_id: int, reason: str, now: datetime) -> int:
    """Stop reminding a chat that blocked the bot or vanished; kept so it can be resumed."""
    result = session.execute(update(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.paused.is_(False)).values(
        paused=True, paused_reason=reason[:300], paused_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def resume_chat(session: Session, chat_id: int) -> int:
    """Resume a paused chat (it wrote to the bot again) and forget the reminders that failed to reach it,
    so those still within the grace period go out on the next run."""
    result = session.execute(update(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.paused.is_(True)).values(
        paused=False, paused_reason="", paused_at=None))
    resumed = int(getattr(result, "rowcount", 0) or 0)
    if resumed:
        session.execute(delete(SentReminder).where(SentReminder.chat_id == chat_id,
                                                   SentReminder.status == "failed"))
    return resumed


def move_chat(session: Session, old_chat_id: int, new_chat_id: int, chat_type: ChatType = "supergroup") -> int:
    """Follow a group that Telegram migrated to a supergroup (a new chat id)."""
    moved = 0
    for record in session.scalars(select(Subscription).where(Subscription.chat_id == old_chat_id)).all():
        clash = _find(session, new_chat_id, Target(cast(TargetKind, record.target_kind), record.target),
                      (record.document,))
        if clash is not None:
            session.delete(record)
            continue
        record.chat_id, record.chat_type = new_chat_id, chat_type
        moved += 1
    # The reminder log follows too, or the next run would find the new chat id unreminded and send again.
    taken = {(r.document, r.row_id, r.due, r.days_before)
             for r in session.scalars(select(SentReminder).where(SentReminder.chat_id == new_chat_id))}
    for log in session.scalars(select(SentReminder).where(SentReminder.chat_id == old_chat_id)).all():
        if (log.document, log.row_id, log.due, log.days_before) not in taken:
            log.chat_id = new_chat_id
    session.flush()
    return moved


def target_rows(catalog: Catalog, target: Target) -> frozenset[str]:
    """The row ids a target covers in this catalog; a unit means the rows naming it (as questions do)."""
    if target.kind == "all":
        return frozenset(catalog.by_id)
    if target.kind == "row":
        return frozenset((target.value,)) if target.value in catalog.by_id else frozenset()
    if target.kind == "leader":
        return frozenset(row.id for row in rows_of_leader(catalog, target.value))
    return frozenset(unit_row.row.id for unit_row in rows_of_unit(catalog, target.value))


def chat_row_ids(catalog: Catalog, subscriptions: Iterable[SubscriptionInfo]) -> frozenset[str]:
    """Every row covered by some of a chat's active subscriptions."""
    found: set[str] = set()
    for sub in subscriptions:
        if not sub.paused:
            found |= target_rows(catalog, sub.target)
    return frozenset(found)


def active_chats(session: Session, catalog: Catalog, *, answering: bool = True) -> dict[int, ChatRows]:
    """The planner's input: every chat with an active subscription to the catalog's document (and, when it is the
    answering document, to ANSWERING), expanded to row ids.

    Built for 100,000 subscriptions: rows come straight from the DB-API cursor (SQLAlchemy's Row objects
    would cost as much as everything else here), each target is expanded once, and chats whose rows are
    equal share one frozenset, so the planner computes each distinct chat's digest lines once.
    """
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT chat_id, chat_type, target_kind, target, document FROM {Subscription.__tablename__} "
                       "WHERE paused = FALSE")
        wanted = set(documents_of(catalog.key, answering))
        records = [record[:4] for record in cursor.fetchall() if record[4] in wanted]
    finally:
        cursor.close()
    expanded: dict[tuple[str, str], frozenset[str]] = {}
    found: dict[int, frozenset[str]] = {}
    types: dict[int, ChatType] = {}
    for chat_id, stored_type, kind, value in records:
        rows = expanded.get((kind, value))
        if rows is None:
            rows = expanded[(kind, value)] = target_rows(catalog, Target(cast(TargetKind, kind), value))
        previous = found.get(chat_id)
        if previous is None:
            found[chat_id] = rows
            types[chat_id] = chats.chat_type(stored_type)
        else:
            found[chat_id] = previous | rows
    canonical: dict[frozenset[str], frozenset[str]] = {}
    return {chat_id: ChatRows(types[chat_id], canonical.setdefault(rows, rows))
            for chat_id, rows in found.items() if rows}
