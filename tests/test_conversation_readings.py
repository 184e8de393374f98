"""How people type: voice run-ons, homophones typed by pinyin, corrections, 第N条 of what was listed, narrowing
and count follow-ups, and a unit's (or the streets') part in a topic's rows — each reading general, each a
conversation whose last reply is checked by its rows and words."""

from __future__ import annotations

import pytest

from bot.dialogue.engine import Conversation
from bot.nlu.sound import respelled
from bot.pipeline import Duban
from bot.render import to_json

# (messages of one conversation, rows of the last reply in order, words the last reply must say)
READINGS: list[tuple[list[str], list[str], list[str]]] = [
    (["那个呃就是我想问一下今年加装电梯那个事情是哪个单位牵头的然后分管的是哪个领导你帮我查一下"], ["L6-5"],
     ["区住建局", "陈允岳"]),
    (["嗯然后老年食堂谁牵头"], ["K5-12", "L5-1"], ["区民政局"]),
    (["老年食唐"], ["K5-12", "L5-1"], ["老年食堂"]),
    (["双鱼街道有哪些任务"], ["K9-3", "K9-10", "K9-11"], ["双屿街道"]),
    (["区民政局牵头的民生实事", "不是民政局，是人社局"], ["L3-1", "L3-2"], []),
    (["卫健局牵头的重点工作", "不是卫健，是民政"], ["K5-7", "K5-9", "K5-12"], []),
    (["幼有所育有哪些", "第一条谁负责"], ["L1-1"], ["区卫生健康局"]),
    (["哪些工作提到了鞋", "第一条谁牵头"], ["K9-3"], ["区经信局"]),
    (["伍国军分管哪些民生实事", "只看卫健局的", "第二条是什么"], ["L5-3"], ["90000"]),
    (["第九部分有几条", "第6条说的啥"], ["K9-6"], []),
    (["林杰分管的民生实事", "哪些是应急局牵头的"], ["L7-2", "L12-1", "L12-2"], []),
    (["断头路", "要打通几条"], ["K4-7", "L10-1"], ["10条"]),
    (["老年食堂谁牵头", "那街道呢"], ["K5-12"], ["各街镇"]),
    (["老年食堂谁牵头", "那民政局呢"], ["K5-12", "L5-1"], ["区民政局", "牵头"]),
    (["垃圾分类谁牵头", "街道要参与吗"], ["K8-8"], ["是", "各街镇"]),
]
READING_IDS = ["voice-run-on-two-asks", "voice-fillers-short", "homophone-topic", "homophone-street",
               "correction-unit", "correction-short-names", "nth-after-project", "nth-after-topic",
               "nth-after-narrowed-list", "nth-of-counted-section", "narrow-keeps-kind", "count-follow-up-figures",
               "streets-part-in-topic", "unit-part-in-topic", "streets-yes-no-in-topic"]


@pytest.mark.parametrize(("messages", "rows", "words"), READINGS, ids=READING_IDS)
def test_reading(duban: Duban, messages: list[str], rows: list[str], words: list[str]) -> None:
    chat = Conversation(duban)
    for message in messages[:-1]:
        chat.reply("a", message)
    reply = to_json(chat.reply("a", messages[-1]))
    assert [item["id"] for item in reply["items"]] == rows, messages
    for word in words:
        assert word in reply["answer"], (messages, word)


# Sentences whose words the document writes are never respelled; the one-off readings need their cue.
UNCHANGED: list[tuple[list[str], list[str]]] = [
    (["那个配合单位呢"], []),  # one short filler alone is ordinary typing, and no list came before
    (["区民政局负责哪些民生实事", "卫健局的民生实事", "只看民政局的"],
     ["K5-7", "K5-9", "K5-12", "K5-8", "K5-13", "K5-15", "K5-16", "L5-1", "L8-1"]),  # after a unit's rows: a switch
    (["老年食堂"], ["K5-12", "L5-1"]),
]


@pytest.mark.parametrize(("messages", "rows"), UNCHANGED, ids=["lone-filler", "only-after-unit", "written-word"])
def test_reading_left_alone(duban: Duban, messages: list[str], rows: list[str]) -> None:
    chat = Conversation(duban)
    for message in messages[:-1]:
        chat.reply("a", message)
    reply = to_json(chat.reply("a", messages[-1]))
    assert [item["id"] for item in reply["items"]] == rows, messages
    assert "理解为" not in reply["answer"], messages


@pytest.mark.parametrize(("typed", "meant"), [
    ("食唐", "食堂"),
    ("老年食唐", "老年食堂"),
    ("加装电题", "加装电梯"),
    ("食堂", ""),       # the document writes it: never respelled
    ("火星基地", ""),   # nothing in the document reads so
    ("常住", ""),       # 场主 (of 市场主体) reads the same, but every character would change
], ids=["pair", "whole-word", "last-character", "written", "unknown", "too-many-changes"])
def test_respelled_by_sound(duban: Duban, typed: str, meant: str) -> None:
    assert respelled(typed, duban.catalog) == meant
