"""Events: join codes, facilitator secrets, slowed-down guessing, joining, and what the board
reads. Every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import math
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from talkkit import events
from talkkit.events import codes
from talkkit.store import Pick, open_store
from talkkit.store.values import utcnow
from widgets.board import login_message
from widgets.join import error_message


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
    if url.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as conn:
            rows = conn.execute(sql.replace("%s", "?"), params).fetchall()
            conn.commit()
            return rows
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def stamp(url: str, **delta: float) -> object:
    """Now plus ``delta`` as the backend stores a time (ISO text in SQLite)."""
    when = utcnow() + timedelta(**delta)
    return when.isoformat(timespec="microseconds") if url.startswith("sqlite") else when


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- codes and secrets --------------------------------------------------------------------------


def test_join_codes_are_long_readable_and_unambiguous() -> None:
    """Is a join code three groups of four from an alphabet without look-alikes, with enough
    entropy to resist online guessing?"""
    codes = {events.new_join_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert not set(code) & set("01ILOUVY")
    bits = 12 * math.log2(len(events.CODE_ALPHABET))
    assert bits >= 55


def test_a_typed_code_is_normalised_and_junk_refused() -> None:
    """Does a code typed in lower case, with spaces or without dashes, still match?"""
    assert events.normalise_code(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert events.normalise_code("ABCDEFGHJKMN") == "ABCDEFGHJKMN"
    for junk in (
        "",
        "ABCD",
        "ABCD-EFGH-JKM0",
        "ABCD-EFGH-JKMNP",
        None,
        12,
        "A" * 100,
        "ÅBCD-EFGH-JKMN",
    ):
        assert events.normalise_code(junk) is None


def test_secrets_are_stored_only_as_salted_hashes(store, store_url: str) -> None:
    """Is the facilitator secret high-entropy, absent from the database, and its hash salted
    (two events never share a hash)?"""
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    other, other_secret = events.create_event(store, "tidlig-opsporing", "Dag 2")
    assert len(secret) >= 32 and len(set(secret)) > 10
    for part in (event.id, event.id[:6], event.code[:6]):  # no part of what a group can see
        assert part not in secret
    dump = repr(raw(store_url, "SELECT * FROM events"))
    assert secret not in dump and secret[4:20] not in dump
    stored = store.event_secret_hash(event.id)
    assert stored.startswith("scrypt$") and stored != store.event_secret_hash(other.id)
    assert events.verify_secret(secret, stored)
    assert not events.verify_secret(other_secret, stored)
    assert not events.verify_secret(secret + "x", stored)
    for junk in ("", None, 42, "x" * 10_000):
        assert not events.verify_secret(junk, stored)
    assert not events.verify_secret(secret, "scrypt$99999999$8$1$AA$AA")  # absurd cost refused


def test_secrets_are_compared_as_hashes_in_constant_time() -> None:
    """Does the check compare the scrypt hashes with hmac.compare_digest (not ==)?"""
    source = Path(codes.__file__).read_text(encoding="utf-8")
    body = source[source.index("def verify_secret") : source.index("# -- creating events")]
    assert "hmac.compare_digest(actual, expected)" in body
    assert "==" not in body.replace("!=", "")


# -- login and the gate -------------------------------------------------------------------------


def test_the_right_secret_opens_its_event_and_a_wrong_one_nothing(store) -> None:
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    _other, other_secret = events.create_event(store, "tidlig-opsporing", "Dag 2")
    gate = events.Gate(store, clock=FakeClock())
    assert events.login(store, secret, gate).event == event
    for wrong in (event.id + "." + other_secret, secret[:-1], f"{event.id}.{secret}", ""):
        result = events.login(store, wrong, events.Gate(store))
        assert result.event is None and result.error == "wrong"
    assert "facilitator" in login_message(result, "en")
    assert events.login(store, other_secret, events.Gate(store)).event == _other


def test_a_secret_made_before_it_left_the_event_id_still_opens_its_event(store) -> None:
    """Events made by older versions have ``<event id>.<random>`` secrets with a random salt."""
    import secrets as random

    old = f"ev-old{random.token_hex(4)}"
    secret = f"{old}.{random.token_urlsafe(24)}"
    store.create_event(
        old,
        "tidlig-opsporing",
        "Gammel",
        "da",
        "ABCDEFGHJKMN",
        events.hash_secret(secret, salt=random.token_bytes(16)),
    )
    assert events.login(store, secret, events.Gate(store)).event.id == old
    assert events.login(store, f"{old}.wrong", events.Gate(store)).error == "wrong"


def test_each_kernel_waits_longer_after_each_failure(store) -> None:
    """Per kernel: 1 s after the first failure, then 2, 4, 8, then 10 s (a fake clock)."""
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    clock = FakeClock()
    gate = events.Gate(store, clock=clock)
    waits = []
    for _ in range(6):
        assert events.login(store, "wrong", gate).error == "wrong"
        blocked = events.login(store, secret, gate)  # its own failures: even the right one waits
        assert blocked.event is None and blocked.error == "wait"
        waits.append(round(blocked.wait))
        clock.now += blocked.wait + 0.01
    assert waits == [1, 2, 4, 8, 10, 10]
    assert 60 / waits[-1] == events.guard.GUESSES_PER_MINUTE
    assert events.login(store, secret, gate).event == event


def test_nobody_can_slow_down_another_kernel(store) -> None:
    """Failures of other kernels (wrong secrets naming this event, wrong codes) never make a
    fresh kernel wait: the right secret and the right code get in at the first attempt."""
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    for _ in range(50):
        attacker = events.Gate(store)
        assert events.login(store, f"{event.id}.guess", attacker).error == "wrong"
        assert events.join(store, "ABCD-EFGH-JKMN", group_name="x", gate=attacker).code in (
            "bad_code",
            "wait",
        )
    fresh = events.Gate(store)
    assert fresh.wait() == 0
    assert events.login(store, secret, fresh).event == event
    assert events.join(store, event.code, group_name="Bord", gate=events.join_gate(store)) == event


# -- joining ------------------------------------------------------------------------------------


def test_a_group_joins_with_the_code_and_its_session_joins_the_event(store) -> None:
    event, _secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    session = store.create_session("tidlig-opsporing", "da")
    typed = events.format_code(event.code).lower().replace("-", " ")
    result = events.join(
        store, typed, group_name=" Bord 3 ", municipality="Aarhus", session_id=session.id
    )
    assert result == event
    joined = store.get_session(session.id)
    assert (joined.event_id, joined.group_name, joined.municipality) == (
        event.id,
        "Bord 3",
        "Aarhus",
    )
    assert [s.id for s in store.list_sessions(event_id=event.id)] == [session.id]


def test_wrong_codes_and_names_are_refused_and_counted(store) -> None:
    event, _secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    session = store.create_session("tidlig-opsporing", "da")
    gate = events.join_gate(store)
    bad = events.join(store, "ABCD-EFGH-JKMN", group_name="Bord", session_id=session.id, gate=gate)
    assert isinstance(bad, events.JoinError) and bad.code == "bad_code"
    assert store.get_session(session.id).event_id is None
    # the kernel now waits a second before it checks another code
    assert events.join(store, event.code, group_name="Bord", gate=gate).code == "wait"
    fresh = events.join_gate(store)
    for name in ("", "   ", None, "x" * 201, 7):
        assert events.join(store, event.code, group_name=name, gate=fresh).code == "name"
    words = {lang: error_message(bad, lang) for lang in ("da", "sv", "en")}
    assert len(set(words.values())) == 3, words  # worded in each language


def test_a_session_never_moves_to_another_event(store) -> None:
    first, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    second, _ = events.create_event(store, "tidlig-opsporing", "Dag 2")
    session = store.create_session("tidlig-opsporing", "da")
    assert events.join(store, first.code, group_name="A", session_id=session.id) == first
    moved = events.join(store, second.code, group_name="A", session_id=session.id)
    assert isinstance(moved, events.JoinError) and moved.code == "other_event"
    assert store.get_session(session.id).event_id == first.id
    # joining the same event again only updates the labels
    assert events.join(store, first.code, group_name="B", session_id=session.id) == first
    assert store.get_session(session.id).group_name == "B"


def test_a_session_joins_only_events_of_its_own_kit(store) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    session = store.create_session("another-kit", "da")
    result = events.join(store, event.code, group_name="A", session_id=session.id)
    assert isinstance(result, events.JoinError) and result.code == "other_kit"
    assert store.get_session(session.id).event_id is None
    assert not store.list_sessions(event_id=event.id)
    words = {lang: error_message(result, lang) for lang in ("da", "sv", "en")}
    assert len(set(words.values())) == 3 and "kit" in words["en"], words
    missing = events.join(store, event.code, group_name="A", session_id="no-such-session")
    assert isinstance(missing, events.JoinError) and missing.code == "other_kit"


def test_event_ids_and_codes_are_unique(store) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    with pytest.raises(ValueError):
        store.create_event(event.id, "k", "x", "da", "ABCDEFGHJKMN", "scrypt$x")
    with pytest.raises(ValueError):
        store.create_event("ev-other", "k", "x", "da", event.code, "scrypt$x")
    store.create_session("k", "da", event_id="ev-taken")  # a session made up an event id
    with pytest.raises(ValueError):
        store.create_event("ev-taken", "k", "x", "da", "ABCDEFGHJKMP", "scrypt$x")
    assert [e.id for e in store.list_events()] == [event.id]
    assert store.list_events(kit_id="other") == []
    assert store.find_event("nonsense") is None and store.get_event("../x") is None


# -- what the board reads -----------------------------------------------------------------------


def _group(store, event, name: str, answers: dict) -> str:
    session = store.create_session("tidlig-opsporing", "da")
    assert events.join(store, event.code, group_name=name, session_id=session.id) == event
    for key, value in answers.items():
        store.save_answer(session.id, key, value, None)
    return session.id


def test_the_board_reads_only_its_event_and_never_private_keys(store) -> None:
    """Does the board leave out the speaking order and group facilitators' notes, and every
    session of other events or of no event?"""
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    other, _ = events.create_event(store, "tidlig-opsporing", "Dag 2")
    _group(
        store,
        event,
        "Bord 1",
        {"learning.struck": "ours", "speaking.names": ["Anna"], "facilitator.notes": "privat"},
    )
    _group(store, other, "Bord 9", {"learning.struck": "theirs"})
    alone = store.create_session("tidlig-opsporing", "da")
    store.save_answer(alone.id, "learning.struck", "self-study", None)
    snapshot = events.board_snapshot(store, event.id)
    text = repr(snapshot)
    assert "ours" in text
    for absent in ("Anna", "privat", "theirs", "self-study", alone.id):
        assert absent not in text
    for s in store.list_sessions():
        assert s.id not in text  # groups appear under aliases, never by their resume id


def test_the_board_snapshot_has_everything_the_board_shows(store) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    _group(
        store,
        event,
        "Bord 1",
        {
            "learning.struck": "Tidlig opsporing kræver tværfagligt samarbejde",
            "learning.struck.views": "Nogle var uenige",
            "questions": ["Hvordan starter vi?"],
            "evaluation.useful": 4,
            "evaluation.take-home": "Mere dialog",
        },
    )
    sid = _group(
        store,
        event,
        "Bord 2",
        {"learning.struck": "Tværfagligt samarbejde og tidlig opsporing", "evaluation.useful": 5},
    )
    store.set_phase(sid, "productive")
    snap = events.board_snapshot(store, event.id, language="da")
    assert snap["event"]["code"] == events.format_code(event.code)
    assert [g["name"] for g in snap["groups"]] == ["Bord 1", "Bord 2"]
    assert snap["groups"][1]["phase_title"] == "Den produktive samtale"
    assert snap["prompts"][0]["key"] == "welcome.expectations"
    assert {(r["g"], r["k"]) for r in snap["rows"]} >= {("g1", "learning.struck.views")}
    assert snap["questions"] == [{"g": "g1", "text": "Hvordan starter vi?"}]
    useful = next(q for q in snap["evaluation"] if q["id"] == "useful")
    assert useful["counts"] == [0, 0, 0, 1, 1] and useful["mean"] == 4.5
    assert next(q for q in snap["evaluation"] if q["id"] == "take-home")["comments"] == [
        "Mere dialog"
    ]
    assert "tidlig opsporing" in [p["text"].lower() for p in snap["themes"]["phrases"]]


def test_a_poll_returns_only_what_changed(store, store_url: str) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    sid = _group(store, event, "Bord 1", {"learning.struck": "første"})
    state = events.BoardState(store, event.id)
    state.load()
    assert state.poll() is None
    store.save_answer(sid, "learning.struck", "anden", 1)
    patch = state.poll()
    assert [(r["g"], r["k"], r["v"]) for r in patch["rows"]] == [("g1", "learning.struck", "anden")]
    assert state.poll() is None
    # a new group joining shows up with its answers
    _group(store, event, "Bord 2", {"learning.recognise": "ny"})
    patch = state.poll()
    assert [g["name"] for g in patch["groups"]] == ["Bord 2"]
    assert [r["v"] for r in patch["rows"]] == ["ny"]
    # a save whose time is a little older than the newest seen (committed late) is not lost
    store.save_answer(sid, "learning.recognise", "sent", None)
    state.poll()
    raw(
        store_url,
        "UPDATE answers SET value = %s, revision = 2, updated_at = %s "
        "WHERE session_id = %s AND key = %s",
        ('"sent, committed late"', stamp(store_url, seconds=-2), sid, "learning.recognise"),
    )
    patch = state.poll()
    assert [r["v"] for r in patch["rows"]] == ["sent, committed late"]
    # a save stamped an hour ago (a kernel with a slow clock) is found by the full re-read
    raw(
        store_url,
        "UPDATE answers SET value = %s, revision = 3, updated_at = %s "
        "WHERE session_id = %s AND key = %s",
        ('"slow clock"', stamp(store_url, hours=-1), sid, "learning.recognise"),
    )
    found = [state.poll() for _ in range(events.FULL_EVERY)]
    assert [r["v"] for p in found if p for r in p["rows"]] == ["slow clock"]
    # a purged group disappears
    store.purge(session_id=sid)
    assert state.poll()["gone"] == ["g1"]


def test_main_points_come_from_the_store_and_keep_their_order(store) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    _group(store, event, "Bord 1", {"learning.struck": "Pointe A", "questions": ["Q1", "Q2"]})
    state = events.BoardState(store, event.id)
    state.load()
    a = state.pick_answer("g1", "learning.struck")
    q = state.pick_answer("g1", "questions", 1)
    assert (a.text, q.text) == ("Pointe A", "Q2")
    assert state.pick_answer("g1", "learning.struck") is None  # picked once only
    for bad in (("g9", "learning.struck", None), ("g1", "questions", 5), ("g1", "nope", None)):
        assert state.pick_answer(*bad) is None
    own = state.add_point("Vores egen pointe")
    state.move_pick(own.id, -1)
    assert [p.text for p in store.list_picks(event.id)] == ["Pointe A", "Vores egen pointe", "Q2"]
    state.remove_pick(a.id)
    assert [p["text"] for p in state.picks_data()] == ["Vores egen pointe", "Q2"]
    assert state.picks_data()[1]["source"] == "g1/questions/1"  # aliases, never session ids
    with pytest.raises(ValueError):
        store.set_picks(event.id, [Pick("x", "a"), Pick("x", "b")])
    with pytest.raises(ValueError):
        store.set_picks("ev-nothere", [])


def test_deleting_an_event_deletes_its_groups_and_points(store) -> None:
    event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
    sid = _group(store, event, "Bord 1", {"learning.struck": "x"})
    store.set_picks(event.id, [Pick("p1", "x")])
    assert store.delete_event(event.id) == 1
    assert store.get_event(event.id) is None and store.get_session(sid) is None
    assert store.list_picks(event.id) == []


def test_board_snapshot_of_60_groups_with_20_answers_reads_every_answer(store) -> None:
    """The scale of a big seminar: 60 groups x 20 answers, all in one snapshot, and an idle
    poll that finds nothing new. How fast is the benchmark's to say (``talkkit-bench``, phase
    ``board``: targets ``board.refresh_s`` and ``board.idle_poll_s``), not a unit test's."""
    event, _ = events.create_event(store, "tidlig-opsporing", "Stor dag")
    keys = [f"phase{p}.prompt{q}" for p in range(1, 6) for q in range(1, 5)]
    words = "barnet trivsel samarbejde opsporing forældre skolen tillid dialog handling".split()
    for g in range(60):
        session = store.create_session("tidlig-opsporing", "da")
        store.join_event(session.id, event.id, f"Bord {g + 1}", "Kommune")
        for n, key in enumerate(keys):
            text = " ".join(words[(g + n + i) % len(words)] for i in range(25))
            store.save_answer(session.id, key, f"Gruppe {g + 1}: {text}", None)
    snap = events.board_snapshot(store, event.id)
    state = events.BoardState(store, event.id)
    state.load()
    assert state.poll() is None
    assert len(snap["rows"]) == 1200 and len(snap["groups"]) == 60
