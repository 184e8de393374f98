"""Settings: a TOML file (DUBAN_CONFIG, else ./config.toml) overridden by DUBAN_* environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class ReminderSettings:
    """When and how reminders go out."""

    days_before: tuple[int, ...] = (30, 7, 1, 0)
    overdue_days: tuple[int, ...] = (1,)
    send_time: time = time(9, 0)
    timezone: str = "Asia/Shanghai"
    quiet_start: time | None = None
    quiet_end: time | None = None
    shift_to_workday: bool = True
    grace_hours: float = 12.0
    check_minutes: int = 5
    send_rate: float = 25.0
    concurrency: int = 4
    claim_timeout_minutes: float = 10.0
    in_doubt: str = "skip"


@dataclass(frozen=True)
class Settings:
    """Everything the `duban` commands and the bot read from configuration."""

    data_dir: Path
    database_url: str
    telegram_token: str | None = None
    telegram_base_url: str | None = None
    admins: frozenset[int] = frozenset()
    admin_chat_id: int | None = None
    document: str | None = None
    default_deadline: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    config_path: Path | None = None


def _data_home(env: dict[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "duban"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{error}") from None


def _admins(value: Any) -> frozenset[int]:
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    try:
        return frozenset(int(v) for v in value or [])
    except (TypeError, ValueError):
        raise ConfigError(f"DUBAN_ADMINS / admins 应为逗号分隔的 Telegram 用户 ID，收到 {value!r}") from None


def _time(value: Any, key: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{key} 应为 HH:MM 格式的时间，收到 {value!r}") from None


def _reminders(table: dict[str, Any]) -> ReminderSettings:
    defaults = ReminderSettings()
    try:
        settings = ReminderSettings(
            days_before=tuple(int(d) for d in table.get("days_before", defaults.days_before)),
            overdue_days=tuple(int(d) for d in table.get("overdue_days", defaults.overdue_days)),
            send_time=_time(table.get("send_time"), "reminders.send_time") or defaults.send_time,
            timezone=str(table.get("timezone", defaults.timezone)),
            quiet_start=_time(table.get("quiet_start"), "reminders.quiet_start"),
            quiet_end=_time(table.get("quiet_end"), "reminders.quiet_end"),
            shift_to_workday=bool(table.get("shift_to_workday", defaults.shift_to_workday)),
            grace_hours=float(table.get("grace_hours", defaults.grace_hours)),
            check_minutes=int(table.get("check_minutes", defaults.check_minutes)),
            send_rate=float(table.get("send_rate", defaults.send_rate)),
            concurrency=int(table.get("concurrency", defaults.concurrency)),
            claim_timeout_minutes=float(table.get("claim_timeout_minutes", defaults.claim_timeout_minutes)),
            in_doubt=str(table.get("in_doubt", defaults.in_doubt)),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(f"[reminders] 配置有误：{error}") from None
    _check_reminders(settings)
    return settings


def _check_reminders(settings: ReminderSettings) -> None:
    """Refuse at start-up what would otherwise fail at every reminder run."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[reminders] timezone “{settings.timezone}” 不是有效的时区，例如 Asia/Shanghai") from None
    if any(d < 0 for d in settings.days_before) or any(d <= 0 for d in settings.overdue_days):
        raise ConfigError("[reminders] days_before 应为 ≥ 0 的天数，overdue_days 应为 ≥ 1 的天数")
    if settings.check_minutes < 1 or settings.send_rate <= 0 or settings.concurrency < 1:
        raise ConfigError("[reminders] check_minutes、concurrency 应 ≥ 1，send_rate 应 > 0")
    if settings.quiet_start is not None and settings.quiet_start == settings.quiet_end:
        raise ConfigError("[reminders] quiet_start 与 quiet_end 不能相同")
    if settings.in_doubt not in ("skip", "resend"):
        raise ConfigError("[reminders] in_doubt 只能是 skip（至多一次）或 resend（至少一次）")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the TOML file, then let DUBAN_* variables override it."""
    env = dict(os.environ if environ is None else environ)
    explicit = env.get("DUBAN_CONFIG")
    path = Path(explicit) if explicit else Path("config.toml")
    if explicit and not path.is_file():
        raise ConfigError(f"DUBAN_CONFIG 指向的配置文件 {path} 不存在")
    raw = _read_toml(path) if path.is_file() else {}
    telegram = raw.get("telegram", {})
    webhook = telegram.get("webhook", {})

    data_dir = Path(env.get("DUBAN_DATA_DIR") or raw.get("data_dir") or _data_home(env)).expanduser()
    database_url = env.get("DUBAN_DATABASE_URL") or raw.get("database_url") or ""
    if not database_url:
        database_url = f"sqlite:///{data_dir / 'duban.sqlite3'}"
    admin_chat = env.get("DUBAN_ADMIN_CHAT_ID") or telegram.get("admin_chat_id")
    try:
        port = int(env.get("DUBAN_WEBHOOK_PORT") or webhook.get("port") or 8443)
        admin_chat_id = int(admin_chat) if admin_chat not in (None, "") else None
    except ValueError as error:
        raise ConfigError(f"端口或管理员群 ID 应为整数：{error}") from None
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        telegram_token=env.get("DUBAN_TELEGRAM_TOKEN") or telegram.get("token") or None,
        telegram_base_url=env.get("DUBAN_TELEGRAM_BASE_URL") or telegram.get("base_url") or None,
        admins=_admins(env.get("DUBAN_ADMINS") or raw.get("admins") or telegram.get("admins")),
        admin_chat_id=admin_chat_id,
        document=env.get("DUBAN_DOCUMENT") or raw.get("document") or None,
        default_deadline=raw.get("reminders", {}).get("default_deadline"),
        webhook_url=env.get("DUBAN_WEBHOOK_URL") or webhook.get("url") or None,
        webhook_listen=env.get("DUBAN_WEBHOOK_LISTEN") or webhook.get("listen") or "127.0.0.1",
        webhook_port=port,
        webhook_secret=env.get("DUBAN_WEBHOOK_SECRET") or webhook.get("secret_token") or None,
        reminders=_reminders(raw.get("reminders", {})),
        config_path=path if path.is_file() else None,
    )
