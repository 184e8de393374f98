"""The stored document as one JSON-ready object (CONTRACT §5): the proof that ingestion lost nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.catalog import UnknownDocument
from knowledge.models import DocumentRecord, Item, ItemUnit


def find_document(session: Session, key: str | None = None) -> DocumentRecord:
    """The document `key`, or the answering one when no key is given (knowledge.documents.choose)."""
    from knowledge.documents import choose

    key = key or choose(session).key
    query = select(DocumentRecord).options(
        selectinload(DocumentRecord.sections),
        selectinload(DocumentRecord.items).selectinload(Item.units).selectinload(ItemUnit.unit))
    record = session.scalars(query.where(DocumentRecord.key == key)).first()
    if record is None:
        known = "、".join(session.scalars(select(DocumentRecord.key))) or "（无）"
        raise UnknownDocument(f"没有键为“{key}”的文件；已有：{known}")
    return record


def export_document(record: DocumentRecord) -> dict[str, Any]:
    """CONTRACT §5's object for one stored document."""
    key_tasks = [i for i in record.items if i.kind == "key_task"]
    livelihood = [i for i in record.items if i.kind == "livelihood"]
    return {
        "document": {
            "key": record.key, "title": record.title, "issuer": record.issuer, "doc_number": record.doc_number,
            "year": record.year, "issued": record.issued.isoformat() if record.issued else None,
            "printed": record.printed.isoformat() if record.printed else None,
            "addressees": record.addressees, "cc": record.cc,
            "key_tasks_title": record.key_tasks_title, "livelihood_title": record.livelihood_title,
            **({"place": record.place, "level": record.level} if record.place else {}),
        },
        "sections": [{"section": s.number, "heading": s.heading, "leader": s.leader,
                      "leader_titles": list(s.leader_titles), "remark": s.remark} for s in record.sections],
        "key_tasks": [{"id": i.code, "section": i.major, "no": i.minor, "leader": i.leader, "text": i.text,
                       "units": _units(i), "note": i.note, **_general(i)}
                      for i in key_tasks],
        "livelihood": [_livelihood(i) for i in livelihood],
    }


def _units(item: Item) -> list[dict[str, Any]]:
    # Responsible units (no lead marked in the document) are exported as lead (CONTRACT §5).
    return [{"name": u.written, "lead": u.lead} for u in item.units]


def _livelihood(item: Item) -> dict[str, Any]:
    row: dict[str, Any] = {"id": item.code, "project": item.major, "category": item.category, "k": item.minor,
                           "text": item.text, "leader": item.leader,
                           "lead_units": [u.written for u in item.units if u.lead]}
    if any(not u.lead for u in item.units):
        row["units"] = _units(item)  # the document names supporting units too
    if item.note:
        row["note"] = item.note
    return row | _general(item)


def _general(item: Item) -> dict[str, Any]:
    """The optional keys of CONTRACT §5, only where the document gives them (none for the bundled one)."""
    extra: dict[str, Any] = {}
    if item.leaders:
        extra["leaders"] = list(item.leaders)
    if item.deadline_text:
        extra["deadline"] = {"text": item.deadline_text,
                             "date": item.deadline.isoformat() if item.deadline else None}
    if item.no_text:
        extra["no_text"] = item.no_text
    if item.extra:
        extra["columns"] = dict(item.extra)
    return extra
