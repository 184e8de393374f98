"""Every gold file, answered in-process: each question must pass except those named, with a reason, in
tests/golden/known_failures.toml. A new failure fails the file's test with the question and what differs;
a listed question that passes again (or left its file) fails it too, so the list stays honest.

Gold files are found, not listed: a new `tests/golden/**/*.jsonl` is graded the day it lands.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.evaluate import evaluate, gold_name, read_gold
from bot.pipeline import Duban

GOLDEN = Path(__file__).parent / "golden"
KNOWN_FAILURES = GOLDEN / "known_failures.toml"
FILES = sorted(GOLDEN.rglob("*.jsonl"))


def _known() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(file → question → reason, directory → reason) from the known-failures file."""
    data: dict[str, Any] = tomllib.loads(KNOWN_FAILURES.read_text(encoding="utf-8"))
    # [real] belongs to tests/test_real_documents.py (the real documents of tests/data/real/).
    if unknown := set(data) - {"questions", "unsupported", "real"}:
        raise ValueError(f"{KNOWN_FAILURES.name}: unknown tables {sorted(unknown)}")
    return data.get("questions", {}), data.get("unsupported", {})


KNOWN, UNSUPPORTED = _known()


def _name(path: Path) -> str:
    return path.relative_to(GOLDEN).as_posix()


def test_known_failures_name_existing_files() -> None:
    names = {_name(path) for path in FILES}
    assert not (stale := sorted(set(KNOWN) - names)), f"{KNOWN_FAILURES.name} lists files that do not exist: {stale}"
    for name, questions in KNOWN.items():
        assert all(isinstance(reason, str) and reason.strip() for reason in questions.values()), \
            f"{KNOWN_FAILURES.name}: every question of {name} needs a reason"


@pytest.mark.parametrize("path", FILES, ids=[_name(path) for path in FILES])
def test_gold_file(duban: Duban, path: Path) -> None:
    name = _name(path)
    golds = read_gold(path)
    if reason := UNSUPPORTED.get(path.parent.relative_to(GOLDEN).as_posix()):
        pytest.skip(f"{name}: {reason}")
    # Lines with `turns` are one conversation each, graded per turn where `per_turn` is given (bot/evaluate.py).
    known = KNOWN.get(name, {})
    report = evaluate(duban, golds)
    failed = {question for question, _kind, _problems in report.failures}
    new = [f"FAIL [{kind}] {question}\n     {'; '.join(problems)}"
           for question, kind, problems in report.failures if question not in known]
    asked = {gold_name(gold) for gold in golds}
    fixed = sorted(question for question in known if question in asked and question not in failed)
    gone = sorted(question for question in known if question not in asked)
    message = []
    if new:
        message.append(f"{len(new)} new failure(s) in {name} (fix them, or list each in {KNOWN_FAILURES.name} "
                       "with the reason):\n" + "\n".join(new))
    if fixed:
        message.append(f"now passing, delete from {KNOWN_FAILURES.name} [questions.\"{name}\"]: {fixed}")
    if gone:
        message.append(f"no longer in {name}, delete from {KNOWN_FAILURES.name}: {gone}")
    assert not message, "\n\n".join(message) + "\n\n" + "\n".join(report.lines(show=0))
