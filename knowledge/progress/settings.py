"""The [progress] configuration table, checked once at start-up (bot/config.py wraps errors as ConfigError)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from knowledge.progress.periods import PeriodKind


@dataclass(frozen=True)
class ProgressSettings:
    """How an office runs reporting; every key is optional (config.example.toml explains each)."""

    period: PeriodKind = "quarter"
    # A rule phrase such as "每季度末月20日前"; empty: the document's own rule, else the default for `period`.
    due_rule: str = ""
    yellow_days: int = 7  # N: a row due within N days and not done is yellow
    remind_days_before: tuple[int, ...] = (7, 1, 0)  # reminders to bound chats before the report is due
    office_after_days: tuple[int, ...] = (1,)  # the office's list of units not reported, days after due
    office_chat_id: int | None = None  # default: telegram.admin_chat_id
    include_supporting: bool = False  # supporting (配合) units report on their rows too
    share_text: bool = False  # units may read other units' report texts before the office publishes them
    close_days_after: int = 0  # a period's reports may be sent or edited until its last day plus this
    chart_font: str = ""  # a font file or family name that draws Chinese; empty: look for one


def _ints(value: Any, key: str, minimum: int) -> tuple[int, ...]:
    values = tuple(int(v) for v in (value if isinstance(value, list | tuple) else [value]))
    if any(v < minimum for v in values):
        raise ValueError(f"[progress] {key} 的每个值应 ≥ {minimum}，收到 {list(values)}")
    return values


def progress_settings(table: dict[str, Any]) -> ProgressSettings:
    """Read [progress]; raises ValueError naming the key and what it expects."""
    defaults = ProgressSettings()
    known = set(ProgressSettings.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"[progress] 不认识的配置项：{'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）")
    period = str(table.get("period", defaults.period))
    if period not in ("quarter", "month"):
        raise ValueError(f"[progress] period 只能是 quarter（季度）或 month（月度），收到 {period!r}")
    try:
        office = table.get("office_chat_id")
        settings = ProgressSettings(
            period=cast(PeriodKind, period),
            due_rule=str(table.get("due_rule", "")).strip(),
            yellow_days=int(table.get("yellow_days", defaults.yellow_days)),
            remind_days_before=_ints(table.get("remind_days_before", list(defaults.remind_days_before)),
                                     "remind_days_before", 0),
            office_after_days=_ints(table.get("office_after_days", list(defaults.office_after_days)),
                                    "office_after_days", 1),
            office_chat_id=int(office) if office not in (None, "") else None,
            include_supporting=bool(table.get("include_supporting", False)),
            share_text=bool(table.get("share_text", False)),
            close_days_after=int(table.get("close_days_after", 0)),
            chart_font=str(table.get("chart_font", "")),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"[progress] 配置有误：{error}") from None
    if settings.yellow_days < 0 or settings.close_days_after < 0:
        raise ValueError("[progress] yellow_days 和 close_days_after 应为 ≥ 0 的天数")
    if settings.due_rule:
        from knowledge.progress.language import language

        rule = language().find_rule(settings.due_rule)
        if rule is None:
            raise ValueError(f"[progress] due_rule “{settings.due_rule}” 无法识别，例如 每季度末月20日前、每月25日前")
        if rule.period != settings.period:
            raise ValueError(f"[progress] due_rule “{settings.due_rule}” 是{'季度' if rule.period == 'quarter' else '月度'}"
                             f"规则，与 period = {settings.period!r} 不一致")
    return settings
