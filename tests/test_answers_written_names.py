"""Questions about documents written otherwise than the bundled one: every leader a row names, the unit forms
derived for offices and banks, the unit as the document writes it, a topic made of cue words the document
writes, text search through inserted pinyin. Small synthetic documents, imported for real."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from documents_support import imported, imported_text

from bot.pipeline import Duban
from bot.render import to_json
from knowledge.catalog import Role, Row, searchable, unit_forms

# Two leaders per item (a 主管领导 and a 主要责任人), units named without level, a 人民银行, an office of a
# headquarters, a lead-unit name the unit list knows otherwise (发改委), a 主要指标 phrase.
DOCUMENT = """某某市人民政府办公室关于印发2021年重点工作责任分解的通知
各县(市、区)人民政府，市政府各部门：
现将2021年重点工作责任分解印发给你们，请认真贯彻执行。
一、稳定经济增长
1.加强经济运行分析，确保完成主要指标。
牵头单位：发改委、统计局
主管领导：李明
主要责任人：王强
2.落实减税降费政策，为企业减负10亿元。
牵头单位：财政局
配合单位：税务局、人民银行
主管领导：李明
3.完善常态化疫情防控举措，巩固疫情防控向好态势。
牵头单位：市疫情防控指挥部办公室
主管领导：张伟
主要责任人：赵刚
二、稳定就业
1.城镇新增就业1万人。
牵头单位：人社局
2.城镇失业人员再就业3000人。
牵头单位：人社局
"""


@pytest.fixture(scope="module")
def duban() -> Iterator[Duban]:
    with imported_text(DOCUMENT, "city-2021") as answering:
        yield answering


@pytest.mark.parametrize(("question", "ids", "says"), [
    ("王强负责哪些", ["K1-1"], "主要指标"),  # the second person a row names
    ("赵刚负责什么", ["K1-3"], "疫情防控"),
    ("李明负责哪些", ["K1-1", "K1-2"], "减税降费"),
    ("人行要配合什么", ["K1-2"], "减税降费"),  # 人民银行 typed 人行
    ("疫情防控办有哪些任务", ["K1-3"], "疫情防控"),  # the office of the 指挥部 typed by its work
    ("主要指标由哪个部门牵头", ["K1-1"], "发改委"),  # only cue words, written together in a row
    ("经济运行分析谁牵头", ["K1-1"], "发改委"),  # the lead as the document writes it
    ("城镇新增就业谁负责", ["K2-1"], "人社局"),  # an everyday word inside the phrase (新增) that a row writes
    ("城镇就业谁负责", ["K2-1", "K2-2"], "人社局"),
])
def test_questions(duban: Duban, question: str, ids: list[str], says: str) -> None:
    answer = to_json(duban.ask(question))
    assert [item["id"] for item in answer["items"]] == ids
    assert says in answer["answer"]


@pytest.mark.parametrize(("name", "forms"), [
    ("市疫情防控指挥部办公室", {"疫情防控办", "疫情防控指挥部办"}),
    ("县扶贫开发领导小组办公室", {"扶贫开发办"}),
    ("人民银行", {"人行"}),
    ("人民银行桐乡市支行", {"人行桐乡市支行"}),
])
def test_unit_forms_of_offices_and_banks(name: str, forms: set[str]) -> None:
    assert forms <= unit_forms(name)


def test_a_row_indexes_every_person_it_names() -> None:
    row = Row(id="K1-1", kind="key_task", major=1, minor=1, text="t", category="", note="", leader="李明",
              roles=(Role("区财政局", "财政局", True, False),), leaders=("李明", "王强", "李明"))
    assert row.people == ("李明", "王强")
    assert Row(id="K1-2", kind="key_task", major=1, minor=2, text="t", category="", note="", leader="",
               roles=()).people == ()


@pytest.mark.parametrize(("text", "form"), [
    ("市區(qū)新增學(xué)位", "市区新增学位"),  # simplified too: questions are asked so
    ("完成 (100%)", "完成(100%)"),
])
def test_search_reads_through_inserted_pinyin(text: str, form: str) -> None:
    assert searchable(text) == form


SCHEDULED = """某某市2012年十大实事任务分解
1.新建中小学校30所。
责任单位:市教育局
进度安排:6月底前开工10所;12月底前全部开工。
2.新建公园5个。
责任单位:市园林局
进度安排:10月底前建成
"""


@pytest.mark.parametrize("question", ["新建中小学校的进度安排是什么", "新建中小学校的时间节点", "中小学校什么时候开工"])
def test_the_documents_own_words_for_a_deadline_ask_for_it(question: str) -> None:
    from bot.dialogue.engine import Conversation
    from bot.render import render_text

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.txt"
        path.write_text(SCHEDULED, encoding="utf-8")
        reply = render_text(Conversation(imported(path, "scheduled-2012", Path(folder))).answer(question))
    assert reply.startswith("新建中小学校的完成时限：6月底前开工10所;12月底前全部开工。") or \
        reply.startswith("中小学校的完成时限：6月底前开工10所;12月底前全部开工。")
