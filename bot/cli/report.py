"""`duban report add|status|export|chart|log|publish` and `duban binds list|add|remove`: the office's side.

CONTRACT §8 fixes the shapes of `report add`, `report status --json` and `report export`.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import typer

from bot.cli.reminders import parse_instant
from bot.cli.support import fail, open_runtime
from bot.progress import messages as pm
from knowledge.chats import ChatType

report_app = typer.Typer(help="Progress reports: record, status, bulletin workbook, chart, audit log.",
                         no_args_is_help=True)
binds_app = typer.Typer(help="Which chats speak for which units.", no_args_is_help=True)

PeriodOption = Annotated[str | None, typer.Option("--period", help="2023Q2 or 2023-05 (default: the current "
                                                                   "period).")]
AtOption = Annotated[str | None, typer.Option("--at", help="ISO 8601 instant (default: now).")]


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.add_typer(binds_app, name="binds")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _period(text: str | None, reporting: object, instant: datetime) -> object:
    from knowledge.progress.periods import PeriodError, parse_period
    from knowledge.progress.status import Reporting

    assert isinstance(reporting, Reporting)
    if not text:
        return reporting.period_at(instant.date())
    try:
        return parse_period(text)
    except PeriodError as error:
        raise fail(str(error)) from None


@report_app.command("add")
def add_command(
    row: Annotated[str, typer.Option("--row", help="Row ID, e.g. K5-12.")],
    period: Annotated[str, typer.Option("--period", help="2023Q2 or 2023-05.")],
    status: Annotated[str, typer.Option("--status", help="未启动, 推进中, 已完成, 滞后 or 无法完成.")],
    percent: Annotated[int | None, typer.Option("--percent", help="0–100.")] = None,
    text: Annotated[str, typer.Option("--text", help="What was done (≤ 500 characters).")] = "",
    unit: Annotated[str | None, typer.Option("--unit", help="Reporting unit (default: the row's lead unit).")] = None,
    at: AtOption = None,
) -> None:
    """Record a report as the office received it. Example: duban report add --row K5-12 --period 2023Q2 --status 推进中 --percent 40 --text 已建成12家"""
    from bot.progress.chat import row_code
    from bot.progress.runtime import reporting_for
    from knowledge.db import transaction
    from knowledge.progress.intake import ReportError, check_report
    from knowledge.progress.periods import PeriodError, parse_period
    from knowledge.progress.store import record_report

    runtime = open_runtime()
    instant = parse_instant(at, runtime.settings.reminders.timezone)
    try:
        row = row_code(runtime.duban, row) or row  # 五-12, 民生实事 5-1 …; as typed when it names no row
        report = check_report(reporting_for(runtime), row, parse_period(period), status, percent=percent,
                              text=text, unit=unit)
    except (ReportError, PeriodError) as error:
        raise fail(f"未保存：{error}") from None
    with transaction(runtime.knowledge.sessions) as session:
        stored = record_report(session, runtime.catalog.key, report, actor=_actor(), chat_id=None, now=instant)
    typer.echo(pm.CLI_SAVED.format(row=stored.row_id, unit=stored.unit, period=stored.period, status=stored.status,
                                   version=stored.version))


@report_app.command("status")
def status_command(period: PeriodOption = None, at: AtOption = None,
                   as_json: Annotated[bool, typer.Option("--json", help="CONTRACT §8's object.")] = False) -> None:
    """Every row's report and colour for a period, and who has not reported. Example: duban report status --period 2023Q2 --json"""
    from bot.progress.render import overview_text
    from bot.progress.runtime import reporting_for
    from knowledge.progress.status import period_status

    runtime = open_runtime()
    instant = parse_instant(at, runtime.settings.reminders.timezone)
    reporting = reporting_for(runtime)
    chosen = _period(period, reporting, instant)
    with runtime.knowledge.sessions() as session:
        status = period_status(session, reporting, chosen, instant,  # type: ignore[arg-type]
                               configured_default=runtime.settings.default_deadline)
    if as_json:
        typer.echo(json.dumps(status.json(), ensure_ascii=False))
        return
    for page in overview_text(status, html=False):
        typer.echo(page)


@report_app.command("export")
def export_command(out: Annotated[Path, typer.Option("--out", help="The .xlsx file to write.")],
                   period: PeriodOption = None, at: AtOption = None) -> None:
    """Write the bulletin workbook (all rows, one sheet per leader, a summary). Example: duban report export --period 2023Q2 --out 2023Q2.xlsx"""
    from bot.progress.runtime import reporting_for
    from knowledge.progress.status import period_status
    from knowledge.progress.workbook import write_workbook

    runtime = open_runtime()
    instant = parse_instant(at, runtime.settings.reminders.timezone)
    reporting = reporting_for(runtime)
    chosen = _period(period, reporting, instant)
    if out.suffix.lower() != ".xlsx":
        raise fail(pm.CLI_XLSX_ONLY.format(path=out))
    if not out.parent.is_dir():
        raise fail(pm.CLI_NO_FOLDER.format(path=out.parent))
    with runtime.knowledge.sessions() as session:
        status = period_status(session, reporting, chosen, instant,  # type: ignore[arg-type]
                               configured_default=runtime.settings.default_deadline)
    write_workbook(status, out)
    typer.echo(pm.CLI_EXPORTED.format(path=out, period=status.period.label, n=len(status.rows),
                                      missing=len(status.missing)))


@report_app.command("chart")
def chart_command(out: Annotated[Path, typer.Option("--out", help="The .png file to write.")],
                  period: PeriodOption = None, at: AtOption = None,
                  by: Annotated[str, typer.Option("--by", help="leader or unit.")] = "leader") -> None:
    """Draw rows by colour per leader or unit as a PNG. Example: duban report chart --period 2023Q2 --by unit --out q2.png"""
    from bot.progress.render import chart_title
    from bot.progress.runtime import reporting_for
    from knowledge.progress.chart import chart_bars, draw_chart, find_font
    from knowledge.progress.status import period_status

    if by not in ("leader", "unit"):
        raise fail(pm.CLI_BY.format(by=by))
    grouping: Literal["leader", "unit"] = "unit" if by == "unit" else "leader"
    runtime = open_runtime()
    instant = parse_instant(at, runtime.settings.reminders.timezone)
    reporting = reporting_for(runtime)
    chosen = _period(period, reporting, instant)
    font = find_font(runtime.settings.progress.chart_font)
    if font is None:
        raise fail(pm.NO_FONT_CLI)
    with runtime.knowledge.sessions() as session:
        status = period_status(session, reporting, chosen, instant,  # type: ignore[arg-type]
                               configured_default=runtime.settings.default_deadline)
    draw_chart(chart_bars(status, grouping), chart_title(status, grouping), font, out)
    typer.echo(pm.CLI_CHART.format(path=out, font=font.name))


@report_app.command("log")
def log_command(period: Annotated[str | None, typer.Option("--period", help="Only this period.")] = None,
                unit: Annotated[str | None, typer.Option("--unit", help="Only this unit.")] = None,
                row: Annotated[str | None, typer.Option("--row", help="Only this row.")] = None,
                limit: Annotated[int, typer.Option(help="The newest N entries.")] = 200,
                as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False) -> None:
    """The audit log: every report version and binding decision, who and when. Example: duban report log --row K5-12"""
    from knowledge.progress.intake import unit_name
    from knowledge.progress.store import events

    runtime = open_runtime()
    name = unit_name(runtime.catalog, unit) or unit if unit else None
    with runtime.knowledge.sessions() as session:
        entries = events(session, document=runtime.catalog.key, period=period, unit=name,
                         row_id=row.upper() if row else None, limit=limit)
    zone = ZoneInfo(runtime.settings.reminders.timezone)
    for e in entries:  # SQLite gives the stored wall time, PostgreSQL the session's zone: show the office's
        e = replace(e, at=e.at.astimezone(zone) if e.at.tzinfo else e.at.replace(tzinfo=zone))
        if as_json:
            typer.echo(json.dumps({"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "unit": e.unit,
                                   "row": e.row_id, "period": e.period, "status": e.status, "percent": e.percent,
                                   "text": e.text, "version": e.version, "chat_id": e.chat_id}, ensure_ascii=False))
        else:
            typer.echo(pm.log_line(e))


@report_app.command("publish")
def publish_command(period: Annotated[str, typer.Option("--period", help="2023Q2 or 2023-05.")]) -> None:
    """Let every unit read the period's report texts. Example: duban report publish --period 2023Q2"""
    from datetime import UTC

    from knowledge.db import transaction
    from knowledge.progress.periods import PeriodError, parse_period
    from knowledge.progress.store import publish

    try:
        chosen = parse_period(period)
    except PeriodError as error:
        raise fail(str(error)) from None
    runtime = open_runtime()
    with transaction(runtime.knowledge.sessions) as session:
        fresh = publish(session, runtime.catalog.key, str(chosen), _actor(), datetime.now(UTC))
    typer.echo((pm.PUBLISHED if fresh else pm.ALREADY_PUBLISHED).format(period=chosen.label))


# --- duban binds ----------------------------------------------------------------------------------


@binds_app.command("list")
def binds_list(status: Annotated[str | None, typer.Option(help="pending, approved, refused or revoked.")] = None,
               as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False) -> None:
    """Chats bound to units, and requests waiting for approval. Example: duban binds list --status pending"""
    from knowledge.progress.store import list_bindings

    runtime = open_runtime()
    with runtime.knowledge.sessions() as session:
        bindings = list_bindings(session, status=status)
    if as_json:
        typer.echo(json.dumps([{"id": b.id, "chat_id": b.chat_id, "chat_type": b.chat_type, "title": b.chat_title,
                                "unit": b.unit, "status": b.status, "requested_by": b.requested_by,
                                "decided_by": b.decided_by} for b in bindings], ensure_ascii=False))
        return
    if not bindings:
        typer.echo(pm.NO_BINDINGS)
    for b in bindings:
        typer.echo(f"{b.id}\t{b.chat_id}\t{b.chat_type}\t{b.unit}\t{pm.BINDING_STATUS.get(b.status, b.status)}"
                   f"\t{b.chat_title}")


@binds_app.command("add")
def binds_add(chat_id: Annotated[int, typer.Argument(help="Telegram chat ID (a user's ID for a private chat).")],
              unit: Annotated[str, typer.Argument(help="The unit, e.g. 区民政局.")],
              chat_type: Annotated[ChatType, typer.Option("--type", help="private, group or supergroup.")] = "private",
              ) -> None:
    """Bind a chat to a unit, approved at once. Example: duban binds add 123456789 区民政局"""
    from datetime import UTC

    from knowledge.db import transaction
    from knowledge.progress.intake import unit_name
    from knowledge.progress.store import add_binding

    runtime = open_runtime()
    name = unit_name(runtime.catalog, unit)
    if name is None or runtime.catalog.units[name].kind == "group":
        raise fail(pm.UNKNOWN_UNIT.format(unit=unit))
    with transaction(runtime.knowledge.sessions) as session:
        binding = add_binding(session, chat_id, name, _actor(), datetime.now(UTC), chat_type=chat_type)
    typer.echo(pm.CLI_BOUND.format(id=binding.id, chat=chat_id, unit=name))


@binds_app.command("remove")
def binds_remove(binding: Annotated[int, typer.Argument(help="The binding's ID (see duban binds list).")]) -> None:
    """Revoke a binding: the chat can no longer report for the unit. Example: duban binds remove 3"""
    from datetime import UTC

    from knowledge.db import transaction
    from knowledge.progress.store import revoke_binding

    runtime = open_runtime()
    with transaction(runtime.knowledge.sessions) as session:
        revoked = revoke_binding(session, binding, _actor(), datetime.now(UTC))
    if revoked is None:
        raise fail(pm.NO_SUCH_BINDING.format(id=binding))
    typer.echo(pm.CLI_REVOKED.format(chat=revoked.chat_id, unit=revoked.unit))
