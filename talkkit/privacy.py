"""Spotting personal identity numbers in an answer before it is kept.

Groups talk about real cases; an answer must never hold a citizen's identity number. The
interface calls :func:`find_personal_ids` on each answer and, if it finds one, shows
:func:`privacy_warning` so the group removes it (or confirms it is not one). A false alarm
holds a group's text back, so the check has to find the numbers as people type them AND stay
quiet on the many other numbers in ordinary answers. Measured on a generated set against
python-stdnum as the independent reference (``tests/test_privacy_ids.py``).

**What counts as a number.** Before matching, the text is folded character by character (so
every match is a span of the text as typed): any Unicode decimal digit becomes its ASCII digit
(full-width ``１３０７２２``, pasted from a PDF), any dash (hyphen, non-breaking hyphen U+2011,
en and em dash, minus sign, full-width hyphen) becomes ``-``, no-break and narrow spaces become a
space, ``＋`` becomes ``+``. The forms recognised, with ``-``, ``+``, a space or nothing between
the parts:

* Danish CPR numbers ``DDMMYY-XXXX``: the date must exist (the century comes from the 7th digit,
  as the CPR office assigns it, the same rule as ``stdnum.dk.cpr``) and must not lie in the
  future. There is no modulus-11 check: the CPR office has issued numbers without it since 2007,
  and python-stdnum does not require it either.
* Swedish personnummer ``YYMMDD-XXXX``, ``YYMMDD+XXXX`` (100 years or older), ``YYYYMMDD-XXXX``
  and 10 or 12 digits without separator, with a valid Luhn check digit, and samordningsnummer
  (the same with 60 added to the day).

**Staying quiet on other numbers.** Digits glued to other digits, letters, ``#`` or a
number-like neighbour (``+45``, ``1.``, ``12-``, ``ORD-``) are part of something else. Three
shapes of ordinary number are valid IDs by chance (a Luhn digit is right for one number in ten,
and a CPR number has no check digit at all), so they need a *context word* (below) before the
number to be flagged:

* a **timestamp**: 12 digits (``20191028-1557``, ``201910281557``) whose date lies in the last
  15 years and whose last four digits are a time of day (HHMM). The price: a child's 12-digit
  personnummer whose serial reads like a time is only flagged after a word like "pnr";
* a **Swedish mobile number** typed without spaces (``0701234567``): ``070`` reads as the 7th of
  a month. The price: an unbroken CPR number of someone born on the 7th of January-September;
* a **Danish account number**, reg + konto (``1234 0012345678``): ten unbroken digits after a
  four-digit group.

And any number right after a word that says what else it is (*negative context*: konto, reg,
clearing, ordre/order, faktura, kunde-/kundnummer, sag, journal, diarie, ärende, telefon, tlf,
mobil, ring, kl/klokken/klockan, log, ...; within the 20 characters before it: the number's
label, not a word earlier in the sentence) is left alone, unless a *positive context* word (cpr,
personnummer, pnr, samordningsnummer, født, född, ...) is nearer. Dates (``2024-05-01``), amounts (``1.234.567``), phone numbers in groups
(``12 34 56 78``) never have the shape of an identity number.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from talkkit.i18n import translator

__all__ = ["KINDS", "Match", "find_personal_ids", "privacy_warning"]

#: The kinds of :class:`Match`.
KINDS = ("dk-cpr", "se-personnummer", "se-samordningsnummer")

#: Characters folded to ``-`` (every Unicode dash, the minus sign) and to a space.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_SPACES = frozenset("\u00a0\u2007\u2009\u202f\u3000")

# Digits not glued to other digits, letters, "#", nor to a number-like neighbour ("+45", "1.",
# "12-", "ORD-").
_BEFORE = r"(?<![0-9#])(?<![^\W\d_])(?<![0-9][.,/:-])(?<![A-Za-z]-)(?<!\+)"
_AFTER = r"(?![0-9])(?![.,/:+-][0-9])"
_TEN = re.compile(_BEFORE + r"([0-9]{6})([-+ ]?)([0-9]{4})" + _AFTER)
_TWELVE = re.compile(_BEFORE + r"((?:18|19|20)[0-9]{2})([0-9]{4})([- ]?)([0-9]{4})" + _AFTER)


def _words(prefixes: str, words: str) -> re.Pattern[str]:
    """Words starting with one of ``prefixes`` or equal to one of ``words``, not inside a word."""
    alternatives = "|".join(prefixes.split()) + "|" + "|".join(w + r"\b" for w in words.split())
    return re.compile(r"(?<![^\W\d_])(?:" + alternatives + ")", re.IGNORECASE)


#: Words saying the next number IS an identity number.
_POSITIVE = _words(
    "cpr personnum personnr samordningsnum samordningsnr identitetsnum",
    r"pnr p-nr pers\.?\s?nr født født\. född fødd id-nr social\ssecurity",
)
#: Words saying the next number is something else (da, sv, en).
_NEGATIVE = _words(
    "konto clearing faktura invoice ordre order bestilling kunde kund customer account "
    "journal diarie ärende sagsn telefon mobil tidsstempel timestamp logg",
    r"reg reg\.\s?nr regnr kto iban bank sag ref tlf tel phone ring sms fax kl log nr\.\s?#",
)
#: How far before a number its label may stand ("kontonr. ", "tlf: ", "cpr-nr.: ").
_CONTEXT_CHARS = 20
_TIMESTAMP_YEARS = 15


@dataclass(frozen=True)
class Match:
    """A span of the text that looks like an identity number: ``text[start:end]``."""

    kind: str
    start: int
    end: int


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    if ch in _DASHES:
        return "-"
    if ch in _SPACES:
        return " "
    if ch == "\uff0b":
        return "+"
    return ch


def _fold(text: str) -> str:
    """``text`` with the same length, digits, dashes and spaces in their ASCII form."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text)


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


def _swedish(
    year: int | None, yymmdd: str, sign: str, four: str, today: date
) -> tuple[str, date] | None:
    """``(kind, birth date)`` if the number is a valid personnummer/samordningsnummer."""
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
    return kind, born


def _context(folded: str, start: int) -> int:
    """+1 if a positive context word is the nearest before ``start``, -1 if a negative one
    is, 0 if neither is within reach."""
    window = folded[max(0, start - _CONTEXT_CHARS) : start]
    positive = [m.end() for m in _POSITIVE.finditer(window)]
    negative = [m.end() for m in _NEGATIVE.finditer(window)]
    if positive and (not negative or max(positive) >= max(negative)):
        return 1
    if negative:
        return -1
    # a positive word further back ("CPR-nummeret på barnet er ...") still counts
    wide = folded[max(0, start - 2 * _CONTEXT_CHARS) : start]
    return 1 if _POSITIVE.search(wide) else 0


def _is_timestamp(born: date, four: str, today: date) -> bool:
    hh, mm = int(four[:2]), int(four[2:])
    recent = born.year > today.year - _TIMESTAMP_YEARS
    return recent and hh < 24 and mm < 60


def find_personal_ids(text: str, *, today: date | None = None) -> list[Match]:
    """Every span of ``text`` that looks like a Danish or Swedish identity number.

    Returns ``[]`` for anything that is not a ``str``. One match per span: a number valid as
    both (possible for ``DDMMYY-XXXX``) is reported as Swedish, whose check digit is the
    stronger evidence. See the module docstring for the rules.
    """
    if not isinstance(text, str):
        return []
    today = today or date.today()
    folded = _fold(text)
    found: list[Match] = []
    for m in _TWELVE.finditer(folded):
        century, mmdd, sep, four = m.groups()
        if sep == " " and _spaced_group(folded, m.start(), m.end()):
            continue
        result = _swedish(int(century), century[2:] + mmdd, "", four, today)
        if result is None:
            continue
        context = _context(folded, m.start())
        timestamp = result[0] == "se-personnummer" and _is_timestamp(result[1], four, today)
        if context < 0 or (context == 0 and timestamp):
            continue
        found.append(Match(result[0], m.start(), m.end()))
    for m in _TEN.finditer(folded):
        six, sign, four = m.groups()
        if any(f.start <= m.start() < f.end for f in found):
            continue
        if sign == " " and _spaced_group(folded, m.start(), m.end()):
            continue
        result = _swedish(None, six, sign, four, today)
        kind = result[0] if result else None
        if kind is None and sign != "+" and _is_cpr(six, four, today):
            kind = "dk-cpr"
        if kind is None:
            continue
        context = _context(folded, m.start())
        if context < 0:
            continue
        if context == 0 and _ordinary_ten(folded, m.start(), six, sign):
            continue
        found.append(Match(kind, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _spaced_group(folded: str, start: int, end: int) -> bool:
    """Whether a number written with a space is one group of a longer spaced number
    (``12 123456 7890``, ``123456 7890 12``)."""
    return folded[max(0, start - 2) : start][-2:-1].isdigit() or bool(
        re.match(r" [0-9]", folded[end : end + 2])
    )


def _ordinary_ten(folded: str, start: int, six: str, sign: str) -> bool:
    """Whether ten digits are more likely a Swedish mobile number typed without spaces
    (``0701234567``) or a Danish konto number after its reg number (``1234 0012345678``)."""
    if sign == "" and six.startswith("070"):
        return True
    before = folded[max(0, start - 6) : start]
    return sign in ("", " ") and bool(re.search(r"(?:^|[^0-9])[0-9]{4}[ -]$", before))


def privacy_warning(lang: str) -> str:
    """The message asking the group to remove an identity number, in ``lang``."""
    _ = translator(lang)
    return _(
        "This looks like a personal identity number (CPR number or personnummer). "
        "Please remove it: the answers must not say who a citizen is."
    )
