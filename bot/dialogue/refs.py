"""References a message makes to the document's own structure: row codes (existing or not), sections,
projects, "第3条" of the last list. Pure functions of the text and the catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.numerals import chinese_to_int

_NUM = r"[一二三四五六七八九十两\d]{1,3}"
ROW_CODE = re.compile(r"(?<![A-Za-z])([KkLl])\s*(\d{1,3})\s*-\s*(\d{1,3})")
SECTION_CODE = re.compile(r"(?<![第\d])([一二三四五六七八九十]{1,3})\s*-\s*(\d{1,3})")
LIVELIHOOD_CODE = re.compile(r"民生(?:实事|项目)?\s*(?:第\s*)?(\d{1,3})\s*-\s*(\d{1,3})")
SECTION = re.compile(rf"第\s*({_NUM})\s*(?:部分|大项|大块)|^\s*([一二三四五六七八九十]{{1,3}})\s*、")
PROJECT = re.compile(rf"(?:民生实事|民生项目|民生)\s*(?:的)?\s*第\s*({_NUM})\s*(?:项|个|大项)|第\s*({_NUM})\s*个\s*(?:民生)?项目")
ORDINAL_ITEM = re.compile(rf"第\s*({_NUM})\s*项")
NTH = re.compile(rf"第\s*({_NUM})\s*(?:条|个|项)")


@dataclass(frozen=True)
class CodeRef:
    """A row code as written, its canonical ID, and whether the document has that row."""

    surface: str
    id: str
    exists: bool


def number(text: str) -> int | None:
    try:
        return chinese_to_int(text.replace("两", "二"))
    except ValueError:
        return None


def row_codes(text: str, catalog: Catalog) -> list[CodeRef]:
    """Every row code in `text`: K5-12, 五-12, 民生实事 5-1 — including codes the document lacks (五-30)."""
    found: list[tuple[int, CodeRef]] = []
    taken: list[tuple[int, int]] = []
    makers: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
        (LIVELIHOOD_CODE, _livelihood_id), (ROW_CODE, _written_id), (SECTION_CODE, _section_id))
    for pattern, make in makers:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append(match.span())
            code = make(match)
            found.append((match.start(), CodeRef(match.group(0), code, code in catalog.by_id)))
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def _livelihood_id(match: re.Match[str]) -> str:
    return f"L{int(match.group(1))}-{int(match.group(2))}"


def _written_id(match: re.Match[str]) -> str:
    return f"{match.group(1).upper()}{int(match.group(2))}-{int(match.group(3))}"


def _section_id(match: re.Match[str]) -> str:
    return f"K{chinese_to_int(match.group(1))}-{int(match.group(2))}"


def section_of(text: str) -> tuple[int, str] | None:
    """"第五部分" / "五、" → (5, surface)."""
    match = SECTION.search(text)
    if match is None:
        return None
    value = number(match.group(1) or match.group(2))
    return None if value is None else (value, match.group(0).strip())


def project_of(text: str) -> tuple[int, str] | None:
    """"民生实事第6项" / "第10个项目" → (6, surface)."""
    match = PROJECT.search(text)
    if match is None:
        return None
    value = number(match.group(1) or match.group(2))
    return None if value is None else (value, match.group(0))


def nth_of(text: str) -> int | None:
    match = NTH.search(text)
    return None if match is None else number(match.group(1))
