"""Import into the database and export back: nothing lost, nothing changed, imports atomic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.bootstrap import KnowledgeBase
from knowledge.catalog import load_catalog
from knowledge.export import export_document, find_document
from knowledge.ingest import DocumentError, import_document
from knowledge.models import DocumentRecord, Item
from knowledge.vocabulary import BUNDLED_DOCUMENT

SOURCE_LINES = BUNDLED_DOCUMENT.read_text(encoding="utf-8").splitlines()


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def exported(knowledge: KnowledgeBase) -> dict:
    with knowledge.sessions() as session:
        return export_document(find_document(session))


def test_contract_shape(exported: dict) -> None:
    assert exported["document"]["doc_number"] == "温鹿政办〔2023〕12号"
    assert exported["document"]["issued"] == "2023-02-27"
    assert exported["document"]["year"] == 2023
    assert exported["sections"][1] == {"section": 2, "heading": "林杰常委、常务副区长牵头重点工作", "leader": "林杰",
                                       "leader_titles": ["常委", "常务副区长"], "remark": ""}
    assert exported["key_tasks"][0] == {"id": "K2-1", "section": 2, "no": 1, "leader": "林杰",
                                        "text": "地区生产总值增长 6%以上。",
                                        "units": [{"name": "区发改局", "lead": True}], "note": ""}
    assert exported["livelihood"][0] == {"id": "L1-1", "project": 1, "category": "幼有所育", "k": 1,
                                         "text": "新增 0-3 岁幼儿托育机构托位 400 个。", "leader": "伍国军",
                                         "lead_units": ["区卫生健康局"]}
    assert len(exported["key_tasks"]) == 142 and len(exported["livelihood"]) == 34
    json.dumps(exported, ensure_ascii=False)


def test_round_trip_against_source(exported: dict) -> None:
    """Every source table row comes back once, with its text, units, stars and note as written."""
    key_lines = [cells for raw in SOURCE_LINES if len(cells := raw.split("\t")) == 4 and cells[0].strip().isdigit()]
    assert len(key_lines) == len(exported["key_tasks"])
    for cells, task in zip(key_lines, exported["key_tasks"], strict=True):
        assert int(cells[0]) == task["no"]
        assert collapse(cells[1]) == task["text"]
        assert collapse(cells[3]) == task["note"]
        written = [u.strip() for u in re.split(r"[、，,]", cells[2]) if u.strip()]
        assert [w.lstrip("*") for w in written] == [u["name"] for u in task["units"]]
        starred = [w.startswith("*") for w in written]
        if any(starred):
            assert starred == [u["lead"] for u in task["units"]]
    live_lines = [cells for raw in SOURCE_LINES if len(cells := raw.split("\t")) == 5 and cells[0] != "序号"]
    assert len(live_lines) == len(exported["livelihood"])
    for cells, item in zip(live_lines, exported["livelihood"], strict=True):
        assert collapse(cells[2]) == item["text"]
        assert cells[3].replace(" ", "") == item["leader"]
        assert cells[4].split() == item["lead_units"]


def test_reimport_replaces(knowledge: KnowledgeBase) -> None:
    import_document(knowledge.sessions, BUNDLED_DOCUMENT)
    with knowledge.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentRecord)) == 1
        assert session.scalar(select(func.count()).select_from(Item)) == 176


@pytest.mark.parametrize("damage", ["truncate", "garble", "binary"])
def test_failed_import_changes_nothing(knowledge: KnowledgeBase, tmp_path: Path, damage: str) -> None:
    source = BUNDLED_DOCUMENT.read_text(encoding="utf-8")
    path = tmp_path / "lucheng-2023-tasks.txt"
    if damage == "truncate":
        path.write_text(source[: len(source) * 2 // 3], encoding="utf-8")
    elif damage == "garble":
        path.write_text(source.replace("\t", " ", 40), encoding="utf-8")
    else:
        path.write_bytes(source.encode("utf-8")[:5000] + b"\xff\xfe\x00")
    with knowledge.sessions() as session:
        before = export_document(find_document(session))
    with pytest.raises(DocumentError) as error:
        import_document(knowledge.sessions, path)
    assert str(path) in str(error.value)
    with knowledge.sessions() as session:
        assert export_document(find_document(session)) == before


def test_one_body_written_two_ways_is_one_unit(knowledge: KnowledgeBase) -> None:
    with knowledge.sessions() as session:
        catalog = load_catalog(session)
    rows = {r.id for r in catalog.by_unit["区人力社保局"]}
    assert {"K2-6", "K9-21", "L3-1", "K5-1"} <= rows  # 区人社局 and 区人力社保局
    assert "区人社局" not in catalog.by_unit
    assert {r.id for r in catalog.by_unit["区委组织部"]} >= {"K5-2", "K5-16", "L6-1"}
    assert {r.id for r in catalog.by_unit["区府办"]} >= {"K2-13", "K6-1"}
    assert catalog.units["各街镇"].kind == "group" and catalog.units["七都街道"].kind == "street"
    assert catalog.units["区第19届亚运会工作领导小组其他成员单位"].kind == "group"


def test_second_document_with_its_own_key(knowledge: KnowledgeBase, tmp_path: Path) -> None:
    text = BUNDLED_DOCUMENT.read_text(encoding="utf-8").replace("〔2023〕12号", "〔2024〕3号").replace("2023 年", "2024 年")
    path = tmp_path / "lucheng-2024-tasks.txt"
    path.write_text(text, encoding="utf-8")
    document = import_document(knowledge.sessions, path)
    assert document.key == "lucheng-2024" and document.year == 2024
    with knowledge.sessions() as session:
        assert find_document(session).key == "lucheng-2024"  # the newest answers by default
        assert find_document(session, "lucheng-2023").year == 2023
