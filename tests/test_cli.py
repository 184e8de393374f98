"""The `duban` command as operators and graders use it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from knowledge.vocabulary import BUNDLED_DOCUMENT

ROOT = Path(__file__).resolve().parents[1]
DUBAN = str(Path(sys.executable).with_name("duban"))


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_ask_json_one_object_per_line(env: dict[str, str]) -> None:
    code, out = run("ask", "--json", stdin="区民政局负责哪些民生实事\n老年食堂谁管？\n")
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["intent"] == "unit_items"
    assert first["entities"]["units"] == ["区民政局"] and first["entities"]["kind"] == "livelihood"
    assert [i["id"] for i in first["items"]] == ["L5-1", "L8-1"]
    assert first["items"][0]["role"] == "lead" and first["items"][0]["leader"] == "伍国军"
    assert first["suggestions"] == []
    assert "区民政局" in second["answer"]


def test_ask_survives_bad_lines(env: dict[str, str]) -> None:
    lines = ["", "\x00\x01\x02\ufffd\ufffd", "测" * 100_000, "区民政局负责哪些民生实事"]
    result = subprocess.run([DUBAN, "ask", "--json"], input="\n".join(lines) + "\n", env=env, text=True,
                            capture_output=True, timeout=60, check=True)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 4
    assert all(a["intent"] == "none" or "error" in a for a in answers[:3])
    assert [i["id"] for i in answers[3]["items"]] == ["L5-1", "L8-1"]
    assert "Traceback" not in result.stderr


def test_ask_arguments_plain_text(env: dict[str, str]) -> None:
    code, out = run("ask", "伍国军分管哪些工作")
    assert code == 0 and out.startswith("伍国军（常委）牵头 27 项工作")


def test_console_chat_reads_a_pipe(env: dict[str, str]) -> None:
    result = subprocess.run([DUBAN, "run"], input="区民政局负责哪些民生实事\n", env=env, text=True,
                            capture_output=True, timeout=60, check=True)
    assert "新改建老年食堂 50 家" in result.stdout and "新增认知障碍者床位 60 张" in result.stdout
    assert "伍国军" in result.stdout and "牵头" in result.stdout


def test_export_json(env: dict[str, str]) -> None:
    code, out = run("export", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["key_tasks"]) == 142 and len(data["livelihood"]) == 34


def test_import_failure_names_the_line_and_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    run("docs")
    broken = tmp_path / "lucheng-2023-tasks.txt"
    broken.write_text(BUNDLED_DOCUMENT.read_text(encoding="utf-8").split("附件 2")[0], encoding="utf-8")
    code, out = run("import", str(broken))
    assert code == 1 and "导入失败，数据库未作任何改动" in out and "附件 2" in out
    code, out = run("docs")
    assert "lucheng-2023" in out and "176 行" in out


def test_import_and_select_a_document(env: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "lucheng-2024-tasks.txt"
    copy.write_text(BUNDLED_DOCUMENT.read_text(encoding="utf-8").replace("〔2023〕", "〔2024〕"), encoding="utf-8")
    code, out = run("import", str(copy))
    assert code == 0 and "重点工作 142 项" in out
    code, out = run("export", "--json", "--doc", "lucheng-2024")
    assert json.loads(out)["document"]["year"] == 2024
    code, out = run("export", "--json", "--doc", "nope")
    assert code == 1 and "nope" in out


def test_eval_grades_a_gold_file(env: dict[str, str]) -> None:
    code, out = run("eval", str(ROOT / "tests" / "golden" / "dev.jsonl"), "--min-accuracy", "0.98")
    assert code == 0 and "exact accuracy" in out


def test_every_command_is_in_the_readme_and_has_an_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"duban {name}" in readme, f"README does not mention duban {name}"
        assert re.search(r"Example: .*duban", command.callback.__doc__ or ""), f"duban {name} --help lacks an example"  # type: ignore[union-attr]


def test_runtime_notices_a_new_import(runtime: object, tmp_path: Path) -> None:
    """A running bot checks `stale()` every minute and reloads: a new document then answers."""
    from bot.runtime import Runtime
    from knowledge.ingest import import_document

    assert isinstance(runtime, Runtime)
    assert runtime.catalog.key == "lucheng-2023" and not runtime.stale()
    copy = tmp_path / "lucheng-2024-tasks.txt"
    copy.write_text(BUNDLED_DOCUMENT.read_text(encoding="utf-8").replace("〔2023〕", "〔2024〕"), encoding="utf-8")
    import_document(runtime.knowledge.sessions, copy)
    assert runtime.stale()
    runtime.reload()
    assert runtime.catalog.key == "lucheng-2024" and not runtime.stale()


def test_warm_start_loads_neither_sqlalchemy_nor_jieba(env: dict[str, str]) -> None:
    """The cold-start budget depends on it: a warm `duban ask` reads the pickled snapshot, and a question
    without topic words never needs the segmenter (a check of imports, not of time)."""
    if not env["DUBAN_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the snapshot's standard-library check is SQLite's; other databases take the full path")
    command = [sys.executable, "-X", "importtime", "-m", "bot.cli", "ask", "区民政局负责哪些民生实事"]
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=60)  # builds the snapshot
    imported = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=60).stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in imported.splitlines() if "|" in line}
    assert not {m for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic", "jieba", "telegram")}
