"""Time to interactive in headless chromium (Playwright, Debian's chromium).

One *load* opens a page and measures, in the page's own clock (milliseconds since navigation
start, turned into seconds):

* ``html``: the last byte of the HTML (Voilà streams it while the notebook runs);
* ``widget``: the first widget view visible (ipywidgets/ipyvuetify element with a size);
* ``field``: the first answer field visible (a ``textarea`` or text ``input``);
* ``interactive``: a character typed into that field (real key events) is in its value.

*Time to interactive* is ``interactive``. A page never usable within the page timeout gets
``failure="no answer field"`` if it showed widgets but no enabled answer field, else
``failure="timeout"`` (``"timeout (blank page)"`` when it never showed anything, or
``"error: ..."``).

*Cold* is a new browser context (empty HTTP cache); *warm* is a second load in the same context.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from talkkit.chromium import CHROMIUM, CHROMIUM_ARGS

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "FIELD",
    "chromium_version",
    "cold_and_warm",
    "load_once",
    "open_groups",
    "saves_through_pages",
]

#: Chromium and its flags are talkkit's (``talkkit.chromium``), shared with talkkit's tests.

#: An answer field: a text area or a text input that is not a select's combobox.
FIELD = (
    "textarea:not([disabled]):not([readonly]), "
    "input[type=text]:not([disabled]):not([readonly]):not([role=combobox]):not([inputmode=none])"
)
WIDGET = ".jupyter-widgets, .v-application, .vuetify-styles > *, .lm-Widget.jupyter-widgets"

#: Records in the page when widgets and fields first become visible (20 ms polling, bounded).
INIT_SCRIPT = """
(() => {
  if (window.__bench) return;
  const marks = (window.__bench = {});
  const WIDGET = __WIDGET__, FIELD = __FIELD__;
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const first = (sel) => { for (const el of document.querySelectorAll(sel)) if (shown(el)) return true; return false; };
  const tick = () => {
    const t = performance.now();
    if (!marks.widget && first(WIDGET)) marks.widget = t;
    if (!marks.field && first(FIELD)) marks.field = t;
    if (!(marks.widget && marks.field) && t < 120000) setTimeout(tick, 20);
  };
  tick();
})();
""".replace("__WIDGET__", repr(WIDGET)).replace("__FIELD__", repr(FIELD))

_NAV = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return n ? {html_first_byte: n.responseStart, html: n.responseEnd,
              dom_content_loaded: n.domContentLoadedEventEnd} : {};
}"""


async def launch(playwright: Any) -> Any:
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def chromium_version() -> str:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await launch(p)
        try:
            return str(browser.version)
        finally:
            await browser.close()


async def new_context(browser: Any) -> Any:
    context = await browser.new_context(viewport={"width": 1366, "height": 900}, locale="da-DK")
    await context.add_init_script(INIT_SCRIPT)
    return context


async def load_once(
    context: Any,
    url: str,
    timeout: float,
    *,
    start: Any = None,
    keep: bool = False,
    record_urls: bool = False,
    latency_ms: float = 0,
    cpu_throttle: float = 1,
) -> dict:
    """Open ``url`` in a new page of ``context`` and measure it (see the module doc).

    ``start``: an ``asyncio.Event`` to wait for once the page exists (all groups go together).
    ``keep``: leave the page open and put it in the result as ``"_page"``.
    ``record_urls``: list every URL the page requested in ``"urls"``.
    ``latency_ms``: emulate this network round trip (a building's wifi, not localhost).
    ``cpu_throttle``: chromium's CPU slowed down this many times (4: a slow municipal laptop).
    ``"network"`` counts the HTTP responses that came over the network (not from the cache).
    """
    from playwright.async_api import Error as PlaywrightError

    page = await context.new_page()
    result: dict[str, Any] = {"url": url, "failure": None}
    requests: dict[str, Any] = {"n": 0, "urls": []}

    def on_response(response: Any) -> None:
        requests["n"] += 1
        if record_urls:
            requests["urls"].append(response.url)

    page.on("response", on_response)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    if latency_ms:
        await cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency_ms,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
        )

    def on_cdp_response(event: dict) -> None:
        response = event.get("response", {})
        if response.get("url", "").startswith("http") and not (
            response.get("fromDiskCache") or response.get("fromMemoryCache")
        ):
            requests["network"] = requests.get("network", 0) + 1

    cdp.on("Network.responseReceived", on_cdp_response)
    if cpu_throttle > 1:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_throttle})
    if start is not None:
        await start.wait()
    t0 = time.perf_counter()
    deadline = t0 + timeout

    def left() -> float:
        return max(1.0, (deadline - time.perf_counter()) * 1000)

    try:
        response = await page.goto(url, wait_until="commit", timeout=left())
        result["status"] = response.status if response else None
        await page.wait_for_function(
            "() => window.__bench && (window.__bench.field || window.__bench.widget)",
            timeout=left(),
            polling=50,
        )
        marks = await page.evaluate("() => window.__bench")
        if not marks.get("field"):
            try:
                await page.wait_for_function("() => window.__bench.field", timeout=left())
            except PlaywrightError:
                result["failure"] = "no answer field"
        if result["failure"] is None:
            field = page.locator(FIELD).filter(visible=True).first
            # focus and a real key press (no click: its actionability checks cost ~0.2 s)
            await field.focus(timeout=left())
            await page.keyboard.press("x")
            handle = await field.element_handle(timeout=left())
            done = await page.wait_for_function(
                "(el) => el.value.includes('x') ? performance.now() : false",
                arg=handle,
                timeout=left(),
                polling="raf",
            )
            result["interactive"] = (await done.json_value()) / 1000
    except PlaywrightError as exc:
        result["failure"] = "timeout" if "Timeout" in str(exc) else f"error: {str(exc)[:160]}"
    result["wall"] = time.perf_counter() - t0
    with contextlib.suppress(PlaywrightError):
        marks = await page.evaluate("() => window.__bench || {}")
        nav = await page.evaluate(_NAV)
        for name, value in {**nav, **marks}.items():
            if isinstance(value, int | float) and value > 0:
                result[name] = value / 1000
        if result["failure"] and result["failure"] != "no answer field":
            text = await page.evaluate("() => (document.body && document.body.innerText) || ''")
            result["page_text"] = " ".join(text.split())[:200]
            if result["failure"] == "timeout" and not result["page_text"]:
                result["failure"] = "timeout (blank page)"  # nothing was ever shown
    result["requests"] = requests["n"]
    result["network"] = requests.get("network", 0)
    if record_urls:
        result["urls"] = requests["urls"]
    if keep:
        result["_page"] = page
    else:
        with contextlib.suppress(PlaywrightError):
            await page.close()
    return result


async def cold_and_warm(
    browser: Any, url: str, timeout: float, latency_ms: float = 0, cpu_throttle: float = 1
) -> tuple[dict, dict]:
    """A cold load in a new context, then a warm load of the same page in that context."""
    context = await new_context(browser)
    try:
        cold = await load_once(
            context,
            url,
            timeout,
            record_urls=True,
            latency_ms=latency_ms,
            cpu_throttle=cpu_throttle,
        )
        warm = await load_once(
            context, url, timeout, latency_ms=latency_ms, cpu_throttle=cpu_throttle
        )
    finally:
        await context.close()
    return cold, warm


async def open_groups(
    url: str,
    groups: int,
    timeout: float,
    level_timeout: float,
    contexts_per_browser: int,
    after: Callable[[list[Any]], Awaitable[Any]] | None = None,
    alongside: Callable[[asyncio.Event], Awaitable[Any]] | None = None,
) -> tuple[list[dict], Any, Any]:
    """``groups`` new browser contexts open ``url`` at the same moment; one result each.

    ``alongside(start)`` runs at the same time (synthetic groups waiting for ``start``);
    ``after(pages)`` runs once both are done, while the pages are still open (pages that
    became interactive; the others are ``None``). Returns the loads and the two results.
    """
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        count = math.ceil(groups / contexts_per_browser)
        browsers = [await launch(p) for _ in range(count)]
        try:
            contexts = [await new_context(browsers[i % len(browsers)]) for i in range(groups)]
            start = asyncio.Event()
            tasks = [
                asyncio.create_task(load_once(ctx, url, timeout, start=start, keep=True))
                for ctx in contexts
            ]
            side = asyncio.create_task(alongside(start)) if alongside is not None else None
            await asyncio.sleep(0.5)  # every page exists and waits for the start
            start.set()
            done, pending = (
                await asyncio.wait(tasks, timeout=level_timeout) if tasks else (set(), set())
            )
            side_result = None
            if side is not None:
                try:
                    side_result = await asyncio.wait_for(side, level_timeout)
                except TimeoutError:
                    side_result = None
            for task in pending:
                task.cancel()
            results = []
            for task in tasks:
                if task in done and task.exception() is None:
                    results.append(task.result())
                else:
                    results.append({"url": url, "failure": "timeout (level)"})
            pages = [r.pop("_page", None) if r.get("interactive") else None for r in results]
            for r in results:
                r.pop("_page", None)
            extra = await after(pages) if after is not None else None
            return results, extra, side_result
        finally:
            for browser in browsers:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(browser.close(), 30)


async def saves_through_pages(
    pages: list[Any], store: Path | str, rounds: int = 3, timeout: float = 30.0
) -> dict[str, Any]:
    """End-to-end saves: every open kit page writes a new answer at the same moment.

    Each page fills its first answer field with a unique text and leaves the field (the kit's
    autosave sends on blur, without its one-second idle wait); the time is from the blur until
    a row holding that text is committed in the server's store (polled every 10 ms; ``store``
    is the SQLite file or a ``postgresql://`` URL).

    Then one *idle* round: the pages type and stay in the field, so the autosave sends after
    its idle pause; the time runs from the typing until the commit (``idle_latencies_ms``: a
    group loses at most the last two seconds of typing, the promise ``tests/test_crash.py``
    checks without a clock).
    """
    from playwright.async_api import Error as PlaywrightError

    latencies: list[float] = []
    idle_latencies: list[float] = []
    lost = idle_lost = 0
    live = [p for p in pages if p is not None]
    for round_no in range(rounds + 1):
        sent: dict[str, float] = {}

        async def write(i: int, page: Any, round_no: int = round_no, sent: dict = sent) -> None:
            marker = f"bench-e2e-{round_no}-{i}-{time.monotonic_ns()}"
            idle = round_no == rounds  # the last round waits for the autosave's idle pause
            try:
                field = page.locator(FIELD).filter(visible=True).first
                if idle:
                    sent[marker] = time.perf_counter()
                await field.fill(marker, timeout=10000)
                if not idle:
                    sent[marker] = time.perf_counter()
                    await field.blur(timeout=10000)
            except PlaywrightError:
                sent.pop(marker, None)

        await asyncio.gather(*(write(i, p) for i, p in enumerate(live)))
        seen = await asyncio.to_thread(_poll_store, store, set(sent), timeout)
        for marker, t_sent in sent.items():
            if marker in seen:
                (idle_latencies if round_no == rounds else latencies).append(
                    (seen[marker] - t_sent) * 1000
                )
            elif round_no == rounds:
                idle_lost += 1
            else:
                lost += 1
        await asyncio.sleep(1.5)  # let the fields' idle timers pass before the next round
    return {
        "pages": len(live),
        "rounds": rounds,
        "latencies_ms": latencies,
        "lost": lost,
        "idle_latencies_ms": idle_latencies,
        "idle_lost": idle_lost,
    }


def _poll_store(store: Path | str, markers: set[str], timeout: float) -> dict[str, float]:
    """When each marker first appears in a committed answer (bounded by ``timeout``).

    ``store``: the SQLite file, or a ``postgresql://`` URL.
    """
    seen: dict[str, float] = {}
    deadline = time.perf_counter() + timeout
    query = "SELECT value FROM answers WHERE value LIKE '%bench-e2e-%'"
    if isinstance(store, str) and store.startswith(("postgresql://", "postgres://")):
        import psycopg

        conn: Any = psycopg.connect(store, autocommit=True)
        errors: tuple[type[Exception], ...] = (psycopg.Error,)
    else:
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
        errors = (sqlite3.Error,)
    try:
        while markers - set(seen) and time.perf_counter() < deadline:
            now = time.perf_counter()
            try:
                rows = conn.execute(query).fetchall()
            except errors:
                rows = []
            for (value,) in rows:
                for marker in markers - set(seen):
                    if marker in value:
                        seen[marker] = now
            time.sleep(0.01)
    finally:
        conn.close()
    return seen
