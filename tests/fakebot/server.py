"""A strict, in-process fake of the Telegram Bot API for end-to-end tests.

The bot under test talks HTTP to it exactly as it would to api.telegram.org; the test drives
users, chats and faults through the Python API of :class:`FakeBotApi` and inspects what the
bot sent. See README.md beside this file for what is and is not emulated.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import math
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

JSON = dict[str, Any]
T = TypeVar("T")

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAFakeBotTokenForLocalTestsOnly_000"
MAX_TEXT_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limit for sendPhoto uploads
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


# ----------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An ok=false answer. ``expected`` marks faults the test itself asked for."""

    def __init__(
        self, code: int, description: str, parameters: JSON | None = None, *, expected: bool = False
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.expected = expected


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def forbidden(message: str, *, expected: bool = False) -> ApiError:
    return ApiError(403, f"Forbidden: {message}", expected=expected)


def too_many_requests(retry_after: int, *, expected: bool = False) -> ApiError:
    retry_after = max(1, int(retry_after))
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}, expected=expected
    )


class EntityParseError(Exception):
    """Text markup Telegram would refuse; the message becomes "can't parse entities: <msg>"."""


class EmptyTextError(Exception):
    pass


# ----------------------------------------------------------------------------- text and entities


@dataclass
class Ent:
    """An entity in code-point indices; converted to UTF-16 offsets only at the API boundary."""

    type: str
    start: int
    end: int
    extra: JSON = field(default_factory=dict)


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SPACE = " \t\n\r\f\v"
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Telegram itself accepts "&amp" without ";" and shows an unknown "&x" literally; strict mode
# follows the documented rule instead, because a literal "&nbsp;" reaching users is a bug.
_ENTITY_STRICT = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_ENTITY_LENIENT = re.compile(r"&(?:(lt|gt|amp|quot)(?![A-Za-z])|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));?")
_SPLITTABLE = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
_BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
_HIDDEN_DATA = frozenset({"text_link", "text_mention", "custom_emoji", "date_time"})
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
    "date_time": 99,
}
ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
_AUTO_PATTERNS = (
    (
        "bot_command",
        re.compile(r"(?<![A-Za-z0-9_/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/@])"),
    ),
    ("mention", re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{3,32}(?![A-Za-z0-9_])")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d])\w{1,256}")),
    ("url", re.compile(r"(?<![\w@/.])https?://[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")),
)
_EMPTY_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(src: str, i: int, *, strict: bool) -> tuple[str, int] | None:
    m = (_ENTITY_STRICT if strict else _ENTITY_LENIENT).match(src, i)
    if m is None:
        return None
    if m.group(1):
        return _NAMED_ENTITIES[m.group(1)], m.end()
    code = int(m.group(2), 10) if m.group(2) else int(m.group(3), 16)
    if code == 0 or code > 0x10FFFF:
        return None
    if 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    return chr(code), m.end()


def check_link(url: str) -> str | None:
    """The URL Telegram would keep for a text link or button, or None when it is unusable."""
    url = url.strip()
    if not url or any(ch in url for ch in " \n\t"):
        return None
    scheme_match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme in ("http", "https"):
            parts = urlsplit(url)
            host = parts.hostname or ""
            return url if host and ("." in host or host == "localhost") else None
        if scheme in ("tg", "ton", "mailto"):
            return url
        return None
    if re.match(r"[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:[:/?#]|$)", url):
        return "http://" + url
    return None


def parse_html(src: str, *, strict: bool = True) -> tuple[str, list[Ent]]:
    """Parse Telegram's HTML dialect into visible text and entities (code-point indices).

    Error texts follow TDLib's parser, which is what answers Bot API requests.
    """
    out: list[str] = []  # one code point per item, so len(out) is the current index
    stack: list[tuple[str, dict[str, str], int]] = []
    ents: list[Ent] = []
    i, n = 0, len(src)

    def at(index: int) -> int:
        return _byte_offset(src, index)

    while i < n:
        c = src[i]
        if c == "&":
            decoded = _decode_entity(src, i, strict=strict)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
            if strict:
                word = re.match(r"&[#\w]*;?", src[i:])
                shown = word.group(0) if word else "&"
                raise EntityParseError(
                    f'Unsupported or unescaped HTML entity "{shown}" at byte offset {at(i)}; '
                    'write "&amp;" for a literal "&"'
                )
            out.append(c)
            i += 1
            continue
        if c != "<":
            out.append(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and src[i] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at(begin)}")
            j = i + 1
            while j < n and src[j] not in _HTML_SPACE and src[j] != ">":
                j += 1
            end_name = src[i + 1 : j].lower()
            while j < n and src[j] in _HTML_SPACE:
                j += 1
            if j >= n or src[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {at(begin)}")
            name, open_attrs, start = stack[-1]
            if end_name and end_name != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {at(begin)}, "
                    f'expected "</{name}>", found "</{end_name}>"'
                )
            i = j + 1
            stack.pop()
            if len(out) > start:
                _close_tag(name, open_attrs, start, len(out), out, ents, strict=strict, where=at(begin))
            continue

        j = i
        while j < n and src[j] not in _HTML_SPACE and src[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
        name = src[i:j].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at(begin)}')
        attrs: dict[str, str] = {}
        i = j
        while True:
            while i < n and src[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            if src[i] == ">":
                i += 1
                break
            attr_begin = i
            while i < n and src[i] not in _HTML_SPACE and src[i] not in "=>":
                i += 1
            attr_name = src[attr_begin:i]
            if not attr_name:
                raise EntityParseError(f'Empty attribute name in the tag "{name}" at byte offset {at(begin)}')
            while i < n and src[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            if src[i] != "=":
                if name == "blockquote" and attr_name == "expandable":
                    attrs[attr_name] = ""
                    continue
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {at(begin)}"
                )
            i += 1
            while i < n and src[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if src[i] in "\"'":
                quote = src[i]
                i += 1
                value: list[str] = []
                while i < n and src[i] != quote:
                    if src[i] == "&":
                        decoded = _decode_entity(src, i, strict=False)
                        if decoded is not None:
                            value.append(decoded[0])
                            i = decoded[1]
                            continue
                    value.append(src[i])
                    i += 1
                if i >= n:
                    raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
                i += 1
                attrs[attr_name] = "".join(value)
            else:
                token_begin = i
                while i < n and src[i].isascii() and (src[i].isalnum() or src[i] in ".-"):
                    i += 1
                if i < n and src[i] not in _HTML_SPACE and src[i] != ">":
                    raise EntityParseError(f"Unexpected end of name token at byte offset {at(token_begin)}")
                attrs[attr_name] = src[token_begin:i].lower()
        _check_start_tag(name, attrs, strict=strict, where=at(begin))
        stack.append((name, attrs, len(out)))

    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1][0]}")
    for ent in ents:
        if ent.type == "code":
            ent.extra.pop("language", None)
    return "".join(out), ents


def _check_start_tag(name: str, attrs: dict[str, str], *, strict: bool, where: int) -> None:
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    if name == "a" and strict and not attrs.get("href", "").strip():
        # Telegram would use the link text as the URL and silently drop the link if that is no URL.
        raise EntityParseError(f'Tag "a" must have a non-empty attribute "href" at byte offset {where}')
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or int(emoji_id) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
    if name == "tg-time":
        if not re.fullmatch(r"-?\d+", attrs.get("unix", "")):
            raise EntityParseError(f'Tag "tg-time" must have a valid attribute "unix" at byte offset {where}')
        if not re.fullmatch(r"r|w?[dD]?[tT]?", attrs.get("format", "")):
            raise EntityParseError(f"Invalid date-time format specified at byte offset {where}")


def _close_tag(
    name: str,
    attrs: dict[str, str],
    start: int,
    end: int,
    out: list[str],
    ents: list[Ent],
    *,
    strict: bool,
    where: int,
) -> None:
    simple = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    last = ents[-1] if ents else None
    same_range = last is not None and last.start == start and last.end == end
    if name in simple:
        ents.append(Ent(simple[name], start, end))
    elif name == "a":
        raw_url = attrs.get("href") or "".join(out[start:end])
        url = check_link(raw_url)
        if url is not None:
            ents.append(Ent("text_link", start, end, {"url": url}))
        elif strict:
            # Telegram drops such a link without a word; the user then sees no link at all.
            raise EntityParseError(f'Invalid URL "{raw_url}" in tag "a" at byte offset {where}')
    elif name == "pre":
        if last is not None and same_range and last.type == "code" and last.extra.get("language"):
            last.type = "pre"
        else:
            ents.append(Ent("pre", start, end))
    elif name == "code":
        css = attrs.get("class", "")
        language = css[len("language-") :] if css.startswith("language-") else ""
        if last is not None and same_range and last.type == "pre" and language:
            last.extra["language"] = language
        else:
            ents.append(Ent("code", start, end, {"language": language} if language else {}))
    elif name == "blockquote":
        ents.append(Ent("expandable_blockquote" if "expandable" in attrs else "blockquote", start, end))
    elif name == "tg-emoji":
        ents.append(Ent("custom_emoji", start, end, {"custom_emoji_id": attrs["emoji-id"]}))
    elif name == "tg-time":
        extra: JSON = {"unix_time": int(attrs["unix"])}
        if attrs.get("format"):
            extra["date_time_format"] = attrs["format"]
        ents.append(Ent("date_time", start, end, extra))


def _sort_key(ent: Ent) -> tuple[int, int, int]:
    return ent.start, -(ent.end - ent.start), _PRIORITY.get(ent.type, 50)


def _intersects(a: Ent, b: Ent) -> bool:
    return a.start < b.end and b.start < a.end


def finalize_text(text: str, ents: list[Ent], *, detect: bool = True) -> tuple[str, list[Ent]]:
    """Apply Telegram's clean-up to parsed text: control characters, trimming, nesting rules,
    whitespace-only entities and automatic entities (commands, mentions, hashtags, URLs)."""
    index_map: list[int] = []
    chars: list[str] = []
    for ch in text:
        index_map.append(len(chars))
        if ch == "\r":
            continue
        chars.append(" " if ord(ch) < 32 and ch != "\n" else ch)
    index_map.append(len(chars))
    text = "".join(chars)
    ents = [Ent(e.type, index_map[e.start], index_map[e.end], dict(e.extra)) for e in ents]

    for ent in ents:
        if ent.type not in _HIDDEN_DATA:
            while ent.start < ent.end and text[ent.start] in " \n":
                ent.start += 1
    ents = [
        e for e in ents if e.end > e.start and (e.type in _HIDDEN_DATA or text[e.start : e.end].strip(" \n"))
    ]
    if not text.strip(" \n") or all(ch.isspace() or ch in _EMPTY_CHARS for ch in text):
        raise EmptyTextError
    new_len = len(text.rstrip(" \n"))
    text = text[:new_len]
    for ent in ents:
        ent.end = min(ent.end, new_len)
    ents = [e for e in ents if e.end > e.start]
    first_entity = min((e.start for e in ents), default=len(text))
    cut = 0
    while cut < first_entity and text[cut] in " \n":
        cut += 1
    if cut:
        text = text[cut:]
        for ent in ents:
            ent.start -= cut
            ent.end -= cut

    kept: list[Ent] = []
    for ent in sorted(ents, key=_sort_key):
        if ent.type in _SPLITTABLE:
            if any(k.type in ("code", "pre") and k.start <= ent.start and ent.end <= k.end for k in kept):
                continue
        elif ent.type in _BLOCKQUOTES:
            if any(k.type in _BLOCKQUOTES and _intersects(k, ent) for k in kept):
                continue
        elif any(
            k.type not in _SPLITTABLE and k.type not in _BLOCKQUOTES and _intersects(k, ent) for k in kept
        ):
            continue
        kept.append(ent)
    if detect:
        for kind, pattern in _AUTO_PATTERNS:
            for m in pattern.finditer(text):
                end = m.end()
                if kind == "url":
                    while end > m.start() and text[end - 1] in ".,;:!?)]}'\"":
                        end -= 1
                auto = Ent(kind, m.start(), end)
                if not any(
                    k.type not in _SPLITTABLE and k.type not in _BLOCKQUOTES and _intersects(k, auto)
                    for k in kept
                ):
                    kept.append(auto)
    kept.sort(key=_sort_key)
    return text, kept


def entities_to_api(text: str, ents: Iterable[Ent]) -> list[JSON]:
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    result: list[JSON] = []
    for ent in ents:
        item: JSON = {
            "type": ent.type,
            "offset": prefix[ent.start],
            "length": prefix[ent.end] - prefix[ent.start],
        }
        item.update(ent.extra)
        result.append(item)
    return result


def entities_from_api(text: str, raw: Any) -> list[Ent]:
    """Explicit ``entities`` as sent by a client, checked the way Telegram checks them."""
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    starts: dict[int, int] = {}
    u16 = 0
    for index, ch in enumerate(text):
        starts[u16] = index
        u16 += 2 if ord(ch) > 0xFFFF else 1
    starts[u16] = len(text)
    result: list[Ent] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise bad_request(
                'can\'t parse MessageEntity: Field "offset" and "length" must be non-negative Integers'
            )
        if item["type"] not in ENTITY_TYPES:
            raise bad_request(f'can\'t parse MessageEntity: unsupported type "{item["type"]}"')
        if offset + length > u16 or offset not in starts or offset + length not in starts:
            raise bad_request(
                f"can't parse entities: Entity beginning at UTF-16 offset {offset} ends after the end "
                f"of the text at UTF-16 offset {offset + length}"
            )
        extra = {k: v for k, v in item.items() if k not in ("type", "offset", "length")}
        if item["type"] == "text_link":
            url = check_link(str(extra.get("url", "")))
            if url is None:
                raise bad_request("can't parse entities: Entity URL is invalid")
            extra["url"] = url
        result.append(Ent(item["type"], starts[offset], starts[offset + length], extra))
    return result


# ----------------------------------------------------------------------------- world model


@dataclass(eq=False)
class FakeUser:
    """A Telegram user (or the bot itself). Hashable by identity, so usable as a dict key."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(eq=False)
class FakeChat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: FakeUser | None = None
    members: dict[int, str] = field(default_factory=dict)
    started: bool = True

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data.update(
                {k: v for k, v in self.user.to_api().items() if k in ("first_name", "last_name", "username")}
            )
        else:
            data["title"] = self.title
            if self.username:
                data["username"] = self.username
        return data


@dataclass(eq=False)
class FakeMessage:
    """A message in the fake's store. ``text`` is what a user sees (markup stripped, trimmed);
    ``raw_text`` is exactly what the bot or user sent."""

    chat: FakeChat
    message_id: int
    from_user: FakeUser
    date: int
    text: str
    raw_text: str
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    reply_to: FakeMessage | None = None
    edit_date: int | None = None
    deleted: bool = False
    delivered: bool | None = None
    withheld_reason: str | None = None
    document: JSON | None = None
    document_bytes: bytes | None = None
    photo: list[JSON] | None = None  # PhotoSize objects, as Telegram returns them
    photo_bytes: bytes | None = None
    history: list[tuple[str, list[JSON], JSON | None]] = field(default_factory=list)

    @property
    def from_bot(self) -> bool:
        return self.from_user.is_bot

    @property
    def caption(self) -> str | None:
        return self.text if self.document is not None or self.photo is not None else None

    @property
    def buttons(self) -> list[list[JSON]]:
        """The inline keyboard rows, or [] when the message has none."""
        if not self.reply_markup:
            return []
        return [list(row) for row in self.reply_markup.get("inline_keyboard", [])]

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text")) for row in self.buttons for button in row]

    def find_button(self, text: str) -> JSON | None:
        return next((b for row in self.buttons for b in row if b.get("text") == text), None)

    def entity_texts(self, entity_type: str) -> list[str]:
        """The visible substrings covered by entities of one type (offsets are UTF-16)."""
        encoded = self.text.encode("utf-16-le")
        return [
            encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
            for e in self.entities
            if e["type"] == entity_type
        ]

    def to_api(self, *, with_reply: bool = True) -> JSON:
        data: JSON = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_api(),
            "from": self.from_user.to_api(),
        }
        if self.document is not None or self.photo is not None:
            if self.document is not None:
                data["document"] = dict(self.document)
            if self.photo is not None:
                data["photo"] = [dict(size) for size in self.photo]
            if self.text:
                data["caption"] = self.text
                if self.entities:
                    data["caption_entities"] = [dict(e) for e in self.entities]
        else:
            data["text"] = self.text
            if self.entities:
                data["entities"] = [dict(e) for e in self.entities]
        if self.reply_markup and self.reply_markup.get("inline_keyboard"):
            data["reply_markup"] = json.loads(json.dumps(self.reply_markup))
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        return data


@dataclass
class ApiCall:
    """One HTTP call the bot made, in arrival order."""

    seq: int
    method: str
    params: JSON
    ok: bool = False
    result: Any = None
    error_code: int | None = None
    description: str | None = None
    parameters: JSON | None = None
    auto_expected: bool = False
    abandoned: bool = False

    @property
    def pending(self) -> bool:
        return not self.ok and self.error_code is None

    @property
    def rejected(self) -> bool:
        return self.error_code is not None and not self.abandoned

    def __str__(self) -> str:
        if self.ok:
            return f"#{self.seq} {self.method} ok"
        if self.pending:
            return f"#{self.seq} {self.method} in progress"
        if self.abandoned:
            return f"#{self.seq} {self.method} abandoned by the client"
        shown = {k: (v if len(repr(v)) < 200 else repr(v)[:200] + "...") for k, v in self.params.items()}
        return f"#{self.seq} {self.method} -> {self.error_code} {self.description!r} params={shown}"


@dataclass
class RejectionExpectation:
    """Marks matching rejections as expected; ``matched`` lists those seen so far."""

    predicate: Callable[[ApiCall], bool] | None = None
    method: str | None = None
    error_code: int | None = None
    description: str | None = None
    matched: list[ApiCall] = field(default_factory=list)

    def matches(self, call: ApiCall) -> bool:
        if self.method is not None and call.method.lower() != self.method.lower():
            return False
        if self.error_code is not None and call.error_code != self.error_code:
            return False
        if self.description is not None and self.description not in (call.description or ""):
            return False
        return self.predicate is None or bool(self.predicate(call))


@dataclass
class CallbackQuery:
    id: str
    user: FakeUser
    message: FakeMessage
    data: str
    forged: bool
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass
class InlineQuery:
    id: str
    user: FakeUser
    query: str
    offset: str
    chat_type: str | None
    answered: bool = False
    results: list[JSON] = field(default_factory=list)
    cache_time: int = 300
    is_personal: bool = False
    next_offset: str = ""
    button: JSON | None = None


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's documented broadcast limits; ``private_per_second`` is off by default because
    Telegram tolerates short bursts in a single private chat."""

    global_per_second: int = 30
    group_per_minute: int = 20
    private_per_second: int | None = None


@dataclass
class _Update:
    update_id: int
    kind: str
    payload: JSON
    delivered: bool = False

    def to_api(self) -> JSON:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class _Injection:
    method: str | None
    remaining: int
    retry_after: int
    expected: bool


@dataclass
class _Poll:
    request: web.Request
    superseded: bool = False


class Params:
    """Request parameters as Telegram reads them: form values are strings, nested objects are
    JSON-encoded strings, and a JSON body carries native values."""

    JSON_FIELDS = frozenset(
        {
            "reply_markup",
            "reply_parameters",
            "entities",
            "caption_entities",
            "link_preview_options",
            "results",
            "commands",
            "scope",
            "allowed_updates",
            "button",
            "menu_button",
        }
    )
    _JSON_ERRORS: ClassVar[dict[str, str]] = {
        "reply_markup": "can't parse reply keyboard markup JSON object",
        "reply_parameters": "can't parse reply parameters JSON object",
        "entities": "can't parse entities JSON object",
        "results": "can't parse inline query results JSON object",
    }

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = {k: v for k, v in raw.items() if v is not None}

    def present(self, name: str) -> bool:
        return name in self.raw and self.raw[name] != ""

    def get_str(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            return int(value)
        raise bad_request(f'field "{name}" must be of type Integer')

    def get_number(self, name: str, default: float) -> float:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise bad_request(f'field "{name}" must be of type Boolean')

    def get_json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(self._JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from None
        return value

    def decoded(self) -> JSON:
        result: JSON = {}
        for key, value in self.raw.items():
            if key in self.JSON_FIELDS and isinstance(value, str):
                try:
                    result[key] = json.loads(value)
                except ValueError:
                    result[key] = value
            else:
                result[key] = value
        return result


@functools.cache
def _bot_api_method_names() -> frozenset[str]:
    """Real Bot API method names, taken from PTB's camelCase aliases when it is installed."""
    try:
        import telegram
    except ImportError:  # pragma: no cover - the fake works without PTB
        return frozenset()
    return frozenset(
        name.lower()
        for name in dir(telegram.Bot)
        if name[:1].islower() and name != name.lower() and callable(getattr(telegram.Bot, name, None))
    )


Handler = Callable[[Params, web.Request], Awaitable[Any]]


# ----------------------------------------------------------------------------- the fake


class FakeBotApi:
    """A local Telegram Bot API server with a test-side API. Use as an async context manager."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "duban_test_bot",
        *,
        bot_first_name: str = "Duban Test Bot",
        privacy_mode: bool = True,
        can_join_groups: bool = True,
        supports_inline_queries: bool = True,
        strict_html: bool = True,
        flood_limits: FloodLimits | bool = False,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user = FakeUser(
            id=int(prefix) if prefix.isdigit() else 7_000_000_001,
            first_name=bot_first_name,
            username=bot_username,
            is_bot=True,
        )
        self.privacy_mode = privacy_mode
        self.can_join_groups = can_join_groups
        self.supports_inline_queries = supports_inline_queries
        self.strict_html = strict_html
        self.flood_limits: FloodLimits | None = (
            FloodLimits() if flood_limits is True else (flood_limits or None)
        )

        self.calls: list[ApiCall] = []
        self.expectations: list[RejectionExpectation] = []
        self.internal_errors: list[str] = []
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[int, dict[int, FakeMessage]] = {}
        self.withheld: list[FakeMessage] = []
        self.dropped_updates: list[JSON] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.inline_queries: dict[str, InlineQuery] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.bot_profile: dict[str, JSON] = {}
        self.webhook_url = ""
        self.logged_out = False

        self._blocked: dict[int, bool] = {}
        self._deactivated: set[int] = set()
        self._queue: list[_Update] = []
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._injections: list[_Injection] = []
        self._poll: _Poll | None = None
        self._next_message_id: dict[int, int] = {}
        self._read_cursor: dict[int, int] = {}
        self._consumed_calls: set[int] = set()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000_001)
        self._user_ids = itertools.count(1_000_001)
        self._group_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._send_times: deque[float] = deque()
        self._chat_send_times: dict[int, deque[float]] = {}
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._methods: dict[str, tuple[str, Handler]] = {}
        for name in dir(self):
            if name.startswith("_api_"):
                api_name = name[len("_api_") :]
                self._methods[api_name.lower()] = (api_name, getattr(self, name))

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A short shutdown timeout: long polls are released on close, so nothing should linger.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ---------------------------------------------------------------- recording

    @property
    def rejections(self) -> list[ApiCall]:
        return [call for call in self.calls if call.rejected]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def expect_rejection(
        self,
        method_or_predicate: str | Callable[[ApiCall], bool] | None = None,
        error_code: int | None = None,
        *,
        description: str | None = None,
    ) -> RejectionExpectation:
        """Declare that some rejections are intended (past and future ones alike).

        ``description`` matches as a substring of Telegram's description.
        """
        if isinstance(method_or_predicate, str):
            expectation = RejectionExpectation(
                method=method_or_predicate, error_code=error_code, description=description
            )
        else:
            expectation = RejectionExpectation(
                predicate=method_or_predicate, error_code=error_code, description=description
            )
        self.expectations.append(expectation)
        return expectation

    def unexpected_rejections(self) -> list[ApiCall]:
        for expectation in self.expectations:
            expectation.matched = [c for c in self.rejections if expectation.matches(c)]
        return [
            call
            for call in self.rejections
            if not call.auto_expected and not any(e.matches(call) for e in self.expectations)
        ]

    def assert_no_unexpected_rejections(self) -> None:
        unexpected = self.unexpected_rejections()
        problems = [str(call) for call in unexpected] + self.internal_errors
        if problems:
            raise AssertionError(
                "the fake Telegram refused calls the test did not expect:\n  " + "\n  ".join(problems)
            )

    # ---------------------------------------------------------------- test-side: world

    def add_user(
        self,
        first_name: str = "Test",
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
        user_id: int | None = None,
        is_bot: bool = False,
    ) -> FakeUser:
        uid = user_id if user_id is not None else next(self._user_ids)
        if uid in self.users:
            raise ValueError(f"user id {uid} already exists")
        user = FakeUser(uid, first_name, username, last_name, language_code, is_bot)
        self.users[uid] = user
        return user

    def private_chat(self, user: FakeUser, *, started: bool = True) -> FakeChat:
        """The user's private chat with the bot; ``started=False`` means the user never wrote to
        the bot, so Telegram refuses to let the bot write first."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(id=user.id, type="private", user=user, started=started)
            chat.members = {user.id: "member", self.bot_user.id: "member"}
            self.chats[chat.id] = chat
        elif started:
            chat.started = True
        return chat

    def group_chat(
        self,
        title: str = "Test group",
        members: Mapping[FakeUser, str] | None = None,
        *,
        supergroup: bool = True,
        username: str | None = None,
        bot_status: str = "member",
    ) -> FakeChat:
        n = next(self._group_ids)
        chat_id = -(1_000_000_000_000 + n) if supergroup else -(400_000 + n)
        chat = FakeChat(
            id=chat_id, type="supergroup" if supergroup else "group", title=title, username=username
        )
        self.chats[chat_id] = chat
        self.set_member_status(chat, self.bot_user, bot_status)
        for user, status in (members or {}).items():
            self.set_member_status(chat, user, status)
        return chat

    def set_member_status(self, chat: FakeChat, user: FakeUser, status: str) -> None:
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {MEMBER_STATUSES}, not {status!r}")
        if chat.type == "private":
            raise ValueError("membership of private chats is fixed")
        if user.id not in self.users:
            self.users[user.id] = user
        chat.members[user.id] = status

    def set_bot_status(self, chat: FakeChat, status: str, *, by: FakeUser) -> None:
        """``by`` adds, promotes or removes the bot in a group: its status changes and the bot
        gets the ``my_chat_member`` update Telegram sends for that."""
        old = self._member_api(chat, self.bot_user)
        self.set_member_status(chat, self.bot_user, status)
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": by.to_api(),
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": self._member_api(chat, self.bot_user),
            },
        )

    def block_user(self, user: FakeUser | int, *, expected: bool = True) -> None:
        """The user blocks the bot; sends to them answer 403. ``expected`` pre-marks those 403s."""
        self._blocked[user if isinstance(user, int) else user.id] = expected

    def unblock_user(self, user: FakeUser | int) -> None:
        self._blocked.pop(user if isinstance(user, int) else user.id, None)

    def deactivate_user(self, user: FakeUser | int) -> None:
        self._deactivated.add(user if isinstance(user, int) else user.id)

    def inject_429(
        self,
        method: str | None = "sendMessage",
        times: int = 1,
        retry_after: int = 1,
        *,
        expected: bool = True,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (any method but getUpdates when None)
        with 429 Too Many Requests."""
        self._injections.append(_Injection(method.lower() if method else None, times, retry_after, expected))

    # ---------------------------------------------------------------- test-side: user actions

    async def send_text(
        self,
        chat: FakeChat,
        user: FakeUser,
        text: str,
        *,
        reply_to: int | FakeMessage | None = None,
    ) -> FakeMessage:
        """The user writes ``text`` in ``chat``. Returns the stored message; ``delivered`` tells
        whether privacy mode let the bot see it (otherwise it is also in ``withheld``)."""
        self._check_user_can_write(chat, user)
        reply = self._user_reply_target(chat, reply_to)
        try:
            visible, ents = finalize_text(text, [])
        except EmptyTextError:
            raise ValueError("Telegram clients cannot send an empty message") from None
        message = self._store_message(
            chat, user, visible, text, None, entities_to_api(visible, ents), None, reply
        )
        if chat.type == "private":
            chat.started = True
            self._blocked.pop(user.id, None)
        reason = self._privacy_reason(chat, message)
        message.delivered = reason is None
        message.withheld_reason = reason
        if reason is None:
            self._enqueue("message", message.to_api())
        else:
            self.withheld.append(message)
        return message

    async def edit_text(self, message: FakeMessage, new_text: str) -> FakeMessage:
        """The author edits one of their messages (an ``edited_message`` update)."""
        if message.from_bot:
            raise ValueError("use the bot to edit the bot's messages")
        visible, ents = finalize_text(new_text, [])
        message.history.append((message.text, message.entities, message.reply_markup))
        message.text, message.raw_text, message.entities = visible, new_text, entities_to_api(visible, ents)
        message.edit_date = int(time.time())
        if self._privacy_reason(message.chat, message) is None:
            self._enqueue("edited_message", message.to_api())
        return message

    async def press_button(
        self,
        chat: FakeChat,
        user: FakeUser,
        message_id: int | FakeMessage,
        callback_data: str | None = None,
        *,
        button_text: str | None = None,
    ) -> str:
        """The user presses an inline button; returns the callback query id. ``callback_data``
        need not belong to any button (a forged or stale press); ``button_text`` picks a real
        button by its label instead."""
        mid = message_id.message_id if isinstance(message_id, FakeMessage) else message_id
        message = self.messages.get(chat.id, {}).get(mid)
        if message is None or message.deleted:
            raise LookupError(f"no message {mid} in chat {chat.id}")
        if callback_data is None:
            if button_text is None:
                raise ValueError("give callback_data or button_text")
            button = message.find_button(button_text)
            if button is None or "callback_data" not in button:
                raise LookupError(f"message {mid} has no callback button {button_text!r}: {message.buttons}")
            callback_data = str(button["callback_data"])
        forged = not any(b.get("callback_data") == callback_data for row in message.buttons for b in row)
        query_id = str(next(self._query_ids))
        self.callback_queries[query_id] = CallbackQuery(query_id, user, message, callback_data, forged)
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": message.to_api(),
                "chat_instance": str(abs(chat.id) * 7919 % 10**15),
                "data": callback_data,
            },
        )
        return query_id

    async def inline_query(
        self, user: FakeUser, query: str, *, chat_type: str | None = "sender", offset: str = ""
    ) -> str:
        """The user types ``@bot query`` in some chat; returns the inline query id."""
        if not self.supports_inline_queries:
            raise ValueError("this fake bot has inline mode off")
        query_id = str(next(self._query_ids))
        self.inline_queries[query_id] = InlineQuery(query_id, user, query, offset, chat_type)
        payload: JSON = {"id": query_id, "from": user.to_api(), "query": query, "offset": offset}
        if chat_type is not None:
            payload["chat_type"] = chat_type
        self._enqueue("inline_query", payload)
        return query_id

    # ---------------------------------------------------------------- test-side: observing

    def chat_messages(self, chat: FakeChat | int) -> list[FakeMessage]:
        return list(self.messages.get(self._chat_id(chat), {}).values())

    def bot_messages(self, chat: FakeChat | int) -> list[FakeMessage]:
        return [m for m in self.chat_messages(chat) if m.from_bot]

    async def wait_for_bot_messages(
        self, chat: FakeChat | int, count: int = 1, timeout: float = 30.0
    ) -> list[FakeMessage]:
        """The next ``count`` messages the bot sent in ``chat`` that no earlier call returned. The waits return as
        soon as the condition holds; their 30 s bound only decides how long a broken bot is waited for (5 s was
        exceeded by a working bot on a machine loaded by several test suites)."""
        chat_id = self._chat_id(chat)

        def ready() -> list[FakeMessage] | None:
            fresh = self.bot_messages(chat_id)[self._read_cursor.get(chat_id, 0) :]
            return fresh[:count] if len(fresh) >= count else None

        found = await self._wait_until(ready, timeout)
        if found is None:
            fresh = self.bot_messages(chat_id)[self._read_cursor.get(chat_id, 0) :]
            raise AssertionError(
                f"waited {timeout}s for {count} bot message(s) in chat {chat_id}, got {len(fresh)}: "
                f"{[m.text for m in fresh]}; recent rejections: {[str(c) for c in self.rejections[-5:]]}"
            )
        self._read_cursor[chat_id] = self._read_cursor.get(chat_id, 0) + len(found)
        return found

    async def assert_no_bot_messages(self, chat: FakeChat | int, wait: float = 0.3) -> None:
        """Fail if the bot sends anything new (not yet returned by wait_for_bot_messages) in
        ``chat`` within ``wait`` seconds."""
        chat_id = self._chat_id(chat)
        await asyncio.sleep(wait)
        fresh = self.bot_messages(chat_id)[self._read_cursor.get(chat_id, 0) :]
        if fresh:
            raise AssertionError(f"bot unexpectedly sent in chat {chat_id}: {[m.text for m in fresh]}")

    async def wait_for_callback_answer(self, callback_query_id: str, timeout: float = 30.0) -> CallbackQuery:
        query = self.callback_queries[callback_query_id]
        if await self._wait_until(lambda: query if query.answered else None, timeout) is None:
            raise AssertionError(f"callback query {callback_query_id} was not answered within {timeout}s")
        return query

    async def wait_for_inline_answer(self, inline_query_id: str, timeout: float = 30.0) -> InlineQuery:
        query = self.inline_queries[inline_query_id]
        if await self._wait_until(lambda: query if query.answered else None, timeout) is None:
            raise AssertionError(f"inline query {inline_query_id} was not answered within {timeout}s")
        return query

    async def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, timeout: float = 30.0
    ) -> ApiCall:
        """The first finished call of ``method`` (matching ``predicate``) not returned before."""

        def ready() -> ApiCall | None:
            for call in self.calls:
                if (
                    call.seq not in self._consumed_calls
                    and call.method.lower() == method.lower()
                    and not call.pending
                    and (predicate is None or predicate(call))
                ):
                    return call
            return None

        call = await self._wait_until(ready, timeout)
        if call is None:
            raise AssertionError(f"no {method} call within {timeout}s")
        self._consumed_calls.add(call.seq)
        return call

    async def wait_until_consumed(self, timeout: float = 30.0) -> None:
        """Wait until the bot has confirmed (by getUpdates offset) every queued update."""
        if await self._wait_until(lambda: True if not self._queue else None, timeout) is None:
            raise AssertionError(f"{len(self._queue)} update(s) still unconfirmed after {timeout}s")

    def effective_commands(
        self, chat: FakeChat, user: FakeUser | None = None, language_code: str = ""
    ) -> list[JSON]:
        """The command menu a user would see, resolved through scopes as Telegram documents."""
        lang = language_code or (user.language_code or "" if user else "")
        lang = lang[:2]
        admin = user is not None and chat.members.get(user.id) in ("administrator", "creator")
        scopes: list[JSON] = []
        if chat.type == "private":
            scopes = [{"type": "chat", "chat_id": chat.id}, {"type": "all_private_chats"}]
        else:
            if user is not None:
                scopes.append({"type": "chat_member", "chat_id": chat.id, "user_id": user.id})
            if admin:
                scopes.append({"type": "chat_administrators", "chat_id": chat.id})
            scopes.append({"type": "chat", "chat_id": chat.id})
            if admin:
                scopes.append({"type": "all_chat_administrators"})
            scopes.append({"type": "all_group_chats"})
        scopes.append({"type": "default"})
        for scope in scopes:
            for language in ([lang] if lang else []) + [""]:
                found = self.commands.get((self._scope_key(scope), language))
                if found:
                    return found
        return []

    # ---------------------------------------------------------------- internals: plumbing

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, ready: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = ready()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    @staticmethod
    def _chat_id(chat: FakeChat | int) -> int:
        return chat if isinstance(chat, int) else chat.id

    def _enqueue(self, kind: str, payload: JSON) -> None:
        if kind not in self._allowed_updates:
            self.dropped_updates.append({kind: payload})
            return
        self._queue.append(_Update(next(self._update_ids), kind, payload))
        self._notify()

    def _store_message(
        self,
        chat: FakeChat,
        sender: FakeUser,
        text: str,
        raw_text: str,
        parse_mode: str | None,
        entities: list[JSON],
        reply_markup: JSON | None,
        reply_to: FakeMessage | None,
    ) -> FakeMessage:
        message_id = self._next_message_id.get(chat.id, 1)
        self._next_message_id[chat.id] = message_id + 1
        message = FakeMessage(
            chat=chat,
            message_id=message_id,
            from_user=sender,
            date=int(time.time()),
            text=text,
            raw_text=raw_text,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=reply_markup,
            reply_to=reply_to,
        )
        self.messages.setdefault(chat.id, {})[message_id] = message
        self._notify()
        return message

    def _check_user_can_write(self, chat: FakeChat, user: FakeUser) -> None:
        if chat.id not in self.chats:
            raise ValueError(f"unknown chat {chat.id}")
        if chat.type == "private":
            if chat.user is not user:
                raise ValueError("only the chat's own user can write in a private chat")
        elif chat.members.get(user.id) not in ("creator", "administrator", "member"):
            raise ValueError(f"user {user.id} is {chat.members.get(user.id, 'left')} in chat {chat.id}")

    def _user_reply_target(self, chat: FakeChat, reply_to: int | FakeMessage | None) -> FakeMessage | None:
        if reply_to is None:
            return None
        mid = reply_to.message_id if isinstance(reply_to, FakeMessage) else reply_to
        target = self.messages.get(chat.id, {}).get(mid)
        if target is None or target.deleted:
            raise LookupError(f"no message {mid} in chat {chat.id} to reply to")
        return target

    def _privacy_reason(self, chat: FakeChat, message: FakeMessage) -> str | None:
        """Why privacy mode keeps ``message`` from the bot, or None when it is delivered."""
        if chat.type == "private":
            return None
        bot_status = chat.members.get(self.bot_user.id, "left")
        if bot_status in ("left", "kicked"):
            return f"bot is {bot_status}"
        if not self.privacy_mode or bot_status in ("administrator", "creator"):
            return None
        me = (self.bot_user.username or "").lower()
        if any(text.lower() == f"@{me}" for text in message.entity_texts("mention")):
            return None
        if message.reply_to is not None and message.reply_to.from_user is self.bot_user:
            return None
        leading = [e for e in message.entities if e["type"] == "bot_command" and e["offset"] == 0]
        if leading:
            command = message.text.encode("utf-16-le")[: 2 * leading[0]["length"]].decode("utf-16-le")
            _, _, addressee = command.partition("@")
            if not addressee or addressee.lower() == me:
                return None
            return f"command for @{addressee}"
        return "privacy mode"

    # ---------------------------------------------------------------- internals: HTTP

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return raw
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON object")
            raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = _UploadedFile(value.filename, value.content_type, value.file.read())
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[key] = value
        return raw

    async def _handle(self, request: web.Request) -> web.Response:
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", request.path)
        if match is None:
            return _error_response(ApiError(404, "Not Found"))
        token, method = match.groups()
        entry = self._methods.get(method.lower())
        call = ApiCall(seq=next(self._ids), method=entry[0] if entry else method, params={})
        self.calls.append(call)
        try:
            raw = await self._read_params(request)
            params = Params(raw)
            call.params = params.decoded()
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if entry is None:
                if method.lower() in _bot_api_method_names():
                    raise bad_request(f"method {method} is not emulated by the fake Telegram (tests/fakebot)")
                raise ApiError(404, "Not Found")
            self._apply_injection(method.lower())
            if self.logged_out and method.lower() not in ("getme", "logout"):
                raise ApiError(401, "Unauthorized")
            result = await entry[1](params, request)
        except ApiError as error:
            call.error_code, call.description, call.parameters = (
                error.code,
                error.description,
                error.parameters,
            )
            call.auto_expected = error.expected
            response = _error_response(error)
        except (ConnectionResetError, asyncio.CancelledError) as error:
            # The client went away mid-request (a bot process killed on purpose): nothing was delivered,
            # and it is no bug of the fake.
            call.abandoned, call.error_code, call.description = True, 499, f"client disconnected: {error!r}"
            self._notify()
            raise
        except Exception as error:  # a bug in the fake must fail the test, not hang it
            logger.exception("fakebot crashed in %s", method)
            self.internal_errors.append(f"fakebot crashed in {method}: {error!r}")
            call.error_code, call.description = 500, f"Internal Server Error: fakebot bug: {error!r}"
            response = _error_response(ApiError(500, call.description))
        else:
            call.ok, call.result = True, result
            response = web.json_response({"ok": True, "result": result})
        if request.transport is None or request.transport.is_closing():
            call.abandoned = True
        self._notify()
        return response

    def _apply_injection(self, method: str) -> None:
        for injection in self._injections:
            if injection.remaining <= 0:
                continue
            if injection.method == method or (injection.method is None and method != "getupdates"):
                injection.remaining -= 1
                raise too_many_requests(injection.retry_after, expected=injection.expected)

    def _check_flood(self, chat: FakeChat) -> None:
        limits = self.flood_limits
        if limits is None:
            return
        now = time.monotonic()
        windows: list[tuple[deque[float], int, float]] = [(self._send_times, limits.global_per_second, 1.0)]
        per_chat = self._chat_send_times.setdefault(chat.id, deque())
        if chat.type != "private":
            windows.append((per_chat, limits.group_per_minute, 60.0))
        elif limits.private_per_second is not None:
            windows.append((per_chat, limits.private_per_second, 1.0))
        for times, limit, span in windows:
            while times and times[0] <= now - span:
                times.popleft()
            if len(times) >= limit:
                raise too_many_requests(math.ceil(times[0] + span - now))
        self._send_times.append(now)
        per_chat.append(now)

    # ---------------------------------------------------------------- internals: validation

    def _resolve_chat(self, value: Any, *, for_write: bool = False) -> FakeChat:
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        chat: FakeChat | None = None
        if isinstance(value, str) and value.startswith("@"):
            chat = next(
                (c for c in self.chats.values() if c.username and c.username.lower() == value[1:].lower()),
                None,
            )
        elif isinstance(value, int) and not isinstance(value, bool):
            chat = self.chats.get(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            chat = self.chats.get(int(value))
            value = int(value)
        if chat is None:
            if for_write and isinstance(value, int) and value in self.users and value != self.bot_user.id:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if for_write:
            self._check_bot_can_write(chat)
        return chat

    def _check_bot_can_write(self, chat: FakeChat) -> None:
        if chat.type == "private":
            if chat.id in self._deactivated:
                raise forbidden("user is deactivated")
            if chat.id in self._blocked:
                raise forbidden("bot was blocked by the user", expected=self._blocked[chat.id])
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        status = chat.members.get(self.bot_user.id, "left")
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if status == "left":
            raise forbidden(f"bot is not a member of the {kind}")

    def _format(
        self,
        text: str | None,
        parse_mode: str | None,
        entities: Any,
        *,
        limit: int = MAX_TEXT_UTF16,
        empty: str = "message text is empty",
        too_long: str = "message is too long",
    ) -> tuple[str, list[JSON]]:
        if not text:
            raise bad_request(empty)
        mode = (parse_mode or "").strip()
        try:
            if entities is not None:
                visible, ents = text, entities_from_api(text, entities)
            elif mode.lower() == "html":
                visible, ents = parse_html(text, strict=self.strict_html)
            elif mode.lower() in ("markdown", "markdownv2"):
                raise bad_request(f"parse_mode {mode} is not emulated by the fake Telegram; use HTML")
            elif mode:
                raise bad_request("unsupported parse_mode")
            else:
                visible, ents = text, []
            visible, ents = finalize_text(visible, ents)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        except EmptyTextError:
            raise bad_request(empty) from None
        if utf16_len(visible) > limit:
            raise bad_request(too_long)
        return visible, entities_to_api(visible, ents)

    def _inline_keyboard(self, markup: Any) -> JSON:
        if (
            not isinstance(markup, dict)
            or not isinstance(markup.get("inline_keyboard"), list)
            or not all(isinstance(row, list) for row in markup["inline_keyboard"])
        ):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        actions = (
            "url",
            "callback_data",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        )
        total = 0
        for row in markup["inline_keyboard"]:
            for button in row:
                total += 1
                if not isinstance(button, dict):
                    raise bad_request(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not isinstance(button.get("text"), str) or not button["text"].strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                used = [key for key in actions if key in button and button[key] is not None]
                if not used:
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(used) > 1:
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        f"exactly one of the optional fields must be used, got {used}"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button and (
                    not isinstance(button["url"], str) or check_link(button["url"]) is None
                ):
                    raise bad_request(
                        f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                    )
        if total > 100:
            raise bad_request("reply markup is too long")
        return markup

    def _reply_markup(self, params: Params, *, inline_only: bool) -> JSON | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return self._inline_keyboard(markup)
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
            for row in rows:
                for button in row:
                    label = (
                        button
                        if isinstance(button, str)
                        else button.get("text")
                        if isinstance(button, dict)
                        else None
                    )
                    if not isinstance(label, str) or not label:
                        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
            return None
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_target(self, params: Params, chat: FakeChat) -> FakeMessage | None:
        reply = params.get_json("reply_parameters")
        allow = params.get_bool("allow_sending_without_reply")
        target_chat, message_id = chat, None
        if reply is not None:
            if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
                raise bad_request("can't parse reply parameters JSON object")
            message_id = reply["message_id"]
            allow = bool(reply.get("allow_sending_without_reply", allow))
            if reply.get("chat_id") not in (None, ""):
                target_chat = self._resolve_chat(reply["chat_id"])
        elif params.present("reply_to_message_id"):
            message_id = params.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = self.messages.get(target_chat.id, {}).get(message_id)
        if target is None or target.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return target

    def _message_for_change(self, params: Params, missing: str) -> FakeMessage:
        if params.present("inline_message_id"):
            raise bad_request("inline messages (inline_message_id) are not emulated by the fake Telegram")
        chat = self._resolve_chat(params.raw.get("chat_id"))
        message_id = params.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self.messages.get(chat.id, {}).get(message_id)
        if message is None or message.deleted:
            raise bad_request(missing)
        return message

    @staticmethod
    def _scope_key(scope: JSON) -> str:
        return json.dumps({k: scope[k] for k in ("type", "chat_id", "user_id") if k in scope}, sort_keys=True)

    def _command_scope(self, params: Params) -> tuple[str, str]:
        scope = params.get_json("scope")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope.get("type")
        if kind not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
            "chat",
            "chat_administrators",
            "chat_member",
        ):
            raise bad_request("wrong BotCommandScope type specified")
        normalized: JSON = {"type": kind}
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat = self._resolve_chat(scope.get("chat_id"))
            normalized["chat_id"] = chat.id
            if kind != "chat" and chat.type == "private":
                raise bad_request(f"can't use scope {kind} in a private chat")
            if kind == "chat_member":
                user_id = scope.get("user_id")
                if not isinstance(user_id, int) or user_id not in chat.members:
                    raise bad_request("user not found")
                normalized["user_id"] = user_id
        language = params.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return self._scope_key(normalized), language

    def _member_api(self, chat: FakeChat, user: FakeUser) -> JSON:
        status = chat.members.get(user.id, "left")
        data: JSON = {"status": status, "user": user.to_api()}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
                can_manage_topics=False,
            )
        elif status == "restricted":
            data.update(
                is_member=True,
                until_date=0,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
            )
        elif status == "kicked":
            data["until_date"] = 0
        return data

    # ---------------------------------------------------------------- Bot API methods

    async def _api_getMe(self, params: Params, request: web.Request) -> JSON:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": self.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_logOut(self, params: Params, request: web.Request) -> bool:
        self.logged_out = True
        return True

    async def _api_close(self, params: Params, request: web.Request) -> bool:
        return True

    async def _api_getUpdates(self, params: Params, request: web.Request) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = max(params.get_number("timeout", 0.0), 0.0)
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
                raise bad_request("can't parse allowed_updates JSON object")
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED_UPDATES
        if offset > 0:
            self._queue = [u for u in self._queue if u.update_id >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        self._notify()

        previous = self._poll
        if previous is not None:
            # A client that gave up on its long poll has closed the connection; only a live
            # second poller is a real conflict. Give the disconnect a moment to be noticed.
            await self._wait_until(
                lambda: (
                    True
                    if previous.request.transport is None or previous.request.transport.is_closing()
                    else None
                ),
                0.25,
            )
            previous.superseded = True
            self._notify()
        poll = _Poll(request)
        self._poll = poll
        try:
            await self._wait_until(
                lambda: True if self._queue or poll.superseded or self._closing else None, timeout
            )
            if poll.superseded:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            batch = self._queue[:limit]
            if request.transport is not None and not request.transport.is_closing():
                for update in batch:
                    update.delivered = True
            return [update.to_api() for update in batch]
        finally:
            if self._poll is poll:
                self._poll = None

    async def _api_setWebhook(self, params: Params, request: web.Request) -> bool:
        url = params.get_str("url") or ""
        if url and not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        # Telegram accepts webhooks only on these public ports.
        if url and urlsplit(url).port not in (None, 80, 88, 443, 8443):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get_bool("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = url
        self._notify()
        return True

    async def _api_deleteWebhook(self, params: Params, request: web.Request) -> bool:
        if params.get_bool("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = ""
        return True

    async def _api_getWebhookInfo(self, params: Params, request: web.Request) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _api_setMyCommands(self, params: Params, request: web.Request) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        cleaned: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = item.get("command"), item.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[self._command_scope(params)] = cleaned
        return True

    async def _api_getMyCommands(self, params: Params, request: web.Request) -> list[JSON]:
        return list(self.commands.get(self._command_scope(params), []))

    async def _api_deleteMyCommands(self, params: Params, request: web.Request) -> bool:
        self.commands.pop(self._command_scope(params), None)
        return True

    async def _profile_text(self, params: Params, field_name: str, limit: int) -> bool:
        value = params.get_str(field_name) or ""
        if len(value) > limit:
            raise bad_request(f"{field_name} is too long")
        self.bot_profile[f"{field_name}:{params.get_str('language_code') or ''}"] = {field_name: value}
        return True

    async def _api_setMyDescription(self, params: Params, request: web.Request) -> bool:
        return await self._profile_text(params, "description", 512)

    async def _api_setMyShortDescription(self, params: Params, request: web.Request) -> bool:
        return await self._profile_text(params, "short_description", 120)

    async def _api_setMyName(self, params: Params, request: web.Request) -> bool:
        return await self._profile_text(params, "name", 64)

    async def _api_getMyDescription(self, params: Params, request: web.Request) -> JSON:
        key = f"description:{params.get_str('language_code') or ''}"
        return self.bot_profile.get(key, {"description": ""})

    async def _api_getMyShortDescription(self, params: Params, request: web.Request) -> JSON:
        key = f"short_description:{params.get_str('language_code') or ''}"
        return self.bot_profile.get(key, {"short_description": ""})

    async def _api_getMyName(self, params: Params, request: web.Request) -> JSON:
        return self.bot_profile.get(
            f"name:{params.get_str('language_code') or ''}", {"name": self.bot_user.first_name}
        )

    async def _api_sendMessage(self, params: Params, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.raw.get("chat_id"), for_write=True)
        text = params.get_str("text")
        visible, entities = self._format(text, params.get_str("parse_mode"), params.get_json("entities"))
        markup = self._reply_markup(params, inline_only=False)
        reply_to = self._reply_target(params, chat)
        self._check_flood(chat)
        message = self._store_message(
            chat, self.bot_user, visible, text or "", params.get_str("parse_mode"), entities, markup, reply_to
        )
        return message.to_api()

    async def _api_sendPhoto(self, params: Params, request: web.Request) -> JSON:
        """An uploaded PNG or JPEG, checked as Telegram checks it (10 MB, width + height ≤ 10000, sides at
        most 20:1); the message carries one PhotoSize of the image as sent."""
        self._resolve_chat(params.raw.get("chat_id"), for_write=True)  # chat errors first, as for documents
        upload = params.raw.get("photo")
        if not isinstance(upload, _UploadedFile) or not upload.content:
            raise bad_request("there is no photo in the request")
        if len(upload.content) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        size = _image_size(upload.content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        photo: JSON = {"file_id": f"fake-photo-{next(self._ids)}", "file_unique_id": f"u{next(self._ids)}",
                       "width": width, "height": height, "file_size": len(upload.content)}
        message = await self._send_file(params, "photo", None)
        message.photo, message.photo_bytes = [photo], upload.content
        return message.to_api()

    async def _api_sendDocument(self, params: Params, request: web.Request) -> JSON:
        self._resolve_chat(params.raw.get("chat_id"), for_write=True)
        upload = params.raw.get("document")
        if isinstance(upload, _UploadedFile):
            content: bytes | None = upload.content
            document: JSON = {
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.content),
            }
        elif isinstance(upload, str) and upload:
            content, document = None, {}
        else:
            raise bad_request("there is no document in the request")
        if not content and content is not None:
            raise bad_request("file must be non-empty")
        document.update(file_id=f"fake-document-{next(self._ids)}", file_unique_id=f"u{next(self._ids)}")
        message = await self._send_file(params, "document", document)
        message.document_bytes = content
        return message.to_api()

    async def _send_file(self, params: Params, kind: str, document: JSON | None) -> FakeMessage:
        """What sendDocument and sendPhoto share: the chat, the caption (1024 UTF-16 units), buttons, reply."""
        chat = self._resolve_chat(params.raw.get("chat_id"), for_write=True)
        caption = params.get_str("caption")
        visible, entities = "", list[JSON]()
        if caption:
            try:
                visible, entities = self._format(
                    caption,
                    params.get_str("parse_mode"),
                    params.get_json("caption_entities"),
                    limit=MAX_CAPTION_UTF16,
                    too_long="message caption is too long",
                )
            except ApiError as error:
                if error.description != "Bad Request: message text is empty":
                    raise
        markup = self._reply_markup(params, inline_only=False)
        reply_to = self._reply_target(params, chat)
        self._check_flood(chat)
        message = self._store_message(
            chat,
            self.bot_user,
            visible,
            caption or "",
            params.get_str("parse_mode"),
            entities,
            markup,
            reply_to,
        )
        message.document = document
        return message

    async def _api_editMessageText(self, params: Params, request: web.Request) -> JSON:
        message = self._message_for_change(params, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if message.document is not None or message.photo is not None:
            raise bad_request("there is no text in the message to edit")
        text = params.get_str("text")
        visible, entities = self._format(
            text, params.get_str("parse_mode"), params.get_json("entities"), too_long="MESSAGE_TOO_LONG"
        )
        markup = self._reply_markup(params, inline_only=True)
        if (visible, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.history.append((message.text, message.entities, message.reply_markup))
        message.text, message.raw_text, message.entities, message.reply_markup = (
            visible,
            text or "",
            entities,
            markup,
        )
        message.parse_mode = params.get_str("parse_mode")
        message.edit_date = int(time.time())
        return message.to_api()

    async def _api_editMessageReplyMarkup(self, params: Params, request: web.Request) -> JSON:
        message = self._message_for_change(params, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        markup = self._reply_markup(params, inline_only=True)
        if markup == message.reply_markup or (not markup and not message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.history.append((message.text, message.entities, message.reply_markup))
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return message.to_api()

    async def _api_deleteMessage(self, params: Params, request: web.Request) -> bool:
        message = self._message_for_change(params, "message to delete not found")
        chat = message.chat
        if (
            chat.type != "private"
            and not message.from_bot
            and chat.members.get(self.bot_user.id) not in ("administrator", "creator")
        ):
            raise bad_request("message can't be deleted")
        message.deleted = True
        return True

    async def _api_answerCallbackQuery(self, params: Params, request: web.Request) -> bool:
        query = self.callback_queries.get(params.get_str("callback_query_id") or "")
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        text = params.get_str("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered, query.text, query.show_alert = True, text or None, params.get_bool("show_alert")
        query.url, query.cache_time = params.get_str("url"), params.get_int("cache_time", 0) or 0
        return True

    async def _api_answerInlineQuery(self, params: Params, request: web.Request) -> bool:
        query = self.inline_queries.get(params.get_str("inline_query_id") or "")
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        results = params.get_json("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        next_offset = params.get_str("next_offset") or ""
        if len(next_offset.encode("utf-8")) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        cache_time = params.get_int("cache_time", 300)
        if cache_time is None or cache_time < 0:
            raise bad_request("cache_time must be non-negative")
        query.answered, query.results, query.cache_time = True, results, cache_time
        query.is_personal, query.next_offset, query.button = (
            params.get_bool("is_personal"),
            next_offset,
            params.get_json("button"),
        )
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict) or not isinstance(result.get("type"), str):
            raise bad_request("can't parse InlineQueryResult JSON object")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result["type"] == "article":
            if not isinstance(result.get("title"), str) or not result["title"].strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            if not isinstance(result.get("input_message_content"), dict):
                raise bad_request(
                    "can't parse InlineQueryResultArticle: "
                    'Field "input_message_content" must be of type Object'
                )
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            self._format(
                content.get("message_text") if isinstance(content.get("message_text"), str) else None,
                content.get("parse_mode"),
                content.get("entities"),
                empty="MESSAGE_EMPTY",
                too_long="MESSAGE_TOO_LONG",
            )
        if "reply_markup" in result:
            self._inline_keyboard(result["reply_markup"])

    async def _api_getChat(self, params: Params, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.raw.get("chat_id"))
        data = chat.to_api()
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        return data

    async def _api_getChatMember(self, params: Params, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.raw.get("chat_id"))
        user = self.users.get(params.get_int("user_id") or 0)
        if user is None:
            raise bad_request("user not found")
        if chat.type == "private" and user.id not in chat.members:
            raise bad_request("user not found")
        return self._member_api(chat, user)

    async def _api_getChatAdministrators(self, params: Params, request: web.Request) -> list[JSON]:
        chat = self._resolve_chat(params.raw.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self._member_api(chat, self.users[uid])
            for uid, status in chat.members.items()
            if status in ("creator", "administrator")
        ]

    async def _api_getChatMemberCount(self, params: Params, request: web.Request) -> int:
        chat = self._resolve_chat(params.raw.get("chat_id"))
        return sum(1 for status in chat.members.values() if status not in ("left", "kicked"))

    async def _api_sendChatAction(self, params: Params, request: web.Request) -> bool:
        chat = self._resolve_chat(params.raw.get("chat_id"), for_write=True)
        action = params.get_str("action") or ""
        if action not in (
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        ):
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True


@dataclass
class _UploadedFile:
    filename: str
    content_type: str
    content: bytes

    def __repr__(self) -> str:
        return f"<file {self.filename!r} {len(self.content)} bytes>"


def _error_response(error: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.code)


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, None for anything else (Telegram cannot process it as a photo)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 <= len(data) and data[at] == 0xFF:
            marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
                return int.from_bytes(data[at + 7:at + 9], "big"), int.from_bytes(data[at + 5:at + 7], "big")
            at += 2 + length
    return None
