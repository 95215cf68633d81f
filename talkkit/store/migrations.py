"""Schema migrations: an ordered list per backend, applied on open.

To change the schema, append a :class:`Migration` with the next version
to *both* lists. Never edit a migration that has shipped. Each backend applies every pending
migration inside one transaction while holding a lock (``BEGIN IMMEDIATE`` on SQLite, a
transaction-level advisory lock on PostgreSQL), so kernels opening a fresh database at the same
moment cannot both migrate, and a failed migration leaves the old schema untouched.

The ``schema_version`` table (one row per applied version) is created by the runner, not by a
migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from talkkit.store.types import StoreError

__all__ = ["POSTGRES", "SQLITE", "Migration", "latest"]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


SQLITE: list[Migration] = [
    Migration(
        1,
        "sessions and answers",
        (
            """CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                kit_id TEXT NOT NULL,
                language TEXT NOT NULL,
                event_id TEXT,
                group_name TEXT NOT NULL DEFAULT '',
                municipality TEXT NOT NULL DEFAULT '',
                phase TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX sessions_event ON sessions (event_id)",
            "CREATE INDEX sessions_kit ON sessions (kit_id)",
            "CREATE INDEX sessions_updated ON sessions (updated_at)",
            """CREATE TABLE answers (
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                revision INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (session_id, key)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        2,
        "events, facilitator picks, failed-attempt counters",
        (
            """CREATE TABLE events (
                id TEXT PRIMARY KEY,
                kit_id TEXT NOT NULL,
                name TEXT NOT NULL,
                language TEXT NOT NULL,
                code TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX events_kit ON events (kit_id)",
            """CREATE TABLE event_picks (
                event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (event_id, id)
            ) WITHOUT ROWID""",
            """CREATE TABLE auth_failures (
                scope TEXT NOT NULL,
                client TEXT NOT NULL,
                failures INTEGER NOT NULL,
                last_at TEXT NOT NULL,
                PRIMARY KEY (scope, client)
            ) WITHOUT ROWID""",
            "CREATE INDEX answers_updated ON answers (updated_at)",
        ),
    ),
    Migration(
        3,
        "an event's meeting link for the joint gathering",
        ("ALTER TABLE events ADD COLUMN meeting_url TEXT NOT NULL DEFAULT ''",),
    ),
    Migration(
        4,
        "a session that follows up an earlier session's take-aways",
        (
            "ALTER TABLE sessions ADD COLUMN follows TEXT",
            "CREATE INDEX sessions_follows ON sessions (follows)",
        ),
    ),
    Migration(
        5,
        "a series of kits for one team, and the sessions of its steps",
        (
            """CREATE TABLE series (
                id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                language TEXT NOT NULL,
                code TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE series_items (
                series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                kit_id TEXT NOT NULL,
                planned TEXT NOT NULL,
                PRIMARY KEY (series_id, position)
            ) WITHOUT ROWID""",
            "ALTER TABLE sessions ADD COLUMN series_id TEXT",
            "ALTER TABLE sessions ADD COLUMN series_step INTEGER",
            "CREATE UNIQUE INDEX sessions_series_step ON sessions (series_id, series_step) "
            "WHERE series_id IS NOT NULL",
        ),
    ),
]

POSTGRES: list[Migration] = [
    Migration(
        1,
        "sessions and answers",
        (
            """CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                kit_id TEXT NOT NULL,
                language TEXT NOT NULL,
                event_id TEXT,
                group_name TEXT NOT NULL DEFAULT '',
                municipality TEXT NOT NULL DEFAULT '',
                phase TEXT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE INDEX sessions_event ON sessions (event_id)",
            "CREATE INDEX sessions_kit ON sessions (kit_id)",
            "CREATE INDEX sessions_updated ON sessions (updated_at)",
            """CREATE TABLE answers (
                session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                revision INTEGER NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (session_id, key)
            )""",
        ),
    ),
    Migration(
        2,
        "events, facilitator picks, failed-attempt counters",
        (
            """CREATE TABLE events (
                id TEXT PRIMARY KEY,
                kit_id TEXT NOT NULL,
                name TEXT NOT NULL,
                language TEXT NOT NULL,
                code TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            "CREATE INDEX events_kit ON events (kit_id)",
            """CREATE TABLE event_picks (
                event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (event_id, id)
            )""",
            """CREATE TABLE auth_failures (
                scope TEXT NOT NULL,
                client TEXT NOT NULL,
                failures INTEGER NOT NULL,
                last_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (scope, client)
            )""",
            "CREATE INDEX answers_updated ON answers (updated_at)",
        ),
    ),
    Migration(
        3,
        "an event's meeting link for the joint gathering",
        ("ALTER TABLE events ADD COLUMN meeting_url TEXT NOT NULL DEFAULT ''",),
    ),
    Migration(
        4,
        "a session that follows up an earlier session's take-aways",
        (
            "ALTER TABLE sessions ADD COLUMN follows TEXT",
            "CREATE INDEX sessions_follows ON sessions (follows)",
        ),
    ),
    Migration(
        5,
        "a series of kits for one team, and the sessions of its steps",
        (
            """CREATE TABLE series (
                id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                language TEXT NOT NULL,
                code TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL
            )""",
            """CREATE TABLE series_items (
                series_id TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                kit_id TEXT NOT NULL,
                planned TEXT NOT NULL,
                PRIMARY KEY (series_id, position)
            )""",
            "ALTER TABLE sessions ADD COLUMN series_id TEXT",
            "ALTER TABLE sessions ADD COLUMN series_step INTEGER",
            "CREATE UNIQUE INDEX sessions_series_step ON sessions (series_id, series_step) "
            "WHERE series_id IS NOT NULL",
        ),
    ),
]


def latest(migrations: list[Migration]) -> int:
    """The version a database has once every migration in the list is applied."""
    return max((m.version for m in migrations), default=0)


def check_order(migrations: list[Migration]) -> None:
    """Versions must be 1, 2, 3, ... in order (a gap or a duplicate is a programming error)."""
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must be 1..n in order, got {versions}")


def target(migrations: list[Migration]) -> int:
    """The schema version ``migrations`` lead to, after checking their order."""
    check_order(migrations)
    return latest(migrations)


def up_to_date(version: int, target: int, where: str) -> bool:
    """Whether a store at schema ``version`` needs no migration; a store newer than this
    talkkit is refused with a clear message (never migrated down, never half-read)."""
    if version > target:
        raise StoreError(
            f"{where} has schema version {version}, newer than this talkkit ({target}): "
            "upgrade talkkit"
        )
    return version == target
