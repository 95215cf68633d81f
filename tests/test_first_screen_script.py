"""The first screen's script (``templates/talkkit/static/first-screen.js``) on its own, in
chromium, on a first screen rendered by the server's own code: does it keep what is typed,
say honestly that it is not saved, and hand text, caret and focus to whoever takes it over?

On a real kit page with a slow kernel: ``test_first_screen_browser.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import KITS

from talkkit.kit import load_kit
from talkkit.page.first_screen import first_screen
from talkkit.page.first_screen_html import render
from talkkit.upstream._scripts import TEMPLATE_STATIC

pytestmark = pytest.mark.browser

KIT = load_kit(KITS / "tidlig-opsporing")
ORIGIN = "http://first-screen.test"
SCRIPT = (TEMPLATE_STATIC / "first-screen.js").read_text(encoding="utf-8")


def serve(pg: Any, body: str) -> None:
    """Serve ``body`` (with the script after it, as the template places it) at ORIGIN."""
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>t</title></head><body>{body}<script>{SCRIPT}</script></body></html>"
    pg.route(
        f"{ORIGIN}/**",
        lambda route: route.fulfill(body=page, content_type="text/html; charset=utf-8"),
    )
    pg.goto(f"{ORIGIN}/kit")


@pytest.fixture
def screen():
    return first_screen(KIT, "da", session_id="sessionid1234")


def test_typing_is_kept_in_the_browser_and_marked_not_saved(page, screen) -> None:
    pg, log = page
    serve(pg, render(screen))
    key = screen.fields[0].key
    area = pg.locator(f'#tk-first textarea[data-key="{key}"]')
    area.click()
    pg.keyboard.type("Vi håber")
    # kept as the widget fields keep their drafts (widgets/autosave.vue): per page, session and
    # field, with the saved text it was typed over (none here: "", as the widget field has it)
    stored = pg.evaluate(f"localStorage.getItem('talkkit.draft./kit|sessionid1234|{key}')")
    assert json.loads(stored) == {"v": "Vi håber", "b": ""}
    line = pg.locator(f'.tkf-answer:has(textarea[data-key="{key}"]) .tkf-save-line')
    assert line.inner_text() == screen.texts["not_saved"]
    body = pg.locator("body").inner_text()
    assert "Gemt" not in body and "gemt" not in body.replace("Ikke gemt endnu", "")
    # a reload before the takeover shows what was typed, still not saved
    pg.reload()
    assert area.input_value() == "Vi håber"
    assert line.inner_text() == screen.texts["not_saved"]
    assert log.console_errors == []


def test_a_kept_draft_comes_back_only_over_the_saved_text_it_was_typed_over(page) -> None:
    """The first screen's draft is the widget fields' draft: typed over one saved text, it does
    not come back once the store holds another (someone saved a newer version)."""
    pg, log = page
    one = first_screen(KIT, "da", session_id="sessionid1234")
    key = one.fields[0].key
    serve(pg, render(one))
    pg.locator(f'#tk-first textarea[data-key="{key}"]').click()
    pg.keyboard.type("vores udkast")
    pg.unroute(f"{ORIGIN}/**")
    # the same page again, now holding a text another table saved meanwhile
    newer = first_screen(KIT, "da", session_id="sessionid1234", values={key: "gemt andetsteds"})
    serve(pg, render(newer))
    assert pg.locator(f'#tk-first textarea[data-key="{key}"]').input_value() == "gemt andetsteds"
    assert pg.evaluate(f"localStorage.getItem('talkkit.draft./kit|sessionid1234|{key}')") is None
    assert log.console_errors == []


def test_the_first_take_hands_over_text_caret_and_focus_and_removes_the_screen(
    page, screen
) -> None:
    pg, _ = page
    serve(pg, render(screen))
    first, views = screen.fields[0].key, screen.fields[1].key
    pg.locator(f'textarea[data-key="{views}"]').fill("andre syn")
    pg.locator(f'textarea[data-key="{first}"]').click()
    pg.keyboard.type("abcdef")
    pg.keyboard.press("ArrowLeft")
    pg.keyboard.press("Shift+ArrowLeft")
    pg.evaluate("window.addEventListener('talkkit-first-screen-gone', () => { window.gone = 1; })")
    got = pg.evaluate(f"window.talkkitFirstScreen.take({first!r})")
    assert got == {
        "value": "abcdef",
        "start": 4,
        "end": 5,
        "direction": "backward",
        "focused": True,
    }
    assert pg.evaluate("!document.getElementById('tk-first') && window.gone === 1")
    assert pg.evaluate("window.talkkitFirstScreen.showing") is False
    other = pg.evaluate(f"window.talkkitFirstScreen.take({views!r})")
    assert other["value"] == "andre syn" and other["focused"] is False
    assert pg.evaluate(f"window.talkkitFirstScreen.take({first!r})") is None  # taken once
    assert pg.evaluate("window.talkkitFirstScreen.take('no.such.key')") is None
    # the store has it: the browser's copy goes
    k = f"talkkit.draft./kit|sessionid1234|{first}"
    assert json.loads(pg.evaluate(f"localStorage.getItem({k!r})"))["v"] == "abcdef"
    pg.evaluate(f"window.talkkitFirstScreen.saved({first!r})")
    assert pg.evaluate(f"localStorage.getItem({k!r})") is None


def test_release_keeps_the_screen_for_its_fields_and_drops_it_otherwise(page, screen) -> None:
    pg, _ = page
    serve(pg, render(screen))
    pg.evaluate(f"window.talkkitFirstScreen.release({screen.phase_id!r})")
    assert pg.locator("#tk-first").count() == 1  # its fields will be taken over
    pg.evaluate("window.talkkitFirstScreen.release('another-step')")
    assert pg.locator("#tk-first").count() == 0
    talks = next(p.id for p in KIT.agenda if p.kind == "talks")
    serve(pg, render(first_screen(KIT, "da", phase_id=talks)))
    assert pg.locator("#tk-first textarea").count() == 0
    pg.evaluate(f"window.talkkitFirstScreen.release({talks!r})")
    assert pg.locator("#tk-first").count() == 0


def test_without_a_first_screen_nothing_is_taken(page) -> None:
    pg, log = page
    serve(pg, "<p>no first screen</p>")
    assert pg.evaluate("window.talkkitFirstScreen.take('welcome.expectations')") is None
    assert pg.evaluate("window.talkkitFirstScreen.showing") is False
    pg.evaluate("window.talkkitFirstScreen.release('welcome')")
    assert log.console_errors == []


def test_voilas_styles_wait_for_its_start_then_apply(page, screen) -> None:
    """Voilà's stylesheets, loaded while the first screen takes typing, are applied when its
    front end starts (boot-gate.js calls talkkitApplyStyles), not while keys may come; on a
    page without the boot gate at once."""
    pg, log = page
    serve(pg, render(screen))
    pg.evaluate("window.talkkitBoot = { started: false }")  # the gate, holding Voilà back
    held = """() => { const l = document.createElement('link'); l.rel = 'stylesheet';
        l.media = 'print'; document.head.appendChild(l); window.talkkitStyle(l); return l; }"""
    link = pg.evaluate_handle(held)
    assert link.evaluate("(l) => l.media") == "print"
    pg.evaluate("window.talkkitApplyStyles()")
    assert link.evaluate("(l) => l.media") == "all"
    pg.evaluate("delete window.talkkitBoot")  # no gate: a parsed page applies them at once
    assert pg.evaluate_handle(held).evaluate("(l) => l.media") == "all"
    assert log.console_errors == []
