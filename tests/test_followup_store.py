"""Follow-up sessions in the store (issue 22), on SQLite and PostgreSQL, and the migration of
today's stores: a store written by the code *before* schema 4 (the commit below, run from a
``git archive`` of it in a subprocess) is opened by this code, migrated, and keeps its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from old_code import checkout, run_old

from talkkit.store import open_store

ROOT = Path(__file__).resolve().parent.parent
#: main before the follow-up (schema version 3): the store files in use today.
OLD_COMMIT = "113357d"

OLD_WRITER = r"""
import json, sys
from talkkit.store import open_store
url = sys.argv[1]
with open_store(url) as store:
    s = store.create_session("tidlig-opsporing", "da", group_name="Team Nord", municipality="Aarhus")
    store.save_answer(s.id, "takeaways", [{"what": "Ring til skolen", "who": "Mette", "when": "1. marts"}], None)
    store.save_answer(s.id, "talk.p1", "Vi talte om æøå 😀", None)
    print(json.dumps({"session": s.id, "version": store.schema_version()}))
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("pg_fresh_url"))


@pytest.fixture(scope="module")
def old_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The talkkit package as it was at :data:`OLD_COMMIT`."""
    return checkout(OLD_COMMIT, tmp_path_factory.mktemp("old-talkkit"))


def test_a_store_of_today_is_migrated_and_keeps_its_data(store_url: str, old_code: Path) -> None:
    written = run_old(old_code, OLD_WRITER, store_url)
    assert written["version"] == 3  # really the old schema

    with open_store(store_url) as store:
        assert store.schema_version() >= 4
        old = store.get_session(written["session"])
        assert old is not None and old.follows is None
        assert (old.group_name, old.municipality) == ("Team Nord", "Aarhus")
        answers = store.load_answers(old.id)
        assert answers["talk.p1"].value == "Vi talte om æøå 😀"
        assert answers["takeaways"].value[0]["who"] == "Mette"
        follow = store.follow_up(old.id, "tvaerfagligt-samarbejde", "da")
        assert follow is not None and follow.follows == old.id
    with open_store(store_url) as store:  # opened again: no second migration, data still there
        assert store.schema_version() >= 4
        assert store.get_session(follow.id).follows == old.id
        assert [s.id for s in store.follow_ups(old.id)] == [follow.id]


def test_follow_up_finds_the_same_session_and_purge_removes_it(store_url: str) -> None:
    with open_store(store_url) as store:
        first = store.create_session("kit-a", "sv", group_name="Lag 1", municipality="Malmö")
        assert store.follow_up("no-such-session", "kit-b", "sv") is None
        assert store.follow_up("bad id!", "kit-b", "sv") is None
        b = store.follow_up(first.id, "kit-b", "sv")
        assert b is not None and b.follows == first.id and b.municipality == "Malmö"
        assert store.follow_up(first.id, "kit-b", "sv") == b
        same_kit = store.follow_up(first.id, "kit-a", "sv")
        assert same_kit is not None and same_kit.id not in (first.id, b.id)
        assert [s.id for s in store.follow_ups(first.id)] == [b.id, same_kit.id]
        store.save_answer(b.id, "followup", [{"what": "x", "status": "started"}], None)
        assert store.load_answers(b.id)["followup"].value[0]["status"] == "started"
        assert store.purge(session_id=b.id) == 1
        assert [s.id for s in store.follow_ups(first.id)] == [same_kit.id]
