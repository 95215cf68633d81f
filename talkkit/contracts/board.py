"""The board's contract: what the facilitator board's kernel sends its page, and what the page
may ask of it.

The kernel sends custom messages ``{"method": ..., "args": [payload]}`` (:class:`BoardMessage`):
``snapshot`` with a :class:`BoardSnapshot` (the whole board), ``patch`` with a
:class:`BoardPatch` (only what changed) and ``picks`` with the main points
(``list[PickData]``). Rows and groups use short keys, because a board of many groups sends
many of them: ``g`` the group's alias (``g1``, ``g2``: never a session id), ``k`` the answer
key, ``v`` the answer as the board shows it, ``r`` its revision in the store.

The page sends events (``vue_*`` methods of :class:`widgets.board.BoardView`); any client can
send any event, so each is checked before use and becomes one of the typed requests here
(:class:`PickRequest`, :class:`AddPoint`, :class:`RemovePoint`, :class:`MovePoint`).
"""


from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

__all__ = [
    "AddPoint",
    "AnswerRow",
    "BoardEvent",
    "BoardMessage",
    "BoardPatch",
    "BoardSnapshot",
    "ClusterData",
    "DisplayValue",
    "EvaluationData",
    "GroupRow",
    "MovePoint",
    "PhaseRef",
    "PickData",
    "PickRequest",
    "PicksEdit",
    "PromptRef",
    "QuestionRow",
    "RemovePoint",
    "TakeawayRow",
    "TermData",
    "ThemesData",
]


class TakeawayRow(TypedDict):
    """One take-away as the board shows it (each field as text)."""

    what: str
    who: str
    when: str


#: An answer as the board shows it: a text, a rating (``evaluation.*``), the questions
#: (a list of texts) or the take-aways.
DisplayValue = str | int | list[str] | list[TakeawayRow]


class BoardEvent(TypedDict):
    id: str
    name: str
    code: str  #: the join code, formatted for reading aloud (``""`` without an event)
    kit_id: str


class PhaseRef(TypedDict):
    id: str
    title: str


class GroupRow(TypedDict):
    """One group: ``g`` its alias, ``answers`` how many keys it answered."""

    g: str
    name: str
    municipality: str
    phase: str  #: the phase id the group is in (``""``: not started)
    phase_title: str
    answers: int
    updated: str  #: ISO 8601, seconds


class AnswerRow(TypedDict):
    """One answer: group alias ``g``, key ``k``, value ``v`` (as shown), revision ``r``."""

    g: str
    k: str
    v: DisplayValue
    r: int


class PromptRef(TypedDict):
    key: str  #: ``{phase_id}.{prompt_id}``
    phase: str  #: the phase's title (``""`` for a key the kit does not know)
    text: str


class QuestionRow(TypedDict):
    g: str
    text: str


class TermData(TypedDict):
    """A recurring word or phrase (see :class:`talkkit.report.themes.Term`)."""

    text: str
    groups: int
    count: int


class ClusterData(TypedDict):
    label: str
    members: list[list[str]]  #: ``[group alias, text]`` pairs


class ThemesData(TypedDict):
    """The theme overview (:meth:`talkkit.report.themes.Themes.as_dict`)."""

    words: list[TermData]
    phrases: list[TermData]
    clusters: dict[str, list[ClusterData]]  #: prompt key -> similar answers


class EvaluationData(TypedDict):
    """One evaluation question over the groups
    (:meth:`talkkit.report.evaluation.QuestionSummary.as_dict`)."""

    id: str
    kind: str  #: ``"rating"`` or ``"text"``
    text: str
    counts: list[int]  #: ``counts[i]`` groups rated ``i + 1``
    n: int
    mean: float | None
    comments: list[str]


class PickData(TypedDict):
    """A main point; ``source`` names the group by alias (``g1/questions/1``) or is ``""``."""

    id: str
    text: str
    source: str


class BoardSnapshot(TypedDict):
    """Everything the board shows; ``themes`` is ``None`` while the overview is on its way."""

    event: BoardEvent
    kit_title: str
    language: str
    phases: list[PhaseRef]
    groups: list[GroupRow]
    prompts: list[PromptRef]
    rows: list[AnswerRow]
    questions: list[QuestionRow]
    themes: ThemesData | None
    evaluation: list[EvaluationData]
    picks: list[PickData]


class BoardPatch(TypedDict):
    """What changed since the last poll: changed ``groups`` and ``rows``, the aliases of groups
    ``gone``; ``questions``, ``evaluation`` and ``themes`` replace the board's whole list when
    present."""

    groups: list[GroupRow]
    rows: list[AnswerRow]
    gone: list[str]
    questions: NotRequired[list[QuestionRow]]
    evaluation: NotRequired[list[EvaluationData]]
    themes: NotRequired[ThemesData]


class BoardMessage(TypedDict):
    """A custom message from the board's kernel to its page."""

    method: Literal["snapshot", "patch", "picks"]
    args: list[BoardSnapshot] | list[BoardPatch] | list[list[PickData]]


# -- what the page asks (checked in widgets.board before it becomes one of these) ------------


@dataclass(frozen=True)
class PickRequest:
    """Add a group's answer (``item``: one entry of a list answer) to the main points. The
    values are as the browser sent them; :meth:`talkkit.events.BoardState.pick_answer` checks
    them against what it holds."""

    alias: object
    key: object
    item: int | None = None


@dataclass(frozen=True)
class AddPoint:
    """Write a main point."""

    text: str


@dataclass(frozen=True)
class RemovePoint:
    pick_id: str


@dataclass(frozen=True)
class MovePoint:
    """Move a main point one place up (``step=-1``) or down (``1``)."""

    pick_id: str
    step: Literal[-1, 1]


#: A change to the main points, one type per action.
PicksEdit = AddPoint | RemovePoint | MovePoint
