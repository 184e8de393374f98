"""Ingestion: each format becomes located lines → the first layout guess that reads them → `store_document`.

Layout guesses, in order (the first that reads the document wins; `Document.reading` says which):

1. **the bundled notice shape** (`text.TextReader`): 附件 1 sections of tab-separated key tasks led by the
   leader in each heading, 附件 2 livelihood projects, a 抄送/印发 footer. Its rules and IDs are exact, so a
   document of this shape that breaks them (a row-number gap, a cut-off table) is refused with its error
   rather than read loosely — once the reader has found 附件 1's tables, its error stands.
2. **any task table** (`general.GeneralReader`): header rows wherever they are, numbered tasks with
   `牵头单位：…` labels; see that module for its own ordered layouts.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from knowledge.db import exclusive, transaction
from knowledge.ingest.document import Document, DocumentError
from knowledge.ingest.formats import FORMATS, Located, located_lines
from knowledge.ingest.general import GeneralReader
from knowledge.ingest.store import store_document
from knowledge.ingest.text import TextReader
from knowledge.models import DocumentRecord
from knowledge.sources import MAX_KEY, default_key, fingerprint
from knowledge.vocabulary import Vocabulary, load_vocabulary

READERS = FORMATS


def read_document(path: Path, key: str | None = None, vocabulary: Vocabulary | None = None) -> Document:
    """Parse a file: its format's lines, then the layout guesses in order."""
    if not path.is_file():
        raise DocumentError(f"找不到文件 {path}：expected a readable file")
    if path.suffix.lower() not in FORMATS:
        known = "、".join(sorted(FORMATS))
        raise DocumentError(f"不支持 {path.suffix or '无后缀'} 格式：expected one of {known}", None, str(path))
    key = key or default_key(path)
    if not 0 < len(key) <= MAX_KEY:
        raise DocumentError(f"文件键“{key[:20]}…”应为 1–{MAX_KEY} 个字符：use --key to choose a shorter one")
    vocabulary = vocabulary or load_vocabulary()
    return read_located(located_lines(path), key, str(path), vocabulary)


def read_located(located: Located, key: str, source: str, vocabulary: Vocabulary) -> Document:
    """The layout guesses in order (see the module docstring)."""
    from knowledge.progress.language import language

    classic = TextReader(vocabulary.is_group)
    try:
        if located.numbered:
            document = classic.read(located.text(), key=key, source=source)
        else:
            document = classic.read_lines(located.pairs(), key=key, source=source)
        document.reading = "bundled"
    except DocumentError:
        if classic.reached_tables:
            raise
        document = GeneralReader(located.lines, key, source).read()
    document.reporting = "\n".join(language().rule_sentences(located.text()))
    return document


def import_document(factory: sessionmaker[Session], path: Path, key: str | None = None) -> Document:
    """Read then store in one transaction: a file that fails to parse changes nothing."""
    vocabulary = load_vocabulary()
    document = read_document(path, key, vocabulary)
    # Imports wait for each other (the read above runs in parallel): a key imported twice at once ends
    # as one of the two, never a unique-key error, and SQLite never times out as "database is locked".
    with exclusive(factory.kw["bind"], "import"), transaction(factory) as session:
        store_document(session, document, vocabulary, fingerprint(path))
    return document


__all__ = ["READERS", "Document", "DocumentError", "DocumentRecord", "fingerprint", "import_document",
           "read_document", "read_located"]
