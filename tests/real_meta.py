"""Where, when and what each real document says it is, as the reader finds it, against its meta.json (place, level,
year and title as a careful reader found them). Shared by tests/test_real_meta.py and `python tests/real_meta.py`.

What "right" means:
- place: the reader's place and the meta place name the same government, one written with more of the places above it
  than the other (蔡甸区 = 武汉市蔡甸区, 浙江省丽水市 = 丽水市): one ends with the other, neither empty;
- level: equal, where a county-level city (乐清市, meta level 县) is written 市 by its own documents (市领导, 市发改委)
  and so read as 市;
- year: equal, a document that states none (meta year null) read as 0;
- title: equal in simplified script without spaces, quotation marks (《》〈〉) or a leading 【栏目】 or document number
  (成办发〔2019〕5号《成都市…的通知》 = 成都市…的通知), where meta.json gives one.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from dataclasses import dataclass
from typing import Any

from real_documents import FOLDERS, KNOWN_FAILURES

from knowledge.ingest import opening_place, read_document
from knowledge.ingest.formats import located_lines
from knowledge.language import document_place, simplified

META = {slug: folder / "meta.json" for slug, folder in FOLDERS.items() if (folder / "meta.json").exists()}


@dataclass(frozen=True)
class Found:
    place: str
    level: str
    year: int
    title: str


@dataclass(frozen=True)
class Graded:
    slug: str
    found: Found
    want: Found
    problems: tuple[str, ...]  # place, level, year, title that differ, each with got/want
    title_right: bool


def found(slug: str) -> Found:
    """What the import keeps (knowledge/ingest import_document, the catalog's place and level)."""
    path = FOLDERS[slug] / "source.txt"
    document = read_document(path, key=slug)
    place = opening_place(located_lines(path)) or document.place or document.title
    where = document_place(place)
    return Found("".join(where.names), document.level or where.level, document.year, document.title)


def wanted(slug: str) -> Found:
    data: dict[str, Any] = json.loads(META[slug].read_text(encoding="utf-8"))
    place = re.sub(r"[(（].*", "", data.get("place") or "")  # 六安市霍山县(霍山经济开发区): the government
    return Found(place, data.get("level") or "", data.get("year") or 0, data.get("title") or "")


def _same_place(got: str, want: str) -> bool:
    got, want = simplified(got), simplified(want)
    return bool(got and want) and (got.endswith(want) or want.endswith(got))


def _level_wanted(want: Found) -> str:
    # a county-level city's own documents write its level 市 (市领导, 市发改委): what its answers should say
    return "市" if want.level == "县" and want.place.endswith("市") else want.level


def _clean(title: str) -> str:
    # the name itself: a page's 【栏目】 or the document number written before it, its spaces and its quotation
    # marks (《…》 around it or a title inside it) are no part of it
    title = re.sub(r"[\s《》〈〉]", "", title)
    return simplified(re.sub(r"^(?:【[^】]*】|[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号)+", "", title))


def grade(slug: str) -> Graded:
    got, want = found(slug), wanted(slug)
    problems = []
    if not _same_place(got.place, want.place):
        problems.append(f"place: got {got.place!r}, want {want.place!r}")
    if got.level != _level_wanted(want):
        problems.append(f"level: got {got.level!r}, want {_level_wanted(want)!r}")
    if got.year != want.year:
        problems.append(f"year: got {got.year}, want {want.year}")
    title_right = bool(want.title) and _clean(got.title) == _clean(want.title)
    if want.title and not title_right:
        problems.append(f"title: got {got.title!r}, want {want.title!r}")
    return Graded(slug, got, want, tuple(problems), title_right)


ASPECTS = ("place", "level", "year", "title")


def aspects(text: str) -> set[str]:
    """The aspects a problem list or a [real.meta] reason names as wrong ("place: got …; year: got …")."""
    return {name for name in ASPECTS if re.search(rf"(?:^|[\s;:]){name}:", text)}


def known_meta() -> dict[str, str]:
    """[real.meta] slug = why its place, level, year or title is still read wrong (naming each as "place: …")."""
    data: dict[str, Any] = tomllib.loads(KNOWN_FAILURES.read_text(encoding="utf-8")).get("real", {})
    return dict(data.get("meta", {}))


def main() -> None:
    results = [grade(slug) for slug in sorted(META)]
    count = len(results)
    for name in ("place", "level", "year"):
        right = sum(not any(p.startswith(name) for p in r.problems) for r in results)
        print(f"{name:6} right {right}/{count}")
    titled = [r for r in results if r.want.title]
    print(f"title  right {sum(r.title_right for r in titled)}/{len(titled)} (of those meta.json gives a title)")
    if "-v" in sys.argv:
        for r in results:
            if r.problems:
                print(f"{r.slug:36} {'; '.join(r.problems)}")


if __name__ == "__main__":
    main()
