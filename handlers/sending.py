"""Getting every reply out, in order: one chat's updates are handled one after another, and a send that
Telegram throttles waits exactly as long as `retry_after` says and tries again, however often it takes.

- `ChatOrderedProcessor` (PTB's update processor): updates of different chats run concurrently, those
  of one chat in arrival order, so twenty questions pasted at once get twenty answers in question
  order. A chat waiting for its turn holds no worker slot, so one busy chat never starves the others.
- `PatientLimiter` (PTB's rate limiter): keeps sends under Telegram's broadcast limits (30 messages a
  second overall, 20 a minute per group, counted over a sliding window as Telegram does) and, on a 429,
  pauses the chat it came from for `retry_after` and sends again. It never gives up on a 429 unless the
  caller asks for a bound with `rate_limit_args` (reminder delivery does: it gives the claim back and a
  later run sends the digest).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

# Telegram's documented limits, with a margin: the server stamps a message when it arrives, a little
# after this process counted it.
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
WINDOW_MARGIN = 0.25
RETRY_MARGIN = 0.05
# Methods that post a new message and so count against the broadcast limits (edits and answers do not).
_COUNTED = frozenset({"sendmessage", "senddocument", "sendphoto", "copymessage", "forwardmessage"})
# Chats whose order lock is kept around; idle locks beyond this are forgotten.
_KEPT_LOCKS = 4096


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's `retry_after` in seconds (PTB 22 warns that the int form is deprecated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_of(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within one chat (inline queries and the like run freely)."""

    def __init__(self, workers: int) -> None:
        # The base class's semaphore only bounds waiting tasks; `_workers` bounds the ones running.
        super().__init__(max_concurrent_updates=max(workers * 64, 256))
        self._workers = asyncio.BoundedSemaphore(workers)
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
            if len(self._locks) > _KEPT_LOCKS:
                for key in [k for k, old in self._locks.items() if not old.locked()][: len(self._locks) - _KEPT_LOCKS]:
                    del self._locks[key]
        self._locks.move_to_end(chat_id)
        return lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._workers:
                await coroutine
            return
        # asyncio locks wake waiters first come, first served: the chat's updates run in arrival order.
        async with self._lock(chat.id), self._workers:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class PatientLimiter(BaseRateLimiter[int]):
    """Sliding-window pacing under Telegram's limits, and 429s ridden out for as long as they last."""

    def __init__(self, overall_per_second: int = OVERALL_PER_SECOND, group_per_minute: int = GROUP_PER_MINUTE,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._overall = (deque[float](), overall_per_second, 1.0 + WINDOW_MARGIN)
        self._group_limit = group_per_minute
        self._groups: dict[int, deque[float]] = {}
        self._paused: dict[int | None, float] = {}  # chat (None: every chat) → monotonic time it may send again
        self._sleep = sleep
        self.retries = 0  # 429s ridden out since start (a figure for logs and tests)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    def _wait_for(self, chat_id: int | None, counted: bool, now: float) -> float:
        """Seconds until this request may go; 0 means go now (and its slot is taken)."""
        wait = max(self._paused.get(None, 0.0), self._paused.get(chat_id, 0.0)) - now
        windows = [self._overall] if counted else []
        if counted and chat_id is not None and chat_id < 0:
            if chat_id not in self._groups and len(self._groups) > _KEPT_LOCKS:
                self._groups = {k: v for k, v in self._groups.items() if v and v[-1] > now - 61.0}
            windows.append((self._groups.setdefault(chat_id, deque()), self._group_limit, 60.0 + WINDOW_MARGIN))
        for times, limit, span in windows:
            while times and times[0] <= now - span:
                times.popleft()
            if len(times) >= limit:
                wait = max(wait, times[0] + span - now)
        if wait <= 0:
            # Checked and taken without an await in between, so concurrent senders never overbook.
            for times, _, _ in windows:
                times.append(now)
        return wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _chat_of(data.get("chat_id"))
        counted = endpoint.lower() in _COUNTED
        attempts = 0
        while True:
            while (wait := self._wait_for(chat_id, counted, time.monotonic())) > 0:
                await self._sleep(wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                attempts += 1
                if rate_limit_args is not None and attempts > rate_limit_args:
                    raise
                seconds = retry_seconds(error) + RETRY_MARGIN
                self.retries += 1
                # A chat's flood wait holds back only that chat; one without a chat holds back all.
                now = time.monotonic()
                if len(self._paused) > _KEPT_LOCKS:  # forget pauses that are over
                    self._paused = {k: v for k, v in self._paused.items() if v > now}
                self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), now + seconds)
                log.info("Telegram asked to wait %.1f s before %s to chat %s (attempt %d); waiting",
                         seconds, endpoint, chat_id, attempts)
