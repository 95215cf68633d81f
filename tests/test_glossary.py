"""Does the same thing have the same name everywhere (talkkit/locale/glossary.yaml)?

Every interface catalogue, every kit, every workshop template and the standard evaluation are
read in each language; no forbidden variant of a glossary term may appear, and a kit with more
than one talk never names them in the singular ("oplægget" for two talks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from talkkit.kit import SELF_STUDY_EVALUATION, STANDARD_EVALUATION, find_kits, read_raw

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = yaml.safe_load((ROOT / "talkkit" / "locale" / "glossary.yaml").read_text("utf-8"))
LANGS = ("da", "sv", "en")
KITS = [*find_kits(ROOT / "kits"), *find_kits(ROOT / "workshop_templates")]
CATALOGUES = sorted(
    [
        *ROOT.glob("talkkit/locale/*/LC_MESSAGES/*.po"),
        *ROOT.glob("widgets/locale/*/LC_MESSAGES/*.po"),
    ]
)
#: kit.yaml fields that are no reader's text (ids, paths, URLs).
_NOT_TEXT = {
    "id",
    "topic",
    "video",
    "poster",
    "captions",
    "script",
    "url",
    "kind",
    "languages",
    "format",
    "generate",
    "language",
    "external",
    "todo",
}


def forbidden(language: str) -> list[tuple[str, re.Pattern[str]]]:
    entries = GLOSSARY[language]
    return [
        (term, re.compile(p, re.IGNORECASE))
        for term, entry in entries.items()
        if term != "several_talks"
        for p in entry["forbidden"]
    ]


def catalogue_texts(path: Path) -> Iterator[str]:
    language = path.parts[-3]
    with path.open("rb") as fh:
        for message in read_po(fh, locale=language):
            if not message.id:
                continue
            if message.string:
                yield str(message.string)
            elif language == "en":
                yield str(message.id)  # English falls back to the msgid


def kit_texts(value: object, language: str, key: str = "") -> Iterator[tuple[str, str]]:
    """(language, text) of every reader's text in a parsed kit.yaml (plain texts are in the
    kit's main language)."""
    if key in _NOT_TEXT:
        return
    if isinstance(value, str):
        yield language, value
    elif isinstance(value, dict):
        if value and set(value) <= set(LANGS):
            for lang, text in value.items():
                if isinstance(text, str):
                    yield lang, text
            return
        for k, v in value.items():
            yield from kit_texts(v, language, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from kit_texts(item, language, key)


def violations(texts: list[tuple[str, str]], several_talks: bool = False) -> list[str]:
    found = []
    for lang, text in texts:
        if re.fullmatch(r"\{\w+\}", text.strip()):
            continue  # a template's placeholder such as "{title}"
        text = re.sub(r"\{\w+\}", "", text)  # placeholders ("{talk}") are no words
        patterns = forbidden(lang)
        if several_talks:
            patterns += [
                ("one talk of several", re.compile(p)) for p in GLOSSARY[lang]["several_talks"]
            ]
        for term, pattern in patterns:
            if pattern.search(text):
                found.append(f"{lang}: {term}: {pattern.pattern!r} in {text!r}")
    return found


def test_the_glossary_has_every_language() -> None:
    assert set(GLOSSARY) == set(LANGS)
    assert all(forbidden(lang) for lang in LANGS)


def test_there_is_something_to_check() -> None:
    assert len(CATALOGUES) >= 12 and len(KITS) >= 9


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-4:]))
def test_catalogues_use_the_glossary(path: Path) -> None:
    language = path.parts[-3]
    texts = [(language, t) for t in catalogue_texts(path)]
    assert len(texts) > 10
    assert violations(texts) == []


@pytest.mark.parametrize("folder", KITS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_kits_and_templates_use_the_glossary(folder: Path) -> None:
    data = read_raw(folder)
    raw_languages = data.get("languages") or ["da"]
    main = raw_languages[0] if raw_languages[0] in LANGS else "da"
    texts = list(kit_texts(data, main))
    assert len(texts) > 10
    assert violations(texts, several_talks=len(data.get("talks") or []) > 1) == []


def test_the_standard_evaluation_uses_the_glossary() -> None:
    texts = [
        (lang, q.text[lang])
        for q in (*STANDARD_EVALUATION, *SELF_STUDY_EVALUATION)
        for lang in LANGS
    ]
    assert violations(texts, several_talks=True) == []


def test_the_glossary_would_have_caught_the_reported_words() -> None:
    reported = [
        ("da", "Hvad tager I med hjem i jeres praksis?"),
        ("da", "Andre synspunkter"),
        ("sv", "Två talks"),
        ("sv", "Frågor till föreläsarna"),
        ("sv", "Vad betyder det ni har hört för er praktik?"),
        ("sv", "Social Talks lärkit"),
        ("sv", "i Daniels och Marias berättelser"),
    ]
    assert all(violations([pair]) for pair in reported)
    assert violations([("da", "Hvor brugbart var oplægget?")], several_talks=True)
    assert not violations([("da", "Social Talks læringskit")])
