"""The `duban` command groups in-process, as the CLI tests drive them (CliRunner, no subprocess)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner


def cli_app(register: Callable[[typer.Typer], None], database_url: str, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """A `duban`-like app with the command groups `register` adds, pointed at the test's database and data
    directory, with no configuration file, working in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUBAN_CONFIG", raising=False)
    monkeypatch.setenv("DUBAN_DATABASE_URL", database_url)
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    register(app)
    return app


def run(app: typer.Typer, *args: str, code: int = 0) -> str:
    """`duban ARGS` on `app`: its output, after checking the exit code."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, f"duban {' '.join(args)} -> {result.exit_code}: {result.output}"
    return result.output
