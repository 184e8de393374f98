"""Reader for a Word (.docx) copy of the notice.

The body is walked in document order, paragraphs and tables interleaved, and turned into the lines of
the text export: a paragraph is a line (its line breaks split it, its tabs stay, as Word's "save as
text" writes them), a table row is its cells joined by tabs. `TextReader.read_lines` then applies every
rule of the text reader; errors name the paragraph ("段落 12") or the table row ("表 3 第 4 行").

Merged cells: a horizontally merged cell is one cell followed by empty ones, so later columns keep
their place under the header. A vertically merged cell repeats its text on each row it spans (a leader
or a unit cell shared by several lines), except in the 序号/项目名称 columns, where it stays empty the way
the text export writes a project's continuation lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.ingest.document import Document, DocumentError
from knowledge.ingest.limits import LIMITS, check_office
from knowledge.ingest.text import Continuations, TextReader, table_line
from knowledge.sources import default_key

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}r"
# Wrappers whose children are still body content: content controls and custom XML.
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"}
_TEXT_BOX = f"{_W}txbxContent"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_BREAK = f"{_W}br"
_VAL = f"{_W}val"


def _children(element: Any, *tags: str) -> Iterator[Any]:
    """Children with one of `tags`, in order, looking through content controls and custom XML."""
    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


def _in_text_box(run: Any, paragraph: Any) -> bool:
    for ancestor in run.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == _TEXT_BOX:
            return True
    return False


def paragraph_text(paragraph: Any) -> str:
    """A paragraph's visible text: runs inside hyperlinks, fields and insertions count; deletions and
    text boxes (paragraphs of their own) do not; tabs are tabs and line breaks are newlines."""
    parts: list[str] = []
    for run in paragraph.iter(_R):
        if _in_text_box(run, paragraph):
            continue
        for child in run.iterchildren():
            if child.tag in _RUN_TEXT:
                parts.append(_RUN_TEXT[child.tag] or child.text or "")
            elif child.tag == _BREAK and child.get(f"{_W}type") in (None, "textWrapping"):
                parts.append("\n")
    return "".join(parts)


def cell_text(tc: Any) -> str:
    """A cell's paragraphs (and any nested table's cells), one per line."""
    parts: list[str] = []
    for block in _children(tc, _P, _TBL):
        if block.tag == _P:
            parts.append(paragraph_text(block))
        else:
            parts.extend(cell_text(inner) for row in _children(block, _TR) for inner in _children(row, _TC))
    return "\n".join(parts)


def _properties(element: Any, container: str, name: str) -> Any:
    """The `w:{name}` element inside `w:{container}` of a row or cell, or None."""
    properties = element.find(f"{_W}{container}")
    return None if properties is None else properties.find(f"{_W}{name}")


def _number(element: Any, container: str, name: str, default: int) -> int:
    found = _properties(element, container, name)
    value = None if found is None else found.get(_VAL)
    # isdecimal, not isdigit: "①" is a digit that int() refuses; a forged 5,000-digit value would too.
    return int(value) if value and value.isascii() and value.isdecimal() and len(value) <= 9 else default


class _TableWalk:
    """Rows of the body's tables as lists of cells, one per grid column.

    The header (the last row seen whose first cell is 序号) is remembered across tables: a long table
    split into one table per page repeats it, but Word's repeated header rows exist only once.
    """

    def __init__(self) -> None:
        self.continuations = Continuations()

    def rows(self, table: Any) -> Iterator[list[str]]:
        above: dict[int, str] = {}  # grid column → the text a vertical merge there continues
        for row in _children(table, _TR):
            before = min(_number(row, "trPr", "gridBefore", 0), LIMITS.columns + 1)
            cells = [""] * before
            continued: list[int] = []
            for tc in _children(row, _TC):
                column, span = len(cells), max(1, _number(tc, "tcPr", "gridSpan", 1))
                if column + span > LIMITS.columns:  # a forged gridSpan/gridBefore would allocate it all
                    raise DocumentError(f"表格行跨越 {column + span} 列，超过上限 {LIMITS.columns}：不像是一份正常的表格")
                vertical = _properties(tc, "tcPr", "vMerge")
                horizontal = _properties(tc, "tcPr", "hMerge")
                if horizontal is not None and horizontal.get(_VAL, "continue") == "continue":
                    text = ""  # an old-style horizontal merge: its first cell holds the text
                elif vertical is not None and vertical.get(_VAL, "continue") == "continue":
                    text = above.get(column, "")
                    continued.append(column)
                else:
                    text = cell_text(tc)
                    above[column] = text
                cells.append(text)
                cells.extend([""] * (span - 1))
            yield self.continuations.row(cells, continued)


def docx_lines(path: Path) -> list[tuple[str, str]]:
    """The (location, line) pairs of a .docx body; raises DocumentError for a file python-docx cannot open."""
    import docx  # python-docx, imported here so that reading other formats does not load it

    check_office(path, "docx")  # unpacked size and parts, before python-docx unpacks anything

    try:
        body = docx.Document(str(path)).element.body
    except Exception as error:  # a zip, XML or package error from a damaged or mislabelled file
        raise DocumentError(f"无法打开 Word 文件（{type(error).__name__}: {error}）：expected a .docx file "
                            "(Word 2007 or later; save an old .doc as .docx first)", None, str(path)) from None
    lines: list[tuple[str, str]] = []
    paragraphs = tables = 0
    walk = _TableWalk()
    for block in _children(body, _P, _TBL):
        if block.tag == _P:
            paragraphs += 1
            lines.append((f"段落 {paragraphs}", paragraph_text(block)))
            continue
        tables += 1
        for number, cells in enumerate(walk.rows(block), start=1):
            lines.append((f"表 {tables} 第 {number} 行", table_line(cells)))
    return lines


class DocxReader(TextReader):
    """Reads a .docx copy of the notice with the text reader's rules."""

    def read_path(self, path: Path, key: str | None = None) -> Document:
        return self.read_lines(docx_lines(path), key=key or default_key(path), source=str(path))
