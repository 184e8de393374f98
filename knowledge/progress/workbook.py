"""The bulletin workbook (督查通报): all rows, one sheet per leader, a summary; CONTRACT §8's first sheet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from knowledge.progress.colours import COLOUR_HEX, COLOUR_NAMES, COLOURS, Colour
from knowledge.progress.status import PeriodStatus, RowState

# CONTRACT §8: the first sheet's columns, in this order.
COLUMNS = ("编号", "工作内容", "牵头单位", "牵头领导", "状态", "进度", "进展情况", "颜色")
ALL_SHEET = "全部工作"
SUMMARY_SHEET = "汇总"
NOT_REPORTED = "未报送"
_WIDTHS = (9, 60, 22, 10, 9, 7, 50, 6)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_FORBIDDEN.sub("", name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base[:28]}({n})"
        n += 1
    taken.add(candidate)
    return candidate


def _row_values(state: RowState) -> list[Any]:
    row = state.row
    return [row.id, row.text, "、".join(state.duty.leads), row.leader, state.status or NOT_REPORTED,
            state.percent, state.text, COLOUR_NAMES[state.colour]]


def _rows_sheet(sheet: Any, states: list[RowState], fills: dict[Colour, Any], styles: dict[str, Any]) -> None:
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = styles["bold"]
    for state in states:
        sheet.append(_row_values(state))
        line = sheet.max_row
        sheet.cell(line, 8).fill = fills[state.colour]
        sheet.cell(line, 6).number_format = '0"%"'
        for column in (2, 7):
            sheet.cell(line, column).alignment = styles["wrap"]
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:H{max(1, sheet.max_row)}"


def _summary(sheet: Any, status: PeriodStatus, fills: dict[Colour, Any], bold: Any) -> None:
    sheet.append(["报送周期", status.period.label, str(status.period)])
    sheet.append(["报送截止", status.due.isoformat(), status.rule.describe()])
    sheet.append(["统计时间", status.as_of.strftime("%Y-%m-%d %H:%M")])
    sheet.append([])
    header = ["", "工作数", *(COLOUR_NAMES[c] for c in COLOURS), "已报送", NOT_REPORTED]

    def table(title: str, groups: dict[str, list[RowState]]) -> None:
        sheet.append([title, *header[1:]])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        start = sheet.max_row + 1
        for name, states in groups.items():
            counts = status.counts(states)
            reported = sum(1 for s in states if s.status is not None)
            sheet.append([name, len(states), *(counts[c] for c in COLOURS), reported, len(states) - reported])
        for offset, colour in enumerate(COLOURS):
            for line in range(start, sheet.max_row + 1):
                if sheet.cell(line, 3 + offset).value:
                    sheet.cell(line, 3 + offset).fill = fills[colour]
        sheet.append([])

    table("牵头领导", status.by_leader())
    units = status.by_unit()
    table("牵头单位", dict(sorted(units.items(), key=lambda kv: (-status.counts(kv[1])["red"], kv[0]))))
    sheet.append(["未报送单位", "未报送工作"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for unit, rows in status.missing.items():
        sheet.append([unit, "、".join(rows)])
    sheet.append(["合计", len(status.rows), *(status.counts()[c] for c in COLOURS)])
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 14


def write_workbook(status: PeriodStatus, path: Path) -> Path:
    """Write the workbook to `path` (its folder must exist) and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {c: PatternFill("solid", start_color=COLOUR_HEX[c], end_color=COLOUR_HEX[c]) for c in COLOURS}
    styles = {"bold": Font(bold=True), "wrap": Alignment(wrap_text=True, vertical="top")}
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has its first sheet
    first.title = ALL_SHEET
    _rows_sheet(first, status.rows, fills, styles)
    taken = {ALL_SHEET, SUMMARY_SHEET}
    for leader, states in status.by_leader().items():
        _rows_sheet(book.create_sheet(_sheet_name(leader, taken)), states, fills, styles)
    _summary(book.create_sheet(SUMMARY_SHEET), status, fills, styles["bold"])
    book.save(path)
    return path
