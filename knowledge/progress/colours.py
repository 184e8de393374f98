"""A row's colour by the rules offices use; pure, so the rule is testable and fast at 35,000 rows.

- red: 无法完成; or its deadline has passed and it is not done; or reported 滞后 in two periods running.
- yellow: its deadline is within N days and it is not done; or reported 滞后 once; or its report is
  missing after the period's due date.
- green: everything else (done, or on track).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

Colour = Literal["green", "yellow", "red"]
COLOURS: tuple[Colour, ...] = ("red", "yellow", "green")  # the office reads red first
COLOUR_NAMES: dict[Colour, str] = {"green": "绿", "yellow": "黄", "red": "红"}
COLOUR_HEX: dict[Colour, str] = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


def colour_of(status: str | None, *, lagging_before: bool, deadline: date | None, report_due: date,
              today: date, yellow_days: int) -> Colour:
    """The colour of one row for one period as of `today`.

    `lagging_before`: the row's report of the previous period was 滞后 too. `deadline`: the row's own
    deadline (the reminders' effective deadline), None when it has none.
    """
    if status == "已完成":
        return "green"
    if status == "无法完成":
        return "red"
    if status == "滞后" and lagging_before:
        return "red"
    if deadline is not None and today > deadline:
        return "red"
    if status == "滞后":
        return "yellow"
    if deadline is not None and (deadline - today).days <= yellow_days:
        return "yellow"
    if status is None and today > report_due:
        return "yellow"
    return "green"
