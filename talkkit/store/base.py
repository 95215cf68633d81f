"""The store interface (:class:`Store`) and the argument checks both backends share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, datetime
from typing import Any

from talkkit.contracts.answers import MAX_TEXT_CHARS
from talkkit.store.series import Series
from talkkit.store.types import Answer, Event, EventAnswer, Pick, SaveResult, Session
from talkkit.store.values import (
    EVENT_ID_RE,
    JOIN_CODE_RE,
    LANGUAGE_RE,
    MAX_PICKS,
    PICK_ID_RE,
    SESSION_ID_RE,
    check_id,
    clean_label,
    escape_surrogates_text,
    utc,
)

__all__ = ["Store"]


class Store(ABC):
    """Sessions and their answers. Thread-safe; one object per kernel.

    Errors surface as :class:`~talkkit.store.types.StoreError` (its subclass
    :class:`~talkkit.store.types.StoreUnavailable` means "retry later") and, for values that
    fail :func:`talkkit.contracts.answers.validate_answer`, :class:`~talkkit.contracts.answers.AnswerError`.
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

    def quick_check(self) -> list[str]:
        """Problems of the store's files found by a quick check (empty: sound, or nothing to
        check: PostgreSQL checks its own pages)."""
        return []

    def reclaim(self) -> bool:
        """After a purge: make deleted text unreadable in the store's files where the backend
        allows (SQLite: checkpoint and empty the WAL; PostgreSQL: ``VACUUM FULL``). True when
        it was done completely."""
        return True

    @abstractmethod
    def purge(
        self,
        event_id: str | None = None,
        before: datetime | None = None,
        session_id: str | None = None,
    ) -> int:
        """Delete the sessions matching *all* given filters, with their answers and the main
        points picked from their answers.

        ``before`` matches sessions last changed before that moment. At least one filter is
        required. Returns the number of sessions deleted.
        """

    @abstractmethod
    def follow_up(self, source_id: str, kit_id: str, language: str) -> Session | None:
        """The session of ``kit_id`` following up session ``source_id`` (found or made, see
        :mod:`talkkit.store.follow`); ``None`` if there is no session ``source_id``."""

    @abstractmethod
    def follow_ups(self, source_id: str) -> list[Session]:
        """The sessions following up session ``source_id``, oldest first."""

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
        """Set (``""``: clear) the event's meeting link (see
        :func:`~talkkit.store.values.clean_meeting_url`, whose :class:`ValueError` it raises);
        the updated event, or ``None`` if there is none."""

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

    # -- a series of kits for one team (issue 22; talkkit.store.series) ------------------------

    @abstractmethod
    def create_series(
        self,
        series_id: str,
        team: str,
        language: str,
        code: str,
        secret_hash: str,
        items: list[tuple[str, date]],
    ) -> Series:
        """A new series (see :mod:`talkkit.store.series`)."""

    @abstractmethod
    def get_series(self, series_id: str) -> Series | None:
        """The series with this id, or ``None``."""

    @abstractmethod
    def find_series(self, code: str) -> Series | None:
        """The series with this (normalised) join code, or ``None``."""

    @abstractmethod
    def list_series(self) -> list[Series]:
        """Every series, oldest first."""

    @abstractmethod
    def series_secret_hashes(self) -> list[tuple[str, str]]:
        """``(series id, stored hash of its leader's secret)`` of every series."""

    @abstractmethod
    def series_sessions(self, series_id: str) -> dict[int, Session]:
        """Step number -> the session of that step."""

    @abstractmethod
    def open_step(self, series_id: str, step: int, language: str) -> Session | None:
        """The session of a step, found or made following the previous step's session."""

    @abstractmethod
    def delete_series(self, series_id: str) -> int:
        """Delete a series with its sessions and their answers; the number of sessions."""

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
            check_id(language, "language", LANGUAGE_RE),
            None if event_id is None else check_id(event_id, "event id", EVENT_ID_RE),
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
            check_id(event_id, "event id", EVENT_ID_RE),
            check_id(kit_id, "kit id"),
            clean_label(name, "name"),
            check_id(language, "language", LANGUAGE_RE),
            check_id(code, "join code", JOIN_CODE_RE),
            secret_hash,
        )

    @staticmethod
    def _event_id(event_id: object) -> str | None:
        """``event_id`` if it is well-formed, else ``None`` (look-ups then find nothing)."""
        return event_id if type(event_id) is str and EVENT_ID_RE.fullmatch(event_id) else None

    @staticmethod
    def _join_code(code: object) -> str | None:
        return code if type(code) is str and JOIN_CODE_RE.fullmatch(code) else None

    @staticmethod
    def _picks(picks: object) -> list[Pick]:
        if not isinstance(picks, list | tuple) or len(picks) > MAX_PICKS:
            raise ValueError(f"picks must be a list of at most {MAX_PICKS}")
        seen: set[str] = set()
        clean = []
        for pick in picks:
            if not isinstance(pick, Pick):
                raise ValueError("a pick must be a Pick")
            if type(pick.id) is not str or not PICK_ID_RE.fullmatch(pick.id) or pick.id in seen:
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
            None if event_id is None else check_id(event_id, "event id", EVENT_ID_RE),
            None if before is None else utc(before),
            None if session_id is None else check_id(session_id, "session id", SESSION_ID_RE),
        )
