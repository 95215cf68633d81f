"""Do the messages between kernel and page have exactly the shape their contracts in
talkkit/contracts/ write down? A TypedDict is not checked at run time, so these tests hold what
the kernel really sends against the contract's keys (mypy checks the code that builds them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talkkit import events
from talkkit.contracts import board as contract
from talkkit.contracts.widgets import (
    Incoming,
    ResolveRequest,
    SaveRequest,
    SaveStatus,
    resolve_request,
    save_request,
)
from talkkit.kit import load_kit
from talkkit.store import open_store
from widgets.board import BoardApp
from widgets.book import AnswerBook

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")


def keys(typed: Any) -> tuple[frozenset[str], frozenset[str]]:
    return typed.__required_keys__, typed.__optional_keys__


def assert_shape(value: object, typed: Any) -> None:
    """``value`` is a dict with every required key of ``typed`` and no key it does not know."""
    assert isinstance(value, dict), value
    required, optional = keys(typed)
    assert required <= set(value), f"{typed.__name__} misses {sorted(required - set(value))}"
    assert set(value) <= required | optional, (
        f"{typed.__name__} does not know {sorted(set(value) - required - optional)}"
    )


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(f"sqlite://{tmp_path / 'store.sqlite3'}")
    yield s
    s.close()


def logged_in_board(store: Any) -> tuple[BoardApp, list[dict[str, Any]], Any]:
    event, secret = events.create_event(store, KIT.id, "Dag 1")
    for g, text in enumerate(["Tillid mellem fagfolk og forældre", "Tillid og tid til samtalen"]):
        session = store.create_session(KIT.id, "da")
        store.join_event(session.id, event.id, f"Bord {g + 1}", "Aarhus")
        store.save_answer(session.id, "learning.struck", text, None)
        store.save_answer(session.id, "questions", ["Hvordan?", "Hvornår?"], None)
        store.save_answer(
            session.id, "takeaways", [{"what": "Ring", "who": "Mette", "when": "i morgen"}], None
        )
        store.save_answer(session.id, "evaluation.useful", 4 + g, None)
    app = BoardApp(store=store, language="da")
    sent: list[dict[str, Any]] = []
    app.view.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    app.view.set_state({"secret": secret})
    assert app.login() is True
    return app, sent, event


def assert_snapshot(snapshot: object) -> None:
    assert_shape(snapshot, contract.BoardSnapshot)
    assert isinstance(snapshot, dict)
    assert_shape(snapshot["event"], contract.BoardEvent)
    for name, typed in (
        ("phases", contract.PhaseRef),
        ("groups", contract.GroupRow),
        ("prompts", contract.PromptRef),
        ("rows", contract.AnswerRow),
        ("questions", contract.QuestionRow),
        ("evaluation", contract.EvaluationData),
        ("picks", contract.PickData),
    ):
        assert snapshot[name], f"the test board has no {name}"
        for item in snapshot[name]:
            assert_shape(item, typed)
    for row in snapshot["rows"]:
        assert isinstance(row["g"], str) and isinstance(row["r"], int)
        if row["k"] == "takeaways":
            for item in row["v"]:
                assert_shape(item, contract.TakeawayRow)
    if snapshot["themes"] is not None:
        assert_themes(snapshot["themes"])


def assert_themes(themes: object) -> None:
    assert_shape(themes, contract.ThemesData)
    assert isinstance(themes, dict)
    assert themes["words"], "the test answers share words"
    for term in themes["words"] + themes["phrases"]:
        assert_shape(term, contract.TermData)
    for clusters in themes["clusters"].values():
        for cluster in clusters:
            assert_shape(cluster, contract.ClusterData)


def test_the_board_sends_its_snapshot_patches_and_picks_as_the_contract_says(store) -> None:
    app, sent, event = logged_in_board(store)
    sent.clear()
    app.view._handle_event(None, {"event": "add_point", "data": "Tillid tager tid"}, None)
    [message] = sent
    assert_shape(message, contract.BoardMessage)
    assert message["method"] == "picks"
    [pick] = message["args"][0]
    assert_shape(pick, contract.PickData)

    sent.clear()
    app.resync()
    [message] = sent
    assert_shape(message, contract.BoardMessage)
    assert message["method"] == "snapshot"
    assert_snapshot(message["args"][0])
    assert message["args"][0]["themes"] is not None

    session = store.list_sessions(event_id=event.id)[0]
    store.save_answer(session.id, "learning.struck", "Tillid kræver tid", 1)
    store.save_answer(session.id, "evaluation.useful", 2, 1)
    sent.clear()
    app._themes_at = 0.0  # the overview is due at once, not after THEMES_SECONDS
    app.poll_now()
    patches = [m for m in sent if m["method"] == "patch"]
    assert patches, sent
    for message in patches:
        assert_shape(message, contract.BoardMessage)
        patch = message["args"][0]
        assert_shape(patch, contract.BoardPatch)
        for row in patch["rows"]:
            assert_shape(row, contract.AnswerRow)
        for group in patch["groups"]:
            assert_shape(group, contract.GroupRow)
        if "themes" in patch:
            assert_themes(patch["themes"])
    first = patches[0]["args"][0]
    assert {r["k"] for r in first["rows"]} == {"learning.struck", "evaluation.useful"}
    assert "evaluation" in first and "questions" in first
    assert any("themes" in m["args"][0] for m in patches)


def test_main_points_change_only_by_a_well_formed_request(store) -> None:
    """Each action becomes its own typed request; anything else changes nothing and the board
    gets the points as they are."""
    app, sent, _event = logged_in_board(store)

    def points() -> list[str]:
        return [p["text"] for p in app.state.picks_data()]

    def event(name: str, data: object) -> list[dict[str, Any]]:
        sent.clear()
        app.view._handle_event(None, {"event": name, "data": data}, None)
        assert [m["method"] for m in sent] == ["picks"]
        return sent[0]["args"][0]

    event("add_point", "Første")
    event("add_point", "Anden")
    first, second = (p["id"] for p in app.state.picks_data())
    for junk in ("", None, 42, "x" * 4001, ["Tredje"]):
        event("add_point", junk)
    for junk in ({"id": first, "step": 2}, {"id": first, "step": 0}, {"id": 7, "step": 1}):
        event("move_point", junk)
    for junk in (None, 7, "p-unknown"):
        event("remove_point", junk)
    sent.clear()
    app.view._handle_event(None, {"event": "move_point", "data": [first, 1]}, None)
    assert sent == []  # not even the shape of a move
    assert points() == ["Første", "Anden"]
    event("move_point", {"id": second, "step": -1})
    assert points() == ["Anden", "Første"]
    shown = event("remove_point", first)
    assert [p["text"] for p in shown] == points() == ["Anden"]


def test_the_save_and_resolve_events_become_requests_or_nothing() -> None:
    assert save_request({"key": "learning.struck", "value": "x", "seq": 3}) == SaveRequest(
        "learning.struck", "x", 3, False
    )
    assert save_request({"key": "k", "value": 1, "seq": None, "confirm": True}).confirm is True
    assert save_request({"key": "k", "confirm": "yes"}).confirm is False  # only a real true
    assert resolve_request({"key": "k", "choice": "ours"}) == ResolveRequest("k", "ours")
    for junk in (None, "k", ["k"], {"key": 5}, {"key": None}, {"key": "k" * 201}, {}):
        assert save_request(junk) is None
        assert resolve_request(junk) is None


def test_the_answer_book_status_and_pushes_keep_their_contract(store) -> None:
    session = store.create_session(KIT.id, "da")
    tab1, tab2 = (AnswerBook(KIT, language="da", schedule=lambda d, c: None) for _ in range(2))
    for book in (tab1, tab2):
        assert book.connect(lambda: (store, session))
    assert tab1.save("learning.struck", "Pigen (010190-1239) blev stille", 1) == "privacy"
    assert tab1.save("learning.recognise", "gemt", 2) == "saved"
    assert tab1.save("learning.struck", "fane 1", 3) == "saved"
    assert tab2.save("learning.struck", "fane 2", 1) == "conflict"
    assert tab2.save("learning.recognise", "x" * 5000, 2) == "refused"
    for book in (tab1, tab2):
        for status in book.status.values():
            assert_shape(status, SaveStatus)
    assert set(tab2.status["learning.struck"]) == {
        "state",
        "seq",
        "message",
        "theirs",
        "theirs_text",
    }
    assert tab2.resolve("learning.struck", "theirs") == "saved"
    assert_shape(tab2.pushed, Incoming)
    assert tab2.pushed["values"] == {"learning.struck": "fane 1"}
