"""The main points of the joint gathering: what the facilitator picks from the groups' answers
or writes, kept in order in the store (at most :data:`~talkkit.store.values.MAX_PICKS`)."""

from __future__ import annotations

import secrets

from talkkit.contracts.board import AddPoint, MovePoint, PickEdit, PickRow, RemovePoint
from talkkit.store import Store
from talkkit.store.types import Pick
from talkkit.store.values import MAX_PICKS

__all__ = ["MainPoints"]


class MainPoints:
    """The main points of one event; :class:`~talkkit.events.board.BoardState` is one.

    It needs ``store``, ``event_id``, ``picks`` (the points, in order) and ``aliases``
    (session id -> the alias the board shows).
    """

    store: Store
    event_id: str
    picks: list[Pick]
    aliases: dict[str, str]

    def add_point(self, text: object) -> Pick | None:
        """A main point the facilitator writes (or merges from several groups)."""
        if type(text) is not str or not text.strip() or len(text) > 4000:
            return None
        return self._add(text.strip(), "")

    def _add(self, text: str, source: str) -> Pick | None:
        if len(self.picks) >= MAX_PICKS:
            return None
        pick = Pick(f"p{secrets.token_hex(6)}", text, source)
        self._save([*self.picks, pick])
        return pick

    def remove_pick(self, pick_id: object) -> None:
        self._save([p for p in self.picks if p.id != pick_id])

    def move_pick(self, pick_id: object, step: object) -> None:
        ids = [p.id for p in self.picks]
        if pick_id not in ids or step not in (-1, 1):
            return
        i = next(n for n, id_ in enumerate(ids) if id_ == pick_id)
        j = i + (1 if step == 1 else -1)
        if 0 <= j < len(ids):
            picks = list(self.picks)
            picks[i], picks[j] = picks[j], picks[i]
            self._save(picks)

    def edit_pick(self, pick_id: object, text: object) -> None:
        if type(text) is not str or not text.strip() or len(text) > 4000:
            return
        self._save(
            [Pick(p.id, text.strip(), p.source) if p.id == pick_id else p for p in self.picks]
        )

    def _save(self, picks: list[Pick]) -> None:
        self.store.set_picks(self.event_id, picks)
        self.picks = picks

    def edit(self, edit: PickEdit) -> None:
        """Apply one edit the facilitator made on the page."""
        if isinstance(edit, AddPoint):
            self.add_point(edit.text)
        elif isinstance(edit, RemovePoint):
            self.remove_pick(edit.pick_id)
        elif isinstance(edit, MovePoint):
            self.move_pick(edit.pick_id, edit.step)

    def picks_data(self) -> list[PickRow]:
        """The main points for the browser: the source names the group by its alias."""
        out = []
        for p in self.picks:
            sid, _sep, rest = p.source.partition("/")
            source = f"{self.aliases[sid]}/{rest}" if sid in self.aliases and rest else ""
            out.append(PickRow(id=p.id, text=p.text, source=source))
        return out
