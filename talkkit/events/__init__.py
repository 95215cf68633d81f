"""Events: many groups working on one kit at once, then a joint gathering led from a board.

* :mod:`talkkit.events.codes`: join codes, facilitator secrets, :func:`create_event`;
* :mod:`talkkit.events.guard`: guessing slowed down per kernel (:class:`Gate`), the board's
  :func:`login`;
* :mod:`talkkit.events.join`: a group joins with a code (:func:`join`);
* :mod:`talkkit.events.board`: the board's projection (:class:`BoardState`,
  :func:`board_snapshot`);
* :mod:`talkkit.events.picks`: the main points of the joint gathering.

The names below are the package's API (as :mod:`talkkit.kit` and :mod:`talkkit.export` have);
talkkit's own modules import from the submodules.
"""

from talkkit.events.board import FULL_EVERY, OVERLAP, BoardState, board_snapshot
from talkkit.events.codes import (
    CODE_ALPHABET,
    create_event,
    event_links,
    format_code,
    hash_secret,
    new_join_code,
    new_secret,
    normalise_code,
    verify_secret,
)
from talkkit.events.guard import Gate, LoginResult, board_gate, join_gate, login
from talkkit.events.join import JoinError, join
from talkkit.store import Event

__all__ = [
    "CODE_ALPHABET",
    "FULL_EVERY",
    "OVERLAP",
    "BoardState",
    "Event",
    "Gate",
    "JoinError",
    "LoginResult",
    "board_gate",
    "board_snapshot",
    "create_event",
    "event_links",
    "format_code",
    "hash_secret",
    "join",
    "join_gate",
    "login",
    "new_join_code",
    "new_secret",
    "normalise_code",
    "verify_secret",
]
