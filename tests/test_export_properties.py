"""Properties over any text at all: control characters, right-to-left marks, emoji and lone
surrogates included. Any text survives the store exactly; no export ever fails; CSV and JSON
give the text back; Markdown never turns it into markup."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import mistune
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from talkkit.contracts.answers import MAX_TAKEAWAY_FIELD_CHARS
from talkkit.export import EXPORTERS, build_export_doc, to_csv, to_json, to_markdown
from talkkit.export.text import csv_unguard, escape_markdown, utf8_safe
from talkkit.kit import Kit, Phase, Prompt
from talkkit.store import Session, open_store

#: Every code point: control characters, unassigned, private use and lone surrogates.
CHARS = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(alphabet=CHARS, max_size=120)
#: Text that leans on the characters with a meaning somewhere (Markdown, CSV, HTML, JSON).
SYNTAX = st.sampled_from(
    list("\\`*_[](){}#+-!|~=$@<>&;:'\".,/\t\r\n 0123456789")
) | st.sampled_from(
    ["http://", "www.", "```", "---", "===", "1. ", "- ", "> ", "    ", "&amp;", "&#60;", "\r\n"]
)
HOSTILE_TEXT = st.lists(st.one_of(SYNTAX, SYNTAX, SYNTAX, CHARS), max_size=40).map("".join)
#: Known attacks, always tried on top of the random ones.
ATTACKS = [
    "#",
    "# heading",
    "a\n## b",
    "a\n===",
    "a\n---",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "1) item",
    "> quote",
    "    code",
    "\tcode",
    "```\ncode\n```",
    "~~~\ncode",
    "`code`",
    "*em* _em_ **strong** ~~del~~",
    "[link](javascript:alert(1))",
    "![img](x.png)",
    "[ref]: http://x",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "<http://x.dk>",
    "http://x.dk www.x.dk a@b.dk",
    "| a | b |\n|---|---|",
    "$x^2$",
    "&amp; &#60; &lt;",
    "a\\\nb",
    "***",
    "a  \nb",
    "\r\n\r\n# x",
]
TEXT = ANY_TEXT | HOSTILE_TEXT

NOW = datetime(2025, 5, 1, tzinfo=UTC)
KIT = Kit(
    folder=Path(),
    id="k",
    title="Kit",
    topic="k",
    summary="",
    languages=("da",),
    format="",
    talks=(),
    agenda=(
        Phase("p", "productive-conversation", "Fase", 10, prompts=(Prompt("q", "Spørgsmål?"),)),
    ),
)
SESSION = Session("s", "k", "da", None, "Bord 1", "", None, NOW, NOW)
RENDER = mistune.create_markdown(escape=False, plugins=["strikethrough", "table", "url", "math"])


def example_each(texts: list[str]):
    """Decorate a one-argument (``text``) property with each of ``texts`` as an example."""

    def decorate(test):
        for text in texts:
            test = example(text=text)(test)
        return test

    return decorate


def doc_with(answers: dict):
    return build_export_doc(KIT, SESSION, answers, "da", generated_at=NOW)


def utf16_paired(text: str) -> str:
    """What a JSON reader makes of ``text``: a lone high surrogate followed by a lone low one
    is one character in JSON (both are written as the same two escapes)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


# -- the store ---------------------------------------------------------------------------------


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path_factory.mktemp('prop') / 'store.sqlite3'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    with open_store(url) as s:
        yield s


@given(
    text=TEXT,
    takeaway=st.fixed_dictionaries(
        {
            f: st.text(alphabet=CHARS, max_size=MAX_TAKEAWAY_FIELD_CHARS // 10)
            for f in ("what", "who", "when")
        }
    ),
    questions=st.lists(TEXT, max_size=5),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_survives_save_and_load_exactly(store, text, takeaway, questions) -> None:
    """Does any text, any take-away and any list of questions come back from the store
    exactly as saved, code point for code point?"""
    session = store.create_session("k", "da")
    store.save_answer(session.id, "p.q", text, None)
    store.save_answer(session.id, "takeaways", [takeaway], None)
    store.save_answer(session.id, "questions", questions, None)
    answers = store.load_answers(session.id)
    assert answers["p.q"].value == text
    assert answers["takeaways"].value == [takeaway]
    assert answers["questions"].value == questions
    again = store.save_answer(session.id, "p.q", text, None)  # same text: no conflict
    assert (again.conflict, again.revision) == (False, 1)


# -- every exporter ----------------------------------------------------------------------------

ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
ANY_KEY = (
    st.sampled_from(
        ["p.q", "p.q.views", "takeaways", "questions", "evaluation.useful", "facilitator.notes"]
    )
    | TEXT
)


@given(answers=st.dictionaries(ANY_KEY, ANY_VALUE, max_size=6), group=TEXT)
@settings(max_examples=60, deadline=None)
def test_no_exporter_ever_fails(answers, group) -> None:
    """Whatever the stored answers and the group name are, does every format give a file?"""
    session = Session("s", "k", "da", None, group, group, None, NOW, NOW)
    doc = build_export_doc(KIT, session, answers, "da", generated_at=NOW)
    for exporter in EXPORTERS.values():
        data = exporter.export([doc, doc])
        assert isinstance(data, bytes) and data


# -- CSV and JSON give the text back -----------------------------------------------------------


@given(answer=TEXT, views=TEXT)
@settings(max_examples=200, deadline=None)
@example(answer="=1+1", views="'=1")
@example(answer="\r\n", views="''")
@example(answer='a";"b\r\nc', views="@SUM(1)")
@example(answer="\ud83d", views="\x00")
def test_csv_gives_the_text_back(answer, views) -> None:
    """Parsed back with the csv module, is each text exactly as typed, after removing the
    formula guard (and with lone surrogates, which UTF-8 cannot hold, as U+FFFD)?"""
    data = to_csv(doc_with({"p.q": answer + "x", "p.q.views": views}))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    (row,) = rows[1:]
    assert csv_unguard(row[7]) == utf8_safe(answer + "x")
    assert csv_unguard(row[8]) == utf8_safe(views)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for cell in row)


@given(answer=TEXT, question=TEXT)
@settings(max_examples=200, deadline=None)
@example(answer="\ud800\udc00", question="\udfff")
@example(answer="\\ud800", question="\x00\u2028")
def test_json_gives_the_text_back(answer, question) -> None:
    """Read back with the json module, is each text exactly as typed (lone surrogates
    included)?"""
    data = to_json(doc_with({"p.q": answer, "questions": [question + "?"]}))
    session = json.loads(data.decode("utf-8"))["sessions"][0]
    assert session["sections"][0]["rows"][0]["answer"] == utf16_paired(answer)
    assert session["questions"] == [utf16_paired(question + "?")]


# -- Markdown makes no markup ------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")


def _plain(html_text: str) -> str:
    """Rendered text without tags, entities resolved, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", html_text)).split())


def _expected(text: str) -> str:
    """The text as Markdown may show it: controls and surrogates as U+FFFD, whitespace
    collapsed (HTML does so too)."""
    cleaned = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]", "\ufffd", text)
    return " ".join(cleaned.split())


@given(text=TEXT)
@settings(max_examples=300, deadline=None)
@example_each(ATTACKS)
def test_escaped_text_renders_as_itself_and_nothing_else(text) -> None:
    """Rendered by a Markdown engine, does escaped text make only paragraphs and line
    breaks, and read as the same words?"""
    rendered = RENDER(escape_markdown(text))
    assert set(_TAG.findall(rendered)) <= {"<p>", "</p>", "<br />"}
    assert _plain(rendered) == _expected(text)
    heading = RENDER("### " + escape_markdown(text, inline=True))
    assert set(_TAG.findall(heading)) <= {"<h3>", "</h3>"}


@given(answer=TEXT, views=TEXT, takeaway=TEXT, question=TEXT, group=TEXT)
@settings(max_examples=100, deadline=None)
def test_user_text_cannot_change_the_report_structure(answer, views, takeaway, question, group):
    """Does the rendered report have exactly the tags it has when every text is a plain
    word, so no text can add or remove structure?"""

    def report(a: str, v: str, t: str, q: str, g: str) -> str:
        session = Session("s", "k", "da", None, g, "", None, NOW, NOW)
        answers = {"p.q": a, "p.q.views": v, "takeaways": [{"what": t}], "questions": [q]}
        doc = build_export_doc(KIT, session, answers, "da", generated_at=NOW)
        return RENDER(to_markdown(doc).decode("utf-8"))

    def shape(rendered: str) -> list[str]:
        return [t for t in _TAG.findall(rendered) if t != "<br />"]

    def word(s: str) -> str:
        return "x" if s.strip() else s  # blank text is left out of the report, as it should

    real = report(answer, views, takeaway, question, group)
    plain = report(word(answer), word(views), word(takeaway), word(question), word(group))
    assert shape(real) == shape(plain)
