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


def _copied_from_rows(duban: Duban, count: int) -> list[str]:
    """Stretches of the document's rows, trimmed, with a few characters changed and a question added —
    what a pasted message looks like — and messages that are no paste at all."""
    import random

    chance = random.Random(20231)
    texts = ["".join(row.text.split()) for row in duban.catalog.rows]
    messages = ["区民政局负责哪些民生实事这个问题", "你好，我是刚调到区大数据管理中心的新同事，想了解今年的民生实事任务"]
    for _ in range(count):
        text = chance.choice(texts)
        start = chance.randrange(len(text))
        chars = list(text[start:start + chance.randrange(10, 120)])
        for _ in range(chance.randrange(0, 10)):
            at = chance.randrange(len(chars) + 1)
            if chance.random() < 0.5:
                chars.insert(at, chance.choice("这条谁牵头配合单位有哪些的是了吗"))
            elif chars:
                chars[min(at, len(chars) - 1)] = chance.choice(chance.choice(texts))
        messages.append("".join(chars))
    return messages


def test_paste_index_finds_what_matching_every_row_finds(duban: Duban) -> None:
    """The index sets rows aside by their characters before fuzzy matching: the row and score must be
    those of rapidfuzz over every row, for pastes, near-pastes and ordinary questions alike."""
    from rapidfuzz import fuzz, process

    texts = duban.pastes.texts
    found = 0
    for message in _copied_from_rows(duban, 1500):
        text = "".join(message.split())
        every = process.extractOne(text, texts, scorer=fuzz.partial_ratio, score_cutoff=80)
        expected = None if every is None else (every[2], every[1])
        assert duban.pastes.best(text) == expected, message
        found += expected is not None
    assert 100 < found < 1500  # both outcomes were tried


def test_typo_readers_agree_with_comparing_every_name(duban: Duban) -> None:
    """Leader and short-unit typos are found through indexes; the first match must be the one a scan of
    every name (in the document's order) at every place finds."""
    import random

    from bot.nlu.link import same_sound
    from bot.nlu.parse import _HAS_WORD, _Names

    parser = duban.parser
    leaders = list(duban.catalog.leader_titles)
    short = parser.lexicon.short_unit_surfaces

    def leader_scan(rest: str) -> tuple[str, str] | None:
        for leader in leaders:
            for start in range(len(rest) - len(leader) + 1):
                span = rest[start:start + len(leader)]
                if sum(a != b for a, b in zip(span, leader, strict=True)) == 1 and same_sound(span, leader):
                    return span, leader
        return None

    def short_scan(rest: str) -> tuple[str, str] | None:
        for start in range(len(rest) - 1):
            span = rest[start:start + 2]
            if span in short or span in parser.stop or not _HAS_WORD.match(span):
                continue
            for surface, unit in short.items():
                if surface[0] == span[0] and not duban.catalog.containing(span) and same_sound(span, surface):
                    return span, unit
        return None

    chance = random.Random(7)
    letters = "".join(leaders) + "".join(short) + "国君杰伟岳连会的是了分管哪些工作"
    texts = [*("伍国君分管哪些工作", "残连负责什么", "张维和林洁")]
    texts += ["".join(chance.choice(letters) for _ in range(chance.randrange(2, 12))) for _ in range(3000)]
    hits = 0
    for text in texts:
        names, _ = parser._leader_typos(_Names(), text)
        scanned = leader_scan(text)
        assert names.leaders == ((scanned[1],) if scanned else ()), text
        names, _ = parser._short_unit_typos(_Names(), text)
        scanned_unit = short_scan(text)
        assert names.units == ((scanned_unit[1],) if scanned_unit else ()), text
        hits += bool(scanned) + bool(scanned_unit)
    assert hits > 50
