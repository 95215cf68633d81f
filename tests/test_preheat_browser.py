"""Preheated kernels end to end: ``talkkit serve --preheat 1 --preheat-kit KIT``."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import psutil
import pytest
from conftest import KITS, start_server, stop_server
from playwright.sync_api import expect
from test_browser_kit import KIT, kit_url, open_kit, save_line

pytestmark = pytest.mark.browser


def kernels(server) -> list[psutil.Process]:
    found = []
    for proc in psutil.Process(server.process.pid).children(recursive=True):
        if "talkkit.page.kernel" in proc.cmdline():
            found.append(proc)
    return found


def test_a_preheated_kernel_serves_the_page_in_the_language_asked(tmp_path, page) -> None:
    """The pool kernel ran the kit before the request; the page's ``?lang=sv`` reaches it
    through talkkit.page.preheat.wait_for_request, and only the chosen kit has a pool."""
    pg, _ = page
    server = start_server(
        KITS, tmp_path / "data", tmp_path / "serve.log", "--preheat", "1", "--preheat-kit", KIT
    )
    try:
        deadline = time.monotonic() + 120
        while "is filled with" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.25)
        assert "is filled with" in server.log(), server.log()[-2000:]
        pool = kernels(server)
        assert len(pool) == 1  # one kit has a pool, the six others none
        open_kit(pg, kit_url(server, "lang=sv"))
        expect(pg.locator("html")).to_have_attribute("lang", "sv")
        # The page took the pool's kernel (a fresh one would have started beside it).
        taken = kernels(server)
        assert pool[0].pid in {k.pid for k in taken}
        field = pg.get_by_label("Vårt svar").first
        expect(field).to_be_visible()
        field.fill("Förvärmd kärna")
        field.press("Tab")
        field_id = field.get_attribute("id")
        expect(save_line(pg, field_id)).to_have_text(re.compile("Sparat"), timeout=10000)
    finally:
        stop_server(server)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preheat", "2", "--preheat-kit", "no-such-kit"], "no kit named 'no-such-kit'"),
        (["--preheat", "2", "--preheat-kit", "../kits"], "no kit named '../kits'"),
        (["--preheat-kit", KIT], "--preheat-kit needs --preheat N"),
    ],
)
def test_preheat_kit_must_name_a_kit(args: list[str], message: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "talkkit", "serve", "--kits-dir", str(KITS), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert message in out.stdout
