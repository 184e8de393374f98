"""Units for any place: a document from anywhere answers with its own place words, streets, towns and groups,
derived from the document itself; a place file (bundled or the operator's `--overrides`) only adds spellings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_support import cli_app, run

from bot.cli.documents import register
from bot.pipeline import Duban
from knowledge.bootstrap import KnowledgeBase, open_knowledge
from knowledge.catalog import load_catalog
from knowledge.ingest import DocumentError, import_document
from knowledge.language import (
    DocumentPlace,
    LanguageError,
    document_place,
    load_place_data,
    place_files,
    place_overrides,
)
from knowledge.vocabulary import BUNDLED_DOCUMENT

# A county's and a city's notices, each with streets and towns among its units and a group addressee.
COUNTY = """丽水市青田县人民政府办公室关于印发2024年政府工作报告重点工作责任分解的通知
青政办发〔2024〕5号
各乡镇人民政府、街道办事处，县政府各部门：
现将《2024年政府工作报告重点工作责任分解》印发给你们，请认真贯彻落实。
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t新建公办幼儿园3所\t县教育局\t县财政局、鹤城街道\t2024年9月底
2\t完成农村危房改造120户\t县住建局\t各乡镇\t2024年12月底
3\t新增养老床位200张\t县民政局\t温溪镇、船寮镇\t2024年11月底
4\t开展送医下乡义诊12场\t县卫生健康局\t全县各部门\t2024年6月底
5\t建成便民服务中心2个\t温溪镇\t县发展和改革局\t2024年10月底
6\t整治农村人居环境\t县农业农村局\t各镇人民政府\t2024年12月底
青田县人民政府办公室
2024年3月1日印发
"""
CITY = """丽水市人民政府办公室关于印发2023年民生实事项目责任分解的通知
丽政办发〔2023〕9号
各县（市、区）人民政府，市政府直属各单位：
现将《2023年民生实事项目责任分解》印发给你们，请认真贯彻落实。
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t新增城镇就业岗位3000个\t市人力社保局\t各县（市、区）\t2023年12月底
2\t改造老旧小区12个\t市住建局\t白云街道、紫金街道\t2023年11月底
3\t建设充电桩500个\t市发改委\t市政府直属各单位\t2023年9月底
4\t新建城乡供水管网30公里\t市水利局\t大港头镇\t2023年10月底
丽水市人民政府办公室
2023年3月1日印发
"""


@dataclass(frozen=True)
class Case:
    """One question to a document, the rows (by number) it answers, and rows it mentions through a group."""

    document: str
    question: str
    rows: tuple[int, ...]
    related: tuple[int, ...] = ()


CASES = [
    Case("county", "温溪镇有哪些任务", (3, 5), (2, 6)),  # 各乡镇 and 各镇人民政府 (one group) include it
    Case("county", "鹤城街道有哪些任务", (1,), (2, 6)),
    Case("county", "我县民政局牵头哪些任务", (3,)),
    Case("county", "本县发改局有哪些任务", (5,)),
    Case("county", "各乡镇有哪些任务", (2, 6)),
    Case("county", "全县各部门有哪些任务", (4,)),
    Case("county", "卫健局负责什么", (4,)),
    Case("city", "紫金街道有哪些任务", (2,)),
    Case("city", "大港头镇有哪些任务", (4,)),
    Case("city", "我市住建局有哪些任务", (2,), (3,)),
    Case("city", "各县区有哪些任务", (1,)),
    Case("city", "市政府直属各单位有哪些任务", (3,)),
    Case("city", "发展改革委负责什么", (3,)),
]
DISTRICT = """丽水市莲都区人民政府办公室关于印发2024年重点工作责任分解的通知
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t推进重大项目建设\t区发改局\t区财政局\t2024年12月底
"""
TEXTS = {"county": COUNTY, "city": CITY, "district": DISTRICT}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The bundled document and both synthetic ones in one database, imported with no place file."""
    folder = tmp_path_factory.mktemp("places")
    base = open_knowledge(f"sqlite:///{folder / 'duban.sqlite3'}")
    for key, text in TEXTS.items():
        path = folder / f"{key}.txt"
        path.write_text(text, encoding="utf-8")
        import_document(base.sessions, path, key)
    yield base
    base.close()


def _duban(base: KnowledgeBase, key: str) -> Duban:
    with base.sessions() as session:
        return Duban(load_catalog(session, key))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.document}-{c.question}" for c in CASES])
def test_a_document_from_anywhere_answers_with_its_own_places(stored: KnowledgeBase, case: Case) -> None:
    assert not [d for d in place_files() if document_place(d.place).local in TEXTS[case.document]], \
        "the synthetic documents must need no bundled place file"
    answer = _duban(stored, case.document).ask(case.question)
    got = tuple(int(r.row.id[1:].rsplit("-", 1)[-1]) for block in answer.blocks for r in block.rows)
    related = tuple(int(r.id[1:].rsplit("-", 1)[-1]) for rows in answer.related.values() for r in rows)
    assert (answer.intent, sorted(got), sorted(related)) == (answer.intent, sorted(case.rows), sorted(case.related)), \
        f"{case.question}: {answer.headline}"


def test_row_ids_are_numbered_as_the_cases_assume(stored: KnowledgeBase) -> None:
    catalog = _duban(stored, "county").catalog
    assert [r.id for r in catalog.rows][:2] and all(r.id.rsplit("-", 1)[-1].isdigit() for r in catalog.rows)


@pytest.mark.parametrize(("title", "local", "own", "level"), [
    ("丽水市青田县人民政府办公室关于…", "青田县", {"我县", "本县", "全县", "我市", "青田", "丽水市"}, "县"),
    ("丽水市人民政府办公室关于…", "丽水市", {"我市", "全市", "丽水"}, "市"),
    ("浙江省丽水市人民政府关于…", "丽水市", {"我省", "我市", "浙江"}, "市"),
    ("温州市鹿城区人民政府办公室关于…", "鹿城区", {"我区", "本区", "全区", "我市", "本市", "全市", "鹿城", "温州"}, "区"),
    ("关于印发…的通知", "", set(), ""),
], ids=["county", "city", "province-city", "district", "nowhere"])
def test_place_words_come_from_the_document(title: str, local: str, own: set[str], level: str) -> None:
    place: DocumentPlace = document_place(title)
    assert (place.local, level) == (local, place.level)
    assert own <= place.own_places and not {"我县", "我区"} - own & place.own_places


@pytest.mark.parametrize(("place", "chosen"), [
    ("温州市鹿城区人民政府办公室关于…", True),
    ("鹿城区人民政府关于…", True),  # the title names only the district
    ("杭州市鹿城区人民政府关于…", False),  # a district of that name in another city
    ("温州市人民政府关于…", False),  # the city above it has its own documents
    ("丽水市青田县人民政府关于…", False),
], ids=["district-in-city", "district-alone", "other-city", "the-city", "elsewhere"])
def test_a_place_file_is_chosen_by_the_place_the_document_names(place: str, chosen: bool) -> None:
    found = place_overrides(document_place(place))
    assert (found is not None and found.source == "wenzhou-lucheng.toml") == chosen


def test_another_places_streets_and_spellings_do_not_answer_here(stored: KnowledgeBase) -> None:
    county = _duban(stored, "county").catalog
    bundled = _duban(stored, "lucheng-2023").catalog
    assert "五马街道" in bundled.units and "五马街道" not in county.units
    assert {"温溪镇", "船寮镇", "鹤城街道"} <= {u.name for u in county.units.values() if u.kind == "street"}
    # Both districts have a 区发改局 (one row of the units table): only 鹿城's answers to its 六重办.
    district = _duban(stored, "district").catalog
    assert "六重办" in bundled.units["区发改局"].aliases and "六重办" not in district.units["区发改局"].aliases
    assert "发改委" in district.units["区发改局"].aliases  # derived by the rules, for any district


OVERRIDE = """place = "丽水市青田县"
[[unit]]
name = "县民政局"
aliases = ["老龄委"]
"""


def test_an_operators_place_file_adds_a_spelling_and_is_kept_with_the_document(tmp_path: Path) -> None:
    document, given = tmp_path / "county.txt", tmp_path / "my-units.toml"
    document.write_text(COUNTY, encoding="utf-8")
    given.write_text(OVERRIDE, encoding="utf-8")
    base = open_knowledge(f"sqlite:///{tmp_path / 'duban.sqlite3'}", bundled=False)
    try:
        import_document(base.sessions, document, "plain")
        assert _duban(base, "plain").ask("老龄委有哪些任务").query.units != ["县民政局"]
        import_document(base.sessions, document, "county", overrides=given)
        answer = _duban(base, "county").ask("老龄委有哪些任务")
        assert [r.row.id for b in answer.blocks for r in b.rows] == ["K1-3"], answer.headline
        # The same 县民政局 (one row of the units table) in the document imported without the file: not so named.
        assert "老龄委" not in _duban(base, "plain").catalog.units["县民政局"].aliases
    finally:
        base.close()


def test_an_operators_file_for_a_place_with_a_bundled_one_changes_only_what_it_lists(tmp_path: Path) -> None:
    given = tmp_path / "lucheng-more.toml"
    given.write_text('[[unit]]\nname = "区民政局"\naliases = ["民政办"]\n', encoding="utf-8")
    base = open_knowledge(f"sqlite:///{tmp_path / 'duban.sqlite3'}", bundled=False)
    try:
        import_document(base.sessions, BUNDLED_DOCUMENT, "lucheng", overrides=given)
        duban = _duban(base, "lucheng")
        assert duban.ask("民政办有哪些任务").query.units == ["区民政局"]
        assert duban.ask("六重办有哪些任务").query.units == ["区发改局"]  # the bundled place file still applies
        assert "五马街道" in duban.catalog.units
    finally:
        base.close()


@pytest.mark.parametrize(("text", "key"), [
    ('place = "青田县"\nstreet = ["温溪镇"]\n', "street"),
    ('[[unit]]\nname = "县民政局"\nalias = ["老龄委"]\n', "unit[0].alias"),
], ids=["top-level", "in-a-unit"])
def test_an_invalid_place_file_is_a_polite_error_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    document, given = tmp_path / "county.txt", tmp_path / "my-units.toml"
    document.write_text(COUNTY, encoding="utf-8")
    given.write_text(text, encoding="utf-8")
    with pytest.raises(LanguageError, match=re.escape(f"my-units.toml: unknown key '{key}'")):
        load_place_data(given)
    base = open_knowledge(f"sqlite:///{tmp_path / 'duban.sqlite3'}", bundled=False)
    try:
        with pytest.raises(DocumentError, match=re.escape(f"覆盖文件有误：my-units.toml: unknown key '{key}'")):
            import_document(base.sessions, document, "county", overrides=given)
    finally:
        base.close()


def test_an_alias_given_to_two_units_is_a_polite_error_naming_it(tmp_path: Path) -> None:
    document, given = tmp_path / "county.txt", tmp_path / "my-units.toml"
    document.write_text(COUNTY, encoding="utf-8")
    given.write_text('[[unit]]\nname = "县民政局"\naliases = ["老龄委"]\n[[unit]]\nname = "县卫生健康局"\n'
                     'aliases = ["老龄委"]\n', encoding="utf-8")
    base = open_knowledge(f"sqlite:///{tmp_path / 'duban.sqlite3'}", bundled=False)
    try:
        with pytest.raises(DocumentError, match="覆盖文件有误：“老龄委”同时是"):
            import_document(base.sessions, document, "county", overrides=given)
    finally:
        base.close()


def test_import_takes_overrides_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = cli_app(register, f"sqlite:///{tmp_path / 'duban.sqlite3'}", tmp_path, monkeypatch)
    document, given = tmp_path / "county.txt", tmp_path / "my-units.toml"
    document.write_text(COUNTY, encoding="utf-8")
    given.write_text('[[unit]]\nname = "县民政局"\nnames = ["老龄委"]\n', encoding="utf-8")
    output = run(app, "import", str(document), "--overrides", str(given), code=1)
    assert "unknown key 'unit[0].names'" in output and "未作任何改动" in output
    assert "地点文件：无" in run(app, "import", "--dry-run", str(document))
    given.write_text(OVERRIDE, encoding="utf-8")
    output = run(app, "import", str(document), "--overrides", str(given))
    assert "地点：丽水市青田县（县级" in output and "我县" in output and "地点文件：my-units.toml" in output
    assert "街道乡镇：鹤城街道、温溪镇、船寮镇" in output
