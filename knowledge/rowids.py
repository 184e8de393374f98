"""Row IDs as people write them: the one reader every command, handler and question uses.

CONTRACT §1 names rows `K5-12` (key task 12 of section 五) and `L5-1` (livelihood project 5, its first
line); people also write the document's own numbering — `五-12`, `民生实事 5-1`, `民生实事第5-1` — and type
full-width characters (`Ｋ５－１２`). All of these read as the same canonical ID here, so `deadlines set
五-12` and `/sub 五-12` and a question about 五-12 agree.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.numerals import NUMERALS, chinese_to_int

_DASH = r"\s*[-—–‐]\s*"
_CODE = re.compile(rf"(?<![A-Za-z])([KL])\s*(\d{{1,3}}){_DASH}(\d{{1,3}})(?!\d)", re.IGNORECASE)
_SECTION = re.compile(rf"([{NUMERALS}]{{1,3}}){_DASH}(\d{{1,3}})(?!\d)")
FORMS = "K5-12、五-12（重点工作）或 L5-1、民生实事 5-1（民生实事）"


def _livelihood_pattern() -> re.Pattern[str]:
    """"民生实事 5-1", "民生实事第5-1": the words come from grammar.toml ([names] livelihood_code, ordinal)."""
    from knowledge.language import language

    names = language().names
    words = "|".join(re.escape(w) for w in names.livelihood_code)
    return re.compile(rf"(?:{words})\s*(?:{re.escape(names.ordinal)}\s*)?(\d{{1,3}})(?:项)?{_DASH}(\d{{1,3}})(?!\d)")


_LIVELIHOOD = _livelihood_pattern()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _code(letter: str, major: int, minor: int) -> str | None:
    return f"{letter}{major}-{minor}" if major > 0 and minor > 0 else None


def find_row_ids(text: str) -> list[str]:
    """Every row ID written in `text`, canonical and in first-seen order: K/L codes, then 民生实事 codes,
    then section codes (五-12). Whether the row exists is the caller's question."""
    return list(dict.fromkeys(code for _, code in written_row_ids(text)))


def written_row_ids(text: str) -> list[tuple[str, str]]:
    """Each row ID written in `text` with the words it is written in — ("民生实事 5-1", "L5-1"), ("五-30",
    "K5-30") — in find_row_ids' order, repeats included: the conversation remembers what was written."""
    text = _fold(text)
    found = [(m[0], _code(m[1].upper(), int(m[2]), int(m[3]))) for m in _CODE.finditer(text)]
    found += [(m[0], _code("L", int(m[1]), int(m[2]))) for m in _LIVELIHOOD.finditer(text)]
    for match in _SECTION.finditer(text):
        try:
            found.append((match[0], _code("K", chinese_to_int(match[1]), int(match[2]))))
        except (ValueError, KeyError):  # 十十 and the like are no section number
            continue
    return [(surface, code) for surface, code in found if code is not None]


def parse_row_id(raw: str) -> str | None:
    """The canonical ID when the whole of `raw` is one row ID in any accepted form, else None."""
    text = _fold(raw).strip()
    for pattern in (_CODE, _LIVELIHOOD, _SECTION):
        if pattern.fullmatch(text):
            found = find_row_ids(text)
            return found[0] if len(found) == 1 else None
    return None


def canonical_row_ids(text: str) -> str:
    """`text` with every row ID rewritten canonically (民生实事 5-1 → L5-1), so splitting the text on spaces,
    as command arguments are, keeps each ID whole."""
    text = _fold(text)
    text = _LIVELIHOOD.sub(lambda m: _code("L", int(m[1]), int(m[2])) or m[0], text)
    return _CODE.sub(lambda m: _code(m[1].upper(), int(m[2]), int(m[3])) or m[0], text)
