"""`duban check`: is this installation ready? One ✓/✗ line per check, the fix on each ✗, never a traceback.

Read-only: it neither migrates the schema nor imports the bundled document, so it can run against the
production database at any time (for example after an upgrade, before restarting the service).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import typer

from bot import failures
from bot.cli import messages as cm
from bot.config import ConfigError, Settings, load_settings


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    ok: bool
    text: str

    def line(self) -> str:
        return f"{cm.OK if self.ok else cm.BAD} {self.text}"


def _guarded(what: str, probe: Callable[[], Check]) -> Check:
    try:
        return probe()
    except Exception as error:  # every failure is a line of the report, never a traceback
        return Check(False, f"{what}：{failures.explain(error).message}")


def run_checks(document: str | None = None) -> list[Check]:
    """Every check, in the order an operator fixes them: configuration first, Telegram last."""
    try:
        settings = load_settings()
    except ConfigError as error:
        return [Check(False, f"配置：{error}")]
    failures.remember_database(settings.database_url)
    failures.remember_secret(settings.telegram_token, settings.webhook_secret)
    where = (cm.CHECK_CONFIG_FILE.format(path=settings.config_path) if settings.config_path
             else cm.CHECK_CONFIG_ENV)
    checks = [Check(True, cm.CHECK_CONFIG_OK.format(where=where))]
    problem = failures.data_dir_problem(settings.data_dir)
    checks.append(Check(problem is None, problem or cm.CHECK_DATA_DIR_OK.format(path=settings.data_dir)))
    database = _guarded("数据库", lambda: _database(settings))
    checks.append(database)
    if database.ok:
        checks.append(_guarded("数据库结构", lambda: _schema(settings)))
        checks.append(_guarded("回答问题的文件", lambda: _document(settings, document)))
    else:
        checks += [Check(False, cm.CHECK_SKIPPED.format(what=w)) for w in ("数据库结构", "回答问题的文件")]
    if settings.telegram_token:
        checks.append(_guarded("Telegram", lambda: _telegram(settings)))
    else:
        checks.append(Check(True, cm.CHECK_TELEGRAM_NONE))
    return checks


def _database(settings: Settings) -> Check:
    from sqlalchemy import text

    from knowledge.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    return Check(True, cm.CHECK_DATABASE_OK.format(url=failures.mask_url(settings.database_url)))


def _schema(settings: Settings) -> Check:
    from knowledge.db import current_revision, make_engine
    from knowledge.migrations import head_revision

    engine = make_engine(settings.database_url)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if revision is None:
        return Check(False, cm.CHECK_SCHEMA_EMPTY)
    if revision != head:
        return Check(False, cm.CHECK_SCHEMA_OLD.format(revision=revision, head=head))
    return Check(True, cm.CHECK_SCHEMA_OK.format(revision=revision))


def _document(settings: Settings, document: str | None) -> Check:
    from sqlalchemy import func, select

    from knowledge.catalog import UnknownDocument
    from knowledge.db import current_revision, make_engine, session_factory
    from knowledge.documents import WHY_TEXT, choose
    from knowledge.models import DocumentRecord, Item

    engine = make_engine(settings.database_url)
    try:
        if current_revision(engine) is None:
            return Check(False, cm.CHECK_SKIPPED.format(what="回答问题的文件"))
        with session_factory(engine)() as session:
            try:
                choice = choose(session, document or settings.document)
            except UnknownDocument as error:
                return Check(False, f"回答问题的文件：{error}")
            count = session.scalar(select(func.count()).select_from(DocumentRecord)) or 0
            rows = session.scalar(select(func.count()).select_from(Item).join(DocumentRecord)
                                  .where(DocumentRecord.key == choice.key)) or 0
    finally:
        engine.dispose()
    return Check(True, cm.CHECK_DOCUMENT_OK.format(key=choice.key, why=WHY_TEXT[choice.why], rows=rows, count=count))


def _telegram(settings: Settings) -> Check:
    from bot.app import preflight

    username = asyncio.run(preflight(settings))
    return Check(True, cm.CHECK_TELEGRAM_OK.format(base=settings.telegram_base_url or failures.TELEGRAM_API,
                                                   username=username))


def check_command(doc: str | None = None) -> None:
    """Print the checks; exit 1 unless every one holds."""
    checks = run_checks(doc)
    for check in checks:
        typer.echo(check.line())
    bad = sum(not c.ok for c in checks)
    typer.echo(cm.CHECK_ALL_OK if not bad else cm.CHECK_FAILED.format(n=bad))
    if bad:
        raise typer.Exit(1)
