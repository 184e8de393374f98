"""Text in and out of the console commands, whatever the bytes and the locale.

Input is read as bytes and decoded as UTF-8 line by line: an invalid byte becomes U+FFFD and the line is
reported on stderr, so one bad byte never loses the batch (a strict zh_CN.UTF-8 locale would raise on it)
and never reaches the output as a lone surrogate (C.UTF-8's surrogateescape would copy it into the JSON).
Arguments decoded with surrogateescape are cleaned the same way. Output is written as UTF-8 bytes, so
`--json` is valid UTF-8 JSON under any locale.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from bot import messages as msg

REPLACEMENT = "\ufffd"
_COUNT = [0]


def _count_and_replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _COUNT[0] += error.end - error.start
    return REPLACEMENT, error.end


codecs.register_error("duban-replace", _count_and_replace)


def decode(data: bytes) -> tuple[str, int]:
    """UTF-8 text of `data` and how many bytes were invalid (each run replaced by U+FFFD)."""
    _COUNT[0] = 0
    text = data.decode("utf-8", "duban-replace")
    return text, _COUNT[0]


def clean(text: str) -> tuple[str, int]:
    """`text` with lone surrogates (bytes an argument or a surrogateescape stream could not decode)
    replaced by U+FFFD, and how many there were."""
    if text.isascii():
        return text, 0
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        return decode(text.encode("utf-8", "surrogateescape"))


def _warn(number: int, bad: int) -> None:
    sys.stderr.write(msg.BAD_BYTES.format(line=number, count=bad) + "\n")
    sys.stderr.flush()


def input_lines(stream: BinaryIO | None = None) -> Iterator[str]:
    """The lines of standard input (or `stream`), decoded; each with invalid bytes is reported by number."""
    source = stream if stream is not None else sys.stdin.buffer
    for number, raw in enumerate(iter(source.readline, b""), start=1):
        line, bad = decode(raw.rstrip(b"\r\n"))
        if bad:
            _warn(number, bad)
        yield line


def arguments(values: Iterable[str]) -> list[str]:
    """Command-line questions with undecodable bytes replaced (and reported)."""
    out: list[str] = []
    for number, value in enumerate(values, start=1):
        text, bad = clean(value)
        if bad:
            _warn(number, bad)
        out.append(text)
    return out


def write_line(text: str) -> None:
    """Write one line of output as UTF-8 and flush (a reader of a pipe sees each answer at once)."""
    data = (clean(text)[0] + "\n").encode("utf-8")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout (tests capture it as text)
        sys.stdout.write(data.decode("utf-8"))
    else:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
