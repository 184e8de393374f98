"""`duban bench --documents N`: many stored documents, one bot (issue 8's scale targets).

N documents generated from varied templates (benchmarks/documents.py) are stored in a throw-away SQLite
database in a temporary directory (never the configured one); then, in this process, as the bot does:
a chat's repeated questions on its document (p99 target ≤ 5 ms), the first question on a document not yet
in memory (target ≤ 150 ms; loaded from the database, and again from its signed snapshot), and the process's
peak RSS after asking a question of every document with at most `capacity` held (target ≤ 400 MB).
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.documents import generated

TARGETS = {"chat_p99_ms": 5.0, "cold_first_question_ms": 150.0, "peak_rss_mb": 400.0}
QUESTIONS = ("{unit}负责哪些工作", "{unit}牵头哪些工作", "{unit}配合哪些", "{task}谁负责", "{unit}有多少项工作",
             "{unit}负责哪些", "帮助")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _store(url: str, count: int, folder: Path) -> float:
    """Store `count` generated documents through the importer's reader and store; seconds taken."""
    from knowledge.bootstrap import open_knowledge
    from knowledge.ingest import import_document

    started = time.perf_counter()
    base = open_knowledge(url)
    for index in range(count):
        made = generated(index)
        path = folder / f"{made.key}.txt"
        path.write_text(made.text, encoding="utf-8")
        # Each document with its own place's vocabulary, as `duban import` reads it.
        import_document(base.sessions, path, made.key)
        path.unlink()
    base.close()
    return time.perf_counter() - started


def run(count: int = 1000, capacity: int = 32, rounds: int = 2000, seed: int = 8) -> dict[str, Any]:
    """The figures, each with its target, and the database they were measured on."""
    from bot.config import Settings
    from bot.runtime import Runtime

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="duban-bench-docs-") as folder:
        root = Path(folder)
        url = f"sqlite:///{root / 'bench.sqlite3'}"
        stored = _store(url, count, root)
        runtime = Runtime(settings=Settings(data_dir=root / "data", database_url=url, documents_in_memory=capacity))
        library = runtime.library
        keys = [s.key for s in library.shelf()]
        chat = keys[len(keys) // 2]
        catalog = library.duban(chat).catalog
        units = [u for u in catalog.by_unit if catalog.units[u].kind != "group"]
        questions = [q.format(unit=rng.choice(units), task=rng.choice(catalog.rows).text[:6]) for q in QUESTIONS]
        for question in questions:  # the chat's first questions warm its parser's caches
            library.reply("chat:1", question, chat)
        timings, stored_turns = [], []
        for turn in range(rounds):
            question = questions[turn % len(questions)]
            started = time.perf_counter()
            library.answer(question, chat)
            timings.append((time.perf_counter() - started) * 1000)
        for turn in range(min(rounds, 300)):  # with the conversation kept in the database, as Telegram does
            question = questions[turn % len(questions)]
            started = time.perf_counter()
            library.reply("chat:1", question, chat)
            stored_turns.append((time.perf_counter() - started) * 1000)
        cold_db, cold_snapshot = [], []
        for key in rng.sample(keys, 30):  # documents never asked: each loads from the database
            started = time.perf_counter()
            library.answer("财政局负责哪些工作", key)
            cold_db.append((time.perf_counter() - started) * 1000)
        order = list(keys)
        rng.shuffle(order)
        for key in order:  # every document once: at most `capacity` stay loaded
            library.answer("帮助", key)
        for key in rng.sample(keys, 30):  # evicted long ago: reloaded from their signed snapshots
            if key in library.loaded():
                continue
            started = time.perf_counter()
            library.answer("财政局负责哪些工作", key)
            cold_snapshot.append((time.perf_counter() - started) * 1000)
        held = len(library.loaded())
        runtime.knowledge.close()
    return {
        "database": f"a throw-away SQLite database in a temporary directory ({count} generated documents, "
                    f"stored in {stored:.0f} s), not the configured one",
        "load_average": os.getloadavg(),
        "documents": count, "capacity": capacity, "held_after_all": held,
        "chat_p50_ms": statistics.median(timings), "chat_p99_ms": _percentile(timings, 0.99),
        "chat_with_stored_context_ms": {"p50": statistics.median(stored_turns), "p99": _percentile(stored_turns, 0.99)},
        "cold_first_question_ms": {"from_database_p50": statistics.median(cold_db),
                                   "from_database_max": max(cold_db),
                                   "from_snapshot_p50": statistics.median(cold_snapshot) if cold_snapshot else None,
                                   "from_snapshot_max": max(cold_snapshot) if cold_snapshot else None},
        "peak_rss_mb": _rss_mb(),
        "targets": TARGETS,
    }
