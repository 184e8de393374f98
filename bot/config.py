"""Settings: a TOML file (DUBAN_CONFIG, else ./config.toml) overridden by DUBAN_* environment variables.

Everything that could fail later is checked here, once, at start: unknown keys and tables (with the
nearest valid name), value types (a quoted "false" is not a boolean), time zones, quiet hours, deadline
phrases, the Bot API base URL. A mistake ends the command with one sentence naming the key and the fix,
instead of a setting that is silently ignored or a reminder run that fails every few minutes.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from knowledge.progress.settings import ProgressSettings, progress_settings

InDoubt = Literal["skip", "resend"]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_PORT = 8443


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key and the fix."""


# What each key holds. A table is a nested mapping; a leaf names the kind of value it takes.
Kind = Literal["str", "path", "int", "number", "bool", "time", "days", "ids", "deadline", "choice"]
SCHEMA: dict[str, Any] = {
    "data_dir": "path",
    "database_url": "str",
    "document": "str",
    "documents_in_memory": "int",
    "admins": "ids",
    "log_level": "choice",
    "conversation": {"expiry_minutes": "number"},
    "telegram": {
        "token": "str",
        "base_url": "str",
        "admin_chat_id": "int",
        "admins": "ids",
        "webhook": {"url": "str", "listen": "str", "port": "int", "secret_token": "str", "certificate": "path"},
    },
    "reminders": {
        "days_before": "days", "overdue_days": "days", "send_time": "time", "timezone": "str",
        "quiet_start": "time", "quiet_end": "time", "shift_to_workday": "bool", "grace_hours": "number",
        "check_minutes": "int", "send_rate": "number", "concurrency": "int", "claim_timeout_minutes": "number",
        "in_doubt": "choice", "default_deadline": "deadline",
    },
    "progress": {  # knowledge/progress/settings.py reads and checks the values
        "period": "choice", "due_rule": "str", "yellow_days": "int", "remind_days_before": "days",
        "office_after_days": "days", "office_chat_id": "int", "include_supporting": "bool", "share_text": "bool",
        "close_days_after": "int", "chart_font": "str",
    },
}
CHOICES: dict[str, tuple[str, ...]] = {"log_level": LOG_LEVELS, "reminders.in_doubt": ("skip", "resend"),
                                       "progress.period": ("quarter", "month")}
_KIND_HINT: dict[str, str] = {
    "str": "一个字符串（加引号）", "path": "一个路径字符串", "int": "一个整数（不加引号）",
    "number": "一个数字（不加引号）", "bool": "true 或 false（不加引号）", "time": "\"HH:MM\" 格式的时间",
    "days": "整数列表，例如 [30, 7, 1, 0]", "ids": "Telegram 用户 ID 的整数列表，例如 [123456789]",
    "deadline": "日期（2023-12-31）或期限说法（如 “年底前”）", "choice": "以下之一",
}


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
    in_doubt: InDoubt = "skip"


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
    default_deadline: str | date | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = DEFAULT_PORT
    webhook_secret: str | None = None
    webhook_certificate: Path | None = None
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    progress: ProgressSettings = field(default_factory=ProgressSettings)
    config_path: Path | None = None
    log_level: str = "INFO"
    # A conversation forgets its context after this many minutes without a message.
    conversation_expiry_minutes: float = 30.0
    # How many documents besides the answering one a bot keeps loaded (least recently asked dropped first).
    documents_in_memory: int = 32

    @property
    def debug(self) -> bool:
        """Tracebacks are shown only when asked for (DUBAN_LOG_LEVEL=DEBUG or --debug)."""
        return self.log_level == "DEBUG"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check the TOML file, then let DUBAN_* variables override it."""
    env = dict(os.environ if environ is None else environ)
    path, raw = read_file(env)
    check_shape(raw, SCHEMA, "", path)
    telegram = raw.get("telegram", {})
    webhook = telegram.get("webhook", {})
    data_dir = Path(env.get("DUBAN_DATA_DIR") or raw.get("data_dir") or _data_home(env)).expanduser()
    database_url = env.get("DUBAN_DATABASE_URL") or raw.get("database_url") or f"sqlite:///{data_dir / 'duban.sqlite3'}"
    certificate = webhook.get("certificate")
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        telegram_token=env.get("DUBAN_TELEGRAM_TOKEN") or telegram.get("token") or None,
        telegram_base_url=_base_url(env.get("DUBAN_TELEGRAM_BASE_URL") or telegram.get("base_url") or None),
        admins=_admins(env.get("DUBAN_ADMINS") or raw.get("admins") or telegram.get("admins")),
        admin_chat_id=_env_int(env, "DUBAN_ADMIN_CHAT_ID", telegram.get("admin_chat_id")),
        document=_document(env.get("DUBAN_DOCUMENT") or raw.get("document") or None),
        default_deadline=_default_deadline(raw.get("reminders", {}).get("default_deadline")),
        webhook_url=env.get("DUBAN_WEBHOOK_URL") or webhook.get("url") or None,
        webhook_listen=env.get("DUBAN_WEBHOOK_LISTEN") or webhook.get("listen") or "127.0.0.1",
        webhook_port=_env_int(env, "DUBAN_WEBHOOK_PORT", webhook.get("port")) or DEFAULT_PORT,
        webhook_secret=env.get("DUBAN_WEBHOOK_SECRET") or webhook.get("secret_token") or None,
        webhook_certificate=Path(certificate).expanduser() if certificate else None,
        reminders=reminder_settings(raw.get("reminders", {})),
        progress=_progress(raw.get("progress", {})),
        config_path=path,
        log_level=_log_level(env.get("DUBAN_LOG_LEVEL") or raw.get("log_level") or "INFO"),
        conversation_expiry_minutes=_expiry(env.get("DUBAN_CONVERSATION_EXPIRY_MINUTES"),
                                            raw.get("conversation", {}).get("expiry_minutes")),
        documents_in_memory=_in_memory(env.get("DUBAN_DOCUMENTS_IN_MEMORY"), raw.get("documents_in_memory")),
    )
    if settings.webhook_certificate is not None and not settings.webhook_certificate.is_file():
        raise ConfigError(f"telegram.webhook.certificate：找不到证书文件 {settings.webhook_certificate}")
    return settings


def read_file(env: Mapping[str, str]) -> tuple[Path | None, dict[str, Any]]:
    """The configuration file in force (DUBAN_CONFIG, else ./config.toml if present) and its tables."""
    explicit = env.get("DUBAN_CONFIG")
    path = Path(explicit) if explicit else Path("config.toml")
    if explicit and not path.is_file():
        raise ConfigError(f"DUBAN_CONFIG 指向的配置文件 {path} 不存在")
    if not path.is_file():
        return None, {}
    try:
        with path.open("rb") as handle:
            return path, tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{error}") from None
    except OSError as error:
        raise ConfigError(f"无法读取配置文件 {path}：{error.strerror}") from None


def check_shape(raw: Mapping[str, Any], schema: Mapping[str, Any], prefix: str, path: Path | None) -> None:
    """Every key known and of its kind; the error names the key, the nearest valid one and the file."""
    where = f"配置文件 {path}：" if path else "配置："
    for key, value in raw.items():
        dotted = prefix + key
        expected = schema.get(key)
        if expected is None:
            nearest = nearest_key(key, prefix)
            hint = f"，是不是 {nearest}？" if nearest else f"；可用的有：{'、'.join(sorted(schema))}"
            raise ConfigError(f"{where}未知的配置项 {_shown(dotted, value)}{hint}（config.example.toml 列出了每一项）")
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}{dotted} 应为一个表 [{dotted}]，收到 {value!r}")
            check_shape(value, expected, dotted + ".", path)
        elif not _fits(expected, value, dotted):
            hint = _KIND_HINT[expected]
            if expected == "choice":
                hint += "：" + "、".join(CHOICES[dotted])
            raise ConfigError(f"{where}{dotted} 应为{hint}，收到 {value!r}")


def _shown(dotted: str, value: object) -> str:
    return f"[{dotted}]" if isinstance(value, dict) else f"“{dotted}”"


def _all_keys(schema: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in schema.items():
        keys.append(prefix + key)
        if isinstance(value, dict):
            keys += _all_keys(value, prefix + key + ".")
    return keys


def nearest_key(key: str, prefix: str = "") -> str | None:
    """The valid key a mistyped or misplaced one most likely meant: databse_url → database_url,
    a top-level token → telegram.token, [reminder] → [reminders]."""
    best, score = None, 0.0
    for candidate in _all_keys(SCHEMA):
        leaf = candidate.rsplit(".", 1)[-1]
        ratio = max(difflib.SequenceMatcher(None, key, leaf).ratio(),
                    difflib.SequenceMatcher(None, prefix + key, candidate).ratio())
        if ratio > score:
            best, score = candidate, ratio
    if best is None or score < 0.6:
        return None
    return f"[{best}]" if isinstance(_lookup(best), dict) else best


def _lookup(dotted: str) -> Any:
    node: Any = SCHEMA
    for part in dotted.split("."):
        node = node[part]
    return node


def _fits(kind: str, value: object, dotted: str) -> bool:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind in ("str", "path"):
        return isinstance(value, str)
    if kind == "int":
        return is_int
    if kind == "number":
        return is_int or isinstance(value, float)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "time":
        return isinstance(value, str | time)
    if kind == "days":
        return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    if kind == "ids":  # a comma-separated string is accepted too: it is what DUBAN_ADMINS holds
        return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, int | str) for v in value))
    if kind == "deadline":
        return isinstance(value, str | date)
    return isinstance(value, str) and value in CHOICES[dotted]


def _data_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "duban"


def _env_int(env: Mapping[str, str], name: str, fallback: int | None) -> int | None:
    value = env.get(name)
    if not value:
        return fallback
    try:
        return int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} 应为整数，收到 {value!r}") from None


def _admins(value: Any) -> frozenset[int]:
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    try:
        return frozenset(int(v) for v in value or [])
    except (TypeError, ValueError):
        raise ConfigError(f"DUBAN_ADMINS / admins 应为逗号分隔的 Telegram 用户 ID，收到 {value!r}") from None


def _base_url(value: str | None) -> str | None:
    """A Bot API base must end with /bot: the token is appended to it, so anything else reaches no method."""
    if value is None:
        return None
    if not value.rstrip("/").endswith("/bot") or not value.startswith(("http://", "https://")):
        raise ConfigError(f"DUBAN_TELEGRAM_BASE_URL 应以 /bot 结尾，例如 http://127.0.0.1:8081/bot（收到 {value!r}）")
    return value.rstrip("/")


def _document(value: str | None) -> str | None:
    from knowledge.sources import MAX_KEY

    if value is not None and not 0 < len(value.strip()) <= MAX_KEY:
        raise ConfigError(f"DUBAN_DOCUMENT / document 应为 duban docs 列出的文件键，收到 {value!r}")
    return value.strip() if value else None


def _in_memory(env_value: str | None, value: int | None) -> int:
    """Documents kept loaded besides the answering one: 0 to 10,000 (DUBAN_DOCUMENTS_IN_MEMORY overrides)."""
    if env_value:
        try:
            value = int(env_value.strip())
        except ValueError:
            raise ConfigError(f"DUBAN_DOCUMENTS_IN_MEMORY 应为整数，收到 {env_value!r}") from None
    count = 32 if value is None else value
    if not 0 <= count <= 10_000:
        raise ConfigError(f"documents_in_memory 应在 0 到 10000 之间，收到 {value!r}")
    return count


def _expiry(env_value: str | None, value: float | None) -> float:
    """Minutes a conversation is remembered: a positive number (DUBAN_CONVERSATION_EXPIRY_MINUTES overrides)."""
    if env_value:
        try:
            value = float(env_value.strip())
        except ValueError:
            raise ConfigError(f"DUBAN_CONVERSATION_EXPIRY_MINUTES 应为分钟数，收到 {env_value!r}") from None
    minutes = 30.0 if value is None else float(value)
    if not 0 < minutes <= 7 * 24 * 60:
        raise ConfigError(f"conversation.expiry_minutes 应在 0 到 10080（7 天）之间，收到 {value!r}")
    return minutes


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"DUBAN_LOG_LEVEL / log_level 应为 {'、'.join(LOG_LEVELS)} 之一，收到 {value!r}")
    return level


def _default_deadline(value: object) -> str | date | None:
    """Checked now, not at the first reminder run: a phrase the deadline reader cannot read is refused."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from knowledge.reminders.deadlines import DeadlineError, parse_deadline

    text = str(value)
    try:
        parse_deadline(text, 2000)  # a leap year, so 2月29日 passes; the document's year is applied later
    except DeadlineError:
        raise ConfigError(f"reminders.default_deadline “{text}” 不是可识别的期限：写日期（2023-12-31）"
                          f"或说法（年底前、6月底、三季度末、长期坚持）") from None
    return text


def _time(value: object, key: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{key} 应为 HH:MM 格式的时间，收到 {value!r}") from None


def _progress(table: Mapping[str, Any]) -> ProgressSettings:
    try:
        return progress_settings(dict(table))
    except ValueError as error:
        raise ConfigError(str(error)) from None


def reminder_settings(table: Mapping[str, Any]) -> ReminderSettings:
    """The [reminders] table (already shape-checked) as settings, refused now if a run would fail."""
    defaults = ReminderSettings()
    in_doubt: InDoubt = "resend" if table.get("in_doubt") == "resend" else "skip"
    settings = ReminderSettings(
        days_before=tuple(table.get("days_before", defaults.days_before)),
        overdue_days=tuple(table.get("overdue_days", defaults.overdue_days)),
        send_time=_time(table.get("send_time"), "reminders.send_time") or defaults.send_time,
        timezone=table.get("timezone", defaults.timezone),
        quiet_start=_time(table.get("quiet_start"), "reminders.quiet_start"),
        quiet_end=_time(table.get("quiet_end"), "reminders.quiet_end"),
        shift_to_workday=table.get("shift_to_workday", defaults.shift_to_workday),
        grace_hours=float(table.get("grace_hours", defaults.grace_hours)),
        check_minutes=table.get("check_minutes", defaults.check_minutes),
        send_rate=float(table.get("send_rate", defaults.send_rate)),
        concurrency=table.get("concurrency", defaults.concurrency),
        claim_timeout_minutes=float(table.get("claim_timeout_minutes", defaults.claim_timeout_minutes)),
        in_doubt=in_doubt,
    )
    _check_reminders(settings)
    return settings


def _check_reminders(settings: ReminderSettings) -> None:
    """Refuse at start-up what would otherwise fail at every reminder run."""
    from knowledge.reminders import time_zone

    try:
        time_zone(settings.timezone)
    except ValueError:
        raise ConfigError(f"reminders.timezone “{settings.timezone}” 不是有效的时区，例如 Asia/Shanghai") from None
    if any(d < 0 for d in settings.days_before) or any(d <= 0 for d in settings.overdue_days):
        raise ConfigError("reminders.days_before 应为 ≥ 0 的天数，overdue_days 应为 ≥ 1 的天数")
    if settings.check_minutes < 1 or settings.send_rate <= 0 or settings.concurrency < 1:
        raise ConfigError("reminders.check_minutes、concurrency 应 ≥ 1，send_rate 应 > 0")
    if (settings.quiet_start is None) != (settings.quiet_end is None):
        raise ConfigError("reminders.quiet_start 与 quiet_end 应同时设置（或都不设置）")
    if settings.quiet_start is not None and settings.quiet_start == settings.quiet_end:
        raise ConfigError("reminders.quiet_start 与 quiet_end 不能相同")
    if settings.grace_hours < 0 or settings.claim_timeout_minutes <= 0:
        raise ConfigError("reminders.grace_hours 应 ≥ 0，claim_timeout_minutes 应 > 0")
