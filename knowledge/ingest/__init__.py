"""Ingestion: one reader per format → a normalized `Document` → `store_document`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import transaction
from knowledge.ingest.document import Document, DocumentError
from knowledge.ingest.docx import DocxReader
from knowledge.ingest.store import store_document
from knowledge.ingest.text import TextReader
from knowledge.ingest.xlsx import XlsxReader
from knowledge.models import DocumentRecord
from knowledge.sources import MAX_KEY, default_key, fingerprint
from knowledge.vocabulary import Vocabulary, load_vocabulary

# Every reader turns its format into the text export's lines and parses them with TextReader's rules.
READERS: dict[str, type[TextReader]] = {
    ".txt": TextReader, ".text": TextReader, ".tsv": TextReader, ".docx": DocxReader, ".xlsx": XlsxReader,
}


def read_document(path: Path, key: str | None = None, vocabulary: Vocabulary | None = None) -> Document:
    """Parse a file with the reader its suffix calls for."""
    if not path.is_file():
        raise DocumentError(f"找不到文件 {path}：expected a readable file")
    reader_class = READERS.get(path.suffix.lower())
    if reader_class is None:
        known = "、".join(sorted(READERS))
        raise DocumentError(f"不支持 {path.suffix or '无后缀'} 格式：expected one of {known}", None, str(path))
    key = key or default_key(path)
    if not 0 < len(key) <= MAX_KEY:
        raise DocumentError(f"文件键“{key[:20]}…”应为 1–{MAX_KEY} 个字符：use --key to choose a shorter one")
    vocabulary = vocabulary or load_vocabulary()
    return reader_class(vocabulary.is_group).read_path(path, key=key)


def import_document(factory: sessionmaker[Session], path: Path, key: str | None = None) -> Document:
    """Read then store in one transaction: a file that fails to parse changes nothing."""
    vocabulary = load_vocabulary()
    document = read_document(path, key, vocabulary)
    with transaction(factory) as session:
        store_document(session, document, vocabulary, fingerprint(path))
    return document


__all__ = ["READERS", "Document", "DocumentError", "DocumentRecord", "fingerprint", "import_document",
           "read_document"]
