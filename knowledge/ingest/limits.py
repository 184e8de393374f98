"""What any reader accepts, checked before the expensive work: file size, text size, line length, and for
Office files (zip packages) the unpacked size, the number of parts and a sheet's dimensions.

A notice is a few hundred lines of at most a few hundred characters (the bundled one: 15,000 characters,
300 lines, the longest line 703 characters). The limits leave a hundredfold margin above that and stop
what is not a notice — a zip bomb, a sheet claiming column XFD, one endless line — in well under a second,
with a sentence that says which limit and by how much. Every reader calls these; a new format adds only
its own package check.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

from knowledge.ingest.document import DocumentError


@dataclass(frozen=True)
class ReaderLimits:
    """Upper bounds on one document; the defaults are `LIMITS`."""

    file_bytes: int = 50 * 2**20          # the file on disk (a .docx may carry images)
    text_chars: int = 4_000_000           # the text all readers produce (~270 times the bundled notice)
    lines: int = 200_000
    line_chars: int = 20_000              # one line, or one table cell (a paragraph of ~30 printed lines)
    unpacked_bytes: int = 200 * 2**20     # every part of an Office package, unpacked
    xml_part_bytes: int = 40 * 2**20      # one XML part (document.xml, a worksheet)
    parts: int = 2_000                    # entries of an Office package
    columns: int = 256                    # table columns (a notice has 4–6; Excel allows 16,384)
    sheet_rows: int = 100_000
    sheet_cells: int = 2_000_000          # rows × columns a sheet spans, the cells a reader would fill


LIMITS = ReaderLimits()
OfficeKind = Literal["docx", "xlsx"]
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")  # bounded: linear on any attribute value
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def check_file(path: Path, limits: ReaderLimits = LIMITS) -> None:
    """Refuse a file too large to be a notice before reading it."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise DocumentError(f"文件有 {_mb(size)}，超过上限 {_mb(limits.file_bytes)}：一份责任分解文件通常不到 1 MB，"
                            "请确认选对了文件", None, str(path))


def check_lines(lines: Iterable[str], where: Iterable[int | str] | None = None, source: str = "",
                limits: ReaderLimits = LIMITS) -> None:
    """Refuse text with too many lines, too many characters in all, or one line too long — before any
    pattern runs over it. `where` gives each line's label (a .docx paragraph or table row)."""
    labels = iter(where) if where is not None else None
    total = 0
    for number, line in enumerate(lines, start=1):
        label = next(labels, number) if labels is not None else number
        if number > limits.lines:
            raise DocumentError(f"文件超过 {limits.lines} 行：一份责任分解文件通常只有几百行", label, source)
        if len(line) > limits.line_chars:
            raise DocumentError(f"这一行有 {len(line)} 个字符，超过上限 {limits.line_chars}：请检查文件是否"
                                "把整段内容挤在了一行（或一个单元格）里", label, source)
        total += len(line)
        if total > limits.text_chars:
            raise DocumentError(f"文件文字超过 {limits.text_chars} 个字符：一份责任分解文件通常只有几万字",
                                label, source)


def check_office(path: Path, kind: OfficeKind, limits: ReaderLimits = LIMITS) -> None:
    """Refuse an Office package whose unpacked size, part count or sheet size is out of bounds, reading
    only the zip directory and (for a workbook) each sheet's cell references, never its values."""
    check_file(path, limits)
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            if len(entries) > limits.parts:
                raise DocumentError(f"文件包含 {len(entries)} 个部件，超过上限 {limits.parts}：不像是一份正常的 "
                                    f".{kind} 文件", None, str(path))
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > limits.unpacked_bytes:
                raise DocumentError(f"文件解压后有 {_mb(unpacked)}，超过上限 {_mb(limits.unpacked_bytes)}（压缩前仅 "
                                    f"{_mb(path.stat().st_size)}）：可能是压缩炸弹，已拒绝", None, str(path))
            for entry in entries:
                if entry.filename.endswith(".xml") and entry.file_size > limits.xml_part_bytes:
                    raise DocumentError(f"部件 {entry.filename} 解压后有 {_mb(entry.file_size)}，超过上限 "
                                        f"{_mb(limits.xml_part_bytes)}：文件内容过大，已拒绝", None, str(path))
            if kind == "xlsx":
                for entry in entries:
                    if _SHEET.fullmatch(entry.filename):
                        _check_sheet(package, entry.filename, path, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ElementTree.ParseError) as error:
        word = "Word" if kind == "docx" else "Excel"
        raise DocumentError(f"无法打开 {word} 文件（{type(error).__name__}: {error}）：文件已损坏，或不是 "
                            f".{kind} 文件", None, str(path)) from None


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    value = 0
    for char in letters.upper():
        value = value * 26 + ord(char) - 64
    return value


def _check_sheet(package: zipfile.ZipFile, name: str, path: Path, limits: ReaderLimits) -> None:
    """Stream a worksheet's row and cell references (values skipped) and stop at the first one that puts
    the sheet beyond the limits; the <dimension> a writer stores is not trusted."""
    rows = columns = column = row_number = 0
    with package.open(name) as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            if event == "end":
                element.clear()  # keep memory flat: values are never needed here
                continue
            if element.tag == f"{_MAIN}row":
                reference = element.get("r")
                row_number = int(reference) if reference and reference.isdigit() and len(reference) < 8 \
                    else row_number + 1
                column = 0
                rows = max(rows, row_number)
            elif element.tag == f"{_MAIN}c":
                match = _CELL_REF.fullmatch(element.get("r") or "")
                column = column_number(match.group(1)) if match else column + 1
                columns = max(columns, column)
            else:
                continue
            if columns > limits.columns or rows > limits.sheet_rows or rows * columns > limits.sheet_cells:
                sheet = name.rsplit("/", 1)[-1].removesuffix(".xml")
                raise DocumentError(f"工作表 {sheet} 至少有 {rows} 行 × {columns} 列，超过上限（{limits.sheet_rows} 行、"
                                    f"{limits.columns} 列）：请删除表格以外远处的单元格后再导入", None, str(path))
