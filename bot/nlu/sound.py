"""Words typed by sound: a pinyin input method offers homophones, and a hurried user takes the wrong one
(老年食唐 for 老年食堂). Such a word is respelled with characters the document itself writes in that order,
read the same in pinyin (tones ignored). Only a word no row contains is respelled, so no question the
document's own words answer is read differently.

The document's characters are read into pinyin once per loaded document, on its first such word.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from knowledge.catalog import Catalog

# A word this long or longer is not one typed word; its parts are respelled instead (the parser cuts them).
_LONGEST = 6
# Respellings tried at most per word: a syllable such as "shi" has many characters.
_TRIED = 2000


@dataclass(frozen=True, slots=True)
class SoundIndex:
    """A document's characters by their pinyin, and the character pairs it writes."""

    syllable: dict[str, str]
    by_syllable: dict[str, tuple[str, ...]]
    pairs: frozenset[str]

    @classmethod
    def of(cls, catalog: Catalog) -> SoundIndex:
        from pypinyin import lazy_pinyin

        chars = sorted({c for c in catalog.unigrams if "\u4e00" <= c <= "\u9fff"})
        syllable = {c: lazy_pinyin(c)[0] for c in chars}
        by_syllable: dict[str, list[str]] = {}
        for char, sound in syllable.items():
            by_syllable.setdefault(sound, []).append(char)
        return cls(syllable, {s: tuple(cs) for s, cs in by_syllable.items()}, frozenset(catalog.bigrams))


_INDEXES: dict[int, SoundIndex] = {}


def sound_index(catalog: Catalog) -> SoundIndex:
    """The document's `SoundIndex`, built on first use and dropped with the catalog."""
    found = _INDEXES.get(id(catalog))
    if found is None:
        found = _INDEXES[id(catalog)] = SoundIndex.of(catalog)
        weakref.finalize(catalog, _INDEXES.pop, id(catalog), None)
    return found


def respelled(word: str, catalog: Catalog) -> str:
    """`word` as the document writes it when a homophone was typed ("食唐" → "食堂"), else "".

    Each character is replaced only by one that reads the same, each neighbouring pair must be a pair the
    document writes, at most half the characters change, and the whole must be written in some row; of
    several, the fewest changes win, then the document's order of characters."""
    if not 2 <= len(word) <= _LONGEST or catalog.containing(word):
        return ""
    from pypinyin import lazy_pinyin

    index = sound_index(catalog)
    options: list[tuple[str, ...]] = []
    for char in word:
        sound = index.syllable.get(char) or lazy_pinyin(char)[0]
        alike = index.by_syllable.get(sound, ())
        options.append((char, *(c for c in alike if c != char)) if char in index.syllable else alike)
    best: tuple[int, str] | None = None
    stack: list[str] = [c for c in options[0]]
    tried = 0
    while stack and tried < _TRIED:
        tried += 1
        prefix = stack.pop()
        if len(prefix) == len(word):
            changes = sum(a != b for a, b in zip(prefix, word, strict=True))
            # An input method's slip is a character or so of a word: half of it typed right at least
            # (常住 is not 场主 of 市场主体, though both read chang zhu).
            if 0 < changes <= len(word) // 2 and (best is None or changes < best[0]) and catalog.containing(prefix):
                best = (changes, prefix)
            continue
        for char in reversed(options[len(prefix)]):
            if prefix[-1] + char in index.pairs:
                stack.append(prefix + char)
    return best[1] if best else ""


__all__ = ["SoundIndex", "respelled", "sound_index"]
