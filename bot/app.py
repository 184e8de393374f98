"""Build the python-telegram-bot Application from a Runtime and run it, polling or behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import secrets
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import ConfigError, Settings
from bot.examples import Chrome, chrome
from bot.reminders import messages as rm
from bot.runtime import Runtime, settle
from handlers import (
    ADMIN,
    CONTEXT_TYPES,
    GROUP,
    PRIVATE,
    App,
    Context,
    ask,
    delivery,
    documents,
    errors,
    inline,
    pages,
    progress,
    start,
    subscriptions,
)
from handlers import texts as tx
from handlers.sending import ChatOrderedProcessor, PatientLimiter

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Every handler module, in the order their commands appear in the menus. Imported, not named: a renamed
# or missing module stops the bot at start-up instead of silently turning its feature off.
HANDLER_MODULES: tuple[ModuleType, ...] = (start, ask, documents, inline, pages, subscriptions, delivery, progress,
                                           errors)
# Edited messages are left out on purpose: answering an edit would post a second reply.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER]
TIMEZONE = ZoneInfo("Asia/Shanghai")
# Answering takes well under a millisecond, so concurrency only overlaps the HTTP round trips.
CONCURRENT_UPDATES = 16
# How often a running bot looks for a newer import (one small query).
REFRESH_SECONDS = 60
# Questions that touch every lazily built part of the pipeline (the first unknown name costs ~0.5 s).
WARM_UP = ("帮助", "区民政局负责哪些民生实事", "火星街道有什么任务")
_SCOPES: dict[str, BotCommandScope] = {PRIVATE: BotCommandScopeAllPrivateChats(), GROUP: BotCommandScopeAllGroupChats()}
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def file_url_for(base_url: str) -> str | None:
    """The file URL matching a Bot API base URL: http://host:8081/bot → http://host:8081/file/bot."""
    if base_url.rstrip("/").endswith("/bot"):
        return base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
    return None


def register_handlers(application: AnyApplication,
                      modules: Sequence[ModuleType] = HANDLER_MODULES) -> Sequence[ModuleType]:
    """Call each handler module's `register(application)`; returns the modules, for their COMMANDS."""
    for module in modules:
        module.register(application)
    return modules


def bot_commands(modules: Sequence[ModuleType]) -> dict[str, list[BotCommand]]:
    """Every module's COMMANDS, per scope, in module order; malformed entries are logged and skipped."""
    menus: dict[str, list[BotCommand]] = {PRIVATE: [], GROUP: [], ADMIN: []}
    for module in modules:
        for entry in getattr(module, "COMMANDS", []):
            try:
                name, description, scopes = entry
            except (TypeError, ValueError):
                log.warning("%s.COMMANDS entry %r is not (name, description, scopes)", module.__name__, entry)
                continue
            if not (isinstance(name, str) and _COMMAND_NAME.fullmatch(name) and isinstance(description, str)
                    and 1 <= len(description.strip()) <= 256):
                log.warning("%s: command %r is not valid for Telegram", module.__name__, name)
                continue
            for scope in (scopes,) if isinstance(scopes, str) else scopes:
                menu = menus.get(scope)
                if menu is not None and all(c.command != name for c in menu):
                    menu.append(BotCommand(name, description))
    return menus


# The menu lines that name the bundled document's examples, written for any document (Chrome's fields).
_FITTED_COMMANDS = {"ask": tx.CMD_ASK_FITTED, "unit": tx.CMD_UNIT_FITTED, "leader": tx.CMD_LEADER_FITTED,
                    "item": tx.CMD_ITEM_FITTED, "sub": rm.CMD_SUB_FITTED, "deadline": rm.CMD_DEADLINE_FITTED}


def fitted_menus(menus: dict[str, list[BotCommand]], words: Chrome) -> dict[str, list[BotCommand]]:
    """The menus in the default document's words: one menu serves every chat, as the bot's profile does, so it
    names the default document's leaders and examples (the written lines, unchanged, for the bundled one)."""
    if words.written:
        return menus
    fields = dataclasses.asdict(words)

    def fit(command: BotCommand) -> BotCommand:
        template = _FITTED_COMMANDS.get(command.command)
        return command if template is None else BotCommand(command.command, template.format(**fields)[:256])

    return {scope: [fit(c) for c in commands] for scope, commands in menus.items()}


async def _refresh(context: Context) -> None:
    """Pick up a `duban import` made while the bot runs: answers and reminders then use the new rows."""
    runtime = context.bot_data.runtime
    if await asyncio.to_thread(runtime.stale):
        runtime.reload()
        await asyncio.to_thread(_warm_up, runtime)
        log.info("knowledge base changed: now answering from %s (revision %s)", runtime.catalog.key,
                 runtime.catalog.revision)


def _warm_up(runtime: Runtime) -> None:
    for question in WARM_UP:  # builds catalog, lexicon, parser and the fuzzy-match index once
        runtime.duban.ask(question)
    settle()  # what was just loaded stays: the collector need not walk it again


async def _post_init(application: App) -> None:
    """Load the document before the first question arrives, then publish the command menus."""
    runtime = application.bot_data.runtime
    _warm_up(runtime)
    if application.job_queue is not None:
        application.job_queue.run_repeating(_refresh, interval=REFRESH_SECONDS, first=REFRESH_SECONDS,
                                            name="knowledge:refresh")
    # The default document's tables, leaders and examples (the written text for the bundled one).
    words = chrome(runtime.duban)
    menus = application.bot_data.commands = fitted_menus(application.bot_data.commands, words)
    for scope, commands in menus.items():
        if commands and scope in _SCOPES:
            await application.bot.set_my_commands(commands, scope=_SCOPES[scope])
    # What an empty chat with the bot shows before /start, and the bot's profile line.
    await application.bot.set_my_description(tx.DESCRIPTION if words.written else
                                             tx.DESCRIPTION_FITTED.format(tables=words.tables, leader=words.leader))
    await application.bot.set_my_short_description(tx.SHORT_DESCRIPTION if words.written else
                                                   tx.SHORT_DESCRIPTION_FITTED.format(tables=words.tables))


async def _post_shutdown(application: App) -> None:
    runtime = application.bot_data.runtime
    if "knowledge" in runtime.__dict__:  # opened lazily; close only what was opened
        runtime.knowledge.close()


def build_application(runtime: Runtime, *, token: str | None = None, base_url: str | None = None,
                      rate_limiter: bool = True) -> App:
    """The Application with every handler module registered; nothing is sent until it starts."""
    settings = runtime.settings
    token = token or settings.telegram_token
    if not token:
        raise ConfigError("没有 Telegram 令牌：请设置 DUBAN_TELEGRAM_TOKEN（向 @BotFather 申请）")
    # A reply still goes out when the asker deleted their message meanwhile.
    defaults = Defaults(parse_mode=ParseMode.HTML, tzinfo=TIMEZONE, allow_sending_without_reply=True,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().token(token).context_types(CONTEXT_TYPES).defaults(defaults).concurrent_updates(ChatOrderedProcessor(CONCURRENT_UPDATES))
               .post_init(_post_init).post_shutdown(_post_shutdown))
    if rate_limiter:
        builder = builder.rate_limiter(PatientLimiter())
    base = base_url or settings.telegram_base_url
    if base:
        builder = builder.base_url(base)
        if file_url := file_url_for(base):
            builder = builder.base_file_url(file_url)
    application = builder.build()
    application.bot_data.runtime = runtime
    # In Telegram anyone may ask (inline mode too): unpublished report texts stay hidden from answers that
    # do not know the asker; handlers/progress.py answers its own chats with what each may read.
    runtime.office_view = False
    application.bot_data.commands = bot_commands(register_handlers(application))
    return application


@contextlib.asynccontextmanager
async def polling(application: AnyApplication, *, timeout: float = 10.0) -> AsyncIterator[AnyApplication]:
    """Poll inside an already running event loop (tests, benchmarks), in run_polling's order.

    post_shutdown is not called: whoever made the Runtime closes it.
    """
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        if application.updater is None:
            raise RuntimeError("the application was built without an updater")
        await application.updater.start_polling(timeout=timedelta(seconds=timeout), allowed_updates=ALLOWED_UPDATES,
                                                drop_pending_updates=False)
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


def webhook_options(settings: Settings, webhook_url: str | None = None, listen: str | None = None,
                    port: int | None = None, secret_token: str | None = None) -> dict[str, Any]:
    """Arguments for run_webhook/start_webhook: options given here win over the settings."""
    url = webhook_url or settings.webhook_url
    if not url or urlsplit(url).scheme != "https":
        raise ConfigError(f"Webhook 地址必须是 https:// 开头的公网地址（收到 {url!r}），例如 https://bot.example.org/duban")
    secret = secret_token or settings.webhook_secret or secrets.token_urlsafe(32)
    if not _SECRET.fullmatch(secret):
        raise ConfigError("webhook 密钥只能包含字母、数字、_ 和 -，长度 1–256")
    return {
        "listen": listen or settings.webhook_listen,
        "port": port or settings.webhook_port,
        "url_path": urlsplit(url).path.strip("/"),
        "webhook_url": url,
        "secret_token": secret,
    }


def _configure_logging(level: str = "INFO") -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token; APScheduler logs every job
    # it adds and runs, which would bury the start-up lines.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def preflight(settings: Settings, webhook: dict[str, Any] | None = None,
                    certificate: Path | None = None) -> str:
    """Reach Telegram once before serving: getMe (the token), and setWebhook in webhook mode, so a
    failure is one sentence naming the base URL and the call instead of a retry loop's traceback.
    Returns the bot's @username."""
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.failures import OperatorError, telegram_problem

    extra: dict[str, Any] = {}
    if settings.telegram_base_url:
        extra["base_url"] = settings.telegram_base_url
        if file_url := file_url_for(settings.telegram_base_url):
            extra["base_file_url"] = file_url
    call = "getMe"
    try:
        async with Bot(settings.telegram_token or "", **extra) as bot:  # initialize() calls getMe
            if webhook is not None:
                call = "setWebhook"
                await bot.set_webhook(webhook["webhook_url"], secret_token=webhook["secret_token"],
                                      allowed_updates=ALLOWED_UPDATES,
                                      certificate=certificate.read_bytes() if certificate else None)
            return bot.username
    except TelegramError as error:
        url: str | None = webhook["webhook_url"] if webhook else None
        sentence = telegram_problem(error, settings.telegram_base_url, call, url)
        if sentence is None:
            raise
        raise OperatorError(sentence) from error


def start_line(runtime: Runtime, mode: str) -> str:
    """The one log line that says what this process is: mode, database, answering document, admins."""
    from bot.failures import mask_url

    choice = runtime.answering()
    return (f"duban starting: {mode}; database {mask_url(runtime.settings.database_url)}; answering from "
            f"{choice.key} ({choice.why}); {len(runtime.settings.admins)} admin(s); log level "
            f"{runtime.settings.log_level} to stderr")


def announce_when_serving(application: AnyApplication, message: str) -> None:
    """Log `message` once the application serves: the job queue starts only after the webhook server listens
    (or polling began), so the line is never written for a server that failed to start."""
    async def announce(_context: Any) -> None:
        log.info("%s", message)

    if application.job_queue is None:
        raise RuntimeError("the application was built without a job queue")
    # Scheduled now but run when the queue starts, however much later: no misfire grace limit.
    application.job_queue.run_once(announce, 0, name="announce", job_kwargs={"misfire_grace_time": None})


def run_bot(runtime: Runtime, webhook_url: str | None = None, listen: str | None = None,
            port: int | None = None, secret_token: str | None = None, certificate: Path | None = None) -> None:
    """Serve until SIGINT/SIGTERM: long polling by default, a webhook when a URL is configured."""
    _configure_logging(runtime.settings.log_level)
    settings = runtime.settings
    application = build_application(runtime)
    certificate = certificate or settings.webhook_certificate
    if webhook_url or settings.webhook_url:
        options = webhook_options(settings, webhook_url, listen, port, secret_token)
        log.info("%s", start_line(runtime, f"webhook mode ({options['webhook_url']})"))
        username = asyncio.run(preflight(settings, options, certificate))
        # Logged by the job queue, which starts only after the webhook server is listening.
        ready = (f"@{username} listening on {options['listen']}:{options['port']}/{options['url_path']} "
                 f"for {options['webhook_url']}")
        announce_when_serving(application, ready)
        application.run_webhook(**options, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False,
                                cert=certificate)
    else:
        log.info("%s", start_line(runtime, "polling mode"))
        username = asyncio.run(preflight(settings))
        announce_when_serving(application, f"@{username} polling Telegram for updates")
        application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
