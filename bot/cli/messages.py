"""What the operators' commands say: documents over the years, `duban check`, deadlines copy."""

from __future__ import annotations

# --- duban import / docs ------------------------------------------------------------------------
ADDED = "已导入：添加了新文件 {key}。"
REPLACED = "已导入：替换了 {key}（覆盖同键的旧版本）。"
ANSWERING_NOW = "现在回答问题的文件：{key}（{why}）。"
ANSWERING_CHANGED = "现在回答问题的文件：{key}（{why}），此前是 {previous}。"
ANSWERING_KEPT = "回答问题的仍是 {key}（{why}）；新文件可用 --doc {new} 查询。"
HANDOVER_DEADLINES = ("{previous} 的 {admin} 条管理员期限和 {schedule} 条计划期限属于 {previous}，不用于 {current}："
                      "运行 duban deadlines copy --from {previous} --to {current} 按条目内容带过管理员期限；"
                      "计划期限请用 duban deadlines import --doc {current} 导入新一年的计划文件。")
HANDOVER_NO_DEADLINES = "{previous} 没有设置过期限：{current} 的条目按文件默认期限（年底）提醒。"
HANDOVER_SUBSCRIPTIONS = ("订阅单位、领导或全部工作的 {named} 个订阅按名称跟随 {current}；订阅具体条目的 {rows} 个订阅"
                          "现在指向 {current} 中同编号的条目，请用 duban subscriptions list 核对。")
DOCS_EMPTY = "数据库中还没有文件（下一个命令会自动导入内置文件）。"
REMOVED = "已删除 {key}（连同其 {deadlines} 条期限；已发送提醒的记录保留）。"
REMOVED_NOW = "现在回答问题的文件：{key}（{why}）。"
REMOVED_LAST = "数据库中已没有文件：下一个命令会重新导入内置文件。"

# --- duban deadlines copy -----------------------------------------------------------------------
COPIED = "已从 {source} 复制 {n} 条管理员期限到 {target}（日期顺延 {years} 年）。"
COPIED_SAME_YEAR = "已从 {source} 复制 {n} 条管理员期限到 {target}。"
COPY_MATCH = "  {old} → {new}（{how}）{due} {milestone}"
COPY_EXACT = "内容相同"
COPY_SIMILAR = "内容相近 {score:.0f}%"
COPY_UNMATCHED = "未找到对应条目、未复制的 {n} 条（请用 duban deadlines set --doc {target} 手工设置）："
COPY_UNMATCHED_ROW = "  {row} {due} {milestone}：{text}"
COPY_SAME = "--from 与 --to 是同一个文件 {key}：无需复制"
COPY_NOTHING = "{source} 没有管理员期限可复制。"

# --- duban check --------------------------------------------------------------------------------
OK = "✓"
BAD = "✗"
CHECK_CONFIG_OK = "配置：{where}"
CHECK_CONFIG_FILE = "配置文件 {path} 与环境变量"
CHECK_CONFIG_ENV = "环境变量（没有配置文件）"
CHECK_DATABASE_OK = "数据库：{url} 可连接"
CHECK_SCHEMA_OK = "数据库结构：版本 {revision}（最新）"
CHECK_SCHEMA_OLD = "数据库结构：版本 {revision}，最新为 {head}。修复：运行 duban db upgrade（机器人启动时也会自动升级）"
CHECK_SCHEMA_EMPTY = "数据库结构：空数据库。修复：运行 duban db upgrade（或任一命令，会自动建表并导入内置文件）"
CHECK_DATA_DIR_OK = "数据目录：{path} 可写"
CHECK_DOCUMENT_OK = "回答问题的文件：{key}（{why}），{rows} 行，共存 {count} 个文件"
CHECK_TELEGRAM_OK = "Telegram：{base} 的 getMe 返回 @{username}"
CHECK_TELEGRAM_NONE = "Telegram：未设置 token，duban run 会打开控制台对话（设置 DUBAN_TELEGRAM_TOKEN 后再检查）"
CHECK_SKIPPED = "{what}：未检查（数据库不可用）"
CHECK_ALL_OK = "全部检查通过。"
CHECK_FAILED = "{n} 项检查未通过。"
