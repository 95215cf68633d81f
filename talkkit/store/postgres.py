"""The server store: PostgreSQL through psycopg 3, for seminars with many machines or groups.

:class:`PostgresStore` holds the queries; the connection pool (sizing: see
:mod:`talkkit.store.postgres_pool`), transactions and migrations are in its base class.

Semantics match the SQLite store exactly: every write runs in one transaction that first locks
the session row (``SELECT ... FOR UPDATE``), so two saves of one session are serialised, and a
purge running at the same moment makes the save fail with
:class:`~talkkit.store.types.SessionNotFound` instead of writing into a deleted session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from talkkit.contracts.answers import validate_answer
from talkkit.store.base import Store
from talkkit.store.follow import PostgresFollow, session_row
from talkkit.store.postgres_pool import PostgresPool
from talkkit.store.postgres_purge import PostgresPurge
from talkkit.store.rows import SELECT_EVENTS, SELECT_SESSIONS, insert_session
from talkkit.store.series import PostgresSeries
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

__all__ = ["PostgresStore"]

_INSERT_SESSION = insert_session("%s")


def _event(row: tuple[Any, ...]) -> Event:
    id_, kit_id, name, language, code, created, meeting_url = row[:7]
    created_at = created.astimezone(UTC)
    return Event(id_, kit_id, name, language, code, created_at, meeting_url or "")


def _session(row: tuple[Any, ...]) -> Session:
    return session_row(row, lambda t: t.astimezone(UTC))


class PostgresStore(PostgresSeries, PostgresFollow, PostgresPurge, PostgresPool, Store):
    """A :class:`~talkkit.store.base.Store` in a PostgreSQL database."""

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
        self._run(
            lambda conn: conn.execute(
                _INSERT_SESSION,
                (session.id, *fields, None, now, now),
            ),
            write=True,
        )
        return session

    def get_session(self, session_id: str) -> Session | None:
        if not valid_session_id(session_id):
            return None
        row = self._run(
            lambda conn: conn.execute(SELECT_SESSIONS + " WHERE id = %s", (session_id,)).fetchone(),
            write=False,
        )
        return _session(row) if row else None

    def set_phase(self, session_id: str, phase_id: str | None) -> None:
        if phase_id is not None:
            check_id(phase_id, "phase id")
        if not valid_session_id(session_id):
            raise SessionNotFound(str(session_id)[:80])

        def body(conn: psycopg.Connection[Any]) -> None:
            cursor = conn.execute(
                "UPDATE sessions SET phase = %s, updated_at = %s WHERE id = %s",
                (phase_id, utcnow(), session_id),
            )
            if cursor.rowcount == 0:
                raise SessionNotFound(session_id)

        self._run(body, write=True)

    def list_sessions(
        self, kit_id: str | None = None, event_id: str | None = None
    ) -> list[Session]:
        where, params = [], []
        if kit_id is not None:
            where.append("kit_id = %s")
            params.append(kit_id)
        if event_id is not None:
            where.append("event_id = %s")
            params.append(event_id)
        sql = SELECT_SESSIONS
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at, id"
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
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

        def body(conn: psycopg.Connection[Any]) -> SaveResult:
            locked = conn.execute(
                "SELECT 1 FROM sessions WHERE id = %s FOR UPDATE", (session_id,)
            ).fetchone()
            if not locked:
                raise SessionNotFound(session_id)
            row = conn.execute(
                "SELECT revision, value FROM answers WHERE session_id = %s AND key = %s",
                (session_id, key),
            ).fetchone()
            decision = decide(row, base_revision, encoded)
            if decision.action == "conflict":
                return SaveResult(decision.revision, True, decision.current)
            if decision.action == "write":
                now = utcnow()
                conn.execute(
                    "INSERT INTO answers (session_id, key, value, revision, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (session_id, key) DO UPDATE SET "
                    "value = EXCLUDED.value, revision = EXCLUDED.revision, "
                    "updated_at = EXCLUDED.updated_at",
                    (session_id, key, encoded, decision.revision, now),
                )
                conn.execute("UPDATE sessions SET updated_at = %s WHERE id = %s", (now, session_id))
            return SaveResult(decision.revision, False, clean)

        return self._run(body, write=True)

    def load_answers(self, session_id: str) -> dict[str, Answer]:
        if not valid_session_id(session_id):
            return {}
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT key, value, revision, updated_at FROM answers WHERE session_id = %s "
                "ORDER BY key",
                (session_id,),
            ).fetchall(),
            write=False,
        )
        return {k: Answer(decode_value(v), rev, at.astimezone(UTC)) for k, v, rev, at in rows}

    # -- events -------------------------------------------------------------------------------

    def create_event(
        self, event_id: str, kit_id: str, name: str, language: str, code: str, secret_hash: str
    ) -> Event:
        fields = self._event_fields(event_id, kit_id, name, language, code, secret_hash)
        now = utcnow()

        def body(conn: psycopg.Connection[Any]) -> Event:
            conn.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
            taken = conn.execute(
                "SELECT 1 FROM events WHERE id = %s OR code = %s UNION ALL "
                "SELECT 1 FROM sessions WHERE event_id = %s LIMIT 1",
                (event_id, code, event_id),
            ).fetchone()
            if taken:
                raise ValueError("this event id or join code is already in use")
            conn.execute(
                "INSERT INTO events (id, kit_id, name, language, code, secret_hash, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (*fields, now),
            )
            return Event(*fields[:5], created_at=now)

        return self._run(body, write=True)

    def get_event(self, event_id: str) -> Event | None:
        if self._event_id(event_id) is None:
            return None
        row = self._run(
            lambda conn: conn.execute(SELECT_EVENTS + " WHERE id = %s", (event_id,)).fetchone(),
            write=False,
        )
        return _event(row) if row else None

    def find_event(self, code: str) -> Event | None:
        if self._join_code(code) is None:
            return None
        row = self._run(
            lambda conn: conn.execute(SELECT_EVENTS + " WHERE code = %s", (code,)).fetchone(),
            write=False,
        )
        return _event(row) if row else None

    def list_events(self, kit_id: str | None = None) -> list[Event]:
        sql, params = SELECT_EVENTS, []
        if kit_id is not None:
            sql += " WHERE kit_id = %s"
            params.append(kit_id)
        sql += " ORDER BY created_at, id"
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
        return [_event(r) for r in rows]

    def event_secret_hash(self, event_id: str) -> str | None:
        if self._event_id(event_id) is None:
            return None
        row = self._run(
            lambda conn: conn.execute(
                "SELECT secret_hash FROM events WHERE id = %s", (event_id,)
            ).fetchone(),
            write=False,
        )
        return row[0] if row else None

    def set_meeting_url(self, event_id: str, url: str) -> Event | None:
        url = clean_meeting_url(url)
        if self._event_id(event_id) is None:
            return None

        def body(conn: psycopg.Connection[Any]) -> None:
            conn.execute("UPDATE events SET meeting_url = %s WHERE id = %s", (url, event_id))

        self._run(body, write=True)
        return self.get_event(event_id)

    def join_event(
        self, session_id: str, event_id: str, group_name: str, municipality: str
    ) -> Session:
        group_name = clean_label(group_name, "group_name")
        municipality = clean_label(municipality, "municipality")
        if not valid_session_id(session_id):
            raise SessionNotFound(str(session_id)[:80])
        if self._event_id(event_id) is None:
            raise ValueError("invalid event id")

        def body(conn: psycopg.Connection[Any]) -> Session:
            row = conn.execute(
                SELECT_SESSIONS + " WHERE id = %s FOR UPDATE", (session_id,)
            ).fetchone()
            if not row:
                raise SessionNotFound(session_id)
            if row[3] is not None and row[3] != event_id:
                raise ValueError("this session already belongs to another event")
            conn.execute(
                "UPDATE sessions SET event_id = %s, group_name = %s, municipality = %s, "
                "updated_at = %s WHERE id = %s",
                (event_id, group_name, municipality, utcnow(), session_id),
            )
            updated = conn.execute(SELECT_SESSIONS + " WHERE id = %s", (session_id,)).fetchone()
            assert updated is not None  # locked FOR UPDATE above, in this transaction
            return _session(updated)

        return self._run(body, write=True)

    def event_answers(self, event_id: str, since: datetime | None = None) -> list[EventAnswer]:
        if self._event_id(event_id) is None:
            return []
        sql = (
            "SELECT a.session_id, a.key, a.value, a.revision, a.updated_at FROM answers a "
            "JOIN sessions s ON s.id = a.session_id "
            "WHERE s.event_id = %s AND a.key <> %s AND a.key <> %s"
        )
        params: list[Any] = [event_id, *BOARD_HIDDEN_KEYS]
        if since is not None:
            sql += " AND a.updated_at >= %s"
            params.append(since)
        sql += " ORDER BY a.session_id, a.key"
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall(), write=False)
        return [
            EventAnswer(sid, k, decode_value(v), rev, at.astimezone(UTC))
            for sid, k, v, rev, at in rows
        ]

    def list_picks(self, event_id: str) -> list[Pick]:
        if self._event_id(event_id) is None:
            return []
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT id, text, source FROM event_picks WHERE event_id = %s ORDER BY position",
                (event_id,),
            ).fetchall(),
            write=False,
        )
        return [Pick(*r) for r in rows]

    def set_picks(self, event_id: str, picks: list[Pick]) -> None:
        clean = self._picks(picks)
        if self._event_id(event_id) is None:
            raise ValueError("invalid event id")

        def body(conn: psycopg.Connection[Any]) -> None:
            if not conn.execute(
                "SELECT 1 FROM events WHERE id = %s FOR UPDATE", (event_id,)
            ).fetchone():
                raise ValueError("no such event")
            conn.execute("DELETE FROM event_picks WHERE event_id = %s", (event_id,))
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO event_picks (event_id, id, position, text, source) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [(event_id, p.id, n, p.text, p.source) for n, p in enumerate(clean)],
                )

        self._run(body, write=True)

    def record_failure(self, scope: str, client: str) -> None:
        scope, client = self._scope(scope, client)
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO auth_failures (scope, client, failures, last_at) "
                "VALUES (%s, %s, 1, %s) ON CONFLICT (scope, client) DO UPDATE SET "
                "failures = auth_failures.failures + 1, last_at = EXCLUDED.last_at",
                (scope, client, utcnow()),
            ),
            write=True,
        )

    def failures(self, scope: str, since: datetime) -> tuple[int, datetime | None]:
        scope, _client = self._scope(scope)
        row = self._run(
            lambda conn: conn.execute(
                "SELECT COALESCE(SUM(failures), 0), MAX(last_at) FROM auth_failures "
                "WHERE scope = %s AND last_at >= %s",
                (scope, since),
            ).fetchone(),
            write=False,
        )
        assert row is not None
        return int(row[0]), (row[1].astimezone(UTC) if row[1] else None)

    def clear_failures(self, scope: str) -> None:
        scope, _client = self._scope(scope)
        self._run(
            lambda conn: conn.execute("DELETE FROM auth_failures WHERE scope = %s", (scope,)),
            write=True,
        )
