"""Carrying admin deadlines from one year's document to the next (`duban deadlines copy`).

Row IDs mean other rows in another document (K5-12 of 2024 is not K5-12 of 2023), so rows are matched
by their text: the same text, else the most similar row of the same kind when it is clearly the same
task (rapidfuzz ratio ≥ SIMILAR, and no other row as close). Dates move by the difference of the two
documents' years. What cannot be matched is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from knowledge.catalog import Catalog, Row, searchable
from knowledge.reminders.deadlines import Deadline
from knowledge.reminders.store import set_deadline, stored_deadlines

# Below this similarity two rows are different tasks; next year's wording of the same task (a new figure,
# a reordered clause) scores above it.
SIMILAR = 85.0
# A second candidate this close to the best makes the match ambiguous.
MARGIN = 3.0


@dataclass(frozen=True)
class Carried:
    """One admin deadline and where it went (target None: no matching row)."""

    deadline: Deadline
    source_text: str
    target: str | None
    due: date | None
    score: float


def match_row(row: Row, target: Catalog) -> tuple[str | None, float]:
    """The target row with the same task as `row`, and the similarity (100 for the same text)."""
    from rapidfuzz import fuzz, process

    text = searchable(row.text)
    same = [r for r in target.rows if r.kind == row.kind and searchable(r.text) == text]
    if same:
        return next((r.id for r in same if r.id == row.id), same[0].id), 100.0
    candidates = {r.id: searchable(r.text) for r in target.rows if r.kind == row.kind}
    best = process.extract(text, candidates, scorer=fuzz.ratio, limit=2)
    if not best or best[0][1] < SIMILAR or (len(best) > 1 and best[0][1] - best[1][1] < MARGIN):
        return None, best[0][1] if best else 0.0
    return best[0][2], best[0][1]


def _shift(due: date, years: int) -> date:
    try:
        return due.replace(year=due.year + years)
    except ValueError:  # 29 February in a year without one
        return due.replace(year=due.year + years, day=28)


def copy_admin_deadlines(session: Session, source: Catalog, target: Catalog, *, set_by: str,
                         now: datetime | None = None) -> list[Carried]:
    """Store each admin deadline of `source` on its matching row of `target`; the caller commits."""
    years = target.year - source.year
    carried = []
    for stored in stored_deadlines(session, source.key):
        deadline = stored.deadline
        if deadline.source != "admin" or deadline.row_id not in source.by_id:
            continue
        row = source.by_id[deadline.row_id]
        match, score = match_row(row, target)
        if match is None:
            carried.append(Carried(deadline, row.text, None, None, score))
            continue
        due = _shift(deadline.due, years)
        set_deadline(session, target.key, Deadline(match, due, deadline.milestone, "admin"), set_by=set_by,
                     now=now or datetime.now(UTC))
        carried.append(Carried(deadline, row.text, match, due, score))
    return carried
