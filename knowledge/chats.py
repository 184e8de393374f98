"""Telegram's chat types, as subscriptions, reminder digests and unit bindings keep them.

Telegram (PTB's `Chat.type`) and the database hand them over as plain strings: `chat_type` checks one at
that boundary, so everything past it holds a `ChatType`.
"""

from __future__ import annotations

from typing import Literal, get_args

ChatType = Literal["private", "group", "supergroup", "channel"]
CHAT_TYPES: tuple[ChatType, ...] = get_args(ChatType)
_KNOWN: dict[str, ChatType] = {name: name for name in CHAT_TYPES}


def chat_type(value: str) -> ChatType:
    """`value` as a ChatType; ValueError naming it when Telegram or a stored row says something else."""
    try:
        return _KNOWN[value]
    except KeyError:
        raise ValueError(f"unknown chat type {value!r}: expected one of {', '.join(CHAT_TYPES)}") from None
