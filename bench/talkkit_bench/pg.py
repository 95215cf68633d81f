"""A throwaway PostgreSQL server for the save benchmark (the start/stop of ``tests/pg_server.py``).

Debian's binaries (``/usr/lib/postgresql/<version>/bin`` or ``$TALKKIT_PG_BIN``), a temporary
data folder, 127.0.0.1 on a free port, a unix socket inside that folder. As root the server
runs as the ``postgres`` user. :func:`postgres_server` stops it and deletes the folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from talkkit_bench.servers import free_port

__all__ = ["PostgresUnavailable", "find_pg_bin", "pg_version", "postgres_server"]


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed or did not start."""


def find_pg_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (highest installed version), or ``None``."""
    candidates = [os.environ.get("TALKKIT_PG_BIN", "")]
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    candidates += reversed(versions)
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(str(Path(which).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def pg_version() -> str | None:
    bindir = find_pg_bin()
    if bindir is None:
        return None
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], what: str, timeout: float = 120) -> None:
    result = subprocess.run(
        _as_server_user(cmd), capture_output=True, text=True, check=False, timeout=timeout
    )
    if result.returncode != 0:
        raise PostgresUnavailable(f"{what} failed ({result.returncode}): {result.stderr[-1000:]}")


@contextmanager
def postgres_server(max_connections: int = 100) -> Iterator[str]:
    """Start a server, yield the ``postgresql://`` URL of an empty database, stop it."""
    import psycopg

    bindir = find_pg_bin()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL is not installed (apt-get install postgresql, or set TALKKIT_PG_BIN)"
        )
    root = Path(tempfile.mkdtemp(prefix="talkkit-bench-pg-"))
    data, sock, log = root / "data", root / "sock", root / "server.log"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    started = False
    try:
        _run(
            [
                str(bindir / "initdb"),
                *("-D", str(data), "-U", "postgres", "--auth=trust"),
                *("--encoding=UTF8", "--locale=C", "--no-sync"),
            ],
            "initdb",
        )
        result = None
        for _attempt in range(3):  # another process may take the free port first
            port = free_port()
            options = f"-h 127.0.0.1 -p {port} -k {sock} -c max_connections={max_connections}"
            start = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
            result = subprocess.run(
                _as_server_user([*start, "-o", options, "start"]),
                capture_output=True,
                text=True,
                check=False,
                timeout=90,
            )
            if result.returncode == 0:
                started = True
                break
        if not started:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise PostgresUnavailable(f"PostgreSQL did not start: {result and result.stderr}{text}")
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE talkkit_bench")
        yield f"postgresql://postgres@127.0.0.1:{port}/talkkit_bench"
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                capture_output=True,
                check=False,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
