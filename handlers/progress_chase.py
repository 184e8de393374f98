"""Chasing reports: a JobQueue job that reminds bound chats of their unreported rows before the due date,
and after it sends the office's chat the list of units that have not reported.

Planning is knowledge/progress/chase.py (the reminders' planner: workdays, quiet hours, grace); sending is
the reminders' own Deliverer (handlers/delivery.py) with the chase's texts: pacing, claim before send,
429s waited out or given back to a later run, refusals pausing the chat, a send in flight when the process
dies left `unknown` — one delivery path, recorded in the reminders' sent log under "<key>:progress".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.progress import messages as pm
from bot.progress import render as pr
from bot.progress.runtime import local, reporting_for
from bot.reminders.render import Page
from bot.runtime import Runtime
from handlers import Context
from handlers.delivery import Deliverer, DeliveryOptions, instance_id, now_of, options_from
from knowledge.progress.chase import OfficeChase, UnitChase, log_document, office_chases, unit_chases
from knowledge.progress.status import period_status
from knowledge.reminders.plan import ChatDigest
from knowledge.reminders.store import drop_recorded

log = logging.getLogger(__name__)
JOB_NAME = "progress:chase"


@dataclass
class ChaseReport:
    """What one run sent."""

    units: int = 0
    office: int = 0
    failed: int = 0
    chats: list[int] = field(default_factory=list)


class ChaseDeliverer(Deliverer):
    """The reminders' Deliverer, planning the chase's digests and writing the chase's texts."""

    def __init__(self, bot: Bot, runtime: Runtime, office_chat: int | None, *, instance: str,
                 options: DeliveryOptions) -> None:
        super().__init__(bot, runtime.knowledge, runtime.catalog, runtime.settings, instance=instance,
                         options=options, log_key=log_document(runtime.catalog.key))
        self.runtime, self.office_chat = runtime, office_chat
        self.instant: datetime | None = None
        self.units: dict[int, UnitChase] = {}
        self.offices: dict[int, OfficeChase] = {}
        self.sent: dict[int, int] = {}  # chat id → messages sent in this run

    def pending(self, instant: datetime) -> list[ChatDigest]:
        runtime, reporting = self.runtime, reporting_for(self.runtime)
        self.instant = instant
        with runtime.knowledge.sessions() as session:
            units = unit_chases(session, reporting, self.policy, instant)
            offices = office_chases(reporting, self.policy, instant, self.office_chat)
            self.units = {c.digest.chat_id: c for c in units}
            self.offices = {c.chat_id: c for c in offices}
            digests = [c.digest for c in units]
            digests += [ChatDigest(c.chat_id, "group", [c.row], c.row.scheduled.date() if c.row.scheduled
                                   else instant.date()) for c in offices]
            return drop_recorded(session, self.log_key, digests)

    def pages(self, digest: ChatDigest) -> list[Page]:
        assert self.instant is not None, "pages() follows pending()"
        instant, rows = self.instant, tuple(digest.rows)
        office = self.offices.get(digest.chat_id)
        if office is not None and all(r.id == office.row.id for r in rows):
            with self.runtime.knowledge.sessions() as session:
                status = period_status(session, reporting_for(self.runtime), office.period, instant,
                                       configured_default=self.settings.default_deadline)
            return [Page(pr.office_text(status, instant.date()), rows)]
        chase = self.units[digest.chat_id]
        text = pr.remind_text("、".join(chase.units), chase.period, rows[0].deadline, instant.date(),
                              [self.catalog.by_id[r.id] for r in rows])
        return [Page(text, rows)]

    def markup(self, digest: ChatDigest) -> InlineKeyboardMarkup | None:
        if digest.chat_id in self.units and digest.rows[0].id in self.catalog.by_id:
            return InlineKeyboardMarkup([[InlineKeyboardButton(pm.REPORT_BUTTON, callback_data="pg:l")]])
        return None


class Chaser:
    """One process's chasing: a ChaseDeliverer run, never two at once."""

    def __init__(self, runtime: Runtime, office_chat: int | None, options: DeliveryOptions | None = None) -> None:
        self.runtime = runtime
        self.office_chat = office_chat
        self.options = options or options_from(runtime.settings)
        self.instance = instance_id()
        self._lock = asyncio.Lock()

    async def run(self, bot: Bot, instant: datetime) -> ChaseReport:
        report = ChaseReport()
        if self._lock.locked():
            return report
        async with self._lock:
            instant = local(self.runtime, instant)
            deliverer = ChaseDeliverer(bot, self.runtime, self.office_chat, instance=self.instance,
                                       options=self.options)
            sent = await deliverer.run(instant)
            for chat_id in sent.chats:
                report.chats.append(chat_id)
                if chat_id in deliverer.units:
                    report.units += 1
                else:
                    report.office += 1
            report.failed = sent.failed + len(sent.in_doubt)
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
