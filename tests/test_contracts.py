"""Do the messages between kernel and page keep the shapes written down in talkkit/contracts/?

The contracts are TypedDicts; these tests read real messages (a real board over a real store, a
real kit page's views) and compare their keys, nested ones included, with the contracts."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest

from talkkit import events
from talkkit.contracts import board as contract
from talkkit.contracts.page import Download, Incoming, SaveStatus
from talkkit.store import open_store
from widgets.board import BoardApp


def keys_fit(data: dict[str, Any], shape: Any) -> None:
    """``data`` has every required key of the TypedDict ``shape`` and no key it lacks."""
    keys = set(data)
    assert shape.__required_keys__ <= keys, (shape.__name__, shape.__required_keys__ - keys)
    assert keys <= shape.__required_keys__ | shape.__optional_keys__, (shape.__name__, keys)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(f"sqlite://{tmp_path / 'store.sqlite3'}") as s:
        yield s


def group(store, event, name: str, answers: dict) -> str:
    session = store.create_session("tidlig-opsporing", "da")
    assert events.join(store, event.code, group_name=name, session_id=session.id) == event
    for key, value in answers.items():
        store.save_answer(session.id, key, value, None)
    return session.id


ANSWERS = {
    "learning.struck": "Tidlig opsporing kræver tværfagligt samarbejde og tid",
    "learning.struck.views": "Nogle var uenige om tværfagligt samarbejde",
    "questions": ["Hvordan starter vi?"],
    "takeaways": [{"what": "Møde med skolen", "who": "Anna", "when": "maj"}],
    "evaluation.useful": 4,
    "evaluation.take-home": "Mere dialog",
}


def test_the_board_snapshot_and_patches_keep_their_contract(store) -> None:
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    group(store, event, "Bord 1", ANSWERS)
    group(store, event, "Bord 2", {"learning.struck": "Tværfagligt samarbejde og tidlig tid"})
    app = BoardApp(language="da", store=store)
    sent: list[dict[str, Any]] = []
    app.view.send = sent.append  # type: ignore[method-assign]
    app.view.set_state({"secret": secret})
    assert app.login()
    keys_fit(sent[-1], contract.BoardMessage)
    assert sent[-1]["method"] == "snapshot"
    snapshot = sent[-1]["args"][0]
    keys_fit(snapshot, contract.BoardSnapshot)
    keys_fit(snapshot["event"], contract.EventInfo)
    for name, shape in (
        ("groups", contract.GroupRow),
        ("rows", contract.AnswerRow),
        ("prompts", contract.PromptRow),
        ("questions", contract.QuestionRow),
        ("evaluation", contract.EvaluationRow),
        ("phases", contract.PhaseRow),
    ):
        assert snapshot[name], name
        for item in snapshot[name]:
            keys_fit(item, shape)
    takeaways = next(r["v"] for r in snapshot["rows"] if r["k"] == "takeaways")
    keys_fit(takeaways[0], contract.TakeawayRow)
    assert snapshot["themes"] is None  # the overview follows with the first poll

    third = group(store, event, "Bord 3", {"evaluation.useful": 5})
    store.save_answer(third, "learning.struck", "Tværfagligt samarbejde tager tid", None)
    patch = app.poll_now()
    assert patch is not None
    keys_fit(patch, contract.BoardPatch)
    assert "evaluation" in patch and "themes" in patch and "questions" in patch
    keys_fit(patch["themes"], contract.ThemesData)
    assert patch["themes"]["words"], patch["themes"]
    for term in patch["themes"]["words"] + patch["themes"]["phrases"]:
        keys_fit(term, contract.TermData)
    for clusters in patch["themes"]["clusters"].values():
        for cluster in clusters:
            keys_fit(cluster, contract.ClusterData)

    app.view._handle_event(None, {"event": "add_point", "data": "Egen pointe"}, None)
    assert sent[-1]["method"] == "picks"
    for pick in sent[-1]["args"][0]:
        keys_fit(pick, contract.PickRow)
    app.stop()


def test_main_point_edits_are_typed_and_checked(store) -> None:
    """Does the board turn the page's events into typed edits, and ignore malformed ones?"""
    app = BoardApp(language="da", store=store)
    edits: list[contract.PickEdit] = []
    app.edit_picks = edits.append  # type: ignore[method-assign]
    view = app.view
    for name, data in (
        ("add_point", "Ny pointe"),
        ("add_point", {"not": "text"}),
        ("add_point", "x" * 4001),
        ("remove_point", "p1"),
        ("remove_point", 7),
        ("move_point", {"id": "p1", "step": -1}),
        ("move_point", {"id": "p1", "step": 0}),
        ("move_point", {"id": "p1", "step": True}),
        ("move_point", ["p1", 1]),
    ):
        view._handle_event(None, {"event": name, "data": data}, None)
    assert edits == [
        contract.AddPoint("Ny pointe"),
        contract.RemovePoint("p1"),
        contract.MovePoint("p1", -1),
    ]
    assert typing.get_args(contract.PickEdit) == (
        contract.AddPoint,
        contract.RemovePoint,
        contract.MovePoint,
    )


def test_the_kit_page_payloads_keep_their_contract(tmp_path: Path) -> None:
    from test_widgets_views import event, make_app

    url = f"sqlite://{tmp_path / 'answers.sqlite3'}"
    app = make_app(url)
    event(app.page, "hello", {"session": None})
    assert app.book.ready
    key = "learning.struck"
    event(app.conversation, "save", {"key": key, "value": "Vores svar", "seq": 1})
    event(app.conversation, "save", {"key": key, "value": "x" * 100_000, "seq": 2})
    status = app.conversation.status[key]
    keys_fit(status, SaveStatus)
    assert status["state"] == "refused" and status["message"]
    event(
        app.conversation, "save", {"key": key, "value": "Pigen (010190-1239) blev stille", "seq": 3}
    )
    status = app.conversation.status[key]
    keys_fit(status, SaveStatus)
    assert status["state"] == "privacy" and status["found"]
    resumed = make_app(url)  # the same group, reloading its page: its answers come back
    event(resumed.page, "hello", {"session": app.book.session_id})
    keys_fit(resumed.conversation.incoming, Incoming)
    assert resumed.conversation.incoming["values"] == {key: "Vores svar"}
    event(app.page, "make_download", "csv")
    keys_fit(app.page.download, Download)
    assert app.page.download["name"].endswith(".csv")
