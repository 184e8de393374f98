"""Benchmark of progress reporting: 200 units × 176 rows × 4 quarters of history (every unit reports on
every row, supporters included: 140,800 stored reports), then /overview's work and the bulletin export.
Targets (issue 12): /overview ≤ 200 ms, export ≤ 3 s. `python -m benchmarks.progress` prints the figures."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.progress.render import overview_text
from knowledge.bootstrap import open_knowledge
from knowledge.catalog import Catalog, Role, UnitInfo, load_catalog
from knowledge.db import transaction
from knowledge.progress.language import STATUSES
from knowledge.progress.models import ProgressEvent, ProgressReport
from knowledge.progress.periods import Period
from knowledge.progress.settings import ProgressSettings
from knowledge.progress.status import Reporting, period_status
from knowledge.progress.workbook import write_workbook

UNITS = 200
QUARTERS = 4
AS_OF = datetime(2023, 12, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _catalog(base: Catalog, units: int) -> Catalog:
    """The bundled rows, each naming all `units` synthetic units (one lead, the rest supporting)."""
    names = [f"测试单位{n:03d}" for n in range(units)]
    rows = [replace(row, roles=tuple(Role(name, name, n == i % units, False) for n, name in enumerate(names)))
            for i, row in enumerate(base.rows)]
    infos = {name: UnitInfo(name, "department", (name,)) for name in names}
    return Catalog(key=base.key, title=base.title, doc_number=base.doc_number, year=base.year, issued=base.issued,
                   sections=base.sections, rows=rows, units=infos, revision=base.revision)


def bench_progress(units: int = UNITS, rounds: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        knowledge = open_knowledge(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        with knowledge.sessions() as session:
            catalog = _catalog(load_catalog(session), units)
        reporting = Reporting(catalog, replace(ProgressSettings(), include_supporting=True))
        start = time.perf_counter()
        stamp = datetime(2023, 1, 1, tzinfo=UTC)
        n = 0
        for quarter in range(1, QUARTERS + 1):
            period = str(Period(2023, "quarter", quarter))
            values = [{"document": catalog.key, "row_id": d.row.id, "unit": unit, "period": period,
                       "status": STATUSES[(i + quarter) % len(STATUSES)], "percent": (i * 7) % 101,
                       "text": f"第{quarter}季度进展说明{i}", "version": 1, "reported_by": "bench", "chat_id": None,
                       "message_id": None, "reported_at": stamp}
                      for i, d in enumerate(reporting.duties) for unit in (*d.leads, *d.supporters)
                      if quarter < QUARTERS or i % 3]  # the current quarter: a third still missing
            events = [{"at": stamp, "actor": "bench", "action": "report", "document": catalog.key,
                       "unit": v["unit"], "row_id": v["row_id"], "period": period, "status": v["status"],
                       "percent": v["percent"], "text": v["text"], "version": 1, "chat_id": None} for v in values]
            with transaction(knowledge.sessions) as session:
                session.execute(insert(ProgressReport), values)
                session.execute(insert(ProgressEvent), events)
            n += len(values)
        loaded = time.perf_counter() - start
        current = Period(2023, "quarter", QUARTERS)
        overview, export = [], []
        for _ in range(rounds):
            t0 = time.perf_counter()
            with knowledge.sessions() as session:
                status = period_status(session, reporting, current, AS_OF)
            overview_text(status)
            overview.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with knowledge.sessions() as session:
                status = period_status(session, reporting, current, AS_OF)
            write_workbook(status, Path(folder) / "bulletin.xlsx")
            export.append(time.perf_counter() - t0)
        knowledge.close()
    return {"units": units, "rows": len(catalog.rows), "reports stored": n, "load_s": loaded,
            "overview_ms_median": 1000 * statistics.median(overview), "overview_ms_max": 1000 * max(overview),
            "export_s_median": statistics.median(export), "export_s_max": max(export)}


if __name__ == "__main__":
    for key, value in bench_progress().items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
