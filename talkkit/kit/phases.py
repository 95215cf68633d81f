"""The phase kinds of a kit's agenda: THE one definition.

``kit.yaml`` names a kind for every phase (``agenda[].kind``). What a kind means is written here
once and read by everything else: the schema's list of allowed kinds (a test keeps
``talkkit/schemas/kit.schema.json`` in step), ``talkkit check`` (a conversation needs prompts),
the group handout (whose answers are agreements) and the kit page, whose Vue code receives
:func:`page_kinds` as data instead of spelling the kinds itself.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AGREEMENT_KINDS",
    "BREAK",
    "CONVERSATION_KINDS",
    "EVALUATION",
    "JOINT_GATHERING",
    "PHASE_KINDS",
    "PRACTICE_CONVERSATION",
    "QUESTION_KINDS",
    "READ_OUT_KINDS",
    "TALKS",
    "page_kinds",
]

TALKS: Final = "talks"
LEARNING_CONVERSATION: Final = "learning-conversation"
PRODUCTIVE_CONVERSATION: Final = "productive-conversation"
JOINT_GATHERING: Final = "joint-gathering"
PRACTICE_CONVERSATION: Final = "practice-conversation"
EVALUATION: Final = "evaluation"
REFLECTION: Final = "reflection"
BREAK: Final = "break"

#: Every kind a phase may have, in the order the schema lists them.
PHASE_KINDS: Final[tuple[str, ...]] = (
    TALKS,
    LEARNING_CONVERSATION,
    PRODUCTIVE_CONVERSATION,
    JOINT_GATHERING,
    PRACTICE_CONVERSATION,
    EVALUATION,
    REFLECTION,
    BREAK,
)

#: Conversations: each needs at least one prompt, and the page offers the speaking round.
CONVERSATION_KINDS: Final[tuple[str, ...]] = (
    LEARNING_CONVERSATION,
    PRODUCTIVE_CONVERSATION,
    PRACTICE_CONVERSATION,
    REFLECTION,
)

#: Phases during which the groups may note questions for the presenters (seminar kits).
QUESTION_KINDS: Final[tuple[str, ...]] = (
    TALKS,
    LEARNING_CONVERSATION,
    PRODUCTIVE_CONVERSATION,
    JOINT_GATHERING,
)

#: Phases whose answers are the group's agreements (the handout shows them).
AGREEMENT_KINDS: Final[tuple[str, ...]] = (
    PRODUCTIVE_CONVERSATION,
    PRACTICE_CONVERSATION,
    JOINT_GATHERING,
)

#: Phases whose answers a group reads out at the joint gathering.
READ_OUT_KINDS: Final[tuple[str, ...]] = (PRODUCTIVE_CONVERSATION,)


def page_kinds() -> dict[str, object]:
    """The kinds as the kit page's Vue code receives them (a synced trait): the names of the
    single kinds it tests for, and the lists it looks phases up in."""
    return {
        "talks": TALKS,
        "joint_gathering": JOINT_GATHERING,
        "practice_conversation": PRACTICE_CONVERSATION,
        "evaluation": EVALUATION,
        "break": BREAK,
        "conversation": list(CONVERSATION_KINDS),
        "questions": list(QUESTION_KINDS),
    }
