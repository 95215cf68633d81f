"""Does a self-study kit speak to one person, in its content, its evaluation and its interface?

A self-study kit is worked through alone (or by a team at a meeting): it asks "Hvad tager du
med?", never "Kom alle i gruppen til orde?", and its take-aways are "Det tager jeg med". The
same holds for a new self-study kit made from the template, in every language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from conftest import KITS
from test_widgets_i18n import WIDGETS

import widgets  # noqa: F401 - registers the "widgets" catalogue domain
from talkkit.authoring.new import new_kit
from talkkit.kit import find_kits, load_kit
from widgets._i18n import gettext

#: Words that address a group ("you" plural, "we", "the group").
GROUP_WORDS = {
    "da": re.compile(r"\b(I|jer|jeres|vi|os|vores|gruppen|gruppens)\b"),
    "sv": re.compile(r"\b(ni|er|era|ert|vi|oss|vår|vårt|våra|gruppen|gruppens)\b", re.I),
    "en": re.compile(r"\b(we|us|our|ours|group|group's)\b", re.I),
}
#: Words that address one person: "du eller jeres team" still speaks to the person.
PERSON_WORDS = {
    "da": re.compile(r"\b(du|dig|din|dit|dine|jeg|mit|min|mine)\b", re.I),
    "sv": re.compile(r"\b(du|dig|din|ditt|dina|jag|mitt|min|mina)\b", re.I),
    "en": re.compile(r"\b(you|your|I|my)\b", re.I),
}
#: Interface texts of seminar parts a self-study page never shows (no speaking round, no joint
#: gathering, no questions for presenters, no views of others in a group).
SEMINAR_ONLY = {
    "Different views in the group",
    "Our main points, to read out",
    "Write down questions as they come up; you can ask them at the joint gathering.",
    "Read these questions out at the joint gathering.",
    # the kit's end: page.py picks "Your answers are saved..." for a self-study kit
    "The group's answers are saved. Download them to take them with you into your work, or "
    "come back later with the link.",
}


#: The facilitator's board and the seminar join form: never on a self-study kit's page.
SEMINAR_FILES = {"board.py", "join.py"}


def page_msgids() -> set[str]:
    """The msgids of the views a kit page shows (every widgets module but the seminar ones)."""
    found: set[str] = set()
    for path in sorted(WIDGETS.glob("*.py")):
        if path.name not in SEMINAR_FILES:
            found |= {m for _l, m, _c, _x in extract_from_file("python", path, {"_": None}) if m}
    return found


def speaks_to_a_group(text: str, language: str) -> bool:
    return bool(GROUP_WORDS[language].search(text)) and not PERSON_WORDS[language].search(text)


def person_texts(kit) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(language, text) of everything a person reads in the kit (not the facilitator notes)."""
    out = []
    for lang in kit.languages:
        for phase in kit.agenda:
            out += [(lang, kit.text(phase.title, lang)), (lang, kit.text(phase.intro, lang))]
            out += [(lang, kit.text(p.text, lang)) for p in phase.prompts]
            out += [(lang, kit.text(p.help, lang)) for p in phase.prompts]
        out += [(lang, kit.text(q.text, lang)) for q in kit.evaluation_questions()]
    return [(lang, t) for lang, t in out if t]


def self_study_kits() -> list[Path]:
    return [k for k in find_kits(KITS) if load_kit(k).format == "self-study"]


def test_there_are_self_study_kits() -> None:
    assert len(self_study_kits()) >= 2


@pytest.mark.parametrize("folder", self_study_kits(), ids=lambda p: p.name)
def test_a_self_study_kit_speaks_to_one_person(folder: Path) -> None:
    kit = load_kit(folder)
    texts = person_texts(kit)
    assert len(texts) > 8
    assert [t for lang, t in texts if speaks_to_a_group(t, lang)] == []


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_a_new_self_study_kit_speaks_to_one_person(tmp_path, language: str) -> None:
    folder = new_kit("alene", template="self-study", language=language, kits_root=tmp_path)
    kit = load_kit(folder)
    questions = {q.id: kit.text(q.text, language) for q in kit.evaluation_questions()}
    assert questions["voices"] not in {
        "Kom alle i gruppen til orde?",
        "Fick alla i gruppen komma till tals?",
    }
    assert [t for lang, t in person_texts(kit) if speaks_to_a_group(t, lang)] == []


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_the_interface_of_a_self_study_kit_speaks_to_one_person(language: str) -> None:
    _ = gettext(language, "self-study")
    texts = {m: _(m) for m in page_msgids() - SEMINAR_ONLY}
    assert len(texts) > 80
    assert {m: t for m, t in texts.items() if speaks_to_a_group(t, language)} == {}
    assert _("Our take-aways") != gettext(language)("Our take-aways")


def test_a_seminar_keeps_speaking_to_the_group() -> None:
    assert gettext("da")("Our answer") == "Vores svar"
    assert gettext("da", "self-study")("Our answer") == "Mit svar"
    assert gettext("sv", "hybrid-seminar")("Our take-aways") == "Det här tar vi med oss"
