"""answer(query, catalog) → Answer: the rows that answer, grouped, with the facts read from them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from bot import messages as msg
from bot.nlu.query import Intent, Query, Role
from bot.wording import leader_words
from knowledge.catalog import Catalog, Row, SectionInfo
from knowledge.catalog import Role as RowRole
from knowledge.kinds import TableKind
from knowledge.language import Counting, Figures, document_place, language
from knowledge.numerals import int_to_chinese
from knowledge.queries import (
    UnitRow,
    leaders_of,
    rows_by_ids,
    rows_of_category,
    rows_of_leader,
    rows_of_unit,
    rows_via_groups,
    rows_with_phrase,
)


# Not frozen: answers about a group can hold thousands of rows, and frozen dataclasses are slow to make.
@dataclass(slots=True)
class AnswerRow:
    """A row in an answer; `role` is the asked unit's part in it ("lead", "support") when one was asked."""

    row: Row
    role: Role | None = None
    progress: str = ""  # a progress answer's state of the row: "🟢 推进中 40%，已建成12家"


@dataclass
class Block:
    """A titled group of rows (e.g. "民生实事 · 牵头")."""

    title: str
    rows: list[AnswerRow]


@dataclass
class Answer:
    """Plain data for every renderer: headline, facts, row blocks, related rows, suggestions."""

    query: Query
    intent: Intent
    headline: str
    blocks: list[Block] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    # Rows reaching the asked unit through a group (各街镇 …), by group: not answers, but worth a mention.
    related: dict[str, list[Row]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    detail: bool = False
    # The facts are example questions: the answering document's replace the written ones (bot/examples.py).
    shows_examples: bool = False

    @property
    def related_note(self) -> str:
        """"另有 10 项由全区各部门共同承担…": the group rows, counted."""
        if not self.related:
            return ""
        parts = "，".join(msg.RELATED_PART.format(n=len(rows), group=group) for group, rows in self.related.items())
        return msg.RELATED.format(parts=parts)

    @property
    def rows(self) -> list[AnswerRow]:
        """Every answering row once, in block order."""
        seen: dict[str, AnswerRow] = {}
        for block in self.blocks:
            for item in block.rows:
                seen.setdefault(item.row.id, item)
        return list(seen.values())


def answer(query: Query, catalog: Catalog) -> Answer:
    """Look the query up in the catalog."""
    handler = _HANDLERS.get(query.intent, _none)
    result = handler(query, catalog)
    result.notes = [*query.notes, *result.notes]
    if not result.suggestions:
        result.suggestions = list(query.suggestions)
    return result


def _kind_blocks(rows: list[AnswerRow], by_role: bool, catalog: Catalog) -> list[Block]:
    """Rows by kind of table (named as the document names it), and by the asked unit's part: 牵头, then 负责
    (a row the document marks no lead on), then 配合."""
    blocks: list[Block] = []
    for kind in ("key_task", "livelihood"):
        of_kind = [r for r in rows if r.row.kind == kind]
        name = kind_name(catalog, kind)
        if not by_role:
            if of_kind:
                blocks.append(Block(name, of_kind))
            continue
        for part, members in (("lead", [r for r in of_kind if r.role == "lead" and not r.row.shared]),
                              ("responsible", [r for r in of_kind if r.role == "lead" and r.row.shared]),
                              ("support", [r for r in of_kind if r.role == "support"])):
            if members:
                blocks.append(Block(f"{name} · {msg.ROLE[part]}", members))
    return blocks


def kind_name(catalog: Catalog, kind: TableKind) -> str:
    """What the document calls its table of `kind` (为民办实事 …), else the kind's usual name."""
    return catalog.table_name(kind) or msg.KIND[kind]


def scope_name(catalog: Catalog, kind: TableKind | None) -> str:
    """The rows asked about: the asked kind's name, the one kind of a document with one table, else 工作."""
    if kind:
        return kind_name(catalog, kind)
    return kind_name(catalog, catalog.kinds[0]) if len(catalog.kinds) == 1 else msg.KIND_NOUN[""]


def tables_named(catalog: Catalog) -> str:
    """The document's tables by name ("重点工作和民生实事", "民生实事"): what it can be asked about."""
    return msg.TABLES_JOIN.join(kind_name(catalog, kind) for kind in catalog.kinds) or msg.KIND_NOUN[""]


def _topic_filter(query: Query, catalog: Catalog, rows: list[AnswerRow], notes: list[str]) -> list[AnswerRow]:
    # A lone leftover character beside a name is noise far more often than a topic.
    phrases = [(p, ws) for p, ws in query.phrases if len(p) > 1 or query.topic_cue]
    if not phrases:
        return rows
    kept = _match_phrases(phrases, catalog, query.synonyms, query.quoted, query.optional_terms)
    filtered = [r for r in rows if r.row.id in kept]
    if filtered:
        return filtered
    notes.append(msg.TOPIC_IGNORED.format(topic=msg.LIST_SEPARATOR.join(p for p, _ in phrases)))
    return rows


def _variants(phrase: str, words: list[str], synonyms: dict[str, tuple[str, ...]]) -> list[tuple[str, list[str]]]:
    """The phrase as asked, and with each everyday word swapped for the document's words."""
    variants = [(phrase, words)]
    for word in words:
        for alternative in synonyms.get(word, ()):
            # "居民 收入": the parts of a compound, each to be found on its own.
            replaced = [part for w in words for part in (alternative.split() if w == word else [w])]
            variants.append((phrase.replace(word, alternative.replace(" ", "")), replaced))
    return variants


def _in_categories(query: Query, rows: list[AnswerRow]) -> list[AnswerRow]:
    """"陈允岳负责的民生实事中属于行有所畅的": a named project narrows a unit's or a leader's rows."""
    if not query.categories:
        return rows
    return [r for r in rows if r.row.category in query.categories]


def _match_phrases(phrases: list[tuple[str, list[str]]], catalog: Catalog,
                   synonyms: dict[str, tuple[str, ...]], quoted: set[str] | frozenset[str] = frozenset(),
                   optional: tuple[str, ...] | list[str] = ()) -> set[str]:
    found: set[str] | None = None
    for phrase, words in phrases:
        def having(wanted: list[str], phrase: str = phrase) -> set[str]:
            return {row.id for variant, alt_words in _variants(phrase, wanted, synonyms)
                    for row in rows_with_phrase(catalog, variant, alt_words, verbatim_first=phrase in quoted)}

        # An everyday word inside the phrase ("城镇新增就业") narrows it where rows write it too: 城镇失业人员
        # 再就业 is not 城镇新增就业 when another row writes 新增.
        inner = [w for w in optional if w in phrase and w not in words]
        ids = (inner and having([*words, *inner])) or having(words)
        found = ids if found is None else found & ids
    return found or set()


def _unit_rows(query: Query, catalog: Catalog, unit: str) -> list[AnswerRow]:
    return [AnswerRow(r.row, "lead" if r.role and r.role.lead else "support")
            for r in rows_of_unit(catalog, unit, query.role, query.kind)]


def _units(query: Query, catalog: Catalog) -> Answer:
    """Rows of the named units: shared by all of them when the question says so, else each unit's own."""
    # "区应急管理局牵头、区消防救援大队配合的工作": each unit in its own role, and the rows they share.
    paired = len(query.units) > 1 and len(set(query.unit_roles.values())) > 1
    per_unit = {unit: [r for r in _unit_rows(query, catalog, unit) if query.unit_roles.get(unit) in (None, r.role)]
                for unit in query.units} if paired else {unit: _unit_rows(query, catalog, unit) for unit in query.units}
    if len(query.units) > 1 and (paired or query.together):
        return _units_together(query, catalog, per_unit)
    return _units_each(query, catalog, per_unit)


def _units_together(query: Query, catalog: Catalog, per_unit: dict[str, list[AnswerRow]]) -> Answer:
    """"区民政局和区卫健局共同负责的工作": the rows every named unit takes part in."""
    notes: list[str] = []
    shared = set.intersection(*({r.row.id for r in rows} for rows in per_unit.values()))
    rows = [r for r in per_unit[query.units[0]] if r.row.id in shared]
    rows = _topic_filter(query, catalog, rows, notes)
    headline = msg.UNITS_TOGETHER.format(units=msg.LIST_SEPARATOR.join(query.units), n=len(rows), scope=scope_name(catalog, query.kind))
    return Answer(query, "unit_items", headline, _kind_blocks(rows, by_role=False, catalog=catalog), notes=notes)


def _units_each(query: Query, catalog: Catalog, per_unit: dict[str, list[AnswerRow]]) -> Answer:
    """Each named unit's rows, narrowed by the question's leader, note, category and topic."""
    notes: list[str] = []
    blocks: list[Block] = []
    headlines: list[str] = []
    facts: list[str] = []
    related: dict[str, list[Row]] = {}
    for unit, unit_rows in per_unit.items():
        rows = _narrowed(query, catalog, unit_rows, notes)
        headlines.append(_unit_headline(query, catalog, unit, rows))
        prefix = f"{unit} · " if len(query.units) > 1 else ""
        blocks += [Block(prefix + block.title, block.rows)
                   for block in _kind_blocks(rows, by_role=query.role is None, catalog=catalog)]
        if leaders := leaders_of(r.row for r in rows if r.role == "lead"):
            facts.append(msg.SUPERVISOR.format(unit=unit, leaders=_leader_counts(leaders),
                                                 supervising=leader_words(catalog.wording).supervising))
        if query.role != "lead" and not query.phrases:
            for group, group_rows in rows_via_groups(catalog, unit, query.kind).items():
                related.setdefault(group, []).extend(group_rows)
    intent: Intent = "count" if query.count else "unit_items"
    return Answer(query, intent, msg.HEADLINE_SEPARATOR.join(headlines), blocks, facts, related, notes=notes)


def _narrowed(query: Query, catalog: Catalog, rows: list[AnswerRow], notes: list[str]) -> list[AnswerRow]:
    """A unit's rows narrowed by what else the question names: a leader, a note, a category, a topic."""
    if query.leaders:  # "张伟分管的工作中区发改局参与了哪项"
        rows = [r for r in rows if set(r.row.people) & set(query.leaders)]
    if query.has_note:  # "备注注明由区委组织部牵头的工作"
        rows = [r for r in rows if r.row.note]
        notes.append(msg.ONLY_NOTED)
    return _topic_filter(query, catalog, _in_categories(query, rows), notes)


def _unit_headline(query: Query, catalog: Catalog, unit: str, rows: list[AnswerRow]) -> str:
    scope = scope_name(catalog, query.kind)
    lead = sum(1 for r in rows if r.role == "lead")
    shared = sum(1 for r in rows if r.role == "lead" and r.row.shared)
    if query.role == "lead":
        if shared:  # rows the document marks no lead on: the unit is one of their responsible units
            return msg.UNIT_LEAD_SHARED.format(unit=unit, n=len(rows), scope=scope, shared=shared)
        return msg.UNIT_LEAD.format(unit=unit, n=len(rows), scope=scope)
    if query.role == "support":
        return msg.UNIT_SUPPORT.format(unit=unit, n=len(rows), scope=scope)
    if shared:
        counts = ((msg.ROLE["lead"], lead - shared), (msg.SHARED_PART, shared), (msg.ROLE["support"], len(rows) - lead))
        parts = "，".join(msg.PART_COUNT.format(role=role, n=n) for role, n in counts if n)
        return msg.UNIT_PARTS.format(unit=unit, n=len(rows), scope=scope, parts=parts)
    if query.kind == "livelihood" and lead == len(rows):
        return msg.UNIT_LEAD.format(unit=unit, n=len(rows), scope=scope)
    return msg.UNIT_ALL.format(unit=unit, n=len(rows), scope=scope, lead=lead, support=len(rows) - lead)


def _leader_counts(leaders: dict[str, list[Row]]) -> str:
    return msg.LIST_SEPARATOR.join(msg.COUNTED.format(name=name, n=len(rows)) for name, rows in leaders.items())


def _unit_leader(query: Query, catalog: Catalog) -> Answer:
    words = leader_words(catalog.wording)
    facts: list[str] = []
    blocks: list[Block] = []
    for unit in query.units:
        rows = rows_of_unit(catalog, unit, "lead", query.kind)
        basis: Literal["lead", "all"] = "lead"
        if not rows:
            rows, basis = rows_of_unit(catalog, unit, None, query.kind), "all"
        leaders = leaders_of(r.row for r in rows)
        if leaders:
            facts.append(msg.UNIT_LEADER.format(unit=unit, leaders=_leader_counts(leaders),
                                                basis=msg.BASIS[basis], supervising=words.supervising))
        else:
            facts.append(msg.NO_LEADER.format(unit=unit, supervising=words.supervising))
        blocks += [Block(f"{leader} · {unit}", [AnswerRow(r, _role(r, unit)) for r in leader_rows])
                   for leader, leader_rows in leaders.items()]
    headline = facts[0] if len(facts) == 1 else msg.LEADERS_OF_UNITS.format(supervising=words.supervising)
    return Answer(query, "unit_leader", headline, blocks, facts if len(facts) > 1 else [])


def _role(row: Row, unit: str) -> Role | None:
    part = row.role_of(unit)
    return None if part is None else ("lead" if part.lead else "support")


def _leaders(query: Query, catalog: Catalog) -> Answer:
    blocks: list[Block] = []
    headlines: list[str] = []
    notes: list[str] = []
    facts: list[str] = []
    for leader in query.leaders:
        rows = [AnswerRow(r) for r in rows_of_leader(catalog, leader, query.kind) if r.note or not query.has_note]
        if query.has_note:
            notes.append(msg.ONLY_NOTED)
        rows = _topic_filter(query, catalog, _in_categories(query, rows), notes)
        titles = msg.LIST_SEPARATOR.join(catalog.leader_titles.get(leader, ()))
        name = f"{leader}（{titles}）" if titles else leader
        key = sum(1 for r in rows if r.row.kind == "key_task")
        headline = msg.LEADER_ITEMS.format(leader=name, n=len(rows), scope=scope_name(catalog, query.kind))
        if query.kind is None and rows and len(catalog.kinds) > 1:
            headline += msg.SPLIT.format(key=key, live=len(rows) - key, key_name=kind_name(catalog, "key_task"),
                                         live_name=kind_name(catalog, "livelihood"))
        sections = [s for s in catalog.sections if s.leader == leader and s.remark and s.number not in {r.row.major for r in rows if r.row.kind == "key_task"}]
        overall = _overall_section(catalog, leader) if not rows_of_leader(catalog, leader, None) else None
        if overall is not None:
            # "一、张崇波区长牵头重点工作 / 总负责。": a section with no rows speaks of the whole document;
            # "牵头 0 项" would say the opposite of what the document says.
            remark = overall.remark.rstrip("。．. ")
            headline = msg.LEADER_OVERALL.format(leader=name, remark=remark)
            facts.append(msg.LEADER_OVERALL_WHY.format(section=int_to_chinese(overall.number), remark=remark))
            sections = [s for s in sections if s is not overall]
        notes += [msg.REMARK.format(leader=leader, remark=s.remark) for s in sections]
        headlines.append(headline)
        for block in _kind_blocks(rows, by_role=False, catalog=catalog):
            prefix = f"{leader} · " if len(query.leaders) > 1 else ""
            blocks.append(Block(prefix + block.title, block.rows))
    intent: Intent = "count" if query.count else "leader_items"
    return Answer(query, intent, msg.HEADLINE_SEPARATOR.join(headlines), blocks, facts, notes=notes)


def _overall_section(catalog: Catalog, leader: str) -> SectionInfo | None:
    """The leader's section when it lists no rows but a remark (总负责): a role over the whole document."""
    return next((s for s in catalog.sections if s.leader == leader and s.remark
                 and not any(r.kind == "key_task" and r.major == s.number for r in catalog.rows)), None)


def _topic_rows(query: Query, catalog: Catalog) -> list[Row]:
    ids = _match_phrases(query.phrases, catalog, query.synonyms, query.quoted, query.optional_terms)
    rows = [catalog.by_id[i] for i in sorted(ids, key=catalog.positions.__getitem__)]
    if query.kind:
        rows = [r for r in rows if r.kind == query.kind]
    if query.categories:
        rows = [r for r in rows if r.category in query.categories]
    if not rows:
        rows = _best_partial(query, catalog)
    if query.intent == "number":
        # "多少" asks for a figure: keep the rows that state one for the topic, when some do, and add the
        # rows that state it for the same thing worded shorter ("绿道卡口 10 处" for 塘河沿线绿道卡口).
        stated = [r for r in rows if _figure(r, query)]
        rows = stated or rows
        known = {r.id for r in rows}
        rows += [r for r in _figure_rows(query, catalog) if r.id not in known and (not query.kind or r.kind == query.kind)]
        rows.sort(key=lambda r: catalog.positions[r.id])
    return rows


_DIGIT = re.compile(r"\d")
_CLAUSE = re.compile(r"[，。；、]")
# Possessive, and the second branch only at the start of a run: each run of spaces is scanned once.
_SPACE_BY_DIGIT = re.compile(r"(?<=\d)\s++|(?<!\s)\s++(?=\d)")


@cache
def _figure_grammar(figures: Figures, count: Counting) -> tuple[re.Pattern[str], str, str]:
    """The asked measure's pattern ("多少家" → 家), and what may stand around a figure (grammar.toml)."""
    asks = "|".join(re.escape(a) for a in count.asks)
    measures = "".join(re.escape(m) for m in figures.measures)
    magnitudes = "".join(re.escape(m) for m in figures.magnitudes)
    return re.compile(rf"(?:{asks})\s*([{measures}])"), re.escape(figures.each), magnitudes


def _best_partial(query: Query, catalog: Catalog) -> list[Row]:
    """When no row holds every topic word: the rows holding the most of them, if that is most of the words and
    at least two (a word the segmenter cut wrongly: "比重要达到" → 重要); else, when some words are written
    nowhere in the document ("城里居民人均可支配收入": it says 城镇居民), the rows holding every word it does
    write, if those are two or more and carry at least half of the topic's characters — a word written nowhere
    tells no row apart, but one known word alone ("社保断缴") is too little to say what is asked."""
    words = list(dict.fromkeys(w for _, ws in query.phrases for w in ws if len(w) > 1))
    found = {word: {row.id for row in catalog.containing(word)} or _abbreviating(catalog, word) for word in words}
    ids = _most_words(found) if len(words) >= 3 else set()
    known = [w for w in words if found[w]]
    if not ids and 2 <= len(known) < len(words) and 2 * sum(map(len, known)) >= sum(map(len, words)):
        ids = set.intersection(*(found[w] for w in known))
    return sorted((catalog.by_id[i] for i in ids if not query.kind or catalog.by_id[i].kind == query.kind),
                  key=lambda r: catalog.positions[r.id])


def _most_words(found: dict[str, set[str]]) -> set[str]:
    """The rows holding the most of the words, when that is at least two and three fifths of them."""
    score: dict[str, int] = {}
    for ids in found.values():
        for i in ids:
            score[i] = score.get(i, 0) + 1
    best = max(score.values(), default=0)
    if best < max(2, -(-len(found) * 3 // 5)):
        return set()
    return {i for i, n in score.items() if n == best}


def _abbreviating(catalog: Catalog, word: str) -> set[str]:
    """Rows writing `word` in full where it is an abbreviation: its characters in order, first and last
    included, within twice its length ("意外险" in 意外伤害保险)."""
    if len(word) < 3:
        return set()
    pattern = _abbreviation_pattern(word)
    return {row.id for row in catalog.containing(word[:2]) if pattern.search(catalog.haystack[row.id])}


@cache
def _abbreviation_pattern(word: str) -> re.Pattern[str]:
    gap = len(word)  # at most this many extra characters in all, spread between the word's characters
    body = "".join(re.escape(c) + f"[^，。；、]{{0,{gap}}}?" for c in word[:-1]) + re.escape(word[-1])
    return re.compile(body)


def _figure_rows(query: Query, catalog: Catalog) -> list[Row]:
    """Rows where a shorter form of the asked phrase is followed by a figure (in the asked measure)."""
    grammar = language()
    asked, each, magnitudes = _figure_grammar(grammar.figure, grammar.count)
    measure = match.group(1) if (match := asked.search(query.text)) else ""
    # Possessive runs: "\s*各?\s*" would split a long run of spaces every way before failing.
    figure = re.compile(rf"\s*+(?:(?:{each})\s*+)?\d[\d.,]*+\s*+[{magnitudes}]?\s*+" + re.escape(measure))
    found: dict[str, Row] = {}
    for phrase, words in query.phrases:
        forms = ["".join(words[i:]) for i in range(1, len(words) - 1)]
        if len(phrase) >= 4:
            forms += [phrase[:i] + phrase[i + 1:] for i in range(1, len(phrase) - 1)]
        for form in forms:
            for row in catalog.containing(form):
                text = catalog.haystack[row.id]
                start = text.find(form)
                if start >= 0 and figure.match(text, start + len(form)):
                    found.setdefault(row.id, row)
    return list(found.values())


def _topic(query: Query, catalog: Catalog) -> Answer:
    rows = _topic_rows(query, catalog)
    heard: list[str] = []
    if not rows and (found := _by_sound(query, catalog)) is not None:
        query, heard = found  # "老年食唐": no row writes it, but 老年食堂 sounds the same (bot/nlu/sound.py)
        rows = _topic_rows(query, catalog)
    topic = msg.LIST_SEPARATOR.join(p for p, _ in query.phrases) or msg.LIST_SEPARATOR.join(query.optional_terms)
    if not rows:
        return _nothing(query, catalog, topic)
    items = [AnswerRow(r) for r in rows]
    facts: list[str] = []
    if query.intent in ("topic_units", "topic_leader"):
        for row in rows:
            leads = msg.LIST_SEPARATOR.join(_named(r) for r in row.roles if r.lead) or msg.NO_LEAD
            support = msg.LIST_SEPARATOR.join(_named(r) for r in row.roles if not r.lead)
            line = msg.WHO_SHARED.format(label=row.label, units=leads) if row.shared else \
                msg.WHO.format(label=row.label, leads=leads)
            if support and query.role != "lead":
                line += msg.WHO_SUPPORT.format(support=support)
            if row.leader:
                line += msg.WHO_LEADER.format(leader=row.leader, leading=leader_words(row.wording).leading)
            facts.append(line)
    if query.intent == "number":
        facts = [msg.LABELLED.format(label=row.label, text=figure) for row in rows if (figure := _figure(row, query))]
    headline = _topic_headline(query, catalog, topic, rows)
    intent: Intent = "count" if query.count else query.intent
    return Answer(query, intent, headline, _kind_blocks(items, by_role=False, catalog=catalog), facts, notes=heard)


def _by_sound(query: Query, catalog: Catalog) -> tuple[Query, list[str]] | None:
    """The query with each topic word no row writes respelled by sound as the document writes it, and the
    notes saying so; None when no word is."""
    from bot.nlu.sound import respelled

    words = {w: found for _, ws in query.phrases for w in ws if (found := respelled(w, catalog))}
    if not words:
        return None

    def spelled(text: str) -> str:
        for typed, meant in words.items():
            text = text.replace(typed, meant)
        return text

    phrases = [(spelled(p), [words.get(w, w) for w in ws]) for p, ws in query.phrases]
    notes = [msg.READ_AS.format(written=typed, name=spelled(typed)) for typed, _ in query.phrases
             if spelled(typed) != typed]
    return replace(query, phrases=phrases, terms=[words.get(t, t) for t in query.terms],
                   synonyms={words.get(k, k): v for k, v in query.synonyms.items()}), notes


def _named(part: RowRole) -> str:
    """A unit as a row's facts name it: its name, then the document's own name for it when that is no part
    of it (a document writing 发改委 for the unit the unit list calls 区发改局): the user reads both."""
    written = part.written.strip().lstrip("*＊").strip()
    if not written or written in part.unit or part.unit in written:
        return part.unit
    return msg.AS_WRITTEN.format(unit=part.unit, written=written)


def _topic_headline(query: Query, catalog: Catalog, topic: str, rows: list[Row]) -> str:
    """The first line answers what was asked: who leads it, which leader, or how many."""
    if query.intent == "topic_units":
        leads: dict[str, int] = {}
        for row in rows:
            for unit in row.lead_units or [msg.NO_LEAD]:
                leads[unit] = leads.get(unit, 0) + 1
        # Where the document marks no lead on a row, its units are responsible, not leading.
        template = msg.TOPIC_RESPONSIBLE if any(row.shared for row in rows) else msg.TOPIC_LEADS
        return template.format(topic=topic, units=_counted(leads), n=len(rows))
    if query.intent == "topic_leader":
        leaders = {name: len(found) for name, found in leaders_of(rows).items()}
        return msg.TOPIC_LEADERS.format(topic=topic, leaders=_counted(leaders) or msg.NO_LEAD, n=len(rows),
                                        leading=leader_words(catalog.wording).leading)
    return msg.TOPIC.format(topic=topic, n=len(rows), scope=scope_name(catalog, query.kind))


def _counted(counts: dict[str, int]) -> str:
    return msg.LIST_SEPARATOR.join(msg.COUNTED.format(name=name, n=n) if len(counts) > 1 else name for name, n in counts.items())


def _figure(row: Row, query: Query) -> str:
    """The clause of a row's text that holds the asked topic and a number."""
    if not _DIGIT.search(row.text):
        return ""
    clauses = [_SPACE_BY_DIGIT.sub("", c) for c in _CLAUSE.split(row.text)]
    words = [w for _, ws in query.phrases for w in ws]
    scored = [(sum(w in c for w in words), c) for c in clauses if _DIGIT.search(c)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return ""
    best = max(score for score, _ in scored)
    return "，".join(c.strip() for score, c in scored if score == best)


def _multi_lead(query: Query, catalog: Catalog) -> Answer:
    rows = [AnswerRow(r) for r in catalog.rows if (not query.kind or r.kind == query.kind)
            and sum(1 for role in r.roles if role.lead and not role.group) > 1]
    headline = msg.MULTI_LEAD.format(n=len(rows), scope=scope_name(catalog, query.kind))
    return Answer(query, "multi_lead", headline, _kind_blocks(rows, by_role=False, catalog=catalog))


def _overview(query: Query, catalog: Catalog) -> Answer:
    """Questions about the document itself: its leaders, its lead units, what the star means."""
    rows = [r for r in catalog.rows if not query.kind or r.kind == query.kind]
    scope = scope_name(catalog, query.kind)
    if "star_meaning" in query.shapes:
        return Answer(query, "overview", msg.STAR_MEANING)
    if "leaders_overview" in query.shapes:
        leaders = {name: len(found) for name, found in leaders_of(rows).items()}
        headline = msg.LEADERS_OVERVIEW.format(scope=scope, n=len(leaders), leading=leader_words(catalog.wording).leading)
        return Answer(query, "overview", headline, facts=[msg.TALLY.format(name=name, n=n) for name, n in leaders.items()])
    units: dict[str, int] = {}
    for row in rows:
        for role in row.roles:
            if role.lead and not role.group:
                units[role.unit] = units.get(role.unit, 0) + 1
    headline = msg.UNITS_OVERVIEW.format(scope=scope, n=len(units))
    return Answer(query, "overview", headline, facts=[msg.TALLY.format(name=name, n=n) for name, n in units.items()])


def _notes(query: Query, catalog: Catalog) -> Answer:
    rows = [AnswerRow(r) for r in catalog.rows if r.note and (not query.kind or r.kind == query.kind)]
    return Answer(query, "notes", msg.WITH_NOTES.format(n=len(rows)), _kind_blocks(rows, by_role=False, catalog=catalog),
                  [msg.LABELLED.format(label=r.row.label, text=r.row.note) for r in rows])


def _category(query: Query, catalog: Catalog) -> Answer:
    blocks = []
    notes: list[str] = []
    for category in query.categories:
        rows = [AnswerRow(r) for r in rows_of_category(catalog, category)]
        rows = _topic_filter(query, catalog, rows, notes)
        blocks.append(Block(f"{kind_name(catalog, 'livelihood')} · {category}", rows))
    total = sum(len(b.rows) for b in blocks)
    headline = msg.CATEGORY.format(categories=msg.LIST_SEPARATOR.join(query.categories), n=total,
                                  table=kind_name(catalog, "livelihood"))
    return Answer(query, "count" if query.count else "category", headline, blocks, notes=notes)


def _scope_count(query: Query, catalog: Catalog) -> Answer:
    rows = [r for r in catalog.rows if not query.kind or r.kind == query.kind]
    items = [AnswerRow(r) for r in rows]
    projects = len({r.major for r in rows if r.kind == "livelihood"})
    headline = msg.SCOPE_COUNT.format(n=len(rows), scope=scope_name(catalog, query.kind))
    if query.kind == "livelihood":
        headline += msg.PROJECTS.format(n=projects)
    elif not query.kind and len(catalog.kinds) > 1:  # the whole document: each table's count
        parts = msg.LIST_SEPARATOR.join(msg.PART_COUNT.format(role=kind_name(catalog, kind), n=sum(
            1 for r in rows if r.kind == kind)) for kind in catalog.kinds)
        headline = msg.SCOPE_COUNT_ALL.format(n=len(rows), parts=parts)
    return Answer(query, "count", headline, _kind_blocks(items, by_role=False, catalog=catalog))


def _items(query: Query, catalog: Catalog) -> Answer:
    rows = rows_by_ids(catalog, query.items)
    headline = msg.ITEMS.format(labels=msg.LIST_SEPARATOR.join(r.label for r in rows))
    return Answer(query, "item", headline, [Block("", [AnswerRow(r) for r in rows])], detail=True)


def _nothing(query: Query, catalog: Catalog, topic: str) -> Answer:
    result = _none(query, catalog)
    result.headline = msg.NOTHING_FOUND.format(topic=topic)
    return result


def _none(query: Query, catalog: Catalog) -> Answer:
    headline = msg.NOT_ABOUT_DOCUMENT.format(tables=tables_named(catalog))
    return Answer(query, "none", headline, facts=list(msg.EXAMPLES_INTRO), shows_examples=True)


def _help(query: Query, catalog: Catalog) -> Answer:
    return Answer(query, "help", msg.HELP.format(title=catalog.title), facts=list(msg.EXAMPLES_INTRO),
                  shows_examples=True)


def _unknown_unit(query: Query, catalog: Catalog) -> Answer:
    headline = msg.UNKNOWN_UNIT.format(name=query.unknown)
    return Answer(query, "unknown_unit", headline, suggestions=list(query.suggestions))


def _other_year(query: Query, catalog: Catalog) -> Answer:
    result = _none(query, catalog)
    result.intent = "other_year"
    result.headline = msg.OTHER_YEAR.format(year=catalog.year)
    return result


def _other_place(query: Query, catalog: Catalog) -> Answer:
    result = _none(query, catalog)
    result.intent = "other_place"
    # the most local place the title names, with its level ("温州市鹿城区…" → 鹿城区): the document says where it is
    place = document_place(catalog.place or catalog.title).local
    result.headline = msg.OTHER_PLACE.format(name=query.unknown, place=place or msg.THIS_PLACE)
    return result


def _ambiguous(query: Query, catalog: Catalog) -> Answer:
    headline = msg.AMBIGUOUS.format(name=query.unknown, options=msg.LIST_SEPARATOR.join(query.suggestions))
    return Answer(query, "ambiguous", headline, suggestions=list(query.suggestions))


def _count(query: Query, catalog: Catalog) -> Answer:
    if query.units:
        return _units(query, catalog)
    if query.leaders:
        return _leaders(query, catalog)
    if query.categories:
        return _category(query, catalog)
    if query.phrases:
        return _topic(query, catalog)
    return _scope_count(query, catalog)


def _keyword(query: Query, catalog: Catalog) -> Answer:
    if not query.phrases:
        return _scope_count(query, catalog)
    return _topic(query, catalog)


_HANDLERS: dict[Intent, Callable[[Query, Catalog], Answer]] = {
    "unit_items": _units, "unit_leader": _unit_leader, "leader_items": _leaders, "topic_units": _topic,
    "topic_leader": _topic, "number": _topic, "keyword": _keyword, "count": _count, "category": _category,
    "item": _items, "notes": _notes, "multi_lead": _multi_lead, "overview": _overview, "help": _help, "unknown_unit": _unknown_unit, "other_place": _other_place, "other_year": _other_year, "ambiguous": _ambiguous, "none": _none,
}

__all__ = ["Answer", "AnswerRow", "Block", "UnitRow", "answer"]
