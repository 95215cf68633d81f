"""The facilitator board from Python: nothing before the secret, everything after, changes
only as patches, and the browser can set no trait but the secret field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipywidgets.widgets.widget import _instances

from talkkit import events
from talkkit.store import open_store
from widgets.board import BoardApp, login_message, texts

SECRET_ANSWER = "Vores hemmelige svar om tillid"


@pytest.fixture
def seeded(tmp_path: Path):
    store = open_store(f"sqlite://{tmp_path / 'store.sqlite3'}")
    event, secret = events.create_event(store, "tidlig-opsporing", "Dag 1")
    session = store.create_session("tidlig-opsporing", "da")
    store.join_event(session.id, event.id, "Bord 1", "Aarhus")
    store.save_answer(session.id, "learning.struck", SECRET_ANSWER, None)
    store.save_answer(session.id, "questions", ["Hvordan?"], None)
    yield store, event, secret, session
    store.close()


def board(store, **kwargs) -> tuple[BoardApp, list[dict]]:
    app = BoardApp(store=store, language="da", **kwargs)
    sent: list[dict] = []
    app.view.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    return app, sent


def every_widget_state() -> str:
    return json.dumps([w.get_state() for w in list(_instances.values())], default=str)


def test_before_login_no_widget_holds_any_answer(seeded) -> None:
    """Is there no answer text in any widget of the kernel before the secret is checked, and
    does the browser's attempt to set other traits or call handlers change nothing?"""
    store, _event, _secret, _session = seeded
    app, sent = board(store)
    assert SECRET_ANSWER not in every_widget_state()
    app.view.set_state({"logged_in": True, "present": True, "error": "x"})  # from a browser
    assert not app.view.logged_in and not app.view.present
    for event, data in (
        ("pick", {"g": "g1", "k": "learning.struck"}),
        ("resync", None),
        ("add_point", "x"),
        ("set_present", True),
    ):
        app.view._handle_event(None, {"event": event, "data": data}, None)
    assert sent == [] and app.state is None
    assert SECRET_ANSWER not in every_widget_state()


def test_a_wrong_secret_loads_nothing_and_says_so(seeded) -> None:
    store, event, _secret, _session = seeded
    app, sent = board(store)
    app.view.set_state({"secret": event.id + ".wrong"})
    assert app.login() is False
    assert app.view.error == login_message(events.LoginResult(None, "wrong"), "da")
    assert app.view.secret == "" and not app.view.logged_in
    assert sent == [] and app.state is None
    assert SECRET_ANSWER not in every_widget_state()


def test_the_right_secret_sends_the_board_once_then_only_changes(seeded) -> None:
    store, _event, secret, session = seeded
    app, sent = board(store, present=True)
    app.view.set_state({"secret": secret})
    assert app.login() is True
    assert app.view.logged_in and app.view.present and app.view.secret == ""
    assert [m["method"] for m in sent] == ["snapshot"]
    assert SECRET_ANSWER in json.dumps(sent[0], ensure_ascii=False)
    assert session.id not in json.dumps(sent[0])  # aliases only
    # the answers are never synced as widget state, only sent as messages
    assert SECRET_ANSWER not in every_widget_state()
    assert sent[0]["args"][0]["themes"] is None  # the slow theme overview follows...
    sent.clear()
    first = app.poll_now()  # ...with the first poll
    assert first["rows"] == [] and "words" in first["themes"]
    sent.clear()
    assert app.poll_now() is None and sent == []
    store.save_answer(session.id, "learning.recognise", "Nyt svar", None)
    patch = app.poll_now()
    assert [r["v"] for r in patch["rows"]] == ["Nyt svar"]
    assert sent[0]["method"] == "patch" and SECRET_ANSWER not in json.dumps(
        sent[0], ensure_ascii=False
    )
    app.stop()


def test_main_points_are_picked_from_stored_answers(seeded) -> None:
    store, event, secret, _session = seeded
    app, sent = board(store)
    app.view.set_state({"secret": secret})
    app.login()
    sent.clear()
    view = app.view
    view._handle_event(None, {"event": "pick", "data": {"g": "g1", "k": "learning.struck"}}, None)
    view._handle_event(None, {"event": "pick", "data": {"g": "g1", "k": "questions", "i": 0}}, None)
    view._handle_event(None, {"event": "add_point", "data": "Egen pointe"}, None)
    view._handle_event(None, {"event": "pick", "data": "nonsense"}, None)
    view._handle_event(None, {"event": "add_point", "data": {"not": "text"}}, None)
    assert [p.text for p in store.list_picks(event.id)] == [
        SECRET_ANSWER,
        "Hvordan?",
        "Egen pointe",
    ]
    last = store.list_picks(event.id)[-1]
    view._handle_event(None, {"event": "move_point", "data": {"id": last.id, "step": -1}}, None)
    view._handle_event(
        None, {"event": "remove_point", "data": store.list_picks(event.id)[0].id}, None
    )
    assert [p.text for p in store.list_picks(event.id)] == ["Egen pointe", "Hvordan?"]
    assert sent[-1]["method"] == "picks"
    view._handle_event(None, {"event": "set_present", "data": True}, None)
    assert view.present
    app.stop()


@pytest.mark.parametrize("lang", ["da", "sv", "en"])
def test_every_board_text_is_translated(lang: str) -> None:
    from talkkit.i18n import catalogue_ids
    from widgets.join import texts as join_texts

    english = {**texts("en"), **join_texts("en")}
    shown = {**texts(lang), **join_texts(lang)}
    assert set(shown) == set(english)
    if lang != "en":
        missing = set(english.values()) - catalogue_ids("widgets", lang)
        assert missing == set(), f"add these to widgets/locale/{lang}/LC_MESSAGES/widgets.po"
        same = [k for k in english if shown[k] == english[k] and english[k] not in ("Kit",)]
        assert len(same) <= 2, same


def test_show_board_reads_the_address_after_a_preheated_kernel_gets_it(
    monkeypatch: pytest.MonkeyPatch, seeded
) -> None:
    """With preheated kernels the address (``?lang=sv&present=1``) arrives only after
    ``wait_for_request()``: does the board wait for it?"""
    from talkkit.page import preheat
    from widgets.board import show_board

    store, _event, secret, _session = seeded
    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")

    def arrives() -> None:
        monkeypatch.setenv("SCRIPT_NAME", "/voila/render/board.ipynb")
        monkeypatch.setenv("QUERY_STRING", "lang=sv&present=1")

    monkeypatch.setattr(preheat, "wait_for_request", arrives)
    monkeypatch.setattr("widgets.board.display", lambda *_a: None)
    app = show_board(store=store.url)
    assert app.language == "sv" and app.view.t["login"] == "Öppna tavlan"
    app.view.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    app.view.set_state({"secret": secret})
    assert app.login() and app.view.present
    app.stop()
