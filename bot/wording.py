"""The document's own words in answers: its leaders named at its level or by its leader column's header.

The templates are bot/messages.py's; the words come from the document (knowledge/catalog.py's Wording), so a
县 document's rows read 牵头县领导 and one with a 责任领导 column reads 责任领导, never the bundled 区领导.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot import messages as msg
from knowledge.catalog import Wording


@dataclass(frozen=True, slots=True)
class LeaderWords:
    """How answers name a document's leaders."""

    # The document's leaders as a kind: "哪位区领导", "文件中的县领导共 9 位"; "领导" where the level is unknown.
    noun: str
    # A row's leader: the document's leader column ("责任领导"), else 牵头 + the level's leader ("牵头市领导").
    leading: str
    # The leaders supervising a unit's rows: the document's column again, else 分管 + the level's leader.
    supervising: str
    # A section's leader, named in its heading: 牵头 + the level's leader (no column names it).
    heading: str


@cache
def leader_words(wording: Wording) -> LeaderWords:
    """The leader words of a document with this wording."""
    level = wording.level
    heading = msg.LEADING_LEADER.format(level=level)
    return LeaderWords(noun=msg.LEADER.format(level=level), leading=wording.leader or heading,
                       supervising=wording.leader or msg.SUPERVISING_LEADER.format(level=level), heading=heading)
