"""Reminder and subscription texts: digests and deadline lists as Telegram HTML pages (≤ 4096) or plain text.

Every user-facing Chinese string of the reminders feature lives here, beside the code that lays it out.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from knowledge.catalog import Catalog
from knowledge.reminders.deadlines import Deadline, row_sort_key
from knowledge.reminders.plan import ChatDigest, DueRow
from knowledge.reminders.subscriptions import SubscriptionInfo, Target

TELEGRAM_LIMIT = 4096
_WEEKDAYS = "一二三四五六日"
_SNIPPET = 60

SUB_USAGE = ("用法：/sub 单位、区领导或任务编号，例如\n/sub 区民政局\n/sub 伍国军\n/sub K5-12\n"
             "/sub 全部（订阅全部工作）")
SUBSCRIBED = "已订阅 {targets}，共 {n} 项工作。"
ALREADY = "本聊天已订阅 {targets}。"
RESUMED = "已恢复本聊天暂停的提醒。"
POLICY = "提醒时间：{steps}的 {time}{shift}；同一天的提醒合并为一条。"
SHIFTED = "（遇周末、节假日提前到前一个工作日）"
GROUPS_HINT = "写给“{groups}”等的工作未包括在内，如需提醒请另外订阅。"
UNSUBSCRIBED = "已取消订阅 {targets}。"
UNSUBSCRIBED_ALL = "已取消本聊天的全部 {n} 个订阅。"
NOT_SUBSCRIBED = "本聊天没有订阅 {targets}。"
NO_SUBS = "本聊天还没有订阅。发送 /sub 区民政局 之类的命令订阅期限提醒。"
MYSUBS = "本聊天的订阅（点按钮取消）："
PAUSED = "（已暂停：{reason}；发送 /sub 即可恢复）"
UNKNOWN_NAME = "没有找到“{name}”对应的单位、区领导或任务编号。"
NAME_HINT = "要订阅某一项工作，可以先提问（例如“老年食堂谁管？”）查到任务编号，再发送 /sub 编号。"
UNKNOWN_ROW = "文件中没有任务编号 {row}。{hint}"
ROW_RANGE = "现有编号为 {first} 至 {last}。"
AMBIGUOUS = "“{name}”可能指：{options}。请写出完整名称。"
DID_YOU_MEAN = "您是不是要找：{options}"
STALE = "这个按钮已经失效了，请重新发送 /mysubs。"
GROUP_ONLY_ADMINS = "抱歉，只有本群的管理员可以更改本群的订阅。您可以私聊我订阅自己的提醒。"
ADMINS_ONLY = "抱歉，只有督办管理员可以设置任务期限。"
DEADLINE_USAGE = ("用法：/deadline 任务编号 日期 [阶段说明]，例如\n/deadline K5-12 2023-06-30 完成过半\n"
                  "/deadline K5-12 6月底前\n/deadline K5-12 清除（恢复为默认期限）")
DEADLINE_SET = "已设置 {row} 的期限：{due}{milestone}。"
DEADLINE_REPLACED = "已更新 {row} 的期限：{due}{milestone}。"
DEADLINE_CLEARED = "已清除 {row} 的 {n} 个管理员期限，恢复使用{fallback}。"
DEADLINE_BAD = "无法识别期限：{error}"
DEADLINES_EMPTY = "本聊天订阅的工作目前没有期限。"
DEADLINES_HEAD = "<b>本聊天订阅工作的期限</b>（截至 {today}）"
OVERDUE_HEAD = "<b>已逾期 {n} 项</b>"
UPCOMING_HEAD = "<b>即将到期 {n} 项</b>"
MORE = "……另有 {n} 项未列出"
SOURCE = {"admin": "管理员设定", "schedule": "进度表", "default": "默认期限"}
DIGEST_HEAD = "⏰ <b>督办提醒</b> · {day}"
DIGEST_INTRO = "您订阅的 {n} 项工作临近期限或已逾期："
DIGEST_CONTINUED = "（续 {page}/{pages}）"
DIGEST_LATE = "<i>本提醒原定 {when} 发出，因服务中断延迟送达。</i>"
DIGEST_FOOTER = "/deadlines 查看全部期限 · /mysubs 管理订阅"
STEP_BEFORE = "还有 {n} 天到期（{due}）"
STEP_TODAY = "今天到期（{due}）"
STEP_OVERDUE = "已逾期 {n} 天（{due}到期）"


def cn_date(day: date, weekday: bool = False) -> str:
    """2023年12月1日（周五）."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}（周{_WEEKDAYS[day.weekday()]}）" if weekday else text


def policy_text(days_before: Sequence[int], overdue_days: Sequence[int], send_time: str, shift: bool) -> str:
    """提醒时间：期限前 30、7、1 天、到期当天和逾期后 1 天的 09:00 …."""
    before = sorted((d for d in days_before if d > 0), reverse=True)
    parts = [f"期限前 {'、'.join(map(str, before))} 天"] if before else []
    if 0 in days_before:
        parts.append("到期当天")
    if overdue_days:
        parts.append(f"逾期后 {'、'.join(map(str, sorted(overdue_days)))} 天")
    steps = "、".join(parts[:-1]) + ("和" if len(parts) > 1 else "") + parts[-1] if parts else "—"
    return POLICY.format(steps=steps, time=send_time, shift=SHIFTED if shift else "")


def step_label(days_before: int, due: date) -> str:
    """How far a deadline is (in calendar days): 还有 30 天到期 / 今天到期 / 已逾期 2 天."""
    shown = f"{due.month}月{due.day}日"
    if days_before > 0:
        return STEP_BEFORE.format(n=days_before, due=shown)
    if days_before == 0:
        return STEP_TODAY.format(due=shown)
    return STEP_OVERDUE.format(n=-days_before, due=shown)


def target_list(targets: Iterable[Target]) -> str:
    return "、".join(t.label for t in targets)


def row_line(catalog: Catalog, row_id: str, milestone: str = "", *, markup: bool = True) -> str:
    """• K5-7（五-7）新改建老年食堂… 牵头：区民政局；阶段：完成过半."""
    esc: Callable[[str], str] = html.escape if markup else str
    row = catalog.by_id.get(row_id)
    code = f"<b>{esc(row_id)}</b>" if markup else row_id
    if row is None:
        return f"• {code}" + (f" 阶段：{esc(milestone)}" if milestone else "")
    text = row.text if len(row.text) <= _SNIPPET else row.text[:_SNIPPET] + "…"
    extra = []
    if row.lead_units:
        leads = row.lead_units[:3]
        extra.append("牵头：" + "、".join(leads) + ("等" if len(row.lead_units) > 3 else ""))
    if milestone:
        extra.append("阶段：" + milestone)
    tail = f"\n  {esc('；'.join(extra))}" if extra else ""
    return f"• {code}（{esc(row.label)}）{esc(text)}{tail}"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class Page:
    """One message: its text and the digest rows it carries (marked sent when it is)."""

    text: str
    rows: tuple[DueRow, ...]


def paginate(head: str, blocks: Sequence[tuple[str, Sequence[DueRow]]], foot: str,
             limit: int = TELEGRAM_LIMIT) -> list[Page]:
    """Fill pages with whole blocks (a row never splits); continuation pages repeat the head."""
    reserve = _utf16(head) + _utf16(foot) + _utf16(DIGEST_CONTINUED.format(page=99, pages=99)) + 8
    chunks: list[list[tuple[str, Sequence[DueRow]]]] = [[]]
    size = reserve
    for block in blocks:
        length = _utf16(block[0]) + 1
        if chunks[-1] and size + length > limit:
            chunks.append([])
            size = reserve
        chunks[-1].append(block)
        size += length
    pages = []
    for n, chunk in enumerate(chunks, 1):
        title = head + (DIGEST_CONTINUED.format(page=n, pages=len(chunks)) if len(chunks) > 1 else "")
        body = "\n".join(text for text, _ in chunk)
        text = "\n".join(part for part in (title, body, foot if n == len(chunks) else "") if part)
        pages.append(Page(text[:limit], tuple(r for _, rows in chunk for r in rows)))
    return pages


def render_digest(digest: ChatDigest, catalog: Catalog, *, markup: bool = True,
                  limit: int = TELEGRAM_LIMIT) -> list[Page]:
    """The day's digest for one chat, grouped by how near the deadline is, split at row boundaries."""
    esc: Callable[[str], str] = html.escape if markup else str
    # Quiet hours may carry a reminder day's digest to the next morning: date it by when it goes out.
    sent_on = {r.id: r.scheduled.date() if r.scheduled is not None else digest.day for r in digest.rows}
    head = DIGEST_HEAD.format(day=cn_date(min(sent_on.values(), default=digest.day), weekday=True))
    if not markup:
        head = head.replace("<b>", "").replace("</b>", "")
    head += "\n" + DIGEST_INTRO.format(n=len(digest.rows))
    blocks: list[tuple[str, Sequence[DueRow]]] = []
    groups: dict[tuple[int, date], list[DueRow]] = {}
    # Say how far the deadline really is on the day the message goes out: a step moved off a weekend
    # (the 0-day step of a Sunday deadline goes out on Friday) must not claim "today".
    for row in sorted(digest.rows, key=lambda r: (r.deadline - sent_on[r.id], row_sort_key(r.id))):
        groups.setdefault(((row.deadline - sent_on[row.id]).days, row.deadline), []).append(row)
    for (distance, due), rows in groups.items():
        heading = step_label(distance, due)
        heading = f"\n<b>{esc(heading)}</b>" if markup else f"\n【{heading}】"
        for n, row in enumerate(rows):
            line = row_line(catalog, row.id, row.milestone, markup=markup)
            blocks.append((f"{heading}\n{line}" if n == 0 else line, (row,)))
    late = [r for r in digest.rows if r.late and r.scheduled is not None]
    foot = ""
    if late:
        scheduled = min(r.scheduled for r in late if r.scheduled is not None)
        when = f"{scheduled.month}月{scheduled.day}日 {scheduled:%H:%M}"
        note = DIGEST_LATE.format(when=when)
        foot = "\n" + (note if markup else note.replace("<i>", "").replace("</i>", ""))
    foot += "\n" + DIGEST_FOOTER
    return paginate(head, blocks, foot, limit)


def render_deadlines(catalog: Catalog, deadlines: dict[str, list[Deadline]], today: date, *,
                     max_lines: int = 40, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """/deadlines: overdue first (most overdue first), then upcoming by date; long lists are cut."""
    items = [d for row_deadlines in deadlines.values() for d in row_deadlines]
    if not items:
        return [DEADLINES_EMPTY]
    overdue = sorted((d for d in items if d.due < today), key=lambda d: (d.due, row_sort_key(d.row_id)))
    upcoming = sorted((d for d in items if d.due >= today), key=lambda d: (d.due, row_sort_key(d.row_id)))
    blocks: list[tuple[str, Sequence[DueRow]]] = []
    shown = 0
    for title, group in ((OVERDUE_HEAD, overdue), (UPCOMING_HEAD, upcoming)):
        if not group or shown >= max_lines:
            continue
        blocks.append(("\n" + title.format(n=len(group)), ()))
        for item in group[: max_lines - shown]:
            line = row_line(catalog, item.row_id, item.milestone)
            blocks.append((f"{line}\n  期限：{cn_date(item.due)}（{SOURCE[item.source]}）", ()))
            shown += 1
    if len(items) > shown:
        blocks.append((MORE.format(n=len(items) - shown), ()))
    return [page.text for page in paginate(DEADLINES_HEAD.format(today=cn_date(today)), blocks, "", limit)]


def render_subscriptions(subs: Sequence[SubscriptionInfo], counts: dict[int, int]) -> str:
    """/mysubs' text: one line per subscription with its row count and pause state."""
    if not subs:
        return NO_SUBS
    lines = [MYSUBS]
    for n, sub in enumerate(subs, 1):
        state = PAUSED.format(reason=html.escape(sub.paused_reason or "对方已屏蔽机器人")) if sub.paused else ""
        lines.append(f"{n}. {html.escape(sub.target.label)}（{counts.get(sub.id, 0)} 项）{state}")
    return "\n".join(lines)
