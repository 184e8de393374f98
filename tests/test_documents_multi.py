"""Several documents, one bot: each chat's document (/doc, admins only in groups), answers naming their
document only when several are stored, year and place picking, LRU eviction, a failed import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture

from benchmarks.documents import generated
from bot.app import build_application, polling
from bot.config import Settings
from bot.render import render_text, to_json
from bot.runtime import Runtime
from bot.shelf import messages as sm
from knowledge.ingest import DocumentError, import_document

fake = make_fake_bot_fixture()
BUNDLED = "lucheng-2023"
NEWER = 8  # generated(8): a 2024 document of another place


def _import(runtime: Runtime, tmp_path: Path, index: int) -> str:
    made = generated(index)
    path = tmp_path / f"{made.key}.txt"
    path.write_text(made.text, encoding="utf-8")
    import_document(runtime.knowledge.sessions, path, made.key)
    runtime.reload()
    return made.key


def _runtime(tmp_path: Path, capacity: int = 32) -> Runtime:
    return Runtime(settings=Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}",
                                     documents_in_memory=capacity))


@pytest.fixture
def one(tmp_path: Path) -> Iterator[Runtime]:
    runtime = _runtime(tmp_path)
    yield runtime
    runtime.knowledge.close()


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    runtime = _runtime(tmp_path)
    key = _import(runtime, tmp_path, NEWER)
    yield runtime, key
    runtime.knowledge.close()


def test_one_document_answers_without_naming_it(one: Runtime) -> None:
    answer = one.library.answer("区民政局负责哪些民生实事")
    assert not answer.headline.startswith("【") and {r.row.id for r in answer.rows} == {"L5-1", "L8-1"}


def test_several_documents_every_answer_names_its_document(two: tuple[Runtime, str]) -> None:
    runtime, newer = two
    assert runtime.library.default_key() == newer  # the newest imported answers by default
    label = sm.ANSWER_FROM.format(label="鹿城区 2023年")
    answer = runtime.library.answer("区民政局负责哪些民生实事", BUNDLED)
    assert {r.row.id for r in answer.rows} == {"L5-1", "L8-1"}
    assert render_text(answer).startswith(label) and to_json(answer)["answer"].startswith(label)
    assert set(to_json(answer)) >= {"question", "intent", "entities", "items", "answer", "suggestions"}
    other = runtime.library.answer("帮助", newer)
    assert render_text(other).startswith(sm.ANSWER_FROM.format(label=runtime.library.label(newer)))


def test_a_question_naming_a_year_or_place_picks_that_document(two: tuple[Runtime, str]) -> None:
    runtime, newer = two
    library = runtime.library
    newer_catalog = library.duban(newer).catalog
    year_question = "2024年民政局负责哪些" if any("民政局" in u for u in newer_catalog.by_unit) else "2024年财政局负责哪些"
    assert library.pick(year_question, BUNDLED) == newer
    answered = library.answer(year_question, BUNDLED)
    assert answered.rows and all(r.row.id in newer_catalog.by_id for r in answered.rows)
    assert library.pick("2023年区民政局负责哪些民生实事", newer) == BUNDLED
    assert library.pick("鹿城区民政局负责哪些民生实事", newer) == BUNDLED
    assert library.pick("区民政局负责哪些民生实事", newer) == newer  # nothing named: the chat's own
    assert library.pick("2023年鹿城区民政局负责哪些", BUNDLED) == BUNDLED


def test_an_evicted_document_answers_the_same_after_reload(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, capacity=1)
    keys = [_import(runtime, tmp_path, index) for index in (1, 2, 3)]
    library = runtime.library
    question = "财政局负责哪些工作"
    first = {key: render_text(library.answer(question, key)) for key in keys}
    assert len(library.loaded()) <= 1 and keys[0] not in library.loaded()  # the answering one is not counted
    again = render_text(library.answer(question, keys[0]))
    assert again == first[keys[0]] and keys[0] in library.loaded()
    runtime.knowledge.close()


def test_after_a_failed_import_nothing_answers_as_if_it_had_succeeded(one: Runtime, tmp_path: Path) -> None:
    made = generated(NEWER)
    broken = tmp_path / "broken.txt"
    broken.write_text(made.text.split("序号")[0].split("1.")[0] + "这里没有任何任务表。\n", encoding="utf-8")
    with pytest.raises(DocumentError):
        import_document(one.knowledge.sessions, broken, "broken-2024")
    one.reload()
    assert [s.key for s in one.library.shelf()] == [BUNDLED]
    answer = one.library.answer("2024年区民政局负责哪些民生实事")  # the year of the failed one: not answered
    assert answer.intent == "other_year" and not answer.rows and not answer.headline.startswith("【")
    assert {r.row.id for r in one.library.answer("区民政局负责哪些民生实事").rows} == {"L5-1", "L8-1"}


def test_a_conversation_does_not_carry_rows_across_documents(two: tuple[Runtime, str]) -> None:
    runtime, newer = two
    library = runtime.library
    library.reply("chat:5", "区民政局负责哪些民生实事", BUNDLED)
    follow = library.reply("chat:5", "那配合的呢", newer)
    newer_ids = set(library.duban(newer).catalog.by_id)
    assert all(r.row.id in newer_ids for r in follow.rows)
    back = library.reply("chat:5", "那配合的呢", BUNDLED)  # the bundled document's context is its own
    assert all(r.row.id in runtime.catalog.by_id or r.row.id.startswith(("K", "L")) for r in back.rows)


# --- Telegram ------------------------------------------------------------------------------------


def _bot(fake: FakeBotApi, runtime: Runtime) -> Any:
    return polling(build_application(runtime, token=fake.token, base_url=fake.base_url), timeout=1.0)


async def test_doc_chooses_the_chat_document_in_private(fake: FakeBotApi, two: tuple[Runtime, str]) -> None:
    runtime, newer = two
    async with _bot(fake, runtime):
        user = fake.add_user("Li")
        chat = fake.private_chat(user)
        await fake.send_text(chat, user, "/doc")
        [listing] = await fake.wait_for_bot_messages(chat)
        assert runtime.library.label(newer) in listing.text
        assert any(b.startswith("✓") and runtime.library.label(newer) in b for b in listing.button_texts)
        query = await fake.press_button(chat, user, listing, button_text="鹿城区 2023年")
        assert not (await fake.wait_for_callback_answer(query)).show_alert
        await fake.wait_for_call("editMessageText")
        await fake.send_text(chat, user, "区民政局负责哪些民生实事")
        [answer] = await fake.wait_for_bot_messages(chat)
        assert answer.text.startswith("【鹿城区 2023年】") and "老年食堂" in answer.text
    assert runtime.library.chat_document(chat.id) == BUNDLED
    runtime.reload()  # a restart reads the choice back from the database
    assert runtime.library.chat_document(chat.id) == BUNDLED


async def test_only_group_admins_choose_the_group_document(fake: FakeBotApi, two: tuple[Runtime, str]) -> None:
    runtime, newer = two
    async with _bot(fake, runtime):
        admin, member = fake.add_user("管理员"), fake.add_user("群成员")
        group = fake.group_chat("督办群", {admin: "administrator", member: "member"})
        await fake.send_text(group, member, "/doc")
        [refused] = await fake.wait_for_bot_messages(group)
        assert sm.DOC_ADMINS_ONLY in refused.text and not refused.buttons
        await fake.send_text(group, admin, "/doc")
        [listing] = await fake.wait_for_bot_messages(group)
        query = await fake.press_button(group, member, listing, button_text="鹿城区 2023年")
        alert = await fake.wait_for_callback_answer(query)
        assert alert.show_alert and sm.DOC_ADMINS_ONLY in (alert.text or "")
        assert runtime.library.chat_document(group.id) == newer
        query = await fake.press_button(group, admin, listing, button_text="鹿城区 2023年")
        assert not (await fake.wait_for_callback_answer(query)).show_alert
        await fake.wait_for_call("editMessageText")
    assert runtime.library.chat_document(group.id) == BUNDLED


@pytest.mark.parametrize(("question", "document"), [("市发改委负责哪些", BUNDLED), ("县民政局负责哪些", BUNDLED),
                                                    ("区财政局负责哪些工作", "county"), ("市财政局负责哪些工作", "county")])
def test_a_body_of_another_level_is_refused_not_answered(two: tuple[Runtime, str], tmp_path: Path,
                                                         question: str, document: str) -> None:
    runtime, _ = two
    key = _import(runtime, tmp_path, 1) if document == "county" else document  # generated(1) is a 县's document
    answer = runtime.library.answer(question, key)
    assert answer.intent == "other_place" and not answer.rows, question
    own = "县财政局负责哪些工作" if document == "county" else "区发改局负责哪些"
    assert runtime.library.answer(own, key).rows, own
