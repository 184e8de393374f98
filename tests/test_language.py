"""The language data: read in one place, strict about keys, no place or year of the bundled document."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from bot.pipeline import Duban
from knowledge.language import DATA, LanguageError, document_places, language, load_language

LANGUAGE_FILES = ("cues.toml", "topics.toml", "grammar.toml", "titles.toml", "bodies.toml",
                  "layouts.toml", "notice.toml", "dialogue.toml")


def _copy(tmp_path: Path) -> Path:
    for name in LANGUAGE_FILES:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize(("name", "addition", "key"), [
    ("cues.toml", '\n[ask2]\nwho = ["谁"]\n', "ask2"),
    ("cues.toml", '\n[extra]\n', "extra"),
    ("grammar.toml", '\n[names2]\nx = ["局"]\n', "names2"),
    ("titles.toml", '\n[titles2]\n', "titles2"),
    ("layouts.toml", '\n[tables]\n', "tables"),
    ("notice.toml", '\n[columns]\n', "columns"),
    ("dialogue.toml", '\n[paging2]\nnext = ["下页"]\n', "paging2"),
], ids=["cue-table", "empty-table", "grammar-table", "titles-table", "layouts-table", "notice-table", "dialogue-table"])
def test_unknown_table_is_an_error_naming_file_and_key(tmp_path: Path, name: str, addition: str, key: str) -> None:
    folder = _copy(tmp_path)
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.write(addition)
    with pytest.raises(LanguageError, match=rf"{name}: unknown key '{key}'"):
        load_language(folder)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("grammar.toml", "totals = [", "total = [", r"grammar.toml: unknown key 'count.total'"),
    ("layouts.toml", "\nsupport = [", "\nsupports = [", r"layouts.toml: unknown key 'columns.supports'"),
    ("notice.toml", '"备注" = "note"', '"备注" = "notes"', r"notice.toml: 'key_columns.备注' is 'notes'"),
], ids=["grammar-list", "layouts-column-role", "notice-field"])
def test_misspelt_name_inside_a_table_is_an_error(tmp_path: Path, name: str, old: str, new: str, message: str
                                                   ) -> None:
    folder = _copy(tmp_path)
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(LanguageError, match=message):
        load_language(folder)


def test_wrong_type_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "titles.toml").read_text(encoding="utf-8")
    (folder / "titles.toml").write_text(re.sub(r"\nlevels = \[[^]]*\]", '\nlevels = "区"', text), encoding="utf-8")
    with pytest.raises(LanguageError, match=r"titles.toml: 'levels' must be a list of strings"):
        load_language(folder)


def test_cue_lists_hold_no_place_or_year_of_the_bundled_document(duban: Duban) -> None:
    catalog = duban.catalog
    own = set(document_places(catalog.title, language().names.levels)) | {f"{catalog.year}年", str(catalog.year)}
    cues = tomllib.loads((DATA / "cues.toml").read_text(encoding="utf-8"))
    listed = {word for table in cues.values() for words in table.values() for word in words}
    assert own and not own & listed
    # …yet they are still no topic words: the lexicon derives them from the stored document.
    assert own - {str(catalog.year)} <= duban.parser.stop


def test_general_language_holds_no_place_of_the_bundled_document(duban: Duban) -> None:
    """Its place, its streets and its bodies' own spellings live in its place file, chosen by its title; its year
    in the document."""
    own = set(document_places(duban.catalog.title, language().names.levels)) | {str(duban.catalog.year)}
    streets = {u.name for u in duban.catalog.units.values() if u.kind == "street"}
    for path in DATA.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        assert not {word for word in own | streets if word in text}, path.name
    assert {"五马街道", "藤桥镇"} <= streets


def test_document_places_from_a_title() -> None:
    levels = ("区", "市", "县")
    assert document_places("温州市鹿城区人民政府办公室关于印发…", levels) == ["温州市", "温州", "鹿城区", "鹿城"]
    assert document_places("某某县人民政府关于…", levels) == ["某某县", "某某"]
    assert document_places("关于印发…的通知", levels) == []


def test_one_title_list_for_reader_and_lexicon(duban: Duban) -> None:
    titles = language().titles
    forms = titles.address_forms("区")
    assert "区长" in forms and "常务" in forms
    assert "市长" not in forms and "县长" not in forms  # another level's title names no leader of a 区 document
    assert set(forms) - set(titles.abbreviations) <= set(titles.titles)
