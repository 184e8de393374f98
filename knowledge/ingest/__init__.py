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
from knowledge.ingest import cells as C
from knowledge.ingest import messages as msg
from knowledge.ingest.document import Document, DocumentError
from knowledge.ingest.formats import FORMATS, Located, located_lines
from knowledge.ingest.general import GeneralReader
from knowledge.ingest.store import Whereabouts, store_document
from knowledge.ingest.text import TextReader
from knowledge.language import (
    LanguageError,
    PlaceData,
    document_place,
    issuing_place,
    load_place_data,
    place_data,
)
from knowledge.models import DocumentRecord
from knowledge.sources import MAX_KEY, default_key, fingerprint
from knowledge.vocabulary import Vocabulary, VocabularyError, load_vocabulary

READERS = FORMATS


def read_document(path: Path, key: str | None = None, vocabulary: Vocabulary | None = None,
                  overrides: Path | None = None) -> Document:
    """Parse a file: its format's lines, then the layout guesses in order."""
    located, key = _open(path, key)
    vocabulary = vocabulary or vocabulary_for(opening_place(located), read_overrides(overrides)[0])
    return read_located(located, key, str(path), vocabulary)


def document_vocabulary(path: Path) -> Vocabulary:
    """The vocabulary `read_document` reads the file at `path` with (for a reader used on its own)."""
    return vocabulary_for(opening_place(located_lines(path)))


def place_summary(path: Path, document: Document, overrides: Path | None = None) -> list[str]:
    """Where `document` (read from `path`) is from and which place file it is read with, as `duban import` says."""
    from knowledge.ingest.summary import place_lines

    given, _text = read_overrides(overrides)
    place = opening_place(located_lines(path)) or document.place or document.title
    where = document_place(place)
    return place_lines(document, where, place_data(where, given), vocabulary_for(place, given).is_group)


def _open(path: Path, key: str | None) -> tuple[Located, str]:
    if not path.is_file():
        raise DocumentError(f"找不到文件 {path}：expected a readable file")
    if path.suffix.lower() not in FORMATS:
        known = "、".join(sorted(FORMATS))
        raise DocumentError(f"不支持 {path.suffix or '无后缀'} 格式：expected one of {known}", None, str(path))
    key = key or default_key(path)
    if not 0 < len(key) <= MAX_KEY:
        raise DocumentError(f"文件键“{key[:20]}…”应为 1–{MAX_KEY} 个字符：use --key to choose a shorter one")
    return located_lines(path), key


def opening_place(located: Located) -> str:
    """Where the document says it is from: the issuing government its opening lines name ("" if none)."""
    for _where, raw in located.lines[:80]:
        if place := issuing_place(C.simplified(C.collapse(raw.replace("\t", " ")))):
            return place
    return ""


def read_overrides(path: Path | None) -> tuple[PlaceData | None, str]:
    """An operator's place file (`duban import FILE --overrides FILE`) and its text; a polite error naming
    the file and the key when it is not one."""
    if path is None:
        return None, ""
    try:
        text = path.read_text(encoding="utf-8")
        return load_place_data(path, text), text
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(msg.OVERRIDES_UNREADABLE.format(path=path, error=error)) from None
    except LanguageError as error:
        raise DocumentError(msg.OVERRIDES_INVALID.format(error=error)) from None


def vocabulary_for(place: str, overrides: PlaceData | None = None) -> Vocabulary:
    """The vocabulary of a document from `place` (as it writes it): the bundled place file of that place with the
    operator's overrides over it (knowledge/language.py's place_data), else only what the rules derive."""
    where = document_place(place)
    try:
        return load_vocabulary(place=where, overrides=place_data(where, overrides))
    except VocabularyError as error:
        raise DocumentError(msg.OVERRIDES_INVALID.format(error=error)) from None


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


def import_document(factory: sessionmaker[Session], path: Path, key: str | None = None,
                    overrides: Path | None = None) -> Document:
    """Read then store in one transaction: a file that fails to parse changes nothing. `overrides` is an
    operator's place file for this document, kept with it (every instance then answers the same)."""
    given, text = read_overrides(overrides)
    located, key = _open(path, key)
    place = opening_place(located)
    vocabulary = vocabulary_for(place, given)
    document = read_located(located, key, str(path), vocabulary)
    if not place and (place := document.place or document.title):
        vocabulary = vocabulary_for(place, given)  # the reader found where it is from further down
    # Imports wait for each other (the read above runs in parallel): a key imported twice at once ends
    # as one of the two, never a unique-key error, and SQLite never times out as "database is locked".
    with exclusive(factory.kw["bind"], "import"), transaction(factory) as session:
        store_document(session, document, vocabulary, fingerprint(path, text), Whereabouts(place, text))
    return document


__all__ = ["READERS", "Document", "DocumentError", "DocumentRecord", "document_vocabulary", "fingerprint",
           "import_document", "opening_place", "place_summary", "read_document", "read_located", "read_overrides", "vocabulary_for"]
