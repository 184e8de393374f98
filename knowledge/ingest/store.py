"""Writes a normalized document into the database, replacing any earlier import of the same key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.ingest.document import Document, RowDetails, UnitMention
from knowledge.models import DocumentRecord, Item, ItemUnit, Meta, SectionRecord, Unit, UnitAlias
from knowledge.vocabulary import Vocabulary, spelling


@dataclass(frozen=True)
class Whereabouts:
    """Where the import read the document is from, and the operator's place file for it: kept with the
    document (meta facts), so its catalog derives the same place words and spellings on every instance."""

    place: str = ""
    overrides: str = ""


def store_document(session: Session, document: Document, vocabulary: Vocabulary, fingerprint: str,
                   where: Whereabouts | None = None) -> DocumentRecord:
    """Replace the stored document `document.key`; the caller owns the transaction."""
    mentions = [u for task in document.key_tasks for u in task.units]
    mentions += [u for item in document.livelihood for u in item.units or ()]
    written = [u.name for u in mentions] + [name for item in document.livelihood for name in item.lead_units]
    # A name a level prefix on the list's first unit qualifies (市发改委、统计局) is the qualified body; the bare
    # name alone is then no body of its own (a rowless 统计局 beside 市统计局 would take the questions' 统计局).
    qualified = {u.name: vocabulary.resolve(u.qualified).name for u in mentions if u.qualified}
    canonical = {name: vocabulary.resolve(name).name for name in written if name not in qualified}
    vocabulary.finish()
    units = sync_units(session, vocabulary)

    session.execute(delete(DocumentRecord).where(DocumentRecord.key == document.key))
    session.flush()
    record = DocumentRecord(
        key=document.key, title=document.title, issuer=document.issuer, doc_number=document.doc_number,
        year=document.year, issued=document.issued, printed=document.printed, addressees=document.addressees,
        cc=document.cc, key_tasks_title=document.key_tasks_title, livelihood_title=document.livelihood_title,
        source_name=document.source_name, source_sha256=fingerprint, imported_at=datetime.now(UTC),
        place=document.place, level=document.level, lead_marked=document.lead_marked, layout=layout_of(document))
    record.sections = [
        SectionRecord(number=s.number, heading=s.heading, leader=s.leader, leader_titles=list(s.leader_titles),
                      remark=s.remark) for s in document.sections]
    items: list[Item] = []
    leaders = {s.number: s.leader for s in document.sections}
    def unit_of(mention: UnitMention) -> Unit:
        return units[qualified.get(mention.name) or canonical[mention.name]]

    for task in document.key_tasks:
        leader = task.details.leaders[0] if task.details.leaders else leaders.get(task.section, "")
        item = Item(code=task.code, kind="key_task", major=task.section, minor=task.no, position=len(items),
                    text=task.text, note=task.note, leader=leader, line=task.line, category=task.category,
                    **_details(task.details))
        item.units = [ItemUnit(unit=unit_of(u), position=i, written=u.name, lead=u.lead,
                               starred=u.starred, role=u.part) for i, u in enumerate(task.units)]
        items.append(item)
    for line in document.livelihood:
        item = Item(code=line.code, kind="livelihood", major=line.project, minor=line.k, position=len(items),
                    text=line.text, category=line.category, leader=line.leader, line=line.line, note=line.note,
                    **_details(line.details))
        mentions = line.units if line.units is not None else [UnitMention(n, True) for n in line.lead_units]
        item.units = [ItemUnit(unit=unit_of(u), position=i, written=u.name, lead=u.lead, starred=u.starred,
                               role=u.part) for i, u in enumerate(mentions)]
        items.append(item)
    record.items = items
    session.add(record)
    if document.meeting:
        # The adopting meeting has no documents column (yesterday's databases must still import): a meta fact.
        session.flush()
        session.merge(Meta(key=meeting_key(record.id), value=document.meeting))
    if document.reporting:  # as the meeting: a meta fact, read by progress reporting for its due rule
        session.flush()
        session.merge(Meta(key=reporting_key(record.id), value=document.reporting))
    session.flush()
    for key, value in ((place_key(record.id), where.place if where else ""),
                       (overrides_key(record.id), where.overrides if where else "")):
        # As the meeting: no documents column, so yesterday's databases still import. A re-import may get the
        # replaced record's id: a fact it does not have must not survive from the replaced one.
        if value:
            session.merge(Meta(key=key, value=value))
        else:
            session.execute(delete(Meta).where(Meta.key == key))
    bump_revision(session)
    session.flush()
    return record


def _details(details: RowDetails) -> dict[str, Any]:
    return {"no_text": details.no_text, "leaders": list(details.leaders), "deadline_text": details.deadline,
            "deadline": details.deadline_date, "extra": dict(details.extra)}


def layout_of(document: Document) -> dict[str, Any]:
    """What the reader understood, kept with the document (`duban docs`, answers that fit the document)."""
    return {"reading": document.reading,
            "tables": [{"kind": t.kind, "title": t.title, "layout": t.layout, "why": t.why, "rows": t.rows,
                        "columns": [list(c) for c in t.columns]} for t in document.tables],
            "warnings": [{"line": w.line, "message": w.message} for w in document.warnings]}


def sync_units(session: Session, vocabulary: Vocabulary) -> dict[str, Unit]:
    """Make the units table match the vocabulary: same names, kinds, groups and spellings."""
    existing = {u.name: u for u in session.scalars(select(Unit))}
    taken = {a.alias: a for a in session.scalars(select(UnitAlias))}
    wanted_aliases: dict[str, str] = {}
    for entry in vocabulary.entries.values():
        for alias in entry.aliases:
            if spelling(alias) != spelling(entry.name):
                wanted_aliases[alias] = entry.name
    # Aliases that moved to another unit go first, so the unique index never sees two owners. Aliases the
    # vocabulary no longer mentions stay: they may belong to another document's units.
    for alias, row in taken.items():
        owner = wanted_aliases.get(alias)
        if owner is not None and owner != row.unit.name:
            session.delete(row)
    session.flush()
    for entry in vocabulary.entries.values():
        unit = existing.get(entry.name)
        if unit is None:
            unit = existing[entry.name] = Unit(name=entry.name, kind=entry.kind)
            session.add(unit)
        unit.kind = entry.kind
        unit.covers = entry.group.covers if entry.group else ""
        unit.covers_all = entry.group.all if entry.group else False
        unit.explain = entry.group.explain if entry.group else ""
    session.flush()
    kept = {alias for alias, row in taken.items() if wanted_aliases.get(alias) in (None, row.unit.name)}
    session.add_all(UnitAlias(unit=existing[owner], alias=alias)
                    for alias, owner in wanted_aliases.items() if alias not in kept)
    session.flush()
    return existing


def reporting_key(document_id: int) -> str:
    """The meta key of a stored document's sentences on reporting progress."""
    return f"reporting:{document_id}"


def place_key(document_id: int) -> str:
    """The meta key of where a stored document's import read it is from."""
    return f"place:{document_id}"


def overrides_key(document_id: int) -> str:
    """The meta key of the operator's place file a stored document was imported with."""
    return f"overrides:{document_id}"


def meeting_key(document_id: int) -> str:
    """The meta key of a stored document's adopting meeting."""
    return f"meeting:{document_id}"


def bump_revision(session: Session) -> None:
    """Count imports, so cached snapshots of the knowledge base know they are stale."""
    meta = session.get(Meta, "revision")
    if meta is None:
        session.add(Meta(key="revision", value="1"))
    else:
        meta.value = str(int(meta.value) + 1)
