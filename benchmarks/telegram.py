"""End-to-end Telegram benchmark: the real Application against the fake Bot API of tests/fakebot.

It needs a source checkout and the dev dependencies: `python -m benchmarks.telegram` run in the repository
root imports the fake as `tests.fakebot` (the working directory is on the module path, and tests/ is a
namespace package). `duban bench` runs it that way, in a child process with the checkout as its working
directory; no module edits sys.path.

Simulated users each ask a question and wait for the reply before asking the next (a closed loop);
latency is from the user's message entering the fake to the bot's reply being stored by it.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot import messages as msg
from bot.app import build_application, polling
from bot.config import Settings
from bot.runtime import Runtime

QUESTIONS = (*msg.EXAMPLES, "区教育局负责哪些工作", "重点工作有多少项", "五-12", "各街镇有哪些任务", "民政局")


def _fake_api() -> Any:
    """The FakeBotApi class from tests/fakebot (a test utility, not part of the installed package)."""
    try:
        from tests.fakebot import FakeBotApi
    except ImportError as error:
        raise RuntimeError("the Telegram benchmark needs a source checkout as the working directory "
                           f"(python -m benchmarks.telegram) and aiohttp (pip install -e '.[dev]'): {error}") from None
    return FakeBotApi


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _run(runtime: Runtime, n: int, users: int, rate_limiter: bool) -> dict[str, float]:
    async with _fake_api()() as fake:
        app = build_application(runtime, token=fake.token, base_url=fake.base_url, rate_limiter=rate_limiter)
        async with polling(app, timeout=1.0):
            people = [fake.add_user(f"U{i}") for i in range(users)]
            chats = [fake.private_chat(user) for user in people]
            latencies: list[float] = []
            counter = iter(range(n))

            async def user_loop(index: int) -> None:
                for number in counter:
                    start = time.perf_counter()
                    await fake.send_text(chats[index], people[index], QUESTIONS[number % len(QUESTIONS)])
                    await fake.wait_for_bot_messages(chats[index], timeout=60)
                    latencies.append(time.perf_counter() - start)

            began = time.perf_counter()
            await asyncio.gather(*(user_loop(i) for i in range(users)))
            elapsed = time.perf_counter() - began
        rejected = len(fake.unexpected_rejections())
    return {
        "messages": float(len(latencies)),
        "users": float(users),
        "msgs_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * _percentile(latencies, 0.99),
        "max_ms": 1000 * max(latencies),
        "rejected": float(rejected),
    }


def bench_telegram(n: int = 200, *, users: int = 10, rate_limiter: bool = True,
                   runtime: Runtime | None = None) -> dict[str, float]:
    """Answer `n` private questions from `users` concurrent users; throughput and reply latency."""
    if runtime is None:
        home = Path(tempfile.mkdtemp(prefix="duban-bench-"))
        runtime = Runtime(settings=Settings(data_dir=home, database_url=f"sqlite:///{home / 'duban.sqlite3'}"))
    return asyncio.run(_run(runtime, n, users, rate_limiter))


def main(argv: list[str] | None = None) -> None:
    """Print figures with Telegram's rate limits applied (as deployed) and without (raw capacity);
    `--json`: one run as deployed (200 questions, 10 users), for `duban bench`."""
    home = Path(tempfile.mkdtemp(prefix="duban-bench-"))
    runtime = Runtime(settings=Settings(data_dir=home, database_url=f"sqlite:///{home / 'duban.sqlite3'}"))
    if "--json" in (sys.argv[1:] if argv is None else argv):
        print(json.dumps(bench_telegram(200, runtime=runtime)))
        return
    for users, limited in ((1, True), (10, True), (1, False), (10, False), (50, False)):
        figures = bench_telegram(200, users=users, rate_limiter=limited, runtime=runtime)
        label = f"users={users} rate_limiter={'on' if limited else 'off'}"
        print(label + ": " + ", ".join(f"{k}={v:.1f}" for k, v in figures.items()))


def run_in_checkout() -> dict[str, Any]:
    """`python -m benchmarks.telegram --json` in a child process whose working directory is the source
    checkout holding this package, so `tests.fakebot` imports; an installed copy has no tests/ to run."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "tests" / "fakebot").is_dir():
        return {"skipped": f"no tests/fakebot next to {root / 'benchmarks'} (an installed copy, not a checkout)"}
    done = subprocess.run([sys.executable, "-m", "benchmarks.telegram", "--json"], cwd=root, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return {"skipped": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


if __name__ == "__main__":
    main()
