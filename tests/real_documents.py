"""The real documents of tests/data/real/: read each, compare its rows with the expected ones, answer its questions.

Shared by tests/test_real_documents.py and `python -m tests.real_documents` (prints the score).
"""

from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from documents_support import imported

from bot.evaluate import evaluate
from knowledge.ingest import Document, read_document

DATA = Path(__file__).resolve().parent / "data"
# tests/data/real/ was tuned on; every real-holdout*/ set was gathered blind after the reader was tuned, graded once for
# an honest first-time figure (its README), then kept as regression documents like the others.
SETS = sorted(p for p in DATA.glob("real*") if p.is_dir())


def folders_in(sets: list[Path]) -> dict[str, Path]:
    """Every document folder (one with a source.txt) of the given sets, by slug."""
    return {p.name: p for base in sets for p in sorted(base.iterdir()) if (p / "source.txt").exists()}


FOLDERS = folders_in(SETS)
KNOWN_FAILURES = Path(__file__).resolve().parent / "golden" / "known_failures.toml"
SLUGS = sorted(FOLDERS)
FIELDS = ("text", "lead", "support", "responsible", "leaders", "deadline")


def known_failures() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """[real.rows] slug = why; [real.questions.slug] question = why."""
    data: dict[str, Any] = tomllib.loads(KNOWN_FAILURES.read_text(encoding="utf-8")).get("real", {})
    return dict(data.get("rows", {})), {k: dict(v) for k, v in data.get("questions", {}).items()}


def rows_of(document: Document) -> list[tuple[str, dict[str, Any]]]:
    """(row ID, the expected-row shape) for every row, in document order."""
    rows: list[tuple[int, str, dict[str, Any]]] = []
    for task in document.key_tasks:
        rows.append((task.line, task.code, _shape(task.text, task.units, task.details.leaders,
                                                  task.details.deadline)))
    for item in document.livelihood:
        rows.append((item.line, item.code, _shape(item.text, item.units or [], item.details.leaders,
                                                  item.details.deadline)))
    return [(code, shape) for _line, code, shape in sorted(rows, key=lambda r: r[0])]


def _shape(text: str, units: Any, leaders: list[str], deadline: str) -> dict[str, Any]:
    return {"text": text, "lead": [u.name for u in units if u.part == "lead"],
            "support": [u.name for u in units if u.part == "support"],
            "responsible": [u.name for u in units if u.part == "responsible"],
            "leaders": list(leaders), "deadline": deadline or None}


def expected_rows(slug: str) -> list[dict[str, Any]]:
    data = json.loads((FOLDERS[slug] / "expected.json").read_text(encoding="utf-8"))
    return [{field: row.get(field) for field in FIELDS} for table in data["tables"] for row in table["rows"]]


def questions(slug: str) -> list[dict[str, Any]]:
    lines = (FOLDERS[slug] / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Result:
    slug: str
    rows_right: int
    rows_total: int
    row_problems: list[str]
    questions_right: int
    questions_total: int
    question_problems: dict[str, str]
    error: str = ""


def check(slug: str) -> Result:
    """Read, compare rows, import and answer the questions."""
    expected = expected_rows(slug)
    golds = questions(slug)
    try:
        document = read_document(FOLDERS[slug] / "source.txt", key=slug)
    except Exception as error:  # a reader failure is this document's score, not the run's end
        return Result(slug, 0, len(expected), [str(error)], 0, len(golds), {g["q"]: "not imported" for g in golds},
                      str(error))
    got = rows_of(document)
    problems = []
    right = 0
    for index, want in enumerate(expected):
        have = got[index][1] if index < len(got) else None
        if have == want:
            right += 1
        else:
            diff = {f: (have.get(f) if have else None, want[f]) for f in FIELDS if not have or have.get(f) != want[f]}
            problems.append(f"row {index + 1}: " + "; ".join(f"{f}: got {g!r}, want {w!r}" for f, (g, w) in diff.items()))
    if len(got) > len(expected):
        problems.append(f"{len(got) - len(expected)} extra row(s): {[s['text'][:20] for _c, s in got[len(expected):]]}")
    ids = [code for code, _shape in got]
    with tempfile.TemporaryDirectory() as folder:
        duban = imported(FOLDERS[slug] / "source.txt", slug, Path(folder))
        graded = [{"q": g["q"], "required": [ids[r - 1] for r in g["rows"] if r - 1 < len(ids)],
                   "allowed": [], "answer_must_contain": g["must_contain"]} for g in golds]
        report = evaluate(duban, graded)
    failures = {question: "; ".join(problems) for question, _kind, problems in report.failures}
    return Result(slug, right, len(expected), problems, len(golds) - len(failures), len(golds), failures)


def main() -> None:
    """`python tests/real_documents.py [-v] [SET_FOLDER ...]`: every set here, or only the sets named (a blind set
    kept outside the repository is graded this way before anyone reads it)."""
    named = [Path(arg).resolve() for arg in sys.argv[1:] if not arg.startswith("-")]
    if named:
        FOLDERS.clear()
        FOLDERS.update(folders_in(named))
    results = [check(slug) for slug in sorted(FOLDERS)]
    rows = sum(r.rows_right for r in results), sum(r.rows_total for r in results)
    asked = sum(r.questions_right for r in results), sum(r.questions_total for r in results)
    whole = sum(r.rows_right == r.rows_total and not r.row_problems for r in results)
    for r in results:
        print(f"{r.slug:36} rows {r.rows_right}/{r.rows_total}  questions {r.questions_right}/{r.questions_total}"
              + (f"  ERROR {r.error[:80]}" if r.error else ""))
        if "-v" in sys.argv:
            for problem in r.row_problems:
                print("    ", problem[:300])
            for question, why in r.question_problems.items():
                print("     Q", question, "→", why[:200])
    print(f"rows exactly right {rows[0]}/{rows[1]}, questions right {asked[0]}/{asked[1]}, "
          f"documents whole {whole}/{len(results)}")


if __name__ == "__main__":
    main()
