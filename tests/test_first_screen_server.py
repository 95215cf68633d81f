"""The first screen when many groups open the kit at once (issue 20, the 60-groups row).

* A kit page's kernel start is reserved before its first byte, so the first screen can be sent
  before Voilà has read the notebook, and a refusal is still an HTTP status.
* A load without the client cookie that finds the anonymous share full is redirected once, at
  once, with a fresh cookie (a group's browser gets its own share without a 503 page); a
  client that keeps no cookies still gets the 503 page.
* The head sent before Voilà has rendered it is the head Voilà renders, with a preheated kernel
  and without one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import KITS, start_server, stop_server
from tornado import web

from talkkit.page import kernels as kernels_module
from talkkit.page.kernels import ANONYMOUS, AnonymousShareFull, BoundedKernelManager
from talkkit.page.policy import CLIENT_COOKIE
from talkkit.upstream import first_screen as seam

KIT_PATH = "voila/render/tidlig-opsporing/kit.ipynb"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, cookie: str | None = None) -> tuple[int, Any, str]:
    """Status, headers and body of a GET that does not follow redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8", "replace")


def _manager(monkeypatch: pytest.MonkeyPatch, **config: Any) -> BoundedKernelManager:
    """A bounded manager whose kernels start at once, without a process."""
    started: list[str] = []

    async def start(self: Any, *args: Any, kernel_id: str = "", **kwargs: Any) -> str:
        started.append(kernel_id)
        return kernel_id

    monkeypatch.setattr(kernels_module.AsyncMappingKernelManager, "start_kernel", start)
    manager = BoundedKernelManager(**config)
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: list(started))
    return manager


def _run(coroutine: Any) -> Any:
    # a loop of its own in a thread of its own (a server fixture may run a loop in this one)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


def test_an_admission_holds_its_slot_until_a_start_uses_it_or_it_is_released(monkeypatch):
    manager = _manager(monkeypatch, max_kernels=8, client_kernels=1)
    browser = {"HTTP_COOKIE": f"{CLIENT_COOKIE}=browser-one-{'x' * 12}"}
    first = manager.admit(browser)
    with pytest.raises(web.HTTPError) as refused:
        manager.admit(browser)  # this browser's one unconnected kernel is reserved
    assert refused.value.status_code == 503 and not isinstance(refused.value, AnonymousShareFull)
    manager.release(first)
    manager.release(first)  # twice: nothing more is given back
    assert manager._reserved == 0 and manager._starting == {}
    second = manager.admit(browser)

    async def use() -> str:
        return await manager.start_kernel(kernel_id="k1", admission=second, env=browser)

    assert _run(use()) == "k1"
    manager.release(second)  # used by the start: nothing to give back
    assert manager._reserved == 0 and manager._starting == {}
    assert manager._waiting["k1"].client.startswith("browser-one")
    with pytest.raises(web.HTTPError):  # k1 has not connected: still this browser's one
        manager.admit(browser)


def test_loads_without_a_cookie_past_their_share_are_told_so(monkeypatch):
    manager = _manager(monkeypatch, max_kernels=8)  # anonymous share: 2
    assert manager.anonymous_share() == 2
    held = [manager.admit({}), manager.admit({"HTTP_COOKIE": "other=1"})]
    assert all(a.client == ANONYMOUS for a in held)
    with pytest.raises(AnonymousShareFull) as refused:
        manager.admit({})
    assert refused.value.status_code == 503
    manager.release(held[0])
    assert manager.admit({}).client == ANONYMOUS


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_load_without_a_cookie_past_the_share_is_redirected_once_with_one(tmp_path: Path):
    """``--max-kernels 4``: loads without the cookie may hold one unconnected kernel. The
    second such load is sent at once to the same address (its query kept) with a cookie; with
    the cookie it gets the kit page and its first screen; without one, the 503 page."""
    server = start_server(KITS, tmp_path / "data", tmp_path / "serve.log", "--max-kernels", "4")
    try:
        url = server.url + KIT_PATH + "?lang=sv"
        status, _headers, first = fetch(url)
        assert status == 200 and 'id="tk-first"' in first  # holds the anonymous share
        status, headers, _body = fetch(url)
        assert status == 303
        location = headers["Location"]
        assert location.endswith(f"/{KIT_PATH}?lang=sv&{seam.COOKIE_RETRY}=1")
        found = re.search(rf"{CLIENT_COOKIE}=([^;]+)", headers.get("Set-Cookie", ""))
        assert found, headers
        cookie = f"{CLIENT_COOKIE}={found.group(1)}"
        target = server.url.rstrip("/") + location
        status, _headers, page = fetch(target, cookie)
        assert status == 200 and 'id="tk-first"' in page and 'lang="sv"' in page
        status, headers, _body = fetch(target)  # a client that keeps no cookies
        assert status == 503 and headers.get("Refresh")
        assert server.log().count("Kernel started") == 2
        assert "unconnected kernels of one client (no cookie)" in server.log()
    finally:
        stop_server(server)


def _head(page: str) -> str:
    """The page up to its first screen, and the first screen's script."""
    start = page.index('<div id="tk-first"')
    script = re.search(r"<script[^>]*static/first-screen\.js[^>]*></script>", page)
    assert script, "the first screen's script"
    return page[:start] + script.group(0)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_the_head_sent_early_is_the_head_voila_renders(tmp_path: Path) -> None:
    """The second page of a server without preheated kernels gets the head kept from the
    first, before Voilà has rendered it: the same head, and the rest of the page once. And a
    preheated kernel's page has the same head."""
    plain = start_server(KITS, tmp_path / "d1", tmp_path / "plain.log")
    try:
        pages = [fetch(plain.url + KIT_PATH)[2] for _ in range(3)]
    finally:
        stop_server(plain)
    assert _head(pages[0]) == _head(pages[1]) == _head(pages[2])
    assert all(p.rstrip().endswith("</html>") and p.count('id="tk-first"') == 1 for p in pages)
    assert "does not match" not in plain.log() and "head of the previous one" not in plain.log()
    preheated = start_server(
        KITS, tmp_path / "d2", tmp_path / "preheated.log",
        "--preheat", "1", "--preheat-kit", "tidlig-opsporing",
    )  # fmt: skip
    try:
        end = time.monotonic() + 240
        while "is filled with 1 kernel" not in preheated.log() and time.monotonic() < end:
            time.sleep(0.5)
        page = fetch(preheated.url + KIT_PATH)[2]
        assert "Using pre-heated kernel" in preheated.log()
    finally:
        stop_server(preheated)
    assert _head(page) == _head(pages[0])


def test_pages_take_turns_up_to_their_head_and_a_turn_ends_by_itself(monkeypatch) -> None:
    """A page waits for the turn of the page before it; a turn given back twice counts once;
    a turn never given back (a head that never comes) ends after ``TURN_SECONDS``."""
    monkeypatch.setattr(seam, "_TURN", None)
    monkeypatch.setattr(seam, "TURN_SECONDS", 0.05)

    async def scenario() -> None:
        first = await seam._take_turn()
        second = asyncio.ensure_future(seam._take_turn())
        await asyncio.sleep(0)
        assert not second.done()
        first.release()
        first.release()
        await asyncio.wait_for(second, 10)  # never given back: ends by itself
        third = await asyncio.wait_for(seam._take_turn(), 10)
        fourth = asyncio.ensure_future(seam._take_turn())
        third.release()
        (await asyncio.wait_for(fourth, 10)).release()
        assert seam._TURN is not None and not seam._TURN.locked()

    _run(scenario())


def test_kept_heads_are_bounded_and_the_newest_kept(monkeypatch) -> None:
    """The key holds the address's template and theme, which anyone types: a flood of
    addresses keeps at most ``HEADS_KEPT`` heads, the newest ones."""
    monkeypatch.setattr(seam, "_HEADS", {})
    for i in range(seam.HEADS_KEPT + 10):
        seam._keep_head(("kit.ipynb", i), (f"head {i}", ""))
    assert len(seam._HEADS) == seam.HEADS_KEPT
    assert ("kit.ipynb", 0) not in seam._HEADS
    assert seam._HEADS[("kit.ipynb", seam.HEADS_KEPT + 9)] == (f"head {seam.HEADS_KEPT + 9}", "")
    seam._keep_head(("kit.ipynb", 10), ("again", ""))  # kept again: the newest
    assert list(seam._HEADS)[-1] == ("kit.ipynb", 10)
