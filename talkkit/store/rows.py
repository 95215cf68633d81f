"""The SQL both stores share: the columns of a session and an event, in table order.

Only the placeholder differs (``?`` for SQLite, ``%s`` for psycopg): :func:`insert_session`
takes it. Turning a row back into a :class:`~talkkit.store.types.Session` or
:class:`~talkkit.store.types.Event` stays with each store, since each reads its times its own way.
"""

from __future__ import annotations

from typing import Any

from talkkit.store.types import Session

__all__ = ["SELECT_EVENTS", "SELECT_SESSIONS", "fields_of", "insert_session"]

SESSION_COLUMNS = (
    "id, kit_id, language, event_id, group_name, municipality, phase, created_at, updated_at"
)
#: ``follows`` (schema 4, issue 22) is read, and written only by :mod:`talkkit.store.follow`.
SELECT_SESSIONS = f"SELECT {SESSION_COLUMNS}, follows FROM sessions"  # noqa: S608
SELECT_EVENTS = "SELECT id, kit_id, name, language, code, created_at, meeting_url FROM events"


def insert_session(placeholder: str) -> str:
    """``INSERT INTO sessions`` with one ``placeholder`` per column."""
    marks = ", ".join([placeholder] * len(SESSION_COLUMNS.split(",")))
    return f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ({marks})"  # noqa: S608


def fields_of(session: Session) -> tuple[Any, ...]:
    """A session's columns in table order (times left as datetimes)."""
    return (
        session.id,
        session.kit_id,
        session.language,
        session.event_id,
        session.group_name,
        session.municipality,
        session.phase,
        session.created_at,
        session.updated_at,
    )
