"""Every real document says where and when it is from: the place, level and year the reader finds equal its meta.json
(as tests/real_meta.py defines "equal"), except documents named with a reason in known_failures.toml [real.meta]."""

from __future__ import annotations

import pytest
from real_meta import META, grade, known_meta

KNOWN = known_meta()


def test_known_meta_failures_name_real_documents() -> None:
    stale = sorted(set(KNOWN) - set(META))
    assert not stale, f"known_failures.toml [real.meta] names documents without a meta.json: {stale}"


@pytest.mark.parametrize("slug", sorted(META))
def test_place_level_and_year(slug: str) -> None:
    problems = grade(slug).problems
    if slug in KNOWN:
        assert problems, f"{slug} now reads its place, level and year right: delete it from [real.meta]"
        return
    assert not problems, f"{slug}: " + "; ".join(problems)
