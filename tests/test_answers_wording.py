"""Answers use the document's own words: its level's leaders (县领导, 市领导 — never the bundled 区领导 in another
level's document), its leader column's header (责任领导) and its livelihood table's name (民生工程 1-1); questions
asked in those words are understood as 区领导 ones are in the bundled document.

The golden files under tests/golden/documents/ hold the plain-text replies to a fixed set of questions on a 县 and
a 市 document; DUBAN_UPDATE_GOLDEN=1 rewrites them (then read the diff).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from documents_support import imported, imported_text

from bot.dialogue.engine import Conversation
from bot.pipeline import Duban
from bot.render import render_text
from knowledge.rowids import canonical_row_ids, parse_row_id

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "documents"
UPDATE = os.environ.get("DUBAN_UPDATE_GOLDEN") == "1"
# A 县 document whose leaders lead sections ("一、王丹县长牵头重点工作"), a 市 document with a 责任领导 column,
# a 区 document naming its livelihood table 民生工程 with a 责任领导 column, and a 省 document.
HAIYAN = DATA / "real-holdout2" / "haiyan-2022-tasks"
CHUZHOU = DATA / "real" / "chuzhou-2020-tasks"
ZHAOHUA = DATA / "real-holdout2" / "zhaohua-2017-minsheng"
SHANDONG = DATA / "real-holdout3" / "shandong-2015-tasks"
# A 县 document in traditional script whose rows are labelled 民生實事 1-1.
YANGXIAN = DATA / "real" / "yangxian-2024-minsheng"

GOLDEN_QUESTIONS = {
    "haiyan-county": ("第一部分", "全县生产总值由哪位县领导负责", "有哪些县领导", "县财政局的分管领导是谁",
                      "哪位县领导分管的最多", "县领导是谁", "你是谁"),
    "chuzhou-city": ("地区生产总值由哪个市领导负责", "固定资产投资的责任领导是谁", "市财政局的分管领导是谁",
                     "有哪些市领导", "发改委牵头的有哪些", "每位市领导分管几项"),
}
FOLDERS = {"haiyan-county": HAIYAN, "chuzhou-city": CHUZHOU}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, Duban]]:
    found: dict[Path, Duban] = {}
    for folder in (HAIYAN, CHUZHOU, ZHAOHUA, SHANDONG, YANGXIAN):
        found[folder] = imported(folder / "source.txt", folder.name, tmp_path_factory.mktemp(folder.name))
    yield found


def _reply(duban: Duban, question: str) -> str:
    return render_text(Conversation(duban).answer(question))


def test_the_document_says_its_level_and_leader_column(documents: dict[Path, Duban]) -> None:
    wordings = {folder.name: duban.catalog.wording for folder, duban in documents.items()}
    assert (wordings[HAIYAN.name].level, wordings[HAIYAN.name].leader) == ("县", "")
    assert (wordings[CHUZHOU.name].level, wordings[CHUZHOU.name].leader) == ("市", "责任领导")
    assert (wordings[ZHAOHUA.name].level, wordings[ZHAOHUA.name].livelihood) == ("区", "民生工程")
    assert wordings[SHANDONG.name].level == "省"


@pytest.mark.parametrize(("folder", "question", "intent", "wanted"), [
    (HAIYAN, "全县生产总值由哪位县领导负责", "topic_leader", "“生产总值”的牵头县领导：王丹"),
    (HAIYAN, "县财政局的分管领导是谁", "unit_leader", "县财政局的分管县领导：王丹"),
    (HAIYAN, "有哪些县领导", "overview", "文件中的县领导共 2 位"),
    (HAIYAN, "第一部分", "section", "牵头县领导：王丹"),
    (CHUZHOU, "地区生产总值由哪个市领导负责", "topic_leader", "“地区生产总值”的责任领导：金力"),
    (CHUZHOU, "固定资产投资的责任领导是谁", "topic_leader", "“固定资产投资”的责任领导：金力"),
    (CHUZHOU, "市财政局的分管领导是谁", "unit_leader", "市财政局的责任领导：金力"),
    (CHUZHOU, "有哪些市领导", "overview", "文件中的市领导共 1 位"),
    (ZHAOHUA, "人社局负责哪些", "unit_items", "民生工程 1-1 城镇新增就业人数"),
    (ZHAOHUA, "就业人数的责任领导是谁", "topic_leader", "责任领导：刘强"),
], ids=lambda value: value.name if isinstance(value, Path) else "")
def test_replies_use_the_documents_words(documents: dict[Path, Duban], folder: Path, question: str, intent: str,
                                        wanted: str) -> None:
    answer = Conversation(documents[folder]).answer(question)
    text = render_text(answer)
    assert answer.intent == intent, f"{question}: {answer.intent}\n{text}"
    assert wanted in text, f"{question}: {text}"
    assert "区领导" not in text or documents[folder].catalog.wording.level == "区", f"{question}: {text}"


def test_no_reply_of_another_level_says_qu_leader(documents: dict[Path, Duban]) -> None:
    """Every question of the 县, 市 and 省 documents' question files, and the leader questions: no 区领导."""
    for folder in (HAIYAN, CHUZHOU, SHANDONG):
        questions = [line.split('"q": "', 1)[1].split('"', 1)[0]
                     for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
        level = documents[folder].catalog.wording.level
        for question in [*questions, f"有哪些{level}领导", f"哪位{level}领导分管的最多", "你是谁"]:
            text = _reply(documents[folder], question)
            assert "区领导" not in text, f"{folder.name}: {question}: {text}"


@pytest.mark.parametrize("name", sorted(GOLDEN_QUESTIONS))
def test_golden_renderings(documents: dict[Path, Duban], name: str) -> None:
    duban = documents[FOLDERS[name]]
    text = "".join(f"Q: {q}\n{_reply(duban, q)}\n\n" for q in GOLDEN_QUESTIONS[name])
    path = GOLDEN / f"{name}.txt"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; see the module docstring to update"


def _chrome_texts(duban: Duban) -> str:
    """/start, /help (private with the admin line, and in a group), /sub's and /deadline's usage, a console
    command's usage: as the chat whose document this is sees them."""
    from bot.cli.console import ARGUMENTS
    from bot.examples import chrome
    from bot.reminders import messages as rm
    from bot.reminders.targets import sub_usage
    from handlers.start import help_text, intro

    words = chrome(duban)
    return "\n\n".join([
        intro(duban.catalog, False, "duban_bot", words),
        help_text(words, "duban_bot", examples=duban.examples, admin=True),
        help_text(words, "duban_bot", group=True),
        sub_usage(words),
        rm.UNKNOWN_NAME.format(name="某某", leader=words.leader),
        ARGUMENTS["leader"].format(leader=words.leader, item=words.item),
    ]) + "\n"


def test_help_of_a_county_document_names_its_leaders(documents: dict[Path, Duban]) -> None:
    """A 县 document's help says 县领导 and names its own rows; it has no livelihood table, so none is named."""
    text = _chrome_texts(documents[HAIYAN])
    path = GOLDEN / "haiyan-county-help.txt"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert "县领导" in text and "区领导" not in text and "民生" not in text, text
    assert text == path.read_text(encoding="utf-8"), "haiyan-county-help differs; see the module docstring to update"


def test_help_of_a_livelihood_document_uses_its_tables_name(documents: dict[Path, Duban]) -> None:
    """A 区 document whose livelihood table is 民生工程: its help and /start name that, never 民生实事."""
    text = _chrome_texts(documents[ZHAOHUA])
    assert "民生工程" in text and "民生实事" not in text, text


@pytest.mark.parametrize("folder", [ZHAOHUA, YANGXIAN], ids=["min-sheng-gong-cheng", "traditional"])
def test_row_labels_as_shown_are_understood_back(documents: dict[Path, Duban], folder: Path) -> None:
    """Every label the bot shows a livelihood row by (民生工程 1-1, 民生實事 1-2) reads back as that row: in a
    question, alone, and in the conversation, where a space between words otherwise stands for a comma."""
    duban = documents[folder]
    rows = [r for r in duban.catalog.rows if r.kind == "livelihood"][:3]
    assert rows and all(not r.label.startswith("民生实事") for r in rows)
    for row in rows:
        for typed in (row.label, row.label.replace(" ", "") + "谁牵头", f"{row.label}由哪个单位负责"):
            assert duban.parse(typed).items == [row.id], typed
            assert row.text[:12] in _reply(duban, typed), typed
        assert parse_row_id(row.label) == row.id
        assert canonical_row_ids(f"{row.label} 县民政局").split()[0] == row.id


LISHUI = DATA / "real" / "lishui-2023-tasks"
XUCHANG = DATA / "real-holdout2" / "xuchang-2020-tasks"
# A 市 document written for the test: its counties addressed together, one named, a 小区 in a task's text.
CITY = """某某市人民政府办公室关于印发2024年重点工作任务分解的通知
各县（市、区）人民政府，市政府各部门：
序号\t工作任务\t牵头单位\t责任单位
1\t新改造老旧小区120个。\t市住建局\t各县（市、区）政府（管委会）
2\t建成乡镇卫生院15家。\t市卫健委\t各县、市、区政府
3\t建设东山县城区污水管网。\t东山县人民政府\t市住建局
4\t新增城镇就业3万人。\t市人力社保局\t
"""


@pytest.mark.parametrize("folder", [CHUZHOU, LISHUI, XUCHANG], ids=["chuzhou", "lishui", "xuchang"])
def test_county_governments_addressed_together_are_a_group(tmp_path: Path, folder: Path) -> None:
    """各县、市、区政府 / 各县（市、区）政府 / 各县(市、区)政府（管委会）: a group of the counties, kept as written,
    never a department with short forms cut from its punctuation (、市、区政府, 市区政府)."""
    duban = imported(folder / "source.txt", folder.name, tmp_path)
    groups = [u for u in duban.catalog.units.values() if u.name.startswith("各县")]
    assert groups and all(u.kind == "group" and u.covers == "county" and u.covers_all for u in groups), groups
    assert not any(a.startswith(("、", "（", "市、")) or a == "市区政府" for u in groups for a in u.aliases)


def test_a_county_the_document_does_not_name_reaches_the_rows_addressed_to_every_county() -> None:
    with imported_text(CITY, "city") as duban:
        units = duban.catalog.units
        assert units["东山县人民政府"].kind == "county"
        assert {units["各县（市、区）政府（管委会）"].kind, units["各县、市、区政府"].kind} == {"group"}
        for question in ("西岭县有什么任务", "请问北湖区负责哪些工作", "东山县有什么任务"):
            answer = duban.ask(question)
            reply = render_text(answer)
            assert "各县（市、区）政府（管委会）" in reply and "各县、市、区政府" in reply, reply
            assert {r.id for rows in answer.related.values() for r in rows} == {"K1-1", "K1-2"}, question
        assert {i.row.id for b in duban.ask("东山县有什么任务").blocks for i in b.rows} == {"K1-3"}
        # the document's own place, and a 小区 in the text, are no county
        assert duban.parse("某某市有什么任务").units == []
        assert duban.parse("老旧小区谁牵头").units == []
        assert "K1-1" in {i.row.id for b in duban.ask("老旧小区谁牵头").blocks for i in b.rows}
