"""Purged means gone (issue 23 item 6): after any purge, no purged text is readable in any file
of the data folder, while the server runs and kernels hold the store open; the event's name and
the main points picked from a group's answers go too; no typed text in any log.

Files are read byte by byte (the SQLite file, its WAL and shared-memory index, the lock file);
PostgreSQL's relation files are read where the test's server lets us.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import KITS, start_server, stop_server
from playwright.sync_api import expect
from test_access import RawKernelClient, login
from test_browser_kit import go_to, kit_url, open_kit, save_line

from talkkit import events
from talkkit.store import Pick, open_store
from talkkit.store.values import utcnow


def readable(folder: Path, texts: list[str]) -> dict[str, list[str]]:
    """Which of ``texts`` (UTF-8, also UTF-16 for good measure) are in which file's bytes."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [t for t in texts if t.encode("utf-8") in data or t.encode("utf-16-le") in data]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def fill(store, event, group: str, texts: list[str]) -> str:
    """A group of ``event`` whose answer grew as it typed, one save per word (as autosave)."""
    session = store.create_session("tidlig-opsporing", "da")
    store.join_event(session.id, event.id, group, "Aarhus")
    words = texts[0].split()
    revision = None
    for n in range(1, len(words) + 1):
        saved = store.save_answer(session.id, "learning.struck", " ".join(words[:n]), revision)
        assert not saved.conflict
        revision = saved.revision
    for text in texts[1:]:
        store.save_answer(session.id, "questions", [text], None)
    return session.id


@pytest.mark.parametrize("how", ["event", "session", "before"])
def test_purged_text_is_in_no_file_while_other_connections_hold_the_store(tmp_path, how) -> None:
    """Another connection (a kernel) holds the store open and has read the answers; the purge
    runs from a third (the CLI); every file of the data folder is then free of the text."""
    data = tmp_path / "data"
    url = f"sqlite://{data / 'talkkit.sqlite3'}"
    gone = [f"Purgetekst {how} tillid er alt og mere til", f"Spørgsmål {how} om skolen"]
    kept = [f"Bliver stående {how} hos gruppe B"]
    with open_store(url) as kernel, open_store(url) as typing:
        event, _ = events.create_event(typing, "tidlig-opsporing", f"Arrangement {how} 42")
        other, _ = events.create_event(typing, "tidlig-opsporing", "Et andet arrangement")
        sid = fill(typing, event, f"Gruppe {how} A", gone)
        fill(typing, other, "Gruppe B", kept)
        typing.set_picks(event.id, [Pick("p1", gone[0], f"{sid}/learning.struck")])
        typing.set_picks(other.id, [Pick("p1", gone[0] + " (kopieret)", f"{sid}/learning.struck")])
        assert kernel.load_answers(sid)  # the kernel has the store open and has read it
        assert readable(data, gone)
        args = {
            "event": ["--event", event.id],
            "session": ["--session", sid],
            "before": ["--before", (utcnow() + timedelta(days=2)).strftime("%Y-%m-%d")],
        }[how]
        if how == "before":
            kept = []  # the other group is older than the day too
        run = subprocess.run(
            [sys.executable, "-m", "talkkit", "purge", *args, "--yes", "--store", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        names = [f"Arrangement {how} 42"] if how == "event" else []
        assert readable(data, [*gone, f"Gruppe {how} A", *names]) == {}
        if kept:
            assert readable(data, kept)  # the rest is still there (and still readable)
        assert kernel.load_answers(sid) == {}
        if how == "event":
            assert kernel.get_event(event.id) is None
        assert kernel.list_picks(other.id) == []  # picked from a purged group: gone too


@pytest.mark.postgres
def test_a_postgres_purge_vacuums_the_tables(pg_fresh_url: str) -> None:
    """After the purge, the tables are rewritten (VACUUM FULL: new relation files) and the
    text is in none of their files, where the test can read PostgreSQL's data folder."""
    import psycopg

    text = "Postgres purgetekst om tillid"
    with open_store(pg_fresh_url) as store:
        event, _ = events.create_event(store, "tidlig-opsporing", "PG arrangement")
        fill(store, event, "PG gruppe", [text])
        with psycopg.connect(pg_fresh_url, autocommit=True) as conn:
            before = conn.execute("SELECT pg_relation_filepath('answers')").fetchone()[0]
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
        assert store.delete_event(event.id) == 1
        assert store.reclaim()
        with psycopg.connect(pg_fresh_url, autocommit=True) as conn:
            after = [
                conn.execute("SELECT pg_relation_filepath(%s)", (t,)).fetchone()[0]
                for t in ("answers", "sessions", "events", "event_picks")
            ]
    assert after[0] != before  # rewritten
    files = [Path(data_dir) / p for p in after]
    if not all(os.access(f, os.R_OK) for f in files):
        pytest.skip("PostgreSQL's files are not readable by the test user")
    for f in files:
        for piece in (text, "PG gruppe", "PG arrangement"):
            assert piece.encode() not in f.read_bytes(), f


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(400)
def test_purge_while_the_server_runs_leaves_no_text_in_any_file_or_log(tmp_path, page) -> None:
    """A group types in a real browser (its kernel holds the store), a facilitator's board
    kernel is logged in; ``talkkit purge --event`` runs beside the running server: no file of the
    data folder holds the typed text, the group's name, the picked point or the event's name,
    and neither the server's log nor the kernels' holds any typed text."""
    pg, _ = page
    data = tmp_path / "data"
    server = start_server(KITS, data, tmp_path / "serve.log")
    typed = "Hemmelig læring om tillid og tegn — æøå 7391"
    try:
        url = f"sqlite://{data / 'talkkit.sqlite3'}"
        with open_store(url) as store:
            event, secret = events.create_event(store, "tidlig-opsporing", "Purgeseminar 7391")
        open_kit(pg, kit_url(server, "lang=da"))
        go_to(pg, "Den lærende samtale")
        field = pg.locator("#tk-learning-struck")
        field.press_sequentially(typed[:20], delay=30)
        field.press_sequentially(typed[20:], delay=10)
        expect(save_line(pg, "tk-learning-struck")).to_have_text(re.compile("Gemt"))
        session = re.search(r"session=([\w-]+)", pg.url).group(1)
        with open_store(url) as store:
            store.join_event(session, event.id, "Bord Purge 7391", "Aarhus")
            store.set_picks(event.id, [Pick("p1", typed, f"{session}/learning.struck")])
        board = RawKernelClient(server.url, "voila/render/board.ipynb")
        try:
            login(board, secret)
            board.wait_for(lambda m: typed in str(m.get("content")), timeout=60, seen=True)
            pieces = [typed, typed[:20], "Bord Purge 7391", "Purgeseminar 7391"]
            assert readable(data, pieces)
            run = subprocess.run(
                [sys.executable, "-m", "talkkit", "purge", "--event", event.id, "--yes"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**server.env},
            )
            assert run.returncode == 0, run.stdout + run.stderr
            assert readable(data, pieces) == {}, "purged text left in the data folder"
        finally:
            board.close()
    finally:
        stop_server(server)
    log = server.log()
    for piece in (typed, typed[:12], typed[20:32]):
        assert piece not in log
