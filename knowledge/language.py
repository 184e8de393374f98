"""Every language data file under knowledge/data/, read once into frozen typed objects.

`cues.toml` (intent cue phrases, stop words), `topics.toml` (everyday synonyms, words kept whole),
`grammar.toml` (counting, name endings, levels of government, figure measures, command words),
`titles.toml` (leader titles), `bodies.toml` (how any government's bodies, streets, group addressees and own
place are named), `unit_forms.toml` (the short forms of bodies' names), `places/*.toml` (what one place's
documents name that no rule derives: chosen by the document's place, or given by an operator at import),
`layouts.toml` (how task tables are written: header words by column role, lead marks, unit endings, page frame),
`notice.toml` (the bundled notice's column headers), `dialogue.toml` (the conversation's words).
Nothing else opens these files. A key a file does not define is an error naming the file and the key,
so a misspelt list name never silently turns a rule off.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from knowledge.kinds import TableKind, UnitKind, unit_kind

DATA = Path(__file__).with_name("data")
# The files whose words the document reader uses: an import made with other ones is out of date.
READER_FILES = ("bodies.toml", "titles.toml")
# One file per place whose documents name what no rule derives (its streets, its bodies' other spellings).
PLACES = DATA / "places"

# cues.toml: table → the cue lists it holds. The parser reads each list by its name.
CUE_LISTS: Mapping[str, tuple[str, ...]] = {
    "role": ("lead", "support", "contrast", "not_lead"),
    "kind": ("livelihood", "key_task"),
    "ask": ("who_unit", "who_leader", "number", "count_measures", "list", "help", "together", "topic", "has_note",
            "separately"),
    "shape": ("off_topic", "other_year", "multi_lead", "leaders_overview", "units_overview", "star_meaning"),
    "words": ("stop", "action"),
}

# layouts.toml [columns]: the roles a column of a task table can have, in the order a header word is claimed
# (a word listed under two roles takes the first).
ColumnRole = Literal["no", "group", "text", "lead", "units", "support", "leader", "deadline", "note", "extra"]
COLUMN_ROLES: tuple[ColumnRole, ...] = ("no", "group", "text", "lead", "units", "support", "leader", "deadline",
                                        "note", "extra")


# A cue phrase written for any level of government ("哪位{level}领导"): filled with the document's level.
LEVEL = "{level}"


def at_level(words: Iterable[str], level: str) -> tuple[str, ...]:
    """`words` for a document of `level`: "{level}领导" → 县领导 in a 县 document. A phrase naming the level is
    left out where the document does not say its level ("{level}长" would read 长)."""
    filled = (w.replace(LEVEL, level) if LEVEL in w else w for w in words if level or LEVEL not in w)
    return tuple(dict.fromkeys(filled))


def at_every_level(words: Iterable[str], levels: Iterable[str]) -> tuple[str, ...]:
    """`words` with each phrase written for any level ("牵头{level}领导") once for every one of `levels`:
    a reader's list, which must know every level's words before it knows the document's."""
    levels = tuple(levels)
    return tuple(dict.fromkeys(w.replace(LEVEL, level) for w in words for level in (levels if LEVEL in w else ("",))))


class LanguageError(ValueError):
    """A language data file has a key it should not, or a value of the wrong type; the message names both."""


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue phrase lists by name, each sorted longest first."""

    lists: Mapping[str, tuple[str, ...]]

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.lists.get(name, ())

    def found(self, name: str, text: str) -> list[str]:
        """The cue phrases of list `name` that occur in `text`."""
        return [cue for cue in self[name] if cue in text]

    def at(self, level: str, leader: str = "") -> Cues:
        """The lists for a document of `level` (see at_level), each still longest first; the document's own word
        for its leaders (its leader column's header, "责任领导") asks which leader, as 分管领导 does."""
        own = {"who_leader": (leader,)} if leader else {}
        return Cues({name: tuple(sorted(at_level((*words, *own.get(name, ())), level), key=len, reverse=True))
                     for name, words in self.lists.items()})


@dataclass(frozen=True, slots=True)
class Topics:
    """Everyday words → the document's words, and document words segmentation must keep whole."""

    synonyms: Mapping[str, tuple[str, ...]]
    keep: frozenset[str]


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A body as a place file lists it."""

    name: str
    kind: UnitKind
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A group addressee (各街镇 …), or with `suffix` a pattern of them, as bodies.toml lists it."""

    name: str
    aliases: tuple[str, ...]
    covers: str
    all: bool
    explain: str
    suffix: str = ""

    def at(self, level: str) -> GroupSpec:
        """The group of a document of this level ("全{level}各部门" → 全县各部门)."""
        return GroupSpec(self.name.format(level=level), tuple(a.format(level=level) for a in self.aliases),
                         self.covers, self.all, self.explain.format(level=level), self.suffix)


@dataclass(frozen=True, slots=True)
class Places:
    """How any place's streets, own-place words and group addressees are named (bodies.toml)."""

    street_suffixes: tuple[str, ...]
    # Sentence openers that are no place's first characters ("根据市政府…", "经县政府同意").
    not_place_openers: tuple[str, ...]
    # "我{level}", "全{level}": filled with each level of the places the document's title names.
    own_words: tuple[str, ...]
    groups: tuple[GroupSpec, ...]
    group_patterns: tuple[GroupSpec, ...]
    # Governments below the document's (kind "county"): the levels their names end with, what may follow a
    # place's name in a body's name (人民政府, （管委会）), and words ending in a level that name no place.
    county_levels: tuple[str, ...] = ()
    government_endings: tuple[str, ...] = ()
    not_counties: tuple[str, ...] = ()
    # A group addressee naming a level's governments together: the kind of unit ("county", "street") → its
    # level words, and how answers explain the group ("{name}共同承担").
    government_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    government_explain: str = ""
    # Labels of a page's source chrome (信息来源：丽水市政府) and issuers written by their level only (市人民政府决定).
    source_labels: tuple[str, ...] = ()
    level_issuers: tuple[str, ...] = ()

    def government_group(self, name: str, prefix: str) -> str:
        """The kind of unit an addressee names every one of ("各县、市、区政府", "各县（市、区）政府（管委会）" →
        county; "各乡镇人民政府" → street), "" when it is no such group: `prefix` (各), then nothing but the level
        words, 、 and parentheses, then government endings."""
        text = simplified("".join(name.split()))
        if not prefix or not text.startswith(prefix):
            return ""
        rest = text[len(prefix):]
        endings = sorted(self.government_endings, key=len, reverse=True)
        while ending := next((e for e in endings if rest.endswith(e) and len(rest) > len(e)), ""):
            rest = rest.removesuffix(ending)
        rest = re.sub(r"[、，,（）()]", "", rest)
        for kind, words in self.government_groups.items():
            left = rest
            for word in sorted(words, key=len, reverse=True):
                left = left.replace(word, "")
            if rest and not left:
                return kind
        return ""

    def county(self, name: str) -> str:
        """The place a body's name names a government of ("青田县", "莲都区人民政府" → 莲都区; "" for any other
        body): two to six characters ending in a county level, then government endings or nothing."""
        text = simplified("".join(name.split()))
        endings = sorted(self.government_endings, key=len, reverse=True)
        while ending := next((e for e in endings if text.endswith(e) and len(text) > len(e)), ""):
            text = text.removesuffix(ending)
        if not (3 <= len(text) <= 7 and text.endswith(self.county_levels)) or text.endswith(self.not_counties):
            return ""
        if not re.fullmatch(r"[\u4e00-\u9fff]+", text) or text.startswith(self.not_place_openers):
            return ""
        return text

    def groups_at(self, level: str) -> tuple[GroupSpec, ...]:
        """The groups of a document of this level; those named after a level are left out when it is unknown."""
        return tuple(g.at(level) for g in self.groups if level or "{level}" not in g.name)


@dataclass(frozen=True, slots=True)
class PlaceData:
    """What one place's documents name that no rule derives: a file of knowledge/data/places/ or an operator's."""

    source: str
    # The place as a title writes it ("温州市鹿城区"); empty in an operator's file given for one document.
    place: str
    streets: tuple[str, ...]
    units: tuple[UnitSpec, ...]
    groups: tuple[GroupSpec, ...]


@dataclass(frozen=True, slots=True)
class DocumentPlace:
    """Where a document is from, read from the document itself: the places its title names, most general first."""

    names: tuple[str, ...]
    # Ways a question names this government or the one above it (鹿城区, 鹿城, 我区, 全市 …).
    own_places: frozenset[str]
    # The levels a unit's name starts with ("区民政局", "市公安局…"), most local first.
    unit_prefixes: tuple[str, ...]
    level: str

    @property
    def local(self) -> str:
        """The most local place ("鹿城区"), or ""."""
        return self.names[-1] if self.names else ""

    @property
    def parent(self) -> str:
        """The place above it as the title names it ("温州市"), or ""."""
        return self.names[-2] if len(self.names) >= 2 else ""


@dataclass(frozen=True, slots=True)
class Titles:
    """Leader titles: one list for the document reader and the lexicon."""

    titles: tuple[str, ...]
    levels: tuple[str, ...]
    abbreviations: Mapping[str, str]
    # Surnames, compound ones too: where a table's cells ran together, a leader's name is found by its surname.
    surnames: tuple[str, ...] = ()
    # Bodies a title is held in (委, 政府 …), written between a level and the title: 市委常委.
    organs: tuple[str, ...] = ()

    def address_forms(self, level: str) -> tuple[str, ...]:
        """Titles people put after a leader's surname in a document of this level ("区"), and the
        abbreviations: a title naming another level (市长) is no leader of this document."""
        own = [t for t in self.titles if not any(other in t for other in self.levels if other != level)]
        return tuple(dict.fromkeys([*own, *self.abbreviations]))


@dataclass(frozen=True, slots=True)
class Counting:
    """How a question asks for a number of rows rather than a figure."""

    asks: tuple[str, ...]
    measures: tuple[str, ...]
    classifier: str
    nouns: tuple[str, ...]
    totals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Figures:
    """How a row states a figure: the measures a question may ask for, and what may stand around a number."""

    measures: tuple[str, ...]
    each: str
    magnitudes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Names:
    """The shape of names in questions: bodies' endings, levels of government, row-number words."""

    org_suffixes: tuple[str, ...]
    strong_org_suffixes: tuple[str, ...]
    levels: tuple[str, ...]
    spoken_endings: tuple[str, ...]
    branch_endings: tuple[str, ...]
    role_links: tuple[str, ...]
    livelihood_code: tuple[str, ...]
    ordinal: str
    year_forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Commands:
    """Words the subscription commands take besides names."""

    all: frozenset[str]
    clear: frozenset[str]


@dataclass(frozen=True, slots=True)
class Layouts:
    """How task tables are written, as layouts.toml lists it (the reader folds and orders the words)."""

    columns: Mapping[ColumnRole, tuple[str, ...]]
    lead_marks: tuple[str, ...]
    lead_suffixes: tuple[str, ...]
    all_lead_suffixes: tuple[str, ...]
    trailing_words: tuple[str, ...]
    first_listed: tuple[tuple[str, ...], ...]
    unit_endings: tuple[str, ...]
    group_starts: tuple[str, ...]
    levels: tuple[str, ...]
    leader_verbs: tuple[str, ...]
    chrome_starts: tuple[str, ...]
    footer_starts: tuple[str, ...]
    livelihood: tuple[str, ...]
    key_task: tuple[str, ...]
    trailing_lead_ends: tuple[str, ...]
    trailing_support_ends: tuple[str, ...]
    trailing_joiners: tuple[str, ...]
    trailing_not_units: tuple[str, ...]
    trailing_units_ends: tuple[str, ...] = ()
    # A clause's role said before its units ("主办：市发改委；协办：市财政局") and words before a clause's first name (由)
    trailing_lead_labels: tuple[str, ...] = ()
    trailing_support_labels: tuple[str, ...] = ()
    trailing_leading_words: tuple[str, ...] = ()
    # a page's label before the document's name (名称) and the words a notice's name ends with (通知, 方案)
    title_labels: tuple[str, ...] = ()
    title_ends: tuple[str, ...] = ()
    carry_over: tuple[str, ...] = ()  # "下同": a note in a row's parenthesis holds for the rows after it
    group_names: tuple[str, ...] = ()
    group_tasks: tuple[str, ...] = ()
    # Words a task's text opens with: where a name cell and a content cell ran together, the content starts there.
    text_openers: tuple[str, ...] = ()
    heading_unit_nouns: tuple[str, ...] = ()
    heading_counted: tuple[str, ...] = ()
    group_targets: tuple[str, ...] = ()
    group_endings: tuple[str, ...] = ()

    @property
    def table_names(self) -> Mapping[TableKind, tuple[str, ...]]:
        """The words that name a table of each kind, the usual name first."""
        return {"key_task": self.key_task, "livelihood": self.livelihood}


# notice.toml: the fields a column of the bundled notice's tables fills.
NoticeField = Literal["no", "text", "units", "note", "category", "leader"]


@dataclass(frozen=True, slots=True)
class Notice:
    """The bundled notice's tables: header word → the field its column fills."""

    key_columns: Mapping[str, NoticeField]
    livelihood_columns: Mapping[str, NoticeField]


@dataclass(frozen=True, slots=True)
class Dialogue:
    """dialogue.toml: the conversation's word lists by "table.key" (as written), and its English tables."""

    lists: Mapping[str, tuple[str, ...]]
    letters_share: float
    english_words: Mapping[str, str]
    english_shapes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Language:
    """All of Duban's language data."""

    cues: Cues
    topics: Topics
    # Parentheses that qualify a name ("（筹）") rather than give the body's second nameplate.
    qualifiers: frozenset[str]
    # Kinds of body governments have (审计局, 气象局), without their level: a name one character off the document's
    # unit but spelling another kind is that other body, not a typo.
    body_kinds: frozenset[str]
    places: Places
    titles: Titles
    count: Counting
    figure: Figures
    names: Names
    commands: Commands
    layouts: Layouts
    notice: Notice
    dialogue: Dialogue


class _File:
    """One data file's tables, checked key by key as they are read."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        self.name = path.name
        try:
            self.data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
        except tomllib.TOMLDecodeError as error:
            raise LanguageError(f"{self.name}: {error}") from error

    def table(self, data: Mapping[str, Any], where: str, allowed: Iterable[str]) -> Mapping[str, Any]:
        """`data` after checking it is a table holding no key outside `allowed`."""
        if not isinstance(data, Mapping):
            raise LanguageError(f"{self.name}: '{where}' must be a table")
        known = tuple(allowed)
        for key in data:
            if key not in known:
                place = f"{where}.{key}" if where else key
                raise LanguageError(f"{self.name}: unknown key '{place}' (known here: {', '.join(known)})")
        return data

    def tables(self, key: str, allowed: Iterable[str]) -> list[Mapping[str, Any]]:
        """The array of tables `[[key]]`, each checked."""
        items = self.data.get(key, [])
        if not isinstance(items, list):
            raise LanguageError(f"{self.name}: '{key}' must be an array of tables ([[{key}]])")
        known = tuple(allowed)
        return [self.table(item, f"{key}[{n}]", known) for n, item in enumerate(items)]

    def words(self, data: Mapping[str, Any], key: str, where: str, default: Iterable[str] | None = None
              ) -> tuple[str, ...]:
        """A list of strings (required unless a default is given)."""
        if key not in data:
            if default is None:
                raise LanguageError(f"{self.name}: missing key '{where}{key}'")
            return tuple(default)
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LanguageError(f"{self.name}: '{where}{key}' must be a list of strings")
        return tuple(value)

    def text(self, data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        """One string (required unless a default is given)."""
        value = data.get(key, default)
        if not isinstance(value, str):
            raise LanguageError(f"{self.name}: '{where}{key}' must be a string")
        return value


def _cues(path: Path) -> Cues:
    file = _File(path)
    file.table(file.data, "", CUE_LISTS)
    lists: dict[str, tuple[str, ...]] = {}
    for table, names in CUE_LISTS.items():
        data = file.table(file.data.get(table, {}), table, names)
        for name in names:
            # Longest first, so a phrase wins over a shorter one it contains.
            lists[name] = tuple(sorted(set(file.words(data, name, f"{table}.", ())), key=len, reverse=True))
    return Cues(lists)


def _topics(path: Path) -> Topics:
    file = _File(path)
    file.table(file.data, "", ("synonyms", "segmentation"))
    synonyms = file.table(file.data.get("synonyms", {}), "synonyms", file.data.get("synonyms", {}))
    segmentation = file.table(file.data.get("segmentation", {}), "segmentation", ("keep",))
    return Topics({word: file.words(synonyms, word, "synonyms.") for word in synonyms},
                  frozenset(file.words(segmentation, "keep", "segmentation.", ())))


def _unit_kind(file: _File, value: str) -> UnitKind:
    try:
        return unit_kind(value)
    except ValueError as error:
        raise LanguageError(f"{file.name}: 'unit.kind': {error}") from error


def _unit_specs(file: _File) -> tuple[UnitSpec, ...]:
    return tuple(UnitSpec(file.text(u, "name", "unit."), _unit_kind(file, file.text(u, "kind", "unit.", "department")),
                          file.words(u, "aliases", "unit.", ()))
                 for u in file.tables("unit", ("name", "kind", "aliases")))


def _group(file: _File, data: Mapping[str, Any], where: str) -> GroupSpec:
    all_ = data.get("all", False)
    if not isinstance(all_, bool):
        raise LanguageError(f"{file.name}: '{where}all' must be true or false")
    return GroupSpec(name=file.text(data, "name", where, ""), aliases=file.words(data, "aliases", where, ()),
                     covers=file.text(data, "covers", where, ""), all=all_,
                     explain=file.text(data, "explain", where, ""), suffix=file.text(data, "suffix", where, ""))


_GROUP_KEYS = ("name", "aliases", "covers", "all", "explain")


def _bodies(path: Path) -> tuple[Places, frozenset[str], frozenset[str]]:
    file = _File(path)
    data = file.table(file.data, "", ("qualifiers", "body_kinds", "street_suffixes", "not_place_openers",
                                      "own_words", "county_levels", "government_endings", "not_counties",
                                      "government_group", "group", "group_pattern", "source_labels",
                                      "level_issuers"))
    governments = file.table(data.get("government_group", {}), "government_group.",
                             ("county", "street", "explain"))
    groups = tuple(_group(file, g, "group.") for g in file.tables("group", _GROUP_KEYS))
    patterns = tuple(_group(file, p, "group_pattern.")
                     for p in file.tables("group_pattern", ("suffix", "covers", "all", "explain")))
    places = Places(street_suffixes=file.words(data, "street_suffixes", ""),
                    not_place_openers=file.words(data, "not_place_openers", ""),
                    own_words=file.words(data, "own_words", ""), groups=groups, group_patterns=patterns,
                    county_levels=file.words(data, "county_levels", ""),
                    government_endings=file.words(data, "government_endings", ""),
                    not_counties=file.words(data, "not_counties", ""),
                    government_groups={kind: file.words(governments, kind, "government_group.")
                                       for kind in ("county", "street")},
                    government_explain=file.text(governments, "explain", "government_group."),
                    source_labels=file.words(data, "source_labels", ""),
                    level_issuers=file.words(data, "level_issuers", ""))
    return (places, frozenset(file.words(data, "qualifiers", "", ())),
            frozenset(file.words(data, "body_kinds", "", ())))


def load_place_data(path: Path, text: str | None = None) -> PlaceData:
    """A place file (or an operator's overrides, given as `text`): an unknown key is an error naming it."""
    file = _File(path, text)
    data = file.table(file.data, "", ("place", "streets", "unit", "group"))
    return PlaceData(source=path.name, place=file.text(data, "place", "", ""),
                     streets=file.words(data, "streets", "", ()), units=_unit_specs(file),
                     groups=tuple(_group(file, g, "group.") for g in file.tables("group", _GROUP_KEYS)))


@cache
def place_files() -> tuple[PlaceData, ...]:
    """The bundled place files, read once per process."""
    return tuple(load_place_data(path) for path in sorted(PLACES.glob("*.toml")))


def _titles(path: Path) -> Titles:
    file = _File(path)
    data = file.table(file.data, "", ("titles", "levels", "abbreviations", "surnames", "organs"))
    short = file.table(data.get("abbreviations", {}), "abbreviations", data.get("abbreviations", {}))
    return Titles(file.words(data, "titles", ""), file.words(data, "levels", "", ()),
                  {key: file.text(short, key, "abbreviations.") for key in short},
                  file.words(data, "surnames", "", ()), file.words(data, "organs", "", ()))


_GRAMMAR: Mapping[str, tuple[str, ...]] = {
    "count": ("asks", "measures", "classifier", "nouns", "totals"),
    "figure": ("measures", "each", "magnitudes"),
    "names": ("org_suffixes", "strong_org_suffixes", "levels", "spoken_endings", "branch_endings", "role_links",
              "livelihood_code", "ordinal", "year_forms"),
    "commands": ("all", "clear"),
}


def _grammar(path: Path) -> tuple[Counting, Figures, Names, Commands]:
    file = _File(path)
    file.table(file.data, "", _GRAMMAR)
    part = {name: file.table(file.data.get(name, {}), name, keys) for name, keys in _GRAMMAR.items()}
    count, figure, names, commands = part["count"], part["figure"], part["names"], part["commands"]
    return (
        Counting(asks=file.words(count, "asks", "count."), measures=file.words(count, "measures", "count."),
                 classifier=file.text(count, "classifier", "count."), nouns=file.words(count, "nouns", "count."),
                 totals=file.words(count, "totals", "count.")),
        Figures(measures=file.words(figure, "measures", "figure."), each=file.text(figure, "each", "figure."),
                magnitudes=file.words(figure, "magnitudes", "figure.")),
        Names(org_suffixes=file.words(names, "org_suffixes", "names."),
              strong_org_suffixes=file.words(names, "strong_org_suffixes", "names."),
              levels=file.words(names, "levels", "names."), spoken_endings=file.words(names, "spoken_endings", "names."),
              branch_endings=file.words(names, "branch_endings", "names."),
              role_links=file.words(names, "role_links", "names."),
              livelihood_code=file.words(names, "livelihood_code", "names."),
              ordinal=file.text(names, "ordinal", "names."), year_forms=file.words(names, "year_forms", "names.")),
        Commands(all=frozenset(file.words(commands, "all", "commands.")),
                 clear=frozenset(file.words(commands, "clear", "commands."))),
    )


_LAYOUTS: Mapping[str, tuple[str, ...]] = {
    "columns": COLUMN_ROLES,
    "leads": ("marks", "suffixes", "all_lead_suffixes", "trailing_words", "first_listed", "carry_over"),
    "units": ("endings", "group_starts", "levels"),
    "sections": ("leader_verbs", "unit_nouns", "counted"),
    "page": ("chrome_starts", "footer_starts", "title_labels", "title_ends"),
    "kinds": ("livelihood", "key_task"),
    "groups": ("names", "tasks", "targets"),
    "trailing": ("lead_ends", "support_ends", "units_ends", "lead_labels", "support_labels", "leading_words", "joiners", "not_units"),
    "run_together": ("text_openers", "group_endings"),
}


def _layouts(path: Path) -> Layouts:
    file = _File(path)
    file.table(file.data, "", _LAYOUTS)
    part = {name: file.table(file.data.get(name, {}), name, keys) for name, keys in _LAYOUTS.items()}
    leads, units, page = part["leads"], part["units"], part["page"]
    groups = leads.get("first_listed", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) and all(isinstance(w, str) for w in g)
                                                for g in groups):
        raise LanguageError(f"{file.name}: 'leads.first_listed' must be a list of lists of strings")
    levels = file.words(units, "levels", "units.")
    return Layouts(
        # A header written for any level ("牵头{level}领导") is every level's: 牵头县领导, 牵头市领导 …
        columns={role: at_every_level(file.words(part["columns"], role, "columns.", ()), levels)
                 for role in COLUMN_ROLES},
        lead_marks=file.words(leads, "marks", "leads."), lead_suffixes=file.words(leads, "suffixes", "leads."),
        all_lead_suffixes=file.words(leads, "all_lead_suffixes", "leads."),
        trailing_words=file.words(leads, "trailing_words", "leads."),
        first_listed=tuple(tuple(group) for group in groups),
        carry_over=file.words(leads, "carry_over", "leads.", ()),
        unit_endings=file.words(units, "endings", "units."), group_starts=file.words(units, "group_starts", "units."),
        levels=levels,
        leader_verbs=file.words(part["sections"], "leader_verbs", "sections."),
        chrome_starts=file.words(page, "chrome_starts", "page."), footer_starts=file.words(page, "footer_starts", "page."),
        title_labels=file.words(page, "title_labels", "page."), title_ends=file.words(page, "title_ends", "page."),
        livelihood=file.words(part["kinds"], "livelihood", "kinds."),
        key_task=file.words(part["kinds"], "key_task", "kinds."),
        trailing_lead_ends=file.words(part["trailing"], "lead_ends", "trailing."),
        trailing_support_ends=file.words(part["trailing"], "support_ends", "trailing."),
        trailing_joiners=file.words(part["trailing"], "joiners", "trailing."),
        trailing_not_units=file.words(part["trailing"], "not_units", "trailing."),
        trailing_units_ends=file.words(part["trailing"], "units_ends", "trailing."),
        trailing_lead_labels=file.words(part["trailing"], "lead_labels", "trailing."),
        trailing_support_labels=file.words(part["trailing"], "support_labels", "trailing."),
        trailing_leading_words=file.words(part["trailing"], "leading_words", "trailing."),
        group_names=file.words(part["groups"], "names", "groups."),
        group_tasks=file.words(part["groups"], "tasks", "groups."),
        text_openers=file.words(part["run_together"], "text_openers", "run_together.", ()),
        heading_unit_nouns=file.words(part["sections"], "unit_nouns", "sections."),
        heading_counted=file.words(part["sections"], "counted", "sections."),
        group_targets=file.words(part["groups"], "targets", "groups."),
        group_endings=file.words(part["run_together"], "group_endings", "run_together.", ()),
    )


def _notice(path: Path) -> Notice:
    file = _File(path)
    file.table(file.data, "", ("key_columns", "livelihood_columns"))
    fields: tuple[NoticeField, ...] = get_args(NoticeField)

    def columns(name: str) -> dict[str, NoticeField]:
        table = file.table(file.data.get(name, {}), name, file.data.get(name, {}))
        found: dict[str, NoticeField] = {}
        for header in table:
            value = file.text(table, header, f"{name}.")
            field_name = next((f for f in fields if f == value), None)
            if field_name is None:
                raise LanguageError(f"{file.name}: '{name}.{header}' is {value!r}, not one of {', '.join(fields)}")
            found[header] = field_name
        return found

    return Notice(columns("key_columns"), columns("livelihood_columns"))


# dialogue.toml: table → the word lists it holds (bot/dialogue reads each by "table.key").
DIALOGUE_LISTS: Mapping[str, tuple[str, ...]] = {
    "followup": ("opener", "closer", "pronoun", "person", "filler", "narrow", "narrow_opener", "only", "relist", "yes",
                 "function", "figures"),
    "correction": ("denial", "assertion"),
    "paging": ("next", "previous", "all"),
    "detail": ("words", "code_rest", "last"),
    "scope": ("include",),
    "everyday": ("greeting", "thanks", "bye", "who", "vague", "off_topic", "not_trailing", "address", "voice"),
    "structure": ("section", "project", "division", "projects_list", "project_kinds", "what_endings", "unled", "attachment", "which"),
    "facts": ("doc_number", "printed", "issued", "meeting", "cc", "issuer", "document"),
    "yesno": ("infix", "suffix", "not_before_suffix", "not_yesno", "every_street"),
    "supporting": ("who_support", "who_all", "helps", "who_is", "asks_lead", "helps_before", "both", "row_of"),
    "stats": ("most", "least", "each", "versus", "leaders", "leaders_alone", "units", "units_alone", "lead", "all", "leader_word",
              "section_word", "who_leads", "how_many", "who", "more_less", "streets", "support", "unit_word"),
    "deadlines": ("words", "this_month", "subscribe"),
}


def _dialogue(path: Path) -> Dialogue:
    file = _File(path)
    file.table(file.data, "", (*DIALOGUE_LISTS, "english"))
    lists: dict[str, tuple[str, ...]] = {}
    for table, names in DIALOGUE_LISTS.items():
        data = file.table(file.data.get(table, {}), table, names)
        for name in names:
            words = file.words(data, name, f"{table}.", ())
            if not all(words):
                raise LanguageError(f"{file.name}: '{table}.{name}' holds an empty string")
            lists[f"{table}.{name}"] = words
    english = file.table(file.data.get("english", {}), "english", ("letters_share", "words", "shapes"))
    share = english.get("letters_share", 0.6)
    if not isinstance(share, (int, float)) or isinstance(share, bool):
        raise LanguageError(f"{file.name}: 'english.letters_share' must be a number")
    known = file.table(english.get("words", {}), "english.words", english.get("words", {}))
    shapes = file.table(english.get("shapes", {}), "english.shapes", english.get("shapes", {}))
    return Dialogue(lists, float(share), {k: file.text(known, k, "english.words.") for k in known},
                    {k: file.text(shapes, k, "english.shapes.") for k in shapes})


def load_language(directory: Path = DATA) -> Language:
    """Read every language data file of `directory`."""
    places, qualifiers, body_kinds = _bodies(directory / "bodies.toml")
    count, figure, names, commands = _grammar(directory / "grammar.toml")
    return Language(cues=_cues(directory / "cues.toml"), topics=_topics(directory / "topics.toml"),
                    qualifiers=qualifiers, body_kinds=body_kinds, places=places,
                    titles=_titles(directory / "titles.toml"), count=count, figure=figure, names=names,
                    commands=commands, layouts=_layouts(directory / "layouts.toml"),
                    notice=_notice(directory / "notice.toml"), dialogue=_dialogue(directory / "dialogue.toml"))


@cache
def language() -> Language:
    """The bundled language data, read once per process."""
    return load_language()


@dataclass(frozen=True, slots=True)
class UnitForms:
    """How bodies are named anywhere (unit_forms.toml): the data of knowledge/catalog.py's unit_forms."""

    levels: tuple[str, ...]
    group_prefix: str
    stems: tuple[tuple[str, ...], ...]
    stem_endings: tuple[tuple[str, ...], ...]
    endings: tuple[tuple[str, ...], ...]
    prefixes: tuple[tuple[str, ...], ...]
    zone_kinds: tuple[tuple[str, ...], ...]
    zone_suffix: str
    generic: tuple[str, ...]
    party: tuple[str, ...] = ()
    party_not_before: str = ""
    # Names typed from inside a body's name (bot/nlu/unit_names.py): (ending, kept) longest ending first, the
    # words joining a name's parts, the words that tell no body apart, a stretch's shortest length.
    abbreviation_kinds: tuple[tuple[str, str], ...] = ()
    connectors: frozenset[str] = frozenset()
    part_generic: frozenset[str] = frozenset()
    part_min_chars: int = 3
    # Kinds an abbreviation may leave off (城发 for 区城市发展集团).
    kindless_kinds: frozenset[str] = frozenset()
    abbreviation_drops: frozenset[str] = frozenset()  # words an abbreviation drops outright (招商工作部 → 招商部)


def _word_groups(file: _File, key: str) -> tuple[tuple[str, ...], ...]:
    value = file.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(g, list) and all(isinstance(w, str) for w in g)
                                              for g in value):
        raise LanguageError(f"{file.name}: '{key}' must be a list of lists of strings")
    # Longest first in each list, so "发展和改革" is replaced before "发改" could be read inside it.
    return tuple(tuple(sorted(group, key=len, reverse=True)) for group in value)


def _pairs(file: _File, key: str) -> tuple[tuple[str, str], ...]:
    value = file.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(w, str) for w in p)
                                              for p in value):
        raise LanguageError(f"{file.name}: '{key}' must be a list of [string, string] pairs")
    # Longest first, so "领导小组办公室" is read before the "办公室" it ends with.
    return tuple(sorted(((a, b) for a, b in value), key=lambda pair: -len(pair[0])))


def load_unit_forms(path: Path) -> UnitForms:
    file = _File(path)
    file.table(file.data, "", ("levels", "group_prefix", "stems", "stem_endings", "endings", "prefixes",
                               "zone_kinds", "zone_suffix", "generic", "party", "party_not_before",
                               "abbreviation_kinds", "connectors", "part_generic", "part_min_chars",
                               "kindless_kinds", "abbreviation_drops"))
    minimum = file.data.get("part_min_chars", 3)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 2:
        raise LanguageError(f"{file.name}: 'part_min_chars' must be a whole number of at least 2")
    return UnitForms(levels=file.words(file.data, "levels", ""), group_prefix=file.text(file.data, "group_prefix", ""),
                     stems=_word_groups(file, "stems"), stem_endings=_word_groups(file, "stem_endings"),
                     endings=_word_groups(file, "endings"), prefixes=_word_groups(file, "prefixes"),
                     zone_kinds=_word_groups(file, "zone_kinds"),
                     zone_suffix=file.text(file.data, "zone_suffix", ""),
                     generic=file.words(file.data, "generic", ""), party=file.words(file.data, "party", "", ()),
                     party_not_before=file.text(file.data, "party_not_before", ""),
                     abbreviation_kinds=_pairs(file, "abbreviation_kinds"),
                     connectors=frozenset(file.words(file.data, "connectors", "", ())),
                     part_generic=frozenset(file.words(file.data, "part_generic", "", ())), part_min_chars=minimum,
                     kindless_kinds=frozenset(file.words(file.data, "kindless_kinds", "", ())),
                     abbreviation_drops=frozenset(file.words(file.data, "abbreviation_drops", "", ())))


@cache
def unit_forms_data() -> UnitForms:
    """The bundled unit_forms.toml, read once per process."""
    return load_unit_forms(DATA / "unit_forms.toml")


@cache
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


# A pinyin syllable (tone-marked) in brackets right after a character: what some web mirrors insert into
# every word ("責(zé)任單位"). Noise when words are compared; the text as written keeps it.
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,5}[)）]")


def without_pinyin(text: str) -> str:
    """`text` without the pinyin a mirror inserted after its characters."""
    return PINYIN.sub("", text) if "(" in text or "（" in text else text


def simplified(text: str) -> str:
    """Traditional characters to simplified, for comparing words (the text itself keeps what was written)."""
    return text if text.isascii() else str(_t2s().convert(text))  # type: ignore[attr-defined]


def document_places(title: str, levels: Iterable[str]) -> list[str]:
    """The places a document's title starts with, with and without their level: "温州市鹿城区人民政府办公室…"
    → 温州市, 温州, 鹿城区, 鹿城. Compared in simplified script, after a leading 关于(印发) ("關于印發洋縣…" → 洋县;
    a one-character place is named only with its level)."""
    ends = "".join(dict.fromkeys(levels))
    if not ends:
        return []
    # Two to four characters before the level first ("温州市", not 温 + 州); one only when that finds none (洋县).
    places = [re.compile(rf"((?![各本全该])[\u4e00-\u9fff]{{{size}}}?)[{re.escape(ends)}]") for size in ("2,4", "1")]
    text = re.sub(r"^关于(?:印发)?", "", simplified(title.replace(" ", "")))
    found: list[str] = []
    position = 0
    while match := places[0].match(text, position) or places[1].match(text, position):
        # pairs (with, without the level); a one-character place without it is no word: the pair repeats it
        found += [match.group(0), match.group(1) if len(match.group(1)) >= 2 else match.group(0)]
        position = match.end()
    return found


# The government a notice's header or title names as issuing it ("温州市鹿城区人民政府办公室文件" → 温州市鹿城区).
# A year's 年 before it ("2023年莲都区政府工作报告") or a leading 关于 is no part of the place; a one-character
# place is a name too (洋县), 各县/本市/全区 are none.
# An issuing government as its line writes it: at the line's start (after a 【heading】, a label such as 来源：, a
# date, 关于 or 印发), a place made of
# names of at most six characters each ending in a level (温州市鹿城区, 新疆维吾尔自治区), then its body
# (人民政府, 办公室 …). In-sentence mentions ("……，并于每季度末向市政府报送") name no issuer.
_ISSUING = re.compile(r"^[\s•·]*(?:【[^】]{0,40}】)?(?:[\u4e00-\u9fff]{1,6}[:：])?\s*"  # 【栏目】, 来源：
                      r"[\s\d年月日度号〔〕\[\]()（）-]*(?:关于)?(?:印发)?"
                      r"((?![年月日度号])(?:[\u4e00-\u9fff]{1,6}?(?:自治区|自治州|省|市|州|盟|地区))*"
                      r"[\u4e00-\u9fff]{1,6}?(?:自治区|省|市|县|区|旗|州))"
                      r"(?:人民政府|政府|委员会|办公室|人大)")


def issuing_place(line: str) -> str:
    """The place a line names as the issuing government, or "" (a line opening a sentence, "根据市政府…",
    or addressing several, "各县区人民政府", names none)."""
    match = _ISSUING.match(line.strip())
    if match is None:
        return ""
    place = match.group(1)
    openers = language().places.not_place_openers
    return "" if place.startswith(openers) or "各" in place else place


def source_place(line: str) -> str:
    """The issuing government a page's source chrome names anywhere in a line ("时间:2023-07-11 浏览次数: 信息来源:
    丽水市政府" → 丽水市; bodies.toml `source_labels`), or ""."""
    labels = language().places.source_labels
    for match in re.finditer("|".join(map(re.escape, labels)) or "(?!)", line):
        if place := issuing_place(line[match.start():]):
            return place
    return ""


# A notice's banner and its number (人民政府文件许政〔2020〕21号) run into other text in a copy: the number abbreviates
# the issuer, whose name opens with the number's first character.
_BANNER = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)?文件\s*([\u4e00-\u9fff])[\u4e00-\u9fff]{0,9}\s*[〔\[［(（【]\s*\d{4}")


def banner_place(line: str) -> str:
    """The issuing government a banner run into other text names ("…对有明确时间节点的重许昌市人民政府文件许政〔2020〕
    21号大工作…" → 许昌市): the places right before it from the first character of its number on, or ""."""
    levels = unit_forms_data().levels
    for match in _BANNER.finditer(line):
        before = line[max(0, match.start() - 12):match.start()]
        for at in (i for i, char in enumerate(before) if char == match.group(1)):
            if (found := document_places(before[at:], levels)) and "".join(found[::2]) == before[at:]:
                return before[at:]
    return ""


def level_only_place(lines: Iterable[str]) -> str:
    """Where a notice whose issuer is written by its level only ("市人民政府决定", bodies.toml `level_issuers`) is from:
    the first place of that level a title it quotes starts with (《天津市国民经济和社会发展…纲要》 → 天津市), or ""."""
    issuers = language().places.level_issuers
    text = "".join(lines)
    levels = [level for level in unit_forms_data().levels if any(w.format(level=level) in text for w in issuers)]
    for level in levels:
        for quoted in re.findall(r"《([^《》]{2,80})》", text):
            if (found := document_places(quoted, unit_forms_data().levels)) and found[0].endswith(level):
                return found[0]
    return ""


def unit_level(name: str) -> str:
    """The level a body's name is written at ("市发改委" → 市, "丽水市发改委" → 市), or "" (市场监管局, 乡村振兴办: a
    first character that is a stem's is no level)."""
    data = unit_forms_data()
    places = document_places(name, data.levels)[::2]
    if places and len(name) - len("".join(places)) >= 2 and name.startswith("".join(places)):
        return next(level for level in data.levels if places[-1].endswith(level))
    return level_prefix(name, data)


def level_prefix(name: str, data: UnitForms | None = None) -> str:
    """The level character a body's name starts with ("市发改委" → 市), or "" (市场监管局, 乡村振兴办: a first
    character that is a stem's is no level)."""
    data = data or unit_forms_data()
    stems = tuple(stem for group in data.stems for stem in group)
    return name[:1] if name[:1] in data.levels and len(name) > 3 and not name.startswith(stems) else ""


def document_place(text: str, data: Language | None = None) -> DocumentPlace:
    """The place words of a document from where it says it is from (its place, else its title): its places,
    the ways questions name them (bodies.toml `own_words` at each of their levels) and its level."""
    data = data or language()
    # Every level a government's name may end with (unit_forms.toml): "浙江省丽水市…" names 浙江省 and 丽水市.
    every = unit_forms_data().levels
    found = document_places(text, every)
    names = tuple(found[::2])
    levels = tuple(dict.fromkeys(next(lv for lv in every if name.endswith(lv)) for name in names))
    own = {word.format(level=level) for word in data.places.own_words for level in levels}
    return DocumentPlace(names=names, own_places=frozenset([*found, *own]),
                         unit_prefixes=levels[::-1] or data.names.levels, level=levels[-1] if levels else "")


def place_overrides(place: DocumentPlace) -> PlaceData | None:
    """The bundled place file for a document of this place: its `place` names the same most local place
    (and, when both name one, the same place above it)."""
    for data in place_files():
        theirs = document_place(data.place)
        if theirs.local and theirs.local == place.local and (
                not theirs.parent or not place.parent or theirs.parent == place.parent):
            return data
    return None


def place_data(place: DocumentPlace, given: PlaceData | None = None) -> PlaceData | None:
    """What a document of `place` is read with beyond the rules: the bundled place file of its place, with an
    operator's file (`duban import --overrides`) over it — a unit or group it lists replaces the bundled entry of
    that name, its streets (when it lists any) the bundled ones."""
    bundled = place_overrides(place)
    if bundled is None or given is None:
        return given or bundled
    units = {u.name: u for u in bundled.units} | {u.name: u for u in given.units}
    groups = {g.name: g for g in bundled.groups} | {g.name: g for g in given.groups}
    return PlaceData(source=f"{bundled.source} + {given.source}", place=bundled.place,
                     streets=given.streets or bundled.streets, units=tuple(units.values()), groups=tuple(groups.values()))
