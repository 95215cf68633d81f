"""A group joins an event from the kit page (the demo kit, as served) in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KitServer

from talkkit import events
from talkkit.store import open_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(kit_server: KitServer) -> KitServer:
    return kit_server


def test_a_group_joins_and_its_answer_reaches_the_board(server: KitServer, page) -> None:
    """End to end: a group types the code, joins, writes an answer; the facilitator logs in
    to the board and sees the group and its answer."""
    pg, log = page
    url = f"sqlite://{Path(server.data_dir) / 'talkkit.sqlite3'}"
    with open_store(url) as store:
        event, secret = events.create_event(store, "tidlig-opsporing", "Seminar Vejle")
    pg.goto(f"{server.url}voila/render/tidlig-opsporing/kit.ipynb?lang=en", timeout=120_000)
    pg.get_by_role("button", name="Taking part in a seminar? Join it with its code").click(
        timeout=120_000
    )
    pg.get_by_label("Join code").fill(events.format_code(event.code).lower())
    pg.get_by_label("Group name").fill("Bord <b>7</b>")
    pg.get_by_label("Municipality").fill("Vejle")
    pg.get_by_role("button", name="Join", exact=True).click()
    status = pg.get_by_role("status").filter(has_text="Seminar Vejle")
    status.wait_for(timeout=30_000)
    assert "Bord <b>7</b> (Vejle)" in status.inner_text()
    with open_store(url) as store:
        [session] = store.list_sessions(event_id=event.id)
        assert (session.group_name, session.municipality) == ("Bord <b>7</b>", "Vejle")
    answer = pg.get_by_label("Our answer").first
    answer.fill("Vi starter med en fælles tjekliste")
    board = pg.context.new_page()
    board.goto(f"{server.url}voila/render/board.ipynb?lang=en", timeout=120_000)
    board.locator(".tkb-secret input").fill(secret)
    board.locator(".tkb-login-btn").click()
    board.get_by_role("cell", name="Bord <b>7</b>").wait_for(timeout=60_000)
    board.get_by_role("tab", name="Answers").click()
    board.locator(".tkb-answer", has_text="fælles tjekliste").wait_for(timeout=30_000)
    assert log.external_requests(server.url) == []


def test_a_wrong_code_says_so_and_joins_nothing(server: KitServer, page) -> None:
    pg, _log = page
    pg.goto(
        f"{server.url}voila/render/tidlig-opsporing/kit.ipynb?lang=sv&event=ABCD-EFGH-JKMN",
        timeout=120_000,
    )
    code = pg.get_by_label("Kod", exact=True)
    code.wait_for(timeout=120_000)
    assert code.input_value() == "ABCD-EFGH-JKMN"
    pg.get_by_label("Gruppens namn").fill("Bord 1")
    pg.get_by_role("button", name="Anslut", exact=True).click()
    alert = pg.get_by_role("alert").filter(has_text="Koden passar inte")
    alert.wait_for(timeout=30_000)
