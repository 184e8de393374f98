"""References a message makes to the document's own structure: row codes (existing or not), sections,
projects, "第3条" of the last list. Pure functions of the text and the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalog import Catalog
from knowledge.numerals import NUMERALS, chinese_to_int
from knowledge.rowids import written_row_ids

_NUM = rf"[{NUMERALS}两\d]{{1,3}}"
# "十一部分" without 第 too, but not 一部分 / 两部分 ("a part of").
SECTION = re.compile(rf"第\s*({_NUM})\s*(?:部分|大项|大块)|^\s*([{NUMERALS}]{{1,3}})\s*、"
                     rf"|(?<![第{NUMERALS}两\d])(?!一部分|两部分)([{NUMERALS}]{{1,3}})\s*部分")
PROJECT = re.compile(rf"(?:民生实事|民生项目|民生)\s*(?:的)?\s*第\s*({_NUM})\s*(?:项|个|大项)|第\s*({_NUM})\s*个\s*(?:民生)?项目")
ORDINAL_ITEM = re.compile(rf"第\s*({_NUM})\s*项")
# "第三和第七部分", "第二、第五部分": several sections named at once.
SECTIONS = re.compile(rf"第\s*{_NUM}(?:\s*(?:部分|大项))?(?:\s*(?:和|、|及|与|跟|以及|，)\s*第?\s*{_NUM}(?:\s*(?:部分|大项))?)+"
                      r"(?<=部分|大项)")
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
    """Every row code in `text`: K5-12, 五-12, 民生实事 5-1 — including codes the document lacks (五-30);
    read by knowledge.rowids, as every command and question reads them."""
    return [CodeRef(surface, code, code in catalog.by_id) for surface, code in written_row_ids(text)]


def section_of(text: str) -> tuple[int, str] | None:
    """"第五部分" / "五、" → (5, surface)."""
    match = SECTION.search(text)
    if match is None:
        return None
    value = number(match.group(1) or match.group(2) or match.group(3))
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


def sections_of(text: str) -> list[int]:
    """"第三和第七部分" → [3, 7]; one section or none → []."""
    match = SECTIONS.search(text)
    if match is None:
        return []
    found = [number(n) for n in re.findall(_NUM, match.group(0))]
    return [n for n in dict.fromkeys(found) if n is not None]
