"""Every failure an operator can meet, as one or two Chinese sentences naming the cause and the fix.

`explain(error)` turns an exception into a `Failure` (the sentence and an exit code); `report(error)` prints it
to stderr, with the traceback only in debug mode (`duban --debug`, `DUBAN_DEBUG=1` or `DUBAN_LOG_LEVEL=DEBUG`).
`install_masking()` makes sure no secret — the bot token, a database password — reaches a log record or stderr:
a logging filter rewrites every record, and stderr itself is wrapped, so warnings and tracebacks that bypass
logging (an uncaught exception, a library's print) are masked as well.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)

MASK = "***"
# A Telegram bot token: the bot's numeric id, a colon, 35 URL-safe characters. Bounded repetitions keep the
# match linear (each start position looks at most 12 digits ahead before failing).
_TOKEN = re.compile(r"(?<![0-9])([0-9]{5,12}):[A-Za-z0-9_-]{30,}")
_SECRETS: set[str] = set()
_DATABASE_URL: list[str] = []  # the configured URL, for messages about the database (password masked)
_DEBUG = [False]

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


# ---------------------------------------------------------------------------------------------- masking

def remember_secret(*values: str | None) -> None:
    """Mask these strings wherever they would be printed (the token, passwords); short values are ignored
    because masking them would garble ordinary text."""
    for value in values:
        if value and (match := _TOKEN.fullmatch(value)):
            value = value[match.end(1) + 1:]  # a bot token's id is public (it is the bot's user id)
        if value and len(value) >= 6:
            _SECRETS.add(value)


def remember_database(url: str | None) -> None:
    """The database URL that messages name; its password becomes a secret."""
    if not url:
        return
    _DATABASE_URL[:] = [url]
    remember_secret(_url_password(url))


def _url_password(url: str) -> str | None:
    """The password of scheme://user:password@host/…, found by scanning (no backtracking pattern)."""
    scheme = url.find("://")
    if scheme < 0:
        return None
    rest = url[scheme + 3:]
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found >= 0:
            end = min(end, found)
    authority = rest[:end]
    at = authority.rfind("@")
    if at < 0:
        return None
    colon = authority.find(":", 0, at)
    return authority[colon + 1:at] if colon >= 0 else None


def mask_url(url: str) -> str:
    """`url` with its password replaced by ***."""
    password = _url_password(url)
    if not password:
        return url
    scheme = url.find("://") + 3
    colon = url.find(":", scheme)
    return url[:colon + 1] + MASK + url[colon + 1 + len(password):]


def _mask_urls(text: str) -> str:
    """Every scheme://user:password@ in `text` with the password masked (linear: one pass over '://')."""
    if "://" not in text or "@" not in text:
        return text
    out: list[str] = []
    position = 0
    while (found := text.find("://", position)) >= 0:
        end = found + 3
        while end < len(text) and not text[end].isspace() and text[end] not in "/?#'\"<>`":
            end += 1
        out.append(text[position:found])
        out.append(mask_url(text[found:end]) if "@" in text[found:end] else text[found:end])
        position = end
    out.append(text[position:])
    return "".join(out)


def mask(text: str) -> str:
    """`text` without any secret: remembered secrets, anything shaped like a bot token, URL passwords."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, MASK)
    if ":" in text:
        text = _TOKEN.sub(lambda m: f"{m.group(1)}:{MASK}", text)
        text = _mask_urls(text)
    return text


class SecretFilter(logging.Filter):
    """Rewrites each record with its message, exception and stack text already masked."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "duban_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts, masked, rather than lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            # Formatters print exc_text when it is set instead of formatting exc_info again. Outside debug
            # mode a failure with a known cause is its sentence; an unexpected one keeps its traceback.
            error = record.exc_info[1]
            failure = explain(error) if error is not None and not _DEBUG[0] else None
            record.exc_text = (failure.message if failure is not None and failure.known
                               else mask(self._formatter.formatException(record.exc_info)))
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record.duban_masked = True
        return True


class MaskingStream(io.TextIOBase):
    """A text stream that masks secrets before writing to the stream it wraps (stderr)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(mask(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.inner.errors


_FILTER = SecretFilter()


def _filter_handlers(handlers: Iterable[logging.Handler]) -> None:
    for handler in handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


class _MaskingRecordFactory:
    """Masks each record as it is made, so handlers added later (basicConfig, PTB) never see a secret."""

    def __init__(self, inner: Callable[..., logging.LogRecord]) -> None:
        self.inner = inner

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        record: logging.LogRecord = self.inner(*args, **kwargs)
        _FILTER.filter(record)
        return record


def install_masking(environ: Mapping[str, str] | None = None) -> None:
    """Mask secrets in every log record and on stderr for the rest of the process (idempotent)."""
    env = os.environ if environ is None else environ
    remember_secret(env.get("DUBAN_TELEGRAM_TOKEN"), env.get("DUBAN_WEBHOOK_SECRET"))
    remember_database(env.get("DUBAN_DATABASE_URL"))
    set_debug(debug_requested(env))
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingRecordFactory):
        logging.setLogRecordFactory(_MaskingRecordFactory(factory))
    _filter_handlers(logging.getLogger().handlers)
    if not isinstance(sys.stderr, MaskingStream) and sys.stderr is not None:
        sys.stderr = MaskingStream(sys.stderr)


# ---------------------------------------------------------------------------------------------- debug mode

def debug_requested(environ: Mapping[str, str] | None = None) -> bool:
    """DUBAN_DEBUG=1 (or any true word) or DUBAN_LOG_LEVEL=DEBUG."""
    env = os.environ if environ is None else environ
    flag = env.get("DUBAN_DEBUG", "").strip().lower()
    return flag in ("1", "true", "yes", "on") or env.get("DUBAN_LOG_LEVEL", "").strip().upper() == "DEBUG"


def set_debug(on: bool) -> None:
    """Switch debug mode (tracebacks printed, after masking) on or off."""
    _DEBUG[0] = _DEBUG[0] or on


def debug() -> bool:
    return _DEBUG[0]


# ---------------------------------------------------------------------------------------------- explaining

@dataclass(frozen=True)
class Failure:
    """What the operator reads, and the exit code."""

    message: str
    code: int = EXIT_FAILURE
    known: bool = True  # False: an unexpected error (a bug), whose traceback a log should keep


Translator = Callable[[BaseException], "Failure | None"]
_TRANSLATORS: list[Translator] = []


def translator(function: Translator) -> Translator:
    """Register a function that explains some errors (returns None for the others); later ones are asked
    first. Other layers (Telegram start-up, readers) add their own without this module importing them."""
    _TRANSLATORS.insert(0, function)
    return function


class OperatorError(Exception):
    """An error whose message is already the sentence for the operator (raise it from any layer)."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _database() -> str:
    return f"数据库 {mask_url(_DATABASE_URL[0])}" if _DATABASE_URL else "数据库"


# What the drivers say (SQLite's and PostgreSQL's own words, lower-cased) → the cause and the fix.
_DATABASE_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("readonly database", "read-only", "read only"),
     "{db} 是只读的，无法写入。请让运行 duban 的用户对数据库文件及其所在目录有写权限，或换一个可写的 DUBAN_DATABASE_URL。"),
    (("database or disk is full", "disk full", "no space left", "could not extend file"),
     "{db} 所在磁盘已满，本次改动未保存。请清理磁盘空间后重试。"),
    (("file is not a database", "database disk image is malformed", "malformed"),
     "{db} 文件已损坏或不是数据库文件。请从备份恢复，或把它移走后重新运行（会自动新建并导入内置文件）。"),
    (("database is locked", "database table is locked", "lock timeout", "deadlock detected"),
     "{db} 正被另一个进程长时间占用（已锁定）。请等它完成（例如另一次导入）后重试。"),
    # A refused login or a missing database comes wrapped in psycopg's "connection failed: …": ask first.
    (("password authentication failed", "authentication failed", "role", "permission denied"),
     "{db} 拒绝了登录或操作（用户名、密码或权限不对）。请检查 DUBAN_DATABASE_URL 中的用户名和密码，以及该用户的权限。"),
    (("does not exist",),
     "{db} 不存在。请先创建该数据库，或改正 DUBAN_DATABASE_URL。"),
    (("unable to open database file", "connection refused", "could not connect", "connection failed",
      "could not translate host name", "name or service not known", "timeout expired", "server closed the connection",
      "no such host", "network is unreachable", "connection timed out"),
     "无法连接{db}。请确认数据库服务在运行、地址和端口正确、网络可达，以及 DUBAN_DATABASE_URL 的写法。"),
)

_OS_CAUSES: dict[int, str] = {
    errno.ENOSPC: "磁盘已满，无法写入 {path}。请清理磁盘空间后重试。",
    errno.EROFS: "{path} 位于只读文件系统上，无法写入。请换一个可写的目录（DUBAN_DATA_DIR）。",
    errno.EACCES: "没有权限访问 {path}。请检查运行 duban 的用户对它的读写权限。",
    errno.EPERM: "没有权限访问 {path}。请检查运行 duban 的用户对它的读写权限。",
    errno.ENOENT: "找不到 {path}。请检查路径是否正确。",
    errno.EISDIR: "{path} 是一个目录，而这里需要文件。",
}


def _database_failure(error: BaseException) -> Failure | None:
    text = " ".join(str(part) for part in (error, getattr(error, "orig", None)) if part is not None).lower()
    for needles, sentence in _DATABASE_CAUSES:
        if any(needle in text for needle in needles):
            return Failure(sentence.format(db=_database()))
    return None


def _is_database_error(error: BaseException) -> bool:
    module = type(error).__module__
    return module.startswith(("sqlalchemy", "psycopg", "sqlite3")) or type(error).__name__ == "DatabaseError"


def explain(error: BaseException) -> Failure:
    """The operator's sentence for `error`; an unknown error still gets one sentence, never a traceback."""
    from bot.config import ConfigError

    if isinstance(error, OperatorError):
        return Failure(mask(str(error)), error.code)
    if isinstance(error, ConfigError):
        return Failure(mask(f"配置错误：{error}"), EXIT_CONFIG)
    if isinstance(error, KeyboardInterrupt):
        return Failure("已中断。", EXIT_INTERRUPTED)
    for explain_one in _TRANSLATORS:
        for cause in _chain(error):
            if (failure := explain_one(cause)) is not None:
                return failure
    if type(error).__name__ == "DocumentError":
        return Failure(mask(f"导入失败，数据库未作任何改动。{error}"))
    for cause in _chain(error):
        if type(cause).__name__ == "CommandError" and "Can't locate revision" in str(cause):
            return Failure(f"{_database()} 的结构版本比这个 duban 新（由更新的版本升级过）。请升级 duban，"
                           "或换一个数据库（DUBAN_DATABASE_URL）。")
        if _is_database_error(cause) and (failure := _database_failure(cause)):
            return failure
    for cause in _chain(error):
        if isinstance(cause, OSError) and cause.errno in _OS_CAUSES:
            path = cause.filename or "文件"
            return Failure(mask(_OS_CAUSES[cause.errno].format(path=path)))
        if isinstance(cause, MemoryError):
            return Failure("内存不足，操作未完成。请关闭其他程序或换一台内存更大的机器后重试。")
    first = str(error).splitlines()[0][:300] if str(error) else ""
    detail = f"（{type(error).__name__}：{first}）" if first else f"（{type(error).__name__}）"
    return Failure(mask(f"出现了意外错误{detail}。请加 --debug 或设置 DUBAN_DEBUG=1 重试以查看详细信息，并报告这个问题。"),
                   known=False)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes/contexts, outermost first (cycles cut)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not s for s in seen) and len(seen) < 20:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def report(error: BaseException, stream: TextIO | None = None) -> int:
    """Print the sentence for `error` (and, in debug mode, its masked traceback) and return the exit code."""
    out = stream or sys.stderr
    failure = explain(error)
    if debug():
        out.write(mask("".join(traceback.format_exception(type(error), error, error.__traceback__))))
    out.write(failure.message + "\n")
    out.flush()
    return failure.code


# ---------------------------------------------------------------------------------------------- start-up checks
# Telegram start-up (bot.app's preflight and `duban check`) and the data directory: each function takes what
# failed and returns the sentence, or None when it does not recognise the failure.

TELEGRAM_API = "https://api.telegram.org/bot"


def data_dir_problem(path: Path) -> str | None:
    """A data directory the process cannot create or write (the SQLite file and the snapshot live there)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.is_dir() and os.access(probe, os.W_OK | os.X_OK):
        return None
    return f"数据目录 {path} 不可写：请用 DUBAN_DATA_DIR（或 config.toml 的 data_dir）指向本用户可写的目录。"


def telegram_problem(error: BaseException, base_url: str | None, call: str, webhook_url: str | None = None) -> str | None:
    """Telegram unreachable, a refused token, or a refused setWebhook, naming the base URL and the call."""
    from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TimedOut

    base = base_url or TELEGRAM_API
    if isinstance(error, InvalidToken):
        return (f"Telegram 拒绝了这个 token（{base} 的 {call} 返回 Unauthorized）。"
                f"请向 @BotFather 核对 DUBAN_TELEGRAM_TOKEN（或 config.toml 的 telegram.token）。")
    if call == "setWebhook" and isinstance(error, BadRequest | Forbidden):
        return f"Telegram 拒绝了 webhook 地址 {webhook_url}：{error.message}。{webhook_fix(error.message)}"
    if isinstance(error, TimedOut | NetworkError) and not isinstance(error, BadRequest | Forbidden):
        cause = error.__cause__ or error
        hint = ("检查网络、防火墙或代理（HTTPS_PROXY）" if base_url is None
                else "确认本地 Bot API 服务器已启动，或改正 DUBAN_TELEGRAM_BASE_URL")
        return f"无法连接 Telegram：{call} 请求 {base}… 失败（{type(cause).__name__}: {cause}）。请{hint}。"
    return None


def webhook_fix(reason: str) -> str:
    """What to change for Telegram's usual setWebhook refusals."""
    reason = reason.lower()
    if "https" in reason:
        return "webhook 地址必须以 https:// 开头。"
    if "port" in reason:
        return "公网地址只能用 443、80、88 或 8443 端口：让反向代理在其中一个端口上接收，再转发到机器人的内部端口（--port）。"
    if "resolve" in reason or "host" in reason:
        return "该域名在公网上无法解析：检查 DNS，或使用已解析到本机的域名。"
    if "certificate" in reason or "ssl" in reason:
        return "Telegram 不信任该证书：换用公认 CA 签发的证书，或用 --certificate 上传自签名证书的公钥。"
    return "检查 --webhook-url 是否是 Telegram 能从公网访问的 https 地址。"
