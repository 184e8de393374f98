"""One message read against its conversation's context (see engine.py for the order readings win in)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.answer import Answer, answer, kind_name, tables_named
from bot.dialogue import facts as f
from bot.dialogue import messages as m
from bot.dialogue import structure as s
from bot.dialogue.context import Context, Focus, Subject, SubjectType
from bot.dialogue.cues import DialogueCues, load_dialogue_cues
from bot.dialogue.refs import (
    NTH,
    ORDINAL_ITEM,
    nth_of,
    number,
    project_of,
    row_codes,
    section_of,
    sections_of,
)
from bot.messages import HEADLINE_SEPARATOR as HEADLINE_SEP
from bot.messages import LIST_SEPARATOR as SEP
from bot.nlu.link import find_mentions
from bot.nlu.normalize import normalize
from bot.nlu.query import Query
from bot.pipeline import Duban
from bot.wording import leader_words
from knowledge.catalog import Row
from knowledge.kinds import table_kind
from knowledge.numerals import int_to_chinese
from knowledge.rowids import written_row_ids

if TYPE_CHECKING:
    from knowledge.reminders.deadlines import Deadline

PAGE_SIZE = 10
_FILLER = re.compile(r"[\s，。！？,.!?~…👍🙏😊]+")
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?%?)")
# "A和B这两项", "A、B、C三条": topics listed, then counted.
_ONLY_COUNT = re.compile(r"(?:只|仅|就)(?:负责|牵头|参与|有|管)?了?([一两二三四五六七八九十\d]{1,3})[条项个件]")
_COUNT_ASK = re.compile(r"(?:一共|总共|共)?有?(?:多少|几)[个项条件大类]*")
_LISTED = re.compile(r"这?[两二三四五几\d]+[项条个件]")
_CONJUNCTION = re.compile(r"以及|和|及|与|、|跟")
_LIST_INTENTS = {"unit_items", "leader_items", "count", "category", "keyword"}
_MAX_DEPTH = 3


@lru_cache(maxsize=8192)
def _as_written(name: str) -> str:
    """A unit's name as the document writes it, normalized like a question (only the documents' own
    strings come here, so the cache holds what the loaded documents write, once)."""
    return normalize(name)


@lru_cache(maxsize=4)
def _correction_pattern(denials: tuple[str, ...], assertions: tuple[str, ...]) -> re.Pattern[str]:
    """"不是X，是Y" (dialogue.toml [correction]): group 1 is Y, the subject meant."""
    def words(found: tuple[str, ...]) -> str:
        return "|".join(map(re.escape, found))

    return re.compile(rf"^(?:{words(denials)})[^，,]{{1,20}}[，,]\s*(?:{words(assertions)})([^，,]{{1,20}})$")


@lru_cache(maxsize=4)
def _projects_counted(kinds: tuple[str, ...]) -> re.Pattern[str]:
    """"几个项目", "几大类", "多少个方面": a count of the projects, by the words that name them."""
    return re.compile(r"(?:几|多少)个?大?(?:" + "|".join(map(re.escape, kinds)) + ")")


class Turn:
    """Reads one message; `run()` returns the answer and the context to remember."""

    def __init__(self, duban: Duban, cues: DialogueCues, context: Context, message: str,
                 deadlines: Callable[[], dict[str, list[Deadline]]] | None = None) -> None:
        self.duban = duban
        self.deadlines = deadlines
        self.catalog = duban.catalog
        self.lexicon = duban.lexicon
        # The conversation's words at the document's level ("{level}领导" → 县领导 in a 县 document).
        self.cues = cues.at(self.catalog.wording.level)
        self.words = leader_words(self.catalog.wording)
        self.ctx = context
        self.message = message
        # A count's question asked again for its rows ("列出来看看") is read once: read again, it must not loop.
        self.relisted = False
        self._parsed: dict[str, Query] = {}

    def _parse(self, text: str) -> Query:
        """The parser's reading of `text`, read once per message: the reading order asks for the same text
        several times (is it a follow-up? a fresh question? its answer), and a long message costs ms."""
        if text not in self._parsed:
            self._parsed[text] = self.duban.parse(text)
        return copy.copy(self._parsed[text])  # callers set role, kind and intent (scalars) on their copy

    # --- the reading order ---------------------------------------------------------------------------

    def run(self) -> tuple[Answer, Context]:
        from bot.examples import with_examples

        result, after = self.read(normalize(self.message), 0)
        return with_examples(result, self.duban), after

    def _try(self) -> list[str]:
        """"例如：“…”，或“…”。": two of the answering document's example questions (none when it has not two)."""
        pair = m.EXAMPLES if self.duban.written_examples else self.duban.examples[:2]
        return [m.TRY.format(a=pair[0], b=pair[1])] if len(pair) == 2 else []

    def _example(self, written: str) -> str:
        """A written example where the document is the one it was written for, else its own first example."""
        return written if self.duban.written_examples or not self.duban.examples else self.duban.examples[0]

    def read(self, text: str, depth: int) -> tuple[Answer, Context]:
        core, pleasantry = self._strip_pleasantries(self._without_voice_fillers(text))
        if chosen := self._choice(core or text):
            return self.read(chosen, depth + 1)
        if not core:
            if pleasantry:
                return self._keep(self._everyday(pleasantry))
            return self._keep(self.duban.ask(text))
        if len(core) <= 12 and (who := self.cues.first("everyday.who", core)) and len(core) - len(who) <= 2:
            return self._keep(s.make(self.message, "help", m.WHO_AM_I.format(title=self.catalog.title, leader=self.words.noun),
                                     facts=self._try()))
        if self._english(core):
            return self._keep(self._english_answer(core))
        core = self._inclusive(core)
        for reader in (self._paging, self._nth, self._detail, self._codes_alone):
            if (found := reader(core)) is not None:
                return found
        if (found := self._part_in_rows(core)) is not None:
            return found
        if depth < _MAX_DEPTH and (rewritten := self._corrected(core) or self._new_subject(core) or
                                   self._person(core)) is not None:
            return self.read(rewritten, depth + 1)
        for reader in (self._structure, self._stats, self._yesno, self._supporting, self._deadline, self._pasted):
            if (found := reader(core)) is not None:
                return found
        return self._question(core)

    # --- everyday chat -------------------------------------------------------------------------------

    def _strip_pleasantries(self, text: str) -> tuple[str, str]:
        """The message without leading/trailing greetings and thanks ("谢谢！那教育局…呢" → "那教育局…呢")."""
        words = (*self.cues["everyday.greeting"], *self.cues["everyday.thanks"], *self.cues["everyday.bye"])
        words = tuple(sorted(words, key=len, reverse=True))
        found = ""
        core = _FILLER.sub(" ", text).strip()
        changed = True
        while changed and core:
            changed = False
            for word in words:
                if core.startswith(word):
                    core, found, changed = core[len(word):].strip(), found or word, True
                elif core.endswith(word) and len(core) > len(word) and word not in self.cues["everyday.not_trailing"]:
                    core, found, changed = core[:-len(word)].strip(), found or word, True
        core = core.strip()
        if not _HAS_WORD.search(core) or (found and core.strip("，,!！ ") in self.cues["everyday.address"]):
            core = ""
        return (_spaces_as_commas(core) if core else ""), found

    def _without_voice_fillers(self, text: str) -> str:
        """"那个呃就是我想问一下加装电梯那个事情是哪个单位牵头的然后…": the message without the words voice
        input leaves in (dialogue.toml everyday.voice), each leaving a comma; a short one only beside another."""
        words = self.cues["everyday.voice"]
        found = [w for w in words if w in text]
        if not found:
            return text
        if len(found) == 1 and len(found[0]) <= 2 and text.count(found[0]) == 1:
            return text
        out = text
        for word in words:  # longest first: "那个事情" before "那个"
            out = out.replace(word, "，")
        out = re.sub(r"[，\s]*，[，\s]*", "，", out).strip("，")
        return out if _HAS_WORD.search(out) else text

    def _inclusive(self, core: str) -> str:
        """"杨丽霞一共管几项，含民生实事": a kind said to be included widens the question, it does not narrow
        it — the phrase is dropped ("不含…" is kept: it does narrow)."""
        cues = self.lexicon.cues
        for word in self.cues["scope.include"]:
            at = core.find(word)
            if at < 0 or core[max(0, at - 1):at] in ("不", "未"):
                continue
            tail = core[at + len(word):]
            kind = next((k for k in sorted((*cues.found("livelihood", tail), *cues.found("key_task", tail)),
                                           key=len, reverse=True) if tail.startswith(k)), "")
            if kind:
                return (core[:at] + tail[len(kind):]).strip(" ，,（）()")
        return core

    def _everyday(self, word: str) -> Answer:
        if word in self.cues["everyday.greeting"]:
            headline = m.GREETING.format(tables=tables_named(self.catalog))
        elif word in self.cues["everyday.bye"]:
            headline = m.BYE
        else:
            headline = m.THANKS
        return s.make(self.message, "chat", headline, facts=self._try())

    def _english(self, core: str) -> bool:
        letters = len(_LETTER.findall(core))
        visible = len(re.sub(r"[\s\d\W_]", "", core)) or 1
        return letters >= 4 and letters / visible >= self.cues.letters_share

    def _english_answer(self, core: str) -> Answer:
        lower = core.lower()
        names = [zh for en, zh in sorted(self.cues.english_words.items(), key=lambda p: -len(p[0])) if en in lower]
        shape = next((zh for en, zh in sorted(self.cues.english_shapes.items(), key=lambda p: -len(p[0]))
                      if en in lower), "")
        if names and shape:
            guess = names[0] + shape
        elif names:
            guess = m.ASK_UNIT_ITEMS.format(name=names[0])
        elif shape:
            guess = (kind_name(self.catalog, "key_task") + shape) if "key" in lower or "task" in lower else ""
        else:
            guess = ""
        headline = m.ENGLISH_GUESS.format(guess=guess) if guess else m.ENGLISH
        return s.make(self.message, "none", headline, facts=self._try())

    # --- ask-backs, paging, "第3条", details, codes ----------------------------------------------------

    def _choice(self, core: str) -> str | None:
        """The reply to an ask-back: "对" to the only choice, or (part of) one of the choices offered."""
        ctx = self.ctx
        if not ctx.choices or not ctx.question or not core:
            return None
        picked = ""
        if core in self.cues["followup.yes"] and len(ctx.choices) == 1:
            picked = ctx.choices[0]
        else:
            matching = [c for c in ctx.choices if core == c or (len(core) >= 2 and (core in c or c in core))]
            if len(matching) == 1:
                picked = matching[0]
        if not picked:
            return None
        self.ctx = replace(ctx, choices=[], unclear="")
        if ctx.unclear and ctx.unclear in ctx.question:
            return ctx.question.replace(ctx.unclear, picked, 1)
        return picked

    def _paging(self, core: str) -> tuple[Answer, Context] | None:
        word = self.cues.first("paging.next", core) or self.cues.first("paging.previous", core) or \
            self.cues.first("paging.all", core)
        if not word or len(core) - len(word) > 2:
            return None
        listing = [self.catalog.by_id[i] for i in self.ctx.listing if i in self.catalog.by_id]
        if not listing:
            return self._keep(s.make(self.message, "none", m.NO_LIST.format(example=self._example(m.LIST_EXAMPLE))))
        headline = self.ctx.headline or ""
        pages = max(1, -(-len(listing) // PAGE_SIZE))
        if word in self.cues["paging.all"]:
            answer_ = s.make(self.message, "page", m.ALL_ROWS.format(headline=headline, n=len(listing)), listing)
            return answer_, replace(self.ctx, rows=[r.id for r in listing])
        step = 1 if word in self.cues["paging.next"] else -1
        page = self.ctx.page + step
        if page >= pages:
            return self._keep(s.make(self.message, "page", m.LAST_PAGE.format(n=len(listing))))
        if page < 0:
            return self._keep(s.make(self.message, "page", m.FIRST_PAGE))
        rows = listing[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        text = m.PAGE.format(headline=headline, page=page + 1, pages=pages, size=PAGE_SIZE)
        return s.make(self.message, "page", text, rows), replace(self.ctx, page=page)

    def _nth(self, core: str) -> tuple[Answer, Context] | None:
        """"第3条详细说说": the third row of the last list, in document order."""
        last = self.cues.first("detail.last", core)
        if ((k := nth_of(core)) is None and not last) or row_codes(core, self.catalog) or section_of(core) \
                or project_of(core):
            return None
        rest = NTH.sub("", core, count=1)
        rest = rest.replace(last, "", 1) if last else rest
        if "条" not in core and "个" not in core and not last:
            return None
        # "第2条的配合单位", "第3条谁分管", "第一条谁牵头": the question asked about that one row.
        support = self.cues.any("supporting.who_support", rest)
        every = self.cues.any("supporting.who_all", rest)
        leader = bool(self.lexicon.cues.found("who_leader", rest))
        lead = not (support or every or leader) and bool(self.lexicon.cues.found("who_unit", rest))
        # "第12条展开说说", "第3个具体讲讲", "第6条说的啥": only the ordinal and words asking for the detail.
        for word in (*self.cues["detail.words"], *self.cues["structure.what_endings"]):
            rest = rest.replace(word, "")
        if rest.strip("的，。？?") and not (support or every or leader or lead):
            return None
        listing = self._listing()
        if not listing:
            return self._keep(s.make(self.message, "none",
                                     m.NO_NTH_LIST.format(example=self._example(m.LIST_EXAMPLE))))
        k = len(listing) if last else k
        if k is None or not 0 < k <= len(listing):
            return self._keep(s.make(self.message, "item", m.NO_NTH.format(n=len(listing), k=k)))
        row = self.catalog.by_id[listing[k - 1]]
        if support or every or leader or lead:
            result = f.leads_of_rows(self.message, [row]) if lead else \
                f.leaders_of_rows(self.message, [row]) if leader and not (support or every) else \
                f.supporting(self.message, [row], row.label, every_unit=every and not support)
            return result, self._remember(result, question=row.label, subjects=[Subject("code", row.label)],
                                          focus="rows", listing=listing)
        return self._detail_of([row], keep_listing=True)

    def _listing(self) -> list[str]:
        """The rows "第N条" counts in: the list last shown, else (after "第九部分有几条", which lists none) the
        rows of the section or project the last question named, in document order."""
        if self.ctx.listing or not self.ctx.question:
            return self.ctx.listing
        if project := project_of(self.ctx.question):
            return [r.id for r in s.project_rows(self.catalog, project[0])]
        if section := section_of(self.ctx.question):
            return [r.id for r in s.section_rows(self.catalog, section[0])]
        return []

    def _detail(self, core: str) -> tuple[Answer, Context] | None:
        """"详细 五-12", "展开 八-8", "五-12详细", or "详细" alone about the row just shown."""
        word = self.cues.first("detail.words", core)
        if not word:
            return None
        codes = row_codes(core, self.catalog)
        rest = core.replace(word, "")
        for code in codes:
            rest = rest.replace(code.surface, "")
        if rest.strip(" ，的。？"):
            return None
        if codes:
            missing = [c for c in codes if not c.exists]
            if missing:
                return self._keep(s.missing_code(self.message, self.catalog, missing[0].surface, missing[0].id))
            return self._detail_of([self.catalog.by_id[c.id] for c in codes], keep_listing=True)
        if len(self.ctx.rows) == 1:
            return self._detail_of([self.catalog.by_id[self.ctx.rows[0]]], keep_listing=True)
        return self._keep(s.make(self.message, "none", m.DETAIL_WHICH))

    def _detail_of(self, rows: list[Row], keep_listing: bool) -> tuple[Answer, Context]:
        headline = m.DETAIL.format(label=SEP.join(r.label for r in rows))
        result = s.make(self.message, "item", headline, rows, detail=True)
        subjects = [Subject("code", r.label) for r in rows]
        return result, self._remember(result, question=rows[0].label, subjects=subjects, focus="rows",
                                      listing=self.ctx.listing if keep_listing else None)

    def _codes_alone(self, core: str) -> tuple[Answer, Context] | None:
        """A message that is only row codes ("五-12", "五-30是什么"): the rows, or that a code does not exist."""
        codes = row_codes(core, self.catalog)
        if not codes:
            return None
        rest = core
        for code in codes:
            rest = rest.replace(code.surface, "")
        rest = rest.strip(" ，、和及呢吗？。")
        if rest and rest not in self.cues["detail.code_rest"]:
            return None
        missing = [c for c in codes if not c.exists]
        if missing and len(missing) == len(codes):
            return self._keep(s.missing_code(self.message, self.catalog, missing[0].surface, missing[0].id))
        rows = [self.catalog.by_id[c.id] for c in codes if c.exists]
        return self._detail_of(rows, keep_listing=False)

    # --- follow-ups that name a new subject -------------------------------------------------------------

    def _new_subject(self, core: str) -> str | None:
        """"卫健局呢", "那托位呢", "第6项呢": the last question, about this subject instead."""
        ctx = self.ctx
        if not ctx.question or not ctx.subjects:
            return None
        opener = next((w for w in self.cues["followup.opener"] if core.startswith(w)), "")
        closer = next((w for w in self.cues["followup.closer"] if core.rstrip("？?").endswith(w)), "")
        if not (opener or closer):
            return None
        bare = core.rstrip("？?")
        bare = bare[len(opener):] if opener else bare
        return self._instead(bare[:-len(closer)] if closer else bare)

    def _part_in_rows(self, core: str) -> tuple[Answer, Context] | None:
        """"老年食堂谁牵头" → "那街道呢": after rows found by their topic, a unit alone (or a bare word for
        streets: the group addressed to every street, 各街镇) asks its part in those rows."""
        opener = next((w for w in self.cues["followup.opener"] if core.startswith(w)), "")
        closer = next((w for w in self.cues["followup.closer"] if core.rstrip("？?").endswith(w)), "")
        if not (opener or closer) or not self.ctx.rows or not self._topic_only():
            return None
        bare = core.rstrip("？?")[len(opener):]
        bare = (bare[:-len(closer)] if closer else bare).strip(" ，的")
        unit = self._unit_alone(bare)
        if unit is None:
            return None
        rows = [self.catalog.by_id[i] for i in self.ctx.rows if i in self.catalog.by_id]
        result = f.unit_decides(self.message, self.catalog, unit, rows, self._rows_named(rows), lead_asked=False,
                                verdict=False)
        return self._remember_plain(result, keep_rows=True)

    def _topic_only(self) -> bool:
        """Whether the last question was about a topic (its rows found by words), naming no unit, leader or row."""
        types = {x.type for x in self.ctx.subjects}
        return "topic" in types and not types & {"unit", "leader", "code", "section", "category"}

    def _unit_alone(self, text: str) -> str | None:
        """The unit `text` is (a unit's name and nothing else), or the every-street group for a bare 街道."""
        if text in self.cues["yesno.every_street"]:
            return self._every_street()
        names = self._names(text)
        found = self.subjects_of(text, with_topic=False)
        if len(names) == 1 and names[0][0] == "unit" and sum(len(x.surface) for x in found) >= len(text) - 1:
            return names[0][1]
        return None

    def _rows_named(self, rows: list[Row]) -> str:
        """The last question's topic as it was asked ("老年食堂"), else the rows' codes or 这些工作."""
        topic = next((x.surface for x in self.ctx.subjects if x.type == "topic"), "")
        return topic or (SEP.join(r.label for r in rows) if len(rows) <= 3 else m.THESE_ROWS)

    def _corrected(self, core: str) -> str | None:
        """"不是民政局，是人社局": the last question about the subject asserted instead (its role and kind kept)."""
        if not self.ctx.question or not self.ctx.subjects:
            return None
        match = _correction_pattern(self.cues["correction.denial"], self.cues["correction.assertion"]).match(
            core.rstrip("？?。！! "))
        return None if match is None else self._instead(match.group(1))

    def _instead(self, bare: str) -> str | None:
        """The last question with `bare` (a subject alone) in place of the subject of its kind, or None."""
        ctx = self.ctx
        bare = bare.strip(" ，的")
        if not bare or self._has_cue(bare):
            return None
        found = self.subjects_of(bare, with_topic=False)
        if found and sum(len(x.surface) for x in found) < len(bare) - 1:
            return None
        if not found:
            if not any(x.type == "topic" for x in ctx.subjects) or len(bare) > 12:
                return None
            found = [Subject("topic", bare)]
        new = found[0]
        old = next((x for x in ctx.subjects if x.type == new.type), None) or \
            next((x for x in ctx.subjects if _compatible(x.type, new.type)), None)
        if old is None or old.surface not in ctx.question:
            return None
        return self._with_context_scope(ctx.question.replace(old.surface, new.surface, 1))

    def _person(self, core: str) -> str | None:
        """"他分管的民生实事有哪些" after an answer that named one leader: the message about that leader."""
        leader = next((x.surface for x in reversed(self.ctx.subjects) if x.type == "leader"), None)
        if leader is None or leader in core:
            return None
        for word in self.cues["followup.person"]:
            at = core.find(word)
            if at >= 0 and not core.startswith("们", at + len(word)):
                return core[:at] + leader + core[at + len(word):]
        return None

    def _with_context_scope(self, question: str) -> str:
        """The last question about a new subject keeps the role and kind a follow-up narrowed it to
        ("区民政局牵头哪些工作" → "配合的呢" → "那区残联呢" asks 区残联's supporting rows)."""
        ctx, cues = self.ctx, self.lexicon.cues
        asked = self._parse(question)
        if ctx.role in m.ROLE_WORDS and asked.role != ctx.role:
            said = max((w for name in ("not_lead", "lead", "support") for w in cues.found(name, question)),
                       key=len, default="")
            word = m.ROLE_WORDS[ctx.role]
            question = question.replace(said, word, 1) if said else question + m.IN_ROLE.format(role=word)
        if ctx.kind in m.ASKED_SCOPES and asked.kind != ctx.kind:
            said = max((w for name in ("livelihood", "key_task") for w in cues.found(name, question)),
                       key=len, default="")
            scope = m.ASKED_SCOPES[ctx.kind]
            question = question.replace(said, scope, 1) if said else question + m.IN_SCOPE.format(scope=scope)
        return question

    def _has_cue(self, text: str) -> bool:
        """Whether `text` asks something (a role, kind, who, count) rather than only naming a subject."""
        cues = self.lexicon.cues
        return any(cues.found(name, text) for name in ("lead", "support", "not_lead", "livelihood", "key_task",
                                                       "who_unit", "who_leader", "number")) or \
            self.cues.any("supporting.who_support", text) or self.cues.any("stats.leader_word", text)

    def subjects_of(self, text: str, with_topic: bool = True, query: Query | None = None) -> list[Subject]:
        """The stretches of `text` that name what it asks about, by kind."""
        found: list[Subject] = [Subject("code", c.surface) for c in row_codes(text, self.catalog)]
        if section := section_of(text):
            found.append(Subject("section", section[1]))
        if not found:
            found += [Subject("ordinal", x.group(0)) for x in ORDINAL_ITEM.finditer(text)]
        for mention in find_mentions(text, self.lexicon):
            kind = mention.entity.type
            subject_type: SubjectType = "leader" if kind == "leader" else "category" if kind == "category" else "unit"
            found.append(Subject(subject_type, mention.surface))
        if with_topic and query is not None:
            found += [Subject("topic", phrase) for phrase, _ in query.phrases if len(phrase) > 1 and phrase in text]
        return found

    # --- the document's structure and facts ------------------------------------------------------------

    def _structure(self, core: str) -> tuple[Answer, Context] | None:
        cues, catalog = self.cues, self.catalog
        counting = bool(re.search(r"多少|几[项条个]|几$", core))
        if (fact := s.document_fact(self.message, catalog, cues)) is not None and \
                (cues.any("facts.document", core) or len(core) <= 10) and not self._names(core):
            return self._keep(fact)
        if cues.any("structure.division", core):
            return self._remember_plain(s.division(self.message, catalog))
        if cues.any("structure.unled", core):
            return self._remember_plain(s.unled(self.message, catalog))
        if re.search(r"附件\s*[2二]\s*(?:是什么|是啥|讲什么|讲的什么|说的什么|讲的啥|的内容|内容)?$", core.rstrip("？?")):
            return self._remember_plain(s.attachments(self.message, catalog))
        about_projects = "民生" in core and cues.any("structure.project_kinds", core)
        # "哪个部分任务最多", "民生实事哪个项目内容最多": sections or projects ranked by their rows.
        if ((most := cues.any("stats.most", core)) or cues.any("stats.least", core)) and not self._names(core) \
                and (cues.any("stats.section_word", core) or about_projects):
            return self._keep(s.ranked_parts(self.message, catalog, not about_projects, most))
        if about_projects and _projects_counted(cues["structure.project_kinds"]).search(core) and not self._names(core):
            return self._keep(s.projects_overview(self.message, catalog))
        if (cues.any("structure.projects_list", core) and cues.any("structure.which", core)
                and not project_of(core) and not self._names(core)):
            return self._remember_plain(s.projects_overview(self.message, catalog))
        if self._names(core) or row_codes(core, catalog):
            return None
        if project := project_of(core):
            result = s.project_answer(self.message, catalog, project[0], counting)
            return result, self._remember(result, subjects=self.subjects_of(core))
        if len(several := sections_of(core)) > 1 and not self.cues.any("yesno.infix", core):
            # "第三和第七部分各多少条": each section's answer, one after another.
            parts = [s.section_answer(self.message, catalog, n, cues, counting, False) for n in several]
            listed = [item.row for part in parts for item in part.rows]
            result = s.make(self.message, "count" if counting else "section", "；".join(p.headline for p in parts),
                            None if counting else listed)
            return self._remember_plain(result)
        if section := section_of(core):
            rest = core.replace(section[1], "", 1)
            last = self.cues.first("detail.last", rest)
            if (last or nth_of(rest) is not None) and not self._yesno_suffix(rest):
                # "第三部分最后一条", "第五部分第3条": that row of the section.
                in_section = s.section_rows(catalog, section[0])
                k = len(in_section) if last else nth_of(rest) or 0
                if not 0 < k <= len(in_section):
                    return self._keep(s.make(self.message, "item", m.NO_NTH_SECTION.format(
                        section=section[1], n=len(in_section), k=k)))
                return self._detail_of([in_section[k - 1]], keep_listing=False)
            asks_leader = bool(self.lexicon.cues.found("who_leader", core)) or self.cues.any("stats.who_leads", core)
            if self.cues.any("yesno.infix", core) or self._yesno_suffix(core):
                return None
            result = s.section_answer(self.message, catalog, section[0], cues, counting, asks_leader)
            section_info = next((x for x in catalog.sections if x.number == section[0]), None)
            after = self._remember(result, subjects=self.subjects_of(core))
            if asks_leader and section_info is not None and section_info.leader:
                after.question, after.subjects = m.ASK_LEADER_ITEMS.format(name=section_info.leader), [Subject("leader", section_info.leader)]
                after.focus = "question"
            return result, after
        asked = core.rstrip("？?。 ")
        asked = asked.removesuffix(next((w for w in cues["structure.what_endings"] if asked.endswith(w)), ""))
        if (match := ORDINAL_ITEM.match(asked)) is not None:
            # "第五项说的啥", "第五项谁牵头": 第五项 alone could be a project or a section — ask which.
            rest = asked[match.end():].strip("的 ，")
            who = self.lexicon.cues.found("who_unit", rest) or self.lexicon.cues.found("who_leader", rest)
            if not rest or (who and len(rest) <= 6):
                return self._ordinal_ask_back(match.group(0), core)
        return None

    def _ordinal_ask_back(self, ordinal: str, question: str) -> tuple[Answer, Context] | None:
        n = number(re.sub(r"[第项\s]", "", ordinal))
        if n is None:
            return None
        projects = s.project_rows(self.catalog, n)
        section = next((x for x in self.catalog.sections if x.number == n), None)
        if not projects or section is None:
            return None
        table = kind_name(self.catalog, "livelihood")
        headline = m.ORDINAL_WHICH.format(ordinal=ordinal, n=n, category=projects[0].category,
                                          cn=int_to_chinese(n), leader=section.leader, table=table,
                                          key_table=kind_name(self.catalog, "key_task"))
        choices = [m.PROJECT_CHOICE.format(n=n, table=table), m.SECTION_CHOICE.format(cn=int_to_chinese(n))]
        result = s.make(self.message, "ambiguous", headline)
        result.suggestions = choices
        return result, Context(question=question, unclear=ordinal, choices=choices)

    # --- statistics ---------------------------------------------------------------------------------------

    def _scope(self, kind: str | None, otherwise: str = m.SCOPE_ANY) -> str:
        """The rows of `kind` by the document's own name for that table (为民办实事 …); `otherwise` for no kind."""
        return kind_name(self.catalog, table_kind(kind)) if kind in m.ASKED_SCOPES else otherwise

    def _leaders_list(self) -> Answer:
        """"有哪些县领导": the document's leaders with their titles and row counts."""
        catalog = self.catalog
        counts = f.leader_counts(catalog, None)
        facts = [m.LEADER_LINE.format(name=n, titles=SEP.join(catalog.leader_titles.get(n, ())) or self.words.noun,
                                      n=counts[n]) for n in catalog.leader_titles]
        return s.make(self.message, "overview", m.LEADERS_LIST.format(n=len(facts), leader=self.words.noun), facts=facts)

    def _stats(self, core: str) -> tuple[Answer, Context] | None:
        cues, catalog = self.cues, self.catalog
        kind = self._kind(core)
        scope = self._scope(kind, "")
        if cues.any("stats.leaders", core) and len(core) <= 10:
            return self._keep(self._leaders_list())
        if core.strip("？?") in cues["stats.units"] or core.strip("？?") in cues["stats.units_alone"]:
            counts = f.unit_counts(catalog, True, None)
            total = len(f.unit_counts(catalog, False, None))
            return self._keep(s.make(self.message, "overview", m.UNITS_LIST.format(n=total),
                                     facts=f.table(counts, 15)))
        # A street typed by sound ("双鱼街道有哪些任务") is named too: the parser links it (双屿街道).
        if cues.any("stats.streets", core) and not self._names(core) and not self._parse(core).units:
            # "文件里点名的街道有哪几个": the 街道/镇 the rows name by their own name (not 各街镇).
            counts = f.unit_counts(catalog, False, kind)
            streets = {u.name for u in catalog.units.values() if u.kind == "street"}
            named = {name: n for name, n in counts.items() if name in streets}
            return self._keep(s.make(self.message, "overview", m.STREETS_LIST.format(n=len(named)),
                                     facts=f.table(named)))
        most = cues.first("stats.most", core)
        least = cues.first("stats.least", core)
        leader_word = cues.any("stats.leader_word", core)  # 谁分管 too: it holds 分管
        names = self._names(core)
        leaders = [n for t, n in names if t == "leader"]
        if (most or least) and len(leaders) == 1 and len(names) == 1 and cues.any("stats.unit_word", core):
            # "林杰分管的工作里哪个单位牵头最多": units ranked within one leader's rows.
            lead_only = cues.any("stats.lead", core)
            rows = [r for r in catalog.by_leader.get(leaders[0], ()) if kind is None or r.kind == kind]
            counts = f.unit_counts(catalog, lead_only, kind, not lead_only and cues.any("stats.support", core), rows)
            if counts:
                ranked = counts.most_common() if most else sorted(counts.items(), key=lambda p: p[1])
                top, n = ranked[0]
                role = m.ROLE_WORDS["lead"] if lead_only else m.ROLE_ANY
                headline = m.RANK_UNITS.format(scope=m.OF_LEADER.format(leader=leaders[0]) + scope, role=role,
                                               top=top, n=n)
                return self._keep(s.make(self.message, "stats", headline, facts=f.table(dict(ranked), 5)))
        if (most or least) and not names:
            if leader_word:
                counts = f.leader_counts(catalog, kind)
                if not counts:  # a document that names no leader (or none of this kind's rows)
                    return self._keep(s.make(self.message, "stats", m.NO_LEADERS.format(leader=self.words.noun)))
                ranked = sorted(counts.items(), key=lambda p: p[1], reverse=bool(most))
                top, n = ranked[0]
                headline = m.RANK_LEADERS.format(scope=scope or m.SCOPE_ANY, most=m.MOST if most else m.LEAST, top=top, n=n,
                                                 leader=self.words.noun)
                result = s.make(self.message, "stats", headline, facts=f.table(counts))
                return result, Context(question=m.ASK_LEADER_ITEMS.format(name=top), subjects=[Subject("leader", top)],
                                       focus="question")
            lead_only = self.cues.any("stats.lead", core)
            support_only = not lead_only and cues.any("stats.support", core)
            counts = f.unit_counts(catalog, lead_only, kind, support_only)
            top, n = counts.most_common(1)[0]
            role = m.ROLE_WORDS["lead"] if lead_only else m.ROLE_WORDS["support"] if support_only else m.ROLE_ANY
            headline = m.RANK_UNITS.format(scope=scope, role=role, top=top, n=n)
            result = s.make(self.message, "stats", headline, facts=f.table(counts, 5))
            return result, Context(question=m.ASK_UNIT_ITEMS.format(name=top), subjects=[Subject("unit", top)], focus="question")
        if cues.any("stats.each", core) and cues.any("stats.how_many", core) and not self._names(core):
            if cues.any("stats.section_word", core):
                return self._remember_plain(s.division(self.message, catalog))
            if leader_word:
                counts = f.leader_counts(catalog, kind)
                return self._keep(s.make(self.message, "stats", m.EACH_LEADER.format(scope=scope or m.SCOPE_ANY, leader=self.words.noun),
                                         facts=f.table(counts)))
        names = self._names(core)
        if len(names) == 2 and cues.any("stats.who", core) and cues.any("stats.more_less", core):
            return self._compare(core, names, kind, scope)
        return None

    def _compare(self, core: str, names: list[tuple[str, str]], kind: str | None, scope: str
                 ) -> tuple[Answer, Context] | None:
        types = {t for t, _ in names}
        if types == {"leader"}:
            counts = f.leader_counts(self.catalog, kind)
            role = m.ROLE_OVERSEE
        elif types == {"unit"}:
            lead_only = self.cues.any("stats.lead", core)
            counts = f.unit_counts(self.catalog, lead_only, kind)
            role = m.ROLE_WORDS["lead"] if lead_only else m.ROLE_ANY
        else:
            return None
        picked = {name: counts.get(name, 0) for _, name in names}
        table = m.COUNT_SEPARATOR.join(m.COUNTED.format(name=n, n=c) for n, c in picked.items())
        (first, a), (second, b) = picked.items()
        if a == b:
            headline = m.COMPARE_TIE.format(scope=scope, role=role, table=table)
        else:
            headline = m.COMPARE.format(scope=scope, role=role, table=table, winner=first if a > b else second)
        return self._keep(s.make(self.message, "stats", headline))

    # --- yes/no ---------------------------------------------------------------------------------------

    def _yesno(self, core: str) -> tuple[Answer, Context] | None:
        cues = self.cues
        infix = cues.first("yesno.infix", core)
        stripped = core.rstrip("？?。 ")
        suffix = self._yesno_suffix(stripped)
        # "加装电梯是住建局牵头的？": a statement of 是…的 with a question mark asks for confirmation.
        confirm = self.message.rstrip(" 。").endswith(("？", "?")) and stripped.endswith("的") and "是" in stripped
        if not (infix or suffix or confirm) or cues.any("yesno.not_yesno", core):
            return None
        rest = stripped[:-len(suffix)] if suffix else stripped
        if infix:
            rest = rest.replace(infix, infix[0])  # its first character: 是不是, 是否 → 是
        names = self._names(rest)
        if not names:
            # A unit the parser links only loosely ("卫建局" → 区卫生健康局) still names the unit asked about.
            names = [("unit", u) for u in self._parse(rest).units]
        if not names and (word := cues.first("yesno.every_street", rest)) and (group := self._every_street()):
            names, rest = [("unit", group)], rest.replace(word, "", 1)
        units = [n for t, n in names if t == "unit"]
        leaders = [n for t, n in names if t == "leader"]
        if cues.any("supporting.who_support", core) and not units:
            return None
        lead_asked = cues.any("stats.lead", rest)
        # "X是踢踏舞赛事的配合单位吗": named without leading; a unit that leads the row is not "配合".
        # 参与 alone asks for every row (CONTRACT §4), so only 配合/协助 words ask for the supporting role.
        support_asked = not lead_asked and self.cues.any("stats.support", rest)
        # "林杰是常务副区长吗", "张崇波是不是总负责": a leader's title or section remark.
        if leaders and not units:
            leader = leaders[0]
            titles = tuple(self.catalog.leader_titles.get(leader, ()))
            known = sorted({t for ts in self.catalog.leader_titles.values() for t in ts} | {"总负责"}, key=len,
                           reverse=True)
            asked = next((t for t in known if t in rest), "")
            if asked:
                remark = next((x.remark for x in self.catalog.sections if x.leader == leader), "")
                return self._keep(f.title_decides(self.message, self.catalog.wording, leader, titles, asked, remark))
        if units and (only := _ONLY_COUNT.search(rest)) is not None and (n := number(only.group(1))) is not None:
            # "X是不是只负责一条": how many rows the unit has (in the role asked), against the number said.
            return self._remember_plain(f.count_decides(self.message, self.catalog, units[0], n, lead_asked))
        rows, what = self._deciding_rows(rest, names, verbatim=not leaders)
        if not rows and (figure := _FIGURE.search(rest)):  # "加装电梯是100台吗": the asked figure and its
            # measure word (台, 家, 个) are no topic words
            rows, what = self._deciding_rows(rest[:figure.start()] + rest[figure.end() + 1:], names)
        if leaders and units and not rows:
            return self._remember_plain(f.leader_oversees(self.message, self.catalog, leaders[0], units[0]))
        if units and not leaders and not rows and self.ctx.rows and self._topic_only() and \
                not any(len(w) > 1 for w in self._topic_words(_without_names(rest, self.lexicon))):
            # "垃圾分类谁牵头" → "街道要参与吗": the unit's part in the rows just found.
            rows = [self.catalog.by_id[i] for i in self.ctx.rows if i in self.catalog.by_id]
            what = self._rows_named(rows)
        if leaders and not units:
            if not rows:
                unit = self._domain_unit(rest)
                if unit:
                    return self._remember_plain(f.leader_oversees(self.message, self.catalog, leaders[0], unit))
                if self.ctx.rows:
                    rows = [self.catalog.by_id[i] for i in self.ctx.rows if i in self.catalog.by_id]
                    what = SEP.join(r.label for r in rows)
            if rows:
                return self._remember_plain(f.leader_decides(self.message, leaders[0], rows, what))
            return None
        if units and rows:
            return self._remember_plain(f.unit_decides(self.message, self.catalog, units[0], rows, what, lead_asked, support_asked))
        if not units and not leaders and rows and (figure := _FIGURE.search(rest)):
            query = self._parse(rest.replace(figure.group(1), ""))
            # The row states the figure in the document's words: GDP → 地区生产总值 (the parser's synonyms).
            words = [v for _, ws in query.phrases for w in ws for v in (w, *query.synonyms.get(w, ())) if len(v) > 1]
            if (found := f.figure_decides(self.message, rows, figure.group(1), words)) is not None:
                return self._remember_plain(found)
        return None

    def _every_street(self) -> str | None:
        """The group addressee that covers every street (各街镇), if the document writes one."""
        return next((u.name for u in self.catalog.units.values()
                     if u.kind == "group" and u.covers == "street" and u.covers_all and u.name in self.catalog.by_unit),
                    None)

    def _yesno_suffix(self, text: str) -> str:
        """"…吗": the particle that makes a yes/no question (not the 么 of 什么, 怎么, 那么)."""
        text = text.rstrip("？?。 ")
        word = next((w for w in self.cues["yesno.suffix"] if text.endswith(w)), "")
        if word and text[:-len(word)].endswith(self.cues["yesno.not_before_suffix"]):
            return ""
        return word

    def _deciding_rows(self, text: str, names: list[tuple[str, str]], verbatim: bool = True
                       ) -> tuple[list[Row], str]:
        """The rows a yes/no or supporting question is about: its codes, section, project or topic
        (`verbatim`: the rows writing the topic word for word, when some do)."""
        catalog = self.catalog
        codes = [c for c in row_codes(text, catalog) if c.exists]
        if codes:
            rows = [catalog.by_id[c.id] for c in codes]
            return rows, SEP.join(r.label for r in rows)
        if project := project_of(text):
            return s.project_rows(catalog, project[0]), project[1]
        if section := section_of(text):
            return s.section_rows(catalog, section[0]), section[1]
        categories = [n for t, n in names if t == "category"]
        if categories:
            return [r for c in categories for r in catalog.by_category.get(c, ())], SEP.join(categories)
        bare = _without_names(text, self.lexicon)
        if (listed := _LISTED.search(bare)) is not None:
            # "上市报会和村镇银行试点这两项": each listed topic is its own row(s), asked about together.
            parts = [self._topic_rows(p, verbatim) for p in _CONJUNCTION.split(bare[:listed.start()]) if p.strip("，的了")]
            if len(parts) > 1 and all(rows for rows, _ in parts):
                rows = list(dict.fromkeys(r for found, _ in parts for r in found))
                return rows, SEP.join(what for _, what in parts)
        return self._topic_rows(bare, verbatim)

    def _topic_rows(self, text: str, verbatim: bool) -> tuple[list[Row], str]:
        """The rows a topic names; with `verbatim`, those that write the topic word for word when some do
        ("无障碍改造" is 八-2, not 八-1 of the same project). A leader answers for a whole project, so a
        question about a leader keeps every row the topic reaches (农贸市场: 九-1 and 未来农贸 九-2)."""
        query = self._parse(text)
        phrases = [(p, ws) for p, ws in query.phrases if len(p) > 1 and not _is_function(p)]
        if not phrases:
            return [], ""
        topic = Query(question=text, intent="keyword", phrases=phrases, terms=[w for _, ws in phrases for w in ws],
                      synonyms=query.synonyms, quoted=query.quoted)
        rows = [r.row for r in answer(topic, self.catalog).rows]
        word_for_word = [r for r in rows if all(p in "".join(r.text.split()) for p, _ in phrases)] if verbatim else []
        return word_for_word or rows, SEP.join(p for p, _ in phrases)

    def _topic_words(self, text: str) -> list[str]:
        return [w for _, ws in self._parse(text).phrases for w in ws]

    def _domain_unit(self, text: str) -> str | None:
        """"分管教育" → 区教育局: a topic word that, with 局, is a unit's name."""
        surfaces = self.lexicon.unit_surfaces
        for _, words in self._parse(text).phrases:
            for word in words:
                for form in (word + "局", "区" + word + "局"):
                    if form in surfaces:
                        return surfaces[form]
        return None

    # --- supporting units ---------------------------------------------------------------------------

    def _supporting(self, core: str) -> tuple[Answer, Context] | None:
        cues = self.cues
        support = cues.first("supporting.who_support", core)
        every = cues.first("supporting.who_all", core)
        both = cues.first("supporting.both", core)
        names = self._names(core)
        units = [n for t, n in names if t == "unit"]
        unit_at = next((x for x in self.subjects_of(core) if x.type == "unit"), None)
        # "配合区城乡改造和编研中心的单位有哪些": the units beside it in the rows it leads.
        helped = unit_at is not None and core.startswith(cues["supporting.helps_before"]) and \
            core[len(next(w for w in cues["supporting.helps_before"] if core.startswith(w))):].lstrip().startswith(
                unit_at.surface) and "单位" in core[core.find(unit_at.surface) + len(unit_at.surface):]
        if not (support or every or both or helped):
            return None
        helps = cues.first("supporting.helps", core)
        if helped or (helps and units and unit_at is not None and core.find(helps) < core.find(unit_at.surface)):
            return self._remember_plain(f.helpers_of(self.message, self.catalog, units[0], self._kind(core)))
        row_of = support and cues.any("supporting.row_of", core.replace(support, ""))
        if len(units) == 1 and (both or (support and ("牵头" in core.replace(support, "") or row_of))):
            # "X牵头的那条谁配合", "X那条配合单位", "X负责的工作，把牵头和配合单位都列上": the unit's rows (those
            # it leads when 牵头 or 那条 is said without 配合), each with its lead and supporting units.
            lead_only = not both
            kind = self._kind(core)
            parts = [(row, part) for row, part in self.catalog.parts.get(units[0], ())
                     if kind is None or row.kind == kind]
            rows = [row for row, part in parts if part.lead or not lead_only] or \
                ([row for row, _ in parts] if row_of else [])
            what = f"{units[0]}{'牵头' if lead_only else '负责'}的工作"
            return self._remember_plain(f.supporting(self.message, list(dict.fromkeys(rows)), what, every_unit=False))
        if not (support or every) or units or [n for t, n in names if t == "leader"]:
            return None
        ask = support or every
        rows, what = self._deciding_rows(core.replace(ask, "，"), names)
        if not rows:
            if self.ctx.rows and self._without_subject(core):
                rows = [self.catalog.by_id[i] for i in self.ctx.rows if i in self.catalog.by_id]
                what = SEP.join(r.label for r in rows) if len(rows) <= 3 else m.THESE_ROWS
            else:
                return None
        every_unit = (bool(every) and not support) or "谁牵头谁配合" in core
        return self._remember_plain(f.supporting(self.message, rows, what, every_unit))

    # --- deadlines ------------------------------------------------------------------------------------

    def _deadline(self, core: str) -> tuple[Answer, Context] | None:
        """Deadlines: a row's admin-set or schedule-file date (knowledge/reminders/store.py's `effective`), else
        the row's own deadline as the document writes it (完成时限 column or label), else the document default."""
        if self.cues.any("deadlines.subscribe", core) and self._without_subject(core):
            return self._keep(s.make(self.message, "help", m.SUBSCRIBE_HOW))
        if not self.cues.any("deadlines.words", core):
            return None
        from knowledge.reminders.deadlines import document_default_due

        default = document_default_due(self.catalog.year)
        known = self.deadlines() if self.deadlines is not None else {}

        def set_dates(row: Row) -> list[date]:
            return sorted({d.due for d in known.get(row.id, []) if d.source in ("admin", "schedule")})

        def dues(row: Row) -> list[date]:
            if set_here := set_dates(row):
                return set_here
            if row.deadline:  # the document's own phrase; one the parser reads no date from has none
                return [row.due] if row.due else []
            return [default] if default else []

        def said(row: Row) -> tuple[str, str]:
            """(the deadline as shown, why): set dates, else the phrase as written, else the default."""
            if set_here := set_dates(row):
                return SEP.join(_shown(d) for d in set_here), m.DEADLINE_SET
            if row.deadline:
                dated = m.DATE.format(y=row.due.year, m=row.due.month, d=row.due.day) if row.due else ""
                return row.deadline, m.DEADLINE_DOCUMENT_DATED.format(date=dated) if dated else m.DEADLINE_DOCUMENT
            if default is None:  # an undated document: no year to fall back on
                return m.DEADLINE_UNDATED, m.DEADLINE_UNDATED_WHY
            return _shown(default), m.DEADLINE_DEFAULT

        if self.cues.any("deadlines.this_month", core):
            today = date.today()
            month = m.MONTH.format(y=today.year, m=today.month)
            rows = [r for r in self.catalog.rows if any((d.year, d.month) == (today.year, today.month) for d in dues(r))]
            if rows:
                return self._remember_plain(s.make(self.message, "deadline",
                                                   m.DEADLINE_MONTH.format(month=month, n=len(rows)), rows))
            none = (m.DEADLINE_NONE_MONTH.format(month=month, due=_shown(default)) if default
                    else m.DEADLINE_NONE_MONTH_UNDATED.format(month=month))
            return self._keep(s.make(self.message, "deadline", none))
        # The deadline words are no topic: "老年大学什么时候开工" asks about the rows of 老年大学 (开工 stays a word);
        # what follows them may be a milestone the row's text does not write ("人行天桥什么时候投入使用").
        asked = core
        for word in self.cues["deadlines.words"]:
            asked = asked.replace(word, "\n")
        rows, what = self._deciding_rows(asked.replace("\n", "，"), self._names(core))
        if not rows and asked.split("\n")[0].strip("，的"):
            rows, what = self._deciding_rows(asked.split("\n")[0], self._names(core))
        if not rows and (named := [(t, n) for t, n in self._names(core) if t in ("unit", "leader")]):
            # "水务局的工作什么时候完成": every row of the named units and leaders.
            index = {"unit": self.catalog.by_unit, "leader": self.catalog.by_leader}
            rows = list(dict.fromkeys(r for t, n in named for r in index[t].get(n, ())))
            what = SEP.join(n for _, n in named)
        if (kind := self._kind(core)) is not None:
            rows = [r for r in rows if r.kind == kind] or rows
        if not rows:
            return None
        found = {said(r) for r in rows}
        if len(found) == 1:
            [(due, why)] = found
            headline = m.DEADLINE.format(label=what, due=due, why=why)
        else:
            headline = m.DEADLINE_EACH.format(label=what, dues=HEADLINE_SEP.join(
                f"{r.label} {said(r)[0]}" for r in rows))
        return self._remember_plain(s.make(self.message, "deadline", headline, rows))

    # --- pasted text ----------------------------------------------------------------------------------

    def _pasted(self, core: str) -> tuple[Answer, Context] | None:
        """A sentence copied from the document (perhaps trimmed) and what is asked about it."""
        if len(core) < 14:
            return None
        from rapidfuzz import fuzz

        text = "".join(core.split())
        best = self.duban.pastes.best(text)
        if best is None:
            return None
        row, score = self.catalog.by_id[best[0]], best[1]
        haystack = self.duban.pastes.texts
        # The copied part must be most of the message: a question that only mentions a phrase is not a paste.
        overlap = fuzz.partial_ratio(haystack[row.id], text) if len(haystack[row.id]) < len(text) else score
        if overlap < 80 or not self._mostly_copied(text, haystack[row.id]):
            return None
        rows = [row]
        if self.cues.any("supporting.who_support", core):
            result = f.supporting(self.message, rows, row.label, every_unit=False)
        elif self.cues.any("supporting.who_all", core) and "谁" not in core:
            result = f.supporting(self.message, rows, row.label, every_unit=True)
        elif self.lexicon.cues.found("who_leader", core) or self.words.noun in core:
            result = f.leaders_of_rows(self.message, rows)
        elif self.cues.any("supporting.asks_lead", core[-14:]):
            result = f.leads_of_rows(self.message, rows)
        else:
            result = s.make(self.message, "item", m.DETAIL.format(label=row.label), rows, detail=True)
        result.notes.insert(0, m.PASTED.format(label=row.label, score=round(score)))
        return result, self._remember(result, question=row.label, subjects=[Subject("code", row.label)], focus="rows")

    @staticmethod
    def _mostly_copied(text: str, row_text: str) -> bool:
        common = sum(1 for ch in set(text) if ch in row_text)
        return common >= 0.6 * len(set(text))

    # --- the question pipeline, with the context for messages that name no subject ----------------------

    def _question(self, core: str) -> tuple[Answer, Context]:
        ctx = self.ctx
        cleaned = self._strip_followup_words(core)
        query = self._parse(cleaned or core)
        if ctx.rows and self._without_subject(core) and (self.cues.any("followup.figures", core) or
                                                         self._asks_figure(query)):
            rows = [self.catalog.by_id[i] for i in ctx.rows if i in self.catalog.by_id]
            return self._remember_plain(f.figures_of(self.message, rows), keep_rows=True)
        own = bool(query.units or query.leaders or query.categories or query.items or query.unknown or
                   query.intent in ("unknown_unit", "other_place", "other_year", "ambiguous") or
                   any(len(p) > 1 and not _is_function(p) for p, _ in query.phrases))
        # "重点工作有多少项" asks about the whole document: without a follow-up word it is not a follow-up.
        # "有几项" naming nothing counts the whole document only when nothing was just shown; after a list it
        # counts the list.
        whole = query.intent == "count" and not (query.kind or query.role or query.phrases)
        own = own or (query.intent not in ("none", "help") and not whole and not self._leans(core))
        if own and ctx.rows and (query.units or query.leaders) and self._narrows(core, query):
            return self._narrow(query)
        if own or ctx.empty:
            if not own and ctx.empty and core.strip("？?。！!") in self.cues["stats.leaders_alone"]:
                # "县领导是谁" naming nothing, first in a conversation: who the document's leaders are.
                return self._keep(self._leaders_list() if self.catalog.leader_titles else
                                  s.make(self.message, "overview", m.NO_LEADERS.format(leader=self.words.noun)))
            if not own and self._vague(core, query):
                return self._keep(s.make(self.message, "none", self._vague_reply()))
            return self._fresh(core, query)
        return self._follow(core, cleaned, query)

    def _asks_figure(self, query: Query) -> bool:
        """"要打通几条" after "断头路": a verb of doing and 几/多少 with nothing else asks how much the rows just
        shown set out to do — the figures they state — not how many rows there are."""
        return bool(query.optional_terms) and (query.count or query.intent == "number") and not (
            query.terms or query.units or query.leaders or query.categories or query.kind or query.role)

    def _leans(self, core: str) -> bool:
        """Whether the message has a word that leans on the conversation (那, 呢, 只看, 其中, 他, 列出来, who-asks)."""
        cues = self.cues
        return (any(core.startswith(w) for w in cues["followup.opener"]) or
                core.rstrip("？?").endswith(cues["followup.closer"]) or
                any(cues.any(name, core) for name in ("followup.only", "followup.narrow", "followup.pronoun",
                                                      "followup.relist", "supporting.who_support",
                                                      "supporting.who_all")) or
                bool(self.lexicon.cues.found("who_leader", core) or self.lexicon.cues.found("who_unit", core)))

    def _vague_reply(self) -> str:
        """Which unit, leader or task? with two examples the answering document answers (when it has two)."""
        if self.duban.written_examples:
            return m.VAGUE.format(a=m.VAGUE_EXAMPLES[0], b=m.VAGUE_EXAMPLES[1], leader=self.words.noun)
        pair = self.duban.examples[:2]
        return m.VAGUE_OTHER.format(a=pair[0], b=pair[1]) if len(pair) == 2 else m.VAGUE_BARE

    def _vague(self, core: str, query: Query) -> bool:
        return self.cues.any("everyday.vague", core) or bool(self.lexicon.cues.found("who_unit", core))

    def _fresh(self, core: str, query: Query) -> tuple[Answer, Context]:
        query = self._parse(core)
        if (asked := self._ambiguous_body(core, query) or self._ambiguous_leader(core, query)) is not None:
            return asked
        result = self._nameplate(core, query) or self._always_written(query, self.duban.ask(core, self._parse(core)))
        offer = result.intent == "ambiguous" or (result.intent == "none" and not query.suggestions)
        if offer and (offered := self._nearest_leader(query)) is not None:
            return offered
        result = _said_empty(result)
        focus: Focus = "question" if (query.units or query.leaders) else "rows"
        after = self._remember(result, question=core, subjects=self.subjects_of(core, query=query), focus=focus)
        if result.intent == "unit_leader" and len(named := {r.row.leader for r in result.rows if r.row.leader}) == 1:
            after.subjects.append(Subject("leader", named.pop()))  # "X归谁管" → "他还分管什么": that leader
        if result.intent == "ambiguous" and query.unknown:
            after.unclear, after.choices = query.unknown, list(result.suggestions)
        elif result.suggestions and len(result.suggestions) <= 4:
            surface = next((x.surface for x in after.subjects if x.type in ("unit", "leader")), "")
            after.unclear, after.choices = surface, list(result.suggestions)
        return result, after

    def _follow(self, core: str, cleaned: str, query: Query) -> tuple[Answer, Context]:
        """A message with no subject of its own, read against the last question or its rows."""
        ctx = self.ctx
        rows = [self.catalog.by_id[i] for i in ctx.rows if i in self.catalog.by_id]
        lexicon_cues = self.lexicon.cues
        if self.cues.any("supporting.who_support", core):
            return self._remember_plain(f.supporting(self.message, rows, m.THESE_ROWS, every_unit=False), keep_rows=True)
        if self.cues.any("supporting.who_all", core) or self.cues.any("supporting.who_is", core):
            if self.cues.any("supporting.who_is", core) or self.cues.any("stats.lead", core):
                return self._remember_plain(f.leads_of_rows(self.message, rows), keep_rows=True)
            return self._remember_plain(f.supporting(self.message, rows, m.THESE_ROWS, every_unit=True), keep_rows=True)
        if lexicon_cues.found("who_leader", core):
            if ctx.focus == "question":
                base = self._parse(ctx.question)
                if base.units and not base.leaders:
                    base.intent, base.role = "unit_leader", None
                    base.kind = ctx.kind or base.kind  # type: ignore[assignment]
                    return self._remember_plain(answer(base, self.catalog), keep_rows=False)
            return self._remember_plain(f.leaders_of_rows(self.message, rows), keep_rows=True)
        if lexicon_cues.found("who_unit", core):
            return self._remember_plain(f.leads_of_rows(self.message, rows), keep_rows=True)
        if ctx.focus != "question" or not ctx.question:
            if query.kind or query.role:
                picked = [r for r in rows if not query.kind or r.kind == query.kind]
                result = s.make(self.message, "keyword", m.AMONG_KIND.format(scope=self._scope(query.kind), n=len(picked)), picked)
                return self._remember_plain(result)
            if query.count:
                return self._keep(s.make(self.message, "count", m.IN_ALL.format(n=len(rows))))
            if self.cues.any("followup.relist", core):
                if rows and self._without_subject(core):
                    # "重点工作有几项" → "列出来看看": the rows just counted, listed.
                    return self._remember_plain(s.make(self.message, "keyword", m.IN_ALL.format(n=len(rows)), rows))
                if not rows and ctx.question and not self.relisted and \
                        (again := _COUNT_ASK.sub(m.ASK_WHICH, ctx.question)) != ctx.question:
                    # "第五部分有多少项" → "列出来看看": the counted question asked for its rows.
                    self.relisted = True
                    return self.read(again, _MAX_DEPTH)
            return self._fresh(core, query)
        base = self._parse(ctx.question)
        role = query.role or ctx.role or base.role or None
        kind = query.kind or ctx.kind or base.kind or None
        base.role = role  # type: ignore[assignment]
        base.kind = kind  # type: ignore[assignment]
        base.count = query.count and not self.cues.any("followup.relist", core)
        if base.intent in ("count",) and not base.count:
            base.intent = "unit_items" if base.units else "leader_items" if base.leaders else "keyword"
        elif base.count and base.intent in ("unit_items", "leader_items"):
            base.intent = "count"
        # A body asked by its second nameplate stays that nameplate's rows ("区网信办…" then "只看牵头的").
        result = _said_empty(self._nameplate(ctx.question, base) or answer(base, self.catalog))
        after = self._remember(result, question=ctx.question, subjects=ctx.subjects, focus="question")
        after.role, after.kind = role or "", kind or ""
        return result, after

    def _narrows(self, core: str, query: Query) -> bool:
        """Whether a message naming a unit or leader picks among the rows just shown rather than asking
        afresh: "其中民政局牵头的", "哪些是应急局牵头的" (at its start), or "只看卫健局的" after a list of
        another kind of name (a leader's rows seen by one unit; "只看卫健局的" after a unit's rows is a switch)."""
        if self.cues.any("followup.narrow", core) or core.startswith(self.cues["followup.narrow_opener"]):
            return True
        if not self.cues.any("followup.only", core):
            return False
        before = {x.type for x in self.ctx.subjects if x.type in ("unit", "leader")}
        named = {"unit"} if query.units else set()
        named |= {"leader"} if query.leaders else set()
        return bool(before) and not before & named

    def _narrow(self, query: Query) -> tuple[Answer, Context]:
        """"其中民政局牵头的": the last rows where that unit (in that role) or leader appears."""
        rows = [self.catalog.by_id[i] for i in self.ctx.rows if i in self.catalog.by_id]
        picked = []
        for row in rows:
            if query.kind and row.kind != query.kind:
                continue
            if query.leaders and row.leader not in query.leaders:
                continue
            if query.units:
                parts = [row.role_of(u) for u in query.units]
                if not any(p is not None and (query.role is None or p.lead == (query.role == "lead")) for p in parts):
                    continue
            picked.append(row)
        names = SEP.join(query.units + query.leaders)
        role = m.ROLE_WORDS.get(query.role or "", m.ROLE_ANY)
        result = _said_empty(s.make(self.message, "unit_items", m.AMONG_NAMED.format(names=names, role=role,
                                                                                    n=len(picked)), picked))
        return self._remember_plain(result)

    def _strip_followup_words(self, core: str) -> str:
        text = core
        for name in ("followup.pronoun", "followup.narrow", "followup.only", "followup.filler"):
            for word in self.cues[name]:
                text = text.replace(word, "")
        for word in self.cues["followup.opener"]:
            if text.startswith(word):
                text = text[len(word):]
        text = text.rstrip("？? ")
        for word in self.cues["followup.closer"]:
            text = text.removesuffix(word)
        return text.strip(" ，的")

    def _nameplate(self, core: str, query: Query) -> Answer | None:
        """A body asked about by its second nameplate (网信办 in 区委宣传部（区网信办）): only the rows where
        that name is written, and the answer says how the document writes it."""
        if query.intent not in ("unit_items", "count") or len(query.units) != 1:
            return None
        unit = query.units[0]
        mention = next((x for x in find_mentions(core, self.lexicon) if x.entity.name == unit), None)
        if mention is None:
            return None
        plate = mention.surface.replace("“", "").replace("”", "")
        core_name = unit.replace("“", "").replace("”", "")
        if plate in core_name or plate.removeprefix("区") in core_name:
            return None
        written = [(row, part) for row, part in self.catalog.parts.get(unit, ())
                   if "（" in (shown := _as_written(part.written)) and plate.removeprefix("区") in
                   shown.split("（", 1)[1].replace("“", "").replace("”", "")]
        if not written:
            return None
        result = answer(query, self.catalog)
        ids = {row.id for row, _ in written}
        for block in result.blocks:
            block.rows = [r for r in block.rows if r.row.id in ids]
        result.blocks = [b for b in result.blocks if b.rows]
        result.related = {}
        as_written = written[0][1].written
        result.headline = m.AS_WRITTEN.format(name=mention.surface, written=as_written, n=len(result.rows))
        if not result.rows:
            result.headline = m.NOTHING_FOR.format(headline=result.headline)
        return result

    def _always_written(self, query: Query, result: Answer) -> Answer:
        """A unit the document never writes by its bare name ("区楼宇发展中心（筹）"): the answer says how it
        is written, so a reader searching the document finds it."""
        if len(query.units) != 1 or not result.rows:
            return result
        unit = query.units[0]
        # compared as normalized, shown as the document writes it ("各街办(新区)", its half-width brackets kept)
        written = {_as_written(part.written.lstrip("*")): part.written.lstrip("*")
                   for _, part in self.catalog.parts.get(unit, ())}
        if len(written) == 1 and (form := next(iter(written))) != _as_written(unit):
            result.notes.insert(0, m.ALWAYS_WRITTEN.format(name=unit, written=written[form]))
        return result

    def _ambiguous_body(self, core: str, query: Query) -> tuple[Answer, Context] | None:
        """"集团", "区委", "交管大队": a body's name that several units fit — ask which, with the choices."""
        if query.units or query.leaders:
            return None
        # The name is a topic phrase ("集团负责啥") or a name like no unit ("发展集团牵头哪些工作").
        if len(query.phrases) == 1:
            phrase = query.phrases[0][0]
        elif not query.phrases and query.intent == "unknown_unit" and query.unknown:
            phrase = query.unknown
        else:
            return None
        if len(phrase) < 2 or not phrase.endswith(self.lexicon.language.names.org_suffixes):
            return None
        units = [u.name for u in self.catalog.units.values() if u.kind != "group" and u.name in self.catalog.by_unit
                 and _subsequence(phrase, u.name)]
        if not 2 <= len(units) <= 12:
            return None
        result = s.make(self.message, "ambiguous", m.AMBIGUOUS_BODY.format(name=phrase, options=SEP.join(units)))
        result.suggestions = units
        return result, Context(question=normalize(core), unclear=phrase, choices=units)

    def _ambiguous_leader(self, core: str, query: Query) -> tuple[Answer, Context] | None:
        """"张区长": a surname with a title that two leaders answer to (张崇波 区长, 张伟 副区长) — ask which."""
        if len(query.leaders) != 1 or query.units:
            return None
        for mention in find_mentions(core, self.lexicon):
            names = list(dict.fromkeys(e.name for e in mention.entities if e.type == "leader"))
            # A title alone ("副区长" beside 周敏) is not the name the parser took.
            if len(names) < 2 or mention.surface in names or mention.weak or query.leaders[0] not in names:
                continue
            # Only leaders whose own title the spoken one shortens: 张区长 fits 张崇波 (区长) and 张伟 (副区长,
            # called 区长 in speech); 张常委 and 张副区长 fit 张伟 alone.
            title = mention.surface[1:]
            names = [n for n in names if any(t.endswith(title) for t in self.catalog.leader_titles.get(n, ()))]
            if len(names) < 2:
                continue
            options = [f"{n}（{'、'.join(self.catalog.leader_titles.get(n, ())) or self.words.noun}）" for n in names]
            result = s.make(self.message, "ambiguous",
                            m.AMBIGUOUS_LEADER.format(name=mention.surface, options="、".join(options),
                                                      leader=self.words.noun))
            result.suggestions = names
            return result, Context(question=normalize(core), unclear=mention.surface, choices=names)
        return None

    def _nearest_leader(self, query: Query) -> tuple[Answer, Context] | None:
        """A leader's name one character off ("王永森"): offer the nearest leader."""
        for phrase, _ in query.phrases:
            for start in range(len(phrase)):
                for leader in self.catalog.leader_titles:
                    span = phrase[start:start + len(leader)]
                    if len(span) == len(leader) and sum(a != b for a, b in zip(span, leader, strict=True)) == 1:
                        headline = m.NOT_IN_DOCUMENT.format(name=span, choose=m.CHOOSE)
                        result = s.make(self.message, "unknown_unit", headline)
                        result.suggestions = [leader]
                        question = query.question if span in query.question else phrase
                        return result, Context(question=normalize(question), unclear=span, choices=[leader])
        return None

    # --- memory -----------------------------------------------------------------------------------------

    def _names(self, text: str) -> list[tuple[str, str]]:
        """(type, canonical name) of every unit, leader and category named in `text`, in order."""
        found: list[tuple[str, str]] = []
        for mention in find_mentions(text, self.lexicon):
            if mention.weak or mention.ambiguous:
                continue
            kind = mention.entity.type
            label = "leader" if kind == "leader" else "category" if kind == "category" else "unit"
            if (label, mention.entity.name) not in found:
                found.append((label, mention.entity.name))
        return found

    def _kind(self, text: str) -> str | None:
        cues = self.lexicon.cues
        live, key = bool(cues.found("livelihood", text)), bool(cues.found("key_task", text))
        return "livelihood" if live and not key else "key_task" if key and not live else None

    def _without_subject(self, core: str) -> bool:
        return not self._names(core) and not row_codes(core, self.catalog)

    def _keep(self, result: Answer) -> tuple[Answer, Context]:
        """An answer that changes nothing a follow-up leans on (thanks, a count, an ask-back refused)."""
        return result, replace(self.ctx)

    def _remember_plain(self, result: Answer, keep_rows: bool = False) -> tuple[Answer, Context]:
        if keep_rows:
            return result, replace(self.ctx)
        if not result.rows:
            return result, self._remember(result, question=self.ctx.question, subjects=[], focus="rows")
        # The message is remembered with its subjects, so "那养老床位呢" after "老年食堂的配合单位" asks the
        # same thing about the new subject ("养老床位的配合单位"), as after any other question.
        asked = normalize(self.message)
        return result, self._remember(result, question=asked, subjects=self.subjects_of(asked, query=self._parse(asked)),
                                      focus="rows")

    def _remember(self, result: Answer, question: str = "", subjects: list[Subject] | None = None,
                  focus: Focus = "rows", listing: list[str] | None = None) -> Context:
        ids = [item.row.id for item in result.rows]
        ordered = sorted(ids, key=self.catalog.positions.__getitem__)
        return Context(question=question or normalize(self.message), subjects=list(subjects or []), focus=focus,
                       rows=ordered, listing=ordered if listing is None else listing,
                       headline=result.headline if listing is None else self.ctx.headline)


def _subsequence(short: str, long: str) -> bool:
    """Whether the characters of `short` appear in `long` in order ("交管大队" in "市公安局交管局一大队")."""
    position = 0
    for char in short:
        position = long.find(char, position) + 1
        if position == 0:
            return False
    return True


def _compatible(old: SubjectType, new: SubjectType) -> bool:
    """A new subject may stand in for an old one of a related kind ("民生实事 5-1呢" after "五-12")."""
    groups = ({"unit", "leader"}, {"code"}, {"section", "ordinal"}, {"topic", "category"})
    return any(old in g and new in g for g in groups)


def _is_function(phrase: str) -> bool:
    return phrase in load_dialogue_cues()["followup.function"]


def _without_names(text: str, lexicon: object) -> str:
    from bot.nlu.lexicon import Lexicon

    assert isinstance(lexicon, Lexicon)
    out = text
    for mention in sorted(find_mentions(text, lexicon), key=lambda x: -x.start):
        out = out[:mention.start] + "，" + out[mention.end:]
    return out


def _said_empty(result: Answer) -> Answer:
    """An empty list answer says 没有 first."""
    # Facts without rows (张崇波：全部工作总负责) are an answer, not an empty list.
    if result.intent in _LIST_INTENTS and not result.rows and not result.facts and not result.headline.startswith(m.NOTHING):
        result.headline = m.NOTHING_FOR.format(headline=result.headline)
    return result


__all__ = ["Turn"]


def _shown(day: date) -> str:
    return m.DATE_ISO.format(date=m.DATE.format(y=day.year, m=day.month, d=day.day), iso=day.isoformat())


def _spaces_as_commas(text: str) -> str:
    """The spaces between a message's words as the commas they stand for ("区民政局 老年食堂"), but none inside a
    row ID: "民生实事 5-1" (as answers label rows) stays one ID, read as 民生实事5-1."""
    for surface, _code in written_row_ids(text):
        if " " in surface and surface in text:
            text = text.replace(surface, "".join(surface.split()))
    return text.replace(" ", "，")
