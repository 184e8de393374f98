"""Progress questions through the one question pipeline (parse → Query → answer → Answer → render): the gold
set tests/progress_gold/questions.jsonl graded with reports seeded here, and `duban ask --json` answering
the issue's four questions from the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.evaluate import evaluate, read_gold
from bot.pipeline import Duban
from bot.progress.questions import answer_progress
from bot.runtime import Runtime
from knowledge.bootstrap import KnowledgeBase, open_knowledge
from knowledge.catalog import Catalog, load_catalog
from knowledge.db import transaction
from knowledge.progress import store
from knowledge.progress.periods import Period
from knowledge.progress.settings import ProgressSettings
from knowledge.progress.status import Reporting, period_status

GOLD = Path(__file__).parent / "progress_gold" / "questions.jsonl"
# Questions of the gold set that fail today, with the reason (as tests/golden/known_failures.toml does for
# the catalog-only sets); a listed question that passes fails the test, so the list stays honest.
KNOWN_FAILURES: dict[str, str] = {}  # question → why it fails; none today
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2023, 6, 15, 10, 0, tzinfo=ZONE)
# (row, period, status, percent, text) on top of "推进中" from every lead unit on every row it leads, except
# the rows 区教育局 leads (it reported K3-2 only) and 区民政局's K5-7 and L8-1.
SEEDED = [("K5-1", "2023Q1", "滞后", None, ""), ("K5-9", "2023Q1", "滞后", None, ""),
          ("L5-1", "2023Q2", "推进中", 40, "已建成老年食堂20家"), ("K5-12", "2023Q2", "推进中", 60, "康养小镇主体完工"),
          ("K5-1", "2023Q2", "滞后", None, "失业率5.3%"), ("K5-9", "2023Q2", "已完成", 100, ""),
          ("K5-14", "2023Q2", "滞后", None, ""), ("K3-2", "2023Q2", "滞后", 20, "校区选址未定"),
          ("K5-17", "2023Q2", "无法完成", None, "政策调整"), ("K3-1", "2023Q2", "已完成", 100, "")]
SILENT = {"区教育局"}
UNREPORTED = {("K5-7", "区民政局"), ("L8-1", "区民政局")}


def seed(knowledge: KnowledgeBase, reporting: Reporting, period: str, extra: list[tuple[str, str, str, int | None,
                                                                                         str]]) -> None:
    at = datetime(2023, 6, 1, 2, 0, tzinfo=UTC) if period == "2023Q2" else datetime.now(UTC)
    with transaction(knowledge.sessions) as session:
        for duty in reporting.duties:
            lead = duty.leads[0]
            if lead in SILENT or (duty.row.id, lead) in UNREPORTED:
                continue
            store.record_report(session, reporting.catalog.key, store.ReportInput(duty.row.id, lead, period, "推进中"),
                                actor="test", chat_id=None, now=at)
        for row_id, when, status, percent, text in extra:
            lead = next(d.leads[0] for d in reporting.duties if d.row.id == row_id)
            store.record_report(session, reporting.catalog.key,
                                store.ReportInput(row_id, lead, when, status, percent, text), actor="test",
                                chat_id=None, now=at)


@pytest.fixture
def seeded(database_url: str) -> Iterator[tuple[KnowledgeBase, Catalog, Reporting]]:
    knowledge = open_knowledge(database_url)
    with knowledge.sessions() as session:
        catalog = load_catalog(session)
    reporting = Reporting(catalog, ProgressSettings())
    seed(knowledge, reporting, "2023Q2", SEEDED)
    yield knowledge, catalog, reporting
    knowledge.close()


def test_progress_gold_set(seeded: tuple[KnowledgeBase, Catalog, Reporting], tmp_path: Path) -> None:
    knowledge, catalog, reporting = seeded
    with knowledge.sessions() as session:
        status = period_status(session, reporting, Period(2023, "quarter", 2), AS_OF)
    duban = Duban(catalog, cache_dir=tmp_path, progress=lambda q: answer_progress(q, status, viewer_units=None))
    report = evaluate(duban, read_gold(GOLD))
    failed = {question for question, _kind, _problems in report.failures}
    assert failed == set(KNOWN_FAILURES), "\n".join(report.lines(show=50))


def test_without_reports_progress_cues_are_ordinary_words(shared_catalog: Catalog, tmp_path: Path) -> None:
    """A pipeline that cannot read reports (the gold sets' in-process Duban) answers as before."""
    plain = Duban(shared_catalog, cache_dir=tmp_path)
    assert plain.ask("民政局的老年食堂进展怎么样").intent != "progress"


def test_duban_ask_json_answers_progress_from_the_database(settings: Settings) -> None:
    """`duban ask --json` (and the console, which shares answer_lines) reads the stored reports of the
    current period."""
    from bot.cli.ask import answer_lines
    from bot.progress.runtime import local, reporting_for

    runtime = Runtime(settings=settings)
    try:
        reporting = reporting_for(runtime)
        period = str(reporting.period_at(local(runtime).date()))
        seed(runtime.knowledge, reporting, period, [("K5-1", period, "滞后", None, "失业率5.3%"),
                                                    ("L5-1", period, "推进中", 40, "已建成老年食堂20家")])
        questions = ["民政局的老年食堂进展怎么样", "哪些工作滞后了", "伍国军分管的工作有几项是红灯", "哪些单位还没报"]
        got = [json.loads(line) for line in answer_lines(runtime, questions, as_json=True)]
    finally:
        runtime.knowledge.close()
    assert [g["intent"] for g in got] == ["progress"] * 4
    assert {i["id"] for i in got[0]["items"]} <= {"L5-1", "K5-12"} and "40%" in got[0]["answer"]
    assert [i["id"] for i in got[1]["items"]] == ["K5-1"] and "失业率5.3%" in got[1]["answer"]
    # Red depends on today against the rows' deadlines (the bundled 2023-12-31 has passed): only the shape.
    assert all(i["leader"] == "伍国军" for i in got[2]["items"]) and f"{len(got[2]['items'])} 项" in got[2]["answer"]
    assert "区教育局" in got[3]["answer"] and {"K3-3", "L2-1"} <= {i["id"] for i in got[3]["items"]}
