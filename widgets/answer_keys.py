"""The answer keys a kit asks for, and the kind of value the browser may send for each
(the keys themselves are described in :mod:`talkkit.contracts.answers`)."""

from __future__ import annotations

from talkkit.kit import Kit

__all__ = ["FOLLOWUP", "NAMES", "QUESTIONS", "RATING", "TAKEAWAYS", "TEXT", "answer_keys"]

# The kind of every answer key: what the browser may send for it.
TEXT, RATING, TAKEAWAYS, QUESTIONS, NAMES = "text", "rating", "takeaways", "questions", "names"
FOLLOWUP = "followup"


def answer_keys(kit: Kit, *, facilitator: bool = False) -> dict[str, str]:
    """Every answer key this kit asks for, with its kind (see :mod:`talkkit.contracts.answers`)."""
    keys: dict[str, str] = {}
    for phase in kit.agenda:
        for prompt in phase.prompts:
            keys[f"{phase.id}.{prompt.id}"] = TEXT
            keys[f"{phase.id}.{prompt.id}.views"] = TEXT
    for question in kit.evaluation_questions():
        keys[f"evaluation.{question.id}"] = RATING if question.kind == "rating" else TEXT
    keys["takeaways"] = TAKEAWAYS
    keys["questions"] = QUESTIONS
    keys["followup"] = FOLLOWUP
    keys["speaking.names"] = NAMES
    if facilitator:
        keys["facilitator.notes"] = TEXT
    return keys
