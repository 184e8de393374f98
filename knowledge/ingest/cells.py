"""What a cell of a task table is: the words of `knowledge/data/layouts.toml` (read by knowledge/language.py)
and the tests built on them.

The general reader (`general.py`) rebuilds rows from cells whose columns it cannot always see (a web page
copied as text puts one cell per line and drops empty ones), so it asks here what a cell looks like: a
row number, a list of units, a deadline, leaders' names, or text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from knowledge.ingest.document import UnitMention
from knowledge.kinds import TableKind, UnitRole
from knowledge.language import COLUMN_ROLES, PINYIN, ColumnRole, language, unit_forms_data
from knowledge.language import simplified as simplified  # re-exported: the readers compare words in it
from knowledge.numerals import NUMERALS
from knowledge.reminders.deadlines import DeadlineError, parse_deadline

Role = ColumnRole
ROLES = COLUMN_ROLES
ROLE_NAMES: dict[Role, str] = {
    "no": "序号", "group": "分类", "text": "任务", "lead": "牵头单位", "units": "责任单位", "support": "配合单位",
    "leader": "责任领导", "deadline": "完成时限", "note": "备注", "extra": "其他列（保留，不作单位）",
}

_OPEN, _CLOSE = "（(〔[【", "）)〕]】"
_SEPARATORS = "、，,；;/／\n"
NUMBER = re.compile(rf"^(?:\d{{1,3}}(?:[-－—.．]\d{{1,3}})?|[（(]\d{{1,3}}[)）]|[（(][{NUMERALS}]{{1,3}}[)）])[.．、]?$")
# A numbered line: "1." "1、" "（1）" "（一）" "1-1" then the text.
NUMBERED = re.compile(rf"^(\d{{1,3}}(?:-\d{{1,3}})?\s?[.．、](?!\d)|[（(]\d{{1,3}}[)）]|[（(][{NUMERALS}]{{1,3}}[)）])\s*(\S.*)$")
SECTION = re.compile(rf"^([{NUMERALS}百]{{1,3}})\s*[、.．]\s*(\S.*)$")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?%")
_DATEISH = re.compile(r"(\d{1,2}月|\d{4}年|年底|年内|年末|季度|上半年|下半年|月底|月末|旬|长期|持续|常态化|全年|"
                      rf"[{NUMERALS}]{{1,3}}月|\d{{4}}[-./]\d{{1,2}})")  # bounded: a run of numerals is scanned once
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class LayoutWords:
    """The layout data, loaded once: header synonyms by role, lead marks, unit endings, page chrome."""

    columns: dict[str, Role]
    unit_headers: tuple[str, ...]  # the header words of unit columns, longest first
    labels: tuple[tuple[str, Role], ...]  # longest first, for `牵头单位：…` lines
    lead_marks: tuple[str, ...]
    lead_suffixes: tuple[str, ...]
    all_lead_suffixes: tuple[str, ...]
    trailing_words: tuple[str, ...]
    leader_verbs: tuple[str, ...]
    first_listed: tuple[tuple[str, ...], ...]
    carry_over: tuple[str, ...]
    unit_endings: tuple[str, ...]
    group_starts: tuple[str, ...]
    levels: tuple[str, ...]
    chrome: tuple[str, ...]
    footer: tuple[str, ...]
    livelihood: tuple[str, ...]
    titles: tuple[str, ...]
    trailing_lead: tuple[str, ...]  # longest first, like every list compared by its end
    trailing_support: tuple[str, ...]
    trailing_units: tuple[str, ...]
    clause_labels: tuple[tuple[str, Role], ...]  # a clause's role before its units ("主办：…"), longest first
    leading_words: tuple[str, ...]  # before a clause's first name, no part of it ("由市民政局牵头")
    joiners: tuple[str, ...]
    not_units: tuple[str, ...]
    zones: tuple[str, ...] = ()  # kinds of development zone (unit_forms.toml zone_kinds): 高新园 names a body too
    heading_unit_nouns: tuple[str, ...] = ()  # longest first
    heading_counted: tuple[str, ...] = ()
    # titles and the bodies they are held in with their level (市委, 县政府), longest first: 市委常委 is all title
    title_words: tuple[str, ...] = ()


@cache
def layout_words() -> LayoutWords:
    """layouts.toml as the reader compares it (folded, longest first), built once per process."""
    data = language().layouts
    titles = language().titles
    columns: dict[str, Role] = {}
    for role in ROLES:
        for word in data.columns[role]:
            columns.setdefault(fold(word), role)
    labels = tuple(sorted(((w, r) for w, r in columns.items() if r not in ("no", "text", "group", "note")),
                          key=lambda pair: len(pair[0]), reverse=True))

    def by_length(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(words, key=len, reverse=True))

    return LayoutWords(
        columns=columns, unit_headers=by_length(tuple(w for w, r in columns.items() if r in ("lead", "units", "support")
                                                  and len(w) >= 4)), labels=labels, lead_marks=data.lead_marks, lead_suffixes=by_length(data.lead_suffixes),
        all_lead_suffixes=by_length(data.all_lead_suffixes), trailing_words=by_length(data.trailing_words),
        leader_verbs=data.leader_verbs, first_listed=data.first_listed, carry_over=data.carry_over, unit_endings=by_length(data.unit_endings),
        group_starts=by_length(data.group_starts), levels=data.levels, chrome=data.chrome_starts,
        footer=data.footer_starts, livelihood=data.livelihood,
        titles=tuple(sorted(language().titles.titles, key=len, reverse=True)),  # the lexicon's list too
        trailing_lead=by_length(data.trailing_lead_ends), trailing_support=by_length(data.trailing_support_ends),
        trailing_units=by_length(data.trailing_units_ends),
        clause_labels=tuple(sorted(
            [*((w, r) for w, r in columns.items() if r in ("lead", "units", "support")),
             *((fold(w), "lead") for w in data.trailing_lead_labels),
             *((fold(w), "support") for w in data.trailing_support_labels)],
            key=lambda pair: len(pair[0]), reverse=True)),
        leading_words=by_length(data.trailing_leading_words),
        joiners=data.trailing_joiners, not_units=data.trailing_not_units,
        zones=by_length(tuple({z for group in unit_forms_data().zone_kinds for z in group})),
        heading_unit_nouns=by_length(data.heading_unit_nouns), heading_counted=data.heading_counted,
        title_words=by_length((*titles.titles, *(level + organ for level in titles.levels for organ in titles.organs))),
    )


def denoised(text: str) -> tuple[str, list[int]]:
    """`text` without inserted pinyin, and for each of its positions (and its end) the position in `text`."""
    if "(" not in text and "（" not in text:
        return text, list(range(len(text) + 1))
    kept: list[str] = []
    at: list[int] = []
    previous = 0
    for match in PINYIN.finditer(text):
        kept.append(text[previous:match.start()])
        at.extend(range(previous, match.start()))
        previous = match.end()
    kept.append(text[previous:])
    at.extend(range(previous, len(text) + 1))
    return "".join(kept), at


def fold(text: str) -> str:
    """The form words are compared in: NFKC, simplified, no inserted pinyin, no spaces, no colon."""
    return re.sub(r"[\s:：]+", "", simplified(unicodedata.normalize("NFKC", denoised(text)[0])))


def collapse(text: str) -> str:
    """Trim and collapse runs of spaces (the document's characters otherwise kept)."""
    return re.sub(r"[ \u3000\u00a0\t]+", " ", text).strip()


def column_role(cell: str) -> Role | None:
    """The role a header cell gives its column, or None. A short header ending in a units header word names
    that column ("责任主体与协同单位" → 协同单位: support)."""
    words = layout_words()
    folded = fold(cell)
    role = words.columns.get(folded)
    if role is None and len(folded) <= 12:
        role = next((words.columns[w] for w in words.unit_headers if folded.endswith(w) and len(folded) > len(w) + 1),
                    None)
    return role


# A printed page's number between dashes ("— — — 3 —", "- 12 -"): a PDF copy's page footer, not content.
_PAGE_NUMBER = re.compile(r"^[—–\-－\s]*[—–\-－]\s*\d{1,4}\s*[—–\-－][—–\-－\s]*$")


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年度?")


def loose_column_role(cell: str) -> Role | None:
    """The role of a header cell written around a header word: after a year (2022年预期目标), or a known word
    inside a short cell with a qualifier (具体工作任务和要求, 具体任务及目标, 责任单位（部门）). Only the words of one
    role may be inside, and what is left must be no unit, deadline or number (牵头单位：市发改委 is a label,
    市发改委牵头 a unit cell). The reader trusts such cells only in a row with exact header words besides."""
    if role := column_role(cell):
        return role
    if ":" in cell or "：" in cell:
        return None
    text = _YEAR_PREFIX.sub("", fold(cell))
    columns = layout_words().columns
    text = re.sub(r"(?<=.)\([^()]*\)$", "", text) if re.sub(r"\([^()]*\)$", "", text) in columns else text
    if text in columns:
        return columns[text]
    if not 3 <= len(text) <= 12:
        return None
    found = [word for word in columns if len(word) >= 2 and word in text]
    found = [w for w in found if not any(w != longer and w in longer for longer in found)]
    roles = {columns[w] for w in found}
    if len(roles) != 1:
        return None
    rest = text
    for word in found:
        rest = rest.replace(word, "")
    rest = rest.strip("（）()、和及与")
    if rest and (looks_like_unit(rest) or looks_like_deadline(rest) or is_number(rest) or looks_like_people(rest)):
        return None
    return roles.pop()


def is_chrome(line: str) -> bool:
    """A line of the web page or printed page around the document (分享到, 发布日期, — 3 — …)."""
    text = line.strip()
    return bool(text) and (text.startswith(layout_words().chrome) or bool(_PAGE_NUMBER.match(text)))


def is_footer(line: str) -> bool:
    return fold(line).startswith(layout_words().footer)


def is_number(cell: str) -> bool:
    return bool(NUMBER.match(fold(cell)))


# A parenthesised note on the lead rule, at the end of a list or right after its first unit
# ("县发改局(首位单位为牵头单位,下同)、县财政局"); a bare "（牵头）" is a lead mark, not a note.
_RULE_NOTE = re.compile(r"[（(]([^（()）]*(?:牵头|下同|汇总)[^（()）]*)(?:[)）]|$)")


def _drop_rule_notes(cell: str) -> str:
    def note(match: re.Match[str]) -> str:
        return match.group(0) if fold(match.group(0)) in layout_words().lead_suffixes or fold(
            match.group(1)) in ("牵头", "牵头单位") else ""

    return _RULE_NOTE.sub(note, cell)


def _split(cell: str) -> list[str]:
    """Split a unit cell into names: at separators outside parentheses; spaces split only where both sides
    are names ("市 财政局" is one name typeset apart); "各县、市、区政府" stays one name; a trailing 。/等
    and a parenthesised rule note ("（列第一位的为牵头单位，下同）") are not part of a name."""
    cell = _drop_rule_notes(cell.strip().rstrip("。.；;"))
    names: list[str] = []
    for part in split_names(cell, _SEPARATORS.replace(" ", ""), spaces=False):
        tokens = part.split()
        first = len(names)
        buffer = ""
        for position, token in enumerate(tokens):
            buffer += token
            rest = "".join(tokens[position + 1:])
            if looks_like_unit(buffer) and (not rest or looks_like_unit(rest) or len(rest) > 3):
                names.append(buffer)
                buffer = ""
        if buffer:
            if len(names) > first and not looks_like_unit(buffer) and len(buffer) <= 2:
                names[-1] += buffer
            else:
                names.append(buffer)
    merged: list[str] = []
    levels = layout_words().levels
    for name in names:
        name = name.rstrip("。.")
        for word in layout_words().trailing_words:
            if name.endswith(word) and len(name) > len(word) + 1:
                name = name[: -len(word)]
        if merged and merged[-1].startswith("各") and merged[-1][-1:] in levels and (
                name in levels or name[:1] in levels):
            merged[-1] += "、" + name  # 各县、市、区政府: one group written with 、 inside
            continue
        if name:
            # 财政局和市直各单位: two names, each a unit's; 区发改局区统计局: two names written with no separator
            merged += [unit for joined in _joined(name, layout_words().joiners) for unit in run_together(joined)]
    return merged


def run_together(name: str) -> list[str]:
    """Units' names a cell writes with no separator at all ("区发改局区统计局" → 区发改局, 区统计局): split where the
    level the name starts with starts again right after a body's ending, each side a unit's name with at least
    two characters after its level (so 区委区政府督查室, one office, stays whole). [name] when no split reads so."""
    words = layout_words()
    level = next((lv for lv in words.levels if name.startswith(lv)), "")
    if not level or any(c in name for c in _OPEN + _CLOSE + " "):
        return [name]
    for position in range(len(level) + 2, len(name) - len(level) - 1):
        left, right = name[:position], name[position:]
        if right.startswith(level) and left.endswith(words.unit_endings) and looks_like_unit(left) and \
                looks_like_unit(right) and len(right) >= len(level) + 2:
            return [left, *run_together(right)]
    return [name]


def split_names(cell: str, separators: str, spaces: bool = True) -> list[str]:
    """Split at `separators` and spaces outside parentheses (a 、 inside 各县（市、区） does not split)."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in cell:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (char in separators or (spaces and char.isspace())):
            if current:
                names.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        names.append("".join(current))
    return [name for name in (n.strip() for n in names) if name]


def _bare(name: str) -> tuple[str, bool]:
    """A written name without its lead mark, and whether it had one."""
    words = layout_words()
    marked = False
    for suffix in words.lead_suffixes:
        if name.endswith(suffix):
            name, marked = name[: -len(suffix)], True
    while name and (name[0] in words.lead_marks or name[-1] in words.lead_marks):
        name, marked = name.strip("".join(words.lead_marks)).strip(), True
    return name, marked


def is_group_name(name: str) -> bool:
    return fold(name).startswith(layout_words().group_starts)


def looks_like_unit(name: str) -> bool:
    """A body's or group's name: short, no sentence punctuation, ending like a body."""
    bare = fold(_bare(name)[0])
    if not 2 <= len(bare) <= 30 or any(p in bare for p in "。；;！？!?") or _PERCENT.match(bare):
        return False
    core = re.sub(r"[（(][^）)]*[)）]$", "", bare)  # 区委组织部（区委人才办）: the first nameplate decides
    # a place of a level under the document's (岳麓区, 望城区 in a city's list) is named by its name and level
    place = 3 <= len(core) <= 4 and core.endswith(layout_words().levels)
    return is_group_name(core) or core.endswith(layout_words().unit_endings) or place or \
        core.endswith(layout_words().zones)


def looks_like_units(cell: str) -> bool:
    """Every name in the cell looks like a unit (a unit cell, not text that mentions one), role words around them
    allowed where each clause says its role ("县发改局牵头，县财政局配合")."""
    names = _split(cell)
    return bool(names) and (all(looks_like_unit(n) for n in names) or role_clauses(cell, explicit=True) is not None)


def looks_like_deadline(cell: str) -> bool:
    """A deadline phrase (as the parser reads it, or short and dated: 5月底前动工, 9月投入使用)."""
    text = fold(cell)
    if not text or len(text) > 30:
        return False
    try:
        parse_deadline(text, 2000)
        return True
    except DeadlineError:
        return len(text) <= 14 and bool(_DATEISH.search(text)) and not looks_like_units(cell)


def looks_like_people(cell: str) -> bool:
    """Leaders' names: each 2–4 Chinese characters (a title after the name allowed)."""
    names = split_people(cell)
    return bool(names) and all(_CJK.match(n) and 2 <= len(n) <= 4 for n in names) and not looks_like_units(cell)


def looks_like_text(cell: str) -> bool:
    text = fold(cell)
    return len(text) >= 4 and not looks_like_units(cell) and not is_number(cell)


def split_people(cell: str) -> list[str]:
    """Leader names in a cell: "钱 宇" is one name, "张三、李四" and "张三 李四" two; titles dropped, also written
    apart from the name ("胡选坤 市委副书记", "马兴赞 市委常委、市政府常务副市长": two leaders, not five)."""
    parts: list[list[str]] = []
    for part in re.split(r"[、，,；;/／\n]+", cell):
        tokens = part.split()
        if any(not is_title(t) for t in tokens):
            tokens = [t for t in tokens if not is_title(t)]  # before reading padding: 市委副书记 is no name's half
        if padded := _padded_names(tokens):
            parts.append(padded)
            continue
        merged: list[str] = []
        for token in _spread_pairs(tokens):
            # Typesetting spreads a two-character name over two one-character tokens ("钱 宇").
            if merged and (len(token) == 1 or len(merged[-1]) == 1) and len(merged[-1]) + len(token) <= 3:
                merged[-1] += token
            else:
                merged.append(token)
        parts.append(merged)
    if any(not is_title(n) for names in parts for n in names):
        # a list of one leader's titles ("市委常委、市政府常务副市长") after the name: no leader of its own
        parts = [names for names in parts if not all(is_title(n) for n in names)]
    return [strip_title(name) for names in parts for name in names if strip_title(name)]


def is_title(text: str) -> bool:
    """Whether `text` is titles only, with the bodies they are held in: 副区长, 市委常委, 市政府常务副市长."""
    rest = simplified(re.sub(r"\s+", "", text))
    words = layout_words().title_words
    while rest:
        word = next((w for w in words if rest.startswith(w)), "")
        if not word:
            return False
        rest = rest[len(word):]
    return bool(text.strip())


def _spread_pairs(tokens: list[str]) -> list[str]:
    """A run of an even number (four or more) of one-character tokens joined in pairs: two-character names spread
    to the width of three, one after another ("陆 明 俞 悦": a cell's two lines, its line break read as a space)."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        paired = len(run) >= 4 and len(run) % 2 == 0
        out += [run[k] + run[k + 1] for k in range(0, len(run), 2)] if paired else run
        out += [token] if token else []
        run = []
    return out


def _padded_names(tokens: list[str]) -> list[str]:
    """Names of a cell whose lines ran together, each two-character name padded to the width of three ("陆 明" /
    "俞 悦" → "陆 明俞 悦"): every space stands inside a name, so a token closes the name the one before opened,
    opens the next with its last character, and holds whole (unpadded) names between; the first token may hold a
    whole name before the character it opens, the last one after the character it closes ("王 五" / "张三丰" →
    "王 五张三丰"). [] unless the tokens read so completely: the middle ones at least two characters, every name
    2–4 — and not for one name spread over two tokens ("钱 宇"), which the caller joins."""
    if len(tokens) < 2 or not all(_CJK.match(t) for t in tokens) or \
            not all(len(t) >= 2 for t in tokens[1:-1]) or (len(tokens) == 2 and len(tokens[0]) == len(tokens[1]) == 1):
        return []
    names = [tokens[0][:-1]] if len(tokens[0]) > 1 else []
    opened = tokens[0][-1]
    for token in tokens[1:-1]:
        names += [opened + token[0], *([token[1:-1]] if len(token) > 2 else [])]
        opened = token[-1]
    names += [opened + tokens[-1][0], *([tokens[-1][1:]] if len(tokens[-1]) > 1 else [])]
    return names if all(2 <= len(name) <= 4 for name in names) else []


def strip_title(name: str) -> str:
    """"张伟副区长" → "张伟"; a name that is only a title stays as written."""
    original = re.sub(r"\s+", "", name).strip("。.")
    name = simplified(original)  # titles are compared in simplified script; the name stays as written (欧乾震)
    # the name ends where titles only follow, their body included ("胡选坤市委副书记": not 胡选坤市委)
    end = next((i for i in range(2, len(name)) if is_title(name[i:])), 0)
    if end:
        return original[:end]
    for title in layout_words().titles:
        index = name.find(title)
        if index >= 2:
            return original[:index]
    return original


def parse_unit_cell(cell: str) -> list[tuple[str, bool]]:
    """(name as written without its mark, marked lead) for each unit of a cell; "…分别牵头" marks them all."""
    text = cell.strip().rstrip("。.；;")
    every = next((s for s in layout_words().all_lead_suffixes if text.endswith(s)), "")
    if every:
        return [(_bare(name)[0], True) for name in _split(text[: -len(every)]) if _bare(name)[0]]
    return [_bare(name) for name in _split(text) if _bare(name)[0]]


def qualify(names: list[str], places: tuple[str, ...] = ()) -> list[str]:
    """Names a level prefix written only on the first unit qualifies (市发改委、统计局 → "", 市统计局); never a
    street or town (县财政局、鹤城街道: 鹤城街道 is no 县鹤城街道), nor a name starting with one of the document's
    `places` (莲都邮政管理局 in 莲都区's document: already whole)."""
    words = layout_words()
    streets = language().places.street_suffixes
    first = fold(names[0]) if names else ""
    level = next((lv for lv in words.levels if first.startswith(lv) and len(first) > len(lv) + 1), "")
    if any(fold(name).startswith(level) for name in names[1:]):
        level = ""  # the prefix is written on each unit that has it: "莲都邮政管理局" among them is named whole
    result = []
    for name in names:
        folded = fold(name)
        starts_with_level = any(folded.startswith(lv) for lv in (*words.levels, *places))
        plain = (level and not starts_with_level and not is_group_name(name) and looks_like_unit(name)
                 and not folded.endswith(streets))
        result.append(level + name if plain and name != names[0] else "")
    return result


def mentions(names: list[tuple[str, bool]], role: UnitRole | None = None,
             qualified: list[str] | None = None) -> list[UnitMention]:
    """UnitMentions of one cell: a given role, else marked → lead and unmarked → support; `qualified` gives
    the names' restored level prefixes when the caller qualified them cell by cell."""
    qualified = qualify([n for n, _ in names]) if qualified is None else qualified
    result = []
    for (name, marked), full in zip(names, qualified, strict=True):
        part: UnitRole = role or ("lead" if marked else "support")
        result.append(UnitMention(name=name, lead=part != "support", starred=marked, role=part, qualified=full))
    return result


def deadline_of(phrase: str, year: int) -> tuple[str, object]:
    """The phrase as written and its date (None when the parser cannot read it or it is open-ended)."""
    try:
        return phrase, parse_deadline(phrase, year).due if year else None
    except DeadlineError:
        return phrase, None


def kind_of(*texts: str) -> TableKind:
    """A livelihood (民生实事) table when its title, header or document title says so."""
    words = layout_words().livelihood
    return "livelihood" if any(w in fold(t) for t in texts for w in words) else "key_task"


def trailing_units(text: str) -> tuple[str, list[tuple[Role, str]]] | None:
    """A task's text without the parenthesis of units that closes it, and those units by role; None when the text
    ends in no such parenthesis.

    "…增长12%。（市发改委、环保局）" → units; "…（A、B牵头，C及D按职责分工负责）" → A, B lead, C, D support. Every name of
    every clause must look like a unit, so "（含南太湖新区）" or "（2023年）" stay the text's own.
    """
    body = text.rstrip().rstrip("。；;.")
    if not body or body[-1] not in _CLOSE:
        return None
    depth = 0
    start = -1
    for position in range(len(body) - 1, -1, -1):
        char = body[position]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            depth -= 1
            if depth == 0:
                start = position
                break
    if start <= 0:
        return None  # unclosed, or the whole line in parentheses (a document number, a note): no task before it
    inside = body[start + 1:-1]
    if simplified(inside).startswith(layout_words().not_units):
        return None
    found = role_clauses(inside)
    return None if found is None else (collapse(text[:start]), found)


def role_clauses(value: str, explicit: bool = False) -> list[tuple[Role, str]] | None:
    """The units of clauses that say their role, by role: "A、B牵头，C及D按职责分工负责" → A, B lead, C, D support;
    "由A牵头，B参与" and "主办：A；协办：B" alike. A clause with no role word lists the row's units; one ending in
    负责 ([trailing] units_ends) does too, unless another clause supports and none leads ("A负责，B配合": A leads);
    support with no lead is the row's units. None when a name of a clause is no unit's, or (`explicit`) when no
    clause says its role (负责 included: "县发改局负责" is 县发改局, read by the document's lead rule). A role word is read only at a clause's ends, so a name holding one
    (县项目建设牵头办) is never split."""
    words = layout_words()
    found: list[tuple[Role, str]] = []
    answering: list[bool] = []  # the clause ended in 负责
    for clause in split_names(value, "，,；;", spaces=False):
        plain = simplified(clause)
        if is_rule_note(plain):
            continue
        role, clause, said = _clause_role(clause)
        # "…人民银行济南分行等负责": the list's closing 等 is no part of the last name
        clause = next((clause[: -len(w)] for w in words.trailing_words if clause.endswith(w) and len(clause) > len(w) + 1),
                      clause)
        names = [n for part in split_names(clause, "、", spaces=False) for n in _joined(part, words.joiners)]
        if not names or not all(looks_like_unit(n) for n in names):
            return None
        found.append((role, "、".join(names)))
        answering.append(said)
    if not found:
        return None
    if explicit and all(role == "units" for role, _c in found) and not any(answering):
        return None
    roles = {role for role, _c in found}
    if "support" in roles and "lead" not in roles and any(answering):
        found = [("lead" if said else role, cell) for (role, cell), said in zip(found, answering, strict=True)]
    elif "support" in roles and "lead" not in roles:
        found = [("units" if role == "support" else role, cell) for role, cell in found]
    return found


def _clause_role(clause: str) -> tuple[Role, str, bool]:
    """A clause's role, its units without the role words, and whether it ended in 负责: the role as a label before
    the units ("协办：市财政局") or a word after them ("市财政局协办"); "units" when it says none. A word before the
    first name (由) goes only where the clause says its role."""
    words = layout_words()
    role: Role = "units"
    said = False
    label = re.match(r"^\s*([^:：]{1,8}?)\s*[:：]\s*(\S.*)$", clause)
    given = dict(words.clause_labels).get(fold(label.group(1))) if label else None
    if label and given:
        clause, role = label.group(2), given
    else:
        plain = simplified(clause)
        ends: tuple[tuple[tuple[str, ...], Role], ...] = (
            (words.trailing_lead, "lead"), (words.trailing_support, "support"), (words.trailing_units, "units"))
        for options, named in ends:
            end = next((e for e in options if plain.endswith(e) and len(plain) > len(e)), "")
            if end:
                clause, role, said = clause[: -len(end)].rstrip(), named, named == "units"
                break
        else:
            return role, clause, False
    lead_in = next((w for w in words.leading_words if clause.startswith(w) and len(clause) > len(w) + 1), "")
    return role, clause[len(lead_in):].strip(), said


def is_rule_note(clause: str) -> bool:
    """Whether a clause among a row's units is a note on the lead rule ("列第一位者为牵头单位") or says a note
    holds for later rows ("下同"), not a list of units."""
    words = layout_words()
    plain = fold(clause)
    return plain in words.carry_over or any(all(w in plain for w in group) for group in words.first_listed)


def heading_units(heading: str) -> list[tuple[Role, str]] | None:
    """The units a section heading gives every task under it, by role: "县示范区管委会牵头工作(8项)" → 县示范区管委会 lead
    (the heading's text after its number; layouts.toml [sections]). None for a heading that is a topic."""
    words = layout_words()
    counted = "".join(re.escape(w) for w in words.heading_counted)
    text = re.sub(rf"[（(]\s*共?\s*\d{{1,4}}\s*[{counted}]\s*[)）]$", "", collapse(heading).rstrip("。：:")).strip()
    plain = simplified(text)
    noun = next((n for n in words.heading_unit_nouns if plain.endswith(n)), "")
    if not noun:
        return None
    text = text[: -len(noun)].removesuffix("的")
    if not simplified(text).endswith((*words.trailing_lead, *words.trailing_support, *words.trailing_units)):
        return None  # the units must say their role: "市发改委工作" is a topic as much as a unit
    return role_clauses(text)


def _joined(part: str, joiners: tuple[str, ...]) -> list[str]:
    """"市级各有关部门及各县市区政府" → both names, where each side is a unit's name; else the part as it is."""
    for joiner in joiners:
        pieces = part.split(joiner)
        if len(pieces) > 1 and all(looks_like_unit(p) for p in pieces):
            return pieces
    return [part]
