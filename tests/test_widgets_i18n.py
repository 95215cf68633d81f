"""Are all interface texts translated, and is no user text ever rendered as HTML?"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import widgets  # noqa: F401 - registers the "widgets" catalogue domain
from talkkit.i18n import catalogue_ids, translator

WIDGETS = Path(__file__).resolve().parent.parent / "widgets"


def used_msgids() -> set[str]:
    found = extract_from_dir(str(WIDGETS), method_map=[("**.py", "python")], keywords={"_": None})
    return {message for _file, _line, message, _comments, _context in found if message}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_the_extraction_finds_the_texts() -> None:
    ids = used_msgids()
    assert len(ids) > 80
    assert {"Saved", "Saving failed, retrying", "Speaking round"} <= ids
    assert {
        "Facilitator secret",
        "Join code",
        "Too many wrong codes. Try again in {n} seconds.",
    } <= ids


@pytest.mark.parametrize("language", ["da", "sv"])
def test_every_interface_text_is_translated(language: str) -> None:
    missing = sorted(used_msgids() - catalogue_ids("widgets", language))
    assert missing == [], f"add these to widgets/locale/{language}/LC_MESSAGES/widgets.po"


@pytest.mark.parametrize("language", ["da", "sv"])
def test_translations_keep_their_placeholders(language: str) -> None:
    _ = translator(language, "widgets")
    for msgid in used_msgids():
        assert fields(_(msgid)) == fields(msgid), msgid


def test_templates_never_render_html() -> None:
    """No v-html, no innerHTML and no HTML-rendering widgets anywhere in the interface."""
    for path in WIDGETS.glob("*.vue"):
        text = path.read_text(encoding="utf-8")
        assert "v-html" not in text, path.name
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, path.name
    for path in WIDGETS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(HTML|HTMLMath|Markdown)\(", text), path.name
        assert "widgets.Output" not in text, path.name
