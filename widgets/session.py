"""Which session a kit page works in: the one in the address, this browser's own, or a new one.

Order (issue #4): ``?session=<id>`` (or the notebook's ``group`` parameter) if that session
exists and belongs to this kit; else the id this browser stored for this kit (sent by the page
from ``localStorage``, untrusted); else a new session.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from talkkit.kit import Kit
from talkkit.store import Session, Store
from talkkit.store.values import valid_session_id

__all__ = ["find_session", "open_session"]

log = logging.getLogger("talkkit.widgets")


def find_session(store: Store, kit: Kit, candidates: Iterable[object]) -> Session | None:
    """The first candidate id naming an existing session of this kit."""
    for candidate in candidates:
        if not valid_session_id(candidate):
            continue
        session = store.get_session(candidate)
        if session is not None and session.kit_id == kit.id:
            return session
    return None


def open_session(
    store: Store,
    kit: Kit,
    *,
    language: str,
    candidates: Iterable[object],
    event: str | None = None,
) -> Session:
    """Resume the first valid candidate session, or create one (with ``event`` if it is valid)."""
    session = find_session(store, kit, candidates)
    if session is not None:
        return session
    try:
        return store.create_session(kit.id, language, event_id=event or None)
    except ValueError:
        log.warning("event code not accepted; starting the session without it")
        return store.create_session(kit.id, language)
