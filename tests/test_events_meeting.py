"""Does the joint gathering's online meeting link reach the groups that joined, and no one else?

Set with ``talkkit event create --meeting-url`` or ``talkkit event meeting``, validated as an
http(s) address, stored with the event (SQLite and PostgreSQL), shown to a joined group's page
in the joint gathering, and never in the kernel of a page that did not join.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ipywidgets.widgets.widget import _instances
from test_events_join import KIT, app_for, custom

from talkkit import events
from talkkit.cli import main
from talkkit.store import open_store

MEETING = "https://meet.example.org/social-talks-seminar?pwd=abc123"
BAD = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/x",
    "https://",
    "https://exa mple.org",
    "https://example.org/\u202egnp.exe",
    "https://user:pw@example.org/",
    "meet.example.org",
    "https://example.org/" + "x" * 2001,
    ["https://example.org"],
    42,
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("pg_fresh_url"))


def test_the_link_is_stored_changed_and_cleared(store_url: str) -> None:
    with open_store(store_url) as store:
        event, _ = events.create_event(store, KIT.id, "Seminar", "da", MEETING)
        assert store.get_event(event.id).meeting_url == MEETING
        assert store.find_event(event.code).meeting_url == MEETING
        other = "http://127.0.0.1:9/room"
        assert store.set_meeting_url(event.id, f"  {other} ").meeting_url == other
        assert store.list_events()[0].meeting_url == other
        assert store.set_meeting_url(event.id, "").meeting_url == ""
        assert store.set_meeting_url("no-such-event", MEETING) is None


@pytest.mark.parametrize("bad", BAD, ids=range(len(BAD)))
def test_anything_but_an_http_address_is_refused(store_url: str, bad: Any) -> None:
    with open_store(store_url) as store:
        event, _ = events.create_event(store, KIT.id, "Seminar")
        with pytest.raises(ValueError):
            store.set_meeting_url(event.id, bad)
        with pytest.raises(ValueError):
            events.create_event(store, KIT.id, "Seminar 2", "da", bad)
        assert store.get_event(event.id).meeting_url == ""


def test_the_command_line_sets_it_and_answers_in_the_kits_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TALKKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    url = f"sqlite://{tmp_path / 's.sqlite3'}"
    args = ["event", "create", KIT.id, "--name", "Dag 1", "--store", url]
    assert main([*args, "--meeting-url", "javascript:alert(1)"]) == 2
    assert "er ikke en mødeadresse" in capsys.readouterr().err  # a Danish kit: Danish answers
    assert main([*args, "--meeting-url", MEETING]) == 0
    out = capsys.readouterr().out
    assert f"Onlinemødet til den fælles samling: {MEETING}" in out
    with open_store(url) as store:
        event = store.list_events()[0]
    assert main(["event", "meeting", event.id, "https://other.example.org/r", "--store", url]) == 0
    assert main(["event", "meeting", event.id, "ftp://x", "--store", url, "--lang", "sv"]) == 2
    assert "är ingen mötesadress" in capsys.readouterr().err
    assert main(["event", "meeting", event.id, "", "--store", url]) == 0
    with open_store(url) as store:
        assert store.get_event(event.id).meeting_url == ""


def _states() -> str:
    return json.dumps([w.get_state() for w in list(_instances.values())], ensure_ascii=False)


def test_only_a_joined_groups_kernel_holds_the_link(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'answers.sqlite3'}"
    with open_store(url) as store:
        event, _ = events.create_event(store, KIT.id, "Seminar", "da", MEETING)
    _instances.clear()
    app, step = app_for(url, f"event={event.code}")  # the code in the address, not joined yet
    custom(app.page, {"event": "hello", "data": {"session": None}})
    assert app.conversation.meeting_url == ""
    assert MEETING not in _states() and "meet.example.org" not in _states()
    custom(step.view, {"event": "join", "data": {"code": event.code, "group": "Bord 2"}})
    assert app.conversation.meeting_url == MEETING
    # a reload of the joined group's page has it again; a page of another session has not
    _again, _ = app_for(url, f"session={app.book.session.id}")
    assert _again.conversation.meeting_url == MEETING
    _instances.clear()
    stranger, _ = app_for(url, "")
    custom(stranger.page, {"event": "hello", "data": {"session": None}})
    assert stranger.conversation.meeting_url == ""
    assert "meet.example.org" not in _states()


def test_the_browser_cannot_set_the_link(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'answers.sqlite3'}"
    app, _ = app_for(url, "")
    app.conversation._handle_msg(
        {
            "content": {
                "data": {"method": "update", "state": {"meeting_url": "javascript:alert(1)"}}
            },
            "buffers": [],
        }
    )
    assert app.conversation.meeting_url == ""  # trait updates from a browser are dropped


@pytest.mark.browser
def test_a_joined_group_finds_the_link_in_the_joint_gathering(kit_server, page) -> None:
    """In a real browser: no link before joining nor before the gathering; after joining, the
    joint gathering shows the address and a link that opens it in a new window."""
    from playwright.sync_api import expect

    pg, log = page
    url = f"sqlite://{Path(kit_server.data_dir) / 'talkkit.sqlite3'}"
    with open_store(url) as store:
        event, _ = events.create_event(store, KIT.id, "Seminar Kolding", "da", MEETING)
    pg.goto(f"{kit_server.url}voila/render/{KIT.id}/kit.ipynb?lang=da", timeout=120_000)
    gathering = pg.locator(".tk-agenda-item", has_text="Fælles samling")
    gathering.click(timeout=120_000)
    expect(pg.locator(".tk-phase-title")).to_have_text(re.compile("Fælles samling"))
    assert pg.locator(".tk-meeting").count() == 0  # not joined: nothing of the event here
    assert "meet.example.org" not in pg.content()
    pg.get_by_role("button", name=re.compile("Deltager I i et seminar")).click()
    pg.get_by_label("Kode", exact=True).fill(events.format_code(event.code))
    pg.get_by_label("Gruppens navn").fill("Bord 4")
    pg.get_by_role("button", name="Deltag", exact=True).click()
    link = pg.get_by_role("link", name="Åbn onlinemødet (i et nyt vindue)")
    expect(link).to_be_visible(timeout=30_000)
    assert link.get_attribute("href") == MEETING
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    expect(pg.locator(".tk-meeting-url")).to_have_text(MEETING)
    pg.locator(".tk-agenda-item", has_text="Velkommen").click()
    expect(pg.locator(".tk-meeting")).to_have_count(0)  # only in the joint gathering
    assert log.external_requests(kit_server.url) == []  # shown, never fetched
