"""Full-length generated documents of each layout, written as .txt, .html, .pdf, .docx and .xlsx, read to the same rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from knowledge.ingest import DocumentError, read_document
from knowledge.ingest.formats import soffice

UNITS = ["县发改局", "县财政局", "县住建局", "县教育局", "县民政局", "县交通运输局", "县卫生健康局", "县水利局"]
LEADERS = ["张伟", "李强", "王芳"]
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "责任领导", "完成时限"]
ROWS = 60


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
# Layouts written as a table (a header row, or none) and as lines of text.
TABLES = {"table": True, "headerless": False}


def _table(layout: str) -> list[list[str]]:
    """The table's rows; without a header, one unit per row (nothing marks a lead: a sole unit leads)."""
    if layout == "headerless":
        return [[n, text, lead, leader, due] for n, text, lead, _support, leader, due in _rows()]
    return [HEADER, *_rows()]


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


def _write_txt(path: Path, layout: str) -> Path:
    if layout in TABLES:
        text = "\n".join([TITLE, *("\t".join(r) for r in _table(layout))])
    else:
        text = "\n".join(_label_lines(layout))
    path.write_text(text, encoding="utf-8")
    return path


def _write_html(path: Path, layout: str) -> Path:
    if layout in TABLES:
        rows = _table(layout)
        cells = "<tr>" + "".join(f"<th>{h}</th>" for h in rows[0]) + "</tr>" if TABLES[layout] else ""
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[TABLES[layout]:])
        content = f"<p>{TITLE}</p><table>{cells}{body}</table>"
    else:
        content = "".join(f"<p>{line}</p>" for line in _label_lines(layout) if line)
    path.write_text(f"<html><head><title>x</title></head><body><div>{content}</div><p>分享到:</p></body></html>",
                    encoding="utf-8")
    return path


def _write_docx(path: Path, layout: str) -> Path:
    import docx

    document = docx.Document()
    if layout in TABLES:
        document.add_paragraph(TITLE)
        rows = _table(layout)
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    else:
        for line in _label_lines(layout):
            if line:
                document.add_paragraph(line)
    document.save(str(path))
    return path


def _write_xlsx(path: Path, layout: str) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([TITLE])
    for row in _table(layout) if layout in TABLES else [[line] for line in _label_lines(layout)[1:] if line]:
        sheet.append(row)
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
    story: list[object] = [Paragraph(TITLE, style)]
    if layout in TABLES:
        rows = _table(layout)
        widths = [30, 330, 80, 160, 50, 60] if TABLES[layout] else [30, 400, 80, 50, 60]
        table = Table(rows, colWidths=widths, repeatRows=int(TABLES[layout]))
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(table)
    else:
        story += [Paragraph(line, style) for line in _label_lines(layout)[1:] if line]
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(story)  # type: ignore[arg-type]
    return path


WRITERS = {".txt": _write_txt, ".html": _write_html, ".docx": _write_docx, ".xlsx": _write_xlsx, ".pdf": _write_pdf}


def _shape(path: Path) -> list[tuple[str, str, list[tuple[str, str]], list[str], str]]:
    document = read_document(path, key="variant")
    return [(t.code, t.text, [(u.name, u.part) for u in t.units], t.details.leaders, t.details.deadline)
            for t in document.key_tasks]


@pytest.mark.parametrize("layout", ["table", "labels", "trailing", "headerless", "lines", "clauses", "run-together",
                                    "headings", "run-on", "first-listed"])
@pytest.mark.parametrize("suffix", [".html", ".docx", ".xlsx", ".pdf"])
def test_formats_read_to_the_same_rows(tmp_path: Path, suffix: str, layout: str) -> None:
    expected = _shape(_write_txt(tmp_path / "notice.txt", layout))
    assert len(expected) == ROWS
    assert expected[0][2][0][1] == "lead"
    # a parenthesis or a heading names units only
    assert (expected[0][3] and expected[0][4]) or layout in ("trailing", "run-together", "headings", "run-on",
                                                              "first-listed")
    assert layout in ("headerless", "headings") or expected[0][2][1][1] == "support"
    assert all(len([u for u in row[2] if u[1] == "lead"]) == 1 for row in expected)
    assert _shape(WRITERS[suffix](tmp_path / f"notice{suffix}", layout)) == expected


def _write_run_together(path: Path) -> Path:
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
    lines = ["某某文档.docx", "《某某文档.docx》由会员分享,可在线阅读", *(f"{k}、{page}" for k, page in enumerate(pages, 1))]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_run_together_dump_reads_to_the_same_rows(tmp_path: Path) -> None:
    expected = _shape(_write_txt(tmp_path / "notice.txt", "table"))
    assert len(expected) == ROWS
    assert _shape(_write_run_together(tmp_path / "dump.txt")) == expected


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
