"""The facilitator board in chromium with 60 groups of 20 answers: what a facilitator feels.

``talkkit serve`` on a copy of the kit and ``board.ipynb``; one event of the demo kit seeded
with ``groups`` sessions x ``answers`` answers (as :mod:`talkkit_bench.board` seeds them), then
in one chromium page:

* ``login_s``: from the login click until the board's tabs show;
* ``answers_tab_s``: from the click on *Answers* until the last group's card shows;
* ``save_visible_s``: three groups save a new answer to the prompt shown; each time runs from
  the save until the text shows on the board (the board's poll, patch and render);
* ``longest_task_ms``: the page's longest main-thread task while those saves arrive (a
  ``longtask`` observer): a freeze a facilitator would see.

These were wall-clock assertions in ``tests/test_board_browser.py``; the test now waits for
each of the events and the times are the benchmark's targets.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any

from talkkit_bench import browser
from talkkit_bench.board import _keys, _value
from talkkit_bench.servers import start_kit_server

__all__ = ["measure_board_page"]

SAVES = 3
LONG_TASKS = """() => { window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false }); }"""


def _seed(store: Any, kit: Any, groups: int, answers: int) -> tuple[str, str, list[Any]]:
    from talkkit.events import create_event

    event, secret = create_event(store, kit.id, "Bench seminar")
    sessions = []
    for g in range(groups):
        session = store.create_session(kit.id, "da", event_id=event.id, group_name=f"Bord {g}")
        sessions.append(session)
        for a, (key, kind) in enumerate(_keys(kit)[:answers]):
            store.save_answer(session.id, key, _value(kind, g, a), None)
    return event.id, secret, sessions


async def _measure(url: str, secret: str, store_url: str, sessions: list[Any], timeout: float):
    from playwright.async_api import async_playwright

    from talkkit.store import open_store

    ms = int(timeout * 1000)
    async with async_playwright() as p:
        b = await browser.launch(p)
        try:
            context = await b.new_context(viewport={"width": 1366, "height": 900}, locale="en")
            page = await context.new_page()
            await page.goto(url, timeout=ms)
            field = page.locator(".tkb-secret input")
            await field.wait_for(timeout=ms)
            await field.fill(secret)
            start = time.perf_counter()
            await page.locator(".tkb-login-btn").click()
            await page.locator(".tkb-tabs").first.wait_for(timeout=ms)
            login = time.perf_counter() - start
            await page.locator(".tkb-groups tbody tr").nth(len(sessions) - 1).wait_for(timeout=ms)
            start = time.perf_counter()
            await page.get_by_role("tab", name="Answers").click()
            await page.locator(".tkb-card").nth(len(sessions) - 1).wait_for(timeout=ms)
            answers_tab = time.perf_counter() - start
            await page.evaluate(LONG_TASKS)
            prompt = await page.locator(".tkb-prompt-pick select").input_value()
            visible = []
            with open_store(store_url) as store:
                for n, g in enumerate(sorted({0, len(sessions) // 2, len(sessions) - 1})[:SAVES]):
                    text = f"Ny tekst {n} fra gruppe {g + 1}"
                    stored = store.load_answers(sessions[g].id).get(prompt)
                    saved = time.perf_counter()
                    store.save_answer(sessions[g].id, prompt, text, stored and stored.revision)
                    await page.locator(".tkb-answer", has_text=text).wait_for(timeout=ms)
                    visible.append(time.perf_counter() - saved)
            longest = max(await page.evaluate("window.__long"), default=0.0)
            await context.close()
        finally:
            await b.close()
    return login, answers_tab, visible, longest


def measure_board_page(
    work: Path, kit: str, groups: int = 60, answers: int = 20, timeout: float = 120.0
) -> dict[str, Any]:
    """Serve the kit and the board, seed one event, time the board page (see the module doc)."""
    from talkkit.kit import load_kit
    from talkkit.paths import kits_dir
    from talkkit.store import open_store

    result: dict[str, Any] = {"groups": groups, "answers_per_group": answers}
    board_notebook = kits_dir() / "board.ipynb"
    if not board_notebook.is_file():
        return {**result, "status": f"no board notebook in {kits_dir()}"}
    kits = work / "kits"
    source = kits_dir() / Path(kit).parent
    shutil.copytree(source, kits / source.name, ignore=shutil.ignore_patterns("*.stamp"))
    shutil.copy2(board_notebook, kits / "board.ipynb")
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite://{data / 'talkkit.sqlite3'}"
    with open_store(store_url) as store:
        _event, secret, sessions = _seed(store, load_kit(kits / source.name), groups, answers)
    server = start_kit_server(kits, data, work / "server.log", [], timeout=timeout)
    try:
        url = f"{server.url}voila/render/board.ipynb?lang=en"
        login, tab, visible, longest = asyncio.run(
            _measure(url, secret, store_url, sessions, timeout)
        )
    finally:
        server.stop()
    return {
        **result,
        "status": "measured",
        "login_s": login,
        "answers_tab_s": tab,
        "save_visible_s": visible,
        "save_visible_max_s": max(visible) if visible else None,
        "longest_task_ms": longest,
    }
