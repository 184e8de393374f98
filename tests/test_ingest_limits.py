"""Hostile and malformed documents: refused before any parsing, with a sentence that names the place and the
limit; malformed content (impossible dates, ①, 百、, 附件 十十) is a DocumentError naming its line, never a
raw ValueError or KeyError."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from bombs import docx_bomb, xlsx_far_cell

from knowledge.ingest import DocumentError, document_vocabulary, read_document
from knowledge.ingest.limits import LIMITS, ReaderLimits, check_lines, check_office, column_number
from knowledge.ingest.text import TextReader
from knowledge.vocabulary import BUNDLED_DOCUMENT

SOURCE = BUNDLED_DOCUMENT.read_text(encoding="utf-8")
LINES = SOURCE.splitlines()


def _reader() -> TextReader:
    return TextReader(document_vocabulary(BUNDLED_DOCUMENT).is_group)


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the Office libraries fail loudly if a reader reaches them: a refusal must come before."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was parsed before being refused")

    monkeypatch.setattr(docx, "Document", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_docx_bomb_refused_unopened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = docx_bomb(tmp_path / "bomb.docx", unpacked_mb=400)
    assert path.stat().st_size < 2 * 2**20
    _no_parsing(monkeypatch)
    with pytest.raises(DocumentError, match=r"解压后有 4\d\d\.\d MB，超过上限 200\.0 MB") as error:
        read_document(path)
    assert str(path) in str(error.value) and "压缩炸弹" in str(error.value)


def test_xlsx_far_cell_refused_unopened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = xlsx_far_cell(tmp_path / "far.xlsx")
    _no_parsing(monkeypatch)
    with pytest.raises(DocumentError, match="16384 列，超过上限") as error:
        read_document(path)
    assert str(path) in str(error.value)


def test_xlsx_too_many_rows_refused(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.cell(row=LIMITS.sheet_rows + 1, column=1, value="远处")
    path = tmp_path / "tall.xlsx"
    workbook.save(path)
    with pytest.raises(DocumentError, match=f"{LIMITS.sheet_rows + 1} 行"):
        read_document(path)


def _with_part(path: Path, name: str, data: bytes, copies: int = 1) -> None:
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        for index in range(copies):
            package.writestr(name.format(index), data)


def test_too_many_parts_refused(tmp_path: Path) -> None:
    path = tmp_path / "parts.docx"
    docx.Document().save(str(path))
    _with_part(path, "word/media/image{}.png", b"x", copies=LIMITS.parts)
    with pytest.raises(DocumentError, match=f"个部件，超过上限 {LIMITS.parts}"):
        read_document(path)


def test_forged_grid_span_refused(tmp_path: Path) -> None:
    """gridSpan="999999999" would make the reader allocate a billion empty cells."""
    document = docx.Document()
    document.add_table(rows=1, cols=2)
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "span.docx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="999999999"/>', 1)
            target.writestr(info, data)
    with pytest.raises(DocumentError, match="超过上限 256"):
        read_document(path)


def test_file_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(LIMITS.file_bytes + 1)
    with pytest.raises(DocumentError, match=r"超过上限 50\.0 MB"):
        read_document(path)


@pytest.mark.parametrize("where", [2, 60, len(LINES) - 3], ids=["notice", "key-tasks", "footer"])
def test_long_line_refused_with_its_number(where: int) -> None:
    lines = [*LINES[:where], "测" * 200_000, *LINES[where:]]
    with pytest.raises(DocumentError, match="这一行有 200000 个字符，超过上限 20000") as error:
        _reader().read("\n".join(lines), key="long", source="long.txt")
    assert f"long.txt:{where + 1}:" in str(error.value)


@pytest.mark.parametrize("filler", ["测", " ", "〔", "（", "1", "*", "\t", "、"])
def test_longest_accepted_line_reads(filler: str) -> None:
    """A line just under the cap, of each character the patterns care about, is read (or refused as
    unrecognisable) in linear time: the import still finishes."""
    line = "说明" + filler * (LIMITS.line_chars - 10)
    try:
        _reader().read("\n".join([*LINES[:2], line, *LINES[2:]]), key="long", source="long.txt")
    except DocumentError as error:
        assert "long.txt:3" in str(error)


def test_document_size_cap() -> None:
    limits = ReaderLimits(text_chars=1000)
    with pytest.raises(DocumentError, match="超过 1000 个字符") as error:
        check_lines(["一" * 400] * 3, source="x.txt", limits=limits)
    assert "x.txt:3" in str(error.value)
    with pytest.raises(DocumentError, match="超过 2 行"):
        check_lines(["a"] * 3, limits=ReaderLimits(lines=2))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("\n附件 1\n", "\n2023年2月30日\n附件 1\n", "日期“2023年2月30日”不存在"),
    ("2023年3月3日印发", "2023年13月1日印发", "日期“2023年13月1日”不存在"),
    ("附件 1", "附件 十十", "附件编号“十十”不是可识别的序号"),
    ("二、林杰", "百、林杰", "分节序号“百”不是可识别的序号"),
    ("二、林杰", "十十、林杰", "分节序号“十十”不是可识别的序号"),
], ids=["issued-feb-30", "printed-month-13", "attachment-ten-ten", "section-hundred", "section-ten-ten"])
def test_malformed_content_is_a_sentence(old: str, new: str, message: str) -> None:
    assert old in SOURCE
    with pytest.raises(DocumentError, match=message) as error:
        _reader().read(SOURCE.replace(old, new, 1), key="bad", source="bad.txt")
    assert "bad.txt:" in str(error.value)


def test_circled_numbers_are_not_row_numbers() -> None:
    text = SOURCE.replace("\n1\t", "\n①\t", 1)
    with pytest.raises(DocumentError, match="序号“①”不是数字"):
        _reader().read(text, key="bad", source="bad.txt")


def test_column_numbers() -> None:
    assert [column_number(c) for c in ("A", "z", "AA", "XFD")] == [1, 26, 27, 16384]


def test_damaged_zip_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(DocumentError, match="无法打开 Excel 文件"):
        check_office(path, "xlsx")
