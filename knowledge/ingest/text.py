"""Reader for the plain-text export of a 责任分解 notice (tab-separated tables).

The text is what a PDF or Word copy of the notice becomes when saved as text: the notice, then
附件1 (sections of key tasks, each a table whose header repeats at every page break), then 附件2
(livelihood projects, whose later lines leave the leading cells empty), then the 抄送/印发 footer.

Other formats (.docx, .xlsx) turn their content into the same lines, each with a location label
("表 3 第 4 行"), and hand them to `TextReader.read_lines`, so every rule here is shared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from knowledge.ingest import messages as im
from knowledge.ingest.cells import split_names
from knowledge.ingest.document import (
    Document,
    DocumentError,
    KeyTask,
    LivelihoodItem,
    Section,
    UnitMention,
)
from knowledge.ingest.limits import check_file, check_lines
from knowledge.language import language
from knowledge.numerals import NUMERALS, chinese_to_int
from knowledge.sources import default_key

_ATTACHMENT = re.compile(rf"^附件\s*([0-9{NUMERALS}]+)\s*$")
_SECTION = re.compile(rf"^([{NUMERALS}百]+)\s*[、.．]\s*(.+)$")
# Anchored on 〔 with the issuer before it checked by a look-behind: "\S+〔" would rescan each run of
# non-spaces from every start position (quadratic on one long line).
_DOC_NUMBER = re.compile(r"(?<=\S)〔\s*(\d{4})\s*〕\s*\d+\s*号")
# "已经十届区政府第 16 次常务会议审议通过": the meeting that adopted the document, as written (bounded: ≤ 40 characters).
_MEETING = re.compile(r"(?:已经|经)([^，。；]{2,40}?(?:会议|常务会|全体会))(?:审议|研究)?(?:通过|同意)")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(印发)?$")
_FOOTNOTE = re.compile(r"^注\s*[:：]")
_YEAR = re.compile(r"(\d{4})\s*年")
_LEADER_HEADING = re.compile(r"^(.+?)牵头(?:的)?(?:重点)?工作$")
_SPACES = re.compile(r"[ \u3000\u00a0]+")
_CELL_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # what would split a cell or a line
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff“”（）《》、，])\s+(?=[\u4e00-\u9fff“”（）《》、，])")
_SEPARATORS = "、，,；;"

# Column names the tables use, mapped to the field they fill (knowledge/data/notice.toml).
_KEY_COLUMNS = language().notice.key_columns
_LIVELIHOOD_COLUMNS = language().notice.livelihood_columns
# Columns a continuation row leaves empty (序号, 项目名称): a merged cell there must not repeat its text.
CONTINUATION_COLUMNS = frozenset(name for names in (_KEY_COLUMNS, _LIVELIHOOD_COLUMNS)
                                 for name, field_name in names.items() if field_name in ("no", "category"))


def collapse(text: str) -> str:
    """Trim and collapse runs of spaces, as the contract's `text` asks."""
    return _SPACES.sub(" ", text).strip()


def join_wrapped(text: str) -> str:
    """Join a title that a line wrap split inside Chinese text ("责任 分解" → "责任分解")."""
    return _CJK_GAP.sub("", collapse(text))


def split_units(cell: str) -> list[str]:
    """Split a responsibility cell at separators outside parentheses, keeping `*` marks."""
    return split_names(cell, _SEPARATORS)


def parse_units(cell: str, is_group: Callable[[str], bool]) -> list[UnitMention]:
    """Units of a key-task row: starred ones lead; an unstarred sole unit leads too."""
    raw = split_units(cell)
    starred = [name.startswith(("*", "＊")) for name in raw]
    names = [name.lstrip("*＊").strip() for name in raw]
    bodies = [name for name in names if not is_group(name)]
    sole = not any(starred) and len(bodies) == 1
    return [
        UnitMention(name=name, lead=star or (sole and not is_group(name)), starred=star)
        for name, star in zip(names, starred, strict=True)
    ]


def parse_leader(text: str, titles: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """Split "林杰常委、常务副区长" into the name and its titles (titles.toml's unless given)."""
    text = collapse(text).replace(" ", "")
    known = language().titles.titles if titles is None else titles
    first = min((i for t in known if (i := text.find(t)) > 0), default=-1)
    if first < 0:
        return text, []
    return text[:first], [t for t in re.split(r"[、，,]", text[first:]) if t]


def person(name: str) -> str:
    """Leader names lose the spaces that typesetting puts inside two-character names."""
    return re.sub(r"\s+", "", name)


def attachment_number(line: str) -> int | None:
    """N for an "附件 N" line, else None."""
    match = _ATTACHMENT.match(collapse(line.replace("\t", " ")))
    try:
        return chinese_to_int(match.group(1)) if match else None
    except ValueError:  # 附件 十十 names no attachment
        return None


def _numeral(text: str, what: str, where: int | str | None, source: str) -> int:
    """A heading's number, or a DocumentError naming it (十十, 百, ①)."""
    try:
        return chinese_to_int(text)
    except ValueError:
        raise DocumentError(im.NOT_A_NUMERAL.format(what=what, text=text[:20]), where, source) from None


def _date(match: re.Match[str], where: int | str | None, source: str) -> date:
    """The date a 年月日 line names, or a DocumentError for one that does not exist (2023年2月30日)."""
    year, month, day = (int(g) for g in match.groups()[:3])
    try:
        return date(year, month, day)
    except ValueError:
        raise DocumentError(im.NO_SUCH_DATE.format(year=year, month=month, day=day), where, source) from None


def is_header(cells: Sequence[str]) -> bool:
    """A table's header row (it repeats at page breaks): its first cell is 序号."""
    return len(cells) > 1 and collapse(cells[0]) == "序号"


class Continuations:
    """The columns (序号, 项目名称) where a merged cell is not repeated on the rows it spans, as the text export
    leaves them empty on a project's continuation lines; from the last header row seen (a table split into one
    per page repeats it, a Word table's repeated header rows exist once)."""

    def __init__(self) -> None:
        self.columns: set[int] = set()

    def row(self, cells: list[str], spanned: Iterable[int]) -> list[str]:
        """`cells`, each a merged cell above carried down to (`spanned`) emptied again in those columns."""
        if is_header(cells):
            self.columns = {i for i, cell in enumerate(cells) if collapse(cell).replace(" ", "") in CONTINUATION_COLUMNS}
        for column in spanned:
            if column in self.columns:
                cells[column] = ""
        return cells


def table_line(cells: Sequence[str]) -> str:
    """A table row as the text export writes it: cells joined by tabs, each cell on one line.

    A row whose cells after the first are all empty (a caption or heading spanning the table) reads as
    a plain line, as it does in the text export.
    """
    flat = [_CELL_BREAKS.sub(" ", cell) for cell in cells]
    if not any(cell.strip() for cell in flat[1:]):
        return flat[0] if flat else ""
    return "\t".join(flat)


class _Lines:
    """Numbered lines; `where` names a line by its location label when the reader gave one."""

    def __init__(self, lines: Sequence[str], labels: Sequence[str] | None = None) -> None:
        self.lines = lines
        self.labels = labels
        self.index = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        while self.index < len(self.lines):
            self.index += 1
            yield self.index, self.lines[self.index - 1].rstrip("\r\n")

    @property
    def number(self) -> int:
        return self.index

    def where(self, number: int) -> int | str:
        """The line number of a text file, or the location label ("段落 12", "表 3 第 4 行")."""
        if self.labels is not None and 1 <= number <= len(self.labels):
            return self.labels[number - 1]
        return number

    @property
    def end(self) -> int | str:
        """Where the input ended."""
        return self.where(self.index)


def _columns(header: list[str], names: Mapping[str, str], line: int | str, source: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        field_name = names.get(collapse(cell).replace(" ", ""))
        if field_name and field_name not in columns:
            columns[field_name] = position
    required = {"no", "text", "units"}
    if missing := required - set(columns):
        raise DocumentError(im.HEADER_MISSING.format(
            missing=sorted(missing), example="、".join(k for k in names if names[k] in missing)), line, source)
    return columns


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    position = columns.get(name)
    return cells[position] if position is not None and position < len(cells) else ""


class TextReader:
    """Reads one notice from its text; `read` returns a `Document` or raises `DocumentError`."""

    def __init__(self, is_group: Callable[[str], bool], titles: Sequence[str] | None = None) -> None:
        self.is_group = is_group
        # Set once 附件 1's first row or leader heading is read: from then on the document is of this shape and
        # its errors stand (except a missing 附件 2 the notice did not announce: one table may be another shape).
        self.reached_tables = False
        self.announced_two = False  # the notice lists a second attachment ("附件：1. … 2. …")
        # The leader titles that end a section heading's name (titles.toml's unless given).
        self.titles = tuple(language().titles.titles if titles is None else titles)

    def read_path(self, path: Path, key: str | None = None) -> Document:
        """Read a file, naming it in every error."""
        check_file(path)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentError(im.NOT_UTF8.format(byte=error.start), None, str(path)) from None
        if "\x00" in text:
            raise DocumentError(im.BINARY, None, str(path))
        return self.read(text, key=key or default_key(path), source=str(path))

    def read(self, text: str, key: str, source: str = "") -> Document:
        """Parse the notice, both attachments and the footer."""
        return self._read(_Lines(text.splitlines()), key, source)

    def read_lines(self, located: Iterable[tuple[str, str]], key: str, source: str = "") -> Document:
        """Parse (location label, line) pairs from another format; errors name the label.

        A line holding line breaks is split into several lines that share its label.
        """
        labels: list[str] = []
        lines: list[str] = []
        for label, text in located:
            for line in text.splitlines():
                labels.append(label)
                lines.append(line)
        return self._read(_Lines(lines, labels), key, source)

    def _read(self, lines: _Lines, key: str, source: str) -> Document:
        check_lines(lines.lines, lines.labels, source)  # before any pattern runs over a line
        document = Document(key=key, title="", issuer="", doc_number="", year=0, issued=None,
                            source_name=Path(source).name if source else key)
        attachment = self._notice(lines, document, source)
        if attachment != 1:
            raise DocumentError(im.NO_ATTACHMENT_1, lines.end, source)
        attachment = self._key_tasks(lines, document, source)
        if not document.key_tasks:
            raise DocumentError(im.NO_KEY_TASKS, lines.end, source)
        if attachment != 2:
            # A second attachment the notice announces is missing: truncated. Otherwise the document may
            # simply have one table, which the general reader reads.
            self.reached_tables = self.reached_tables and self.announced_two
            raise DocumentError(im.NO_ATTACHMENT_2, lines.end, source)
        self._livelihood(lines, document, source)
        if not document.year:
            raise DocumentError(im.NO_YEAR, None, source)
        return document

    def _notice(self, lines: _Lines, document: Document, source: str) -> int | None:
        listing = False
        for number, raw in lines:
            line = collapse(raw)
            if not line:
                continue
            listing = listing or bool(re.match(r"^(?:-\s*)?附件\s*[:：]", line))
            if listing and re.match(r"^2\s*[.．、]", line):
                self.announced_two = True
            if match := _ATTACHMENT.match(line):
                return _numeral(match.group(1), "附件编号", lines.where(number), source)
            if not document.issuer and line.endswith("文件"):
                document.issuer = line.removesuffix("文件").strip()
            elif match := _DOC_NUMBER.search(line):
                if not document.doc_number:
                    document.doc_number = line.replace(" ", "")
                    document.year = int(match.group(1))
            elif not document.title and ("关于" in line or line.endswith("通知")):
                document.title = join_wrapped(line)
            elif not document.addressees and line.endswith(("：", ":")) and len(line) < 80:
                document.addressees = line.rstrip("：:")
            elif match := _DATE.match(line):
                document.issued = _date(match, lines.where(number), source)
            if not document.meeting and (match := _MEETING.search(line.replace(" ", ""))):
                document.meeting = match.group(1)
        return None

    def _key_tasks(self, lines: _Lines, document: Document, source: str) -> int | None:
        section: Section | None = None
        columns: dict[str, int] | None = None
        previous: KeyTask | None = None
        for number, raw in lines:
            where = lines.where(number)
            line = collapse(raw.replace("\t", " "))
            if not line:
                continue
            if match := _ATTACHMENT.match(line):
                return _numeral(match.group(1), "附件编号", where, source)
            cells = raw.split("\t")
            if is_header(cells):
                if section is None:
                    raise DocumentError(im.HEADER_BEFORE_SECTION, where, source)
                columns = _columns(cells, _KEY_COLUMNS, where, source)
                continue
            if len(cells) > 1:
                if section is None or columns is None:
                    raise DocumentError(im.KEY_ROW_BEFORE_HEADER, where, source)
                previous = self._key_row(cells, columns, section, previous, number, where, source)
                continue
            if _FOOTNOTE.match(line):
                continue
            if match := _SECTION.match(line):
                section = self._section(match, document, where, source)
                columns, previous = None, None
                continue
            if section is None and not document.key_tasks_title:
                document.key_tasks_title = line
                document.year = document.year or _year_of(line)
                continue
            if section is not None and columns is None:
                section.remark = collapse(f"{section.remark}{line}")
                continue
            raise DocumentError(im.KEY_LINE_UNKNOWN.format(line=line[:30]), where, source)
        return None

    def _section(self, match: re.Match[str], document: Document, where: int | str, source: str) -> Section:
        expected = len(document.sections) + 1
        value = _numeral(match.group(1), "分节序号", where, source)
        if value != expected:
            raise DocumentError(im.SECTION_OUT_OF_ORDER.format(found=match.group(1), expected=expected), where, source)
        heading = collapse(match.group(2))
        leader, titles = "", list[str]()
        if lead := _LEADER_HEADING.match(heading.replace(" ", "")):
            leader, titles = parse_leader(lead.group(1), self.titles)
            self.reached_tables = True  # "二、林杰常委、常务副区长牵头重点工作": this document's own shape
        section = Section(number=value, heading=heading, leader=leader, leader_titles=titles)
        document.sections.append(section)
        return section

    def _key_row(self, cells: list[str], columns: dict[str, int], section: Section,
                 previous: KeyTask | None, number: int, where: int | str, source: str) -> KeyTask:
        no_cell = collapse(_cell(cells, columns, "no"))
        text = collapse(_cell(cells, columns, "text"))
        units_cell = collapse(_cell(cells, columns, "units"))
        note = collapse(_cell(cells, columns, "note"))
        if len(cells) < max(columns["no"], columns["text"], columns["units"]) + 1:
            raise DocumentError(im.TOO_FEW_CELLS.format(cells=len(cells)), where, source)
        if not no_cell:
            # A row the page break split: its rest arrives under the repeated header without a number.
            if previous is None:
                raise DocumentError(im.CONTINUATION_FIRST, where, source)
            previous.text = collapse(f"{previous.text}{text}")
            previous.units.extend(parse_units(units_cell, self.is_group))
            previous.note = collapse(f"{previous.note}{note}")
            return previous
        if not (no_cell.isdecimal() and len(no_cell) <= 9):  # not isdigit: int("①") fails
            raise DocumentError(im.ROW_NUMBER_NOT_DIGITS.format(no=no_cell), where, source)
        expected = len(section.tasks) + 1
        if int(no_cell) != expected:
            raise DocumentError(im.ROW_OUT_OF_ORDER.format(no=no_cell, expected=expected, section=section.number),
                                where, source)
        if not text or not units_cell:
            missing = "重点工作" if not text else "责任单位"
            raise DocumentError(im.KEY_CELL_EMPTY.format(no=no_cell, missing=missing), where, source)
        task = KeyTask(section=section.number, no=expected, text=text,
                       units=parse_units(units_cell, self.is_group), note=note, line=number)
        section.tasks.append(task)
        self.reached_tables = True
        return task

    def _livelihood(self, lines: _Lines, document: Document, source: str) -> None:
        """附件2 to the end: its title, table headers, project rows, then the 抄送/印发 footer."""
        columns: dict[str, int] | None = None
        footer = False
        for number, raw in lines:
            where = lines.where(number)
            line = collapse(raw.replace("\t", " "))
            if not line:
                continue
            cells = raw.split("\t")
            if footer:
                self._footer_line(line, document, where, source)
                continue
            if is_header(cells):
                columns = _columns(cells, _LIVELIHOOD_COLUMNS, where, source)
                continue
            if len(cells) > 1:
                if columns is None:
                    raise DocumentError(im.LIVELIHOOD_ROW_BEFORE_HEADER, where, source)
                last = document.livelihood[-1] if document.livelihood else None
                document.livelihood.append(self._livelihood_item(cells, columns, last, number, where, source))
                continue
            if line.startswith(("抄送", "主送")):
                footer = True
                self._footer_line(line, document, where, source)
                continue
            if not columns and not document.livelihood_title:
                document.livelihood_title = line
                continue
            raise DocumentError(im.LIVELIHOOD_LINE_UNKNOWN.format(line=line[:30]), where, source)
        if not document.livelihood:
            raise DocumentError(im.NO_LIVELIHOOD, lines.end, source)
        if not footer:
            raise DocumentError(im.NO_FOOTER, lines.end, source)

    def _livelihood_item(self, cells: list[str], columns: dict[str, int], last: LivelihoodItem | None,
                         number: int, where: int | str, source: str) -> LivelihoodItem:
        """One row of the 附件2 table: a project's first row (with its 序号 and 项目名称), or one continuing the
        project of the row before it (those cells left empty, or repeated after a page break)."""
        project, category, k = (last.project, last.category, last.k) if last else (0, "", 0)
        no_cell = collapse(_cell(cells, columns, "no"))
        if no_cell:
            if not (no_cell.isdecimal() and len(no_cell) <= 9):  # not isdigit: int("①") fails
                raise DocumentError(im.PROJECT_NOT_DIGITS.format(no=no_cell), where, source)
            if int(no_cell) == project + 1:
                project, k = int(no_cell), 0
                category = collapse(_cell(cells, columns, "category"))
            elif int(no_cell) != project:
                raise DocumentError(im.PROJECT_OUT_OF_ORDER.format(no=no_cell, expected=project + 1, current=project),
                                    where, source)
        elif project == 0:
            raise DocumentError(im.NO_PROJECT_NUMBER, where, source)
        text = collapse(_cell(cells, columns, "text"))
        units = [u.lstrip("*＊") for u in split_units(collapse(_cell(cells, columns, "units")))]
        if not text or not units:
            missing = "项目内容" if not text else "牵头单位"
            raise DocumentError(im.LIVELIHOOD_CELL_EMPTY.format(project=project, missing=missing), where, source)
        return LivelihoodItem(project=project, category=category, k=k + 1, text=text,
                              leader=person(_cell(cells, columns, "leader")), lead_units=units, line=number)

    @staticmethod
    def _footer_line(line: str, document: Document, where: int | str, source: str) -> None:
        if match := _DATE.match(line):
            document.printed = _date(match, where, source)
        elif line.startswith("抄送") or (document.cc and not document.cc.endswith("。")):
            document.cc = collapse(f"{document.cc}{line}")


def _year_of(text: str) -> int:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else 0
