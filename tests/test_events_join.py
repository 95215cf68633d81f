"""Joining an event from a kit page (widgets/join.py, built into KitApp) with a real KitApp,
driven by the messages a (possibly hostile) browser sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ipywidgets.widgets.widget import _instances

from talkkit import events
from talkkit.kit import load_kit
from talkkit.page.request import parse_request
from talkkit.store import open_store
from widgets.app import KitApp
from widgets.join import join_step

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")
RENDER = "/voila/render/tidlig-opsporing/kit.ipynb"
OTHER_TEXT = "Den anden gruppes fortrolige svar"


def custom(widget: Any, content: Any) -> None:
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )


def update(widget: Any, state: dict[str, Any]) -> None:
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


class Now:
    def __call__(self, delay: float, callback: Any) -> None:
        callback()


@pytest.fixture
def setup(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'answers.sqlite3'}"
    with open_store(url) as store:
        event, _secret = events.create_event(store, KIT.id, "Seminar")
        other = store.create_session(KIT.id, "da")
        store.join_event(other.id, event.id, "Bord 9", "Odense")
        store.save_answer(other.id, "learning.struck", OTHER_TEXT, None)
    return url, event


def app_for(url: str, query: str) -> tuple[KitApp, Any]:
    context = parse_request(f"{RENDER}?{query}")
    app = KitApp(KIT, language="da", facilitator=False, context=context, store=url, schedule=Now())
    assert join_step(app).join_step is app.join  # never a second form
    return app, app.join


def test_a_code_in_the_address_is_never_used_as_an_event_id(setup) -> None:
    """Does a group opening ``?event=CODE`` start a session outside any event until it joins
    (the code is a password, not an id)?"""
    url, event = setup
    app, step = app_for(url, f"event={events.format_code(event.code)}")
    assert app.event is None
    assert step.view.show and step.view.start_open
    assert step.view.prefill == events.format_code(event.code)
    custom(app.page, {"event": "hello", "data": {"session": None}})
    assert app.book.session is not None and app.book.session.event_id is None


def test_joining_puts_the_session_into_the_event(setup) -> None:
    url, event = setup
    app, step = app_for(url, f"event={event.code}")
    custom(app.page, {"event": "hello", "data": {"session": None}})
    data = {"code": event.code.lower(), "group": "Bord 2", "municipality": "Aalborg"}
    custom(step.view, {"event": "join", "data": data})
    assert step.view.error == ""
    assert step.view.joined == {"event": "Seminar", "group": "Bord 2", "municipality": "Aalborg"}
    with open_store(url) as store:
        session = store.get_session(app.book.session.id)
    assert (session.event_id, session.group_name) == (event.id, "Bord 2")
    # a reload of the page (a new kernel resuming this session) shows it joined
    _again, again_step = app_for(url, f"session={session.id}")
    assert again_step.view.joined["event"] == "Seminar"


def test_a_wrong_code_is_refused_and_the_kit_still_works(setup) -> None:
    url, _event = setup
    app, step = app_for(url, "")
    assert step.view.show  # a hybrid-seminar kit offers the form
    custom(step.view, {"event": "join", "data": {"code": "ABCD-EFGH-JKMN", "group": "X"}})
    assert "kode" in step.view.error.lower() and not step.view.joined
    assert app.book.session is not None and app.book.session.event_id is None
    custom(step.view, {"event": "join", "data": "not a dict"})
    custom(step.view, {"event": "join", "data": {"code": ["x"], "group": {"a": 1}}})
    update(step.view, {"joined": {"event": "fake"}, "error": ""})  # the browser sets no trait
    assert not step.view.joined


def test_a_group_kernel_never_holds_another_groups_answers(setup) -> None:
    url, event = setup
    app, step = app_for(url, f"event={event.code}")
    custom(app.page, {"event": "hello", "data": {"session": None}})
    custom(step.view, {"event": "join", "data": {"code": event.code, "group": "Bord 2"}})
    assert step.view.joined
    states = json.dumps([w.get_state() for w in list(_instances.values())], ensure_ascii=False)
    assert OTHER_TEXT not in states and "Bord 9" not in states and "Odense" not in states
    assert OTHER_TEXT not in json.dumps(app.book.values, ensure_ascii=False)


def test_a_self_study_kit_without_a_code_shows_no_form(tmp_path: Path) -> None:
    kit = load_kit(ROOT / "kits" / "skolfranvaro")
    assert kit.format == "self-study"
    context = parse_request("/voila/render/skolfranvaro/kit.ipynb")
    app = KitApp(
        kit,
        language="sv",
        facilitator=False,
        context=context,
        store=f"sqlite://{tmp_path / 's.sqlite3'}",
        schedule=Now(),
    )
    step = app.join
    assert not step.view.show
    assert step.view.t["join"] == "Anslut"
