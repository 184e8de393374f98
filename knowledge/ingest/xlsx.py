"""Reader for an Excel (.xlsx) copy of the notice: one sheet per attachment, or everything on one sheet.

Visible sheets are read in order, each row becoming a line of the text export: its cells joined by
tabs, or just its first cell when the rest of the row is empty (the title, 文号, a section heading, a
note). `TextReader.read_lines` then applies every rule of the text reader; errors name the sheet and
the row ("工作表“附件2”第 14 行").

Merged cells hold their value in the top-left cell only, which already reads like the text export;
a vertical merge in any column but 序号/项目名称 (a leader or unit shared by several lines) repeats its
value on each row it spans, as a Word table's merged cell does. A sheet named "附件2" that does not
itself say "附件 2" gets that line in front of its rows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from knowledge.ingest.document import Document, DocumentError
from knowledge.ingest.limits import check_office
from knowledge.ingest.text import Continuations, TextReader, attachment_number, table_line
from knowledge.sources import default_key

_MERGE_CELL = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


def cell_text(value: Any) -> str:
    """A cell value as the text export would show it (dates as 2023年2月27日, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of each merged range, 1-based.

    openpyxl's read-only sheets do not parse <mergeCells>, so they are read from the sheet's XML; if a
    future openpyxl hides the source, merges read as top-left-only values, which loses only repeats.
    """
    from openpyxl.utils.cell import range_boundaries

    source = getattr(sheet, "_get_source", None)
    if source is None:
        return []
    ranges: list[tuple[int, int, int, int]] = []
    with source() as xml:
        for _event, element in ElementTree.iterparse(xml):
            if element.tag == _MERGE_CELL and (ref := element.get("ref")):
                first_column, first_row, last_column, last_row = range_boundaries(ref)
                if None not in (first_column, first_row, last_column, last_row):
                    ranges.append((first_column, first_row, last_column, last_row))
            element.clear()
    return ranges


def sheet_rows(sheet: Any) -> list[list[str]]:
    """The sheet's rows from row 1 as text, all of one width, leading empty columns dropped, merges resolved."""
    sheet.reset_dimensions()  # read-only mode trusts the stored size, which some writers get wrong
    rows = [[cell_text(value) for value in row] for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    width = max((len(row) for row in rows), default=0)
    offset = min((next((i for i, cell in enumerate(row) if cell), width) for row in rows), default=0)
    rows = [row[offset:] + [""] * (width - len(row)) for row in rows]
    # (row, column) → the row whose value a vertical merge carries down to it, all 0-based
    carried = {(row, first_column - 1 - offset): first_row - 1
               for first_column, first_row, _last_column, last_row in _merged_ranges(sheet)
               for row in range(first_row, min(last_row, len(rows)))}
    walk = Continuations()
    for number, row in enumerate(rows):
        spanned = [column for column in range(len(row)) if (number, column) in carried]
        for column in spanned:
            row[column] = rows[carried[(number, column)]][column]
        walk.row(row, spanned)
    return rows


def xlsx_lines(path: Path) -> list[tuple[str, str]]:
    """The (location, line) pairs of a workbook's visible sheets; raises DocumentError for a bad file."""
    import openpyxl  # imported here so that reading other formats does not load it

    check_office(path, "xlsx")  # unpacked size, parts and sheet dimensions, before openpyxl reads a cell

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a zip, XML or package error from a damaged or mislabelled file
        raise DocumentError(f"无法打开 Excel 文件（{type(error).__name__}: {error}）：expected an .xlsx workbook "
                            "(Excel 2007 or later; save an old .xls as .xlsx first)", None, str(path)) from None
    lines: list[tuple[str, str]] = []
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            try:
                rows = sheet_rows(sheet)
            except Exception as error:  # damaged sheet XML surfaces only when the rows are read
                raise DocumentError(f"无法读取工作表“{sheet.title}”（{type(error).__name__}: {error}）："
                                    "expected a readable worksheet", None, str(path)) from None
            sheet_lines = [(f"工作表“{sheet.title}”第 {number} 行", table_line(cells))
                           for number, cells in enumerate(rows, start=1)]
            attachment = attachment_number(sheet.title)
            if (attachment is not None and any(line.strip() for _label, line in sheet_lines)
                    and all(attachment_number(line) != attachment for _label, line in sheet_lines)):
                lines.append((f"工作表“{sheet.title}”", f"附件 {attachment}"))
            lines.extend(sheet_lines)
    finally:
        workbook.close()
    return lines


class XlsxReader(TextReader):
    """Reads an .xlsx copy of the notice with the text reader's rules."""

    def read_path(self, path: Path, key: str | None = None) -> Document:
        return self.read_lines(xlsx_lines(path), key=key or default_key(path), source=str(path))
