"""Settings: TOML file, then environment variables on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


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
