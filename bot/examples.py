"""The example questions shown with /start, /help, a greeting and a question the document cannot answer, fitted
to the answering document: the written ones (bot/messages.py) where that document answers every one of them,
else questions made from the document itself — its busiest unit, a task, its busiest leader, a street — each
kept only when the document answers it. Never another document's units, leaders or tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import messages as msg
from bot.answer import Answer, answer, scope_name, tables_named
from bot.wording import leader_words
from knowledge.catalog import Catalog, Row

if TYPE_CHECKING:
    from bot.pipeline import Duban

COUNT = len(msg.EXAMPLES)
# Answers that answer nothing of the document: an example must not lead to one.
_EMPTY = frozenset({"none", "help", "unknown_unit", "other_place", "other_year", "ambiguous"})
_CLAUSE = re.compile(r"[，。；：、,;:（）()]")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
ROWS_TRIED = 12  # rows looked at for a task to ask about: the first few that name one thing do


def fitted(duban: Duban) -> tuple[str, ...]:
    """The written examples when the document answers each; else up to COUNT made from the document."""
    if duban.written_examples:
        return msg.EXAMPLES
    made = [q for q in dict.fromkeys(_candidates(duban)) if answers(duban, q)]
    return tuple(made[:COUNT])


def written_fit(duban: Duban) -> bool:
    return all(answers(duban, question) for question in msg.EXAMPLES)


def answers(duban: Duban, question: str) -> bool:
    """The document answers `question` with rows of its own."""
    result = answer(duban.parse(question), duban.catalog)
    return result.intent not in _EMPTY and bool(result.rows)


def intro(examples: tuple[str, ...]) -> list[str]:
    """"您可以这样问：" and one line per example."""
    return [msg.EXAMPLES_HEAD, *(msg.EXAMPLE_LINE.format(question=q) for q in examples)]


def with_examples(result: Answer, duban: Duban) -> Answer:
    """An answer that shows examples shows the answering document's."""
    if result.shows_examples:
        result.facts = intro(duban.examples)
    return result


def _candidates(duban: Duban) -> list[str]:
    catalog = duban.catalog
    scope = scope_name(catalog, None)
    units = _busiest([(u, rows) for u, rows in catalog.by_unit.items() if _plain(catalog, u)])
    leaders = _busiest(list(catalog.by_leader.items()))
    streets = _busiest([(u, rows) for u, rows in catalog.by_unit.items() if catalog.units.get(u) is not None
                        and catalog.units[u].kind == "street"])
    found: list[str] = []
    if units:
        found.append(msg.EXAMPLE_UNIT.format(unit=units[0], scope=scope))
    found += _tasks(duban)
    if leaders:
        found.append(msg.EXAMPLE_LEADER.format(leader=leaders[0]))
    if streets:
        found.append(msg.EXAMPLE_STREET.format(street=streets[0]))
    found += [msg.EXAMPLE_LEAD.format(unit=unit) for unit in units[1:3]]
    found += [msg.EXAMPLE_COUNT.format(unit=unit) for unit in units[3:4]]
    return found


def _plain(catalog: Catalog, unit: str) -> bool:
    info = catalog.units.get(unit)
    return info is not None and info.kind == "department"


def _busiest(named: list[tuple[str, list[Row]]]) -> list[str]:
    """Names by their number of rows, most first, document order among equals."""
    return [name for name, _ in sorted(named, key=lambda pair: -len(pair[1]))]


def _tasks(duban: Duban) -> list[str]:
    """"湿地公园谁负责": for the first rows (one unit leading first), a few words of the task that only that
    row writes, asking who leads it (负责 where the document marks no lead)."""
    catalog = duban.catalog
    rows = sorted(catalog.rows[:ROWS_TRIED], key=lambda r: len(r.lead_units) != 1)
    found = []
    for row in rows:
        topic = _topic(duban, row)
        if topic:
            found.append((msg.EXAMPLE_WHO_SHARED if row.shared else msg.EXAMPLE_WHO).format(topic=topic))
        if len(found) == 2:
            break
    return found


def _topic(duban: Duban, row: Row) -> str:
    """Words of the row's first clause that no other row writes: the longest word the question parser cuts
    from it (three characters or more), else the last four characters of the clause (Chinese tasks end in
    their object: 新建2座人行天桥 → 人行天桥)."""
    catalog = duban.catalog
    clause = next((c for c in _CLAUSE.split(row.text) if _CJK.search(c)), "")
    only_here = [w for _, words in duban.parse(clause).phrases for w in words
                 if len(w) >= 3 and _CJK.fullmatch(w) and [r.id for r in catalog.containing(w)] == [row.id]]
    if only_here:
        return max(reversed(only_here), key=len)
    runs = _CJK.findall(clause)
    tail = runs[-1][-4:] if runs else ""
    return tail if len(tail) == 4 and [r.id for r in catalog.containing(tail)] == [row.id] else ""


@dataclass(frozen=True, slots=True)
class CommandSamples:
    """What /ask, /unit, /leader and /item are shown with for a document the written examples are not for."""

    ask: str
    unit: str
    leader: str
    item: str


def command_samples(duban: Duban) -> CommandSamples | None:
    """The document's own: its first example, busiest unit and leader, first row; None for the bundled one."""
    if duban.written_examples:
        return None
    catalog = duban.catalog
    units = _busiest([(u, rows) for u, rows in catalog.by_unit.items() if _plain(catalog, u)])
    leaders = _busiest(list(catalog.by_leader.items()))
    return CommandSamples(duban.examples[0] if duban.examples else "", units[0] if units else "",
                          leaders[0] if leaders else "", catalog.rows[0].label if catalog.rows else "")


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the help, command and reminder texts name for the chat's document: its leaders (县领导 …), its tables
    (重点工作和为民办实事), and an example row number, unit, leader and question of its own — the written ones
    (bot/messages.py WRITTEN_CHROME) for the bundled document, never another document's."""

    leader: str
    tables: str
    item: str
    items: tuple[str, ...]
    unit: str
    person: str
    question: str
    written: bool


def chrome(duban: Duban) -> Chrome:
    """The chat's document's Chrome."""
    leader, tables = leader_words(duban.catalog.wording).noun, tables_named(duban.catalog)
    samples = command_samples(duban)
    if samples is None:
        w = msg.WRITTEN_CHROME
        return Chrome(leader, tables, msg.WRITTEN_ITEMS[0], msg.WRITTEN_ITEMS, w["unit"], w["person"], w["question"],
                      written=True)
    none = msg.CHROME_NONE
    item = samples.item or none["item"]
    return Chrome(leader, tables, item, (item,), samples.unit or none["unit"], samples.leader or none["person"],
                  samples.ask or none["question"], written=False)
