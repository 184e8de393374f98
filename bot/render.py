"""Answer → plain text, Telegram HTML pages, or CONTRACT §2's JSON object."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal

from bot import messages as msg
from bot.answer import Answer, AnswerRow
from knowledge.catalog import Row

Style = Literal["text", "html"]
TELEGRAM_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an answer with its role, so each style can dress it."""

    kind: str  # headline | fact | title | row | note | suggestion
    text: str
    row_id: str = ""


def row_line(item: AnswerRow, detail: bool = False) -> str:
    """"五-12 text（牵头；分管：伍国军）" for a listed row."""
    row = item.row
    tags: list[str] = []
    if item.role:
        tags.append(msg.ROLE[item.role])
    if item.via:
        tags.append(item.via)
    if row.kind == "livelihood":
        tags.append(f"牵头单位：{'、'.join(row.lead_units)}")
    elif not item.role:
        leads = "、".join(row.lead_units)
        if leads:
            tags.append(f"牵头：{leads}")
    if row.leader:
        tags.append(f"{msg.DETAIL_LEADER}：{row.leader}")
    suffix = f"（{'；'.join(tags)}）" if tags else ""
    return f"{row.label} {row.text}{suffix}"


def detail_lines(row: Row) -> list[str]:
    """Everything about one row: text, every unit with its role, leader, note."""
    lines = [f"{row.label}　{row.text}"]
    if row.kind == "livelihood":
        lines.append(f"{msg.DETAIL_CATEGORY}：{row.major}. {row.category}")
        lines.append(f"{msg.DETAIL_LEAD_UNITS}：{'、'.join(row.lead_units)}")
    else:
        units = "、".join(r.written + (msg.LEAD_MARK if r.lead else "") for r in row.roles)
        lines.append(f"{msg.DETAIL_UNITS}：{units}")
    if row.leader:
        lines.append(f"{msg.DETAIL_LEADER}：{row.leader}")
    if row.note:
        lines.append(f"{msg.DETAIL_NOTE}：{row.note}")
    return lines


def lines_of(answer: Answer) -> list[Line]:
    """The answer as a flat list of lines, in reading order."""
    lines = [Line("headline", answer.headline)]
    lines += [Line("note", note) for note in answer.notes]
    lines += [Line("fact", fact) for fact in answer.facts]
    for block in answer.blocks:
        if answer.detail:
            for item in block.rows:
                lines += [Line("row", text, item.row.id) for text in detail_lines(item.row)]
            continue
        if block.title:
            lines.append(Line("title", f"【{block.title}】（{len(block.rows)} 项）"))
        lines += [Line("row", row_line(item), item.row.id) for item in block.rows]
    if answer.related_note:
        lines.append(Line("note", answer.related_note))
    if answer.suggestions:
        lines.append(Line("suggestion", msg.DID_YOU_MEAN + "、".join(answer.suggestions)))
    return lines


def render_text(answer: Answer) -> str:
    """What a console or `duban ask` user reads."""
    return "\n".join(line.text for line in lines_of(answer))


def _html(line: Line) -> str:
    text = html.escape(line.text, quote=False)
    if line.kind == "headline":
        return f"<b>{text}</b>"
    if line.kind == "title":
        return f"<b>{text}</b>"
    if line.kind in ("note", "suggestion"):
        return f"<i>{text}</i>"
    return text


def render_html_pages(answer: Answer, limit: int = TELEGRAM_LIMIT, max_lines: int | None = None) -> list[str]:
    """Telegram HTML split at line boundaries into pages that each fit `limit` characters.

    The headline repeats on every page so a page read alone still says what it answers.
    """
    lines = lines_of(answer)
    head = _html(lines[0])
    pages: list[str] = []
    current: list[str] = [head]
    size = len(head)
    count = 0
    for line in lines[1:]:
        piece = _html(line)
        if len(piece) > limit - len(head) - 2:
            piece = piece[: limit - len(head) - 3] + "…"
        if size + 1 + len(piece) > limit or (max_lines and count >= max_lines):
            pages.append("\n".join(current))
            current, size, count = [head], len(head), 0
        current.append(piece)
        size += 1 + len(piece)
        count += 1
    pages.append("\n".join(current))
    return pages


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
