"""Small Chinese numerals as documents write them (一 … 九十九, 二〇二三): section headings, deadline phrases."""

from __future__ import annotations

# The characters of a small numeral as headings, row codes, attachment numbers and months write it (一 … 九十九):
# the one character class every pattern reading such numbers embeds as `[{NUMERALS}]`, adding 百, 两 or
# digits where its text allows them.
NUMERALS = "一二三四五六七八九十"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_to_int(text: str) -> int:
    """"十一" → 11, "二十" → 20, "二〇二三" → 2023, "5" → 5; raises ValueError for anything else."""
    text = text.strip()
    if text.isdecimal() and len(text) <= 9:  # not isdigit: "①" is a digit that int() refuses
        return int(text)
    if not text or any(c not in _DIGITS and c != "十" for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        value = 0
        for char in text:
            value = value * 10 + _DIGITS[char]
        return value
    tens, _, ones = text.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        raise ValueError(f"not a Chinese numeral below 100: {text!r}")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def int_to_chinese(value: int) -> str:
    """11 → "十一": the inverse, for showing section numbers as the document does."""
    if not 0 < value < 100:
        return str(value)
    names = "零一二三四五六七八九"
    tens, ones = divmod(value, 10)
    if tens == 0:
        return names[ones]
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")
