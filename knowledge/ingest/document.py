"""The normalized document every reader produces and the store consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class UnitMention:
    """One unit in a row's responsibility cell, as written (without the `*`)."""

    name: str
    lead: bool
    starred: bool = False


@dataclass
class KeyTask:
    """A row of 附件1 (重点工作): section `section`, 序号 `no`."""

    section: int
    no: int
    text: str
    units: list[UnitMention]
    note: str = ""
    line: int = 0

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

    @property
    def code(self) -> str:
        return f"L{self.project}-{self.k}"


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
    source_name: str = ""
    sections: list[Section] = field(default_factory=list)
    livelihood: list[LivelihoodItem] = field(default_factory=list)

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
