"""Spotting personal identity numbers in an answer before it is kept.

Groups talk about real cases; an answer must never hold a citizen's identity number. The
interface calls :func:`find_personal_ids` on each answer and, if it finds one, shows
:func:`privacy_warning` so the group removes it. It is a warning, not a filter: the check errs
on the side of few false alarms on ordinary text.

Recognised:

* Danish CPR numbers ``DDMMYY-XXXX`` and ``DDMMYYXXXX``: the date must exist (the century comes
  from the 7th digit, as the CPR office assigns it) and must not lie in the future. There is no
  modulus-11 check: numbers without it have been issued since 2007.
* Swedish personnummer ``YYMMDD-XXXX``, ``YYMMDD+XXXX`` (100 years or older), ``YYMMDDXXXX``,
  ``YYYYMMDDXXXX`` and ``YYYYMMDD-XXXX`` with a valid Luhn check digit, and samordningsnummer
  (the same with 60 added to the day).

Not recognised on purpose: digits that are part of a longer number, numbers written with spaces
(``12 34 56 78`` is a phone number), dates (``2024-05-01``) and amounts (``1.234.567``). An
unbroken 10-digit phone number that happens to start with a valid date (``0701234567``) does
look like a CPR number; such a warning is the price of catching real ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from talkkit.i18n import translator

__all__ = ["KINDS", "Match", "find_personal_ids", "privacy_warning"]

#: The kinds of :class:`Match`.
KINDS = ("dk-cpr", "se-personnummer", "se-samordningsnummer")

# Digits not glued to other digits, nor to a number-like neighbour ("+45", "1.", "12-").
_BEFORE = r"(?<![0-9])(?<![0-9][.,/:-])(?<!\+)"
_AFTER = r"(?![0-9])(?![.,/:+-][0-9])"
_TEN = re.compile(_BEFORE + r"([0-9]{6})([-+]?)([0-9]{4})" + _AFTER)
_TWELVE = re.compile(_BEFORE + r"((?:18|19|20)[0-9]{2})([0-9]{4})(-?)([0-9]{4})" + _AFTER)


@dataclass(frozen=True)
class Match:
    """A span of the text that looks like an identity number: ``text[start:end]``."""

    kind: str
    start: int
    end: int


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _cpr_year(yy: int, seventh: int) -> int:
    """The birth year the CPR office encodes with the 7th digit."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy  # 5-8


def _is_cpr(six: str, four: str, today: date) -> bool:
    day, month, yy = int(six[:2]), int(six[2:4]), int(six[4:])
    born = _date(_cpr_year(yy, int(four[0])), month, day)
    return born is not None and born <= today


def _swedish_kind(year: int | None, yymmdd: str, sign: str, four: str, today: date) -> str | None:
    """``se-personnummer``/``se-samordningsnummer`` if the number is valid, else ``None``."""
    if not _luhn(yymmdd + four):
        return None
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    kind = "se-personnummer"
    if day > 60:
        kind, day = "se-samordningsnummer", day - 60
    if year is None:  # the century: the latest that is not in the future (+: 100 years before)
        year = (today.year // 100) * 100 + yy
        if _date(year, month, day) is None or (year, month, day) > (
            today.year,
            today.month,
            today.day,
        ):
            year -= 100
        if sign == "+":
            year -= 100
    born = _date(year, month, day)
    if born is None or born > today:
        return None
    return kind


def find_personal_ids(text: str, *, today: date | None = None) -> list[Match]:
    """Every span of ``text`` that looks like a Danish or Swedish identity number.

    Returns ``[]`` for anything that is not a ``str``. One match per span: a number valid as
    both (possible for ``DDMMYY-XXXX``) is reported as Swedish, whose check digit is the
    stronger evidence.
    """
    if not isinstance(text, str):
        return []
    today = today or date.today()
    found: list[Match] = []
    for m in _TWELVE.finditer(text):
        kind = _swedish_kind(int(m.group(1)), m.group(1)[2:] + m.group(2), "", m.group(4), today)
        if kind:
            found.append(Match(kind, m.start(), m.end()))
    for m in _TEN.finditer(text):
        six, sign, four = m.groups()
        kind = _swedish_kind(None, six, sign, four, today)
        if kind is None and sign != "+" and _is_cpr(six, four, today):
            kind = "dk-cpr"
        if kind and not any(f.start <= m.start() < f.end for f in found):
            found.append(Match(kind, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def privacy_warning(lang: str) -> str:
    """The message asking the group to remove an identity number, in ``lang``."""
    _ = translator(lang)
    return _(
        "This looks like a personal identity number (CPR number or personnummer). "
        "Please remove it: the answers must not say who a citizen is."
    )
