"""The general reader: task tables of any government's notice, wherever and however they are written.

Lines come from any format (a .docx/.xlsx/.html table row arrives as its cells joined by tabs). The
reader finds tables by their header row and reads each with the first layout that fits, in this order:

1. **tab-separated cells** — the body's lines hold tabs: cells go to the header's columns by position
   (or by what they look like, when a row has fewer cells than the header);
2. **one cell per line** — the header itself was one word per line (a web page copied as text): a row
   starts at its number and its cells are given to the columns by what they look like (units, deadline,
   leaders, text), so empty cells may be missing; cells left over after the last column are a sub-row
   sharing the row's number and units (a merged cell);
3. **space-separated rows** — `8 加快建设… 市发改委`: the units (deadline, leaders) are peeled off the end.

Without any header, it reads **numbered tasks with labels**: `牵头单位：…` / `责任单位：…` lines under a
numbered task, or the same labels inline in parentheses after the task (`（责任领导：…；牵头单位：…）`), or the
units in a parenthesis closing each task (also several tasks run together on one line), or named once in the
section heading above numbered tasks that write none (`一、县示范区管委会牵头工作(8项)`).

Who leads (decided for the whole document, in this order): a lead column or `牵头单位` label; lead marks
(`*`, `★`, `▲`, `（牵头）`), with an unmarked sole unit leading too; a notice saying the first-listed unit
leads; else nothing marks a lead, so a sole unit leads and several units are all responsible.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from knowledge.ingest import cells as C
from knowledge.ingest.cells import Role
from knowledge.ingest.document import (
    Document,
    DocumentError,
    KeyTask,
    LivelihoodItem,
    ReadWarning,
    RowDetails,
    Section,
    TableInfo,
    UnitMention,
)
from knowledge.ingest.runtogether import rebuild
from knowledge.kinds import UnitRole
from knowledge.language import (
    banner_place,
    document_place,
    document_places,
    issuing_place,
    language,
    level_only_place,
    source_place,
    unit_level,
)
from knowledge.numerals import NUMERALS, chinese_to_int, int_to_chinese

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*\d+\s*号")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ISSUED = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ATTACHMENT = re.compile(rf"^附\s*件\s*[0-9{NUMERALS}]*\s*[:：]?\s*$")
_LABEL_SPLIT = re.compile(r"[；;。]\s*$")
UNIT_ROLES: frozenset[Role] = frozenset({"lead", "units", "support"})


@dataclass
class RawRow:
    """A row before leads are decided: its cells by role, as written."""

    no_text: str
    text: str
    where: int | str
    line: int
    section: tuple[int, str] = (0, "")
    group: str = ""
    cells: dict[Role, list[str]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    labelled_lead: bool = False  # a lead column or 牵头单位 label exists for this row
    marked_lead: bool = False  # a clause of a units label says who leads ("部门分工：A牵头，B配合")
    from_paren: bool = False  # the units came from the parenthesis closing the task's text
    cell_count: int = 0  # non-empty cells of a table row as written (a cut-off last row has fewer)
    written_cells: int = 0  # cells of a tab/pipe row, empty ones included (a cut-off row lacks trailing ones)
    numbered: bool = True  # the row writes its own number (a merged-cell sub-row does not)
    heading: list[tuple[Role, str]] = field(default_factory=list)  # units its section heading gives it, by role
    empty: set[Role] = field(default_factory=set)  # columns whose cell the row writes empty: nothing to inherit

    def add(self, role: Role, value: str) -> None:
        if value.strip():
            self.cells.setdefault(role, []).append(value.strip())
            self.last_role = role

    last_role: Role | None = None  # the role of the cell added last (a wrapped label line continues it)

    def joined(self, role: Role) -> str:
        return "、".join(self.cells.get(role, []))


@dataclass
class RawTable:
    kind: str
    title: str
    layout: str
    why: str
    columns: list[tuple[str, Role]]
    where: int | str
    rows: list[RawRow] = field(default_factory=list)


class GeneralReader:
    """Reads (location, line) pairs into a Document; raises DocumentError when no table is found."""

    def __init__(self, located: Sequence[tuple[int | str, str]], key: str, source: str = "") -> None:
        self.located: list[tuple[int | str, str]] = []
        # Lines of `|` cells the copy cut before their closing `|` (the last row of a cut-off page).
        self.open_rows: set[int] = set()
        self.whole_rows: set[int] = set()  # rows rebuilt from cells led by `|` (closed by a lone `|` or cut)
        # Lines of a table copied one cell a line with a lone `|` between cells, where a `|` follows a `|`: the cell
        # between them is written and empty (a leader cell left blank), unlike a cell a merged one above covers,
        # which is not written at all (by line index: the second `|`).
        self.empty_cells: set[int] = set()
        # Headers of tables whose cells ran together (runtogether.py), by line index: their columns as decided there.
        self.given_headers: dict[int, list[tuple[str, Role]]] = {}
        rebuilt = rebuild(located)
        if rebuilt is not None:
            for index, (where, raw) in enumerate(rebuilt.located):
                if index in rebuilt.headers:
                    self.given_headers[len(self.located)] = rebuilt.headers[index]
                if index in rebuilt.rows:
                    self.whole_rows.add(len(self.located) + 1)
                if index in rebuilt.headers or index in rebuilt.rows:
                    self.located.append((where, raw))
                else:
                    self.located += [(where, part) for part in _unrun(_unpipe(raw.rstrip("\r\n")))]
            located = []
        previous = ""
        for where, raw, closed in _pipe_led_rows(located):
            line = raw.rstrip("\r\n")
            if line.strip() == "|" and previous == "|":
                self.empty_cells.add(len(self.located))
            previous = line.strip()
            if closed is not None:  # a rebuilt row: already tab-separated
                self.whole_rows.add(len(self.located) + 1)
                if not closed:
                    self.open_rows.add(len(self.located) + 1)
                self.located.append((where, line))
                continue
            if _open_pipe_row(line):
                self.open_rows.add(len(self.located) + 1)
            self.located += [(where, part) for part in _unrun(_unpipe(line))]
        self.key = key
        self.source = source
        self.warnings: list[ReadWarning] = []
        self.section: tuple[int, str] = (0, "")
        self.section_leaders: dict[int, list[str]] = {}
        self.heading_units: list[tuple[Role, str]] = []  # the current section heading's units ("一、X牵头工作")
        self.cut_at: int | str | None = None  # the last complete row, once a cut-off row after it was dropped
        self.title = ""
        self.places: tuple[str, ...] = ()  # the document's own places, with and without their level (莲都区, 莲都)

    # --- the document around the tables

    def read(self) -> Document:
        document = Document(key=self.key, title="", issuer="", doc_number="", year=0, issued=None,
                            source_name=self.source.rsplit("/", 1)[-1] if self.source else self.key)
        self._metadata(document)
        self.title = document.title
        tables = self._tables() or self._headerless() or self._labelled()
        self._cut_last(tables)
        rows = [row for table in tables for row in table.rows]
        if not rows:
            raise DocumentError("找不到任何任务表格：expected a header row such as “序号 工作任务 牵头单位 完成时限” "
                                "or numbered tasks followed by “牵头单位：…” lines", self._end(), self.source)
        self._before_rows(document, min(row.line for row in rows) - 1)
        self._build(document, tables)
        if not document.level:  # 市发改委, 丽水市发改委: the level most of its units are written at
            names = [unit.name for task in document.key_tasks for unit in task.units] + \
                [unit.name for item in document.livelihood for unit in item.units or []]
            # 乡镇人民政府, 各区县政府 address governments below it: no level of the document's own
            levels = Counter(level for name in names if not C.is_group_name(name) and (level := unit_level(name)))
            document.level = levels.most_common(1)[0][0] if levels else ""
        document.warnings = self.warnings
        return document

    def _end(self) -> int | str:
        return self.located[-1][0] if self.located else 0

    def _metadata(self, document: Document) -> None:
        for index, (_where, raw) in enumerate(self.located[:80]):
            line = C.collapse(raw.replace("\t", " "))
            if not line:
                continue
            # the notice's own number heads it (a line of its own, its banner's or its title's); one inside a
            # sentence cites another document ("根据《…意见》(国发〔2022〕18号)和…，")
            if not document.doc_number and (match := _DOC_NUMBER.search(C.simplified(line))) and \
                    not (_sentence(line) and line[:match.start()].strip()):
                document.doc_number = line[match.start():match.end()].replace(" ", "")  # as written (洋政發…號)
                document.year = int(match.group(1))
            if not document.place and (place := issuing_place(C.simplified(line)) or source_place(C.simplified(line))
                                       or banner_place(C.simplified(line))) \
                    and not C.is_group_name(place):  # 各区县人民政府 addresses places, names none
                self._place(document, place)
                if line.endswith("文件") or "办公室" in line[-6:]:
                    document.issuer = line.removesuffix("文件").strip()
            if C.is_chrome(line):
                continue
            if not document.title and "\t" not in raw and (title := self._title_from(index)):
                document.title = title
            elif match := _ISSUED.match(line.replace(" ", "")):
                with contextlib.suppress(ValueError):  # 2023年2月30日 dates nothing: the notice stays undated
                    document.issued = date(*(int(g) for g in match.groups()))
        words = C.layout_words()
        text = "".join(C.fold(raw) for _w, raw in self.located[:200])
        self.first_listed = any(all(word in text for word in group) for group in words.first_listed)

    def _title_from(self, index: int) -> str:
        """The document's name when the line at `index` opens it, else "": the line without a leading 【栏目】, document
        number or page label (名称：), over the next lines while a name holding 关于 has not reached its end (通知, 方案 …;
        layouts.toml [page] title_ends). A number, date, issuer, banner (XX人民政府文件), numbered item or sentence is none."""
        line = _title_text(C.collapse(self.located[index][1].replace("\t", " ")))
        if not _may_title(line):
            return ""
        ends = language().layouts.title_ends
        title = line
        if "关于" in line:
            for _where, raw in self.located[index + 1:index + 5]:
                if title.replace(" ", "").endswith(ends):
                    break
                more = C.collapse(raw.replace("\t", " "))
                if not more or "\t" in raw or _sentence(more) or C.is_chrome(more):
                    break
                title += more
            title = title if title.replace(" ", "").endswith(ends) else line
        return re.sub(r"(?<=[\u4e00-\u9fff》《])\s+(?=[\u4e00-\u9fff《》])", "", title)

    @staticmethod
    def _place(document: Document, place: str) -> None:
        document.place = place
        document.level = document_place(place).level

    def _before_rows(self, document: Document, first: int) -> None:
        """What the lines before the first row say: the year (the title's, else the first one written there — a
        row's 我市2010年 is a target's year, no issue's) and, when no issuer was named, the place a notice issued
        by its level only (市人民政府决定) quotes."""
        before = [raw for _w, raw in self.located[:first]]
        if not document.year:
            match = _YEAR.search(document.title) or next((m for raw in before for m in [_YEAR.search(raw)] if m), None)
            document.year = int(match.group(1)) if match else 0
        if not document.place and (place := level_only_place(C.simplified(raw) for raw in before)):
            self._place(document, place)

    # --- tables with a header row

    def _header(self, index: int) -> tuple[list[tuple[str, Role]], int, str] | None:
        """The header starting at line `index`: its columns, the index after it, and how it was written."""
        if index in self.given_headers:
            return self.given_headers[index], index + 1, "run"
        raw = self.located[index][1]
        if "\t" in raw:
            cells = [C.collapse(c) for c in raw.split("\t")]
            roles = _header_roles(cells)
            if roles is not None:
                return _spanned_text([(c, r or "extra") for c, r in zip(cells, roles, strict=True)]), index + 1, "tab"
            return None
        line = C.collapse(raw)
        tokens = line.split(" ")
        if len(tokens) >= 2 and all(C.column_role(t) for t in tokens):
            spaced = [C.column_role(t) for t in tokens]
            if _is_header(spaced):
                return [(t, r or "extra") for t, r in zip(tokens, spaced, strict=True)], index + 1, "space"
        return self._line_header(index)

    def _line_header(self, index: int) -> tuple[list[tuple[str, Role]], int, str] | None:
        """One header word per line (a web page's table copied as text), blank lines between.

        A header cell the page broke over two lines (责任 / 领导) is joined again when the two lines together
        are a header word, or when the first is no header word and the second would repeat a role the
        header already has (攻坚目标 / 任务 beside 重点工作): a qualified word names another column, kept.
        Cells no header word names are kept as other columns when the header ends at the first row's number.
        """
        lines: list[tuple[int, str]] = []
        position = index
        while position < len(self.located) and len(lines) < 40:
            raw = self.located[position][1]
            cell = C.collapse(raw)
            if "\t" in raw or (cell and (C.is_number(cell) or not _header_like(cell))):
                break
            if cell:
                lines.append((position, cell))
            position += 1
        ends_at_row = position < len(self.located) and C.is_number(C.collapse(self.located[position][1]))
        columns: list[tuple[str, Role]] = []
        after: list[int] = []  # the line after each column's last
        at = 0
        while at < len(lines):
            cell = lines[at][1]
            role = C.loose_column_role(cell)
            following = lines[at + 1][1] if at + 1 < len(lines) else ""
            joined = C.column_role(cell + following) if following else None
            then = C.column_role(following) if following else None
            if following and role is None and (joined is not None or (
                    then is not None and then in {r for _c, r in columns} and len(C.fold(cell)) <= 6)):
                columns.append((cell + following, joined or "extra"))
                after.append(lines[at + 1][0] + 1)
                at += 2
                continue
            if role is None and (not ends_at_row or not columns):
                break
            columns.append((cell, role or "extra"))
            after.append(lines[at][0] + 1)
            at += 1
        if ends_at_row and at == len(lines):
            # Columns no header word names are trusted only as far as the first row fills them (its number
            # included): a group cell written before that number ("发展目标") is no column.
            while len(columns) > self._first_row_cells(position) and C.column_role(columns[-1][0]) is None:
                columns.pop()
                after.pop()
        end = after[-1] if after else position
        listed: list[Role | None] = [r for c, r in columns if C.column_role(c) == r]
        if not _is_header(listed) and len(listed) >= _EXACT_BESIDES:
            # cells written around a header word (2022年预期目标) count beside header words written exactly
            listed = [r for c, r in columns if C.loose_column_role(c) == r]
        if (len(columns) >= 3 or (len(columns) == 2 and listed[:1] == ["no"])) and _is_header(listed):
            return columns, end, "lines"
        return None

    def _first_row_cells(self, index: int) -> int:
        """The non-empty lines from the row number at `index` up to the next number line: that row's cells."""
        count = 1
        for _where, raw in self.located[index + 1:index + 60]:
            cell = C.collapse(raw)
            if cell and C.is_number(cell):
                break
            count += bool(cell)
        return count

    def _tables(self) -> list[RawTable]:
        tables: list[RawTable] = []
        index = 0
        recent: list[str] = []  # lines before a header: the table's title
        while index < len(self.located):
            where, raw = self.located[index]
            line = C.collapse(raw.replace("\t", " "))
            header = self._header(index) if line else None
            if header is None:
                if line and not C.is_chrome(line):
                    recent = [*recent[-3:], line]
                    self._maybe_section(line)
                index += 1
                continue
            columns, after, written = _group_before_text(header[0]), header[1], header[2]
            title = next((r for r in reversed(recent) if not _ATTACHMENT.match(r) and not C.SECTION.match(r)), "")
            previous = tables[-1] if tables else None
            if previous and [r for _c, r in previous.columns] == [r for _c, r in columns] and not recent:
                table = previous  # the header repeated after a page break
            else:
                kind = C.kind_of(title, *(c for c, _r in columns))
                table = RawTable(kind, title, "", "", columns, where)
                tables.append(table)
            index = self._body(table, after, written)
            recent = []
        for table in tables:
            if not table.rows:
                continue
            if table.kind == "key_task" and C.kind_of(self.located[0][1] if self.located else "") == "livelihood":
                table.kind = "livelihood" if len(tables) == 1 else table.kind
        return [t for t in tables if t.rows]

    def _maybe_section(self, line: str) -> None:
        if match := C.SECTION.match(line):
            try:
                value = chinese_to_int(match.group(1))
            except ValueError:  # 百、 or 十十、 numbers no section
                return
            if value:
                self.section = (value, line)
                self.heading_units = C.heading_units(match.group(2)) or []
                leaders = _section_leaders(match.group(2))
                if leaders:
                    self.section_leaders[value] = leaders

    def _stop(self, line: str) -> bool:
        return C.is_footer(line) or bool(_ATTACHMENT.match(line)) or (C.is_chrome(line) and "•" not in line[:1])

    def _body(self, table: RawTable, index: int, written: str) -> int:
        """Read the rows after a header; return the index of the first line that is not the table's."""
        roles = [r for _c, r in table.columns]
        body: list[tuple[int | str, str, int]] = []
        position = index
        while position < len(self.located):
            where, raw = self.located[position]
            line = C.collapse(raw.replace("\t", " "))
            if line and (self._stop(line) or self._header(position) is not None):
                break
            if line:
                body.append((where, raw, position + 1))
            position += 1
        tabbed = sum("\t" in raw for _w, raw, _n in body)
        if written == "run":
            table.layout, table.why = "run", ("表格各格连写、没有分隔（文档分享网站的转存）：按表头词序、下一行序号、"
                                              "领导姓名和单位名称拆分各格")
            self._tab_rows(table, roles, body)
        elif tabbed and tabbed >= len(body) / 3:
            table.layout, table.why = "tab", "表格行分列（制表符或 |）：按表头位置对应各列，位置不符时按内容判断"
            self._tab_rows(table, roles, body)
        elif written == "lines" or not any(re.match(r"^\S+\s+\S", C.collapse(r)) for _w, r, _n in body[:5]):
            table.layout, table.why = "lines", "表头每格一行（网页表格复制为文本）：按序号分行，按内容判断各格属于哪一列"
            self._line_rows(table, roles, body)
        else:
            table.layout, table.why = "space", "表格行以空格分列：序号在前，单位等列在行尾"
            self._space_rows(table, roles, body)
        return position

    def _new_row(self, table: RawTable, no: str, where: int | str, line: int) -> RawRow:
        row = RawRow(no_text=no, text="", where=where, line=line, section=self.section)
        row.labelled_lead = "lead" in [r for _c, r in table.columns]
        table.rows.append(row)
        return row

    def _fill(self, row: RawRow, table: RawTable, values: dict[Role, list[str]], names: dict[Role, str]) -> None:
        for role, items in values.items():
            for value in items:
                if role == "text" and _QUANTITY.match(C.fold(value)) and row.text:
                    name = names.get(role, "其他")  # a figure (目标 1300) is no task's text: kept as another column
                    row.extra[name] = C.collapse(f"{row.extra.get(name, '')}{value}")
                elif role == "text":
                    row.text = C.collapse(f"{row.text}{value}") if row.text else C.collapse(value)
                elif role == "group":
                    row.group = C.collapse(value)
                elif role == "extra":
                    name = names.get(role, "其他")
                    row.extra[name] = C.collapse(f"{row.extra.get(name, '')}{value}")
                elif not value:
                    row.empty.add(role)  # a cell written empty (a blank leader cell): the row has none
                elif role in UNIT_ROLES:
                    add_units(row, role, value)
                else:
                    row.add(role, C.collapse(value))

    def _tab_rows(self, table: RawTable, roles: list[Role], body: list[tuple[int | str, str, int]]) -> None:
        names = {r: c for c, r in table.columns}
        target = _target_column(table.columns)
        group = ""
        for where, raw, number in body:
            cells = raw.split("\t")
            if "\t" not in raw:
                self._maybe_section(C.collapse(raw))
                continue
            nonempty = [c for c in cells if c.strip()]
            if len(nonempty) == 1 and C.SECTION.match(C.collapse(nonempty[0])):
                self._maybe_section(C.collapse(nonempty[0]))
                continue
            values: dict[Role, list[str]] = {}
            levels = _levels(cells, roles)
            if levels:
                # The first column spans several levels (工程 | 子项 | 指标 under one 项目): the innermost is the
                # row's, the one before it its group.
                values["group"] = [cells[levels - 1]]
                cells = cells[levels:]
            if target is not None and "no" in roles and table.rows and not C.is_number(cells[0]) and \
                    not any(_fits(role, c) for c in cells if c.strip() for role in UNIT_ROLES & set(roles)):
                # a line without a number under an item of a name + target table: a further target of the item
                # (序号, 项目名称 and the units merged over it), never more of its name
                _further_target(table.rows[-1], table.columns, target, cells)
                continue
            cells = _two_level_detail(cells, roles)
            lost = 0 if levels else _rowspan_lost(cells, roles)
            cells = [""] * lost + cells  # the group cell written on the group's first row only: the others slid left
            positional = len(cells) >= len(roles) and all(
                _fits(role, cell) for role, cell in zip(roles, cells, strict=False) if cell.strip() and role in UNIT_ROLES)
            # A table without a number column: a row short of cells lost its merged cells at the front and the
            # end (written on the row above), so its cells are the columns from the first on.
            merged = "no" not in roles and 2 <= len(nonempty) < len(roles) and table.rows and not any(
                role in UNIT_ROLES for role in roles[:len(cells)])
            kept: list[tuple[str, str]] = []  # other columns' cells read by position, by their column's name
            if positional or merged:
                for (name, role), cell in zip(table.columns, cells, strict=False):
                    if cell.strip() and role == "extra":
                        kept.append((name or names.get(role, ""), cell))
                    elif cell.strip():
                        values.setdefault(role, []).append(cell)
            else:
                values, _rest = _assign([c for c in cells if c.strip()], roles)
            no = C.collapse("".join(values.pop("no", [])))
            if not no and "no" not in roles and values.get("text") and (
                    numbered := C.NUMBERED.match(C.collapse(values["text"][0]))):
                # no number column: the item's number written inside its cell ("14.改扩建…")
                no, values["text"][0] = numbered.group(1).rstrip(".．、 "), numbered.group(2)
            previous = table.rows[-1] if table.rows else None
            if not no and previous is not None and not any(values.get(r) for r in ("text",)):
                self._fill(previous, table, values, names)  # a cell spilling into the next line
                _keep(previous, kept)
                continue
            split = values.get("text") and not any(values.get(r) for r in UNIT_ROLES) and not merged
            if not no and previous is not None and split and not previous.text.endswith(("。", "；", ";", "！")) \
                    and number not in self.whole_rows:
                self._fill(previous, table, values, names)  # a row the page break split
                _keep(previous, kept)
                continue
            row = self._new_row(table, no or (previous.no_text if previous else ""), where, number)
            row.cell_count = len([c for c in cells if c.strip()]) + lost  # a merged cell is the row's too
            row.written_cells = len(cells)
            row.numbered = bool(no)
            self._fill(row, table, values, names)
            _keep(row, kept)
            if row.group:
                group = row.group
            else:
                row.group = group
            if previous is not None and (not no or not any(row.cells.get(r) for r in UNIT_ROLES)):
                _inherit(row, previous)  # a merged (rowspan) cell: the units above cover this row too

    def _line_rows(self, table: RawTable, roles: list[Role], body: list[tuple[int | str, str, int]]) -> None:
        names = {r: c for c, r in table.columns}
        rows: list[tuple[str, int | str, int, list[str]]] = []
        # A group column left of the number column: a group's cell, written on its first row only, comes
        # before that row's number, so it ends the previous row's cells (or precedes the first row).
        group_first = "group" in roles and "no" in roles and roles.index("group") < roles.index("no")
        carried: list[str] = []
        last = 0
        for where, raw, number in body:
            line = C.collapse(raw)
            if C.is_chrome(line):
                continue
            if rows and any(at in self.empty_cells for at in range(last, number - 1)):
                rows[-1][3].append("")  # a cell written empty since the last line: kept in its place
            last = number
            if C.is_number(line) and _next_number(rows[-1][0] if rows else None, line):
                rows.append((line.rstrip(".．、"), where, number, []))
            elif C.SECTION.match(line) and not (rows and not rows[-1][3]):
                self._maybe_section(line)
                rows.append(("", where, number, []))  # a section boundary: nothing continues across it
            elif rows:
                rows[-1][3].append(line)
            elif group_first:
                carried.append(line)
        group = ""
        fields: list[Role] = [r for r in roles if r != "no"]
        written = [cell for _w, raw, _n in body[:2] if (cell := C.collapse(raw))]
        if "no" not in roles and written and not any(C.is_number(cell) for cell in written):
            # no number column, and the rows do not start with numbers either (a figure later is a score)
            self._unnumbered_line_rows(table, roles, body)
            return
        for no, where, number, cells in rows:
            if not no:
                continue
            parent: RawRow | None = None
            while cells and not cells[-1]:
                cells.pop()  # an empty cell closing the row's cells: the next row starts at its own number
            rest = carried + cells
            whole = rest
            carried = []
            own: list[RawRow] = []
            while rest:
                values, rest = _assign(rest, fields)
                if group_first and len(rest) == 1 and parent is None and _is_group_cell(rest[0]):
                    carried, rest = rest, []  # the next row's group cell
                if parent is None and (positional := _positional(whole, fields)):
                    values, rest = positional, []
                row = self._new_row(table, no, where, number)
                # a group cell is written on a group's first row only: not a cell every row has
                # columns filled, not cells: a unit list may take several lines
                row.cell_count = 1 + sum(1 for r, v in values.items() if v and r != "group")
                self._fill(row, table, values, names)
                if row.group:
                    group = row.group
                else:
                    row.group = group
                if own:
                    _inherit(row, own[-1])  # a merged cell spans from the nearest row above that writes it
                parent = parent or row
                own.append(row)
                if not values:
                    break
            _numbers_in_text(own)

    def _unnumbered_line_rows(self, table: RawTable, roles: list[Role], body: list[tuple[int | str, str, int]]) -> None:
        """One cell per line under a header without a 序号 column (an indicator table: 项目 / 分值 / 目标任务 / 监考单位).

        A row starts at a text cell followed by a cell of the column after the text column (a figure under a
        score or other column, units, a leader or a deadline), since nothing else marks where a row begins. Its
        cells are given to the columns by what they look like; a short cell a row leaves over is the next row's
        group cell (written on a group's first row only, so before that row's text). A row without units shares
        the merged unit cell written on the row above it.
        """
        fields: list[Role] = [r for r in roles if r != "group"]
        if len(fields) < 2 or fields[0] != "text":
            return
        names = {r: c for c, r in table.columns}
        lines = [(where, cell, number) for where, raw, number in body
                 if (cell := C.collapse(raw)) and not C.is_chrome(cell)]
        anchor = fields[1]

        def opens(at: int) -> bool:
            cell, following = lines[at][1], lines[at + 1][1]
            if C.is_number(cell) or _QUANTITY.match(C.fold(cell)) or C.looks_like_units(cell):
                return False
            if anchor in UNIT_ROLES or anchor in ("leader", "deadline"):
                return _fits(anchor, following)
            return bool(_QUANTITY.match(C.fold(following)))

        starts = [at for at in range(len(lines) - 1) if opens(at)]
        if len(starts) < 2:
            return
        table.why = ("表头每格一行、没有序号列：每行从任务格起（其后一格为数值、单位、领导或时限），按内容判断各格；"
                     "只写在组内第一行的分类格归下一行，缺少单位格的行沿用上一行的合并单元格")
        group = next((cell for _w, cell, _n in reversed(lines[:starts[0]]) if _is_group_cell(cell)), "")
        segments = [(start, *_assign([cell for _w, cell, _n in lines[start:end]], fields))
                    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]
        # A row sharing the unit cell above ends on a short cell: the next row's group unless the rows with
        # units of their own show short cells of that kind (a target written as a phrase, not a figure).
        short = {C.collapse(cell) for values, _rest in (s[1:] for s in segments) if any(values.get(r) for r in UNIT_ROLES)
                 for role, cells in values.items() if role != "text" for cell in cells if _is_group_cell(cell)}
        previous: RawRow | None = None
        for start, values, rest in segments:
            where, _cell, number = lines[start]
            last = next((role for role in reversed(fields) if values.get(role)), None)
            if not short and not rest and last is not None and last != "text" and last not in UNIT_ROLES and \
                    not any(values.get(r) for r in UNIT_ROLES) and _is_group_cell(values[last][-1]):
                rest = [values[last].pop()]
            row = self._new_row(table, "", where, number)
            row.numbered = False
            row.cell_count = sum(len(v) for v in values.values())
            self._fill(row, table, values, names)
            row.group = group
            if rest and _is_group_cell(rest[-1]):
                group, rest = C.collapse(rest[-1]), rest[:-1]
            if rest:
                self._fill(row, table, {"extra": rest}, names)
            if previous is not None and not any(row.cells.get(r) for r in UNIT_ROLES):
                _inherit(row, previous)  # a merged (rowspan) unit cell: written on the row above only
            previous = row

    def _space_rows(self, table: RawTable, roles: list[Role], body: list[tuple[int | str, str, int]]) -> None:
        names = {r: c for c, r in table.columns}
        tail = [r for r in roles if r not in ("no", "text", "group")]
        for where, raw, number in body:
            line = C.collapse(raw)
            tokens = line.split(" ")
            if not tokens or not C.is_number(tokens[0]):
                if table.rows and line:
                    previous = table.rows[-1]
                    if C.looks_like_units(line):
                        previous.add("lead" if "lead" in roles else "units", line)
                    else:
                        self._maybe_section(line)
                continue
            row = self._new_row(table, tokens[0].rstrip(".．、"), where, number)
            rest = tokens[1:]
            peeled: list[tuple[Role, str]] = []
            for role in reversed(tail):
                while rest and _fits(role, rest[-1]) and len(rest) > 1:
                    peeled.append((role, rest.pop()))
                    if role not in UNIT_ROLES:
                        break
            row.text = C.collapse(" ".join(rest))
            for role, value in reversed(peeled):
                self._fill(row, table, {role: [value]}, names)

    # --- table rows without a header row

    def _headerless(self) -> list[RawTable]:
        """Rows of cells (tab- or |-separated) that start with their number, under no header: the columns are
        what their cells hold — the number, the task's text (the first long text), units, leaders, deadlines;
        other columns (a progress sentence, a status) are kept, never read as units."""
        run: list[tuple[int | str, str, int]] = []
        best: list[tuple[int | str, str, int]] = []
        for position, (where, raw) in enumerate(self.located):
            cells = [c.strip() for c in raw.split("\t")]
            if "\t" in raw and C.is_number(cells[0]):
                run.append((where, raw, position + 1))
            elif C.collapse(raw):
                best, run = max(best, run, key=len), []
        body = max(best, run, key=len)
        rows = [[c.strip() for c in raw.split("\t")] for _w, raw, _n in body]
        if len(rows) < 2:
            return []
        width = max(set(len(r) for r in rows), key=[len(r) for r in rows].count)
        roles = _column_roles([[r[j] for r in rows if len(r) == width and r[j]] for j in range(width)])
        if roles is None:
            return []
        columns = [(C.ROLE_NAMES[r] if r != "extra" else f"第 {j + 1} 列", r) for j, r in enumerate(roles)]
        table = RawTable(C.kind_of(self.located[0][1] if self.located else ""), "", "tab",
                         "没有表头：各行以序号开头、按格分列，按各列内容判断（单位、任务、其他列）", columns, body[0][0])
        self._tab_rows(table, roles, body)
        table.layout = "tab"
        return [table] if table.rows else []

    # --- numbered tasks with 牵头单位：… labels (no header)

    def _labelled(self) -> list[RawTable]:
        self.located = _rows_run_together(self.located)
        label = _label_pattern()
        roles = dict(C.layout_words().labels)
        table = RawTable("key_task", "", "labels", "", [], self.located[0][0] if self.located else 0)
        current: RawRow | None = None
        labelled = False
        headed = False  # a 一、 heading was a task
        group = ""
        for index, (where, raw) in enumerate(self.located):
            line = C.collapse(raw.replace("\t", " "))
            if not line or C.is_chrome(line) or C.is_footer(line):
                continue
            found = _find_labels(label, line)
            numbered = C.NUMBERED.match(line)
            if numbered and current is not None and not current.cells and _sub_point(current.text, numbered.group(1)):
                numbered = None  # "(2)…" opening a line: the task's next sub-point, its "(1)" inside the text above
            if found and found[0][0] <= 1 and current is not None:
                if current.from_paren:  # the label lines say it: not the parenthesis closing the text
                    current.cells, current.labelled_lead, current.from_paren = {}, False, False
                    current.last_role = None
                self._labels(current, line, found, roles)
                labelled = True
                continue
            heading = C.SECTION.match(line)
            # (the last line of a copy that cut it off, after headings that were tasks, is a cut task too)
            if heading and not found and (current is None or current.cells) and (
                    self._opens_row(index, label) or (headed and self._last_line(index))):
                headed = True
                # "一、…项目" right above its 牵头单位：… lines: a task numbered like a heading, not a section
                current = RawRow(no_text=heading.group(1), text=C.collapse(heading.group(2)), where=where,
                                 line=index + 1, section=self.section, group=group)
                table.rows.append(current)
                continue
            if heading and not found:
                self._maybe_section(line)
                current = None
                continue
            # an unnumbered paragraph closed by a parenthesis of units ("…。（省商务厅、省财政厅等负责）") is a task
            # (a numbered line without units above it is its task's first line, unless several such paragraphs
            # follow it: then it heads them)
            paragraph = not numbered and not found and not heading and C.trailing_units(line) is not None and (
                current is None or bool(current.cells) or self._paragraph_tasks(index) >= 2)
            if numbered or found or paragraph:
                if current is not None and not current.heading and not any(current.cells.get(r) for r in UNIT_ROLES):
                    # A numbered line without labels before the next one is a sub-heading, not a task (unless its
                    # section heading names the units of every task under it).
                    table.rows.remove(current)
                    group = current.text
                text = numbered.group(2) if numbered else line
                no = numbered.group(1).rstrip(".．、") if numbered else ""
                current = RawRow(no_text=no, text="", where=where, line=index + 1, section=self.section,
                                 group=group, heading=self.heading_units)
                table.rows.append(current)
                inline = _find_labels(label, text)
                if inline:
                    head = text[: inline[0][0]].rstrip("（(【［[〔 ")
                    current.text = C.collapse(head)
                    self._labels(current, text, inline, roles)
                    labelled = True
                else:
                    current.text = C.collapse(text)
                    labelled = _take_trailing(current) or labelled
                continue
            if (current is None or current.cells) and _cut_in_units(line) and self._last_line(index):
                # the copy ends inside the parenthesis of units closing a task: that task is the cut one
                whole = [r for r in table.rows if any(r.cells.get(role) for role in UNIT_ROLES)]
                self.warnings.append(ReadWarning(where, f"文件在第 {len(whole) + 1} 项中断：这一项不完整，未导入"))
                if whole:
                    self.cut_at = whole[-1].where
            elif current is not None and current.last_role == "leader" and _more_leaders(line):
                # a second leader written on the line under the first, with titles ("责任领导：胡选坤 市委副书记" /
                # "马兴赞 市委常委、市政府常务副市长"): no unnumbered task before the labels below
                current.cells["leader"][-1] += "\n" + line
            elif current is not None and not current.cells:
                current.text = C.collapse(current.text + line)  # the task's text wraps onto this line
                labelled = _take_trailing(current) or labelled
            elif (current is None or current.cells) and self._opens_row(index, label):
                # An unnumbered task: the line right before its labels (a newspaper's list of items).
                current = RawRow(no_text="", text=line, where=where, line=index + 1, section=self.section,
                                 group=group, heading=self.heading_units)
                table.rows.append(current)
            elif current is not None and (last := current.last_role) and _continues(current.cells[last][-1], line):
                current.cells[last][-1] += line  # a unit list the page's line break cut (园区党工 / 委、…)
        labelled = _from_headings(table.rows) or labelled
        if not labelled:
            return []
        if table.rows and (not any(table.rows[-1].cells.get(r) for r in UNIT_ROLES) or _cut_text(table.rows)):
            cut = table.rows.pop()
            self.warnings.append(ReadWarning(cut.where, f"文件在第 {cut.no_text} 项之后中断：这一项没有责任单位，未导入"))
            if table.rows:
                self.cut_at = table.rows[-1].where
        table.rows = [r for r in table.rows if any(r.cells.get(role) for role in UNIT_ROLES)]
        table.why = ("没有表头：编号任务后跟“牵头单位：…”“责任单位：…”（或括号内同样的标注），"
                     "或任务末尾括号内的单位（“（市发改委）”“（A牵头，B按职责分工负责）”）")
        table.kind = C.kind_of(self.located[0][1] if self.located else "", self.title)
        used = {role for row in table.rows for role in row.cells}
        table.columns = [(C.ROLE_NAMES[r], r) for r in ("text", *sorted(used))]
        return [table]

    def _last_line(self, index: int) -> bool:
        """Whether nothing of the document is written after line `index` (page chrome aside)."""
        return not any((line := C.collapse(raw.replace("\t", " "))) and not C.is_chrome(line)
                       for _where, raw in self.located[index + 1:])

    def _opens_row(self, index: int, label: re.Pattern[str]) -> bool:
        """Whether the next written line after `index` starts with a label (so this line is a task's text)."""
        for _where, raw in self.located[index + 1:]:
            line = C.collapse(raw.replace("\t", " "))
            if line and not C.is_chrome(line):
                found = _find_labels(label, line)
                return bool(found) and found[0][0] <= 1
        return False

    def _paragraph_tasks(self, index: int) -> int:
        """Unnumbered paragraphs closed by a parenthesis of units from line `index` up to the next numbered line."""
        count = 0
        for _where, raw in self.located[index:]:
            line = C.collapse(raw.replace("\t", " "))
            if not line or C.is_chrome(line):
                continue
            if C.NUMBERED.match(line) or C.SECTION.match(line):
                break
            count += C.trailing_units(line) is not None
        return count

    @staticmethod
    def _labels(row: RawRow, text: str, found: list[tuple[int, int, str]], roles: dict[str, Role]) -> None:
        for position, (_start, after, word) in enumerate(found):
            end = found[position + 1][0] if position + 1 < len(found) else len(text)
            role = roles[C.fold(word)]
            value = text[after:end].strip()
            # A unit list or a name ends at its first sentence and loses the punctuation closing it; a
            # deadline is kept as written.
            if role in UNIT_ROLES or role == "leader":
                value = _before_detail(value)  # 责任单位:莲塘镇任务目标:… — the line break before 任务目标 was lost
            value = _unclosed(value if role == "deadline" else _first_sentence(value).strip().rstrip("。；;，, "))
            if role in UNIT_ROLES:
                add_units(row, role, value, label=True)
            else:
                row.add(role, value)

    def _cut_last(self, tables: list[RawTable]) -> None:
        """The document's last row, when the copy ends inside it: its last unit is cut short ("区"), or it
        has fewer cells than the table's other rows. Imported rows are the complete ones (a warning names it)."""
        self._cut_row(tables)
        table = next((t for t in reversed(tables) if t.rows), None)
        if table is not None and len(table.rows) == 1 and sum(1 for t in tables if t.rows) > 1 and \
                not any(table.rows[0].cells.get(r) for r in UNIT_ROLES):
            # a later table cut inside its first row (what is left of it has no units): no row of the document
            tables.remove(table)
            self.warnings.append(ReadWarning(table.rows[0].where, f"文件在“{table.title or '表格'}”的第一项中断："
                                                                  "这张表没有完整的行，未导入"))
        tables[:] = [t for t in tables if t.rows]  # a table whose only row was the cut one has none left

    def _cut_row(self, tables: list[RawTable]) -> None:
        table = next((t for t in reversed(tables) if t.rows), None)
        if table is None or len(table.rows) < 2:
            return
        last = table.rows[-1]
        if last.where == self.cut_at:
            return  # the row after it was the cut one (a numbered task without its units)
        names = [n for role in sorted(UNIT_ROLES) for cell in last.cells.get(role, []) for n, _m in C.parse_unit_cell(cell)]
        filled = [r.cell_count for r in table.rows[:-1]]
        typical = max(set(filled), key=filled.count)
        short = table.layout in ("tab", "lines", "run") and last.cell_count < typical
        # a row missing the trailing cells every other row writes, empty or not ("text | progress" where
        # sub-rows write "text | progress | ||")
        alike = [r.written_cells for r in table.rows[:-1] if r.numbered == last.numbered] or \
            [r.written_cells for r in table.rows[:-1]]
        short = short or (table.layout in ("tab", "run") and last.written_cells < min(alike))
        # a `|` row the copy cut before its closing `|`, where the table's other rows close theirs
        short = short or (last.line in self.open_rows and any(r.line not in self.open_rows for r in table.rows[:-1]))
        # a name other rows list whole ("功能板块") is no name cut short, whatever it ends with
        listed = {n for row in table.rows[:-1] for role in UNIT_ROLES for cell in row.cells.get(role, [])
                  for n, _m in C.parse_unit_cell(cell)}
        if (names and not C.looks_like_unit(names[-1]) and names[-1] not in listed) or short or not names:
            table.rows.pop()
            own = [r for r in table.rows if r.where == last.where] if table.layout == "lines" else []
            others = [r.cell_count for r in table.rows if r.where != last.where]
            if own and (not others or own[0].cell_count < min(others) - 1 or
                        not any(own[0].cells.get(r) for r in UNIT_ROLES)):
                # the cut row's own sub-rows: cells read apart from a row the copy cut short (a row whose own
                # cells are all there, one empty cell at most as on other rows, keeps them: its extra cell was cut)
                del table.rows[-len(own):]
            self.warnings.append(ReadWarning(last.where, f"文件在第 {last.no_text or len(table.rows) + 1} 项中断："
                                                         "这一项不完整，未导入"))

    # --- rows → the document

    def _build(self, document: Document, tables: list[RawTable]) -> None:
        self.places = tuple(document_places(document.place, language().names.levels)) if document.place else ()
        rows = [row for table in tables for row in table.rows]
        marked = any(name_marked for row in rows for role in ("units", "support")
                     for cell in row.cells.get(role, []) for _n, name_marked in C.parse_unit_cell(cell)) or \
            any(row.marked_lead for row in rows)
        labelled = any(row.labelled_lead for row in rows)
        rule = ("lead" if labelled else "first" if self.first_listed else "marks" if marked else "none")
        document.lead_marked = rule != "none"
        used: set[str] = set()
        for table in tables:
            info = TableInfo(kind="livelihood" if table.kind == "livelihood" else "key_task", title=table.title,
                             layout=table.layout, why=table.why, rows=len(table.rows), line=table.where,
                             columns=[(c, r) for c, r in table.columns])
            document.tables.append(info)
            self._place_rows(document, table, rule, used)
        document.reading = rule

    def _units(self, row: RawRow, rule: str) -> list[UnitMention]:
        lead = [(n, True, q) for n, _m, q in _cell_units(row, ("lead",), self.places)]
        listed = _cell_units(row, ("units", "support"), self.places)
        if lead or row.labelled_lead:
            lead_names = {C.fold(n) for n, _m, _q in lead}
            others = [(n, False, q) for n, _m, q in listed if C.fold(n) not in lead_names]
            return _mentions(lead, "lead") + _mentions(others, "support")
        if rule == "first" and listed and not any(m for _n, m, _q in listed):
            return _mentions(listed[:1], "lead") + _mentions(listed[1:], "support")
        if rule in ("marks", "first"):
            mentions = _mentions(listed)
            bodies = [m for m in mentions if not C.is_group_name(m.name)]
            if not any(m.starred for m in mentions) and len(bodies) == 1:
                return [UnitMention(m.name, m is bodies[0], False, "lead" if m is bodies[0] else "support",
                                    m.qualified) for m in mentions]
            return mentions
        named = [n for n, _m, _q in listed if not C.is_group_name(n)]
        if len(named) == 1 and len(listed) == 1:
            return [UnitMention(m.name, not C.is_group_name(m.name), False,
                                "support" if C.is_group_name(m.name) else "lead", m.qualified)
                    for m in _mentions(listed, "lead")]
        return _mentions(listed, "responsible")

    def _place_rows(self, document: Document, table: RawTable, rule: str, used: set[str]) -> None:
        letter = "L" if table.kind == "livelihood" else "K"
        by_section: dict[int, list[RawRow]] = {}
        for row in table.rows:
            by_section.setdefault(row.section[0] or 1, []).append(row)
        offset = 0
        if any(f"{letter}{s}-1" in used for s in by_section):
            offset = max(int(code[1:].split("-")[0]) for code in used if code.startswith(letter))
        for number, rows in by_section.items():
            section_number = number + offset
            plain = [r.no_text for r in rows]
            # isdecimal, not isdigit: "①" is a digit int() refuses
            by_number = all(n.isdecimal() and len(n) <= 6 for n in plain) and len(set(plain)) == len(plain)
            heading = rows[0].section[1]
            section: Section | None = None
            if table.kind != "livelihood":
                section = next((s for s in document.sections if s.number == section_number), None)
                if section is None:
                    leaders = self.section_leaders.get(number, [])
                    section = Section(number=section_number, heading=heading,
                                      leader=leaders[0] if leaders else "", leader_titles=[])
                    document.sections.append(section)
            for position, row in enumerate(rows, start=1):
                n = int(row.no_text) if by_number else position
                used.add(f"{letter}{section_number}-{n}")
                leaders = [p for cell in row.cells.get("leader", []) for p in C.split_people(cell)]
                leaders = leaders or self.section_leaders.get(number, [])
                phrase = "；".join(row.cells.get("deadline", []))
                due = C.deadline_of(phrase, document.year)[1] if phrase else None
                details = RowDetails(no_text=row.no_text, leaders=leaders, deadline=phrase,
                                     deadline_date=due if isinstance(due, date) else None, extra=row.extra)
                units = self._units(row, rule)
                note = "；".join(row.cells.get("note", []))
                if table.kind == "livelihood":
                    document.livelihood.append(LivelihoodItem(
                        project=section_number, category=row.group or heading, k=n, text=row.text,
                        leader=leaders[0] if leaders else "", lead_units=[u.name for u in units if u.lead],
                        line=row.line, details=details, units=units, note=note))
                else:
                    task = KeyTask(section=section_number, no=n, text=row.text, units=units, note=note,
                                   line=row.line, details=details, category=row.group)
                    if section is not None:
                        section.tasks.append(task)
                if not units:
                    self.warnings.append(ReadWarning(row.where, f"第 {row.no_text} 项没有责任单位"))
                if not row.text:
                    self.warnings.append(ReadWarning(row.where, f"第 {row.no_text} 项没有任务内容"))


def _title_text(line: str) -> str:
    """A line as it may name the document: without a leading 【栏目】, document number (鲁政办字〔2015〕46号山东省…) or page
    label ("名 称: 区人民政府办公室关于…")."""
    line = re.sub(r"^【[^】]{1,30}】\s*", "", line)
    if (number := _DOC_NUMBER.match(C.simplified(line))) and number.end() < len(line):
        line = line[number.end():].strip()
    labels = "|".join(r"\s*".join(map(re.escape, label)) for label in language().layouts.title_labels)
    return re.sub(rf"^(?:{labels})\s*[:：]\s*", "", line) if labels else line


def _sentence(line: str) -> bool:
    """A sentence (。，) or a line introducing what follows (各区县人民政府,…：): no document's name."""
    return any(mark in line for mark in "。，,") or line.endswith((":", "："))


def _may_title(line: str) -> bool:
    text = C.simplified(line.replace(" ", ""))
    if not text or _sentence(line) or len(line) > 120 or ("关于" not in line and len(line) < 8):
        return False
    place = issuing_place(text)
    banner = bool(place) and text.startswith(place) and \
        re.fullmatch(r"(?:人民政府|政府)?(?:办公室|办公厅)?(?:文件)?", text[len(place):]) is not None
    alone = _DOC_NUMBER.fullmatch(text.strip("()（）"))  # the number line
    enclosed = text[:1] in "(（" and text[-1:] in ")）"  # (此件公开发布), (二OO八年二月二十六日)
    numbered = C.SECTION.match(text) or C.NUMBERED.match(text)  # 一、…, 3.健全…: an item, no name
    label = re.match(r"([\u4e00-\u9fff]{2,8})[:：]", text)  # 牵头单位：市发改委: a row's label line
    labelled = label is not None and C.fold(label.group(1)) in C.layout_words().columns
    return not (banner or alone or enclosed or numbered or labelled or _ISSUED.match(text))


def add_units(row: RawRow, role: Role, value: str, label: bool = False) -> None:
    """A unit cell or label (`label`) of the row by the roles its clauses say, each ending with or opening on its own
    ("县发改局牵头，县财政局配合", "由市民政局牵头，市卫健委参与", "主办：A；协办：B"); else whole in `role` (a cell that
    says no role, or only 负责, is read by the document's lead rule as before). A table with a lead column gives roles
    by column: there a cell's role words drop off and its units keep the column's role."""
    clauses = C.role_clauses(value, explicit=True)
    by_column = not label and row.labelled_lead
    for part, cell in clauses or [(role, value)]:
        part = role if part == "units" or by_column else part
        # a lead label decides leads for the document; a lead clause of another label or a cell marks this
        # row's lead only (a notice's "列第一位为牵头" still rules the rows that mark none)
        row.labelled_lead = row.labelled_lead or (label and role == "lead")
        row.marked_lead = row.marked_lead or (part == "lead" and not by_column)
        row.add(part, cell)


def _cell_units(row: RawRow, roles: tuple[Role, ...], places: tuple[str, ...]) -> list[tuple[str, bool, str]]:
    """(name, marked lead, name with the level prefix restored or "") of the row's unit cells: a prefix written
    on the first unit of a cell qualifies that cell's names only (牵头单位:市人社局;数据提供单位:成调队)."""
    found: list[tuple[str, bool, str]] = []
    for role in roles:
        for cell in row.cells.get(role, []):
            pairs = C.parse_unit_cell(cell)
            qualified = C.qualify([n for n, _m in pairs], places)
            found += [(n, m, q) for (n, m), q in zip(pairs, qualified, strict=True)]
    return found


def _mentions(units: list[tuple[str, bool, str]], role: UnitRole | None = None) -> list[UnitMention]:
    return C.mentions([(n, m) for n, m, _q in units], role, [q for _n, _m, q in units])


# A cell holding only a figure (1300, 12.5%, 3,000): a target, never a task's text.
_QUANTITY = re.compile(r"^[\d.,，%]+$")


def _open_pipe_row(line: str) -> bool:
    """A line of `|`-separated cells that lacks the closing `|`: the copy stopped inside it."""
    text = line.strip()
    return text.count("|") >= 2 and not text.endswith("|") and "\t" not in text


def _levels(cells: list[str], roles: list[Role]) -> int:
    """How many cells more than the header a row writes at its front, when its first column spans several
    levels (项目 over 工程 | 子项 | 指标): the header then fits the row's last cells, each units column units
    and each leader column names."""
    surplus = len(cells) - len(roles)
    if surplus <= 0 or roles[0] not in ("text", "group") or not any(r in UNIT_ROLES for r in roles):
        return 0
    tail = cells[surplus:]
    fits = all(_fits(role, cell) for role, cell in zip(roles, tail, strict=True)
               if cell.strip() and (role in UNIT_ROLES or role == "leader"))
    return surplus if fits and all(c.strip() for c in cells[:surplus + 1]) else 0


def _target_column(columns: list[tuple[str, Role]]) -> int | None:
    """The position of a target column (目标任务) right after a name column (项目名称) read as the text, if any
    (layouts.toml [groups] targets): a progress table, whose items list several targets each."""
    targets = {C.fold(w) for w in language().layouts.group_targets}
    return next((p for p in range(1, len(columns)) if columns[p][1] == "extra" and columns[p - 1][1] == "text"
                 and C.fold(columns[p][0]) in targets), None)


def _further_target(row: RawRow, columns: list[tuple[str, Role]], target: int, cells: list[str]) -> None:
    """Keep a further target line's cells with the item's: from the target column on, the merged unit columns
    skipped (`“三公里”充分就业社区6个 | 6 | 100%` under `目标任务 | 牵头单位 | 累计完成 | 累计进度`)."""
    after = [c for c, role in columns[target:] if role not in UNIT_ROLES]
    _keep(row, [(name, cell) for name, cell in zip(after, cells, strict=False) if cell.strip()])


def _keep(row: RawRow, cells: list[tuple[str, str]]) -> None:
    """Other columns' cells (a target, a progress figure) kept with the row under their column's name, a
    further one of a merged item after a `；`."""
    for name, cell in cells:
        key, value = name or "其他", C.collapse(cell)
        row.extra[key] = f"{row.extra[key]}；{value}" if row.extra.get(key) else value


def _two_level_detail(cells: list[str], roles: list[Role]) -> list[str]:
    """A detail cell written as two levels (`最低生活保障 | 农村标准(760元/月)`) pushes the units one cell right:
    when the cell under the first units column is no unit, the one after it is, and a detail column comes
    before, those two cells are the detail's."""
    first = next((p for p, role in enumerate(roles) if role in UNIT_ROLES), None)
    if first is None or first == 0 or roles[first - 1] != "extra" or first + 1 >= len(cells):
        return cells
    under, after = cells[first].strip(), cells[first + 1].strip()
    if not under or _fits(roles[first], under) or not after or not _fits(roles[first], after):
        return cells
    return [*cells[:first - 1], f"{cells[first - 1].strip()} {under}", *cells[first + 1:]]


def _rowspan_lost(cells: list[str], roles: list[Role]) -> int:
    """How many group columns at the front of the header a row does not write (their merged cell is written on
    the group's first row only, so the row's cells slid left): 0 unless the cells fit the header only without
    them, each units column then holding units and each leader column names, one units column at least."""
    front = next((position for position, role in enumerate(roles) if role != "group"), 0)

    def fits(shift: int) -> bool:
        pairs = [(role, cell) for role, cell in zip(roles[shift:], cells, strict=False) if cell.strip()]
        checked = [_fits(role, cell) for role, cell in pairs if role in UNIT_ROLES or role == "leader"]
        return all(checked) and any(_fits(role, cell) for role, cell in pairs if role in UNIT_ROLES)

    if not front or fits(0):
        return 0
    return next((shift for shift in range(1, front + 1) if fits(shift)), 0)


@cache
def _detail_label() -> re.Pattern[str]:
    """A task-text header word used as a label (任务目标：, 建设内容：): the row's detail, never its units."""
    words = sorted((w for w, role in C.layout_words().columns.items() if role == "text" and len(w) >= 4),
                   key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(re.escape(w) for w in words)})\s*[:：]")


def _before_detail(value: str) -> str:
    match = _detail_label().search(C.simplified(value))
    return value[: match.start()] if match else value


def _first_sentence(value: str) -> str:
    """A label's units end at the first 。 outside brackets: what follows is progress or remarks
    ("牵头部门:市交通局。建设进度相对较慢的县区为舒城县")."""
    depth = 0
    for position, char in enumerate(value):
        if char in "（(〔[【［":
            depth += 1
        elif char in "）)〕]】］":
            depth = max(0, depth - 1)
        elif char == "。" and depth == 0:
            return value[:position]
    return value


_LABEL_BEFORE = r"[（(\[【［；;，,。\s]"
_QUALIFIER = 2  # characters before a run-on label at a line's start that qualify it (主要, 其他) rather than title an item


@cache
def _label_pattern() -> re.Pattern[str]:
    """A `X：` label: after the line's start or a separator, or — for a unit label of four characters or more
    (牵头责任部门, 责任单位) — run on straight from the item's title ("(一)适龄女生HPV疫苗接种牵头责任部门:县卫健委",
    a progress notice's item heading); a short word (牵头, 进度) that close to the text before it is the text's."""
    words = C.layout_words()
    pattern = "|".join(re.escape(w) for w, _r in words.labels)
    run_on = "|".join(re.escape(w) for w in words.unit_headers)
    return re.compile(rf"(?:(?:^|{_LABEL_BEFORE})\s*({pattern})|({run_on}))\s*[:：]\s*")


def _find_labels(label: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    """`label` matches in `text`, compared in simplified script without inserted pinyin ("責(zé)任單位"):
    (start, end, label word) with the positions in `text` as written."""
    clean, at = C.denoised(text)
    plain = C.simplified(clean)
    found: list[tuple[int, int, str]] = []
    for match in label.finditer(plain):
        start = match.start()
        if match.group(2):
            # a word of two characters at most right before a run-on label qualifies it ("主要协作单位:"): the label's
            # own; a longer text there is the item's title ("(一)适龄女生HPV疫苗接种牵头责任部门:")
            opening = len(re.split(_LABEL_BEFORE, plain[:start])[-1])
            start = start - opening if opening <= _QUALIFIER else start
        found.append((at[start], at[match.end()], match.group(1) or match.group(2)))
    return found


def _continues(value: str, line: str) -> bool:
    """Whether `line` continues the unit list `value` that a hard line break cut: the list is open (it ends
    with a separator or in a name cut short) and joined they are all units."""
    if not value or value.endswith(("。", "；", ";")) or C.NUMBERED.match(line) or C.is_chrome(line):
        return False
    names = C.split_names(value, "、，,；;")
    open_list = value.endswith(("、", "，", ",")) or not names or not C.looks_like_unit(names[-1])
    return open_list and C.looks_like_units(value + line)


def _sub_point(text: str, number: str) -> bool:
    """Whether `number` ("(2)", "（二）") is the sub-point after one written inside `text` ("…:(1)…"), not a row
    of its own: a PDF's line break fell before it."""
    inner = number.strip("（()） ")
    if not number.startswith(("(", "（")) or not inner:
        return False
    value = chinese_to_int(inner)
    if value < 2:
        return False
    before = str(value - 1) if inner.isdecimal() else int_to_chinese(value - 1)
    return re.search(rf"[（(]{before}[)）]", text) is not None and re.search(rf"[（(]{inner}[)）]", text) is None


def _more_leaders(line: str) -> bool:
    """Whether `line` holds leaders only: names of two to four characters opening with a surname, each
    with titles or none ("马兴赞 市委常委、市政府常务副市长")."""
    surnames = language().titles.surnames
    tokens = [t for t in re.split(r"[\s、，,；;]+", line) if t]
    names = [t for t in tokens if not C.is_title(t)]
    return bool(names) and all(2 <= len(n := C.strip_title(t)) <= 4 and n.startswith(surnames) and
                               C.looks_like_people(n) for t in names)


def _take_trailing(row: RawRow) -> bool:
    """Move the units of the parenthesis closing a row's text into its cells; whether there were any."""
    found = C.trailing_units(row.text)
    if found is None:
        return False
    row.text, cells = found
    for role, cell in cells:
        row.add(role, cell)
        row.labelled_lead = row.labelled_lead or role == "lead"
    row.from_paren = True
    return True


def _from_headings(rows: list[RawRow]) -> bool:
    """Give rows without units of their own the units their section heading names; whether any row took them."""
    taken = False
    for row in rows:
        if row.heading and not any(row.cells.get(r) for r in UNIT_ROLES):
            for role, cell in row.heading:
                row.add(role, cell)
                row.labelled_lead = row.labelled_lead or role == "lead"
            row.from_paren = False
            taken = True
        else:
            row.heading = []
    return taken


_ENDS = ("。", "；", ";", "！", "!", "？", "?", "）", ")")


def _cut_text(rows: list[RawRow]) -> bool:
    """Whether the last row, whose units only its heading gives (nothing written after its text shows the copy went
    on), is cut inside its text: it lacks the closing punctuation the other such rows end with."""
    ended = [row.text.endswith(_ENDS) for row in rows[:-1] if row.heading]
    return bool(rows) and bool(rows[-1].heading) and not rows[-1].text.endswith(_ENDS) and \
        len(ended) >= 2 and all(ended)


def _rows_run_together(located: list[tuple[int | str, str]]) -> list[tuple[int | str, str]]:
    """Tasks closed by a parenthesis of units that a copy ran together on one line ("…左右。(市人口计生委、市公安局牵头)
    万元…降低20%。(市经委牵头)…") split apart after each such parenthesis that follows a sentence's end. A line opening
    with such a parenthesis gives it to the sentence the line before ended without one (the copy broke the line
    between a task and its units); what is left of a split line without its sentence's end (a PDF's hard line break,
    inside the text or the units) goes on onto the next line."""
    result: list[tuple[int | str, str]] = []
    carry: tuple[int | str, str] | None = None  # the unfinished end of a split line
    for where, raw in located:
        line = raw.strip()
        if "\t" in line or not line:
            result.append((where, raw))
            continue
        if carry and not (C.NUMBERED.match(line) or C.SECTION.match(line) or C.is_chrome(line)):
            where, line = carry[0], carry[1] + line
        elif carry:
            result.append(carry)
        elif (opening := _leading_units(line)) and (last := _last_written(result)) is not None and \
                (before := result[last][1].rstrip()).endswith("。") and C.trailing_units(before) is None:
            result[last] = (result[last][0], before + line[:opening])
            line = line[opening:].strip()
        carry = None
        start = 0
        for end in _units_closing(line):
            result.append((where, line[start:end]))
            start = end
        rest = line[start:].strip()
        if rest and ((start and not rest.endswith(_ENDS)) or _cut_in_units(rest)):
            carry = (where, rest)
        elif rest:
            result.append((where, rest))
    if carry:
        result.append(carry)
    return result


def _last_written(lines: list[tuple[int | str, str]]) -> int | None:
    return next((k for k in range(len(lines) - 1, -1, -1) if lines[k][1].strip()), None)


def _leading_units(line: str) -> int:
    """The length of the parenthesis of units opening `line` (0 if it opens with none)."""
    if line[:1] not in "（(":
        return 0
    close = _closing(line, 0)
    return close + 1 if close > 0 and C.role_clauses(line[1:close]) is not None and line[close + 1:].strip() else 0


def _units_closing(line: str) -> list[int]:
    """Where tasks end inside `line`: after each parenthesis of units that follows a sentence's end (。) and has more
    text after it."""
    ends: list[int] = []
    for match in re.finditer(r"。\s*[（(]", line):
        close = _closing(line, match.end() - 1)
        if close > 0 and line[close + 1:].strip() and C.role_clauses(line[match.end():close]) is not None:
            ends.append(close + 1)
    return ends


def _cut_in_units(line: str) -> bool:
    """A task's sentence followed by a parenthesis of units the copy cut before it closed ("…40%以上。 (市建委、")."""
    match = re.search(r"。\s*[（(]([^（()）]*)$", line)
    inside = match.group(1).rstrip("、，, ") if match else ""
    return bool(inside) and C.looks_like_units(inside)


def _closing(line: str, start: int) -> int:
    """The position of the bracket closing the one at `start` (-1 when the line ends first)."""
    depth = 0
    for position in range(start, len(line)):
        if line[position] in "（(":
            depth += 1
        elif line[position] in "）)":
            depth -= 1
            if depth == 0:
                return position
    return -1


def _unclosed(value: str) -> str:
    """Drop closing brackets that close the label's own bracket, not a name's ("县发改局(粮食局)" keeps its own)."""
    def surplus(text: str) -> int:
        return sum(text.count(c) for c in ")）]】］〕") - sum(text.count(c) for c in "(（[【［〔")

    while value and value[-1] in ")）]】］〕" and surplus(value) > 0:
        value = value[:-1].rstrip("。；;，, ")
    return value


# A line this long holding several numbered items, section headings or labels is a whole notice a web page
# ran together (its line breaks lost): it is split again before each of them.
_RUN_TOGETHER = 200


def _row_line(row: list[list[str]]) -> str:
    """A rebuilt row's cells, tab-separated (a row of one cell, the task under merged cells, still a row)."""
    cells = ["".join(lines) for lines in row]
    return "\t".join(cells if len(cells) > 1 else [*cells, ""])


def _pipe_led_rows(located: Sequence[tuple[int | str, str]]) -> list[tuple[int | str, str, bool | None]]:
    """A table copied with each cell after a row's first on its own line led by `|`, and a lone `|` closing the
    row (a legal database's page): each row becomes one tab-separated line. A cell's lines are joined without a
    space (a narrow cell writes 市 / 发 / 改 / 委 one character a line); a row's first cell is every line since
    the last lone `|` (the block's first row: the line right before its first `|` cell). Returns (where, line,
    closed): closed is None for lines left as they are, False for the copy's last row when no `|` closes it."""
    plain: list[tuple[int | str, str, bool | None]] = [(w, raw, None) for w, raw in located]
    stripped = [raw.strip() for _w, raw in located]
    led = [t.startswith("|") and not t.endswith("|") and len(t) > 1 for t in stripped]
    lone = [t == "|" for t in stripped]
    if sum(led) < _PIPE_LED or sum(lone) < _PIPE_LED:
        return plain
    result: list[tuple[int | str, str, bool | None]] = []
    row: list[list[str]] = []  # the row's cells, each its lines
    start: int | None = None
    for index, text in enumerate(stripped):
        if lone[index] and row:
            result.append((located[start or 0][0], _row_line(row), True))
            row, start = [], None
        elif led[index]:
            if not row:  # the block's first row: its first cell is the line before
                first = next((j for j in range(len(result) - 1, -1, -1) if result[j][1].strip()), None)
                if first is not None and result[first][2] is None and first == len(result) - 1:
                    row, start = [[result[first][1].strip()]], index - 1
                    result.pop()
            row.append([text[1:].strip()])
            start = index if start is None else start
        elif text and (row or (result and result[-1][2] is True)):
            if not row:
                start = index
                row.append([])
            row[-1].append(text)
        elif not row:
            result.append(plain[index])
    if row:
        result.append((located[start or 0][0], _row_line(row), False))
    return result


_PIPE_LED = 3  # rows a copy must write so before its lines are read as such


def _unrun(line: str) -> list[str]:
    """A run-together notice split back into lines: before every `一、` heading, `1.` item and `责任单位:` label
    that follows a space (the line breaks the copy turned into spaces). Other lines stay as they are."""
    if len(line) < _RUN_TOGETHER or "\t" in line:
        return [line]
    starts = [m.start() for m in _run_marker().finditer(line)]
    if len(starts) < 3:
        return [line]
    parts = [line[a:b].strip() for a, b in zip([0, *starts], [*starts, len(line)], strict=True)]
    return [part for part in parts if part]


@cache
def _run_marker() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w, _r in C.layout_words().labels)
    return re.compile(rf"(?<=\s)(?:[{NUMERALS}]{{1,3}}、|\d{{1,3}}[.．、](?!\d)|(?:{labels})\s*[:：])")


def _unpipe(line: str) -> str:
    """Cells a web page's copy separates with `|` become tab-separated; a lone `|` (an empty cell) nothing."""
    text = line.strip()
    if "|" not in text or "\t" in text:
        return line
    cells = [c.strip() for c in text.strip("|").split("|")]
    return "\t".join(cells) if len(cells) >= 2 else cells[0]


def _header_like(cell: str) -> bool:
    """A line that may be a header cell: short, no sentence punctuation."""
    return len(C.fold(cell)) <= 14 and not any(p in cell for p in "。；;，,：:！？")


def _group_before_text(columns: list[tuple[str, Role]]) -> list[tuple[str, Role]]:
    """A header with two text columns: a project's name before a task column (项目名称 + 具体任务及目标) is the
    row's group; a cell only written around a header word (2024年建设内容) beside a text column written exactly
    is a detail kept with the row (layouts.toml [groups])."""
    texts = [position for position, (_c, role) in enumerate(columns) if role == "text"]
    if len(texts) != 2:
        return columns
    data = language().layouts
    first, second = (C.fold(columns[p][0]) for p in texts)
    if first in {C.fold(w) for w in data.group_names} and second in {C.fold(w) for w in data.group_targets}:
        return [(cell, "extra" if position == texts[1] else role) for position, (cell, role) in enumerate(columns)]
    if first in {C.fold(w) for w in data.group_names} and any(w in second for w in data.group_tasks):
        return [(cell, "group" if position == texts[0] else role) for position, (cell, role) in enumerate(columns)]
    exact = [p for p in texts if C.column_role(columns[p][0]) == "text"]
    if len(exact) == 1:
        return [(cell, "extra" if position in texts and position not in exact else role)
                for position, (cell, role) in enumerate(columns)]
    return columns


def _spanned_text(columns: list[tuple[str, Role]]) -> list[tuple[str, Role]]:
    """A text header cell merged over the empty one after it (考核项目 over a category and its indicators): the
    first column it spans is the row's group, the second its text."""
    out = list(columns)
    for position in range(1, len(out)):
        if not out[position][0] and out[position - 1][1] == "text" and "group" not in {r for _c, r in out}:
            out[position - 1], out[position] = (out[position - 1][0], "group"), (out[position - 1][0], "text")
    return out


_EXACT_BESIDES = 2  # header words written exactly that make a row's looser cells (2022年预期目标) trusted


def _header_roles(cells: list[str]) -> list[Role | None] | None:
    """The roles of a row's cells when the row is a header: by the words as written, else with cells written
    around a header word (具体工作任务和要求) when at least two other cells are header words as written."""
    exact = [C.column_role(c) for c in cells]
    if _is_header(exact):
        return exact
    loose = [C.loose_column_role(c) for c in cells]
    if sum(1 for r in exact if r) >= _EXACT_BESIDES and _is_header(loose):
        return loose
    return None


def _is_header(roles: Sequence[Role | None]) -> bool:
    present = {r for r in roles if r}
    return "text" in present and bool(present & {"lead", "units", "support", "leader", "deadline"}) and \
        sum(1 for r in roles if r) >= 2


def _fits(role: Role, cell: str) -> bool:
    """Whether a cell looks like what a column of this role holds."""
    if role in UNIT_ROLES:
        return C.looks_like_units(cell)
    if role == "deadline":
        return C.looks_like_deadline(cell)
    if role == "leader":
        return C.looks_like_people(cell)
    if role == "no":
        return C.is_number(cell)
    return True


def _column_roles(columns: list[list[str]]) -> list[Role] | None:
    """Each column's role from what all its cells hold; None unless there are a number, a text and a units column."""
    roles: list[Role] = []
    for index, cells in enumerate(columns):
        role: Role = "extra"
        if not cells:
            pass
        elif index == 0 and all(C.is_number(c) for c in cells):
            role = "no"
        elif all(C.looks_like_units(c) for c in cells):
            role = "support" if {"units", "lead"} & set(roles) else "units"
        elif all(C.looks_like_people(c) for c in cells):
            role = "leader"
        elif all(C.looks_like_deadline(c) for c in cells):
            role = "deadline"
        elif "text" not in roles and all(C.looks_like_text(c) for c in cells):
            role = "text"
        roles.append(role)
    if roles[:1] != ["no"] or "text" not in roles or "units" not in roles or roles.index("text") > roles.index("units"):
        return None
    return roles


def _positional(cells: list[str], roles: list[Role]) -> dict[Role, list[str]] | None:
    """A row with exactly one cell per column, read by position when every unit cell holds units (the look
    of a cell decides only when empty cells went missing)."""
    if len(cells) != len(roles) or not all(_fits(r, c) for r, c in zip(roles, cells, strict=True) if r in UNIT_ROLES):
        return None
    values: dict[Role, list[str]] = {}
    for role, cell in zip(roles, cells, strict=True):
        values.setdefault(role, []).append(cell)
    return values


def _assign(cells: list[str], roles: list[Role]) -> tuple[dict[Role, list[str]], list[str]]:
    """Give a row's cells (empty ones possibly missing) to the columns by what they look like.

    Columns are taken in header order: text takes one cell, a units column the unit-looking cells that
    follow (one for a lead column beside another units column; a column before another units column leaves
    it the last), a deadline or leader column a cell that looks so, a note or other column the next cell unless a
    later column fits it better. Returns the cells given and those left over (a sub-row).
    """
    values: dict[Role, list[str]] = {}
    index = 0
    for position, role in enumerate(roles):
        if index >= len(cells):
            break
        later = roles[position + 1:]
        cell = cells[index]
        if not cell or role == "text":  # a cell written empty (`|` right after `|`) is the next column's, whatever it is
            values.setdefault(role, []).append(cell)
            index += 1
        elif role == "group":
            following = cells[index + 1] if index + 1 < len(cells) else ""
            # a group is a name (公办教育资源扩容提质惠民工程), never a sentence, and shorter than the task after it
            if len(C.fold(cell)) <= 20 and not re.search(r"[。，,；;]", cell) and (
                    len(following) > len(cell) or following.endswith(("。", "；", ";"))):
                values.setdefault(role, []).append(cell)
                index += 1
        elif role in UNIT_ROLES or role in ("leader",):
            run = 0
            while index + run < len(cells) and _fits(role, cells[index + run]):
                run += 1
            # A unit list may spill over several lines, but another unit column of the row keeps its own:
            # a lead column holds one cell (牵头单位 before 配合单位), and a column before a lead column
            # (责任单位 before 牵头单位) leaves the run's last cell to it.
            keep = sum(1 for r in later if r in UNIT_ROLES) if role in UNIT_ROLES else 0
            take = min(run, 1 if role == "lead" and keep else max(1, run - keep))
            if take:
                values.setdefault(role, []).extend(cells[index:index + take])
                index += take
        elif role == "deadline":
            if _fits(role, cell):
                values.setdefault(role, []).append(cell)
                index += 1
        elif not any(_fits(r, cell) for r in later if r not in ("note", "extra", "text", "group")) and (
                role == "extra" or not C.looks_like_text(cell) or not later):
            values.setdefault(role, []).append(cell)
            index += 1
    return values, cells[index:]


def _is_group_cell(cell: str) -> bool:
    """A category cell (发展目标, 激发市场活力): short, no sentence end, not a unit or number."""
    text = C.fold(cell)
    return 2 <= len(text) <= 12 and not text.endswith(("。", "；", ";")) and not C.looks_like_units(cell) \
        and not C.is_number(cell) and not C.looks_like_deadline(cell)


def _inherit(row: RawRow, parent: RawRow) -> None:
    """A sub-row shares its parent's merged cells: units, leaders and group where it has none."""
    for role in ("lead", "units", "support", "leader"):
        if not row.cells.get(role) and parent.cells.get(role) and role not in row.empty:
            row.cells[role] = list(parent.cells[role])
    row.labelled_lead = row.labelled_lead or parent.labelled_lead
    row.group = row.group or parent.group


_TEXT_NUMBER = re.compile(r"^(\d{1,3})\s?[.．、](?!\d)\s*(\S.*)$")


def _numbers_in_text(rows: list[RawRow]) -> None:
    """Rows read from one numbered line whose task cells write their own numbers ("1.地区生产总值…", "2.一般公共预算…"
    under one 序号 cell merged over a group): each row is numbered as its task cell says, the number taken out of
    its text. A single row whose cell repeats its own number ("1" | "1.…") loses the repeat."""
    found = [_TEXT_NUMBER.match(row.text) for row in rows]
    numbers = [int(m.group(1)) for m in found if m]
    if not all(found) or not numbers:
        return
    if len(rows) > 1 and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return
    if len(rows) == 1 and str(numbers[0]) != rows[0].no_text:
        return
    for row, match in zip(rows, found, strict=True):
        if match:
            row.no_text, row.text = match.group(1), C.collapse(match.group(2))


def _next_number(previous: str | None, line: str) -> bool:
    """Whether a number line starts the next row (and is not a number inside a row's cells)."""
    current = line.rstrip(".．、")
    if previous is None or not previous:
        return True
    if previous.isdecimal() and current.isdecimal() and len(previous) <= 9 and len(current) <= 9:
        return int(current) in (int(previous) + 1, 1)
    return True


def _section_leaders(heading: str) -> list[str]:
    """Leaders a section heading names: "（责任领导：张三）" or "张三副区长牵头…"."""
    words = C.layout_words()
    for word, role in words.labels:
        if role == "leader" and (match := re.search(rf"{re.escape(word)}\s*[:：]\s*([^）)；;]+)", heading)):
            return C.split_people(match.group(1))
    verbs = "|".join(words.leader_verbs)
    if match := re.match(rf"^(.{{2,12}}?)(?:同志)?(?:{verbs})", heading.replace(" ", "")):
        name = C.strip_title(match.group(1))
        if name != match.group(1) and 2 <= len(name) <= 4:
            return [name]
    return []
