"""The normalized document every reader produces and the store consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from knowledge.kinds import TableKind, UnitRole


@dataclass(frozen=True)
class UnitMention:
    """One unit in a row's responsibility cell, as written (without the `*`)."""

    name: str
    lead: bool
    starred: bool = False
    role: UnitRole | None = None
    # The name a level prefix written only on the list's first unit makes of it (市发改委、统计局 → 市统计局).
    qualified: str = ""

    @property
    def part(self) -> UnitRole:
        return self.role or ("lead" if self.lead else "support")


@dataclass
class RowDetails:
    """What a general document's row adds to the bundled shape: all empty for the bundled document."""

    no_text: str = ""
    leaders: list[str] = field(default_factory=list)
    deadline: str = ""
    deadline_date: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class KeyTask:
    """A row of 附件1 (重点工作): section `section`, 序号 `no`."""

    section: int
    no: int
    text: str
    units: list[UnitMention]
    note: str = ""
    line: int = 0
    details: RowDetails = field(default_factory=RowDetails)
    category: str = ""

    @property
    def code(self) -> str:
        return f"K{self.section}-{self.no}"


@dataclass
class Section:
    """A section of 附件1, headed by the leader who leads its tasks."""

    number: int
    heading: str
    leader: str
    leader_titles: list[str]
    remark: str = ""
    tasks: list[KeyTask] = field(default_factory=list)


@dataclass
class LivelihoodItem:
    """A content line of 附件2 (民生实事): project `project`, its `k`-th line."""

    project: int
    category: str
    k: int
    text: str
    leader: str
    lead_units: list[str]
    line: int = 0
    details: RowDetails = field(default_factory=RowDetails)
    # Every unit with its role, when the document names more than lead units (None: `lead_units` only).
    units: list[UnitMention] | None = None
    note: str = ""

    @property
    def code(self) -> str:
        return f"L{self.project}-{self.k}"


@dataclass
class TableInfo:
    """One table as the reader understood it: for `duban import --dry-run` and the stored layout."""

    kind: TableKind
    title: str
    layout: str
    why: str
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header as written, role)
    rows: int = 0
    line: int | str = 0


@dataclass(frozen=True)
class ReadWarning:
    """Something the reader skipped or guessed, with where."""

    line: int | str
    message: str


@dataclass
class Document:
    """A whole responsibility document: the notice and both attachments."""

    key: str
    title: str
    issuer: str
    doc_number: str
    year: int
    issued: date | None
    printed: date | None = None
    addressees: str = ""
    key_tasks_title: str = ""
    livelihood_title: str = ""
    cc: str = ""
    # The meeting that adopted the document ("十届区政府第16次常务会议"), as the notice writes it.
    meeting: str = ""
    source_name: str = ""
    sections: list[Section] = field(default_factory=list)
    livelihood: list[LivelihoodItem] = field(default_factory=list)
    # Where the document is from ("鞍山市立山区") and its level (区, 县, 市 …), read from the document itself.
    place: str = ""
    level: str = ""
    # False when nothing in the document marks a lead: every listed unit is responsible.
    lead_marked: bool = True
    tables: list[TableInfo] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)
    # Which of the ordered layout guesses read the document, and why (see knowledge/ingest/guesses.py).
    reading: str = ""
    # The notice's own sentences on when units report ("请各责任单位于每季度末月20日前将完成情况报…"),
    # one a line: the opening paragraphs are not rows, and progress reporting reads its due rule here.
    reporting: str = ""

    @property
    def key_tasks(self) -> list[KeyTask]:
        return [task for section in self.sections for task in section.tasks]


class DocumentError(ValueError):
    """A document that cannot be read: names the line and what was expected there.

    `line` is a text file's line number, or a location label for other formats ("表 3 第 4 行").
    """

    def __init__(self, message: str, line: int | str | None = None, source: str = "") -> None:
        self.line = line
        self.source = source
        if isinstance(line, str):
            where = f"{source}: {line}: " if source else f"{line}: "
        elif source:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        else:
            where = f"第 {line} 行: " if line is not None else ""
        super().__init__(f"{where}{message}")
