"""The records and errors every store backend shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from talkkit.i18n import translator

__all__ = [
    "Answer",
    "Event",
    "EventAnswer",
    "Pick",
    "SaveResult",
    "Session",
    "SessionNotFound",
    "StoreError",
    "StoreUnavailable",
]


class StoreError(Exception):
    """The store could not do what was asked (the interface shows "saving failed")."""

    def message(self, lang: str) -> str:
        """What to tell the group, in ``lang``."""
        _ = translator(lang)
        return _("Saving failed. Please tell the organiser.")


class StoreUnavailable(StoreError):
    """The store is busy or unreachable right now: keep the text and retry later."""

    def message(self, lang: str) -> str:
        _ = translator(lang)
        return _("Saving failed just now. Your text is still here, and saving is tried again.")


class StoreFull(StoreUnavailable):
    """The disk under the store is full: nothing can be saved until there is room again."""

    def message(self, lang: str) -> str:
        _ = translator(lang)
        return _(
            "The server's disk is full, so nothing can be saved right now. Your text stays on "
            "this page and is saved as soon as there is room again."
        )


class SessionNotFound(StoreError):
    """No session with this id (never created, or purged)."""

    def message(self, lang: str) -> str:
        _ = translator(lang)
        return _("Your group's answers can no longer be found. They may have been deleted.")


@dataclass(frozen=True)
class Session:
    """A group's working copy of a kit: one per group table, one kernel each."""

    id: str
    kit_id: str
    language: str
    event_id: str | None
    group_name: str
    municipality: str
    phase: str | None
    created_at: datetime
    updated_at: datetime
    #: The earlier session whose take-aways this one follows up (issue 22), if any.
    follows: str | None = None


@dataclass(frozen=True)
class Answer:
    """One stored answer: its value, its revision (1, 2, ... per key) and when it was saved."""

    value: Any
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class SaveResult:
    """What :meth:`Store.save_answer` did.

    ``conflict=False``: the value is stored (or was already stored) at ``revision``.
    ``conflict=True``: nothing was written because the stored answer changed since the caller
    last saw it; ``revision`` and ``current`` are the stored ones, so the interface can show
    both texts and let the group choose.
    """

    revision: int
    conflict: bool
    current: Any


@dataclass(frozen=True)
class Event:
    """A seminar day: many groups working on one kit, then meeting in a joint gathering.

    ``code`` is the join code the groups type (normalised: 12 letters/digits, no dashes). The
    facilitator secret is not part of this record: only its salted hash is stored, and only
    :meth:`Store.event_secret_hash` reads it.
    """

    id: str
    kit_id: str
    name: str
    language: str
    code: str
    created_at: datetime
    #: The joint gathering's online meeting (an http(s) address), shown to joined groups only.
    meeting_url: str = ""


@dataclass(frozen=True)
class EventAnswer:
    """One answer of one group of an event, as the facilitator board reads it."""

    session_id: str
    key: str
    value: Any
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class Pick:
    """A main point the facilitator picked for the joint gathering.

    ``source`` says where it came from (``"<session id>/<answer key>[/<item>]"``, or ``""``
    for a point the facilitator wrote); ``text`` is the text as picked.
    """

    id: str
    text: str
    source: str = ""
