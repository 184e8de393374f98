"""Word segmentation with jieba over a compact dictionary made from the knowledge base.

jieba's default dictionary costs ~0.5 s and ~90 MB to load. A question can only match words the
document contains, so the dictionary Duban loads keeps just those: every default-dictionary word that
occurs in the document's text, plus the lexicon's names and cue phrases. It is built once per
knowledge-base content, cached on disk, and jieba itself is imported only when a question has words
left over after names and cues are recognized.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
# A high frequency keeps the lexicon's names and cue phrases in one piece.
_LEXICON_FREQ = 200_000
_MAX_WORD = 8


def _jieba_dictionary() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed")
    return Path(spec.origin).with_name("dict.txt")


def compact_dictionary(text: str, words: Iterable[str]) -> str:
    """jieba dictionary lines for the default words that occur in `text`, plus `words`."""
    # Words never cross punctuation or digits: collect substrings of each distinct run only, so a large
    # knowledge base (whose runs repeat) costs little more than a small one.
    runs = set(re.findall(r"[\u4e00-\u9fffA-Za-z]+", text))
    substrings = {run[i:i + n] for run in runs for n in range(1, _MAX_WORD + 1) for i in range(len(run) - n + 1)}
    lines: dict[str, str] = {}
    with _jieba_dictionary().open(encoding="utf-8") as handle:
        for line in handle:
            word, _, rest = line.partition(" ")
            if word in substrings:
                lines[word] = f"{word} {rest.strip()}"
    for word in words:
        if word and " " not in word:
            lines[word] = f"{word} {_LEXICON_FREQ} n"
    return "\n".join(lines[w] for w in sorted(lines)) + "\n"


def _import_jieba() -> Any:
    """jieba imports the deprecated pkg_resources (~0.1 s) only to open its own data files, and opens them
    directly when that import fails; hiding it for the import keeps a topic question's cold start short."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    return jieba


class Segmenter:
    """Cuts text into words; the dictionary file is made on first use and reused across runs."""

    def __init__(self, text: str, words: Iterable[str], cache_dir: Path | None = None) -> None:
        self.text = text
        self.words = sorted(set(words))
        self.cache_dir = cache_dir or Path(tempfile.gettempdir()) / "duban-cache"

    @cached_property
    def dictionary_path(self) -> Path:
        digest = hashlib.sha256(self.text.encode())
        digest.update("\n".join(self.words).encode())
        path = self.cache_dir / f"jieba-{digest.hexdigest()[:20]}.txt"
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Write then rename: two processes building at once never read half a file.
            fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(compact_dictionary(self.text, self.words))
                os.replace(temporary, path)
            except BaseException:  # a full disk: no half-written temporary file left behind
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        return path

    @cached_property
    def tokenizer(self) -> Any:
        jieba = _import_jieba()
        jieba.setLogLevel(logging.WARNING)
        try:
            path = self.dictionary_path
            if not os.access(self.cache_dir, os.W_OK):  # jieba would log a traceback failing to cache
                raise PermissionError(f"{self.cache_dir} is not writable")
        except OSError as error:  # the cache is an optimisation: build the same dictionary in memory
            log.warning("word-segmentation cache not used (%s); building it in memory", error)
            tokenizer = jieba.Tokenizer()
            data = io.BytesIO(compact_dictionary(self.text, self.words).encode("utf-8"))
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(data)
            tokenizer.initialized = True
            return tokenizer
        tokenizer = jieba.Tokenizer(dictionary=str(path))
        tokenizer.tmp_dir = str(self.cache_dir)
        tokenizer.initialize()
        return tokenizer

    def cut(self, text: str) -> list[str]:
        """Words of `text`; characters the dictionary lacks come out one by one (no HMM guessing)."""
        return [w for w in self.tokenizer.cut(text, HMM=False) if w.strip()]

    def known(self, word: str) -> bool:
        """Whether the dictionary has `word` as a word (not only as the start of a longer one)."""
        return bool(self.tokenizer.FREQ.get(word))
