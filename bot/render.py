"""Answer → plain text, Telegram HTML pages, or CONTRACT §2's JSON object; `fill_pages` and `utf16_len` here are
the one Telegram paginator and length count (reminder digests use them too)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from bot import messages as msg
from bot.answer import Answer, AnswerRow
from bot.wording import leader_words
from knowledge.catalog import Row

Style = Literal["text", "html"]
TELEGRAM_LIMIT = 4096
B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an answer with its role, so each style can dress it."""

    kind: str  # headline | fact | shared | title | row | note | suggestion
    text: str
    row_id: str = ""


# A listed row's tags, each a (kind, text) pair so a tag every row shares can be said once for the list.
Tag = tuple[str, str]
FULL_ROWS = 5  # a longer list shows each row as its code and a short title on Telegram, full text one tap away
SHORT_TITLE = 20  # characters of a row's text in its short title


def row_tags(item: AnswerRow) -> list[Tag]:
    """The asked unit's role, who else leads, the leader, the row's own deadline, the note."""
    row = item.row
    tags: list[Tag] = []
    if item.role:
        # A row the document marks no lead on: its units are all responsible (负责), none leads.
        tags.append(("role", msg.ROLE["responsible" if row.shared and item.role == "lead" else item.role]))
    leads = row.lead_units
    if row.shared:
        if item.role != "lead" or len(leads) > 1:
            named = msg.SHARED_UNITS if item.role == "lead" else msg.DETAIL_UNITS
            tags.append(("leads", f"{named}：{'、'.join(leads)}"))
    elif item.role == "lead" and len(leads) > 1:
        tags.append(("leads", f"共同牵头：{'、'.join(leads)}"))
    elif item.role != "lead" and leads:
        tags.append(("leads", f"{msg.DETAIL_LEAD_UNITS}：{'、'.join(leads)}"))
    if row.leader:
        tags.append(("leader", f"{leader_words(row.wording).leading}：{leaders_shown(row)}"))
    if row.deadline:
        tags.append(("deadline", f"{msg.DETAIL_DEADLINE}：{row.deadline}"))
    if row.note:
        tags.append(("note", f"{msg.DETAIL_NOTE}：{row.note}"))
    return tags


def leaders_shown(row: Row) -> str:
    """The row's own leaders where the document gives them per row (two in one cell: both), else its leader."""
    return msg.LIST_SEPARATOR.join(row.leaders) if row.leaders else row.leader


def row_line(item: AnswerRow, said: frozenset[Tag] = frozenset(), short: bool = False) -> str:
    """"五-12 text（牵头；牵头区领导：伍国军）" for a listed row, leaving out the tags in `said` (the headline,
    the block title or the list's shared line says them); `short`: the text cut to a short title."""
    row = item.row
    tags = [text for tag in row_tags(item) if tag not in said for _, text in [tag]]
    suffix = f"（{'；'.join(tags)}）" if tags else ""
    state = f"\n  {item.progress}" if item.progress else ""
    text = clip(row.text, SHORT_TITLE) if short else row.text
    return f"{row.label} {text}{suffix}{state}"


def _shared_tags(answer: Answer) -> list[Tag]:
    """Tags every row of a list of two or more carries: said once for the list instead of on each row."""
    items = answer.rows
    if len(items) < 2 or answer.detail:
        return []
    common = set(row_tags(items[0]))
    for item in items[1:]:
        common &= set(row_tags(item))
    return [tag for tag in row_tags(items[0]) if tag in common]


def short_titles(answer: Answer) -> bool:
    """Whether Telegram shows the answer's rows as short titles (a list longer than a phone screen)."""
    return not answer.detail and len(answer.rows) > FULL_ROWS


def detail_lines(row: Row) -> list[str]:
    """Everything about one row: text, every unit with its role, leader, deadline, note."""
    lines = [f"{row.label}　{row.text}"]
    if row.kind == "livelihood" and row.category:
        lines.append(f"{msg.DETAIL_CATEGORY}：{row.major}. {row.category}")
    if row.kind == "livelihood" and all(r.lead and not r.responsible for r in row.roles):
        lines.append(f"{msg.DETAIL_LEAD_UNITS}：{'、'.join(row.lead_units)}")
    else:  # every unit with its part; a row the document marks no lead on names no lead
        units = "、".join(r.written + (msg.LEAD_MARK if r.lead and not row.shared else "") for r in row.roles)
        lines.append(f"{msg.DETAIL_UNITS}：{units}")
    if row.leader:
        lines.append(f"{leader_words(row.wording).leading}：{leaders_shown(row)}")
    if row.deadline:
        lines.append(f"{msg.DETAIL_DEADLINE}：{row.deadline}")
    if row.note:
        lines.append(f"{msg.DETAIL_NOTE}：{row.note}")
    return lines


def lines_of(answer: Answer, short: bool = False) -> list[Line]:
    """The answer as a flat list of lines, in reading order; `short`: rows as short titles (Telegram's layout
    of a long list — plain text and JSON keep every row's full text, where gold strings are looked for)."""
    lines = [Line("headline", answer.headline)]
    lines += [Line("note", note) for note in answer.notes]
    lines += [Line("fact", fact) for fact in answer.facts]
    shared = _shared_tags(answer)
    # Said once: in the headline (伍国军分管…), else on one line before the rows; a role also by a block title.
    titled = [block.title for block in answer.blocks if block.title]
    unsaid = [text for kind, text in shared if text.split("：")[-1] not in answer.headline
              and not (kind == "role" and titled and all(text in title for title in titled))]
    if unsaid:
        lines.append(Line("shared", msg.SHARED_TAGS.format(tags="；".join(unsaid))))
    for block in answer.blocks:
        if answer.detail:
            for item in block.rows:
                lines += [Line("row", text, item.row.id) for text in detail_lines(item.row)]
            continue
        said = set(shared)
        if block.title:
            lines.append(Line("title", f"【{block.title}】（{len(block.rows)} 项）"))
            said |= {("role", role) for role in msg.ROLE.values() if role in block.title}
        lines += [Line("row", row_line(item, frozenset(said), short), item.row.id) for item in block.rows]
    if answer.related_note:
        lines.append(Line("note", answer.related_note))
    if answer.suggestions:
        lines.append(Line("suggestion", msg.DID_YOU_MEAN + "、".join(answer.suggestions)))
    return lines


def render_text(answer: Answer) -> str:
    """What a console or `duban ask` user reads."""
    return "\n".join(line.text for line in lines_of(answer))


# --- Telegram HTML -------------------------------------------------------------------------------
# Telegram counts a message's length after parsing the HTML, in UTF-16 code units, so pages are
# measured on the plain text; escaping happens last, on whole lines, so no page can end inside a tag
# or an entity.


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """One Telegram message of an answer, and the IDs of the rows it lists."""

    text: str
    row_ids: tuple[str, ...]


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, budget: int) -> str:
    """`text` cut to `budget` UTF-16 units, ending in "…" when cut; never splits a character."""
    if utf16_len(text) <= budget:
        return text
    if max(text, default="") <= "\uffff":  # every character is one UTF-16 unit (all but emoji and rare ideographs)
        return text[:max(budget - 1, 0)] + "…"
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget - 1:
            break
        kept.append(char)
        used += width
    return "".join(kept) + "…"


QUOTE_CHARS = 20


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """User text to echo back inside “…”: one line, spaces collapsed, cut to about `limit` characters."""
    return clip(" ".join(text.split()), limit)


def _html(line: Line) -> str:
    text = html.escape(line.text, quote=False)
    if line.kind in ("headline", "title"):
        return f"<b>{text}</b>"
    if line.kind in ("note", "suggestion"):
        return f"<i>{text}</i>"
    return text


def _units(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped so that the lines of one row (a detail answer has several) stay together."""
    units: list[list[Line]] = []
    for line in lines:
        if units and line.row_id and units[-1][0].row_id == line.row_id:
            units[-1].append(line)
        else:
            units.append([line])
    return units


def _size(unit: list[Line]) -> int:
    return sum(utf16_len(line.text) + 1 for line in unit)


def _fit(unit: list[Line], budget: int) -> list[Line]:
    """A unit too long for any page becomes one clipped line (documents have no such row; questions may)."""
    if _size(unit) <= budget:
        return unit
    first = unit[0]
    return [Line(first.kind, clip(" ".join(line.text for line in unit), budget - 1), first.row_id)]


def fill_pages(blocks: Iterable[B], size: Callable[[B], int], room: int, *,
               breaks: Callable[[list[B], B], bool] | None = None,
               carry: Callable[[list[B], B], list[B]] | None = None) -> list[list[B]]:
    """The one Telegram paginator (answers and reminder digests): blocks in order onto pages holding at most
    `room` UTF-16 units as `size` measures them, a block never split. A new page starts when the next block
    does not fit or `breaks(page, block)` says so; it begins with `carry(closed page, block)`, which may
    take blocks off the end of the closed page (a title must not end a page) or make new ones."""
    pages: list[list[B]] = []
    page: list[B] = []
    used = 0
    for block in blocks:
        if page and (used + size(block) > room or (breaks is not None and breaks(page, block))):
            start = carry(page, block) if carry is not None else []
            pages.append(page)
            page, used = start, sum(size(b) for b in start)
        page.append(block)
        used += size(block)
    pages.append(page)
    return pages


def _is_item(unit: list[Line]) -> bool:
    return unit[0].kind in ("row", "fact")


def _carry_title(page: list[list[Line]], unit: list[Line]) -> list[list[Line]]:
    """A block title never ends a page; a page that starts mid-block repeats the title, marked continued."""
    if len(page) > 1 and page[-1][0].kind == "title":
        return [page.pop()]
    if unit[0].kind != "row":
        return []
    title = next((u[0] for u in reversed(page) if u[0].kind == "title"), None)
    if title is None:
        return []
    return [[title if title.text.endswith(msg.CONTINUED) else Line("title", title.text + msg.CONTINUED)]]


def _paginate(lines: list[Line], limit: int, items_per_page: int | None) -> list[HtmlPage]:
    head = Line("headline", clip(lines[0].text, limit // 4))
    budget = limit - utf16_len(head.text) - 200  # room for a repeated block title and shared line

    def full(page: list[list[Line]], unit: list[Line]) -> bool:
        return items_per_page is not None and _is_item(unit) and sum(map(_is_item, page)) >= items_per_page

    units = [[Line("shared", clip(u[0].text, 100))] if u[0].kind == "shared" else _fit(u, budget)
             for u in _units(lines[1:])]
    shared = [u for u in units if u[0].kind == "shared"]

    def carry(page: list[list[Line]], unit: list[Line]) -> list[list[Line]]:
        # What every row shares goes with the headline: a page read alone still says it.
        return [*shared, *_carry_title(page, unit)]

    pages = fill_pages(units, _size, limit - utf16_len(head.text), breaks=full, carry=carry)
    return [_page(head, body) for body in pages]


def _page(head: Line, body: list[list[Line]]) -> HtmlPage:
    text = "\n".join(_html(line) for line in [head, *(line for unit in body for line in unit)])
    ids = dict.fromkeys(unit[0].row_id for unit in body if unit[0].kind == "row" and unit[0].row_id)
    return HtmlPage(text, tuple(ids))


def html_pages(answer: Answer, limit: int = TELEGRAM_LIMIT,
               items_per_page: int | None = None) -> list[HtmlPage]:
    """The answer as Telegram HTML pages of at most `limit` characters and `items_per_page` rows or facts.

    Pages break between rows, never inside one; the headline repeats on every page so a page read
    alone still says what it answers.
    """
    return _paginate(lines_of(answer, short_titles(answer)), limit, items_per_page)


def render_html_pages(answer: Answer, limit: int = TELEGRAM_LIMIT, max_lines: int | None = None) -> list[str]:
    """Telegram HTML split at row boundaries into pages that each fit `limit` characters."""
    return [page.text for page in html_pages(answer, limit, max_lines)]


def render_html_compact(answer: Answer, rows: int = 3, limit: int = TELEGRAM_LIMIT) -> tuple[HtmlPage, int]:
    """A short form for group chats and inline results: the summary and the first `rows` rows.

    Returns the page and how many of the answer's rows it leaves out.
    """
    lines = lines_of(answer, short_titles(answer))
    kept: list[Line] = [lines[0]]
    shown: set[str] = set()
    facts = 0
    pending_title: Line | None = None
    total = {line.row_id for line in lines if line.kind == "row"}
    for line in lines[1:]:
        if line.kind == "title":
            pending_title = line
        elif line.kind == "row":
            if line.row_id not in shown and len(shown) >= rows:
                continue
            if pending_title is not None:
                kept.append(pending_title)
                pending_title = None
            shown.add(line.row_id)
            kept.append(line)
        elif line.kind == "fact":
            facts += 1
            if facts <= rows or not total:  # facts without rows (help, examples) are the answer
                kept.append(line)
        elif line.kind == "suggestion" or not shown:
            kept.append(line)
    hidden = len(total - shown)
    if hidden:
        kept.append(Line("note", msg.MORE_ROWS.format(n=hidden)))
    page = _paginate(kept, limit, None)[0]
    return page, len(total - set(page.row_ids))


def render_html_detail(row: Row, limit: int = TELEGRAM_LIMIT) -> str:
    """A row's full text, every unit with its role, its leader and note, as Telegram HTML."""
    lines = [clip(text, limit // 2) for text in detail_lines(row)]
    first, rest = html.escape(lines[0], quote=False), [html.escape(text, quote=False) for text in lines[1:]]
    return "\n".join([f"<b>{first}</b>", *rest])


def to_json(answer: Answer) -> dict[str, Any]:
    """CONTRACT §2's object for one question."""
    query = answer.query
    return {
        "question": query.question,
        "intent": answer.intent,
        "entities": query.entities(),
        "items": [_item_json(item) for item in answer.rows],
        "answer": render_text(answer),
        "suggestions": list(answer.suggestions),
    }


def _item_json(item: AnswerRow) -> dict[str, Any]:
    row = item.row
    return {
        "id": row.id, "kind": row.kind, "role": item.role, "text": row.text,
        "units": [{"name": r.unit, "written": r.written, "lead": r.lead} for r in row.roles],
        "leader": row.leader, "note": row.note, "category": row.category,
    }
