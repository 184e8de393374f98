"""Button data is anyone's to forge: ids are read only when a database can hold them, and the table of
long questions behind button tokens is bounded in bytes."""

from __future__ import annotations

import pytest

from handlers import BoundedMemory, button_number


@pytest.mark.parametrize(("text", "number"), [
    ("0", 0), ("123", 123), ("9" * 18, int("9" * 18)), ("9" * 19, None), ("99999999999999999999", None),
    ("①", None), ("١٢", None), ("-1", None), ("", None), (" 1", None), ("1e3", None),
])
def test_button_number(text: str, number: int | None) -> None:
    assert button_number(text) == number


def _size(text: str) -> int:
    return len(text.encode())


def test_question_memory_bounded_in_bytes() -> None:
    memory = BoundedMemory(_size, max_bytes=100_000, max_entries=1_000)
    question = "问" * 4096  # the longest Telegram message: 12 KB of UTF-8
    for index in range(200):
        memory.put(f"k{index}", f"{index}{question}")
        assert memory.size <= 100_000
    assert len(memory) == 100_000 // len(question.encode()) and memory.get("k199") is not None
    assert memory.get("k0") is None
    memory.put("k199", "短")  # replacing an entry gives its bytes back
    assert memory.size == sum(len(memory.get(f"k{i}").encode()) for i in range(200) if memory.get(f"k{i}"))  # type: ignore[union-attr]
    many = BoundedMemory(_size, max_bytes=10**9, max_entries=3)
    for index in range(5):
        many.put(str(index), "q")
    assert len(many) == 3 and many.get("0") is None
