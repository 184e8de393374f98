"""Every format as located lines: (line number or location label, text), a table row as its cells joined by tabs.

.txt is decoded (UTF-8, else GB18030 as Chinese Windows saves it); .docx and .xlsx by their readers;
.html/.htm with lxml (a page's tables, innermost first: government pages lay themselves out in tables);
.pdf with pdfplumber (its text layer: ruled tables as rows, the rest as lines, top to bottom); old
.doc/.wps/.xls converted to .docx/.xlsx by LibreOffice headless when it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.ingest.document import DocumentError
from knowledge.ingest.docx import docx_lines
from knowledge.ingest.limits import LIMITS, check_file, check_lines
from knowledge.ingest.text import Continuations, collapse, table_line
from knowledge.ingest.xlsx import xlsx_lines


@dataclass
class Located:
    """A document's lines; `numbered` when they are a text file's own lines (errors say 第 N 行)."""

    lines: list[tuple[int | str, str]]
    numbered: bool = False

    def text(self) -> str:
        return "\n".join(line for _where, line in self.lines)

    def pairs(self) -> list[tuple[str, str]]:
        return [(str(where), line) for where, line in self.lines]


def text_lines(path: Path) -> Located:
    data = path.read_bytes()
    if b"\x00" in data:
        raise DocumentError("文件含有二进制内容：expected a UTF-8 text export of the notice", None, str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DocumentError("文件不是 UTF-8 或 GB18030 文本：expected a UTF-8 text export of the notice",
                            None, str(path))
    return Located([(number, line) for number, line in enumerate(text.splitlines(), start=1)], numbered=True)


def _labelled(pairs: list[tuple[str, str]]) -> Located:
    lines: list[tuple[int | str, str]] = []
    for label, text in pairs:
        lines += [(label, line) for line in (text.splitlines() or [""])]
    return Located(lines)


# --- HTML

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
           "footer", "center", "blockquote", "pre", "dd", "dt", "ul", "ol", "table", "td", "th", "hr", "title"}
_SKIP = {"script", "style", "noscript", "head", "select", "option", "button", "iframe"}


def html_lines(path: Path) -> Located:
    """A page's text in order, each innermost table's rows as tab-joined cells (rowspans resolved)."""
    import lxml.html  # imported here: reading other formats does not load it

    text = _html_text(path.read_bytes())
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as error:  # lxml raises its own parser errors for empty or non-HTML files
        raise DocumentError(f"无法读取网页文件（{type(error).__name__}: {error}）：expected an HTML page",
                            None, str(path)) from None
    out: list[tuple[int | str, str]] = []
    buffer: list[str] = []
    tables = 0

    def flush() -> None:
        for line in "".join(buffer).splitlines():
            if line.strip():
                out.append((f"网页第 {len(out) + 1} 段", line.strip()))
        buffer.clear()

    def walk(element: Any) -> None:
        nonlocal tables
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            if element.tail:
                buffer.append(element.tail)
            return
        if tag == "table" and not element.xpath(".//table"):
            flush()
            tables += 1
            for number, cells in enumerate(_html_rows(element), start=1):
                out.append((f"网页表 {tables} 第 {number} 行", table_line(cells)))
        elif tag == "br":
            buffer.append("\n")
        else:
            if tag in _BLOCKS:
                flush()
            if element.text:
                buffer.append(element.text)
            for child in element:
                walk(child)
            if tag in _BLOCKS:
                buffer.append("\n")
                flush()
        if element.tail:
            buffer.append(element.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return Located(out)


def _html_text(data: bytes) -> str:
    """The page as text: its declared charset, else UTF-8, else GB18030 (Chinese sites without a declaration)."""
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096])
    encodings = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*encodings, "utf-8", "gb18030"]:
        try:
            text = data.decode("gb18030" if encoding.lower() in ("gb2312", "gbk") else encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its encoding
    return data.decode("utf-8", errors="replace")


def _cell_text(cell: Any) -> str:
    parts: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br" or (tag in _BLOCKS and parts):
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(cell)
    return "\n".join(collapse(line) for line in "".join(parts).splitlines() if line.strip())


def _html_rows(table: Any) -> Iterator[list[str]]:
    """Rows of cells, one per grid column: a colspan adds empty cells; a rowspan repeats its text below,
    except in the 序号/项目名称 columns, which stay empty as a continuation line's do."""
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still spanned, text)
    walk = Continuations()
    for tr in table.iter("tr"):
        cells: list[str] = []
        spanned: list[int] = []
        column = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while column in pending:
                cells.append(pending[column][1])
                spanned.append(column)
                column = _advance(pending, column)
            text = _cell_text(td)
            span = _int(td.get("colspan"), 1)
            if column + span > LIMITS.columns:  # a thousand colspan=999 cells would fill memory first
                raise DocumentError(f"网页表格行超过 {LIMITS.columns} 列：不像是一份正常的表格")
            down = _int(td.get("rowspan"), 1)
            for offset in range(span):
                cells.append(text if offset == 0 else "")
                if down > 1:
                    pending[column] = (down - 1, text if offset == 0 else "")
                column += 1
        while column in pending:
            cells.append(pending[column][1])
            spanned.append(column)
            column = _advance(pending, column)
        walk.row(cells, spanned)
        if any(cell.strip() for cell in cells):
            yield cells


def _advance(pending: dict[int, tuple[int, str]], column: int) -> int:
    left, text = pending[column]
    if left <= 1:
        del pending[column]
    else:
        pending[column] = (left - 1, text)
    return column + 1


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.strip().isdigit() and 0 < int(value) < 1000 else default


# --- PDF


def pdf_lines(path: Path) -> Located:
    """The text layer, page by page: ruled tables as tab-joined rows, other text as lines, top to bottom."""
    import pdfplumber  # imported here: reading other formats does not load it

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as error:  # pdfminer raises several types for damaged or non-PDF files
        raise DocumentError(f"无法打开 PDF 文件（{type(error).__name__}: {error}）：expected a PDF with a text layer",
                            None, str(path)) from None
    out: list[tuple[int | str, str]] = []
    walk = Continuations()
    try:
        for number, page in enumerate(pdf.pages, start=1):
            blocks: list[tuple[float, list[str]]] = []
            found = page.find_tables()
            boxes = [t.bbox for t in found]
            for table in found:
                rows = _pdf_rows(table, walk)
                blocks.append((table.bbox[1], [table_line(row) for row in rows if any(c.strip() for c in row)]))

            def outside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]] = boxes) -> bool:
                return not any(x0 <= obj["x0"] <= x1 and top <= obj["top"] <= bottom for x0, top, x1, bottom in boxes)

            rest = page.filter(outside) if boxes else page
            for line in rest.extract_text_lines(return_chars=False):
                blocks.append((line["top"], [line["text"]]))
            for _top, lines in sorted(blocks, key=lambda block: block[0]):
                out += [(f"第 {number} 页", line) for line in lines]
    except Exception as error:  # a damaged content stream surfaces while pages are read
        raise DocumentError(f"无法读取 PDF 内容（{type(error).__name__}: {error}）：expected a PDF with a text layer",
                            None, str(path)) from None
    finally:
        pdf.close()
    if not any(line.strip() for _where, line in out):
        raise DocumentError("PDF 没有文字层（可能是扫描件）：expected a PDF whose text can be selected; "
                            "run OCR first or import the .docx", None, str(path))
    return Located(out)


def _pdf_rows(table: Any, walk: Continuations) -> list[list[str]]:
    """A ruled table's rows: a cell merged over several rows (its box reaching below the row's top, the rows
    under it without a cell there) repeats its text on each row it spans, as in the other formats."""
    rows: list[list[str]] = []
    above: dict[int, tuple[float, str]] = {}  # column → bottom and text of the last cell written there
    for row, texts in zip(table.rows, table.extract(), strict=True):
        cells: list[str] = []
        spanned: list[int] = []
        for column, (box, text) in enumerate(zip(row.cells, texts, strict=True)):
            if box is not None:
                above[column] = (box[3], text or "")
                cells.append(text or "")
            elif column in above and above[column][0] > row.bbox[1] + 1:
                cells.append(above[column][1])
                spanned.append(column)
            else:
                cells.append("")  # covered by the cell to its left: a horizontal merge
        rows.append(walk.row(cells, spanned))
    return rows


# --- old Office formats through LibreOffice


def soffice() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted_lines(path: Path, target: str) -> Located:
    """Convert an old .doc/.wps/.xls with LibreOffice headless, then read the .docx/.xlsx."""
    program = soffice()
    if program is None:
        raise DocumentError(f"读取 {path.suffix} 文件需要 LibreOffice，但本机没有安装：install it "
                            "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui) or save the file "
                            f"as .{target} and import that", None, str(path))
    with tempfile.TemporaryDirectory(prefix="duban-convert-") as folder:
        command = [program, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                   "--convert-to", target, "--outdir", folder, str(path)]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DocumentError(f"LibreOffice 转换失败（{error}）：save the file as .{target} and import that",
                                None, str(path)) from None
        result = Path(folder) / f"{path.stem}.{target}"
        if not result.exists():
            raise DocumentError(f"LibreOffice 无法转换此文件：expected a readable {path.suffix} file",
                                None, str(path))
        return (_labelled(docx_lines(result)) if target == "docx" else _labelled(xlsx_lines(result)))


FORMATS: dict[str, Callable[[Path], Located]] = {
    ".txt": text_lines, ".text": text_lines, ".tsv": text_lines,
    ".docx": lambda path: _labelled(docx_lines(path)), ".xlsx": lambda path: _labelled(xlsx_lines(path)),
    ".html": html_lines, ".htm": html_lines, ".pdf": pdf_lines,
    ".doc": lambda path: converted_lines(path, "docx"), ".wps": lambda path: converted_lines(path, "docx"),
    ".xls": lambda path: converted_lines(path, "xlsx"), ".et": lambda path: converted_lines(path, "xlsx"),
}


def located_lines(path: Path) -> Located:
    """The located lines of a file, by its suffix (the caller checked it is known), within the reader limits:
    the file's size before it is read, the lines' length and number before any pattern runs over them."""
    check_file(path)
    located = FORMATS[path.suffix.lower()](path)
    check_lines((line for _where, line in located.lines), (where for where, _line in located.lines), str(path))
    return located
