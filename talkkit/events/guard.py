"""The guard of the join form and the board's login: guessing is hopeless, nobody locks others out.

**Per source, nothing global.** A *source* is one kernel (one open page): each kernel waits
after its own failures (1, 2, 4, 8 s, then 10 s after each further failure) and refuses to
check another attempt while it waits. Nothing another user sends changes what this kernel
does: there is no counter keyed on an event, a code or anything another user can name, so a
flood of wrong codes or secrets from other pages cannot slow down, let alone lock out, a
facilitator with the right secret or a group with the right code (they get in on their first
attempt, in the time of one store look-up, plus one scrypt hash for a secret). Before this,
failures were counted per event in the store and the event id was the secret's first part:
any group could keep the facilitator out of the board.

**What guessing costs.** A kernel gets at most 9 guesses in its first minute and 6 a minute
after that. A new kernel is one page load: ~1 CPU-second and ~60 MB on the server, bounded by
``max_kernels`` (default 80) and the connect deadline (:mod:`talkkit.page.kernels`).

* 30 attacking kernels: at most 30 x 6 = **180 guesses a minute** (270 in the first minute).
  Even all 80 kernels of a full server: 480 a minute.
* A join code is 12 characters over 28 symbols: 28**12 = 2.3e17 codes (2**57.7). With E events
  open at once, the expected time to hit any one of them at 180 guesses/min is
  2.3e17 / (2 x 180 x E) minutes = **1.2e9 / E years** (E = 100: 12 million years).
* A facilitator secret is 192 random bits, checked by scrypt (~50 ms, 16 MB): 2**191 / 180
  minutes, about **3e51 years**.

:func:`login` checks a facilitator secret; :func:`join_gate` and :func:`board_gate` make the
gates (one per kernel).
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from talkkit.events.codes import (
    DUMMY_HASH,
    MAX_SECRET_CHARS,
    secret_salt,
    stored_salt,
    verify_secret,
)
from talkkit.store import Event, Store, StoreError

_Found = TypeVar("_Found")

__all__ = [
    "GUESSES_PER_MINUTE",
    "Gate",
    "LoginResult",
    "board_gate",
    "find_event_by_secret",
    "join_gate",
    "login",
    "through_gate",
    "typed_secret",
]

log = logging.getLogger("talkkit.events")

#: Steady-state guesses one kernel gets per minute (60 s / :attr:`Gate.cap`).
GUESSES_PER_MINUTE = 6


@dataclass
class Gate:
    """One source's throttle (one per kernel): after its ``k``-th failure in a row the source
    waits ``base * 2**(k - 1)`` seconds, at most :attr:`cap`, and attempts within the wait are
    refused unchecked. A success resets it. ``store`` is accepted for older callers; nothing
    is counted across kernels (see the module doc)."""

    store: Store | None = None
    base: float = 1.0
    cap: float = 60.0 / GUESSES_PER_MINUTE
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _last: float = 0.0

    def wait(self, scope: str = "") -> float:
        """Seconds this source must wait before its next attempt is checked (0: go ahead)."""
        del scope
        if not self._failures:
            return 0.0
        delay = min(self.cap, self.base * 2.0 ** (self._failures - 1))
        return max(0.0, self._last + delay - self.clock())

    def failed(self, scope: str = "") -> None:
        del scope
        self._failures += 1
        self._last = self.clock()

    def succeeded(self, scope: str = "") -> None:
        del scope
        self._failures = 0


def join_gate(store: Store | None = None) -> Gate:
    """The gate of one kernel's join form."""
    return Gate(store)


def board_gate(store: Store | None = None) -> Gate:
    """The gate of one kernel's board login."""
    return Gate(store)


# -- the facilitator's login --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """The event a facilitator secret opens, or why not (``error``; the board,
    :mod:`widgets.board`, puts it into words)."""

    event: Event | None
    error: str = ""  # "wrong", "wait", "store"
    wait: float = 0.0


def find_event_by_secret(store: Store, text: str) -> Event | None:
    """The event whose facilitator secret is ``text``, or None (one scrypt hash either way)."""
    candidates: list[tuple[Event, str]] = []
    if text:
        salt = secret_salt(text)
        for event in store.list_events():
            stored = store.event_secret_hash(event.id) or ""
            found = stored_salt(stored)
            if found is not None and hmac.compare_digest(found, salt):
                candidates.append((event, stored))
        if not candidates and "." in text:  # a secret made before secrets left the event id
            legacy = store.get_event(text.partition(".")[0])
            legacy_hash = store.event_secret_hash(legacy.id) if legacy else None
            if legacy is not None and legacy_hash:
                candidates.append((legacy, legacy_hash))
    for event, stored in candidates:
        if verify_secret(text, stored):
            return event
    if not candidates:
        verify_secret(text or "-", DUMMY_HASH)  # the same cost whether or not anything matched
    return None


def typed_secret(secret: object) -> str:
    """A secret as typed, trimmed (anything else, or too long: nothing)."""
    text = secret if type(secret) is str and len(secret) <= MAX_SECRET_CHARS else ""
    return text.strip()


def through_gate(
    gate: Gate, look_up: Callable[[], _Found | None], what: str
) -> tuple[_Found | None, str, float]:
    """``look_up()`` (a code's or a secret's record) asked through ``gate``: ``(found, "", 0)``,
    or ``None`` and why not: ``"wait"`` (with the seconds left, nothing looked up), ``"store"``
    (the store failed: not counted against the source) or ``"wrong"`` (counted)."""
    wait = gate.wait()
    if wait > 0:
        return None, "wait", wait
    try:
        found = look_up()
    except StoreError as exc:
        log.warning("%s failed: %s", what, exc)
        return None, "store", 0.0
    if found is None:
        gate.failed()
        return None, "wrong", 0.0
    gate.succeeded()
    return found, "", 0.0


def login(store: Store, secret: object, gate: Gate) -> LoginResult:
    """Check a facilitator secret; the :class:`Event` it opens, or why not.

    Only this kernel's own failures can make it wait (:class:`Gate`)."""
    text = typed_secret(secret)
    return LoginResult(*through_gate(gate, lambda: find_event_by_secret(store, text), "login"))
