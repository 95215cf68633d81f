"""Issue 22 in a real browser (Debian's chromium via Playwright): a group writes take-aways in
one kit, opens its next kit with its session link, and the kit starts with a follow-up of
them; the group marks how each went, writes what happened, and finds it again after a reload
and on the facilitator-free follow-up link of the first kit. Markup stays text; nothing is
requested from another host. Synchronisation is Playwright's auto-waiting only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser_kit import LOAD, assert_clean, go_to, kit_url, open_kit, watch_failures

from talkkit.store import open_store

pytestmark = pytest.mark.browser

KIT_A = "tidlig-opsporing"
KIT_B = "tvaerfagligt-samarbejde"
XSS = "<img src=x onerror=alert(1)>"


def test_the_next_kit_starts_with_last_times_takeaways(kit_server, page) -> None:
    pg, log = page
    failed = watch_failures(pg)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # Kit A: the group agrees on a take-away.
    open_kit(pg, kit_url(kit_server, kit=KIT_A))
    first = re.search(r"session=([\w-]+)", pg.url).group(1)
    go_to(pg, "Fra viden til praksis")
    pg.get_by_label("Hvad", exact=True).fill(f"Fælles bekymringsskema {XSS}")
    pg.get_by_label("Hvem", exact=True).fill("Teamlederen")
    pg.get_by_label("Hvornår", exact=True).fill("1. marts")
    expect(pg.locator(".tk-takeaways .tk-save-line")).to_have_text(re.compile("Gemt"))

    # Kit B, some weeks later, with the group's link: it starts with the follow-up.
    pg.goto(kit_url(kit_server, f"session={first}", kit=KIT_B), timeout=LOAD)
    card = pg.locator(".tk-followup")
    expect(card).to_be_visible(timeout=LOAD)
    expect(card.locator(".tk-section-title")).to_have_text("Opfølgning: hvordan gik det?")
    expect(card.locator(".tk-followup-what")).to_have_text(f"Fælles bekymringsskema {XSS}")
    expect(card).to_contain_text("Hvem: Teamlederen")
    expect(card).to_contain_text("Hvornår: 1. marts")
    second = re.search(r"session=([\w-]+)", pg.url).group(1)
    assert second != first
    card.locator("[data-tk-status=started]").click()
    card.get_by_label("Hvad skete der").fill("Skemaet er lavet, <b>ikke</b> brugt endnu")
    card.get_by_label("Hvad skete der").blur()
    expect(card.locator(".tk-save-line")).to_have_text(re.compile("Gemt"))

    # Saved like any answer: in the store, and back after a reload.
    with open_store(f"sqlite://{kit_server.data_dir / 'talkkit.sqlite3'}") as store:
        session = store.get_session(second)
        assert session.kit_id == KIT_B and session.follows == first
        stored = store.load_answers(second)["followup"].value
    assert stored == [
        {
            "what": f"Fælles bekymringsskema {XSS}",
            "who": "Teamlederen",
            "when": "1. marts",
            "note": "Skemaet er lavet, <b>ikke</b> brugt endnu",
            "status": "started",
        }
    ]
    pg.reload(timeout=LOAD)
    card = pg.locator(".tk-followup")
    expect(card.locator("[data-tk-status=started]")).to_have_attribute("aria-checked", "true")
    expect(card.get_by_label("Hvad skete der")).to_have_value(
        "Skemaet er lavet, <b>ikke</b> brugt endnu"
    )
    assert pg.locator(".tk-followup img").count() == 0 and dialogs == []

    # The follow-up link of kit A (talkkit event followup-link) starts a follow-up too.
    pg.goto(kit_url(kit_server, f"session={first}&followup=1", kit=KIT_A), timeout=LOAD)
    expect(pg.locator(".tk-followup .tk-followup-what")).to_have_count(1, timeout=LOAD)
    assert re.search(r"session=([\w-]+)", pg.url).group(1) not in (first, second)
    pg.screenshot(path=str(kit_server.data_dir / "followup.png"))
    assert_clean(log, failed, kit_server.url)
