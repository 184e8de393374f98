"""Questions that use progress ("民政局的老年食堂进展怎么样", "哪些工作滞后了", "伍国军分管的工作有几项是红灯",
"哪些单位还没报"), read and answered in the question pipeline (bot/pipeline.py): cue phrases from
knowledge/data/progress.toml pick the shape, the ordinary parser reads the names and topic with the cue
phrases taken out, and the result is a Query (intent "progress") answered as an Answer that every
renderer (Telegram, console, `duban ask --json`) shows like any other.

Priorities, in order: 没报 (units not reported) > a colour or a status asked for > 进展 of named rows.
A cue phrase that the document itself uses (a topic such as 预警 in some notices) is not read as a cue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.answer import Answer, AnswerRow, Block
from bot.progress import messages as pm
from knowledge.catalog import Catalog
from knowledge.progress.colours import COLOUR_NAMES, Colour
from knowledge.progress.language import language

if TYPE_CHECKING:  # the status types need SQLAlchemy, which a plain question never imports
    from bot.nlu.query import Query
    from bot.pipeline import Duban
    from knowledge.progress.status import PeriodStatus, RowState

Shape = Literal["missing", "filter", "rows"]
_COLOUR_CUES: tuple[tuple[str, Colour], ...] = (("red", "red"), ("yellow", "yellow"), ("green", "green"))
_STATUS_CUES = (("cannot", "无法完成"), ("lagging", "滞后"), ("done", "已完成"))


@dataclass(frozen=True, slots=True)
class ProgressAsk:
    """What a progress question asks, beyond the names and rows of its Query."""

    shape: Shape
    colour: Colour | None = None
    status: str | None = None
    count: bool = False
    rows: tuple[str, ...] | None = None  # rows the topic named; None: no topic (all rows in scope)


_TEXTS: dict[int, tuple[Catalog, str]] = {}  # id → (catalog, its text): catalogs are not hashable


def _document_text(catalog: Catalog) -> str:
    """The document's own words, read once per catalog (a cue it uses is a topic, not a cue)."""
    found = _TEXTS.get(id(catalog))
    if found is None or found[0] is not catalog:
        if len(_TEXTS) > 8:  # a process holds one or two catalogs; keep no stale ones alive
            _TEXTS.clear()
        found = _TEXTS[id(catalog)] = (catalog, "\n".join([catalog.title, *(f"{r.text}{r.note}" for r in catalog.rows)]))
    return found[1]


def read_question(duban: Duban, text: str) -> Query | None:
    """A Query of intent "progress" (its `progress` says the shape) when the text asks about progress,
    else None (an ordinary question)."""
    lang = language()
    document = _document_text(duban.catalog)
    found = {name: [cue for cue in lang.found(name, text) if cue not in document] for name in lang.cues}
    shape: Shape | None = None
    colour: Colour | None = None
    status: str | None = None
    if found.get("missing"):
        shape = "missing"
    else:
        for name, hue in _COLOUR_CUES:
            if found.get(name):
                shape, colour = "filter", hue
                break
        for name, word in _STATUS_CUES:
            if shape is None and found.get(name) and not found.get("progress"):
                shape, status = "filter", word
        if shape is None and found.get("progress"):
            shape = "rows"
    if shape is None:
        return None
    query = duban.parse(_without(text, [cue for words in found.values() for cue in words]))
    rows: tuple[str, ...] | None = None
    if query.items:
        rows = tuple(query.items)
    elif query.terms or query.categories:
        rows = tuple(item.row.id for item in duban.answer(query).rows)
    if shape == "rows" and not (query.units or query.leaders or rows):
        return None  # "进展" alone, with nothing named: an ordinary question (or a refusal) answers it
    query.question, query.intent = text, "progress"
    query.progress = ProgressAsk(shape, colour, status, bool(found.get("count")) and shape != "rows", rows)
    return query


def _without(text: str, cues: list[str]) -> str:
    """The text with every occurrence of the cue phrases blanked, overlapping ones too (已经完成了哪些 holds
    both 已经完成 and 完成了哪些): what is left names the rows."""
    blank = [False] * len(text)
    for cue in cues:
        start = text.find(cue)
        while start >= 0:
            blank[start:start + len(cue)] = [True] * len(cue)
            start = text.find(cue, start + 1)
    return "".join(" " if gone else ch for ch, gone in zip(text, blank, strict=True)).strip()


def _in_scope(query: Query, ask: ProgressAsk, state: RowState) -> bool:
    row = state.row
    if ask.rows is not None and row.id not in ask.rows:
        return False
    if query.leaders and not set(row.people) & set(query.leaders):
        return False
    if not query.units:
        return True
    if ask.rows is None:  # a unit's progress, or its red or 滞后 rows: the rows it leads (and reports on)
        return any(u in query.units for u in state.duty.leads)
    return any(r.unit in query.units for r in row.roles)


def _phrase(state: RowState, show_text: bool) -> str:
    """🟡 推进中 40%，已建成12家 (plain text: the renderers escape)."""
    if state.status is None:
        return f"{pm.COLOUR_DOT[state.colour]} {pm.NOT_REPORTED}"
    phrase = state.status + (f" {state.percent}%" if state.percent is not None else "")
    if state.text:
        phrase += "，" + (state.text if show_text else pm.HIDDEN_TEXT)
    return f"{pm.COLOUR_DOT[state.colour]} {phrase}"


def answer_progress(query: Query, status: PeriodStatus, *, viewer_units: set[str] | None) -> Answer:
    """The Answer to a progress Query. `viewer_units`: the asker's units when they may not read other
    units' unpublished texts (None: they may read all)."""
    ask = query.progress
    assert ask is not None, "answer_progress needs a Query read by read_question"
    scope = "、".join([*query.leaders, *query.units]) or pm.SCOPE_ALL
    head = pm.ASK_HEAD.format(period=status.period.label, scope=scope)

    def item(state: RowState) -> AnswerRow:
        show = viewer_units is None or state.unit in viewer_units
        return AnswerRow(state.row, progress=_phrase(state, show))

    if ask.shape == "missing":
        missing = {u: rows for u, rows in status.missing.items()
                   if (not query.units or u in query.units)
                   and (not query.leaders or any(status.row(r).leader in query.leaders for r in rows))
                   and (ask.rows is None or any(r in ask.rows for r in rows))}
        if not missing:
            return Answer(query, "progress", head + pm.MISSING_NONE)
        by_id = {s.row.id: s for s in status.rows}
        blocks = [Block(pm.ASK_UNIT_BLOCK.format(unit=unit), [item(by_id[r]) for r in rows if r in by_id
                                                              and (ask.rows is None or r in ask.rows)
                                                              and (not query.leaders
                                                                   or by_id[r].row.leader in query.leaders)])
                  for unit, rows in missing.items()]
        return Answer(query, "progress", head + pm.ASK_MISSING.format(n=len(missing), units="、".join(missing)),
                      blocks=blocks)
    states = [s for s in status.rows if _in_scope(query, ask, s)]
    if ask.shape == "filter":
        if ask.colour is not None:
            states = [s for s in states if s.colour == ask.colour]
            what = pm.COLOUR_DOT[ask.colour] + pm.LIGHT.format(colour=COLOUR_NAMES[ask.colour])
        else:
            states = [s for s in states if s.status == ask.status]
            what = ask.status or ""
        return Answer(query, "progress", head + pm.ASK_FILTER.format(what=what, n=len(states)),
                      blocks=[Block("", [item(s) for s in states])] if states else [])
    if not states:
        return Answer(query, "progress", head + pm.ASK_NO_ROWS)
    counts = status.counts(states)
    order = {"red": 0, "yellow": 1, "green": 2}
    ordered = sorted(states, key=lambda s: order[s.colour])  # reds first, document order within a colour
    return Answer(query, "progress", head + pm.COUNTS.format(total=len(states), **counts),
                  blocks=[Block("", [item(s) for s in ordered])])
