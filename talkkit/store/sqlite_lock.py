"""The SQLite writers' queue: writers of one store file on one machine wait on an OS file lock
(``flock`` on ``<store>.writers``) before ``BEGIN IMMEDIATE``.

SQLite's own busy handler sleeps in steps of up to 100 ms, so a writer that met a lock held for
2 ms often waited 20-100 ms. With 60 writers saving once a second (``talkkit-bench``) the save
p99 went from 55-445 ms to 22-61 ms in most runs. The price is throughput under overload: with
60 writers back to back, a waiter polls every 2 ms at most, so the lock sits idle between
writers (about 390 saves/s instead of 1,200-1,500, still six times what 60 typing groups send).
The queue gives up after its timeout and leaves the rest to SQLite, so a stuck writer still
ends in a clear error, not a hang. Without a lock file (Windows, a file that cannot be made, a
file system without locks) the store works as before, on SQLite's busy handler alone.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]  # None marks "no fcntl" for the code below

__all__ = ["WritersQueue"]


class WritersQueue:
    """The writers' lock of one store file (``<path>.writers``), held around each write."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.timeout = timeout
        self._fd: int | None = None
        if fcntl is not None:
            try:
                self._fd = os.open(f"{path}.writers", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            except OSError:
                self._fd = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Wait for this machine's other writers of the file.

        Polled with a non-blocking ``flock`` every 0.1-2 ms, so a wait ends within 2 ms of the
        lock's release; after ``timeout`` without it, the write goes on without the queue
        and SQLite's own locking decides (a clear "database is locked" error, not a hang).
        """
        fd = self._fd
        held = False
        if fd is not None:
            deadline = time.monotonic() + self.timeout
            pause = 0.0001
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
                except OSError:  # a file system without locks: SQLite's busy handler alone
                    break
        try:
            yield
        finally:
            if held and fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
