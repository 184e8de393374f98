"""What a conversation remembers between two messages, as plain data that round-trips through JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

# What a follow-up without a subject of its own leans on: the unit or leader asked about (its question is
# asked again with another role or kind), or the rows just shown (their leaders, their supporting units).
Focus = Literal["question", "rows", "none"]
SubjectType = Literal["unit", "leader", "topic", "code", "section", "ordinal", "category"]


@dataclass
class Subject:
    """A stretch of the remembered question that names what it is about, and what kind of name it is."""

    type: SubjectType
    surface: str


@dataclass
class Context:
    """One conversation's memory: the last question as asked (re-read for follow-ups), its subjects,
    the rows it answered, the list being paged, and choices offered in an ask-back."""

    question: str = ""
    subjects: list[Subject] = field(default_factory=list)
    focus: Focus = "none"
    rows: list[str] = field(default_factory=list)
    listing: list[str] = field(default_factory=list)
    page: int = 0
    headline: str = ""
    # Role and kind a follow-up set on `question` ("那配合的呢", "只看重点工作"): kept for the next follow-up.
    role: str = ""
    kind: str = ""
    # An ask-back: the word that was unclear in `question` and the names offered for it.
    unclear: str = ""
    choices: list[str] = field(default_factory=list)
    updated: float = 0.0

    @property
    def empty(self) -> bool:
        return not (self.question or self.rows or self.choices)

    def to_json(self) -> str:
        # Field by field, not dataclasses.asdict: asdict deep-copies every string of every list (130 µs
        # for a paged list), and the writer thread does this for each queued state while replies wait.
        data: dict[str, Any] = {name: getattr(self, name) for name in _FIELDS}
        data["subjects"] = [{"type": s.type, "surface": s.surface} for s in self.subjects]
        return _ENCODER.encode(data)

    @classmethod
    def from_json(cls, text: str) -> Context:
        """A stored context; anything unreadable (an older shape, a damaged value) is a fresh one."""
        try:
            data: dict[str, Any] = json.loads(text)
            subjects = [Subject(s["type"], s["surface"]) for s in data.pop("subjects", [])]
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(subjects=subjects, **known)
        except (ValueError, TypeError, KeyError):
            return cls()


_FIELDS = tuple(f.name for f in fields(Context))
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
