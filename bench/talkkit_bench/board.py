"""The facilitator board's refresh with 60 groups of 20 answers (issue #5).

The store is seeded with one event of the demo kit, ``groups`` sessions and ``answers`` answers
each (the kit's own answer keys: conversation prompts, views, evaluation). Then, timed
:data:`REFRESHES` times each:

* **full refresh**: :func:`talkkit.events.board_snapshot`, everything the board shows read
  fresh from the store (what a facilitator's reload, or a board opened mid-seminar, costs);
* **poll**: every group saves one more answer, then one :meth:`BoardState.poll` (what the open
  board does every few seconds) reads what changed.

* **idle poll**: a poll when nothing changed (most of the open board's polls).

Server side; the board in chromium is :mod:`talkkit_bench.board_page`. If the board is
missing (an older tree) the phase reports "not built yet".
"""

from __future__ import annotations

import statistics
import time
from typing import Any

__all__ = ["REFRESHES", "NotBuilt", "measure_board", "seed"]

REFRESHES = 5


class NotBuilt(Exception):
    """The facilitator board (issue #5) is not built yet."""


def _board() -> tuple[Any, Any]:
    try:
        from talkkit.events import BoardState, board_snapshot
    except ImportError as exc:
        raise NotBuilt(f"the facilitator board (issue #5) is not built yet: {exc}") from exc
    return BoardState, board_snapshot


def _keys(kit: Any) -> list[tuple[str, str]]:
    """The kit's answer keys and kinds, conversation answers first (as a group fills them)."""
    from widgets.book import answer_keys

    return list(answer_keys(kit).items())


def _value(kind: str, g: int, a: int, round_no: int = 0) -> Any:
    text = f"Gruppe {g + 1}, svar {a + 1} ({round_no}): vi talte om tilliden og de små tegn. "
    if kind == "rating":
        return 1 + (g + a + 2 * round_no) % 5  # another rating than the one stored
    if kind == "takeaways":
        return [{"what": text, "who": "Vi alle", "when": "I morgen"}] * 3
    if kind in ("questions", "names"):
        return [text[:90], f"Spørgsmål {round_no}"]
    return text * 3


def seed(store: Any, kit: Any, groups: int, answers: int) -> tuple[str, list[Any], list]:
    from talkkit.events import create_event

    event, _secret = create_event(store, kit.id, "Bench seminar")
    keys = _keys(kit)[:answers]
    sessions = []
    for g in range(groups):
        session = store.create_session(kit.id, "da", event_id=event.id, group_name=f"Bord {g}")
        sessions.append(session)
        for a, (key, kind) in enumerate(keys):
            store.save_answer(session.id, key, _value(kind, g, a), None)
    return event.id, sessions, keys


def measure_board(
    store_url: str, kit_folder: str, groups: int = 60, answers: int = 20
) -> dict[str, Any]:
    from talkkit.kit import load_kit
    from talkkit.paths import kits_dir
    from talkkit.store import open_store

    result: dict[str, Any] = {"groups": groups, "answers_per_group": answers}
    try:
        BoardState, board_snapshot = _board()
    except NotBuilt as exc:
        return {**result, "status": "not built yet", "note": str(exc), "refresh_s": None}
    kit = load_kit(kits_dir() / kit_folder)
    with open_store(store_url) as store:
        event_id, sessions, keys = seed(store, kit, groups, answers)
        stored = sum(len(store.load_answers(s.id)) for s in sessions)
        full = []
        for _ in range(REFRESHES):
            start = time.perf_counter()
            snapshot = board_snapshot(store, event_id, kit=kit)
            full.append(time.perf_counter() - start)
        state = BoardState(store, event_id, kit=kit)
        state.load()
        polls, changed = [], []
        for round_no in range(1, REFRESHES + 1):
            for g, session in enumerate(sessions):
                key, kind = keys[(g + round_no) % len(keys)]
                revision = store.load_answers(session.id)[key].revision
                store.save_answer(session.id, key, _value(kind, g, 0, round_no), revision)
            start = time.perf_counter()
            patch = state.poll()
            polls.append(time.perf_counter() - start)
            changed.append(len(patch["rows"]) if patch else 0)
        idle = []  # what the open board costs when nothing changed (most of its polls)
        for _ in range(REFRESHES):
            start = time.perf_counter()
            nothing = state.poll()
            idle.append(time.perf_counter() - start)
    return {
        **result,
        "status": "measured",
        "answers_stored": stored,
        "snapshot_groups": len(snapshot.get("groups", [])),
        "refresh_s": full,
        "refresh_median_s": statistics.median(full),
        "refresh_max_s": max(full),
        "poll_s": polls,
        "poll_median_s": statistics.median(polls),
        "poll_rows": changed,
        "idle_poll_s": idle,
        "idle_poll_median_s": statistics.median(idle),
        "idle_poll_found": nothing,
    }
