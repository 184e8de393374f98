"""The text reader: every tricky thing the bundled document does, case by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import read_document
from knowledge.ingest.document import Document, DocumentError, UnitMention
from knowledge.ingest.text import TextReader, parse_leader, split_units
from knowledge.vocabulary import BUNDLED_DOCUMENT, load_vocabulary

SOURCE = BUNDLED_DOCUMENT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def document() -> Document:
    return read_document(BUNDLED_DOCUMENT)


def task(document: Document, code: str) -> object:
    return next(t for t in document.key_tasks if t.code == code)


def line(document: Document, code: str) -> object:
    return next(i for i in document.livelihood if i.code == code)


def test_counts(document: Document) -> None:
    assert len(document.key_tasks) == 142
    assert [s.number for s in document.sections] == list(range(1, 12))
    assert {t.section for t in document.key_tasks} == set(range(2, 12))
    assert len(document.livelihood) == 34
    assert len({i.project for i in document.livelihood}) == 12


def test_notice(document: Document) -> None:
    assert document.doc_number == "温鹿政办〔2023〕12号"
    assert document.year == 2023
    assert document.issued.isoformat() == "2023-02-27"
    assert document.printed is not None and document.printed.isoformat() == "2023-03-03"
    assert document.issuer == "温州市鹿城区人民政府办公室"
    assert document.title.startswith("温州市鹿城区人民政府办公室关于印发")
    assert "责任分解和民生实事" in document.title  # the line wrap inside 责任 分解 is joined


@pytest.mark.parametrize(("code", "units"), [
    ("K2-2", [("区财政局", True), ("区税务局", False)]),
    ("K2-1", [("区发改局", True)]),  # sole unit leads
    ("K2-21", [("区发改局（区委社建委）", True)]),  # parentheses kept, sole unit leads
    ("K2-13", [("区委改革办", True), ("区府办（区“两个健康”办）", True)] + [(u, False) for u in (
        "区纪委监委机关", "区委统战部", "区委政法委", "区发改局", "区经信局", "区司法局", "区市场监管局",
        "区政务服务中心", "区工商联", "各街镇")]),  # two starred leads
    ("K11-1", [("区政府直属各单位", False), ("各街镇", False)]),  # groups alone: nobody leads
    ("K2-29", [("区财政局", True), ("全区各部门", False), ("各街镇", False)]),
    ("K10-15", [("区处非办", True), ("区委宣传部(区网信办)", False), ("区委政法委", False),
                ("区公安分局", False), ("区金融办", False), ("相关街镇", False)]),  # half-width punctuation
    ("K10-4", [("区投资促进服务中心", True), ("区楼宇发展中心（筹）", True), ("相关街镇", False)]),
], ids=["starred", "sole", "parentheses", "two-leads", "groups-only", "group-addressees", "half-width", "qualifier"])
def test_units(document: Document, code: str, units: list[tuple[str, bool]]) -> None:
    assert [(u.name, u.lead) for u in task(document, code).units] == units  # type: ignore[attr-defined]


@pytest.mark.parametrize(("code", "note"), [
    ("K2-13", "根据区委工作安排，由区委改革办牵头。"),
    ("K2-20", "根据工作需要，相关工作请区法院、检察院予以支持。"),
    ("K2-1", ""),
])
def test_notes(document: Document, code: str, note: str) -> None:
    assert task(document, code).note == note  # type: ignore[attr-defined]


@pytest.mark.parametrize(("code", "category", "text", "leader", "leads"), [
    ("L1-2", "幼有所育", "完成 10 座公园适儿化项目综合改造提升。", "杨丽霞", ["区综合行政执法局"]),  # empty leading cells
    ("L2-1", "学有所教", "新开工中小学、幼儿园 8 所。", "张伟", ["区教育局"]),  # "张 伟"
    ("L7-2", "居有所安", "改造提升社区微型消防站 20 个。", "林杰", ["区消防救援大队", "区应急管理局"]),  # space-separated
    ("L8-1", "弱有所扶", "新增认知障碍者床位 60 张。", "伍国军", ["区民政局"]),
    ("L8-2", "弱有所扶", "为 100 户残疾人家庭实施无障碍改造。", "伍国军", ["区残联"]),  # split across a page break
    ("L12-2", "灾有所防", "建设安全宣传“五进”（进企业、进农村、进社区、进学校、进家庭）活动示范点 10 个。", "林杰",
     ["区应急管理局"]),
], ids=["continuation", "spaced-name", "two-leads", "before-break", "after-break", "parentheses-in-text"])
def test_livelihood(document: Document, code: str, category: str, text: str, leader: str, leads: list[str]) -> None:
    item = line(document, code)
    assert (item.category, item.text, item.leader, item.lead_units) == (category, text, leader, leads)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("heading", "name", "titles"), [
    ("林杰常委、常务副区长", "林杰", ["常委", "常务副区长"]),
    ("张崇波区长", "张崇波", ["区长"]),
    ("潘旭光副区长", "潘旭光", ["副区长"]),
    ("周岷副区长", "周岷", ["副区长"]),
])
def test_leader_headings(heading: str, name: str, titles: list[str]) -> None:
    assert parse_leader(heading) == (name, titles)


def test_sections_record_leaders(document: Document) -> None:
    assert [(s.number, s.leader) for s in document.sections[:3]] == [(1, "张崇波"), (2, "林杰"), (3, "张伟")]
    assert document.sections[0].remark == "总负责。" and not document.sections[0].tasks
    assert document.sections[10].leader == ""


def test_header_rows_at_page_breaks_are_not_rows(document: Document) -> None:
    assert all(t.text != "重点工作" for t in document.key_tasks)
    assert [t.no for t in document.sections[1].tasks] == list(range(1, 30))


@pytest.mark.parametrize(("cell", "names"), [
    ("*区发改局（区六重办）、区经信局，各街镇", ["*区发改局（区六重办）", "区经信局", "各街镇"]),
    ("区消防救援大队 区应急管理局", ["区消防救援大队", "区应急管理局"]),
    ("区委宣传部(区网信办)、区金融办,相关街镇", ["区委宣传部(区网信办)", "区金融办", "相关街镇"]),
])
def test_split_units(cell: str, names: list[str]) -> None:
    assert split_units(cell) == names


def _reader() -> TextReader:
    return TextReader(load_vocabulary().is_group)


def _cut(marker: str, keep: bool = False) -> str:
    index = SOURCE.index(marker)
    return SOURCE[: index + (len(marker) if keep else 0)]


@pytest.mark.parametrize(("text", "message"), [
    (_cut("附件 2"), "找不到“附件 2”"),
    (_cut("抄送"), "缺少“抄送”/“印发”落款"),
    (_cut("附件 1"), "找不到“附件 1”"),
    (SOURCE.replace("3\t城镇居民人均可支配收入", "4\t城镇居民人均可支配收入", 1), "expected 3"),
    (SOURCE.replace("三、张伟", "五、张伟", 1), "expected section 3"),
    (SOURCE.replace("\t区发改局\t\n", "\t\t\n", 1), "缺少责任单位"),
    (SOURCE.replace("序号\t重点工作\t责任单位\t备注", "编号\t事项\t单位\t说明", 1), "表格行之前没有表头"),
    (SOURCE.replace("9\t食有所依", "13\t食有所依", 1), "项目序号为 13"),
    (SOURCE.replace("注：标记*的为牵头单位", "这一行不应出现在这里", 1), "无法识别的行"),
], ids=["no-attachment-2", "truncated-in-table", "no-attachment-1", "row-number-gap", "section-gap", "empty-units",
        "unknown-header", "project-gap", "garbage-line"])
def test_broken_documents_name_the_line(text: str, message: str) -> None:
    with pytest.raises(DocumentError) as error:
        _reader().read(text, key="broken", source="broken.txt")
    assert message in str(error.value)
    assert "broken.txt" in str(error.value)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    with pytest.raises(DocumentError, match="UTF-8"):
        read_document(path)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(DocumentError, match=r"\.pdf"):
        read_document(path)


def test_star_marks_are_not_names(document: Document) -> None:
    assert all(not u.name.startswith("*") for t in document.key_tasks for u in t.units)
    assert UnitMention("区财政局", True, True) in task(document, "K2-2").units  # type: ignore[attr-defined]
