"""Hostile Office files, generated in the test that uses them: a .docx whose small zip unpacks to hundreds
of megabytes of paragraphs, and an .xlsx whose one far cell (XFD1) stretches every row to 16,384 columns."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _deflated_repeat(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate data of head + chunk × times + tail, its CRC-32 and size, made by compressing the chunk
    once: after a full flush the compressor forgets its history, so every copy compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return start + block * times + end, crc, len(head) + len(chunk) * times + len(tail)


def _write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of already deflated entries (name, data, crc, size); sizes below 4 GiB, so no zip64."""
    central = b""
    with path.open("wb") as out:
        for name, data, crc, size in entries:
            offset = out.tell()
            encoded = name.encode()
            header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
            out.write(header + encoded + data)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded
        start = out.tell()
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0))


def docx_bomb(path: Path, unpacked_mb: int = 400) -> Path:
    """A real .docx (python-docx's template) whose document.xml holds `unpacked_mb` MB of paragraphs."""
    template = path.with_suffix(".template.docx")
    docx.Document().save(str(template))
    entries = []
    with zipfile.ZipFile(template) as source:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                continue
            raw = source.read(info)
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            entries.append((info.filename, compressor.compress(raw) + compressor.flush(), zlib.crc32(raw), len(raw)))
    template.unlink()
    paragraph = f"<w:p><w:r><w:t>{'重点工作' * 250}</w:t></w:r></w:p>".encode()
    chunk = paragraph * 1000
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'.encode()
    data, crc, size = _deflated_repeat(head, chunk, unpacked_mb * 2**20 // len(chunk) + 1, b"</w:body></w:document>")
    entries.append(("word/document.xml", data, crc, size))
    _write_zip(path, entries)
    return path


def xlsx_far_cell(path: Path, rows: int = 3000) -> Path:
    """A small workbook of `rows` short rows and one value at XFD1, so a reader pads each row to 16,384 cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number in range(1, rows + 1):
        sheet.cell(row=number, column=1, value=f"第 {number} 行")
    sheet["XFD1"] = "远处的单元格"
    workbook.save(path)
    return path
