"""Unit tests of the intent layer's parts: normalization, entity linking, segmentation."""

from __future__ import annotations

import pytest

from bot.nlu.link import find_mentions, near_miss, org_spans
from bot.nlu.normalize import normalize, sentences
from bot.pipeline import Duban


@pytest.mark.parametrize(("raw", "normalized"), [
    ("執法局負責哪些工作", "执法局负责哪些工作"),
    ("区民政局负责哪些工作?", "区民政局负责哪些工作？"),
    ("ＡＢＣ１２３", "ABC123"),
    ("  区民政局 \t 负责 \n 哪些  ", "区民政局 负责 哪些"),
    ("区委宣传部(区网信办)", "区委宣传部（区网信办）"),
    ("\x00\x07区民政局", "区民政局"),
], ids=["traditional", "ascii-question-mark", "full-width", "spaces", "parentheses", "controls"])
def test_normalize(raw: str, normalized: str) -> None:
    assert normalize(raw) == normalized


def test_sentences_keep_their_ends() -> None:
    assert sentences("你好。区民政局负责什么？谢谢！") == ["你好。", "区民政局负责什么？", "谢谢！"]


@pytest.mark.parametrize(("text", "expected"), [
    ("区民政局负责哪些民生实事", [("区民政局", "unit", "区民政局")]),
    ("人社局和卫健局", [("人社局", "unit", "区人力社保局"), ("卫健局", "unit", "区卫生健康局")]),
    ("区委组织部（区委人才办）", [("区委组织部（区委人才办）", "unit", "区委组织部")]),
    ("七都街道", [("七都街道", "street", "七都街道")]),
    ("七都有什么任务", [("七都", "street", "七都街道")]),
    ("七都二桥谁负责", []),
    ("伍区长", [("伍区长", "leader", "伍国军")]),
    ("幼有所育", [("幼有所育", "category", "幼有所育")]),
    ("各街镇", [("各街镇", "group", "各街镇")]),
    ("哪位副区长分管", []),
], ids=["canonical", "short-forms", "second-nameplate", "street", "street-short", "place-in-topic", "surname-title",
        "category", "group", "question-phrase-is-no-name"])
def test_find_mentions(duban: Duban, text: str, expected: list[tuple[str, str, str]]) -> None:
    found = [(m.surface, m.entity.type, m.entity.name) for m in find_mentions(text, duban.lexicon)]
    assert found == expected


@pytest.mark.parametrize(("written", "unit"), [
    ("民正局", "区民政局"),
    ("区卫建局", "区卫生健康局"),
    ("区教肓局", "区教育局"),
], ids=["homophone", "homophone-with-prefix", "look-alike"])
def test_near_miss_finds_the_unit(duban: Duban, written: str, unit: str) -> None:
    assert near_miss(written, duban.lexicon).unit == unit


def test_near_miss_refuses_what_is_not_close(duban: Duban) -> None:
    miss = near_miss("区气象局", duban.lexicon)
    assert miss.unit is None and miss.nearest


@pytest.mark.parametrize(("chunk", "spans"), [
    ("民正局", ["民正局"]),
    ("我是区气象局", ["我是区气象局"]),
    ("办公室", []),
    ("全部", []),
])
def test_org_spans(chunk: str, spans: list[str]) -> None:
    assert org_spans(chunk) == spans


def test_segmenter_keeps_lexicon_words_whole(duban: Duban) -> None:
    words = duban.parser.segmenter.cut("区综合行政执法局牵头垃圾分类")
    assert "区综合行政执法局" in words and "牵头" in words


def test_compact_dictionary_is_small(duban: Duban) -> None:
    lines = duban.parser.segmenter.dictionary_path.read_text(encoding="utf-8").splitlines()
    assert 1_000 < len(lines) < 30_000
