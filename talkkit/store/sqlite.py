"""The embedded store: one SQLite file shared by every kernel on the machine.

Many processes (one kernel per group) write the same file, so (see docs/stack-notes):

* WAL journal, so readers never block the writer;
* ``BEGIN IMMEDIATE`` for every write: the write lock is taken up front, so two writers never
  deadlock upgrading a read lock (deferred transactions lost most writes in a 40-process test);
* writers on one machine queue on an OS file lock (``flock`` on ``<store>.writers``) before
  ``BEGIN IMMEDIATE``: SQLite's own busy handler sleeps in steps of up to 100 ms, so a writer
  that met a lock held for 2 ms often waited 20-100 ms. With 60 writers saving once a second
  (``talkkit bench``) the save p99 went from 55-445 ms to 22-61 ms in most runs. The price
  is throughput under overload: with 60 writers back to back, a waiter polls every 2 ms at
  most, so the lock sits idle between writers (about 390 saves/s instead of 1,200-1,500,
  still six times what 60 typing groups send). The queue gives up after ``busy_timeout`` and
  leaves the rest to SQLite, so a stuck writer still ends in a clear error, not a hang;
* ``busy_timeout`` of 20 s, plus a bounded retry with backoff on "database is locked";
* ``synchronous=FULL``: a commit is on disk before :meth:`save_answer` returns;
* one connection per store object, used under a lock (``check_same_thread=False``).

Times are stored as ISO-8601 UTC text of fixed width, so they sort and compare as text.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

from talkkit.answers import validate_answer
from talkkit.store import migrations as _migrations
from talkkit.store.base import (
    BOARD_HIDDEN_KEYS,
    Store,
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
from talkkit.store.types import (
    Answer,
    Event,
    EventAnswer,
    Pick,
    SaveResult,
    Session,
    SessionNotFound,
    StoreError,
    StoreUnavailable,
)

__all__ = ["SQLiteStore"]

T = TypeVar("T")

#: How long SQLite itself waits for the write lock before reporting "database is locked".
BUSY_TIMEOUT_SECONDS = 20.0
#: How many times a write is tried again after "database is locked" (with backoff).
RETRIES = 5

_SELECT_SESSIONS = (
    "SELECT id, kit_id, language, event_id, group_name, municipality, phase, "
    "created_at, updated_at FROM sessions"
)
_INSERT_SESSION = (
    "INSERT INTO sessions (id, kit_id, language, event_id, group_name, municipality, phase, "
    "created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_SELECT_EVENTS = "SELECT id, kit_id, name, language, code, created_at, meeting_url FROM events"


def _event(row: tuple[Any, ...]) -> Event:
    return Event(*row[:5], created_at=_dt(row[5]), meeting_url=row[6] or "")


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _session(row: tuple[Any, ...]) -> Session:
    return Session(*row[:7], created_at=_dt(row[7]), updated_at=_dt(row[8]))


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _translate(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    lowered = text.lower()
    transient = ("locked", "busy", "unable to open", "disk i/o", "readonly", "full")
    if isinstance(exc, sqlite3.OperationalError) and any(t in lowered for t in transient):
        return StoreUnavailable(f"SQLite store {path} is unavailable: {text}")
    return StoreError(f"SQLite store {path}: {text}")


class SQLiteStore(Store):
    """A :class:`~talkkit.store.base.Store` in one SQLite file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        retries: int = RETRIES,
    ) -> None:
        self.path = Path(path).resolve()
        self.url = f"sqlite://{self.path}"
        self._retries = retries
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._queue_fd: int | None = None
        try:
            self._create_file()
            self._queue_fd = self._open_queue()
            self._conn = sqlite3.connect(
                self.path,
                timeout=busy_timeout,
                isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._retry(lambda: self._conn_checked().execute("PRAGMA journal_mode = WAL"))
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            self.close()
            raise _translate(exc, self.path) from exc
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the SQLite store {self.path}: {exc}") from exc
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _create_file(self) -> None:
        """Create the folder and an empty file readable by the owner only (answers are private)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return
        os.close(fd)

    def _open_queue(self) -> int | None:
        """The writers' lock file, or None: without it the store works as before (SQLite's
        busy handler alone), so a lock file that cannot be made never stops the store."""
        if fcntl is None:
            return None
        try:
            return os.open(f"{self.path}.writers", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        except OSError:
            return None

    def _conn_checked(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the store is closed")
        return self._conn

    # -- transactions -------------------------------------------------------------------------

    def _retry(self, attempt: Callable[[], T]) -> T:
        """Run ``attempt``; on "database is locked" wait (exponential backoff) and try again."""
        for n in range(self._retries + 1):
            try:
                return attempt()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or n == self._retries:
                    raise
            time.sleep(min(2.0, 0.05 * 2**n) * (0.5 + random.random()))  # noqa: S311
        raise AssertionError("unreachable")

    def _write(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``body`` in a ``BEGIN IMMEDIATE`` transaction and commit it."""

        def attempt() -> T:
            conn = self._conn_checked()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
            return result

        with self._lock, self._writers_queue():
            try:
                return self._retry(attempt)
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    @contextlib.contextmanager
    def _writers_queue(self) -> Iterator[None]:
        """Wait for this machine's other writers of the file (see the module doc).

        Polled with a non-blocking ``flock`` every 0.1-2 ms, so a wait ends within 2 ms of the
        lock's release; after ``busy_timeout`` without it, the write goes on without the queue
        and SQLite's own locking decides (a clear "database is locked" error, not a hang).
        """
        fd = self._queue_fd
        held = False
        if fd is not None:
            deadline = time.monotonic() + self._busy_timeout
            pause = 0.0001
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
                except OSError:  # a file system without locks: SQLite's busy handler alone
                    break
        try:
            yield
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _read(self, body: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return self._retry(lambda: body(self._conn_checked()))
            except sqlite3.Error as exc:
                raise _translate(exc, self.path) from exc

    # -- schema -------------------------------------------------------------------------------

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not exists:
            return 0
        return int(
            conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        )

    def _migrate(self) -> None:
        migrations = list(_migrations.SQLITE)
        _migrations.check_order(migrations)
        target = _migrations.latest(migrations)

        def check(version: int) -> bool:
            if version > target:
                raise StoreError(
                    f"{self.path} has schema version {version}, newer than this talkkit "
                    f"({target}): upgrade talkkit"
                )
            return version == target

        if check(self._read(self._version)):
            return

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            current = self._version(conn)  # another kernel may have migrated meanwhile
            if check(current):
                return
            for migration in migrations[current:]:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _ts(utcnow())),
                )

        self._write(apply)

    def schema_version(self) -> int:
        return self._read(self._version)

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
                (*fields_of(session)[:7], _ts(now), _ts(now)),
            )
        )
        return session

    def get_session(self, session_id: str) -> Session | None:
        if not valid_session_id(session_id):
            return None
        row = self._read(
            lambda conn: conn.execute(_SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
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
                (phase_id, _ts(utcnow()), session_id),
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
        sql = _SELECT_SESSIONS
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
                now = _ts(utcnow())
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
        return {k: Answer(decode_value(v), rev, _dt(at)) for k, v, rev, at in rows}

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
            params.append(_ts(before))
        if session_id is not None:
            where.append("id = ?")
            params.append(session_id)
        condition = " AND ".join(where)

        def body(conn: sqlite3.Connection) -> int:
            # Only fixed fragments are joined; values travel as parameters.
            sub = f"SELECT id FROM sessions WHERE {condition}"  # noqa: S608
            conn.execute(f"DELETE FROM answers WHERE session_id IN ({sub})", params)  # noqa: S608
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
                (*fields, _ts(now)),
            )
            return Event(*fields[:5], created_at=now)

        return self._write(body)

    def get_event(self, event_id: str) -> Event | None:
        if self._event_id(event_id) is None:
            return None
        row = self._read(
            lambda conn: conn.execute(_SELECT_EVENTS + " WHERE id = ?", (event_id,)).fetchone()
        )
        return _event(row) if row else None

    def find_event(self, code: str) -> Event | None:
        if self._join_code(code) is None:
            return None
        row = self._read(
            lambda conn: conn.execute(_SELECT_EVENTS + " WHERE code = ?", (code,)).fetchone()
        )
        return _event(row) if row else None

    def list_events(self, kit_id: str | None = None) -> list[Event]:
        sql, params = _SELECT_EVENTS, []
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
            row = conn.execute(_SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
            if not row:
                raise SessionNotFound(session_id)
            if row[3] is not None and row[3] != event_id:
                raise ValueError("this session already belongs to another event")
            now = _ts(utcnow())
            conn.execute(
                "UPDATE sessions SET event_id = ?, group_name = ?, municipality = ?, "
                "updated_at = ? WHERE id = ?",
                (event_id, group_name, municipality, now, session_id),
            )
            return _session(
                conn.execute(_SELECT_SESSIONS + " WHERE id = ?", (session_id,)).fetchone()
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
            params.append(_ts(since))
        sql += " ORDER BY a.session_id, a.key"
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [EventAnswer(sid, k, decode_value(v), rev, _dt(at)) for sid, k, v, rev, at in rows]

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
        now = _ts(utcnow())
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
                (scope, _ts(since)),
            ).fetchone()
        )
        return int(row[0]), (_dt(row[1]) if row[1] else None)

    def clear_failures(self, scope: str) -> None:
        scope, _client = self._scope(scope)
        self._write(
            lambda conn: conn.execute("DELETE FROM auth_failures WHERE scope = ?", (scope,))
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None


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
