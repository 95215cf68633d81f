"""The kit page's first screen (issue 20), side by side in one run.

* time to interactive (a typed character in the first answer field, :mod:`talkkit_bench.browser`)
  of the kit and of the trivial Voilà page, both preheated, cold and warm;
* the same with chromium's CPU throttled four times (``Emulation.setCPUThrottlingRate``);
* the kit with ``talkkit serve`` as it starts by default (no preheated kernels);
* the takeover: typing without pause into the first screen until the widgets have taken it
  over; the time until then and the keystrokes lost (normal and throttled CPU);
* ``groups`` groups opening the kit in the same second with ``preheat`` preheated kernels:
  when each page takes typing, and when each group's first text is in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any

from talkkit_bench import browser
from talkkit_bench.first_screen_groups import synthetic_groups
from talkkit_bench.servers import BASELINE_NOTEBOOK, prepare_kits, start_kit_server
from talkkit_bench.summary import percentile

__all__ = ["phase_first_screen", "summarize_first_screen"]

#: Typed without pause through the takeover (one key event at a time, as a person types fast).
TEXT = "vi vil gerne blive bedre til at se barnet i tide og handle sammen "


async def takeover_once(context: Any, url: str, timeout: float, cpu_throttle: float = 1) -> dict:
    """Type into the first screen from the moment it shows until the widgets took it over (and
    20 keys more); what reached the widget field, and when the first screen went."""
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    if cpu_throttle > 1:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_throttle})
    await page.add_init_script(
        "window.addEventListener('talkkit-first-screen-gone', (e) => {"
        " window.__gone = performance.now(); })"
    )
    result: dict[str, Any] = {"failure": None}
    typed = ""
    deadline = time.perf_counter() + timeout
    try:
        await page.goto(url, wait_until="commit")
        area = page.locator("#tk-first textarea").first
        await area.wait_for(timeout=timeout * 1000)
        result["first_screen"] = await page.evaluate("performance.now()") / 1000
        await area.focus()
        after = 0
        while time.perf_counter() < deadline and after < 20:
            ch = TEXT[len(typed) % len(TEXT)]
            await page.keyboard.type(ch)
            typed += ch
            if after or await page.evaluate("!document.getElementById('tk-first')"):
                after += 1
        gone = await page.evaluate("window.__gone || 0")
        if not gone:
            result["failure"] = "no takeover"
        else:
            result["takeover"] = gone / 1000
        value = await page.evaluate(
            "(document.activeElement && document.activeElement.value) || ''"
        )
        result["typed"] = len(typed)
        # keys that did not reach the field (or reached it out of order)
        result["lost"] = 0 if value == typed else max(1, len(typed) - len(value))
    except Exception as exc:
        result["failure"] = f"error: {str(exc)[:160]}"
    finally:
        with contextlib.suppress(Exception):
            await page.close()
    return result


async def _one_page_rows(cfg: Any, urls: dict[str, str], server: Any, log: Any) -> dict:
    rows: dict[str, list[dict]] = {}

    def add(name: str, load: dict) -> None:
        rows.setdefault(name, []).append(load)

    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await browser.launch(p)
        try:
            for run in range(cfg.runs):
                for name, url in urls.items():
                    cold, warm = await browser.cold_and_warm(b, url, cfg.page_timeout)
                    add(f"{name}.cold", cold)
                    add(f"{name}.warm", warm)
                    await asyncio.to_thread(server.wait_idle, 15.0, 20.0)
                    _, slow = await browser.cold_and_warm(  # the warm load is the row
                        b, url, cfg.page_timeout, cpu_throttle=4
                    )
                    add(f"{name}.throttled4x", slow)
                    await asyncio.to_thread(server.wait_idle, 15.0, 20.0)
                    log(
                        f"first-screen run {run + 1} {name}: cold {cold.get('interactive')} warm "
                        f"{warm.get('interactive')} throttled {slow.get('interactive')}"
                    )
                for rate in (1, 4):
                    context = await browser.new_context(b)
                    try:
                        t = await takeover_once(context, urls["kit"], cfg.page_timeout, rate)
                    finally:
                        await context.close()
                    add(f"takeover.{rate}x", t)
                    log(f"takeover {rate}x: {t}")
                    await asyncio.to_thread(server.wait_idle, 15.0, 20.0)
        finally:
            await b.close()
    return rows


async def _no_preheat_rows(cfg: Any, url: str, log: Any) -> dict:
    from playwright.async_api import async_playwright

    rows: dict[str, list[dict]] = {"kit_serve_default.cold": [], "kit_serve_default.warm": []}
    async with async_playwright() as p:
        b = await browser.launch(p)
        try:
            for _ in range(cfg.runs):
                cold, warm = await browser.cold_and_warm(b, url, cfg.page_timeout)
                rows["kit_serve_default.cold"].append(cold)
                rows["kit_serve_default.warm"].append(warm)
                log(f"serve default: cold {cold.get('interactive')} warm {warm.get('interactive')}")
                await asyncio.sleep(2)
        finally:
            await b.close()
    return rows


def _texts_in_store(db: Path, tokens: list[str]) -> set[str]:
    found: set[str] = set()
    with contextlib.suppress(sqlite3.Error):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            values = [str(r[0]) for r in con.execute("SELECT value FROM answers")]
        finally:
            con.close()
        for token in tokens:
            if any(token in v for v in values):
                found.add(token)
    return found


def _groups(cfg: Any, kits: Path, work: Path, groups: int, preheat: int, log: Any) -> dict:
    args = [a for a in cfg.serve_args if not a.startswith("--preheat")]
    kit_name = Path(cfg.kit).parent.name
    server = start_kit_server(
        kits,
        work / "data-fs-groups",
        work / "fs-groups.log",
        [*args, f"--preheat={preheat}", "--preheat-kit", kit_name],
    )
    try:
        server.wait_for_pools(1, timeout=300)
        server.wait_idle(timeout=60)
        url = f"{server.url}voila/render/{cfg.kit}"
        db = server.data_dir / "talkkit.sqlite3"
        started = {"at": time.monotonic()}

        async def alongside(start: asyncio.Event) -> None:
            await start.wait()  # the moment every group opens the page
            started["at"] = time.monotonic()

        async def after(pages: list[Any]) -> dict:
            tokens: dict[str, float] = {}
            for i, page in enumerate(pages):
                if page is None:
                    continue
                token = f"gruppe{i:03d}tekst"
                with contextlib.suppress(Exception):
                    await page.keyboard.type(token)
                    tokens[token] = 0.0
            deadline = time.monotonic() + 120
            seen: dict[str, float] = {}
            while len(seen) < len(tokens) and time.monotonic() < deadline:
                found = await asyncio.to_thread(_texts_in_store, db, list(tokens))
                for token in found - set(seen):
                    seen[token] = time.monotonic() - started["at"]
                await asyncio.sleep(0.25)
            return {"typed": len(tokens), "in_store_s": sorted(seen.values())}

        loads, stored, _ = asyncio.run(
            browser.open_groups(
                url,
                groups,
                cfg.page_timeout,
                cfg.level_timeout,
                10,
                after=after,
                alongside=alongside,
            )
        )
        log(f"groups {groups}: {sum(1 for r in loads if r.get('interactive'))} interactive")
        return {"loads": loads, "stored": stored, "errors": server.errors()[1]}
    finally:
        server.stop()


def phase_first_screen(cfg: Any, work: Path, log: Any) -> dict[str, Any]:
    """Every first-screen row in one run (see the module doc)."""
    kits = prepare_kits(work / "first-screen", cfg.kit)
    args = [a for a in cfg.serve_args if not a.startswith("--preheat")]
    raw: dict[str, Any] = {"rows": {}}
    server = start_kit_server(kits, work / "data-fs", work / "fs.log", [*args, "--preheat=2"])
    try:
        server.wait_for_pools(2, timeout=300)
        server.wait_idle(timeout=60)
        urls = {
            "kit": f"{server.url}voila/render/{cfg.kit}",
            "trivial": f"{server.url}voila/render/{BASELINE_NOTEBOOK}",
        }
        raw["rows"].update(asyncio.run(_one_page_rows(cfg, urls, server, log)))
    finally:
        server.stop()
    server = start_kit_server(kits, work / "data-fs0", work / "fs0.log", args)
    try:
        server.wait_idle(timeout=60)
        url = f"{server.url}voila/render/{cfg.kit}"
        raw["rows"].update(asyncio.run(_no_preheat_rows(cfg, url, log)))
    finally:
        server.stop()
    if cfg.first_screen_groups and cfg.first_screen_browsers:
        raw["groups"] = _groups(
            cfg, kits, work, cfg.first_screen_groups, cfg.first_screen_preheat, log
        )
    elif cfg.first_screen_groups:
        raw["synthetic"] = synthetic_groups(
            cfg,
            kits,
            work,
            cfg.first_screen_groups,
            cfg.first_screen_preheat,
            log,
            _texts_in_store,
        )
    raw["summary"] = summarize_first_screen(raw)
    return raw


def _median(values: list[float]) -> float | None:
    return percentile(values, 50) if values else None


def summarize_first_screen(raw: dict[str, Any]) -> dict[str, Any]:
    """Medians and p95 per row, the ratios and the groups' numbers (``first_screen.*`` keys)."""
    out: dict[str, Any] = {}

    def put(name: str, value: dict) -> None:  # "kit.warm" -> out["kit"]["warm"]
        first, _, rest = name.partition(".")
        out.setdefault(first, {})[rest] = value

    for name, loads in raw.get("rows", {}).items():
        if name.startswith("takeover."):
            ok = [t for t in loads if not t.get("failure")]
            put(
                name,
                {
                    "median": _median([t["takeover"] for t in ok]),
                    "lost": sum(t.get("lost") or 0 for t in ok),
                    "typed": sum(t.get("typed") or 0 for t in ok),
                    "failures": len(loads) - len(ok),
                    "n": len(loads),
                },
            )
            continue
        times = [x["interactive"] for x in loads if x.get("interactive")]
        put(
            name,
            {
                "median": _median(times),
                "p95": percentile(times, 95) if times else None,
                "n": len(loads),
                "failures": len(loads) - len(times),
            },
        )
    kit = out.get("kit", {}).get("warm", {})
    trivial = out.get("trivial", {}).get("warm", {})
    if kit.get("median") and trivial.get("median"):
        out["ratio_warm"] = kit["median"] / trivial["median"]
    groups = raw.get("groups")
    if groups:
        loads = groups["loads"]
        times = [x["interactive"] for x in loads if x.get("interactive")]
        stored = (groups.get("stored") or {}).get("in_store_s", [])
        out["groups"] = {
            "n": len(loads),
            "interactive_p95": percentile(times, 95) if len(times) == len(loads) else None,
            "interactive_p95_of_usable": percentile(times, 95) if times else None,
            "failures": len(loads) - len(times),
            "in_store_p95": percentile(stored, 95) if len(stored) == len(loads) else None,
            "in_store_p95_of_saved": percentile(stored, 95) if stored else None,
            "saved": len(stored),
        }
    synthetic = raw.get("synthetic")
    if synthetic:
        loads = synthetic["loads"]
        first = [x["first_screen"] for x in loads if x.get("first_screen")]
        stored = [x["in_store"] for x in loads if x.get("in_store")]
        out["synthetic_groups"] = {
            "n": len(loads),
            "first_screen_p95": percentile(first, 95) if len(first) == len(loads) else None,
            "first_screen_median": _median(first),
            "in_store_p95": percentile(stored, 95) if len(stored) == len(loads) else None,
            "in_store_median": _median(stored),
            "failures": sum(1 for x in loads if x.get("failure")),
            "in_store_file": synthetic.get("in_store_file"),
        }
    return out
