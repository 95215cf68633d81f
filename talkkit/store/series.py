"""A series of kits for one team (issue 22, "Lokalt Læringsløft"): the store's part.

A *series* is an ordered list of kits with planned dates for one team (schema version 5:
tables ``series`` and ``series_items``), with one join code for the team and the leader's
secret (only its hash is stored, as for an event). A session belongs to at most one *step* of
a series (``sessions.series_id``, ``sessions.series_step``; a unique index keeps one session
per step). The session of step ``n > 1`` *follows* the session of step ``n - 1``
(``sessions.follows``, :mod:`talkkit.store.follow`), so its kit starts with the follow-up of
last time's take-aways: the same mechanism as a group's follow-up link, not a second one.

The queries are written once for both backends, as in :mod:`talkkit.store.follow`; ``_P`` is
the backend's parameter mark. :class:`SQLiteSeries` and :class:`PostgresSeries` are mixed into
the stores.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from talkkit.store.follow import session_row
from talkkit.store.rows import SESSION_COLUMNS
from talkkit.store.types import Session
from talkkit.store.values import (
    JOIN_CODE_RE,
    LANGUAGE_RE,
    check_id,
    clean_label,
    new_session_id,
    utcnow,
)

__all__ = [
    "MAX_STEPS",
    "SERIES_ID_RE",
    "PostgresSeries",
    "SQLiteSeries",
    "Series",
    "SeriesItem",
    "SeriesStore",
    "new_series_id",
]

#: Most kits in one series.
MAX_STEPS = 30
SERIES_ID_RE = re.compile(r"^se-[a-z0-9]{4,16}$")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_COLUMNS = f"{SESSION_COLUMNS}, follows"
_SERIES = "SELECT id, team, language, code, created_at FROM series"


def new_series_id() -> str:
    """A fresh series id: ``se-`` and 8 easy-to-read characters (not secret)."""
    return "se-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class SeriesItem:
    """One step of a series: its kit and planned date (``position`` counts from 1)."""

    position: int
    kit_id: str
    planned: date


@dataclass(frozen=True)
class Series:
    """A team's series of kits. ``code`` is the team's join code (normalised); the leader's
    secret is not here: only its hash is stored (:meth:`SeriesStore.series_secret_hash`)."""

    id: str
    team: str
    language: str
    code: str
    created_at: datetime
    items: tuple[SeriesItem, ...] = ()


def _valid_id(value: object) -> bool:
    return type(value) is str and bool(SERIES_ID_RE.fullmatch(value))


class SeriesStore:
    """The series queries; a backend mixes in the subclass for its parameter style."""

    _P = "?"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        raise NotImplementedError

    def _rx(self, body: Callable[[Any], Any]) -> Any:
        """Run a read-only ``body`` (default: as a write)."""
        return self._tx(body)

    def _when(self, value: Any) -> datetime:
        raise NotImplementedError

    def _stamp(self, value: datetime) -> Any:
        return value

    # -- series -------------------------------------------------------------------------------

    def create_series(
        self,
        series_id: str,
        team: str,
        language: str,
        code: str,
        secret_hash: str,
        items: list[tuple[str, date]],
    ) -> Series:
        """A new series of ``items`` (kit id, planned date) in this order; the id and code
        must be unused (:class:`ValueError` otherwise)."""
        if not _valid_id(series_id):
            raise ValueError("invalid series id")
        team = clean_label(team, "team")
        if not team:
            raise ValueError("a series needs a team name")
        check_id(language, "language", LANGUAGE_RE)
        check_id(code, "join code", JOIN_CODE_RE)
        if type(secret_hash) is not str or not 0 < len(secret_hash) <= 1000:
            raise ValueError("invalid secret hash")
        if not 0 < len(items) <= MAX_STEPS:
            raise ValueError(f"a series has 1 to {MAX_STEPS} kits")
        steps = tuple(
            SeriesItem(n, check_id(kit, "kit id"), _day(day))
            for n, (kit, day) in enumerate(items, 1)
        )
        now = utcnow()
        p = self._P

        def body(conn: Any) -> Series:
            taken = conn.execute(
                f"SELECT 1 FROM series WHERE id = {p} OR code = {p} UNION ALL "  # noqa: S608
                f"SELECT 1 FROM events WHERE code = {p} LIMIT 1",
                (series_id, code, code),
            ).fetchone()
            if taken:
                raise ValueError("this series id or join code is already in use")
            conn.execute(
                "INSERT INTO series (id, team, language, code, secret_hash, created_at) "  # noqa: S608
                f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                (series_id, team, language, code, secret_hash, self._stamp(now)),
            )
            for step in steps:
                conn.execute(
                    "INSERT INTO series_items (series_id, position, kit_id, planned) "  # noqa: S608
                    f"VALUES ({p}, {p}, {p}, {p})",
                    (series_id, step.position, step.kit_id, step.planned.isoformat()),
                )
            return Series(series_id, team, language, code, now, steps)

        made: Series = self._tx(body)
        return made

    def _series(self, conn: Any, row: tuple[Any, ...] | None) -> Series | None:
        if not row:
            return None
        p = self._P
        items = conn.execute(
            f"SELECT position, kit_id, planned FROM series_items WHERE series_id = {p} "  # noqa: S608
            "ORDER BY position",
            (row[0],),
        ).fetchall()
        steps = tuple(SeriesItem(int(n), kit, date.fromisoformat(day)) for n, kit, day in items)
        return Series(row[0], row[1], row[2], row[3], self._when(row[4]), steps)

    def get_series(self, series_id: str) -> Series | None:
        """The series with this id, or ``None``."""
        if not _valid_id(series_id):
            return None
        p = self._P
        found: Series | None = self._rx(
            lambda conn: self._series(
                conn,
                conn.execute(f"{_SERIES} WHERE id = {p}", (series_id,)).fetchone(),
            )
        )
        return found

    def find_series(self, code: str) -> Series | None:
        """The series with this (normalised) join code, or ``None``."""
        if type(code) is not str or not JOIN_CODE_RE.fullmatch(code):
            return None
        p = self._P
        found: Series | None = self._rx(
            lambda conn: self._series(
                conn,
                conn.execute(f"{_SERIES} WHERE code = {p}", (code,)).fetchone(),
            )
        )
        return found

    def list_series(self) -> list[Series]:
        """Every series, oldest first."""

        def body(conn: Any) -> list[Series]:
            rows = conn.execute(f"{_SERIES} ORDER BY created_at, id").fetchall()
            return [s for s in (self._series(conn, r) for r in rows) if s is not None]

        found: list[Series] = self._rx(body)
        return found

    def series_secret_hashes(self) -> list[tuple[str, str]]:
        """``(series id, stored hash of the leader's secret)`` of every series."""
        rows = self._rx(lambda conn: conn.execute("SELECT id, secret_hash FROM series").fetchall())
        return [(r[0], r[1]) for r in rows]

    # -- the sessions of the steps ------------------------------------------------------------

    def series_sessions(self, series_id: str) -> dict[int, Session]:
        """Step number -> the session of that step (steps not opened yet are missing)."""
        if not _valid_id(series_id):
            return {}
        p = self._P
        rows = self._rx(
            lambda conn: conn.execute(
                f"SELECT {_COLUMNS}, series_step FROM sessions WHERE series_id = {p}",  # noqa: S608
                (series_id,),
            ).fetchall()
        )
        return {int(r[10]): session_row(r[:10], self._when) for r in rows}

    def open_step(self, series_id: str, step: int, language: str) -> Session | None:
        """The session of step ``step`` of the series: the existing one, else a new one for the
        team that follows the previous step's session (if that was opened). ``None`` if there
        is no such series or step. Found or made in one transaction, so a team opening its
        next kit twice (two tables, a reload) works in one session."""
        check_id(language, "language", LANGUAGE_RE)
        if not _valid_id(series_id) or type(step) is not int or not 0 < step <= MAX_STEPS:
            return None
        p = self._P

        def body(conn: Any) -> Session | None:
            self._lock_series(conn, series_id)  # one table at a time makes a step's session
            found = conn.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE series_id = {p} AND series_step = {p}",  # noqa: S608
                (series_id, step),
            ).fetchone()
            if found:
                return session_row(found, self._when)
            item = conn.execute(
                "SELECT i.kit_id, s.team FROM series_items i JOIN series s ON s.id = i.series_id "  # noqa: S608
                f"WHERE i.series_id = {p} AND i.position = {p}",
                (series_id, step),
            ).fetchone()
            if not item:
                return None
            before = conn.execute(
                f"SELECT id FROM sessions WHERE series_id = {p} AND series_step < {p} "  # noqa: S608
                "ORDER BY series_step DESC LIMIT 1",
                (series_id, step),
            ).fetchone()
            follows = before[0] if before else None
            now = utcnow()
            session = Session(
                new_session_id(), item[0], language, None, item[1], "", None, now, now,
                follows=follows,
            )  # fmt: skip
            marks = ", ".join([p] * 12)
            conn.execute(
                f"INSERT INTO sessions ({_COLUMNS}, series_id, series_step) VALUES ({marks})",  # noqa: S608
                (
                    session.id, session.kit_id, language, None, session.group_name, "", None,
                    self._stamp(now), self._stamp(now), follows, series_id, step,
                ),
            )  # fmt: skip
            return session

        made: Session | None = self._tx(body)
        return made

    def delete_series(self, series_id: str) -> int:
        """Delete the series, its steps, and its sessions with their answers and the main
        points picked from them. The number of sessions deleted (0 also if there is none)."""
        if not _valid_id(series_id):
            return 0
        p = self._P

        def body(conn: Any) -> int:
            sub = f"SELECT id FROM sessions WHERE series_id = {p}"  # noqa: S608
            conn.execute(f"DELETE FROM answers WHERE session_id IN ({sub})", (series_id,))  # noqa: S608
            conn.execute(
                f"DELETE FROM event_picks WHERE source <> '' AND {self._source_session()} IN ({sub})",  # noqa: S608
                (series_id,),
            )
            # sessions of other kits that followed these (a follow-up link) keep their answers
            conn.execute(
                f"UPDATE sessions SET follows = NULL WHERE follows IN ({sub})",  # noqa: S608
                (series_id,),
            )
            deleted = int(
                conn.execute(f"DELETE FROM sessions WHERE series_id = {p}", (series_id,)).rowcount  # noqa: S608
            )
            conn.execute(f"DELETE FROM series_items WHERE series_id = {p}", (series_id,))  # noqa: S608
            conn.execute(f"DELETE FROM series WHERE id = {p}", (series_id,))  # noqa: S608
            return deleted

        count: int = self._tx(body)
        return count

    def _lock_series(self, conn: Any, series_id: str) -> None:
        """Hold the series until the transaction ends (SQLite: its writes are serial already)."""

    def _source_session(self) -> str:
        """SQL of the session id at the start of ``event_picks.source``."""
        return "substr(source, 1, instr(source || '/', '/') - 1)"


def _day(value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError("a planned date must be a date")
    return value


class SQLiteSeries(SeriesStore):
    _P = "?"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        return self._write(body)  # type: ignore[attr-defined]  # a mixin: the SQLite store's _write

    def _rx(self, body: Callable[[Any], Any]) -> Any:
        return self._read(body)  # type: ignore[attr-defined]  # a mixin: the SQLite store's _read

    def _when(self, value: Any) -> datetime:
        from talkkit.store.sqlite_file import dt

        return dt(value)

    def _stamp(self, value: datetime) -> Any:
        from talkkit.store.sqlite_file import ts

        return ts(value)


class PostgresSeries(SeriesStore):
    _P = "%s"

    def _tx(self, body: Callable[[Any], Any]) -> Any:
        return self._run(body, write=True)  # type: ignore[attr-defined]  # a mixin: the PostgreSQL pool's _run

    def _rx(self, body: Callable[[Any], Any]) -> Any:
        return self._run(body, write=False)  # type: ignore[attr-defined]  # the pool's _run

    def _when(self, value: Any) -> datetime:
        from datetime import UTC

        when: datetime = value.astimezone(UTC)
        return when

    def _source_session(self) -> str:
        return "split_part(source, '/', 1)"

    def _lock_series(self, conn: Any, series_id: str) -> None:
        conn.execute("SELECT 1 FROM series WHERE id = %s FOR UPDATE", (series_id,))
