"""parse(question) → Query: normalize, find the focus sentence, link names, read cues, keep topic words.

Each step returns what it read (cue reading, quoted phrases, names, topic words); `parse` puts the
pieces into one `Query` at the end instead of passing a half-filled query from step to step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from bot import messages as msg
from bot.nlu.lexicon import Lexicon
from bot.nlu.link import Mention, find_mentions, foreign_place, near_miss, org_spans, same_sound
from bot.nlu.normalize import normalize, sentences
from bot.nlu.query import Intent, Query, Role, Shape
from bot.nlu.segment import Segmenter
from bot.nlu.unit_names import UnitNames
from knowledge.kinds import TableKind
from knowledge.language import Counting, Language, unit_forms_data
from knowledge.rowids import find_row_ids

_GAP = "|"
# Past this many characters a sentence is read from its last asking clause.
_LONG = 60
_CLAUSE_END = re.compile(r"(?<=[，；：,;:])")
_SHAPES: tuple[Shape, ...] = ("off_topic", "other_year", "multi_lead", "leaders_overview", "units_overview",
                              "star_meaning")
_QUOTED = re.compile(r"[“‘\"']([^”’\"']{2,40})[”’\"']")
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# Cue words the document also writes as a phrase ("主要指标") are its topic when nothing else is: this long at least.
_WRITTEN_RUN = 4
_TOPIC_SPLIT = re.compile(r"[|，。！？；：、“”‘’（）《》,.!?;:()\s\"'-]+")


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words)


def _count_pattern(count: Counting) -> re.Pattern[str]:
    """"多少项", "几个任务", "多少民生实事", "一共": the question counts rows (grammar.toml [count])."""
    asks, nouns = _alternatives(count.asks), _alternatives(count.nouns)
    measures = _alternatives((*count.measures, f"{count.classifier}(?=\\s*(?:{nouns}))"))
    return re.compile(rf"({asks})\s*({measures})|({asks})\s*(?=(?:{nouns}))|({_alternatives(count.totals)})")


def _year_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """A year as questions write it ("2023年", "2023 年"), from grammar.toml's `year_forms`."""
    written = []
    for form in forms:
        before, _, after = form.partition("{year}")
        written.append(rf"{re.escape(before)}(20\d\d)\s*{re.escape(after)}")
    return re.compile(r"(?<!\d)(?:" + "|".join(written) + ")")


@dataclass(frozen=True, slots=True)
class _CueReading:
    """What the cue phrases say, and the text left once they are taken out."""

    rest: str
    found: dict[str, list[str]]
    shapes: frozenset[Shape]
    role: Role | None
    kind: TableKind | None
    count: bool
    together: bool
    has_note: bool
    topic_cue: bool


@dataclass(frozen=True, slots=True)
class _Quoted:
    """Quoted stretches, each looked up verbatim, and the text left without them."""

    rest: str
    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, list[str]], ...] = ()


@dataclass(frozen=True, slots=True)
class _Names:
    """Who a question names so far, the alternatives worth offering, and how loosely read names were taken."""

    units: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        """Whether a unit or a leader is named (a category alone does not count)."""
        return bool(self.units or self.leaders)

    def adding(self, slot: Literal["units", "leaders", "categories"], name: str, note: str = "") -> _Names:
        """These names with one more in `slot` (kept once), and a note on how it was read."""
        present: tuple[str, ...] = getattr(self, slot)
        names = present if name in present else (*present, name)
        notes = (*self.notes, note) if note else self.notes
        if slot == "units":
            return replace(self, units=names, notes=notes)
        if slot == "leaders":
            return replace(self, leaders=names, notes=notes)
        return replace(self, categories=names, notes=notes)

    def noting(self, note: str) -> _Names:
        return replace(self, notes=(*self.notes, note))


@dataclass(frozen=True, slots=True)
class _Refusal:
    """A name the parser will not guess: ambiguous, or like no unit of the document."""

    intent: Literal["ambiguous", "unknown_unit"]
    unknown: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Topic:
    """Topic words: required ones, optional ones (verbs of doing), and each stretch's phrase."""

    terms: tuple[str, ...]
    optional: tuple[str, ...]
    phrases: tuple[tuple[str, list[str]], ...]


@dataclass
class Parser:
    """Turns question text into a `Query`, using one lexicon (and its segmenter)."""

    lexicon: Lexicon
    cache_dir: Path | None = None
    stop: frozenset[str] = field(init=False)
    action: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # Cue phrases carry the intent, not the topic: none of them is a topic word.
        cues = self.lexicon.cues.lists
        self.action = frozenset(cues.get("action", ()))
        # A personal or unanswerable word the document itself writes (预算 in 一般公共预算收入) still names
        # that row's topic: the off_topic shape decides on it per question (_shapes), so it is no stop word.
        written = frozenset(w for w in cues.get("off_topic", ()) if self.lexicon.catalog.containing(w))
        self.stop = (frozenset(w for name, words in cues.items() if name != "action" for w in words)
                     - written | self.lexicon.own_places | self.lexicon.document_words)
        grammar: Language = self.lexicon.language
        self._count = _count_pattern(grammar.count)
        self._year = _year_pattern(grammar.names.year_forms)
        self._role_links = "".join(grammar.names.role_links)

    @cached_property
    def segmenter(self) -> Segmenter:
        catalog = self.lexicon.catalog
        text = "\n".join(catalog.haystack.values())
        return Segmenter(text, self.lexicon.words, self.cache_dir)

    def parse(self, question: str) -> Query:
        """Read one question: row codes; else the asking sentence's names, cue phrases and topic words.

        A question is refused rather than guessed (intent other_place, ambiguous, unknown_unit) as soon as
        a name is another place's body, could mean two things, or is like no unit of the document.
        """
        text = normalize(question)
        if not _HAS_WORD.search(text):
            return Query(question=question, intent="none", text=text)
        if codes := self._row_codes(text):
            return Query(question=question, intent="item", text=text, items=codes)
        focus = self._last_clause(self._focus(text))
        mentions = find_mentions(focus, self.lexicon)
        cues = self._read_cues(_blank(focus, [(m.start, m.end) for m in mentions]), focus)
        quoted = self._quoted(cues.rest)
        query = Query(question=question, intent="none", text=focus, kind=cues.kind, role=cues.role,
                      terms=list(quoted.terms), phrases=list(quoted.phrases), quoted=set(quoted.terms),
                      count=cues.count, has_note=cues.has_note, topic_cue=cues.topic_cue, shapes=set(cues.shapes),
                      together=cues.together)
        if place := self._other_place(focus, mentions):
            return replace(query, intent="other_place", unknown=place)
        names, refusal = self._entities([m for m in mentions if not m.weak], _Names())
        query = replace(query, unit_roles=self._roles_by_position(focus, mentions),
                        shapes=self._shapes(cues, names))
        if refusal is not None:
            return _with_names(query, names, refusal)
        names, rest = self._names(mentions, names, quoted.rest)
        if isinstance(rest, _Refusal):
            return _with_names(query, names, rest)
        topic = self._topic(rest)
        terms = list(dict.fromkeys([*quoted.terms, *topic.terms]))
        query = _with_names(replace(query, terms=terms, optional_terms=list(topic.optional),
                                    phrases=[*quoted.phrases, *topic.phrases], synonyms=self._synonyms(terms)),
                            names)
        return replace(query, intent=self._intent(query, focus, cues.found))

    def _other_place(self, focus: str, mentions: list[Mention]) -> str:
        """"杭州市民政局": the first unit named as another place's body ("" if none)."""
        for mention in mentions:
            if mention.entity.type in ("unit", "street") and (place := foreign_place(focus, mention, self.lexicon,
                                                                                       self.stop)):
                return place + mention.surface.lstrip(place[-1])
        return ""

    def _shapes(self, cues: _CueReading, names: _Names) -> set[Shape]:
        shapes = set(cues.shapes)
        # "区民政局今年的预算": the document says 预算 somewhere, but nowhere about this unit or leader.
        in_document = cues.found["off_topic_in_document"]
        if in_document and self._unanswerable_for_names(names, in_document):
            shapes.add("off_topic")
        return shapes

    def _names(self, mentions: list[Mention], names: _Names, rest: str) -> tuple[_Names, str | _Refusal]:
        """Beyond the certain names: a leader's or a short unit's typo, a title alone, a mistyped unit.
        Returns the names and the text left, or the refusal that ends the reading."""
        if not names.named:
            names, rest = self._unlisted_counties(names, rest)
        if not names.named:
            names, rest = self._leader_typos(names, rest)
        if not names.named:
            names, refusal = self._entities([m for m in mentions if m.weak], names)
            if refusal is not None:
                return names, refusal
        names, left = self._near_misses(names, rest)
        if isinstance(left, _Refusal):
            return names, left
        names, left = self._unit_parts(names, left)
        if isinstance(left, _Refusal) or names.named:
            return names, left
        return self._short_unit_typos(names, left)

    def _unlisted_counties(self, names: _Names, rest: str) -> tuple[_Names, str]:
        """"青田县有什么任务" in a 丽水市 document naming no 青田县: a county the document addresses only together
        (各县（市、区）政府), named as a unit so that its answer lists that group's rows (Catalog.member)."""
        catalog, levels = self.lexicon.catalog, self.lexicon.language.places.county_levels
        for end, char in enumerate(rest, start=1):
            if char not in levels:
                continue
            for start in range(max(0, end - 7), end - 2):
                name = self._without_leading_stop(rest[start:end])
                if name not in catalog.units and not catalog.containing(name) and catalog.member(name) is not None:
                    return names.adding("units", name), rest.replace(name, _GAP)
        return names, rest

    def _synonyms(self, terms: list[str]) -> dict[str, tuple[str, ...]]:
        """Everyday words → the document's words; other long words → their looser forms."""
        synonyms = self.lexicon.synonyms
        found = {w: synonyms[w] for w in terms if w in synonyms}
        for word in terms:
            if len(word) >= 3 and word not in found:
                found[word] = self._looser_forms(word)
        return found

    def _row_codes(self, text: str) -> list[str]:
        catalog = self.lexicon.catalog
        return [code for code in find_row_ids(text) if code in catalog.by_id]

    def _last_clause(self, focus: str) -> str:
        """In a long sentence the question is its last asking clause ("…有人说是民政部门办…，给老人买意外险
        这件事是哪个单位牵头的？"): names in the story before it are not what is asked about."""
        if len(focus) <= _LONG:
            return focus
        clauses = [c for c in _CLAUSE_END.split(focus) if c.strip()]
        asks = (*self.lexicon.cues["list"], *self.lexicon.cues["who_unit"], *self.lexicon.cues["who_leader"],
                *self.lexicon.cues["number"])
        for index in range(len(clauses) - 1, -1, -1):
            if any(cue in clauses[index] for cue in asks) and not self._only_stop(clauses[index]):
                return "".join(clauses[index:])
        return focus

    def _focus(self, text: str) -> str:
        # A long message with a preamble asks its question last: read from the last sentence that
        # names something (or, failing that, asks something) to the end.
        parts = sentences(text)
        if len(parts) <= 1:
            return text
        asks = self.lexicon.cues["list"] + self.lexicon.cues["who_unit"] + self.lexicon.cues["number"]
        def names_something(sentence: str) -> bool:
            return bool(find_mentions(sentence, self.lexicon))

        def asks_something(sentence: str) -> bool:
            return any(cue in sentence for cue in asks)

        for wanted in (names_something, asks_something):
            for index in range(len(parts) - 1, -1, -1):
                if wanted(parts[index]):
                    return "".join(parts[index:])
        return text

    def _read_cues(self, rest: str, focus: str) -> _CueReading:
        """The cue phrases found in `rest` (the focus without its names), and `rest` without them."""
        cues = self.lexicon.cues
        found = {name: cues.found(name, rest) for name in
                 ("lead", "support", "not_lead", "livelihood", "key_task", "who_unit", "who_leader", "number",
                  "help", "together", "separately", "has_note", *_SHAPES)}
        # A personal or unanswerable word the document itself uses ("一般公共预算收入") asks about the document.
        found["off_topic_in_document"] = [c for c in found["off_topic"] if self.lexicon.catalog.containing(c)]
        found["off_topic"] = [c for c in found["off_topic"] if c not in found["off_topic_in_document"]]
        shapes = frozenset(name for name in _SHAPES if found[name])
        for shape in _SHAPES:  # shape phrases contain role words (牵头单位): take them out first
            for cue in found[shape]:
                rest = rest.replace(cue, _GAP)
        found["lead"] = cues.found("lead", rest)
        found["contrast"] = cues.found("contrast", rest)
        # 参与 names the other role only when set against 牵头 in the same question (CONTRACT §4)
        found["support"] = cues.found("support", rest) + (found["contrast"] if found["lead"] else [])
        for name in ("not_lead", "lead", "support", "contrast", "livelihood", "key_task", "who_unit", "who_leader",
                     "help", "together", "separately", "has_note"):
            for cue in found[name]:
                rest = rest.replace(cue, _GAP)
        return _CueReading(rest=rest, found=found, shapes=shapes, role=_role(found), kind=_kind(found),
                           count=bool(self._count.search(focus)),
                           together=bool(found["together"]) and not found["separately"],
                           has_note=bool(found["has_note"]), topic_cue=bool(cues.found("topic", focus)))

    def _unanswerable_for_names(self, names: _Names, cues: list[str]) -> bool:
        """Whether some such word appears in none of the named units' or leaders' rows."""
        catalog = self.lexicon.catalog
        named = [row for unit in names.units for row in catalog.by_unit.get(unit, ())]
        named += [row for leader in names.leaders for row in catalog.by_leader.get(leader, ())]
        return bool(named) and any(all(cue not in catalog.haystack[r.id] for r in named) for cue in cues)

    def _roles_by_position(self, focus: str, mentions: list[Mention]) -> dict[str, Role]:
        """"区发改局牵头、七都街道参与": the role word right after each unit's name, when there is one."""
        roles: dict[str, Role] = {}
        lead, support = self.lexicon.cues["lead"], list(self.lexicon.cues["support"])
        if any(cue in focus for cue in lead):  # 参与 set against 牵头 names the other role (CONTRACT §4)
            support += self.lexicon.cues["contrast"]
        for mention in mentions:
            if mention.entity.type not in ("unit", "street"):
                continue
            after = focus[mention.end:mention.end + 5].lstrip(self._role_links)
            if after.startswith(tuple(support)):
                roles[mention.entity.name] = "support"
            elif after.startswith(tuple(lead)):
                roles[mention.entity.name] = "lead"
        return roles

    def _entities(self, mentions: list[Mention], names: _Names) -> tuple[_Names, _Refusal | None]:
        """`names` with the mentioned entities added, up to the first mention that could mean two things."""
        for mention in mentions:
            if mention.ambiguous:
                options = tuple(dict.fromkeys(e.name for e in mention.entities))
                return names, _Refusal("ambiguous", mention.surface, options)
            entity = mention.entity
            slot: Literal["units", "leaders", "categories"] = (
                "leaders" if entity.type == "leader" else "categories" if entity.type == "category" else "units")
            names = names.adding(slot, entity.name)
            # "张区长" is taken as the 区长 张崇波, but the other 张 is offered too.
            others = [e.name for e in mention.entities if e.name != entity.name]
            offered = names.suggestions
            names = replace(names, suggestions=(*offered, *dict.fromkeys(n for n in others if n not in offered)))
        return names, None

    def _near_misses(self, names: _Names, rest: str) -> tuple[_Names, str | _Refusal]:
        """Link mistyped unit names; returns the names and `rest` without the spans it linked, or the
        refusal of a name like no unit of the document."""
        catalog = self.lexicon.catalog
        if all(self._only_stop(chunk) for chunk in rest.split(_GAP)):
            return names, rest
        strong = self.lexicon.language.names.strong_org_suffixes
        for chunk in rest.split(_GAP):
            for run in org_spans(chunk, self.lexicon.language.names.org_suffixes):
                # A run whose ending the document itself contains ("需要区法院") is a topic, not a name.
                if any(catalog.containing(run[i:]) for i in range(len(run) - 2)) or self._is_cue(run):
                    continue
                meant = self._abbreviation(run)
                if meant is not None:
                    typed, units = meant
                    if len(units) > 1:
                        return names, _Refusal("ambiguous", typed, units)
                    names = names.adding("units", units[0], msg.READ_AS.format(written=typed, name=units[0]))
                    rest = rest.replace(run, _GAP)
                    continue
                name = self._without_leading_stop(run)
                miss = near_miss(run, self.lexicon)
                if miss.unit is None and not miss.suggestions and not name.endswith(strong):
                    continue  # nothing like a unit of this document: read it as topic words
                if miss.unit is None and names.named:
                    # "我在街道办上班，…区民政局…": a known name was asked about; the stray one is only noted.
                    names = names.noting(msg.NOT_A_UNIT_NOTE.format(name=name))
                    continue
                if miss.unit is None:
                    # Only close names; never the merely nearest.
                    return names, _Refusal("unknown_unit", name, tuple(miss.suggestions))
                names = names.adding("units", miss.unit, msg.READ_AS.format(written=name, name=miss.unit))
                rest = rest.replace(run, _GAP)
        return names, rest

    @cached_property
    def unit_names(self) -> UnitNames:
        """The document's unit names cut into words (by a dictionary of the words they contain, made on first use):
        the stretches and abbreviations of them that name one unit."""
        lexicon = self.lexicon
        segmenter = Segmenter(lexicon.unit_names_text, (), self.cache_dir)
        return UnitNames(lexicon.unit_names, segmenter.cut, segmenter.known, lexicon.own_places, unit_forms_data())

    def _abbreviation(self, run: str) -> tuple[str, tuple[str, ...]] | None:
        """The end of a body's name no spelling matches ("…审改办") read as a stretch or an abbreviation of the
        document's unit names, and the units it names; None when it names none. A name spelling another kind
        of body (审计局) is that body, never an abbreviation of one of ours."""
        for start in range(max(1, len(run) - 2)):
            typed = run[start:]
            if typed in self.lexicon.language.body_kinds:
                continue
            if units := self.unit_names.meant_by(typed):
                return typed, units
        return None

    def _unit_parts(self, names: _Names, rest: str) -> tuple[_Names, str | _Refusal]:
        """A distinctive stretch of a unit's name typed alone ("洪城水业" for 江西洪城水业环保公司), longest first; a
        stretch the document's text contains is a topic. Stretches no unit name contains cost one substring test
        each, and the names are cut into words only when one does."""
        names_text, catalog = self.lexicon.unit_names_text, self.lexicon.catalog
        minimum = unit_forms_data().part_min_chars
        for chunk in rest.split(_GAP):
            if len(chunk) < minimum or self._only_stop(chunk):
                continue
            spans: list[str] = []
            for start in range(len(chunk) - minimum + 1):
                end = start + minimum
                while end <= len(chunk) and chunk[start:end] in names_text:
                    end += 1
                spans += [chunk[start:stop] for stop in range(end - 1, start + minimum - 1, -1)]
            for span in sorted(spans, key=len, reverse=True):
                if catalog.containing(span) or not (units := self.unit_names.part_of(span)):
                    continue
                if len(units) > 1:
                    return names, _Refusal("ambiguous", span, units)
                names = names.adding("units", units[0], msg.READ_AS.format(written=span, name=units[0]))
                rest = rest.replace(span, _GAP)
                break
        return self._kindless(names, rest)

    def _kindless(self, names: _Names, rest: str) -> tuple[_Names, str | _Refusal]:
        """A company or group called by its initials alone ("城发参与了哪些工作" → 区城市发展集团): a stretch of two
        to four characters that is no word of the dictionary (so 城发, not 工作), that the document's text does not
        write, and whose characters all occur in the unit names (set tests before the names are cut into words)."""
        if names.named:
            return names, rest
        catalog, characters = self.lexicon.catalog, self.lexicon.unit_name_characters
        for chunk in rest.split(_GAP):
            spans = (chunk[start:start + size] for size in (4, 3, 2) for start in range(len(chunk) - size + 1))
            for word in spans:
                if not set(word) <= characters or self.segmenter.known(word) or catalog.containing(word):
                    continue
                if not (units := self.unit_names.without_kind(word)):
                    continue
                if len(units) > 1:
                    return names, _Refusal("ambiguous", word, units)
                return names.adding("units", units[0], msg.READ_AS.format(written=word, name=units[0])), \
                    rest.replace(word, _GAP)
        return names, rest

    def _without_leading_stop(self, run: str) -> str:
        """"我是区气象局" → "区气象局": the name starts after the words that only introduce it."""
        words = self._cut(run)
        while len(words) > 1 and words[0] in self.stop and words[0] not in self.lexicon.place.unit_prefixes:
            words.pop(0)
        return "".join(words)

    def _quoted(self, rest: str) -> _Quoted:
        """A quoted stretch (备注写着“根据工作需要”) is looked up verbatim, not word by word."""
        terms: list[str] = []
        phrases: list[tuple[str, list[str]]] = []
        for match in _QUOTED.finditer(rest):
            text = match.group(1)
            if _GAP in text or self._only_stop(text):
                continue
            # Verbatim first; failing that, every word of it in any order ("一号工程" → 一号改革工程).
            words = [w for w in self._cut(text) if w not in self.stop and _HAS_WORD.search(w)] or [text]
            terms.append(text)
            phrases.append((text, words))
            rest = rest.replace(match.group(0), _GAP)
        return _Quoted(rest, tuple(terms), tuple(phrases))

    @cached_property
    def _leader_letters(self) -> dict[str, list[tuple[int, str, int]]]:
        """Each character of a leader's name → (the leader's place in the document's order, the name, the
        character's position in it): a span one character off a name shares another character with it."""
        letters: dict[str, list[tuple[int, str, int]]] = {}
        for order, leader in enumerate(self.lexicon.catalog.leader_titles):
            for position, char in enumerate(leader):
                letters.setdefault(char, []).append((order, leader, position))
        return letters

    @cached_property
    def _short_by_first(self) -> dict[str, list[tuple[str, str]]]:
        """The short unit surfaces (and their units) by first character, in the lexicon's order."""
        found: dict[str, list[tuple[str, str]]] = {}
        for surface, unit in self.lexicon.short_unit_surfaces.items():
            found.setdefault(surface[:1], []).append((surface, unit))
        return found

    def _leader_typos(self, names: _Names, rest: str) -> tuple[_Names, str]:
        """A leader's name typed with one wrong character that sounds the same (伍国君 → 伍国军): the first
        leader (in the document's order) with such a span, at its first such span. Only spans around a
        character some leader's name has at that place are compared, not every span with every leader."""
        letters = self._leader_letters
        candidates: set[tuple[int, int, str, str]] = set()
        for at, char in enumerate(rest):
            for order, leader, position in letters.get(char, ()):
                start = at - position
                span = rest[start:start + len(leader)] if start >= 0 else ""
                if len(span) == len(leader) and sum(a != b for a, b in zip(span, leader, strict=True)) == 1:
                    candidates.add((order, start, span, leader))
        for _, _, span, leader in sorted(candidates):
            if same_sound(span, leader):
                names = names.adding("leaders", leader, msg.READ_AS.format(written=span, name=leader))
                return names, rest.replace(span, _GAP)
        return names, rest

    def _short_unit_typos(self, names: _Names, rest: str) -> tuple[_Names, str]:
        """A two-character unit name with its second character mistyped by sound (残连 → 残联)."""
        short, by_first = self.lexicon.short_unit_surfaces, self._short_by_first
        for start in range(len(rest) - 1):
            span = rest[start:start + 2]
            if span in short or span in self.stop or not _HAS_WORD.match(span):
                continue
            alike = by_first.get(span[0], ())
            if not alike or self.lexicon.catalog.containing(span):
                continue
            for surface, unit in alike:
                if same_sound(span, surface):
                    return names.adding("units", unit, msg.READ_AS.format(written=span, name=unit)), rest.replace(
                        span, _GAP)
        return names, rest

    def _is_cue(self, span: str) -> bool:
        return all(word in self.stop or word in self.lexicon.words for word in self._cut(span))

    def _only_stop(self, chunk: str) -> bool:
        """Whether stop words and punctuation alone spell `chunk` (then jieba need not even load)."""
        reachable = [True] + [False] * len(chunk)
        for start in range(len(chunk)):
            if not reachable[start]:
                continue
            if not _HAS_WORD.match(chunk[start]):
                reachable[start + 1] = True
            for end in range(start + 1, min(len(chunk), start + 8) + 1):
                if chunk[start:end] in self.stop:
                    reachable[end] = True
        return reachable[-1]

    def _looser_forms(self, word: str) -> tuple[str, ...]:
        """Other ways a row may write a compound: its parts apart ("居民收入" → 居民 … 收入, written
        "居民人均可支配收入"), or its head without the modifier ("婴幼儿托位" → 幼儿托位)."""
        forms: list[str] = []
        parts = [p for p in self.segmenter.tokenizer.cut(word, HMM=False, cut_all=True) if len(p) >= 2 and p != word]
        covering = _cover(word, parts)
        if len(covering) > 1:
            forms.append(" ".join(covering))
        if self._is_word(word[1:]):
            forms.append(word[1:])
        return tuple(forms)

    def _is_word(self, text: str) -> bool:
        """Whether the segmentation dictionary knows `text` as a word."""
        return self.segmenter.known(text)

    def _cut(self, text: str) -> list[str]:
        return self.segmenter.cut(text)

    def _topic(self, rest: str) -> _Topic:
        """The topic words of what is left; beside real topic words a lone character ("由谁来建" → 来) is
        grammar, alone ("鞋") it is the topic."""
        terms, optional, phrases = self._terms(rest)
        if len(phrases) > 1:
            phrases = [p for p in phrases if len(p[0]) > 1] or phrases[:1]
            terms = [t for t in terms if any(t in words for _, words in phrases)]
        return _Topic(tuple(terms), tuple(optional), tuple(phrases))

    def _terms(self, rest: str) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
        """Topic words left after names and cues: required ones, optional ones (verbs of doing), and
        each stretch's phrase from its first to its last required word."""
        required: list[str] = []
        optional: list[str] = []
        phrases: list[tuple[str, list[str]]] = []
        for chunk in _TOPIC_SPLIT.split(rest):
            if not chunk or self._only_stop(chunk):
                continue
            words: list[tuple[int, int, str]] = []
            run_start, run = 0, ""
            position = 0
            for word in [*self._cut(chunk), ""]:
                start, position = position, position + len(word)
                single = len(word) == 1 and word not in self.stop and word not in self.action
                if single and _HAS_WORD.match(word):
                    run_start, run = (start if not run else run_start), run + word
                    continue
                if run:
                    words.append((run_start, run_start + len(run), run))
                    run = ""
                if not word or word in self.stop or not _HAS_WORD.search(word):
                    continue
                if word in self.action:
                    optional.append(word)
                else:
                    words.append((start, position, word))
            if words:
                required.extend(w for _, _, w in words)
                phrases.append((chunk[words[0][0]:words[-1][1]], [w for _, _, w in words]))
        if not required and not optional:
            # Only cue words are left ("主要指标由哪个部门牵头"): a run of them the document writes is the topic.
            written = next((w for chunk in _TOPIC_SPLIT.split(rest) if (w := self._written_run(chunk))), "")
            if written:
                return [written], [], [(written, [written])]
        return list(dict.fromkeys(required)), list(dict.fromkeys(optional)), phrases

    def _written_run(self, chunk: str) -> str:
        """The longest stretch of `chunk`, four characters or more and all cue words, that a row writes
        (compared without segmenting: a question of cue words alone never loads the segmenter)."""
        catalog = self.lexicon.catalog
        for size in range(len(chunk), _WRITTEN_RUN - 1, -1):
            for start in range(len(chunk) - size + 1):
                span = chunk[start:start + size]
                if _HAS_WORD.match(span) and catalog.containing(span) and self._only_stop(span):
                    return span
        return ""

    def _intent(self, query: Query, focus: str, found: dict[str, list[str]]) -> Intent:
        asks_leader = bool(found["who_leader"])
        # "谁" inside "领导是谁" asks which leader, not which unit.
        asks_unit = any(not any(cue in phrase for phrase in found["who_leader"]) for cue in found["who_unit"])
        asks_number = bool(found["number"]) and not query.count
        if "off_topic" in query.shapes:
            return "none"
        years = {int(y) for match in self._year.finditer(focus) for y in match.groups() if y}
        if "other_year" in query.shapes or (years and self.lexicon.catalog.year not in years):
            return "other_year"
        # No name and no topic word worth the name: the question is about the document's shape.
        plain = not (query.units or query.leaders or query.categories or any(len(t) > 1 for t in query.terms))
        if query.has_note and plain:
            return "notes"
        if plain and query.shapes & {"multi_lead", "leaders_overview", "units_overview", "star_meaning"}:
            return "multi_lead" if "multi_lead" in query.shapes else "overview"
        if query.units:
            if (asks_leader or asks_unit) and not query.leaders:
                return "unit_leader"
            return "count" if query.count else "unit_items"
        if query.leaders:
            return "count" if query.count else "leader_items"
        if query.categories:
            return "count" if query.count else "category"
        if query.terms or query.optional_terms:
            if asks_leader and not asks_unit:
                return "topic_leader"
            if asks_unit:
                return "topic_units"
            if asks_number:
                return "number"
            return "count" if query.count else "keyword"
        if found["help"]:
            return "help"
        if query.count:  # "一共有多少项工作": nothing named, so the whole document (or the kind or role asked)
            return "count"
        if query.kind and self.lexicon.cues.found("list", focus):
            return "keyword"
        return "none"


def _role(found: dict[str, list[str]]) -> Role | None:
    """The role asked about; "牵头或参与" asks for both, so none."""
    if found["not_lead"] or (found["support"] and not found["lead"]):
        return "support"
    if found["lead"] and not found["support"]:
        return "lead"
    return None


def _kind(found: dict[str, list[str]]) -> TableKind | None:
    if found["livelihood"] and not found["key_task"]:
        return "livelihood"
    if found["key_task"] and not found["livelihood"]:
        return "key_task"
    return None


def _with_names(query: Query, names: _Names, refusal: _Refusal | None = None) -> Query:
    """The query with the names read, or refused with the name it will not guess."""
    query = replace(query, units=list(names.units), leaders=list(names.leaders), categories=list(names.categories),
                    notes=list(names.notes), suggestions=list(refusal.suggestions if refusal else names.suggestions))
    if refusal is not None:
        query = replace(query, intent=refusal.intent, unknown=refusal.unknown)
    return query


def _cover(word: str, parts: list[str]) -> list[str]:
    """Non-overlapping parts that spell `word` from left to right, longest first at each step ([] if none)."""
    cover: list[str] = []
    position = 0
    while position < len(word):
        part = max((p for p in parts if word.startswith(p, position)), key=len, default="")
        if not part:
            return []
        cover.append(part)
        position += len(part)
    return cover


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = _GAP
    return "".join(chars)


__all__ = ["Parser", "Query", "Role"]
