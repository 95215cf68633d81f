"""Identity numbers in an answer are spotted; ordinary dates, phone numbers and amounts are not."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkkit.i18n import LANGUAGES
from talkkit.privacy import KINDS, find_personal_ids, privacy_warning

TODAY = date(2025, 6, 1)


def luhn_digit(nine: str) -> str:
    """The Luhn check digit of nine digits (written independently of talkkit.privacy)."""
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 - i % 2)
        total += n // 10 + n % 10
    return str((10 - total % 10) % 10)


def swedish(yymmdd: str, three: str) -> str:
    return yymmdd + three + luhn_digit(yymmdd + three)


def kinds(text: str) -> list[str]:
    return [m.kind for m in find_personal_ids(text, today=TODAY)]


def test_luhn_helper_agrees_with_the_tax_agency_example() -> None:
    """Does the test's Luhn helper give Skatteverket's example 811228-9874 its 4?"""
    assert luhn_digit("811228987") == "4"


@pytest.mark.parametrize(
    "text",
    [
        "010190-1234",
        "0101901234",
        "Borgeren (cpr 050378-1234) ringede i går.",
        "CPR:2902004012",  # 29 Feb 2000: 7th digit 4 and year 00 mean 2000, a leap year
        "171265-0987",
        "311299-5555",  # 7th digit 5, year 99: 1899
    ],
)
def test_danish_cpr_numbers_are_found(text) -> None:
    """Is a CPR number with a real date found, with or without the dash, without modulus 11?"""
    assert kinds(text) == ["dk-cpr"]


def test_the_match_covers_exactly_the_number() -> None:
    """Does the match span exactly the digits, so the interface can mark them?"""
    text = "Borgeren (cpr 050378-1234) ringede"
    (match,) = find_personal_ids(text, today=TODAY)
    assert text[match.start : match.end] == "050378-1234"
    assert match.kind in KINDS


@pytest.mark.parametrize(
    "text",
    [
        "310290-1234",  # 31 February
        "320190-1234",  # day 32
        "011390-1234",  # month 13
        "290201-4321",  # 29 Feb 2001
        "290200-1234",  # 29 Feb 1900 (7th digit 1): not a leap year
        "010130-4123",  # 1 Jan 2030: in the future
        "01019012345",  # eleven digits
        "1010190-1234",  # glued to another digit
    ],
)
def test_impossible_danish_dates_are_not_cpr_numbers(text) -> None:
    """Is a ten-digit number whose date cannot exist (or lies ahead) left alone?"""
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("811228-9874", "se-personnummer"),
        ("8112289874", "se-personnummer"),
        ("19811228-9874", "se-personnummer"),
        ("198112289874", "se-personnummer"),
        ("811228+9874", "se-personnummer"),  # 100 years or older: born 1881
        (swedish("811288", "987"), "se-samordningsnummer"),
        (swedish("050271", "123")[:6] + "-" + swedish("050271", "123")[6:], "se-samordningsnummer"),
        ("Personnummer 20" + swedish("120315", "238"), "se-personnummer"),
    ],
)
def test_swedish_numbers_with_a_valid_check_digit_are_found(text, kind) -> None:
    """Is a personnummer or samordningsnummer with a valid Luhn digit found, in every
    written form?"""
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "811228-9875",  # wrong check digit (and no Danish date)
        "19811328-9874",  # month 13
        "20" + swedish("300101", "123"),  # 2030: in the future
        "811292-9874",  # day 92 is neither a day nor a coordination day
    ],
)
def test_invalid_swedish_numbers_are_not_found(text) -> None:
    """Is a number with a wrong check digit or an impossible date left alone?"""
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Ring til mig på 12 34 56 78 eller 20 30 40 50.",
        "Mødet er den 2024-05-01 kl. 10.00 og igen 01.05.2024 i lokale 2.13.",
        "Budgettet er på 1.234.567 kr., og vi har brugt 250.000,00 kr. til dato.",
        "Forældrene kan ringe på +45 12 34 56 78 eller +4512345678.",
        "Sagen har journalnummer 2023-0451-17 og hører under § 50.",
        "Vi mødes i uge 12, 2024, fra kl. 08:30-16:00 på Vestergade 12, 8000 Aarhus C.",
        "Tallene for 1990-2024 viser en stigning på 12,5 %.",
        "Kontonummer DK50 0040 0440 1162 43, reg. nr. 1234.",
        "Ring mig på 070-123 45 67 eller 08-123 456 78.",
        "Vi ses den 15 maj 2024 klockan 13:30 i rum 2103.",
        "Diarienummer 2024/1234-5 gäller beslutet från 2023-11-30.",
        "Kostnaden blev 12 500 kr per månad, totalt 150 000 kr.",
        "Ring +46 70 123 45 67 eller 0046 8 123 456 78.",
        "ISBN 978-87-7675-123-4, ordrenummer 12345678901234.",
        "Barnet er 4 år og 7 måneder; målingen var 101,5 cm den 3/4-2024.",
        "Hon fyller 40 år den 12 december och bor på 114 55 Stockholm.",
    ],
)
def test_ordinary_danish_and_swedish_text_does_not_trigger(text) -> None:
    """Do dates, phone numbers, amounts and case numbers in ordinary sentences stay quiet?"""
    assert find_personal_ids(text, today=TODAY) == []


def test_several_numbers_are_all_found_in_order() -> None:
    """Are all the numbers in one text found, in the order they appear?"""
    text = "Først 010190-1234, så 811228-9874 og til sidst 0503781234."
    found = find_personal_ids(text, today=TODAY)
    assert [text[m.start : m.end] for m in found] == ["010190-1234", "811228-9874", "0503781234"]
    assert [m.kind for m in found] == ["dk-cpr", "se-personnummer", "dk-cpr"]


def test_non_text_is_not_checked() -> None:
    """Does anything that is not a string give no matches instead of an error?"""
    for value in (None, 1234567890, ["010190-1234"], b"010190-1234"):
        assert find_personal_ids(value) == []  # type: ignore[arg-type]


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_is_checked_without_error(text) -> None:
    """Does any text at all give a list of in-bounds, non-overlapping matches?"""
    found = find_personal_ids(text)
    last_end = 0
    for m in found:
        assert last_end <= m.start < m.end <= len(text)
        assert m.kind in KINDS
        last_end = m.end


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))
@settings(max_examples=200, deadline=None)
def test_every_real_swedish_birth_date_is_found(born, serial) -> None:
    """Is a correctly built personnummer found for any birth date, in the 12-digit form?
    (After "pnr": without it a recent date with a serial that reads as a time of day is taken
    for a timestamp, see the next test.)"""
    number = f"{born:%Y%m%d}" + swedish(f"{born:%y%m%d}", f"{serial:03d}")[6:]
    assert kinds(f"pnr {number} ") == ["se-personnummer"]


@pytest.mark.parametrize("sep", ["-", "", " "])
def test_a_timestamp_is_not_a_personnummer_unless_a_word_says_so(sep) -> None:
    """Is a Luhn-valid timestamp like 20191028-1557 left alone, and flagged after "pnr"?"""
    stamp = "20191028" + sep + "1557"
    assert "".join(c for c in stamp if c.isdigit())[2:] == swedish("191028", "155")
    assert kinds(f"Loggen {stamp} viser fejlen") == []
    assert kinds(stamp) == []
    assert kinds(f"pnr {stamp}") == ["se-personnummer"]
    assert kinds(f"Barnets personnummer er {stamp}.") == ["se-personnummer"]


@pytest.mark.parametrize(
    "text",
    [
        "130722-0917",
        "130722\u20130917",  # en dash
        "130722\u20110917",  # non-breaking hyphen
        "130722\u22120917",  # minus sign
        "130722 0917",
        "130722\u00a00917",  # no-break space
        "\uff11\uff13\uff10\uff17\uff12\uff12\uff0d\uff10\uff19\uff11\uff17",  # full width
        "cpr: 130722\u20140917",  # em dash
    ],
)
def test_numbers_typed_with_other_dashes_spaces_and_full_width_digits_are_found(text) -> None:
    """Is 130722-0917 found however it is typed, with the match on the text as typed?"""
    (match,) = find_personal_ids(text, today=TODAY)
    assert match.kind == "dk-cpr"
    assert text[match.start : match.end].endswith(("0917", "\uff10\uff19\uff11\uff17"))


@pytest.mark.parametrize(
    "text",
    [
        "Ring mig på 0701234567",
        "Kontonr. 1234 0701234567",
        "reg. 1234 konto 1304220917",
        "Beløbet går til 1234 1304220917.",
        "Ordre 1304220917",
        "Faktura nr. 130422-0917",
        "ORD-1304220917",
        "#1304220917",
    ],
)
def test_numbers_that_say_what_they_are_are_not_flagged(text) -> None:
    """Are phone, account, order and invoice numbers shaped like a CPR number left alone?"""
    assert find_personal_ids(text, today=TODAY) == []


def test_a_context_word_makes_an_ambiguous_number_a_finding() -> None:
    """Is a CPR number that looks like a Swedish mobile number flagged after "cpr"?"""
    assert kinds("0701234567") == []
    assert kinds("cpr 0701234567") == ["dk-cpr"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_warning_exists_in_every_language(lang) -> None:
    """Is there a warning in Danish, Swedish and English, each its own?"""
    assert privacy_warning(lang)
    assert len({privacy_warning(code) for code in LANGUAGES}) == len(LANGUAGES)
