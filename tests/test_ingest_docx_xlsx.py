"""The .docx and .xlsx readers: the bundled notice rebuilt as a Word file and as a workbook reads exactly
as its text export does, and a broken copy is refused with the place named."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.table import Table

from knowledge.bootstrap import KnowledgeBase
from knowledge.export import export_document, find_document
from knowledge.ingest import DocumentError, document_vocabulary, import_document, read_document
from knowledge.ingest.document import Document
from knowledge.ingest.docx import docx_lines
from knowledge.ingest.text import is_header
from knowledge.ingest.xlsx import xlsx_lines
from knowledge.vocabulary import BUNDLED_DOCUMENT

SOURCE = BUNDLED_DOCUMENT.read_text(encoding="utf-8")

Block = tuple[str, Any]  # ("p", line) or ("table", rows of cells)


def blocks(text: str, one_table: bool = False) -> list[Block]:
    """The text as paragraphs and tables: each page's table (from its header row) is one table, or with
    `one_table` the pages of a table (separated by blank lines only) are one table, headers not repeated."""
    out: list[Block] = []
    blank: list[Block] = []  # blank lines after a table: a page break if the table goes on
    for line in text.splitlines():
        cells = line.split("\t")
        table_open = bool(out) and out[-1][0] == "table"
        if len(cells) == 1 and table_open and not line.strip():
            blank.append(("p", line))
        elif len(cells) == 1:
            out.extend(blank)
            out.append(("p", line))
            blank = []
        elif table_open and one_table and (is_header(cells) or not blank):
            if not is_header(cells):  # the header a page break repeats is left out
                out[-1][1].append(cells)
            blank = []
        elif table_open and not blank:
            out[-1][1].append(cells)
        else:
            out.extend(blank)
            out.append(("table", [cells]))
            blank = []
    return out + blank


def _runs(count: int, same: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """(first, last) ranges of two or more rows, each row `same` as the one above it."""
    spans, start = [], 0
    for index in range(1, count + 1):
        if index == count or not same(index - 1, index):
            if index - 1 > start:
                spans.append((start, index - 1))
            start = index
    return spans


def livelihood_merges(rows: list[list[str]]) -> list[tuple[int, int, int]]:
    """(column, first, last) of 附件2's merged cells: 序号 and 项目名称 over each project's lines (also across
    a page break, when the project number repeats), 牵头领导 where a project's lines share a leader."""
    project: list[str] = []
    for cells in rows:
        project.append(cells[0].strip() or (project[-1] if project else ""))

    def same_project(above: int, row: int) -> bool:
        return project[above] == project[row] != "序号"

    def same_leader(above: int, row: int) -> bool:
        return same_project(above, row) and rows[above][3] == rows[row][3]

    return ([(column, a, b) for column in (0, 1) for a, b in _runs(len(rows), same_project)]
            + [(3, a, b) for a, b in _runs(len(rows), same_leader)])


def build_docx(text: str, path: Path, one_table: bool = False) -> Path:
    """The notice as Word paragraphs and tables; 附件2's project cells merged vertically; with `one_table`
    also each "注：" note as a last table row merged across the table."""
    document = docx.Document()
    items = blocks(text, one_table)
    index = 0
    while index < len(items):
        kind, content = items[index]
        index += 1
        if kind == "p":
            paragraph = document.add_paragraph(content)
            if content.startswith("抄送") and index < len(items) and items[index][0] == "p":
                paragraph.add_run().add_break()  # the footer's second line as a line break, not a paragraph
                paragraph.add_run(items[index][1])
                index += 1
            continue
        rows = [cells + [""] * (len(content[0]) - len(cells)) for cells in content]
        note = ""
        if one_table and index + 1 < len(items) and items[index] == ("p", "") and items[index + 1][1].startswith("注"):
            note = items[index + 1][1]
            index += 2
        table = document.add_table(rows=len(rows) + bool(note), cols=len(rows[0]))
        merges = livelihood_merges(rows) if len(rows[0]) == 5 else []
        hidden = {(r, column) for column, a, b in merges for r in range(a + 1, b + 1)}
        for r, cells in enumerate(rows):
            for column, value in enumerate(cells):
                if value and (r, column) not in hidden:
                    table.cell(r, column).text = value
        for column, a, b in merges:
            table.cell(a, column).merge(table.cell(b, column))
        if note:
            merged = table.cell(len(rows), 0).merge(table.cell(len(rows), len(rows[0]) - 1))
            merged.text = note
    document.save(str(path))
    return path


def build_xlsx(text: str, path: Path, one_sheet: bool = False) -> Path:
    """One sheet per attachment: "附件1" holds the notice, its "附件 1" line and the key tasks; "附件2" starts
    one column in and leaves out its "附件 2" line. Or with `one_sheet` everything on one sheet, after a
    hidden sheet of notes. The page breaks' repeated headers are left out; 序号/项目名称 (and shared
    leaders) are merged vertically, every line inside an attachment across the table; 序号 are numbers,
    the notice's date a date cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if one_sheet:
        sheet.title = "说明"
        sheet["A1"] = "这张隐藏的表不是通知的一部分"
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("Sheet1")
    else:
        sheet.title = "附件1"
    left, width, attachment, row = 1, 4, 0, 1
    for kind, content in blocks(text, one_table=True):
        if kind == "p":
            if content.strip() == "附件 2" and not one_sheet:
                sheet, left, width, attachment, row = workbook.create_sheet("附件2"), 2, 5, 2, 1
                continue
            attachment = {"附件 1": 1, "附件 2": 2}.get(content.strip(), attachment)
            width = 5 if attachment == 2 else 4
            value: Any = date(2023, 2, 27) if content.strip() == "2023 年 2 月 27 日" else content or None
            sheet.cell(row, left, value)
            if attachment and content:
                sheet.merge_cells(start_row=row, start_column=left, end_row=row, end_column=left + width - 1)
            row += 1
            continue
        rows = [cells + [""] * (len(content[0]) - len(cells)) for cells in content]
        merges = livelihood_merges(rows) if len(rows[0]) == 5 else []
        hidden = {(r, column) for column, a, b in merges for r in range(a + 1, b + 1)}
        for r, cells in enumerate(rows):
            for column, cell in enumerate(cells):
                if cell and (r, column) not in hidden:
                    sheet.cell(row + r, left + column, int(cell) if cell.isdigit() else cell)
        for column, a, b in merges:
            sheet.merge_cells(start_row=row + a, start_column=left + column, end_row=row + b, end_column=left + column)
        row += len(rows)
    workbook.save(str(path))
    return path


def normalized(document: Document) -> dict[str, Any]:
    """Everything a reader produced except where it came from (key, file name, line positions)."""
    data = dataclasses.asdict(document)
    del data["key"], data["source_name"]
    for section in data["sections"]:
        for task in section["tasks"]:
            del task["line"]
    for item in data["livelihood"]:
        del item["line"]
    return data


@pytest.fixture(scope="module")
def text_document() -> Document:
    return read_document(BUNDLED_DOCUMENT)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("copies")
    return {
        "docx-pages": build_docx(SOURCE, folder / "lucheng-2023-pages.docx"),
        "docx-one-table": build_docx(SOURCE, folder / "lucheng-2023-long.docx", one_table=True),
        "xlsx": build_xlsx(SOURCE, folder / "lucheng-2023-sheets.xlsx"),
        "xlsx-one-sheet": build_xlsx(SOURCE, folder / "lucheng-2023-sheet.xlsx", one_sheet=True),
    }


FORMATS = ["docx-pages", "docx-one-table", "xlsx", "xlsx-one-sheet"]


@pytest.mark.parametrize("name", FORMATS)
def test_reads_exactly_like_the_text(copies: dict[str, Path], text_document: Document, name: str) -> None:
    document = read_document(copies[name])
    assert len(document.key_tasks) == 142 and len(document.livelihood) == 34
    assert normalized(document) == normalized(text_document)


@pytest.mark.parametrize("name", FORMATS)
def test_imported_rows_export_like_the_text(knowledge: KnowledgeBase, copies: dict[str, Path], name: str) -> None:
    document = import_document(knowledge.sessions, copies[name])
    with knowledge.sessions() as session:
        stored = export_document(find_document(session, document.key))
        reference = export_document(find_document(session, "lucheng-2023"))
    assert stored["document"].pop("key") != reference["document"].pop("key")
    assert stored == reference
    assert len(stored["key_tasks"]) == 142 and len(stored["livelihood"]) == 34
    assert next(t for t in stored["key_tasks"] if t["id"] == "K2-13")["note"] == "根据区委工作安排，由区委改革办牵头。"
    assert [(u["name"], u["lead"]) for u in next(t for t in stored["key_tasks"] if t["id"] == "K10-4")["units"]] == [
        ("区投资促进服务中心", True), ("区楼宇发展中心（筹）", True), ("相关街镇", False)]


def test_docx_merged_cells_read_as_the_text_export(copies: dict[str, Path]) -> None:
    lines = [line for _label, line in docx_lines(copies["docx-pages"])]
    # 序号/项目名称 merged over a project's lines stay empty; a merged leader repeats on every line
    assert "\t\t新投用中小学、公办幼儿园 10 所。\t张 伟\t区教育局" in lines
    assert "\t\t新改造交互式班级多媒体设备 300 套。\t张 伟\t区教育局" in lines
    assert "抄送：区委各部门，区人大常委会、政协办公室，区人武部，区法院，\n区检察院，各群众团体。" in lines
    long = docx_lines(copies["docx-one-table"])
    assert ("表 1 第 31 行", "注：标记*的为牵头单位") in long  # 29 tasks, the header, then the note merged across
    assert sum(is_header(line.split("\t")) for _label, line in long) == 11  # one header per table


def test_xlsx_merged_cells_and_synthesized_attachment(copies: dict[str, Path]) -> None:
    lines = xlsx_lines(copies["xlsx"])
    assert ("工作表“附件2”", "附件 2") in lines  # the sheet's name stands in for the missing "附件 2" line
    texts = [line for _label, line in lines]
    assert "2023年2月27日" in texts  # a date cell
    assert "\t\t新投用中小学、公办幼儿园 10 所。\t张 伟\t区教育局" in texts  # one column in, merges resolved
    assert "2023 年度区政府民生实事项目任务责任分解" in texts  # merged across the table: a plain line
    one_sheet = xlsx_lines(copies["xlsx-one-sheet"])
    # the hidden sheet is skipped, nothing is synthesized, the sheet's own "附件 2" row is read
    assert all(label.startswith("工作表“Sheet1”第 ") for label, _line in one_sheet)
    assert [line for _label, line in one_sheet].count("附件 2") == 1


def _docx_table_end(path: Path) -> str:
    tables: list[Table] = docx.Document(str(path)).tables
    return f"表 {len(tables)} 第 {len(tables[-1].rows)} 行"


def test_truncated_docx_names_the_place(tmp_path: Path) -> None:
    path = build_docx(SOURCE[: SOURCE.index("10\t行有所畅")], tmp_path / "cut.docx")
    with pytest.raises(DocumentError) as error:
        read_document(path)
    assert f"{path}: {_docx_table_end(path)}: 文件结束于附件 2 表格之中" in str(error.value)


def test_docx_row_error_names_table_and_row(tmp_path: Path) -> None:
    path = build_docx(SOURCE.replace("3\t城镇居民人均可支配收入", "4\t城镇居民人均可支配收入", 1), tmp_path / "gap.docx")
    with pytest.raises(DocumentError, match=re.escape(f"{path}: 表 1 第 4 行: 序号为 4：expected 3 in section 2")):
        read_document(path)


def test_docx_paragraph_error_names_paragraph(tmp_path: Path) -> None:
    path = build_docx(SOURCE.replace("三、张伟", "五、张伟", 1), tmp_path / "section.docx")
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    number = next(i for i, text in enumerate(paragraphs, start=1) if text.startswith("五、张伟"))
    with pytest.raises(DocumentError, match=re.escape(f"{path}: 段落 {number}: 分节序号为“五”")):
        read_document(path)


def test_garbled_xlsx_names_sheet_and_row(tmp_path: Path) -> None:
    path = build_xlsx(SOURCE.replace("9\t食有所依", "九\t食有所依", 1), tmp_path / "garbled.xlsx")
    sheet = openpyxl.load_workbook(path)["附件2"]
    row = next(cell.row for cell in sheet["B"] if cell.value == "九")
    with pytest.raises(DocumentError,
                       match=re.escape(f"{path}: 工作表“附件2”第 {row} 行: 序号“九”不是数字：expected a project number")):
        read_document(path)


@pytest.mark.parametrize(("suffix", "kind"), [(".docx", "Word"), (".xlsx", "Excel")])
def test_damaged_files_are_refused(knowledge: KnowledgeBase, copies: dict[str, Path], tmp_path: Path,
                                   suffix: str, kind: str) -> None:
    source = copies["docx-pages" if suffix == ".docx" else "xlsx"].read_bytes()
    path = tmp_path / f"lucheng-2023-tasks{suffix}"
    path.write_bytes(source[: len(source) // 2])
    with knowledge.sessions() as session:
        before = export_document(find_document(session))
    with pytest.raises(DocumentError, match=f"无法打开 {kind} 文件") as error:
        import_document(knowledge.sessions, path)
    assert str(path) in str(error.value)
    path.write_bytes(b"not a zip at all " * 100)
    with pytest.raises(DocumentError, match=f"无法打开 {kind} 文件"):
        import_document(knowledge.sessions, path)
    with knowledge.sessions() as session:
        assert export_document(find_document(session)) == before


def test_docx_reader_uses_the_vocabulary_of_the_text_reader(copies: dict[str, Path]) -> None:
    vocabulary = document_vocabulary(BUNDLED_DOCUMENT)
    document = read_document(copies["docx-pages"], key="custom", vocabulary=vocabulary)
    assert document.key == "custom" and document.source_name == "lucheng-2023-pages.docx"
