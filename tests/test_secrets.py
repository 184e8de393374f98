"""No secret reaches stderr or a log: the real `duban run` through each way Telegram can refuse a token."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fakebot.server import FakeBotApi

from bot import failures

DUBAN = str(Path(sys.executable).with_name("duban"))
TOKEN = "9123456789:AAHsecretTOKENabcdefghijklmnopqrstu"  # the fake accepts only its own token
PASSWORD = "s3cr3t-pa55"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUBAN_")}
    env.update(DUBAN_DATA_DIR=str(tmp_path / "data"), DUBAN_DATABASE_URL=f"sqlite:///{tmp_path / 'd.sqlite3'}")
    env.update(extra)
    return env


async def _run(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(DUBAN, "run", env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode("utf-8", "replace")


def _leaks(output: str) -> list[str]:
    """Every piece of the token that would let someone use it (the secret part, whole or in halves)."""
    secret = TOKEN.split(":", 1)[1]
    return [piece for piece in (TOKEN, secret, secret[:17], secret[17:]) if piece in output]


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
async def test_refused_tokens_never_printed(tmp_path: Path, debug: bool) -> None:
    async with FakeBotApi() as fake:  # the fake's own token differs from TOKEN: every call is refused
        host = f"http://127.0.0.1:{fake.port}"
        cases = {
            "base URL without /bot (httpx.InvalidURL)": host,
            "token refused (401)": f"{host}/bot",
            "no Bot API at this path (404)": f"{host}/nothing/bot",
        }
        for name, base in cases.items():
            extra = {"DUBAN_TELEGRAM_TOKEN": TOKEN, "DUBAN_TELEGRAM_BASE_URL": base}
            if debug:
                extra["DUBAN_DEBUG"] = "1"
            code, output = await _run(_env(tmp_path, **extra), tmp_path)
            assert code != 0, f"{name}: exit {code}\n{output}"
            assert not _leaks(output), f"{name}: the token was printed\n{output}"
            assert output.strip(), name
            if not debug:  # the start-up failure is a sentence (bot.failures.telegram_problem), no traceback
                assert "Traceback" not in output, f"{name}\n{output}"
            # The last thing printed is the operator's sentence (bot.failures), not an exception line.
            assert re.search("[\u4e00-\u9fff]", output.strip().splitlines()[-1]), f"{name}\n{output}"
        assert fake.calls, "the refused calls reached the fake"


async def test_token_from_config_file_never_printed(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        config = tmp_path / "config.toml"
        config.write_text(f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "http://127.0.0.1:{fake.port}/bot"\n')
        code, output = await _run(_env(tmp_path, DUBAN_CONFIG=str(config), DUBAN_DEBUG="1"), tmp_path)
    assert code != 0 and output.strip()
    assert not _leaks(output), output


def test_log_records_and_stderr_masked(capsys: pytest.CaptureFixture[str]) -> None:
    failures.remember_secret(TOKEN)
    url = f"postgresql+psycopg://duban:{PASSWORD}@db.example:5432/duban"
    failures.remember_database(url)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "calling %s with %s", (f"https://api/bot{TOKEN}/getMe", url),
                               None)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; db {url}")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    failures.SecretFilter().filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and PASSWORD not in text
    assert "db.example" in text and "9123456789" in text  # what is not secret stays readable
    stream = failures.MaskingStream(sys.stdout)
    stream.write(f"token {TOKEN} url {url}\n")
    printed = capsys.readouterr().out
    assert TOKEN not in printed and PASSWORD not in printed and "db.example" in printed


@pytest.mark.parametrize("text", [
    "postgresql://u:p%40ss@h/db", "x" * 5000 + "://" + "y" * 5000, "a://b:c@d e://f:g@h", "9" * 100_000 + ":",
])
def test_mask_is_plain_text_safe(text: str) -> None:
    masked = failures.mask(text)
    assert isinstance(masked, str)
    assert ":p%40ss@" not in masked and ":c@" not in masked and ":g@" not in masked


def test_unknown_token_shapes_masked() -> None:
    """A token never registered (printed by a library before settings were read) is still masked by shape."""
    other = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
    assert other.split(":")[1] not in failures.mask(f"Invalid port: '{other}'")


def _duban(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DUBAN, *args], env=env, capture_output=True, text=True, timeout=90, check=False)


def test_database_failures_are_sentences(tmp_path: Path) -> None:
    """Corrupt, unreachable and read-only databases: one sentence naming the cause, the password masked,
    the traceback only with --debug."""
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"not a database " * 100)
    readonly = tmp_path / "ro.sqlite3"
    assert _duban(_env(tmp_path, DUBAN_DATABASE_URL=f"sqlite:///{readonly}"), "docs").returncode == 0
    cases = {
        f"sqlite:///{corrupt}": ("损坏", "docs"),
        f"postgresql+psycopg://duban:{PASSWORD}@127.0.0.1:1/duban": ("无法连接", "docs"),
        f"sqlite:///file:{readonly}?mode=ro&uri=true": ("只读", "deadlines set K2-1 2023-06-30"),
    }
    for url, (cause, command) in cases.items():
        result = _duban(_env(tmp_path, DUBAN_DATABASE_URL=url), *command.split())
        assert result.returncode == 1, result.stderr
        assert cause in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert PASSWORD not in result.stderr and len(result.stderr.splitlines()) <= 2, result.stderr
        debug = _duban(_env(tmp_path, DUBAN_DATABASE_URL=url), "--debug", *command.split())
        assert "Traceback" in debug.stderr and cause in debug.stderr and PASSWORD not in debug.stderr
