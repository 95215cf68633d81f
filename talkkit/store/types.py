"""The records and errors every store backend shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from talkkit.i18n import translator

__all__ = [
    "Answer",
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
