"""Resident memory of the kit server and of its kernels (psutil; RSS and USS in MB)."""

from __future__ import annotations

import contextlib
import statistics
from typing import Any

import psutil

from talkkit_bench.servers import KitServer

__all__ = ["cpu_seconds", "cpu_used", "snapshot"]

MB = 1024 * 1024


def _sizes(proc: psutil.Process) -> tuple[float, float] | None:
    with contextlib.suppress(psutil.Error):
        info = proc.memory_full_info()  # USS: what ending the process would give back
        return info.rss / MB, info.uss / MB
    with contextlib.suppress(psutil.Error):
        return proc.memory_info().rss / MB, float("nan")
    return None


def snapshot(server: KitServer) -> dict[str, Any]:
    """The server process and every kernel it runs, now."""
    server_sizes = _sizes(psutil.Process(server.process.pid)) or (float("nan"), float("nan"))
    kernels = [s for s in (_sizes(k) for k in server.kernels()) if s is not None]
    rss = [r for r, _ in kernels]
    uss = [u for _, u in kernels]
    return {
        "server_rss_mb": server_sizes[0],
        "server_uss_mb": server_sizes[1],
        "kernels": len(kernels),
        "kernel_rss_mb": rss,
        "kernel_uss_mb": uss,
        "kernel_rss_median_mb": statistics.median(rss) if rss else None,
        "kernel_rss_max_mb": max(rss) if rss else None,
        "kernel_uss_median_mb": statistics.median(uss) if uss else None,
        "total_rss_mb": server_sizes[0] + sum(rss),
    }


def cpu_seconds(server: KitServer) -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every process this run started, by pid: ``(side, seconds)``
    where side is ``server`` (the kit server and its kernels) or ``browser`` (Playwright's
    driver and chromium)."""
    server_pids = {server.process.pid} | {c.pid for c in server.children()}
    out: dict[int, tuple[str, float]] = {}
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            side = "server" if proc.pid in server_pids else "browser"
            out[proc.pid] = (side, t.user + t.system)
    return out


def cpu_used(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict:
    """CPU seconds each side used between two :func:`cpu_seconds` readings."""
    used = {"server": 0.0, "browser": 0.0}
    for pid, (side, seconds) in after.items():
        used[side] += seconds - before.get(pid, (side, 0.0))[1]
    return used
