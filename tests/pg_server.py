"""pytest plugin: a real, throwaway PostgreSQL server for the tests that need one.

Fixtures:

* ``pg_url`` (session): starts a server from Debian's ``postgresql`` package
  (``/usr/lib/postgresql/<version>/bin``, or ``$TALKKIT_PG_BIN``) in a temporary folder, on a free
  loopback port with its unix socket in that folder, and yields a ``postgresql://`` URL of an
  empty database. The server is stopped and its folder deleted at the end.
* ``pg_fresh_url`` (function): a new, empty database on that server for one test.

PostgreSQL refuses to run as root; when the tests run as root the server runs as the
``postgres`` user (``runuser``). A missing PostgreSQL *fails* the tests that need it, with a
message saying how to install it: a silent skip would hide that nothing was tested.

Load it with ``pytest_plugins = ["pg_server"]`` in ``tests/conftest.py`` (or ``-p pg_server``).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["find_pg_bin", "pg_fresh_url", "pg_url"]

_counter = itertools.count(1)


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A ``postgresql://`` URL of an empty database on a throwaway local server."""
    import psycopg

    bindir = find_pg_bin()
    if bindir is None:
        pytest.fail(
            "PostgreSQL is not installed: these tests need a real server "
            "(apt-get install postgresql, or set TALKKIT_PG_BIN to the folder of initdb/pg_ctl)",
            pytrace=False,
        )
    root = Path(tempfile.mkdtemp(prefix="talkkit-pg-"))
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
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
        )
        for _attempt in range(3):  # another process may grab the free port first
            port = _free_port()
            options = f"-h 127.0.0.1 -p {port} -k {sock} -c max_connections=100"
            start = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
            result = subprocess.run(
                _as_server_user([*start, "-o", options, "start"]),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode == 0:
                started = True
                break
        if not started:
            text = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"PostgreSQL did not start:\n{result.stderr}\n{text}", pytrace=False)
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE talkkit_test")
        yield f"postgresql://postgres@127.0.0.1:{port}/talkkit_test"
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_fresh_url(pg_url: str) -> Iterator[str]:
    """A new empty database on the test server, dropped after the test."""
    import psycopg

    name = f"talkkit_t{os.getpid()}_{next(_counter)}"
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_url.rsplit("/", 1)[0] + "/" + name
    with contextlib.suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
