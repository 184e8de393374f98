"""What `/sub X` means: resolve X to subscription targets exactly as questions resolve names.

Shared by the Telegram handlers and `duban subscriptions add`, so a unit name, alias or typo that a
question understands is understood here too; an unknown or ambiguous name is refused with suggestions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from bot import messages as msg
from bot.examples import Chrome, chrome
from bot.nlu.link import SUGGEST_SCORE
from bot.pipeline import Duban
from bot.reminders import messages as rm
from knowledge.catalog import Catalog
from knowledge.language import language
from knowledge.reminders.deadlines import row_sort_key
from knowledge.reminders.subscriptions import Target
from knowledge.rowids import canonical_row_ids, parse_row_id

# "/sub 全部": every row of the document (grammar.toml [commands]).
ALL_WORDS = language().commands.all
# Pieces are separated by spaces or list punctuation; "和/及" is left to the parser, which reads
# "区民政局和区财政局" as two units already.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass
class Resolution:
    """Targets read from the text, notes on how names were read, or why nothing could be read."""

    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str = ""
    suggestions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.targets)


def resolve_targets(duban: Duban, text: str) -> Resolution:
    """Read every piece of `text`; refuse the whole request if one piece is unknown or ambiguous."""
    result = Resolution()
    pieces = [p for p in _SEPARATORS.split(canonical_row_ids(text).strip()) if p]
    if not pieces:
        result.problem = sub_usage(chrome(duban))
        return result
    index = 0
    while index < len(pieces):
        one = _resolve_piece(duban, pieces[index])
        if one.problem and index + 1 < len(pieces):
            # A name written with a space inside ("民生实事 5-1") is one piece.
            joined = _resolve_piece(duban, pieces[index] + pieces[index + 1])
            if not joined.problem:
                one, index = joined, index + 1
        if one.problem:
            return one
        result.notes += one.notes
        result.targets += [t for t in one.targets if t not in result.targets]
        index += 1
    return result


def _resolve_piece(duban: Duban, piece: str) -> Resolution:
    catalog = duban.catalog
    if piece in ALL_WORDS:
        return Resolution([Target("all")])
    if (row_id := parse_row_id(piece)) is not None:
        return _resolve_row(catalog, row_id, piece)
    query = duban.parse(piece)
    if query.intent == "ambiguous":
        options = "、".join(query.suggestions)
        return Resolution(problem=msg.AMBIGUOUS.format(name=query.unknown or piece, options=options),
                          suggestions=list(query.suggestions))
    if query.intent == "unknown_unit":
        return _unknown(catalog, query.unknown or piece, list(query.suggestions), chrome(duban).leader)
    targets = ([Target("row", i) for i in query.items] + [Target("unit", u) for u in query.units]
               + [Target("leader", name) for name in query.leaders])
    if not targets:
        return _unknown(catalog, piece, [], chrome(duban).leader)
    return Resolution(targets, notes=list(query.notes))


def _resolve_row(catalog: Catalog, row_id: str, piece: str) -> Resolution:
    """A row named by ID (`piece` as the user wrote it, `row_id` canonical)."""
    if row_id in catalog.by_id:
        return Resolution([Target("row", row_id)])
    prefix = row_id.split("-")[0]
    same = [catalog.by_id[r].label for r in sorted((r for r in catalog.by_id if r.split("-")[0] == prefix),
                                                   key=row_sort_key)]
    hint = rm.ROW_RANGE.format(first=same[0], last=same[-1]) if same else ""
    return Resolution(problem=rm.UNKNOWN_ROW.format(row=piece, hint=hint), suggestions=same[-1:])


def sub_usage(words: Chrome) -> str:
    """How to use /sub, with the chat's document's leaders, unit, leader and row number."""
    return rm.SUB_USAGE.format(leader=words.leader, unit=words.unit, person=words.person, item=words.item)


def _unknown(catalog: Catalog, name: str, suggestions: list[str], leader: str) -> Resolution:
    """Refuse an unknown name, offering the nearest unit names, spellings and leaders."""
    if not suggestions:
        suggestions = nearest_names(catalog, name)
    problem = rm.UNKNOWN_NAME.format(name=name, leader=leader)
    if suggestions:
        problem += "\n" + msg.DID_YOU_MEAN + "、".join(suggestions)
    else:
        problem += "\n" + rm.NAME_HINT
    return Resolution(problem=problem, suggestions=suggestions)


def nearest_names(catalog: Catalog, name: str, limit: int = 3) -> list[str]:
    """Closest canonical names (a spelling counts for its unit), e.g. 伍国君 → 伍国军."""
    spellings: dict[str, str] = {}
    for unit in catalog.units.values():
        spellings[unit.name] = unit.name
        for alias in unit.aliases:
            spellings.setdefault(alias, unit.name)
    for leader in catalog.leaders:
        spellings[leader] = leader
    found: list[str] = []
    # The same closeness as a question's "did you mean" (bot/nlu/link.py), so /sub never offers a stranger.
    for match in difflib.get_close_matches(name, list(spellings), n=limit * 3, cutoff=SUGGEST_SCORE / 100):
        canonical = spellings[match]
        if canonical not in found:
            found.append(canonical)
    return found[:limit]
