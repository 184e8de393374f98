"""knowledge/data/dialogue.toml (read by knowledge/language.py) as the conversation looks words up in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from knowledge.language import at_level, language


@dataclass(frozen=True)
class DialogueCues:
    """Every word list of dialogue.toml, by "table.key" (e.g. "paging.next"), plus the English tables."""

    lists: dict[str, tuple[str, ...]]
    letters_share: float
    english_words: dict[str, str]
    english_shapes: dict[str, str]
    # The lists at each level asked for (`at`), made once: a conversation asks every message.
    levels: dict[str, DialogueCues] = field(default_factory=dict, compare=False, repr=False)

    def at(self, level: str) -> DialogueCues:
        """The lists for a document of `level`: "{level}领导有哪些" → 县领导有哪些 (knowledge.language.at_level)."""
        found = self.levels.get(level)
        if found is None:
            lists = {name: tuple(sorted(at_level(words, level), key=len, reverse=True))
                     for name, words in self.lists.items()}
            found = self.levels[level] = DialogueCues(lists, self.letters_share, self.english_words,
                                                      self.english_shapes)
        return found

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.lists[name]

    def first(self, name: str, text: str) -> str:
        """The longest word of list `name` that `text` contains, or ""."""
        return max((w for w in self.lists[name] if w in text), key=len, default="")

    def any(self, name: str, text: str) -> bool:
        return any(w in text for w in self.lists[name])


@cache
def load_dialogue_cues() -> DialogueCues:
    """The lists once per process, longest first: "详细说说" is taken out of a message before "详细"."""
    data = language().dialogue
    lists = {name: tuple(sorted(words, key=len, reverse=True)) for name, words in data.lists.items()}
    return DialogueCues(lists, data.letters_share, dict(data.english_words), dict(data.english_shapes))
