"""The team's code and the leader's secret, checked through the events' guard.

Both are checked exactly as an event's join code and facilitator secret
(:mod:`talkkit.events.guard`, :mod:`talkkit.events.codes`): a :class:`Gate` per *source* makes
only that source wait after its own failures (1, 2, 4, 8 s, then 10 s), nothing is counted
per series, so no one can slow down, let alone lock out, the team or its leader. The secret's
salt is derived from it, so the one series it may open is found before one scrypt hash, and a
wrong secret costs the same scrypt hash as a right one.

On the pages (:mod:`talkkit.page.series_page`) a source is one browser: its gate is kept in the
server process under a random cookie (:class:`Gates`).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from talkkit.events.codes import (
    DUMMY_HASH,
    normalise_code,
    secret_salt,
    stored_salt,
    verify_secret,
)
from talkkit.events.guard import Gate, through_gate, typed_secret
from talkkit.store import Store
from talkkit.store.series import Series

__all__ = ["Access", "Gates", "find_by_code", "login"]


@dataclass(frozen=True)
class Access:
    """The series a code or secret opens, or why not: ``error`` is ``"wrong"``, ``"wait"``
    (``wait`` seconds) or ``"store"``."""

    series: Series | None
    error: str = ""
    wait: float = 0.0


def find_by_code(store: Store, code: object, gate: Gate) -> Access:
    """The series whose team code is ``code`` (typed: dashes, spaces and case do not matter)."""

    def look_up() -> Series | None:
        normal = normalise_code(code)
        return store.find_series(normal) if normal else None

    return Access(*through_gate(gate, look_up, "series code check"))


def _by_secret(store: Store, text: str) -> Series | None:
    candidates: list[tuple[str, str]] = []
    if text:
        salt = secret_salt(text)
        for series_id, stored in store.series_secret_hashes():
            found = stored_salt(stored)
            if found is not None and hmac.compare_digest(found, salt):
                candidates.append((series_id, stored))
    for series_id, stored in candidates:
        if verify_secret(text, stored):
            return store.get_series(series_id)
    if not candidates:
        verify_secret(text or "-", DUMMY_HASH)  # the same cost whether or not anything matched
    return None


def login(store: Store, secret: object, gate: Gate) -> Access:
    """Check a leader's secret: the series it opens, or why not."""
    text = typed_secret(secret)
    return Access(*through_gate(gate, lambda: _by_secret(store, text), "series login"))


class Gates:
    """One :class:`Gate` per browser, under a random token (its cookie), at most ``size`` kept
    (the oldest forgotten first). An unknown or missing token gets a new gate: a browser is
    only ever slowed by its own failures."""

    def __init__(self, size: int = 10000) -> None:
        self.size = size
        self._gates: OrderedDict[str, Gate] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(18)

    def get(self, token: object) -> tuple[str, Gate]:
        """``(token, gate)``: the token's gate, or a fresh token and gate."""
        with self._lock:
            if type(token) is str and token in self._gates:
                self._gates.move_to_end(token)
                return token, self._gates[token]
            fresh = self.new_token()
            self._gates[fresh] = Gate()
            while len(self._gates) > self.size:
                self._gates.popitem(last=False)
            return fresh, self._gates[fresh]
