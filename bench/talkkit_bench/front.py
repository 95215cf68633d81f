"""The ``front`` level: synthetic groups through a real nginx with TLS in front of N
``talkkit serve`` processes sharing one PostgreSQL store, deployed as ``talkkit deploy``
sizes them (kernel bound, idle cull, preheated kernels of the kit, from the group count).

Per level (a fresh deployment each, its preheated pools filled first): every group opens the
kit at the same moment through the front (HTML, websocket, widget states, session open), then
types (saves at the kit's autosave pace, timed until the kernel reports them committed). It
records how the groups spread over the servers (nginx's access log), the servers' and kernels'
CPU seconds and memory, and the failures. This is what an operator sizes a seminar from.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from talkkit_bench.config import BenchConfig
from talkkit_bench.pg import PostgresUnavailable, postgres_server
from talkkit_bench.protocol import paced_saves, run_synthetic
from talkkit_bench.summary import percentile

__all__ = ["phase_front"]

MB = 1024 * 1024
#: Seconds to wait for the preheated pools to fill before a level.
POOL_TIMEOUT = 300.0


def _tree(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    return []


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _rss_mb(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss / MB
    return total


def _wait_for_pools(front: Any, log: Any) -> dict[str, int]:
    """Wait until every server's preheated pool is full (or the timeout); the pool sizes."""
    sizing = front.settings().sizing()
    want = sizing.preheat if front.preheat_kit else 0
    deadline = time.monotonic() + POOL_TIMEOUT
    while True:
        have = {s.id: front.health(s.id)["kernels"]["preheated"] for s in front.started}
        if all(v >= want for v in have.values()) or time.monotonic() > deadline:
            log(f"front: preheated kernels per server {have} (wanted {want})")
            return have
        time.sleep(1.0)


def _level(cfg: BenchConfig, work: Path, url: str, groups: int, log: Any) -> dict[str, Any]:
    from talkkit.deploy.local import LocalFront, insecure_context
    from talkkit.paths import kits_dir

    kit = cfg.kit.split("/", 1)[0]
    folder = work / f"front-{groups}"
    front = LocalFront(
        folder, kits_dir(), store=url, servers=cfg.front_servers, groups=groups,
        preheat_kit=[kit],
    )  # fmt: skip
    with front:
        pools = _wait_for_pools(front, log)
        procs = [p for s in front.started for p in _tree(s.process.pid)]
        cpu0 = _cpu(procs)
        members: list[Any] = []

        async def run() -> tuple[list[dict], dict]:
            ctx = insecure_context()
            results = await run_synthetic(
                front.url, cfg.kit, groups, [], cfg.page_timeout, members=members, ssl=ctx
            )
            typing = await paced_saves(members, saves=5, interval=cfg.save_interval)
            for m in members:
                m.close()
            return results, typing

        t0 = time.perf_counter()
        results, typing = asyncio.run(asyncio.wait_for(run(), cfg.level_timeout))
        elapsed = time.perf_counter() - t0
        procs = [p for s in front.started for p in _tree(s.process.pid)]
        cpu = _cpu(procs) - cpu0
        rss = _rss_mb(procs)
        kernels = sum(front.health(s.id)["kernels"]["running"] for s in front.started)
        ports = {str(s.port): s.id for s in front.started}
        spread = Counter(
            ports.get(upstream.rsplit(":", 1)[-1], upstream)
            for request, upstream, _c in front.served_by()
            if f"/voila/render/{cfg.kit}" in request
        )
    ready = [r["ready"] for r in results if r.get("ready") is not None]
    html = [r["html"] for r in results if r.get("html") is not None]
    failures = Counter(r["failure"] for r in results if r["failure"])
    lat = typing["latencies_ms"]
    return {
        "groups": groups,
        "servers": cfg.front_servers,
        "preheated": pools,
        "elapsed_s": elapsed,
        "results": results,
        "summary": {
            "ready_median": statistics.median(ready) if ready else None,
            "ready_p95": percentile(ready, 95) if ready else None,
            "html_p95": percentile(html, 95) if html else None,
            "failures": sum(failures.values()),
            "failure_kinds": dict(failures),
            "spread": dict(spread),
            "save_p50_ms": percentile(lat, 50) if lat else None,
            "save_p99_ms": percentile(lat, 99) if lat else None,
            "saves_lost": typing["lost"],
            "server_cpu_s": cpu,
            "rss_mb": rss,
            "kernels": kernels,
        },
    }


def phase_front(cfg: BenchConfig, work: Path, log: Any) -> dict[str, Any]:
    """Every level of ``cfg.front_groups`` through the front (see the module doc)."""
    try:
        with postgres_server(max_connections=200) as url:
            levels = []
            for n in cfg.front_groups:
                log(f"front: {n} synthetic groups through nginx, {cfg.front_servers} servers")
                levels.append(_level(cfg, work, url, n, log))
                s = levels[-1]["summary"]
                log(
                    f"front {n}: session open p95 {s['ready_p95']}, failures {s['failures']}, "
                    f"spread {s['spread']}, save p99 {s['save_p99_ms']} ms"
                )
            return {"levels": levels}
    except PostgresUnavailable as exc:
        return {"skipped": str(exc)}
