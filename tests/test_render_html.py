"""Telegram HTML rendering: golden pages for fixed answers, and limits checked over real questions.

Goldens live in tests/golden/html/; after an intended change, rewrite them with
`DUBAN_UPDATE_GOLDEN=1 pytest tests/test_render_html.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fakebot import parse_html

from bot.answer import Answer, AnswerRow, Block
from bot.nlu.query import Query
from bot.pipeline import Duban
from bot.render import (
    clip,
    html_pages,
    lines_of,
    render_html_compact,
    render_html_detail,
    render_html_pages,
    render_text,
    short_titles,
    utf16_len,
)
from knowledge.catalog import Role, Row, Wording

GOLDEN = Path(__file__).parent / "golden" / "html"
UPDATE = os.environ.get("DUBAN_UPDATE_GOLDEN") == "1"
QUESTIONS = [json.loads(line)["q"] for line in (Path(__file__).parent / "golden" / "dev.jsonl").open()]
LONG = ["重点工作有多少项", "伍国军分管哪些工作", "各街镇有哪些任务", "全区各部门有哪些工作", "民生实事有多少项"]


# Rows of the bundled 区 document: their leader reads 牵头区领导.
BUNDLED = Wording(level="区")


def _row(n: int, text: str, *, kind: str = "key_task", units: tuple[str, ...] = ("区民政局",)) -> Row:
    roles = tuple(Role(unit, unit, i == 0, unit.startswith("各")) for i, unit in enumerate(units))
    return Row(id=f"K5-{n}" if kind == "key_task" else f"L5-{n}", kind=kind, major=5, minor=n, text=text,
               category="老有所养" if kind == "livelihood" else "", note="", leader="伍国军", roles=roles,
               wording=BUNDLED)


def _answer(headline: str, rows: list[Row], *, notes: list[str] | None = None,
            suggestions: list[str] | None = None) -> Answer:
    query = Query(question="测试", intent="unit_items", units=["区民政局"])
    blocks = [Block("重点工作 · 牵头", [AnswerRow(r, "lead") for r in rows if r.kind == "key_task"]),
              Block("民生实事 · 牵头", [AnswerRow(r, "lead") for r in rows if r.kind == "livelihood"])]
    return Answer(query, "unit_items", headline, [b for b in blocks if b.rows], notes=notes or [],
                  suggestions=suggestions or [])


SPECIAL = _answer(
    "<区民政局> & “A&B”共涉及 3 项工作",
    [_row(1, "建设 <b>老年食堂</b> 50 家 & 更多；&amp; 不是实体", units=("区民政局", "区卫生健康局<i>")),
     _row(2, "表情 😀 占两个 UTF-16 单位", units=("区民政局", "各街镇")),
     _row(1, "新改建老年食堂 50 家。", kind="livelihood")],
    notes=["已将“民正局”理解为“区民政局”"], suggestions=["区民政局", "区<民宗局>"],
)
MANY = _answer("区民政局共涉及 30 项工作", [_row(n, f"第 {n} 项工作的内容，" + "较长的描述" * 8) for n in range(1, 31)])


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; see the module docstring to update"


def _telegram_ok(page: str, limit: int = 4096) -> str:
    """Parse the page as Telegram would (strict); return the visible text."""
    shown, _ = parse_html(page)
    assert utf16_len(shown) <= limit, page[:200]
    return shown


@pytest.mark.parametrize(("name", "render"), [
    ("special.html", lambda: "\n\n=== page ===\n".join(render_html_pages(SPECIAL))),
    ("special_compact.html", lambda: render_html_compact(SPECIAL, rows=1)[0].text),
    ("many_paged.html", lambda: "\n\n=== page ===\n".join(render_html_pages(MANY, limit=1200, max_lines=8))),
    ("many_compact.html", lambda: render_html_compact(MANY)[0].text),
    ("detail.html", lambda: render_html_detail(SPECIAL.rows[0].row)),
], ids=["special", "special-compact", "many-paged", "many-compact", "detail"])
def test_golden(name: str, render: object) -> None:
    assert callable(render)
    text = render()
    _check_golden(name, text)
    for page in text.split("\n\n=== page ===\n"):
        _telegram_ok(page)


def test_every_document_string_is_escaped() -> None:
    pages = render_html_pages(SPECIAL)
    shown = "\n".join(_telegram_ok(page) for page in pages)
    assert shown == render_text(SPECIAL)  # one page: exactly what the console shows


def test_pages_split_at_rows_and_repeat_the_headline() -> None:
    pages = html_pages(MANY, limit=1200, items_per_page=8)
    assert len(pages) > 3
    seen: list[str] = []
    for page in pages:
        shown = _telegram_ok(page.text, 1200)
        assert shown.startswith("区民政局共涉及 30 项工作\n以下各项均为：牵头区领导：伍国军\n【重点工作 · 牵头】")
        assert 1 <= len(page.row_ids) <= 8
        seen += page.row_ids
    assert seen == [r.row.id for r in MANY.rows]


def test_compact_counts_what_it_leaves_out() -> None:
    page, hidden = render_html_compact(MANY, rows=3)
    assert page.row_ids == ("K5-1", "K5-2", "K5-3") and hidden == 27
    assert "……另有 27 项未列出" in _telegram_ok(page.text)
    small, hidden = render_html_compact(SPECIAL, rows=5)
    assert hidden == 0 and "另有" not in small.text


@pytest.mark.parametrize("limit", [120, 200, 333])
def test_tiny_limits_never_cut_inside_a_tag_or_entity(limit: int) -> None:
    for answer in (SPECIAL, MANY):
        for page in html_pages(answer, limit=limit):
            _telegram_ok(page.text, limit)


def test_clip_counts_utf16_and_never_splits_a_character() -> None:
    assert clip("😀😀😀", 4) == "😀…" and utf16_len(clip("😀😀😀", 4)) == 3
    assert clip("abc", 3) == "abc" and clip("abcd", 3) == "ab…"


@pytest.mark.parametrize("question", QUESTIONS + LONG)
def test_real_answers_fit_telegram(duban: Duban, question: str) -> None:
    answer = duban.ask(question)
    rows = [line.text for line in lines_of(answer, short_titles(answer)) if line.kind == "row"]
    shown_rows: list[str] = []
    for page in html_pages(answer, items_per_page=8):
        shown = _telegram_ok(page.text)
        shown_rows += [line for line in shown.splitlines() if line in rows]
    assert shown_rows == rows, question  # every row once, in order, none lost at a page break
    compact, _ = render_html_compact(answer)
    _telegram_ok(compact.text)


def test_a_long_list_is_short_titles_with_shared_facts_said_once() -> None:
    pages = html_pages(MANY, items_per_page=8)
    shown = [_telegram_ok(page.text) for page in pages]
    assert shown[0].splitlines()[:2] == ["区民政局共涉及 30 项工作", "以下各项均为：牵头区领导：伍国军"]
    rows = [line for text in shown for line in text.splitlines() if line.startswith("五-")]
    assert len(rows) == 30
    for n, line in enumerate(rows, 1):
        code, title = line.split(" ", 1)
        assert code == f"五-{n}" and len(title) == 20 and title.endswith("…"), line  # no role, no leader
    # Plain text (`duban ask`, CONTRACT §2's `answer`) keeps each row's full text; the shared facts once there too.
    text = render_text(MANY)
    assert all(r.row.text in text for r in MANY.rows) and text.count("伍国军") == 1


def test_a_short_list_keeps_full_text_and_roles_that_differ() -> None:
    rows = [_row(1, "甲" * 40), _row(2, "乙" * 40, units=("区卫生健康局", "区民政局"))]
    query = Query(question="测试", intent="unit_items", units=["区民政局"])
    answer = Answer(query, "unit_items", "区民政局共涉及 2 项工作",
                    [Block("重点工作", [AnswerRow(rows[0], "lead"), AnswerRow(rows[1], "support")])])
    shown = _telegram_ok(html_pages(answer)[0].text).splitlines()
    assert shown == ["区民政局共涉及 2 项工作", "以下各项均为：牵头区领导：伍国军", "【重点工作】（2 项）",
                     f"五-1 {'甲' * 40}（牵头）", f"五-2 {'乙' * 40}（配合；牵头单位：区卫生健康局）"]
