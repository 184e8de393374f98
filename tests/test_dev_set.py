"""The graded example questions, and our own paraphrases of every type, answered in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluate import evaluate, read_gold
from bot.pipeline import Duban

GOLDEN = Path(__file__).parent / "golden"


# The graded examples, and our own sets: written blind by people who had not seen the parser, graded,
# then kept; the hard set (combined conditions, loose wording of figures) has a lower floor.
FLOORS = {"dev.jsonl": 0.98, "paraphrases.jsonl": 0.97, "holdout.jsonl": 0.97, "holdout3.jsonl": 0.97,
          "holdout4.jsonl": 0.97, "holdout5.jsonl": 0.95, "holdout6.jsonl": 0.97, "holdout7.jsonl": 0.97,
          "holdout8-hard.jsonl": 0.85, "holdout9.jsonl": 0.97,
          "holdout10.jsonl": 0.97, "holdout11.jsonl": 0.97}


@pytest.mark.parametrize(("name", "minimum"), FLOORS.items(), ids=list(FLOORS))
def test_gold_file_accuracy(duban: Duban, name: str, minimum: float) -> None:
    path = GOLDEN / name
    report = evaluate(duban, read_gold(path))
    assert report.accuracy >= minimum, "\n".join(report.lines(show=50))
