"""Several processes on one database: a parallel start on an empty database and parallel imports of one key
all succeed (SQLite, and PostgreSQL under scripts/with-postgres) — the schema, the bundled import and each
import run under a database lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from knowledge.bootstrap import open_knowledge
from knowledge.models import DocumentRecord, Item
from knowledge.vocabulary import BUNDLED_DOCUMENT

DUBAN = str(Path(sys.executable).with_name("duban"))
PROCESSES = 4


def _env(database_url: str, tmp_path: Path, index: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUBAN_")}
    env.update(DUBAN_DATABASE_URL=database_url, DUBAN_DATA_DIR=str(tmp_path / f"data{index}"))
    return env


def _parallel(database_url: str, tmp_path: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    started = [subprocess.Popen([DUBAN, *command], env=_env(database_url, tmp_path, index), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for index, command in enumerate(commands)]
    results = []
    for process in started:
        out, err = process.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _documents(database_url: str) -> dict[str, int]:
    base = open_knowledge(database_url, bundled=False)
    try:
        with base.sessions() as session:
            counts = dict(session.execute(select(Item.document_id, func.count()).group_by(Item.document_id)).all())
            return {record.key: counts.get(record.id, 0) for record in session.scalars(select(DocumentRecord))}
    finally:
        base.close()


def test_parallel_start_and_imports(database_url: str, tmp_path: Path) -> None:
    started = _parallel(database_url, tmp_path, [["docs"]] * PROCESSES)
    assert [r.returncode for r in started] == [0] * PROCESSES, [r.stderr for r in started]
    assert all("lucheng-2023" in r.stdout for r in started)
    assert _documents(database_url) == {"lucheng-2023": 176}

    copy = tmp_path / "copy.txt"
    copy.write_bytes(BUNDLED_DOCUMENT.read_bytes())
    keys = ["same", "same", "same", "other"]
    imported = _parallel(database_url, tmp_path, [["import", str(copy), "--key", key] for key in keys])
    assert [r.returncode for r in imported] == [0] * PROCESSES, [r.stderr for r in imported]
    assert not any("Traceback" in r.stderr for r in imported)
    assert _documents(database_url) == {"lucheng-2023": 176, "same": 176, "other": 176}
