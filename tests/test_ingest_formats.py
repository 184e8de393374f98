"""Full-length generated documents of each layout, written as .txt, .html, .pdf, .docx and .xlsx, read to the same rows.

A layout written as a table is a `Grid`: its cells as the document has them, a merged cell written once (its
top-left) with UP / LEFT in the cells it covers. Each format writes the grid the way such a document exists in
it — a page's <table> with rowspan/colspan, a Word table with merged cells, a workbook's merged ranges, a PDF's
spanned cells — and .txt writes what a copy of the page reads as (a merged cell once, a cell's line breaks lost).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from knowledge.ingest import DocumentError, read_document
from knowledge.ingest.formats import soffice

UNITS = ["县发改局", "县财政局", "县住建局", "县教育局", "县民政局", "县交通运输局", "县卫生健康局", "县水利局"]
LEADERS = ["张伟", "李强", "王芳"]
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "责任领导", "完成时限"]
ROWS = 60
UP, LEFT = "\x00up", "\x00left"  # a cell covered by a merged cell above it / left of it


def _rows() -> list[list[str]]:
    rows = []
    for n in range(1, ROWS + 1):
        lead = UNITS[n % len(UNITS)]
        support = "、".join(u for u in (UNITS[(n + 1) % len(UNITS)], UNITS[(n + 3) % len(UNITS)]) if u != lead)
        rows.append([str(n), f"推进第{n}项重点工程建设，完成年度投资{n * 3}亿元。", lead, support,
                     LEADERS[n % len(LEADERS)], f"{n % 12 + 1}月底前"])
    return rows


TITLE = "某某县人民政府办公室关于印发2024年重点工作任务分解的通知"


# A header cell broken over two lines, as a web page's table copied as text has it (责任 / 领导).
BROKEN_HEADER = ["序号", "工作任务", "牵头单位", "配合", "单位", "责任", "领导", "完成", "时限"]
Row = tuple[str, list[tuple[str, str]], list[str]]  # text, units with their part, leaders


@dataclass(frozen=True)
class Grid:
    """A table and the lines above it; `text` is how the page reads when copied: tabs (an export), pipes (a row
    a line, `c | c |`), cells (a cell a line) or pipe-cells (a cell a line, `c |`); `rows`, when given, what it
    must read to."""

    before: list[str]
    cells: list[list[str]]
    text: str
    widths: list[int]
    header: int = 1
    rows: list[Row] | None = None


def _group_column() -> Grid:
    """A livelihood progress table (类别 merged over each group of ten, items numbered inside their cells)."""
    cells = [["类别", "民生事项名称", "2023年度任务目标", "责任单位", "分管县领导", "1-6月份完成情况", "监督电话"]]
    rows: list[Row] = []
    for n in range(1, ROWS + 1):
        unit, leader = UNITS[n % 5], f"张{'一二三'[n % 3]}明"
        group = f"{'一二三四五六'[(n - 1) // 10]}、第{(n - 1) // 10 + 1}类民生事项" if n % 10 == 1 else UP
        cells.append([group, f"{n}.建设第{n}处便民服务设施", f"完成{n}处设施建设。", unit, leader, f"已完成{n}%。",
                      f"0000-{n:04d}"])
        rows.append((f"建设第{n}处便民服务设施", [(unit, "lead")], [leader]))
    return Grid(["某某县2023年民生事项进展情况"], cells, "pipes", [90, 150, 130, 80, 60, 80, 70], rows=rows)


def _indicator() -> Grid:
    """An indicator table without a number column: 考核项目 over a category column (merged over each group of
    eight) and the indicator's; a row sharing the target and unit cells of the row above (merged); two units
    in one cell written together."""
    cells = [["考核项目", LEFT, "分值", "目标任务", "考核单位"]]
    units = ["县发改局县统计局", "县经信局", "县财政局", "县商务局县统计局"]
    rows: list[Row] = []
    for n in range(41):  # the last row whole: a short last row is the cut one
        merged = n % 5 == 4
        cells.append([f"第{'一二三四五六'[n // 8]}类指标" if n % 8 == 0 else UP, f"第{n + 1}项指标增长率", str(n % 3 + 1),
                      UP if merged else f"{n * 7 + 10}" if n % 2 else "年终根据全省平均水平综合考核",
                      UP if merged else units[n % 4]])
        cell = units[(n - 1) % 4] if merged else units[n % 4]
        names = [cell[:4], cell[4:]] if len(cell) > 5 else [cell]
        rows.append((f"第{n + 1}项指标增长率", [(u, "lead" if len(names) == 1 else "responsible") for u in names], []))
    return Grid(["附件", "某某县2024年度经济社会发展目标任务分解表"], cells, "cells", [60, 120, 40, 160, 120], rows=rows)


def _padded_leaders() -> Grid:
    """Leader cells of two-character names padded to the width of three, two names on two lines of one cell."""
    cells = [["序号", "目标与任务", "分 管 县领导", "牵头责任单位", "责任单位"]]
    rows: list[Row] = []
    for n in range(1, ROWS + 1):
        leaders = [("俞 悦",), ("陆 明", "俞 悦"), ("王 五", "张三丰")][n % 3]
        cells.append([str(n), f"推进第{n}项重点工程建设，完成年度投资{n * 3}亿元。", "\n".join(leaders), UNITS[n % 8], "县各有关单位"])
        rows.append((f"推进第{n}项重点工程建设，完成年度投资{n * 3}亿元。", [(UNITS[n % 8], "lead"), ("县各有关单位", "support")],
                     [name.replace(" ", "") for name in leaders]))
    return Grid(["2024年《政府工作报告》重点工作目标任务分解表"], cells, "pipe-cells", [30, 330, 60, 80, 80], rows=rows)


# One 责任单位 column whose cells say each unit's role in words, as real tables write it.
ROLE_CELLS = ["{lead}牵头，{support}配合", "{lead}负责，{support}配合", "由{lead}牵头，{support}参与",
              "主办：{lead}；协办：{support}", "{lead}（牵头）、{support}", "{lead}牵头，{support}"]


def _role_cells(text: str) -> Grid:
    """One 责任单位 column whose cells say each unit's role in words (a different wording on each row)."""
    cells = [["序号", "工作任务", "责任单位", "责任领导", "完成时限"]]
    rows: list[Row] = []
    for n, task, lead, support, leader, due in _rows():
        cells.append([n, task, ROLE_CELLS[int(n) % len(ROLE_CELLS)].format(lead=lead, support=support), leader, due])
        rows.append((task, [(lead, "lead"), *((u, "support") for u in support.split("、"))], [leader]))
    return Grid([TITLE], cells, text, [30, 330, 240, 50, 60], rows=rows)


def _document(layout: str) -> Grid | list[str]:
    """A layout as a table (a Grid) or as lines of text."""
    if layout == "table":
        return Grid([TITLE], [HEADER, *_rows()], "tabs", [30, 330, 80, 160, 50, 60])
    if layout == "headerless":  # one unit per row (nothing marks a lead: a sole unit leads)
        return Grid([TITLE], [[n, text, lead, leader, due] for n, text, lead, _s, leader, due in _rows()], "tabs",
                    [30, 400, 80, 50, 60], header=0)
    grids = {"group-column": _group_column, "indicator": _indicator, "padded-leaders": _padded_leaders}
    if layout in grids:
        return grids[layout]()
    if layout in ("role-cells", "role-lines"):  # as a tab export, and as a page copied a cell a line
        return _role_cells("tabs" if layout == "role-cells" else "cells")
    if layout == "dump":
        return _run_together_lines()
    return _label_lines(layout)


def _label_lines(layout: str = "labels") -> list[str]:
    lines = [TITLE, "一、经济发展"]
    if layout == "lines":  # one cell per line, blank lines between
        return [TITLE, ""] + [cell for row in [BROKEN_HEADER, *_rows()] for c in row for cell in (c, "")]
    if layout == "headings":  # the lead unit named once in a heading, the numbered tasks under it name none
        lines = [TITLE]
        for number, unit in zip("一二三四五六七八", UNITS, strict=True):
            tasks = [row for row in _rows() if row[2] == unit]
            lines.append(f"{number}、{unit}牵头的工作（{len(tasks)}项）")
            lines += [f"{k}.{row[1]}" for k, row in enumerate(tasks, start=1)]
        return lines
    if layout == "run-together":  # tasks closed by their units run together, three a line; a paren may open the next
        texts = [f"{row[1]}（{row[2]}牵头，{row[3]}配合）" for row in _rows()]
        runs = ["".join(texts[k:k + 3]) for k in range(0, len(texts), 3)]
        for k in range(1, len(runs), 4):
            cut = runs[k].rindex("（")
            runs[k], runs[k + 1] = runs[k][:cut], runs[k][cut:] + runs[k + 1]
        return [TITLE, "一、经济发展", *runs]
    if layout == "run-on":  # a progress notice: the label runs on from the item's title, a progress paragraph after
        lines = [TITLE, "一、进展情况"]
        for row in _rows():
            lines += [f"（{row[0]}）{row[1].rstrip('。')}牵头责任部门:{row[2]}；配合单位:{row[3]}",
                      f"截至4月底，已完成投资{int(row[0]) * 2}亿元，待{UNITS[int(row[0]) % 3]}审核后启动验收。"]
        return lines
    for k, row in enumerate(_rows()):
        if layout == "first-listed":  # units closing each paragraph; the first row's parenthesis says who leads
            rule = "，列第一位者为牵头单位，下同" if k == 0 else ""
            lines.append(f"（{row[0]}）{row[1]}（{row[2]}、{row[3]}等负责{rule}）")
            continue
        if layout == "trailing":  # units in a parenthesis closing the task, clauses ending in their role
            lines.append(f"{row[0]}.{row[1]}（{row[2]}牵头，{row[3].replace('、', '及')}按职责分工负责）")
            continue
        if layout == "clauses":  # one label holding both roles, a province's leader label
            lines += [f"{row[0]}.{row[1]}", f"分管省领导：{row[4]}", f"部门分工：{row[2]}牵头，{row[3]}配合。",
                      f"完成时限：{row[5]}"]
            continue
        lines += [f"{row[0]}.{row[1]}", f"牵头单位：{row[2]}", f"配合单位：{row[3]}", f"责任领导：{row[4]}",
                  f"完成时限：{row[5]}"]
    return lines


def _spans(cells: list[list[str]]) -> Iterator[tuple[int, int, int, int, str]]:
    """Each written cell of a grid: its row and column, the rows and columns it spans, its text."""
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell not in (UP, LEFT):
                down = next((k for k in range(r + 1, len(cells)) if cells[k][c] != UP), len(cells)) - r
                across = next((k for k in range(c + 1, len(row)) if row[k] != LEFT), len(row)) - c
                yield r, c, down, across, cell


def _merges(grid: Grid) -> list[tuple[int, int, int, int]]:
    """(row, column, last row, last column) of each merged cell."""
    return [(r, c, r + down - 1, c + across - 1) for r, c, down, across, _t in _spans(grid.cells) if down * across > 1]


def _plain(grid: Grid) -> list[list[str]]:
    """The grid's rows with a covered cell empty, as a table's top-left-only merged cells read."""
    return [["" if cell in (UP, LEFT) else cell for cell in row] for row in grid.cells]


def _copied(grid: Grid) -> list[str]:
    """The table as a copy of its page reads: a merged cell written once, a cell's own line breaks lost."""
    written = [[cell.replace("\n", "") for cell in row if cell not in (UP, LEFT)] for row in grid.cells]
    if grid.text == "tabs":
        return ["\t".join(row) for row in written]
    if grid.text == "pipes":
        return [" | ".join(row) + " |" for row in written]
    return [f"{cell} |" if grid.text == "pipe-cells" else cell for row in written for cell in row]


def _write_txt(path: Path, layout: str) -> Path:
    document = _document(layout)
    lines = [*document.before, *_copied(document)] if isinstance(document, Grid) else document
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _write_html(path: Path, layout: str) -> Path:
    document = _document(layout)
    if isinstance(document, Grid):
        rows = [""] * len(document.cells)
        for r, _c, down, across, text in _spans(document.cells):
            tag = "th" if r < document.header else "td"
            span = (f' rowspan="{down}"' if down > 1 else "") + (f' colspan="{across}"' if across > 1 else "")
            rows[r] += f"<{tag}{span}>{text.replace(chr(10), '<br/>')}</{tag}>"
        content = "".join(f"<p>{line}</p>" for line in document.before) + \
            "<table>" + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>"
    else:
        content = "".join(f"<p>{line}</p>" for line in document if line)
    path.write_text(f"<html><head><title>x</title></head><body><div>{content}</div><p>分享到:</p></body></html>",
                    encoding="utf-8")
    return path


def _write_docx(path: Path, layout: str) -> Path:
    import docx

    word = docx.Document()
    document = _document(layout)
    for line in document.before if isinstance(document, Grid) else document:
        if line:
            word.add_paragraph(line)
    if isinstance(document, Grid):
        table = word.add_table(rows=len(document.cells), cols=len(document.cells[0]))
        for r, c, _down, _across, text in _spans(document.cells):
            first, *more = text.split("\n")  # a cell's lines are its paragraphs
            table.cell(r, c).text = first
            for line in more:
                table.cell(r, c).add_paragraph(line)
        for r, c, last_row, last_column in _merges(document):
            table.cell(r, c).merge(table.cell(last_row, last_column))
    word.save(str(path))
    return path


def _write_xlsx(path: Path, layout: str) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    document = _document(layout)
    for line in document.before if isinstance(document, Grid) else document:
        if line:
            sheet.append([line])
    if isinstance(document, Grid):
        top = len(document.before) + 1
        for row in _plain(document):
            sheet.append([cell or None for cell in row])
        for r, c, last_row, last_column in _merges(document):
            sheet.merge_cells(start_row=top + r, start_column=c + 1, end_row=top + last_row, end_column=last_column + 1)
    workbook.save(path)
    return path


def _write_pdf(path: Path, layout: str) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=9, leading=12)
    document = _document(layout)
    story: list[Any] = [Paragraph(line, style) for line in (document.before if isinstance(document, Grid) else document)
                        if line]
    if isinstance(document, Grid):
        table = Table(_plain(document), colWidths=document.widths, repeatRows=document.header)
        spans = [("SPAN", (c, r), (last_column, last_row)) for r, c, last_row, last_column in _merges(document)]
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black), *spans]))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(story)
    return path


WRITERS = {".txt": _write_txt, ".html": _write_html, ".docx": _write_docx, ".xlsx": _write_xlsx, ".pdf": _write_pdf}
Shape = tuple[str, str, list[tuple[str, str]], list[str], str, str]


def _shape(path: Path) -> list[Shape]:
    """Each row of both tables: code, text, units with their part, leaders, deadline, group."""
    document = read_document(path, key="variant")
    rows: list[Shape] = [(t.code, t.text, [(u.name, u.part) for u in t.units], t.details.leaders, t.details.deadline,
                          t.category) for t in document.key_tasks]
    return rows + [(item.code, item.text, [(u.name, u.part) for u in item.units] if item.units is not None else
                    [(name, "lead") for name in item.lead_units], item.details.leaders, item.details.deadline,
                    item.category) for item in document.livelihood]


LAYOUTS = ["table", "labels", "trailing", "headerless", "lines", "clauses", "run-together", "headings", "run-on",
           "first-listed", "group-column", "indicator", "padded-leaders", "role-cells", "role-lines"]
# The document site's dump exists as its page: the table it dumped is the "table" layout in every format.
CASES = [(layout, suffix) for layout in LAYOUTS for suffix in (".html", ".docx", ".xlsx", ".pdf")] + [("dump", ".html")]


@pytest.mark.parametrize(("layout", "suffix"), CASES)
def test_formats_read_to_the_same_rows(tmp_path: Path, suffix: str, layout: str) -> None:
    expected = _shape(_write_txt(tmp_path / "notice.txt", layout))
    document = _document(layout)
    if isinstance(document, Grid) and document.rows is not None:
        assert [(text, units, leaders) for _c, text, units, leaders, _d, _g in expected] == document.rows
    else:
        assert len(expected) == ROWS
        assert expected[0][2][0][1] == "lead"
        # a parenthesis or a heading names units only
        assert (expected[0][3] and expected[0][4]) or layout in ("trailing", "run-together", "headings", "run-on",
                                                                  "first-listed")
        assert layout in ("headerless", "headings") or expected[0][2][1][1] == "support"
        assert all(len([u for u in row[2] if u[1] == "lead"]) == 1 for row in expected)
    assert _shape(WRITERS[suffix](tmp_path / f"notice{suffix}", layout)) == expected


def _run_together_lines() -> list[str]:
    """The table as a document-sharing site dumps a .docx table: every cell run into the next with no separator
    (a unit cell's names too, on every other row), the header repeated on each new page, the text broken every
    700 characters by the site's page markers (`2、`), wherever they fall — inside a name, a number, a date."""
    header = "".join(HEADER)
    chunks = [TITLE + header]
    for n, (no, text, lead, support, leader, due) in enumerate(_rows()):
        if n and n % 20 == 0:
            chunks.append(header)
        chunks.append(no + text + lead + (support if n % 2 else support.replace("、", "")) + leader + due)
    stream = "".join(chunks)
    pages = [stream[at:at + 700] for at in range(0, len(stream), 700)]
    return ["某某文档.docx", "《某某文档.docx》由会员分享,可在线阅读", *(f"{k}、{page}" for k, page in enumerate(pages, 1))]


def test_a_run_together_dump_reads_to_the_same_rows(tmp_path: Path) -> None:
    expected = _shape(_write_txt(tmp_path / "notice.txt", "table"))
    assert len(expected) == ROWS
    assert _shape(_write_txt(tmp_path / "dump.txt", "dump")) == expected


def _old_format(path: Path, target: str) -> Path:
    """`path` saved by LibreOffice in an old binary format (.doc or .xls), as an office would have it."""
    program = soffice()
    assert program is not None
    filters = {"doc": "doc:MS Word 97", "xls": "xls:MS Excel 97"}
    # A Word table written by python-docx comes out of Writer flattened; the page's table does not.
    infilter = ["--infilter=HTML (StarWriter)"] if path.suffix == ".html" else []
    subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation=file://{path.parent}/lo-profile",
                    *infilter, "--convert-to", filters[target], "--outdir", str(path.parent / "old"), str(path)],
                   check=True, capture_output=True, timeout=180)
    return path.parent / "old" / f"{path.stem}.{target}"


def test_old_office_formats_need_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "notice.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a doc")
    if soffice() is None:
        with pytest.raises(DocumentError, match="LibreOffice"):
            read_document(path)
        pytest.skip("LibreOffice is not installed: .doc/.wps/.xls conversion untested "
                    "(scripts/with-libreoffice installs it and runs this test; `make test` does)")
    with pytest.raises(DocumentError):  # converted, but what comes out is no task table: refused, not guessed
        read_document(path)


@pytest.mark.parametrize(("source", "target"), [(".html", "doc"), (".xlsx", "xls")])
def test_old_office_formats_read_to_the_same_rows(tmp_path: Path, source: str, target: str) -> None:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed: .doc/.xls conversion untested "
                    "(scripts/with-libreoffice installs it and runs this test; `make test` does)")
    expected = _shape(_write_txt(tmp_path / "notice.txt", "table"))
    modern = tmp_path / f"notice{source}"
    WRITERS[source](modern, "table")
    assert _shape(_old_format(modern, target)) == expected
