"""Leaving a kit page (reload, language switch, closed tab) loses nothing and breaks nothing.

Voilà's own ``beforeunload`` listener disposes the page's kernel connection. Answer fields
send after a second of idle; before the talkkit page template flushed them ahead of that
dispose, text typed just before a reload never reached the store. And a component that sent
a widget message as the page went away (its ``mounted`` hook, a click) threw "Cannot send"
from the disposed connection into the page: the CI run of stop 10 failed on that console error
when the language switch left a page that was still mounting its views.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser_kit import LOAD, assert_clean, go_to, kit_url, open_kit, watch_failures

pytestmark = pytest.mark.browser


def test_text_typed_just_before_a_reload_is_saved(kit_server, page) -> None:
    """No pause after typing: the reload comes well inside the fields' one-second idle wait."""
    pg, log = page
    failed = watch_failures(pg)
    open_kit(pg, kit_url(kit_server, "lang=en"))
    go_to(pg, "Den lærende samtale")
    field = pg.locator("#tk-learning-recognise")
    field.fill("Typed a moment before the reload")
    pg.reload(timeout=LOAD)
    expect(pg.locator(".tk-phase-title")).to_be_visible(timeout=LOAD)
    go_to(pg, "Den lærende samtale")
    expect(field).to_have_value("Typed a moment before the reload")
    assert_clean(log, failed, kit_server.url)


def test_a_message_sent_while_the_page_unloads_throws_nothing(kit_server, page) -> None:
    """After Voilà's unload handler ran, a click that sends a widget message is dropped quietly."""
    pg, log = page
    failed = watch_failures(pg)
    open_kit(pg, kit_url(kit_server, "lang=en"))
    go_to(pg, "Den lærende samtale")
    speaker = pg.locator(".tk-speaking .tk-speaker")
    expect(speaker).to_have_text("Person 1")
    pg.get_by_role("button", name="Next speaker").click()
    expect(speaker).to_have_text("Person 2")  # the connection works before the unload

    # What a navigation does first: every beforeunload listener, Voilà's dispose among them.
    pg.evaluate("() => window.dispatchEvent(new Event('beforeunload'))")
    pg.wait_for_function("() => window.jupyterapp._widgetManager.kernel.isDisposed")
    pg.get_by_role("button", name="Next speaker").click()
    pg.get_by_role("button", name="Next speaker").click()
    expect(speaker).to_have_text("Person 2")  # nothing reached the kernel, nothing broke
    assert_clean(log, failed, kit_server.url)
