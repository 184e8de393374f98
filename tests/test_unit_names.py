"""Units found by names made from inside their written names (bot/nlu/unit_names.py): a distinctive stretch of
one unit's name and the abbreviation that takes one character of some of its words, for any document. The names
are real units of tests/data/real*/expected.json and the full forms other governments write."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from documents_support import imported_text

from bot.nlu.segment import Segmenter
from bot.nlu.unit_names import UnitNames, fine_words
from bot.pipeline import Duban
from bot.render import to_json
from knowledge.language import simplified, unit_forms_data

# Real units (tests/data/real*/expected.json), and full names as other documents write them.
NAMES = ["市行政審批制度改革工作領導小組辦公室", "江西洪城水业环保公司", "县工业和信息化局", "区发展和改革局",
         "省经济和信息化委", "文化和广电旅游体育局", "县医疗保障局", "县卫生健康局", "市机关管理局", "市劳动保障局",
         "莲都邮政管理局", "市城镇化服务中心", "市疫情防控指挥部办公室", "县城投集团",
         "住房和城乡建设局", "人力资源和社会保障局", "市场监督管理局", "发展和改革委员会", "县公共资源交易中心",
         "招商工作部", "规划建设局", "县政务服务中心"]


@pytest.fixture(scope="module")
def names() -> Iterator[UnitNames]:
    with tempfile.TemporaryDirectory() as folder:
        written = [(name, simplified(name)) for name in NAMES]
        segmenter = Segmenter("\n".join(n for _, n in written), (), Path(folder))
        yield UnitNames(written, segmenter.cut, segmenter.known, ("莲都", "莲都区"), unit_forms_data())


@pytest.mark.parametrize(("typed", "unit"), [
    ("审改办", "市行政審批制度改革工作領導小組辦公室"),  # 审批 改革 + 办公室 → 办, 行政 制度 工作 skipped
    ("工信局", "县工业和信息化局"),
    ("发改局", "区发展和改革局"),
    ("经信委", "省经济和信息化委"),
    ("文广旅体局", "文化和广电旅游体育局"),
    ("医保局", "县医疗保障局"),
    ("卫健局", "县卫生健康局"),
    ("机管局", "市机关管理局"),
    ("劳保局", "市劳动保障局"),
    ("邮管局", "莲都邮政管理局"),
    ("城镇化中心", "市城镇化服务中心"),  # a word kept whole, then one character of the next (城镇 化)
    ("住建局", "住房和城乡建设局"),
    ("人社局", "人力资源和社会保障局"),
    ("市场监管局", "市场监督管理局"),  # 市场 kept whole
    ("发改委", "发展和改革委员会"),  # 委员会 kept as 委
    ("公共资源中心", "县公共资源交易中心"),
    ("洪城水业公司", "江西洪城水业环保公司"),
    ("招商部", "招商工作部"),  # 工作 dropped outright: the one word left and the kind
    ("政务中心", "县政务服务中心"),
], ids=lambda value: value)
def test_abbreviations_name_their_unit(names: UnitNames, typed: str, unit: str) -> None:
    assert names.abbreviated(typed) == (unit,), typed


@pytest.mark.parametrize(("typed", "unit"), [
    ("洪城水业", "江西洪城水业环保公司"),  # a company's brand inside its full name
    ("水业环保", "江西洪城水业环保公司"),
    ("城乡建设", "住房和城乡建设局"),
    ("交易中心", "县公共资源交易中心"),
    ("疫情防控", "市疫情防控指挥部办公室"),
    ("邮政管理", "莲都邮政管理局"),  # the document's place (莲都) is no part of what tells it apart
], ids=lambda value: value)
def test_a_distinctive_stretch_names_its_unit(names: UnitNames, typed: str, unit: str) -> None:
    assert names.part_of(typed) == (unit,), typed


@pytest.mark.parametrize("typed", [
    "公司", "领导小组", "办公室", "领导小组办公室", "管理局", "服务中心",  # generic words tell no body apart
    "莲都邮政", "莲都",  # ends inside a word / the place alone
    "和城乡", "业环",  # begins with a joining word / not whole words
    "保障", "改革",  # shorter than part_min_chars
], ids=lambda value: value)
def test_generic_words_and_broken_stretches_name_no_unit(names: UnitNames, typed: str) -> None:
    assert names.part_of(typed) == (), typed


@pytest.mark.parametrize("typed", [
    "审计局",  # no word of any name starts with 计
    "改审办",  # characters out of order
    "审办",  # one character before the kind is no abbreviation
    "审改局",  # the kind kept must be the name's own (办公室 → 办)
    "住建委",  # 住房和城乡建设局 is a 局; another kind is another body
    "行政审批制度改革工作办",  # the words written out are the name, not an abbreviation of it
    "建设局",  # 规划 tells 规划建设局 apart: only words said to be dropped may be
    "邮政局",  # 管理 is not dropped: 邮政管理局 is no 邮政局
], ids=lambda value: value)
def test_what_is_no_abbreviation(names: UnitNames, typed: str) -> None:
    assert names.abbreviated(typed) == (), typed


def test_abbreviations_matching_two_units_return_both_in_document_order(names: UnitNames) -> None:
    with tempfile.TemporaryDirectory() as folder:
        written = [(n, n) for n in ("县发展和改革局", "市发展和改革局", "县民政局")]
        segmenter = Segmenter("\n".join(n for n, _ in written), (), Path(folder))
        both = UnitNames(written, segmenter.cut, segmenter.known, (), unit_forms_data())
    assert both.abbreviated("发改局") == ("县发展和改革局", "市发展和改革局")


def test_a_company_or_group_is_called_by_its_initials_alone() -> None:
    with tempfile.TemporaryDirectory() as folder:
        written = [(n, n) for n in ("区城市发展集团", "市交通投资集团", "县民政局", "区城市管理局")]
        segmenter = Segmenter("\n".join(n for n, _ in written), (), Path(folder))
        units = UnitNames(written, segmenter.cut, segmenter.known, (), unit_forms_data())
    assert units.without_kind("城发") == ("区城市发展集团",)
    assert units.without_kind("交投") == ("市交通投资集团",)
    assert units.without_kind("城管") == ()  # a 局 keeps its kind: 城管局, not 城管
    assert units.without_kind("城市发展") == ()  # the words written whole are a topic, not initials


def test_long_words_are_cut_into_the_words_they_are_made_of() -> None:
    known = {"人力", "资源", "建设", "领导", "小组"}.__contains__
    assert fine_words("人力资源", known) == ["人力", "资源"]
    assert fine_words("建设局", known) == ["建设", "局"]
    assert fine_words("领导小组", known) == ["领导", "小组"]
    assert fine_words("洪城", known) == ["洪城"]


# A county's document writing its bodies in full, two companies of one brand, and a body whose name's words its
# rows also write (融媒体: a topic, not a name).
DOCUMENT = """某某县人民政府办公室关于印发2024年重点工作责任分解的通知
各乡镇人民政府，县政府各部门：
现将2024年重点工作责任分解印发给你们，请认真贯彻执行。
一、城乡建设
1.推进城区雨污管网改造。
牵头单位：江西洪城水业环保公司
配合单位：县住房和城乡建设局
2.新建天然气管道30公里。
牵头单位：江西洪城水业燃气公司
3.深化相对集中行政许可权改革。
牵头单位：县行政审批制度改革工作领导小组办公室
配合单位：县市场监督管理局
4.建设县级融媒体平台，推进融媒体改革。
牵头单位：县融媒体中心
5.新建城北公共停车场2处。
牵头单位：县城市发展集团
"""


@pytest.fixture(scope="module")
def duban() -> Iterator[Duban]:
    with imported_text(DOCUMENT, "county-2024") as answering:
        yield answering


@pytest.mark.parametrize(("question", "intent", "ids", "role", "says"), [
    ("审改办牵头什么", "unit_items", ["K1-3"], "lead", "行政许可"),
    ("审改办有哪些任务", "unit_items", ["K1-3"], "lead", "已将“审改办”理解为"),  # the reading is said, not hidden
    ("水业环保公司负责哪些", "unit_items", ["K1-1"], "lead", "雨污管网"),
    ("燃气公司负责什么", "unit_items", ["K1-2"], "lead", "天然气"),
    ("洪城水业负责哪些", "ambiguous", [], "", "江西洪城水业燃气公司"),  # two companies of the brand: asked back
    ("市场监管局配合什么", "unit_items", ["K1-3"], "support", "行政许可"),
    ("融媒体改革谁牵头", "topic_units", ["K1-4"], "", "县融媒体中心"),
    ("城发负责哪些", "unit_items", ["K1-5"], "lead", "已将“城发”理解为“县城市发展集团”"),  # a group by its initials  # a stretch the rows write stays a topic
], ids=lambda value: value if isinstance(value, str) and len(value) > 4 else None)
def test_questions(duban: Duban, question: str, intent: str, ids: list[str], role: str, says: str) -> None:
    answer = to_json(duban.ask(question))
    assert answer["intent"] == intent, question
    assert [item["id"] for item in answer["items"]] == ids, question
    if role:
        assert {item["role"] for item in answer["items"]} == {role}, question
    assert says in answer["answer"] + "".join(answer.get("suggestions", [])), question
