"""The agenda model: where the group is, and each phase's countdown.

The countdown ticks in the browser (``page.vue`` computes the time left from ``Date.now()``);
this model only keeps the start/pause state of each phase's timer, in the kernel's clock
(milliseconds since the epoch), so that start, pause and "+1 min" are the same for every view.
Leaving a phase pauses its timer: time does not drain out of a phase nobody looks at.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from traitlets import Dict, HasTraits, Unicode

from talkkit.kit import Kit, Phase

__all__ = ["MAX_EXTRA_MINUTES", "AgendaModel"]

#: The most minutes "+1 min" can add to one phase.
MAX_EXTRA_MINUTES = 60


def _now_ms() -> float:
    return time.time() * 1000.0


class AgendaModel(HasTraits):
    """The current phase and the timer state of every phase of one kit."""

    current = Unicode(help="The id of the phase the group is in.")
    timers = Dict(
        help="phase id -> {running, started (ms, kernel clock), elapsed (s), extra (s)}",
    )

    def __init__(self, kit: Kit, *, clock: Callable[[], float] = _now_ms) -> None:
        super().__init__()
        self.kit = kit
        self.ids = [p.id for p in kit.agenda]
        self._clock = clock
        self.timers = {
            pid: {"running": False, "started": 0.0, "elapsed": 0.0, "extra": 0} for pid in self.ids
        }
        self.current = self.ids[0]

    # -- moving through the agenda --------------------------------------------------------------

    def go(self, phase_id: object) -> bool:
        """Go to ``phase_id`` (a phase of this kit); the phase left behind is paused."""
        if type(phase_id) is not str or phase_id not in self.ids:
            return False
        if phase_id != self.current:
            self.pause(self.current)
            self.current = phase_id
        return True

    def step(self, delta: int) -> bool:
        """Go to the next (``1``) or previous (``-1``) phase."""
        index = self.ids.index(self.current) + (1 if delta > 0 else -1)
        return 0 <= index < len(self.ids) and self.go(self.ids[index])

    @property
    def phase(self) -> Phase:
        """The current phase (``current`` is always one of the kit's phase ids)."""
        phase = self.kit.phase(self.current)
        if phase is None:
            raise LookupError(f"the kit has no phase {self.current!r}")
        return phase

    # -- timers ---------------------------------------------------------------------------------

    def _timer(self, phase_id: str | None) -> tuple[str, dict[str, Any]] | None:
        pid = phase_id or self.current
        return (pid, dict(self.timers[pid])) if pid in self.timers else None

    def _put(self, pid: str, timer: dict[str, Any]) -> None:
        self.timers = {**self.timers, pid: timer}

    def start(self, phase_id: str | None = None) -> None:
        found = self._timer(phase_id)
        if found and not found[1]["running"]:
            pid, timer = found
            self._put(pid, {**timer, "running": True, "started": self._clock()})

    def pause(self, phase_id: str | None = None) -> None:
        found = self._timer(phase_id)
        if found and found[1]["running"]:
            pid, timer = found
            elapsed = timer["elapsed"] + max(0.0, self._clock() - timer["started"]) / 1000.0
            self._put(pid, {**timer, "running": False, "elapsed": elapsed, "started": 0.0})

    def add_minute(self, phase_id: str | None = None) -> None:
        found = self._timer(phase_id)
        if found and found[1]["extra"] < MAX_EXTRA_MINUTES * 60:
            pid, timer = found
            self._put(pid, {**timer, "extra": timer["extra"] + 60})

    def reset(self, phase_id: str | None = None) -> None:
        found = self._timer(phase_id)
        if found:
            self._put(found[0], {"running": False, "started": 0.0, "elapsed": 0.0, "extra": 0})

    def restore(self, saved: object) -> int:
        """Take back timer states a browser kept across a reload (untrusted: each is checked).

        Returns how many phases were restored. A running timer must have started within the
        last 12 hours by this model's clock; times and extra minutes must be in range.
        """
        if not isinstance(saved, dict):
            return 0
        now = self._clock()
        restored = 0
        for pid in self.ids:
            entry = saved.get(pid)
            if not isinstance(entry, dict) or set(entry) != {
                "running",
                "started",
                "elapsed",
                "extra",
            }:
                continue
            running, started = entry["running"], entry["started"]
            elapsed, extra = entry["elapsed"], entry["extra"]
            if type(running) is not bool or type(extra) is not int:
                continue
            if type(started) not in (int, float) or type(elapsed) not in (int, float):
                continue
            if not (0 <= elapsed <= 12 * 3600 and 0 <= extra <= MAX_EXTRA_MINUTES * 60):
                continue
            if running and not (now - 12 * 3600 * 1000 <= started <= now):
                continue
            self._put(
                pid,
                {
                    "running": running,
                    "started": float(started) if running else 0.0,
                    "elapsed": float(elapsed),
                    "extra": extra - extra % 60,
                },
            )
            restored += 1
        return restored

    def remaining(self, phase_id: str | None = None) -> float:
        """Seconds left in a phase (negative once the time is up)."""
        pid = phase_id or self.current
        timer = self.timers[pid]
        phase = self.kit.phase(pid)
        total = (phase.minutes if phase else 0) * 60 + timer["extra"]
        elapsed = timer["elapsed"]
        if timer["running"]:
            elapsed += max(0.0, self._clock() - timer["started"]) / 1000.0
        left: float = total - elapsed
        return left

    def session_left(self) -> float:
        """Seconds left in the whole session: this phase's time left plus all later phases."""
        index = self.ids.index(self.current)
        later = sum(self.kit.agenda[i].minutes * 60 for i in range(index + 1, len(self.ids)))
        return max(0.0, self.remaining()) + later

    def now(self) -> float:
        """The model's clock (ms), sent with every timer change so browsers can align."""
        return self._clock()
