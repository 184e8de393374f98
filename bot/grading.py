"""CONTRACT §3's grading of one answer, shared by the dev-set test and `duban eval`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Grade:
    correct: bool
    recall: float
    precision: float
    problems: tuple[str, ...]


def grade(gold: dict[str, Any], got: dict[str, Any]) -> Grade:
    """Correct when every required ID is there, nothing outside required ∪ allowed, and the strings appear."""
    required = set(gold.get("required", []))
    allowed = required | set(gold.get("allowed", []))
    ids = [item["id"] for item in got.get("items", [])]
    answer = got.get("answer") or ""
    problems = []
    if missing := sorted(required - set(ids)):
        problems.append(f"missing {missing}")
    if extra := sorted(set(ids) - allowed):
        problems.append(f"extra {extra}")
    # As the reference grader (CONTRACT §3): whitespace never decides ("2000 套" contains "2000套").
    squeezed = "".join(answer.split())
    if lacking := [s for s in gold.get("answer_must_contain", []) if "".join(s.split()) not in squeezed]:
        problems.append(f"answer lacks {lacking}")
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    recall = 1.0 if not required else len(required & set(ids)) / len(required)
    precision = 1.0 if not ids else len(set(ids) & allowed) / len(ids)
    return Grade(not problems, recall, precision, tuple(problems))
