"""Units as the document means them: canonical names, spellings and groups, from the language data."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from knowledge.kinds import UnitKind
from knowledge.language import (
    DATA,
    PLACES,
    READER_FILES,
    DocumentPlace,
    GroupSpec,
    Language,
    PlaceData,
    Places,
    document_place,
    language,
    unit_forms_data,
)

BUNDLED_DOCUMENT = DATA / "lucheng-2023-tasks.txt"

_PARENS = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": "", '"': "“"})


def second_name(key: str) -> tuple[str, str] | None:
    """X（Y） → (X, Y), split at the first （ after the first character (a pattern such as ^(.+?)（(.+)）$
    would retry every （ against the whole rest: quadratic on a cell full of parentheses)."""
    if not key.endswith("）"):
        return None
    opening = key.find("（", 1)
    if opening < 0 or opening + 1 >= len(key) - 1:
        return None
    return key[:opening], key[opening + 1:-1]


class VocabularyError(ValueError):
    """The unit data files contradict themselves; the message names the entry."""


@dataclass(frozen=True)
class GroupInfo:
    """A group addressee: which kind of unit it addresses and how answers explain it."""

    covers: str
    all: bool
    explain: str


@dataclass
class UnitEntry:
    """A canonical unit and every spelling that means it."""

    name: str
    kind: UnitKind
    aliases: set[str] = field(default_factory=set)
    group: GroupInfo | None = None


def spelling(name: str) -> str:
    """The form used to compare spellings: full-width parentheses, no spaces, no `*`."""
    return name.strip().lstrip("*＊").translate(_PARENS)


class Vocabulary:
    """Resolves names as written to canonical units; learns the document's new units as it goes."""

    def __init__(self, units: list[UnitEntry], streets: Iterable[str], street_suffixes: Iterable[str],
                 group_patterns: list[tuple[str, GroupInfo]], unit_prefixes: Iterable[str],
                 qualifiers: Iterable[str], places: Places | None = None, group_prefix: str = "") -> None:
        self.entries: dict[str, UnitEntry] = {}
        # How governments below the document's are named (bodies.toml): their groups and their own names.
        self.places = places
        self.group_prefix = group_prefix
        self._lookup: dict[str, str] = {}
        self.streets = list(streets)
        self.street_suffixes = tuple(street_suffixes)
        self.group_patterns = group_patterns
        self.unit_prefixes = tuple(unit_prefixes)
        self.qualifiers = frozenset(qualifiers)
        for entry in units:
            self._add(entry)
        for street in streets:
            if spelling(street) not in self._lookup:
                self._add(UnitEntry(street, "street"))

    def _add(self, entry: UnitEntry) -> None:
        for name in {entry.name, *entry.aliases}:
            key = spelling(name)
            owner = self._lookup.get(key)
            if owner is not None and owner != entry.name:
                raise VocabularyError(f"“{name}”同时是“{owner}”和“{entry.name}”的名称：每个别名只能属于一个单位")
            self._lookup[key] = entry.name
        self.entries[entry.name] = entry

    def is_group(self, name: str) -> bool:
        """Whether a written name is a group addressee rather than one body."""
        key = spelling(name)
        owner = self._lookup.get(key)
        if owner is not None:
            return self.entries[owner].kind == "group"
        return any(key.endswith(suffix) for suffix, _ in self.group_patterns)

    def resolve(self, written: str) -> UnitEntry:
        """The unit a name as written means, creating it (with derived spellings) if new."""
        key = spelling(written)
        if owner := self._lookup.get(key):
            return self.entries[owner]
        if self.places is not None and (covers := self.places.government_group(key, self.group_prefix)):
            # "各县、市、区政府", "各县（市、区）政府（管委会）": every county together, however written
            entry = UnitEntry(key, "group", group=GroupInfo(covers=covers, all=True,
                                                           explain=self.places.government_explain.format(name=key)))
            self._add(entry)
            return entry
        if parts := second_name(key):
            first, second = parts
            entry = self.resolve(first)
            names = [key] if second in self.qualifiers else [key, second]
            for name in names:
                if spelling(name) not in self._lookup:
                    entry.aliases.add(name)
                    self._lookup[spelling(name)] = entry.name
            return entry
        for suffix, info in self.group_patterns:
            if key.endswith(suffix):
                entry = UnitEntry(key, "group", group=info)
                self._add(entry)
                return entry
        kind: UnitKind = "street" if key.endswith(self.street_suffixes) else \
            "county" if self.places is not None and self.places.county(key) else "department"
        entry = UnitEntry(key, kind)
        self._add(entry)
        self._add_short_form(entry)
        return entry

    def _add_short_form(self, entry: UnitEntry) -> None:
        # "区民政局" is typed "民政局"; only when that short form means nothing else already.
        short = entry.name[1:] if entry.name.startswith(self.unit_prefixes) and len(entry.name) > 3 else ""
        if entry.kind == "street":
            short = next((entry.name.removesuffix(s) for s in self.street_suffixes
                          if entry.name.endswith(s) and len(entry.name) - len(s) >= 2), "")
        if entry.kind == "county" and self.places is not None:  # 莲都区人民政府 is typed 莲都区
            short = self.places.county(entry.name)
        if short and spelling(short) not in self._lookup:
            entry.aliases.add(short)
            self._lookup[spelling(short)] = entry.name

    def finish(self) -> None:
        """Give every listed unit its derived short form too (after the document's names are in)."""
        for entry in list(self.entries.values()):
            if entry.kind != "group":
                self._add_short_form(entry)


def _group_info(spec: GroupSpec) -> GroupInfo:
    return GroupInfo(covers=spec.covers, all=spec.all, explain=spec.explain)


def load_vocabulary(data: Language | None = None, place: DocumentPlace | None = None,
                    overrides: PlaceData | None = None) -> Vocabulary:
    """A fresh vocabulary for a document of `place`: the groups of its level and the naming rules of the language
    data, with what its place file (or the operator's `overrides`) adds: streets and bodies' other spellings."""
    data = data or language()
    place = place or document_place("", data)
    entries = [UnitEntry(name=u.name, kind=u.kind, aliases=set(u.aliases)) for u in overrides.units] if overrides else []
    entries += [UnitEntry(name=g.name, kind="group", aliases=set(g.aliases), group=_group_info(g))
                for g in _groups(data, place, overrides)]
    patterns = [(p.suffix, _group_info(p)) for p in data.places.group_patterns]
    return Vocabulary(entries, overrides.streets if overrides else (), data.places.street_suffixes, patterns,
                      place.unit_prefixes, data.qualifiers, data.places, unit_forms_data().group_prefix)


def _groups(data: Language, place: DocumentPlace, overrides: PlaceData | None) -> list[GroupSpec]:
    """The place file's groups, then those of the document's level (a name the place file gives wins)."""
    own = list(overrides.groups) if overrides else []
    return own + [g for g in data.places.groups_at(place.level) if g.name not in {o.name for o in own}]


@dataclass(frozen=True)
class Spellings:
    """A document's units as its import derived them, for its catalog."""

    # The place file's bodies, streets and groups: in the catalog even when no row names them.
    kept: frozenset[str]
    # Every unit's spellings (sorted, as the units table lists them).
    aliases: dict[str, tuple[str, ...]]


def document_spellings(place: DocumentPlace, overrides: PlaceData | None, written: Iterable[tuple[str, str]],
                       data: Language | None = None) -> Spellings:
    """The spellings a document's own import gave its units: the vocabulary of its place replayed over the names
    it writes, each with the unit it was stored as (in document order, as knowledge/ingest/store.py resolves
    them). Not the units table every document shares: another district's 区发改局 must not answer to this
    one's 六重办, nor a county's 县民政局 to another county's place file."""
    data = data or language()
    vocabulary = load_vocabulary(data, place, overrides)
    pairs = list(written)
    for name, _unit in pairs:
        vocabulary.resolve(name)
    for name, unit in pairs:
        if vocabulary.resolve(name).name != unit:  # a level prefix on the list's first unit qualified it
            vocabulary.resolve(unit)
    vocabulary.finish()
    aliases = {e.name: tuple(sorted(a for a in e.aliases if spelling(a) != spelling(e.name)))
               for e in vocabulary.entries.values()}
    kept = {*(u.name for u in overrides.units), *overrides.streets, *(g.name for g in overrides.groups)} \
        if overrides else set()
    return Spellings(frozenset(kept), aliases)


@cache
def data_fingerprint() -> str:
    """A digest of the data files the document reader uses: an import made with other data is out of date."""
    digest = hashlib.sha256()
    for path in [*(DATA / name for name in READER_FILES), *sorted(PLACES.glob("*.toml"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
