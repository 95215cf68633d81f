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
]

KIT_FILE = "kit.yaml"
NOTEBOOK_FILE = "kit.ipynb"

Text = str | dict[str, str]


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


#: The evaluation every kit asks, before its own questions (the last 5 minutes of a seminar).
STANDARD_EVALUATION: tuple[Question, ...] = (
    Question(
        "useful",
        "rating",
        {
            "da": "Hvor brugbart var oplægget for jeres praksis?",
            "sv": "Hur användbar var presentationen för er praktik?",
            "en": "How useful was the talk for your practice?",
        },
    ),
    Question(
        "conversation",
        "rating",
        {
            "da": "Hvor godt fungerede samtalerne i gruppen?",
            "sv": "Hur väl fungerade samtalen i gruppen?",
            "en": "How well did the conversations work in your group?",
        },
    ),
    Question(
        "voices",
        "rating",
        {
            "da": "Kom alle i gruppen til orde?",
            "sv": "Fick alla i gruppen komma till tals?",
            "en": "Did everyone in the group get to speak?",
        },
    ),
    Question(
        "take-home",
        "text",
        {
            "da": "Hvad tager I med hjem i jeres praksis?",
            "sv": "Vad tar ni med er till er praktik?",
            "en": "What will you take into your practice?",
        },
    ),
    Question(
        "improve",
        "text",
        {
            "da": "Hvad kunne have været bedre?",
            "sv": "Vad kunde ha varit bättre?",
            "en": "What could have been better?",
        },
    ),
)


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

    @property
    def total_minutes(self) -> int:
        return sum(p.minutes for p in self.agenda)

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.agenda if p.id == phase_id), None)

    def evaluation_questions(self) -> list[Question]:
        """The standard evaluation questions followed by the kit's own."""
        return [*STANDARD_EVALUATION, *self.evaluation]

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
