"""Chinese strings only Telegram users see: /start, /help, commands, buttons, alerts, errors.

`{leader}` is the chat's document's leaders (区领导, 县领导 …), `{item}`/`{items}`/`{unit}`/`{person}` its own
examples (bot/examples.py's Chrome: the written ones, 五-12 或 民生实事5-1, for the bundled document).

Answer wording lives in bot/messages.py, the reminders feature's (/sub, /deadlines, digests) in
bot/reminders/messages.py.

Strings containing `{…}` placeholders are `str.format` templates; values put into HTML templates
must be escaped by the caller.
"""

from __future__ import annotations

# /start and /help (HTML): three lines and buttons; the way to ask depends on the chat.
START = (
    "<b>督办助手</b>：回答《{title}》{number}的问题，共{counts}、{units} 个责任单位。\n"
    "{how}\n"
    "发送 /sub 单位、{leader}或编号订阅期限提醒；/help 查看全部功能。"
)
QUOTED = "“{question}”"
START_NUMBER = "（{doc_number}）"
START_COUNT = "{name} {n} 项"
START_COUNT_JOIN = "、"
START_HOW_PRIVATE = "直接发问题即可，也可以点下面的例子："
START_HOW_GROUP = "在群里请 @{bot} 加问题、发送 /ask@{bot} 问题，或回复我的消息；也可以点下面的例子："
HELP_PRIVATE = (
    "<b>督办助手能做什么</b>\n"
    "<b>提问</b>：直接发送问题，例如{examples}。\n"
    "<b>命令</b>：/unit 单位　/leader 姓名　/item {items}（编号的几种写法都认）\n"
    "<b>提醒</b>：/sub 订阅单位、{leader}、某一项或“全部”，临近期限时每天一条汇总；"
    "/mysubs 查看和取消订阅；/deadlines 查看期限；/unsub 取消。\n"
    "<b>在别的聊天里</b>：输入 @{bot} 加关键词，把答案直接发到对话里；把我拉进群后，群里 @我 提问。\n"
    "答案较长时用 ◀ ▶ 翻页，点编号看详情。{admin}"
)
HELP_GROUP = (
    "<b>在群里怎么问</b>：@{bot} 加问题，或发送 /ask@{bot} 问题，或回复我的消息；其他消息我不会打扰。\n"
    "<b>命令</b>：/unit@{bot} 单位　/leader@{bot} 姓名　/item@{bot} {item}\n"
    "<b>提醒</b>：群管理员可以 /sub@{bot} 订阅本群的期限提醒，/mysubs@{bot} 管理，/deadlines@{bot} 查看期限。\n"
    "完整答案可点“私聊查看”。"
)
HELP_ADMIN = "\n<b>管理员</b>：/deadline {item} 2023-06-30 完成过半　设置期限；/deadline {item} 清除"
GROUP_HELLO = (
    "大家好，我是督办助手，可以回答关于《{title}》的问题。\n"
    "在群里请发送 /ask@{bot} 问题，或 @{bot} 加问题，或回复我的消息。"
)
# The bot's profile: what an empty chat shows before /start (≤ 512), and the short line (≤ 120).
DESCRIPTION = ("督办助手回答政府工作报告重点工作责任分解和民生实事项目的问题：哪个单位牵头、配合哪些工作、"
               "哪位区领导分管、某一项的详情；还能订阅单位或某一项，临近期限时提醒。点“开始”试试。")
SHORT_DESCRIPTION = "回答重点工作和民生实事的责任分工问题，临近期限时提醒。"
# The same for a document the written ones are not for (the bot's default document): its own tables and leaders.
DESCRIPTION_FITTED = ("督办助手回答{tables}的责任分工问题：哪个单位牵头、配合哪些工作、哪位{leader}分管、某一项的详情；"
                      "还能订阅单位或某一项，临近期限时提醒。点“开始”试试。")
SHORT_DESCRIPTION_FITTED = "回答{tables}的责任分工问题，临近期限时提醒。"
UNKNOWN_COMMAND = "未知命令，发送 /help 查看可用的命令。"
NO_SUCH_ITEM = "文件中没有编号“{code}”的条目。请写文件中的编号，例如 {examples}。"
ITEM_EXAMPLE = "/item {item}"
ITEM_EXAMPLES_JOIN = " 或 "
# A group message the document cannot answer (thanks, small talk): a few words, not the examples.
GROUP_NOT_ABOUT = "这个我答不上来。问文件里的工作，请 @{bot} 加问题。"
EXPIRED_LINK = "这条链接已经过期了，请直接在这里提问。"

# Commands
COMMAND_USAGE = {
    "ask": "请在命令后写上问题，例如：/ask 区民政局负责哪些民生实事",
    "unit": "请在命令后写上单位名称，例如：/unit 区民政局",
    "leader": "请在命令后写上区领导姓名，例如：/leader 伍国军",
    "item": "请在命令后写上条目编号，例如：/item 五-12 或 /item 民生实事5-1",
}
# The same for a document the written examples are not for (bot/examples.py): its own names.
COMMAND_USAGE_FITTED = {
    "ask": "请在命令后写上问题，例如：/ask {question}",
    "unit": "请在命令后写上单位名称，例如：/unit {unit}",
    "leader": "请在命令后写上领导姓名，例如：/leader {leader}",
    "item": "请在命令后写上条目编号，例如：/item {item}",
}
MENTION_ONLY = "请在 @{bot} 后面写上问题，例如：@{bot} {question}"
UNIT_QUESTION = "{}负责哪些工作"
LEADER_QUESTION = "{}分管哪些工作"

# Buttons
PREVIOUS = "◀ 上一页"
NEXT = "下一页 ▶"
PAGE_OF = "{page}/{pages}"
FIRST = "⏮ 首页"
LAST = "末页 ⏭"
SHOW_ALL = "展开全部 {n} 项"
OPEN_PRIVATE = "私聊查看"
BACK = "↩ 返回列表"
# When no name is close to an unknown one: buttons listing everything, as (label, question asked);
# {leader} is the chat's document's leaders (区领导, 县领导 …).
FALLBACKS = (("全部牵头单位", "文件里有哪些牵头单位"), ("全部{leader}", "有哪些{leader}"))

# Callback answers (shown as alerts or toasts, at most 200 characters)
STALE = "这条回答已经过期了，请重新提问。"
FORGED = "这个按钮无法识别，请重新提问。"
NO_SUCH_ROW = "文件中没有这一项（可能文件已经更新），请重新提问。"
NO_SUCH_PAGE = "没有这一页了，请重新提问。"

# Inline mode
INLINE_EXAMPLE = "例：{question}"
INLINE_MORE = "在私聊中查看全部"
INLINE_START = "私聊督办助手"
INLINE_NOTHING = "没有找到，点这里私聊提问"
INLINE_ROW_TITLE = "{label} · 牵头 {leads}"
INLINE_LEADS_MORE = "等"

# Errors
# The apology names what failed: answering (a bug, logged) or sending (Telegram refused the reply).
SORRY_ANSWER = "抱歉，“{question}”没能回答：程序出了错，已经记录下来了。请稍后再试，或换个问法。"
SORRY_SEND = "抱歉，“{question}”的回答没能发出（Telegram 拒收），已经记录下来了。请稍后再试。"
SORRY_BUTTON = "抱歉，这个按钮没能完成（程序出了错，已记录）。请稍后再试，或重新提问。"
ADMIN_ALERT = "<b>督办出错</b>：{error}\n{where}\n<pre>{trace}</pre>"

# Command menu descriptions
CMD_START = "开始使用：督办助手能回答什么"
CMD_HELP = "使用帮助"
CMD_ASK = "提问，例如 /ask 区民政局负责哪些民生实事"
CMD_UNIT = "查单位的工作，例如 /unit 区民政局"
CMD_LEADER = "查区领导牵头的工作，例如 /leader 伍国军"
CMD_ITEM = "查某一项的详情，例如 /item 五-12"
# The same for a default document the written examples are not for (bot/app.py publishes the menus once, for
# every chat: the default document's words, as the bot's profile).
CMD_ASK_FITTED = "提问，例如 /ask {question}"
CMD_UNIT_FITTED = "查单位的工作，例如 /unit {unit}"
CMD_LEADER_FITTED = "查{leader}牵头的工作，例如 /leader {person}"
CMD_ITEM_FITTED = "查某一项的详情，例如 /item {item}"
