"""Deadline phrases, schedule files and precedence: the database-free core of 督办 deadlines."""

from __future__ import annotations

import calendar
import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from knowledge.numerals import chinese_to_int

# document: the row's own 完成时限 as the document writes it, when the deadline parser reads a date from it.
DeadlineSource = Literal["admin", "schedule", "document", "default"]

# The bundled task document (温鹿政办〔2023〕12号) covers the 2023 work year.
DOCUMENT_YEAR = 2023

_ROW_ID_RE = re.compile(r"^([KL])(\d+)-(\d+)$")
_NUM = r"[0-9〇零一二两三四五六七八九十]+"
_YEAR = r"(?:(?P<year>[0-9]{4}|[〇零一二三四五六七八九]{4})年)?"

# Open-ended commitments: the document deliberately gives them no date.
_ONGOING_RE = re.compile(r"^(长期|持续|常态化|常年|久久为功)")
# Polite wrapping that does not change the date: "力争6月底前完成" means 6月底.
_PREFIXES = ("截至", "截止", "力争", "争取", "确保", "于", "到", "在")
_SUFFIXES = ("前完成", "完成", "以前", "之前", "为止", "前", "止")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("iso", r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$"),
        ("day", rf"^{_YEAR}(?P<month>{_NUM})月(?P<day>{_NUM})[日号]$"),
        ("month_end", rf"^{_YEAR}(?P<month>{_NUM})月(?:份)?(?:底|末|)$"),
        ("dekad", rf"^{_YEAR}(?P<month>{_NUM})月(?:份)?(?P<part>[上中下])旬(?:末|)$"),
        ("quarter", rf"^{_YEAR}第?(?P<quarter>[1-4一二三四])季度(?:末|底|)$"),
        ("first_half", rf"^{_YEAR}上半年(?:底|末|)$"),
        ("year_end", rf"^{_YEAR}(?:下半年(?:底|末|)|年底|年末|年内|全年|年度内|本年度|本年内)$"),
        ("year_end", r"^(?P<year>[0-9]{4}|[〇零一二三四五六七八九]{4})年(?:度|度内|底|末|内|)$"),
    )
)


class DeadlineError(ValueError):
    """A deadline phrase, row id or schedule line that cannot be understood."""

    def __init__(self, message: str, *, phrase: str | None = None, path: Path | None = None,
                 line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.phrase = phrase
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated milestone of a task row, tagged with where the date came from."""

    row_id: str
    due: date
    milestone: str = ""
    source: DeadlineSource = "schedule"

    def __post_init__(self) -> None:
        if not _ROW_ID_RE.fullmatch(self.row_id):
            raise DeadlineError(f"row id {self.row_id!r} is not of the form K5-12 or L8-2")
        if len(self.milestone) > MAX_MILESTONE:  # the database column's size, on every backend
            raise DeadlineError(f"里程碑说明不能超过 {MAX_MILESTONE} 字（收到 {len(self.milestone)} 字）")


MAX_MILESTONE = 200


@dataclass(frozen=True, slots=True)
class ParsedDeadline:
    """The outcome of reading a phrase: a date, or None for open-ended work, with the reason."""

    phrase: str
    due: date | None
    reason: str


def normalize_row_id(raw: str) -> str:
    """Return the canonical row id (K5-12, L8-2) of any written form (五-12, 民生实事 8-2) or raise DeadlineError."""
    from knowledge.rowids import FORMS, parse_row_id

    row_id = parse_row_id(raw)
    if row_id is None:
        raise DeadlineError(f"“{raw}”不是条目编号：应写作 {FORMS}")
    return row_id


def row_sort_key(row_id: str) -> tuple[str, int, int]:
    """Order row ids naturally so K5-2 sorts before K5-12."""
    match = _ROW_ID_RE.fullmatch(row_id)
    if not match:
        return (row_id, 0, 0)
    return (match[1], int(match[2]), int(match[3]))


def _month_end(year: int, month: int) -> date:
    """Last day of a month; calendar.monthrange knows leap years."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _strip_wrapping(text: str) -> str:
    """Drop surrounding words such as 力争…前完成 that do not move the date."""
    changed = True
    while changed and text:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def _resolve(kind: str, groups: dict[str, str | None], year: int) -> tuple[date, str]:
    """Turn one matched pattern into a date and a human-readable reason."""
    if groups.get("year"):
        year = chinese_to_int(groups["year"] or "")
    if kind in ("iso", "day"):
        return date(year, chinese_to_int(groups["month"] or ""), chinese_to_int(groups["day"] or "")), "explicit date"
    if kind == "month_end":
        return _month_end(year, chinese_to_int(groups["month"] or "")), "end of month"
    if kind == "dekad":
        month, part = chinese_to_int(groups["month"] or ""), groups["part"]
        # 旬 are ten-day thirds; 下旬 runs to the month end, which may be the 28th–31st.
        if part == "上":
            return date(year, month, 10), "end of first ten days (上旬)"
        if part == "中":
            return date(year, month, 20), "end of middle ten days (中旬)"
        return _month_end(year, month), "end of month (下旬)"
    if kind == "quarter":
        quarter = chinese_to_int(groups["quarter"] or "")
        if not 1 <= quarter <= 4:
            raise ValueError(quarter)
        return _month_end(year, quarter * 3), f"end of quarter {quarter}"
    if kind == "first_half":
        return date(year, 6, 30), "end of first half-year"
    return date(year, 12, 31), "end of year"


def parse_deadline(phrase: str, year: int) -> ParsedDeadline:
    """Read a Chinese deadline phrase in the document's year; raise DeadlineError if it is not one."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", phrase))
    text = text.rstrip("。.，,;；")
    if not text:
        raise DeadlineError(f"empty deadline phrase {phrase!r}", phrase=phrase)
    if _ONGOING_RE.match(text):
        return ParsedDeadline(phrase, None, f"open-ended ({text}): no fixed deadline")
    core = _strip_wrapping(text)
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(core)
        if match is None:
            continue
        try:
            due, reason = _resolve(kind, match.groupdict(), year)
        except ValueError as exc:
            message = f"deadline phrase {phrase!r} names an impossible date"
            raise DeadlineError(message, phrase=phrase) from exc
        return ParsedDeadline(phrase, due, reason)
    raise DeadlineError(f"cannot read deadline phrase {phrase!r}", phrase=phrase)


def parse_due(phrase: str, year: int) -> date | None:
    """Shorthand for parse_deadline(...).due."""
    return parse_deadline(phrase, year).due


def document_default_due(year: int) -> date | None:
    """The fallback deadline for rows with nothing better: the last day of the document year; none for a
    document that says no year (0), since any date would be made up."""
    return date(year, 12, 31) if year else None


def _due_from(value: object, year: int, path: Path, line: int | None) -> date:
    """Accept a TOML/CSV date value or phrase; open-ended phrases are an error in a schedule."""
    if isinstance(value, datetime):
        # A TOML datetime is still a date; its time of day means nothing for a deadline.
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise DeadlineError(f"expected a date or deadline phrase, got {value!r}", path=path, line=line)
    try:
        parsed = parse_deadline(value, year)
    except DeadlineError as exc:
        raise DeadlineError(f"expected a date or deadline phrase such as 6月底前 or 2023-06-30: {exc}",
                            phrase=value, path=path, line=line) from exc
    if parsed.due is None:
        raise DeadlineError(f"{value!r} is open-ended and has no date; leave the row out of the schedule "
                            f"to use the document default", phrase=value, path=path, line=line)
    return parsed.due


def _row_id_from(value: object, path: Path, line: int | None) -> str:
    """Validate a row id read from a file, naming the place on failure."""
    if not isinstance(value, str):
        raise DeadlineError(f"expected a row id such as K5-12 or L8-2, got {value!r}", path=path, line=line)
    try:
        return normalize_row_id(value)
    except DeadlineError as exc:
        raise DeadlineError(f"expected a row id such as K5-12 or L8-2, got {value!r}",
                            path=path, line=line) from exc


_CSV_HEADER_NAMES = {"id", "row", "row_id", "rowid", "row id", "行", "行号", "编号", "序号", "任务编号"}


def _read_csv(text: str, path: Path, year: int) -> list[Deadline]:
    """Rows of `id, date-or-phrase[, milestone]`; blank and #-comment lines are skipped."""
    result: list[Deadline] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        # Only a recognised header name is skipped, so a typo in row 1 is still reported.
        is_header = first and cells[0].lower() in _CSV_HEADER_NAMES
        first = False
        if is_header:
            continue
        if len(cells) < 2 or not cells[1]:
            raise DeadlineError("expected `row id, date or phrase[, milestone]`", path=path, line=line)
        if len(cells) > 3:
            raise DeadlineError(f"expected at most 3 columns (row id, date, milestone), got {len(cells)}",
                                path=path, line=line)
        row_id = _row_id_from(cells[0], path, line)
        due = _due_from(cells[1], year, path, line)
        result.append(Deadline(row_id, due, cells[2] if len(cells) == 3 else "", "schedule"))
    return result


def _toml_line(lines: list[str], headers: list[int], index: int, key: str | None = None) -> int | None:
    """Best-effort line of `key` (or the header) in the index-th [[deadline]] table; tomllib keeps none."""
    if index >= len(headers):
        return None
    start = headers[index]
    if key is None:
        return start
    end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start, end):
        if key_re.match(lines[number - 1]):
            return number
    return start


def _read_toml(text: str, path: Path, year: int) -> list[Deadline]:
    """`[[deadline]]` tables with id, due and optional milestone."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DeadlineError(f"expected valid TOML ({exc})", path=path,
                            line=int(match[1]) if match else None) from exc
    unknown = set(data) - {"deadline"}
    if unknown:
        raise DeadlineError(f"expected only [[deadline]] tables, found {sorted(unknown)}", path=path)
    entries = data.get("deadline", [])
    if not isinstance(entries, list):
        raise DeadlineError("expected `deadline` to be an array of tables ([[deadline]])", path=path)
    lines = text.splitlines()
    headers = [n for n, raw in enumerate(lines, 1) if re.match(r"^\s*\[\[\s*deadline\s*\]\]", raw)]
    result: list[Deadline] = []
    for index, entry in enumerate(entries):
        line = _toml_line(lines, headers, index)
        if not isinstance(entry, dict):
            raise DeadlineError("expected a [[deadline]] table", path=path, line=line)
        extra = set(entry) - {"id", "due", "milestone"}
        if extra:
            raise DeadlineError(f"expected keys id, due, milestone; unknown {sorted(extra)}", path=path,
                                line=_toml_line(lines, headers, index, sorted(extra)[0]))
        for key in ("id", "due"):
            if key not in entry:
                raise DeadlineError(f"expected `{key} = ...` in this [[deadline]] table",
                                    path=path, line=line)
        row_id = _row_id_from(entry["id"], path, _toml_line(lines, headers, index, "id"))
        due = _due_from(entry["due"], year, path, _toml_line(lines, headers, index, "due"))
        milestone = entry.get("milestone", "")
        if not isinstance(milestone, str):
            raise DeadlineError(f"expected milestone to be a string, got {milestone!r}", path=path,
                                line=_toml_line(lines, headers, index, "milestone"))
        result.append(Deadline(row_id, due, milestone.strip(), "schedule"))
    return result


def read_schedule(path: str | Path, *, year: int = DOCUMENT_YEAR) -> list[Deadline]:
    """Read a .csv or .toml schedule file of per-row deadlines; phrases are read in `year`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeadlineError(f"cannot read schedule file ({exc.strerror})", path=path) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeadlineError("expected UTF-8 text", path=path, line=line) from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(text, path, year)
    if suffix == ".toml":
        return _read_toml(text, path, year)
    got = suffix or "no extension"
    raise DeadlineError(f"expected a .csv or .toml schedule file, got {got!r}", path=path)


def effective_deadlines(
    admin: Iterable[Deadline],
    schedule: Iterable[Deadline],
    default_due: date | None,
    row_ids: Iterable[str],
    written: Mapping[str, date] | None = None,
) -> dict[str, list[Deadline]]:
    """Per row: its admin deadlines if any, else its schedule ones, else the date of its own 完成时限 as the
    document writes it (`written`), else the document default."""
    written = written or {}
    by_source: Mapping[str, dict[str, set[Deadline]]] = {"admin": {}, "schedule": {}}
    for source, items in (("admin", admin), ("schedule", schedule)):
        for item in items:
            by_source[source].setdefault(item.row_id, set()).add(item)
    result: dict[str, list[Deadline]] = {}
    ids = tuple(row_ids)
    defaults = _defaults(ids, default_due) if default_due is not None else {}
    for row_id in ids:
        chosen = by_source["admin"].get(row_id) or by_source["schedule"].get(row_id)
        if chosen:
            result[row_id] = sorted(chosen, key=lambda d: (d.due, d.milestone))
        elif row_id in written:
            result[row_id] = [Deadline(row_id, written[row_id], "", "document")]
        elif default_due is not None:
            result[row_id] = [defaults[row_id]]
        else:
            result[row_id] = []
    return result


@lru_cache(maxsize=16)
def _defaults(row_ids: tuple[str, ...], due: date) -> dict[str, Deadline]:
    """Every row's default deadline, made once per document and date: a chat's deadline question reads
    them all, and checking 176 row ids each time cost half a millisecond. (Deadlines are frozen: shared.)"""
    return {row_id: Deadline(row_id, due, "", "default") for row_id in row_ids}
