"""A student in the gallery, in a real browser: topics by name, a format filter, a search
field whose hint is not cut off (Danish and Swedish, 1366 px and a narrow window)."""

from __future__ import annotations

import pytest
from conftest import KITS
from playwright.sync_api import expect

from talkkit.kit import find_kits, load_kit

pytestmark = pytest.mark.browser

KIT_IDS = {load_kit(k).id for k in find_kits(KITS)} | {load_kit(k).topic for k in find_kits(KITS)}

#: How wide a text is in the search field's own font, against the room the field gives it.
_FITS = """() => {
  const input = document.getElementById('search'), style = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [ctx.measureText(input.placeholder).width, room];
}"""


@pytest.mark.parametrize("lang", ["da", "sv"])
@pytest.mark.parametrize("width", [1366, 700])
def test_the_gallery_speaks_names_and_filters_by_format(kit_server, page, lang, width) -> None:
    pg, log = page
    pg.set_viewport_size({"width": width, "height": 800})
    pg.goto(f"{kit_server.url}?lang={lang}")
    cards = pg.locator("#kits > li")
    expect(cards.first).to_be_visible()
    total = cards.count()
    assert total == len(find_kits(KITS))
    chips = pg.locator(".chips li").all_inner_texts()
    options = pg.locator("#topic option").all_inner_texts()
    assert len(options) == total + 1  # "all topics" and one name per kit's topic
    assert not (set(chips) | set(options)) & KIT_IDS  # names, never ids
    assert "Tidlig opsporing" in options and "Skolfrånvaro" in options
    # the format filter
    self_study = {load_kit(k).format for k in find_kits(KITS)}
    assert self_study == {"hybrid-seminar", "self-study"}
    pg.select_option("#format", "self-study")
    visible = pg.locator("#kits > li:not([hidden])")
    expect(visible).to_have_count(2)
    assert all(
        f == "self-study" for f in visible.evaluate_all("els => els.map(e => e.dataset.format)")
    )
    pg.select_option("#format", "hybrid-seminar")
    expect(visible).to_have_count(total - 2)
    pg.select_option("#format", "")
    expect(visible).to_have_count(total)
    # the search hint fits its field
    text_width, room = pg.evaluate(_FITS)
    assert text_width <= room, (text_width, room)
    assert log.external_requests(kit_server.url) == []
