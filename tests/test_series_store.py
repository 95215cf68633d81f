"""A series of kits for one team (issue 22 part 2) in the store, on SQLite and PostgreSQL, and
the migration of today's stores: a store written by the code of main *before* schema 5 (the
commit below, run from a ``git archive`` of it in a subprocess) is opened by this code,
migrated, and keeps its data."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from old_code import checkout, run_old

from talkkit.store import open_store
from talkkit.store.migrations import SQLITE, latest

ROOT = Path(__file__).resolve().parent.parent
#: main with the follow-up (schema version 4): the store files in use before the series.
OLD_COMMIT = "7b3c751"
PLAN = [("tidlig-opsporing", date(2027, 1, 10)), ("tvaerfagligt-samarbejde", date(2027, 3, 1))]

OLD_WRITER = r"""
import json, sys
from talkkit.store import open_store
url = sys.argv[1]
with open_store(url) as store:
    s = store.create_session("tidlig-opsporing", "da", group_name="Team Syd", municipality="Odense")
    store.save_answer(s.id, "takeaways", [{"what": "Ring til skolen", "who": "Mette", "when": "1. marts"}], None)
    f = store.follow_up(s.id, "tvaerfagligt-samarbejde", "da")
    print(json.dumps({"session": s.id, "follow": f.id, "version": store.schema_version()}))
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("pg_fresh_url"))


def make(store, code: str = "ABCDEFGHJKMN", series_id: str = "se-abcdefgh"):
    return store.create_series(series_id, "Team Nord", "da", code, "scrypt$x", PLAN)


def test_a_series_keeps_its_kits_in_order_with_their_dates(store_url: str) -> None:
    with open_store(store_url) as store:
        made = make(store)
        again = store.get_series(made.id)
        assert again is not None and again == store.find_series("ABCDEFGHJKMN")
        assert [(i.position, i.kit_id, i.planned) for i in again.items] == [
            (1, "tidlig-opsporing", date(2027, 1, 10)),
            (2, "tvaerfagligt-samarbejde", date(2027, 3, 1)),
        ]
        assert (again.team, again.language) == ("Team Nord", "da")
        assert [s.id for s in store.list_series()] == [made.id]
        assert store.series_secret_hashes() == [(made.id, "scrypt$x")]
        assert store.find_series("ABCDEFGHJKMP") is None
        assert store.get_series("nope'; DROP TABLE series; --") is None


def test_the_series_code_and_id_are_unique(store_url: str) -> None:
    with open_store(store_url) as store:
        make(store)
        with pytest.raises(ValueError):
            make(store, series_id="se-otherone")  # the same code
        with pytest.raises(ValueError):
            make(store, code="ABCDEFGHJKMP")  # the same id
        with pytest.raises(ValueError):
            store.create_series("se-thirdone", "", "da", "ABCDEFGHJKMQ", "scrypt$x", PLAN)
        with pytest.raises(ValueError):
            store.create_series("se-thirdone", "T", "da", "ABCDEFGHJKMQ", "scrypt$x", [])
        assert len(store.list_series()) == 1


def test_each_step_has_one_session_that_follows_the_step_before(store_url: str) -> None:
    with open_store(store_url) as store:
        series = make(store)
        first = store.open_step(series.id, 1, "da")
        assert first is not None and first.kit_id == "tidlig-opsporing" and first.follows is None
        assert first.group_name == "Team Nord"
        assert store.open_step(series.id, 1, "da").id == first.id  # opened again: the same
        second = store.open_step(series.id, 2, "da")
        assert second.kit_id == "tvaerfagligt-samarbejde" and second.follows == first.id
        assert {n: s.id for n, s in store.series_sessions(series.id).items()} == {
            1: first.id,
            2: second.id,
        }
        assert store.open_step(series.id, 3, "da") is None
        assert store.open_step(series.id, 0, "da") is None
        assert store.open_step("se-unknown1", 1, "da") is None
        assert [s.id for s in store.follow_ups(first.id)] == [second.id]  # the one mechanism


def test_two_tables_opening_the_same_step_at_once_share_one_session(store_url: str) -> None:
    with open_store(store_url) as store:
        series = make(store)
    found: list[str] = []

    def open_it() -> None:
        with open_store(store_url) as mine:
            found.append(mine.open_step(series.id, 1, "da").id)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(found) == 6 and len(set(found)) == 1


def test_deleting_a_series_deletes_its_sessions_and_nothing_else(store_url: str) -> None:
    with open_store(store_url) as store:
        series = make(store)
        other = make(store, code="ABCDEFGHJKMP", series_id="se-otherone")
        a = store.open_step(series.id, 1, "da")
        store.save_answer(a.id, "takeaways", [{"what": "Gone", "who": "x", "when": "y"}], None)
        b = store.open_step(series.id, 2, "da")
        kept = store.open_step(other.id, 1, "da")
        store.save_answer(kept.id, "takeaways", [{"what": "Kept", "who": "x", "when": "y"}], None)
        loose = store.follow_up(b.id, "skolfranvaro", "da")  # a follow-up link from the series
        assert store.delete_series(series.id) == 2
        assert store.get_series(series.id) is None and store.series_sessions(series.id) == {}
        assert store.get_session(a.id) is None and store.load_answers(a.id) == {}
        assert store.get_session(kept.id) is not None and store.load_answers(kept.id)
        assert store.get_session(loose.id).follows is None  # kept, no longer pointing at b
        assert store.delete_series(series.id) == 0
        assert store.reclaim()  # PostgreSQL: VACUUM FULL of the series tables too


@pytest.fixture(scope="module")
def old_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The talkkit package as it was at :data:`OLD_COMMIT`."""
    return checkout(OLD_COMMIT, tmp_path_factory.mktemp("old-talkkit"))


def test_a_store_of_main_is_migrated_and_keeps_its_data(store_url: str, old_code: Path) -> None:
    written = run_old(old_code, OLD_WRITER, store_url)
    assert written["version"] == 4  # really the schema before the series

    with open_store(store_url) as store:
        assert store.schema_version() == latest(SQLITE) == 5
        old = store.get_session(written["session"])
        assert (old.group_name, old.municipality) == ("Team Syd", "Odense")
        assert store.load_answers(old.id)["takeaways"].value[0]["who"] == "Mette"
        assert store.get_session(written["follow"]).follows == old.id
        assert store.list_series() == []
        series = make(store)
        step = store.open_step(series.id, 1, "da")
    with open_store(store_url) as store:  # opened again: no second migration, data still there
        assert store.schema_version() == 5
        assert store.series_sessions(series.id)[1].id == step.id
        assert store.get_session(old.id).kit_id == "tidlig-opsporing"
