"""Questions that use progress ("民政局的老年食堂进展怎么样", "哪些工作滞后了", "伍国军分管的工作有几项是红灯",
"哪些单位还没报"): cue phrases from knowledge/data/progress.toml pick the shape, the question pipeline
(bot/nlu) reads the names and topic with the cue phrases taken out. Nothing in bot/nlu changes.

Priorities, in order: 没报 (units not reported) > a colour or a status asked for > 进展 of named rows.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Literal

from bot.pipeline import Duban
from bot.progress import messages as pm
from bot.progress import render as pr
from knowledge.progress.colours import Colour
from knowledge.progress.language import language
from knowledge.progress.status import PeriodStatus, RowState

Shape = Literal["missing", "filter", "rows"]
_COLOUR_CUES: tuple[tuple[str, Colour], ...] = (("red", "red"), ("yellow", "yellow"), ("green", "green"))
_STATUS_CUES = (("cannot", "无法完成"), ("lagging", "滞后"), ("done", "已完成"))
MAX_ROWS = 30


@dataclass
class ProgressQuestion:
    """What a progress question asks."""

    text: str
    shape: Shape
    colour: Colour | None = None
    status: str | None = None
    count: bool = False
    units: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    rows: list[str] | None = None  # rows the topic named; None: no topic (all rows in scope)


def read_question(duban: Duban, text: str) -> ProgressQuestion | None:
    """A ProgressQuestion when the text asks about progress, else None (an ordinary question)."""
    lang = language()
    found = {name: lang.found(name, text) for name in lang.cues}
    shape: Shape | None = None
    question = ProgressQuestion(text, "rows")
    if found.get("missing"):
        shape = "missing"
    else:
        for name, colour in _COLOUR_CUES:
            if found.get(name):
                shape, question.colour = "filter", colour
                break
        for name, status in _STATUS_CUES:
            if shape is None and found.get(name) and not found.get("progress"):
                shape, question.status = "filter", status
        if shape is None and found.get("progress"):
            shape = "rows"
    if shape is None:
        return None
    question.shape = shape
    question.count = bool(found.get("count")) and shape != "rows"
    rest = text
    for words in found.values():
        for cue in words:
            rest = rest.replace(cue, " ")
    query = duban.parse(rest)
    question.units, question.leaders = list(query.units), list(query.leaders)
    if query.items:
        question.rows = list(query.items)
    elif query.terms or query.categories:
        question.rows = [item.row.id for item in duban.ask(rest).rows]
    if shape == "rows" and not (question.units or question.leaders or question.rows):
        return None  # "进展" alone, with nothing named: an ordinary question (or a refusal) answers it
    return question


def _in_scope(question: ProgressQuestion, state: RowState) -> bool:
    row = state.row
    if question.rows is not None and row.id not in question.rows:
        return False
    if question.leaders and row.leader not in question.leaders:
        return False
    return not question.units or any(r.unit in question.units for r in row.roles)


def _scope_words(question: ProgressQuestion) -> str:
    return "、".join([*question.leaders, *question.units]) or "全部"


def answer_progress(question: ProgressQuestion, status: PeriodStatus, *, viewer_units: set[str] | None) -> list[str]:
    """The answer as HTML pages. `viewer_units`: the asker's units when they may not read other units'
    unpublished texts (None: they may read all)."""
    states = [s for s in status.rows if _in_scope(question, s)]
    head = f"<b>{html.escape(status.period.label)} · {html.escape(_scope_words(question))}</b>"
    if question.shape == "missing":
        missing = {u: rows for u, rows in status.missing.items()
                   if (not question.units or u in question.units)
                   and (not question.leaders or any(status.row(r).leader in question.leaders for r in rows))}
        if not missing:
            return [head + "\n" + pm.MISSING_NONE]
        lines = [pm.MISSING_HEAD.format(n=len(missing))]
        lines += [pm.OFFICE_UNIT.format(unit=html.escape(u), rows=html.escape("、".join(status.row(r).label
                                                                                     for r in rows[:8])))
                  for u, rows in missing.items()]
        return pr.pages(head, lines)
    if question.shape == "filter":
        if question.colour is not None:
            states = [s for s in states if s.colour == question.colour]
            what = pm.COLOUR_DOT[question.colour] + {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}[question.colour]
        else:
            states = [s for s in states if s.status == question.status]
            what = question.status or ""
        summary = f"{what}工作 {len(states)} 项。"
        if question.count or not states:
            return [head + "\n" + summary]
        lines = [_line(s, viewer_units) for s in states[:MAX_ROWS]]
        if len(states) > MAX_ROWS:
            lines.append(pm.MORE.format(n=len(states) - MAX_ROWS))
        return pr.pages(head + "\n" + summary, lines)
    if not states:
        return [head + "\n" + "没有找到相关工作的报送记录。"]
    lines = [_line(s, viewer_units) for s in pr_sorted(states)[:MAX_ROWS]]
    return pr.pages(head + "\n" + pr.counts_line(status, states), lines)


def pr_sorted(states: list[RowState]) -> list[RowState]:
    order = {"red": 0, "yellow": 1, "green": 2}
    return sorted(states, key=lambda s: order[s.colour])


def _line(state: RowState, viewer_units: set[str] | None) -> str:
    show = viewer_units is None or state.unit in viewer_units
    return pr.state_line(state, show_text=show)
