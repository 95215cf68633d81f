"""The store keeps every group's answers, on SQLite and on PostgreSQL alike.

Every test runs against both backends (the PostgreSQL ones start a real server, see
``tests/pg_server.py``).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from talkkit.contracts.answers import AnswerError
from talkkit.store import (
    SessionNotFound,
    StoreError,
    StoreUnavailable,
    default_url,
    open_store,
)
from talkkit.store import migrations as migrations_module
from talkkit.store.migrations import Migration, latest

#: The schema version a fresh database gets (the same for both backends).
CURRENT = latest(migrations_module.SQLITE)
assert latest(migrations_module.POSTGRES) == CURRENT


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("pg_fresh_url"))


@pytest.fixture
def store(store_url: str):
    with open_store(store_url) as s:
        yield s


def raw(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Run SQL on the database behind a store URL, outside the store."""
    if url.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as conn:
            rows = conn.execute(sql.replace("%s", "?"), params).fetchall()
            conn.commit()
            return rows
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


# -- answers ----------------------------------------------------------------------------------


def test_saved_answer_is_there_after_reopening(store_url: str) -> None:
    """Does an answer saved by one kernel come back, unchanged, to a store opened later?"""
    text = "Vi vil øve 'stop op' — før mødet 😊\nåäö\u202e\x00\ud800"
    with open_store(store_url) as first:
        session = first.create_session("boundaries", "da", group_name="Bord 3")
        result = first.save_answer(session.id, "talk.p1", text, base_revision=None)
        first.save_answer(session.id, "takeaways", [{"what": "Øv", "who": "Alle"}], None)
        first.save_answer(session.id, "evaluation.useful", 4, None)
    assert (result.revision, result.conflict) == (1, False)
    with open_store(store_url) as second:
        answers = second.load_answers(session.id)
    assert answers["talk.p1"].value == text
    assert answers["talk.p1"].revision == 1
    assert answers["takeaways"].value == [{"what": "Øv", "who": "Alle", "when": ""}]
    assert answers["evaluation.useful"].value == 4
    assert answers["talk.p1"].updated_at.tzinfo is not None


def test_each_save_raises_the_revision(store) -> None:
    """Does every accepted save of a key raise its revision by one?"""
    session = store.create_session("kit", "sv")
    revisions = []
    base = None
    for text in ("ett", "två", "tre"):
        result = store.save_answer(session.id, "talk.p1", text, base)
        assert not result.conflict
        revisions.append(result.revision)
        base = result.revision
    assert revisions == [1, 2, 3]
    assert store.load_answers(session.id)["talk.p1"].value == "tre"


def test_two_tabs_never_overwrite_newer_text(store_url: str) -> None:
    """When two tabs edit one answer, does the older tab get a conflict instead of winning?"""
    with open_store(store_url) as tab_a, open_store(store_url) as tab_b:
        session = tab_a.create_session("kit", "da")
        first = tab_a.save_answer(session.id, "talk.p1", "A's text", None)
        # Tab B never saw the key: its save must not replace A's text.
        clash = tab_b.save_answer(session.id, "talk.p1", "B's text", None)
        assert clash.conflict and clash.current == "A's text" and clash.revision == 1
        # B looked at A's text and saves on top of revision 1: accepted.
        merged = tab_b.save_answer(session.id, "talk.p1", "A's and B's text", first.revision)
        assert (merged.conflict, merged.revision) == (False, 2)
        # A still believes revision 1 is the newest: refused, with B's text to show.
        stale = tab_a.save_answer(session.id, "talk.p1", "A again", first.revision)
        assert stale.conflict and stale.current == "A's and B's text" and stale.revision == 2
        assert tab_a.load_answers(session.id)["talk.p1"].value == "A's and B's text"


def test_saving_the_stored_value_again_is_no_conflict(store) -> None:
    """Is a repeated save of the same text (a retry, a second blur) accepted without a new
    revision?"""
    session = store.create_session("kit", "da")
    store.save_answer(session.id, "talk.p1", "samme", None)
    again = store.save_answer(session.id, "talk.p1", "samme", None)
    assert (again.revision, again.conflict, again.current) == (1, False, "samme")


def test_a_base_revision_from_the_future_is_a_conflict(store) -> None:
    """Is a save claiming a revision the store never had refused rather than written?"""
    session = store.create_session("kit", "da")
    result = store.save_answer(session.id, "talk.p1", "x", base_revision=7)
    assert result.conflict and result.current is None and result.revision == 0
    assert store.load_answers(session.id) == {}


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("talk.p1", None, "bad_type"),
        ("talk.p1", "x" * 4001, "too_long"),
        ("Talk.P1", "x", "bad_key"),
        ("questions", ["?"] * 51, "too_many_items"),
        ("evaluation.useful", 6, "out_of_range"),
    ],
)
def test_invalid_answers_are_refused_and_not_stored(store, key, value, code) -> None:
    """Does the store refuse a value the contract does not allow, and keep nothing of it?"""
    session = store.create_session("kit", "da")
    with pytest.raises(AnswerError) as info:
        store.save_answer(session.id, key, value, None)
    assert info.value.code == code
    assert store.load_answers(session.id) == {}


def test_saving_into_a_missing_session_fails_clearly(store) -> None:
    """Does a save for a session that does not exist (or was purged) raise SessionNotFound?"""
    with pytest.raises(SessionNotFound):
        store.save_answer("no-such-session", "talk.p1", "x", None)
    with pytest.raises(SessionNotFound):
        store.save_answer("../../etc/passwd", "talk.p1", "x", None)
    assert isinstance(SessionNotFound("x"), StoreError)


def test_bad_base_revision_is_an_answer_error(store) -> None:
    """Is a base revision that is not a non-negative int refused before touching the data?"""
    session = store.create_session("kit", "da")
    for bad in (-1, "1", 1.0, True):
        with pytest.raises(AnswerError):
            store.save_answer(session.id, "talk.p1", "x", bad)


# -- sessions ---------------------------------------------------------------------------------


def test_sessions_are_listed_and_remember_their_phase(store) -> None:
    """Do sessions keep their kit, event, labels and phase, and filter by kit and event?"""
    a = store.create_session(
        "kit-a", "da", event_id="ev1", group_name="Bord 1", municipality="Aarhus"
    )
    b = store.create_session("kit-b", "sv", event_id="ev1", group_name="Grupp 2")
    c = store.create_session("kit-a", "en")
    store.set_phase(a.id, "learning")
    got = store.get_session(a.id)
    assert got is not None
    assert (got.kit_id, got.language, got.event_id) == ("kit-a", "da", "ev1")
    assert (got.group_name, got.municipality, got.phase) == ("Bord 1", "Aarhus", "learning")
    assert got.updated_at >= got.created_at
    assert [s.id for s in store.list_sessions(event_id="ev1")] == [a.id, b.id]
    assert {s.id for s in store.list_sessions(kit_id="kit-a")} == {a.id, c.id}
    assert [s.id for s in store.list_sessions(kit_id="kit-a", event_id="ev1")] == [a.id]
    assert len(store.list_sessions()) == 3
    assert store.get_session("nope") is None
    assert len(a.id) >= 22 and a.id != b.id
    with pytest.raises(SessionNotFound):
        store.set_phase("nope", "learning")


def test_session_ids_are_random_and_never_look_like_an_option() -> None:
    """Are session ids unguessable, URL-safe and never starting with '-' (which a command
    line would take for an option)?"""
    from talkkit.store.values import new_session_id

    ids = [new_session_id() for _ in range(3000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) and not i.startswith("-") for i in ids)


def test_session_fields_are_checked(store) -> None:
    """Are malformed kit ids, languages and event ids refused, and labels cleaned?"""
    with pytest.raises(ValueError):
        store.create_session("Kit With Spaces", "da")
    with pytest.raises(ValueError):
        store.create_session("kit", "danish")
    with pytest.raises(ValueError):
        store.create_session("kit", "da", event_id="a/b")
    with pytest.raises(ValueError):
        store.create_session("kit\n", "da", event_id="ev")
    with pytest.raises(ValueError):
        store.create_session("kit", "da", event_id="ev\n")
    with pytest.raises(AnswerError):
        store.create_session("kit", "da", group_name="x" * 201)
    s = store.create_session("kit", "da", group_name="  Bord\x00 7\ud800 ")
    assert s.group_name == "Bord\ufffd 7\ufffd"
    assert store.get_session(s.id).group_name == "Bord\ufffd 7\ufffd"


# -- purge ------------------------------------------------------------------------------------


def test_purge_an_event_deletes_only_its_sessions_and_answers(store) -> None:
    """Does purging one event delete its groups and their answers and nothing else?"""
    keep = store.create_session("kit", "da", event_id="keep")
    gone = [store.create_session("kit", "da", event_id="gone") for _ in range(3)]
    for s in [keep, *gone]:
        store.save_answer(s.id, "talk.p1", "tekst", None)
    assert store.purge(event_id="gone") == 3
    assert all(store.get_session(s.id) is None for s in gone)
    assert all(store.load_answers(s.id) == {} for s in gone)
    assert store.load_answers(keep.id)["talk.p1"].value == "tekst"
    assert store.purge(event_id="gone") == 0


def test_purge_one_group_alone(store) -> None:
    """Can one group's data be deleted while the other groups of the event stay?"""
    a = store.create_session("kit", "da", event_id="ev")
    b = store.create_session("kit", "da", event_id="ev")
    store.save_answer(a.id, "talk.p1", "a", None)
    store.save_answer(b.id, "talk.p1", "b", None)
    assert store.purge(session_id=a.id) == 1
    assert store.get_session(a.id) is None and store.load_answers(a.id) == {}
    assert store.load_answers(b.id)["talk.p1"].value == "b"
    with pytest.raises(SessionNotFound):
        store.save_answer(a.id, "talk.p1", "after purge", 1)


def test_purge_before_a_date_keeps_recent_sessions(store) -> None:
    """Does purge(before=...) delete sessions last changed before that moment only?"""
    old = store.create_session("kit", "da")
    store.save_answer(old.id, "talk.p1", "gammel", None)
    old_updated = store.get_session(old.id).updated_at
    new = store.create_session("kit", "da")
    cutoff = new.created_at
    assert old_updated < cutoff  # precondition: the clock moved on between the two
    assert store.purge(before=datetime.now(UTC) - timedelta(days=1)) == 0
    assert store.purge(before=cutoff) == 1
    assert store.get_session(old.id) is None
    assert store.get_session(new.id) is not None
    assert store.purge(before=datetime.now(UTC) + timedelta(days=1)) == 1


def test_purge_without_a_filter_is_refused(store) -> None:
    """Is purge() with no event, date or session refused instead of deleting everything?"""
    s = store.create_session("kit", "da")
    with pytest.raises(ValueError):
        store.purge()
    assert store.get_session(s.id) is not None


def test_purge_filters_combine(store) -> None:
    """Do event and date filters together delete only sessions matching both?"""
    a = store.create_session("kit", "da", event_id="ev")
    b = store.create_session("kit", "da", event_id="other")
    assert store.purge(event_id="ev", before=datetime.now(UTC) + timedelta(hours=1)) == 1
    assert store.get_session(a.id) is None and store.get_session(b.id) is not None


# -- migrations -------------------------------------------------------------------------------


def _patch_migrations(monkeypatch: pytest.MonkeyPatch, url: str, extra: Migration) -> None:
    name = "SQLITE" if url.startswith("sqlite") else "POSTGRES"
    monkeypatch.setattr(migrations_module, name, [*getattr(migrations_module, name), extra])


def test_an_old_database_is_upgraded_on_open(store_url: str, monkeypatch) -> None:
    """Does opening a database of an older schema version apply the new migration once and
    keep the data?"""
    with open_store(store_url) as old:
        assert old.schema_version() == CURRENT
        session = old.create_session("kit", "da")
        old.save_answer(session.id, "talk.p1", "bevares", None)
    probe = Migration(
        CURRENT + 1,
        "test: probe table",
        (
            "CREATE TABLE probe (n INTEGER NOT NULL)",
            "INSERT INTO probe (n) VALUES (42)",
        ),
    )
    _patch_migrations(monkeypatch, store_url, probe)
    with open_store(store_url) as new:
        assert new.schema_version() == CURRENT + 1
        assert new.load_answers(session.id)["talk.p1"].value == "bevares"
    with open_store(store_url) as again:  # a second open must not migrate again
        assert again.schema_version() == CURRENT + 1
    assert raw(store_url, "SELECT n FROM probe") == [(42,)]
    assert [
        r[0] for r in raw(store_url, "SELECT version FROM schema_version ORDER BY version")
    ] == list(range(1, CURRENT + 2))


def test_a_failing_migration_leaves_the_old_schema(store_url: str, monkeypatch) -> None:
    """If a migration fails half-way, is the database left at its old version with its data?"""
    with open_store(store_url) as old:
        session = old.create_session("kit", "da")
        old.save_answer(session.id, "talk.p1", "bevares", None)
    broken = Migration(
        CURRENT + 1, "test: broken", ("CREATE TABLE half (n INTEGER)", "THIS IS NOT SQL")
    )
    _patch_migrations(monkeypatch, store_url, broken)
    with pytest.raises(StoreError):
        open_store(store_url)
    monkeypatch.undo()
    with open_store(store_url) as same:
        assert same.schema_version() == CURRENT
        assert same.load_answers(session.id)["talk.p1"].value == "bevares"
    tables = (
        "SELECT name FROM sqlite_master WHERE name = 'half'"
        if store_url.startswith("sqlite")
        else "SELECT tablename FROM pg_tables WHERE tablename = 'half'"
    )
    assert raw(store_url, tables) == []


def test_a_database_from_a_newer_talkkit_is_refused(store_url: str) -> None:
    """Does an older talkkit refuse to write into a database a newer one has upgraded?"""
    open_store(store_url).close()
    raw(
        store_url,
        "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
        (99, "future", datetime.now(UTC).isoformat()),
    )
    with pytest.raises(StoreError, match="newer"):
        open_store(store_url)


OPENER = textwrap.dedent(
    """
    import sys
    from talkkit.store import open_store
    print("ready", flush=True)
    sys.stdin.readline()  # the parent releases every process at once
    with open_store(sys.argv[1]) as store:
        session = store.create_session("kit", "da", event_id="race")
        store.save_answer(session.id, "talk.p1", "hej", None)
        print("ok", store.schema_version(), flush=True)
    """
)


def test_many_kernels_opening_a_fresh_database_migrate_it_once(store_url: str) -> None:
    """When eight kernels open a brand-new database at the same moment, does exactly one
    migrate it and can every one of them write?"""
    n = 8
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, store_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:  # release them together: all imports are done, only the open races
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == f"ok {CURRENT}"
    assert [
        r[0] for r in raw(store_url, "SELECT version FROM schema_version ORDER BY version")
    ] == list(range(1, CURRENT + 1))
    with open_store(store_url) as store:
        assert len(store.list_sessions(event_id="race")) == n


# -- opening ----------------------------------------------------------------------------------


def test_default_store_lives_in_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    """Does open_store() with no URL use talkkit.sqlite3 in $TALKKIT_DATA, private to its
    owner?"""
    monkeypatch.setenv("TALKKIT_DATA", str(tmp_path / "data"))
    assert default_url() == f"sqlite://{tmp_path / 'data' / 'talkkit.sqlite3'}"
    for url in (None, ""):
        with open_store(url) as store:
            store.create_session("kit", "da")
    db = tmp_path / "data" / "talkkit.sqlite3"
    assert db.is_file()
    assert db.stat().st_mode & 0o077 == 0
    assert raw(f"sqlite://{db}", "PRAGMA journal_mode") == [("wal",)]


def test_unknown_urls_are_refused() -> None:
    """Is a URL of an unsupported kind refused with a clear error?"""
    for url in ("mysql://x/y", "sqlite://", "sqlite://:memory:", "/just/a/path"):
        with pytest.raises(ValueError):
            open_store(url)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    """Does a damaged store file give a StoreError (not a raw sqlite3 exception)?"""
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(f"sqlite://{bad}")


@pytest.mark.postgres
def test_unreachable_postgres_is_unavailable(pg_url: str) -> None:
    """Does a server that cannot be reached give StoreUnavailable, so the UI can retry?"""
    from talkkit.store.postgres import PostgresStore

    port = int(pg_url.rsplit(":", 1)[1].split("/")[0])
    bad = f"postgresql://postgres:secret@127.0.0.1:{port + 1 if port < 65535 else 1}/x"
    with pytest.raises(StoreUnavailable) as info:
        PostgresStore(bad, timeout=2)
    assert "secret" not in str(info.value)


def test_threads_can_share_one_store(store) -> None:
    """Can several threads of one kernel save through one store object without losing any?"""
    from concurrent.futures import ThreadPoolExecutor

    session = store.create_session("kit", "da")

    def save(i: int) -> bool:
        return not store.save_answer(session.id, f"talk.p{i}", f"svar {i}", None).conflict

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(save, range(40)))
    answers = store.load_answers(session.id)
    assert {k: a.value for k, a in answers.items()} == {
        f"talk.p{i}": f"svar {i}" for i in range(40)
    }


@pytest.mark.postgres
def test_postgres_pool_stays_small(pg_fresh_url: str) -> None:
    """Does one store hold at most two server connections, however many threads save?"""
    from concurrent.futures import ThreadPoolExecutor

    with open_store(pg_fresh_url) as store:
        session = store.create_session("kit", "da")

        def save(i: int) -> bool:
            return not store.save_answer(session.id, f"talk.p{i}", "x", None).conflict

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(save, range(40)))
        db = pg_fresh_url.rsplit("/", 1)[1]
        count = raw(
            pg_fresh_url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (db,),
        )[0][0]
        assert count <= 2
        assert len(store.load_answers(session.id)) == 40


# -- the purge command ------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, list[str]]:
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    with open_store(url) as store:
        ids = [
            store.create_session("kit", "da", event_id=event).id for event in ("ev1", "ev1", "ev2")
        ]
        for i in ids:
            store.save_answer(i, "talk.p1", "tekst", None)
    return url, ids


def _purge(argv: list[str]) -> int:
    from talkkit.cli import main

    return main(["purge", *argv])


def test_purge_command_asks_first_and_respects_no(filled, monkeypatch, capsys) -> None:
    """Does `talkkit purge` ask before deleting, and delete nothing when the answer is no?"""
    url, _ids = filled
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "n")
    assert _purge(["--event", "ev1", "--store", url, "--lang", "en"]) == 1
    assert "Delete 2 session(s)" in asked[0]
    assert "Nothing was deleted." in capsys.readouterr().out
    with open_store(url) as store:
        assert len(store.list_sessions()) == 3


def test_purge_command_deletes_after_a_danish_yes(filled, monkeypatch, capsys) -> None:
    """Does answering 'ja' delete the event's sessions and print how many?"""
    url, ids = filled
    monkeypatch.setattr("builtins.input", lambda prompt: "ja")
    assert _purge(["--event", "ev1", "--store", url, "--lang", "da"]) == 0
    assert "2 session(er) er slettet." in capsys.readouterr().out
    with open_store(url) as store:
        assert [s.id for s in store.list_sessions()] == [ids[2]]


def test_purge_command_with_yes_by_session_and_by_date(filled, capsys) -> None:
    """Do --session and --before with --yes delete without asking, and only what matches?"""
    url, ids = filled
    assert _purge(["--session", ids[2], "--store", url, "--yes", "--lang", "en"]) == 0
    assert "Deleted 1 session(s)." in capsys.readouterr().out
    assert _purge(["--before", "2000-01-01", "--store", url, "--yes", "--lang", "en"]) == 0
    assert "No sessions match." in capsys.readouterr().out
    assert _purge(["--before", "2999-01-01", "--store", url, "--yes", "--lang", "en"]) == 0
    assert "Deleted 2 session(s)." in capsys.readouterr().out
    with open_store(url) as store:
        assert store.list_sessions() == []


def test_purge_command_without_a_terminal_deletes_nothing(filled, monkeypatch) -> None:
    """When no one can answer the question (no stdin), is nothing deleted?"""
    url, _ = filled

    def no_stdin(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_stdin)
    assert _purge(["--event", "ev1", "--store", url]) == 1
    with open_store(url) as store:
        assert len(store.list_sessions()) == 3


def test_purge_command_needs_exactly_one_filter(filled) -> None:
    """Is `talkkit purge` without a filter (or with a malformed date) a usage error?"""
    url, _ = filled
    for argv in (["--store", url], ["--before", "1. maj", "--store", url]):
        with pytest.raises(SystemExit) as info:
            _purge(argv)
        assert info.value.code == 2


# -- SQLite: writers queue on the machine's file lock --------------------------------------------


def _hold_queue(store_path: Path) -> int:
    """Take the SQLite store's writers' lock as another writer would; returns its file."""
    import fcntl
    import os

    fd = os.open(f"{store_path}.writers", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _save_in_thread(store, session_id: str, value: str) -> tuple[object, dict]:
    import threading
    import time

    out: dict = {}

    def run() -> None:
        try:
            store.save_answer(session_id, "talk.p1", value, None)
            out["done"] = time.monotonic()
        except Exception as exc:  # what the caller asserts on
            out["error"] = exc
            out["done"] = time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_sqlite_writer_waits_its_turn_and_goes_as_soon_as_the_lock_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer asks the queue's lock (non-blocking ``flock``), is refused while another
    writer holds it, and takes it once it is free: through the queue, not around it after
    ``busy_timeout`` (20 s, far beyond the deadlines here, which only a hang reaches). How soon
    it goes is the benchmark's save latency (``talkkit-bench``, phase ``saves``)."""
    import fcntl
    import os
    import threading

    refused, taken = threading.Event(), threading.Event()
    flock = fcntl.flock

    def watched(fd: int, operation: int) -> None:  # only the store asks without blocking
        try:
            flock(fd, operation)
        except BlockingIOError:
            if operation & fcntl.LOCK_NB:
                refused.set()
            raise
        if operation & fcntl.LOCK_NB and operation & fcntl.LOCK_EX:
            taken.set()

    monkeypatch.setattr(fcntl, "flock", watched)
    path = tmp_path / "store.sqlite3"
    with open_store(f"sqlite://{path}") as store:
        session = store.create_session("kit", "da")
        taken.clear()
        fd = _hold_queue(path)
        try:
            thread, out = _save_in_thread(store, session.id, "Efter tur")
            assert refused.wait(30), "the writer never asked for the queue's lock"
            # queued behind the other writer, not in SQLite's sleeps
            assert "done" not in out and not taken.is_set()
        finally:
            flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        thread.join(30)
        assert not thread.is_alive(), "the save hangs after the lock was released"
        assert "error" not in out, out.get("error")
        assert taken.is_set()  # it went through the queue once the lock was free
        assert store.load_answers(session.id)["talk.p1"].value == "Efter tur"


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_stuck_sqlite_writer_ends_in_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    """Another writer holds the queue and SQLite's write lock and never lets go."""
    import os

    path = tmp_path / "store.sqlite3"
    with open_store(f"sqlite://{path}") as setup:
        session_id = setup.create_session("kit", "da").id
    from talkkit.store.sqlite import SQLiteStore

    store = SQLiteStore(path, busy_timeout=0.3, retries=0)
    fd = _hold_queue(path)
    stuck = sqlite3.connect(path, isolation_level=None)
    stuck.execute("BEGIN IMMEDIATE")
    try:
        thread, out = _save_in_thread(store, session_id, "Fast")
        thread.join(10)
        assert not thread.is_alive(), "the save hangs behind a stuck writer"
        assert isinstance(out.get("error"), StoreUnavailable)
        assert "locked" in str(out["error"])
    finally:
        stuck.execute("ROLLBACK")
        stuck.close()
        os.close(fd)
        store.close()


def test_a_sqlite_store_works_without_its_writers_lock_file(tmp_path: Path) -> None:
    """The queue is an optimisation: a lock file that cannot be made must not stop saves."""
    path = tmp_path / "store.sqlite3"
    (tmp_path / "store.sqlite3.writers").mkdir()  # in the way: os.open fails
    with open_store(f"sqlite://{path}") as store:
        session = store.create_session("kit", "da")
        store.save_answer(session.id, "talk.p1", "Uden kø", None)
        assert store.load_answers(session.id)["talk.p1"].value == "Uden kø"


def test_store_urls_of_an_unknown_kind_or_without_a_path_are_refused() -> None:
    """open_store names the problem; load_backend (a preheated kernel's import ahead) leaves
    it to open_store instead of failing the kernel before its page asks."""
    from talkkit.store import load_backend, open_store

    with pytest.raises(ValueError, match="unknown store URL scheme 'mysql'"):
        open_store("mysql://db/talkkit")
    with pytest.raises(ValueError, match="needs a file path"):
        open_store("sqlite:///:memory:")
    assert load_backend("mysql://db/talkkit") is None
