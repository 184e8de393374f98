"""What the reader understood of a document, as `duban import [--dry-run]` prints it (pure: no database)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from knowledge.ingest.cells import ROLE_NAMES
from knowledge.ingest.document import Document, UnitMention
from knowledge.language import DocumentPlace, PlaceData, language

KIND_NAMES = {"key_task": "重点工作", "livelihood": "民生实事"}
READINGS = {
    "bundled": "附件 1 重点工作（分节，标 * 的为牵头单位）与附件 2 民生实事的通知格式",
    "lead": "牵头单位列或“牵头单位：”标注为牵头，其余为配合",
    "first": "通知说明列第一位的为牵头单位：每行第一个单位牵头，其余配合",
    "marks": "标记（*、★、▲、（牵头））的单位牵头；未标记时唯一单位牵头",
    "none": "文件未标明牵头单位：唯一单位牵头，多个单位均为责任单位（回答为“负责”）",
}


def _mentions(document: Document) -> list[UnitMention]:
    rows = [u for task in document.key_tasks for u in task.units]
    for item in document.livelihood:
        rows += item.units if item.units is not None else [UnitMention(n, True) for n in item.lead_units]
    return rows


def summary_lines(document: Document, limit: int = 30) -> list[str]:
    """Tables, column roles, rows per table, units with lead counts, leaders, deadlines, warnings with lines."""
    where = "、".join(p for p in (document.place, str(document.year) + "年" if document.year else "") if p)
    lines = [f"{document.key}：{document.title or '（无标题）'}" + (f"（{where}）" if where else ""),
             f"读法：{READINGS.get(document.reading, document.reading)}"]
    if document.tables:
        for number, table in enumerate(document.tables, start=1):
            lines.append(f"表 {number}（{KIND_NAMES[table.kind]}，从 {table.line} 起）：{table.rows} 行"
                         + (f"，“{table.title}”" if table.title else ""))
            lines.append(f"  版式：{table.why}")
            if table.columns:
                names: dict[str, str] = {str(k): v for k, v in ROLE_NAMES.items()}
                lines.append("  列：" + "，".join(f"{written or names[role]} → {names[role]}"
                                                 for written, role in table.columns))
    else:
        projects = len({item.project for item in document.livelihood})
        lines.append(f"重点工作 {len(document.key_tasks)} 项（{len(document.sections)} 个部分），"
                     f"民生实事 {len(document.livelihood)} 项（{projects} 个项目）")
    mentions = _mentions(document)
    listed = Counter(u.name for u in mentions)
    leading = Counter(u.name for u in mentions if u.part == "lead")
    responsible = Counter(u.name for u in mentions if u.part == "responsible")
    lines.append(f"单位 {len(listed)} 个（行数 / 牵头" + ("，负责" if responsible else "") + "）：")
    for name, count in listed.most_common(limit):
        extra = f"，负责 {responsible[name]}" if responsible else ""
        lines.append(f"  {name} {count} / {leading[name]}{extra}")
    if len(listed) > limit:
        lines.append(f"  …另有 {len(listed) - limit} 个单位")
    rows = [*(t.details for t in document.key_tasks), *(i.details for i in document.livelihood)]
    leaders = Counter(name for d in rows for name in d.leaders)
    leaders.update(s.leader for s in document.sections if s.leader and not any(d.leaders for d in rows))
    if leaders:
        lines.append("领导：" + "、".join(f"{name}（{count}）" for name, count in leaders.most_common()))
    deadlines = [d for d in rows if d.deadline]
    if deadlines:
        dated = sum(d.deadline_date is not None for d in deadlines)
        phrases = Counter(d.deadline for d in deadlines)
        lines.append(f"完成时限：{len(deadlines)} 行（{dated} 行可读出日期）："
                     + "、".join(f"{p}（{c}）" for p, c in phrases.most_common(8)))
    for warning in document.warnings:
        lines.append(f"注意：第 {warning.line} 行：{warning.message}" if isinstance(warning.line, int)
                     else f"注意：{warning.line}：{warning.message}")
    return lines


def place_lines(document: Document, where: DocumentPlace, data: PlaceData | None, is_group: Callable[[str], bool],
                limit: int = 12) -> list[str]:
    """Where the document is from as the import reads it (the issuing government it names, else its title), the
    words a question names it by, its streets and towns, and the place file giving what no rule derives."""
    if not where.names:
        return ["地点：文件中未写明（问句中的“我区”“全县”等无从对应；单位仍按名称回答）"]
    words = sorted(w for w in where.own_places if w not in where.names and not any(w == n[:-1] for n in where.names))
    suffixes = language().places.street_suffixes
    named = [u.name for u in _mentions(document) if u.name.endswith(suffixes) and not is_group(u.name)]
    streets = list(dict.fromkeys([*named, *(data.streets if data else ())]))
    shown = "、".join(streets[:limit]) + (f" 等 {len(streets)} 个" if len(streets) > limit else "")
    return [f"地点：{''.join(where.names)}（{where.level}级；问句中的本地说法：{'、'.join(words)}）",
            f"街道乡镇：{shown or '无'}",
            f"地点文件：{data.source if data else '无（单位简称按通用规则推导）'}"]
