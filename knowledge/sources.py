"""What an import depends on, cheap to compute without the database layer loaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from knowledge.vocabulary import data_fingerprint

# Bump when a reader or the store changes what an import produces: stale automatic imports redo themselves.
READER_VERSION = "2"  # 2: the adopting meeting is read from the notice (stored as a meta fact)
MAX_KEY = 100  # the documents.key column


def fingerprint(path: Path, overrides: str = "") -> str:
    """A digest of the file's bytes, the operator's place file given with it, the unit data files and the
    reader version."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(overrides.encode())
    digest.update(data_fingerprint().encode())
    digest.update(READER_VERSION.encode())
    return digest.hexdigest()


def default_key(path: Path) -> str:
    """A document's key when none is given: its file name without suffix (and a `-tasks` ending)."""
    return path.stem.removesuffix("-tasks") or path.stem
