"""Data for the trend report's tests: events of several kits in several municipalities over
several months, made through the store's own API (only its clock is set, per event)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from talkkit.events.codes import create_event
from talkkit.store import Store

#: The start of a word each group writes with its own ending (``secret(n)``): a text only one
#: group wrote, which must never appear in a report.
SECRET = "hemmeligt"
THEME = "Vi vil ringe til skolen og holde fælles møde med forældrene om fravær"


def secret(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return SECRET + letters[n // 26] + letters[n % 26]


@dataclass(frozen=True)
class Planned:
    kit: str
    name: str
    when: datetime
    groups: Sequence[tuple[str, int]]  # (municipality, rating of "useful")


#: 2026: Jan (6 groups, da), Feb (4 groups: hidden), Mar (5 + 2 Swedish), and July (outside
#: the first half year).
PLAN = [
    Planned("tidlig-opsporing", "Aarhus januar", datetime(2026, 1, 14, 9, tzinfo=UTC),
            [("Aarhus", 4), ("Aarhus", 5), ("Aarhus", 5), ("aarhus ", 3), ("Odense", 4),
             ("Odense", 2)]),
    Planned("tidlig-opsporing", "Odense februar", datetime(2026, 2, 10, 9, tzinfo=UTC),
            [("Odense", 1), ("Odense", 1), ("Odense", 2), ("Vejle", 1)]),
    Planned("tvaerfagligt-samarbejde", "Aarhus marts", datetime(2026, 3, 3, 9, tzinfo=UTC),
            [("Aarhus", 5), ("Aarhus", 4), ("Odense", 5), ("Odense", 4), ("Vejle", 3)]),
    Planned("skolfranvaro", "Malmö mars", datetime(2026, 3, 20, 9, tzinfo=UTC),
            [("Malmö", 4), ("Malmö", 5)]),
    Planned("tidlig-opsporing", "Aarhus juli", datetime(2026, 7, 2, 9, tzinfo=UTC),
            [("Aarhus", 5)] * 6),
]  # fmt: skip


@contextmanager
def clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> Iterator[None]:
    """The store's clock at ``when`` (both back ends read it from their module)."""
    with monkeypatch.context() as m:
        for module in ("talkkit.store.sqlite", "talkkit.store.postgres"):
            try:
                m.setattr(f"{module}.utcnow", lambda: when)
            except (ImportError, AttributeError):
                pass
        yield


def build(store: Store, monkeypatch: pytest.MonkeyPatch, plan: Sequence[Planned] = PLAN) -> None:
    """Make the planned events, each group with a rating, a prompt answer, a take-away and a
    follow-up of last time's take-aways (statuses rotate)."""
    statuses = ("done", "started", "not_yet", "dropped", "done")
    n = 0
    for planned in plan:
        with clock(monkeypatch, planned.when):
            event, _secret = create_event(store, planned.kit, planned.name)
            for municipality, rating in planned.groups:
                n += 1
                lang = "sv" if planned.kit == "skolfranvaro" else "da"
                s = store.create_session(planned.kit, lang)
                store.join_event(s.id, event.id, f"Gruppe {n} {secret(n)}", municipality)
                store.save_answer(s.id, "evaluation.useful", rating, None)
                store.save_answer(s.id, "evaluation.improve", f"{secret(n)} kommentar", None)
                store.save_answer(s.id, "intro.start", f"{THEME}. {secret(n)}", None)
                store.save_answer(
                    s.id,
                    "takeaways",
                    [{"what": f"{secret(n)} plan", "who": "Alle", "when": "maj"}],
                    None,
                )
                store.save_answer(
                    s.id, "followup",
                    [{"what": "Ring", "who": "", "when": "", "status": statuses[n % 5],
                      "note": secret(n)}],
                    None,
                )  # fmt: skip
