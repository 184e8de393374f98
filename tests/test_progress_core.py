"""Progress reporting without Telegram: periods and due rules from data, colours, and CONTRACT §8's CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from cli_support import cli_app, run
from openpyxl import load_workbook

from bot.cli.report import register
from knowledge.progress.colours import colour_of
from knowledge.progress.language import language
from knowledge.progress.periods import PeriodError, parse_period
from knowledge.progress.settings import progress_settings
from knowledge.progress.workbook import ALL_SHEET, COLUMNS, SUMMARY_SHEET


@pytest.mark.parametrize(("text", "period", "due"), [
    ("请各责任单位于每季度末月20日前将完成情况报县政府督查室", "2023Q2", "2023-06-20"),
    ("每季度最后一个月的30日前将本季度进展情况报区人民政府办公室", "2023Q1", "2023-03-30"),
    ("每季度最后一个月的三十日前报送", "2023Q1", "2023-03-30"),
    ("每季度结束后10日内报送", "2023Q4", "2024-01-10"),
    ("每季度末报送", "2023Q3", "2023-09-30"),
    ("请于每月25日前报送", "2023-02", "2023-02-25"),
    ("每月底前报送", "2024-02", "2024-02-29"),
], ids=["末月20日", "最后一个月30日", "chinese-numerals", "after-quarter", "quarter-end", "monthly", "month-end"])
def test_due_rules_read_from_data(text: str, period: str, due: str) -> None:
    rule = language().find_rule(text)
    assert rule is not None, text
    assert rule.due(parse_period(period)).isoformat() == due, text


def test_a_sentence_without_a_rule_has_none() -> None:
    assert language().find_rule("新改建老年食堂50家，完成率100%") is None


@pytest.mark.parametrize(("text", "expected"), [("2023Q2", "2023Q2"), ("2023-q4", "2023Q4"), ("2023-05", "2023-05"),
                                                ("2023年第二季度", "2023Q2"), ("2023年5月", "2023-05")])
def test_periods_parse(text: str, expected: str) -> None:
    assert str(parse_period(text)) == expected


@pytest.mark.parametrize("text", ["2023Q5", "2023-13", "Q2", "", "明年"])
def test_bad_periods_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(PeriodError, match="2023Q2"):
        parse_period(text)


DUE = date(2023, 6, 20)


@pytest.mark.parametrize(("status", "lagging_before", "deadline", "today", "colour"), [
    ("已完成", False, date(2023, 6, 1), date(2023, 6, 25), "green"),
    ("推进中", False, date(2023, 12, 31), date(2023, 6, 10), "green"),
    ("推进中", False, date(2023, 6, 30), date(2023, 6, 25), "yellow"),  # due within N = 7 days
    ("推进中", False, date(2023, 6, 1), date(2023, 6, 10), "red"),  # overdue, not done
    ("滞后", False, date(2023, 12, 31), date(2023, 6, 10), "yellow"),  # lagging once
    ("滞后", True, date(2023, 12, 31), date(2023, 6, 10), "red"),  # lagging twice running
    ("无法完成", False, date(2023, 12, 31), date(2023, 6, 10), "red"),
    (None, False, date(2023, 12, 31), date(2023, 6, 10), "green"),  # not due yet
    (None, False, date(2023, 12, 31), date(2023, 6, 21), "yellow"),  # report missing after the due date
], ids=["done", "on-track", "due-soon", "overdue", "lagging-once", "lagging-twice", "cannot", "not-yet-due",
        "missing"])
def test_colours_follow_the_office_rules(status: str | None, lagging_before: bool, deadline: date, today: date,
                                         colour: str) -> None:
    assert colour_of(status, lagging_before=lagging_before, deadline=deadline, report_due=DUE, today=today,
                     yellow_days=7) == colour


def test_settings_are_checked() -> None:
    assert progress_settings({"period": "month", "yellow_days": 3}).yellow_days == 3
    for bad in ({"period": "week"}, {"due_rule": "随便什么时候"}, {"due_rule": "每月25日前"}, {"yellow_days": -1},
                {"colour": "red"}):
        with pytest.raises(ValueError, match=r"\[progress\]"):
            progress_settings(bad)


# --- CONTRACT §8 through the command line ---------------------------------------------------------


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    return cli_app(register, database_url, tmp_path, monkeypatch)


def status(app: typer.Typer, period: str, at: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(run(app, "report", "status", "--period", period, "--json", "--at", at))
    return data


def test_report_add_then_status_json(cli: typer.Typer) -> None:
    run(cli, "report", "add", "--row", "K5-12", "--period", "2023Q2", "--status", "推进中", "--percent", "40",
        "--text", "已建成老年食堂12家", "--at", "2023-06-10T10:00+08:00")
    data = status(cli, "2023Q2", "2023-06-12T09:00+08:00")
    assert set(data) == {"period", "due", "rows", "missing"}
    assert data["period"] == "2023Q2" and data["due"] == "2023-06-20"
    rows = {r["id"]: r for r in data["rows"]}  # type: ignore[attr-defined]
    assert len(rows) == len(data["rows"])  # type: ignore[arg-type]  # every row once
    assert rows["K5-12"] == {"id": "K5-12", "units": ["区民政局"], "status": "推进中", "percent": 40,
                             "colour": "green", "reported_at": "2023-06-10T10:00:00+08:00"}
    assert rows["K3-4"]["status"] is None and "K11-1" not in rows  # K11 rows go to every department
    missing = {m["unit"]: m["rows"] for m in data["missing"]}  # type: ignore[attr-defined]
    assert "K3-4" in missing["区教育局"] and "K5-12" not in missing.get("区民政局", [])
    # After the due date a missing report turns yellow; a report made later than --at does not count.
    later = status(cli, "2023Q2", "2023-06-21T09:00+08:00")
    colours = {r["id"]: r["colour"] for r in later["rows"]}  # type: ignore[attr-defined]
    assert colours["K3-4"] == "yellow" and colours["K5-12"] == "green"
    before = status(cli, "2023Q2", "2023-06-09T09:00+08:00")
    assert {r["id"]: r["status"] for r in before["rows"]}["K5-12"] is None  # type: ignore[attr-defined]


def test_lagging_twice_is_red_and_bad_input_stores_nothing(cli: typer.Typer) -> None:
    for period, at in (("2023Q1", "2023-03-10T10:00+08:00"), ("2023Q2", "2023-06-10T10:00+08:00")):
        run(cli, "report", "add", "--row", "L5-1", "--period", period, "--status", "滞后", "--at", at)
    rows = {r["id"]: r for r in status(cli, "2023Q2", "2023-06-12T09:00+08:00")["rows"]}  # type: ignore[attr-defined]
    assert rows["L5-1"]["colour"] == "red"
    for args, word in ((("--row", "K9-99", "--status", "推进中"), "K9-99"), (("--row", "K5-12", "--status", "很好"), "很好"),
                       (("--row", "K5-12", "--status", "推进中", "--percent", "140"), "0 到 100"),
                       (("--row", "K5-12", "--status", "推进中", "--unit", "区教育局"), "区教育局")):
        output = run(cli, "report", "add", "--period", "2023Q2", *args, code=1)
        assert word in output
    output = run(cli, "report", "add", "--row", "K5-12", "--period", "2023Q7", "--status", "推进中", code=1)
    assert "2023Q7" in output
    log = run(cli, "report", "log", "--json")
    assert [json.loads(line)["row"] for line in log.splitlines()] == ["L5-1", "L5-1"]


def test_export_workbook_read_back(cli: typer.Typer, tmp_path: Path) -> None:
    run(cli, "report", "add", "--row", "K5-12", "--period", "2023Q2", "--status", "推进中", "--percent", "40",
        "--text", "已建成老年食堂12家", "--at", "2023-06-10T10:00+08:00")
    run(cli, "report", "add", "--row", "L5-1", "--period", "2023Q2", "--status", "无法完成", "--text", "选址未定",
        "--at", "2023-06-10T11:00+08:00")
    out = tmp_path / "2023Q2.xlsx"
    run(cli, "report", "export", "--period", "2023Q2", "--out", str(out), "--at", "2023-06-12T09:00+08:00")
    book = load_workbook(out)
    first = book.worksheets[0]
    assert first.title == ALL_SHEET and book.sheetnames[-1] == SUMMARY_SHEET
    lines = list(first.iter_rows(values_only=True))
    assert lines[0] == COLUMNS
    by_id = {line[0]: line for line in lines[1:]}
    expected = status(cli, "2023Q2", "2023-06-12T09:00+08:00")["rows"]
    assert list(by_id) == [r["id"] for r in expected]  # type: ignore[attr-defined]
    assert by_id["K5-12"][2:] == ("区民政局", "伍国军", "推进中", 40, "已建成老年食堂12家", "绿")
    assert by_id["L5-1"][4:] == ("无法完成", None, "选址未定", "红")
    assert by_id["K3-4"][4] == "未报送"
    fills = {line[0].value: line[7].fill.start_color.rgb for line in first.iter_rows(min_row=2)}
    assert fills["K5-12"].endswith("C6EFCE") and fills["L5-1"].endswith("FFC7CE")
    leader_sheet = book["伍国军"]
    leader_rows = [line[0] for line in leader_sheet.iter_rows(min_row=2, values_only=True)]
    assert "K5-12" in leader_rows and all(by_id[r][3] == "伍国军" for r in leader_rows)
    assert sorted(book.sheetnames[1:-1]) == sorted({line[3] for line in lines[1:]})
    summary = {line[0]: line for line in book[SUMMARY_SHEET].iter_rows(values_only=True) if line and line[0]}
    assert summary["报送周期"][2] == "2023Q2" and summary["合计"][1] == len(by_id)
    run(cli, "report", "export", "--period", "2023Q2", "--out", str(tmp_path / "x.csv"), code=1)


def test_binds_add_list_remove(cli: typer.Typer) -> None:
    assert "区民政局" in run(cli, "binds", "add", "4242", "民政局")
    [binding] = json.loads(run(cli, "binds", "list", "--json"))
    assert (binding["chat_id"], binding["unit"], binding["status"]) == (4242, "区民政局", "approved")
    run(cli, "binds", "remove", str(binding["id"]))
    assert json.loads(run(cli, "binds", "list", "--json"))[0]["status"] == "revoked"
    run(cli, "binds", "remove", str(binding["id"]), code=1)
    run(cli, "binds", "add", "4242", "火星局", code=1)
    actions = [json.loads(line)["action"] for line in run(cli, "report", "log", "--json").splitlines()]
    assert actions == ["bind_approve", "bind_revoke"]


def test_missing_lists_match_the_row_by_row_definition(database_url: str) -> None:
    """The grouped index (one aggregate query) gives exactly what a walk over every (row, unit) duty gives:
    a unit owes a row it leads unless one of the row's leads reported, a row it supports unless it did;
    units in the order of their first missing row, a row's leads before its supporters."""
    import random
    from dataclasses import replace
    from datetime import UTC, datetime

    from knowledge.bootstrap import open_knowledge
    from knowledge.catalog import load_catalog
    from knowledge.db import transaction
    from knowledge.progress import store
    from knowledge.progress.periods import Period
    from knowledge.progress.settings import ProgressSettings
    from knowledge.progress.status import Reporting, period_status

    knowledge = open_knowledge(database_url)
    with knowledge.sessions() as session:
        catalog = load_catalog(session)
    reporting = Reporting(catalog, replace(ProgressSettings(), include_supporting=True))
    assert any(len(d.leads) > 1 for d in reporting.duties) and any(d.supporters for d in reporting.duties)
    pairs = [(d.row.id, u) for d in reporting.duties for u in (*d.leads, *d.supporters)]
    chosen = random.Random(12).sample(pairs, len(pairs) // 2)
    at = datetime(2023, 6, 1, 2, 0, tzinfo=UTC)
    with transaction(knowledge.sessions) as session:
        for row_id, unit in chosen:
            store.record_report(session, catalog.key, store.ReportInput(row_id, unit, "2023Q2", "推进中"),
                                actor="test", chat_id=None, now=at)
    with knowledge.sessions() as session:
        result = period_status(session, reporting, Period(2023, "quarter", 2), at)
    knowledge.close()
    done = set(chosen)
    expected: dict[str, list[str]] = {}
    for duty in reporting.duties:
        if not any((duty.row.id, u) in done for u in duty.leads):
            for lead in duty.leads:
                expected.setdefault(lead, []).append(duty.row.id)
        for supporter in duty.supporters:
            if (duty.row.id, supporter) not in done:
                expected.setdefault(supporter, []).append(duty.row.id)
    assert list(result.missing.items()) == list(expected.items())
    assert {s.row.id for s in result.rows if s.status} == {d.row.id for d in reporting.duties
                                                          if any((d.row.id, u) in done for u in d.leads)}


@pytest.mark.parametrize(("folder", "period", "due", "phrase"), [
    ("caidian-2023-tasks", "2023Q1", "2023-03-30", "每季度最后一个月的30日"),
    ("dazhu-2016-minsheng", "2016Q2", "2016-06-20", "每季度末月20日"),
])
def test_the_notices_own_reporting_rule_is_stored_and_read(database_url: str, folder: str, period: str, due: str,
                                                          phrase: str) -> None:
    """Real notices state the rule in their opening or closing paragraphs, outside the tables: the import
    keeps those sentences and reporting reads its due dates from them."""
    from knowledge.bootstrap import open_knowledge
    from knowledge.catalog import load_catalog
    from knowledge.ingest import import_document
    from knowledge.progress.settings import ProgressSettings
    from knowledge.progress.status import Reporting

    knowledge = open_knowledge(database_url)
    try:
        source = Path(__file__).parent / "data" / "real" / folder / "source.txt"
        document = import_document(knowledge.sessions, source, key=folder)
        with knowledge.sessions() as session:
            catalog = load_catalog(session, folder)
    finally:
        knowledge.close()
    assert phrase in document.reporting and catalog.facts.reporting == document.reporting
    assert "\n" not in document.reporting or all("报" in s for s in document.reporting.split("\n"))
    reporting = Reporting(catalog, ProgressSettings())
    assert reporting.document_rule is not None and phrase in reporting.document_rule.phrase
    assert reporting.due(parse_period(period)).isoformat() == due


@pytest.mark.parametrize(("written", "row"), [("K5-12", "K5-12"), ("五-12", "K5-12"), ("ｋ５－１２", "K5-12"),
                                             ("五－12", "K5-12"), ("民生实事 5-1", "L5-1"), ("民生实事5-1", "L5-1")])
def test_report_add_accepts_every_written_row_form(cli: typer.Typer, written: str, row: str) -> None:
    """`--row` reads row codes as /report and questions do (one reader: the question parser)."""
    out = run(cli, "report", "add", "--row", written, "--period", "2023Q2", "--status", "推进中")
    assert f"已记录 {row}" in out
