"""The answer book, from Python: what a malicious or unlucky client can and cannot do to answers.

Every test sends values the way the browser does (``AnswerBook.save``, reached from the
``save`` event of a view) and checks three things: what the group is told, that nothing typed
is lost (a refused value never replaces a stored one), and what the store holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talkkit.contracts.answers import MAX_ITEMS, MAX_TEXT_CHARS, AnswerError
from talkkit.kit import load_kit
from talkkit.privacy import privacy_warning
from talkkit.store import StoreUnavailable, open_store
from widgets.book import AnswerBook, answer_keys

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tidlig-opsporing")
KEY = "learning.struck"


class Later:
    """A scheduler that runs nothing until the test says so."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, Any]] = []

    def __call__(self, delay: float, callback: Any) -> None:
        self.calls.append((delay, callback))

    def run_all(self) -> None:
        calls, self.calls = self.calls, []
        for _delay, callback in calls:
            callback()


class FlakyStore:
    """A store that fails the first ``failures`` writes, then works."""

    def __init__(self, store: Any, failures: int) -> None:
        self._store = store
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_answer(self, *args: Any, **kwargs: Any) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("database is locked")
        return self._store.save_answer(*args, **kwargs)


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(f"sqlite://{tmp_path / 'answers.sqlite3'}")
    yield s
    s.close()


def open_book(store: Any, language: str = "da", schedule: Any = None, session=None) -> AnswerBook:
    book = AnswerBook(KIT, language=language, schedule=schedule or Later())
    session = session or store.create_session(KIT.id, language)
    assert book.connect(lambda: (store, session))
    return book


def stored(store: Any, book: AnswerBook) -> dict[str, Any]:
    return {k: a.value for k, a in store.load_answers(book.session_id).items()}


def test_a_typed_answer_is_stored_exactly(store) -> None:
    """Is text stored as typed (markup, emoji, Danish letters), and the status 'saved'?"""
    book = open_book(store)
    text = "Æblet <img src=x onerror=alert(1)> 👩‍👩‍👧 \u202eevil"
    assert book.save(KEY, text, 1) == "saved"
    assert book.status[KEY] == {"state": "saved", "seq": 1, "message": ""}
    assert stored(store, book) == {KEY: text}
    assert book.overall == "saved"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, AnswerError("bad_type", KEY)),
        (42, AnswerError("bad_type", KEY)),
        ({"text": "x"}, AnswerError("bad_type", KEY)),
        (["a", "b"], AnswerError("bad_type", KEY)),
        ("x" * (MAX_TEXT_CHARS + 1), AnswerError("too_long", KEY, limit=4000, actual=4001)),
    ],
)
def test_a_refused_value_keeps_what_was_stored(store, value, expected) -> None:
    """Does a wrong type or a huge text get a message in Danish, and leave the store alone?"""
    book = open_book(store)
    book.save(KEY, "vores første svar", 1)
    assert book.save(KEY, value, 2) == "refused"
    status = book.status[KEY]
    assert status["state"] == "refused" and status["seq"] == 2
    assert status["message"] == expected.message("da")
    assert stored(store, book) == {KEY: "vores første svar"}
    assert book.values[KEY] == "vores første svar"
    assert book.overall == "attention"


def test_too_long_is_refused_in_swedish_and_never_cut(store) -> None:
    book = open_book(store, language="sv")
    text = "å" * (MAX_TEXT_CHARS + 10)
    assert book.save(KEY, text, 1) == "refused"
    expected = AnswerError("too_long", KEY, limit=MAX_TEXT_CHARS, actual=MAX_TEXT_CHARS + 10)
    assert book.status[KEY]["message"] == expected.message("sv")
    assert "4010" in book.status[KEY]["message"]
    assert stored(store, book) == {}


def test_keys_the_kit_does_not_ask_for_are_ignored(store) -> None:
    """Can a client write to a key of its choice (another field, the facilitator's notes)?"""
    book = open_book(store)
    for key in (
        "facilitator.notes",
        "welcome.nope",
        "x" * 10_000,
        None,
        3,
        ["questions"],
        "__class__",
    ):
        assert book.save(key, "hej", 1) == "refused"
    assert stored(store, book) == {}
    assert book.status == {}  # nothing to show, and no status entry per bogus key


def test_rating_must_be_an_int_from_1_to_5(store) -> None:
    book = open_book(store)
    key = "evaluation.useful"
    for bad in (0, 6, -1, 3.0, "3", True, None, [3]):
        assert book.save(key, bad, 1) == "refused", bad
    assert book.save(key, 4, 2) == "saved"
    assert book.save("evaluation.take-home", 4, 3) == "refused"  # an open question wants text
    assert stored(store, book) == {key: 4}


def test_lists_are_checked_item_by_item(store) -> None:
    book = open_book(store)
    assert book.save("questions", ["Hvorfor?", {"evil": 1}], 1) == "refused"
    assert book.save("questions", ["q"] * (MAX_ITEMS + 1), 2) == "refused"
    assert str(MAX_ITEMS) in book.status["questions"]["message"]
    rows = [{"what": "Ring til skolen", "who": "Anna", "when": "fredag"}]
    assert book.save("takeaways", rows, 3) == "saved"
    assert book.save("takeaways", [{"what": "x", "where": "y"}], 4) == "refused"
    assert stored(store, book) == {"takeaways": rows}


def test_a_personal_id_is_held_back_until_the_group_confirms(store) -> None:
    """Is text with a CPR number kept out of the store until removed or confirmed?"""
    book = open_book(store)
    text = "Pigen (010190-1239) blev stille"
    assert book.save(KEY, text, 1) == "privacy"
    status = book.status[KEY]
    assert status["found"] == ["010190-1239"]
    assert status["message"] == privacy_warning("da")
    assert stored(store, book) == {}
    # Removing it saves; confirming it saves too, and is not asked again for the same number.
    assert book.save(KEY, "Pigen blev stille", 2) == "saved"
    assert book.save(KEY, text, 3) == "privacy"
    assert book.save(KEY, text, 4, confirm=True) == "saved"
    assert book.save(KEY, text + " igen", 5) == "saved"
    assert stored(store, book) == {KEY: text + " igen"}


def test_personal_ids_in_lists_are_found_too(store) -> None:
    book = open_book(store)
    rows = [{"what": "Ring om 19850412-1234", "who": "", "when": ""}]
    assert book.save("takeaways", rows, 1) in ("privacy", "saved")
    assert book.save("questions", ["Hvad med 0101901239?"], 2) == "privacy"
    assert "questions" not in stored(store, book)


def test_a_newer_answer_from_another_tab_is_never_overwritten(store) -> None:
    """Two tabs on one session: does the older one see the other version and get to choose?"""
    session = store.create_session(KIT.id, "da")
    tab1 = open_book(store, session=session)
    tab2 = open_book(store, session=session)
    assert tab1.save(KEY, "fra fane 1", 1) == "saved"
    assert tab2.save(KEY, "fra fane 2", 1) == "conflict"
    status = tab2.status[KEY]
    assert status["theirs"] == "fra fane 1" and status["theirs_text"] == "fra fane 1"
    assert stored(store, tab1) == {KEY: "fra fane 1"}
    # Tab 2 keeps its own version deliberately.
    assert tab2.resolve(KEY, "ours") == "saved"
    assert stored(store, tab1) == {KEY: "fra fane 2"}
    # Tab 1 is now behind: it is offered tab 2's text and takes it.
    assert tab1.save(KEY, "fane 1 igen", 2) == "conflict"
    assert tab1.resolve(KEY, "theirs") == "saved"
    assert tab1.values[KEY] == "fra fane 2"
    assert tab1.pushed["values"] == {KEY: "fra fane 2"}
    assert stored(store, tab1) == {KEY: "fra fane 2"}


def test_resolve_refuses_nonsense(store) -> None:
    book = open_book(store)
    for key, choice in ((KEY, "ours"), (KEY, "mine"), (None, "theirs"), ({}, [])):
        assert book.resolve(key, choice) == "refused"


def test_a_failing_store_retries_with_backoff_and_loses_nothing(store) -> None:
    later = Later()
    flaky = FlakyStore(store, failures=3)
    book = AnswerBook(KIT, language="da", schedule=later)
    session = store.create_session(KIT.id, "da")
    book.connect(lambda: (flaky, session))
    assert book.save(KEY, "vigtigt svar", 1) == "retrying"
    assert book.overall == "retrying"
    assert book.waiting_values() == {KEY: "vigtigt svar"}
    # A newer text typed meanwhile replaces the waiting one.
    assert book.save(KEY, "vigtigt svar, rettet", 2) == "retrying"
    delays = []
    while later.calls:
        delays.append(later.calls[0][0])
        later.run_all()
    assert delays == [1.0, 2.0]  # growing pauses between tries
    assert book.status[KEY]["state"] == "saved" and book.status[KEY]["seq"] == 2
    assert stored(store, book) == {KEY: "vigtigt svar, rettet"}


def test_answers_typed_before_the_session_opens_are_saved_when_it_does(store) -> None:
    book = AnswerBook(KIT, language="da", schedule=Later())
    assert book.save(KEY, "tidligt svar", 1) == "saving"
    assert not book.ready
    session = store.create_session(KIT.id, "da")
    book.connect(lambda: (store, session))
    assert book.ready
    assert stored(store, book) == {KEY: "tidligt svar"}


def test_text_typed_before_a_resumed_session_opens_never_hides_a_stored_answer(store) -> None:
    """The store was down at start and the group typed; the session that opens then already
    holds another answer for the field: the group is offered both, nothing is overwritten."""
    session = store.create_session(KIT.id, "da")
    store.save_answer(session.id, KEY, "gemt i går", None)
    store.save_answer(session.id, "learning.recognise", "også gemt", None)
    book = AnswerBook(KIT, language="da", schedule=Later())
    assert book.save(KEY, "skrevet mens vi ventede", 1) == "saving"
    assert book.save("learning.recognise", "også gemt", 1) == "saving"  # the same text
    book.connect(lambda: (store, session))
    assert book.status[KEY]["state"] == "conflict"
    assert book.status[KEY]["theirs"] == "gemt i går"
    assert stored(store, book)[KEY] == "gemt i går"  # not overwritten unseen
    assert book.status["learning.recognise"]["state"] == "saved"
    assert book.resolve(KEY, "ours") == "saved"
    assert stored(store, book)[KEY] == "skrevet mens vi ventede"


def test_an_unreachable_store_at_start_is_retried(store) -> None:
    later = Later()
    attempts = []

    def opener():
        attempts.append(1)
        if len(attempts) < 3:
            raise StoreUnavailable("no database")
        return store, store.create_session(KIT.id, "da")

    book = AnswerBook(KIT, language="da", schedule=later)
    assert not book.connect(opener)
    assert book.ready and book.overall == "retrying"  # the group may type on meanwhile
    book.save(KEY, "svar", 1)
    assert book.status[KEY]["state"] == "retrying"
    while later.calls:
        later.run_all()
    assert book.ready and len(attempts) == 3
    assert stored(store, book) == {KEY: "svar"}


def test_resume_loads_answers_and_hides_what_is_not_asked(store) -> None:
    """A resumed session shows its answers; a participant's kernel never holds facilitator notes."""
    session = store.create_session(KIT.id, "da")
    store.save_answer(session.id, KEY, "gemt før", None)
    store.save_answer(session.id, "facilitator.notes", "kun for facilitatoren", None)
    participant = open_book(store, session=session)
    assert participant.values == {KEY: "gemt før"}
    assert participant.pushed["values"] == {KEY: "gemt før"}
    facilitator = AnswerBook(
        KIT, language="da", keys=answer_keys(KIT, facilitator=True), schedule=Later()
    )
    facilitator.connect(lambda: (store, session))
    assert facilitator.values["facilitator.notes"] == "kun for facilitatoren"
    # The participant continues from the stored revision without a conflict.
    assert participant.save(KEY, "rettet", 1) == "saved"


def test_saving_the_same_value_twice_is_harmless(store) -> None:
    """A browser that resends (no answer in time) must not cause a conflict."""
    book = open_book(store)
    assert book.save(KEY, "samme", 1) == "saved"
    assert book.save(KEY, "samme", 1) == "saved"
    assert store.load_answers(book.session_id)[KEY].revision == 1
