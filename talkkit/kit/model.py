"""The kit model: the dataclasses a ``kit.yaml`` becomes (see :mod:`talkkit.kit.load`).

Texts in ``kit.yaml`` are either one plain string or a mapping from language code to text;
:func:`localize` picks the right one with a clear fallback (asked language, then the kit's main
language, then English, then any).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "KIT_FILE",
    "NOTEBOOK_FILE",
    "RATING_SCALE",
    "SELF_STUDY_EVALUATION",
    "STANDARD_EVALUATION",
    "Chapter",
    "Kit",
    "KitLoadError",
    "Phase",
    "Prompt",
    "Question",
    "Talk",
    "Text",
    "localize",
    "rating_labels",
    "standard_evaluation",
]

KIT_FILE = "kit.yaml"
NOTEBOOK_FILE = "kit.ipynb"

Text = str | dict[str, str]

#: The local time of a kit by its main language, when its kit.yaml names no ``timezone``.
LANGUAGE_TIMEZONES = {"da": "Europe/Copenhagen", "sv": "Europe/Stockholm"}


class KitLoadError(Exception):
    """A kit folder that cannot be read at all (no kit.yaml, or YAML that does not parse)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = message


def localize(text: Text | None, language: str, fallback: tuple[str, ...] = ()) -> str:
    """The text in ``language``, else in the first of ``fallback`` that exists, else English,
    else the first text given. A plain string is the same in every language."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for code in (language, *fallback, "en"):
        value = text.get(code)
        if value:
            return value
    return next((v for v in text.values() if v), "")


@dataclass(frozen=True)
class Prompt:
    id: str
    text: Text
    help: Text | None = None


@dataclass(frozen=True)
class Question:
    """An evaluation question: ``rating`` (1-5) or ``text`` (an open field)."""

    id: str
    kind: str
    text: Text


@dataclass(frozen=True)
class Phase:
    id: str
    kind: str
    title: Text
    minutes: int
    intro: Text | None = None
    prompts: tuple[Prompt, ...] = ()
    facilitator: Text | None = None


@dataclass(frozen=True)
class Chapter:
    start: float
    title: Text


@dataclass(frozen=True)
class Talk:
    id: str
    title: Text
    speaker: str
    role: Text
    duration_seconds: float | None = None
    video: str | None = None
    poster: str | None = None
    captions: dict[str, str] = field(default_factory=dict)
    chapters: tuple[Chapter, ...] = ()
    external: dict[str, str] | None = None
    generate: dict[str, Any] | None = None


def _q(qid: str, kind: str, da: str, sv: str, en: str) -> Question:
    return Question(qid, kind, {"da": da, "sv": sv, "en": en})


#: The evaluation every seminar kit asks its groups, before the kit's own questions (the last
#: 5 minutes of a seminar). The words follow talkkit/locale/glossary.yaml.
STANDARD_EVALUATION: tuple[Question, ...] = (
    _q(
        "useful",
        "rating",
        "Hvor brugbart var det, I så og hørte, for jeres praksis?",
        "Hur användbart var det ni såg och hörde för ert arbete?",
        "How useful was what you saw and heard for your work?",
    ),
    _q(
        "conversation",
        "rating",
        "Hvor godt fungerede samtalerne i gruppen?",
        "Hur väl fungerade samtalen i gruppen?",
        "How well did the conversations work in your group?",
    ),
    _q(
        "voices",
        "rating",
        "Kom alle i gruppen til orde?",
        "Fick alla i gruppen komma till tals?",
        "Did everyone in the group get to speak?",
    ),
    _q(
        "take-home",
        "text",
        "Hvad tager I med ind i jeres praksis?",
        "Vad tar ni med er in i ert arbete?",
        "What will you take into your work?",
    ),
    _q(
        "improve",
        "text",
        "Hvad kunne have været bedre?",
        "Vad kunde ha varit bättre?",
        "What could have been better?",
    ),
)

#: The same evaluation for a self-study kit, asked of one person (same ids, so reports and
#: exports read both alike).
SELF_STUDY_EVALUATION: tuple[Question, ...] = (
    _q(
        "useful",
        "rating",
        "Hvor brugbart var det, du så og hørte, for din praksis?",
        "Hur användbart var det du såg och hörde för ditt arbete?",
        "How useful was what you saw and heard for your work?",
    ),
    _q(
        "conversation",
        "rating",
        "Hvor godt hjalp spørgsmålene dig til at tænke over det, du så?",
        "Hur väl hjälpte frågorna dig att tänka över det du såg?",
        "How well did the questions help you think about what you saw?",
    ),
    _q(
        "voices",
        "rating",
        "Passede tempoet til dig?",
        "Passade tempot dig?",
        "Did the pace suit you?",
    ),
    _q(
        "take-home",
        "text",
        "Hvad tager du med ind i din praksis?",
        "Vad tar du med dig in i ditt arbete?",
        "What will you take into your work?",
    ),
    _q(
        "improve",
        "text",
        "Hvad kunne have været bedre?",
        "Vad kunde ha varit bättre?",
        "What could have been better?",
    ),
)


def standard_evaluation(kit_format: str | None) -> tuple[Question, ...]:
    """The standard evaluation of a kit format: a self-study kit asks one person."""
    return SELF_STUDY_EVALUATION if kit_format == "self-study" else STANDARD_EVALUATION


#: The words of the 1-5 rating scale (msgids of the ``talkkit`` catalogue), from 1 up.
RATING_SCALE: tuple[str, ...] = ("Not at all", "A little", "Somewhat", "Much", "Very much")


def rating_labels(language: str) -> list[str]:
    """The rating scale's words in ``language``: ``rating_labels("da")[3]`` is 4's word."""
    from talkkit.i18n import translator

    _ = translator(language)
    return [_(label) for label in RATING_SCALE]


@dataclass(frozen=True)
class Kit:
    """A learning kit as declared in its ``kit.yaml``."""

    folder: Path
    id: str
    title: Text
    topic: str
    summary: Text
    languages: tuple[str, ...]
    format: str
    talks: tuple[Talk, ...]
    agenda: tuple[Phase, ...]
    duration_minutes: int | None = None
    poster: str | None = None
    audience: Text | None = None
    timezone: str | None = None
    topic_title: Text | None = None
    evaluation: tuple[Question, ...] = ()
    background: dict[str, Any] = field(default_factory=dict)
    todo: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def main_language(self) -> str:
        return self.languages[0]

    def text(self, value: Text | None, language: str) -> str:
        """Localise a kit text for ``language`` with the kit's own fallback order."""
        return localize(value, language, self.languages)

    def content_language(self, language: str) -> str:
        """The language the kit's content is shown in when the interface is in ``language``."""
        return language if language in self.languages else self.main_language

    def topic_name(self, language: str) -> str:
        """The topic as readers see it: ``topic_title``, else the title up to a colon."""
        if self.topic_title:
            return self.text(self.topic_title, language)
        return self.text(self.title, language).split(":", 1)[0].strip()

    @property
    def local_timezone(self) -> str:
        """The kit's time zone for the times in exports: its ``timezone:``, else by its language."""
        return self.timezone or LANGUAGE_TIMEZONES.get(self.main_language, "Europe/Copenhagen")

    @property
    def total_minutes(self) -> int:
        return sum(p.minutes for p in self.agenda)

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.agenda if p.id == phase_id), None)

    def evaluation_questions(self) -> list[Question]:
        """The standard evaluation questions (of the kit's format) followed by the kit's own."""
        return [*standard_evaluation(self.format), *self.evaluation]

    @property
    def notebook(self) -> Path:
        return self.folder / NOTEBOOK_FILE

    def media_path(self, relpath: str) -> Path:
        return self.folder / relpath

    def talk_poster(self, talk: Talk) -> str | None:
        """The talk's poster: declared, or the still ``talkkit media`` made for a generated talk."""
        if talk.poster:
            return talk.poster
        if talk.video and talk.generate:
            return str(Path(talk.video).with_suffix(".png"))
        return self.poster

    def talk_chapters_track(self, talk: Talk, language: str | None = None) -> str | None:
        """A WebVTT chapters track made by ``talkkit media`` for a generated talk, if any:
        in ``language`` when the talk has a translated script in it, else in its spoken one."""
        if not (talk.video and talk.generate):
            return None
        if language and language in (talk.generate.get("translations") or {}):
            return str(Path(talk.video).with_suffix(f".chapters.{language}.vtt"))
        return str(Path(talk.video).with_suffix(".chapters.vtt"))
