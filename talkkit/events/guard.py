"""The guard of the join form and the board's login: guessing codes and secrets is slowed down.

Guessing is slowed down in two places (:class:`Gate`): each kernel waits longer after each of
its own failures, and failures are counted in the store per event (and per client) so that
opening more pages does not give more guesses. :func:`login` checks a facilitator secret
through the board's gate; the join form's milder gate is :func:`join_gate`.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from talkkit.events.codes import DUMMY_HASH, MAX_SECRET_CHARS, verify_secret
from talkkit.store import Event, Store, StoreError
from talkkit.store.values import utcnow

__all__ = ["Gate", "LoginResult", "board_gate", "join_gate", "login"]

log = logging.getLogger("talkkit.events")


@dataclass
class Gate:
    """Slows down guessing of secrets and codes, per kernel and across kernels.

    A kernel waits ``2**k`` seconds (at most :attr:`kernel_cap`) after its ``k``-th failure.
    Across kernels, failures are recorded in the store under a *scope* (``board:<event id>``,
    ``join``) and this kernel's ``client`` id; after :attr:`free` failures within
    :attr:`window` seconds every client of the scope waits ``base * 2**(n - free)`` seconds
    after the latest failure, at most :attr:`cap`. A success clears the scope.
    """

    store: Store
    free: int = 3
    base: float = 2.0
    cap: float = 300.0
    window: float = 3600.0
    kernel_cap: float = 60.0
    client: str = field(default_factory=lambda: f"k{os.getpid()}-{secrets.token_hex(4)}")
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _last: float = 0.0

    def kernel_wait(self) -> float:
        if not self._failures:
            return 0.0
        delay = min(self.kernel_cap, 2.0 ** (self._failures - 1))
        return max(0.0, self._last + delay - self.clock())

    def store_wait(self, scope: str) -> float:
        now = utcnow()
        count, last = self.store.failures(scope, now - timedelta(seconds=self.window))
        if count < self.free or last is None:
            return 0.0
        delay = min(self.cap, self.base * 2.0 ** (count - self.free))
        return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())

    def wait(self, scope: str) -> float:
        """Seconds to wait before an attempt on ``scope`` may be checked (0: go ahead)."""
        return max(self.kernel_wait(), self.store_wait(scope))

    def failed(self, scope: str) -> None:
        self._failures += 1
        self._last = self.clock()
        self.store.record_failure(scope, self.client)

    def succeeded(self, scope: str) -> None:
        self._failures = 0
        self.store.clear_failures(scope)


def join_gate(store: Store) -> Gate:
    """The gate for join codes: a kernel waits up to 30 s; across kernels at most 10 s, so a
    flood of wrong codes can slow, but never lock out, the groups of a seminar."""
    return Gate(store, free=20, base=0.5, cap=10.0, window=600.0, kernel_cap=30.0)


# -- the facilitator's login --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """The event a facilitator secret opens, or why not (``error``; the board,
    :mod:`widgets.board`, puts it into words)."""

    event: Event | None
    error: str = ""  # "wrong", "wait", "store"
    wait: float = 0.0


def login(store: Store, secret: object, gate: Gate) -> LoginResult:
    """Check a facilitator secret; the :class:`Event` it opens, or why not."""
    text = secret if type(secret) is str and len(secret) <= MAX_SECRET_CHARS else ""
    text = text.strip()
    event_id = text.partition(".")[0]
    try:
        event = store.get_event(event_id) if event_id else None
        scope = f"board:{event.id}" if event else "board:?"
        wait = gate.wait(scope)
        if wait > 0:
            return LoginResult(None, "wait", wait)
        stored = store.event_secret_hash(event.id) if event else None
        ok = verify_secret(text, stored or DUMMY_HASH) and event is not None
        if not ok:
            gate.failed(scope)
            return LoginResult(None, "wrong")
        gate.succeeded(scope)
    except StoreError as exc:
        log.warning("login failed: %s", exc)
        return LoginResult(None, "store")
    return LoginResult(event)


def board_gate(store: Store) -> Gate:
    return Gate(store)
