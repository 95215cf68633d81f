"""The order of a run: time to interactive, groups at once, saves, board; then the report.

Every phase cleans up after itself (servers stopped, kernels ended by id, the work folder
removed) and is bounded by counts and timeouts, so a run always ends by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any

from talkkit_bench import board, board_page, browser, memory, protocol, saves
from talkkit_bench.config import BASELINE_DIR, BenchConfig
from talkkit_bench.first_screen import phase_first_screen
from talkkit_bench.front import phase_front
from talkkit_bench.machine import CpuWatch, foreign_kernels, machine_info
from talkkit_bench.pg import PostgresUnavailable, pg_version, postgres_server
from talkkit_bench.report import write_results
from talkkit_bench.servers import (
    BASELINE_NOTEBOOK,
    KitServer,
    prepare_kits,
    server_copy,
    start_kit_server,
    static_server,
)
from talkkit_bench.summary import summarize, targets_table

__all__ = ["preheat_of", "run_bench"]


class _Log:
    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.start = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.verbose:
            print(f"[bench {time.monotonic() - self.start:6.1f} s] {message}", file=sys.stderr)
            sys.stderr.flush()


def preheat_of(serve_args: list[str]) -> int:
    """The ``--preheat`` value in ``serve_args`` (0 if absent)."""
    for i, arg in enumerate(serve_args):
        if arg.startswith("--preheat="):
            return int(arg.split("=", 1)[1])
        if arg == "--preheat" and i + 1 < len(serve_args):
            return int(serve_args[i + 1])
    return 0


def with_preheat(serve_args: list[str], n: int) -> list[str]:
    """``serve_args`` with ``--preheat`` set to ``n``."""
    out, skip = [], False
    for arg in serve_args:
        if skip:
            skip = False
            continue
        if arg == "--preheat":
            skip = True
            continue
        if arg.startswith("--preheat="):
            continue
        out.append(arg)
    return [*out, "--preheat", str(n)] if n else out


#: Kernels kept ready per notebook in the one-page-at-a-time phase (its folder holds 2-3
#: notebooks, and one page loads at a time: a bigger pool only costs memory and start time).
TTI_PREHEAT = 2


def _start(kits: Path, work: Path, name: str, cfg: BenchConfig, log: _Log) -> KitServer:
    code_root = None
    if cfg.server_py is not None:
        code_root = work / "server-code"
        if not code_root.exists():
            server_copy(code_root, Path(cfg.server_py))
    server = start_kit_server(
        kits, work / f"data-{name}", work / f"{name}.log", cfg.serve_args, code_root=code_root
    )
    notebooks = len(list(kits.rglob("*.ipynb")))
    if preheat_of(cfg.serve_args) > 0 and not server.wait_for_pools(notebooks, timeout=180):
        log(f"{name}: kernel pools not reported full within 180 s")
    server.wait_idle(timeout=60)
    return server


# -- phase 1: time to interactive --------------------------------------------------------------


def _asset_paths(server_url: str, urls: list[str]) -> list[str]:
    """What a cold kit page fetched besides itself (the synthetic groups fetch the same)."""
    base = server_url.rstrip("/")
    return [
        u[len(base) :]
        for u in urls
        if u.startswith(server_url) and "/voila/render/" not in u and "/api/" not in u
    ]


def _record_assets(cfg: BenchConfig, kits: Path, work: Path, log: _Log) -> list[str]:
    """One cold load of the kit page, for a run without the ``tti`` phase: its synthetic groups
    would otherwise fetch no static file at all, a lighter load than real pages'."""
    from playwright.async_api import async_playwright

    async def cold_load(url: str) -> dict:
        async with async_playwright() as p:
            b = await browser.launch(p)
            try:
                context = await browser.new_context(b)
                try:
                    return await browser.load_once(context, url, cfg.page_timeout, record_urls=True)
                finally:
                    await context.close()
            finally:
                await b.close()

    server = _start(kits, work, "assets", cfg, log)
    try:
        load = asyncio.run(cold_load(f"{server.url}voila/render/{cfg.kit}"))
    finally:
        server.stop()
    assets = _asset_paths(server.url, load.get("urls", []))
    log(f"assets: a cold kit page fetched {len(assets)} files ({load.get('failure') or 'usable'})")
    return assets


async def _tti_loads(cfg: BenchConfig, server: KitServer, targets: dict[str, str], log: _Log):
    from playwright.async_api import async_playwright

    loads: dict[str, dict[str, list[dict]]] = {t: {"cold": [], "warm": []} for t in targets}
    async with async_playwright() as p:
        b = await browser.launch(p)
        version = b.version
        try:
            for run in range(cfg.runs):
                for name, url in targets.items():
                    latency = cfg.latency_ms if name.endswith("_rtt") else 0
                    cold, warm = await browser.cold_and_warm(b, url, cfg.page_timeout, latency)
                    loads[name]["cold"].append(cold)
                    loads[name]["warm"].append(warm)
                    log(
                        f"tti run {run + 1}/{cfg.runs} {name}: cold {cold.get('interactive')}"
                        f" warm {warm.get('interactive')} {cold['failure'] or ''}"
                    )
                    if name != "static":  # the next load meets a quiet server
                        await asyncio.to_thread(server.wait_idle, 15.0, 20.0)
        finally:
            await b.close()
    return loads, version


def phase_tti(cfg: BenchConfig, work: Path, log: _Log) -> dict[str, Any]:
    kits = prepare_kits(work / "tti", cfg.kit)
    targets = {"kit": cfg.kit, "trivial": BASELINE_NOTEBOOK}
    if cfg.latency_ms:  # the same over a network with a round trip (caching shows here)
        targets.update(kit_rtt=cfg.kit, trivial_rtt=BASELINE_NOTEBOOK)
    preheat = preheat_of(cfg.serve_args)
    saved_args = cfg.serve_args
    cfg.serve_args = with_preheat(cfg.serve_args, min(preheat, TTI_PREHEAT))
    try:
        server = _start(kits, work, "tti", cfg, log)
    finally:
        cfg.serve_args = saved_args
    try:
        urls = {name: f"{server.url}voila/render/{path}" for name, path in targets.items()}
        with static_server(BASELINE_DIR / "static") as static_url:
            urls["static"] = static_url
            loads, version = asyncio.run(_tti_loads(cfg, server, urls, log))
        errors = server.errors()
    finally:
        server.stop()
    first = loads["kit"]["cold"][0] if loads["kit"]["cold"] else {}
    assets = _asset_paths(server.url, first.pop("urls", []))
    for by_state in loads.values():
        for state_loads in by_state.values():
            for load in state_loads:
                load.pop("urls", None)
    return {
        "loads": loads,
        "chromium": version,
        "server_errors": errors[1],
        "pages": targets,
        "assets": assets,
    }


# -- phase 2: groups at once -------------------------------------------------------------------


def _level(
    cfg: BenchConfig,
    kits: Path,
    work: Path,
    n: int,
    log: _Log,
    *,
    synthetic: bool = False,
    assets: list[str] | None = None,
    store_url: str | None = None,
) -> dict[str, Any]:
    """``n`` groups open the kit at once on a fresh server: loads, memory, CPU, saves.

    Browser mode: ``n`` chromium contexts. Synthetic mode: ``cfg.probes`` chromium contexts
    and ``n - probes`` synthetic groups (:mod:`talkkit_bench.protocol`), all at the same moment.
    """
    mode = "synthetic" if synthetic else "browsers"
    name = f"groups-{n}-{mode}" + ("-postgres" if store_url else "")
    saved_args = cfg.serve_args
    if store_url:
        cfg.serve_args = [*cfg.serve_args, "--store", store_url]
    try:
        server = _start(kits, work, name, cfg, log)
    finally:
        cfg.serve_args = saved_args
    browsers = min(cfg.probes, n) if synthetic else n
    members: list[Any] = []
    try:
        idle = memory.snapshot(server)
        store: Path | str = store_url or server.data_dir / "talkkit.sqlite3"
        base = server.url.rstrip("/")
        asset_urls = [base + path for path in (assets or [])]

        async def alongside(start: asyncio.Event) -> Any:
            return await protocol.run_synthetic(
                server.url, cfg.kit, n - browsers, asset_urls, cfg.page_timeout, start, members
            )

        async def after(pages: list[Any]) -> dict:
            cpu = memory.cpu_used(cpu_start, memory.cpu_seconds(server))
            cpu["wall"] = time.monotonic() - wall_start
            snap = await asyncio.to_thread(memory.snapshot, server)
            e2e = paced = None
            if synthetic and members:
                e2e = await protocol.save_rounds(members, rounds=3)
                paced = await protocol.paced_saves(members, cfg.saves, cfg.save_interval)
                for member in members:
                    member.close()
            elif any(pages):
                e2e = await browser.saves_through_pages(pages, store, rounds=2)
            return {"memory": snap, "e2e": e2e, "e2e_paced": paced, "cpu": cpu}

        url = f"{server.url}voila/render/{cfg.kit}"
        cpu_start = memory.cpu_seconds(server)
        wall_start = time.monotonic()
        results, extra, synthetic_results = asyncio.run(
            browser.open_groups(
                url,
                browsers,
                cfg.page_timeout,
                cfg.level_timeout,
                cfg.contexts_per_browser,
                after,
                alongside if synthetic else None,
            )
        )
        count, lines = server.errors()
    finally:
        server.stop()
    synthetic_loads = list(synthetic_results or [])
    everyone = [r.get("interactive") for r in results] + [r.get("ready") for r in synthetic_loads]
    usable = sorted(x for x in everyone if x)
    kinds: dict[str, int] = {}
    for r in [*results, *synthetic_loads]:
        if r.get("failure"):
            kinds[r["failure"]] = kinds.get(r["failure"], 0) + 1
    log(
        f"{name}: {len(usable)}/{n} usable, median {usable[len(usable) // 2] if usable else None}, "
        f"failures {kinds or 0}, kernels {extra['memory']['kernels']}, server errors {count}, "
        f"CPU s server {extra['cpu']['server']:.0f} browser {extra['cpu']['browser']:.0f} "
        f"in {extra['cpu']['wall']:.0f} s"
    )
    return {
        "groups": n,
        "mode": mode,
        "store": "postgres" if store_url else "sqlite",
        "loads": results,
        "synthetic": synthetic_loads,
        "memory": extra["memory"],
        "memory_idle": idle,
        "e2e": extra["e2e"],
        "e2e_paced": extra.get("e2e_paced"),
        "cpu_s": extra["cpu"],
        "server_error_count": count,
        "server_errors": lines,
    }


def phase_groups(cfg: BenchConfig, work: Path, log: _Log, assets: list[str]) -> dict[str, Any]:
    kits = prepare_kits(work / "groups", cfg.kit)
    shutil.rmtree(kits / Path(BASELINE_NOTEBOOK).parent)  # only the kit: pools, memory
    levels = [_level(cfg, kits, work, n, log) for n in cfg.groups]
    if cfg.synthetic_groups and not assets:
        assets = _record_assets(cfg, kits, work, log)
    synthetic = [
        _level(cfg, kits, work, n, log, synthetic=True, assets=assets) for n in cfg.synthetic_groups
    ]
    postgres_level = None
    most = max([*cfg.synthetic_groups, *cfg.groups])
    if "postgres" in cfg.stores:  # the most groups again, saving to PostgreSQL
        try:
            with postgres_server(max_connections=max(100, most * 2 + 10)) as url:
                postgres_level = _level(
                    cfg, kits, work, most, log, synthetic=True, assets=assets, store_url=url
                )
        except PostgresUnavailable as exc:
            postgres_level = {"skipped": str(exc)[:300]}
    return {
        "levels": levels,
        "synthetic_levels": synthetic,
        "postgres": postgres_level,
        "assets": assets,
    }


# -- phase 3: saves ----------------------------------------------------------------------------


def _writers(cfg: BenchConfig, url: str, log: _Log, store: str) -> dict[str, Any]:
    """The paced run (the target) and the back-to-back stress run on one store."""
    from talkkit.store import open_store

    with open_store(url):  # create and migrate once, as a server's first kernel does
        pass
    out = {store: saves.run_writers(url, cfg.writers, cfg.saves, cfg.save_interval)}
    if cfg.burst_saves:
        out[f"{store}_burst"] = saves.run_writers(url, cfg.writers, cfg.burst_saves, 0.0)
    for name, r in out.items():
        lat = sorted(r["latencies_ms"])
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else None
        log(f"saves {name}: {len(lat)} saves, ~p99 {p99} ms, errors {len(r['errors'])}")
    return out


def phase_saves(cfg: BenchConfig, work: Path, log: _Log) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for store in cfg.stores:
        if store == "sqlite":
            folder = work / "saves"
            folder.mkdir(exist_ok=True)
            out.update(_writers(cfg, saves.sqlite_url(folder), log, "sqlite"))
        elif store == "postgres":
            try:
                with postgres_server(max_connections=max(100, cfg.writers * 2 + 10)) as url:
                    out.update(_writers(cfg, url, log, "postgres"))
            except PostgresUnavailable as exc:
                out["postgres"] = {"skipped": str(exc)[:300]}
                log(f"saves postgres: skipped ({exc})")
    return out


# -- phase 4: board ----------------------------------------------------------------------------


def phase_board(cfg: BenchConfig, work: Path, log: _Log) -> dict[str, Any]:
    folder = work / "board"
    folder.mkdir(exist_ok=True)
    result = board.measure_board(f"sqlite://{folder / 'board.sqlite3'}", str(Path(cfg.kit).parent))
    log(f"board: {result['status']} {result.get('refresh_median_s')}")
    if result["status"] == "measured":
        try:
            result["page"] = board_page.measure_board_page(
                folder / "page", cfg.kit, timeout=max(cfg.page_timeout, 60.0)
            )
        except Exception as exc:  # the server-side numbers stay
            result["page"] = {"status": f"error: {type(exc).__name__}: {exc}"[:300]}
        log(f"board page: {result['page'].get('status')} login {result['page'].get('login_s')}")
    return result


# -- the run -----------------------------------------------------------------------------------


def _notes(
    cfg: BenchConfig, raw: dict[str, Any], machine: dict[str, Any], noise: dict[str, Any]
) -> list[str]:
    notes = [
        "The browser(s) and the server share this machine's cores: with many groups the page "
        "times include chromium's own work for every page, so they are pessimistic for a "
        "seminar where each group has its own computer.",
        "The kit's answer fields are enabled once the group's session is open (the page's "
        "hello round trip to the kernel, a store write), so the kit's time to interactive "
        "includes opening the session.",
    ]
    if preheat_of(cfg.serve_args) > 0:
        notes.append(
            f"Preheated kernels: the one-page-at-a-time phase keeps {TTI_PREHEAT} per notebook "
            "(its folder holds the kit and the trivial notebook); the groups phases keep "
            f"{preheat_of(cfg.serve_args)} for the kit. With preheat a kit kernel has run the "
            "notebook up to `wait_for_request()` in `show_kit` before the page is asked for."
        )
    if machine.get("foreign_kernels_start"):
        notes.append(
            f"{machine['foreign_kernels_start']} Jupyter kernels of other programs were running "
            "when the run started (load average "
            f"{machine.get('loadavg_start')}): expect noise."
        )
    busy = {k: v["foreign_share"] for k, v in noise.items() if v.get("foreign_share", 0) > 0.05}
    if busy:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in busy.items())
        notes.append(
            f"Other programs used this share of the machine's CPU during the phases: {shares}. "
            "Timings of those phases are slower than on a quiet machine."
        )
    board_result = raw.get("board") or {}
    if board_result.get("status") == "not built yet":
        notes.append("Facilitator board: not built yet (issue #5).")
    return notes


def run_bench(cfg: BenchConfig) -> dict[str, Any]:
    """Run the phases of ``cfg``; returns the result (and writes the files if asked)."""
    log = _Log(cfg.verbose)
    started = time.monotonic()
    work = Path(cfg.work_dir or tempfile.mkdtemp(prefix="talkkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raw: dict[str, Any] = {}
    noise: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    machine = machine_info(postgres=pg_version() if "postgres" in cfg.stores else None)
    log(f"work folder {work}; machine {machine['nproc']} cores, load {machine['loadavg_start']}")
    phases = {
        "tti": phase_tti,
        "groups": lambda c, w, lg: phase_groups(c, w, lg, raw.get("tti", {}).get("assets", [])),
        "saves": phase_saves,
        "board": phase_board,
        "front": phase_front,
        "first-screen": phase_first_screen,
    }
    try:
        for name in cfg.phases:
            log(f"phase {name}")
            watch = CpuWatch()
            try:
                raw[name] = phases[name](cfg, work, log)
            except Exception as exc:  # a broken phase must not lose the others' results
                log(f"phase {name} failed: {traceback.format_exc()}")
                errors[name] = f"{type(exc).__name__}: {exc}"[:500]
            noise[name] = watch.stop()
            log(f"phase {name}: {noise[name]}")
    finally:
        if not cfg.keep_work_dir and cfg.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    if "tti" in raw:
        machine["versions"]["chromium"] = raw["tti"].get("chromium")
    elif "groups" in raw:
        with contextlib.suppress(Exception):
            machine["versions"]["chromium"] = asyncio.run(browser.chromium_version())
    summary = summarize(raw)
    result = {
        "date": date.today().isoformat(),
        "config": cfg.as_dict(),
        "machine": machine,
        "duration_s": time.monotonic() - started,
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "foreign_kernels_end": foreign_kernels(),
        "noise": noise,
        "phase_errors": errors,
        "summary": summary,
        "targets": targets_table(summary),
        "notes": [f"Phase {k} failed: {v}" for k, v in errors.items()]
        + _notes(cfg, raw, machine, noise),
        "raw": raw,
    }
    if cfg.results_dir is not None:
        md, js = write_results(result, Path(cfg.results_dir))
        result["files"] = [str(md), str(js)]
        log(f"results in {md} and {js.name}")
    return result
