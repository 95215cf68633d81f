"""Keeping user text from becoming a formula when a spreadsheet opens an export.

A spreadsheet runs a cell as a formula when the cell's text starts with a trigger (OWASP's CSV
injection list: ``= + - @``, tab, CR, LF; LibreOffice Calc 7.4 evaluates ``=``). Where a
*cell* starts depends on how the file is opened, and the person opening it chooses:

* a CSV opened with ``,``, ``;`` or tab as separator (an English-locale spreadsheet picks ``,``,
  a Danish or Swedish one ``;``): with the "wrong" separator the file's quoting no longer lines
  up, so a new cell may start after ANY ``,``, ``;``, tab or line break inside an answer
  (``"x,=1+1"`` opened with ``,`` gives the cell ``=1+1``), also after spaces and ``"``
  (``x, "=1+1"`` is a quoted cell ``=1+1``);
* any text file (JSON, Markdown) opened in a spreadsheet is read the same way;
* an HTML file opened in Calc makes a cell of every block (table cell, list item, paragraph,
  heading), after trimming ASCII white space; text copied from the page in a browser and pasted
  into a spreadsheet is split like a text file.

The rule, in one sentence: **at every place where some reading may start a cell, a trigger
gets a marker in front of it.** Such a place (an *exposed* position) is the start of the text
or a position right after a *break* character (``,`` ``;`` tab CR LF), each possibly followed
by a run of *skipped* characters (space and ``"``; in HTML also the other ASCII white space).
The marker is:

* ``'`` at the very start of a CSV field (OWASP's advice, shown as text by Excel and Calc);
* U+200B ZERO WIDTH SPACE anywhere else, and in HTML: invisible in the normal reading, and
  still the first character of the cell in a misaligned one, so ``100,- kr`` still reads
  ``100,- kr``;
* in JSON a ``\\u003d``-style escape of the trigger itself: a JSON reader gets the exact text
  back, a spreadsheet sees no trigger.

Markers are reversible: where the text already holds markers before a trigger (``'=1``), one
more is added, and :func:`csv_unguard` removes exactly one, so the typed text always comes back.

Characters a spreadsheet drops on import (NUL and the other C0 controls except tab, LF and CR;
U+FFFE and U+FFFF; checked with Calc 7.4) are replaced before this (see
:func:`talkkit.export.text.xml_safe`): a dropped NUL in front of ``=`` would make a formula.
"""

from __future__ import annotations

import re

__all__ = [
    "CELL_TRIGGERS",
    "HTML_SKIP",
    "TEXT_BREAKS",
    "TEXT_SKIP",
    "ZWSP",
    "csv_guard",
    "csv_unguard",
    "html_guard",
    "html_text",
    "json_guard",
]

#: A cell starting with one of these is a formula (or DDE) in some spreadsheet (OWASP).
CELL_TRIGGERS = frozenset("=+-@\t\r\n")
#: After one of these a text file opened in a spreadsheet may start a new cell.
TEXT_BREAKS = frozenset(",;\t\r\n")
#: Skipped between a break and the cell's first character in a text file.
TEXT_SKIP = frozenset(' "')
#: Trimmed by Calc's HTML import before it looks at a cell's first character (and ``"``).
HTML_SKIP = frozenset(' \t\n\r\x0c"')
ZWSP = "\u200b"


#: Matches wherever :func:`_guard` may have something to do (a superset of its exposed
#: positions followed by markers and a trigger); text without a match is returned as it is.
_MAYBE = re.compile("(?:^|[,;\t\r\n])[ \t\n\r\x0c\"'\u200b]*[=+\\-@\t\r\n]")


def _guard(
    text: str,
    breaks: frozenset[str],
    skip: frozenset[str],
    first: str,
    marker: str,
    *,
    undo: bool = False,
) -> str:
    """Insert (or, with ``undo``, remove) a marker at every exposed position before a trigger.

    The marker is ``first`` at position 0 and ``marker`` elsewhere. Markers are neither breaks
    nor skipped, so inserting one never changes which positions are exposed: guarding and
    unguarding see the same positions, which makes the two exact inverses.
    """
    if _MAYBE.search(text) is None:
        return text
    out: list[str] = []
    exposed = True
    n = len(text)
    i = 0
    while i < n:
        if exposed:
            m = first if i == 0 else marker
            j = i
            while j < n and text[j] == m:
                j += 1
            if j < n and text[j] in CELL_TRIGGERS:
                if not undo:
                    out.append(m)
                elif j > i:
                    i += 1  # drop one marker; the rest of the run stays
                    exposed = False
                    continue
        ch = text[i]
        out.append(ch)
        exposed = ch in breaks or (exposed and ch in skip)
        i += 1
    return "".join(out)


def csv_guard(text: str) -> str:
    """``text`` safe as one CSV field, whichever separator the file is opened with."""
    return _guard(text, TEXT_BREAKS, TEXT_SKIP, "'", ZWSP)


def csv_unguard(text: str) -> str:
    """Exactly the text :func:`csv_guard` was given."""
    return _guard(text, TEXT_BREAKS, TEXT_SKIP, "'", ZWSP, undo=True)


def html_guard(text: str) -> str:
    """``text`` safe in an HTML block that Calc may read as a cell, or that may be copied
    and pasted into a spreadsheet (the marker is always the invisible U+200B)."""
    return _guard(text, TEXT_BREAKS, HTML_SKIP, ZWSP, ZWSP)


def html_text(value: object) -> object:
    """What an HTML template prints for ``value`` (a Jinja ``finalize``, before escaping): text
    with the characters HTML and XML cannot hold (lone surrogates, most C0 controls, U+FFFE,
    U+FFFF) as U+FFFD, guarded by :func:`html_guard`; anything else unchanged, markup the
    template made itself (a macro's output, whose texts passed here already) included."""
    from talkkit.export.text import xml_safe

    if not isinstance(value, str) or hasattr(value, "__html__"):
        return value
    return html_guard(xml_safe(value))


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_ESCAPES = {c: f"\\u{ord(c):04x}" for c in "=+-@"}


_JSON_MAYBE = re.compile('^" *[=+\\-@]|[,;] *[=+\\-@]')


def _json_literal(match: re.Match[str]) -> str:
    literal = match.group(0)
    if _JSON_MAYBE.search(literal) is None:
        return literal
    out = ['"']
    exposed = True  # the opening quote (a cell may start at a line's `"` after indentation)
    for ch in literal[1:-1]:
        out.append(_JSON_ESCAPES.get(ch, ch) if exposed else ch)
        exposed = ch in TEXT_BREAKS or (exposed and ch in TEXT_SKIP)
    out.append('"')
    return "".join(out)


def json_guard(serialized: str) -> str:
    """JSON text (as :func:`json.dumps` writes it) with every exposed trigger in a string
    written as a ``\\uXXXX`` escape: the same JSON value, no formula in a spreadsheet.

    :func:`json.dumps` already escapes tab, CR, LF and ``"``, so inside a string literal the
    breaks are ``,`` and ``;`` and the skipped character is the space.
    """
    return _JSON_STRING.sub(_json_literal, serialized)
