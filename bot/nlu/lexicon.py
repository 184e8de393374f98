"""The lexicon: every name the document gives to units, leaders and categories, and the cue phrases.

Built once per knowledge-base revision from the catalog and `knowledge/data/cues.toml`.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from knowledge.catalog import Catalog

CUES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "cues.toml"
PLACES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "places.toml"
TOPICS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "topics.toml"
# Endings a unit's name sheds in speech ("住建局" → "住建"), when what remains is no word of the document.
_SPOKEN_ENDINGS = ("分局", "局", "委", "办")
# A city body's district branch ("电信鹿城分局"), typed as district + body ("鹿城电信").
_BRANCH_ENDINGS = ("分公司", "分局", "管理部")
# Abbreviated titles ("林常务") and the full title they stand for.
_TITLE_ABBREVIATIONS = {"常务": "常务副区长"}
# Ways people address a district leader after the surname ("伍区长").
LEADER_FORMS = ("常务副区长", "副区长", "区长", "常委", "书记", "副书记", "部长", "主任", "常务")


@dataclass(frozen=True, slots=True)
class Entity:
    """What a surface form means: a unit, street, group, leader or category, by canonical name."""

    type: str
    name: str
    exact: bool = True
    # A bare title ("常务副区长") names its holder only when the question names nobody else.
    weak: bool = False


@dataclass
class Cues:
    """Cue phrase lists, each sorted longest first."""

    lists: dict[str, tuple[str, ...]]

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.lists.get(name, ())

    def found(self, name: str, text: str) -> list[str]:
        """The cue phrases of list `name` that occur in `text`."""
        return [cue for cue in self[name] if cue in text]


def load_cues(path: Path = CUES_FILE) -> Cues:
    """Read cues.toml into flat lists named `table.key` and by key alone."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lists: dict[str, tuple[str, ...]] = {}
    for table in data.values():
        for key, values in table.items():
            lists[key] = tuple(sorted({str(v) for v in values}, key=len, reverse=True))
    return Cues(lists)


@dataclass
class Lexicon:
    """Surface forms → entities, plus the cue lists; pure data, no database."""

    catalog: Catalog
    cues: Cues
    surfaces: dict[str, list[Entity]] = field(default_factory=dict)
    own_places: frozenset[str] = frozenset()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keep_whole: frozenset[str] = frozenset()

    @classmethod
    def build(cls, catalog: Catalog, cues: Cues | None = None) -> Lexicon:
        """Gather every name: unit names and spellings, leaders and their address forms, categories."""
        lexicon = cls(catalog=catalog, cues=cues or load_cues())
        table: defaultdict[str, dict[Entity, None]] = defaultdict(dict)
        for unit in catalog.units.values():
            kind = "group" if unit.kind == "group" else ("street" if unit.kind == "street" else "unit")
            for surface in (unit.name, *unit.aliases):
                table[surface][Entity(kind, unit.name, exact=surface == unit.name)] = None
        for leader, titles in catalog.leader_titles.items():
            table[leader][Entity("leader", leader)] = None
            for form in dict.fromkeys((*titles, *LEADER_FORMS)):
                # The leader's own title makes "伍常委" certain; a generic one ("张区长") may mean another 张.
                own = form in titles or _TITLE_ABBREVIATIONS.get(form) in titles
                table[leader[0] + form][Entity("leader", leader, exact=own)] = None
                table[leader + form][Entity("leader", leader)] = None
        holders: defaultdict[str, list[str]] = defaultdict(list)
        for leader, titles in catalog.leader_titles.items():
            for title in titles:
                holders[title].append(leader)
        for title, leaders in holders.items():
            # "常务副区长" alone names its one holder; "副区长" alone is several people: ask back.
            for leader in leaders:
                table[title][Entity("leader", leader, exact=len(leaders) == 1, weak=True)] = None
        for category in catalog.categories:
            table[category][Entity("category", category)] = None
        places = tomllib.loads(PLACES_FILE.read_text(encoding="utf-8"))
        lexicon._add_spoken_forms(table, str(places.get("district", "")).removesuffix("区").removesuffix("县"))
        # Quoted second nameplates are typed without the 区 ("“两个健康”办") and without the quotes.
        for surface, entities in list(table.items()):
            for variant in (surface[1:] if surface.startswith("区") and "“" in surface else "",
                            surface.replace("“", "").replace("”", "")):
                if len(variant) >= 3 and variant not in table:
                    table[variant] = dict(entities)
        lexicon.surfaces = {surface: list(entities) for surface, entities in table.items() if len(surface) >= 2}
        lexicon.own_places = frozenset(str(p) for p in places.get("own_places", []))
        topics = tomllib.loads(TOPICS_FILE.read_text(encoding="utf-8"))
        lexicon.synonyms = {str(k): tuple(str(v) for v in vs) for k, vs in topics.get("synonyms", {}).items()}
        lexicon.keep_whole = frozenset(str(w) for w in topics.get("segmentation", {}).get("keep", []))
        return lexicon

    def _add_spoken_forms(self, table: dict[str, dict[Entity, None]], district: str) -> None:
        """"住建", "发改", "资规": names without 区 and without their 局/委/办; "鹿城电信" for 电信鹿城分局 —
        where unambiguous and not a word of the document."""
        owners: defaultdict[str, set[str]] = defaultdict(set)
        for surface, entities in table.items():
            units = {e.name for e in entities if e.type == "unit"}
            if len(units) != 1:
                continue
            if district and district in surface[1:]:
                base = surface.removeprefix("市").replace(district, "")
                for ending in _BRANCH_ENDINGS:
                    base = base.removesuffix(ending)
                if len(base) >= 2:
                    owners[district + base].update(units)
            for ending in _SPOKEN_ENDINGS:
                if surface.endswith(ending):
                    form = surface.removeprefix("区").removeprefix("市").removesuffix(ending)
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
    def unit_surfaces(self) -> dict[str, str]:
        """Every spelling of a unit or street → its canonical name (for fuzzy matching)."""
        return {surface: entities[0].name for surface, entities in self.surfaces.items()
                if len(entities) == 1 and entities[0].type in ("unit", "street")}

    @cached_property
    def short_unit_surfaces(self) -> dict[str, str]:
        """Two-character spellings of units (残联, 妇联): the ones a one-character typo can still be matched to."""
        return {surface: unit for surface, unit in self.unit_surfaces.items() if len(surface) == 2}

    @cached_property
    def words(self) -> set[str]:
        """Every cue phrase and surface: segmentation must keep these whole."""
        words = set(self.surfaces) | set(self.synonyms) | self.keep_whole
        for values in self.cues.lists.values():
            words.update(values)
        return words
