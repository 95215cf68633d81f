"""The facilitator board's refresh with 60 groups of 20 answers: a hook until issue #5.

The board does not exist yet. :func:`board_refresh` is the one place to fill in when it does:
given a store holding ``groups`` sessions of one event with ``answers`` answers each, do what
one refresh of the board does (read and build what the facilitator sees) and return. The
benchmark seeds the store, times :data:`REFRESHES` refreshes and checks the median against the
1 s target. Until then the phase reports "not built yet" and, as a proxy, the time to read the
event's answers from the store (``list_sessions`` + ``load_answers`` per group), which any board
refresh needs at least.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.saves import KEYS

__all__ = ["EVENT", "REFRESHES", "NotBuilt", "board_refresh", "measure_board", "seed"]

EVENT = "bench-board"
REFRESHES = 5


class NotBuilt(Exception):
    """The facilitator board (issue #5) is not built yet."""


def board_refresh(store: Any, event_id: str) -> None:
    """One refresh of the facilitator board for ``event_id`` (issue #5 fills this in)."""
    raise NotBuilt("the facilitator board (issue #5) is not built yet")


def seed(store: Any, groups: int, answers: int) -> None:
    for g in range(groups):
        session = store.create_session("bench", "da", event_id=EVENT, group_name=f"Bord {g + 1}")
        for a in range(answers):
            text = f"Gruppe {g + 1} svarer på spørgsmål {a + 1}: " + "vi talte om tilliden. " * 6
            store.save_answer(session.id, KEYS[a % len(KEYS)], text, None)


def _read_event(store: Any) -> int:
    count = 0
    for session in store.list_sessions(event_id=EVENT):
        count += len(store.load_answers(session.id))
    return count


def measure_board(store_url: str, groups: int = 60, answers: int = 20) -> dict[str, Any]:
    from talkkit.store import open_store

    with open_store(store_url) as store:
        seed(store, groups, min(answers, len(KEYS)))
        proxy = []
        read = 0
        for _ in range(REFRESHES):
            start = time.perf_counter()
            read = _read_event(store)
            proxy.append(time.perf_counter() - start)
        result: dict[str, Any] = {
            "groups": groups,
            "answers_per_group": answers,
            "store_read_s": proxy,
            "store_read_median_s": statistics.median(proxy),
            "answers_read": read,
        }
        try:
            board_refresh(store, EVENT)
        except NotBuilt as exc:
            result.update(status="not built yet", note=str(exc), refresh_s=None)
            return result
        times = []
        for _ in range(REFRESHES):
            start = time.perf_counter()
            board_refresh(store, EVENT)
            times.append(time.perf_counter() - start)
        result.update(status="measured", refresh_s=times, refresh_median_s=statistics.median(times))
        return result
