"""The problems of a kit notebook, by cell, in the author's language (see :mod:`.check`).

:func:`talkkit.kit.notebook.read_notebook` says where each field came from; a problem found
in a field (``agenda[1].minutes``) is placed at the cell of that phase, one found in the
structure (a heading at the wrong level, a prompt outside any phase, a cell in an unknown
language) at its own cell. Messages come from the ``talkkit`` catalogues (da, sv, en).
"""

from __future__ import annotations

import dataclasses
import re

from talkkit.authoring.problems import Problem, problem
from talkkit.i18n import translator
from talkkit.kit.model import NOTEBOOK_FILE
from talkkit.kit.notebook import Parsed, Where

__all__ = ["MESSAGES", "PLACES", "by_cell", "cell_problems", "place", "where_text"]

#: The structure's messages (msgids of the ``talkkit`` catalogue).
MESSAGES = {
    "second_title": "a second title '{heading}': the kit has one title (# ...); write the "
    "sections with ## Phase: or ## Talk:",
    "text_outside": "text outside any section: start the cell with a heading (## Phase: ...)",
    "quote_outside": "a quote (facilitator guidance) outside any phase",
    "unknown_heading": "the heading '{heading}' is not one talkkit knows (Talk:, Phase:, "
    "Prompts, Evaluation, Background)",
    "heading_level": "the heading '{heading}' is at the wrong level: write it with {hashes}",
    "prompts_outside": "a list of prompts outside any phase: put it under a ## Phase: heading",
    "chapters_outside": "a list of chapters outside any talk: put it under a ## Talk: heading",
    "prompt_outside": "a prompt outside any phase: '{text}'",
    "prompt_without_heading": "a list item in a phase without a ### Prompts heading above it: "
    "'{text}'",
    "bad_link": "not a link: write it as - [title](https://...) - publisher: '{text}'",
    "label_outside": "'{label}:' belongs under a ## Talk: heading",
    "unknown_language": "a cell in an unknown language '{lang}' (the kit's languages: {known})",
    "settings_yaml": "the settings cell cannot be read (line {line}): check the indentation",
    "untranslated": "not yet translated into {language}",
    "count": "the notebook has {found} {what} headings, the settings cell lists {listed}",
}
#: How a place in the notebook is named (msgids of the ``check`` catalogue).
PLACES = ("cell {n} ({heading})", "cell {n}", "{message} (settings cell: {field})")


def where_text(where: Where, language: str) -> str:
    _ = translator(language, "check")
    if where.heading:
        return _("cell {n} ({heading})").format(n=where.cell, heading=where.heading)
    return _("cell {n}").format(n=where.cell)


def place(parsed: Parsed, field: str) -> Where:
    """The cell a field of the kit comes from: its own text, else its phase's or talk's
    heading, else the settings cell."""
    path = field
    while path:
        if path in parsed.where:
            return parsed.where[path]
        for key, where in parsed.where.items():
            if key.startswith(path + ".") or key.startswith(path + "["):
                return where
        trimmed = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
        if trimmed == path:
            break
        path = trimmed
    return Where(parsed.settings_cell, "settings")


def _prose(parsed: Parsed, field: str) -> bool:
    return field in parsed.where or any(k.startswith(field + ".") for k in parsed.where)


def by_cell(problems: list[Problem], parsed: Parsed, language: str, kit_file: str) -> list[Problem]:
    """Problems of the kit's fields placed at the cell they come from (a field of the settings
    cell is named too, so the author finds its line there)."""
    out = []
    for found in problems:
        if found.msgid.startswith("no {language} text"):
            continue  # said per cell as "not yet translated" (cell_problems)
        if found.file != kit_file:
            out.append(found)
            continue
        where = place(parsed, found.field)
        if found.field and not _prose(parsed, found.field):
            found = _with_settings_field(found, language)
        out.append(
            dataclasses.replace(found, file=NOTEBOOK_FILE, field=where_text(where, language))
        )
    return out


def _with_settings_field(found: Problem, language: str) -> Problem:
    msgid = "{message} (settings cell: {field})"
    inner = found.text(language).split(": ", 2)[-1] if found.field else found.message
    english = msgid.format(message=found.message, field=found.field)
    return Problem(
        found.file, found.field, english, msgid, (("message", inner), ("field", found.field))
    )


def cell_problems(parsed: Parsed, language: str) -> list[Problem]:
    """The notebook's structural problems and what is not translated yet."""
    out = [
        problem(NOTEBOOK_FILE, where_text(i.where, language), MESSAGES[i.key], **i.values)
        for i in parsed.issues
    ]
    data = parsed.data
    for key, word in (("talks", "Talk:"), ("agenda", "Phase:")):
        items = data.get(key) or []
        titled = sum(1 for x in items if isinstance(x, dict) and "title" in x)
        listed = sum(1 for x in items if isinstance(x, dict) and "id" in x)
        if titled != listed:
            out.append(
                problem(
                    NOTEBOOK_FILE,
                    where_text(Where(parsed.settings_cell, "settings"), language),
                    MESSAGES["count"],
                    found=titled,
                    what=word,
                    listed=listed,
                )
            )
    for lang, where, _path in parsed.untranslated:
        out.append(
            problem(
                NOTEBOOK_FILE, where_text(where, language), MESSAGES["untranslated"], language=lang
            )
        )
    return out
