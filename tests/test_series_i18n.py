"""Is every text of the series pages and ``talkkit series`` translated into Danish and Swedish
(domain ``series``), keeping its placeholders, and listed in the English catalogue?"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

import talkkit.series  # noqa: F401  # registers the "series" catalogue
from talkkit.i18n import catalogue_ids, translator

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [
    *sorted((ROOT / "talkkit" / "series").glob("*.py")),
    ROOT / "talkkit" / "page" / "series_page.py",
    ROOT / "talkkit" / "commands" / "series.py",
]
TEMPLATES = sorted((ROOT / "talkkit" / "templates").glob("series_*.html.j2"))
#: ``_("...")`` in a template (the texts are plain string literals there).
_CALL = re.compile(r"""_\(\s*(["'])(.*?)\1""")


@functools.cache
def used_msgids() -> frozenset[str]:
    found = set()
    for path in PYTHON:
        for _line, message, _c, _x in extract_from_file("python", str(path), keywords={"_": None}):
            found.add(message)
    for path in TEMPLATES:
        found |= {m.group(2) for m in _CALL.finditer(path.read_text(encoding="utf-8"))}
    return frozenset(found)


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_the_extraction_finds_the_texts() -> None:
    ids = used_msgids()
    assert len(TEMPLATES) >= 3 and len(ids) > 40
    assert {"Open the kit", "No such series: {id}", "Leader's overview"} <= ids


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_text_is_translated(language: str) -> None:
    missing = sorted(used_msgids() - catalogue_ids("series", language))
    assert missing == [], f"add these to talkkit/locale/{language}/LC_MESSAGES/series.po"


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_translations_keep_their_placeholders(language: str) -> None:
    _ = translator(language, "series")
    for msgid in used_msgids():
        assert fields(_(msgid)) == fields(msgid), msgid


def test_the_english_catalogue_lists_every_text() -> None:
    assert used_msgids() <= catalogue_ids("series", "en") | _empty_ids("en")


def _empty_ids(language: str) -> set[str]:
    path = ROOT / "talkkit" / "locale" / language / "LC_MESSAGES" / "series.po"
    return set(re.findall(r'^msgid "(.+)"$', path.read_text(encoding="utf-8"), re.M))
