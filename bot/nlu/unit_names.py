"""Units found by the names people make from inside a body's name, for any document (unit_forms.toml's rules).

Two ways a question names a unit no listed spelling covers:

- a distinctive stretch of the name's words ("洪城水业" for 江西洪城水业环保公司: a company's brand inside its full
  name), at least `part_min_chars` long and holding a word that tells bodies apart (no 公司, 办公室, 领导小组 …,
  no place, no joining 和);
- an abbreviation, one character (or the whole word) from some of the name's words in order, then the body's
  kind kept short ("审改办" for 市行政审批制度改革工作领导小组办公室, "人社局" for 人力资源和社会保障局); a company
  or group is also called by the first characters of its words alone ("城发" for 区城市发展集团).

Both are derived from the document's own unit names, cut into words by jieba over a dictionary of the words those
names contain; the caller takes a reading only when it names exactly one unit and asks back when it names two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from knowledge.language import UnitForms

_PARENTHESES = re.compile(r"[（(]([^）)]*)[）)]")


@dataclass(frozen=True, slots=True)
class NameWords:
    """One unit name as abbreviations read it: its words after the level and place, and its kind."""

    unit: str
    # The words before the kind's ending, joining words (和) left out: what an abbreviation takes characters from.
    content: tuple[str, ...]
    # How an abbreviation keeps the kind ("办" for 办公室 and 领导小组办公室); "" when the name ends in no known kind.
    kind: str


def fine_words(word: str, known: Callable[[str], bool]) -> list[str]:
    """A long dictionary word cut into the shorter words it is made of ("人力资源" → 人力 资源, "建设局" → 建设 局):
    an abbreviation takes one character from each of those ("人社局")."""
    if len(word) <= 2:
        return [word]
    for size in (2, 3):
        if size < len(word) and known(word[:size]):
            return [word[:size], *fine_words(word[size:], known)]
    return [word]


def kind_of(name: str, data: UnitForms) -> tuple[str, str]:
    """The kind a name ends with and how an abbreviation keeps it ("…领导小组办公室" → (领导小组办公室, 办))."""
    return next(((ending, kept) for ending, kept in data.abbreviation_kinds if name.endswith(ending)), ("", ""))


class UnitNames:
    """The document's unit names cut into words, and the stretches of words that name exactly one of them."""

    def __init__(self, names: Iterable[tuple[str, str]], cut: Callable[[str], list[str]], known: Callable[[str], bool],
                 places: Iterable[str], data: UnitForms) -> None:
        """`names`: (unit, a name it is written with) in document order; `places`: the document's own place words,
        with and without their level (a name's leading 南昌县 is no part of what tells it apart)."""
        self.data = data
        self.places = tuple(sorted(set(places), key=len, reverse=True))
        self.words: list[NameWords] = []
        owners: defaultdict[str, dict[str, None]] = defaultdict(dict)
        for unit, written in names:
            for name in _names_within(written):
                words = self._bare([w for word in cut(self._placeless(name)) for w in fine_words(word, known)])
                for part in self._parts(words):
                    owners[part][unit] = None
                ending, kept = kind_of(name, data)
                content = _before_ending(words, ending)
                self.words.append(NameWords(unit, tuple(w for w in content if w not in data.connectors), kept))
        self.parts = {part: tuple(units) for part, units in owners.items()}
        kindless: defaultdict[str, dict[str, None]] = defaultdict(dict)
        for named in self.words:
            if named.kind in data.kindless_kinds:
                for initials in _initials(named.content):
                    kindless[initials][named.unit] = None
        self.kindless = {initials: tuple(units) for initials, units in kindless.items()}

    def _placeless(self, name: str) -> str:
        """The name without the document's place before it ("莲都邮政管理局" → 邮政管理局)."""
        place = next((p for p in self.places if name.startswith(p) and len(name) - len(p) >= 2), "")
        return name[len(place):]

    def _bare(self, words: list[str]) -> list[str]:
        """A name's words without a level before them ("县 住建局" → 住建局); a level character that begins a
        word ("市场监督管理局") stays."""
        start = 0
        while start < len(words) - 1 and (words[start] in self.places or words[start] in self.data.levels):
            start += 1
        return words[start:]

    def _parts(self, words: list[str]) -> set[str]:
        """Every stretch of whole words that tells a body apart (see the module's docstring)."""
        found: set[str] = set()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                stretch = words[start:end]
                if stretch[0] in self.data.connectors or stretch[-1] in self.data.connectors:
                    continue
                text = "".join(stretch)
                if len(text) >= self.data.part_min_chars and any(self._telling(w) for w in stretch):
                    found.add(text)
        return found

    def _telling(self, word: str) -> bool:
        """Whether a word tells bodies apart: no generic word, joining word, level or place ("江西省")."""
        data = self.data
        # A word of three or more ending in a level is a place ("江西省"); 城市 and 社区 are words.
        place = word in self.places or (len(word) >= 3 and word[-1] in data.levels)
        return not (place or word in data.part_generic or word in data.connectors or word in data.levels)

    def part_of(self, typed: str) -> tuple[str, ...]:
        """The units whose name has `typed` as a distinctive stretch of words, in document order."""
        return self.parts.get(typed, ())

    def abbreviated(self, typed: str) -> tuple[str, ...]:
        """The units `typed` abbreviates, in document order."""
        ending, kept = kind_of(typed, self.data)
        head = typed[:len(typed) - len(ending)] if ending else ""
        if len(head) < 2:
            return ()
        units = (n.unit for n in self.words if n.kind == kept and n.content and "".join(n.content) != head
                 and (_spells(head, n.content) or self._alone(head, n.content)))
        return tuple(dict.fromkeys(units))

    def without_kind(self, typed: str) -> tuple[str, ...]:
        """The companies or groups `typed` calls by the first characters of their words alone ("城发")."""
        return self.kindless.get(typed, ())

    def _alone(self, head: str, words: tuple[str, ...]) -> bool:
        """Whether `head` is a name's one other word beside words an abbreviation drops outright (unit_forms.toml
        `abbreviation_drops`): "招商部" for 招商工作部; never "建设局" for 规划建设局, nor "邮政局" for 邮政管理局."""
        return head in words and all(w == head or w in self.data.abbreviation_drops for w in words)

    def meant_by(self, typed: str) -> tuple[str, ...]:
        """The units a typed name means as a stretch of their name or as its abbreviation."""
        return self.part_of(typed) or self.abbreviated(typed)


def _names_within(written: str) -> list[str]:
    """A name and the second name in its parentheses ("X（Y）" → X, Y), without punctuation."""
    inner = [m for m in _PARENTHESES.findall(written) if len(m) >= 3]
    core = re.sub(r"[、，,·\s]", "", _PARENTHESES.sub("", written))
    return [n for n in dict.fromkeys([core, *inner]) if n]


def _initials(words: tuple[str, ...]) -> set[str]:
    """The first characters of two or more of `words`, in order ("城市 发展" → 城发); at most four, as people type."""
    found: set[str] = set()
    firsts = [w[0] for w in words]
    if len(firsts) > 8:  # a name of that many words is no company's; and 2^n choices would not stay cheap
        return found
    for mask in range(1, 1 << len(firsts)):
        picked = "".join(c for i, c in enumerate(firsts) if mask >> i & 1)
        if 2 <= len(picked) <= 4:
            found.add(picked)
    return found


def _before_ending(words: list[str], ending: str) -> list[str]:
    """The words before a kind's ending (which may span several words, or end inside one: 建设局 → 建设 局)."""
    text = "".join(words)
    cut, length = len(text) - len(ending), 0
    for index, word in enumerate(words):
        if length >= cut:
            return words[:index]
        if length + len(word) > cut:  # the ending starts inside this word: keep the word's head
            return [*words[:index], word[:cut - length]]
        length += len(word)
    return words


def _spells(head: str, words: tuple[str, ...]) -> bool:
    """Whether `head` is, in order, the first character or the whole of two or more of `words` (skipping any)."""

    @cache
    def reach(at: int, start: int, pieces: int) -> bool:
        if at == len(head):
            return pieces >= 2
        for index in range(start, len(words)):
            word = words[index]
            if word[0] != head[at]:
                continue
            if reach(at + 1, index + 1, pieces + 1):
                return True
            if len(word) >= 2 and head.startswith(word, at) and reach(at + len(word), index + 1, pieces + 1):
                return True
        return False

    return reach(0, 0, 0)
