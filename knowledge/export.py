"""The stored document as one JSON-ready object (CONTRACT §5): the proof that ingestion lost nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.catalog import UnknownDocument
from knowledge.models import DocumentRecord, Item, ItemUnit


def find_document(session: Session, key: str | None = None) -> DocumentRecord:
    """The document `key`, or the newest one (highest year, then latest import) when no key is given."""
    query = select(DocumentRecord).options(
        selectinload(DocumentRecord.sections),
        selectinload(DocumentRecord.items).selectinload(Item.units).selectinload(ItemUnit.unit))
    if key:
        record = session.scalars(query.where(DocumentRecord.key == key)).first()
        if record is None:
            known = "、".join(session.scalars(select(DocumentRecord.key))) or "（无）"
            raise UnknownDocument(f"没有键为“{key}”的文件；已有：{known}")
        return record
    record = session.scalars(query.order_by(DocumentRecord.year.desc(), DocumentRecord.imported_at.desc())).first()
    if record is None:
        raise UnknownDocument("数据库中还没有任何文件：请先运行 duban import PATH")
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
        },
        "sections": [{"section": s.number, "heading": s.heading, "leader": s.leader,
                      "leader_titles": list(s.leader_titles), "remark": s.remark} for s in record.sections],
        "key_tasks": [{"id": i.code, "section": i.major, "no": i.minor, "leader": i.leader, "text": i.text,
                       "units": [{"name": u.written, "lead": u.lead} for u in i.units], "note": i.note}
                      for i in key_tasks],
        "livelihood": [{"id": i.code, "project": i.major, "category": i.category, "k": i.minor, "text": i.text,
                        "leader": i.leader, "lead_units": [u.written for u in i.units]} for i in livelihood],
    }
