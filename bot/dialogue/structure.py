"""The document's structure as answers: sections, projects, how it is divided, row codes that do not
exist, the notice's own facts (文号, dates, meeting, 抄送, issuer) and the rows no unit leads."""

from __future__ import annotations

from datetime import date

from bot.answer import Answer, AnswerRow, Block, kind_name
from bot.dialogue import messages as m
from bot.dialogue.cues import DialogueCues
from bot.nlu.query import Intent, Query
from bot.wording import leader_words
from knowledge.catalog import Catalog, Row
from knowledge.numerals import int_to_chinese
from knowledge.queries import leaders_of


def make(question: str, intent: Intent, headline: str, rows: list[Row] | None = None, facts: list[str] | None = None,
         detail: bool = False, title: str = "") -> Answer:
    """An answer of plain rows (one block) and fact lines."""
    blocks = [Block(title, [AnswerRow(r) for r in rows])] if rows else []
    return Answer(Query(question=question, intent="none"), intent, headline, blocks, list(facts or []), detail=detail)


def section_rows(catalog: Catalog, number: int) -> list[Row]:
    return [r for r in catalog.rows if r.kind == "key_task" and r.major == number]


def project_rows(catalog: Catalog, number: int) -> list[Row]:
    return [r for r in catalog.rows if r.kind == "livelihood" and r.major == number]


def section_answer(question: str, catalog: Catalog, number: int, cues: DialogueCues, counting: bool,
                   asks_leader: bool) -> Answer:
    """"第五部分讲什么" (its rows), "第二部分有多少项" (a count), "第九部分谁分管" (its leader)."""
    section = next((s for s in catalog.sections if s.number == number), None)
    if section is None:
        last = max((s.number for s in catalog.sections), default=0)
        headline = m.NOT_EXIST_SECTION.format(n=int_to_chinese(number), count=len(catalog.sections),
                                              last=int_to_chinese(last))
        return make(question, "section", headline)
    rows = section_rows(catalog, number)
    cn = int_to_chinese(number)
    words = leader_words(catalog.wording)
    leader = section.leader or "、".join(leaders_of(rows)) or m.SUPPORT_NONE
    if not rows:
        return make(question, "section", m.SECTION_EMPTY.format(cn=cn, heading=section.heading,
                                                                remark=section.remark or ""))
    if counting:
        return make(question, "count", m.SECTION_COUNT.format(cn=cn, n=len(rows), leader=leader, leading=words.heading))
    if asks_leader:
        titles = "、".join(section.leader_titles) or words.noun
        return make(question, "section", m.SECTION_LEADER.format(cn=cn, leader=leader, titles=titles, n=len(rows)))
    headline = m.SECTION.format(cn=cn, heading=section.heading, leader=leader, n=len(rows), leading=words.heading)
    return make(question, "section", headline, rows)


def project_answer(question: str, catalog: Catalog, number: int, counting: bool) -> Answer:
    rows = project_rows(catalog, number)
    if not rows:
        count = len({r.major for r in catalog.rows if r.kind == "livelihood"})
        return make(question, "project", m.NOT_EXIST_PROJECT.format(n=number, count=count,
                                                                   table=kind_name(catalog, "livelihood")))
    category = rows[0].category
    if counting:
        return make(question, "count", m.PROJECT_COUNT.format(n=number, category=category, rows=len(rows),
                                                        table=kind_name(catalog, "livelihood")))
    leaders = "、".join(leaders_of(rows)) or m.SUPPORT_NONE
    headline = m.PROJECT.format(n=number, category=category, rows=len(rows), leaders=leaders,
                              supervising=leader_words(catalog.wording).supervising,
                              table=kind_name(catalog, "livelihood"))
    return make(question, "project", headline, rows)


def projects_overview(question: str, catalog: Catalog) -> Answer:
    """"12个民生项目分别是什么": one line per project, the rows behind it not listed."""
    projects: dict[int, list[Row]] = {}
    for row in catalog.rows:
        if row.kind == "livelihood":
            projects.setdefault(row.major, []).append(row)
    facts = [m.PROJECT_LINE.format(n=n, category=rows[0].category, rows=len(rows)) for n, rows in projects.items()]
    headline = m.PROJECTS.format(count=len(projects), n=sum(len(r) for r in projects.values()),
                                 table=kind_name(catalog, "livelihood"))
    return make(question, "overview", headline, facts=facts)


def ranked_parts(question: str, catalog: Catalog, sections: bool, most: bool) -> Answer:
    """"哪个部分任务最多" / "民生实事哪个项目内容最多": the parts by their number of rows, the top (or bottom) named."""
    counts: dict[str, int] = {}
    if sections:
        for section in catalog.sections:
            if n := len(section_rows(catalog, section.number)):
                counts[m.SECTION_NAME.format(cn=int_to_chinese(section.number), heading=section.heading)] = n
    else:
        for row in catalog.rows:
            if row.kind == "livelihood":
                name = m.PROJECT_NAME.format(n=row.major, category=row.category)
                counts[name] = counts.get(name, 0) + 1
    if not counts:
        return make(question, "stats", m.NO_PARTS)
    ranked = sorted(counts.items(), key=lambda kv: -kv[1] if most else kv[1])
    edge = ranked[0][1]
    top = "、".join(name for name, n in ranked if n == edge)
    headline = (m.MOST_PART if most else m.LEAST_PART).format(part=top, n=edge, unit=m.ROWS_UNIT[sections])
    facts = [m.PART_LINE.format(part=name, n=n, unit=m.ROWS_UNIT[sections]) for name, n in ranked[:5]]
    return make(question, "stats", headline, facts=facts)


def division(question: str, catalog: Catalog) -> Answer:
    """"重点工作分几个部分": every section with its leader and count."""
    facts = []
    total = with_rows = 0
    for section in catalog.sections:
        n = len(section_rows(catalog, section.number))
        total += n
        with_rows += n > 0
        who = section.leader or section.heading
        facts.append(m.SECTION_LINE.format(cn=int_to_chinese(section.number), leader=who, n=n) +
                     ("" if n else f"（{section.remark or '无具体任务'}）"))
    last = max((s.number for s in catalog.sections), default=0)
    headline = m.SECTIONS.format(count=len(catalog.sections), last=int_to_chinese(last), with_rows=with_rows, n=total)
    return make(question, "overview", headline, facts=facts)


def attachments(question: str, catalog: Catalog) -> Answer:
    key = [r for r in catalog.rows if r.kind == "key_task"]
    live = [r for r in catalog.rows if r.kind == "livelihood"]
    facts = catalog.facts
    headline = m.ATTACHMENTS.format(key=facts.key_tasks_title or "重点工作责任分解", k=len(key),
                                    live=facts.livelihood_title or "民生实事项目任务分解",
                                    p=len({r.major for r in live}), n=len(live),
                                    key_table=kind_name(catalog, "key_task"), table=kind_name(catalog, "livelihood"))
    return make(question, "overview", headline)


def unled(question: str, catalog: Catalog) -> Answer:
    """Rows where no single unit leads: only group addressees, or no lead marked at all."""
    rows = [r for r in catalog.rows if not any(role.lead and not role.group for role in r.roles)]
    groups = list(dict.fromkeys(role.unit for r in rows for role in r.roles if role.group))
    return make(question, "unled", m.UNLED.format(n=len(rows), groups="、".join(groups) or "各责任单位"), rows)


def _date(value: date | None) -> str:
    return m.DATE.format(y=value.year, m=value.month, d=value.day) if value else ""


def document_fact(question: str, catalog: Catalog, cues: DialogueCues) -> Answer | None:
    """文号, 印发日期, 发文日期, 会议, 抄送, 发文机关 — when the message asks one of them about the document."""
    facts = catalog.facts
    values = {"doc_number": (m.DOC_NUMBER, catalog.doc_number), "printed": (m.DOC_PRINTED, _date(facts.printed)),
              "issued": (m.DOC_ISSUED, _date(catalog.issued)), "meeting": (m.DOC_MEETING, facts.meeting),
              "cc": (m.DOC_CC, facts.cc.removeprefix("抄送").lstrip("：: ")), "issuer": (m.DOC_ISSUER, facts.issuer)}
    # Longest cue wins: "发文日期" is the date, not the issuer "发文机关".
    asked = max(((name, cue) for name in values for cue in cues[f"facts.{name}"] if cue in question),
                key=lambda pair: len(pair[1]), default=None)
    if asked is None:
        return None
    template, value = values[asked[0]]
    if not value:
        return make(question, "document", m.DOC_UNKNOWN.format(what=m.DOC_FACT_NAMES[asked[0]]))
    return make(question, "document", template.format(value=value))


def missing_code(question: str, catalog: Catalog, surface: str, code: str) -> Answer:
    """"五-30": said not to exist, with how many rows its section or project has."""
    kind, _, rest = code[0], code[1:], code[1:].split("-")
    major = int(rest[0])
    if kind == "K":
        n = len(section_rows(catalog, major))
        hint = m.SECTION_HAS.format(section=int_to_chinese(major), n=n) if n else ""
    else:
        n = len(project_rows(catalog, major))
        hint = m.PROJECT_HAS.format(project=major, n=n, table=kind_name(catalog, "livelihood")) if n else ""
    return make(question, "item", m.NOT_EXIST.format(code=surface.strip(), hint=hint))
