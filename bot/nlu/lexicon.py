"""The lexicon: every name the document gives to units, leaders and categories, and the cue phrases.

Built once per knowledge-base revision from the catalog and the language data (`knowledge.language`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from knowledge.catalog import Catalog
from knowledge.language import (
    Cues,
    DocumentPlace,
    Language,
    document_place,
    document_places,
    language,
    simplified,
)

EntityType = Literal["unit", "street", "group", "leader", "category"]


@dataclass(frozen=True, slots=True)
class Entity:
    """What a surface form means: a unit, street, group, leader or category, by canonical name."""

    type: EntityType
    name: str
    exact: bool = True
    # A bare title ("常务副区长") names its holder only when the question names nobody else.
    weak: bool = False


# Surface form → the entities it may mean, in the order they were found (a dict keeps them unique).
_Table = defaultdict[str, dict[Entity, None]]


@dataclass
class Lexicon:
    """Surface forms → entities, plus the language data; pure data, no database."""

    catalog: Catalog
    language: Language
    # Where the document says it is from, and the place words derived from it.
    place: DocumentPlace = field(default_factory=lambda: document_place(""))
    surfaces: dict[str, list[Entity]] = field(default_factory=dict)
    # Ways a question names this district or city, and the document's own places and year: no topic words.
    own_places: frozenset[str] = frozenset()
    document_words: frozenset[str] = frozenset()
    # The cue phrases at the document's level ("哪位{level}领导" → 哪位县领导); the language's as written until built.
    level_cues: Cues | None = None

    @classmethod
    def build(cls, catalog: Catalog, data: Language | None = None) -> Lexicon:
        """Gather every name: unit names and spellings, leaders and their address forms, categories."""
        data = data or language()
        place = document_place(catalog.place or catalog.title, data)
        table: _Table = defaultdict(dict)
        _add_units(table, catalog)
        _add_leaders(table, catalog, data.titles.address_forms(_level(place.local, data.titles.levels)),
                     data.titles.abbreviations)
        for category in catalog.categories:
            table[category][Entity("category", category)] = None
        lexicon = cls(catalog=catalog, language=data, place=place, own_places=place.own_places,
                      document_words=_document_words(catalog, data),
                      level_cues=data.cues.at(catalog.wording.level, catalog.wording.leader))
        lexicon._add_spoken_forms(table, _bare(place.local, data.names.levels))
        _add_unquoted(table, place.unit_prefixes)
        lexicon.surfaces = {surface: list(entities) for surface, entities in table.items() if len(surface) >= 2}
        return lexicon

    @property
    def cues(self) -> Cues:
        return self.level_cues or self.language.cues

    @property
    def synonyms(self) -> Mapping[str, tuple[str, ...]]:
        return self.language.topics.synonyms

    def _add_spoken_forms(self, table: _Table, district: str) -> None:
        """"住建", "发改", "资规": names without 区 and without their 局/委/办; "鹿城电信" for 电信鹿城分局 —
        where unambiguous and not a word of the document."""
        names = self.language.names
        prefixes = self.place.unit_prefixes
        # A city body ("市自然资源和规划局鹿城分局") is written with the city's level before it.
        city_level = _level(self.place.parent, names.levels)
        owners: defaultdict[str, set[str]] = defaultdict(set)
        for surface, entities in table.items():
            units = {e.name for e in entities if e.type == "unit"}
            if len(units) != 1:
                continue
            if district and district in surface[1:]:
                base = surface.removeprefix(city_level).replace(district, "")
                for ending in names.branch_endings:
                    base = base.removesuffix(ending)
                if len(base) >= 2:
                    owners[district + base].update(units)
            for ending in names.spoken_endings:
                if surface.endswith(ending):
                    form = _without_prefix(surface, prefixes).removesuffix(ending)
                    if len(form) >= 2 and "（" not in form:
                        owners[form].update(units)
                    break
        for form, units in owners.items():
            if len(units) == 1 and form not in table and not self.catalog.containing(form):
                table[form][Entity("unit", next(iter(units)), exact=False)] = None

    @cached_property
    def by_first_char(self) -> dict[str, list[str]]:
        """Surfaces grouped by first character, longest first: the scan's lookup table."""
        index: defaultdict[str, list[str]] = defaultdict(list)
        for surface in self.surfaces:
            index[surface[0]].append(surface)
        return {char: sorted(forms, key=len, reverse=True) for char, forms in index.items()}

    @cached_property
    def lengths_by_first_char(self) -> dict[str, tuple[int, ...]]:
        """The lengths of the surfaces starting with each character, longest first: the scan tries one
        slice per length instead of every surface that starts with the character."""
        return {char: tuple(sorted({len(f) for f in forms}, reverse=True)) for char, forms in self.by_first_char.items()}

    @cached_property
    def unit_surfaces(self) -> dict[str, str]:
        """Every spelling of a unit or street → its canonical name (for fuzzy matching)."""
        return {surface: entities[0].name for surface, entities in self.surfaces.items()
                if len(entities) == 1 and entities[0].type in ("unit", "street")}

    @cached_property
    def unit_surface_list(self) -> list[str]:
        """`unit_surfaces`' spellings in order, as fuzzy matching takes them."""
        return list(self.unit_surfaces)

    @cached_property
    def unit_surfaces_by_ends(self) -> dict[tuple[int, str, str], list[str]]:
        """`unit_surfaces`' spellings by (length, first character, last character), in order: a name one
        character off, or sounding alike, is looked for only among spellings of its shape."""
        index: defaultdict[tuple[int, str, str], list[str]] = defaultdict(list)
        for surface in self.unit_surfaces:
            index[len(surface), surface[0], surface[-1]].append(surface)
        return dict(index)

    @cached_property
    def unit_surfaces_by_end(self) -> dict[tuple[int, str], list[str]]:
        """`unit_surfaces`' spellings by (length, last character), in order."""
        index: defaultdict[tuple[int, str], list[str]] = defaultdict(list)
        for surface in self.unit_surfaces:
            index[len(surface), surface[-1]].append(surface)
        return dict(index)

    @cached_property
    def short_unit_surfaces(self) -> dict[str, str]:
        """Two-character spellings of units (残联, 妇联): the ones a one-character typo can still be matched to."""
        return {surface: unit for surface, unit in self.unit_surfaces.items() if len(surface) == 2}

    @cached_property
    def unit_names(self) -> tuple[tuple[str, str], ...]:
        """(unit, its name in simplified script) for every body and street, in document order: what
        bot/nlu/unit_names.py cuts into the stretches and abbreviations people type."""
        return tuple((u.name, simplified(u.name)) for u in self.catalog.units.values() if u.kind != "group")

    @cached_property
    def unit_names_text(self) -> str:
        """Those names one a line: a stretch of a question found in none of them names no unit (checked
        before any name is cut into words)."""
        return "\n".join(name for _, name in self.unit_names)

    @cached_property
    def unit_name_characters(self) -> frozenset[str]:
        """Every character of those names: a word with any other character abbreviates none of them."""
        return frozenset(self.unit_names_text)

    @cached_property
    def words(self) -> set[str]:
        """Every cue phrase and surface: segmentation must keep these whole."""
        words = set(self.surfaces) | set(self.synonyms) | self.language.topics.keep | self.document_words
        for values in self.cues.lists.values():
            words.update(values)
        return words


def _add_units(table: _Table, catalog: Catalog) -> None:
    """Every unit's name and spellings."""
    for unit in catalog.units.values():
        kind: EntityType = "group" if unit.kind == "group" else ("street" if unit.kind == "street" else "unit")
        for surface in (unit.name, *unit.aliases):
            table[surface][Entity(kind, unit.name, exact=surface == unit.name)] = None


def _add_leaders(table: _Table, catalog: Catalog, forms: Iterable[str], abbreviations: Mapping[str, str]) -> None:
    """Leaders by name, by name or surname with a title ("伍常委", "张区长"), and by a title alone."""
    forms = tuple(forms)
    for leader, titles in catalog.leader_titles.items():
        # A name the document writes in traditional script is asked in simplified (欧乾震 → 欧干震).
        for written in dict.fromkeys((leader, simplified(leader))):
            table[written][Entity("leader", leader)] = None
            for form in dict.fromkeys((*titles, *forms)):
                # The leader's own title makes "伍常委" certain; a generic one ("张区长") may mean another 张.
                own = form in titles or abbreviations.get(form) in titles
                table[written[0] + form][Entity("leader", leader, exact=own)] = None
                table[written + form][Entity("leader", leader)] = None
    holders: defaultdict[str, list[str]] = defaultdict(list)
    for leader, titles in catalog.leader_titles.items():
        for title in titles:
            holders[title].append(leader)
    for title, leaders in holders.items():
        # "常务副区长" alone names its one holder; "副区长" alone is several people: ask back.
        for leader in leaders:
            table[title][Entity("leader", leader, exact=len(leaders) == 1, weak=True)] = None


def _add_unquoted(table: _Table, prefixes: tuple[str, ...]) -> None:
    """Quoted second nameplates are typed without the 区 ("“两个健康”办") and without the quotes."""
    for surface, entities in list(table.items()):
        for variant in (surface[1:] if surface.startswith(prefixes) and "“" in surface else "",
                        surface.replace("“", "").replace("”", "")):
            if len(variant) >= 3 and variant not in table:
                table[variant] = dict(entities)


def _document_words(catalog: Catalog, data: Language) -> frozenset[str]:
    """The stored document's own places and year ("鹿城区", "2023年"): a question naming them still asks
    about this document, so they are no topic words. Derived from the document, never listed as data."""
    years = [form.format(year=catalog.year) for form in data.names.year_forms] if catalog.year else []
    return frozenset([*document_places(catalog.title, data.names.levels), *years])


def _level(place: str, levels: Iterable[str]) -> str:
    """The level of government a place name ends with ("鹿城区" → "区"; "" if none)."""
    return next((level for level in levels if place.endswith(level)), "")


def _bare(place: str, levels: Iterable[str]) -> str:
    """A place name without its level ("鹿城区" → "鹿城")."""
    level = _level(place, levels)
    return place.removesuffix(level) if level else place


def _without_prefix(surface: str, prefixes: Iterable[str]) -> str:
    """A unit's name without the level it starts with ("区住建局" → "住建局")."""
    for prefix in prefixes:
        surface = surface.removeprefix(prefix)
    return surface
