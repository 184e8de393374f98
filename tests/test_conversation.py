"""Conversations remember: follow-ups lean on the last question, a fresh question leaks nothing, the
context expires, and it lives in the database so a restart or a second instance continues it."""

from __future__ import annotations

import time

import pytest

from bot.config import ConfigError, load_settings
from bot.dialogue.context import Context, Subject
from bot.dialogue.engine import Conversation
from bot.dialogue.store import DatabaseStore, MemoryStore, conversation_key
from bot.pipeline import Duban
from bot.render import to_json
from knowledge.bootstrap import KnowledgeBase


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def ids(chat: Conversation, key: str, message: str) -> list[str]:
    return [item["id"] for item in to_json(chat.reply(key, message))["items"]]


def test_follow_up_keeps_subject_and_fresh_question_leaks_nothing(duban: Duban) -> None:
    chat = Conversation(duban)
    assert ids(chat, "a", "区教育局牵头哪些工作") == ["K3-2", "K3-3", "K3-4", "K3-5", "K3-6",
                                                "L2-1", "L2-2", "L2-3", "L2-4", "L5-2"]
    assert ids(chat, "a", "配合的呢") == ["K5-4", "K5-8", "K5-11", "K10-16"]
    assert ids(chat, "a", "区科技局牵头哪些民生实事") == []  # afresh: neither 教育局 nor 配合 leaks
    assert "没有" in to_json(chat.reply("b", "区科技局牵头哪些民生实事"))["answer"]


def test_two_conversations_do_not_share_context(duban: Duban) -> None:
    chat = Conversation(duban)
    chat.reply("a", "区民政局负责哪些民生实事")
    chat.reply("b", "伍国军分管哪些重点工作")
    assert ids(chat, "a", "卫健局呢") == ["L1-1", "L5-3"]
    assert "L1-1" in ids(chat, "b", "他分管的民生实事有哪些")


def test_context_expires(duban: Duban) -> None:
    clock = Clock()
    chat = Conversation(duban, MemoryStore(expiry_minutes=30), clock=clock)
    chat.reply("a", "区民政局负责哪些民生实事")
    clock.now += 29 * 60
    assert ids(chat, "a", "卫健局呢") == ["L1-1", "L5-3"]
    clock.now += 31 * 60
    assert ids(chat, "a", "下一页") == []
    assert "请先提" in to_json(chat.reply("a", "第2条详细说说"))["answer"]


def test_database_store_survives_a_restart_and_serves_a_second_instance(duban: Duban,
                                                                        knowledge: KnowledgeBase) -> None:
    clock = Clock()
    first_store, second_store = DatabaseStore(knowledge.sessions), DatabaseStore(knowledge.sessions)
    first = Conversation(duban, first_store, clock=clock)
    key = conversation_key(42, 7, private=False)
    first.reply(key, "张伟分管哪些民生实事")
    assert first.store.flush() == 1  # what the background writer does within FLUSH_SECONDS
    second = Conversation(duban, second_store, clock=clock)  # a restart, or another instance
    assert ids(second, key, "第3条详细说说") == ["L2-3"]
    second.reply(key, "伍国军分管哪些重点工作")  # at the same clock reading: still a later state
    second.store.flush()
    assert ids(first, key, "第1条") == ["K5-1"]  # the first instance takes the fresher stored state, not its own
    first.store.flush()
    assert ids(second, key, "下一页") == ids(first, key, "下一页") != []  # the page both have now reached moves on
    clock.now += 31 * 60
    assert ids(second, key, "第1条") == []
    second.store.flush()
    assert DatabaseStore(knowledge.sessions).forget_expired(clock.now + 31 * 60) == 1  # the last reply, expired too
    first_store.close()
    second_store.close()


def test_database_store_writes_behind_in_batches(duban: Duban, knowledge: KnowledgeBase) -> None:
    from knowledge.models import ConversationState

    store = DatabaseStore(knowledge.sessions, flush_seconds=0.01)
    chat = Conversation(duban, store)
    for message in ("区民政局负责哪些民生实事", "那配合的呢", "下一页"):
        chat.reply("chat:1", message)
    remembered = store.memory.peek("chat:1")
    assert remembered is not None
    stored = None
    for _ in range(500):  # the writer thread runs on its own; wait for it (bounded), no timing asserted
        with knowledge.sessions() as session:
            stored = session.get(ConversationState, "chat:1")
            if stored is not None and Context.from_json(stored.state).page == remembered.page:
                break
        time.sleep(0.01)
    assert stored is not None and Context.from_json(stored.state).question == remembered.question
    for message in ("区民政局负责哪些民生实事", "那配合的呢"):
        chat.reply("chat:2", message)
    assert store.flush() <= 1  # two replies in one conversation: one write
    store.close()


def test_a_late_batch_never_puts_an_older_turn_back(duban: Duban, knowledge: KnowledgeBase) -> None:
    """Instance A answers and queues; instance B, on the same database, answers the next message and
    writes first; A's queue, written after, must not replace B's fresher state."""
    clock = Clock()
    first, second = DatabaseStore(knowledge.sessions), DatabaseStore(knowledge.sessions)
    a, b = Conversation(duban, first, clock=clock), Conversation(duban, second, clock=clock)
    a.reply("chat:9", "区民政局负责哪些民生实事")
    first.flush()
    a.reply("chat:9", "那配合的呢")  # queued in A only
    clock.now += 1
    b.reply("chat:9", "伍国军分管哪些重点工作")  # B has not seen A's queue: it answers afresh, later
    assert second.flush() == 1
    first.flush()  # A's older state arrives last
    fresh = Conversation(duban, DatabaseStore(knowledge.sessions), clock=clock)
    assert fresh.store.load("chat:9", clock.now).question == "伍国军分管哪些重点工作"
    first.close()
    second.close()


def test_context_round_trips_and_damaged_json_is_a_fresh_context() -> None:
    context = Context(question="五-12", subjects=[Subject("code", "五-12")], rows=["K5-12"], page=1)
    assert Context.from_json(context.to_json()) == context
    assert Context.from_json("{not json") == Context()


def test_expiry_setting_is_validated(tmp_path: pytest.TempPathFactory) -> None:
    assert load_settings({"DUBAN_DATA_DIR": str(tmp_path)}).conversation_expiry_minutes == 30
    assert load_settings({"DUBAN_DATA_DIR": str(tmp_path),
                          "DUBAN_CONVERSATION_EXPIRY_MINUTES": "5"}).conversation_expiry_minutes == 5
    with pytest.raises(ConfigError, match="DUBAN_CONVERSATION_EXPIRY_MINUTES"):
        load_settings({"DUBAN_DATA_DIR": str(tmp_path), "DUBAN_CONVERSATION_EXPIRY_MINUTES": "soon"})
    with pytest.raises(ConfigError, match="expiry_minutes"):
        load_settings({"DUBAN_DATA_DIR": str(tmp_path), "DUBAN_CONVERSATION_EXPIRY_MINUTES": "-1"})


def test_document_facts_are_stored_at_import(duban: Duban) -> None:
    facts = duban.catalog.facts
    assert facts.meeting == "十届区政府第16次常务会议" and "区检察院" in facts.cc
    assert facts.printed is not None and facts.printed.isoformat() == "2023-03-03"


def test_deadline_questions_read_the_deadlines_store(duban: Duban, knowledge: KnowledgeBase) -> None:
    from datetime import UTC, date, datetime

    from knowledge.reminders.deadlines import Deadline
    from knowledge.reminders.store import admin_deadline, effective, set_deadline

    def deadlines() -> dict[str, list[Deadline]]:
        with knowledge.sessions() as session:
            return effective(session, duban.catalog)

    chat = Conversation(duban, deadlines=deadlines)
    default = to_json(chat.reply("a", "五-12的完成时限"))["answer"]
    assert "12月31日" in default and "默认" in default
    today = date.today()
    with knowledge.sessions.begin() as session:
        set_deadline(session, duban.catalog.key, admin_deadline(duban.catalog, "K5-12", "6月30日"),
                     set_by="test", now=datetime.now(UTC))
        set_deadline(session, duban.catalog.key, Deadline("K5-1", today, "", "admin"), set_by="test",
                     now=datetime.now(UTC))
    answered = to_json(chat.reply("b", "五-12的完成时限"))["answer"]
    assert f"{duban.catalog.year}年6月30日" in answered and "已设定" in answered, answered
    due_now = ids(chat, "c", "这个月有什么要到期")
    assert "K5-1" in due_now and "K5-12" not in due_now
    if (today.year, today.month) != (duban.catalog.year, 12):  # the default date is in another month
        assert due_now == ["K5-1"]
