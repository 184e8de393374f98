"""An in-memory snapshot of one stored document, indexed for answering questions in microseconds.

Documents change only on import, so answering reads this snapshot instead of the database; every
import bumps a revision counter that tells a cached snapshot it is stale.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from knowledge.kinds import TableKind, UnitKind, table_kind, unit_kind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from knowledge.language import UnitForms
    from knowledge.vocabulary import Spellings


class UnknownDocument(LookupError):
    """No stored document has the key asked for (here, not in export.py: answering must not load SQLAlchemy)."""


@dataclass(frozen=True, slots=True)
class Role:
    """A unit's part in one row."""

    unit: str
    written: str
    lead: bool
    group: bool
    # Listed where the document marks no lead (one 责任单位 list): `lead` as exported (CONTRACT §5), but
    # answered as 负责 — one of the row's units, none of them said to lead.
    responsible: bool = False


@dataclass(frozen=True, slots=True)
class Wording:
    """The document's own words that answers repeat: its level of government (区, 县, 市 …; "" when it does not
    say), the header of its leader column or label as written ("责任领导", "区政府分管领导"; "" where leaders
    come from section headings) and what it calls its livelihood table (民生实事, 为民办实事 …)."""

    level: str = ""
    leader: str = ""
    livelihood: str = "民生实事"


@dataclass(frozen=True, slots=True)
class Row:
    """One answerable row: a key task (`K…`) or a livelihood line (`L…`)."""

    id: str
    kind: TableKind
    major: int
    minor: int
    text: str
    category: str
    note: str
    leader: str
    roles: tuple[Role, ...]
    # The row's own deadline as the document writes it (完成时限 / 时间节点 column or label: "5月底前动工") and
    # the date the deadline parser reads from it (None when it reads none); the leaders the document gives
    # this row itself (two in one cell: both), empty where leaders come from a section heading.
    deadline: str = ""
    due: date | None = None
    leaders: tuple[str, ...] = ()
    # Shared by every row of one document: answers about the row use its words.
    wording: Wording = Wording()

    @property
    def lead_units(self) -> list[str]:
        return [r.unit for r in self.roles if r.lead]

    @property
    def shared(self) -> bool:
        """The document marks no lead on this row: its units are all responsible (负责), none leads."""
        return any(r.responsible for r in self.roles)

    @property
    def people(self) -> tuple[str, ...]:
        """Every leader of the row: its supervising leader, then the others it names (a 责任人 beside the 责任领导)."""
        return tuple(dict.fromkeys(name for name in (self.leader, *self.leaders) if name))

    def role_of(self, unit: str) -> Role | None:
        return next((r for r in self.roles if r.unit == unit), None)

    @property
    def label(self) -> str:
        """The document's own numbering: 五-12 for a key task, 民生实事 5-1 for a livelihood line (named with
        the document's word for its table: 为民办实事 1-1)."""
        from knowledge.numerals import int_to_chinese

        if self.kind == "key_task":
            return f"{int_to_chinese(self.major)}-{self.minor}"
        return f"{self.wording.livelihood} {self.major}-{self.minor}"


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A unit, its spellings, and for groups what they cover."""

    name: str
    kind: UnitKind
    aliases: tuple[str, ...]
    covers: str = ""
    covers_all: bool = False
    explain: str = ""


@dataclass(frozen=True, slots=True)
class SectionInfo:
    """A section of the key-task attachment."""

    number: int
    heading: str
    leader: str
    leader_titles: tuple[str, ...]
    remark: str


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What the notice says about itself, read at import: who issued it, when, adopted where, copied to whom."""

    issuer: str = ""
    printed: date | None = None
    meeting: str = ""
    cc: str = ""
    key_tasks_title: str = ""
    livelihood_title: str = ""
    # The notice's sentences on when units report progress ("请各责任单位于每季度末月20日前将完成情况报…").
    reporting: str = ""
    # What the document calls each kind of table it has, in document order ((livelihood, "民生实事") for a
    # document whose only table is 民生实事; both kinds for the bundled one): answers name only these.
    tables: tuple[tuple[TableKind, str], ...] = ()


@dataclass
class Catalog:
    """A document's rows with indexes by unit, leader, category and text."""

    key: str
    title: str
    doc_number: str
    year: int
    issued: date | None
    sections: list[SectionInfo]
    rows: list[Row]
    units: dict[str, UnitInfo]
    revision: int = 0
    facts: DocumentFacts = field(default_factory=DocumentFacts)
    # Where the document says it is from ("温州市鹿城区", else its title): its place words are derived from it.
    place: str = ""
    # Its own words for its level, leader column and livelihood table (each of its rows holds the same).
    wording: Wording = field(default_factory=Wording)
    by_id: dict[str, Row] = field(default_factory=dict)
    by_unit: dict[str, list[Row]] = field(default_factory=dict)
    # The same, with the unit's part in each row, so role questions never search a row's units.
    parts: dict[str, list[tuple[Row, Role]]] = field(default_factory=dict)
    by_leader: dict[str, list[Row]] = field(default_factory=dict)
    by_category: dict[str, list[Row]] = field(default_factory=dict)
    leader_titles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Character (and character-pair) → positions of the rows whose text or note contains it: keyword search
    # checks only the rows of its rarest pair, never every row. Arrays keep 17,600 rows' postings small.
    bigrams: dict[str, array[int]] = field(default_factory=dict)
    unigrams: dict[str, array[int]] = field(default_factory=dict)
    haystack: dict[str, str] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    marks_leads: bool = False

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Build every index from `rows`, `sections` and `units`."""
        by_unit: defaultdict[str, list[Row]] = defaultdict(list)
        parts: defaultdict[str, list[tuple[Row, Role]]] = defaultdict(list)
        by_leader: defaultdict[str, list[Row]] = defaultdict(list)
        by_category: defaultdict[str, list[Row]] = defaultdict(list)
        bigrams: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        unigrams: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        self.by_id = {}
        self.positions = {row.id: i for i, row in enumerate(self.rows)}
        for position, row in enumerate(self.rows):
            self.by_id[row.id] = row
            for unit, role in {r.unit: r for r in reversed(row.roles)}.items():
                by_unit[unit].append(row)
                parts[unit].append((row, role))
            for person in row.people:
                by_leader[person].append(row)
            if row.category:
                by_category[row.category].append(row)
            text = searchable(f"{row.text}\n{row.note}")
            self.haystack[row.id] = text
            for char in set(text):
                unigrams[char].append(position)
            for pair in {text[i:i + 2] for i in range(len(text) - 1)}:
                bigrams[pair].append(position)
        self.by_unit = dict(by_unit)
        self.parts = dict(parts)
        self.by_leader = dict(by_leader)
        self.by_category = dict(by_category)
        self.bigrams = dict(bigrams)
        self.unigrams = dict(unigrams)
        # Whether the document says who leads where it lists several units (a lead column, 牵头, ★, first-listed…):
        # then a row it marks no lead on (…分别负责, …等负责) is none of its units' to lead. A sole unit proves
        # nothing: it leads under every rule.
        self.marks_leads = any(not row.shared and len(row.roles) > 1 and any(r.lead for r in row.roles)
                               and not all(r.lead for r in row.roles) for row in self.rows)
        self.leader_titles = {s.leader: s.leader_titles for s in self.sections if s.leader}
        for row in self.rows:
            for person in row.people:
                self.leader_titles.setdefault(person, ())

    def containing(self, term: str) -> list[Row]:
        """Rows whose text or note contains `term` (spaces ignored), in document order."""
        term = searchable(term)
        if not term:
            return []
        empty: array[int] = array("I")
        if len(term) == 1:
            postings = self.unigrams.get(term, empty)
        else:
            postings = min((self.bigrams.get(term[i:i + 2], empty) for i in range(len(term) - 1)), key=len)
        rows, haystack = self.rows, self.haystack
        return [rows[p] for p in postings if term in haystack[rows[p].id]]

    @property
    def leaders(self) -> list[str]:
        return list(self.leader_titles)

    def member(self, name: str) -> UnitInfo | None:
        """The unit `name` names: one of the document's, else a government below the document's it does not list
        ("青田县" in a 丽水市 document) when it addresses such governments together (各县（市、区）政府) — a
        county it reaches through that group, as a street is reached through 各街镇; None for anything else."""
        if (info := self.units.get(name)) is not None:
            return info
        from knowledge.language import document_places, language

        places = language().places
        county = places.county(name)
        if county != name or not any(u.kind == "group" and u.covers == "county" for u in self.units.values()):
            return None
        # The document's own place (丽水市) or one above it is no county of it.
        own = {*document_places(self.place, places.county_levels), *document_places(self.title, places.county_levels)}
        return None if county in own else UnitInfo(name, "county", ())

    def table_name(self, kind: TableKind) -> str:
        """What the document calls its table of `kind` (民生实事, 为民办实事 …); "" when it has none of that kind."""
        return dict(self.facts.tables).get(kind, "")

    @property
    def kinds(self) -> tuple[TableKind, ...]:
        """The kinds of table the document has rows of, in document order."""
        return tuple(kind for kind, _ in self.facts.tables) or tuple(dict.fromkeys(r.kind for r in self.rows))

    @property
    def categories(self) -> list[str]:
        return list(self.by_category)


def searchable(text: str) -> str:
    """Text as keyword search compares it: no spaces, full-width letters and digits folded, no pinyin a
    mirror inserted after characters (學(xué)位 is 學位), simplified script (a question is asked in simplified;
    a traditional-script document's 老舊小區 is found by 老旧小区)."""
    from knowledge.language import simplified, without_pinyin

    return simplified(without_pinyin("".join(text.split()))).translate(_FOLD)


_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "（），、：；！？"}


def unit_forms(name: str, group: bool = False, places: tuple[str, ...] = ()) -> set[str]:
    """The forms people type for a body the document names, derived by the rules of unit_forms.toml for any
    place and level: simplified script, without punctuation or a parenthesis (whose body name is a form too),
    without the level prefix, with each equivalent stem and ending ("县卫生健康局" → 卫健局, 卫生健康委 …),
    each body of a merged name ("科技和经信局" → 经信局), a development zone by its kind ("滁州经开区管委会" →
    经开区), a body named with one of the document's `places` without it ("莲都邮政管理局" → 邮政管理局, "吴江海关" →
    海关). A group ("各县、市、区政府") is only typed without its punctuation and its "各"."""
    from knowledge.language import simplified, unit_forms_data

    data = unit_forms_data()
    written = simplified("".join(name.split()))
    core = re.sub(r"[（(][^）)]*[）)]", "", written)
    inner = [m for m in re.findall(r"[（(]([^）)]*)[）)]", written)
             if len(m) >= 3 and not re.search(r"[、，,]", m) and not m.startswith("含")]
    core = re.sub(r"[、，,·]", "", core)
    forms = {written, core}
    if group:
        if core.startswith(data.group_prefix) and len(core) - len(data.group_prefix) >= 2:
            forms.add(core.removeprefix(data.group_prefix))
        return forms - {name} - set(data.generic)
    forms.update(inner)
    # a body addressed with 各 ("各区县政府", stored as one body when no group pattern names it) without it
    forms |= {f.removeprefix(data.group_prefix) for f in list(forms)
              if f.startswith(data.group_prefix) and len(f) - len(data.group_prefix) >= 2}
    # 乡村振兴办, 市场监管局: a first character that is a stem's is no level
    stems = tuple(stem for group in data.stems for stem in group)
    bare = {f[1:] for f in forms if f[:1] in data.levels and len(f) >= 3 and not f.startswith(stems)}
    named = set(forms)
    while named:  # "丽水市莲都区供电公司": each of the document's places in turn
        named = {f[len(p):] for f in named for p in places if f.startswith(p) and len(f) - len(p) >= 2}
        bare |= named
    office_endings = {ending for group in data.endings for ending in group}
    for party in data.party:
        rests = {f[len(party):] for f in bare if f.startswith(party)}
        bare |= {rest for rest in rests if len(rest) >= 2 and rest not in office_endings
                 and not (data.party_not_before and rest.startswith(data.party_not_before))}
    forms |= bare
    for form in [f for f in forms if f == core or f in bare or f in inner]:
        forms |= _equivalent_forms(form, data)
    return {f for f in forms if len(f) >= 2} - {name} - set(data.generic)


def _equivalent_forms(form: str, data: UnitForms) -> set[str]:
    """One form's equivalent stems, endings and zone kinds (see unit_forms)."""
    from knowledge.language import level_prefix

    level = level_prefix(form, data)  # 乡村振兴办, 市场监管局: the first character is the stem's, not a level
    body = form[len(level):]
    found: set[str] = set()
    # The longest stem any list starts the name with ("文广旅体" before "文广旅"), followed by a body ending
    # ("局", "委", "局鹿城分局"): "商务区专班" is no 商务 body.
    starts = [(stem, group) for group in data.stems for stem in group if body.startswith(stem)]
    if starts:
        stem, group = max(starts, key=lambda pair: len(pair[0]))
        rest = body[len(stem):]
        endings = next((g for g in data.stem_endings if rest in g), (rest,))
        if any(rest.startswith(e) for g in data.stem_endings for e in g):
            found |= {level + other + ending for other in group for ending in endings}
            found |= {other + ending for other in group for ending in endings if level}
    if "和" in body:
        # A merged body ("科技和经信局") is typed by each of its known stems with the ending.
        head, _, tail = body.partition("和")
        known = [s for g in data.stems for s in g]
        second = next((s for s in known if tail.startswith(s)), None)
        if head in known and second is not None:
            for part in (head + tail[len(second):], tail):
                found |= _equivalent_forms(part, data) | {part}
    for group in data.endings:
        written = next((e for e in group if body.endswith(e) and len(body) - len(e) >= 2), None)
        if written is not None:
            found |= {body.removesuffix(written) + other for other in group}
    for group in data.prefixes:
        start = next((p for p in group if body.startswith(p)), None)
        if start is not None:
            found |= {other + body[len(start):] for other in group}
    for kinds in data.zone_kinds:
        plain = body.removesuffix(data.zone_suffix)
        if any(plain.endswith(kind) for kind in kinds):
            found |= {kind + suffix for kind in kinds for suffix in ("", data.zone_suffix)}
            break
    return found


def with_short_forms(units: dict[str, UnitInfo], places: tuple[str, ...] = (), level: str = "",
                     written: Mapping[str, frozenset[str]] | None = None) -> dict[str, UnitInfo]:
    """Each unit also named by the forms unit_forms derives (a body named with one of the document's `places`
    also without it), where that form names no other unit of the catalog.

    A body the document writes (`written`: unit → its names as written) without a level prefix ("交通局" in a
    县 document) is also named with the document's `level` before it ("县交通局"), the way a question may."""
    from knowledge.language import simplified, unit_forms_data

    levels = unit_forms_data().levels
    taken: dict[str, set[str]] = defaultdict(set)
    for unit in units.values():
        for form in (unit.name, *unit.aliases):
            taken[form].add(unit.name)
    wanted: dict[str, set[str]] = defaultdict(set)
    # Where the document names no street or town of its own, "街道有哪些任务" / "乡镇要配合哪些" can only mean the
    # streets (towns) it addresses together: the group's names without their 各 name it too.
    no_streets = not any(u.kind == "street" for u in units.values())
    for unit in units.values():
        forms = [unit.name, *unit.aliases]
        if no_streets and unit.kind == "group" and unit.covers == "street" and unit.covers_all:
            forms += [form[1:] for form in forms if form.startswith("各") and len(form) >= 3]
        if level in levels and unit.kind == "department":
            forms += [level + simplified(name) for name in (written or {}).get(unit.name, ())
                      if not name.startswith(levels)]
        for form in forms:
            for derived in {form, *unit_forms(form, group=unit.kind == "group", places=places)} - {unit.name}:
                if derived not in taken:
                    wanted[derived].add(unit.name)
    added: dict[str, list[str]] = defaultdict(list)
    for form, owners in sorted(wanted.items()):
        if len(owners) == 1:
            added[next(iter(owners))].append(form)
    return {name: (UnitInfo(u.name, u.kind, (*u.aliases, *added[name]), u.covers, u.covers_all, u.explain)
                   if added.get(name) else u) for name, u in units.items()}


def _spellings(place: str, overrides: str, written: list[tuple[str, str]]) -> Spellings | None:
    """The document's units as its import derived them (knowledge/vocabulary.py's document_spellings), with the
    operator's place file it was imported with (`overrides`, its text) over the bundled one of its place;
    None when today's language data no longer reads them (the units table's spellings then stand)."""
    from pathlib import Path

    from knowledge.language import LanguageError, document_place, load_place_data, place_data
    from knowledge.vocabulary import VocabularyError, document_spellings

    where = document_place(place)
    try:
        given = load_place_data(Path("overrides.toml"), overrides) if overrides else None
        return document_spellings(where, place_data(where, given), written)
    except (LanguageError, VocabularyError):
        return None


def load_catalog(session: Session, key: str | None = None) -> Catalog:
    """Snapshot the document `key` (default: the newest) and every unit."""
    # Imported here: answering from a cached snapshot must not pay for loading SQLAlchemy.
    from sqlalchemy import select

    from knowledge.export import find_document
    from knowledge.models import Meta, Unit

    record = find_document(session, key)
    # The units of this document, and those its place file lists that it does not name (a street covered by
    # 各街镇); another document's units (a 县民政局 of another county) must not answer here, nor keep its short
    # forms from this one's.
    mine = {iu.unit_id for item in record.items for iu in item.units}
    where = session.get(Meta, f"place:{record.id}")  # written by ingest/store.py's place_key
    given = session.get(Meta, f"overrides:{record.id}")  # written by ingest/store.py's overrides_key
    place = where.value if where else (record.place or record.title)
    spellings = _spellings(place, given.value if given else "",
                           [(iu.written, iu.unit.name) for item in record.items for iu in item.units])
    kept = spellings.kept if spellings else frozenset()
    units = {u.name: UnitInfo(u.name, unit_kind(u.kind),
                              spellings.aliases.get(u.name, ()) if spellings else tuple(a.alias for a in u.aliases),
                              u.covers, u.covers_all, u.explain)
             for u in session.scalars(select(Unit)) if u.id in mine or u.name in kept}
    from knowledge.language import document_place, document_places, unit_forms_data

    places = tuple(document_places(place, unit_forms_data().levels))  # 莲都邮政管理局 is typed 邮政管理局
    written: defaultdict[str, set[str]] = defaultdict(set)
    for item in record.items:
        for iu in item.units:
            written[iu.unit.name].add(iu.written)
    units = with_short_forms(units, places, record.level, {name: frozenset(names) for name, names in written.items()})
    tables = table_names(record.layout, [table_kind(i.kind) for i in record.items], record.title)
    wording = document_wording(record.layout, record.level or document_place(place).level, tables)
    rows = [
        Row(id=i.code, kind=table_kind(i.kind), major=i.major, minor=i.minor, text=i.text, category=i.category, note=i.note,
            leader=i.leader, roles=tuple(Role(u.unit.name, u.written, u.lead, u.unit.kind == "group",
                                              u.role == "responsible") for u in i.units),
            deadline=i.deadline_text, due=i.deadline, leaders=tuple(i.leaders), wording=wording)
        for i in record.items
    ]
    sections = [SectionInfo(s.number, s.heading, s.leader, tuple(s.leader_titles), s.remark) for s in record.sections]
    meta = session.get(Meta, "revision")
    meeting = session.get(Meta, f"meeting:{record.id}")  # written by ingest/store.py's meeting_key
    reporting = session.get(Meta, f"reporting:{record.id}")  # written by ingest/store.py's reporting_key
    return Catalog(key=record.key, title=record.title, place=place, doc_number=record.doc_number, year=record.year,
                   issued=record.issued, sections=sections, rows=rows, units=units,
                   revision=int(meta.value) if meta else 0,
                   facts=DocumentFacts(record.issuer, record.printed, meeting.value if meeting else "", record.cc,
                                       record.key_tasks_title, record.livelihood_title,
                                       reporting.value if reporting else "", tables), wording=wording)


def document_wording(layout: dict[str, object], level: str, tables: tuple[tuple[TableKind, str], ...]) -> Wording:
    """The words answers take from the document: its `level`, the header of the first column its reader took
    for leaders (layout's tables, as ingest/store.py's layout_of keeps them; inner spaces dropped: "分管 领导"),
    and its livelihood table's name (`tables`, from table_names)."""
    found = layout.get("tables") if isinstance(layout, dict) else None
    headers = [str(c[0]) for table in (found if isinstance(found, list) else []) if isinstance(table, dict)
               for c in table.get("columns", []) if isinstance(c, list) and len(c) == 2 and c[1] == "leader"]
    leader = next(("".join(h.split()) for h in headers if "".join(h.split())), "")
    livelihood = dict(tables).get("livelihood", "")
    return Wording(level=level, leader=leader, livelihood=livelihood or Wording().livelihood)


def table_names(layout: dict[str, object], kinds: list[TableKind], title: str) -> tuple[tuple[TableKind, str], ...]:
    """What the document calls each kind of table it has rows of: the first of that kind's words
    (layouts.toml's `[table_names]`) its table title, its task column's header or the document title writes,
    else the kind's usual name (重点工作, 民生实事)."""
    from knowledge.language import language

    words = language().layouts
    tables = layout.get("tables") if isinstance(layout, dict) else None
    texts: dict[str, list[str]] = {}
    for table in tables if isinstance(tables, list) else []:
        if isinstance(table, dict):
            headers = [str(c[0]) for c in table.get("columns", []) if isinstance(c, list) and len(c) == 2
                       and c[1] == "text"]
            texts.setdefault(str(table.get("kind", "")), []).extend([str(table.get("title", "")), *headers])
    names: list[tuple[TableKind, str]] = []
    for kind in dict.fromkeys(kinds):
        found = [name for text in [*texts.get(kind, []), title] if (name := _named(text, words.table_names[kind]))]
        names.append((kind, found[0] if found else words.table_names[kind][0]))
    return tuple(names)


def _named(text: str, words: tuple[str, ...]) -> str:
    """The first of `words` (simplified) that `text` writes, in the document's own characters: a traditional
    title "十大民生實事項目" names its table 民生實事, as its rows are written; "" when it writes none."""
    from knowledge.language import simplified

    plain = simplified(text)
    word = next((w for w in words if w in plain), "")
    if not word:
        return ""
    # Character for character (t2s keeps a text's length) the document's own spelling; else the word itself.
    at = plain.index(word)
    return text[at:at + len(word)] if len(plain) == len(text) else word
