"""The kit page's first screen: what a group sees and can type into before the widgets are up.

One source for two views (issue 20): the server renders the first screen from
:func:`first_screen` into the page's HTML (:mod:`talkkit.page.first_screen_html`), and the kit
widgets build the same parts from the same functions (``widgets.page.PageView`` takes
:func:`agenda_rows` and :func:`shared_texts`, ``widgets.conversation.ConversationView`` takes
:func:`prompt_rows` and :func:`field_labels`), so the two cannot drift:
``tests/test_first_screen.py`` renders both and compares them.

The texts both views show live in the ``page`` catalogue domain (``talkkit/locale``); the kit's
own words come from the kit model (:mod:`talkkit.kit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from talkkit.i18n import translator
from talkkit.kit import Kit
from talkkit.kit.phases import CONVERSATION_KINDS, JOINT_GATHERING, QUESTION_KINDS, TALKS

__all__ = [
    "AgendaItem",
    "Field",
    "FirstScreen",
    "Prompt",
    "agenda_rows",
    "field_labels",
    "first_screen",
    "prompt_rows",
    "shared_texts",
]

DOMAIN = "page"


def shared_texts(language: str, self_study: bool) -> dict[str, str]:
    """The interface texts the first screen and the widget page both show (``page`` domain)."""
    _ = translator(language, DOMAIN)
    return {
        "agenda": _("Agenda"),
        "minutes": _("{n} min"),
        "about_minutes": _("About {n} min"),
        "step_of": _("Step {n} of {total}"),
        **field_labels(language, self_study),
    }


def field_labels(language: str, self_study: bool) -> dict[str, str]:
    """The labels of a prompt's two answer fields (a self-study kit's catalogue context speaks
    to one person: "Mit svar", not "Vores svar")."""
    _ = translator(language, DOMAIN, "self-study" if self_study else None)
    return {
        "our_answer": _("Our answer"),
        "views": _("Other thoughts and questions")
        if self_study
        else _("Different views in the group"),
    }


def first_screen_texts(language: str) -> dict[str, str]:
    """What only the first screen says: that typing works and saving has not started."""
    _ = translator(language, DOMAIN)
    return {
        "loading": _(
            "You can start typing. The page is still loading; saving starts when it is ready."
        ),
        "not_saved": _("Not saved yet: saving starts when the kit is ready"),
    }


def agenda_rows(kit: Kit, content: str) -> list[dict[str, Any]]:
    """Every phase as the page's agenda shows it: ``{id, kind, title, minutes, intro, prompts}``."""
    return [
        {
            "id": p.id,
            "kind": p.kind,
            "title": kit.text(p.title, content),
            "minutes": p.minutes,
            "intro": kit.text(p.intro, content),
            "prompts": len(p.prompts),
        }
        for p in kit.agenda
    ]


def prompt_rows(kit: Kit, content: str) -> list[dict[str, Any]]:
    """The phases with prompts: ``{id, kind, prompts: [{key, text, help}]}``."""
    return [
        {
            "id": p.id,
            "kind": p.kind,
            "prompts": [
                {
                    "key": f"{p.id}.{q.id}",
                    "text": kit.text(q.text, content),
                    "help": kit.text(q.help, content),
                }
                for q in p.prompts
            ],
        }
        for p in kit.agenda
        if p.prompts
    ]


@dataclass(frozen=True)
class AgendaItem:
    id: str
    title: str
    minutes: str  # as shown: "5 min." / "Ca. 5 min."
    current: bool


@dataclass(frozen=True)
class Field:
    key: str  # the answer key the widget field saves under, e.g. "reflection.expectations"
    label: str
    value: str  # the session's saved text ("" when none or no session)


@dataclass(frozen=True)
class Prompt:
    key: str
    text: str
    help: str
    answer: Field
    views: Field


@dataclass(frozen=True)
class FirstScreen:
    kit_id: str
    lang: str  # interface language
    content_lang: str  # the kit content's language
    session_id: str  # "" when the request names no existing session
    title: str
    summary: str  # shown on the first step only, as the widget page does
    agenda_title: str
    agenda: tuple[AgendaItem, ...]
    step_of: str
    phase_id: str
    phase_title: str
    intro: str
    prompts: tuple[Prompt, ...]
    texts: Mapping[str, str]  # first_screen_texts()
    #: Room the widget page takes beside the first screen's parts, kept free so that the
    #: takeover moves nothing (widgets/page.vue: the join form's link, the step's timer, the
    #: speaking round or questions column).
    join_line: bool = False
    timer: bool = False
    side: bool = False

    @property
    def fields(self) -> list[Field]:
        """Every answer field in page order."""
        return [f for p in self.prompts for f in (p.answer, p.views)]


def first_screen(
    kit: Kit,
    language: str,
    *,
    phase_id: str | None = None,
    values: Mapping[str, object] | None = None,
    session_id: str = "",
) -> FirstScreen:
    """The first screen of ``kit`` in ``language``: the phase ``phase_id`` (the session's, else
    the first) with the session's saved ``values`` (answer key -> value; only text is shown)."""
    content = kit.content_language(language)
    self_study = kit.format == "self-study"
    texts = shared_texts(language, self_study)
    rows = agenda_rows(kit, content)
    ids = [r["id"] for r in rows]
    current = phase_id if phase_id in ids else ids[0]
    index = ids.index(current)
    phase = rows[index]
    minutes = texts["about_minutes"] if self_study else texts["minutes"]
    values = values or {}

    def saved(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else ""

    prompts: list[Any] = next(
        (p["prompts"] for p in prompt_rows(kit, content) if p["id"] == current), []
    )
    return FirstScreen(
        kit_id=kit.id,
        lang=language,
        content_lang=content,
        session_id=session_id,
        title=kit.text(kit.title, content),
        summary=kit.text(kit.summary, content) if index == 0 else "",
        agenda_title=texts["agenda"],
        agenda=tuple(
            AgendaItem(r["id"], r["title"], minutes.format(n=r["minutes"]), r["id"] == current)
            for r in rows
        ),
        step_of=texts["step_of"].format(n=index + 1, total=len(rows)),
        phase_id=str(current or ""),
        phase_title=phase["title"],
        intro=phase["intro"],
        prompts=tuple(
            Prompt(
                key=q["key"],
                text=q["text"],
                help=q["help"],
                answer=Field(q["key"], texts["our_answer"], saved(q["key"])),
                views=Field(q["key"] + ".views", texts["views"], saved(q["key"] + ".views")),
            )
            for q in prompts
        ),
        texts=first_screen_texts(language),
        join_line=not self_study,
        timer=not self_study and phase["minutes"] > 0,
        side=has_side(kit, phase["kind"]),
    )


def has_side(kit: Kit, kind: str) -> bool:
    """Whether the widget page shows a side column (speaking round, questions) on a step of
    ``kind`` (as ``hasSide`` in widgets/page.vue)."""
    self_study = kit.format == "self-study"
    gathering = any(p.kind == JOINT_GATHERING for p in kit.agenda)
    speaking = not self_study and kind in CONVERSATION_KINDS
    questions = gathering and kind in (TALKS, *QUESTION_KINDS)
    return speaking or (questions and kind != TALKS)
