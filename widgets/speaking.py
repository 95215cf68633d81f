"""The speaking round: everyone gets to speak, one after the other.

The group enters how many they are, or their first names (kept in the session as
``speaking.names``, never exported), and moves the turn on with "Next". An optional timer per
speaker counts down in the browser from the moment the turn began.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from traitlets import Float, HasTraits, Int, List, Unicode, dlink

from talkkit.contracts.answers import MAX_ITEMS
from widgets._base import AnswerView, as_int
from widgets._i18n import gettext
from widgets.book import AnswerBook
from widgets.fields import status_texts

__all__ = ["SPEAKER_SECONDS", "SpeakingModel", "SpeakingView"]

#: The per-speaker times on offer (0: no timer).
SPEAKER_SECONDS = (0, 60, 120, 180, 300)
MAX_PARTICIPANTS = 20


class SpeakingModel(HasTraits):
    """Whose turn it is in the speaking round."""

    count = Int(6, help="participants when no names are given")
    names: List[Any] = List(help="the speaking order (first names), from the answer book")
    turn = Int(0, help="index of the speaker whose turn it is")
    round = Int(1, help="which time round the group is")
    seconds = Int(0, help="time per speaker in seconds, 0 for none")
    started = Float(0.0, help="when the current turn began (ms, kernel clock)")

    def __init__(self, *, clock: Callable[[], float] = lambda: time.time() * 1000.0) -> None:
        super().__init__()
        self._clock = clock

    @property
    def size(self) -> int:
        return len(self.names) or self.count

    def next(self) -> None:
        self.turn += 1
        if self.turn >= self.size:
            self.turn = 0
            self.round += 1
        self.started = self._clock()

    def restart(self) -> None:
        self.turn, self.round, self.started = 0, 1, self._clock()

    def set_count(self, count: object) -> bool:
        value = as_int(count, 1, MAX_PARTICIPANTS)
        if value is None:
            return False
        self.count = value
        self.turn = min(self.turn, self.size - 1)
        return True

    def set_seconds(self, seconds: object) -> bool:
        if seconds not in SPEAKER_SECONDS or type(seconds) is not int:
            return False
        self.seconds = seconds
        self.started = self._clock()
        return True

    def restore(self, saved: object) -> bool:
        """Take back whose turn it was, as a browser kept it across a reload (untrusted:
        ``{turn, round, count, seconds}``, each checked; the turn's own clock starts anew)."""
        if not isinstance(saved, dict):
            return False
        count = as_int(saved.get("count"), 1, MAX_PARTICIPANTS)
        turn = as_int(saved.get("turn"), 0, MAX_ITEMS - 1)
        round_ = as_int(saved.get("round"), 1, 10_000)
        seconds = saved.get("seconds")
        if None in (count, turn, round_) or type(seconds) is not int:
            return False
        if seconds not in SPEAKER_SECONDS:
            return False
        assert count is not None and turn is not None and round_ is not None
        self.count = count
        self.seconds = seconds
        self.turn = min(turn, self.size - 1)
        self.round = round_
        self.started = self._clock()
        return True

    def set_names(self, names: list[str]) -> None:
        self.names = [n.strip() for n in names if n.strip()][:MAX_ITEMS]
        self.turn = min(self.turn, max(0, self.size - 1))

    def now(self) -> float:
        return self._clock()


class SpeakingView(AnswerView):
    vue_file = "speaking.vue"

    count = Int().tag(sync=True)
    names: List[Any] = List().tag(sync=True)
    turn = Int().tag(sync=True)
    round = Int().tag(sync=True)
    seconds = Int().tag(sync=True)
    started = Float().tag(sync=True)
    clock = Float(help="the kernel's clock (ms) when the state last changed").tag(sync=True)
    options: List[Any] = List().tag(sync=True)
    lang = Unicode().tag(sync=True)
    session_id = Unicode(
        help="the open session: the browser keeps whose turn it is per session"
    ).tag(sync=True)

    def __init__(self, model: SpeakingModel, book: AnswerBook, *, language: str) -> None:
        _ = gettext(language)
        super().__init__(
            lang=language,
            options=[
                {"value": s, "title": _("No timer") if s == 0 else _("{n} min", n=s // 60)}
                for s in SPEAKER_SECONDS
            ],
            t={
                **status_texts(language),
                "title": _("Speaking round"),
                "intro": _("Everyone speaks in turn before the free conversation."),
                "now": _("Now speaking"),
                "person": _("Person {n}"),
                "of": _("{n} of {total}"),
                "round": _("Round {n}"),
                "next": _("Next speaker"),
                "restart": _("Start the round again"),
                "settings": _("Who is taking part"),
                "count": _("Number of participants"),
                "names": _("First names, one per line (optional)"),
                "names_hint": _("Names are kept only for the speaking round and never exported."),
                "timer": _("Time per speaker"),
                "left": _("Time left for this speaker"),
                "up": _("Time is up for this speaker"),
            },
        )
        self.model = model
        for name in ("count", "names", "turn", "round", "seconds", "started"):
            dlink((model, name), (self, name))
        model.observe(
            lambda _c: setattr(self, "clock", model.now()), ["turn", "seconds", "started"]
        )
        self.clock = model.now()
        self.bind(book, lambda k: k == "speaking.names")
        dlink((book, "session_id"), (self, "session_id"))
        book.observe(self._on_book_values, "values")
        self._on_book_values({"new": book.values})

    def _on_book_values(self, change: dict[str, Any]) -> None:
        names = change["new"].get("speaking.names")
        if isinstance(names, list):
            self.model.set_names([n for n in names if isinstance(n, str)])

    def vue_next(self, _data: object = None) -> None:
        self.model.next()

    def vue_restart(self, _data: object = None) -> None:
        self.model.restart()

    def vue_set_count(self, data: object) -> None:
        self.model.set_count(data)

    def vue_set_seconds(self, data: object) -> None:
        self.model.set_seconds(data)

    def vue_restore(self, data: object) -> None:
        self.model.restore(data)

    def vue_sync_clock(self, _data: object = None) -> None:
        self.clock = self.model.now()
