"""Tables whose cells ran together with no separator: a document-sharing site's dump of a .docx table
(1wenmi/第壹文秘, book118, docin, doc88 …), where every cell runs into the next —
`序号项目名称主要内容区政府分管领导牵头单位配合单位1增加教育资源供给实施新建…。何海平教育局经开区…2促进就业…` —
the site's page markers (`\\n2、`) fall inside cells and the header row is repeated on a new page.

The table is rebuilt into tab-separated lines the general reader then reads like any table (`general.py`):

1. **the header** is a run of header words (layouts.toml [columns]) written together, starting with a number
   column's word and followed by the first row's number: it gives the column sequence. A name column before a
   content column (项目名称 + 主要内容) is the rows' group. What precedes it on its line is the table's title.
2. **page markers** are removed: the header's line and the lines after it that start with the site's next page
   number (`2、`, `3、` …) are one stream, each marker dropped; the header written again inside it is a page break.
3. **rows** start at the next expected row number where what comes before it ends with the row's cells after the
   text (its leader, units, deadline) and what follows is no figure (`3个`); or right after a repeated header.
4. **a row's cells**: after its number, the group (where the header has one) ends where the content opens with a
   word of layouts.toml [run_together] `text_openers` (see there why); then the text runs until the cells after it
   — in header order, each read by what it holds: a leader is a name opening with a surname (titles.toml) of two or
   three characters, units are segmented against the unit vocabulary (names ending like a body, zone kinds, known
   bodies and stems of bodies.toml/unit_forms.toml scored above unknown ones, names opening with a level), a
   deadline a date phrase. A lead column beside another units column holds one unit. Several texts each followed by
   their own cells are sub-rows sharing the number and group; a text after the cells with none of its own is a
   sub-row of the merged cells above. A last row without its cells is the cut one (the general reader warns).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from knowledge.ingest import cells as C
from knowledge.ingest.cells import Role
from knowledge.language import language, unit_forms_data

Located = tuple[int | str, str]

_MARKER = re.compile(r"^\s*(\d{1,3})、")
_SENTENCE_END = "。；;！!？?"
_NOT_A_ROW = re.compile(r"^[年月日号季周时天.．%％、,，\-/]")
_NO_PIECE = set("。；;，,！!？?：:“”\"'《》 \t")
_MIN_GROUP = 4  # a project's name is at least this long (layouts.toml [run_together] says why)
_LONGEST_UNIT = 24
_LONGEST_TAIL = 160  # the cells after a row's text (leaders, units, deadline) are never longer
_TAIL_ROLES: frozenset[Role] = frozenset({"lead", "units", "support", "leader", "deadline"})
_UNIT_ROLES: frozenset[Role] = frozenset({"lead", "units", "support"})


@dataclass
class Rebuilt:
    """The document's lines with a run-together table rebuilt as tab-separated lines."""

    located: list[Located]
    # index in `located` → the header's columns (the group role already decided)
    headers: dict[int, list[tuple[str, Role]]] = field(default_factory=dict)
    rows: set[int] = field(default_factory=set)  # indexes in `located` of rebuilt rows (known whole)


@dataclass(frozen=True)
class _Words:
    headers: tuple[tuple[str, Role], ...]  # longest first
    openers: tuple[str, ...]
    group_endings: tuple[str, ...]
    surnames: frozenset[str]
    compound: tuple[str, ...]
    titles: tuple[str, ...]
    levels: tuple[str, ...]
    party: tuple[str, ...]
    bodies: frozenset[str]
    stems: tuple[str, ...]
    stem_endings: tuple[str, ...]
    zones: tuple[str, ...]
    endings: frozenset[str]  # ending words that are no name alone (办公室, 管委会 …)
    generic: frozenset[str]
    streets: tuple[str, ...]
    measures: tuple[str, ...]


@cache
def _words() -> _Words:
    data = language()
    forms = unit_forms_data()
    layout = C.layout_words()
    names = sorted(data.titles.surnames, key=len, reverse=True)
    return _Words(
        headers=tuple(sorted(layout.columns.items(), key=lambda pair: len(pair[0]), reverse=True)),
        openers=tuple(sorted(data.layouts.text_openers, key=len, reverse=True)),
        group_endings=tuple(sorted(data.layouts.group_endings, key=len, reverse=True)),
        surnames=frozenset(n for n in names if len(n) == 1), compound=tuple(n for n in names if len(n) > 1),
        titles=layout.titles, levels=forms.levels, party=forms.party, bodies=data.body_kinds,
        stems=tuple(sorted({s for group in forms.stems for s in group}, key=len, reverse=True)),
        stem_endings=tuple(e for group in forms.stem_endings for e in group),
        zones=tuple(sorted({z for group in forms.zone_kinds for z in group}, key=len, reverse=True)),
        endings=frozenset(layout.unit_endings) | {forms.zone_suffix},
        generic=frozenset(forms.generic), streets=data.places.street_suffixes,
        measures=tuple(dict.fromkeys([*data.figure.measures, *data.count.measures])),
    )


def rebuild(located: Sequence[Located]) -> Rebuilt | None:
    """The lines with the first run-together table rebuilt, or None when the document has none."""
    for index, (where, raw) in enumerate(located):
        if "\t" in raw:
            continue
        marker = _MARKER.match(raw)
        line = raw[marker.end():] if marker else raw
        found = _find_header(line)
        if found is None:
            continue
        start, end, columns = found
        stream, places, last = _stream(located, index, line[end:], int(marker.group(1)) if marker else None)
        table = _Table(columns, line[start:end], stream, places)
        rows = table.rows()
        if not table.with_cells:
            continue  # no row's cells could be read: not such a table, or one this reader cannot split
        before = [(w, r) for w, r in located[:index]]
        title = C.collapse(line[:start])
        out = Rebuilt(before)
        if title:
            out.located.append((where, title))
        out.headers[len(out.located)] = columns
        out.located.append((where, "\t".join(c for c, _r in columns)))
        for row_where, cells in rows:
            out.rows.add(len(out.located))
            out.located.append((row_where, "\t".join(cells)))
        out.located += list(located[last:])
        return out
    return None


def _find_header(line: str) -> tuple[int, int, list[tuple[str, Role]]] | None:
    """Where a run of header words written together starts and ends in `line`, and its columns: it opens with a
    number column's word and the first row's number follows it."""
    plain = C.simplified(line)
    if len(plain) != len(line):
        return None
    words = _words().headers
    numbers = [w for w, r in words if r == "no"]
    for start in range(len(plain)):
        if not any(plain.startswith(w, start) for w in numbers):
            continue
        columns = _header_words(plain, start, [])
        shorter = next((w for w in numbers if columns and len(w) < len(columns[0][0]) and columns[0][0].endswith(w)), "")
        if columns is not None and shorter:
            # the title's last word before the number column's ("…实事项目" + "序号"), not 项目序号
            start += len(columns[0][0]) - len(shorter)
            columns = [(shorter, "no"), *columns[1:]]
        if columns is not None:
            end = start + sum(len(w) for w, _r in columns)
            return start, end, _group_first([(line[start + sum(len(w) for w, _r in columns[:i]):][:len(w)], r)
                                              for i, (w, r) in enumerate(columns)])
    return None


def _header_words(plain: str, position: int, taken: list[tuple[str, Role]]) -> list[tuple[str, Role]] | None:
    """Header words from `position` up to a row number (longest words first, backtracking)."""
    if len(taken) >= 3 and position < len(plain) and plain[position].isdigit() and _is_header(taken):
        return taken
    if len(taken) >= 12:
        return None
    for word, role in _words().headers:
        if plain.startswith(word, position) and (taken or role == "no"):
            found = _header_words(plain, position + len(word), [*taken, (word, role)])
            if found is not None:
                return found
    return None


def _is_header(columns: list[tuple[str, Role]]) -> bool:
    roles = [r for _w, r in columns]
    return roles[0] == "no" and "text" in roles and any(r in _TAIL_ROLES for r in roles) and \
        len(set(roles)) == len(roles) - (roles.count("text") - 1 if roles.count("text") == 2 else 0)


def _group_first(columns: list[tuple[str, Role]]) -> list[tuple[str, Role]]:
    """Two text columns: the first (a project's name before its content) is the rows' group."""
    texts = [i for i, (_c, r) in enumerate(columns) if r == "text"]
    if len(texts) == 2 and texts[1] == texts[0] + 1:
        return [(c, "group" if i == texts[0] else r) for i, (c, r) in enumerate(columns)]
    return columns


def _stream(located: Sequence[Located], index: int, first: str, page: int | None
            ) -> tuple[str, list[tuple[int, int | str]], int]:
    """The table's text from the header on: the lines that start with the site's next page marker joined to it,
    the markers dropped. Returns it, (offset, line) where each joined line starts, and the index after the last."""
    parts = [first]
    places: list[tuple[int, int | str]] = [(0, located[index][0])]
    size = len(first)
    position = index + 1
    page = page or 1
    while position < len(located):
        where, raw = located[position]
        if not raw.strip():
            position += 1
            continue
        marker = _MARKER.match(raw)
        if marker is None or int(marker.group(1)) != page + 1 or "\t" in raw:
            break
        page += 1
        text = raw[marker.end():].rstrip("\r\n")
        places.append((size, where))
        parts.append(text)
        size += len(text)
        position += 1
    return "".join(parts), places, position


class _Table:
    """One run-together table's rows, read from its stream."""

    def __init__(self, columns: list[tuple[str, Role]], header: str, stream: str,
                 places: list[tuple[int, int | str]]) -> None:
        self.roles = [r for _c, r in columns]
        self.tail = [r for r in self.roles[self.roles.index("text") + 1:]]
        self.places = places
        # the header written again (a new page) is a row boundary: cut out, its position kept
        self.breaks: set[int] = set()
        self.shifts: list[tuple[int, int]] = []  # (offset in the text, characters cut before it)
        kept: list[str] = []
        size = 0
        for piece in stream.split(header):
            if kept:
                self.breaks.add(size)
                self.shifts.append((size, len(header) * len(self.shifts) + len(header)))
            kept.append(piece)
            size += len(piece)
        self.text = "".join(kept)
        self.leaders: set[str] = set()
        self.with_cells = 0  # rows whose cells after the text were read
        # the ways a cell reads from a position, by (body, role, position, a units column follows): every start
        # of the row's cells tried reads the same cells again
        self.memo: dict[tuple[str, Role, int, bool], list[tuple[int, float, str]]] = {}

    def where(self, offset: int) -> int | str:
        """The line of the document a position of the text is on."""
        offset += max((cut for at, cut in self.shifts if at <= offset), default=0)
        found = self.places[0][1]
        for start, where in self.places:
            if start <= offset:
                found = where
        return found

    def rows(self) -> list[tuple[int | str, list[str]]]:
        spans = self._spans()
        if not spans:
            return []
        self._read(spans)  # a first reading: the leaders' names it finds make the second surer
        self.memo.clear()
        return self._read(spans)

    def _spans(self) -> list[tuple[str, int, int]]:
        """(number, start of the row's cells, end) of every row."""
        text = self.text
        first = re.match(r"\s*(\d{1,3})", text)
        if first is None:
            return []
        number, start = int(first.group(1)), first.end()
        spans: list[tuple[str, int, int]] = []
        while True:
            end = self._row_end(start, number + 1)
            spans.append((str(number), start, end))
            if end >= len(text):
                return spans
            number += 1
            start = end + len(str(number))

    def _ends_in_cells(self, body: str) -> bool:
        """Whether `body` (a row's text and cells) ends with the cells after its text."""
        return any(self._tails(body, q, final=True) for q in range(max(1, len(body) - _LONGEST_TAIL), len(body)))

    def _row_end(self, start: int, number: int) -> int:
        text = self.text
        for match in re.finditer(rf"(?<!\d){number}(?!\d)", text[start:]):
            at = start + match.start()
            after = text[at + len(str(number)):]
            if not after or after.startswith(_words().measures) or _NOT_A_ROW.match(after):
                continue  # a figure (3个, 3%) or a date (2月底前) inside the row, not the next row's number
            if at in self.breaks or self._ends_in_cells(text[start:at]):
                return at
            # after a sentence, where the row has had its cells: the text between is a sub-row of merged cells
            if text[at - 1] in _SENTENCE_END and self._next_tail(text[start:at], 0) is not None:
                return at
        return len(text)

    def _read(self, spans: list[tuple[str, int, int]]) -> list[tuple[int | str, list[str]]]:
        rows: list[tuple[int | str, list[str]]] = []
        for position, (number, start, end) in enumerate(spans):
            body = self.text[start:end]
            last = position == len(spans) - 1
            group, at = self._group(body)
            first = True
            while at < len(body):
                tail = self._next_tail(body, at)
                if tail is None:
                    text = C.collapse(body[at:])
                    cells = [number if first else "", group if first else "", text]
                    if not last:  # a sub-row of the merged cells above: every cell written, empty
                        cells += [""] * len(self.tail)
                    rows.append((self.where(start + at), self._ordered(cells)))
                    break
                q, r, found = tail
                self.with_cells += 1
                cells = [number if first else "", group if first else "", C.collapse(body[at:q])]
                rows.append((self.where(start + at), self._ordered(cells + found)))
                for role, cell in zip(self.tail, found, strict=True):
                    if role == "leader" and cell:
                        self.leaders.update(cell.split("、"))
                first = False
                at = r
        return rows

    def _ordered(self, cells: list[str]) -> list[str]:
        """[number, group, text, *tail cells] in the header's column order."""
        no, group, text, *tail = cells
        values: list[str] = []
        given = iter(tail)
        for role in self.roles:
            if role == "no":
                values.append(no)
            elif role == "group":
                values.append(group)
            elif role == "text":
                values.append(text)
            else:
                value = next(given, None)
                if value is None:
                    break
                values.append(value)
        return values

    def _group(self, body: str) -> tuple[str, int]:
        """The row's group and where its text starts (layouts.toml [run_together] says why so)."""
        if "group" not in self.roles:
            return "", 0
        clause = re.split(r"[。；;，,、：:（(“\"\d]", body, maxsplit=1)[0]
        words = _words()
        starts = [at for at in range(_MIN_GROUP, len(clause)) if clause.startswith(words.openers, at)]
        # a name ending like a project's (…改造工程, 老年食堂建设) right before a task verb ends there; else the first
        # task verb starts the content (增加教育资源供给 | 实施新建…)
        # (the name may hold one task verb of its own, a noun there; a content already begun holds more)
        named = [at for at in starts if clause[:at].endswith(words.group_endings) and
                 sum(1 for other in starts if other < at) <= 1]
        at = (named or starts or [0])[0]
        return clause[:at], at

    def _next_tail(self, body: str, at: int) -> tuple[int, int, list[str]] | None:
        """The next cells after a text from `at`: (where they start, where they end, the cells). Cells followed by
        more text (a sub-row) start after a sentence's end and end where a text opens; else the row's last cells."""
        for q in range(at + 1, len(body)):
            if body[q - 1] not in _SENTENCE_END:
                continue
            for r, (_score, found) in sorted(self._tails(body, q, final=False).items()):
                if r < len(body) and body.startswith(_words().openers, r):
                    return q, r, found
        best: tuple[float, int, list[str]] | None = None
        for q in range(max(at + 1, len(body) - _LONGEST_TAIL), len(body)):
            ends = self._tails(body, q, final=True)
            if len(body) in ends:
                score, found = ends[len(body)]
                score += 1 if body[q - 1] in _SENTENCE_END else 0
                if best is None or score > best[0]:
                    best = (score, q, found)
        return (best[1], len(body), best[2]) if best else None

    def _tails(self, body: str, q: int, final: bool) -> dict[int, tuple[float, list[str]]]:
        """Every way the tail columns read from `q`: end → (score, cells); with `final`, only those ending at the
        end of `body`. At least one unit is required; cells followed by more text (not `final`) fill every leader
        and lead column, so a unit-like phrase inside a text (全区城镇新增…) is never taken for a sub-row's cells."""
        states: dict[int, tuple[float, list[str], bool]] = {q: (0.0, [], False)}
        for index, role in enumerate(self.tail):
            later_units = any(r in _UNIT_ROLES for r in self.tail[index + 1:])
            following: dict[int, tuple[float, list[str], bool]] = {}
            for position, (score, cells, units) in states.items():
                for end, gain, cell in self._cells(role, body, position, later_units):
                    if not final and not cell and role in ("leader", "lead"):
                        continue
                    gain += 0.1 if cell else 0.0  # a cell written rather than left empty
                    candidate = (score + gain, [*cells, cell], units or (role in _UNIT_ROLES and bool(cell)))
                    if end not in following or candidate[0] > following[end][0]:
                        following[end] = candidate
            states = following
        return {end: (score, cells) for end, (score, cells, units) in states.items()
                if units and (not final or end == len(body))}

    def _cells(self, role: Role, body: str, at: int, later_units: bool) -> list[tuple[int, float, str]]:
        """(end, score, cell) of each way a cell of `role` reads from `at` (the empty cell too)."""
        key = (body, role, at, later_units)
        if key not in self.memo:
            self.memo[key] = self._read_cells(role, body, at, later_units)
        return self.memo[key]

    def _read_cells(self, role: Role, body: str, at: int, later_units: bool) -> list[tuple[int, float, str]]:
        found: list[tuple[int, float, str]] = [(at, 0.0, "")]
        if role in _UNIT_ROLES:
            found += _unit_runs(body, at, one=role == "lead" and later_units)
        elif role == "leader":
            found += self._names(body, at)
        elif role == "deadline":
            for end in range(at + 2, min(len(body), at + 16) + 1):
                piece = body[at:end]
                if _deadline(piece):
                    found.append((end, 1.0, piece))
        return found

    def _names(self, body: str, at: int) -> list[tuple[int, float, str]]:
        """Leaders' names from `at`: each a surname and one or two characters (a title after it allowed),
        several separated by 、."""
        found: list[tuple[int, float, str]] = []
        runs: list[tuple[int, float, list[str]]] = [(at, 0.0, [])]
        while runs:
            position, score, names = runs.pop()
            for end, gain in _name_ends(body, position):
                name = body[position:end]
                plain = C.strip_title(name)
                gain += 2.0 if plain in self.leaders else 0.0
                total = score + gain
                found.append((end, total, "、".join([*names, plain])))
                if end < len(body) and body[end] == "、" and len(names) < 3:
                    runs.append((end + 1, total, [*names, plain]))
        return found


def _name_ends(body: str, at: int) -> list[tuple[int, float]]:
    words = _words()
    starts = [len(c) for c in words.compound if body.startswith(c, at)]
    if at < len(body) and body[at] in words.surnames:
        starts.append(1)
    ends: list[tuple[int, float]] = []
    for surname in starts:
        for given in (1, 2):
            end = at + surname + given
            name = body[at:end]
            if end > len(body) or not re.fullmatch(r"[\u4e00-\u9fff]+", name) or C.looks_like_unit(name):
                continue
            ends.append((end, 0.5 if given == 2 else 0.0))  # most officials' names have three characters
            title = next((t for t in words.titles if body.startswith(t, end)), "")
            if title:
                ends.append((end + len(title), 0.5))
    return ends


def _unit_runs(body: str, at: int, one: bool) -> list[tuple[int, float, str]]:
    """(end, score, cell) of unit lists from `at`: one unit (a lead column beside another units column, or a list
    joined by 、) or several written together, each known unit scoring above an unknown one."""
    best: dict[int, tuple[float, list[str]]] = {}
    frontier: list[tuple[int, float, list[str]]] = [(at, 0.0, [])]
    while frontier:
        position, score, names = frontier.pop()
        for end, gain in _unit_pieces(body, position):
            run = [*names, body[position:end]]
            total = score + gain
            if end not in best or total > best[end][0] or (total == best[end][0] and len(run) > len(best[end][1])):
                best[end] = (total, run)
                separated = end < len(body) and body[end] in "、，," and len(run) < 12
                if separated:
                    frontier.append((end + 1, total, run))
                elif not one and len(run) < 12:
                    frontier.append((end, total, run))
    return [(end, score, "、".join(names)) for end, (score, names) in best.items()]


def _unit_pieces(body: str, at: int) -> list[tuple[int, float]]:
    """(end, score) of each unit name starting at `at`: 2 for a known body, 1 more when it opens with a level."""
    words = _words()
    found: list[tuple[int, float]] = []
    if at >= len(body) or body[at].isdigit() or (at and body[at - 1].isdigit() and body.startswith(words.measures, at)):
        return found  # a figure's measure (3所, 5个) opens no name
    depth = 0
    for end in range(at + 1, min(len(body), at + _LONGEST_UNIT) + 1):
        char = body[end - 1]
        if char in _NO_PIECE or (char in "、" and depth == 0):
            break
        depth += char in "（(〔[【"
        depth -= char in "）)〕]】"
        if depth < 0:
            break
        if depth or (end < len(body) and body[end] in "（("):
            continue  # a name's own parenthesis (高新园（邹区镇）) belongs to it
        piece = body[at:end]
        score = unit_score(piece)
        if score is not None:
            found.append((end, score))
    return found


@lru_cache(maxsize=1 << 16)
def _deadline(piece: str) -> bool:
    return not any(c in _NO_PIECE for c in piece) and C.looks_like_deadline(piece) and not C.looks_like_unit(piece)


@lru_cache(maxsize=1 << 16)
def unit_score(piece: str) -> float | None:
    """How surely `piece` names one body (None: it names none): a known body (bodies.toml body_kinds, a stem of
    unit_forms.toml, a zone kind, a group, a street or town) 2, an unknown name ending like a body 0; 1 more
    when it opens with a level or a group's word."""
    words = _words()
    core = re.sub(r"[（(][^）)]*[)）]$", "", piece)
    if len(core) < 2 or core in words.endings or core in words.generic:
        return None  # an ending or a generic word alone (办公室, 街道) names no body
    if piece.startswith(words.openers) and not _known(core):
        return None  # 推进大庙弄…: a text opening, not a name
    level = next((lv for lv in words.levels if core.startswith(lv) and len(core) > len(lv)), "")
    if level and core[len(level):] in words.party:
        return None  # 区委, 区政府: the start of the office named after them
    if not C.looks_like_unit(piece):
        return None
    known = _known(core)
    if not known and len(core) < 3:
        return None
    return (2.0 if known else 0.0) + (1.0 if level or C.is_group_name(core) else 0.0)


def _known(core: str) -> bool:
    words = _words()
    zone = next((z for z in words.zones if core.endswith(z)), "")
    if C.is_group_name(core) or (zone and len(core) - len(zone) <= 4 and not core[:-len(zone)].endswith(
            tuple(words.endings))):
        return True  # a zone kind after a short place name (经开区, 钟楼高新园), not after another body
    bare = core
    level = next((lv for lv in words.levels if bare.startswith(lv) and len(bare) > len(lv) + 1), "")
    bare = bare[len(level):]
    party = next((p for p in words.party if level and bare.startswith(p) and len(bare) > len(p) + 1), "")
    bare = bare[len(party):]
    if bare in words.bodies:
        return True
    if bare.startswith(words.stems) and bare.endswith(words.stem_endings):
        return True
    street = next((s for s in words.streets if core.endswith(s)), "")
    # a street or town after its name (五星街道), not after another body (…局各街道)
    return bool(street) and 2 <= len(core) - len(street) <= 4 and not core[:-len(street)].endswith(tuple(words.endings))
