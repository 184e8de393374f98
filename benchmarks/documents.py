"""Generated task-assignment documents of many places, years, levels and layouts (the scale benchmark's and
the tests' documents): each is text a reader accepts as a real notice would be written."""

from __future__ import annotations

import random
from dataclasses import dataclass

_CITIES = ("湖州", "温州", "鞍山", "滁州", "信阳", "成都", "宁波", "丽水", "汉中", "鄂州", "咸宁", "郑州")
_LOCALS = ("吴兴", "鹿城", "立山", "南谯", "平桥", "锦江", "海曙", "莲都", "洋", "华容", "嘉鱼", "新密",
           "安吉", "瑞安", "铁东", "定远", "罗山", "金牛", "江北", "缙云", "城固", "梁子湖", "通山", "登封")
_LEVELS = ("区", "县", "市")
_BODIES = ("发改局", "财政局", "民政局", "教育局", "卫健局", "住建局", "人力社保局", "市场监管局", "农业农村局",
           "交通运输局", "商务局", "文广旅体局", "应急管理局", "生态环境分局", "自然资源局", "水利局", "科技局",
           "统计局", "城管局", "医保局", "退役军人事务局", "司法局", "公安分局", "税务局")
_TASKS = ("新改建老年食堂{n}家", "新增城镇就业岗位{n}个", "完成老旧小区改造{n}个", "新建公办幼儿园{n}所",
          "新增养老床位{n}张", "建成口袋公园{n}个", "改造农村公路{n}公里", "新增停车泊位{n}个",
          "完成危房改造{n}户", "培训技能人才{n}人次", "新增学位{n}个", "建设充电桩{n}个",
          "开展义诊活动{n}场", "新建城乡供水管网{n}公里", "引进重大项目{n}个")
_DEADLINES = ("{year}年6月底", "{year}年9月底", "{year}年12月底", "{year}年11月底")


@dataclass(frozen=True)
class Generated:
    """A generated notice: its key, place, year and text."""

    key: str
    place: str
    year: int
    text: str


def generated(index: int, seed: int = 8) -> Generated:
    """Document number `index`: its place, year, level, layout and rows drawn from `index` and `seed`."""
    rng = random.Random(seed * 100_003 + index)
    city, local = _CITIES[index % len(_CITIES)], _LOCALS[(index // len(_CITIES)) % len(_LOCALS)]
    level = _LEVELS[index % len(_LEVELS)]
    place = f"{city}市{local}{level}" if level != "市" else f"{city}{local}市"
    year = 2016 + index % 9
    rows = rng.randint(8, 40)
    table = rng.random() < 0.5
    lines = [f"{place}人民政府办公室关于印发{year}年政府工作报告重点工作责任分解的通知",
             f"{local}政办发〔{year}〕{index % 97 + 1}号",
             f"各乡镇人民政府、街道办事处，{level}政府各部门：",
             f"现将《{year}年政府工作报告重点工作责任分解》印发给你们，请认真贯彻落实。"]
    if table:
        lines.append("序号\t工作任务\t牵头单位\t责任单位\t完成时限")
    for number in range(1, rows + 1):
        task = rng.choice(_TASKS).format(n=rng.randint(2, 900))
        units = [f"{level}{b}" for b in rng.sample(_BODIES, rng.randint(1, 4))]
        deadline = rng.choice(_DEADLINES).format(year=year)
        if table:
            lines.append(f"{number}\t{task}\t{units[0]}\t{'、'.join(units[1:])}\t{deadline}")
        else:
            lines += [f"{number}. {task}。", f"牵头单位：{units[0]}"]
            if units[1:]:
                lines.append(f"责任单位：{'、'.join(units[1:])}")
            lines.append(f"完成时限：{deadline}")
    lines += [f"{place}人民政府办公室", f"{year}年3月1日印发"]
    return Generated(f"gen-{index:04d}-{year}", place, year, "\n".join(lines) + "\n")
