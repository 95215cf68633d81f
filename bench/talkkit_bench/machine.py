"""What the numbers were measured on: cores, memory, CPU, versions, load, the code's commit."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import sqlite3
import subprocess
from typing import Any

import psutil

from talkkit_bench.config import ROOT
from talkkit_bench.servers import is_kernel

__all__ = ["CpuWatch", "foreign_kernels", "machine_info"]

PACKAGES = (
    "voila",
    "jupyter_server",
    "ipywidgets",
    "ipyvuetify",
    "ipyvue",
    "ipykernel",
    "tornado",
    "playwright",
    "psycopg",
)


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _git() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=10
        )
        return out.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "talkkit", "widgets")
    return commit + (" + uncommitted changes in talkkit/ or widgets/" if dirty else "")


def foreign_kernels(ours: set[int] = frozenset()) -> int:  # type: ignore[assignment]
    """Jupyter kernels running on this machine that the benchmark did not start."""
    count = 0
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if is_kernel(proc.info.get("cmdline") or []) and proc.info["pid"] not in ours:
            count += 1
    return count


def machine_info(chromium: str | None = None, postgres: str | None = None) -> dict[str, Any]:
    versions: dict[str, str] = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    for name in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    if chromium:
        versions["chromium"] = chromium
    if postgres:
        versions["postgresql"] = postgres
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "git": _git(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "foreign_kernels_start": foreign_kernels(),
    }


def _busy_seconds() -> float:
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


class CpuWatch:
    """How much CPU other programs on this machine used while a phase ran (noise).

    *Ours* is the CPU of this process and of every descendant, sampled every ``interval``
    seconds by a thread: each process's own time, read while it lives. Reading the
    ``children_*`` times at the end instead loses every process that no parent waited for:
    chromium's renderers, reaped by nobody once their zygote has gone, made a quiet machine
    look a third busy.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading
        import time

        self._time = time.monotonic
        self._root = psutil.Process()
        #: (pid, create time) -> [own CPU seconds when first seen, when last seen]
        self._seen: dict[tuple[int, float], list[float]] = {}
        self._lock = threading.Lock()
        self._sample(initial=True)
        self.start = (self._time(), _busy_seconds())
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="cpu-watch", daemon=True
        )
        self._thread.start()

    def _sample(self, initial: bool = False) -> None:
        procs = [self._root]
        with contextlib.suppress(psutil.Error):
            procs += self._root.children(recursive=True)
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                t = proc.cpu_times()
                own = t.user + t.system
                key = (proc.pid, proc.create_time())
                with self._lock:
                    seen = self._seen.setdefault(key, [own if initial else 0.0, own])
                    seen[1] = own

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._sample()

    def ours(self) -> float:
        """CPU seconds of this process tree since the watch started."""
        with self._lock:
            return sum(last - first for first, last in self._seen.values())

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        wall = self._time() - self.start[0]
        busy = _busy_seconds() - self.start[1]
        ours = self.ours()
        cores = os.cpu_count() or 1
        foreign = max(0.0, busy - ours)
        return {
            "wall_s": round(wall, 1),
            "ours_cpu_s": round(ours, 1),
            "foreign_cpu_s": round(foreign, 1),
            "foreign_share": round(foreign / (wall * cores), 3) if wall else 0.0,
        }
