"""What a question asks, as plain data: the intent layer's output and the answer layer's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from knowledge.kinds import TableKind

if TYPE_CHECKING:
    from bot.progress.questions import ProgressAsk

Intent = Literal[
    "unit_items", "unit_leader", "leader_items", "topic_units", "topic_leader", "number", "count",
    "category", "keyword", "item", "help", "none", "unknown_unit", "ambiguous", "notes", "other_place", "multi_lead", "overview", "other_year", "progress",
    # Answers of the conversation layer (bot/dialogue): structure, yes/no, statistics, chat, paging.
    "section", "project", "document", "unled", "supporting", "yesno", "stats", "deadline", "chat", "page",
]
Role = Literal["lead", "support"]
# Question shapes read from cue phrases: about a person or office, another year, the document's own make-up.
Shape = Literal["off_topic", "other_year", "multi_lead", "leaders_overview", "units_overview", "star_meaning"]


@dataclass
class Query:
    """A parsed question: intent and slots."""

    question: str
    intent: Intent
    text: str = ""
    units: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    kind: TableKind | None = None
    role: Role | None = None
    terms: list[str] = field(default_factory=list)
    optional_terms: list[str] = field(default_factory=list)
    # Each contiguous stretch of topic words: its text from first to last topic word, and the words.
    phrases: list[tuple[str, list[str]]] = field(default_factory=list)
    # Everyday words among the topic words, and the document's words they also match (旧改 → 老旧小区).
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Phrases the question put in quotes: looked up as written before word by word.
    quoted: set[str] = field(default_factory=set)
    count: bool = False
    has_note: bool = False
    topic_cue: bool = False
    # Each unit's own role when the question gives different ones ("A牵头、B配合的工作").
    unit_roles: dict[str, Role] = field(default_factory=dict)
    shapes: set[Shape] = field(default_factory=set)
    together: bool = False
    unknown: str = ""
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A progress question's shape (intent "progress", read by bot/progress/questions.py).
    progress: ProgressAsk | None = None

    @property
    def topic(self) -> str:
        return "".join(self.terms)

    def entities(self) -> dict[str, object]:
        """CONTRACT §2's `entities` object (plus the topic words and categories)."""
        return {"units": self.units, "leaders": self.leaders, "kind": self.kind,
                "role": self.role, "categories": self.categories, "items": self.items, "topic": self.terms}

