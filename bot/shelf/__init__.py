"""Several documents, one bot: which document a chat's question is answered from, each loaded on demand.

Which document answers a chat's question, in order:
1. the document the question names by year or place ("2024年民政局负责哪些", "立山区发改局负责哪些")
   when exactly that stored document matches (the chat's own one wins when it matches too);
2. the document the chat chose with /doc (kept in the database, read into memory once);
3. the answering document of the process (pinned, else the newest imported, else the bundled one).

Catalogs are loaded on first use (from the signed snapshot cache when it is current, else the database) and
the least recently used are dropped beyond `capacity`, so a bot serving a thousand documents holds a few.
When more than one document is stored, every answer names its document ("【鹿城区 2023年】").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.dialogue.engine import Conversation
from bot.shelf import messages as sm
from knowledge.language import document_places, language

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.dialogue.store import ContextStore
    from bot.pipeline import Duban
    from bot.runtime import Runtime
    from knowledge.chat_documents import Shelved

DEFAULT_CAPACITY = 32


@dataclass
class Library:
    """The stored documents of one process, each document's pipeline loaded on demand and LRU-evicted."""

    runtime: Runtime
    capacity: int = DEFAULT_CAPACITY
    _loaded: OrderedDict[str, Duban] = field(default_factory=OrderedDict)
    _conversations: dict[str, Conversation] = field(default_factory=dict)
    _shelf: list[Shelved] | None = None
    _chats: dict[int, str] | None = None
    _forms: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what is stored ---------------------------------------------------------------------------

    def shelf(self) -> list[Shelved]:
        """The stored documents, newest first (a database read once per revision)."""
        if self._shelf is None:
            from bot import snapshot
            from knowledge.chat_documents import Shelved, labelled, shelf

            rows = snapshot.stored_documents(self.runtime.settings.database_url)
            if rows is not None:
                self._shelf = labelled([Shelved(*row) for row in rows])
            else:
                with self.runtime.knowledge.sessions() as session:
                    self._shelf = shelf(session)
        return self._shelf

    def stored(self, key: str) -> Shelved | None:
        return next((s for s in self.shelf() if s.key == key), None)

    def several(self) -> bool:
        return len(self.shelf()) > 1

    def label(self, key: str) -> str:
        """The document's short title and year ("鹿城区 2023年")."""
        found = self.stored(key)
        return found.label if found is not None else key

    # --- which document a chat asks ---------------------------------------------------------------

    def default_key(self) -> str:
        """The process's answering document."""
        return self.runtime.catalog.key

    def chat_document(self, chat_id: int) -> str:
        """The document the chat chose, if still stored, else the answering one."""
        if self._chats is None:
            from knowledge.chat_documents import all_chosen

            with self.runtime.knowledge.sessions() as session:
                self._chats = all_chosen(session)
        key = self._chats.get(chat_id)
        return key if key is not None and self.stored(key) is not None else self.default_key()

    def choose(self, chat_id: int, key: str, user_id: int | None) -> None:
        """Store the chat's choice (a database write) and use it from now on."""
        from knowledge.chat_documents import choose_for_chat

        with self.runtime.knowledge.sessions.begin() as session:
            choose_for_chat(session, chat_id, key, user_id)
        if self._chats is not None:
            self._chats[chat_id] = key

    def pick(self, question: str, key: str) -> str:
        """The document the question names by year or place, else `key` (see the module's rule 1): the
        documents matching most of what the question names (year, place), `key` among them, else the newest."""
        if not self.several():
            return key
        years, places = self._index()
        score: dict[str, int] = {}
        for forms in (years, places):
            hits = {k for form, keys in forms.items() if form in question for k in keys}
            for hit in hits:
                score[hit] = score.get(hit, 0) + 1
        if not score:
            return key
        best = max(score.values())
        if score.get(key) == best:
            return key
        return next(s.key for s in self.shelf() if score.get(s.key) == best)  # the shelf is newest first

    def _index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Year forms ("2024年") and place names (鞍山市, 鞍山, 立山区, 立山) → the documents they name,
        read from each document's place (else its title) and year: data-driven, no place is listed."""
        if self._forms is None:
            names = language().names
            years: dict[str, list[str]] = {}
            places: dict[str, list[str]] = {}
            for shelved in self.shelf():
                for form in dict.fromkeys(f.format(year=shelved.year) for f in names.year_forms if shelved.year):
                    years.setdefault(form, []).append(shelved.key)
                for place in dict.fromkeys(document_places(shelved.place or shelved.title, names.levels)):
                    if len(place) >= 2:
                        places.setdefault(place, []).append(shelved.key)
            self._forms = years, places
        return self._forms

    # --- answering --------------------------------------------------------------------------------

    def duban(self, key: str) -> Duban:
        """The pipeline of document `key`, loaded on first use; the least recently used beyond capacity go."""
        if key == self.default_key():
            return self.runtime.duban
        with self._lock:
            found = self._loaded.get(key)
            if found is not None:
                self._loaded.move_to_end(key)
                return found
        loaded = self.runtime.load_duban(key)
        with self._lock:
            self._loaded[key] = loaded
            self._loaded.move_to_end(key)
            while len(self._loaded) > max(self.capacity, 0):
                gone, _ = self._loaded.popitem(last=False)
                self._conversations.pop(gone, None)
        return loaded

    def loaded(self) -> list[str]:
        """The keys held in memory besides the answering document, least recently used first."""
        return list(self._loaded)

    def named(self, answer: Answer, key: str) -> Answer:
        """The answer with its document's name before the headline, when several documents are stored."""
        if self.several():
            answer.headline = sm.ANSWER_FROM.format(label=self.label(key)) + answer.headline
        return answer

    def ask(self, question: str, key: str | None = None) -> Answer:
        """One question answered by the pipeline alone (a button's page, an inline query), from the document
        it names or `key` (default: the answering one)."""
        chosen = self.pick(question, key or self.default_key())
        return self.named(self.duban(chosen).ask(question), chosen)

    def answer(self, question: str, key: str | None = None) -> Answer:
        """One message standing alone, read as a chat reads it (`duban ask`): no context before or after."""
        chosen = self.pick(question, key or self.default_key())
        # No store: a message standing alone reads and keeps no context (and a warm `duban ask` opens no database).
        return self.named(Conversation(self.duban(chosen)).answer(question), chosen)

    def reply(self, conversation: str, question: str, key: str | None = None,
              store: ContextStore | None = None) -> Answer:
        """One message of a conversation (context in `store`, default the database's). Each document keeps
        its own context of the conversation, so a follow-up never leans on rows of another document."""
        chosen = self.pick(question, key or self.default_key())
        talk = self._conversation(chosen) if store is None else Conversation(self.duban(chosen), store)
        return self.named(talk.reply(f"{conversation}|{self._suffix(chosen)}", question), chosen)

    def _suffix(self, key: str) -> str:
        found = self.stored(key)
        return f"d{found.id}" if found is not None else key[:40]

    def _conversation(self, key: str) -> Conversation:
        duban = self.duban(key)
        conversation = self._conversations.get(key)
        if conversation is None or conversation.duban is not duban:
            conversation = Conversation(duban, self.runtime.chats.store)
            self._conversations[key] = conversation
        return conversation
