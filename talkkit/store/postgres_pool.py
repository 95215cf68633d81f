"""The server store's connections: a small pool per kernel, transactions with retries and
schema migrations (the queries are in :mod:`talkkit.store.postgres`).

Connection sizing. PostgreSQL allows about 100 connections by default and every group runs its
own kernel, so one connection held per kernel would exhaust the server at 100 groups. Each store
therefore uses a :class:`psycopg_pool.ConnectionPool` with ``min_size=0`` and ``max_size=2``
(:data:`POOL_MAX`): a connection is only opened when a save needs one, and one idle for
:data:`POOL_MAX_IDLE` seconds is closed again. A save holds its connection for a few
milliseconds, so 100 groups saving every few seconds use a handful of server connections at a
time; the worst case (every kernel busy at once) is ``2 x kernels``. For more than ~50 groups
on one server raise ``max_connections`` or put PgBouncer (transaction mode works: the store
keeps no session state and prepares no statements) in front of it.

Semantics match the SQLite store exactly: every write runs in one transaction that first locks
the session row (``SELECT ... FOR UPDATE``), so two saves of one session are serialised, and a
purge running at the same moment makes the save fail with
:class:`~talkkit.store.types.SessionNotFound` instead of writing into a deleted session.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg_pool

from talkkit.store import migrations as _migrations
from talkkit.store.types import StoreError, StoreFull, StoreUnavailable
from talkkit.store.values import utcnow

__all__ = ["POOL_MAX", "POOL_MAX_IDLE", "POOL_TIMEOUT", "RETRIES", "PostgresPool", "redact"]

T = TypeVar("T")

#: Most connections one store (one kernel) opens.
POOL_MAX = 2
#: Seconds after which an idle connection is closed.
POOL_MAX_IDLE = 60.0
#: Seconds to wait for a connection before reporting the store unavailable.
POOL_TIMEOUT = 10.0
#: Tries of a transaction that failed on a lost connection, a deadlock or a serialisation error.
RETRIES = 3
#: The key of the advisory lock that serialises migrations (``'talkkit'`` as a number).
MIGRATION_LOCK = 0x74616C6B6B6974


def redact(url: str) -> str:
    """``url`` without its password (for messages and ``Store.url``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class PostgresPool:
    """The connection pool of one store object; :meth:`_run` runs the queries of
    :class:`~talkkit.store.postgres.PostgresStore`."""

    def __init__(
        self,
        url: str,
        *,
        max_size: int = POOL_MAX,
        max_idle: float = POOL_MAX_IDLE,
        timeout: float = POOL_TIMEOUT,
    ) -> None:
        self.url: str = redact(url)
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=0,
            max_size=max_size,
            max_idle=max_idle,
            timeout=timeout,
            num_workers=1,
            open=False,
            check=psycopg_pool.ConnectionPool.check_connection,
            kwargs={"autocommit": True, "prepare_threshold": None, "connect_timeout": 10},
            name="talkkit-store",
        )
        self._pool.open(wait=False)
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # -- transactions -------------------------------------------------------------------------

    def _run(self, body: Callable[[psycopg.Connection[Any]], T], *, write: bool) -> T:
        """Run ``body`` on a pooled connection (in a transaction if ``write``), retrying
        transient failures. A retried save is harmless: saving the stored value is a no-op."""
        for n in range(RETRIES + 1):
            try:
                with self._pool.connection() as conn:
                    if not write:
                        return body(conn)
                    with conn.transaction():
                        return body(conn)
            except psycopg_pool.PoolTimeout as exc:
                raise StoreUnavailable(f"no connection to {self.url}: {exc}") from exc
            except psycopg_pool.PoolClosed as exc:
                raise StoreError("the store is closed") from exc
            except psycopg.errors.DiskFull as exc:
                raise StoreFull(f"PostgreSQL store {self.url}: the disk is full: {exc}") from exc
            except (
                psycopg.OperationalError,
                psycopg.errors.SerializationFailure,
                psycopg.errors.DeadlockDetected,
            ) as exc:
                if n == RETRIES:
                    raise StoreUnavailable(f"PostgreSQL store {self.url}: {exc}") from exc
            except psycopg.Error as exc:
                raise StoreError(f"PostgreSQL store {self.url}: {exc}") from exc
            time.sleep(min(2.0, 0.1 * 2**n) * (0.5 + random.random()))  # noqa: S311
        raise AssertionError("unreachable")

    # -- schema -------------------------------------------------------------------------------

    @staticmethod
    def _version(conn: psycopg.Connection[Any]) -> int:
        row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        migrations = list(_migrations.POSTGRES)
        target = _migrations.target(migrations)
        if _migrations.up_to_date(self._run(self._version, write=False), target, str(self.url)):
            return

        def apply(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            )
            current = self._version(conn)  # another kernel may have migrated meanwhile
            if _migrations.up_to_date(current, target, str(self.url)):
                return
            for migration in migrations[current:]:
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, utcnow()),
                )

        self._run(apply, write=True)

    def schema_version(self) -> int:
        return self._run(self._version, write=False)

    def close(self) -> None:
        self._pool.close()
