"""Progress texts as Telegram HTML pages (≤ 4096) or plain text: /overview, /report, digests, charts' fallback."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from bot.progress import messages as pm
from bot.reminders.render import paginate
from knowledge.catalog import Row
from knowledge.progress.chart import Bar, ChartBy
from knowledge.progress.colours import Colour
from knowledge.progress.periods import Period
from knowledge.progress.status import Duty, PeriodStatus, RowState

_SNIPPET = 40
MAX_RED = 30  # red rows listed in /overview; the workbook has them all
MAX_UNITS = 40


def cn_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def snippet(row: Row, size: int = _SNIPPET) -> str:
    return row.text if len(row.text) <= size else row.text[:size] + "…"


def _plain(text: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def pages(head: str, blocks: Sequence[str], foot: str = "", *, markup: bool = True) -> list[str]:
    """Whole blocks per page, the head repeated on continuation pages (the reminders' paginator)."""
    texts = [page.text for page in paginate(head, [(b, ()) for b in blocks], foot)]
    return texts if markup else [_plain(t) for t in texts]


def report_phrase(status: str | None, percent: int | None, text: str, *, show_text: bool = True) -> str:
    """推进中 40%，已建成12家 — escaped for HTML."""
    if status is None:
        return pm.NOT_REPORTED
    phrase = status + (f" {percent}%" if percent is not None else "")
    if text:
        phrase += "，" + (text if show_text else pm.HIDDEN_TEXT)
    return html.escape(phrase)


def state_line(state: RowState, *, show_text: bool = True) -> str:
    row = state.row
    return (f"{pm.COLOUR_DOT[state.colour]} <b>{html.escape(row.label)}</b> {html.escape(snippet(row))}\n"
            f"  {html.escape('、'.join(state.duty.leads))} · "
            f"{report_phrase(state.status, state.percent, state.text, show_text=show_text)}")


def counts_line(status: PeriodStatus, states: list[RowState] | None = None) -> str:
    counts = status.counts(states)
    return pm.COUNTS.format(total=sum(counts.values()), **counts)


def overview_text(status: PeriodStatus, *, html: bool = True) -> list[str]:
    """/overview: counts by colour, units not reported, red rows first, per leader and per unit."""
    head = pm.OVERVIEW_HEAD.format(period=status.period.label, due=cn_day(status.due),
                                   at=status.as_of.strftime("%m-%d %H:%M")) + "\n" + counts_line(status)
    blocks: list[str] = []
    if status.missing:
        blocks.append("\n" + pm.MISSING_HEAD.format(n=len(status.missing)))
        blocks += [pm.OFFICE_UNIT.format(unit=_esc(unit), rows=_rows_label(status, rows))
                   for unit, rows in status.missing.items()]
    else:
        blocks.append("\n" + pm.MISSING_NONE)
    reds = [s for s in status.reds_first() if s.colour == "red"]
    if reds:
        blocks.append("\n" + pm.RED_HEAD + f"（{len(reds)} 项）")
        blocks += [state_line(s) for s in reds[:MAX_RED]]
        if len(reds) > MAX_RED:
            blocks.append(pm.MORE.format(n=len(reds) - MAX_RED))
    blocks.append("\n" + pm.LEADER_HEAD)
    blocks += [_group_line(name, status.counts(states)) for name, states in status.by_leader().items()]
    flagged = [(name, status.counts(states)) for name, states in status.by_unit().items()]
    flagged = sorted((x for x in flagged if x[1]["red"] or x[1]["yellow"]), key=lambda x: (-x[1]["red"],
                                                                                          -x[1]["yellow"], x[0]))
    if flagged:
        blocks.append("\n" + pm.UNIT_HEAD)
        blocks += [_group_line(name, counts) for name, counts in flagged[:MAX_UNITS]]
        if len(flagged) > MAX_UNITS:
            blocks.append(pm.MORE.format(n=len(flagged) - MAX_UNITS))
    return pages(head, blocks, markup=html)


def _esc(text: str) -> str:
    return html.escape(text)


def _rows_label(status: PeriodStatus, row_ids: list[str], limit: int = 8) -> str:
    """五-7、五-8 等 12 项 (the document's own numbering)."""
    labels = [status.row(r).label for r in row_ids[:limit]]
    more = f" 等 {len(row_ids)} 项" if len(row_ids) > limit else ""
    return html.escape("、".join(labels) + more)


def _group_line(name: str, counts: dict[Colour, int]) -> str:
    return html.escape(pm.GROUP_LINE.format(name=name, red=counts["red"], yellow=counts["yellow"],
                                            green=counts["green"]))


def unit_report_text(unit: str, status: PeriodStatus, duties: list[tuple[Duty, bool]],
                     closes: date) -> tuple[str, list[Duty]]:
    """/report for one unit: each row with this period's report or ⬜, and the rows still missing."""
    if not duties:
        return pm.REPORT_NO_ROWS.format(unit=html.escape(unit)), []
    lines, missing = [], []
    for duty, _lead in duties:
        report = status.reports.get((duty.row.id, unit))
        if report is None:
            missing.append(duty)
            mark, phrase = pm.REPORT_MISSING_MARK, pm.NOT_REPORTED
        else:
            mark, phrase = pm.REPORT_DONE_MARK, report_phrase(report[0], report[1], report[2])
        lines.append(f"{mark} <b>{html.escape(duty.row.label)}</b> {html.escape(snippet(duty.row, 30))}：{phrase}")
    head = pm.REPORT_HEAD.format(unit=html.escape(unit), period=status.period.label, due=cn_day(status.due))
    counts = pm.REPORT_COUNTS.format(total=len(duties), done=len(duties) - len(missing), missing=len(missing))
    foot = pm.REPORT_ALL_DONE if not missing else html.escape(pm.REPORT_HINT)
    text = "\n".join([head, counts, *lines, "", foot])
    return text, missing


def chart_title(status: PeriodStatus, by: ChartBy) -> str:
    return pm.CHART_TITLE.format(period=status.period.label, by=pm.CHART_BY[by])


def bars_table(bars: list[Bar], title: str) -> str:
    """The chart as a text table (when no font can draw Chinese)."""
    lines = [f"<b>{html.escape(title)}</b>", html.escape(pm.NO_FONT)]
    lines += [_group_line(b.name, b.counts) for b in bars]
    return "\n".join(lines)


def remind_text(unit: str, period: Period, due: date, today: date, rows: Sequence[Row]) -> str:
    days = (due - today).days
    when = pm.REMIND_TODAY if days <= 0 else pm.REMIND_DAYS.format(n=days)
    lines = [pm.REMIND_HEAD.format(unit=html.escape(unit)),
             pm.REMIND_BODY.format(period=period.label, due=cn_day(due), when=when, n=len(rows))]
    lines += [f"⬜ <b>{html.escape(r.label)}</b>（{r.id}）{html.escape(snippet(r))}" for r in rows]
    return "\n".join(lines)


def office_text(status: PeriodStatus, today: date) -> str:
    if not status.missing:
        return pm.OFFICE_ALL_IN.format(period=status.period.label)
    lines = [pm.OFFICE_DIGEST.format(period=status.period.label, due=cn_day(status.due),
                                     days=(today - status.due).days, n=len(status.missing))]
    lines += [pm.OFFICE_UNIT.format(unit=_esc(u), rows=_rows_label(status, rows)) for u, rows in status.missing.items()]
    return "\n".join(lines)

