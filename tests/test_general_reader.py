"""The general reader's rules, each on small made-up documents (no real document's text): which cells become
which column, who leads, where a row ends, what counts as a cut-off row."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest.document import Document
from knowledge.ingest.general import GeneralReader

TITLE = "某某县人民政府办公室关于印发2024年重点工作任务分解的通知"


def _read(lines: list[str]) -> Document:
    return GeneralReader(list(enumerate([TITLE, "", *lines], start=1)), "k").read()


def _rows(document: Document) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(text, lead, support, responsible) of every row, in order."""
    rows = [(t.line, t.text, t.units) for t in document.key_tasks]
    rows += [(i.line, i.text, i.units or []) for i in document.livelihood]
    return [(text, [u.name for u in units if u.part == "lead"], [u.name for u in units if u.part == "support"],
             [u.name for u in units if u.part == "responsible"]) for _line, text, units in sorted(rows, key=lambda r: r[0])]


def _cells(*rows: list[str]) -> list[str]:
    """A web page's table copied as text: one cell per line, blank lines between."""
    return [line for row in rows for cell in row for line in (cell, "")]


# One cell per line, the 牵头单位 column after the 责任单位 column and its unit listed among the 责任单位 too:
# each column keeps its own cell, and a unit in both is lead only.
LEAD_AFTER_UNITS = [
    (_cells(["序号", "工作任务", "责任单位", "牵头单位"],
            ["1", "完成全年造林任务。", "县林业局、县财政局、县水利局", "县水利局"],
            ["2", "新建公园两座。", "县住建局", "县住建局"],
            ["3", "整治河道五条。", "县水利局、各乡镇", "县水利局"]),
     [("完成全年造林任务。", ["县水利局"], ["县林业局", "县财政局"], []),
      ("新建公园两座。", ["县住建局"], [], []),
      ("整治河道五条。", ["县水利局"], ["各乡镇"], [])]),
    # the lead column first: a unit list spilling over two lines still stays with its column
    (_cells(["序号", "工作任务", "牵头单位", "配合单位"],
            ["1", "完成全年造林任务。", "县林业局", "县财政局", "县水利局"],
            ["2", "新建公园两座。", "县住建局", "县财政局"]),
     [("完成全年造林任务。", ["县林业局"], ["县财政局", "县水利局"], []),
      ("新建公园两座。", ["县住建局"], ["县财政局"], [])]),
]


@pytest.mark.parametrize(("lines", "rows"), LEAD_AFTER_UNITS)
def test_unit_columns_keep_their_own_cells(lines: list[str], rows: list[tuple[str, list[str], list[str], list[str]]]) -> None:
    assert _rows(_read(lines)) == rows


def test_a_group_cell_before_the_number_starts_the_next_row() -> None:
    """分类 left of 序号, written on a group's first row only: it comes before that row's number, so it is the
    next row's group, never a sub-row of the row above."""
    document = _read(_cells(["分类", "序号", "工作任务", "牵头单位"],
                            ["发展目标"], ["1", "生产总值增长6%。", "县发改局"], ["2", "财政收入增长5%。", "县财政局"],
                            ["改革攻坚"], ["3", "深化放管服改革。", "县政务服务中心"],
                            ["4", "推进国企改革。", "县国资办"]))
    assert [(t.text, t.category) for t in document.key_tasks] == [
        ("生产总值增长6%。", "发展目标"), ("财政收入增长5%。", "发展目标"),
        ("深化放管服改革。", "改革攻坚"), ("推进国企改革。", "改革攻坚")]


@pytest.mark.parametrize(("cell", "places", "qualified"), [
    ("市发改委、统计局", (), ["", "市统计局"]),  # the prefix written on the first unit only
    ("区发改局、区财政局、莲都邮政管理局", (), ["", "", ""]),  # written on each that has it: the others are whole
    ("区经商局、莲都经开区管委会", ("莲都区", "莲都"), ["", ""]),  # named with the document's own place
    ("区经商局、莲都经开区管委会", (), ["", "区莲都经开区管委会"]),
])
def test_level_prefix_restored_only_where_written_once(cell: str, places: tuple[str, ...], qualified: list[str]) -> None:
    from knowledge.ingest import cells as C

    assert C.qualify([name for name, _mark in C.parse_unit_cell(cell)], places) == qualified


@pytest.mark.parametrize(("line", "units"), [
    # each label's list is its own: the 市 of 市人社局 does not reach 成调队 under another label
    ("1. 居民收入增长7%。(牵头单位:市人社局,责任单位:市农业农村局;数据提供单位:成调队)",
     [("市人社局", ""), ("市农业农村局", ""), ("成调队", "")]),
    ("1. 居民收入增长7%。(牵头单位:市人社局;责任单位:农业农村局、统计局)",
     [("市人社局", ""), ("农业农村局", ""), ("统计局", "")]),
    ("1. 居民收入增长7%。(牵头单位:市人社局;责任单位:市农业农村局、统计局)",
     [("市人社局", ""), ("市农业农村局", ""), ("统计局", "市统计局")]),
])
def test_level_prefix_stays_in_its_own_list(line: str, units: list[tuple[str, str]]) -> None:
    document = _read([line, "2. 新建公园两座。(牵头单位:市住建局)"])
    assert [(u.name, u.qualified) for u in document.key_tasks[0].units] == units


@pytest.mark.parametrize(("title", "place"), [
    ("2023年莲都区政府工作报告重点工作责任分解", "莲都区"),  # the year's 年 is no part of the place
    ("大竹县人民政府办公室关于对2016年民生实事进行重点督办的通知", "大竹县"),
    ("各区县人民政府,市政府直属各单位:", ""),  # addressees, not the document's place
])
def test_the_documents_place(title: str, place: str) -> None:
    lines = [title, "", "1. 新建公园两座。(牵头单位:县住建局)", "2. 整治河道。(牵头单位:县水利局)"]
    assert GeneralReader(list(enumerate(lines, start=1)), "k").read().place == place


@pytest.mark.parametrize("label", ["共同责任单位", "协同单位", "参与单位", "配合单位", "协办单位", "共同实施单位"])
def test_supporting_unit_labels(label: str) -> None:
    """Any label the data lists for supporting units reads as support beside a 牵头单位 label, inline or on
    its own line."""
    inline = _read([f"1. 新建公园两座。(牵头单位:县住建局;{label}:县财政局、县自然资源局)",
                    f"2. 整治河道五条。（牵头单位：县水利局；{label}：各乡镇）"])
    lines = _read(["1. 新建公园两座。", "牵头单位：县住建局", f"{label}：县财政局、县自然资源局",
                   "2. 整治河道五条。", "牵头单位：县水利局", f"{label}：各乡镇"])
    want = [("新建公园两座。", ["县住建局"], ["县财政局", "县自然资源局"], []),
            ("整治河道五条。", ["县水利局"], ["各乡镇"], [])]
    assert _rows(inline) == want
    assert _rows(lines) == want


def test_only_the_cut_row_is_dropped() -> None:
    """A copy ending inside a numbered task drops that task alone: the row before it stays, even when its last
    unit ends unlike a body's name, as long as other rows list that name whole."""
    document = _read(["1. 新建公园两座。(牵头单位:县住建局;配合单位:各乡镇、功能板块)",
                      "2. 整治河道五条。(牵头单位:县水利局;配合单位:各乡镇、功能板块)",
                      "3. 新建学校三所。开展职"])
    assert [t for t, *_ in _rows(document)] == ["新建公园两座。", "整治河道五条。"]
    assert [w.message for w in document.warnings] == ["文件在第 3 项之后中断：这一项没有责任单位，未导入"]


@pytest.mark.parametrize(("line", "lead", "support"), [
    ("1、农村道路畅通工程,牵头部门:县交通局。建设进度较慢的为东山镇、西山镇。", ["县交通局"], []),
    ("1、饮水安全工程,牵头单位:县水利局;配合单位:县财政局。各乡镇（街道）进度不一。", ["县水利局"], ["县财政局"]),
    ("1、饮水安全工程（牵头单位：县水利局。配合单位：县财政局、县发改局（粮食局）。）", ["县水利局"],
     ["县财政局", "县发改局（粮食局）"]),
])
def test_a_label_ends_at_its_sentence(line: str, lead: list[str], support: list[str]) -> None:
    """A progress sentence after a label's units is no part of a unit's name, and the row is complete."""
    document = _read(["二、部分项目进展情况", line, "2、棚户区改造,牵头部门:县住建局。新开工进度较慢。"])
    assert _rows(document)[0][1:3] == (lead, support)
    assert _rows(document)[1][:2] == ("棚户区改造", ["县住建局"])
    assert not document.warnings


PIPE_ROWS = ["序号 | 项目内容 | 进展情况 | 责任单位 |",
             "1 | 新建幼儿园3所。 | 已建成2所。 | 教育局 |",
             "新增学位900个。 | 已新增600个。 | ||",
             "2 | 新建公园2座。 | 已开工。 | 住建局 |",
             "改造老旧小区10个。 | 已完成8个。 | ||"]


@pytest.mark.parametrize(("last", "rows", "cut"), [
    ("打通断头路6条。 | 已打通4条。 | ||", 5, False),  # complete: its empty cells are written
    ("打通断头路6条。 | 已打通4条。", 4, True),  # the copy stops before the row's trailing cells
    ("3 | 新建学校1所。 | 已开工。 | 教育局 |", 5, False),
    ("3 | 新建学校1所。 | 已开工。", 4, True),
])
def test_a_row_without_its_trailing_cells_is_cut(last: str, rows: int, cut: bool) -> None:
    document = _read([*PIPE_ROWS, last])
    assert len(_rows(document)) == rows
    assert [w for w in document.warnings if "中断" in w.message] != [] if cut else not document.warnings
    assert _rows(document)[3] == ("改造老旧小区10个。", ["住建局"], [], [])  # a sub-row keeps its number's unit


def test_a_unit_always_written_otherwise_is_shown_as_the_document_writes_it(tmp_path: Path) -> None:
    """"街办" finds 各街办(新区) (a 各 body without its 各), and the answer quotes the name with the document's
    own half-width brackets, so a reader searching the document finds it."""
    from documents_support import imported

    from bot.dialogue.engine import Conversation
    from bot.render import to_json

    source = tmp_path / "doc.txt"
    source.write_text("\n".join([TITLE, "", "1. 做好疫情防控。[牵头单位:县卫健局;责任单位:各街办(新区)]",
                                 "2. 开展环境整治。[牵头单位:县卫健局;责任单位:各街办(新区)、县城管局]"]), encoding="utf-8")
    got = to_json(Conversation(imported(source, "k", tmp_path)).answer("街办要配合哪些"))
    assert [item["id"] for item in got["items"]] == ["K1-1", "K1-2"]
    assert "各街办(新区)" in got["answer"]


def test_a_heading_right_above_its_labels_is_a_task() -> None:
    """"一、…项目" followed by 牵头领导：/牵头单位：/责任单位： lines is a numbered task, not a section; a 任务目标：
    the page ran onto a 责任单位 line is the row's detail, never a unit; the title's 民生实事 makes the list one."""
    document = GeneralReader(list(enumerate([
        "发布机构: 某某县人民政府 生成日期: 2024-03-16",  # page chrome: no title
        "关于下达2024年某某县民生实事项目任务的通知",
        "一、新建公园两座项目", "牵头领导:张伟", "牵头单位:县住建局", "责任单位:县财政局、属地乡镇",
        "任务目标:2024年建成东湖公园、西湖公园",
        "二、老旧小区改造项目", "牵头领导:张伟", "牵头单位:县住建局", "责任单位:东山镇任务目标:改造东山镇小区5个",
        "三、新建充电桩项目"], start=1)), "k").read()
    assert document.title == "关于下达2024年某某县民生实事项目任务的通知"
    assert [(i.text, [u.name for u in i.units or []], i.details.leaders) for i in document.livelihood] == [
        ("新建公园两座项目", ["县住建局", "县财政局", "属地乡镇"], ["张伟"]),
        ("老旧小区改造项目", ["县住建局", "东山镇"], ["张伟"])]
    assert not document.key_tasks
    assert [w.message for w in document.warnings] == ["文件在第 三 项之后中断：这一项没有责任单位，未导入"]


@pytest.mark.parametrize(("cell", "role"), [
    ("具体工作任务和要求", "text"),  # a header word inside a longer cell
    ("具体任务及目标", "text"),
    ("2025年预期目标", "text"),  # a year before a header word
    ("牵头 领导", "leader"),  # spaced out
    ("牵头单位（部门）", "lead"),  # a qualifier in brackets
    ("牵头单位：县发改局", None),  # a label line, not a header cell
    ("县发改局牵头", None),  # a unit cell
    ("毛某某", None),
    ("落实情况", None),
])
def test_a_header_cell_written_around_a_header_word(cell: str, role: str | None) -> None:
    from knowledge.ingest import cells as C

    assert C.loose_column_role(cell) == role


@pytest.mark.parametrize("lines", [
    ["序号 | 具体工作任务和要求 | 责任领导 | 责任单位 |", "1 | 新建公园两座。 | 王某某 | 县住建局 |",
     "2 | 整治河道五条。 | 王某某 | 县水利局 |"],
    _cells(["序号", "2024年预期目标", "责任单位"], ["1", "新建公园两座。", "县住建局"], ["2", "整治河道五条。", "县水利局"]),
])
def test_a_header_with_cells_written_around_its_words(lines: list[str]) -> None:
    assert _rows(_read(lines)) == [("新建公园两座。", ["县住建局"], [], []), ("整治河道五条。", ["县水利局"], [], [])]


def test_looser_header_cells_need_exact_header_words_beside_them() -> None:
    """Two cells that only contain header words (a row of data) are no header."""
    with pytest.raises(Exception, match="找不到任何任务表格"):
        _read(["项目建设推进 | 按进度安排", "新建公园两座。 | 县住建局"])


def test_two_text_columns_make_the_first_the_group() -> None:
    """项目名称 + 具体任务及目标: the project's name is the row's group, the task its text."""
    document = _read(_cells(["序号", "项目名称", "具体任务及目标", "牵头单位", "责任单位"],
                            ["1", "公办教育资源扩容提质惠民工程", "新建幼儿园两所，新增学位九百个。", "县教体局", "县国投集团"],
                            ["2", "医卫基础设施建设工程", "新建发热门诊一栋。", "县卫健委", "县城投公司"]))
    assert [(t.text, t.category) for t in document.key_tasks] == [
        ("新建幼儿园两所，新增学位九百个。", "公办教育资源扩容提质惠民工程"), ("新建发热门诊一栋。", "医卫基础设施建设工程")]



@pytest.mark.parametrize(("last", "rows"), [
    ("3 | 新建学校三所。 | 县教体局 |", 3),
    ("3 | 新建学校三所。 | 县教体局", 2),  # every row is closed by | but the copy's last: cut inside its cell
])
def test_a_last_row_without_its_closing_pipe_is_cut(last: str, rows: int) -> None:
    document = _read(["序号 | 工作任务 | 责任单位 |", "1 | 新建公园两座。 | 县住建局 |", "2 | 整治河道五条。 | 县水利局 |", last])
    assert len(_rows(document)) == rows


def test_a_later_table_cut_inside_its_first_row_is_dropped() -> None:
    document = _read([*_cells(["序号", "预期目标", "责任单位"], ["1", "生产总值增长6%。", "县发改局"],
                              ["2", "财政收入增长5%。", "县财政局"]),
                      "附件2", "重点工作任务分解表", *_cells(["序号", "工作任务", "牵头单位"], ["1", "联动共建科学城", "推动"])])
    assert [t for t, *_ in _rows(document)] == ["生产总值增长6%。", "财政收入增长5%。"]
    assert len(document.tables) == 1


def test_a_name_column_beside_a_content_column_stays_the_text() -> None:
    """项目名称 + 2024年建设内容: the project's name is the text, the content (a cell around a header word) a
    detail kept with the row — only a task column (具体任务…) makes the name a group."""
    document = _read(_cells(["序号", "项目名称", "2024年建设内容", "责任单位"],
                            ["1", "城北道路建设项目", "建成城北道路一条。", "县住建局"],
                            ["2", "学校改造项目", "改造学校操场三处。", "县教体局"]))
    assert [t for t, *_ in _rows(document)] == ["城北道路建设项目", "学校改造项目"]


def test_a_complete_row_keeps_it_when_only_its_leftover_cell_is_cut() -> None:
    """A row whose cells are all there (one left empty) keeps itself when the copy is cut in a cell after it."""
    document = _read(_cells(["序号", "工作任务", "牵头领导", "牵头单位", "责任单位", "进展情况"],
                            ["1", "新建幼儿园两所。", "王某", "县教体局", "县国投集团", "已开工。"],
                            ["2", "新建发热门诊一栋。", "王某", "县卫健委", "已完工。", "逐步提升乡镇卫生院"]))
    assert [t for t, *_ in _rows(document)] == ["新建幼儿园两所。", "新建发热门诊一栋。"]


def test_unnumbered_paragraphs_closed_by_their_units_are_tasks() -> None:
    """Paragraphs under a heading, each closed by a parenthesis of units with 等负责, are tasks whose units are
    all responsible; the heading above several of them is no task, and a numbered task's detail line closed
    by its units stays that task's text."""
    document = _read(["一、保持经济持续健康发展", "(一)推动经济稳定健康发展。",
                      "发挥消费的基础作用，促进城乡居民增收。(县发改局、县商务局、人民银行某某支行等负责)",
                      "发挥投资的关键作用。(县发改局、县财政局等负责)",
                      "(二)拓展区域发展空间。", "推进区域协作"])
    assert _rows(document) == [
        ("发挥消费的基础作用，促进城乡居民增收。", [], [], ["县发改局", "县商务局", "人民银行某某支行"]),
        ("发挥投资的关键作用。", [], [], ["县发改局", "县财政局"])]
    numbered = _read(["1.生产总值增长6%。", "全县生产总值达到300亿元。(县发改局)", "2.财政收入增长5%。",
                      "全县财政收入达到30亿元。(县财政局)"])
    assert [t for t, *_ in _rows(numbered)] == ["生产总值增长6%。全县生产总值达到300亿元。", "财政收入增长5%。全县财政收入达到30亿元。"]


def test_cells_led_by_a_pipe_and_rows_closed_by_a_lone_pipe() -> None:
    """Each cell after a row's first on a line led by `|`, a lone `|` closing the row: a lead cell written one
    character a line is one name; a row of fewer cells lost its merged lead cell, a row of the task alone its
    lead and units cells (both inherited); 和 joins two units; the copy's last row, never closed, is cut."""
    document = _read(["牵头单位", "| 工 作 任 务", "| 责 任 单 位", "|",
                      "县", "发", "改", "局", "| 生产总值增长6%", "| 统计局和县直相关单位、各乡镇", "|",
                      "固定资产投资增长8%", "|",
                      "推进项目建设", "| 县住建局、城关区", "|",
                      "县", "教", "体", "局", "| 新建学校两所", "| 县财政局", "|",
                      "新增学位九百个"])
    assert _rows(document) == [
        ("生产总值增长6%", ["县发改局"], ["统计局", "县直相关单位", "各乡镇"], []),
        ("固定资产投资增长8%", ["县发改局"], ["统计局", "县直相关单位", "各乡镇"], []),
        ("推进项目建设", ["县发改局"], ["县住建局", "城关区"], []),
        ("新建学校两所", ["县教体局"], ["县财政局"], [])]
    assert any("中断" in w.message for w in document.warnings)


@pytest.mark.parametrize(("cell", "names"), [
    ("审计局、财政局和市直各单位", ["审计局", "财政局", "市直各单位"]),
    ("省经济和信息化委", ["省经济和信息化委"]),  # 和 inside a name: one side is no unit's name
    ("县发改局及各乡镇", ["县发改局", "各乡镇"]),
])
def test_a_joining_word_between_two_units(cell: str, names: list[str]) -> None:
    from knowledge.ingest import cells as C

    assert [n for n, _m in C.parse_unit_cell(cell)] == names


ROWS = ["序号\t工作任务\t牵头单位", "1\t推进老旧小区改造\t县住建局", "2\t新建公园两座\t县城管局"]


@pytest.mark.parametrize(("opening", "title"), [
    # a banner, its number, the issuer's signature, a date and a bracketed note are no name
    (["某某县人民政府文件", "某政〔2024〕3号", "关于印发2024年重点工作责任分解的通知"], "关于印发2024年重点工作责任分解的通知"),
    (["某某县人民政府办公室", "2024年2月8日", "(此件公开发布)", "2024年政府工作报告重点工作责任分解"],
     "2024年政府工作报告重点工作责任分解"),
    # a page's 【栏目】, the number run onto the name and a page label come off it
    (["【重点工作】某某县人民政府关于2024年重点工作的通知"], "某某县人民政府关于2024年重点工作的通知"),
    (["某政办字〔2024〕46号某某县人民政府办公室关于落实重点工作的意见"], "某某县人民政府办公室关于落实重点工作的意见"),
    (["名 称: 县人民政府办公室关于印发2024年重点工作责任分解的通知"], "县人民政府办公室关于印发2024年重点工作责任分解的通知"),
    # breadcrumbs are page chrome
    (["您现在的位置:首页", "> 政务公开 > 重点工作", "2024年某某县重点工作责任分解"], "2024年某某县重点工作责任分解"),
    # a name written over several lines goes on to its end (通知)
    (["县人民政府办公室关于", "对县《政府工作报告》确定的2024年", "重点工作进行责任分解的通知", "各乡镇人民政府："],
     "县人民政府办公室关于对县《政府工作报告》确定的2024年重点工作进行责任分解的通知"),
    # a section heading or a row's label line is no name
    (["一、推进城市更新", "牵头单位:县住建局"], ""),
])
def test_the_document_name(opening: list[str], title: str) -> None:
    assert GeneralReader(list(enumerate([*opening, *ROWS], start=1)), "k").read().title == title
