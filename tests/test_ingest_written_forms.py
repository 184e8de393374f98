"""How copies of a notice mangle its text, and the general reader's rules for reading through that.

Small synthetic documents, one per rule: a notice run together on one line, a unit list cut by a PDF's hard
line break, page-number footers, a lead-rule note after the first unit, pinyin a mirror inserted into words,
unnumbered items with label lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import Document, read_document
from knowledge.ingest import cells as C


def _read(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path, key="t")


def _rows(document: Document) -> list[tuple[str, str, list[str], list[str], list[str], list[str]]]:
    """(code, text, lead, support, responsible, leaders) of every row in document order."""
    found = [(t.code, t.text, t.units, t.details.leaders) for t in document.key_tasks]
    found += [(i.code, i.text, i.units or [], i.details.leaders) for i in document.livelihood]
    return [(code, text, [u.name for u in units if u.part == "lead"], [u.name for u in units if u.part == "support"],
             [u.name for u in units if u.part == "responsible"], list(leaders)) for code, text, units, leaders in found]


_NOTICE = ("各乡镇人民政府,县政府各部门: 《重点工作责任分解》已经县政府研究同意,现印发给你们,请认真贯彻执行。"
           "各级各部门要高度重视,加强组织领导,明确具体任务,细化工作方案,确保按时完成既定的目标任务。 "
           "某某县人民政府办公室 2021年3月1日 重点工作责任分解 ")


@pytest.mark.parametrize(("body", "expected"), [
    # Sections naming the leader, numbering restarting in each, the lead rule after the first unit.
    ("一、张三县长牵头重点工作 1.建设产业园区,完成投资5亿元。 责任单位:县发改局(首位单位为牵头单位,下同)、县财政局 "
     "2.推进道路改造。 责任单位:县交通局 二、李四副县长牵头重点工作 1.完善养老服务体系。 责任单位:县民政局、县卫健局 "
     "2.新建公园",
     [("K1-1", "建设产业园区,完成投资5亿元。", ["县发改局"], ["县财政局"], [], ["张三"]),
      ("K1-2", "推进道路改造。", ["县交通局"], [], [], ["张三"]),
      ("K2-1", "完善养老服务体系。", ["县民政局"], ["县卫健局"], [], ["李四"])]),
    # No leader in the headings, labels for lead and support.
    ("一、经济发展 1.扩大有效投资,推进重大项目建设。 牵头单位:县发改局 配合单位:县财政局、县自然资源局 "
     "2.优化营商环境,深化放管服改革。 牵头单位:县行政服务中心 配合单位:县市场监管局 二、社会事业 1.办好人民满意教育。 "
     "牵头单位:县教育局",
     [("K1-1", "扩大有效投资,推进重大项目建设。", ["县发改局"], ["县财政局", "县自然资源局"], [], []),
      ("K1-2", "优化营商环境,深化放管服改革。", ["县行政服务中心"], ["县市场监管局"], [], []),
      ("K2-1", "办好人民满意教育。", ["县教育局"], [], [], [])]),
])
def test_a_notice_run_together_on_one_line_is_split_again(tmp_path: Path, body: str,
                                                          expected: list[tuple[str, ...]]) -> None:
    document = _read(tmp_path, "索引号: | 001/2021-1 | 成文日期: | 2021-03-01 |\n" + _NOTICE + body + "\n")
    assert _rows(document) == expected


@pytest.mark.parametrize(("line", "parts"), [
    ("短行 1.不拆 2.不拆 责任单位:县财政局", 1),  # short lines are as written
    ("甲" * 220 + " 1.一 2.二", 1),  # two markers are not a run-together notice
    ("甲" * 220 + " 1.一 责任单位:县财政局 2.二", 4),
    ("甲" * 220 + "增长7.5%左右 1.一 2.二 3.三", 4),  # a decimal inside the text splits nothing
])
def test_run_together_split_points(line: str, parts: int) -> None:
    from knowledge.ingest.general import _unrun

    assert len(_unrun(line)) == parts


_PDF = """贯彻落实意见的任务分解方案
一、加强基层党建
1.完善街道党工委领导体制机制,优化决策程序,全面提升街道
抓党建、抓治理、抓服务的领导能力。
牵头单位:区委组织部
协办单位:区委编办、区民政局(区委社会工委)、园区党工
委、各街道党工委
— — — 3 —
2.构建党组织四级上下贯通的基层党建工作体系,推动
— 4 —
资源下沉。
牵头单位:区委组织部
协办单位:区财政局、
区人力社保局
3.做实街
"""


def test_pdf_line_breaks_and_page_numbers(tmp_path: Path) -> None:
    rows = _rows(_read(tmp_path, _PDF))
    assert rows == [
        ("K1-1", "完善街道党工委领导体制机制,优化决策程序,全面提升街道抓党建、抓治理、抓服务的领导能力。", ["区委组织部"],
         ["区委编办", "区民政局(区委社会工委)", "园区党工委", "各街道党工委"], [], []),
        ("K1-2", "构建党组织四级上下贯通的基层党建工作体系,推动资源下沉。", ["区委组织部"], ["区财政局", "区人力社保局"],
         [], []),
    ]


@pytest.mark.parametrize(("value", "line", "joined"), [
    ("区委编办、园区党工", "委、各街道党工委", True),  # a name cut short
    ("区委编办、", "园区党工委", True),  # the list ends in a separator
    ("区委编办、园区党工委", "各街道党工委", False),  # a complete list: the next line is something else
    ("区委编办、园区党工", "— — — 3 —", False),
    ("区委编办、园区党工", "推进社区治理。", False),
    ("区委编办。", "园区党工委", False),
])
def test_a_label_list_continues_on_the_next_line(value: str, line: str, joined: bool) -> None:
    from knowledge.ingest.general import _continues

    assert _continues(value, line) is joined


@pytest.mark.parametrize(("cell", "names"), [
    ("县发改局(首位单位为牵头单位,下同)、县财政局", [("县发改局", False), ("县财政局", False)]),
    ("县发改局、县财政局（列第一位的为牵头单位，下同）", [("县发改局", False), ("县财政局", False)]),
    ("区财政局、区委组织部（牵头）", [("区财政局", False), ("区委组织部", True)]),  # a lead mark, not a note
    ("县发改局(粮食局)、县财政局", [("县发改局(粮食局)", False), ("县财政局", False)]),  # a second nameplate
])
def test_lead_rule_notes_are_no_part_of_a_name(cell: str, names: list[tuple[str, bool]]) -> None:
    assert C.parse_unit_cell(cell) == names


@pytest.mark.parametrize(("text", "clean"), [
    ("責(zé)任單位:市教育局", "責任單位:市教育局"),
    ("主管領(lǐng)導(dǎo):李明", "主管領導:李明"),
    ("區民政局(區委社會工委)", "區民政局(區委社會工委)"),  # a Chinese bracket is no pinyin
    ("完成(100%)", "完成(100%)"),
    ("县(市)", "县(市)"),
])
def test_inserted_pinyin_is_noise(text: str, clean: str) -> None:
    stripped, at = C.denoised(text)
    assert stripped == clean
    assert "".join(text[i] for i in at[:-1]) == clean and at[-1] == len(text)


_MIRROR = """今年政府承諾的為民“十大實(shí)事”怎么做?記者 孫娟
關(guān)鍵詞 教育
市區(qū)新增中小學(xué)學(xué)位2萬(wàn)個(gè)。
主管領(lǐng)導(dǎo):李明
責(zé)任單位:市教育局
主要責(zé)任人:毛杰
進(jìn)度安排:12月底前全部落實(shí)。
新建幼兒園80所。
主管領(lǐng)導(dǎo):李明
責(zé)任單位:市教育局、市財政局
進(jìn)度安排:年底前
關(guān)鍵詞 交通
新建公交線路10條,
"""


def test_unnumbered_items_with_labels_through_inserted_pinyin(tmp_path: Path) -> None:
    document = _read(tmp_path, _MIRROR)
    assert _rows(document) == [
        ("L1-1", "市區(qū)新增中小學(xué)學(xué)位2萬(wàn)個(gè)。", ["市教育局"], [], [], ["李明", "毛杰"]),
        ("L1-2", "新建幼兒園80所。", [], [], ["市教育局", "市財政局"], ["李明"]),
    ]
    assert [i.details.deadline for i in document.livelihood] == ["12月底前全部落實(shí)。", "年底前"]


_TWO_LEVELS = """附件
某某区2017年度民生工程目标任务分解表(一)
项 目 | 目标 | 分 解 情 况 | 责任领导 | 责任单位 | 责任人 |
就 业 工 程 | 促进就业创业 | 城镇新增就业人数(人) | 1300 | 甲镇280 乙乡15 | 张 三 | 区人社局 | 李 四 |
城镇失业人员再就业(人) | 250 | 甲镇8 乙乡8 |
教 育 工 程 | 改善办学条件 | 新建幼儿园(所) | 3 | 甲镇1 乙乡2 | 王 五 | 区教育局 | 赵 六 |
维修校舍(平方米) | 5000 | 甲镇3000 乙乡"""


def test_a_two_level_header_flattened_into_pipe_rows(tmp_path: Path) -> None:
    """项目 spans 工程 | 子项 | 指标 (more cells than the header); rows under it lost their merged cells at the
    front and the end; a figure column (目标) is no text; the last row lacks its closing | (cut)."""
    document = _read(tmp_path, _TWO_LEVELS)
    assert [row[1:] for row in _rows(document)] == [
        ("城镇新增就业人数(人)", ["区人社局"], [], [], ["张三", "李四"]),
        ("城镇失业人员再就业(人)", ["区人社局"], [], [], ["张三", "李四"]),
        ("新建幼儿园(所)", ["区教育局"], [], [], ["王五", "赵六"]),
    ]
    assert [i.category for i in document.livelihood] == ["促进就业创业", "促进就业创业", "改善办学条件"]
    assert any("中断" in w.message for w in document.warnings)


@pytest.mark.parametrize(("cells", "levels"), [
    (["工程", "子项", "指标", "1300", "甲镇280", "张 三", "区人社局", "李 四"], 2),
    (["指标", "250", "甲镇8"], 0),  # fewer cells than the header
    (["工程", "子项", "指标", "1300", "甲镇280", "张 三", "推进建设", "李 四"], 0),  # no units where the header has them
    (["", "子项", "指标", "1300", "甲镇280", "张 三", "区人社局", "李 四"], 0),  # an empty level is no level
])
def test_levels_of_a_first_column(cells: list[str], levels: int) -> None:
    from knowledge.ingest.general import _levels

    assert _levels(cells, ["text", "text", "extra", "leader", "units", "leader"]) == levels


@pytest.mark.parametrize(("line", "cut"), [
    ("维修校舍 | 5000 | 甲镇3000 乙乡", True),
    ("维修校舍 | 5000 | 甲镇3000 |", False),
    ("维修校舍 5000", False),
])
def test_a_pipe_row_without_its_closing_pipe_is_cut(line: str, cut: bool) -> None:
    from knowledge.ingest.general import _open_pipe_row

    assert _open_pipe_row(line) is cut
