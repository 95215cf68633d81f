"""With 300 groups, do PostgreSQL's connections stay within its limit?

300 simulated kernels (one store each, as a kit kernel has) save answers at once through
PgBouncer in transaction mode, configured by ``talkkit deploy``'s ``pgbouncer.ini``, in front
of a PostgreSQL with ``max_connections=100``. The kernels hold their client connections (more
than PostgreSQL would allow directly); PostgreSQL sees at most PgBouncer's pool, counted in
``pg_stat_activity``; every save is committed.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import free_port

from talkkit.deploy import Settings
from talkkit.deploy.pgbouncer import client_url, ini
from talkkit.store import open_store

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

GROUPS = 300
SAVES = 4
POOL = 20


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def bouncer(pg_fresh_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """PgBouncer on a free port in front of the test database: (its URL, PostgreSQL's URL)."""
    if shutil.which("pgbouncer") is None:
        pytest.fail("PgBouncer is not installed (apt-get install pgbouncer)", pytrace=False)
    # a folder the postgres user can reach (pytest's are root's only)
    folder = Path(tempfile.mkdtemp(prefix="talkkit-pgbouncer-"))
    settings = Settings(
        groups=GROUPS,
        tls_cert=Path(),
        tls_key=Path(),
        store=pg_fresh_url,
        pgbouncer=True,
        pgbouncer_port=free_port(),
        pg_pool=POOL,
    )
    text = ini(settings, prefix=str(folder), log=str(folder / "pgbouncer.log"), auth="trust")
    text += f"pidfile = {folder / 'pgbouncer.pid'}\nunix_socket_dir =\n"
    (folder / "pgbouncer.ini").write_text(text)
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    if os.geteuid() == 0:
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, "postgres", "postgres")
    process = subprocess.Popen(
        as_postgres(["pgbouncer", str(folder / "pgbouncer.ini")]),
        stdout=(tmp_path / "pgbouncer.out").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = client_url(settings)
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2, prepare_threshold=None) as conn:
                conn.execute("SELECT 1")
            break
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (
                    (folder / "pgbouncer.log").read_text()
                    if (folder / "pgbouncer.log").exists()
                    else ""
                )
                pytest.fail(f"PgBouncer did not start: {log}", pytrace=False)
            time.sleep(0.2)
    try:
        yield url, pg_fresh_url
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def server_connections(pg: str) -> int:
    """Client connections to the test database, not counting this one."""
    with psycopg.connect(pg, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchone()
        return int(row[0]) if row else 0


def test_300_groups_save_through_pgbouncer_within_the_connection_limit(bouncer) -> None:
    url, pg = bouncer
    with open_store(url):  # the schema, once (every kernel would find it there)
        pass
    with psycopg.connect(pg) as conn:
        limit = int(conn.execute("SHOW max_connections").fetchone()[0])
    assert limit == 100
    peak = {"server": 0, "clients": 0}
    stores: list = []
    failures: list[str] = []
    saved: list[tuple[str, str]] = []
    lock = threading.Lock()
    ready = threading.Barrier(GROUPS + 1, timeout=120)
    done = threading.Event()

    def group(n: int) -> None:
        rng = random.Random(n)
        try:
            store = open_store(url)
            with lock:
                stores.append(store)
            session = store.create_session("tidlig-opsporing", "da", group_name=f"Bord {n}")
            ready.wait()
            revision = None
            for i in range(SAVES):
                text = f"Bord {n} svar {i}"
                revision = store.save_answer(session.id, "learning.struck", text, revision).revision
                time.sleep(rng.uniform(0.05, 0.5))  # typing
            with lock:
                saved.append((session.id, text))
        except Exception as exc:
            with lock:
                failures.append(f"{n}: {type(exc).__name__}: {exc}")
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.abort()

    def watch() -> None:
        while not done.is_set():
            peak["server"] = max(peak["server"], server_connections(pg))
            with lock:
                held = sum(s._pool.get_stats().get("pool_size", 0) for s in stores)
            peak["clients"] = max(peak["clients"], held)
            time.sleep(0.05)

    threads = [threading.Thread(target=group, args=(n,)) for n in range(GROUPS)]
    watcher = threading.Thread(target=watch)
    for t in threads:
        t.start()
    watcher.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    for t in threads:
        t.join(180)
    done.set()
    watcher.join(10)
    try:
        assert failures == []
        assert len(saved) == GROUPS
        with open_store(pg) as store:
            for session_id, text in saved:
                assert store.load_answers(session_id)["learning.struck"].value == text
        # the kernels held more connections than PostgreSQL allows ...
        assert peak["clients"] > limit, peak
        # ... and PostgreSQL saw at most PgBouncer's pool (+ its reserve of 2)
        assert 0 < peak["server"] <= POOL + 2, peak
        print(f"300 groups: client connections held {peak['clients']}, server {peak['server']}")
    finally:
        for s in stores:
            s.close()
