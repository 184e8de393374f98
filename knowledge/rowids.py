"""Row IDs as people write them: the one reader every command, handler and question uses.

CONTRACT §1 names rows `K5-12` (key task 12 of section 五) and `L5-1` (livelihood project 5, its first
line); people also write the document's own numbering — `五-12`, `民生实事 5-1`, `民生实事第5-1` — and type
full-width characters (`Ｋ５－１２`). All of these read as the same canonical ID here, so `deadlines set
五-12` and `/sub 五-12` and a question about 五-12 agree. A livelihood row is labelled with its table's own
name (`民生工程 1-1`, `民生實事 1-2`: knowledge/catalog.py's table_names picks it from layouts.toml's [kinds]),
so every one of those words, in either script, reads back as its row.
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
    """"民生实事 5-1", "民生实事第5-1", "民生工程 1-1": the words come from grammar.toml ([names] livelihood_code,
    ordinal) and from layouts.toml's [kinds] livelihood (every name a livelihood table's rows are labelled
    with), longest first so that 民生实事 is not read as 民生."""
    from knowledge.language import language

    data = language()
    names = data.names
    every = dict.fromkeys([*names.livelihood_code, *data.layouts.table_names["livelihood"]])
    words = "|".join(re.escape(w) for w in sorted(every, key=len, reverse=True))
    return re.compile(rf"(?:{words})\s*(?:{re.escape(names.ordinal)}\s*)?(\d{{1,3}})(?:项)?{_DASH}(\d{{1,3}})(?!\d)")


_LIVELIHOOD = _livelihood_pattern()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _livelihood_matches(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, canonical ID) of each livelihood label in folded `text`, read in simplified script where
    that keeps every character in place (a label the bot shows as 民生實事 1-2 reads back as its row)."""
    from knowledge.language import simplified

    plain = simplified(text)
    read = plain if len(plain) == len(text) else text
    return [(m.start(), m.end(), _code("L", int(m[1]), int(m[2]))) for m in _LIVELIHOOD.finditer(read)]


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
    found += [(text[start:end], code) for start, end, code in _livelihood_matches(text)]
    for match in _SECTION.finditer(text):
        try:
            found.append((match[0], _code("K", chinese_to_int(match[1]), int(match[2]))))
        except (ValueError, KeyError):  # 十十 and the like are no section number
            continue
    return [(surface, code) for surface, code in found if code is not None]


def parse_row_id(raw: str) -> str | None:
    """The canonical ID when the whole of `raw` is one row ID in any accepted form, else None."""
    text = _fold(raw).strip()
    whole = any(start == 0 and end == len(text) for start, end, _code in _livelihood_matches(text))
    if whole or _CODE.fullmatch(text) or _SECTION.fullmatch(text):
        found = find_row_ids(text)
        return found[0] if len(found) == 1 else None
    return None


def canonical_row_ids(text: str) -> str:
    """`text` with every row ID rewritten canonically (民生实事 5-1 → L5-1), so splitting the text on spaces,
    as command arguments are, keeps each ID whole; the rest of the text is left as written."""
    text = _fold(text)
    for start, end, code in reversed(_livelihood_matches(text)):
        text = text[:start] + (code or text[start:end]) + text[end:]
    return _CODE.sub(lambda m: _code(m[1].upper(), int(m[2]), int(m[3])) or m[0], text)
