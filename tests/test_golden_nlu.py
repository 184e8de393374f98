"""Golden language files: sentences → intent, slots and rows; one generated test per file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.pipeline import Duban
from bot.render import render_text

FILES = sorted((Path(__file__).parent / "golden" / "nlu").glob("*.toml"))


def check(duban: Duban, case: dict[str, Any]) -> list[str]:
    """What is wrong with the answer to one case (empty when right)."""
    answer = duban.ask(case["q"])
    query = answer.query
    ids = [r.row.id for r in answer.rows]
    text = render_text(answer)
    problems: list[str] = []
    expect = {"intent": answer.intent, "units": query.units, "leaders": query.leaders, "kind": query.kind,
              "role": query.role}
    for key, got in expect.items():
        if key in case and case[key] != got:
            problems.append(f"{key}: expected {case[key]!r}, got {got!r}")
    if "items" in case and sorted(case["items"]) != sorted(ids):
        problems.append(f"items: expected {sorted(case['items'])}, got {sorted(ids)}")
    if missing := [i for i in case.get("contains", []) if i not in ids]:
        problems.append(f"missing {missing}")
    if present := [i for i in case.get("absent", []) if i in ids]:
        problems.append(f"should not list {present}")
    if "count" in case and case["count"] != len(ids):
        problems.append(f"count: expected {case['count']}, got {len(ids)}")
    if lacking := [s for s in case.get("answer", []) if s not in text]:
        problems.append(f"answer lacks {lacking}")
    if wrong := [s for s in case.get("not_in_answer", []) if s in text]:
        problems.append(f"answer should not say {wrong}")
    return problems


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_golden_file(duban: Duban, path: Path) -> None:
    cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
    failures = [f"{case['q']!r}: {'; '.join(problems)}" for case in cases if (problems := check(duban, case))]
    assert not failures, f"{len(failures)} of {len(cases)} sentences wrong:\n" + "\n".join(failures)
