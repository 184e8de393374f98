"""Who owes which report, and every row's state and colour for a period: the core of /overview,
`duban report status`, the bulletin workbook, the chart and progress questions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from knowledge.catalog import Catalog, Row
from knowledge.progress.colours import COLOURS, Colour, colour_of
from knowledge.progress.language import language
from knowledge.progress.periods import DueRule, Period, PeriodKind, period_of
from knowledge.progress.settings import ProgressSettings
from knowledge.progress.store import PeriodIndex, period_index, reports_by_id


@dataclass(frozen=True, slots=True)
class Duty:
    """A row that needs reports, the units that lead it, and (if the office wants them) its supporters."""

    row: Row
    leads: tuple[str, ...]
    supporters: tuple[str, ...]


@dataclass
class Reporting:
    """An office's reporting rules for one document: periods, due dates, and who reports on what."""

    catalog: Catalog
    settings: ProgressSettings

    @cached_property
    def document_rule(self) -> DueRule | None:
        """The rule the document states itself ("每季度末月20日前将完成情况报…"), if any."""
        lang = language()
        texts = [self.catalog.facts.reporting, self.catalog.title, *(s.heading + s.remark for s in self.catalog.sections),
                 *(f"{r.text}{r.note}" for r in self.catalog.rows)]
        return next((rule for text in texts if (rule := lang.find_rule(text)) is not None), None)

    @cached_property
    def rule(self) -> DueRule:
        """The document's rule where it states one, else the configured one, else the default for the period."""
        if self.document_rule is not None:
            return self.document_rule
        lang = language()
        if self.settings.due_rule and (rule := lang.find_rule(self.settings.due_rule)) is not None:
            return rule
        return lang.default_rule(self.settings.period)

    @property
    def kind(self) -> PeriodKind:
        return self.rule.period

    def rule_for(self, period: Period) -> DueRule:
        return self.rule if period.kind == self.rule.period else language().default_rule(period.kind)

    def due(self, period: Period) -> date:
        return self.rule_for(period).due(period)

    def closes(self, period: Period) -> date:
        """The last day a unit may send or edit the period's reports in the chat."""
        return max(period.end, self.due(period)) + timedelta(days=self.settings.close_days_after)

    def period_at(self, day: date) -> Period:
        """The period a unit reports on at `day`: the current one, or the last one while it is still open."""
        current = period_of(day, self.kind)
        previous = current.previous()
        return previous if day <= self.closes(previous) and day > previous.end else current

    @cached_property
    def duties(self) -> list[Duty]:
        """Every row with at least one unit (not a group addressee) to report on it, in document order."""
        duties = []
        for row in self.catalog.rows:
            leads = tuple(dict.fromkeys(r.unit for r in row.roles if r.lead and not r.group))
            others = tuple(dict.fromkeys(r.unit for r in row.roles if not r.lead and not r.group
                                         and r.unit not in leads))
            if not leads and others:  # a row naming no lead: every named unit is responsible
                leads, others = others, ()
            if leads:
                duties.append(Duty(row, leads, others if self.settings.include_supporting else ()))
        return duties

    @cached_property
    def duties_of(self) -> dict[str, list[tuple[Duty, bool]]]:
        """unit → (duty, whether it leads) for every row it must report on."""
        result: defaultdict[str, list[tuple[Duty, bool]]] = defaultdict(list)
        for duty in self.duties:
            for unit in duty.leads:
                result[unit].append((duty, True))
            for unit in duty.supporters:
                result[unit].append((duty, False))
        return dict(result)

    @cached_property
    def _rows_of(self) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
        """unit → (ids of the rows it reports on, in document order; those among them it leads)."""
        return {unit: (tuple(d.row.id for d, _ in duties), frozenset(d.row.id for d, lead in duties if lead))
                for unit, duties in self.duties_of.items()}

    @cached_property
    def _place(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(row id, unit) → (the row's position, the unit's among the row's leads then supporters)."""
        return {(d.row.id, unit): (n, k) for n, d in enumerate(self.duties)
                for k, unit in enumerate((*d.leads, *d.supporters))}

    def missing(self, index: PeriodIndex, lead_done: set[str]) -> dict[str, list[str]]:
        """unit → the rows it still owes, in document order; units in the order of their first missing row
        (a row's leads before its supporters). A row led by several units is owed by none once one reported.

        One list comprehension per unit against the unit's reported rows: 35,000 (row, unit) duties at 200
        units cost a few milliseconds.
        """
        owed: dict[str, list[str]] = {}
        for unit, (ids, leads) in self._rows_of.items():
            got = index.rows.get(unit, {})
            excused = leads & lead_done
            if rows := [r for r in ids if r not in got and r not in excused]:
                owed[unit] = rows
        place = self._place
        return dict(sorted(owed.items(), key=lambda item: place[(item[1][0], item[0])]))


@dataclass(frozen=True, slots=True)
class RowState:
    """A row's state in a period: the latest report of its lead units, and its colour."""

    duty: Duty
    status: str | None
    percent: int | None
    text: str
    unit: str  # who reported ("" when nobody has)
    reported_at: datetime | None
    colour: Colour

    @property
    def row(self) -> Row:
        return self.duty.row


@dataclass
class PeriodStatus:
    """Everything the office sees for one period as of one instant."""

    period: Period
    due: date
    as_of: datetime
    rule: DueRule
    rows: list[RowState]
    missing: dict[str, list[str]]  # unit → row ids it still owes, units in first-duty order
    # (row id, unit) → (status, percent, text, reported_at) of every report, supporters' included.
    reports: dict[tuple[str, str], tuple[str, int | None, str, datetime]] = field(default_factory=dict)

    @cached_property
    def _by_id(self) -> dict[str, Row]:
        return {s.row.id: s.row for s in self.rows}

    def row(self, row_id: str) -> Row:
        return self._by_id[row_id]

    def counts(self, rows: list[RowState] | None = None) -> dict[Colour, int]:
        tally = Counter(r.colour for r in (self.rows if rows is None else rows))
        return {c: tally.get(c, 0) for c in COLOURS}

    def by_leader(self) -> dict[str, list[RowState]]:
        grouped: defaultdict[str, list[RowState]] = defaultdict(list)
        for state in self.rows:
            grouped[state.row.leader or "（未列领导）"].append(state)
        return dict(grouped)

    def by_unit(self) -> dict[str, list[RowState]]:
        """Lead unit → its rows (a row led by two units is under both)."""
        grouped: defaultdict[str, list[RowState]] = defaultdict(list)
        for state in self.rows:
            for unit in state.duty.leads:
                grouped[unit].append(state)
        return dict(grouped)

    def reds_first(self) -> list[RowState]:
        order = {c: n for n, c in enumerate(COLOURS)}
        return sorted(self.rows, key=lambda s: order[s.colour])  # stable: document order within a colour

    def json(self) -> dict[str, Any]:
        """CONTRACT §8's `duban report status --json` object."""
        return {"period": str(self.period), "due": self.due.isoformat(),
                "rows": [{"id": s.row.id, "units": list(s.duty.leads), "status": s.status, "percent": s.percent,
                          "colour": s.colour, "reported_at": s.reported_at.isoformat() if s.reported_at else None}
                         for s in self.rows],
                "missing": [{"unit": unit, "rows": rows} for unit, rows in self.missing.items()]}


def _row_deadlines(session: Session, catalog: Catalog, configured_default: object) -> dict[str, list[date]]:
    from knowledge.reminders.store import effective

    return {row_id: sorted(d.due for d in items) for row_id, items in effective(session, catalog,
                                                                                configured_default).items()}


def _deadline_for(dues: list[date], today: date) -> date | None:
    """The nearest deadline not yet passed, else the last one (which then makes the row overdue)."""
    upcoming = [d for d in dues if d >= today]
    return upcoming[0] if upcoming else (dues[-1] if dues else None)


def period_status(session: Session, reporting: Reporting, period: Period, as_of: datetime, *,
                  configured_default: object = None, detail_units: Iterable[str] = ()) -> PeriodStatus:
    """Every row's state and colour for `period` as of `as_of`, and the units that still owe reports.

    `reports` holds the lead units' reports, plus every report of `detail_units` (a unit's /report).
    Two aggregate queries (this period's reports, and the previous period's 滞后 ones, grouped by unit)
    say who reported what; the texts are read by id only for the reports shown.
    """
    catalog, settings = reporting.catalog, reporting.settings
    today = as_of.date()
    due = reporting.due(period)
    index = period_index(session, catalog.key, str(period), as_of)
    wanted = [found for d in reporting.duties for u in d.leads if (found := index.id(d.row.id, u)) is not None]
    wanted += [int(found) for u in set(detail_units) for found in index.rows.get(u, {}).values()]
    current: dict[tuple[str, str], tuple[str, int | None, str, datetime]] = {}
    for r_id, r_unit, r_status, r_percent, r_text, r_at in reports_by_id(session, wanted):
        # SQLite returns naive datetimes (stored in the office's zone), PostgreSQL the session's zone.
        r_at = r_at.replace(tzinfo=as_of.tzinfo) if r_at.tzinfo is None else r_at.astimezone(as_of.tzinfo)
        current[(r_id, r_unit)] = (r_status, r_percent, r_text, r_at)
    deadlines = _row_deadlines(session, catalog, configured_default)
    lagging = period_index(session, catalog.key, str(period.previous()), as_of, status="滞后")
    rows: list[RowState] = []
    lead_done: set[str] = set()
    for duty in reporting.duties:
        row_id = duty.row.id
        lead_reports = [(current[(row_id, u)], u) for u in duty.leads if (row_id, u) in current]
        status: str | None = None
        percent: int | None = None
        reported_at: datetime | None = None
        text = unit = ""
        if lead_reports:
            (status, percent, text, reported_at), unit = max(lead_reports, key=lambda r: r[0][3])
            lead_done.add(row_id)
        colour = colour_of(status, lagging_before=any(lagging.has(row_id, lead) for lead in duty.leads),
                           deadline=_deadline_for(deadlines.get(row_id, []), today), report_due=due,
                           today=today, yellow_days=settings.yellow_days)
        rows.append(RowState(duty, status, percent, text, unit, reported_at, colour))
    missing = reporting.missing(index, lead_done)
    return PeriodStatus(period, due, as_of, reporting.rule_for(period), rows, missing, current)

