"""Reporting periods (a quarter or a month) and their due dates, from rules such as "每季度末月20日前"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from knowledge.numerals import NUMERALS, chinese_to_int

PeriodKind = Literal["quarter", "month"]
MonthChoice = Literal["first", "last", "next"]
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/]?\s*[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*$")
_CN_QUARTER = re.compile(r"^\s*(\d{4})\s*年\s*第?([1-4一二三四])季度\s*$")
_CN_MONTH = re.compile(rf"^\s*(\d{{4}})\s*年\s*(\d{{1,2}}|[{NUMERALS}]+)\s*月(?:份)?\s*$")
_QUARTER_NAMES = "一二三四"


class PeriodError(ValueError):
    """A period that cannot be read; the message says what is expected."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A quarter (2023Q2) or a month (2023-05)."""

    year: int
    kind: PeriodKind
    number: int  # quarter 1–4 or month 1–12

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}" if self.kind == "quarter" else f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        """As people write it: 2023年第二季度, 2023年5月."""
        if self.kind == "quarter":
            return f"{self.year}年第{_QUARTER_NAMES[self.number - 1]}季度"
        return f"{self.year}年{self.number}月"

    @property
    def months(self) -> tuple[int, int]:
        """First and last month of the period."""
        if self.kind == "quarter":
            return 3 * self.number - 2, 3 * self.number
        return self.number, self.number

    @property
    def start(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def end(self) -> date:
        last = self.months[1]
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    def previous(self) -> Period:
        size = 4 if self.kind == "quarter" else 12
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, size)

    def next(self) -> Period:
        size = 4 if self.kind == "quarter" else 12
        if self.number < size:
            return Period(self.year, self.kind, self.number + 1)
        return Period(self.year + 1, self.kind, 1)


def period_of(day: date, kind: PeriodKind) -> Period:
    """The period of `kind` that contains `day`."""
    return Period(day.year, kind, (day.month - 1) // 3 + 1 if kind == "quarter" else day.month)


def parse_period(text: str) -> Period:
    """2023Q2, 2023-05, 2023年第二季度, 2023年5月."""
    if m := _QUARTER.match(text) or _CN_QUARTER.match(text):
        number = m.group(2)
        return Period(int(m.group(1)), "quarter",
                      int(number) if number.isdigit() else _QUARTER_NAMES.index(number) + 1)
    if m := _MONTH.match(text) or _CN_MONTH.match(text):
        month = int(m.group(2)) if m.group(2).isdigit() else chinese_to_int(m.group(2))
        if 1 <= month <= 12:
            return Period(int(m.group(1)), "month", month)
    raise PeriodError(f"无法识别报送周期“{text}”：请写成 2023Q2（季度）或 2023-05（月份）")


@dataclass(frozen=True, slots=True)
class DueRule:
    """When a period's report is due: a day of the period's first, last or following month."""

    period: PeriodKind
    month: MonthChoice
    day: int | None  # None: the month's last day
    phrase: str = ""  # as the document or the configuration wrote it

    def due(self, period: Period) -> date:
        """The due date of `period` (its kind should be this rule's)."""
        first, last = period.months
        year, month = period.year, last if self.month == "last" else first
        if self.month == "next":
            after = period.end + timedelta(days=1)
            year, month = after.year, after.month
        days = calendar.monthrange(year, month)[1]
        return date(year, month, days if self.day is None else min(self.day, days))

    def describe(self) -> str:
        """The rule in words, for messages: 每季度末月20日前."""
        if self.phrase:
            return self.phrase
        day = "最后一天" if self.day is None else f"{self.day}日"
        if self.period == "month":
            return f"{'次月' if self.month == 'next' else '每月'}{day}前"
        where = {"first": "首月", "last": "末月", "next": "结束后次月"}[self.month]
        return f"每季度{where}{day}前"
