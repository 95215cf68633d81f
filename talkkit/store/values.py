"""The rules every store backend shares: ids, limits, times, value encoding and the
optimistic-concurrency decision of a save."""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeGuard
from urllib.parse import urlsplit

from talkkit.contracts.answers import AnswerError, is_identifier

__all__ = [
    "BOARD_HIDDEN_KEYS",
    "EVENT_ID_RE",
    "JOIN_CODE_RE",
    "LANGUAGE_RE",
    "MAX_LABEL_CHARS",
    "MAX_PICKS",
    "MAX_URL_CHARS",
    "PICK_ID_RE",
    "SESSION_ID_RE",
    "Decision",
    "check_base_revision",
    "check_id",
    "clean_label",
    "clean_meeting_url",
    "decide",
    "decode_value",
    "encode_value",
    "escape_surrogates",
    "escape_surrogates_text",
    "new_event_id",
    "new_session_id",
    "utc",
    "utcnow",
    "valid_session_id",
]

#: Most characters in a group name or a municipality.
MAX_LABEL_CHARS = 200
#: Most characters in an event's meeting link.
MAX_URL_CHARS = 2000

#: Keys the facilitator board never reads: the speaking order (names of people) and a group's
#: own facilitator notes.
BOARD_HIDDEN_KEYS = ("speaking.names", "facilitator.notes")  # two: see event_answers()
#: Most main points one event keeps.
MAX_PICKS = 100

EVENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
JOIN_CODE_RE = re.compile(r"^[A-Z0-9]{8,32}$")
PICK_ID_RE = re.compile(r"^[A-Za-z0-9_.:/-]{1,200}$")
_EVENT_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")


def new_session_id() -> str:
    """A fresh unguessable session id: ``secrets.token_urlsafe(16)`` (128 random bits).

    An id starting with ``-`` is drawn again, so it can be given to a command line option
    (``--session ID``) without being taken for an option itself.
    """
    while True:
        token = secrets.token_urlsafe(16)
        if not token.startswith("-"):
            return token


def new_event_id() -> str:
    """A fresh event id: ``ev-`` and 8 characters that are easy to read (not secret)."""
    return "ev-" + "".join(secrets.choice(_EVENT_ID_ALPHABET) for _ in range(8))


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: object) -> datetime:
    """``value`` (a datetime, else :class:`TypeError`) in UTC; a naive datetime is taken as
    local time."""
    if not isinstance(value, datetime):
        raise TypeError("expected a datetime")
    return value.astimezone(UTC)


_RAW_SURROGATE = re.compile("[\ud800-\udfff]")
# A \\udXXX escape that starts at an escape position (preceded by an even number of backslashes).
_ESCAPED_SURROGATE = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89a-f][0-9a-f]{2})")


def encode_value(value: Any) -> str:
    """The stored form of a clean answer: compact JSON text that every backend can hold.

    Characters are kept as they are (readable UTF-8 in the database), except lone surrogates,
    which UTF-8 cannot hold: they become ``\\udXXX`` escapes. A real astral character (an
    emoji) is never escaped, so an escape in the stored text always means a lone surrogate, and
    :func:`decode_value` restores it without pairing it with a neighbour; plain
    ``json.dumps(ensure_ascii=True)`` would turn a lone high and a lone low surrogate that
    happen to be adjacent into one emoji. NUL is escaped by JSON (``\\u0000``), which
    PostgreSQL's ``text`` type needs.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return escape_surrogates(text)


def escape_surrogates(json_text: str) -> str:
    """JSON text (from ``json.dumps(ensure_ascii=False)``) with lone surrogates as escapes."""
    return _RAW_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def decode_value(text: str) -> Any:
    """The value :func:`encode_value` stored, exactly."""
    if "\\ud" in text:
        text = _ESCAPED_SURROGATE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), text)
    return json.loads(text)


def escape_surrogates_text(text: str) -> str:
    """``text`` with lone surrogates and NUL (which some databases cannot hold) as U+FFFD."""
    return _RAW_SURROGATE.sub("\ufffd", text).replace("\x00", "\ufffd")


def clean_label(value: object, field: str) -> str:
    """A group name or municipality: a string of at most :data:`MAX_LABEL_CHARS`.

    Labels are metadata, not answers: surrounding space is stripped and control characters and
    lone surrogates are replaced by U+FFFD, so every backend and export can hold them.
    """
    if value is None:
        return ""
    if type(value) is not str:
        raise AnswerError("bad_type", field)
    if len(value) > MAX_LABEL_CHARS:
        raise AnswerError("too_long", field, limit=MAX_LABEL_CHARS, actual=len(value))
    return "".join(
        "\ufffd" if unicodedata.category(c) in ("Cc", "Cs") else c for c in value.strip()
    )


def clean_meeting_url(value: object) -> str:
    """An event's meeting link: ``""`` (none) or an ``http(s)://host/...`` address of at most
    :data:`MAX_URL_CHARS` characters, without spaces or control characters. Anything else is a
    :class:`ValueError` (its text names the rule), so a page never links a ``javascript:``."""
    if value is None:
        return ""
    if type(value) is not str:
        raise ValueError("not a text")
    url = value.strip()
    if not url:
        return ""
    if len(url) > MAX_URL_CHARS:
        raise ValueError("too long")
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in url):
        raise ValueError("spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise ValueError("not an address") from exc
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username is not None:
        raise ValueError("not an http(s) address")
    return url


def check_id(value: object, what: str, pattern: re.Pattern[str] | None = None) -> str:
    ok = (
        type(value) is str and bool(pattern.fullmatch(value))
        if pattern is not None
        else is_identifier(value)
    )
    if not ok:
        raise ValueError(f"invalid {what}: {str(value)[:80]!r}")
    assert isinstance(value, str)
    return value


def valid_session_id(value: object) -> TypeGuard[str]:
    return type(value) is str and bool(SESSION_ID_RE.fullmatch(value))


@dataclass(frozen=True)
class Decision:
    """What to do with a save: ``write`` at ``revision``, or report ``same``/``conflict``."""

    action: Literal["write", "same", "conflict"]
    revision: int
    current: Any = None


def decide(stored: tuple[int, str] | None, base_revision: int | None, encoded: str) -> Decision:
    """The optimistic-concurrency rule, identical in every backend.

    ``stored`` is ``(revision, encoded value)`` or ``None``; ``base_revision`` is the revision
    the caller last saw (``None``: never saw this key). Saving the value that is already stored
    is never a conflict and writes nothing (so a retried save is harmless); otherwise a write
    happens only when the caller saw the stored revision.
    """
    check_base_revision(base_revision)
    have = stored[0] if stored else 0
    if stored is not None and stored[1] == encoded:
        return Decision("same", have)
    if (base_revision or 0) == have:
        return Decision("write", have + 1)
    return Decision("conflict", have, decode_value(stored[1]) if stored else None)


def check_base_revision(base_revision: object) -> None:
    """``None`` or a non-negative int, else :class:`AnswerError` (``bad_type``)."""
    if base_revision is not None and (type(base_revision) is not int or base_revision < 0):
        raise AnswerError("bad_type", "base_revision")
