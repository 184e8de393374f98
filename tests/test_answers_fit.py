"""Answers fit the document they come from: a row's own deadline and leaders kept from import to answer (text,
Telegram HTML, the snapshot)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture

from bot import messages as msg
from bot import snapshot
from bot.app import build_application, polling
from bot.config import Settings
from bot.dialogue.engine import Conversation
from bot.render import render_html_detail, render_html_pages, render_text, to_json
from bot.runtime import Runtime
from knowledge.ingest import import_document
from knowledge.reminders.deadlines import Deadline

REAL = Path(__file__).parent / "data" / "real"
DAZHU = "dazhu-2016-minsheng"  # one 民生实事 table, a 完成时限 column, no lead marked
# A document of labelled task lines: per-row leaders (one written with a typesetting space, two in one cell),
# a 完成时限 label the parser reads a date from and one it reads none from, and a row without any.
LABELLED = """某某县人民政府办公室关于印发2024年重点工作任务分工方案的通知
各乡镇人民政府，县政府各部门：
现将2024年重点工作任务分工方案印发给你们，请认真抓好落实。
1.加快建设县城污水处理厂二期工程。
牵头单位：县住建局
责任单位：县发改局、县财政局
责任领导：张 伟、李明
完成时限：2024年6月底前
2.新建公办幼儿园3所。
牵头单位：县教育局
责任领导：王芳
完成时限：9月底前建成投用
3.推进农村公路提档升级。
牵头单位：县交通局
责任单位：县财政局
"""


def _runtime(tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}"))


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    runtime = _runtime(tmp_path)
    labelled = tmp_path / "labelled.txt"
    labelled.write_text(LABELLED, encoding="utf-8")
    import_document(runtime.knowledge.sessions, labelled, "labelled-2024")
    import_document(runtime.knowledge.sessions, REAL / DAZHU / "source.txt", DAZHU)
    runtime.reload()
    yield runtime
    runtime.knowledge.close()


def test_the_row_keeps_its_deadline_and_leaders_in_the_catalog(runtime: Runtime) -> None:
    catalog = runtime.library.duban("labelled-2024").catalog
    first, second, third = catalog.rows
    assert (first.deadline, first.due, first.leaders) == ("2024年6月底前", date(2024, 6, 30), ("张伟", "李明"))
    assert (second.deadline, second.due, second.leaders) == ("9月底前建成投用", None, ("王芳",))
    assert (third.deadline, third.due, third.leaders) == ("", None, ())
    dazhu = runtime.library.duban(DAZHU).catalog
    assert [(r.deadline, r.due) for r in dazhu.rows[3:6]] == [
        ("5月底前动工", None), ("5月底前动工", None), ("12月底前", date(2016, 12, 31))]


def test_the_snapshot_keeps_the_row_deadline(runtime: Runtime, tmp_path: Path) -> None:
    settings = runtime.settings
    catalog = runtime.library.duban("labelled-2024").catalog
    lexicon = runtime.library.duban("labelled-2024").lexicon
    cache = settings.data_dir / "cache-test"
    snapshot.save(cache, settings.database_url, "labelled-2024", catalog, lexicon)
    loaded = snapshot.load(cache, settings.database_url, "labelled-2024")
    assert loaded is not None
    row = loaded[0].by_id[catalog.rows[0].id]
    assert (row.deadline, row.due, row.leaders) == ("2024年6月底前", date(2024, 6, 30), ("张伟", "李明"))


def test_a_row_shows_its_own_deadline_and_leaders(runtime: Runtime) -> None:
    catalog = runtime.library.duban("labelled-2024").catalog
    row = catalog.rows[0]
    detail = render_html_detail(row)
    assert "完成时限：2024年6月底前" in detail and "张伟、李明" in detail
    answer = runtime.library.answer("住建局牵头哪些", "labelled-2024")
    text = render_text(answer)
    assert "完成时限：2024年6月底前" in text and "张伟、李明" in text
    assert "完成时限：2024年6月底前" in "".join(render_html_pages(answer))
    assert "完成时限：2024年6月底前" in to_json(answer)["answer"]
    # The bundled document gives no row a deadline: its rows say none.
    bundled = runtime.library.answer("区民政局负责哪些民生实事", "lucheng-2023")
    assert "完成时限" not in render_text(bundled)


@pytest.mark.parametrize(("question", "rows", "said"), [
    ("残疾人综合服务中心啥时候要完成", ["L1-4"], "5月底前动工"),
    ("老年大学什么时候开工", ["L1-6"], "12月底前"),
    ("人行天桥什么时候投入使用", ["L1-2"], "9月投入使用"),
    ("民生实事1-4的完成时限", ["L1-4"], "5月底前动工"),
    ("县水务局的工作什么时候完成", ["L1-1", "L1-8"], "12月底前"),
], ids=["啥时候要完成", "什么时候开工", "milestone-after-the-cue", "row-code", "a-unit's-rows"])
def test_deadline_questions_answer_the_row_s_own_deadline(runtime: Runtime, question: str, rows: list[str],
                                                           said: str) -> None:
    answer = runtime.library.answer(question, DAZHU)
    assert answer.intent == "deadline", question
    assert [r.row.id for r in answer.rows] == rows, question
    assert said in answer.headline and "文件写明" in answer.headline, answer.headline


def test_a_set_deadline_still_wins_and_the_default_stands_where_the_document_gives_none(runtime: Runtime) -> None:
    duban = runtime.library.duban("labelled-2024")
    set_here = {"K1-1": [Deadline("K1-1", date(2024, 5, 15), "", "admin")]}
    answer = Conversation(duban, deadlines=lambda: set_here).answer("污水处理厂什么时候完成")
    assert "2024年5月15日" in answer.headline and "已设定" in answer.headline
    third = Conversation(duban).answer("农村公路什么时候完成")
    assert "2024年12月31日" in third.headline and "默认" in third.headline


# --- b) the document's own tables, and 负责 where it marks no lead ---------------------------------------


def test_a_document_marking_no_lead_is_answered_as_responsible(runtime: Runtime) -> None:
    answer = runtime.library.answer("住建局有哪些", DAZHU)
    text = render_text(answer)
    # 县住建局 is the sole unit of two rows (it leads them) and one of three units of 民生实事 1-1.
    assert "牵头 2 项" in answer.headline and "与其他单位共同负责 1 项" in answer.headline, answer.headline
    assert "【民生实事 · 负责】（1 项）" in text and "共同负责：县水务局、县住建局、县护城河指挥部" in text
    assert "共同牵头" not in text
    assert [item["role"] for item in to_json(answer)["items"]] == ["lead", "lead", "lead"]  # CONTRACT §5: as lead
    who = runtime.library.answer("东柳河谁负责", DAZHU)
    assert "“东柳河”的责任单位：" in who.headline and "牵头单位：" not in render_text(who), render_text(who)
    detail = render_html_detail(runtime.library.duban(DAZHU).catalog.by_id["L1-1"])
    assert "责任单位：县水务局、县住建局、县护城河指挥部" in detail and "牵头" not in detail
    assert "项目：" not in detail  # the document has no project column
    support = runtime.library.answer("哪些单位配合东柳河", DAZHU)
    assert "未标明牵头单位" in render_text(support) and "（牵头）" not in render_text(support)


def test_a_document_speaks_only_of_its_own_tables(runtime: Runtime) -> None:
    from handlers.start import intro

    only_livelihood = [runtime.library.answer(q, DAZHU) for q in ("你好", "天气怎么样", "帮助")]
    only_key_tasks = [runtime.library.answer(q, "labelled-2024") for q in ("你好", "天气怎么样", "帮助")]
    for answer in only_livelihood:
        assert "重点工作" not in render_text(answer), render_text(answer)
    for answer in only_key_tasks:
        assert "民生实事" not in render_text(answer), render_text(answer)
    assert "民生实事" in only_livelihood[0].headline and "重点工作" in only_key_tasks[0].headline
    assert "民生实事 11 项" in intro(runtime.library.duban(DAZHU).catalog) \
        and "重点工作" not in intro(runtime.library.duban(DAZHU).catalog)
    bundled = intro(runtime.library.duban("lucheng-2023").catalog)
    assert "共重点工作 142 项、民生实事 34 项" in bundled
    assert "共涉及 3 项民生实事" in runtime.library.answer("住建局有哪些", DAZHU).headline


def test_a_livelihood_table_is_named_as_the_document_names_it(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path)
    try:
        path = tmp_path / "weimin.txt"
        path.write_text(LABELLED.replace("重点工作任务分工方案", "为民办实事项目任务分解"), encoding="utf-8")
        import_document(runtime.knowledge.sessions, path, "weimin-2024")
        runtime.reload()
        catalog = runtime.library.duban("weimin-2024").catalog
        assert catalog.kinds == ("livelihood",) and catalog.table_name("livelihood") == "为民办实事"
        answer = runtime.library.answer("住建局有哪些", "weimin-2024")
        assert "为民办实事" in answer.headline and "【为民办实事" in render_text(answer), render_text(answer)
        assert "为民办实事" in runtime.library.answer("你好", "weimin-2024").headline
    finally:
        runtime.knowledge.close()


# --- c) examples from the answering document ---------------------------------------------------------------

BUNDLED_WORDS = ("区民政局", "老年食堂", "伍国军", "养老床位", "七都街道")


def test_examples_come_from_the_answering_document(runtime: Runtime) -> None:
    from bot.examples import answers

    for key in (DAZHU, "labelled-2024"):
        duban = runtime.library.duban(key)
        assert len(duban.examples) >= 3 and not duban.written_examples, duban.examples
        assert all(answers(duban, q) for q in duban.examples), duban.examples
        units = {u for row in duban.catalog.rows for u in row.lead_units}
        assert any(u in q for q in duban.examples for u in units), duban.examples
        for question in ("天气怎么样", "帮助", "你好", "谁", "下一页"):
            text = render_text(runtime.library.answer(question, key))
            assert not any(word in text for word in BUNDLED_WORDS), (key, question, text)
        nothing = runtime.library.answer("天气怎么样", key)
        assert nothing.facts[1:] == [f"· {q}" for q in duban.examples]
        assert to_json(nothing)["answer"].endswith(duban.examples[-1])
    assert "张伟分管哪些工作" in runtime.library.duban("labelled-2024").examples  # a leader the document names
    bundled = runtime.library.duban("lucheng-2023")
    assert bundled.written_examples and bundled.examples == msg.EXAMPLES
    assert runtime.library.answer("天气怎么样", "lucheng-2023").facts == list(msg.EXAMPLES_INTRO)


fake = make_fake_bot_fixture()


async def test_start_help_and_example_buttons_show_the_chat_document_s_examples(fake: FakeBotApi,
                                                                                 runtime: Runtime) -> None:
    duban = runtime.library.duban(DAZHU)
    async with polling(build_application(runtime, token=fake.token, base_url=fake.base_url), timeout=1.0):
        user = fake.add_user("Li")
        chat = fake.private_chat(user)
        runtime.library.choose(chat.id, DAZHU, user.id)
        await fake.send_text(chat, user, "/start")
        [intro] = await fake.wait_for_bot_messages(chat)
        assert intro.button_texts == list(duban.examples) and "民生实事 11 项" in intro.text
        assert "重点工作" not in intro.text and not any(w in intro.text for w in BUNDLED_WORDS)
        await fake.send_text(chat, user, "/help")
        [help_text] = await fake.wait_for_bot_messages(chat)
        assert duban.examples[0] in help_text.text and not any(w in help_text.text for w in BUNDLED_WORDS)
        await fake.press_button(chat, user, intro, button_text=duban.examples[0])
        [answer] = await fake.wait_for_bot_messages(chat)
        assert answer.text.startswith("【大竹县 2016年】") and "县住建局" in answer.text
        # A command without its argument shows an example from the chat's document; /item reads that document.
        await fake.send_text(chat, user, "/unit")
        [unit_usage] = await fake.wait_for_bot_messages(chat)
        assert "/unit 县住建局" in unit_usage.text, unit_usage.text
        await fake.send_text(chat, user, "/item")
        [item_usage] = await fake.wait_for_bot_messages(chat)
        assert "/item 民生实事 1-1" in item_usage.text and "五-12" not in item_usage.text, item_usage.text
        await fake.send_text(chat, user, "/item 民生实事1-4")
        [item] = await fake.wait_for_bot_messages(chat)
        assert "残疾人综合服务中心" in item.text and "完成时限：5月底前动工" in item.text, item.text


def test_reminders_use_the_row_s_own_deadline_date(runtime: Runtime) -> None:
    from bot.reminders.render import render_deadlines
    from knowledge.reminders.store import effective, set_deadline

    catalog = runtime.library.duban("labelled-2024").catalog
    with runtime.knowledge.sessions() as session:
        found = effective(session, catalog)
    # 2024年6月底前 has a date; 9月底前建成投用 has none, so it keeps the default, as a row without a deadline.
    assert [(d.due, d.source) for d in found["K1-1"]] == [(date(2024, 6, 30), "document")]
    assert [(d.due, d.source) for d in found["K1-2"]] == [(date(2024, 12, 31), "default")]
    assert [(d.due, d.source) for d in found["K1-3"]] == [(date(2024, 12, 31), "default")]
    pages = render_deadlines(catalog, found, date(2024, 6, 1))
    assert any("文件写明" in page for page in pages), pages
    with runtime.knowledge.sessions.begin() as session:
        set_deadline(session, "labelled-2024", Deadline("K1-1", date(2024, 5, 15), "", "admin"), set_by="test",
                     now=datetime.now(UTC))
    with runtime.knowledge.sessions() as session:
        assert [(d.due, d.source) for d in effective(session, catalog)["K1-1"]] == [(date(2024, 5, 15), "admin")]
