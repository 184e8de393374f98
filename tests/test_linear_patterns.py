"""No pattern that reads a document line or a question can backtrack over the whole line.

Every compiled pattern of the reader, the language layer and the masking filter is run over 40,000-character
lines built to make a backtracking pattern go quadratic: one character repeated (each character the pattern
names, plus spaces, digits, letters and CJK), after the pattern's literal start. A linear pattern does this
in about a millisecond; the quadratic 文号 pattern this replaced took 4.5 s at 40,000 characters. The bound
below is a hang guard hundreds of times above linear, not a speed target.
"""

from __future__ import annotations

import importlib
import re
import time

import pytest

MODULES = ["knowledge.ingest.text", "knowledge.ingest.general", "knowledge.ingest.cells", "knowledge.ingest.limits", "knowledge.vocabulary", "knowledge.reminders.deadlines",
           "bot.nlu.parse", "knowledge.rowids", "bot.nlu.link", "bot.nlu.normalize", "bot.nlu.segment", "bot.answer",
           "bot.reminders.targets", "bot.failures"]
LENGTH = 40_000
BOUND_SECONDS = 0.5
_BASE = " \t\n\u30001a-K测一〔（"
_SYNTAX = set("\\^$.|?*+()[]{}")


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            values = value if isinstance(value, tuple) else (value,)
            for item in values:
                pattern = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
                    found.append((f"{name}.{attribute}", pattern))
    return found


def _lines(pattern: re.Pattern[str]) -> list[str]:
    source = pattern.pattern
    alphabet = sorted(set(_BASE) | {c for c in source if c not in _SYNTAX and not c.isascii()})
    literal = re.match(r"\^?([^\\^$.|?*+()\[\]{}]*)", source)
    prefix = literal.group(1) if literal else ""
    return [start + char * LENGTH for char in alphabet for start in {"", prefix}]


PATTERNS = _patterns()


def test_patterns_found() -> None:
    names = {name for name, _ in PATTERNS}
    assert {"knowledge.ingest.text._DOC_NUMBER", "knowledge.rowids._CODE", "knowledge.rowids._LIVELIHOOD", "knowledge.ingest.text._SECTION"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_is_linear(name: str, pattern: re.Pattern[str]) -> None:
    for line in _lines(pattern):
        for method in ("search", "match", "findall", "sub"):
            started = time.perf_counter()
            if method == "sub":
                pattern.sub("", line)
            else:
                getattr(pattern, method)(line)
            elapsed = time.perf_counter() - started
            assert elapsed < BOUND_SECONDS, f"{name}.{method} took {elapsed:.2f} s on {line[:12]!r}…×{len(line)}"
