"""The embedded store's file: one SQLite file shared by every kernel on the machine, its
connection, transactions and schema migrations (the queries are in :mod:`talkkit.store.sqlite`).

Many processes (one kernel per group) write the same file, so (see docs/stack-notes.md):

* WAL journal, so readers never block the writer;
* ``BEGIN IMMEDIATE`` for every write: the write lock is taken up front, so two writers never
  deadlock upgrading a read lock (deferred transactions lost most writes in a 40-process test);
* writers on one machine queue on an OS file lock before ``BEGIN IMMEDIATE``
  (:mod:`talkkit.store.sqlite_lock`);
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from talkkit.store import migrations as _migrations
from talkkit.store.sqlite_lock import WritersQueue
from talkkit.store.types import StoreError, StoreFull, StoreUnavailable
from talkkit.store.values import utcnow

__all__ = ["BUSY_TIMEOUT_SECONDS", "RETRIES", "SQLiteFile", "dt", "is_busy", "translate", "ts"]

T = TypeVar("T")

#: How long SQLite itself waits for the write lock before reporting "database is locked".
BUSY_TIMEOUT_SECONDS = 20.0
#: How many times a write is tried again after "database is locked" (with backoff).
RETRIES = 5


def ts(value: datetime) -> str:
    """A time as stored: ISO-8601 UTC text of fixed width."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def translate(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    lowered = text.lower()
    transient = ("locked", "busy", "unable to open", "disk i/o", "readonly", "full")
    if isinstance(exc, sqlite3.OperationalError) and "full" in lowered:  # SQLITE_FULL: ENOSPC
        return StoreFull(f"SQLite store {path}: the disk is full: {text}")
    if isinstance(exc, sqlite3.OperationalError) and any(t in lowered for t in transient):
        return StoreUnavailable(f"SQLite store {path} is unavailable: {text}")
    return StoreError(f"SQLite store {path}: {text}")


class SQLiteFile:
    """One connection to the store file, used under a lock; :meth:`_write` and :meth:`_read`
    run the queries of :class:`~talkkit.store.sqlite.SQLiteStore`."""

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
        self._queue: WritersQueue | None = None
        try:
            self._create_file()
            self._queue = WritersQueue(self.path, busy_timeout)
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
            # Deleted or overwritten text is zeroed in the file, whatever the build's default
            # (Debian's SQLite is built without SQLITE_SECURE_DELETE): purged means gone.
            self._conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            self.close()
            raise translate(exc, self.path) from exc
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
                if not is_busy(exc) or n == self._retries:
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

        with self._lock, self._queue_held():
            try:
                return self._retry(attempt)
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc

    def _queue_held(self) -> contextlib.AbstractContextManager[None]:
        return self._queue.held() if self._queue is not None else contextlib.nullcontext()

    def _read(self, body: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return self._retry(lambda: body(self._conn_checked()))
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from exc

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
        target = _migrations.target(migrations)
        if _migrations.up_to_date(self._read(self._version), target, str(self.path)):
            return

        def apply(conn: sqlite3.Connection) -> None:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            current = self._version(conn)  # another kernel may have migrated meanwhile
            if _migrations.up_to_date(current, target, str(self.path)):
                return
            for migration in migrations[current:]:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, ts(utcnow())),
                )

        self._write(apply)

    def schema_version(self) -> int:
        return self._read(self._version)

    def quick_check(self) -> list[str]:
        """SQLite's ``PRAGMA quick_check``: the problems found (empty: the file is sound)."""
        rows = self._read(lambda conn: conn.execute("PRAGMA quick_check(20)").fetchall())
        return [str(r[0]) for r in rows if r and r[0] != "ok"]

    def reclaim(self, timeout: float = 60.0) -> bool:
        """Copy the WAL into the file and empty it (``wal_checkpoint(TRUNCATE)``), so text
        deleted with ``secure_delete`` is gone from every file. Kernels that hold the store
        open only block it while they read (a few ms): retried until ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock, self._queue_held():
                try:
                    row = self._conn_checked().execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy = row.fetchone()[0]
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc):
                        raise translate(exc, self.path) from exc
                    busy = 1
            if not busy:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._queue is not None:
                self._queue.close()
                self._queue = None
