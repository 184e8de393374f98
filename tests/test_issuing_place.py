"""Where a document says it is from: the issuing government its opening lines name (knowledge.language
`issuing_place`), never a place read out of a sentence or an addressee list."""

from __future__ import annotations

import pytest

from knowledge.language import banner_place, issuing_place

CASES = [
    ("温州市鹿城区人民政府办公室文件", "温州市鹿城区"),
    ("滁州市人民政府关于2020年市政府重点工作及责任分解的通知", "滁州市"),
    ("【市政府重点工作及责任分解】滁州市人民政府关于2020年市政府重点工作及责任分解的通", "滁州市"),
    ("  • 来源:苍南县人民政府办公室", "苍南县"),
    ("关于印发海盐县人民政府2022年重点工作责任分解的通知", "海盐县"),
    ("新疆维吾尔自治区人民政府办公厅", "新疆维吾尔自治区"),
    ("北京市石景山区人民政府", "北京市石景山区"),
    # sentences and addressees name no issuer
    ("根据市政府部署，现将有关事项通知如下", ""),
    ("经县人民政府同意，现将……印发给你们", ""),
    ("已报经区政府同意", ""),
    ("并于每季度末向市政府报送进展情况", ""),
    ("请于12月10日前以书面形式报区政府督查室", ""),
    ("各县（市、区）人民政府，市人民政府各部门：", ""),
    ("市级各有关部门及各县市区人民政府", ""),
    ("2022年区政府民生实事进展情况", ""),
    ("2024年度市政府重点工作", ""),
    ("一、分解表序号项目名称主要内容区政府", ""),
]


@pytest.mark.parametrize(("line", "place"), CASES)
def test_issuing_place(line: str, place: str) -> None:
    assert issuing_place(line) == place


BANNERS = [
    ("对有明确时间节点的重许昌市人民政府文件许政〔2020〕21号大工作实行专项督查", "许昌市"),
    ("，确保如期完成温州市鹿城区人民政府办公室文件温鹿政办〔2023〕5号。", "温州市鹿城区"),
    # a banner without its number, or a number whose first character opens no place before it, names none
    ("按照许昌市人民政府文件要求", ""),
    ("现将许昌市人民政府文件国发〔2020〕3号转发", ""),
]


@pytest.mark.parametrize(("line", "place"), BANNERS)
def test_banner_run_into_text(line: str, place: str) -> None:
    assert banner_place(line) == place
