"""No acknowledged answer is ever lost, with many kernels writing one store at once.

Each writer is a separate Python process (as each group's kernel is). Writers print one line per
*acknowledged* save (after ``save_answer`` returned); the parent then checks the store against
those acknowledgements. Processes are released together through their stdin, never by sleeping.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from talkkit.store import open_store

WRITER = textwrap.dedent(
    """
    import sys, time
    from talkkit.store import open_store

    url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(url)
    session = store.create_session("kit", "da", event_id="load", group_name=f"Bord {worker}")
    print("ready", session.id, flush=True)
    sys.stdin.readline()
    shared_revision = None
    for i in range(count):
        if i % 2:  # half the saves edit one answer again and again, on top of the last revision
            key, value, base = "talk.shared", f"w{worker} rev {i} æøå", shared_revision
        else:
            key, value, base = f"talk.p{i}", f"w{worker} svar {i} åäö", None
        start = time.perf_counter()
        result = store.save_answer(session.id, key, value, base)
        ms = (time.perf_counter() - start) * 1000
        assert not result.conflict, result
        if key == "talk.shared":
            shared_revision = result.revision
        print("ack", key, result.revision, f"{ms:.2f}", flush=True)
    store.close()
    print("done", flush=True)
    """
)

KILLABLE = textwrap.dedent(
    """
    import sys
    from talkkit.store import open_store

    url, worker = sys.argv[1], int(sys.argv[2])
    store = open_store(url)
    session = store.create_session("kit", "da", event_id="kill", group_name=f"Bord {worker}")
    print("ready", session.id, flush=True)
    sys.stdin.readline()
    revisions = {}
    for i in range(1_000_000):  # until killed
        key = f"talk.k{i % 7}"
        value = f"w{worker}:{i}:" + "æøå" * (i % 50)
        result = store.save_answer(session.id, key, value, revisions.get(key))
        revisions[key] = result.revision
        print("ack", key, result.revision, value, flush=True)
    """
)


def _start(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def _finish(p: subprocess.Popen[str], timeout: float = 300) -> tuple[str, str]:
    """Everything the process still prints, until it exits (reads through the same buffered
    pipe as readline(), so no line already buffered is skipped)."""
    p.stdin.close()
    out = p.stdout.read()
    err = p.stderr.read()
    p.wait(timeout=timeout)
    return out, err


def _release(procs: list[subprocess.Popen[str]]) -> list[str]:
    """Wait until every process is ready, then let them all go at once; their session ids."""
    sessions = []
    for p in procs:
        line = p.stdout.readline().split()
        assert line and line[0] == "ready", p.stderr.read()
        sessions.append(line[1])
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    return sessions


def _many_writers(url: str, workers: int, writes: int) -> list[float]:
    """Run the writers; check every save is stored; return the save latencies (ms)."""
    procs = [_start(WRITER, url, w, writes) for w in range(workers)]
    sessions = _release(procs)
    latencies: list[float] = []
    for p in procs:
        out, err = _finish(p)
        assert p.returncode == 0, err
        lines = out.splitlines()
        assert lines[-1] == "done"
        acks = [line.split() for line in lines if line.startswith("ack ")]
        assert len(acks) == writes
        latencies += [float(a[3]) for a in acks]
    with open_store(url) as store:
        for w, session_id in enumerate(sessions):
            answers = store.load_answers(session_id)
            expected = {f"talk.p{i}": f"w{w} svar {i} åäö" for i in range(0, writes, 2)}
            updates = writes // 2
            expected["talk.shared"] = f"w{w} rev {2 * updates - 1} æøå"
            assert {k: a.value for k, a in answers.items()} == expected
            assert answers["talk.shared"].revision == updates
    return latencies


def _report(name: str, latencies: list[float]) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(
        f"\n{name}: {len(latencies)} acknowledged saves, "
        f"median {statistics.median(latencies):.1f} ms, p99 {q[98]:.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )


def test_twenty_kernels_writing_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    """Do 20 processes x 50 saves into one SQLite file all land, with no 'database is locked'?"""
    url = f"sqlite://{tmp_path / 'store.sqlite3'}"
    latencies = _many_writers(url, workers=20, writes=50)
    _report("SQLite 20x50", latencies)
    assert len(latencies) == 1000
    assert max(latencies) < 15_000  # well inside the 20 s busy timeout


@pytest.mark.postgres
def test_kernels_writing_one_postgres_database_lose_nothing(pg_fresh_url: str) -> None:
    """Do 8 processes x 25 saves into one PostgreSQL database all land?"""
    latencies = _many_writers(pg_fresh_url, workers=8, writes=25)
    _report("PostgreSQL 8x25", latencies)
    assert len(latencies) == 200


def test_kill_9_loses_no_acknowledged_save(tmp_path: Path) -> None:
    """When writer kernels are killed with SIGKILL in the middle of saving, is every save they
    had acknowledged still in the store, and is the file intact and writable?"""
    db = tmp_path / "store.sqlite3"
    url = f"sqlite://{db}"
    open_store(url).close()
    procs = [_start(KILLABLE, url, w) for w in range(4)]
    sessions = _release(procs)
    acked: list[list[tuple[str, int, str]]] = [[] for _ in procs]
    for w, p in enumerate(procs):
        # Each writer is still writing when killed: it would go on for a million saves.
        for _ in range(100 + 40 * w):
            parts = p.stdout.readline().rstrip("\n").split(" ", 3)
            assert parts[0] == "ack", p.stderr.read()
            acked[w].append((parts[1], int(parts[2]), parts[3]))
        os.kill(p.pid, signal.SIGKILL)
    for w, p in enumerate(procs):
        out, _err = _finish(p, timeout=60)
        assert p.returncode == -signal.SIGKILL
        for line in out.splitlines():  # acknowledgements printed before the kill
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[0] == "ack":
                acked[w].append((parts[1], int(parts[2]), parts[3]))

    with open_store(url) as store:
        for w, session_id in enumerate(sessions):
            answers = store.load_answers(session_id)
            newest: dict[str, tuple[int, str]] = {}
            for key, revision, value in acked[w]:
                newest[key] = max(newest.get(key, (0, "")), (revision, value))
            assert newest, "the writer acknowledged nothing"
            for key, (revision, value) in newest.items():
                stored = answers[key]
                # At most one save can have committed without being acknowledged.
                assert revision <= stored.revision <= revision + 1
                if stored.revision == revision:
                    assert stored.value == value
        # The killed writers left no lock behind: a new save goes through.
        result = store.save_answer(sessions[0], "talk.after", "efter", None)
        assert not result.conflict
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
