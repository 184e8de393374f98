"""Alembic migrations of Duban's schema; files are named NNNN_name.py, and the highest NNNN is the head.

Early files hold revision "NNNN"; later ones a revision named for their feature ("0004_progress_reports"),
so helpers landing in parallel cannot collide on an id. The head's id is read from its file's
`revision = "…"` line (cheap: no Alembic, no SQLAlchemy)."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).parent
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")
_REVISION_LINE = re.compile(r"^revision\s*=\s*[\"']([^\"']+)[\"']", re.M)


def head_revision() -> str:
    """The newest migration's revision id: the highest-numbered file's `revision = "…"` line."""
    newest = max(f for f in (MIGRATIONS / "versions").iterdir() if _REVISION_FILE.match(f.name))
    line = _REVISION_LINE.search(newest.read_text(encoding="utf-8"))
    return line.group(1) if line else newest.name[:4]
