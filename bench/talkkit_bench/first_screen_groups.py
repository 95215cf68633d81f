"""Many groups opening the kit in the same second (issue 20), as synthetic groups.

60 chromium pages on the server's own two cores measure chromium (load average 124 in the
first run: 40 pages never usable), not what a group sees on its own laptop. Here each group is
a :class:`~talkkit_bench.protocol.SyntheticGroup`: it GETs the kit page as a browser does and
notes when the first screen's HTML has arrived (from then on a browser shows fields that take
typing: about 0.2 s more for its own parse and paint, measured on single pages), then opens the
kernel's websocket, waits for its session and saves its first text, timed until the kernel
says it is committed (and checked in the store file afterwards). Every time counts from the
moment all groups open the page.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from talkkit_bench.protocol import SyntheticGroup
from talkkit_bench.servers import start_kit_server

__all__ = ["synthetic_groups"]


async def _open_all(base: str, page: str, groups: int, timeout: float) -> list[dict[str, Any]]:
    start = asyncio.Event()
    members = [SyntheticGroup(base, page, [], timeout) for _ in range(groups)]
    started: dict[str, float] = {}

    async def one(i: int, member: SyntheticGroup) -> dict[str, Any]:
        result = await member.open(start)
        if result.get("failure") or "ready" not in result:
            return result
        ms = await member.save(f"gruppe{i:03d}tekst", 1, timeout=timeout)
        if ms is None:
            result["failure"] = "not saved"
        else:
            result["in_store"] = time.perf_counter() - started["at"]
        return result

    tasks = [asyncio.ensure_future(one(i, m)) for i, m in enumerate(members)]
    await asyncio.sleep(0.2)  # every group waits at the start line
    started["at"] = time.perf_counter()
    start.set()
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for member in members:
            member.close()


def synthetic_groups(
    cfg: Any, kits: Path, work: Path, groups: int, preheat: int, log: Any, in_store: Any
) -> dict[str, Any]:
    """``groups`` synthetic groups open the kit at once with ``preheat`` preheated kernels;
    ``in_store(db, tokens)`` reads which first texts the store file holds afterwards."""
    args = [a for a in cfg.serve_args if not a.startswith("--preheat")]
    kit_name = Path(cfg.kit).parent.name
    server = start_kit_server(
        kits,
        work / "data-fs-synthetic",
        work / "fs-synthetic.log",
        [*args, f"--preheat={preheat}", "--preheat-kit", kit_name],
    )
    try:
        server.wait_for_pools(1, timeout=300)
        server.wait_idle(timeout=60)
        loads = asyncio.run(_open_all(server.url, cfg.kit, groups, max(cfg.page_timeout, 120)))
        tokens = [f"gruppe{i:03d}tekst" for i in range(groups)]
        found = in_store(server.data_dir / "talkkit.sqlite3", tokens)
        log(
            f"synthetic groups {groups}: {sum(1 for r in loads if 'first_screen' in r)} first "
            f"screens, {sum(1 for r in loads if 'in_store' in r)} saved, {len(found)} in the store"
        )
        return {"loads": loads, "in_store_file": len(found), "errors": server.errors()[1]}
    finally:
        server.stop()
