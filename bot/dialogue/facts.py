"""Answers read across rows: who supports, who leads, which leader; yes/no; counts, rankings and tables."""

from __future__ import annotations

import re
from collections import Counter

from bot.answer import Answer
from bot.dialogue import messages as m
from bot.dialogue.structure import make
from bot.wording import leader_words
from knowledge.catalog import Catalog, Row, Wording
from knowledge.queries import leaders_of, rows_via_groups

_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_CLAUSE = re.compile(r"[，。；,;]")


def labels(rows: list[Row]) -> str:
    return "、".join(r.label for r in rows)


def support_units(row: Row) -> list[str]:
    """Supporting units as the row writes them (区委宣传部（区网信办）, not the canonical 区委宣传部 alone)."""
    return [_written(r.written) for r in row.roles if not r.lead]


def _addressees(row: Row) -> str:
    """Who a row without a lead unit is written to (十一-5: 区政府直属各单位、各街镇), or 无."""
    named = [_written(r.written) for r in row.roles]
    return m.NO_LEAD_ADDRESSED.format(units="、".join(named)) if named else m.SUPPORT_NONE


def _written(name: str) -> str:
    return name.replace("(", "（").replace(")", "）").lstrip("*")


def supporting(question: str, rows: list[Row], what: str, every_unit: bool) -> Answer:
    """Each row's lead and supporting units ("五-12：牵头 区民政局；配合 区卫生健康局、各街镇")."""
    facts = []
    for row in rows:
        if every_unit:
            facts.append(m.ALL_UNITS_ROW.format(label=row.label, units="、".join(
                _written(r.written) + ("（牵头）" if r.lead and not row.shared else "") for r in row.roles)
                or m.SUPPORT_NONE))
        elif row.shared:  # the document marks no lead on this row: its units are responsible together
            facts.append(m.SHARED_ROW.format(label=row.label, units="、".join(_written(r.written) for r in row.roles)))
        elif not row.lead_units:
            facts.append(m.ROW_LEADS.format(label=row.label, leads=_addressees(row)))
        else:
            facts.append(m.SUPPORT_ROW.format(label=row.label, leads="、".join(row.lead_units),
                                              support="、".join(support_units(row)) or m.SUPPORT_NONE))
    template = m.UNITS_OF if every_unit else m.SUPPORT_OF
    return make(question, "supporting", template.format(what=what, n=len(rows)), rows, facts)


def helpers_of(question: str, catalog: Catalog, unit: str, kind: str | None) -> Answer:
    """"哪些单位配合民政局": the units beside it in the rows it leads, with how often."""
    rows = [row for row, part in catalog.parts.get(unit, ()) if part.lead and (not kind or row.kind == kind)]
    counts = Counter(u for row in rows for u in support_units(row))
    units = "、".join(f"{name}（{n} 项）" for name, n in counts.most_common()) or m.SUPPORT_NONE
    facts = [m.SUPPORT_ROW.format(label=r.label, leads="、".join(r.lead_units),
                                  support="、".join(support_units(r)) or m.SUPPORT_NONE) for r in rows]
    return make(question, "supporting", m.HELPERS.format(unit=unit, n=len(rows), units=units), rows, facts)


def leaders_of_rows(question: str, rows: list[Row]) -> Answer:
    found = leaders_of(rows)
    supervising = leader_words(rows[0].wording if rows else Wording()).supervising
    leaders = "、".join(f"{name}（{len(r)} 项）" if len(found) > 1 else name for name, r in found.items())
    facts = [m.ROW_LEADER.format(label=r.label, leader=r.leader or m.SUPPORT_NONE) for r in rows] if len(rows) > 1 else []
    return make(question, "topic_leader", m.LEADERS_OF_ROWS.format(leaders=leaders or m.SUPPORT_NONE, n=len(rows),
                                                                     supervising=supervising),
                rows, facts)


def leads_of_rows(question: str, rows: list[Row]) -> Answer:
    facts = [m.ROW_LEADS.format(label=r.label, leads="、".join(r.lead_units) or _addressees(r)) for r in rows]
    return make(question, "topic_units", m.LEADS_OF_ROWS.format(n=len(rows)), rows, facts)


# --- yes/no -------------------------------------------------------------------------------------------


def unit_decides(question: str, catalog: Catalog, unit: str, rows: list[Row], what: str, lead_asked: bool,
                 support_asked: bool = False, verdict: bool = True) -> Answer:
    """Is `unit` the lead (with 牵头), a supporting unit (with 配合), or among the units of these rows?
    是/不是 first (unless no `verdict` was asked for: "那街道呢" asks the part, not yes or no), then who is.
    Rows addressed to a group the unit belongs to (各街镇 for a street) concern it as its own supporting rows do."""
    found = _unit_decides(question, catalog, unit, rows, what, lead_asked, support_asked)
    if not verdict:
        found.headline = found.headline.removeprefix(m.NO).removeprefix(m.YES)
    return found


def _unit_decides(question: str, catalog: Catalog, unit: str, rows: list[Row], what: str, lead_asked: bool,
                  support_asked: bool) -> Answer:
    parts = [r.role_of(unit) for r in rows]
    matched = [r for r, p in zip(rows, parts, strict=True)
               if p is not None and (p.lead if lead_asked else not p.lead if support_asked else True)]
    if matched:
        role = "牵头" if any(p is not None and p.lead for p in parts) else "配合"
        return make(question, "yesno", m.YES_UNIT.format(unit=unit, what=what, role=role, labels=labels(matched)),
                    matched)
    asked = {r.id for r in rows}
    via = {group: kept for group, found in rows_via_groups(catalog, unit).items()
           if (kept := [r for r in found if r.id in asked])}
    groups = "、".join(f"{g}（{catalog.units[g].explain}）" if catalog.units[g].explain else g for g in via)
    if via and not lead_asked:
        reached = [r for found in via.values() for r in found]
        return make(question, "yesno", m.YES_VIA_GROUP.format(unit=unit, what=what, groups=groups,
                                                             labels=labels(reached)), reached)
    present = [p for p in parts if p is not None]
    if present:
        part = m.UNIT_PART.format(unit=unit, role="牵头" if any(p.lead for p in present) else "配合")
    else:
        part = m.UNIT_VIA_GROUP.format(unit=unit, groups=groups) if via else m.UNIT_ABSENT.format(unit=unit)
    leads = "、".join(dict.fromkeys(u for r in rows for u in r.lead_units))
    if not leads:
        return make(question, "yesno", m.NO_UNIT_UNLED.format(what=what, labels=labels(rows), part=part), rows)
    return make(question, "yesno", m.NO_UNIT.format(what=what, leads=leads, labels=labels(rows), part=part), rows)


def count_decides(question: str, catalog: Catalog, unit: str, asked: int, lead_asked: bool) -> Answer:
    """"X是不是只负责一条": 是/不是 by the number of rows the unit is named in (or leads), and the rows."""
    rows = [row for row, part in catalog.parts.get(unit, ()) if part.lead or not lead_asked]
    rows = list(dict.fromkeys(rows))
    template = m.YES_COUNT if len(rows) == asked else m.NO_COUNT
    return make(question, "yesno", template.format(unit=unit, role="牵头" if lead_asked else "负责", n=len(rows),
                                                   labels=labels(rows)), rows)


def leader_decides(question: str, leader: str, rows: list[Row], what: str) -> Answer:
    found = leaders_of(rows)
    if leader in found:
        mine = found[leader]
        return make(question, "yesno", m.YES_LEADER.format(what=what, leader=leader, labels=labels(mine)), mine)
    names = "、".join(found) or m.SUPPORT_NONE
    return make(question, "yesno", m.NO_LEADER.format(what=what, leaders=names, labels=labels(rows)), rows)


def leader_oversees(question: str, catalog: Catalog, leader: str, unit: str) -> Answer:
    """"伍国军分管民政局吗": whether the unit's lead rows sit under that leader."""
    rows = [row for row, part in catalog.parts.get(unit, ()) if part.lead] or list(catalog.by_unit.get(unit, ()))
    found = leaders_of(rows)
    if leader in found:
        mine = found[leader]
        return make(question, "yesno", m.YES_OVERSEE.format(unit=unit, n=len(mine), leader=leader), mine)
    names = "、".join(f"{name}（{len(r)} 项）" for name, r in found.items()) or m.SUPPORT_NONE
    return make(question, "yesno", m.NO_OVERSEE.format(unit=unit, leaders=names), rows)


def title_decides(question: str, wording: Wording, leader: str, titles: tuple[str, ...], asked: str,
                  remark: str) -> Answer:
    shown = "、".join(titles) or leader_words(wording).noun
    if remark and asked in remark:
        return make(question, "yesno", m.YES + f"{leader}：{remark}")
    yes = asked in titles
    template = m.YES_TITLE if yes else m.NO_TITLE
    return make(question, "yesno", template.format(leader=leader, titles=shown))


def figure_decides(question: str, rows: list[Row], figure: str, words: list[str]) -> Answer | None:
    """"老年食堂是新建100家吗": the clause of each row that states the topic's figure, compared."""
    stated: list[tuple[Row, str]] = []
    for row in rows:
        clauses = ["".join(c.split()) for c in _CLAUSE.split(row.text)]
        scored = [(sum(w in c for w in words), c) for c in clauses if _NUMBER.search(c)]
        best = max((s for s, _ in scored), default=0)
        stated += [(row, c) for s, c in scored if s == best and s > 0]
    if not stated:
        return None
    yes = [(r, c) for r, c in stated if figure in _NUMBER.findall(c) or figure.rstrip("%") in
           [n.rstrip("%") for n in _NUMBER.findall(c)]]
    row, clause = (yes or stated)[0]
    template = m.YES_FIGURE if yes else m.NO_FIGURE
    deciding = list(dict.fromkeys(r for r, _ in stated))
    return make(question, "yesno", template.format(label=row.label, clause=clause), deciding,
                [f"{r.label}：{c}" for r, c in stated[1:]])


def figures_of(question: str, rows: list[Row]) -> Answer:
    """"分别要完成多少": each row's clauses that state a figure (the whole text when none does)."""
    facts = []
    for row in rows:
        clauses = ["".join(c.split()) for c in _CLAUSE.split(row.text) if _NUMBER.search(c)]
        facts.append(m.ROW_FIGURES.format(label=row.label, figures="；".join(clauses) or m.NO_FIGURE_STATED))
    return make(question, "keyword", m.FIGURES_OF.format(n=len(rows)), rows, facts)


# --- statistics -------------------------------------------------------------------------------------


def unit_counts(catalog: Catalog, lead_only: bool, kind: str | None, support_only: bool = False,
                rows: list[Row] | None = None) -> Counter[str]:
    """Rows per unit (among `rows`, else the whole document): those it leads (`lead_only`), those it is named
    in without leading (`support_only`), or every row it is named in."""
    counts: Counter[str] = Counter()
    for row in catalog.rows if rows is None else rows:
        if kind and row.kind != kind:
            continue
        leads = {r.unit for r in row.roles if r.lead}
        for role in {r.unit: r for r in row.roles}.values():
            if role.group or (lead_only and not role.lead) or (support_only and role.unit in leads):
                continue
            counts[role.unit] += 1
    return counts


def leader_counts(catalog: Catalog, kind: str | None) -> Counter[str]:
    counts: Counter[str] = Counter({name: 0 for name in catalog.leader_titles})
    for row in catalog.rows:
        if row.leader and (not kind or row.kind == kind):
            counts[row.leader] += 1
    return counts


def table(counts: Counter[str] | dict[str, int], limit: int | None = None) -> list[str]:
    ordered = sorted(counts.items(), key=lambda pair: -pair[1])[:limit]
    return [m.COUNTED.format(name=name, n=n) for name, n in ordered]
