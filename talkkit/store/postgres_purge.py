"""Deleting in the PostgreSQL store: purges, whole events, and ``VACUUM FULL`` afterwards, so
that purged text is gone from the table files too (a mixin of
:class:`~talkkit.store.postgres.PostgresStore`; the queries match the SQLite store's)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg

__all__ = ["PostgresPurge"]

log = logging.getLogger("talkkit.store")


if TYPE_CHECKING:  # the mixin uses the pool's _run and _pool and the store's checks
    from talkkit.store.base import Store
    from talkkit.store.postgres_pool import PostgresPool

    class _Base(PostgresPool, Store): ...

else:
    _Base = object


class PostgresPurge(_Base):
    """``purge``, ``delete_event`` and ``reclaim`` of the PostgreSQL store."""

    def purge(
        self,
        event_id: str | None = None,
        before: datetime | None = None,
        session_id: str | None = None,
    ) -> int:
        event_id, before, session_id = self._purge_filters(event_id, before, session_id)
        where: list[str] = []
        params: list[object] = []
        if event_id is not None:
            where.append("event_id = %s")
            params.append(event_id)
        if before is not None:
            where.append("updated_at < %s")
            params.append(before)
        if session_id is not None:
            where.append("id = %s")
            params.append(session_id)
        # Only fixed fragments are joined; values travel as parameters.
        condition = " AND ".join(where)
        picks = (
            "DELETE FROM event_picks WHERE source <> '' AND split_part(source, '/', 1) IN "  # noqa: S608
            f"(SELECT id FROM sessions WHERE {condition})"
        )
        sql = "DELETE FROM sessions WHERE " + condition  # noqa: S608

        def body(conn: psycopg.Connection[Any]) -> int:
            conn.execute(picks, params)
            return conn.execute(sql, params).rowcount

        return self._run(body, write=True)

    #: Tables that hold a group's text or an event's name.
    TEXT_TABLES = ("answers", "sessions", "event_picks", "events", "series", "series_items")

    def reclaim(self) -> bool:
        """``VACUUM FULL`` of the tables with text: rewritten into new files, the old files
        (with the dead rows) deleted. PostgreSQL's WAL segments and any backups keep the text
        until they are recycled (see the README)."""
        try:
            with self._pool.connection() as conn:  # pooled connections are autocommit
                for table in self.TEXT_TABLES:
                    conn.execute(f"VACUUM FULL {table}")  # fixed names
        except psycopg.Error as exc:
            log.warning("VACUUM after a purge failed: %s", exc)
            return False
        return True

    def delete_event(self, event_id: str) -> int:
        if self._event_id(event_id) is None:
            return 0

        def body(conn: psycopg.Connection[Any]) -> int:
            conn.execute(  # points picked from these groups on any board
                "DELETE FROM event_picks WHERE source <> '' AND split_part(source, '/', 1) IN "
                "(SELECT id FROM sessions WHERE event_id = %s)",
                (event_id,),
            )
            deleted = conn.execute("DELETE FROM sessions WHERE event_id = %s", (event_id,)).rowcount
            conn.execute("DELETE FROM auth_failures WHERE scope = %s", (f"board:{event_id}",))
            conn.execute("DELETE FROM events WHERE id = %s", (event_id,))  # picks cascade
            return deleted

        return self._run(body, write=True)
