"""Read functions over a catalog snapshot: rows of a unit, of a leader, of a topic, by ID."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.catalog import Catalog, Role, Row
from knowledge.kinds import TableKind


@dataclass(slots=True)
class UnitRow:
    """A row as it concerns one unit: its role there, or the group it reaches the unit through."""

    row: Row
    role: Role | None


def rows_of_unit(catalog: Catalog, unit: str, role: str | None = None, kind: TableKind | None = None
                 ) -> list[UnitRow]:
    """Rows naming `unit`: all, only where it leads (`role="lead"`), or only where it does not. Where nothing in
    the document marks a lead, its responsible units are what it has for leads; where the document does mark
    leads, a row it marks none on (…分别负责) is led by none of its units."""
    shared_leads = not catalog.marks_leads
    return [UnitRow(row, part) for row, part in catalog.parts.get(unit, ())
            if (not kind or row.kind == kind) and (role is None or part.lead == (role == "lead"))
            and (role != "lead" or shared_leads or not row.shared)]


def rows_via_groups(catalog: Catalog, unit: str, kind: TableKind | None = None) -> dict[str, list[Row]]:
    """Rows addressed to groups the unit belongs to (各街镇 for a street, 全区各部门 for a department,
    各县（市、区）政府 for a county, listed or not), by group, leaving out rows that name the unit itself."""
    info = catalog.member(unit)
    if info is None or info.kind == "group":
        return {}
    seen = {r.id for r in catalog.by_unit.get(unit, ())}
    found: dict[str, list[Row]] = {}
    for group in catalog.units.values():
        # A leading group's "other members" are unknown: only groups of every such unit (or the streets
        # concerned, for a street) can be said to include this one.
        if group.kind != "group" or group.covers != info.kind or not (group.covers_all or info.kind == "street"):
            continue
        rows = [r for r in catalog.by_unit.get(group.name, ()) if r.id not in seen and (not kind or r.kind == kind)]
        seen.update(r.id for r in rows)
        if rows:
            found[group.name] = rows
    return found


def rows_of_leader(catalog: Catalog, leader: str, kind: TableKind | None = None) -> list[Row]:
    """Rows a leader leads: their section's key tasks and the livelihood lines naming them."""
    return [row for row in catalog.by_leader.get(leader, ()) if not kind or row.kind == kind]


def rows_of_category(catalog: Catalog, category: str) -> list[Row]:
    """The lines of one livelihood project (幼有所育 …)."""
    return list(catalog.by_category.get(category, ()))


def rows_with_phrase(catalog: Catalog, phrase: str, words: Sequence[str], verbatim_first: bool = False) -> list[Row]:
    """Rows containing `phrase` verbatim, and rows containing every one of `words` ("城镇新增就业" also finds
    "新增城镇就业人员"); when neither finds a row, a stray single character among the words is let go
    ("促消费" → the rows about 消费)."""
    found = {row.id for row in catalog.containing(phrase)} if phrase else set()
    if found and verbatim_first:  # a quoted phrase that occurs as written means just that
        return _ordered(catalog, found)
    found |= _having_all(catalog, words)
    longer = [w for w in words if len(w) > 1]
    if not found and longer and len(longer) < len(words):
        found = _having_all(catalog, longer)
    return _ordered(catalog, found)


def _having_all(catalog: Catalog, words: Sequence[str]) -> set[str]:
    together: set[str] | None = None
    for word in words:
        ids = {row.id for row in catalog.containing(word)}
        together = ids if together is None else together & ids
        if not together:
            return set()
    return together or set()


def _ordered(catalog: Catalog, ids: set[str]) -> list[Row]:
    return [catalog.by_id[i] for i in sorted(ids, key=catalog.positions.__getitem__)]


def rows_by_ids(catalog: Catalog, ids: Iterable[str]) -> list[Row]:
    """Rows by ID, unknown IDs skipped."""
    return [catalog.by_id[i] for i in ids if i in catalog.by_id]


def leaders_of(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Supervising leader → the rows read from, in first-seen order."""
    found: dict[str, list[Row]] = {}
    for row in rows:
        if row.leader:
            found.setdefault(row.leader, []).append(row)
    return found
