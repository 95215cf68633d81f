"""Is every text of the event report and ``talkkit event`` translated into Danish and Swedish
(domain ``events``), keeping its placeholders? (The board's and the join form's texts are the
widgets' own: ``tests/test_widgets_i18n.py``.)"""

from __future__ import annotations

import functools
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from talkkit.i18n import catalogue_ids, translator

ROOT = Path(__file__).resolve().parent.parent
#: The files of the "events" domain and the name of their translation function.
SOURCES = {
    **{f"talkkit/report/{p.name}": "_" for p in sorted((ROOT / "talkkit" / "report").glob("*.py"))},
    "talkkit/commands/event.py": "_",
    "talkkit/commands/report.py": "_",
}


@functools.cache
def used_msgids() -> frozenset[str]:
    found = set()
    for path, keyword in SOURCES.items():
        for _line, message, _comments, _context in extract_from_file(
            "python", str(ROOT / path), keywords={keyword: None}
        ):
            found.add(message)
    return frozenset(found)


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_the_extraction_finds_the_texts() -> None:
    ids = used_msgids()
    assert len(ids) > 30
    assert {"No such event: {id}", "Main points from the joint gathering"} <= ids


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_text_is_translated(language: str) -> None:
    missing = sorted(used_msgids() - catalogue_ids("events", language))
    assert missing == [], f"add these to talkkit/locale/{language}/LC_MESSAGES/events.po"


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_translations_keep_their_placeholders(language: str) -> None:
    _ = translator(language, "events")
    for msgid in used_msgids():
        assert fields(_(msgid)) == fields(msgid), msgid


def test_the_english_catalogue_lists_every_text() -> None:
    path = ROOT / "talkkit" / "locale" / "en" / "LC_MESSAGES" / "events.po"
    text = path.read_text(encoding="utf-8")
    missing = [m for m in used_msgids() if f'msgid "{m}"' not in text and m[:30] not in text]
    assert missing == []
