"""`duban eval FILE.jsonl`: grade gold questions in-process, as the reference grader does."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.grading import Grade, grade
from bot.pipeline import Duban
from bot.render import to_json


@dataclass
class Report:
    """Exact accuracy, mean recall and precision, per-type tallies and the failures."""

    total: int = 0
    correct: int = 0
    recall: float = 0.0
    precision: float = 0.0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def lines(self, show: int = 20) -> list[str]:
        out = [f"FAIL [{kind}] {q}\n     {'; '.join(why)}" for q, kind, why in self.failures[:show]]
        out.append("by type: " + ", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(self.by_type.items())))
        out.append(f"questions {self.total}  mean recall {self.recall:.3f}  mean precision {self.precision:.3f}")
        out.append(f"exact accuracy {self.accuracy:.3f} ({self.correct}/{self.total})")
        return out


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Gold questions, one JSON object per non-empty line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_name(gold: dict[str, Any]) -> str:
    """How a gold line is named in reports and the known-failures file: its question, or its turns joined."""
    return str(gold["q"]) if "q" in gold else " || ".join(gold["turns"])


def grade_turns(duban: Duban, gold: dict[str, Any]) -> Grade:
    """A conversation line: its turns answered in one fresh conversation; the last reply is graded with the
    top-level fields, and every turn with `per_turn` when the line gives it (all must hold)."""
    from bot.dialogue.engine import Conversation

    chat = Conversation(duban)
    replies = [to_json(chat.reply("gold", turn)) for turn in gold["turns"]]
    final = grade(gold, replies[-1])
    problems = list(final.problems)
    for number, (expected, got) in enumerate(zip(gold.get("per_turn", []), replies, strict=False), start=1):
        if number < len(replies) and not (turn := grade(expected, got)).correct:
            problems += [f"turn {number}: {p}" for p in turn.problems]
    return Grade(not problems, final.recall, final.precision, tuple(problems))


def evaluate(duban: Duban, golds: list[dict[str, Any]]) -> Report:
    """Grade every gold question (and conversation)."""
    from bot.dialogue.engine import Conversation

    alone = Conversation(duban)
    report = Report()
    recalls = precisions = 0.0
    for gold in golds:
        result = grade_turns(duban, gold) if "turns" in gold else grade(gold, to_json(alone.answer(gold["q"])))
        kind = gold.get("type", "?")
        report.by_type[kind][1] += 1
        report.total += 1
        if result.correct:
            report.correct += 1
            report.by_type[kind][0] += 1
        else:
            report.failures.append((gold_name(gold), kind, result.problems))
        recalls += result.recall
        precisions += result.precision
    report.recall = recalls / max(1, report.total)
    report.precision = precisions / max(1, report.total)
    return report
