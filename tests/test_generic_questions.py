"""Every real document answers the questions any user may type on any document — greetings, counts, 第一条, leaders,
deadlines, follow-ups — without an error, with an answer, and in its own words (a 县 or 市 document never says
区领导). The bundled document's counts are checked by their figures."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from documents_support import imported
from real_documents import FOLDERS

from bot.dialogue.engine import Conversation
from bot.pipeline import Duban
from bot.render import to_json

CONVERSATIONS = [["你好"], ["一共几项", "列出来看看"], ["第一条谁牵头", "他还负责什么"], ["有哪些领导"],
                 ["哪个单位牵头最多"], ["第一部分讲什么"], ["完成时限是什么时候"], ["这个月到期的有哪些"],
                 ["发改局负责哪些", "配合的呢", "第二条详细说说", "下一页"], ["财政局牵头哪些", "不是财政局，是住建局"],
                 ["街道有哪些任务"], ["2019年民政局负责哪些"], ["谢谢"]]


@pytest.fixture(scope="module")
def documents() -> Iterator[dict[str, Duban]]:
    with tempfile.TemporaryDirectory() as folder:
        yield {slug: imported(path / "source.txt", slug, Path(folder) / slug) for slug, path in FOLDERS.items()}


@pytest.mark.parametrize("slug", sorted(FOLDERS))
def test_any_document_answers_what_anyone_may_ask(documents: dict[str, Duban], slug: str) -> None:
    level = json.loads((FOLDERS[slug] / "meta.json").read_text(encoding="utf-8"))["level"]
    for messages in CONVERSATIONS:
        chat = Conversation(documents[slug])
        for message in messages:
            reply = to_json(chat.reply("a", message))
            assert reply["answer"].strip(), (slug, messages, message)
            if level != "区":
                assert "区领导" not in reply["answer"], (slug, messages, message, reply["answer"][:120])


@pytest.mark.parametrize(("messages", "intent", "items", "says"), [
    (["一共有多少项工作"], "count", 176, "文件共有 176 项工作：重点工作 142 项、民生实事 34 项"),
    (["这个文件有多少条"], "count", 176, "176"),
    (["一共几项", "列出来看看"], "keyword", 176, "共 176 项"),
    (["重点工作有几项", "列出来看看"], "keyword", 142, "共 142 项"),
    (["住建局牵头的重点工作", "一共几项"], "count", 6, "区住建局牵头 6 项重点工作"),  # after a list: the list
], ids=["whole-document", "this-document", "count-then-list", "kind-count-then-list", "count-after-a-list"])
def test_counts_of_the_document(duban: Duban, messages: list[str], intent: str, items: int, says: str) -> None:
    chat = Conversation(duban)
    for message in messages[:-1]:
        chat.reply("a", message)
    reply = to_json(chat.reply("a", messages[-1]))
    assert (reply["intent"], len(reply["items"])) == (intent, items), messages
    assert says in reply["answer"], messages


def test_an_undated_document_has_no_default_deadline(documents: dict[str, Duban]) -> None:
    """A document that says no year (jishui's page starts at its table) gives no made-up 年底 date."""
    reply = to_json(Conversation(documents["jishui-undated-minsheng-progress"]).reply("a", "这个月到期的有哪些"))
    assert "未写明年份" in reply["answer"] and "12月31日" not in reply["answer"], reply["answer"][:200]


@pytest.mark.parametrize(("slug", "question", "rows"), [
    ("gangcheng-2021-yingshang-tasks", "街道有哪些任务", ["K1-1"]),  # 各街道(功能区) is the only street named
    ("fangxian-2023-yingshang-tasks", "乡镇要配合哪些", ["K1-1", "K1-2"]),  # 各乡镇
])
def test_a_bare_street_word_names_the_streets_addressed_together(documents: dict[str, Duban], slug: str,
                                                                 question: str, rows: list[str]) -> None:
    """Where a document names no street or town of its own, 街道 / 乡镇 alone can only mean those it addresses
    together (the bundled document, which names its streets, lists them instead: tests/golden)."""
    reply = to_json(Conversation(documents[slug]).reply("a", question))
    assert [item["id"] for item in reply["items"]] == rows, reply["answer"][:200]
