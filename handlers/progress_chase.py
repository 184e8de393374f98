"""Chasing reports: a JobQueue job that reminds bound chats of their unreported rows before the due date,
and after it sends the office's chat the list of units that have not reported.

Planning is knowledge/progress/chase.py (the reminders' planner: workdays, quiet hours, grace); every
message is claimed in the reminders' sent log before it goes out and marked after, so a restart or a
second instance never sends it twice (a send in flight when the process dies is left `unknown`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.progress import messages as pm
from bot.progress import render as pr
from bot.progress.runtime import local, reporting_for
from bot.runtime import Runtime
from handlers import Context
from handlers.delivery import instance_id, now_of, utc_now
from knowledge.db import transaction
from knowledge.progress.chase import OfficeChase, UnitChase, log_document, office_chases, unit_chases
from knowledge.progress.status import period_status
from knowledge.reminders import log as rlog
from knowledge.reminders.plan import DueRow
from knowledge.reminders.store import policy_from

log = logging.getLogger(__name__)
JOB_NAME = "progress:chase"


@dataclass
class ChaseReport:
    """What one run sent."""

    units: int = 0
    office: int = 0
    failed: int = 0
    chats: list[int] = field(default_factory=list)


class Chaser:
    """One process's chasing: plan, claim, send, mark — the reminders' exactly-once discipline."""

    def __init__(self, runtime: Runtime, office_chat: int | None) -> None:
        self.runtime = runtime
        self.office_chat = office_chat
        self.instance = instance_id()
        self._lock = asyncio.Lock()

    def _plan(self, instant: datetime) -> tuple[list[UnitChase], list[OfficeChase]]:
        runtime = self.runtime
        reporting = reporting_for(runtime)
        policy = policy_from(runtime.settings.reminders)
        with runtime.knowledge.sessions() as session:
            units = unit_chases(session, reporting, policy, instant)
        return units, office_chases(reporting, policy, instant, self.office_chat)

    def _claim(self, chat_id: int, day: Any, rows: list[DueRow]) -> tuple[list[DueRow], str]:
        document = log_document(self.runtime.catalog.key)
        key = rlog.digest_key(document, chat_id, day, rows)
        with transaction(self.runtime.knowledge.sessions) as session:
            return rlog.claim(session, document, chat_id, day, rows, digest=key, instance=self.instance,
                              now=utc_now()), key

    def _mark(self, chat_id: int, rows: list[DueRow], key: str, message_id: int | None, error: str = "",
              status: str = "failed") -> None:
        document = log_document(self.runtime.catalog.key)
        with transaction(self.runtime.knowledge.sessions) as session:
            if message_id is not None:
                rlog.mark_sent(session, document, chat_id, rows, digest=key, instance=self.instance,
                               message_id=message_id, now=utc_now())
            else:
                rlog.mark_failed(session, document, chat_id, rows, digest=key, instance=self.instance,
                                 error=error[:300], status=status)  # type: ignore[arg-type]

    async def _send(self, bot: Bot, chat_id: int, day: Any, rows: list[DueRow], text_for: Any,
                    markup: InlineKeyboardMarkup | None, report: ChaseReport) -> bool:
        claimed, key = await asyncio.to_thread(self._claim, chat_id, day, rows)
        if not claimed:
            return False
        text = await asyncio.to_thread(text_for, claimed)
        try:
            message = await bot.send_message(chat_id, text, reply_markup=markup)
        except Forbidden as error:
            await asyncio.to_thread(self._mark, chat_id, claimed, key, None, str(error))
            report.failed += 1
            return False
        except TelegramError as error:  # may or may not have arrived: never resent automatically
            await asyncio.to_thread(self._mark, chat_id, claimed, key, None, str(error), "unknown")
            report.failed += 1
            return False
        await asyncio.to_thread(self._mark, chat_id, claimed, key, message.message_id)
        report.chats.append(chat_id)
        return True

    async def run(self, bot: Bot, instant: datetime) -> ChaseReport:
        report = ChaseReport()
        if self._lock.locked():
            return report
        async with self._lock:
            instant = local(self.runtime, instant)
            units, offices = await asyncio.to_thread(self._plan, instant)
            button = InlineKeyboardMarkup([[InlineKeyboardButton(pm.REPORT_BUTTON, callback_data="pg:l")]])
            catalog = self.runtime.catalog
            reporting = reporting_for(self.runtime)
            for chase in units:
                def unit_text(rows: list[DueRow], chase: UnitChase = chase) -> str:
                    due = rows[0].deadline
                    return pr.remind_text("、".join(chase.units), chase.period, due, instant.date(),
                                          [catalog.by_id[r.id] for r in rows])
                if await self._send(bot, chase.digest.chat_id, chase.digest.day, chase.digest.rows, unit_text,
                                    button, report):
                    report.units += 1
            for office in offices:
                def office_text(rows: list[DueRow], office: OfficeChase = office) -> str:
                    with self.runtime.knowledge.sessions() as session:
                        status = period_status(session, reporting, office.period, instant,
                                               configured_default=self.runtime.settings.default_deadline)
                    return pr.office_text(status, instant.date())
                day = office.row.scheduled.date() if office.row.scheduled else instant.date()
                if await self._send(bot, office.chat_id, day, [office.row], office_text, None, report):
                    report.office += 1
        if report.units or report.office or report.failed:
            log.info("progress chasing at %s: %d unit reminder(s), %d office list(s), %d failed",
                     instant.isoformat(), report.units, report.office, report.failed)
        return report


async def _job(context: Context) -> None:
    chaser = context.bot_data.chaser
    if chaser is None:  # schedule() sets it before starting this job
        raise RuntimeError("the progress chase runs without its Chaser")
    await chaser.run(context.bot, now_of(context))


def schedule(application: Any) -> None:
    """Run the chaser every `check_minutes`, and once shortly after start (the catch-up within grace)."""
    from handlers.progress import office_chat

    runtime = application.bot_data.runtime
    application.bot_data.chaser = Chaser(runtime, office_chat(runtime))
    if application.job_queue is None:
        return
    minutes = runtime.settings.reminders.check_minutes
    application.job_queue.run_repeating(_job, interval=timedelta(minutes=minutes), first=timedelta(seconds=7),
                                        name=JOB_NAME, job_kwargs={"max_instances": 1, "coalesce": True})
