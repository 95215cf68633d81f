"""Follow-up sessions (issue 22): a group's next session that starts with last time's take-aways.

A session may *follow* an earlier one (``sessions.follows``, schema version 4): the group opened
its next kit with its old session link, or the old link with ``?followup=1`` some weeks later.
:meth:`FollowStore.follow_up` finds that session or makes it, in one transaction, so a page
reloaded with the same link resumes the same follow-up instead of starting another.

The queries are written once for both backends; ``_P`` is the backend's parameter mark.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from talkkit.store.rows import SESSION_COLUMNS, fields_of
from talkkit.store.types import Session
from talkkit.store.values import check_id, new_session_id, utcnow, valid_session_id

__all__ = ["FollowStore", "PostgresFollow", "SQLiteFollow", "session_row"]

_COLUMNS = f"{SESSION_COLUMNS}, follows"


def session_row(row: tuple[Any, ...], when: Callable[[Any], datetime]) -> Session:
    """A ``sessions`` row (columns as in :data:`_COLUMNS`) as a :class:`Session`."""
    id_, kit_id, language, event_id, group, municipality, phase = row[:7]
    follows = row[9] if len(row) > 9 else None
    created, updated = when(row[7]), when(row[8])
    return Session(
        id_, kit_id, language, event_id, group, municipality, phase, created, updated, follows
    )


class FollowStore:
    """The follow-up queries; a backend mixes in the subclass for its parameter style."""

    _P = "?"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        raise NotImplementedError

    def _when(self, value: Any) -> datetime:
        raise NotImplementedError

    def _stamp(self, value: datetime) -> Any:
        return value

    def follow_up(self, source_id: str, kit_id: str, language: str) -> Session | None:
        """The session of ``kit_id`` that follows up session ``source_id``: the existing one,
        else a new one with the same group name and municipality. ``None`` if there is no
        session ``source_id``."""
        check_id(kit_id, "kit id")
        check_id(language, "language")
        if not valid_session_id(source_id):
            return None
        p = self._P

        def body(conn: Any) -> Session | None:
            found = conn.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE follows = {p} AND kit_id = {p} "  # noqa: S608
                "ORDER BY created_at, id LIMIT 1",
                (source_id, kit_id),
            ).fetchone()
            if found:
                return session_row(found, self._when)
            source = conn.execute(
                f"SELECT group_name, municipality FROM sessions WHERE id = {p}",  # noqa: S608
                (source_id,),
            ).fetchone()
            if not source:
                return None
            now = utcnow()
            session = Session(
                new_session_id(), kit_id, language, None, source[0], source[1], None, now, now,
                follows=source_id,
            )  # fmt: skip
            marks = ", ".join([p] * 10)
            conn.execute(
                f"INSERT INTO sessions ({_COLUMNS}) VALUES ({marks})",  # noqa: S608
                (*fields_of(session)[:7], self._stamp(now), self._stamp(now), source_id),
            )
            return session

        made: Session = self._tx(body)
        return made

    def follow_ups(self, source_id: str) -> list[Session]:
        """The sessions following up session ``source_id``, oldest first."""
        if not valid_session_id(source_id):
            return []
        p = self._P
        rows = self._tx(
            lambda conn: conn.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE follows = {p} ORDER BY created_at, id",  # noqa: S608
                (source_id,),
            ).fetchall()
        )
        return [session_row(r, self._when) for r in rows]


class SQLiteFollow(FollowStore):
    _P = "?"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        return self._write(body)  # type: ignore[attr-defined]  # a mixin: the SQLite store's _write

    def _when(self, value: Any) -> datetime:
        from talkkit.store.sqlite_file import dt

        return dt(value)

    def _stamp(self, value: datetime) -> Any:
        from talkkit.store.sqlite_file import ts

        return ts(value)


class PostgresFollow(FollowStore):
    _P = "%s"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        return self._run(body, write=True)  # type: ignore[attr-defined]  # a mixin: the PostgreSQL pool's _run

    def _when(self, value: Any) -> datetime:
        from datetime import UTC

        when: datetime = value.astimezone(UTC)
        return when
