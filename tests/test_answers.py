"""The answer contract refuses anything outside it with a clean AnswerError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkkit.contracts.answers import (
    MAX_ITEMS,
    MAX_TAKEAWAY_FIELD_CHARS,
    MAX_TEXT_CHARS,
    AnswerError,
    answer_key,
    validate_answer,
    validate_key,
)
from talkkit.i18n import LANGUAGES
from talkkit.store import SessionNotFound, StoreError, StoreUnavailable
from talkkit.store.values import decode_value, encode_value

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("learning.struck", "Vi blev ramt af æøå 😊"),
        ("learning.struck.views", "Nogle var uenige"),
        ("takeaways", [{"what": "Ring før start", "who": "Line", "when": "Mandag"}]),
        ("questions", ["Hvordan får vi samtykke?"]),
        ("evaluation.useful", 5),
        ("evaluation.take-home", "Mere tid til forældre"),
        ("facilitator.notes", "Husk pausen"),
        ("speaking.names", ["Anna", "Bo"]),
        ("learning.struck", ""),
        ("questions", []),
    ],
)
def test_values_of_the_contract_are_accepted_unchanged(key, value) -> None:
    """Does every documented key accept its documented value type as it is?"""
    assert validate_answer(key, value) == value


def test_text_is_kept_exactly_as_typed() -> None:
    """Is text returned without stripping or normalising (spaces, NFD, RTL, controls)?"""
    text = "  e\u0301 \u202eRTL\u202c \x00\x07\t\r\n\ud800 "
    assert validate_answer("a.b", text) == text


def test_takeaway_fields_default_to_empty_and_tuples_become_lists() -> None:
    """Are missing take-away fields filled with "" and a tuple stored as a list?"""
    assert validate_answer("takeaways", ({"what": "x"},)) == [{"what": "x", "who": "", "when": ""}]


@pytest.mark.parametrize(
    ("key", "value", "code", "limit", "actual"),
    [
        ("a.b", "x" * (MAX_TEXT_CHARS + 1), "too_long", MAX_TEXT_CHARS, MAX_TEXT_CHARS + 1),
        ("questions", ["?"] * (MAX_ITEMS + 1), "too_many_items", MAX_ITEMS, MAX_ITEMS + 1),
        (
            "takeaways",
            [{"what": "x" * (MAX_TAKEAWAY_FIELD_CHARS + 1)}],
            "too_long",
            MAX_TAKEAWAY_FIELD_CHARS,
            MAX_TAKEAWAY_FIELD_CHARS + 1,
        ),
        ("evaluation.useful", 0, "out_of_range", 5, None),
        pytest.param("evaluation.useful", 10**10000, "out_of_range", 5, None, id="huge-int"),
        ("evaluation.useful", True, "bad_type", None, None),
        ("evaluation.useful", 3.0, "bad_type", None, None),
        ("a.b", None, "bad_type", None, None),
        ("a.b", b"bytes", "bad_type", None, None),
        ("a.b", {"text": "x"}, "bad_type", None, None),
        ("a.b", ["x"], "bad_type", None, None),
        ("questions", "not a list", "bad_type", None, None),
        ("questions", [None], "bad_type", None, None),
        ("takeaways", [{"what": "x", "extra": "y"}], "bad_type", None, None),
        ("takeaways", [{1: "x"}], "bad_type", None, None),
        ("takeaways", ["just text"], "bad_type", None, None),
        ("takeaways", [{"what": None}], "bad_type", None, None),
    ],
)
def test_values_outside_the_contract_are_refused_with_numbers(key, value, code, limit, actual):
    """Is a value outside the contract refused (never cut) with its code and numbers?"""
    with pytest.raises(AnswerError) as info:
        validate_answer(key, value)
    assert info.value.code == code
    assert info.value.limit == limit
    assert info.value.actual == actual


@pytest.mark.parametrize(
    "key",
    [
        "",
        "Upper.case",
        "a",
        "a..b",
        "a.b.c",
        "a.b.c.d",
        ".a",
        "a.b.",
        "-a.b",
        "a" * 41 + ".b",
        "takeaways.x",
        "questions.x",
        "speaking.other",
        "facilitator.other",
        "æ.b",
        "a.b\n",
        None,
        42,
        ("a", "b"),
    ],
)
def test_malformed_or_unknown_keys_are_refused(key) -> None:
    """Is a key that is malformed or of no known family refused as bad_key?"""
    with pytest.raises(AnswerError) as info:
        validate_answer(key, "x")
    assert info.value.code == "bad_key"


def test_answer_key_builds_checked_keys() -> None:
    """Does answer_key join parts and check the result?"""
    assert answer_key("learning", "struck", "views") == "learning.struck.views"
    assert validate_key("evaluation.take-home") == "evaluation.take-home"
    with pytest.raises(AnswerError):
        answer_key("learning", "Struck")


def test_deeply_nested_values_do_not_crash() -> None:
    """Does a list nested 100,000 deep give a clean AnswerError, not a RecursionError?"""
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    for key in ("a.b", "questions", "takeaways", "speaking.names"):
        with pytest.raises(AnswerError):
            validate_answer(key, nested)


class Weird:
    """An object that misbehaves when looked at."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no eq")

    __hash__ = object.__hash__


@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | ANY_TEXT
        | st.binary(max_size=10)
        | st.builds(Weird),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(ANY_TEXT, children, max_size=4)
            | st.tuples(children, children)
        ),
        max_leaves=12,
    ),
    key=st.sampled_from(
        ["a.b", "a.b.views", "takeaways", "questions", "evaluation.q", "speaking.names"]
    )
    | ANY_TEXT,
)
@settings(max_examples=300, deadline=None)
def test_any_widget_value_gives_a_clean_answer_or_answer_error(key, value) -> None:
    """Whatever a client sends, is the result a storable value or an AnswerError, and is a
    storable value always JSON that decodes back to itself?"""
    try:
        clean = validate_answer(key, value)
    except AnswerError as exc:
        assert exc.code in AnswerError.CODES
        assert str(exc)
        for lang in LANGUAGES:
            assert exc.message(lang)
        return
    assert decode_value(encode_value(clean)) == clean


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_has_a_message_in_every_language(lang) -> None:
    """Does each error code give a non-empty message with the numbers filled in?"""
    errors = [
        AnswerError("too_long", "a.b", limit=4000, actual=4100),
        AnswerError("too_many_items", "questions", limit=50, actual=51),
        AnswerError("out_of_range", "evaluation.x", limit=5),
        AnswerError("bad_key", "x"),
        AnswerError("bad_type", "a.b"),
    ]
    messages = [e.message(lang) for e in errors]
    assert "4100" in messages[0] and "4000" in messages[0]
    assert "51" in messages[1] and "50" in messages[1]
    assert "1" in messages[2] and "5" in messages[2]
    assert all(m and "{" not in m for m in messages)
    assert len(set(messages)) == len(messages)
    store_errors = [StoreError("x"), StoreUnavailable("x"), SessionNotFound("x")]
    assert len({e.message(lang) for e in store_errors}) == 3


def test_danish_and_swedish_messages_are_translated() -> None:
    """Are the messages really Danish and Swedish, not the English fallback?"""
    error = AnswerError("too_long", "a.b", limit=4000, actual=4100)
    assert "tegn" in error.message("da")
    assert "tecken" in error.message("sv")
    assert "characters" in error.message("en")


def test_unknown_error_codes_are_a_programming_error() -> None:
    """Is an AnswerError with a code outside the list refused at once?"""
    with pytest.raises(ValueError):
        AnswerError("bad_mood")
