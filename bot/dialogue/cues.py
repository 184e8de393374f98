"""knowledge/data/dialogue.toml read once into typed word lists: the language of a conversation is data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIALOGUE_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "dialogue.toml"


@dataclass(frozen=True)
class DialogueCues:
    """Every word list of dialogue.toml, by "table.key" (e.g. "paging.next"), plus the English tables."""

    lists: dict[str, tuple[str, ...]]
    letters_share: float
    english_words: dict[str, str]
    english_shapes: dict[str, str]

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.lists[name]

    def first(self, name: str, text: str) -> str:
        """The longest word of list `name` that `text` contains, or ""."""
        return max((w for w in self.lists[name] if w in text), key=len, default="")

    def any(self, name: str, text: str) -> bool:
        return any(w in text for w in self.lists[name])


@cache
def load_dialogue_cues(path: Path = DIALOGUE_FILE) -> DialogueCues:
    """Read the file once per process; a list that is not a list of strings is refused by name."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    english = data.pop("english", {})
    lists: dict[str, tuple[str, ...]] = {}
    for table, entries in data.items():
        for key, words in entries.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise ValueError(f"{path.name}: [{table}] {key} must be a list of non-empty strings")
            # Longest first: "详细说说" is taken out of a message before "详细".
            lists[f"{table}.{key}"] = tuple(sorted(words, key=len, reverse=True))
    return DialogueCues(lists, float(english.get("letters_share", 0.6)), dict(english.get("words", {})),
                        dict(english.get("shapes", {})))
