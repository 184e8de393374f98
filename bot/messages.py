"""Every user-facing Chinese string of the answers (bot/answer.py, bot/render.py and the notes bot/nlu adds).

Telegram's own wording (commands, buttons, alerts) is in handlers/texts.py; the reminders feature's in
bot/reminders/messages.py.
"""

from __future__ import annotations

KIND = {"key_task": "重点工作", "livelihood": "民生实事"}
KIND_NOUN = {"key_task": "重点工作", "livelihood": "民生实事", "": "工作"}
TABLES_JOIN = "和"  # the document's tables named together: 重点工作和民生实事
# 负责: a unit of a row the document marks no lead on (one 责任单位 list; exported as lead, CONTRACT §5).
ROLE = {"lead": "牵头", "support": "配合", "responsible": "负责"}
BASIS = {"lead": "据其牵头的工作", "all": "据其参与的工作（该单位没有牵头的工作）"}

UNIT_ALL = "{unit}共涉及 {n} 项{scope}（牵头 {lead} 项，配合 {support} 项）"
UNIT_LEAD = "{unit}牵头 {n} 项{scope}"
UNIT_LEAD_SHARED = "{unit}牵头或负责 {n} 项{scope}（其中 {shared} 项文件未标明牵头单位，由所列单位共同负责）"
UNIT_PARTS = "{unit}共涉及 {n} 项{scope}（{parts}）"
PART_COUNT = "{role} {n} 项"
SHARED_PART = "与其他单位共同负责"
UNIT_SUPPORT = "{unit}配合（不牵头）{n} 项{scope}"
UNITS_TOGETHER = "{units}共同参与 {n} 项{scope}"
SUPERVISOR = "{unit}牵头工作的{supervising}：{leaders}"
UNIT_LEADER = "{unit}的{supervising}：{leaders}（{basis}）"
NO_LEADER = "{unit}参与的工作没有写明{supervising}"
LEADERS_OF_UNITS = "各单位的{supervising}如下"
LEADER_ITEMS = "{leader}牵头 {n} 项{scope}"
LEADER_OVERALL = "{leader}：全部工作{remark}"
LEADER_OVERALL_WHY = "文件第{section}部分写明“{remark}”，没有单列由其牵头的具体工作"
SPLIT = "：{key_name} {key} 项，{live_name} {live} 项"
TOPIC = "与“{topic}”有关的{scope}共 {n} 项"
TOPIC_LEADS = "“{topic}”的牵头单位：{units}（共 {n} 项）"
TOPIC_RESPONSIBLE = "“{topic}”的责任单位：{units}（共 {n} 项）"
TOPIC_LEADERS = "“{topic}”的{leading}：{leaders}（共 {n} 项）"
WHO = "{label}：牵头单位 {leads}"
WHO_SHARED = "{label}：责任单位 {units}（未标明牵头单位）"
WHO_SUPPORT = "；配合单位 {support}"
# A unit named by the document otherwise than the unit list names it: "区发改局（文件写作“发改委”）".
AS_WRITTEN = "{unit}（文件写作“{written}”）"
WHO_LEADER = "；{leading} {leader}"
NO_LEAD = "（未标明）"
MULTI_LEAD = "由两个及以上单位共同牵头的{scope}共 {n} 项"
STAR_MEANING = "责任单位中标记 * 的为牵头单位（文件各部分“注：标记*的为牵头单位”）；只列一个单位的，该单位即牵头单位。"
LEADERS_OVERVIEW = "{scope}共有 {n} 位{leading}"
UNITS_OVERVIEW = "{scope}共有 {n} 个牵头单位"
ONLY_NOTED = "（只列出有备注的工作）"
WITH_NOTES = "有备注的工作共 {n} 项"
CATEGORY = "{table}“{categories}”共 {n} 项"
SCOPE_COUNT = "文件共有{scope} {n} 项"
SCOPE_COUNT_ALL = "文件共有 {n} 项工作：{parts}"
PROJECTS = "（{n} 个项目）"
ITEMS = "{labels}"
RELATED = "另有 {parts}（未计入上面，可能涉及本单位）"
RELATED_PART = "{n} 项由{group}共同承担"
COUNTED = "{name}（{n} 项）"
TALLY = "{name}：{n} 项"
LABELLED = "{label}：{text}"
REMARK = "{leader}：{remark}"
TOPIC_IGNORED = "没有找到与“{topic}”相关的，以下列出全部"
NOTHING_FOUND = "没有找到与“{topic}”有关的工作。"
NOT_ABOUT_DOCUMENT = "抱歉，这个问题不在文件的{tables}范围内。"
OTHER_YEAR = "这份文件是 {year} 年的责任分解，回答不了其他年份的问题。"
OTHER_PLACE = "本文件是{place}的，没有“{name}”的任务。"
THIS_PLACE = "本地"
UNKNOWN_UNIT = "文件中没有找到“{name}”这个单位。"
# Notes on how a question's names were read
READ_AS = "已将“{written}”理解为“{name}”"
NOT_A_UNIT_NOTE = "文件中没有“{name}”这个单位"
DID_YOU_MEAN = "您是不是要找："
AMBIGUOUS = "“{name}”可能指：{options}。请说明是哪一位（或哪一个）。"
HELP = "我是督办助手，可以回答关于《{title}》的问题。"
# Example questions, written for the bundled document: shown where the answering document answers each of
# them, else examples made from that document (bot/examples.py) by the EXAMPLE_ templates below.
EXAMPLES = ("区民政局负责哪些民生实事", "老年食堂谁管？", "伍国军分管哪些工作", "今年新增多少养老床位",
            "七都街道有什么任务")
# What help and command texts show as examples for the bundled document (bot/examples.py's Chrome); another
# document shows its own. `items` are the row numbers of each of its tables.
WRITTEN_ITEMS = ("五-12", "民生实事5-1")
WRITTEN_CHROME = {"unit": "区民政局", "person": "伍国军", "question": "区民政局负责哪些工作"}
# A document with none of a kind to show: the kind of thing to write instead.
CHROME_NONE = {"item": "编号", "unit": "单位", "person": "姓名", "question": "问题"}
EXAMPLES_HEAD = "您可以这样问："
EXAMPLE_LINE = "· {question}"
EXAMPLES_INTRO = (EXAMPLES_HEAD, *(EXAMPLE_LINE.format(question=q) for q in EXAMPLES))
EXAMPLE_UNIT = "{unit}负责哪些{scope}"
EXAMPLE_WHO = "{topic}谁牵头"
EXAMPLE_WHO_SHARED = "{topic}谁负责"
EXAMPLE_LEADER = "{leader}分管哪些工作"
EXAMPLE_STREET = "{street}有什么任务"
EXAMPLE_LEAD = "{unit}牵头哪些"
EXAMPLE_COUNT = "{unit}有几项"

# The document's leaders, at its level ("区", "县", "市"; "" unknown): bot/wording.py fills these, or puts the
# document's own leader column header ("责任领导") in place of the 牵头/分管 forms.
LEADER = "{level}领导"
LEADING_LEADER = "牵头{level}领导"
SUPERVISING_LEADER = "分管{level}领导"

# How an answer joins its parts: names in a list, and the headlines of one answer.
LIST_SEPARATOR = "、"
HEADLINE_SEPARATOR = "；"

# Row details
DETAIL_UNITS = "责任单位"
DETAIL_LEAD_UNITS = "牵头单位"
SHARED_UNITS = "共同负责"
DETAIL_DEADLINE = "完成时限"
DETAIL_NOTE = "备注"
DETAIL_CATEGORY = "项目"
LEAD_MARK = "（牵头）"
ERROR_QUESTION = "这条消息无法处理：{reason}"
EMPTY_QUESTION = "请输入一个问题。"
TOO_LONG = "问题太长了（超过 {limit} 字），请精简后再问。"
# stderr of `duban ask`/`duban chat`: the line is still answered, with the bytes replaced by �.
BAD_BYTES = "第 {line} 行有 {count} 个字节不是有效的 UTF-8，已替换为 � 后照常回答。"

# Telegram HTML pages
CONTINUED = "（续）"
SHARED_TAGS = "以下各项均为：{tags}"  # the tags every listed row shares, said once
MORE_ROWS = "……另有 {n} 项未列出"
