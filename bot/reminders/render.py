"""Reminder and subscription layout: digests and deadline lists as Telegram HTML pages (≤ 4096) or plain text.

The wording is in `bot/reminders/messages.py`; this module only lays it out.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot import messages as msg
from bot.reminders import messages as rm
from bot.render import TELEGRAM_LIMIT, fill_pages, utf16_len
from knowledge.catalog import Catalog
from knowledge.reminders.deadlines import Deadline, row_sort_key
from knowledge.reminders.plan import ChatDigest, DueRow
from knowledge.reminders.subscriptions import SubscriptionInfo, Target

_SNIPPET = 60


def cn_date(day: date, weekday: bool = False) -> str:
    """2023年12月1日（周五）."""
    text = rm.DATE.format(year=day.year, month=day.month, day=day.day)
    return rm.DATE_WEEKDAY.format(date=text, weekday=rm.WEEKDAYS[day.weekday()]) if weekday else text


def policy_text(days_before: Sequence[int], overdue_days: Sequence[int], send_time: str, shift: bool) -> str:
    """提醒时间：期限前 30、7、1 天、到期当天和逾期后 1 天的 09:00 …."""
    before = sorted((d for d in days_before if d > 0), reverse=True)
    parts = [rm.POLICY_BEFORE.format(days=msg.LIST_SEPARATOR.join(map(str, before)))] if before else []
    if 0 in days_before:
        parts.append(rm.POLICY_TODAY)
    if overdue_days:
        parts.append(rm.POLICY_AFTER.format(days=msg.LIST_SEPARATOR.join(map(str, sorted(overdue_days)))))
    steps = msg.LIST_SEPARATOR.join(parts[:-1]) + (rm.POLICY_AND if len(parts) > 1 else "") + parts[-1] if parts else "—"
    return rm.POLICY.format(steps=steps, time=send_time, shift=rm.SHIFTED if shift else "")


def step_label(days_before: int, due: date) -> str:
    """How far a deadline is (in calendar days): 还有 30 天到期 / 今天到期 / 已逾期 2 天."""
    shown = rm.MONTH_DAY.format(month=due.month, day=due.day)
    if days_before > 0:
        return rm.STEP_BEFORE.format(n=days_before, due=shown)
    if days_before == 0:
        return rm.STEP_TODAY.format(due=shown)
    return rm.STEP_OVERDUE.format(n=-days_before, due=shown)


def target_label(catalog: Catalog, target: Target) -> str:
    """How users see a target: a row by the document's own numbering (五-12, 民生实事 5-1), never its key."""
    row = catalog.by_id.get(target.value) if target.kind == "row" else None
    return row.label if row is not None else target.label


def target_list(catalog: Catalog, targets: Iterable[Target]) -> str:
    return msg.LIST_SEPARATOR.join(target_label(catalog, t) for t in targets)


def row_line(catalog: Catalog, row_id: str, milestone: str = "", *, markup: bool = True) -> str:
    """• 五-7 新改建老年食堂… 牵头：区民政局；阶段：完成过半."""
    esc: Callable[[str], str] = html.escape if markup else str
    row = catalog.by_id.get(row_id)
    shown = row.label if row is not None else row_id
    code = f"<b>{esc(shown)}</b>" if markup else shown
    if row is None:
        return f"• {code}" + (" " + esc(rm.ROW_MILESTONE.format(milestone=milestone)) if milestone else "")
    text = row.text if len(row.text) <= _SNIPPET else row.text[:_SNIPPET] + "…"
    extra = []
    if row.lead_units:
        leads = row.lead_units[:3]
        more = rm.ROW_LEADS_MORE if len(row.lead_units) > 3 else ""
        extra.append(rm.ROW_LEADS.format(units=msg.LIST_SEPARATOR.join(leads) + more))
    if milestone:
        extra.append(rm.ROW_MILESTONE.format(milestone=milestone))
    tail = f"\n  {esc('；'.join(extra))}" if extra else ""
    return f"• {code} {esc(text)}{tail}"


@dataclass(frozen=True, slots=True)
class Page:
    """One message: its text and the digest rows it carries (marked sent when it is)."""

    text: str
    rows: tuple[DueRow, ...]


def paginate(head: str, blocks: Sequence[tuple[str, Sequence[DueRow]]], foot: str,
             limit: int = TELEGRAM_LIMIT) -> list[Page]:
    """Fill pages with whole blocks (a row never splits); continuation pages repeat the head.

    Blocks are finished HTML measured with their tags (more than Telegram counts, so a page always fits);
    each is short by construction (a 60-character snippet, three lead units, a bounded milestone).
    """
    reserve = utf16_len(head) + utf16_len(foot) + utf16_len(rm.DIGEST_CONTINUED.format(page=99, pages=99)) + 8
    chunks = fill_pages(blocks, lambda block: utf16_len(block[0]) + 1, limit - reserve)
    pages = []
    for n, chunk in enumerate(chunks, 1):
        title = head + (rm.DIGEST_CONTINUED.format(page=n, pages=len(chunks)) if len(chunks) > 1 else "")
        body = "\n".join(text for text, _ in chunk)
        text = "\n".join(part for part in (title, body, foot if n == len(chunks) else "") if part)
        pages.append(Page(text, tuple(r for _, rows in chunk for r in rows)))
    return pages


DIGEST_ROWS = 5  # rows a digest shows; the rest are a button away


def render_digest(digest: ChatDigest, catalog: Catalog, *, markup: bool = True,
                  limit: int = TELEGRAM_LIMIT) -> list[Page]:
    """The day's digest for one chat as ONE short message: the count, then the nearest rows grouped by how
    near their deadline is (each group counted); the message carries every row (all are marked sent), the
    rest are reached with the buttons delivery adds (/deadlines' pages)."""
    esc: Callable[[str], str] = html.escape if markup else str
    # Quiet hours may carry a reminder day's digest to the next morning: date it by when it goes out.
    sent_on = {r.id: r.scheduled.date() if r.scheduled is not None else digest.day for r in digest.rows}
    head = rm.DIGEST_HEAD.format(day=cn_date(min(sent_on.values(), default=digest.day), weekday=True))
    if not markup:
        head = head.replace("<b>", "").replace("</b>", "")
    head += "\n" + rm.DIGEST_INTRO.format(n=len(digest.rows))
    groups: dict[tuple[int, date], list[DueRow]] = {}
    # Say how far the deadline really is on the day the message goes out: a step moved off a weekend
    # (the 0-day step of a Sunday deadline goes out on Friday) must not claim "today".
    for row in sorted(digest.rows, key=lambda r: (r.deadline - sent_on[r.id], row_sort_key(r.id))):
        groups.setdefault(((row.deadline - sent_on[row.id]).days, row.deadline), []).append(row)
    lines: list[str] = []
    shown = 0
    for (distance, due), rows in groups.items():
        if shown >= DIGEST_ROWS:
            break
        heading = rm.GROUP_COUNT.format(group=step_label(distance, due), n=len(rows))
        lines.append(f"\n<b>{esc(heading)}</b>" if markup else "\n" + rm.STEP_PLAIN.format(step=heading))
        for row in rows[:DIGEST_ROWS - shown]:
            lines.append(row_line(catalog, row.id, row.milestone, markup=markup))
            shown += 1
    if len(digest.rows) > shown:
        lines.append(esc(rm.DIGEST_MORE.format(n=len(digest.rows) - shown)))
    late = [r for r in digest.rows if r.late and r.scheduled is not None]
    if late:
        scheduled = min(r.scheduled for r in late if r.scheduled is not None)
        when = rm.MONTH_DAY_TIME.format(month=scheduled.month, day=scheduled.day, time=f"{scheduled:%H:%M}")
        note = rm.DIGEST_LATE.format(when=when)
        lines.append("\n" + (note if markup else note.replace("<i>", "").replace("</i>", "")))
    if not markup:
        lines.append(rm.DIGEST_FOOTER)
    return paginate(head, [("\n".join(lines), tuple(digest.rows))], "", limit)


DEADLINE_ROWS = 8  # rows per /deadlines page: a phone screen


def render_deadlines(catalog: Catalog, deadlines: dict[str, list[Deadline]], today: date, *,
                     per_page: int = DEADLINE_ROWS, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """/deadlines as pages: overdue first, then by date; each date (and its source, when all its rows share
    one, as the document's default date does) said once in a counted heading, repeated marked 续 on the next page."""
    items = [d for row_deadlines in deadlines.values() for d in row_deadlines]
    if not items:
        return [rm.DEADLINES_EMPTY]
    by_day: dict[date, list[Deadline]] = {}
    for item in sorted(items, key=lambda d: (d.due, row_sort_key(d.row_id))):
        by_day.setdefault(item.due, []).append(item)
    blocks: list[tuple[str, bool]] = []
    for title, days in ((rm.OVERDUE_HEAD, [d for d in by_day if d < today]),
                        (rm.UPCOMING_HEAD, [d for d in by_day if d >= today])):
        if not days:
            continue
        blocks.append(("\n" + title.format(n=sum(len(by_day[d]) for d in days)), False))
        for day in days:
            group = by_day[day]
            sources = {d.source for d in group}
            shared = rm.SOURCE[group[0].source] if len(sources) == 1 else ""
            heading = rm.DATE_GROUP.format(due=cn_date(day), source=f"（{shared}）" if shared else "", n=len(group))
            blocks.append((f"<b>{html.escape(heading)}</b>", False))
            for item in group:
                line = row_line(catalog, item.row_id, item.milestone)
                blocks.append((line if shared else f"{line}（{html.escape(rm.SOURCE[item.source])}）", True))
    head = rm.DEADLINES_HEAD.format(today=cn_date(today), n=len(items))
    room = limit - utf16_len(head) - 200

    def full(page: list[tuple[str, bool]], block: tuple[str, bool]) -> bool:
        return block[1] and sum(1 for _, is_row in page if is_row) >= per_page

    def carry(page: list[tuple[str, bool]], block: tuple[str, bool]) -> list[tuple[str, bool]]:
        """A heading never ends a page; a page starting mid-date repeats its heading, marked continued."""
        moved: list[tuple[str, bool]] = []
        while page and not page[-1][1]:
            moved.insert(0, page.pop())
        if moved or not block[1]:
            return moved
        heading = next((text for text, is_row in reversed(page) if not is_row and text.startswith("<b>")), None)
        return [(heading.replace("</b>", rm.CONTINUED + "</b>", 1), False)] if heading else []

    pages = fill_pages(blocks, lambda block: utf16_len(block[0]) + 1, room, breaks=full, carry=carry)
    return ["\n".join([head, *(text for text, _ in page)]) for page in pages]


def render_subscriptions(catalog: Catalog, subs: Sequence[SubscriptionInfo], counts: dict[int, int], *,
                         start: int = 1, total: int | None = None) -> str:
    """/mysubs' text (one page of it, `subs` not empty): the count, then one line per subscription with its rows
    and pause state."""
    lines = [rm.MYSUBS.format(n=len(subs) if total is None else total)]
    for n, sub in enumerate(subs, start):
        state = rm.PAUSED.format(reason=html.escape(sub.paused_reason or rm.BLOCKED)) if sub.paused else ""
        lines.append(rm.SUB_COUNT.format(n=n, target=html.escape(target_label(catalog, sub.target)), count=counts.get(sub.id, 0),
                                         state=state))
    return "\n".join(lines)
