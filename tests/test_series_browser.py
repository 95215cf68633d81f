"""Issue 22 part 2 in a real browser (Debian's chromium via Playwright): a two-kit series for
one team. The team opens kit 1 from its page, writes take-aways, opens kit 2 from its page;
kit 2 starts with the follow-up of those take-aways; the team marks one done; the leader's
overview (behind the series secret) shows it. Markup stays text; nothing is requested from
another host; both pages pass axe-core. Synchronisation is Playwright's auto-waiting only."""

from __future__ import annotations

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from test_a11y import check
from test_browser_kit import LOAD, assert_clean, go_to, watch_failures

from talkkit.events.codes import format_code
from talkkit.series.setup import create_series
from talkkit.store import open_store

pytestmark = pytest.mark.browser

KIT_A = "tidlig-opsporing"
KIT_B = "tvaerfagligt-samarbejde"
XSS = "<img src=x onerror=alert(1)>"


def test_a_team_goes_through_its_two_kit_series(kit_server, page, browser) -> None:
    pg, log = page
    failed = watch_failures(pg)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with open_store(f"sqlite://{kit_server.data_dir / 'talkkit.sqlite3'}") as store:
        series, secret = create_series(
            store, f"Team Vest {XSS}", [(KIT_A, date(2027, 1, 10)), (KIT_B, date(2027, 3, 1))]
        )
    team_url = f"{kit_server.url}talkkit/team?code={format_code(series.code)}"

    # The team's page: kit 1 is next, kit 2 planned; kit 1 opens from it.
    pg.goto(team_url, timeout=LOAD)
    expect(pg.locator("h1")).to_have_text(f"Team Vest {XSS}")
    first_card = pg.locator("li[data-step='1']")
    expect(first_card.locator(".state")).to_have_text("Næste")
    expect(pg.locator("li[data-step='2'] .state")).to_have_text("Planlagt")
    first_card.get_by_role("button", name="Åbn kittet").click()
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=LOAD)
    expect(pg.locator(".tk-status")).not_to_have_class(re.compile("tk-status-opening"))
    assert f"/voila/render/{KIT_A}/kit.ipynb" in pg.url
    first = re.search(r"session=([\w-]+)", pg.url).group(1)

    # Kit 1: the team agrees on two take-aways.
    go_to(pg, "Fra viden til praksis")
    pg.get_by_label("Hvad", exact=True).fill(f"Fælles bekymringsskema {XSS}")
    pg.get_by_label("Hvem", exact=True).fill("Teamlederen")
    pg.get_by_label("Hvornår", exact=True).fill("1. marts")
    expect(pg.locator(".tk-takeaways .tk-save-line")).to_have_text(re.compile("Gemt"))

    # Back on the team's page: what they committed to; kit 2 opens from it.
    pg.goto(team_url, timeout=LOAD)
    first_card = pg.locator("li[data-step='1']")
    expect(first_card.locator(".commitment td").first).to_have_text(f"Fælles bekymringsskema {XSS}")
    expect(first_card.locator(".commitment")).to_contain_text("Ikke fulgt op endnu")
    pg.screenshot(path=str(kit_server.data_dir / "series-team.png"), full_page=True)
    check(Axe(), pg, "the team's page")
    pg.locator("li[data-step='2']").get_by_role("button", name="Åbn kittet").click()

    # Kit 2 starts with the follow-up of kit 1's take-aways; one is marked done.
    card = pg.locator(".tk-followup")
    expect(card).to_be_visible(timeout=LOAD)
    assert f"/voila/render/{KIT_B}/kit.ipynb" in pg.url
    second = re.search(r"session=([\w-]+)", pg.url).group(1)
    expect(card.locator(".tk-followup-what")).to_have_text(f"Fælles bekymringsskema {XSS}")
    expect(card).to_contain_text("Hvem: Teamlederen")
    card.locator("[data-tk-status=done]").click()
    card.get_by_label("Hvad skete der").fill("Skemaet bruges nu <b>hver uge</b>")
    card.get_by_label("Hvad skete der").blur()
    expect(card.locator(".tk-save-line")).to_have_text(re.compile("Gemt"))
    with open_store(f"sqlite://{kit_server.data_dir / 'talkkit.sqlite3'}") as store:
        steps = store.series_sessions(series.id)
        assert (steps[1].id, steps[2].id) == (first, second) and steps[2].follows == first
        assert store.load_answers(second)["followup"].value[0]["status"] == "done"
        store.save_answer(first, "evaluation.useful", 4, None)  # kit 1's rating, for the trend

    # The team's page: kit 1 done, its take-away followed up.
    pg.goto(team_url, timeout=LOAD)
    expect(pg.locator("li[data-step='1'] .state")).to_have_text("Gjort")
    expect(pg.locator("li[data-step='1'] .commitment")).to_contain_text("Gjort")
    expect(pg.locator("li[data-step='2'] .state")).to_have_text("Næste")

    # A wrong secret from this browser is refused (403) ...
    pg.goto(f"{kit_server.url}talkkit/series-overview", timeout=LOAD)
    pg.get_by_label("Læringsforløbets lederkode").fill("forkert")
    pg.get_by_role("button", name="Åbn overblikket").click()
    expect(pg.locator(".error")).to_contain_text("Det er ikke lederkoden")
    refused = [r for r in failed if r.status == 403 and "/talkkit/series-overview" in r.url]
    assert len(refused) == 1
    failed.remove(refused[0])
    log.console_errors.remove(
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    )
    assert_clean(log, failed, kit_server.url)

    # ... and the leader, in another browser, gets in at once and sees the team's way.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK")
    leader = context.new_page()
    requests: list[str] = []
    leader.on("request", lambda r: requests.append(r.url))
    leader.goto(f"{kit_server.url}talkkit/series-overview", timeout=LOAD)
    leader.get_by_label("Læringsforløbets lederkode").fill(secret)
    leader.get_by_role("button", name="Åbn overblikket").click()
    expect(leader.locator("h1")).to_have_text(f"Lederens overblik: Team Vest {XSS}")
    row = leader.locator("li[data-step='1'] .commitment")
    expect(row).to_contain_text("Gjort")
    expect(row).to_contain_text("Skemaet bruges nu <b>hver uge</b>")
    expect(leader.locator("p.summary")).to_contain_text("1 af 2 kits gennemført")
    expect(leader.locator("table.trend .mean")).to_have_text(["4.0", "–"])
    leader.screenshot(path=str(kit_server.data_dir / "series-overview.png"), full_page=True)
    check(Axe(), leader, "the leader's overview")
    assert leader.locator("main img, main b").count() == 0 and dialogs == []
    assert [u for u in requests if not u.startswith(kit_server.url)] == []
    context.close()
