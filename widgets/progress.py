"""Where each answer sits on the page, what needs the group's attention, and what was saved.

The page frame (:mod:`widgets.page`) says *where* an answer that was not saved is (phase and
prompt, with a jump to the field), and the kit's end says what the group saved. Both read the
:class:`~widgets.book.AnswerBook`; nothing here trusts the browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from talkkit.kit import Kit
from talkkit.kit.phases import (
    CONVERSATION_KINDS,
    EVALUATION,
    JOINT_GATHERING,
    PRACTICE_CONVERSATION,
    QUESTION_KINDS,
)
from widgets._i18n import gettext
from widgets.conversation import answer_labels

__all__ = ["ATTENTION_STATES", "Place", "attention", "places", "saved_summary"]

#: The save states that keep an answer from being saved until the group acts.
ATTENTION_STATES = ("privacy", "refused", "conflict")


class Place(TypedDict):
    """Where an answer key is shown: its phase, and what the field is called there."""

    phase: str
    phase_title: str
    label: str


def places(kit: Kit, language: str, *, self_study: bool) -> dict[str, Place]:
    """Every answer key of ``kit`` with the phase that shows it and a label a group reads."""
    _ = gettext(language)
    content = kit.content_language(language)
    out: dict[str, Place] = {}

    def first(kinds: tuple[str, ...]) -> tuple[str, str] | None:
        for p in kit.agenda:
            if p.kind in kinds:
                return p.id, kit.text(p.title, content)
        return None

    ours, views = answer_labels(language, self_study)
    for phase in kit.agenda:
        title = kit.text(phase.title, content)
        for prompt in phase.prompts:
            text = kit.text(prompt.text, content)
            key = f"{phase.id}.{prompt.id}"
            out[key] = Place(phase=phase.id, phase_title=title, label=f"{text} ({ours})")
            out[f"{key}.views"] = Place(
                phase=phase.id, phase_title=title, label=f"{text} ({views})"
            )
    evaluation = first((EVALUATION,))
    if evaluation:
        for q in kit.evaluation_questions():
            out[f"evaluation.{q.id}"] = Place(
                phase=evaluation[0], phase_title=evaluation[1], label=kit.text(q.text, content)
            )
    for key, kinds, label in (
        ("takeaways", (PRACTICE_CONVERSATION,), _("Our take-aways")),
        ("questions", QUESTION_KINDS, _("Questions for the presenters")),
        ("speaking.names", CONVERSATION_KINDS, _("Speaking round")),
    ):
        found = first(kinds)
        if found:
            out[key] = Place(phase=found[0], phase_title=found[1], label=label)
    if kit.agenda:  # the follow-up of last time's take-aways opens the kit (issue 22)
        start = kit.agenda[0]
        title = kit.text(start.title, content)
        out["followup"] = Place(phase=start.id, phase_title=title, label=_("Follow-up"))
    return out


def attention(status: Mapping[str, Mapping[str, Any]]) -> list[dict[str, str]]:
    """``[{key, state}]`` of the answers the store does not have because the group must act."""
    return [
        {"key": key, "state": entry.get("state", "")}
        for key, entry in sorted(status.items())
        if entry.get("state") in ATTENTION_STATES
    ]


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return value is not None


def saved_summary(kit: Kit, language: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the group saved, for the kit's end: ``[{id, title, saved, total}]`` per phase with
    prompts (a prompt counts when its answer or its views field holds text), then the
    take-aways, the questions and the evaluation."""
    _ = gettext(language)
    content = kit.content_language(language)
    out: list[dict[str, Any]] = []
    for phase in kit.agenda:
        if not phase.prompts:
            continue
        keys = [f"{phase.id}.{p.id}" for p in phase.prompts]
        saved = sum(1 for k in keys if _filled(values.get(k)) or _filled(values.get(k + ".views")))
        title = kit.text(phase.title, content)
        out.append({"id": phase.id, "title": title, "saved": saved, "total": len(keys)})
    takeaways = values.get("takeaways")
    questions = values.get("questions")
    out.append(
        {
            "id": "takeaways",
            "title": _("Our take-aways"),
            "saved": len(takeaways) if isinstance(takeaways, list) else 0,
            "total": None,
        }
    )
    if any(p.kind == JOINT_GATHERING for p in kit.agenda):
        out.append(
            {
                "id": "questions",
                "title": _("Questions for the presenters"),
                "saved": len(questions) if isinstance(questions, list) else 0,
                "total": None,
            }
        )
    evaluation = [f"evaluation.{q.id}" for q in kit.evaluation_questions()]
    out.append(
        {
            "id": "evaluation",
            "title": _("Evaluation"),
            "saved": sum(1 for k in evaluation if _filled(values.get(k))),
            "total": len(evaluation),
        }
    )
    return out
