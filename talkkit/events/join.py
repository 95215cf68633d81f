"""Joining an event: a group's join code checked, and its session put into the event."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from talkkit.events.codes import normalise_code
from talkkit.events.guard import Gate, join_gate
from talkkit.store import Event, Store, StoreError

__all__ = ["JOIN_SCOPE", "JoinError", "join"]

log = logging.getLogger("talkkit.events")


@dataclass(frozen=True)
class JoinError:
    """Why a join did not happen: ``code`` is ``"bad_code"``, ``"wait"``, ``"name"``,
    ``"other_event"``, ``"other_kit"`` (the code is an event of another kit) or ``"store"``; ``wait`` the seconds to wait for ``"wait"``. The join form
    (:mod:`widgets.join`) puts it into words."""

    code: str
    wait: float = 0.0


JOIN_SCOPE = "join"


def join(
    store: Store,
    code: object,
    *,
    group_name: object,
    municipality: object = "",
    session_id: str | None = None,
    gate: Gate | None = None,
) -> Event | JoinError:
    """Check a join code and, with ``session_id``, put that group's session into the event.

    Returns the :class:`Event`, or a :class:`JoinError`. Wrong codes count as failures of
    ``gate``, this kernel's own (see :mod:`talkkit.events.guard`): nothing other pages send
    makes a right code wait.
    """
    if type(group_name) is not str or not group_name.strip() or len(group_name) > 200:
        return JoinError("name")
    if municipality is None:
        municipality = ""
    if type(municipality) is not str or len(municipality) > 200:
        return JoinError("name")
    gate = gate or join_gate(store)
    wait = gate.wait(JOIN_SCOPE)
    if wait > 0:
        return JoinError("wait", wait)
    try:
        normal = normalise_code(code)
        event = store.find_event(normal) if normal else None
        if event is None:
            gate.failed(JOIN_SCOPE)
            return JoinError("bad_code")
        if session_id is not None:
            session = store.get_session(session_id)
            if session is None or session.kit_id != event.kit_id:
                # a session joins only events of its own kit (the board groups answers by the
                # kit's questions; another kit's answers would be misread there)
                gate.failed(JOIN_SCOPE)
                return JoinError("other_kit")
            store.join_event(session_id, event.id, group_name, municipality)
    except ValueError:
        return JoinError("other_event")
    except StoreError as exc:
        log.warning("join failed: %s", exc)
        return JoinError("store")
    return event
