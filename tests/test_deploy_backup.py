"""Does ``talkkit backup`` copy a store that is in use, and does ``talkkit restore`` bring
every session, answer and event back (SQLite's backup API; pg_dump/pg_restore)?"""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from talkkit.cli import main
from talkkit.store import open_store
from talkkit.store.backup import BackupError, kind_of


def fill(url: str, groups: int = 5, event: str = "ev1", code: str = "ABCD1234") -> None:
    with open_store(url) as store:
        store.create_event(event, "tidlig-opsporing", "Seminar", "da", code, "x" * 20)
        for n in range(groups):
            s = store.create_session("tidlig-opsporing", "da", group_name=f"Bord {n}")
            store.join_event(s.id, event, f"Bord {n}", "Aarhus")
            store.save_answer(s.id, "talk.p1", f"Vi tog med {n} æøå", base_revision=None)
            store.save_answer(s.id, "questions", [f"spørgsmål {n}", "to"], base_revision=None)


def snapshot(url: str) -> dict:
    with open_store(url) as store:
        sessions = store.list_sessions()
        return {
            "sessions": sorted((s.id, s.group_name, s.event_id, s.municipality) for s in sessions),
            "answers": {
                s.id: {k: (a.value, a.revision) for k, a in store.load_answers(s.id).items()}
                for s in sessions
            },
            "events": [(e.id, e.name, e.code) for e in store.list_events()],
        }


def writing(url: str, stop: threading.Event) -> threading.Thread:
    """A group that keeps saving while the backup runs (the store is in use); returns once
    it has saved for the first time."""
    saving = threading.Event()

    def run() -> None:
        with open_store(url) as store:
            s = store.create_session("tidlig-opsporing", "da", group_name="Skriver")
            rev = None
            n = 0
            while not stop.is_set():
                rev = store.save_answer(s.id, "talk.p1", f"tekst {n}", base_revision=rev).revision
                n += 1
                saving.set()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert saving.wait(30), "the writer did not start saving"
    return t


def test_sqlite_backup_while_saving_then_restore(tmp_path: Path, capsys) -> None:
    """A backup of a live SQLite store is a whole store; restore refuses to overwrite data
    unless told to, and then brings back exactly what was backed up."""
    url = f"sqlite://{tmp_path / 'live.sqlite3'}"
    fill(url)
    stop = threading.Event()
    writer = writing(url, stop)
    try:
        assert main(["backup", str(tmp_path / "b.sqlite3"), "--store", url]) == 0
    finally:
        stop.set()
        writer.join(10)
    out = capsys.readouterr().out
    assert "6 sessions" in out and "(sqlite)" in out, out
    assert kind_of(tmp_path / "b.sqlite3") == "sqlite"
    backed_up = snapshot(f"sqlite://{tmp_path / 'b.sqlite3'}")
    assert len(backed_up["sessions"]) == 6
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--store", url]) == 1  # no overwrite

    target = f"sqlite://{tmp_path / 'restored.sqlite3'}"
    assert main(["restore", str(tmp_path / "b.sqlite3"), "--store", target]) == 0
    assert snapshot(target) == backed_up
    fill(target, groups=1, event="ev2", code="EFGH5678")  # the store now holds data of its own
    assert main(["restore", str(tmp_path / "b.sqlite3"), "--store", target]) == 1
    assert "--replace" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.sqlite3"), "--store", target, "--replace"]) == 0
    assert snapshot(target) == backed_up


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a backup")
    with pytest.raises(BackupError, match="neither"):
        kind_of(bad)
    assert main(["restore", str(bad), "--store", f"sqlite://{tmp_path / 's.sqlite3'}"]) == 1


@pytest.mark.postgres
def test_postgres_backup_while_saving_then_restore(pg_fresh_url: str, tmp_path: Path) -> None:
    """pg_dump of a live PostgreSQL store, restored with pg_restore into another database."""
    fill(pg_fresh_url)
    stop = threading.Event()
    writer = writing(pg_fresh_url, stop)
    dump = tmp_path / "seminar.pgdump"
    try:
        assert main(["backup", str(dump), "--store", pg_fresh_url]) == 0
    finally:
        stop.set()
        writer.join(10)
    assert kind_of(dump) == "pg_dump"
    expected = snapshot(pg_fresh_url)  # the writer has stopped: the dump may hold less of it
    admin = pg_fresh_url.rsplit("/", 1)[0] + "/postgres"
    other = pg_fresh_url + "_restored"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{other.rsplit("/", 1)[1]}"')
    try:
        assert main(["restore", str(dump), "--store", other]) == 0
        restored = snapshot(other)
        writer_ids = {s[0] for s in expected["sessions"] if s[1] == "Skriver"}
        # everything but the writer's last saves after the snapshot is identical
        for key in ("events",):
            assert restored[key] == expected[key]
        assert restored["sessions"] == expected["sessions"]
        for sid, answers in expected["answers"].items():
            if sid not in writer_ids:
                assert restored["answers"][sid] == answers
        assert main(["restore", str(dump), "--store", other]) == 1  # it holds sessions now
        assert main(["restore", str(dump), "--store", other, "--replace"]) == 0
        assert snapshot(other)["sessions"] == expected["sessions"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{other.rsplit("/", 1)[1]}" WITH (FORCE)')
