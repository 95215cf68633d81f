"""The kit page's views, driven from Python the way a (hostile) browser drives them.

A client can send any widget message: trait updates for any synced trait, ``vue_*`` events with
any data, and ipyvue's ``create_widget``/``update_ref`` messages. These tests send exactly such
messages to a real :class:`~widgets.app.KitApp` and check that the models and the store only
change through validated events.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from ipywidgets.widgets.widget import _instances

from talkkit.kit import load_kit
from talkkit.kit.phases import page_kinds
from talkkit.page.request import parse_request
from talkkit.store import open_store
from widgets._base import SafeTemplate, _shared_layout
from widgets.app import KitApp

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")
RENDER = "/voila/render/tidlig-opsporing/kit.ipynb"


def update(widget: Any, state: dict[str, Any]) -> None:
    """A trait update as the browser sends it."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


def custom(widget: Any, content: Any) -> None:
    """A custom message (ipyvue events and ipyvue's widget-creation messages)."""
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )


def event(widget: Any, name: str, data: Any = None) -> None:
    custom(widget, {"event": name, "data": data})


class Now:
    def __call__(self, delay: float, callback: Any) -> None:
        callback()


@pytest.fixture(autouse=True)
def close_new_widgets():
    """Each test sees only its own widgets (shared ones like the theme stay)."""
    before = set(_instances)
    yield
    for model_id in set(_instances) - before:
        widget = _instances.get(model_id)
        if widget is not None and type(widget).__name__ not in (
            "Template",
            "VueComponent",
            "Module",
            "Layout",
        ):
            widget.close()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'answers.sqlite3'}"


def make_app(store_url: str, query: str = "", **kwargs: Any) -> KitApp:
    context = parse_request(f"{RENDER}?{query}")
    return KitApp(
        KIT,
        language=context.language or "da",
        facilitator=context.facilitator,
        context=context,
        store=store_url,
        schedule=Now(),
        **kwargs,
    )


def started(store_url: str, query: str = "", stored: Any = None) -> KitApp:
    app = make_app(store_url, query)
    event(app.page, "hello", {"session": stored})
    assert app.book.ready
    return app


def all_widget_state() -> str:
    return json.dumps([w.get_state() for w in list(_instances.values())], default=str)


def test_a_view_opens_its_comm_once_built_with_its_whole_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A trait a view sets after ``super().__init__()`` travels in its ``comm_open``, not in an
    update message of its own; once built, a change is an update as before."""
    import comm
    from traitlets import Unicode

    _shared_layout()
    sent: list[tuple[str, dict]] = []

    def publish(self: Any, msg_type: str, data: Any = None, *args: Any, **kw: Any) -> None:
        sent.append((msg_type, data))

    monkeypatch.setattr(comm.DummyComm, "publish_msg", publish)

    class Probe(SafeTemplate):
        value = Unicode().tag(sync=True)

        def __init__(self) -> None:
            super().__init__(template="<div>{{ value }}</div>")
            self.open_in_init = self.comm is not None
            self.value = "built"

    probe = Probe()
    assert probe.open_in_init is False
    assert [m for m, _ in sent] == ["comm_open"]
    assert sent[0][1]["state"]["value"] == "built"
    assert probe.model_id
    probe.value = "changed"
    assert sent[1:] == [
        ("comm_msg", {"method": "update", "state": {"value": "changed"}, "buffer_paths": []})
    ]
    probe.close()


def test_trait_updates_from_the_browser_change_nothing(store_url: str) -> None:
    """Can a client move the group, fake a save status or plant answers by setting traits?"""
    app = started(store_url)
    update(
        app.page, {"current": "evaluation", "timers": {}, "overall": "saved", "guidance": {"x": 1}}
    )
    update(app.conversation, {"incoming": {"n": 9, "values": {"learning.struck": "planted"}}})
    update(app.conversation, {"phases": [], "status": {"learning.struck": {"state": "saved"}}})
    assert app.agenda.current == "welcome" and app.page.current == "welcome"
    assert app.book.values == {} and app.book.status == {}
    assert app.page.guidance == {}
    assert len(app.conversation.phases) == 4


def test_ipyvue_widget_creation_and_ref_messages_are_ignored(store_url: str) -> None:
    """ipyvue would import a module, build an object, or set any attribute on request."""
    app = started(store_url)
    before = len(_instances)
    custom(app.page, {"create_widget": ["os", "system"], "props": {}, "id": "x"})
    custom(app.page, {"create_widget": ["ipyvuetify", "Btn"], "props": {}, "id": "y"})
    custom(
        app.page,
        {"update_ref": {"objectRef": "t"}, "id": app.conversation.model_id, "prop": "phases"},
    )
    custom(app.page, {"event": "hello", "data": None, "create_widget": ["os", "system"]})
    custom(app.page, {"event": "__init__", "data": None})
    custom(app.page, {"event": "set_state", "data": {"current": "evaluation"}})
    custom(app.page, ["not", "a", "dict"])
    assert len(_instances) == before
    assert len(app.conversation.phases) == 4
    assert app.agenda.current == "welcome"


@pytest.mark.parametrize(
    "data",
    [
        None,
        1,
        "x",
        [],
        {"key": 1},
        {"key": "learning.struck"},
        {"key": "x" * 100_000, "value": "y"},
    ],
)
def test_save_events_with_odd_data_store_nothing(store_url: str, data: Any) -> None:
    app = started(store_url)
    event(app.conversation, "save", data)
    store = open_store(store_url)
    assert store.load_answers(app.book.session_id) == {}


def test_a_view_can_only_save_its_own_keys(store_url: str) -> None:
    """The questions view must not write the conversation's answers, nor anyone the notes."""
    app = started(store_url)
    event(app.questions, "save", {"key": "learning.struck", "value": "sneaky", "seq": 1})
    event(app.page, "save", {"key": "facilitator.notes", "value": "sneaky", "seq": 1})
    event(app.conversation, "save", {"key": "learning.struck", "value": "ærlig", "seq": 1})
    assert app.book.values == {"learning.struck": "ærlig"}


def test_a_huge_answer_is_refused_with_a_message_and_the_store_keeps_the_old(
    store_url: str,
) -> None:
    app = started(store_url)
    key = "productive.meaning"
    event(app.conversation, "save", {"key": key, "value": "første", "seq": 1})
    event(app.conversation, "save", {"key": key, "value": "x" * 1_000_000, "seq": 2})
    status = app.conversation.status[key]
    assert status["state"] == "refused" and "1000000" in status["message"]
    assert open_store(store_url).load_answers(app.book.session_id)[key].value == "første"


def test_navigation_and_timer_events_validate_their_input(store_url: str) -> None:
    app = started(store_url)
    for bad in (None, 3, "nope", {"id": "talks"}, ["talks"]):
        event(app.page, "go", bad)
        event(app.page, "step", bad)
        event(app.page, "timer_action", bad)
    assert app.agenda.current == "welcome"
    assert not any(t["running"] or t["extra"] for t in app.agenda.timers.values())
    event(app.page, "go", "learning")
    event(app.page, "timer_action", "start")
    event(app.page, "timer_action", "add_minute")
    assert app.page.current == "learning" and app.page.timers["learning"]["running"]
    assert app.page.timers["learning"]["extra"] == 60
    event(app.page, "step", 1)
    assert app.agenda.current == "productive"
    assert not app.agenda.timers["learning"]["running"]  # leaving a phase pauses its timer
    assert app.conversation.phase == "productive"
    assert open_store(store_url).get_session(app.book.session_id).phase == "productive"


def test_speaking_round_events(store_url: str) -> None:
    app = started(store_url)
    model = app.speaking_model
    for bad in (0, 21, -1, "5", 5.0, None, True):
        event(app.speaking, "set_count", bad)
    assert model.count == 6
    event(app.speaking, "set_count", 3)
    for _ in range(4):
        event(app.speaking, "next")
    assert (model.turn, model.round) == (1, 2)
    event(app.speaking, "set_seconds", 7)
    assert model.seconds == 0
    event(app.speaking, "set_seconds", 120)
    assert app.speaking.seconds == 120
    event(
        app.speaking,
        "save",
        {"key": "speaking.names", "value": ["Anna", "Bo", "Cai", "Dan"], "seq": 1},
    )
    assert app.speaking.names == ["Anna", "Bo", "Cai", "Dan"] and model.size == 4
    event(app.speaking, "save", {"key": "speaking.names", "value": ["x" * 101], "seq": 2})
    assert app.speaking.status["speaking.names"]["state"] == "refused"
    assert app.speaking.names == ["Anna", "Bo", "Cai", "Dan"]


def test_language_theme_and_downloads_accept_only_known_values(store_url: str) -> None:
    app = started(store_url)
    for bad in ("xx", "", None, 1, {"lang": "sv"}):
        event(app.page, "language", bad)
        event(app.page, "theme", bad)
        event(app.page, "make_download", bad)
    assert app.page.reload == {} and app.page.download == {}
    event(app.page, "language", "sv")
    assert app.page.reload["lang"] == "sv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "docx", "json"])
def test_downloads_hold_the_groups_answers(store_url: str, fmt: str) -> None:
    """Does every download format hold what the group typed (read from the model)?"""
    app = started(store_url)
    event(
        app.conversation, "save", {"key": "learning.struck", "value": "=1+1 <b>fed</b>", "seq": 1}
    )
    event(app.evaluation, "save", {"key": "evaluation.useful", "value": 4, "seq": 1})
    event(app.page, "make_download", fmt)
    download = app.page.download
    assert download["name"] == f"tidlig-opsporing-{download['name'][17:27]}.{fmt}"
    data = base64.b64decode(download["data"])
    assert data
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        cells = [
            c
            for row in csv.reader(
                io.StringIO(text), delimiter=(text[0:200].count(";") and ";") or ","
            )
            for c in row
        ]
        assert any("1+1 <b>fed</b>" in c for c in cells)
    elif fmt == "json":
        # the JSON export escapes a formula trigger (talkkit/export/cells.py); a JSON reader
        # gets the exact text back
        texts = json.dumps(json.loads(data.decode("utf-8")), ensure_ascii=False)
        assert "=1+1 <b>fed</b>" in texts


def test_participants_never_receive_facilitator_guidance(store_url: str) -> None:
    """Is the guidance absent from every widget in a participant's kernel, and there for the facilitator?"""
    guidance = KIT.text(KIT.phase("learning").facilitator, "da")
    app = started(store_url)
    assert app.page.guidance == {} and not app.page.facilitator
    assert guidance not in all_widget_state()
    facilitator = started(store_url, "facilitator=1")
    assert facilitator.page.guidance["learning"] == guidance


def test_session_from_the_address_wins_then_the_browsers_own(store_url: str) -> None:
    first = started(store_url)
    event(first.conversation, "save", {"key": "learning.struck", "value": "fra første", "seq": 1})
    # The browser's own stored session is resumed when the address names none.
    again = started(store_url, stored=first.book.session_id)
    assert again.book.session_id == first.book.session_id
    assert again.conversation.incoming["values"] == {"learning.struck": "fra første"}
    # The address wins, and opens at once (before the browser says hello).
    other = started(store_url)
    by_address = make_app(store_url, f"session={other.book.session_id}")
    assert by_address.book.ready and by_address.book.session_id == other.book.session_id
    # Invalid or foreign ids are ignored: a new session starts.
    store = open_store(store_url)
    foreign = store.create_session("another-kit", "da")
    for stored in (foreign.id, "../../etc", {"id": first.book.session_id}, "x" * 500, 7):
        fresh = started(store_url, stored=stored)
        assert fresh.book.session_id not in (first.book.session_id, foreign.id)
    fresh = started(store_url, f"session={foreign.id}", stored=None)
    assert fresh.book.session_id != foreign.id


def test_resume_returns_to_the_phase_the_group_was_in(store_url: str) -> None:
    app = started(store_url)
    event(app.page, "go", "practice")
    again = make_app(store_url, f"session={app.book.session_id}")
    assert again.agenda.current == "practice" and again.page.current == "practice"


def test_fallback_note_when_the_kit_lacks_the_language(store_url: str) -> None:
    app = started(store_url, "lang=sv")
    assert app.page.lang == "sv" and app.page.content_lang == "da"
    assert app.page.fallback_note == (
        "Det här materialet finns inte på svenska. Innehållet visas på danska."
    )
    assert app.page.t["next"] != "Next"  # Swedish interface
    assert app.page.phases[0]["title"] == "Velkommen"  # Danish content
    da = started(store_url, "lang=da")
    assert da.page.fallback_note == ""


def test_external_talks_send_the_embed_address_only_after_the_click(
    tmp_path: Path, store_url: str
) -> None:
    import shutil

    import yaml
    from helpers import ensure_yaml

    folder = tmp_path / "ext"
    shutil.copytree(ROOT / "kits" / "tidlig-opsporing", folder)
    ensure_yaml(folder)
    data = yaml.safe_load((folder / "kit.yaml").read_text(encoding="utf-8"))
    data["talks"][1] = {
        "id": "talk2", "title": "Ekstern", "speaker": "X", "role": "Y",
        "external": {"provider": "vimeo", "id": "76979871"},
    }  # fmt: skip
    (folder / "kit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kit = load_kit(folder)
    context = parse_request(RENDER)
    app = KitApp(kit, language="da", facilitator=False, context=context, store=store_url)
    local, external = app.players
    assert "vimeo" not in all_widget_state().replace('"provider": "vimeo"', "")
    event(local, "allow_external")
    assert local.embed_src == ""
    event(external, "allow_external", {"anything": 1})
    assert external.embed_src == "https://player.vimeo.com/video/76979871?dnt=1"
    assert external.src == ""


def test_player_sends_media_addresses_and_the_transcript(store_url: str) -> None:
    app = started(store_url)
    player = app.players[0]
    assert player.src == "/voila/files/tidlig-opsporing/media/talk1.webm"
    assert player.tracks == [
        {
            "lang": "da",
            "src": "/voila/files/tidlig-opsporing/media/talk1.da.vtt",
            "label": "Dansk",
            "default": True,
        }
    ]
    cues = player.cues["da"]
    assert cues[0]["s"] == 0 and cues[0]["text"].startswith("Jeg har")
    assert [c["title"] for c in player.chapters][:2] == ["Et barn, der blev stille", "De små tegn"]
    assert re.match(r"^\d+:\d\d$", player.chapters[1]["label"])


def test_show_kit_reads_the_address(monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    from widgets import show_kit

    monkeypatch.setenv("VOILA_REQUEST_URL", f"http://h{RENDER}?lang=en&facilitator=1")
    monkeypatch.setenv("QUERY_STRING", "lang=en&facilitator=1")
    monkeypatch.setattr("widgets.app.display", lambda *_a: None)
    app = show_kit(ROOT / "kits" / "tidlig-opsporing", language="da", store=store_url)
    assert app.language == "en" and app.facilitator
    assert app.page.t["next"] == "Next"


def test_timers_come_back_after_a_reload_of_the_same_session(store_url: str) -> None:
    """A facilitator's reload keeps the countdown; timers sent for another session do not."""
    app = started(store_url)
    event(app.page, "go", "learning")
    event(app.page, "timer_action", "start")
    event(app.page, "timer_action", "add_minute")
    kept = {"session": app.book.session_id, "timers": app.page.timers}
    again = make_app(store_url)
    event(again.page, "hello", {"session": app.book.session_id, "timers": kept})
    assert again.agenda.current == "learning"
    assert again.agenda.timers["learning"]["running"]
    assert again.agenda.timers["learning"]["extra"] == 60
    other = make_app(store_url)
    event(other.page, "hello", {"session": None, "timers": kept})
    assert other.book.session_id != app.book.session_id
    assert not other.agenda.timers["learning"]["running"]


def test_a_join_code_in_the_address_only_fills_the_join_form(store_url: str) -> None:
    """?event= is a join code: it opens the join form (widgets/join.py) in the page, and is
    never stored as the session's event id."""
    app = started(store_url, "event=ABCD-EFGH-JKMN")
    assert app.page.join is app.join.view
    assert app.join.view.start_open and app.join.view.prefill
    assert open_store(store_url).get_session(app.book.session_id).event_id is None


def test_show_kit_waits_for_the_request_in_a_preheated_kernel(
    monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    """With Voilà's preheated kernels the address is known only after wait_for_request()."""
    from talkkit.page import preheat
    from widgets import show_kit

    monkeypatch.delenv("VOILA_REQUEST_URL", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")

    def arrives() -> None:  # what Voilà 0.5.13 sends a preheated kernel: no VOILA_REQUEST_URL
        monkeypatch.setenv("SCRIPT_NAME", RENDER)
        monkeypatch.setenv("QUERY_STRING", "lang=sv")

    monkeypatch.setattr(preheat, "wait_for_request", arrives)
    monkeypatch.setattr("widgets.app.display", lambda *_a: None)
    app = show_kit(ROOT / "kits" / "tidlig-opsporing", store=store_url)
    assert app.language == "sv"
    assert app.players[0].src.startswith("/voila/files/tidlig-opsporing/")


def test_the_browsers_session_cookie_opens_the_session_before_the_page_asks(
    store_url: str,
) -> None:
    """A kernel whose request carries the kit's session cookie opens that session at once (the
    fields are ready when the page first shows); the address's session still wins, and a
    cookie naming another kit's or an unknown session opens nothing."""
    store = open_store(store_url)
    mine = store.create_session(KIT.id, "da")
    other = store.create_session(KIT.id, "da")

    def built(query: str, cookie: str) -> KitApp:
        context = parse_request(f"{RENDER}?{query}", None, cookie)
        return KitApp(KIT, language="da", facilitator=False, context=context, store=store_url)

    app = built("", f"talkkit_session_{KIT.id}={mine.id}")
    assert app.book.ready and app.book.session_id == mine.id  # before any hello
    app = built(f"session={other.id}", f"talkkit_session_{KIT.id}={mine.id}")
    assert app.book.session_id == other.id
    for cookie in (f"talkkit_session_another-kit={mine.id}", f"talkkit_session_{KIT.id}=nosuchid1"):
        app = built("", cookie)
        assert not app.book.ready and app.book.session_id == ""


def test_the_page_receives_the_phase_kinds(store_url: str) -> None:
    """Do the views whose templates test phase kinds get them from talkkit/kit/phases.py?"""
    app = make_app(store_url)
    assert app.page.kinds == page_kinds()
    assert app.conversation.kinds == page_kinds() == app.questions.kinds
    assert "kinds" not in app.page.browser_writable


@pytest.mark.parametrize(
    ("language", "title"),
    [("da", "Intet gemmes på Binder"), ("sv", "Inget sparas på Binder"), ("en", "Nothing is kept on Binder")],
)  # fmt: skip
def test_on_binder_the_kit_says_nothing_is_kept(
    monkeypatch: pytest.MonkeyPatch, store_url: str, language: str, title: str
) -> None:
    """On Binder (``binder/start`` sets ``TALKKIT_HOSTING``) the page says that nothing is kept
    and that the group must download; elsewhere it does not."""
    monkeypatch.delenv("BINDER_LAUNCH_HOST", raising=False)
    monkeypatch.delenv("BINDER_REQUEST", raising=False)
    monkeypatch.delenv("TALKKIT_HOSTING", raising=False)
    assert not make_app(store_url, f"lang={language}").page.temporary
    monkeypatch.setenv("TALKKIT_HOSTING", "binder")
    page = make_app(store_url, f"lang={language}").page
    assert page.temporary
    assert page.t["temporary_title"] == title
    assert "10" in page.t["temporary_text"] and "{" not in page.t["temporary_text"]
