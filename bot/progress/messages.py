"""Every user-facing sentence of progress reporting (chat and command line), in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module at start-up: no SQLAlchemy for `duban ask`
    from knowledge.progress.store import EventInfo

CMD_BIND = "申请为本单位报送进展：/bind 单位名称"
CMD_BINDS = "（管理员）查看和管理报送绑定"
CMD_REPORT = "填报本单位本期工作进展"
CMD_OVERVIEW = "（管理员）本期进展总览：红黄绿、未报单位"
CMD_EXPORT = "（管理员）导出本期督查通报表（Excel）"
CMD_CHART = "（管理员）本期进展图：/chart 或 /chart 单位"

BIND_USAGE = "用法：/bind 单位名称，例如 /bind 区民政局"
UNKNOWN_UNIT = "没有找到单位“{unit}”。请写出文件中的单位名称，例如 区民政局。"
GROUP_UNIT = "“{unit}”是对多个单位的统称，不能绑定；请写出具体单位。"
BIND_ONLY_GROUP_ADMINS = "抱歉，只有本群的管理员可以为本群申请绑定单位。"
BIND_ALREADY = "本聊天已绑定为 {unit} 的报送人。发送 /report 填报进展。"
BIND_PENDING = "已提交申请：本聊天为 {unit} 报送进展。等待督办管理员审核，审核后会通知您。"
BIND_NO_ADMIN = "已记录申请，但尚未配置督办管理员（DUBAN_ADMINS），请联系督查室用 duban binds add 办理。"
BIND_REQUEST = "📝 <b>绑定申请</b> #{id}\n{who}申请以“{chat}”为 <b>{unit}</b> 报送进展。"
BIND_APPROVED_ADMIN = "✅ 已批准 #{id}：{chat} 为 {unit} 报送（{by}）。"
BIND_REFUSED_ADMIN = "❌ 已拒绝 #{id}：{chat} 为 {unit} 报送（{by}）。"
BIND_APPROVED = "✅ 督办管理员已批准：本聊天为 {unit} 报送进展。发送 /report 开始填报。"
BIND_REFUSED = "督办管理员未批准本聊天为 {unit} 报送进展。如有疑问请联系督查室。"
BIND_DECIDED = "这条申请已经处理过了。"
BIND_REVOKED = "已撤销 #{id}：{chat} 不再为 {unit} 报送。"
BUTTON_APPROVE = "批准"
BUTTON_REFUSE = "拒绝"
BUTTON_REVOKE = "撤销 #{id} {unit}"
BINDS_HEAD = "<b>报送绑定</b>（待审核 {pending} 个，已绑定 {approved} 个）"
NO_BINDINGS = "还没有任何聊天绑定单位。单位发送 /bind 单位名称 申请。"
BINDING_STATUS = {"pending": "待审核", "approved": "已绑定", "refused": "已拒绝", "revoked": "已撤销"}

ADMINS_ONLY = "抱歉，只有督办管理员可以使用这个命令。"
NOT_BOUND = "本聊天还没有绑定单位，不能填报。请先发送 /bind 单位名称 申请，管理员批准后即可填报。"
REPORT_HEAD = "<b>{unit}</b> · {period}进展填报（截止 {due}）"
REPORT_COUNTS = "应报 {total} 项，已报 {done} 项，未报 {missing} 项。"
REPORT_HINT = "点下方按钮逐项填报；也可以直接发送：/report 五-12 推进中 40% 已建成老年食堂12家"
REPORT_ALL_DONE = "本期各项均已报送，谢谢！如需修改，回复对应的确认消息即可。"
REPORT_NO_ROWS = "{unit} 在本文件中没有需要报送的牵头工作。"
REPORT_MISSING_MARK = "⬜"
REPORT_DONE_MARK = "✅"
CHOOSE_STATUS = "<b>{label}</b> {text}\n请选择本期状态："
BUTTON_UNCHANGED = "无变化（同上次）"
NO_PREVIOUS = "{row} 还没有上次的报告，无法“无变化”，请选择状态。"
SAVED = ("已记录 <b>{label}</b>（{unit}，{period}）：{status}{percent}{text}\n"
         "<i>回复本条消息可补充或修改，例如：40% 已建成老年食堂12家。本期截止修改：{closes}</i>")
EDITED = "已更新 <b>{label}</b>：{status}{percent}{text}（第 {version} 版）"
CLOSED = "{period}已于 {closes} 截止，不能再修改。如需更正请联系督查室。"
NOT_YOUR_ROW = "本聊天绑定的单位（{units}）不负责 {row} 的报送。"
BAD_REPORT = "没能记下：{error}"
REPORT_USAGE = ("用法：/report 查看本单位本期要报的工作；或 /report 编号 状态 [进度%] [说明]，例如\n"
                "/report 五-12 推进中 40% 已建成老年食堂12家\n状态：未启动、推进中、已完成、滞后、无法完成")
STALE = "这个按钮已经失效了，请重新发送 /report。"
FORGED = "这个按钮不属于本聊天或已失效。"
REPORT_BUTTON = "填报"

OVERVIEW_HEAD = "<b>{period}工作进展总览</b>（报送截止 {due}，统计至 {at}）"
COUNTS = "🔴 红 {red} 项 · 🟡 黄 {yellow} 项 · 🟢 绿 {green} 项（共 {total} 项）"
MISSING_HEAD = "<b>未报送单位 {n} 个</b>"
MISSING_NONE = "各单位均已报送。"
RED_HEAD = "<b>红灯工作</b>"
LEADER_HEAD = "<b>按分管领导</b>"
UNIT_HEAD = "<b>按牵头单位</b>（有红黄灯的）"
GROUP_LINE = "{name}：🔴{red} 🟡{yellow} 🟢{green}"
MORE = "……另有 {n} 项"
COLOUR_DOT = {"red": "🔴", "yellow": "🟡", "green": "🟢"}
NOT_REPORTED = "未报送"
HIDDEN_TEXT = "（说明待督查室发布）"

EXPORT_CAPTION = "{period}督查通报表：{n} 项工作，未报送单位 {missing} 个。"
CHART_CAPTION = "{title}"
NO_FONT = "（系统中没有可显示中文的字体，改为文字表格。管理员可安装 fonts-noto-cjk 或 fonts-wqy-microhei，或在配置 [progress] chart_font 中指定字体文件。）"
NO_FONT_CLI = "没有可显示中文的字体：请安装 fonts-noto-cjk 或 fonts-wqy-microhei，或在配置 [progress] chart_font 中指定字体文件。"
CHART_TITLE = "{period}工作进展（按{by}）"
CHART_BY = {"leader": "分管领导", "unit": "牵头单位"}

OFFICE_DIGEST = "📋 <b>{period}进展报送情况</b>（截止 {due}，已过 {days} 天）\n以下 {n} 个单位仍未报送："
OFFICE_UNIT = "• {unit}：{rows}"
OFFICE_ALL_IN = "📋 <b>{period}进展报送情况</b>：各单位均已按时报送。"
REMIND_HEAD = "⏰ <b>进展报送提醒</b> · {unit}"
REMIND_BODY = "{period}进展请于 <b>{due}</b> 前报送（{when}），以下 {n} 项尚未填报："
REMIND_TODAY = "今天截止"
REMIND_DAYS = "还有 {n} 天"

CLI_SAVED = "已记录 {row}（{unit}，{period}）：{status}，第 {version} 版。"
CLI_EXPORTED = "已写入 {path}：{period}，{n} 项工作，未报送单位 {missing} 个。"
CLI_XLSX_ONLY = "输出文件应为 .xlsx：{path}"
CLI_NO_FOLDER = "目录不存在：{path}"
CLI_CHART = "已写入 {path}（字体 {font}）。"
CLI_BY = "--by 只能是 leader 或 unit（收到 {by}）"
CLI_BOUND = "已绑定 #{id}：聊天 {chat} 为 {unit} 报送。"
CLI_REVOKED = "已撤销：聊天 {chat} 不再为 {unit} 报送。"
NO_SUCH_BINDING = "没有可撤销的绑定 #{id}（duban binds list 查看）。"
PUBLISHED = "已发布{period}的进展说明：各单位现在都能看到。"
ALREADY_PUBLISHED = "{period}的进展说明已经发布过了。"

ACTIONS = {"report": "填报", "edit": "修改", "unchanged": "无变化", "bind_request": "申请绑定",
           "bind_approve": "批准绑定", "bind_refuse": "拒绝绑定", "bind_revoke": "撤销绑定", "publish": "发布"}


# Progress questions in the question pipeline (plain text: the renderers escape).
SCOPE_ALL = "全部"
ASK_HEAD = "{period} · {scope}："
ASK_MISSING = "还没报送的有 {n} 个单位：{units}。"
ASK_UNIT_BLOCK = "{unit} 未报"
ASK_FILTER = "{what}工作 {n} 项。"
ASK_NO_ROWS = "没有找到相关工作的报送记录。"
LIGHT = "{colour}灯"  # 红灯, 黄灯, 绿灯


def log_line(e: EventInfo) -> str:
    """One audit-log line for `duban report log`."""
    what = ACTIONS.get(e.action, e.action)
    if e.row_id:
        percent = f" {e.percent}%" if e.percent is not None else ""
        return (f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {what}  {e.period} {e.row_id} {e.unit}  "
                f"{e.status}{percent} {e.text}  (v{e.version})").rstrip()
    target = e.period if e.action == "publish" else f"{e.unit} ← chat {e.chat_id}"
    return f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {what}  {target}"
