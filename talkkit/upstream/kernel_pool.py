"""Voilà's pool of preheated kernels, made gentle under a burst.

Targets voila 0.5.13 (pinned in pyproject.toml): ``VoilaKernelManager`` as
``voila.voila_kernel_manager.voila_kernel_manager_factory`` builds it, and
``voila.request_info_handler.RequestInfoSocketHandler._waiters``.

Upstream behaviour worked around (no upstream issue filed; seen in ``talkkit-bench``,
``bench/JOURNAL.md``): Voilà refills a pool as soon as a kernel is taken, all refills at once,
and hands a page a kernel that is still starting. When 30 groups arrive together, 30 refills
compete with the 30 pages for the CPU. :func:`tune_preheat` makes the pool gentler: at most
``preheat_concurrency`` pool kernels warm up at a time, a page only takes a warmed-up kernel
(else it gets a fresh one, as without preheat), and a pool start refused by ``max_kernels`` is
dropped and tried again later instead of failing a page.

No documented hook does it: Voilà's settings give the pool sizes (``kernel_pools_config``) and
a delay before each refill (``fill_delay``), which neither bounds how many kernels warm up at
once nor keeps a page from taking a kernel that is still starting; so the manager's private
``_pools`` and ``_initialize`` are wrapped (the pool came with voila-dashboards/voila#936). When any of them is missing the pool is left as Voilà made it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from talkkit.upstream._target import Target

__all__ = ["PREHEAT_WARMUP_TIMEOUT", "TARGET", "tune_preheat"]

TARGET = Target(
    patch="kernel_pool",
    distribution="voila",
    tested=("0.5.13",),
    issue="none filed (the pool came with voila-dashboards/voila#936): refills all at once",
)

#: Seconds a pool kernel may take to run its notebook up to ``wait_for_request()``.
PREHEAT_WARMUP_TIMEOUT = 120.0

#: What the patch reads or replaces on Voilà's pooling kernel manager.
MANAGER_INTERNALS = (
    "_pools",
    "_initialize",
    "get_pool_size",
    "get_rendered_notebook",
    "fill_if_needed",
    "kernel_pools_config",
)


def _waiters() -> dict[str, Any] | None:
    """Voilà's table of preheated kernels waiting for their request (kernel id -> socket)."""
    try:
        from voila.request_info_handler import RequestInfoSocketHandler
    except ImportError:
        return None
    waiters = getattr(RequestInfoSocketHandler, "_waiters", None)
    return waiters if isinstance(waiters, dict) else None


def tune_preheat(km: Any, preheat: bool = True) -> bool:
    """Make Voilà's kernel pool gentle under a burst (see the module doc).

    ``preheat``: whether Voilà was asked for preheated kernels (without, there is no pool and
    nothing to do). True when the pool was tuned.
    """
    if not preheat:
        return False
    absent = [name for name in MANAGER_INTERNALS if not hasattr(km, name)]
    if absent:
        return TARGET.missing(
            f"kernel manager {', '.join(absent)}", "the kernel pool refills as Voilà's own does"
        )
    waiters = _waiters()
    if waiters is None:
        return TARGET.missing(
            "RequestInfoSocketHandler._waiters", "the kernel pool refills as Voilà's own does"
        )
    TARGET.untested()

    gate = asyncio.Semaphore(max(1, km.preheat_concurrency))
    initialize = km._initialize

    async def warmed_up(
        notebook_path: str, kernel_id: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        # Whole warm-up under the gate: the kernel's start and its notebook run up to the
        # point where it waits for a request (or to its end, for a notebook that never waits).
        async with gate:
            result: dict[str, Any] = await initialize(notebook_path, kernel_id, **kwargs)
            deadline = time.monotonic() + PREHEAT_WARMUP_TIMEOUT
            while time.monotonic() < deadline:
                if result["kernel_id"] in waiters:
                    break
                if result["task"].done():
                    break
                await asyncio.sleep(0.05)
            return result

    def wanted(notebook: str) -> int:
        config = km.kernel_pools_config
        return int(config.get(notebook, config.get("default", {})).get("pool_size", 0))

    def ready(task: asyncio.Future[Any]) -> bool:
        return task.done() and not task.cancelled() and task.exception() is None

    def get_pool_size(notebook: str) -> int:
        pool = km._pools.get(notebook)
        if pool is None:
            return 0
        # A pool start that failed (e.g. refused at max_kernels) would fail the page that takes
        # it: drop it, and top the pool up again while there is room.
        pool[:] = [t for t in pool if not t.done() or ready(t)]
        if len(pool) < wanted(notebook) and len(km.list_kernel_ids()) < km.max_kernels:
            km.fill_if_needed(notebook_name=notebook)
        return sum(1 for t in pool if ready(t))  # only warmed-up kernels count

    get_rendered_notebook = km.get_rendered_notebook

    async def ready_first(notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        pool = km._pools.get(notebook_name, [])
        pool.sort(key=lambda t: not ready(t))  # Voilà takes the first one
        return await get_rendered_notebook(notebook_name, *args, **kwargs)

    km._initialize = warmed_up
    km.get_pool_size = get_pool_size
    km.get_rendered_notebook = ready_first
    return True
