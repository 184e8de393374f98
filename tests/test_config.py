"""Settings: TOML file, then environment variables on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert settings.database_url == f"sqlite:///{tmp_path / 'xdg' / 'duban' / 'duban.sqlite3'}"
    assert settings.telegram_token is None and settings.admins == frozenset()
    assert settings.reminders.days_before == (30, 7, 1, 0)


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "duban.toml"
    config.write_text('database_url = "sqlite:///from-file.db"\nadmins = [1]\n[telegram]\ntoken = "file"\n'
                      '[reminders]\nsend_time = "08:30"\ndays_before = [7, 0]\n', encoding="utf-8")
    settings = load_settings({"DUBAN_CONFIG": str(config), "DUBAN_TELEGRAM_TOKEN": "env",
                              "DUBAN_ADMINS": "5, 6", "DUBAN_TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot"})
    assert settings.database_url == "sqlite:///from-file.db"
    assert settings.telegram_token == "env"
    assert settings.admins == frozenset({5, 6})
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.reminders.send_time.isoformat() == "08:30:00"
    assert settings.reminders.days_before == (7, 0)


@pytest.mark.parametrize(("environ", "message"), [
    ({"DUBAN_CONFIG": "/nonexistent/duban.toml"}, "不存在"),
    ({"DUBAN_ADMINS": "alice"}, "DUBAN_ADMINS"),
])
def test_bad_settings_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ)


@pytest.mark.parametrize(("table", "message"), [
    ('timezone = "Mars/Olympus"', "timezone"),
    ("check_minutes = 0", "check_minutes"),
    ("days_before = [30, -1]", "days_before"),
    ('quiet_start = "22:00"\nquiet_end = "22:00"', "quiet_start"),
    ('in_doubt = "maybe"', "in_doubt"),
], ids=["timezone", "check-minutes", "negative-days", "empty-quiet-hours", "in-doubt"])
def test_bad_reminder_settings_fail_at_start(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "duban.toml"
    config.write_text(f"[reminders]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings({"DUBAN_CONFIG": str(config)})


def test_example_file_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings({"DUBAN_CONFIG": str(example)})
    assert settings.reminders.timezone == "Asia/Shanghai"


def _load(tmp_path: Path, text: str, **environ: str) -> Settings:
    config = tmp_path / "duban.toml"
    config.write_text(text, encoding="utf-8")
    return load_settings({"DUBAN_CONFIG": str(config), **environ})


@pytest.mark.parametrize(("text", "message"), [
    ('databse_url = "postgresql+psycopg://duban@db/duban"\n', "databse_url.*是不是 database_url"),
    ('token = "123:abc"\n', "token.*是不是 telegram.token"),
    ("[reminder]\nsend_time = \"08:00\"\n", r"\[reminder\].*是不是 \[reminders\]"),
    ("[telegram.webhook]\nsecret = \"x\"\n", "telegram.webhook.secret.*是不是 telegram.webhook.secret_token"),
    ("[reminders]\nsend_tme = \"08:00\"\n", "reminders.send_tme.*是不是 reminders.send_time"),
], ids=["typo", "misplaced-token", "misnamed-table", "webhook-secret", "reminders-key"])
def test_unknown_keys_are_refused_with_the_nearest_name(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


@pytest.mark.parametrize(("text", "message"), [
    ('[reminders]\nshift_to_workday = "false"\n', "shift_to_workday 应为true 或 false"),
    ('[reminders]\ncheck_minutes = "5"\n', "check_minutes 应为一个整数"),
    ('[reminders]\ndays_before = ["30"]\n', "days_before 应为整数列表"),
    ('[telegram.webhook]\nport = "8443"\n', "port 应为一个整数"),
    ('[reminders]\nin_doubt = "maybe"\n', "in_doubt 应为以下之一：skip、resend"),
    ('telegram = "x"\n', "应为一个表"),
], ids=["quoted-bool", "quoted-int", "quoted-days", "quoted-port", "choice", "table"])
def test_value_types_are_checked(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


@pytest.mark.parametrize(("text", "environ", "message"), [
    ('[reminders]\ndefault_deadline = "明年"\n', {}, "default_deadline “明年” 不是可识别的期限"),
    ('[reminders]\nquiet_start = "22:00"\n', {}, "quiet_start 与 quiet_end 应同时设置"),
    ("", {"DUBAN_TELEGRAM_BASE_URL": "http://127.0.0.1:8081"}, "DUBAN_TELEGRAM_BASE_URL 应以 /bot 结尾"),
    ("", {"DUBAN_WEBHOOK_PORT": "eighty"}, "DUBAN_WEBHOOK_PORT 应为整数"),
    ("", {"DUBAN_LOG_LEVEL": "loud"}, "DUBAN_LOG_LEVEL"),
    ('[telegram.webhook]\ncertificate = "/nonexistent/public.pem"\n', {}, "找不到证书文件"),
], ids=["deadline-phrase", "half-quiet-hours", "base-url", "env-port", "log-level", "certificate"])
def test_settings_that_would_fail_later_fail_at_start(tmp_path: Path, text: str, environ: dict[str, str],
                                                     message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text, **environ)


def test_good_values_pass(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[reminders]\ndefault_deadline = "年底前"\nshift_to_workday = false\n'
                     'quiet_start = 22:00:00\nquiet_end = "07:30"\n', DUBAN_LOG_LEVEL="debug",
                     DUBAN_TELEGRAM_BASE_URL="http://127.0.0.1:8081/bot/")
    assert settings.reminders.shift_to_workday is False
    assert settings.default_deadline == "年底前"
    assert settings.debug and settings.telegram_base_url == "http://127.0.0.1:8081/bot"
