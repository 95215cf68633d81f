"""``/talkkit/health``: what a front (nginx), a monitor or an operator asks a server.

One JSON object::

    {"ok": true, "server": "s1", "store": {"ok": true, "kind": "postgresql"},
     "kernels": {"running": 12, "bound": 47, "preheated": 8}, "free": 35}

``free`` is how many more kit pages the server can open now (its kernel bound minus the
kernels running; preheated kernels waiting for a page count as free, since a page takes one).
The answer is 200 when the store answers and there is room for one more page, else 503, so a
monitor (or a load balancer with health checks) can take the server out of rotation. The store
is checked at most every :data:`STORE_CHECK_SECONDS`, in a thread, with a short timeout: a
monitor polling every second costs the database one connection every few seconds, and a store
that hangs never blocks the server's loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from typing import Any, ClassVar, TypedDict

from tornado import web

from talkkit.page.routing import server_cookie

__all__ = ["HealthHandler", "HealthReport", "check_store"]

#: Seconds a store check is reused for.
STORE_CHECK_SECONDS = 5.0
#: Seconds a store check may take before the store counts as unavailable.
STORE_TIMEOUT = 3


class StoreHealth(TypedDict, total=False):
    ok: bool
    kind: str
    error: str


class KernelHealth(TypedDict):
    running: int
    bound: int
    preheated: int


class HealthReport(TypedDict):
    ok: bool
    server: str
    store: StoreHealth
    kernels: KernelHealth
    free: int


def check_store(url: str) -> StoreHealth:
    """Whether the store at ``url`` answers a query now (no tables are created or changed)."""
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if not os.path.exists(path):  # made by the first kernel that saves
            folder = os.path.dirname(path) or "."
            if os.access(folder, os.W_OK):
                return {"ok": True, "kind": "sqlite"}
            return {"ok": False, "kind": "sqlite", "error": f"cannot write to {folder}"}
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=STORE_TIMEOUT)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            return {"ok": False, "kind": "sqlite", "error": str(exc)[:200]}
        return {"ok": True, "kind": "sqlite"}
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=STORE_TIMEOUT, autocommit=True) as pg:
            pg.execute("SELECT 1").fetchone()
    except Exception as exc:  # any failure means: not available (message without the URL)
        return {"ok": False, "kind": "postgresql", "error": type(exc).__name__}
    return {"ok": True, "kind": "postgresql"}


class HealthHandler(web.RequestHandler):
    """Answers ``GET /talkkit/health`` (see the module doc)."""

    _cache: ClassVar[dict[str, tuple[float, StoreHealth]]] = {}

    def initialize(self, server_id: str, kernel_manager: Any, store_url: str) -> None:
        self.server_id = server_id
        self.kernel_manager = kernel_manager
        self.store_url = store_url

    def _set_answer_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        if self.server_id:  # a page that polls health before reloading lands back here
            self.set_header("Set-Cookie", server_cookie(self.server_id))

    async def _store(self) -> StoreHealth:
        cached = self._cache.get(self.store_url)
        if cached is not None and time.monotonic() - cached[0] < STORE_CHECK_SECONDS:
            return cached[1]
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, check_store, self.store_url)
        self._cache[self.store_url] = (time.monotonic(), result)
        return result

    def _kernels(self) -> KernelHealth:
        km = self.kernel_manager
        running = len(km.list_kernel_ids())
        preheated = 0
        pools = getattr(km, "kernel_pools_config", None) or {}
        size = getattr(km, "get_pool_size", None)
        if callable(size):
            for notebook in pools:
                if notebook != "default":
                    preheated += int(size(notebook))
        return {"running": running, "bound": int(km.max_kernels), "preheated": preheated}

    async def get(self) -> None:
        store = await self._store()
        kernels = self._kernels()
        free = max(0, kernels["bound"] - kernels["running"] + kernels["preheated"])
        report: HealthReport = {
            "ok": bool(store.get("ok")) and free > 0,
            "server": self.server_id,
            "store": store,
            "kernels": kernels,
            "free": free,
        }
        self._set_answer_headers()
        self.set_status(200 if report["ok"] else 503)
        self.finish(json.dumps(report))
