"""Making user text inert and storable in each export format.

Every function here is total: any ``str`` in, a ``str`` out, never an exception.
"""

from __future__ import annotations

import re

__all__ = [
    "CSV_TRIGGERS",
    "XLSX_MAX_CELL",
    "csv_guard",
    "csv_unguard",
    "escape_markdown",
    "fit_cell",
    "utf8_safe",
    "xml_safe",
]

#: A field starting with one of these is a formula (or DDE) in a spreadsheet (OWASP).
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Most characters (UTF-16 units) in one spreadsheet cell.
XLSX_MAX_CELL = 32_767

_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters XML 1.0 cannot hold: C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Markdown: C0/C1 controls other than tab and newline, and surrogates.
_MD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# ASCII punctuation that is active somewhere in CommonMark, GFM or Jupyter (math: $).
_MD_ACTIVE = frozenset("\\`*_[](){}#+-!|~=$@")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def utf8_safe(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def csv_guard(text: str) -> str:
    """Prefix ``'`` to a field a spreadsheet would run as a formula (``=1+1``, ``@SUM(A1)``).

    A field that already starts with apostrophes followed by a trigger (``'=1``) gets one more,
    so :func:`csv_unguard` can always give back exactly what was typed.
    """
    return "'" + text if text.lstrip("'").startswith(CSV_TRIGGERS) else text


def csv_unguard(text: str) -> str:
    """Exactly the text :func:`csv_guard` was given."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(CSV_TRIGGERS) else text


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
    ``inline=True`` line breaks become spaces (for headings). Control characters and lone
    surrogates become U+FFFD.

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
