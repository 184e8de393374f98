"""`duban ask` and `duban chat` never crash on bytes: each invalid byte is replaced and its line reported,
every line is still answered, and the output is valid UTF-8 (JSON) under any locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import textio

DUBAN = str(Path(sys.executable).with_name("duban"))
BATCH = b"".join([
    "区民政局负责哪些民生实事\n".encode(),
    b"\xff\xfe\xc3(\xed\xa0\x80\n",  # invalid bytes, a truncated sequence, an encoded surrogate
    "老年食堂谁".encode() + b"\xff" + "管\n".encode(),
    "伍国军分管哪些工作\n".encode(),
])
# A real zh_CN.UTF-8 locale decodes stdin strictly; PYTHONIOENCODING=utf-8:strict does the same on any machine.
LOCALES = {
    "C.UTF-8": {"LC_ALL": "C.UTF-8"},
    "strict-utf-8": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
    "gb18030-terminal": {"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "gb18030"},
}


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    values = {key: value for key, value in os.environ.items() if not key.startswith(("DUBAN_", "LC_", "PYTHONIO"))}
    values.update(DUBAN_DATABASE_URL=database_url, DUBAN_DATA_DIR=str(tmp_path / "data"))
    return values


def _run(env: dict[str, str], *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([DUBAN, *args], input=stdin, env=env, capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("locale", list(LOCALES))
def test_ask_json_answers_every_line(env: dict[str, str], locale: str) -> None:
    result = _run({**env, **LOCALES[locale]}, "ask", "--json", stdin=BATCH)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    lines = result.stdout.decode("utf-8").splitlines()  # strict: the output is valid UTF-8
    answers = [json.loads(line) for line in lines]
    assert len(answers) == 4
    assert [i["id"] for i in answers[0]["items"]] == ["L5-1", "L8-1"]
    assert answers[1]["question"].count("\ufffd") >= 2 and "\ud800" not in lines[1]
    assert "老年食堂" in answers[2]["question"] and "\ufffd" in answers[2]["question"]
    assert answers[3]["items"], answers[3]
    warnings = result.stderr.decode("utf-8", "replace") if locale != "gb18030-terminal" else \
        result.stderr.decode("gb18030", "replace")
    assert "第 2 行有" in warnings and "第 3 行有 1 个字节" in warnings and "第 1 行" not in warnings
    assert "Traceback" not in warnings


@pytest.mark.parametrize("locale", ["C.UTF-8", "strict-utf-8"])
def test_chat_answers_every_line(env: dict[str, str], locale: str) -> None:
    result = _run({**env, **LOCALES[locale]}, "chat", stdin=BATCH)
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert "新改建老年食堂 50 家" in out and "伍国军" in out
    assert "第 2 行有" in result.stderr.decode("utf-8")


def test_arguments_with_bad_bytes(env: dict[str, str]) -> None:
    result = _run({**env, "LC_ALL": "C.UTF-8"}, "ask", "--json", b"\xff\xfe" + "区民政局负责什么".encode())
    assert result.returncode == 0
    [answer] = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert answer["question"].startswith("\ufffd")
    assert "第 1 行有 2 个字节" in result.stderr.decode("utf-8")


def test_decode_counts_bad_bytes() -> None:
    assert textio.decode(b"ok") == ("ok", 0)
    assert textio.decode(b"\xff\xfeab\xc3") == ("\ufffd\ufffdab\ufffd", 3)
    assert textio.clean("a\udcffb") == ("a\ufffdb", 1)
    assert textio.clean("正常") == ("正常", 0)
