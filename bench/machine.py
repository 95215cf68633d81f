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

from bench.config import ROOT

__all__ = ["foreign_kernels", "machine_info"]

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
        cmd = " ".join(proc.info.get("cmdline") or [])
        if "ipykernel_launcher" in cmd and proc.info["pid"] not in ours:
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
