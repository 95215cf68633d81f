"""The embedded store: one SQLite file shared by every kernel on the machine.

:class:`SQLiteStore` holds the queries; the file, its connection, transactions, migrations and
the rules that let many processes write it are in :mod:`talkkit.store.sqlite_file` and
:mod:`talkkit.store.sqlite_lock`. Times are stored as ISO-8601 UTC text of fixed width, so they
sort and compare as text.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from talkkit.contracts.answers import validate_answer
from talkkit.store.base import Store
from talkkit.store.follow import SQLiteFollow, session_row
from talkkit.store.rows import SELECT_EVENTS, SELECT_SESSIONS, fields_of, insert_session
from talkkit.store.series import SQLiteSeries
from talkkit.store.sqlite_file import SQLiteFile, dt, ts
from talkkit.store.types import (
    Answer,
    Event,
    EventAnswer,
    Pick,
    SaveResult,
    Session,
    SessionNotFound,
)
from talkkit.store.values import (
    BOARD_HIDDEN_KEYS,
    check_id,
    clean_label,
    clean_meeting_url,
    decide,
    decode_value,
    encode_value,
    new_session_id,
    utcnow,
    valid_session_id,
)

__all__ = ["SQLiteStore"]

_INSERT_SESSION = insert_session("?")


def _event(row: tuple[Any, ...]) -> Event:
    id_, kit_id, name, language, code, created, meeting_url = row[:7]
    created_at = dt(created)
    return Event(id_, kit_id, name, language, code, created_at, meeting_url or "")


def _session(row: tuple[Any, ...]) -> Session:
    return session_row(row, dt)


#: Deletes the main points picked from the sessions of a sub-query (``source`` starts with
#: ``<session id>/``): a purged group's words leave the boards too.
PICKS_FROM_SESSIONS = (
    "DELETE FROM event_picks WHERE source <> '' AND "
    "substr(source, 1, instr(source || '/', '/') - 1) IN"
)


class SQLiteStore(SQLiteSeries, SQLiteFollow, SQLiteFile, Store):
    """A :class:`~talkkit.store.base.Store` in one SQLite file."""

    # -- sessions -----------------------------------------------------------------------------

    def create_session(
        self,
        kit_id: str,
        language: str,
        event_id: str | None = None,
        group_name: str = "",
        municipality: str = "",
    ) -> Session:
        fields = self._session_fields(kit_id, language, event_id, group_name, municipality)
        now = utcnow()
        session = Session(new_session_id(), *fields, phase=None, created_at=now, updated_at=now)
        self._write(
            lambda conn: conn.execute(
                _INSERT_SESSION,
                (*fields_of(session)[:7], ts(now), ts(now)),
            )
        )
        return session

    def get_session(self, session_id: str) -> Session | None:
        if not valid_session_id(session_id):
            return None
        row = self._read(
            lambda conn: conn.execute(SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
        )
        return _session(row) if row else None

    def set_phase(self, session_id: str, phase_id: str | None) -> None:
        if phase_id is not None:
            check_id(phase_id, "phase id")
        if not valid_session_id(session_id):
            raise SessionNotFound(str(session_id)[:80])

        def body(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE sessions SET phase = ?, updated_at = ? WHERE id = ?",
                (phase_id, ts(utcnow()), session_id),
            )
            if cursor.rowcount == 0:
                raise SessionNotFound(session_id)

        self._write(body)

    def list_sessions(
        self, kit_id: str | None = None, event_id: str | None = None
    ) -> list[Session]:
        where, params = [], []
        if kit_id is not None:
            where.append("kit_id = ?")
            params.append(kit_id)
        if event_id is not None:
            where.append("event_id = ?")
            params.append(event_id)
        sql = SELECT_SESSIONS
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at, id"
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [_session(r) for r in rows]

    # -- answers ------------------------------------------------------------------------------

    def save_answer(
        self, session_id: str, key: str, value: Any, base_revision: int | None
    ) -> SaveResult:
        clean = validate_answer(key, value)
        encoded = encode_value(clean)
        decide(None, base_revision, encoded)  # checks base_revision before any I/O
        if not valid_session_id(session_id):
            raise SessionNotFound(str(session_id)[:80])

        def body(conn: sqlite3.Connection) -> SaveResult:
            if not conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                raise SessionNotFound(session_id)
            row = conn.execute(
                "SELECT revision, value FROM answers WHERE session_id = ? AND key = ?",
                (session_id, key),
            ).fetchone()
            decision = decide(row, base_revision, encoded)
            if decision.action == "conflict":
                return SaveResult(decision.revision, True, decision.current)
            if decision.action == "write":
                now = ts(utcnow())
                conn.execute(
                    "INSERT INTO answers (session_id, key, value, revision, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, key) DO UPDATE SET "
                    "value = excluded.value, revision = excluded.revision, "
                    "updated_at = excluded.updated_at",
                    (session_id, key, encoded, decision.revision, now),
                )
                conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, session_id))
            return SaveResult(decision.revision, False, clean)

        return self._write(body)

    def load_answers(self, session_id: str) -> dict[str, Answer]:
        if not valid_session_id(session_id):
            return {}
        rows = self._read(
            lambda conn: conn.execute(
                "SELECT key, value, revision, updated_at FROM answers WHERE session_id = ? "
                "ORDER BY key",
                (session_id,),
            ).fetchall()
        )
        return {k: Answer(decode_value(v), rev, dt(at)) for k, v, rev, at in rows}

    def purge(
        self,
        event_id: str | None = None,
        before: datetime | None = None,
        session_id: str | None = None,
    ) -> int:
        event_id, before, session_id = self._purge_filters(event_id, before, session_id)
        where, params = [], []
        if event_id is not None:
            where.append("event_id = ?")
            params.append(event_id)
        if before is not None:
            where.append("updated_at < ?")
            params.append(ts(before))
        if session_id is not None:
            where.append("id = ?")
            params.append(session_id)
        condition = " AND ".join(where)

        def body(conn: sqlite3.Connection) -> int:
            # Only fixed fragments are joined; values travel as parameters.
            sub = f"SELECT id FROM sessions WHERE {condition}"  # noqa: S608
            conn.execute(f"DELETE FROM answers WHERE session_id IN ({sub})", params)  # noqa: S608
            conn.execute(f"{PICKS_FROM_SESSIONS} ({sub})", params)
            cursor = conn.execute(f"DELETE FROM sessions WHERE {condition}", params)  # noqa: S608
            return cursor.rowcount

        return self._write(body)

    # -- events -------------------------------------------------------------------------------

    def create_event(
        self, event_id: str, kit_id: str, name: str, language: str, code: str, secret_hash: str
    ) -> Event:
        fields = self._event_fields(event_id, kit_id, name, language, code, secret_hash)
        now = utcnow()

        def body(conn: sqlite3.Connection) -> Event:
            taken = conn.execute(
                "SELECT 1 FROM events WHERE id = ? OR code = ? UNION ALL "
                "SELECT 1 FROM sessions WHERE event_id = ? LIMIT 1",
                (event_id, code, event_id),
            ).fetchone()
            if taken:
                raise ValueError("this event id or join code is already in use")
            conn.execute(
                "INSERT INTO events (id, kit_id, name, language, code, secret_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*fields, ts(now)),
            )
            return Event(*fields[:5], created_at=now)

        return self._write(body)

    def get_event(self, event_id: str) -> Event | None:
        if self._event_id(event_id) is None:
            return None
        row = self._read(
            lambda conn: conn.execute(SELECT_EVENTS + " WHERE id = ?", (event_id,)).fetchone()
        )
        return _event(row) if row else None

    def find_event(self, code: str) -> Event | None:
        if self._join_code(code) is None:
            return None
        row = self._read(
            lambda conn: conn.execute(SELECT_EVENTS + " WHERE code = ?", (code,)).fetchone()
        )
        return _event(row) if row else None

    def list_events(self, kit_id: str | None = None) -> list[Event]:
        sql, params = SELECT_EVENTS, []
        if kit_id is not None:
            sql += " WHERE kit_id = ?"
            params.append(kit_id)
        sql += " ORDER BY created_at, id"
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [_event(r) for r in rows]

    def event_secret_hash(self, event_id: str) -> str | None:
        if self._event_id(event_id) is None:
            return None
        row = self._read(
            lambda conn: conn.execute(
                "SELECT secret_hash FROM events WHERE id = ?", (event_id,)
            ).fetchone()
        )
        return row[0] if row else None

    def set_meeting_url(self, event_id: str, url: str) -> Event | None:
        url = clean_meeting_url(url)
        if self._event_id(event_id) is None:
            return None

        def body(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE events SET meeting_url = ? WHERE id = ?", (url, event_id))

        self._write(body)
        return self.get_event(event_id)

    def delete_event(self, event_id: str) -> int:
        if self._event_id(event_id) is None:
            return 0

        def body(conn: sqlite3.Connection) -> int:
            sub = "SELECT id FROM sessions WHERE event_id = ?"
            conn.execute(f"DELETE FROM answers WHERE session_id IN ({sub})", (event_id,))  # noqa: S608
            # points picked from these groups on any board
            conn.execute(f"{PICKS_FROM_SESSIONS} ({sub})", (event_id,))
            deleted = conn.execute("DELETE FROM sessions WHERE event_id = ?", (event_id,)).rowcount
            conn.execute("DELETE FROM event_picks WHERE event_id = ?", (event_id,))
            conn.execute("DELETE FROM auth_failures WHERE scope = ?", (f"board:{event_id}",))
            conn.execute("DELETE FROM events WHERE id = ?", (event_id,))
            return deleted

        return self._write(body)

    def join_event(
        self, session_id: str, event_id: str, group_name: str, municipality: str
    ) -> Session:
        group_name = clean_label(group_name, "group_name")
        municipality = clean_label(municipality, "municipality")
        if not valid_session_id(session_id):
            raise SessionNotFound(str(session_id)[:80])
        if self._event_id(event_id) is None:
            raise ValueError("invalid event id")

        def body(conn: sqlite3.Connection) -> Session:
            row = conn.execute(SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
            if not row:
                raise SessionNotFound(session_id)
            if row[3] is not None and row[3] != event_id:
                raise ValueError("this session already belongs to another event")
            now = ts(utcnow())
            conn.execute(
                "UPDATE sessions SET event_id = ?, group_name = ?, municipality = ?, "
                "updated_at = ? WHERE id = ?",
                (event_id, group_name, municipality, now, session_id),
            )
            return _session(
                conn.execute(SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
            )

        return self._write(body)

    def event_answers(self, event_id: str, since: datetime | None = None) -> list[EventAnswer]:
        if self._event_id(event_id) is None:
            return []
        sql = (
            "SELECT a.session_id, a.key, a.value, a.revision, a.updated_at FROM answers a "
            "JOIN sessions s ON s.id = a.session_id "
            "WHERE s.event_id = ? AND a.key <> ? AND a.key <> ?"
        )
        params: list[Any] = [event_id, *BOARD_HIDDEN_KEYS]
        if since is not None:
            sql += " AND a.updated_at >= ?"
            params.append(ts(since))
        sql += " ORDER BY a.session_id, a.key"
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [EventAnswer(sid, k, decode_value(v), rev, dt(at)) for sid, k, v, rev, at in rows]

    def list_picks(self, event_id: str) -> list[Pick]:
        if self._event_id(event_id) is None:
            return []
        rows = self._read(
            lambda conn: conn.execute(
                "SELECT id, text, source FROM event_picks WHERE event_id = ? ORDER BY position",
                (event_id,),
            ).fetchall()
        )
        return [Pick(*r) for r in rows]

    def set_picks(self, event_id: str, picks: list[Pick]) -> None:
        clean = self._picks(picks)
        if self._event_id(event_id) is None:
            raise ValueError("invalid event id")

        def body(conn: sqlite3.Connection) -> None:
            if not conn.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone():
                raise ValueError("no such event")
            conn.execute("DELETE FROM event_picks WHERE event_id = ?", (event_id,))
            conn.executemany(
                "INSERT INTO event_picks (event_id, id, position, text, source) "
                "VALUES (?, ?, ?, ?, ?)",
                [(event_id, p.id, n, p.text, p.source) for n, p in enumerate(clean)],
            )

        self._write(body)

    def record_failure(self, scope: str, client: str) -> None:
        scope, client = self._scope(scope, client)
        now = ts(utcnow())
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO auth_failures (scope, client, failures, last_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (scope, client) DO UPDATE SET "
                "failures = auth_failures.failures + 1, last_at = excluded.last_at",
                (scope, client, now),
            )
        )

    def failures(self, scope: str, since: datetime) -> tuple[int, datetime | None]:
        scope, _client = self._scope(scope)
        row = self._read(
            lambda conn: conn.execute(
                "SELECT COALESCE(SUM(failures), 0), MAX(last_at) FROM auth_failures "
                "WHERE scope = ? AND last_at >= ?",
                (scope, ts(since)),
            ).fetchone()
        )
        return int(row[0]), (dt(row[1]) if row[1] else None)

    def clear_failures(self, scope: str) -> None:
        scope, _client = self._scope(scope)
        self._write(
            lambda conn: conn.execute("DELETE FROM auth_failures WHERE scope = ?", (scope,))
        )
