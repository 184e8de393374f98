"""The snapshot cache is only an optimisation: signed, private, cleaned up, and any failure to read or write
it answers from the database with one warning."""

from __future__ import annotations

import errno
import logging
import os
import pickle
import stat
import time
from pathlib import Path

import pytest

from bot import snapshot
from bot.config import Settings
from bot.runtime import Runtime

QUESTIONS = ("区民政局负责哪些民生实事", "老年食堂谁管")  # the second needs word segmentation (its own cache)


@pytest.fixture(autouse=True)
def fresh_warnings() -> None:
    snapshot._warned.clear()


def _sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'duban.sqlite3'}")


def _answers(settings: Settings) -> list[list[str]]:
    runtime = Runtime(settings=settings)
    try:
        return [[row.row.id for row in runtime.duban.ask(q).rows] for q in QUESTIONS]
    finally:
        if "knowledge" in runtime.__dict__:
            runtime.knowledge.close()


def _snapshot_files(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "cache").glob("snapshot-*"))


def test_written_private_and_signed(tmp_path: Path) -> None:
    settings = _sqlite_settings(tmp_path)
    first = _answers(settings)
    [path] = _snapshot_files(settings)
    key = settings.data_dir / snapshot.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(snapshot.MAGIC)
    assert snapshot.load(path.parent, settings.database_url, None) is not None
    assert _answers(settings) == first and all(first)
    assert not list(path.parent.glob("*.tmp"))


class _Payload:
    """Unpickling this runs a command: the attack a writable cache directory allowed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_foreign_files_never_run(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = _sqlite_settings(tmp_path)
    expected = _answers(settings)
    [path] = _snapshot_files(settings)
    state = snapshot.database_state(settings.database_url, None)
    marker = tmp_path / "pwned"
    evil = pickle.dumps((state, _Payload(marker), None))
    key = (settings.data_dir / snapshot.KEY_FILE).read_bytes()
    cases = {
        "unsigned pickle (the old format)": evil,
        "signed with another key": snapshot.MAGIC + snapshot._signature(b"k" * 32, evil) + evil,
        "signed with our key (the key leaked)": snapshot.MAGIC + snapshot._signature(key, evil) + evil,
        "truncated": path.read_bytes()[:1000],
    }
    for name, data in cases.items():
        snapshot._warned.clear()
        path.write_bytes(data)
        with caplog.at_level(logging.WARNING, logger="bot.snapshot"):
            assert snapshot.load(path.parent, settings.database_url, None) is None, name
        assert not marker.exists(), name
        assert "snapshot cache not used" in caplog.text, name
        caplog.clear()
    path.write_bytes(cases["unsigned pickle (the old format)"])
    assert _answers(settings) == expected and not marker.exists()


def test_write_failure_answers_with_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    settings = _sqlite_settings(tmp_path)

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(snapshot.os, "replace", disk_full)
    with caplog.at_level(logging.WARNING):
        assert all(_answers(settings))
        assert all(_answers(settings))  # a second failure: still no second warning
    warnings = [r for r in caplog.records if "snapshot cache not written" in r.getMessage()]
    assert len(warnings) == 1 and "No space left" in warnings[0].getMessage()
    assert not _snapshot_files(settings) and not list((settings.data_dir / "cache").glob("*.tmp"))


def test_unusable_cache_directory(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The cache directory is a file (as good as read-only, even for root): both caches fall back."""
    settings = _sqlite_settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "cache").write_text("not a directory")
    with caplog.at_level(logging.WARNING):
        first, second = _answers(settings)
    assert first and second
    assert "snapshot cache not written" in caplog.text and "word-segmentation cache not used" in caplog.text


def test_stale_temporaries_removed(tmp_path: Path) -> None:
    settings = _sqlite_settings(tmp_path)
    cache = settings.data_dir / "cache"
    cache.mkdir(parents=True)
    old, fresh = cache / "old.tmp", cache / "fresh.tmp"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    _answers(settings)
    assert not old.exists() and fresh.exists()  # a live writer's file is left alone
