"""Save latency: many writer processes calling ``Store.save_answer`` at once, like kernels do.

Each writer is its own process (one kernel per group), opens the store with ``open_store`` as a
kernel does, starts a session, says ``ready`` and waits for ``go``; then all writers save at the
same moment. A save changes one of 20 answers (the size of a kit's agenda) with the revision
the writer last saw, as :class:`widgets.book.AnswerBook` does; the time measured is the
``save_answer`` call, which returns after the commit. ``save_interval=0`` is the worst case: all
writers save back to back; a kernel saves at most once a second per field in real use.

Not measured here: the widget message from the browser to the kernel before ``save_answer``
(end-to-end via the page needs the kit's autosave UI, see :data:`END_TO_END_HOOK`).
"""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["END_TO_END_HOOK", "KEYS", "run_writers", "sqlite_url", "worker_main"]

#: 20 answer keys of one group (phases x prompts, as the kit's answer keys look).
KEYS = tuple(f"phase{p}.prompt{q}" for p in range(1, 6) for q in range(1, 5))

#: End-to-end save through a kit page (type in an answer field, wait for the row in the store).
#: ``None`` until the kit UI has autosave: set it to a coroutine function
#: ``async (page, store_url) -> list[float]`` in :mod:`talkkit_bench.browser` when it does.
END_TO_END_HOOK = None


def worker_main(argv: list[str]) -> int:
    """``python -m talkkit_bench.saves URL INDEX SAVES INTERVAL``: one writer (prints JSON at the end)."""
    url, index, saves, interval = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    from talkkit.store import open_store

    store = open_store(url)
    session = store.create_session("bench", "da", event_id="bench", group_name=f"Bord {index}")
    revisions: dict[str, int] = {}
    print("ready", flush=True)
    line = sys.stdin.readline()  # "go"
    if not line.startswith("go"):
        return 1
    rng = random.Random(index)  # noqa: S311 - text lengths, not secrets
    latencies: list[float] = []
    errors: list[str] = []
    conflicts = 0
    for i in range(saves):
        key = KEYS[(index + i) % len(KEYS)]
        value = f"Gruppe {index}, svar {i}: " + "vi talte om det første møde. " * rng.randint(1, 8)
        start = time.perf_counter()
        try:
            result = store.save_answer(session.id, key, value, revisions.get(key))
        except Exception as exc:  # every failure is a result to report
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        conflicts += bool(result.conflict)
        revisions[key] = result.revision
        if interval:
            time.sleep(interval * rng.uniform(0.5, 1.5))
    with contextlib.suppress(Exception):
        store.close()
    print(json.dumps({"latencies_ms": latencies, "errors": errors, "conflicts": conflicts}))
    return 0


def run_writers(
    url: str, writers: int, saves: int, interval: float = 0.0, timeout: float = 300
) -> dict[str, Any]:
    """Start ``writers`` processes on the store at ``url``; their latencies and failures."""
    procs: list[subprocess.Popen] = []
    result: dict[str, Any] = {"writers": writers, "saves_per_writer": saves, "interval": interval}
    try:
        for index in range(writers):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "talkkit_bench.saves",
                        url,
                        str(index),
                        str(saves),
                        str(interval),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        deadline = time.monotonic() + 120
        not_ready = 0
        for proc in procs:  # each blocks until its writer opened the store (bounded below)
            assert proc.stdout is not None
            line = _readline(proc, deadline)
            if line.strip() != "ready":
                not_ready += 1
        started = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write("go\n")
                proc.stdin.flush()
        latencies: list[float] = []
        errors: list[str] = []
        conflicts = 0
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                errors.append("writer timed out")
                continue
            lines = [ln for ln in out.splitlines() if ln.startswith("{")]
            if not lines:
                errors.append(f"writer failed: {err.strip().splitlines()[-1:]}")
                continue
            data = json.loads(lines[-1])
            latencies += data["latencies_ms"]
            errors += data["errors"]
            conflicts += data["conflicts"]
        wall = time.perf_counter() - started
        result.update(
            latencies_ms=latencies,
            errors=errors,
            conflicts=conflicts,
            not_ready=not_ready,
            wall_s=wall,
            saves_per_s=len(latencies) / wall if wall else 0.0,
        )
        return result
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)


def _readline(proc: subprocess.Popen, deadline: float) -> str:
    """One line of a writer's output, or "" once ``deadline`` passed or it exited."""
    import selectors

    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=0.5):
                return proc.stdout.readline()
            if proc.poll() is not None:
                return ""
    return ""


def sqlite_url(folder: Path) -> str:
    return f"sqlite://{folder / 'bench.sqlite3'}"


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
