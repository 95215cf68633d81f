"""A team's way through its series: what the team page and the leader's overview show.

Decided where the issue is silent: a step is **done** when its session has an evaluation
answer, reached the kit's last phase, or a later step was opened; the **next** step is the
first that is not done; the others are **planned** for their date. A step's take-aways are
followed up in the next step's session (its ``followup`` answer); an item's status is matched
to the take-away by its text (what, who, when), else by its place in the list.

Everything here is plain data: the pages render it with escaping, never as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from talkkit.contracts.answers import MAX_ITEMS, TAKEAWAY_FIELDS
from talkkit.kit import Kit, find_kit, localize
from talkkit.report.evaluation import QuestionSummary, summarise_evaluation
from talkkit.store import Store
from talkkit.store.series import Series
from talkkit.store.types import Session

__all__ = ["Commitment", "Progress", "Step", "progress"]


@dataclass(frozen=True)
class Commitment:
    """One take-away of a step and how its follow-up went (``status`` "": not followed up)."""

    what: str
    who: str
    when: str
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class Step:
    position: int
    kit_id: str
    title: str
    planned: date
    state: str  # "done", "next" or "planned"
    session: Session | None
    commitments: tuple[Commitment, ...] = ()
    evaluation: tuple[QuestionSummary, ...] = ()

    @property
    def started(self) -> bool:
        return self.session is not None

    @property
    def rating_mean(self) -> float | None:
        """The mean of the step's ratings over its rating questions (None: no rating)."""
        values = [q.mean for q in self.evaluation if q.kind == "rating" and q.mean is not None]
        return round(sum(values) / len(values), 1) if values else None


@dataclass(frozen=True)
class Progress:
    series: Series
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if s.state == "next"), None)

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.state == "done")


def _text(value: Any) -> str:
    return value if type(value) is str else ""


def _takeaways(value: Any) -> list[dict[str, str]]:
    """A stored take-aways answer as ``{what, who, when}`` rows (odd items left out)."""
    rows = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            row = {f: _text(item.get(f)) for f in TAKEAWAY_FIELDS}
            if any(row.values()):
                rows.append(row)
    return rows[:MAX_ITEMS]


def _followed(takeaways: list[dict[str, str]], followup: Any) -> tuple[Commitment, ...]:
    items = [i for i in followup if isinstance(i, dict)] if isinstance(followup, list) else []
    by_text = {(_text(i.get("what")), _text(i.get("who")), _text(i.get("when"))): i for i in items}
    out = []
    for n, row in enumerate(takeaways):
        item = by_text.get((row["what"], row["who"], row["when"]))
        if item is None and n < len(items):
            item = items[n]
        item = item or {}
        out.append(
            Commitment(
                row["what"],
                row["who"],
                row["when"],
                _text(item.get("status")),
                _text(item.get("note")),
            )
        )
    return tuple(out)


def _finished(kit: Kit | None, session: Session, answers: dict[str, Any]) -> bool:
    if any(k.startswith("evaluation.") for k in answers):
        return True
    return bool(kit and kit.agenda and session.phase == kit.agenda[-1].id)


def progress(store: Store, series: Series, language: str) -> Progress:
    """The team's way through ``series``, read from the store, texts in ``language``."""
    sessions = store.series_sessions(series.id)
    answers = {n: store.load_answers(s.id) for n, s in sessions.items()}
    values = {n: {k: a.value for k, a in found.items()} for n, found in answers.items()}
    last_opened = max(sessions, default=0)
    steps = []
    seen_next = False
    for item in series.items:
        kit = find_kit(item.kit_id)
        title = (
            localize(kit.title, kit.content_language(language), kit.languages)
            if kit
            else item.kit_id
        )
        session = sessions.get(item.position)
        mine = values.get(item.position, {})
        done = session is not None and (
            item.position < last_opened or _finished(kit, session, mine)
        )
        if done:
            state = "done"
        elif not seen_next:
            state, seen_next = "next", True
        else:
            state = "planned"
        following = values.get(item.position + 1, {})
        commitments = _followed(_takeaways(mine.get("takeaways")), following.get("followup"))
        evaluation = tuple(summarise_evaluation(kit, [mine], language)) if mine else ()
        steps.append(
            Step(
                item.position,
                item.kit_id,
                title,
                item.planned,
                state,
                session,
                commitments,
                evaluation,
            )
        )
    return Progress(series, tuple(steps))
