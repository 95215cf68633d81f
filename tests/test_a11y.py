"""Does every kit page pass axe-core with no serious or critical violation?

The gallery, and each phase of the demo kit: as participants see it, and as a facilitator sees
it in Swedish with the dark theme and a privacy warning on screen. Moderate and minor findings
do not fail the test; they are reported as warnings so they stay visible.
"""

from __future__ import annotations

import re
import warnings

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOAD = 60_000
BLOCKING = ("serious", "critical")
KIT_PAGE = "voila/render/tidlig-opsporing/kit.ipynb"


def check(axe: Axe, page: Page, where: str) -> None:
    results = axe.run(page).response
    blocking, other = [], []
    for violation in results["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:5]
        line = f"{where}: {violation['impact']} {violation['id']} ({violation['help']}) {targets}"
        (blocking if violation["impact"] in BLOCKING else other).append(line)
    for line in other:
        warnings.warn(line, stacklevel=2)
    assert blocking == []


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_gallery(kit_server, page, axe) -> None:
    pg, _log = page
    pg.goto(kit_server.url)
    expect(pg.locator("h1")).to_be_visible()
    check(axe, pg, "gallery")


@pytest.mark.parametrize(
    "query",
    ["", "lang=sv&facilitator=1&theme=dark"],
    ids=["participant-da-light", "facilitator-sv-dark"],
)
def test_every_phase_of_the_demo_kit(kit_server, page, axe, query: str) -> None:
    pg, _log = page
    pg.goto(f"{kit_server.url}{KIT_PAGE}?{query}", timeout=LOAD)
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=LOAD)
    expect(pg.locator(".tk-status")).not_to_have_class(re.compile("tk-status-opening"))
    items = pg.locator(".tk-agenda-item")
    for i in range(items.count()):
        items.nth(i).click()
        expect(items.nth(i)).to_have_attribute("aria-current", "step")
        title = items.nth(i).locator(".tk-agenda-name").inner_text()
        expect(pg.locator(".tk-phase-title")).to_have_text(title)
        if query and i == 2:
            # A privacy warning on screen (the number looks like a CPR number).
            pg.locator("#tk-learning-struck").fill("Barnet 010190-1239 blev stille")
            expect(pg.locator(".tk-answer .v-alert").first).to_be_visible()
        check(axe, pg, f"{query or 'default'} phase {i + 1} ({title})")
    # The kit's end (thanks, what is saved, the downloads), in room mode as in normal size.
    pg.locator(".tk-next").click()
    expect(pg.locator("#tk-end")).to_be_visible()
    check(axe, pg, f"{query or 'default'} end")
    pg.evaluate("() => document.documentElement.classList.remove('tk-room', 'tk-size-room')")
    check(axe, pg, f"{query or 'default'} end, normal size")
