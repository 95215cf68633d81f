"""Follow-up of take-aways (issue 22): the next kit starts with last time's take-aways.

Driven the way a (hostile) browser drives the page: real :class:`~widgets.app.KitApp` objects
on a real SQLite store, widget messages with any data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_widgets_views import Now, close_new_widgets, event  # noqa: F401

from talkkit.contracts.answers import AnswerError, validate_answer
from talkkit.kit import load_kit
from talkkit.page.request import parse_request
from talkkit.store import open_store
from widgets.app import KitApp

ROOT = Path(__file__).resolve().parent.parent
KIT_A = load_kit(ROOT / "kits" / "tidlig-opsporing")
KIT_B = load_kit(ROOT / "kits" / "tvaerfagligt-samarbejde")
TAKEAWAYS = [
    {"what": "Ring til skolen om Ali's fravær", "who": "Mette", "when": "næste uge"},
    {"what": "<b>Fælles</b> møde =SUM(A1)", "who": "", "when": "1. marts"},
]


def app_for(kit: Any, store_url: str, query: str) -> KitApp:
    render = f"/voila/render/{kit.id}/kit.ipynb?{query}"
    context = parse_request(render)
    app = KitApp(
        kit, language="da", facilitator=False, context=context, store=store_url, schedule=Now()
    )
    event(app.page, "hello", {"session": None})
    assert app.book.ready
    return app


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'answers.sqlite3'}"


@pytest.fixture
def first(store_url: str) -> str:
    """A group's first session, with its take-aways."""
    with open_store(store_url) as store:
        session = store.create_session(
            KIT_A.id, "da", group_name="Team Nord", municipality="Aarhus"
        )
        store.save_answer(session.id, "takeaways", TAKEAWAYS, None)
        return session.id


def test_the_contract_takes_a_follow_up_and_refuses_a_status_outside_the_enum() -> None:
    item = {"what": "a", "who": "b", "when": "c", "status": "done", "note": "it went well"}
    assert validate_answer("followup", [item]) == [item]
    assert validate_answer("followup", [{"what": "a"}]) == [
        {"what": "a", "who": "", "when": "", "note": "", "status": ""}
    ]
    for bad in (
        [{**item, "status": "finished"}],
        [{**item, "status": 1}],
        [{**item, "extra": "x"}],
        [{**item, "note": "x" * 501}],
        ["text"],
        {"what": "a"},
    ):
        with pytest.raises(AnswerError):
            validate_answer("followup", bad)


def test_the_groups_link_on_its_next_kit_starts_with_last_times_takeaways(
    store_url: str, first: str
) -> None:
    app = app_for(KIT_B, store_url, f"session={first}")
    session = app.book.session
    assert session is not None and session.kit_id == KIT_B.id and session.id != first
    assert session.follows == first
    assert (session.group_name, session.municipality) == ("Team Nord", "Aarhus")
    assert [r["what"] for r in app.followup.previous] == [t["what"] for t in TAKEAWAYS]
    assert app.followup.previous[0]["who"] == "Mette"

    marked = [
        {**TAKEAWAYS[0], "status": "done", "note": "Skolen ringede tilbage"},
        {**TAKEAWAYS[1], "status": "dropped", "note": "Ingen tid"},
    ]
    event(app.followup, "save", {"key": "followup", "value": marked, "seq": 1})
    assert app.followup.status["followup"]["state"] == "saved"
    with open_store(store_url) as store:
        assert store.load_answers(session.id)["followup"].value == marked
        # the page opened again with the same link resumes the same follow-up
        again = app_for(KIT_B, store_url, f"session={first}")
        assert again.book.session.id == session.id
        assert again.followup.incoming["values"]["followup"] == marked


def test_a_followup_link_on_the_same_kit_starts_a_follow_up_not_the_old_session(
    store_url: str, first: str
) -> None:
    resumed = app_for(KIT_A, store_url, f"session={first}")
    assert resumed.book.session.id == first and resumed.followup.previous == []
    follow = app_for(KIT_A, store_url, f"session={first}&followup=1")
    assert follow.book.session.id != first and follow.book.session.follows == first
    assert len(follow.followup.previous) == 2


def test_a_hostile_client_cannot_store_an_unknown_status_or_an_oversized_note(
    store_url: str, first: str
) -> None:
    app = app_for(KIT_B, store_url, f"session={first}")
    sid = app.book.session.id
    for value in (
        [{**TAKEAWAYS[0], "status": "<script>", "note": ""}],
        [{**TAKEAWAYS[0], "status": "done", "note": "x" * 10_000}],
        "done",
        [[1, 2]],
    ):
        event(app.followup, "save", {"key": "followup", "value": value, "seq": 2})
        assert app.followup.status["followup"]["state"] in ("refused", "error"), value
    # another view cannot save the follow-up key, nor the follow-up view another key
    event(app.takeaways, "save", {"key": "followup", "value": [], "seq": 3})
    event(app.followup, "save", {"key": "takeaways", "value": [], "seq": 4})
    with open_store(store_url) as store:
        answers = store.load_answers(sid)
    assert "followup" not in answers and "takeaways" not in answers


def test_previous_takeaways_of_any_shape_become_clean_rows(store_url: str) -> None:
    from widgets.followup import previous_takeaways

    odd = [None, "x", {"what": 5, "who": "A"}, {"what": "ok" * 400}, {"what": ""}]
    rows = previous_takeaways(odd)
    assert rows == [
        {"what": "", "who": "A", "when": ""},
        {"what": ("ok" * 400)[:500], "who": "", "when": ""},
    ]
    assert previous_takeaways({"what": "x"}) == []
