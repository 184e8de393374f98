"""Text copied from the document: the row a message was pasted from, by fuzzy match of the whole message.

Matching a long message against every row costs milliseconds (rapidfuzz's partial_ratio is quadratic in
the lengths), so rows that cannot reach the cutoff are set aside first by their characters alone; the
answer is the same as matching every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A paste scores at least this (partial_ratio, 0–100) against its row.
CUTOFF = 80.0


@dataclass
class PasteIndex:
    """Every row's text as written (spaces removed), and the set of its characters as a bit mask."""

    texts: dict[str, str]
    _bits: dict[str, int] = field(init=False, repr=False)
    _masks: list[tuple[str, str, int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._bits = {}
        for text in self.texts.values():
            for char in text:
                self._bits.setdefault(char, 1 << len(self._bits))
        self._masks = [(key, text, self._mask(text), len(set(text))) for key, text in self.texts.items()]

    @classmethod
    def of_rows(cls, rows: dict[str, str]) -> PasteIndex:
        """An index of row texts by row ID (whitespace is dropped, as a paste loses it)."""
        return cls({key: "".join(text.split()) for key, text in rows.items()})

    def best(self, text: str) -> tuple[str, float] | None:
        """The row `text` matches best (its ID and score) when some row scores `CUTOFF` or more, else None;
        ties go to the first row, as rapidfuzz's extractOne over every row would."""
        from rapidfuzz import fuzz, process

        text = "".join(text.split())
        mask, distinct = self._mask(text), len(set(text))
        possible = {key: row for key, row, row_mask, row_distinct in self._masks
                    if _may_reach(len(text), distinct, len(row), row_distinct, (mask & row_mask).bit_count())}
        if not possible:
            return None
        found = process.extractOne(text, possible, scorer=fuzz.partial_ratio, score_cutoff=CUTOFF)
        return None if found is None else (found[2], found[1])

    def _mask(self, text: str) -> int:
        mask = 0
        for char in set(text):
            mask |= self._bits.get(char, 0)
        return mask


def _may_reach(size: int, distinct: int, row_size: int, row_distinct: int, common: int) -> bool:
    """Whether partial_ratio of a text (`size` characters, `distinct` different ones) and a row can reach
    the cutoff, given the number of different characters they share. partial_ratio aligns the shorter
    string s (length n) with a window of the longer; its score is 200·m/(n + w) for m characters matched
    in order in a window of w ≤ n. m ≤ k, the characters of s (with repeats) that occur in the other
    string at all, so the score is at most 200·k/(n + k), which reaches 80 only when k ≥ 2n/3; and
    k ≤ n − (different characters of s missing from the other)."""
    if size <= row_size:
        # A character of the text that no row has is in no mask: it counts as missing, as it should.
        n, missing = size, distinct - common
    else:
        n, missing = row_size, row_distinct - common
    return 3 * (n - missing) >= 2 * n
