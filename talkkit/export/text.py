"""Making user text inert and storable in each export format.

Every function here is total: any ``str`` in, a ``str`` out, never an exception.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

__all__ = [
    "XLSX_MAX_CELL",
    "escape_markdown",
    "fit_cell",
    "markdown_replaces",
    "texts_in",
    "utf8_safe",
    "xml_replaces",
    "xml_safe",
]

#: Most characters (UTF-16 units) in one spreadsheet cell.
XLSX_MAX_CELL = 32_767

_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters XML 1.0 cannot hold: C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Markdown: C0/C1 controls other than tab and newline, surrogates, U+FFFE and U+FFFF.
_MD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# ASCII punctuation that is active somewhere in CommonMark, GFM or Jupyter (math: $).
_MD_ACTIVE = frozenset("\\`*_[](){}#+-!|~=$@")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def utf8_safe(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD.

    The same characters are the ones LibreOffice Calc drops silently from a CSV file (checked
    with Calc 7.4: C0 controls except tab, LF and CR, and U+FFFE, U+FFFF; lone surrogates cannot
    be written in UTF-8 at all), so the CSV and HTML exports use it too.
    """
    return _XML_ILLEGAL.sub("\ufffd", text)


def xml_replaces(text: str) -> bool:
    """Whether :func:`xml_safe` changes ``text``."""
    return _XML_ILLEGAL.search(text) is not None


def markdown_replaces(text: str) -> bool:
    """Whether :func:`escape_markdown` shows a character of ``text`` as U+FFFD."""
    return _MD_CONTROL.search(text) is not None


def texts_in(value: object, _depth: int = 0) -> Iterator[str]:
    """Every ``str`` in a dataclass, list, tuple or dict (values), depth-first (for the notes
    that say characters were replaced)."""
    if isinstance(value, str):
        yield value
    elif _depth > 8:
        return
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from texts_in(getattr(value, f.name), _depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_in(item, _depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_in(item, _depth + 1)


def fit_cell(text: str, limit: int = XLSX_MAX_CELL) -> tuple[str, bool]:
    """``(text, False)`` if it fits one spreadsheet cell, else ``(cut text + "…", True)``.

    The limit counts UTF-16 units, as Excel does (an emoji counts two).
    """
    if len(text) <= limit // 2:
        return text, False
    units = len(text.encode("utf-16-le", "surrogatepass")) // 2
    if units <= limit:
        return text, False
    out, used = [], 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > limit - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + "…", True


def escape_markdown(text: str, *, inline: bool = False) -> str:
    """``text`` as inert Markdown: it renders as the same text and creates no syntax.

    HTML-escapes ``< > &``, backslash-escapes ASCII punctuation that is active anywhere
    (emphasis, links, images, code, headings, lists, tables, strike-through, Jupyter's ``$``
    maths, setext ``===``), escapes ordered-list markers (``1.``), keeps leading blanks from
    making a code block, and turns line breaks into hard breaks (``\\`` at line end) so user
    text never starts a block of its own; blank lines at the start and end are dropped. With
    ``inline=True`` line breaks become spaces (for headings). Control characters, lone
    surrogates, U+FFFE and U+FFFF become U+FFFD.

    ``://``, ``www.`` and ``@`` are escaped too, which stops source-level autolinkers
    (mistune, markdown-it's linkify); cmark-gfm's autolink extension works after escapes are
    resolved and may still link a URL typed out in full, showing the URL itself as the text.
    """
    text = _MD_CONTROL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_escape_line(line) for line in text.split("\n")]
    if inline:
        return " ".join(lines).strip()
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\\\n".join(lines)


def _escape_line(line: str) -> str:
    stripped = line.lstrip(" \t")
    lead = line[: len(line) - len(stripped)]
    ordered = _MD_ORDERED.match(stripped)
    marker = ordered.end() - 1 if ordered else -1
    out = []
    for i, ch in enumerate(stripped):
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif (
            ch in _MD_ACTIVE
            or i == marker
            or (ch == ":" and stripped.startswith("//", i + 1))  # http://
            or (ch == "." and stripped[max(0, i - 3) : i].lower() == "www")  # www.
        ):
            out.append("\\" + ch)
        else:
            out.append(ch)
    if not out:
        return ""  # a blank line
    # Leading blanks would start a code block: keep them as character references.
    return "".join("&#9;" if c == "\t" else "&#32;" for c in lead) + "".join(out)
