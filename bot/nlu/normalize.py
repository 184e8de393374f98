"""Question normalization: width, script, punctuation and spacing folded before anything else looks."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

MAX_QUESTION = 500
_SPACE = re.compile(r"\s+")
# Punctuation folded to one form so cue phrases and names match however they were typed.
_PUNCT = str.maketrans({
    "?": "？", "!": "！", ",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "\"": "“", "'": "‘",
    "「": "“", "」": "”", "『": "“", "』": "”", "【": "（", "】": "）", "[": "（", "]": "）", "<": "《", ">": "》",
    "～": "~", "—": "-", "－": "-", "–": "-",
})
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (執法局 → 执法局)."""
    if text.isascii():
        return text
    return str(_converter().convert(text))  # type: ignore[attr-defined]


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), simplified script, folded punctuation, single spaces, no controls."""
    text = "".join(ch for ch in text[: MAX_QUESTION * 4] if ch.isprintable() or ch in "\n\t")
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).translate(_PUNCT)
    text = _SPACE.sub(" ", text).strip()
    return text[:MAX_QUESTION]


def sentences(text: str) -> list[str]:
    """Split at sentence ends, keeping the punctuation; empty pieces dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
