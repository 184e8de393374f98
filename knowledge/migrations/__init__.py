"""Alembic migrations of Duban's schema; files are named NNNN_name.py and hold revision "NNNN"."""

from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).parent
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str:
    """The newest migration, read from file names (cheap: no Alembic, no SQLAlchemy)."""
    return max(m.group(1) for f in (MIGRATIONS / "versions").iterdir() if (m := _REVISION_FILE.match(f.name)))
