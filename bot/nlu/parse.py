"""parse(question) → Query: normalize, find the focus sentence, link names, read cues, keep topic words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.nlu.lexicon import Lexicon
from bot.nlu.link import STRONG_ORG_SUFFIXES, Mention, find_mentions, foreign_place, near_miss, org_spans
from bot.nlu.normalize import normalize, sentences
from bot.nlu.query import Intent, Kind, Query, Role
from bot.nlu.segment import Segmenter
from knowledge.numerals import chinese_to_int

_GAP = "|"
# Past this many characters a sentence is read from its last asking clause.
_LONG = 60
_CLAUSE_END = re.compile(r"(?<=[，；：,;:])")
_SHAPES = ("off_topic", "other_year", "multi_lead", "leaders_overview", "units_overview", "star_meaning")
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_QUOTED = re.compile(r"[“‘\"']([^”’\"']{2,40})[”’\"']")
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_ROW_CODE = re.compile(r"(?<![A-Za-z])([KkLl])\s*(\d{1,3})\s*-\s*(\d{1,3})")
_SECTION_CODE = re.compile(r"([一二三四五六七八九十]{1,3})\s*-\s*(\d{1,3})")
_LIVELIHOOD_CODE = re.compile(r"民生实事\s*(?:第\s*)?(\d{1,3})\s*-\s*(\d{1,3})")
_COUNT = re.compile(r"(多少|几)\s*(项|条|件|个(?=\s*(?:工作|任务|事项|项目|民生实事|重点工作|实事)))"
                    r"|(多少|几)\s*(?=(?:民生实事|重点工作|实事|工作|任务|事项))"
                    r"|(数量|总数|项数|条数|一共|总共|共有|合计)")


@dataclass
class Parser:
    """Turns question text into a `Query`, using one lexicon (and its segmenter)."""

    lexicon: Lexicon
    cache_dir: Path | None = None
    stop: frozenset[str] = field(init=False)
    action: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # Cue phrases carry the intent, not the topic: none of them is a topic word.
        cues = self.lexicon.cues.lists
        self.action = frozenset(cues.get("action", ()))
        self.stop = frozenset(w for name, words in cues.items() if name != "action" for w in words) | self.lexicon.own_places

    @cached_property
    def segmenter(self) -> Segmenter:
        catalog = self.lexicon.catalog
        text = "\n".join(catalog.haystack.values())
        return Segmenter(text, self.lexicon.words, self.cache_dir)

    def parse(self, question: str) -> Query:
        """Read one question."""
        text = normalize(question)
        if not _HAS_WORD.search(text):
            return Query(question=question, intent="none", text=text)
        if codes := self._row_codes(text):
            return Query(question=question, intent="item", text=text, items=codes)
        focus = self._last_clause(self._focus(text))
        mentions = find_mentions(focus, self.lexicon)
        query = Query(question=question, intent="none", text=focus)
        rest = _blank(focus, [(m.start, m.end) for m in mentions])
        rest, cues = self._read_cues(query, rest, focus)
        rest = self._quoted(query, rest)
        for mention in mentions:
            if mention.entity.type in ("unit", "street") and (place := foreign_place(focus, mention, self.lexicon,
                                                                                       self.stop)):
                query.intent = "other_place"
                query.unknown = place + mention.surface.lstrip(place[-1])
                return query
        self._fill_entities(query, [m for m in mentions if not m.weak])
        query.unit_roles = self._roles_by_position(focus, mentions)
        # "区民政局今年的预算": the document says 预算 somewhere, but nowhere about this unit or leader.
        if cues["off_topic_in_document"] and self._unanswerable_for_names(query, cues["off_topic_in_document"]):
            query.shapes.add("off_topic")
        if query.intent == "ambiguous":
            return query
        if not query.units and not query.leaders:
            rest = self._leader_typos(query, rest)
        if not query.units and not query.leaders:
            self._fill_entities(query, [m for m in mentions if m.weak])
            if query.intent == "ambiguous":
                return query
        rest = self._near_misses(query, rest)
        if query.intent == "unknown_unit":
            return query
        if not query.units and not query.leaders:
            rest = self._short_unit_typos(query, rest)
        terms, query.optional_terms, phrases = self._terms(rest)
        if len(phrases) > 1:
            # Beside real topic words a lone character ("由谁来建" → 来) is grammar; alone ("鞋") it is the topic.
            phrases = [p for p in phrases if len(p[0]) > 1] or phrases[:1]
            terms = [t for t in terms if any(t in words for _, words in phrases)]
        query.terms = list(dict.fromkeys([*query.terms, *terms]))
        query.phrases += phrases
        query.synonyms = {w: self.lexicon.synonyms[w] for w in query.terms if w in self.lexicon.synonyms}
        for word in query.terms:
            if len(word) >= 3 and word not in query.synonyms:
                query.synonyms[word] = self._looser_forms(word)
        query.intent = self._intent(query, focus, cues)
        return query

    def _row_codes(self, text: str) -> list[str]:
        codes = [f"{m.group(1).upper()}{int(m.group(2))}-{int(m.group(3))}" for m in _ROW_CODE.finditer(text)]
        codes += [f"L{int(m.group(1))}-{int(m.group(2))}" for m in _LIVELIHOOD_CODE.finditer(text)]
        for match in _SECTION_CODE.finditer(text):
            codes.append(f"K{chinese_to_int(match.group(1))}-{int(match.group(2))}")
        catalog = self.lexicon.catalog
        return [code for code in dict.fromkeys(codes) if code in catalog.by_id]

    def _last_clause(self, focus: str) -> str:
        """In a long sentence the question is its last asking clause ("…有人说是民政部门办…，给老人买意外险
        这件事是哪个单位牵头的？"): names in the story before it are not what is asked about."""
        if len(focus) <= _LONG:
            return focus
        clauses = [c for c in _CLAUSE_END.split(focus) if c.strip()]
        asks = (*self.lexicon.cues["list"], *self.lexicon.cues["who_unit"], *self.lexicon.cues["who_leader"],
                *self.lexicon.cues["number"])
        for index in range(len(clauses) - 1, -1, -1):
            if any(cue in clauses[index] for cue in asks) and not self._only_stop(clauses[index]):
                return "".join(clauses[index:])
        return focus

    def _focus(self, text: str) -> str:
        # A long message with a preamble asks its question last: read from the last sentence that
        # names something (or, failing that, asks something) to the end.
        parts = sentences(text)
        if len(parts) <= 1:
            return text
        asks = self.lexicon.cues["list"] + self.lexicon.cues["who_unit"] + self.lexicon.cues["number"]
        for wanted in (lambda s: bool(find_mentions(s, self.lexicon)), lambda s: any(c in s for c in asks)):
            for index in range(len(parts) - 1, -1, -1):
                if wanted(parts[index]):
                    return "".join(parts[index:])
        return text

    def _read_cues(self, query: Query, rest: str, focus: str) -> tuple[str, dict[str, list[str]]]:
        cues = self.lexicon.cues
        found = {name: cues.found(name, rest) for name in
                 ("lead", "support", "not_lead", "livelihood", "key_task", "who_unit", "who_leader", "number",
                  "help", "together", "separately", "has_note", *_SHAPES)}
        # A personal or unanswerable word the document itself uses ("一般公共预算收入") asks about the document.
        found["off_topic_in_document"] = [c for c in found["off_topic"] if self.lexicon.catalog.containing(c)]
        found["off_topic"] = [c for c in found["off_topic"] if c not in found["off_topic_in_document"]]
        query.shapes = {name for name in _SHAPES if found[name]}
        for name in _SHAPES:  # shape phrases contain role words (牵头单位): take them out first
            for cue in found[name]:
                rest = rest.replace(cue, _GAP)
        found["lead"] = cues.found("lead", rest)
        found["support"] = cues.found("support", rest)
        if found["not_lead"] or (found["support"] and not found["lead"]):
            query.role = "support"
        elif found["lead"] and not found["support"]:
            query.role = "lead"  # "牵头或参与" asks for both: no role
        kind: Kind | None = None
        if found["livelihood"] and not found["key_task"]:
            kind = "livelihood"
        elif found["key_task"] and not found["livelihood"]:
            kind = "key_task"
        query.kind = kind
        query.count = bool(_COUNT.search(focus))
        query.together = bool(found["together"]) and not found["separately"]
        query.has_note = bool(found["has_note"])
        query.topic_cue = bool(cues.found("topic", focus))
        for name in ("not_lead", "lead", "support", "livelihood", "key_task", "who_unit", "who_leader", "help",
                     "together", "separately", "has_note"):
            for cue in found[name]:
                rest = rest.replace(cue, _GAP)
        return rest, found

    def _unanswerable_for_names(self, query: Query, cues: list[str]) -> bool:
        """Whether some such word appears in none of the named units' or leaders' rows."""
        catalog = self.lexicon.catalog
        named = [row for unit in query.units for row in catalog.by_unit.get(unit, ())]
        named += [row for leader in query.leaders for row in catalog.by_leader.get(leader, ())]
        return bool(named) and any(all(cue not in catalog.haystack[r.id] for r in named) for cue in cues)

    def _roles_by_position(self, focus: str, mentions: list[Mention]) -> dict[str, str]:
        """"区发改局牵头、七都街道参与": the role word right after each unit's name, when there is one."""
        roles: dict[str, str] = {}
        lead, support = self.lexicon.cues["lead"], self.lexicon.cues["support"]
        for mention in mentions:
            if mention.entity.type not in ("unit", "street"):
                continue
            after = focus[mention.end:mention.end + 5].lstrip("的是作为")
            if after.startswith(tuple(support)):
                roles[mention.entity.name] = "support"
            elif after.startswith(tuple(lead)):
                roles[mention.entity.name] = "lead"
        return roles

    def _fill_entities(self, query: Query, mentions: list[Mention]) -> None:
        for mention in mentions:
            if mention.ambiguous:
                query.intent = "ambiguous"
                query.unknown = mention.surface
                query.suggestions = list(dict.fromkeys(e.name for e in mention.entities))
                return
            entity = mention.entity
            target = {"unit": query.units, "street": query.units, "group": query.units,
                      "leader": query.leaders, "category": query.categories}[entity.type]
            if entity.name not in target:
                target.append(entity.name)
            # "张区长" is taken as the 区长 张崇波, but the other 张 is offered too.
            others = [e.name for e in mention.entities if e.name != entity.name]
            query.suggestions.extend(n for n in others if n not in query.suggestions)

    def _near_misses(self, query: Query, rest: str) -> str:
        """Link mistyped unit names; returns `rest` without the spans it linked."""
        catalog = self.lexicon.catalog
        if all(self._only_stop(chunk) for chunk in rest.split(_GAP)):
            return rest
        for chunk in rest.split(_GAP):
            for run in org_spans(chunk):
                # A run whose ending the document itself contains ("需要区法院") is a topic, not a name.
                if any(catalog.containing(run[i:]) for i in range(len(run) - 2)) or self._is_cue(run):
                    continue
                name = self._without_leading_stop(run)
                miss = near_miss(run, self.lexicon)
                if miss.unit is None and not miss.suggestions and not name.endswith(STRONG_ORG_SUFFIXES):
                    continue  # nothing like a unit of this document: read it as topic words
                if miss.unit is None and (query.units or query.leaders):
                    # "我在街道办上班，…区民政局…": a known name was asked about; the stray one is only noted.
                    query.notes.append(f"文件中没有“{name}”这个单位")
                    continue
                if miss.unit is None:
                    query.intent = "unknown_unit"
                    query.unknown = name
                    query.suggestions = list(miss.suggestions)  # only close names; never the merely nearest
                    return rest
                if miss.unit not in query.units:
                    query.units.append(miss.unit)
                query.notes.append(f"已将“{name}”理解为“{miss.unit}”")
                rest = rest.replace(run, _GAP)
        return rest

    def _without_leading_stop(self, run: str) -> str:
        """"我是区气象局" → "区气象局": the name starts after the words that only introduce it."""
        words = self._cut(run)
        while len(words) > 1 and words[0] in self.stop and words[0] not in ("区", "市"):
            words.pop(0)
        return "".join(words)

    def _quoted(self, query: Query, rest: str) -> str:
        """A quoted stretch (备注写着“根据工作需要”) is looked up verbatim, not word by word."""
        for match in _QUOTED.finditer(rest):
            text = match.group(1)
            if _GAP in text or self._only_stop(text):
                continue
            # Verbatim first; failing that, every word of it in any order ("一号工程" → 一号改革工程).
            words = [w for w in self._cut(text) if w not in self.stop and _HAS_WORD.search(w)] or [text]
            query.terms.append(text)
            query.phrases.append((text, words))
            query.quoted.add(text)
            rest = rest.replace(match.group(0), _GAP)
        return rest

    def _leader_typos(self, query: Query, rest: str) -> str:
        """A leader's name typed with one wrong character that sounds the same (伍国君 → 伍国军)."""
        from bot.nlu.link import same_sound

        for leader in self.lexicon.catalog.leader_titles:
            size = len(leader)
            for start in range(len(rest) - size + 1):
                span = rest[start:start + size]
                if sum(a != b for a, b in zip(span, leader, strict=True)) == 1 and same_sound(span, leader):
                    query.leaders.append(leader)
                    query.notes.append(f"已将“{span}”理解为“{leader}”")
                    return rest.replace(span, _GAP)
        return rest

    def _short_unit_typos(self, query: Query, rest: str) -> str:
        """A two-character unit name with its second character mistyped by sound (残连 → 残联)."""
        from bot.nlu.link import same_sound

        short = self.lexicon.short_unit_surfaces
        for start in range(len(rest) - 1):
            span = rest[start:start + 2]
            if span in short or span in self.stop or not _HAS_WORD.match(span):
                continue
            for surface, unit in short.items():
                if surface[0] == span[0] and not self.lexicon.catalog.containing(span) and same_sound(span, surface):
                    query.units.append(unit)
                    query.notes.append(f"已将“{span}”理解为“{unit}”")
                    return rest.replace(span, _GAP)
        return rest

    def _is_cue(self, span: str) -> bool:
        return all(word in self.stop or word in self.lexicon.words for word in self._cut(span))

    def _only_stop(self, chunk: str) -> bool:
        """Whether stop words and punctuation alone spell `chunk` (then jieba need not even load)."""
        reachable = [True] + [False] * len(chunk)
        for start in range(len(chunk)):
            if not reachable[start]:
                continue
            if not _HAS_WORD.match(chunk[start]):
                reachable[start + 1] = True
            for end in range(start + 1, min(len(chunk), start + 8) + 1):
                if chunk[start:end] in self.stop:
                    reachable[end] = True
        return reachable[-1]

    def _looser_forms(self, word: str) -> tuple[str, ...]:
        """Other ways a row may write a compound: its parts apart ("居民收入" → 居民 … 收入, written
        "居民人均可支配收入"), or its head without the modifier ("婴幼儿托位" → 幼儿托位)."""
        forms: list[str] = []
        parts = [p for p in self.segmenter.tokenizer.cut(word, HMM=False, cut_all=True) if len(p) >= 2 and p != word]
        covering = _cover(word, parts)
        if len(covering) > 1:
            forms.append(" ".join(covering))
        if self._is_word(word[1:]):
            forms.append(word[1:])
        return tuple(forms)

    def _is_word(self, text: str) -> bool:
        """Whether the segmentation dictionary knows `text` as a word."""
        return bool(self.segmenter.tokenizer.FREQ.get(text))

    def _cut(self, text: str) -> list[str]:
        return self.segmenter.cut(text)

    def _terms(self, rest: str) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
        """Topic words left after names and cues: required ones, optional ones (verbs of doing), and
        each stretch's phrase from its first to its last required word."""
        required: list[str] = []
        optional: list[str] = []
        phrases: list[tuple[str, list[str]]] = []
        for chunk in re.split(r"[|，。！？；：、“”‘’（）《》,.!?;:()\s\"'-]+", rest):
            if not chunk or self._only_stop(chunk):
                continue
            words: list[tuple[int, int, str]] = []
            run_start, run = 0, ""
            position = 0
            for word in [*self._cut(chunk), ""]:
                start, position = position, position + len(word)
                single = len(word) == 1 and word not in self.stop and word not in self.action
                if single and _HAS_WORD.match(word):
                    run_start, run = (start if not run else run_start), run + word
                    continue
                if run:
                    words.append((run_start, run_start + len(run), run))
                    run = ""
                if not word or word in self.stop or not _HAS_WORD.search(word):
                    continue
                if word in self.action:
                    optional.append(word)
                else:
                    words.append((start, position, word))
            if words:
                required.extend(w for _, _, w in words)
                phrases.append((chunk[words[0][0]:words[-1][1]], [w for _, _, w in words]))
        return list(dict.fromkeys(required)), list(dict.fromkeys(optional)), phrases

    def _intent(self, query: Query, focus: str, found: dict[str, list[str]]) -> Intent:
        asks_unit = bool(found["who_unit"])
        asks_leader = bool(found["who_leader"])
        asks_number = bool(found["number"]) and not query.count
        if "off_topic" in query.shapes:
            return "none"
        years = {int(y) for y in _YEAR.findall(focus)}
        if "other_year" in query.shapes or (years and self.lexicon.catalog.year not in years):
            return "other_year"
        # No name and no topic word worth the name: the question is about the document's shape.
        plain = not (query.units or query.leaders or query.categories or any(len(t) > 1 for t in query.terms))
        if query.has_note and plain:
            return "notes"
        if plain and query.shapes & {"multi_lead", "leaders_overview", "units_overview", "star_meaning"}:
            return "multi_lead" if "multi_lead" in query.shapes else "overview"
        if query.units:
            if (asks_leader or asks_unit) and not query.leaders:
                return "unit_leader"
            return "count" if query.count else "unit_items"
        if query.leaders:
            return "count" if query.count else "leader_items"
        if query.categories:
            return "count" if query.count else "category"
        if query.terms or query.optional_terms:
            if asks_leader and not asks_unit:
                return "topic_leader"
            if asks_unit:
                return "topic_units"
            if asks_number:
                return "number"
            return "count" if query.count else "keyword"
        if found["help"]:
            return "help"
        if query.count and (query.kind or query.role):
            return "count"
        if query.kind and self.lexicon.cues.found("list", focus):
            return "keyword"
        return "none"


def _cover(word: str, parts: list[str]) -> list[str]:
    """Non-overlapping parts that spell `word` from left to right, longest first at each step ([] if none)."""
    cover: list[str] = []
    position = 0
    while position < len(word):
        part = max((p for p in parts if word.startswith(p, position)), key=len, default="")
        if not part:
            return []
        cover.append(part)
        position += len(part)
    return cover


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = _GAP
    return "".join(chars)


__all__ = ["Parser", "Query", "Role"]
