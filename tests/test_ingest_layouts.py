"""The general reader on small synthetic notices, one layout rule per table: what each rule reads, and what
it must leave alone. The real documents these rules came from are graded in tests/test_real_documents.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowledge.catalog import unit_forms, with_short_forms
from knowledge.ingest import read_document
from knowledge.ingest.cells import parse_unit_cell, split_people
from knowledge.ingest.document import Document, DocumentError


def _read(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path, key="synthetic")


def _rows(document: Document) -> list[tuple[str, list[tuple[str, str]], list[str], str]]:
    rows: list[Any] = [*document.key_tasks, *document.livelihood]
    rows.sort(key=lambda r: r.line)
    return [(r.text, [(u.name, u.part) for u in r.units], r.details.leaders, r.details.deadline) for r in rows]


def _cells(*lines: str, end: str = "") -> str:
    """Cells one per line with blank lines between (a web page's table copied as text)."""
    return "\n\n".join(lines) + end


# --- one cell per line: header cells broken over two lines, columns no header word names


@pytest.mark.parametrize(("text", "rows"), [
    (_cells("某镇2024年重点工作计划", "序号", "重点工作", "责任", "领导", "责任", "科室", "攻坚目标", "任务", "工作任务安排",
            "1", "建设一号水库", "张三", "水利站", "完成大坝建设。", "推进移民工作。",
            "2", "创建美丽城镇", "李四", "城建办", "创成省级美丽城镇。", "按节点推进。"),
     [("建设一号水库", [("水利站", "lead")], ["张三"], ""), ("创建美丽城镇", [("城建办", "lead")], ["李四"], "")]),
    # Unknown columns kept as other columns, read by position when the row has one cell per column.
    (_cells("序号", "项目名称", "建设地点", "建设时间", "责任单位",
            "1", "城北小学道路建设项目", "相关镇 (街道)", "2024", "住建局",
            "2", "老旧小区改造项目", "城关街道", "2024", "住建局"),
     [("城北小学道路建设项目", [("住建局", "lead")], [], "2024"), ("老旧小区改造项目", [("住建局", "lead")], [], "2024")]),
], ids=["header-cells-over-two-lines", "unknown-columns-by-position"])
def test_one_cell_per_line_headers(tmp_path: Path, text: str, rows: list[Any]) -> None:
    assert _rows(_read(tmp_path, text)) == rows


def test_a_header_fragment_joins_only_what_completes_it(tmp_path: Path) -> None:
    # 工作 / 任务 are two header words here (no role repeats, and together no header word): kept apart.
    document = _read(tmp_path, _cells("序号", "任务", "责任单位", "完成时限",
                                      "1", "完成道路改造", "县交通局", "6月底前",
                                      "2", "新建公园两个", "县住建局", "12月底前"))
    assert [(c, r) for c, r in document.tables[0].columns] == [
        ("序号", "no"), ("任务", "text"), ("责任单位", "units"), ("完成时限", "deadline")]


def test_unknown_header_cells_need_the_first_row_after_them(tmp_path: Path) -> None:
    # Without a row number after the header words, a cell no header word names ends the header (as before):
    # a one-word-per-line paragraph is not taken for columns.
    text = _cells("序号", "工作任务", "责任单位", "说说看", "这里不是表格") + "\n1.完成任务\n牵头单位：县发改局\n"
    document = _read(tmp_path, text)
    assert _rows(document) == [("完成任务", [("县发改局", "lead")], [], "")]


def test_a_cut_row_read_apart_into_sub_rows_is_dropped_whole(tmp_path: Path) -> None:
    text = _cells("序号", "项目名称", "建设地点", "建设时间", "责任单位",
                  "1", "城北小学道路建设项目", "纸坊街道", "2024", "住建局",
                  "2", "老旧小区改造项目", "城关街道", "2024", "住建局",
                  "3", "职教中心建设项目", "磨子桥镇", "2024")
    document = _read(tmp_path, text)
    assert [t for t, *_ in _rows(document)] == ["城北小学道路建设项目", "老旧小区改造项目"]
    assert any("第 3 项中断" in w.message for w in document.warnings)


# --- the notice around the table, in traditional script


def test_traditional_notice_metadata(tmp_path: Path) -> None:
    text = "洋政發〔2024〕8號\n洋縣人民政府\n關于印發洋縣2024年十大民生實事項目的通知\n" + _cells(
        "序號", "項目名稱", "責任單位", "1", "老舊小區改造項目", "住建局", "2", "農村公路建設", "交通局")
    document = _read(tmp_path, text)
    assert (document.doc_number, document.place, document.level) == ("洋政發〔2024〕8號", "洋县", "县")
    assert document.title == "關于印發洋縣2024年十大民生實事項目的通知"  # the number line is no title
    assert document.livelihood  # 民生實事 in traditional script


@pytest.mark.parametrize(("line", "place"), [
    ("洋縣人民政府", "洋县"), ("温州市鹿城区人民政府办公室", "温州市鹿城区"), ("各县人民政府：", ""), ("本市人民政府", ""),
])
def test_place_of_the_notice(tmp_path: Path, line: str, place: str) -> None:
    document = _read(tmp_path, line + "\n" + _cells("序号", "工作任务", "责任单位", "1", "完成道路改造", "县交通局",
                                                    "2", "新建公园", "县住建局"))
    assert document.place == place


def test_leader_names_keep_their_script(tmp_path: Path) -> None:
    document = _read(tmp_path, _cells("序号", "重点工作", "责任领导", "责任单位", "1", "水库建设", "欧乾震", "水利站",
                                      "2", "城镇建设", "吴宇凡", "城建办"))
    assert [r[2] for r in _rows(document)] == [["欧乾震"], ["吴宇凡"]]  # not 欧干震


@pytest.mark.parametrize(("cell", "names"), [
    ("陆 明俞 悦", ["陆明", "俞悦"]),  # two padded names, the line break between them lost
    ("陆 明张三丰俞 悦", ["陆明", "张三丰", "俞悦"]),  # a three-character name needs no padding
    ("钱 宇", ["钱宇"]),
    ("张三 李四", ["张三", "李四"]),
    ("王 五 张三丰", ["王五", "张三丰"]),
    ("王 五张三丰", ["王五", "张三丰"]),  # a padded name, then a three-character one on the cell's next line
    ("陆 明 俞 悦", ["陆明", "俞悦"]),  # the cell's line break read as a space (a table cell's two lines)
    ("张 三丰", ["张三丰"]), ("张三 李四王五", ["张三", "李四王五"]),  # not padded: read as before
    # name + titles written apart, the titles naming the body they are held in (a 县委 document, a yearbook)
    ("胡选坤 市委副书记", ["胡选坤"]),
    ("马兴赞 市委常委、市政府常务副市长", ["马兴赞"]),
    ("张三 县委常委、县政府副县长\n李四 县人大常委会主任", ["张三", "李四"]),
    ("王五区委副书记", ["王五"]),  # not 王五区委
    ("林杰常委、常务副区长", ["林杰"]),  # one leader's two titles, not a second name
    ("副区长", ["副区长"]),  # a cell of a title alone keeps it
])
def test_leader_names_padded_to_one_width(cell: str, names: list[str]) -> None:
    assert split_people(cell) == names


def test_a_leader_cell_of_padded_names_run_together(tmp_path: Path) -> None:
    rows = [f"{n} |\n推进第{n}项工作，完成年度目标。 |\n{leaders} |\n县教育局 |\n县各有关单位 |"
            for n, leaders in ((80, "俞 悦"), (81, "陆 明俞 悦"), (82, "王 五 张三丰"))]
    text = "\n".join(["重点工作目标任务分解表", "序号 |", "目标与任务 |", "分 管 县领导 |", "牵头责任单位 |", "责任单位 |", *rows])
    assert [r[2] for r in _rows(_read(tmp_path, text))] == [["俞悦"], ["陆明", "俞悦"], ["王五", "张三丰"]]


# --- the forms a question names a document's unit by


@pytest.mark.parametrize(("name", "has", "lacks"), [
    ("乡村振兴办", {"振兴办"}, {"村振兴办"}),  # 乡 is the stem's first character, not a level
    ("市场监管局", {"市场监督管理局"}, {"场监管局"}),
    ("县乡村振兴局", {"乡村振兴局", "振兴局"}, set()),
    ("省人力资源社会保障厅", {"人社厅", "省人社厅"}, {"人社局"}),  # a province's department stays a 厅
    ("区经济信息委", {"经信委", "经济和信息化委"}, set()),  # 经济信息 is 经信 as 经济信息化 is
    ("区经济信息化委", {"经信委"}, {"经信化委"}),  # the longest stem wins
    ("长沙先导区管委会", {"先导区", "先导区管委会"}, set()),  # a zone typed by its kind alone
    ("县国土资源局", {"国土局", "国土资源局"}, set()),  # the name before 2018's reform, everywhere
    ("省国土资源厅", {"国土厅"}, {"国土局"}),
])
def test_stem_before_level(name: str, has: set[str], lacks: set[str]) -> None:
    forms = unit_forms(name)
    assert has <= forms and not lacks & forms


def test_a_unit_written_without_its_level_is_named_with_the_documents_level() -> None:
    from knowledge.catalog import UnitInfo

    units = {"交通局": UnitInfo("交通局", "department", ()), "各镇": UnitInfo("各镇", "group", ()),
             "区民政局": UnitInfo("区民政局", "department", ())}
    written = {"交通局": frozenset({"交通局"}), "各镇": frozenset({"各镇"}), "区民政局": frozenset({"民政局"})}
    forms = {n: set(u.aliases) for n, u in with_short_forms(units, level="县", written=written).items()}
    assert "县交通局" in forms["交通局"]
    assert not any(f.startswith("县") for f in forms["各镇"])  # a group is no body of the level
    assert "县民政局" in forms["区民政局"]  # written 民政局 in this 县 document
    assert "县交通局" not in {f for fs in with_short_forms(units).values() for f in fs.aliases}  # no level: nothing


def test_a_document_without_any_table_is_still_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        _read(tmp_path, "关于做好某项工作的通知\n请各单位认真落实。\n")


# --- numbered tasks closed by a parenthesis of units, without a label


@pytest.mark.parametrize(("cell", "text", "units"), [
    ("完成道路改造。（市交通局）", "完成道路改造。", [("units", "市交通局")]),
    ("完成道路改造（市交通局、环保局）。", "完成道路改造", [("units", "市交通局、环保局")]),
    ("推进审批改革。(市政府办公室、市审改办牵头,市级各有关部门及各县市区政府按职责分工负责)", "推进审批改革。",
     [("lead", "市政府办公室、市审改办"), ("support", "市级各有关部门、各县市区政府")]),
    ("推進審批改革。(市政府辦公室牽頭,各縣市區政府按職責分工負責)", "推進審批改革。",
     [("lead", "市政府辦公室"), ("support", "各縣市區政府")]),  # traditional script
    ("整治河道（县水利局、县住建局分别牵头）", "整治河道", [("lead", "县水利局、县住建局")]),
    ("整治河道（各乡镇按职责分工负责）", "整治河道", [("units", "各乡镇")]),  # nobody leads: responsible
    ("建设县发改局(粮食局)仓库（县发改局(粮食局)）", "建设县发改局(粮食局)仓库", [("units", "县发改局(粮食局)")]),
    # the first row's parenthesis also says who leads, for the rows after it too: a note, no unit
    ("建立聯動機制。(市發展改革委、市財政局等負責,列第一位者為牽頭單位,下同)", "建立聯動機制。",
     [("units", "市發展改革委、市財政局")]),
    ("建立联动机制。（市发展改革委、市财政局负责；排名第一的为牵头单位）", "建立联动机制。",
     [("units", "市发展改革委、市财政局")]),
    # 主办 / 协办: lead / support, as province and city breakdowns write them (黑龙江, 徐州)
    ("财政收入增长13%。(省财政厅主办,省国税局、地税局协办)", "财政收入增长13%。",
     [("lead", "省财政厅"), ("support", "省国税局、地税局")]),
    ("居民收入增长12%。(省发改委、农委、统计局分别负责)", "居民收入增长12%。", [("units", "省发改委、农委、统计局")]),  # no lead
    ("推行证明事项告知承诺制。〔县司法局、县政务服务中心〕", "推行证明事项告知承诺制。",
     [("units", "县司法局、县政务服务中心")]),  # 〔〕 as brackets
])
def test_trailing_units(cell: str, text: str, units: list[tuple[str, str]]) -> None:
    from knowledge.ingest.cells import trailing_units

    assert trailing_units(cell) == (text, units)


@pytest.mark.parametrize("cell", [
    "完成道路改造（含南太湖新区）", "完成道路改造（2023年）", "（甬政办发〔2007〕106号）", "完成道路改造（市交通局",
    "完成道路改造（市交通局）以上", "推进试点（市交通局牵头，试点镇先行）", "完成道路改造（下同）",
], ids=["not-units", "a-year", "whole-line", "unclosed", "not-at-the-end", "one-clause-not-units", "only-a-note"])
def test_no_trailing_units(cell: str) -> None:
    from knowledge.ingest.cells import trailing_units

    assert trailing_units(cell) is None


def test_numbered_tasks_with_trailing_units(tmp_path: Path) -> None:
    text = "\n".join([
        "某市人民政府关于印发2024年重点工作责任分解的通知", "（某政办发〔2024〕1号）", "一、主要目标",
        "1.地区生产总值增长6%。", "全市生产总值达到3000亿元。（市发改委）",
        "2.节能减排。(市经委、环保局)",
        "3.改革审批。(市政府办公室牵头,各县市区政府按职责分工负责)",
        "4.居民收入增长6%。", "围绕促",
    ])
    document = _read(tmp_path, text)
    assert _rows(document) == [
        ("地区生产总值增长6%。全市生产总值达到3000亿元。", [("市发改委", "lead")], [], ""),
        ("节能减排。", [("市经委", "responsible"), ("环保局", "responsible")], [], ""),  # nothing marks its lead
        ("改革审批。", [("市政府办公室", "lead"), ("各县市区政府", "support")], [], ""),
    ]
    assert any("第 4 项" in w.message for w in document.warnings)  # cut: no units


def test_each_responsible_beside_rows_that_lead(tmp_path: Path) -> None:
    # "分别负责" marks no lead (unlike 分别牵头): all responsible, though other rows of the document mark theirs
    text = ("某省2013年重点工作责任分工\n(一)生产总值增长11%。(省发改委负责)(二)财政收入增长13%。(省财政厅主办,省国税局协办)\n"
            "(三)居民收入增长12%。(省发改委、农委、统计局分别负责)\n")
    assert [r[1] for r in _rows(_read(tmp_path, text))] == [
        [("省发改委", "lead")], [("省财政厅", "lead"), ("省国税局", "support")],
        [("省发改委", "responsible"), ("农委", "responsible"), ("统计局", "responsible")]]


def test_no_lead_marked_trailing_units_are_all_responsible(tmp_path: Path) -> None:
    text = "某市2024年重点工作\n1.地区生产总值增长6%。（市发改委）\n2.节能减排。(市经委、环保局)\n"
    document = _read(tmp_path, text)
    assert document.reading == "none"
    assert [[(u.name, u.part, u.qualified) for u in t.units] for t in document.key_tasks] == [
        [("市发改委", "lead", "")], [("市经委", "responsible", ""), ("环保局", "responsible", "市环保局")]]


def test_label_lines_win_over_a_parenthesis_of_units(tmp_path: Path) -> None:
    text = "1.整治河道（县水利局）\n牵头单位：县住建局\n配合单位：县水利局\n2.新建公园\n牵头单位：县住建局\n"
    assert [[(n, p) for n, p in r[1]] for r in _rows(_read(tmp_path, text))] == [
        [("县住建局", "lead"), ("县水利局", "support")], [("县住建局", "lead")]]


def test_the_first_rows_parenthesis_says_who_leads(tmp_path: Path) -> None:
    text = "\n".join([
        "一、深入實施就業優先戰略",
        "(一)建立聯動機制。把穩定就業作為下限。(市發展改革委、市財政局、市統計局等負責,列第一位者為牽頭單位,下同)",
        "(二)發展吸納就業的產業。(市商務局、市農業局等負責)", "(三)支持小微企業發展。發展政府",
    ])
    document = _read(tmp_path, text)
    assert document.reading == "first"
    assert _rows(document) == [
        ("建立聯動機制。把穩定就業作為下限。", [("市發展改革委", "lead"), ("市財政局", "support"), ("市統計局", "support")],
         [], ""),
        ("發展吸納就業的產業。", [("市商務局", "lead"), ("市農業局", "support")], [], ""),
    ]


def test_a_label_run_on_from_the_item_title(tmp_path: Path) -> None:
    """A progress notice: each item's heading runs its lead label straight on from its title, a paragraph of progress
    (naming other bodies, a short label of its own) follows."""
    text = "\n".join([
        "2022年县为民办实事事项4月份进展情况通报", "一、进展情况",
        "(一)适龄女生疫苗接种牵头责任部门:县卫生健康委员会", "已完成1剂次接种，完成进度:100%。",
        "(二)老年人筛查试点牵头责任部门:县卫生健康委员会;配合单位:县民政局",
        "待省卫生健康委员会完成系统调试后启动筛查工作", "(三)新生儿筛查牵头责任部门:县卫生健康委员会",
        "主要协作单位:各乡镇人民政府", "(四)初",  # a qualifier before a label is the label's own
    ])
    document = _read(tmp_path, text)
    assert [(t.text, [(u.name, u.part) for u in t.units]) for t in document.livelihood] == [
        ("适龄女生疫苗接种", [("县卫生健康委员会", "lead")]),
        ("老年人筛查试点", [("县卫生健康委员会", "lead"), ("县民政局", "support")]),
        ("新生儿筛查", [("县卫生健康委员会", "lead"), ("各乡镇人民政府", "support")]),
    ]
    assert not [t for t in document.livelihood if "进度" in t.text]


# --- rows of cells with no header row: columns from what their cells hold


@pytest.mark.parametrize(("text", "rows"), [
    ("1 | 完成27所学校空调安装。 | 县教育局 | 已安装900台;新风系统招标中。 | 按时序推进 |\n|\n"
     "2 | 新增托位180个。 | 县卫生健康局 | 联合教育、财政、住建局等部门督导。 | 按时序推进 |\n|\n",
     [("完成27所学校空调安装。", [("县教育局", "lead")], [], ""),
      ("新增托位180个。", [("县卫生健康局", "lead")], [], "")]),  # units named in the progress text are not units
    ("1\t建设城北公园\t县住建局\t张三\t6月底前\n2\t改造老旧小区\t县住建局、县财政局\t李四\t12月底前\n",
     [("建设城北公园", [("县住建局", "lead")], ["张三"], "6月底前"),
      ("改造老旧小区", [("县住建局", "responsible"), ("县财政局", "responsible")], ["李四"], "12月底前")]),
], ids=["pipes-progress-status", "tabs-leader-deadline"])
def test_headerless_rows(tmp_path: Path, text: str, rows: list[Any]) -> None:
    assert _rows(_read(tmp_path, text)) == rows


def test_headerless_row_cut_short_is_not_imported(tmp_path: Path) -> None:
    text = ("1 | 完成学校空调安装。 | 县教育局 | 已安装。 | 按时序推进 |\n2 | 新增托位180个。 | 县卫生健康局 | 督导。 | 按时序推进 |\n"
            "3 | 改造农村路口。 | 县公安局 | 已完成现场排查")
    document = _read(tmp_path, text)
    assert [r[0] for r in _rows(document)] == ["完成学校空调安装。", "新增托位180个。"]
    assert document.title == ""  # a row is no title


@pytest.mark.parametrize("text", [
    "1\t2023年\t3000\n2\t2024年\t3500\n",  # no text, no units: a table of figures
    "1\t县教育局\t完成学校空调安装\n2\t县民政局\t新建养老中心\n",  # units before the text: not a task row
    "1\t完成学校空调安装\t已安装\n2\t新建养老中心\t已开工\n",  # no units column
], ids=["figures", "units-first", "no-units"])
def test_headerless_rows_need_number_text_and_units(tmp_path: Path, text: str) -> None:
    with pytest.raises(DocumentError):
        _read(tmp_path, text)


@pytest.mark.parametrize(("cell", "role"), [
    ("责任主体与协同单位", "support"), ("其他配合单位", "support"), ("牵 头 单 位", "lead"), ("主要任务", "text"),
    ("1-11月推进情况", None), ("全年目标任务", None), ("配合", None),
])
def test_header_words(cell: str, role: str | None) -> None:
    from knowledge.ingest.cells import column_role

    assert column_role(cell) == role


def test_a_pipe_row_without_its_closing_bar_is_cut(tmp_path: Path) -> None:
    text = ("1 | 完成学校空调安装。 | 县教育局 | 已安装。 |\n2 | 新增托位180个。 | 县卫生健康局 | 督导中。 |\n"
            "3 | 改造农村路口。 | 县公安局 | 已完成现场排查并制定")
    assert [r[0] for r in _rows(_read(tmp_path, text))] == ["完成学校空调安装。", "新增托位180个。"]


@pytest.mark.parametrize(("cell", "parts"), [
    ("县教体局", ["lead"]),  # a sole unit leads
    ("县教体局 各相关乡镇政府", ["responsible", "responsible"]),  # a body and a group: two listed, nobody marked
    ("县教体局、县财政局", ["responsible", "responsible"]),
])
def test_no_lead_marked(tmp_path: Path, cell: str, parts: list[str]) -> None:
    text = f"1\t完成学校空调安装。\t{cell}\n2\t新建养老服务设施。\t县民政局\n"
    assert [p for _n, p in _rows(_read(tmp_path, text))[0][1]] == parts


def test_a_group_cell_on_its_first_row_only_and_numbers_inside_the_item_cells(tmp_path: Path) -> None:
    # Pipe rows copied from a web page: the 类别 cell is merged over its group, so the group's later rows start
    # with their item cell and every cell slides left; the items are numbered inside their own cells.
    header = "类别 | 民生事项名称 | 2023年度任务目标 | 责任单位 | 分管县领导 | 1-6月份完成情况 | 监督电话 |"
    rows = []
    for n in range(1, 31):
        group = f"{'一二三'[(n - 1) // 10]}、第{(n - 1) // 10 + 1}类民生事项 | " if n % 10 == 1 else ""
        rows.append(f"{group}{n}.建设第{n}处便民服务设施 | 完成{n}处设施建设并投入使用。 | 县{'民政教育'[n % 2 * 2:n % 2 * 2 + 2]}局 | "
                    f"张{'一二三'[n % 3]}明 | 已完成主体工程{n}%。 | 监督电话0000-{n:04d} |" + (" |" if n % 4 == 0 else ""))
    document = _read(tmp_path, "\n".join(["某某县2023年民生事项进展情况", header, *rows, "索引号: | 0001 | 成文日期: | 2023-07-01 |"]))
    read = _rows(document)
    assert len(read) == 30 and document.tables[0].kind == "livelihood"
    assert [r.details.no_text for r in document.livelihood] == [str(n) for n in range(1, 31)]
    assert read[11] == ("建设第12处便民服务设施", [("县民政局", "lead")], ["张一明"], "")
    assert [r.category for r in document.livelihood][9:11] == ["一、第1类民生事项", "二、第2类民生事项"]


# --- one label holding both roles; units named once in a heading; tasks run together on one line


def test_one_label_holding_both_roles(tmp_path: Path) -> None:
    text = "\n".join([
        "某省2021年重点任务分工方案", "一、主要预期目标", "1.地区生产总值增长6%以上。", "分管省领导:张三",
        "部门分工:省发展改革委牵头,各地、各部门配合。", "2.固定资产投资增长8%左右。", "分管省领导:李四",
        "部门分工:省财政厅、省商务厅牵头。", "3.推进审批改革。", "责任单位：省住建厅牵头，试点市先行",
        "4.进出口实现正增长。", "分管省领导:李四", "部门分工:",
    ])
    document = _read(tmp_path, text)
    assert _rows(document) == [
        ("地区生产总值增长6%以上。", [("省发展改革委", "lead"), ("各地", "support"), ("各部门", "support")], ["张三"], ""),
        ("固定资产投资增长8%左右。", [("省财政厅", "lead"), ("省商务厅", "lead")], ["李四"], ""),
        # a clause that names no unit: the label's value is read as it always was
        ("推进审批改革。", [("省住建厅牵头", "support"), ("试点市先行", "support")], [], ""),
    ]
    assert any("第 4 项" in w.message for w in document.warnings)  # cut right after its label


@pytest.mark.parametrize(("leaders", "second"), [
    ("责任领导:胡选坤 市委副书记", "马兴赞 市委常委、市政府常务副市长"),  # a 县级市's yearbook
    ("牵头县领导：张三 县委常委、副县长", "李四 副县长"),
    ("责任领导：王五", "赵六"),  # names alone
])
def test_a_second_leader_on_the_line_under_the_label(tmp_path: Path, leaders: str, second: str) -> None:
    # a line of a name with titles between the leader label and the unit labels continues the leaders: no task
    first, other = (n.split()[0].split("：")[-1].split(":")[-1] for n in (leaders, second))
    text = "\n".join([
        "重要决策", "3.农村危房改造:(1)贫困户无安全稳固住房的,按每户补助3万元的标", "准给予补助。",
        "(2)全市农村危房改造任务,11月底100%竣工。", leaders, second, "牵头单位:住建局", "责任单位:各乡镇(街道)",
        "4.农村道路建设:(1)硬化通行政村公路300公里。(2)12月底,通自然村公路100公", "里。", leaders, second,
        "牵头单位:交通运输局、国土资源局", "责任单位:有关乡镇(街道)",
    ])
    assert _rows(_read(tmp_path, text)) == [
        # the "(2)" opening a line is the task's next sub-point (its "(1)" is in the text above), no row
        ("农村危房改造:(1)贫困户无安全稳固住房的,按每户补助3万元的标准给予补助。(2)全市农村危房改造任务,11月底100%竣工。",
         [("住建局", "lead"), ("各乡镇(街道)", "support")], [first, other], ""),
        ("农村道路建设:(1)硬化通行政村公路300公里。(2)12月底,通自然村公路100公里。",
         [("交通运输局", "lead"), ("国土资源局", "lead"), ("有关乡镇(街道)", "support")], [first, other], ""),
    ]


def test_paren_numbered_tasks_are_still_rows(tmp_path: Path) -> None:
    # "(2)" after a task that wrote no "(1)" inside its text is the next task
    text = "\n".join(["一、经济发展", "(1)建成产业园一个。", "牵头单位：县发改局", "(2)新增就业1000人。", "牵头单位：县人社局"])
    assert [(t, u) for t, u, *_ in _rows(_read(tmp_path, text))] == [
        ("建成产业园一个。", [("县发改局", "lead")]), ("新增就业1000人。", [("县人社局", "lead")])]


def _progress_table(separator: str) -> str:
    """A 民生实事 progress table: items with several targets, the lines after an item's first naming no number,
    name or unit (merged over them); one item's target written in two levels before its unit."""
    rows = [
        ["序号", "项目名称", "目标任务", "牵头单位", "累计完成", "累计进度", "备注"],
        ["1", "促进重点群体稳定就业", "城镇新增就业2450人", "县人社局", "2712", "110.69%", ""],
        ["“三公里”充分就业社区6个", "6", "100%", "", "", "", ""],
        ["2", "加强城乡低保人员生活保障", "最低生活保障", "农村标准(760元/月)", "县民政局", "", "", ""],
        ["农村保障人次", "83342", "持续推进中", "", "", "", ""],
        ["城市标准(788元/月)", "", "", "", "", "", ""],
        ["特困人员救助供养", "农村标准(988元/月)", "", "", "", "", ""],
        ["3", "放心家政行动", "培训家政服务人员1185人次", "县商务局", "1187", "100%", "按季度统计"],
        ["新增家政服务人员350人", "352", "100%", "", "", "", ""],
        ["4", "农村敬老院提升", "规范运营敬老院12家", "县民政局", "12", "100%", ""],
    ]
    title = "2024年1-9月某县民生实事实施进展情况"
    return "\n".join([title, *(separator.join(r) + (" |" if separator == " | " else "") for r in rows)])


@pytest.mark.parametrize("separator", [" | ", "\t"], ids=["pipes", "tabs"])
def test_a_progress_table_item_with_further_target_lines(tmp_path: Path, separator: str) -> None:
    document = _read(tmp_path, _progress_table(separator))
    assert [(r[0], r[1]) for r in _rows(document)] == [
        ("促进重点群体稳定就业", [("县人社局", "lead")]),
        # the unit one cell further right, after a target written in two levels: still the item's unit
        ("加强城乡低保人员生活保障", [("县民政局", "lead")]),
        ("放心家政行动", [("县商务局", "lead")]),
        ("农村敬老院提升", [("县民政局", "lead")]),
    ]
    further = document.livelihood[0].details.extra
    assert "“三公里”充分就业社区6个" in further["目标任务"]  # kept with the item, not its name


@pytest.mark.parametrize(("heading", "units"), [
    ("县示范区管委会牵头工作(8项)", [("lead", "县示范区管委会")]),
    ("市发改委、市财政局牵头的重点任务（共12项）", [("lead", "市发改委、市财政局")]),
    ("县财政局负责的工作", [("units", "县财政局")]),
    ("扎实推进重点工作", None), ("市发改委工作", None), ("开展牵头工作", None), ("县发改局牵头", None),
], ids=["count", "two-units-de-total", "responsible", "topic", "no-role-word", "no-unit", "no-noun"])
def test_heading_units(heading: str, units: list[tuple[str, str]] | None) -> None:
    from knowledge.ingest.cells import heading_units

    assert heading_units(heading) == units


def test_units_named_once_in_a_heading(tmp_path: Path) -> None:
    text = "\n".join([
        "某县人民政府办公室关于印发2025年重点工作任务清单的通知", "一、责任到人，闭环管理。各单位要明确责任人。",
        "2025年县政府工作报告任务清单", "一、县发改局牵头工作(2项)", "1.推进重点项目建设。", "2.编制十五五规划。",
        "二、县住建局牵头的工作（2项）", "1.改造老旧小区10个。", "2.新建城市公园。", "三、县教育局牵头工作(3项)",
        "1.新建学校2所。", "2.改扩建幼儿园3所。", "3.加强示范区与主城区基础设施",
    ])
    document = _read(tmp_path, text)
    assert [(t.code, t.text, [(u.name, u.part) for u in t.units]) for t in document.key_tasks] == [
        ("K1-1", "推进重点项目建设。", [("县发改局", "lead")]), ("K1-2", "编制十五五规划。", [("县发改局", "lead")]),
        ("K2-1", "改造老旧小区10个。", [("县住建局", "lead")]), ("K2-2", "新建城市公园。", [("县住建局", "lead")]),
        ("K3-1", "新建学校2所。", [("县教育局", "lead")]), ("K3-2", "改扩建幼儿园3所。", [("县教育局", "lead")]),
    ]  # the last task lacks the 。 every other one ends with: the copy cut it
    assert any("第 3 项" in w.message for w in document.warnings)


def test_a_heading_that_is_a_topic_gives_no_units(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        _read(tmp_path, "某县2025年重点工作\n一、扎实推进重点工作\n1.推进重点项目建设。\n2.编制十五五规划。\n")


def test_tasks_run_together_on_one_line(tmp_path: Path) -> None:
    text = "\n".join([
        "某市人民政府关于分解落实规划纲要主要目标的通知", "1.主要指标的责任部门。",
        "常住人口控制在1150万人左右。(市人口计生委、市公安局牵头)万元地区生产总值能源消耗降低20%。(市经委牵头)"
        "耕地保有量保持稳定。",
        "(市国土房管局牵头)主要污染物排放总量减少10%。(市环保局牵头)城市建成区绿化覆盖率达到40%以上。 (市建委、",
    ])
    document = _read(tmp_path, text)
    assert _rows(document) == [
        ("常住人口控制在1150万人左右。", [("市人口计生委", "lead"), ("市公安局", "lead")], [], ""),
        ("万元地区生产总值能源消耗降低20%。", [("市经委", "lead")], [], ""),
        ("耕地保有量保持稳定。", [("市国土房管局", "lead")], [], ""),  # its parenthesis opens the next line
        ("主要污染物排放总量减少10%。", [("市环保局", "lead")], [], ""),
    ]
    assert any("第 5 项" in w.message for w in document.warnings)  # cut inside its parenthesis of units


def test_a_parenthesis_inside_a_sentence_splits_nothing(tmp_path: Path) -> None:
    text = "某市2024年重点工作\n1.推进审批改革（市审改办牵头）并扩大试点。（市政府办公室）\n2.节能减排。（市经委）\n"
    assert [r[0] for r in _rows(_read(tmp_path, text))] == ["推进审批改革（市审改办牵头）并扩大试点。", "节能减排。"]
def _indicator_table(rows: int) -> tuple[str, list[tuple[str, list[tuple[str, str]]]]]:
    """An indicator table copied one cell per line (考核项目 / 分值 / 目标任务 / 考核单位), no number column: each group's
    category cell on its first row only, some rows without their target and unit cells (merged with the row
    above), two units of one cell written with no separator; and the rows it reads to."""
    lines = ["附件", "某某县2024年度经济社会发展目标任务分解表", "考核项目", "分值", "目标任务", "考核单位"]
    units = ["县发改局县统计局", "县经信局", "县财政局", "县商务局县统计局"]
    expected: list[tuple[str, list[tuple[str, str]]]] = []
    for n in range(rows):
        if n % 8 == 0:
            lines.append(f"第{'一二三四五六七八'[n // 8]}类指标")
        lines += [f"第{n + 1}项指标增长率", str(n % 3 + 1)]
        merged = n % 5 == 4  # written once, on the row above
        if not merged:
            lines += [f"{n * 7 + 10}" if n % 2 else "年终根据全省平均水平综合考核", units[n % 4]]
        cell = units[(n - 1) % 4] if merged else units[n % 4]
        names = [cell] if "统计局" not in cell[3:] else [cell[:4], cell[4:]]
        expected.append((f"第{n + 1}项指标增长率", [(u, "lead" if len(names) == 1 else "responsible") for u in names]))
    return "\n".join(lines), expected


def test_an_indicator_table_one_cell_per_line_without_numbers(tmp_path: Path) -> None:
    text, expected = _indicator_table(41)  # the last row written whole (a short last row is the cut one)
    document = _read(tmp_path, text)
    assert [(t, units) for t, units, _l, _d in _rows(document)] == expected
    assert [(c, r) for c, r in document.tables[0].columns] == [
        ("考核项目", "text"), ("分值", "extra"), ("目标任务", "extra"), ("考核单位", "units")]
    assert document.key_tasks[9].category == "第二类指标"


def test_an_indicator_table_cut_inside_its_last_row(tmp_path: Path) -> None:
    text, expected = _indicator_table(12)
    document = _read(tmp_path, text + "\n第13项指标增长率\n2\n年终根据全省平")
    assert [t for t, *_rest in _rows(document)] == [t for t, _u in expected]
    assert any("中断" in w.message for w in document.warnings)


@pytest.mark.parametrize(("cell", "names"), [
    ("区发改局区统计局", ["区发改局", "区统计局"]),
    ("市发改委市统计局市财政局", ["市发改委", "市统计局", "市财政局"]),
    ("县委办县政府办", ["县委办", "县政府办"]),
    ("区委区政府督查室", ["区委区政府督查室"]),  # one office named after both
    ("区住建局市政所", ["区住建局市政所"]),  # another level's word inside: one body's section
    ("市公安局", ["市公安局"]),
])
def test_units_written_together_without_a_separator(cell: str, names: list[str]) -> None:
    assert [n for n, _m in parse_unit_cell(cell)] == names


def test_label_lines_with_a_qualified_support_label_keep_group_addressees(tmp_path: Path) -> None:
    # A department's share of a work-report breakdown (牵头责任单位 / 主要协作单位 lines, as Anhui counties write
    # them): the support list mixes 、 and , and names groups, each kept as written.
    text = "\n".join([
        "县卫健委2021年政府工作报告任务分解", "1.创建国家卫生县城。", "牵头责任单位:县卫健委、县民政局",
        "主要协作单位:各乡镇人民政府、经济开发区管委会,县政府有关部门、有关直属单位", "2.推广家庭医生签约服务",
        "牵头责任单位:县卫健委", "主要配合单位:县医保局",
    ])
    assert _rows(_read(tmp_path, text)) == [
        ("创建国家卫生县城。", [("县卫健委", "lead"), ("县民政局", "lead"), ("各乡镇人民政府", "support"),
                        ("经济开发区管委会", "support"), ("县政府有关部门", "support"), ("有关直属单位", "support")], [], ""),
        ("推广家庭医生签约服务", [("县卫健委", "lead"), ("县医保局", "support")], [], ""),
    ]


def _pipe_cells(rows: int) -> tuple[str, list[tuple[str, str, list[str]]]]:
    """A table copied one cell a line with a lone `|` between cells (a mirror of a district's 分解落实方案): 序号 and
    项目 merged over the group, each task numbered inside its own cell, ★ before the lead unit. The leader cell is
    merged over some rows (not written, one `|` more closing the row: they share the leader above) and written empty
    on others (`|` then `|`: no leader). Returns the text and, per row, (task, lead unit, leaders)."""
    lines = ["某某区2024年重点工作目标任务分解落实方案", "序号", "|", "项目", "|", "重点工作目标任务", "|", "牵头领导", "|",
             "责任单位", "|", "一、2024年全区主要预期目标", "|", "||||", "1", "|", "主要预期目标", "|"]
    expected: list[tuple[str, str, list[str]]] = []
    leaders: list[str] = []
    for n in range(1, rows + 1):
        task, lead = f"第{n}项指标增长{n}%以上。", f"区{'发改委工信局商务局'[n % 3 * 3:n % 3 * 3 + 3]}"
        lines += [f"{n}.{task}", "|"]
        if n % 4 in (0, 1):  # a leader cell: one name spread by a space, or two names one a line
            leaders = ["钱宇"] if n % 8 in (0, 1) else ["王嵘", "方勇"]
            lines += [*({"钱宇": "钱 宇", "王嵘": "王 嵘", "方勇": "方 勇"}[name] for name in leaders), "|"]
        elif n % 4 == 3:
            lines += ["|"]  # written empty
            leaders = []
        expected.append((task, lead, leaders))  # n % 4 == 2: the cell above spans this row
        lines += [f"★{lead}、统计局", "|", "|||" if n % 4 == 2 else "||"]
    return "\n".join(lines), expected


@pytest.mark.parametrize("rows", [9, 60])
def test_pipe_cells_with_merged_and_empty_leader_cells(tmp_path: Path, rows: int) -> None:
    text, expected = _pipe_cells(rows)
    document = _read(tmp_path, text)
    assert [(r.text, r.details.no_text) for r in document.key_tasks] == [(t, str(n)) for n, (t, _l, _p) in
                                                                           enumerate(expected, start=1)]
    assert [([(u.name, u.part) for u in r.units], r.details.leaders) for r in document.key_tasks] == [
        ([(lead, "lead"), ("统计局", "support")], leaders) for _t, lead, leaders in expected]


# --- a single unit column whose cells say each unit's role in words, in every table layout


ROLE_CELL_CASES = [
    ("县发改局牵头，县财政局、县统计局配合", [("县发改局", "lead"), ("县财政局", "support"), ("县统计局", "support")]),
    ("县住建局（牵头）、县财政局", [("县住建局", "lead"), ("县财政局", "support")]),
    ("县教育局负责，各街道配合", [("县教育局", "lead"), ("各街道", "support")]),
    ("由县民政局牵头，县卫健委参与", [("县民政局", "lead"), ("县卫健委", "support")]),
    ("主办：县发改局；协办：县财政局、县统计局", [("县发改局", "lead"), ("县财政局", "support"), ("县统计局", "support")]),
    ("县发改局牵头，县财政局", [("县发改局", "lead"), ("县财政局", "support")]),
    # a role word inside a unit's own name splits nothing; 负责 alone marks no lead (a sole unit leads as before)
    ("县项目建设牵头办", [("县项目建设牵头办", "lead")]),
    ("县配合协调办、县财政局", [("县配合协调办", "responsible"), ("县财政局", "responsible")]),
    ("县发改局负责", [("县发改局", "lead")]),
    ("县发改局、县财政局负责", [("县发改局", "responsible"), ("县财政局", "responsible")]),
    ("县发改局、县财政局", [("县发改局", "responsible"), ("县财政局", "responsible")]),
]


def _role_table(layout: str, cell: str) -> str:
    rows = [["序号", "工作任务", "责任单位", "完成时限"], ["1", "推进重点工程建设，完成年度投资3亿元。", cell, "6月底前"],
            ["2", "新建城乡道路十公里。", "县交通运输局", "12月底前"]]
    body = {"tab": "\n".join("\t".join(r) for r in rows), "pipe": "\n".join(f"| {' | '.join(r)} |" for r in rows),
            "lines": "\n\n".join(c for r in rows for c in r), "space": "\n".join(" ".join(r) for r in rows)}[layout]
    return f"某县2024年重点工作任务分解表\n{body}"


@pytest.mark.parametrize(("cell", "units"), ROLE_CELL_CASES, ids=[c for c, _u in ROLE_CELL_CASES])
@pytest.mark.parametrize("layout", ["tab", "pipe", "lines", "space"])
def test_role_words_in_a_unit_cell(tmp_path: Path, layout: str, cell: str, units: list[tuple[str, str]]) -> None:
    rows = _rows(_read(tmp_path, _role_table(layout, cell)))
    assert [r[1] for r in rows] == [units, [("县交通运输局", "lead")]], (layout, cell)


@pytest.mark.parametrize(("lead", "support", "units"), [
    # role words agreeing with their column drop off
    ("县发改局牵头", "县财政局、县统计局配合", [("县发改局", "lead"), ("县财政局", "support"), ("县统计局", "support")]),
    # a lead column next to a support column gives roles by column: a cell's words of another role change none
    ("县发改局", "县财政局牵头，县统计局配合", [("县发改局", "lead"), ("县财政局", "support"), ("县统计局", "support")]),
], ids=["agreeing", "by-column"])
def test_role_words_beside_a_lead_column(tmp_path: Path, lead: str, support: str, units: list[tuple[str, str]]) -> None:
    text = "\n".join(["某县2024年重点工作任务分解表", "序号\t工作任务\t牵头单位\t配合单位",
                      f"1\t推进重点工程建设。\t{lead}\t{support}", "2\t新建城乡道路十公里。\t县交通运输局\t县财政局"])
    assert _rows(_read(tmp_path, text))[0][1] == units


@pytest.mark.parametrize(("value", "clauses"), [
    ("省财政厅主办,省国税局、地税局协办", [("lead", "省财政厅"), ("support", "省国税局、地税局")]),
    ("牵头单位：市发改委；配合单位：市财政局", [("lead", "市发改委"), ("support", "市财政局")]),
    ("市财政局配合", [("units", "市财政局")]),
    ("县发改局负责", [("units", "县发改局")]),
    ("市发改委、市财政局", None),
    ("县项目建设牵头办", None),
    ("推进改革牵头，各部门配合", None),
], ids=["zhuban-xieban", "labels", "support-only", "responsible", "no-role", "role-word-in-name", "not-units"])
def test_role_clauses(value: str, clauses: list[tuple[str, str]] | None) -> None:
    from knowledge.ingest.cells import role_clauses

    assert role_clauses(value, explicit=True) == clauses


def test_labels_in_tortoise_brackets_and_others_left_unnamed(tmp_path: Path) -> None:
    """〔牵头单位:…,责任单位:…〕 as (…) is read (钢城), and "X等有关部门" names X alone (the others are not named)."""
    document = _read(tmp_path, "区政府办公室关于印发营商环境重点任务分工方案的通知\n"
                               "1.全面承接落实上级改革事项。〔牵头单位:区政府办公室,责任单位:区政府有关部门,各街道(功能区)〕\n"
                               "2.推行证明事项告知承诺制。(牵头单位:区政府办公室;责任单位:区司法局等有关部门)\n"
                               "3.规范行政执法。(牵头单位:区司法局;责任单位:区政府有关部门)\n")
    assert _rows(document)[:2] == [
        ("全面承接落实上级改革事项。", [("区政府办公室", "lead"), ("区政府有关部门", "support"),
                                ("各街道(功能区)", "support")], [], ""),
        ("推行证明事项告知承诺制。", [("区政府办公室", "lead"), ("区司法局", "support")], [], "")]
