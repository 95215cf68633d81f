"""Backups of the store: SQLite's online backup API, ``pg_dump`` for PostgreSQL.

Both run while the servers serve. SQLite's backup API copies a consistent snapshot page by
page (a save that commits during the copy makes it start again, so the copy is always one
state of the store); ``pg_dump`` reads one snapshot in one transaction. A backup file is
either an SQLite database (open it with ``sqlite3`` or as a ``sqlite:///`` store) or a
``pg_dump`` custom-format archive (``pg_restore --list`` shows it). Restoring a backup into a
store that already holds sessions needs ``replace=True``: nothing is overwritten by mistake.

The password of a ``postgresql://`` URL goes to ``pg_dump``/``pg_restore`` in ``PGPASSWORD``,
not on their command line, where any user of the machine could read it.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["BackupError", "BackupInfo", "backup", "kind_of", "restore"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # "sqlite" or "pg_dump"
    sessions: int
    answers: int


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return versions[-1]
    raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")


def _pg_env(url: str) -> tuple[dict[str, str], str]:
    """Environment for libpq tools (password in PGPASSWORD) and the database name."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.hostname:
        env["PGHOST"] = parts.hostname
    if parts.port:
        env["PGPORT"] = str(parts.port)
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    db = unquote(parts.path.lstrip("/")) or "talkkit"
    env["PGDATABASE"] = db
    return env, db


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite://"))


def _counts(url: str) -> tuple[int, int]:
    """Sessions and answers in the store at ``url`` (0, 0 if it has no tables yet)."""
    if url.startswith("sqlite://"):
        path = _sqlite_path(url)
        if not path.exists():
            return 0, 0
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "sessions" not in tables:
                return 0, 0
            s = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
            a = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
            return int(s), int(a)
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as pg:
        row = pg.execute("SELECT to_regclass('sessions') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0, 0
        s = pg.execute("SELECT count(*) FROM sessions").fetchone()
        a = pg.execute("SELECT count(*) FROM answers").fetchone()
        return int(s[0]) if s else 0, int(a[0]) if a else 0


def kind_of(path: Path) -> str:
    """``sqlite`` or ``pg_dump``, from the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{path} is neither an SQLite database nor a pg_dump archive")


def backup(url: str, dest: Path) -> BackupInfo:
    """Copy the store at ``url`` to the new file ``dest`` while it is in use."""
    if dest.exists():
        raise BackupError(f"{dest} exists already: give a new file name")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    if url.startswith("sqlite://"):
        path = _sqlite_path(url)
        if not path.exists():
            raise BackupError(f"no store at {path}")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(f"backup of {path} failed: {exc}") from exc
        finally:
            target.close()
            source.close()
        kind = "sqlite"
    elif url.startswith(("postgresql://", "postgres://")):
        env, _db = _pg_env(url)
        cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        result = subprocess.run(
            [*cmd, "--file", str(tmp)], env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        kind = "pg_dump"
    else:
        raise BackupError("the store URL must start with sqlite:// or postgresql://")
    os.chmod(tmp, 0o600)  # the groups' answers: readable by the service user only
    tmp.replace(dest)
    sessions, answers = _counts(f"sqlite://{dest}") if kind == "sqlite" else _counts(url)
    return BackupInfo(dest, kind, sessions, answers)


def restore(src: Path, url: str, *, replace: bool = False) -> BackupInfo:
    """Put backup ``src`` into the store at ``url`` (same kind of store as the backup)."""
    kind = kind_of(src)
    sessions, _answers = _counts(url)
    if sessions and not replace:
        raise BackupError(
            f"the store holds {sessions} sessions already: restoring replaces them "
            "(stop the servers, then restore with --replace)"
        )
    if kind == "sqlite":
        if not url.startswith("sqlite://"):
            raise BackupError("an SQLite backup restores into a sqlite:/// store")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        target = sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(f"restore into {path} failed: {exc}") from exc
        finally:
            target.close()
            source.close()
    else:
        if not url.startswith(("postgresql://", "postgres://")):
            raise BackupError("a pg_dump backup restores into a postgresql:// store")
        env, db = _pg_env(url)
        cmd = [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            db,
            str(src),
        ]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
    sessions, answers = _counts(url)
    return BackupInfo(src, kind, sessions, answers)
