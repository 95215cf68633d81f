"""The messages between the board's kernel and its page (``widgets/board.vue``).

The kernel sends the whole board once (``snapshot``), then only what changed (``patch``) and
the main points after each edit (``picks``), as custom widget messages
``{"method": ..., "args": [payload]}`` (:class:`BoardMessage`). Short keys keep the many
answer rows small: a row is ``{"g": group alias, "k": answer key, "v": value as shown,
"r": revision}``. Groups appear only under their aliases (``g1``, ``g2``, ...).

The page sends events back (``vue_<name>`` on :class:`widgets.board.BoardView`); the kernel
checks each before use and turns the main-point edits into a :data:`PickEdit`.
"""

# No ``from __future__ import annotations``: TypedDict reads NotRequired[] from evaluated
# annotations (Python 3.11), so the keys' required/optional split stays right at run time.
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

__all__ = [
    "AddPoint",
    "AnswerRow",
    "BoardMessage",
    "BoardMethod",
    "BoardPatch",
    "BoardSnapshot",
    "ClusterData",
    "DisplayValue",
    "EvaluationRow",
    "EventInfo",
    "FollowupRow",
    "GroupRow",
    "MovePoint",
    "PhaseRow",
    "PickEdit",
    "PickRow",
    "PromptRow",
    "QuestionRow",
    "RemovePoint",
    "TakeawayRow",
    "TermData",
    "ThemesData",
]


class TakeawayRow(TypedDict):
    what: str
    who: str
    when: str


class FollowupRow(TypedDict):
    """One of last time's take-aways and how it went (``status``: FOLLOWUP_STATUSES)."""

    what: str
    who: str
    when: str
    status: str
    note: str


#: An answer as the board shows it: a text, a rating (evaluation), the questions' texts,
#: the take-aways or their follow-up.
DisplayValue = str | int | list[str] | list[TakeawayRow] | list[FollowupRow]


class AnswerRow(TypedDict):
    """One answer of one group."""

    g: str  # the group's alias
    k: str  # the answer key (``phase.prompt``, ``questions``, ``evaluation.useful``, ...)
    v: DisplayValue
    r: int  # the answer's revision in the store


class GroupRow(TypedDict):
    g: str
    name: str
    municipality: str
    phase: str  # the phase id the group is in ('' before it starts)
    phase_title: str
    answers: int
    updated: str  # ISO-8601 time of the group's last change


class EventInfo(TypedDict):
    id: str
    name: str
    code: str  # formatted for reading aloud
    kit_id: str


class PhaseRow(TypedDict):
    id: str
    title: str


class PromptRow(TypedDict):
    key: str
    phase: str  # the phase's title ('' for keys the kit does not know)
    text: str


class QuestionRow(TypedDict):
    g: str
    text: str


class PickRow(TypedDict):
    id: str
    text: str
    source: str  # ``<alias>/<key>[/<item>]``, '' for a point the facilitator wrote


class TermData(TypedDict):
    text: str  # the form the groups wrote most
    groups: int  # groups whose text holds one of ``forms``
    count: int
    forms: list[str]  # the written forms counted, most written first
    label: str  # ``text`` with its other forms, as the board shows it


class ClusterData(TypedDict):
    label: str
    members: list[list[str]]  # [alias, text] pairs


class ThemesData(TypedDict):
    words: list[TermData]
    phrases: list[TermData]
    clusters: dict[str, list[ClusterData]]  # prompt key -> clusters


class EvaluationRow(TypedDict):
    id: str
    kind: str  # "rating" or "text"
    text: str
    counts: list[int]
    n: int
    mean: float | None
    comments: list[str]


class BoardSnapshot(TypedDict):
    """Everything the board shows (``themes`` is ``None`` when sent before the overview)."""

    event: EventInfo
    kit_title: str
    language: str
    phases: list[PhaseRow]
    groups: list[GroupRow]
    prompts: list[PromptRow]
    rows: list[AnswerRow]
    questions: list[QuestionRow]
    themes: ThemesData | None
    evaluation: list[EvaluationRow]
    picks: list[PickRow]


class BoardPatch(TypedDict):
    """What changed since the last poll: changed groups and rows, the aliases of groups gone;
    the questions, the evaluation and the themes when they changed."""

    groups: list[GroupRow]
    rows: list[AnswerRow]
    gone: list[str]
    questions: NotRequired[list[QuestionRow]]
    evaluation: NotRequired[list[EvaluationRow]]
    themes: NotRequired[ThemesData]


#: The kinds of message the board's kernel sends.
BoardMethod = Literal["snapshot", "patch", "picks"]


class BoardMessage(TypedDict):
    """A custom widget message to the board's page: the page calls ``jupyter_<method>``
    with ``args`` (one :class:`BoardSnapshot`, :class:`BoardPatch` or list of picks)."""

    method: BoardMethod
    args: list[BoardSnapshot | BoardPatch | list[PickRow]]


# -- what the page asks for (checked by widgets.board before it becomes one of these) ----------


@dataclass(frozen=True)
class AddPoint:
    """A main point the facilitator writes."""

    text: str


@dataclass(frozen=True)
class RemovePoint:
    pick_id: str


@dataclass(frozen=True)
class MovePoint:
    pick_id: str
    step: Literal[-1, 1]


#: One edit of the main points.
PickEdit = AddPoint | RemovePoint | MovePoint
