"""Spec for knowledge.reminders.deadlines: phrases, schedule files, row ids and precedence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.reminders.deadlines import (
    Deadline,
    DeadlineError,
    DeadlineSource,
    document_default_due,
    effective_deadlines,
    normalize_row_id,
    parse_deadline,
    parse_due,
    read_schedule,
    row_sort_key,
)

YEAR = 2023

PHRASES: list[tuple[str, date | None]] = [
    ("6月底前", date(2023, 6, 30)),
    ("6月底", date(2023, 6, 30)),
    ("六月底前", date(2023, 6, 30)),
    ("6月30日前", date(2023, 6, 30)),
    ("12月31日前", date(2023, 12, 31)),
    ("2023年9月15日", date(2023, 9, 15)),
    ("2023 年 9 月 15 日", date(2023, 9, 15)),
    ("２０２３年９月１５日", date(2023, 9, 15)),
    ("2024年3月1日", date(2024, 3, 1)),
    ("十二月三十一日", date(2023, 12, 31)),
    ("三季度末", date(2023, 9, 30)),
    ("第三季度末", date(2023, 9, 30)),
    ("一季度", date(2023, 3, 31)),
    ("第二季度", date(2023, 6, 30)),
    ("4季度末", date(2023, 12, 31)),
    ("上半年", date(2023, 6, 30)),
    ("上半年底", date(2023, 6, 30)),
    ("下半年", date(2023, 12, 31)),
    ("年底前", date(2023, 12, 31)),
    ("年内", date(2023, 12, 31)),
    ("全年", date(2023, 12, 31)),
    ("2023年底前", date(2023, 12, 31)),
    ("10月上旬", date(2023, 10, 10)),
    ("10月中旬", date(2023, 10, 20)),
    ("10月下旬", date(2023, 10, 31)),
    ("10月底", date(2023, 10, 31)),
    ("11月下旬", date(2023, 11, 30)),
    ("2月底", date(2023, 2, 28)),
    ("2024年2月底", date(2024, 2, 29)),
    ("二〇二四年二月下旬", date(2024, 2, 29)),
    ("2023-06-30", date(2023, 6, 30)),
    ("力争6月底前完成", date(2023, 6, 30)),
    ("长期坚持", None),
    ("持续推进", None),
    ("常态化", None),
    ("长期", None),
]


@pytest.mark.parametrize(("phrase", "expected"), PHRASES, ids=[p for p, _ in PHRASES])
def test_phrase_reads_as_date_in_document_year(phrase: str, expected: date | None) -> None:
    parsed = parse_deadline(phrase, YEAR)
    assert parsed.due == expected
    assert parsed.reason
    assert parse_due(phrase, YEAR) == expected


def test_open_ended_phrase_says_why_there_is_no_date() -> None:
    parsed = parse_deadline("长期坚持", YEAR)
    assert parsed.due is None
    assert "open-ended" in parsed.reason


BAD_PHRASES = ["", "尽快", "明天", "2月30日", "13月底", "第五季度", "6月32日", "前", "abc"]


@pytest.mark.parametrize("phrase", BAD_PHRASES, ids=[p or "empty" for p in BAD_PHRASES])
def test_unreadable_phrase_raises_naming_it(phrase: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(phrase, YEAR)
    assert repr(phrase) in str(caught.value)
    assert caught.value.phrase == phrase


ROW_IDS = [
    ("K5-12", "K5-12"), ("L8-2", "L8-2"), (" k5-12 ", "K5-12"), ("Ｋ５－１２", "K5-12"), ("K05-012", "K5-12"),
]


@pytest.mark.parametrize(("raw", "canonical"), ROW_IDS, ids=[r for r, _ in ROW_IDS])
def test_row_id_is_normalised(raw: str, canonical: str) -> None:
    assert normalize_row_id(raw) == canonical


@pytest.mark.parametrize("raw", ["5-12", "X5-12", "K5", "K5-", "K0-1", "K5-12a", ""], ids=str)
def test_malformed_row_id_is_rejected(raw: str) -> None:
    with pytest.raises(DeadlineError):
        normalize_row_id(raw)


def test_deadline_refuses_malformed_row_id() -> None:
    with pytest.raises(DeadlineError):
        Deadline("K5_12", date(2023, 6, 30))


def test_row_ids_sort_naturally() -> None:
    assert sorted(["K5-12", "K10-1", "K5-2", "L1-1"], key=row_sort_key) == ["K5-2", "K5-12", "K10-1", "L1-1"]


def _write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


S: DeadlineSource = "schedule"
GOOD_SCHEDULES: list[tuple[str, str, bool, list[Deadline]]] = [
    ("csv_no_header", "K5-12,6月底前\nL8-2,2023-09-15,验收\n", False,
     [Deadline("K5-12", date(2023, 6, 30), "", S), Deadline("L8-2", date(2023, 9, 15), "验收", S)]),
    ("csv_header", "id,due,milestone\nK5-12,三季度末,完成主体\n", False,
     [Deadline("K5-12", date(2023, 9, 30), "完成主体", S)]),
    ("csv_bom_chinese_header", "编号,期限,节点\nK5-12,10月中旬,招标\n", True,
     [Deadline("K5-12", date(2023, 10, 20), "招标", S)]),
    ("csv_bom_no_header", "K5-12,6月底\n", True, [Deadline("K5-12", date(2023, 6, 30), "", S)]),
    ("csv_several_milestones_comments_blanks", "# 里程碑\nK5-12,6月底,开工\n\nK5-12,年底前,完工\n", False,
     [Deadline("K5-12", date(2023, 6, 30), "开工", S), Deadline("K5-12", date(2023, 12, 31), "完工", S)]),
    ("csv_crlf_spaces", "K5-12 , 6月30日前 , 开工\r\n", False,
     [Deadline("K5-12", date(2023, 6, 30), "开工", S)]),
]


@pytest.mark.parametrize(("name", "text", "bom", "expected"), GOOD_SCHEDULES,
                         ids=[g[0] for g in GOOD_SCHEDULES])
def test_csv_schedule_is_read(
    tmp_path: Path, name: str, text: str, bom: bool, expected: list[Deadline]
) -> None:
    assert read_schedule(_write(tmp_path, f"{name}.csv", text, bom=bom), year=YEAR) == expected


def test_toml_schedule_is_read(tmp_path: Path) -> None:
    text = """
[[deadline]]
id = "K5-12"
due = 2023-06-30
milestone = "开工"

[[deadline]]
id = "K5-12"
due = "年底前"
milestone = "完工"

[[deadline]]
id = "L8-2"
due = "10月下旬"
"""
    assert read_schedule(_write(tmp_path, "s.toml", text, bom=True), year=YEAR) == [
        Deadline("K5-12", date(2023, 6, 30), "开工", S),
        Deadline("K5-12", date(2023, 12, 31), "完工", S),
        Deadline("L8-2", date(2023, 10, 31), "", S),
    ]


BAD_SCHEDULES: list[tuple[str, str, str, int | None, str]] = [
    ("csv_bad_row_id", "s.csv", "K5-12,6月底\nX1,6月底\n", 2, "row id"),
    ("csv_typo_in_first_row_is_not_a_header", "s.csv", "K5 12,6月底\n", 1, "row id"),
    ("csv_bad_phrase", "s.csv", "id,due\nK5-12,6月底\nK5-13,尽快\n", 3, "date or deadline phrase"),
    ("csv_open_ended", "s.csv", "K5-12,长期坚持\n", 1, "open-ended"),
    ("csv_missing_date", "s.csv", "K5-12\n", 1, "row id, date or phrase"),
    ("csv_too_many_columns", "s.csv", "K5-12,6月底,a,b\n", 1, "at most 3 columns"),
    ("toml_bad_due", "s.toml", '[[deadline]]\nid = "K5-12"\ndue = "尽快"\n', 3, "date or deadline phrase"),
    ("toml_bad_id_second_table", "s.toml",
     '[[deadline]]\nid = "K5-12"\ndue = "6月底"\n\n[[deadline]]\nid = "Q1"\ndue = "6月底"\n', 6, "row id"),
    ("toml_missing_due", "s.toml", '[[deadline]]\nid = "K5-12"\n', 1, "due"),
    ("toml_unknown_key", "s.toml", '[[deadline]]\nid = "K5-12"\ndue = "6月底"\nowner = "x"\n', 4, "unknown"),
    ("toml_syntax", "s.toml", '[[deadline]]\nid = "K5-12\n', 2, "valid TOML"),
    ("wrong_extension", "s.xlsx", "K5-12,6月底\n", None, ".csv or .toml"),
]


@pytest.mark.parametrize(("case", "name", "text", "line", "expected"), BAD_SCHEDULES,
                         ids=[b[0] for b in BAD_SCHEDULES])
def test_bad_schedule_names_file_line_and_expectation(
    tmp_path: Path, case: str, name: str, text: str, line: int | None, expected: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(DeadlineError) as caught:
        read_schedule(path, year=YEAR)
    message = str(caught.value)
    assert str(path) in message
    assert caught.value.line == line
    if line is not None:
        assert f"{path}:{line}:" in message
    assert expected in message


def test_non_utf8_schedule_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("K5-12,6月底\n".encode() + "K5-13,6月底\n".encode("gbk"))
    with pytest.raises(DeadlineError, match="UTF-8") as caught:
        read_schedule(path)
    assert caught.value.line == 2


def test_missing_schedule_file_is_a_deadline_error(tmp_path: Path) -> None:
    with pytest.raises(DeadlineError, match="cannot read"):
        read_schedule(tmp_path / "absent.csv")


ADMIN = [Deadline("K5-12", date(2023, 5, 31), "", "admin")]
SCHEDULE = [
    Deadline("K5-12", date(2023, 6, 30), "", S),
    Deadline("L8-2", date(2023, 12, 31), "完工", S),
    Deadline("L8-2", date(2023, 9, 30), "开工", S),
]
DEFAULT = document_default_due(YEAR)
PRECEDENCE: list[tuple[str, str, date | None, list[Deadline]]] = [
    ("admin_beats_schedule", "K5-12", DEFAULT, ADMIN),
    ("schedule_beats_default_sorted_by_date", "L8-2", DEFAULT, [SCHEDULE[2], SCHEDULE[1]]),
    ("default_fills_the_gap", "K1-1", DEFAULT, [Deadline("K1-1", date(2023, 12, 31), "", "default")]),
    ("no_default_means_no_deadline", "K1-1", None, []),
]


@pytest.mark.parametrize(("case", "row_id", "default_due", "expected"), PRECEDENCE,
                         ids=[p[0] for p in PRECEDENCE])
def test_precedence_admin_then_schedule_then_default(
    case: str, row_id: str, default_due: date | None, expected: list[Deadline]
) -> None:
    result = effective_deadlines(ADMIN, SCHEDULE, default_due, [row_id])
    assert result == {row_id: expected}


def test_precedence_only_covers_requested_rows_and_drops_duplicates() -> None:
    result = effective_deadlines(ADMIN * 2, SCHEDULE, DEFAULT, ["K5-12"])
    assert result == {"K5-12": ADMIN}


def test_document_default_is_last_day_of_year() -> None:
    assert document_default_due(2023) == date(2023, 12, 31)
