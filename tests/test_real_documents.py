"""Real documents of other governments (tests/data/real/): every one imports with the expected rows and its
questions answered, except those named with a reason in tests/golden/known_failures.toml ([real])."""

from __future__ import annotations

from functools import cache

import pytest
from real_documents import SLUGS, Result, check, known_failures

KNOWN_ROWS, KNOWN_QUESTIONS = known_failures()


@cache
def _result(slug: str) -> Result:
    return check(slug)


def test_known_failures_name_real_documents() -> None:
    stale = sorted((set(KNOWN_ROWS) | set(KNOWN_QUESTIONS)) - set(SLUGS))
    assert not stale, f"known_failures.toml [real] names documents that do not exist: {stale}"


@pytest.mark.parametrize("slug", SLUGS)
def test_rows(slug: str) -> None:
    result = _result(slug)
    whole = not result.row_problems
    if slug in KNOWN_ROWS:
        assert not whole, f"{slug} now reads whole: delete it from known_failures.toml [real.rows]"
        return
    assert whole, f"{slug}: {result.rows_right}/{result.rows_total} rows right\n" + "\n".join(result.row_problems)


@pytest.mark.parametrize("slug", SLUGS)
def test_questions(slug: str) -> None:
    result = _result(slug)
    known = KNOWN_QUESTIONS.get(slug, {})
    new = {q: why for q, why in result.question_problems.items() if q not in known}
    fixed = sorted(q for q in known if q not in result.question_problems)
    assert not new, f"{slug}: new failures (fix, or list in known_failures.toml [real.questions.\"{slug}\"]):\n" + \
        "\n".join(f"{q} → {why}" for q, why in new.items())
    assert not fixed, f"{slug}: now passing, delete from known_failures.toml: {fixed}"


def test_short_forms_drop_the_level_prefix_only_where_unambiguous() -> None:
    from knowledge.catalog import UnitInfo, with_short_forms

    units = {name: UnitInfo(name, "department", ()) for name in ("县民政局", "县教育局", "市教育局")}
    units["区财政局"] = UnitInfo("区财政局", "department", ("财政局",))
    forms = {name: set(info.aliases) for name, info in with_short_forms(units).items()}
    assert "民政局" in forms["县民政局"]
    assert "教育局" not in forms["县教育局"] | forms["市教育局"]  # two bodies would claim it: neither gets it
    assert forms["区财政局"] == {"财政局"}  # already listed: nothing added
