"""Seeded fuzzing of the three places hostile input reaches: the question path, the Telegram HTML renderer and
the document reader. No exception may escape, and every output must be valid: JSON that round-trips,
HTML Telegram's parser accepts within 4096 UTF-16 units, a Document or a DocumentError naming a place.

A seeded generator rather than hypothesis: the same cases on every run and machine, no extra dependency, and
the pieces are chosen where the code has edges (names, cue words, numerals that are not numbers, markup,
control and bidi characters, surrogate pairs, very long runs). The seed is in each assertion message.
"""

from __future__ import annotations

import json
import random

import pytest
from fakebot.server import parse_html

from bot.pipeline import Duban
from bot.render import html_pages, render_html_compact, render_html_detail, render_text, to_json, utf16_len
from knowledge.ingest import DocumentError, document_vocabulary, read_located
from knowledge.ingest.formats import Located
from knowledge.vocabulary import BUNDLED_DOCUMENT

SEED = 20261204
QUESTIONS = 1500
DOCUMENTS = 1000
SOURCE = BUNDLED_DOCUMENT.read_text(encoding="utf-8").splitlines()

PIECES = [
    "区民政局", "民政局", "民正局", "伍国军", "林杰", "张区长", "老年食堂", "养老床位", "各街镇", "全区各部门", "区气象局",
    "杭州市民政局", "负责", "牵头", "配合", "哪些", "什么", "多少", "几项", "谁管", "分管", "民生实事", "重点工作",
    "K5-1", "L8-2", "五-12", "十十-1", "①", "百", "〇", "２０２３年", "2023年2月30日", "第3条", "下一页", "详细说说",
    "那配合的呢", "“老年食堂”", "「引号」", "<b>", "</i>", "&amp;", "&", "<a href='x'>", "\"", "'", "\\", "/start",
    "@duban_bot", "😀", "👨‍👩‍👧", "\u200b", "\u202e", "\ufeff", "\x00", "\x07", "\t", "\r", "\n", " ", "\u3000", "？", "！",
    "，", "。", "、", "（", "）", "《", "》", "*", "＊", "%", "$", "{year}", "{}", "%s", "SELECT 1;", "é", "ß", "ﬁ",
    "區民政局", "執法局", "abc", "1" * 30, "测" * 50,
]


def _question(rng: random.Random) -> str:
    parts = rng.choices(PIECES, k=rng.randint(0, 12))
    if rng.random() < 0.05:
        parts.append(rng.choice(PIECES) * rng.randint(20, 300))
    if rng.random() < 0.1:
        parts.append("".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 20))))
    text = "".join(parts)
    # Telegram delivers valid Unicode only: no lone surrogates (the console path replaces them first).
    return text.encode("utf-8", "replace").decode("utf-8", "replace")


def _telegram_ok(page: str, where: str) -> None:
    shown, _ = parse_html(page)  # raises on anything Telegram would refuse
    assert 0 < utf16_len(shown) <= 4096 or not shown.strip(), where


def test_question_path_and_renderer(duban: Duban) -> None:
    rng = random.Random(SEED)
    for case in range(QUESTIONS):
        question = _question(rng)
        where = f"seed {SEED} case {case}: {question[:80]!r}"
        try:
            answer = duban.ask(question)
            data = to_json(answer)
            assert json.loads(json.dumps(data, ensure_ascii=False)) == data, where
            assert isinstance(render_text(answer), str)
            for page in html_pages(answer, items_per_page=8):
                _telegram_ok(page.text, where)
            _telegram_ok(render_html_compact(answer)[0].text, where)
            for row in answer.rows[:1]:
                _telegram_ok(render_html_detail(row.row), where)
        except AssertionError:
            raise
        except Exception as error:
            pytest.fail(f"{where}: {type(error).__name__}: {error}")


def _mutate(rng: random.Random, lines: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 6)):
        if not lines:
            break
        index = rng.randrange(len(lines))
        choice = rng.randrange(8)
        if choice == 0:
            del lines[index]
        elif choice == 1:
            lines.insert(index, lines[rng.randrange(len(lines))])
        elif choice == 2:
            lines = lines[:index]  # truncated
        elif choice == 3:
            cut = rng.randrange(len(lines[index]) + 1)
            lines[index] = lines[index][:cut] + rng.choice(PIECES) + lines[index][cut:]
        elif choice == 4:
            lines[index] = lines[index].replace("\t", rng.choice(["", "  ", "\t\t", " \t"]))
        elif choice == 5:
            lines[index] = "".join(rng.choice(["①", "百", "十十", "9" * 12, "〇", "x"]) if c.isdigit() else c
                                   for c in lines[index])
        elif choice == 6:
            lines[index], other = lines[rng.randrange(len(lines))], lines[index]
            lines.insert(rng.randrange(len(lines) + 1), other)
        else:
            lines[index] = rng.choice(["附件 十十", "附件 1", "附件 2", "百、林杰牵头重点工作", "2023年2月30日印发",
                                       "序号\t重点工作\t责任单位\t备注", "抄送：", "注：", "\t\t\t", ""])
    return lines


def test_document_reader() -> None:
    rng = random.Random(SEED)
    vocabulary = document_vocabulary(BUNDLED_DOCUMENT)
    outcomes = {"read": 0, "refused": 0}
    for case in range(DOCUMENTS):
        lines = _mutate(rng, SOURCE)
        located = Located([(number, line) for number, line in enumerate(lines, start=1)], numbered=True)
        where = f"seed {SEED} case {case}"
        try:
            document = read_located(located, "fuzz", "fuzz.txt", vocabulary)
        except DocumentError as error:
            assert str(error).strip() and "fuzz.txt" in str(error), f"{where}: {error}"
            outcomes["refused"] += 1
            continue
        except Exception as error:
            pytest.fail(f"{where}: {type(error).__name__}: {error}")
        assert document.key == "fuzz", where
        outcomes["read"] += 1
    assert outcomes["read"] and outcomes["refused"], outcomes  # the mutations reach both outcomes
