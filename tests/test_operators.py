"""An office running Duban for years: documents over time, honest diagnostics, one row-ID form everywhere."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from pathlib import Path

import pytest
from fakebot import FakeBotApi
from fakebot.fixtures import make_fake_bot_fixture
from typer.testing import CliRunner

from bot.app import announce_when_serving, build_application, polling, preflight
from bot.cli import app
from bot.config import Settings
from bot.failures import OperatorError
from bot.runtime import Runtime
from knowledge.rowids import canonical_row_ids, find_row_ids, parse_row_id
from knowledge.vocabulary import BUNDLED_DOCUMENT

fake = make_fake_bot_fixture()


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def year_copy(folder: Path, year: int, change: tuple[str, str] | None = None) -> Path:
    """The bundled document as another year's notice (optionally with one row's text changed)."""
    text = BUNDLED_DOCUMENT.read_text(encoding="utf-8").replace("2023", str(year))
    if change:
        assert change[0] in text
        text = text.replace(*change)
    path = folder / f"lucheng-{year}-tasks.txt"
    path.write_text(text, encoding="utf-8")
    return path


def docs(*extra: str) -> list[dict[str, object]]:
    code, out = run("docs", "--json", *extra)
    assert code == 0, out
    listed: list[dict[str, object]] = json.loads(out)
    assert sum(d["answering"] is True for d in listed) == 1, listed
    return listed


def answering(listed: list[dict[str, object]]) -> tuple[object, object]:
    found = next(d for d in listed if d["answering"])
    return found["key"], found["why"]


# --- one row-ID form everywhere --------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "canonical"), [
    ("K5-12", "K5-12"), ("k5-12", "K5-12"), ("ｋ５－１２", "K5-12"), ("Ｋ５－１２", "K5-12"), ("五-12", "K5-12"),
    ("五－12", "K5-12"), ("十一-3", "K11-3"), ("民生实事 5-1", "L5-1"), ("民生实事第5-1", "L5-1"), ("L8-2", "L8-2"),
    ("K5—12", "K5-12"),
], ids=str)
def test_every_written_form_of_a_row_id_reads_the_same(raw: str, canonical: str) -> None:
    assert parse_row_id(raw) == canonical
    assert find_row_ids(f"请问{raw}由谁牵头") == [canonical]


@pytest.mark.parametrize("raw", ["5-12", "K0-1", "K5-0", "K5-12a", "十十-1", "五", ""], ids=repr)
def test_what_is_no_row_id(raw: str) -> None:
    assert parse_row_id(raw) is None


def test_a_spaced_livelihood_id_stays_whole_when_arguments_are_split() -> None:
    assert canonical_row_ids("民生实事 5-1 6月底").split() == ["L5-1", "6月底"]


@pytest.mark.parametrize("form", ["五-12", "ｋ５－１２", "K5-12"])
def test_deadlines_and_subscriptions_accept_every_form(env: dict[str, str], form: str) -> None:
    code, out = run("deadlines", "set", form, "2023-06-30", "完成过半")
    assert code == 0 and "K5-12" in out, out
    code, out = run("subscriptions", "add", "4242", form)
    assert code == 0 and "K5-12" in out, out
    code, out = run("deadlines", "list", "--row", form)
    assert code == 0 and "K5-12\t2023-06-30" in out, out


def test_livelihood_form_in_deadlines_and_subscriptions(env: dict[str, str]) -> None:
    code, out = run("deadlines", "set", "民生实事 5-1", "6月底")
    assert code == 0 and "L5-1 2023-06-30" in out, out
    code, out = run("subscriptions", "add", "4242", "民生实事", "5-1")
    assert code == 0 and "L5-1" in out, out
    code, out = run("deadlines", "set", "六-99", "6月底")
    assert code == 2 and "K6-99" in out


# --- documents over time ---------------------------------------------------------------------------


def test_bundled_answers_only_until_an_operator_imports_even_an_older_document(env: dict[str, str],
                                                                               tmp_path: Path) -> None:
    listed = docs()
    assert answering(listed) == ("lucheng-2023", "bundled") and listed[0]["bundled"] is True
    assert set(listed[0]) == {"key", "year", "title", "rows", "imported_at", "bundled", "answering", "why"}
    code, out = run("import", str(year_copy(tmp_path, 2022)))
    assert code == 0 and "添加了新文件 lucheng-2022" in out and "现在回答问题的文件：lucheng-2022" in out, out
    assert "此前是 lucheng-2023" in out
    assert answering(docs()) == ("lucheng-2022", "newest imported")
    code, out = run("ask", "--json", "区民政局负责哪些民生实事")
    assert code == 0
    code, out = run("export", "--json")
    assert json.loads(out)["document"]["year"] == 2022


def test_pin_marks_export_and_import_say_so(env: dict[str, str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    run("import", str(year_copy(tmp_path, 2024)))
    monkeypatch.setenv("DUBAN_DOCUMENT", "lucheng-2023")
    assert answering(docs()) == ("lucheng-2023", "pinned")
    code, out = run("export", "--json")
    assert json.loads(out)["document"]["key"] == "lucheng-2023"
    code, out = run("import", str(year_copy(tmp_path, 2024)))
    assert code == 0 and "替换了 lucheng-2024" in out and "回答问题的仍是 lucheng-2023" in out, out
    assert answering(docs("--doc", "lucheng-2024")) == ("lucheng-2024", "pinned")


def test_docs_remove(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("import", str(year_copy(tmp_path, 2024)))
    code, out = run("docs", "remove", "nope")
    assert code == 1 and "没有键为“nope”的文件" in out
    monkeypatch.setenv("DUBAN_DOCUMENT", "lucheng-2024")
    code, out = run("docs", "remove", "lucheng-2024")
    assert code == 1 and "不能删除" in out
    monkeypatch.delenv("DUBAN_DOCUMENT")
    run("deadlines", "set", "K5-12", "2024-06-30")
    code, out = run("docs", "remove", "lucheng-2024")
    assert code == 0 and "1 条期限" in out and "现在回答问题的文件：lucheng-2023" in out, out
    assert [d["key"] for d in docs()] == ["lucheng-2023"]


def test_year_change_reports_deadlines_and_copy_carries_them_by_text(env: dict[str, str], tmp_path: Path) -> None:
    run("import", str(year_copy(tmp_path, 2023, ("区民政局", "区民政局"))))  # an operator's own 2023 import
    assert run("deadlines", "set", "K5-12", "2023-06-30", "完成过半")[0] == 0
    assert run("deadlines", "set", "L5-1", "2023-09-30")[0] == 0
    assert run("deadlines", "set", "K2-1", "2024-02-29")[0] == 0
    assert run("subscriptions", "add", "4242", "区民政局")[0] == 0
    assert run("subscriptions", "add", "4242", "K2-1")[0] == 0
    # Next year's document: one row reworded slightly, one row rewritten beyond recognition.
    text = BUNDLED_DOCUMENT.read_text(encoding="utf-8")
    k2_1 = next(line for line in text.splitlines() if line.startswith("1\t"))
    rewritten = k2_1.split("\t")[1]
    new = text.replace("2023", "2024").replace("新改建老年食堂 50 家", "新改建老年食堂 60 家")
    new = new.replace(rewritten, "全面完成数字化改革年度目标任务，建设一批标志性应用场景")
    path = tmp_path / "lucheng-2024-tasks.txt"
    path.write_text(new, encoding="utf-8")
    code, out = run("import", str(path))
    assert "此前是 lucheng-2023" in out, out
    assert "3 条管理员期限" in out and "duban deadlines copy --from lucheng-2023 --to lucheng-2024" in out
    assert "1 个订阅按名称跟随" in out and "1 个订阅现在指向" in out
    code, out = run("deadlines", "copy", "--from", "lucheng-2023", "--to", "lucheng-2024")
    assert code == 0, out
    assert "K5-12 → K5-12（内容相同）2024-06-30 完成过半" in out
    assert "L5-1 → L5-1（内容相近" in out and "2024-09-30" in out
    assert "未复制的 1 条" in out and "K2-1" in out.split("未复制")[1]
    code, out = run("deadlines", "list", "--json")
    assert {(d["id"], d["deadline"]) for d in json.loads(out)} == {("K5-12", "2024-06-30"), ("L5-1", "2024-09-30")}


# --- diagnostics ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_check_healthy_setup(env: dict[str, str]) -> None:
    run("docs")  # first use: schema and bundled document
    code, out = run("check")
    assert code == 0, out
    lines = out.strip().splitlines()
    assert all(line.startswith("✓") for line in lines[:-1]) and len(lines) == 7, out


def test_check_refused_database_one_line_with_the_fix(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"postgresql+psycopg://duban:s3cret-pass@127.0.0.1:{free_port()}/duban")
    code, out = run("check")
    assert code == 1 and "Traceback" not in out and "s3cret-pass" not in out, out
    [line] = [line for line in out.splitlines() if line.startswith("✗ 数据库：")]
    assert "duban:***@127.0.0.1" in line and "DUBAN_DATABASE_URL" in line


@pytest.mark.skipif(not os.environ.get("DUBAN_TEST_DATABASE_URL"), reason="needs the PostgreSQL run")
def test_check_wrong_role_on_postgresql(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = os.environ["DUBAN_TEST_DATABASE_URL"].replace("postgres@", "nobody:Wr0ngPass@")
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    code, out = run("check")
    assert code == 1 and "Traceback" not in out and "Wr0ngPass" not in out, out
    assert any(line.startswith("✗ 数据库：") and "用户名和密码" in line for line in out.splitlines()), out


def test_check_names_a_config_typo(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('databse_url = "sqlite:///x.db"\n', encoding="utf-8")
    code, out = run("check")
    assert code == 1 and out.startswith("✗ 配置") and "是不是 database_url" in out


async def test_check_reaches_telegram_and_names_a_refused_token(env: dict[str, str], fake: FakeBotApi,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_TELEGRAM_BASE_URL", fake.base_url)
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", fake.token)
    code, out = await asyncio.to_thread(run, "check")
    assert f"✓ Telegram：{fake.base_url} 的 getMe 返回 @" in out, out
    fake.expect_rejection(error_code=401)
    monkeypatch.setenv("DUBAN_TELEGRAM_TOKEN", "123456:" + "x" * 35)
    code, out = await asyncio.to_thread(run, "check")
    assert code == 1 and "✗ Telegram" in out and "Telegram 拒绝了这个 token" in out and "x" * 35 not in out, out


async def test_preflight_unreachable_names_base_url_and_call(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}/bot"
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", telegram_token="1:a", telegram_base_url=base)
    with pytest.raises(OperatorError, match=f"无法连接 Telegram：getMe 请求 {base}.*DUBAN_TELEGRAM_BASE_URL"):
        await preflight(settings)


async def test_preflight_set_webhook_refused_gives_reason_and_fix(fake: FakeBotApi, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", telegram_token=fake.token,
                        telegram_base_url=fake.base_url)
    fake.expect_rejection("setWebhook")
    options = {"webhook_url": "https://duban.example.org:9443/telegram", "secret_token": "s"}
    with pytest.raises(OperatorError, match=r"Telegram 拒绝了 webhook 地址 https://duban.example.org:9443/telegram："
                                            r"(?i:bad webhook: webhook can be set up only on ports).*反向代理"):
        await preflight(settings, options)
    options["webhook_url"] = "https://duban.example.org/telegram"
    assert await preflight(settings, options) == fake.bot_user.username
    assert fake.webhook_url == "https://duban.example.org/telegram"


def test_ask_fails_loudly_when_the_data_directory_is_not_writable(env: dict[str, str], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"  # a file where the directory should be: refused even for root
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUBAN_DATA_DIR", str(blocker / "data"))
    monkeypatch.delenv("DUBAN_DATABASE_URL")
    code, out = run("ask", "区民政局负责哪些民生实事")
    assert code != 0 and "不可写" in out, out


async def test_send_due_exits_non_zero_when_sends_fail(fake: FakeBotApi, env: dict[str, str],
                                                       tmp_path: Path) -> None:
    code, out = await asyncio.to_thread(run, "subscriptions", "add", "777000111", "全部")
    assert code == 0, out
    fake.expect_rejection("sendMessage")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.reminders", "reminders", "send-due", "--at", "2023-12-01T09:00+08:00",
        env={**env, "DUBAN_TELEGRAM_TOKEN": fake.token, "DUBAN_TELEGRAM_BASE_URL": fake.base_url},
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out_bytes, err_bytes = await process.communicate()
    assert process.returncode == 1, (out_bytes.decode(), err_bytes.decode())
    assert "发送失败" in err_bytes.decode()


def test_bench_cold_start_ignores_a_pinned_document_and_the_configured_database(
        env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.answers import cold_start

    monkeypatch.setenv("DUBAN_DOCUMENT", "lucheng-2022")  # pinned, and absent from the throw-away database
    (tmp_path / "config.toml").write_text('database_url = "postgresql+psycopg://x:y@127.0.0.1:1/none"\n',
                                          encoding="utf-8")
    figures = cold_start("区民政局负责哪些民生实事", runs=1)
    assert "failed" not in figures and float(figures["warm_best_s"]) > 0, figures


async def test_listening_is_logged_only_once_serving(fake: FakeBotApi, runtime: Runtime,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    application = build_application(runtime, token=fake.token, base_url=fake.base_url)
    announce_when_serving(application, "@bot listening on 127.0.0.1:8010")
    await asyncio.sleep(1.5)  # the scheduler starts later than the job was added: it must still run
    assert "listening" not in caplog.text
    with caplog.at_level(logging.INFO, logger="bot.app"):
        async with polling(application):
            for _ in range(50):
                if "listening" in caplog.text:
                    break
                await asyncio.sleep(0.05)
    assert caplog.text.count("@bot listening on 127.0.0.1:8010") == 1
