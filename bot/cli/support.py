"""What every `duban` command module shares: opening the runtime and failing politely."""

from __future__ import annotations

from typing import Annotated

import typer

from bot import failures
from bot.config import ConfigError
from bot.runtime import Runtime

DocOption = Annotated[str | None, typer.Option(
    "--doc", help="Document key (default: the answering one: DUBAN_DOCUMENT, else the newest imported; see duban docs).")]


def open_runtime(document: str | None = None, *, answering: bool = False) -> Runtime:
    """The runtime for one command; a bad configuration or an unknown document ends the command with its
    message (exit 2). `answering` loads the question pipeline now, so its errors surface here, once."""
    from knowledge.catalog import UnknownDocument

    try:
        runtime = Runtime(document=document)
        if problem := failures.data_dir_problem(runtime.settings.data_dir):
            raise fail(problem)
        if answering:
            runtime.duban  # noqa: B018  (loads the snapshot or the database)
        return runtime
    except (ConfigError, UnknownDocument) as error:
        typer.echo(f"配置错误：{error}", err=True)
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` to stderr and return the Exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(code)
