"""Tables whose cells ran together with no separator (a document-sharing site's dump of a .docx table,
knowledge/ingest/runtogether.py), each rule on small made-up documents (no real document's text)."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.ingest.document import Document
from knowledge.ingest.general import GeneralReader
from knowledge.ingest.runtogether import rebuild, unit_score

SITE = ["某某区2022年民生实事项目分解表.docx", "《某某区2022年民生实事项目分解表.docx》由会员分享,可在线阅读"]


def _read(*lines: str) -> Document:
    return GeneralReader(list(enumerate([*SITE, *lines], start=1)), "k").read()


def _rows(document: Document) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(text, leaders, lead, support) of every row, in order."""
    rows: list[tuple[int, str, list[str], Any]] = [(t.line, t.text, t.details.leaders, t.units)
                                                   for t in document.key_tasks]
    rows += [(i.line, i.text, i.details.leaders, i.units or []) for i in document.livelihood]
    return [(text, leaders, [u.name for u in units if u.part == "lead"], [u.name for u in units if u.part == "support"])
            for _line, text, leaders, units in sorted(rows, key=lambda r: r[0])]


CASES = [
    # no leader column: the units of two columns written together, the lead column holding one; a figure (2个)
    # and a date (3月底前) inside a row are no row numbers
    (["1、序号工作任务牵头单位配合单位1新建社区食堂2个，3月底前投用。区民政局区财政局各街道2完成老旧小区改造10个。"
      "区住建局区城管局"],
     [("新建社区食堂2个，3月底前投用。", [], ["区民政局"], ["区财政局", "各街道"]),
      ("完成老旧小区改造10个。", [], ["区住建局"], ["区城管局"])]),
    # a leader column: the name is two or three characters, decided by the known body after it (张丽 + 民政局,
    # 王建国 + 教育局), and by the name read elsewhere in the table where the body after it is unknown
    (["序号工作任务分管领导牵头单位配合单位1新增托育位300个。张丽民政局卫健局2新建学校两所。王建国教育局住建局"
      "3建设图书馆分馆一处。王建国文体旅局各街道"],
     [("新增托育位300个。", ["张丽"], ["民政局"], ["卫健局"]),
      ("新建学校两所。", ["王建国"], ["教育局"], ["住建局"]),
      ("建设图书馆分馆一处。", ["王建国"], ["文体旅局"], ["各街道"])]),
    # the site's page markers at a line start inside a cell are dropped; the header written again on a new page is
    # a row boundary; units with a name's own parenthesis and a 、 between them
    (["1、序号工作任务牵头单位配合单位1改造农贸市场3家。区商务局区市场监",
      "2、管局、高新园(某某镇)2建成口袋公园5个。区住建局各街道序号工作任务牵头单位配合单位3新建公厕",
      "3、10座。区城管局五星街道南门街道"],
     [("改造农贸市场3家。", [], ["区商务局"], ["区市场监管局", "高新园(某某镇)"]),
      ("建成口袋公园5个。", [], ["区住建局"], ["各街道"]),
      ("新建公厕10座。", [], ["区城管局"], ["五星街道", "南门街道"])]),
    # a project's name before its content: the content opens with a task verb at least four characters in; a
    # second content followed by its own cells is a sub-row with its own leader; one followed by none shares
    # the cells above (a merged cell)
    (["序号项目名称主要内容分管领导牵头单位配合单位1提升教育服务水平实施校舍改造5处。李明教育局各街道"
      "推进学校食堂建设。周红住建局教育局2强化养老保障为全区老人提供助餐服务。周红民政局各街道"
      "新建养老服务中心2家。3文化惠民工程完成"],
     [("实施校舍改造5处。", ["李明"], ["教育局"], ["各街道"]),
      ("推进学校食堂建设。", ["周红"], ["住建局"], ["教育局"]),
      ("为全区老人提供助餐服务。", ["周红"], ["民政局"], ["各街道"]),
      ("新建养老服务中心2家。", ["周红"], ["民政局"], ["各街道"])]),
    # a name ending like a project's before a task verb ends there, even where a task verb (改造, 建设) is inside
    # it; the title's last word (…项目) is no part of the number column's header word
    (["2022年为民办实事项目序号项目名称建设内容责任单位1城区道路改造工程完成人民路改造3公里。区住建局区交通运输局"
      "2老年食堂建设新建老年食堂10家。区民政局各街道"],
     [("完成人民路改造3公里。", [], [], []), ("新建老年食堂10家。", [], [], [])]),
    # a deadline column after the leader: the date ends the row before the next number
    (["序号工作任务牵头单位配合单位责任领导完成时限1推进道路建设。县交通运输局县财政局刘洋6月底前"
      "2完成河道清淤。县水利局各乡镇陈静12月底前"],
     [("推进道路建设。", ["刘洋"], ["县交通运输局"], ["县财政局"]),
      ("完成河道清淤。", ["陈静"], ["县水利局"], ["各乡镇"])]),
]


@pytest.mark.parametrize(("lines", "rows"), CASES)
def test_run_together_rows(lines: list[str], rows: list[Any]) -> None:
    assert _rows(_read(*lines)) == rows


def test_the_layout_and_its_columns_are_reported() -> None:
    document = _read(*CASES[3][0])
    assert [t.layout for t in document.tables] == ["run"]
    assert [r for _c, r in document.tables[0].columns] == ["no", "group", "text", "leader", "lead", "support"]
    assert [i.category for i in document.livelihood] == ["提升教育服务水平"] * 2 + ["强化养老保障"] * 2


def test_a_name_run_into_its_content() -> None:
    document = _read(*CASES[4][0])
    assert [(i.category, i.text) for i in document.livelihood] == [
        ("城区道路改造工程", "完成人民路改造3公里。"), ("老年食堂建设", "新建老年食堂10家。")]
    assert document.tables[0].title == "2022年为民办实事项目"


def test_the_cut_last_row_is_a_warning() -> None:
    document = _read(*CASES[3][0])
    assert len(document.livelihood) == 4  # 3 文化惠民工程 has no cells: the copy ends inside it
    assert any("第 3 项" in w.message for w in document.warnings)


def test_deadlines_are_read() -> None:
    document = _read(*CASES[5][0])
    assert [i.details.deadline for i in document.livelihood] == ["6月底前", "12月底前"]


@pytest.mark.parametrize("lines", [
    ["序号 工作任务 牵头单位 配合单位", "1 新建社区食堂2个。 区民政局 区财政局"],  # spaces separate the cells
    ["序号\t工作任务\t牵头单位", "1\t新建社区食堂2个。\t区民政局"],  # tabs separate them
    ["本表序号工作任务牵头单位由各单位填写。"],  # header words, but no row number after them
    ["序号工作任务牵头单位备注1新建社区食堂2个。区民政局按季度报送进度2完成改造。区住建局无"],  # a note after them
])
def test_tables_with_separators_are_not_run_together(lines: list[str]) -> None:
    assert rebuild(list(enumerate(lines, start=1))) is None


@pytest.mark.parametrize(("piece", "score"), [
    ("教育局", 2.0),  # a known kind of body
    ("区财政局", 3.0),  # known, opening with a level
    ("住建局", 2.0),  # a stem of unit_forms.toml
    ("高新园(某某镇)", 2.0),  # a zone kind with its second nameplate
    ("五星街道", 2.0),  # a street after its name
    ("各街道", 3.0),  # a group
    ("文体旅局", 0.0),  # ends like a body, not known
    ("区委", None),  # a level and its party committee: the start of an office's name
    ("办公室", None),  # an ending alone
    ("街道", None),  # a generic word alone
    ("推进大庙弄核心区", None),  # a text opening with a task verb
    ("政局", None),  # too short to be an unknown body
])
def test_unit_pieces(piece: str, score: float | None) -> None:
    assert unit_score(piece) == score
