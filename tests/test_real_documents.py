"""Real documents of other governments (tests/data/real/ and every tests/data/real-holdout*/ set): every one imports with the expected rows and its
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


def test_unit_forms_are_derived_for_any_place_from_data() -> None:
    from knowledge.catalog import unit_forms

    assert {"发改局", "发改委", "发展改革局"} <= unit_forms("区发展和改革局")
    assert {"卫健局", "卫健委"} <= unit_forms("县卫生健康局")
    assert {"经信局", "科技局"} <= unit_forms("区科技和经信局")  # a merged body: each of its stems
    assert {"经开区", "开发区"} <= unit_forms("滁州经开区管委会")  # a zone by its kind, without its place
    assert "规划局" in unit_forms("規劃局")  # typed in simplified script
    assert "政府办" in unit_forms("市政府办公室")
    assert "粮食局" in unit_forms("县发改局(粮食局)")  # the second nameplate
    assert {"组织部", "宣传部"} <= unit_forms("县委组织部") | unit_forms("区委宣传部")  # a party committee's body
    assert "县市区政府" in unit_forms("各县、市、区政府", group=True)
    assert "部门" not in unit_forms("全区各部门", group=True)  # a question word, never one body
    assert not any("专班" in form and "经济合作" in form for form in unit_forms("滨江商务区工作专班"))
    assert "区县政府" in unit_forms("各区县政府")  # a 各 body stored as one body: typed without its 各
    assert "编办" in unit_forms("市委编办")  # a party committee's office without 委
    assert "金融办" in unit_forms("市政府金融办")  # a government's office without 政府
    assert "办公室" not in unit_forms("市政府办公室")  # only an office's ending left: no form
    assert "员会" not in unit_forms("区委员会")  # the committee itself keeps its 委


@pytest.mark.parametrize(("name", "places", "form", "derived"), [
    ("莲都邮政管理局", ("莲都区", "莲都"), "邮政管理局", True),  # named with the document's place: typed without it
    ("莲都邮政管理局", (), "邮政管理局", False),  # which words are a place, only the document says
    ("丽水市莲都区供电公司", ("丽水市", "丽水", "莲都区", "莲都"), "供电公司", True),
    ("莲都区", ("莲都区", "莲都"), "区", False),  # a place alone is no body
    ("吴江海关", ("苏州市", "苏州", "吴江区", "吴江"), "海关", True),  # a two-character body after the place
    ("吴江区委", ("吴江区", "吴江"), "区委", True),
    ("吴江区政府", ("吴江区", "吴江"), "政府", False),  # a generic word alone is no body
])
def test_unit_forms_without_the_documents_place(name: str, places: tuple[str, ...], form: str, derived: bool) -> None:
    from knowledge.catalog import unit_forms

    assert (form in unit_forms(name, places=places)) is derived
