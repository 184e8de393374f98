"""Every real document says where and when it is from and what it is called: the place, level, year and title the
reader finds equal its meta.json (as tests/real_meta.py defines "equal"), except those a document's entry in
known_failures.toml [real.meta] names as wrong with a reason — each named one still wrong, no other."""

from __future__ import annotations

import pytest
from real_meta import META, aspects, grade, known_meta

KNOWN = known_meta()


def test_known_meta_failures_name_real_documents() -> None:
    stale = sorted(set(KNOWN) - set(META))
    assert not stale, f"known_failures.toml [real.meta] names documents without a meta.json: {stale}"


@pytest.mark.parametrize("slug", sorted(META))
def test_place_level_year_and_title(slug: str) -> None:
    problems = grade(slug).problems
    wrong, known = aspects("; ".join(problems)), aspects(KNOWN.get(slug, ""))
    assert not wrong - known, f"{slug}: " + "; ".join(p for p in problems if p.split(":")[0] not in known)
    assert not known - wrong, f"{slug} now reads its {', '.join(sorted(known - wrong))} right: " \
        "say so in known_failures.toml [real.meta] (delete the entry when nothing is left)"
