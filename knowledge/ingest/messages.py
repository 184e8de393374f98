"""What the document readers say when a file is not what they expect: one sentence each, naming the place
in Chinese and, after the colon, what was expected (the operator who fixes the file reads both).

`{…}` fields are filled by the reader; every message here is raised as a DocumentError with the line.
"""

# The bundled notice's reader (knowledge/ingest/text.py).
NOT_A_NUMERAL = "{what}“{text}”不是可识别的序号：expected 1–99 written as 一…九十九 or digits"
NO_SUCH_DATE = "日期“{year}年{month}月{day}日”不存在：expected a real date"
HEADER_MISSING = "表头缺少列 {missing}：expected a header such as “{example}”"
NOT_UTF8 = "文件不是 UTF-8 文本（第 {byte} 字节）：expected a UTF-8 text export of the notice"
BINARY = "文件含有二进制内容：expected a UTF-8 text export of the notice"
NO_ATTACHMENT_1 = "找不到“附件 1”：expected the key-task attachment (附件 1) after the notice"
NO_KEY_TASKS = "附件 1 没有任何重点工作：expected at least one table row"
NO_ATTACHMENT_2 = "文件在附件 1 中结束，找不到“附件 2”：the file looks truncated"
NO_YEAR = "找不到文件年份：expected a 文号 such as 〔2023〕 or a dated title"
HEADER_BEFORE_SECTION = "表头出现在任何分节标题之前：expected a heading such as “二、…牵头重点工作”"
KEY_ROW_BEFORE_HEADER = "表格行之前没有表头：expected a header row “序号\t重点工作\t责任单位\t备注”"
KEY_LINE_UNKNOWN = "无法识别的行“{line}”：expected a table row (cells separated by tabs), a section heading or “附件 2”"
SECTION_OUT_OF_ORDER = "分节序号为“{found}”：expected section {expected}"
TOO_FEW_CELLS = "表格行只有 {cells} 列：expected 序号, 重点工作 and 责任单位 separated by tabs"
CONTINUATION_FIRST = "续行之前没有任何表格行：expected a 序号 in the first cell"
ROW_NUMBER_NOT_DIGITS = "序号“{no}”不是数字：expected a row number"
ROW_OUT_OF_ORDER = "序号为 {no}：expected {expected} in section {section}"
KEY_CELL_EMPTY = "第 {no} 项缺少{missing}：expected a non-empty cell"
LIVELIHOOD_ROW_BEFORE_HEADER = "表格行之前没有表头：expected “序号\t项目名称\t项目内容\t牵头领导\t牵头单位”"
LIVELIHOOD_LINE_UNKNOWN = "无法识别的行“{line}”：expected a table row or the 抄送/印发 footer"
NO_LIVELIHOOD = "附件 2 没有任何民生实事：expected at least one table row"
NO_FOOTER = "文件结束于附件 2 表格之中，缺少“抄送”/“印发”落款：the file looks truncated"
PROJECT_NOT_DIGITS = "序号“{no}”不是数字：expected a project number"
PROJECT_OUT_OF_ORDER = "项目序号为 {no}：expected {expected} (or {current} when a project continues after a page break)"
NO_PROJECT_NUMBER = "第一行缺少项目序号：expected a project number"
LIVELIHOOD_CELL_EMPTY = "民生实事第 {project} 项缺少{missing}：expected a non-empty cell"

# An operator's place file (`duban import FILE --overrides FILE`, knowledge/ingest/__init__.py).
OVERRIDES_UNREADABLE = "无法读取覆盖文件 {path}（{error}）：expected a UTF-8 TOML file such as knowledge/data/places/*.toml"
OVERRIDES_INVALID = "覆盖文件有误：{error}；请按 knowledge/data/places/*.toml 的写法改正（place、streets、[[unit]]、[[group]]）"
