"""The store interface and the rules both backends share (ids, revisions, value encoding)."""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from talkkit.answers import MAX_TEXT_CHARS, AnswerError, is_identifier
from talkkit.store.types import Answer, Event, EventAnswer, Pick, SaveResult, Session

__all__ = [
    "BOARD_HIDDEN_KEYS",
    "MAX_LABEL_CHARS",
    "MAX_PICKS",
    "Decision",
    "Store",
    "check_base_revision",
    "check_id",
    "clean_label",
    "clean_meeting_url",
    "decide",
    "decode_value",
    "encode_value",
    "escape_surrogates",
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

_EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_JOIN_CODE = re.compile(r"^[A-Z0-9]{8,32}$")
_PICK_ID = re.compile(r"^[A-Za-z0-9_.:/-]{1,200}$")
_EVENT_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


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


def utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive datetime is taken as local time."""
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


def valid_session_id(value: object) -> bool:
    return type(value) is str and bool(_SESSION_ID.fullmatch(value))


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


class Store(ABC):
    """Sessions and their answers. Thread-safe; one object per kernel.

    Errors surface as :class:`~talkkit.store.types.StoreError` (its subclass
    :class:`~talkkit.store.types.StoreUnavailable` means "retry later") and, for values that
    fail :func:`talkkit.answers.validate_answer`, :class:`~talkkit.answers.AnswerError`.
    """

    #: The URL the store was opened with, password removed.
    url: str

    @abstractmethod
    def create_session(
        self,
        kit_id: str,
        language: str,
        event_id: str | None = None,
        group_name: str = "",
        municipality: str = "",
    ) -> Session:
        """Start a group's working copy of a kit."""

    @abstractmethod
    def get_session(self, session_id: str) -> Session | None:
        """The session, or ``None`` if there is none with this id."""

    @abstractmethod
    def set_phase(self, session_id: str, phase_id: str | None) -> None:
        """Remember where the group is in the agenda."""

    @abstractmethod
    def list_sessions(
        self, kit_id: str | None = None, event_id: str | None = None
    ) -> list[Session]:
        """Sessions, oldest first, optionally only of one kit and/or one event."""

    @abstractmethod
    def save_answer(
        self, session_id: str, key: str, value: Any, base_revision: int | None
    ) -> SaveResult:
        """Validate and store one answer unless it changed since ``base_revision``."""

    @abstractmethod
    def load_answers(self, session_id: str) -> dict[str, Answer]:
        """Every stored answer of a session (empty if the session does not exist)."""

    @abstractmethod
    def purge(
        self,
        event_id: str | None = None,
        before: datetime | None = None,
        session_id: str | None = None,
    ) -> int:
        """Delete the sessions matching *all* given filters, with their answers.

        ``before`` matches sessions last changed before that moment. At least one filter is
        required. Returns the number of sessions deleted.
        """

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open database."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection(s). The object cannot be used afterwards."""

    # -- events (issue #5) --------------------------------------------------------------------

    @abstractmethod
    def create_event(
        self, event_id: str, kit_id: str, name: str, language: str, code: str, secret_hash: str
    ) -> Event:
        """A new event. The id (also by any session) and ``code`` must be unused
        (:class:`ValueError` otherwise): see :func:`new_event_id`."""

    @abstractmethod
    def get_event(self, event_id: str) -> Event | None:
        """The event with this id, or ``None``."""

    @abstractmethod
    def find_event(self, code: str) -> Event | None:
        """The event with this (normalised) join code, or ``None``."""

    @abstractmethod
    def list_events(self, kit_id: str | None = None) -> list[Event]:
        """Events, oldest first, optionally only of one kit."""

    @abstractmethod
    def event_secret_hash(self, event_id: str) -> str | None:
        """The stored hash of the event's facilitator secret (never the secret)."""

    @abstractmethod
    def set_meeting_url(self, event_id: str, url: str) -> Event | None:
        """Set (``""``: clear) the event's meeting link (see :func:`clean_meeting_url`, whose
        :class:`ValueError` it raises); the updated event, or ``None`` if there is none."""

    @abstractmethod
    def delete_event(self, event_id: str) -> int:
        """Delete the event, its picks and counters, and its sessions with their answers.

        Returns the number of sessions deleted (0 also when there is no such event)."""

    @abstractmethod
    def join_event(
        self, session_id: str, event_id: str, group_name: str, municipality: str
    ) -> Session:
        """Put a session into an event with the group's name and municipality.

        A session already in another event stays there (:class:`ValueError`)."""

    @abstractmethod
    def event_answers(self, event_id: str, since: datetime | None = None) -> list[EventAnswer]:
        """Answers of every session of the event (changed at or after ``since``), without
        :data:`BOARD_HIDDEN_KEYS`."""

    @abstractmethod
    def list_picks(self, event_id: str) -> list[Pick]:
        """The event's main points, in their order."""

    @abstractmethod
    def set_picks(self, event_id: str, picks: list[Pick]) -> None:
        """Replace the event's main points with ``picks`` (in this order)."""

    @abstractmethod
    def record_failure(self, scope: str, client: str) -> None:
        """Count one failed attempt (a wrong secret or code) of ``client`` on ``scope``."""

    @abstractmethod
    def failures(self, scope: str, since: datetime) -> tuple[int, datetime | None]:
        """Failed attempts on ``scope`` by any client whose last failure is at or after
        ``since``: ``(count, time of the latest)``."""

    @abstractmethod
    def clear_failures(self, scope: str) -> None:
        """Forget the failed attempts on ``scope`` (after a successful login)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- shared argument checks ---------------------------------------------------------------

    @staticmethod
    def _session_fields(
        kit_id: object,
        language: object,
        event_id: object,
        group_name: object,
        municipality: object,
    ) -> tuple[str, str, str | None, str, str]:
        return (
            check_id(kit_id, "kit id"),
            check_id(language, "language", _LANGUAGE),
            None if event_id is None else check_id(event_id, "event id", _EVENT_ID),
            clean_label(group_name, "group_name"),
            clean_label(municipality, "municipality"),
        )

    @staticmethod
    def _event_fields(
        event_id: object,
        kit_id: object,
        name: object,
        language: object,
        code: object,
        secret_hash: object,
    ) -> tuple[str, str, str, str, str, str]:
        if type(secret_hash) is not str or not 0 < len(secret_hash) <= 1000:
            raise ValueError("invalid secret hash")
        return (
            check_id(event_id, "event id", _EVENT_ID),
            check_id(kit_id, "kit id"),
            clean_label(name, "name"),
            check_id(language, "language", _LANGUAGE),
            check_id(code, "join code", _JOIN_CODE),
            secret_hash,
        )

    @staticmethod
    def _event_id(event_id: object) -> str | None:
        """``event_id`` if it is well-formed, else ``None`` (look-ups then find nothing)."""
        return event_id if type(event_id) is str and _EVENT_ID.fullmatch(event_id) else None

    @staticmethod
    def _join_code(code: object) -> str | None:
        return code if type(code) is str and _JOIN_CODE.fullmatch(code) else None

    @staticmethod
    def _picks(picks: object) -> list[Pick]:
        if not isinstance(picks, list | tuple) or len(picks) > MAX_PICKS:
            raise ValueError(f"picks must be a list of at most {MAX_PICKS}")
        seen: set[str] = set()
        clean = []
        for pick in picks:
            if not isinstance(pick, Pick):
                raise ValueError("a pick must be a Pick")
            if type(pick.id) is not str or not _PICK_ID.fullmatch(pick.id) or pick.id in seen:
                raise ValueError("invalid or repeated pick id")
            if type(pick.text) is not str or len(pick.text) > MAX_TEXT_CHARS:
                raise ValueError("invalid pick text")
            if type(pick.source) is not str or len(pick.source) > 300:
                raise ValueError("invalid pick source")
            seen.add(pick.id)
            clean.append(Pick(pick.id, escape_surrogates_text(pick.text), pick.source))
        return clean

    @staticmethod
    def _scope(scope: object, client: object = "") -> tuple[str, str]:
        if type(scope) is not str or not 0 < len(scope) <= 200:
            raise ValueError("invalid scope")
        if type(client) is not str or len(client) > 200:
            raise ValueError("invalid client")
        return scope, client

    @staticmethod
    def _purge_filters(
        event_id: object, before: object, session_id: object
    ) -> tuple[str | None, datetime | None, str | None]:
        if event_id is None and before is None and session_id is None:
            raise ValueError("purge needs an event, a date or a session (refusing to delete all)")
        return (
            None if event_id is None else check_id(event_id, "event id", _EVENT_ID),
            None if before is None else utc(before),  # type: ignore[arg-type]
            None if session_id is None else check_id(session_id, "session id", _SESSION_ID),
        )
