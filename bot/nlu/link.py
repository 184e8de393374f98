"""Entity linking: find the names a question uses, exactly, by spelling variant, or by a near miss."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bot.nlu.lexicon import Entity, Lexicon
from knowledge.language import language

_MASK = "\x00"
_ORG_SPAN = re.compile(r"[\u4e00-\u9fff]{2,14}")
# A near-miss name is taken without asking when it scores this high and clearly beats the runner-up.
ACCEPT_SCORE = 80.0
ACCEPT_MARGIN = 8.0
# A name is offered as "did you mean" only from this score up. Tuned on the gold sets: over their ~1,800
# questions every near-miss candidate that was not what the question meant scored 66.7 or less (明天鹿城会 →
# 电信鹿城分局 50, 按区委 → 区纪委监委机关 66.7), while one wrong or extra character in a name of four
# (区民政处, 区教育厅, 区残联会 → 区残联) scores 75. Below it the user gets the list of all units instead.
SUGGEST_SCORE = 70.0


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the question and what it names."""

    start: int
    end: int
    surface: str
    entities: tuple[Entity, ...]

    @property
    def entity(self) -> Entity:
        exact = [e for e in self.entities if e.exact]
        return (exact or list(self.entities))[0]

    @property
    def weak(self) -> bool:
        return all(e.weak for e in self.entities)

    @property
    def ambiguous(self) -> bool:
        names = {e.name for e in self.entities if e.exact} or {e.name for e in self.entities}
        return len(names) > 1


def find_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Every known name in `text`; the longest wins where two overlap. Question phrases such as
    "哪位副区长" are not names, though they contain a title."""
    for cue in (*lexicon.cues["who_leader"], *lexicon.cues["who_unit"]):
        if cue in text:
            text = text.replace(cue, _MASK * len(cue))
    found: list[Mention] = []
    lengths, surfaces = lexicon.lengths_by_first_char, lexicon.surfaces
    for start, char in enumerate(text):
        for length in lengths.get(char, ()):  # the longest surface starting here
            if (surface := text[start:start + length]) in surfaces:
                found.append(Mention(start, start + len(surface), surface, tuple(surfaces[surface])))
                break
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[Mention] = []
    taken = [False] * len(text)
    for mention in found:
        if any(taken[mention.start:mention.end]):
            continue
        if _part_of_a_place_phrase(text, mention, lexicon):
            continue
        chosen.append(mention)
        for i in range(mention.start, mention.end):
            taken[i] = True
    return sorted(chosen, key=lambda m: m.start)


def _part_of_a_place_phrase(text: str, mention: Mention, lexicon: Lexicon) -> bool:
    # "七都" names 七都街道, but "七都二桥" is a bridge the document talks about: a place's short form
    # followed by words the document uses together with it is part of a topic, not the street.
    entity = mention.entity
    if entity.type != "street" or mention.surface == entity.name:
        return False
    following = text[mention.start:mention.end + 2]
    return len(following) > len(mention.surface) and bool(lexicon.catalog.containing(following))


def foreign_place(text: str, mention: Mention, lexicon: Lexicon, stop: frozenset[str]) -> str:
    """"杭州市" in "杭州市民政局", "龙湾区" in "龙湾区住建局": another place's body, not one of ours ("" if none)."""
    start = mention.start
    levels = lexicon.language.names.levels
    if mention.surface[0] in levels:
        level, before = mention.surface[0], text[max(0, start - 2):start]
    elif start >= 1 and text[start - 1] in levels:
        level, before = text[start - 1], text[max(0, start - 3):start - 1]
    else:
        return ""
    place = before + level
    named = len(before) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in before) and not (
        before in stop or any(c in stop for c in before))
    if named:
        return "" if place in lexicon.own_places or before in lexicon.own_places else place
    # "市发改委" of a 区 document: a level written alone before a body the document has at another level
    # (its 区发改局) names another government's body, not this one's.
    own = mention.entity.name[:1] if mention.entity.type == "unit" else ""
    if mention.surface[0] not in levels and own in levels and own != level:
        return level
    return ""


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The unit a mistyped name most likely means, and how sure that is."""

    written: str
    unit: str | None
    suggestions: tuple[str, ...]
    how: str
    nearest: tuple[str, ...] = ()


@cache
def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


def same_sound(a: str, b: str) -> bool:
    """Whether two spellings read the same in pinyin (tones ignored)."""
    return _pinyin(a) == _pinyin(b)


def org_spans(chunk: str, suffixes: Sequence[str] | None = None) -> list[str]:
    """Candidate body names in leftover text: spans ending in an organisation suffix (grammar.toml's
    `org_suffixes` unless given)."""
    endings = tuple(language().names.org_suffixes if suffixes is None else suffixes)
    spans: list[str] = []
    for match in _ORG_SPAN.finditer(chunk):
        run = match.group()
        for end in range(len(run), 2, -1):
            # One C-level test of every ending first; which ending, only when one matches.
            head = run[:end]
            suffix = next((s for s in endings if head.endswith(s)), "") if head.endswith(endings) else ""
            # A bare "办公室" is some unit's office, not a unit: a name needs two characters before its ending.
            if suffix and end - len(suffix) >= 2:
                spans.append(run[:end])
                break
    return spans


def near_miss(written: str, lexicon: Lexicon) -> NearMiss:
    """Resolve a name no spelling matches: a homophone (民正局 → 民政局) or a close spelling.

    One wrong character is a typo unless the name as written is another kind of body a government has
    (bodies.toml `body_kinds`: 区审计局 beside the document's 区统计局): that is only suggested, never taken."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    surfaces, every = lexicon.unit_surfaces, lexicon.unit_surface_list
    # In order (a dict, not a set): units scoring alike are then ranked the same way in every process.
    candidates = dict.fromkeys(written[i:] for i in range(0, max(1, len(written) - 2)))
    best: dict[str, float] = {}
    for candidate in candidates:
        sound = _pinyin(candidate)
        # The spellings of the candidate's length and last character, in order: the first that sounds alike.
        for surface in lexicon.unit_surfaces_by_end.get((len(candidate), candidate[-1]), ()):
            if _pinyin(surface) == sound:
                unit = surfaces[surface]
                return NearMiss(written, unit, (unit,), "pinyin", (unit,))
        for surface, score, _ in process.extract(candidate, every, limit=5, scorer=Levenshtein.normalized_similarity):
            unit = surfaces[surface]
            best[unit] = max(best.get(unit, 0.0), score * 100)
    # One wrong character inside a name of three or more (same first and last), no other unit that close: a typo.
    shaped = lexicon.unit_surfaces_by_ends
    one_off = {surfaces[s] for c in candidates if len(c) >= 3 for s in shaped.get((len(c), c[0], c[-1]), ())
               if Levenshtein.distance(s, c) == 1}
    if len(one_off) == 1:
        unit = next(iter(one_off))
        if any(c in lexicon.language.body_kinds for c in candidates):
            return NearMiss(written, None, (unit,), "none", (unit,))
        return NearMiss(written, unit, (unit,), "spelling", (unit,))
    ranked = sorted(best.items(), key=lambda item: -item[1])
    suggestions = tuple(unit for unit, score in ranked[:3] if score >= SUGGEST_SCORE)
    nearest = tuple(unit for unit, _ in ranked[:3])
    if ranked and ranked[0][1] >= ACCEPT_SCORE and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= ACCEPT_MARGIN):
        return NearMiss(written, ranked[0][0], suggestions, "spelling", nearest)
    return NearMiss(written, None, suggestions, "none", nearest)

