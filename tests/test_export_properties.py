"""Properties over any text at all: control characters, right-to-left marks, emoji and lone
surrogates included. Any text survives the store exactly; no export ever fails; CSV and JSON
give the text back; Markdown never turns it into markup."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import mistune
import openpyxl
import pytest
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from talkkit import report
from talkkit.contracts.answers import MAX_TAKEAWAY_FIELD_CHARS
from talkkit.export import EXPORTERS, build_export_doc, to_csv, to_json, to_markdown
from talkkit.export.cells import csv_guard, csv_unguard, html_guard
from talkkit.export.doc import Takeaway
from talkkit.export.text import escape_markdown, xml_safe
from talkkit.i18n import translator
from talkkit.kit import Kit, Phase, Prompt
from talkkit.store import Event, Session, open_store

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


# -- every format, every field: a file, and what it cannot hold shown with a note --------------

#: Every text field of a group's export document, and of the event report.
DOC_FIELDS = [
    "kit_title",
    "prompt",
    "group",
    "municipality",
    "answer",
    "views",
    "what",
    "who",
    "when",
    "question",
    "evaluation",
    "notes",
    "other_key",
]
REPORT_FIELDS = [
    "event_name",
    "kit_title",
    "group",
    "municipality",
    "point",
    "what",
    "who",
    "when",
    "question",
    "rating_question",
    "comment",
]
#: What no format but JSON can hold: controls, U+FFFE/U+FFFF, lone surrogates.
UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MD_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _doc_of(texts: dict[str, str]):
    t = texts
    kit = Kit(
        folder=Path(),
        id="k",
        title=t["kit_title"],
        topic="k",
        summary="",
        languages=("da",),
        format="",
        talks=(),
        agenda=(
            Phase(
                "p",
                "productive-conversation",
                t["kit_title"],
                10,
                prompts=(Prompt("q", t["prompt"]),),
            ),
        ),
    )
    session = Session("s", "k", "da", None, t["group"], t["municipality"], None, NOW, NOW)
    answers = {
        "p.q": t["answer"],
        "p.q.views": t["views"],
        "takeaways": [{"what": t["what"], "who": t["who"], "when": t["when"]}],
        "questions": [t["question"]],
        "evaluation.useful": t["evaluation"],
        "facilitator.notes": t["notes"],
        "x." + t["other_key"]: t["answer"],
    }
    return build_export_doc(kit, session, answers, "da", generated_at=NOW)


def _report_of(t: dict[str, str]) -> report.Report:
    section = report.EventSection(
        event=Event("e", "k", t["event_name"], "da", "ABCDEFGHJKMN", NOW),
        kit_title=t["kit_title"],
        groups=[(t["group"], t["municipality"])],
        points=[t["point"]],
        takeaways=[(t["group"], Takeaway(t["what"], t["who"], t["when"]))],
        questions=[(t["group"], t["question"])],
        evaluation=[
            report.QuestionSummary("u", "rating", t["rating_question"], (1, 2, 0, 0, 1), ()),
            report.QuestionSummary("i", "text", t["rating_question"], (), (t["comment"],)),
        ],
    )
    return report.Report("da", NOW, [section, section], combined=list(section.evaluation))


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )


def _pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (Debian's poppler-utils), line breaks
    as spaces (pypdf misreads the text of a subset font with a custom encoding)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def _xlsx_text(data: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


EXPORT_NOTE = translator("da")(
    "Note: some characters cannot be kept in this file and are shown as \ufffd. "
    "The JSON export keeps them."
)
REPORT_NOTE = translator("da", "events")(
    "Note: some characters cannot be kept in this file and are shown as \ufffd."
)
READERS = {
    "csv": lambda data: data.decode("utf-8"),
    "md": lambda data: data.decode("utf-8"),
    "xlsx": _xlsx_text,
    "docx": _docx_text,
}


@given(texts=st.fixed_dictionaries({f: TEXT for f in DOC_FIELDS}))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(texts=dict.fromkeys(DOC_FIELDS, "\ud800=1\x00\ufffe\uffff\x07"))
@example(texts={f: ("\ud83d" if f == "question" else "x") for f in DOC_FIELDS})
def test_every_export_of_any_text_in_any_field_writes_a_file_with_a_note(texts) -> None:
    """With any Unicode in any field, does every export format write a file its reader opens,
    showing what it cannot hold as U+FFFD with a note (the JSON keeps everything)?"""
    doc = _doc_of(texts)
    for name, exporter in EXPORTERS.items():
        data = exporter.export([doc])
        assert isinstance(data, bytes) and data, name
        if name == "json":
            json.loads(data)  # valid JSON, every character kept (see the JSON property)
            continue
        text = READERS[name](data)
        assert not UNHOLDABLE.search(text), name
        pattern = MD_UNHOLDABLE if name == "md" else UNHOLDABLE
        if texts["answer"] and pattern.search(texts["answer"]):  # every format shows the answer
            assert "\ufffd" in text and EXPORT_NOTE in text, name
        if EXPORT_NOTE in text:  # and a note only when something was replaced
            assert any(pattern.search(v) for v in texts.values()), name


@given(texts=st.fixed_dictionaries({f: TEXT for f in REPORT_FIELDS}))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(texts={f: ("\udc00?" if f == "question" else "x") for f in REPORT_FIELDS})
@example(texts=dict.fromkeys(REPORT_FIELDS, "\x00=1+1\ufffe"))
@example(texts={f: ("\u200b" if f == "comment" else "x") for f in REPORT_FIELDS})
def test_every_report_format_of_any_text_in_any_field_writes_a_file_with_a_note(texts) -> None:
    """With any Unicode in any field of an event report, do the HTML (UTF-8, parsed by an
    HTML parser) and the DOCX (opened with python-docx) come out, with a note when a
    character had to be shown as U+FFFD, and does the HTML show every text?"""
    built = _report_of(texts)
    needs_note = any(UNHOLDABLE.search(v) for v in texts.values())
    assert set(report.FORMATS) == {"html", "docx", "pdf"}  # a new format: add its reader here
    for name, fmt in report.FORMATS.items():
        data = fmt.render(built)
        assert isinstance(data, bytes) and data, name
        if name == "pdf":  # the HTML printed: pypdf opens it, the note is there when due
            # (the note's words: a PDF maps a glyph to one text, so a U+FFFD a combining mark
            # followed earlier reads back with that mark)
            note = " ".join(REPORT_NOTE.split()).removesuffix("\ufffd.")
            assert (note in _pdf_text(data)) == needs_note, name
            continue
        text = data.decode("utf-8") if name == "html" else _docx_text(data)
        assert (REPORT_NOTE in text) == needs_note, name
        assert not UNHOLDABLE.search(text), name
        if name == "html":
            visible = html.unescape(_TAG.sub(" ", text)).replace("\u200b", "")
            for value in texts.values():
                # the guard's marker is U+200B, dropped from ``visible``: drop a typed one too
                cleaned = " ".join(UNHOLDABLE.sub("\ufffd", value).replace("\u200b", "").split())
                assert cleaned in " ".join(visible.split()), value


def test_the_report_command_writes_a_file_for_a_lone_surrogate(tmp_path: Path) -> None:
    """Does ``talkkit event report --format html`` write its file when a question holds a lone
    surrogate (it stopped with no file), showing it as U+FFFD with the note?"""
    from talkkit import events
    from talkkit.cli import main

    url = f"sqlite://{tmp_path / 'store.sqlite3'}"
    with open_store(url) as store:
        event, _ = events.create_event(store, "tidlig-opsporing", "Dag 1")
        session = store.create_session("tidlig-opsporing", "da")
        store.join_event(session.id, event.id, "Bord 1", "Aarhus")
        store.save_answer(session.id, "questions", ["Hvorfor \ud800?"], None)
    for fmt in ("html", "docx"):
        out = tmp_path / f"report.{fmt}"
        args = ["event", "report", event.id, "--format", fmt, "--output", str(out)]
        assert main([*args, "--store", url, "--lang", "da"]) == 0
        text = out.read_text("utf-8") if fmt == "html" else _docx_text(out.read_bytes())
        assert "Hvorfor \ufffd?" in text and REPORT_NOTE in text


# -- CSV and JSON give the text back -----------------------------------------------------------


#: A place where a spreadsheet may start a cell, whichever separator it uses, followed by a
#: formula trigger (see talkkit.export.cells).
EXPOSED_TRIGGER = re.compile('(?:^|[,;\t\r\n])[ "]*[=+\\-@]')


@given(answer=TEXT, views=TEXT)
@settings(max_examples=200, deadline=None)
@example(answer="=1+1", views="'=1")
@example(answer="\r\n", views="''")
@example(answer='a";"b\r\nc', views="@SUM(1)")
@example(answer="\ud83d", views="\x00")
@example(answer="x,=1+1", views="x;\u200b=1\t-2\n+3")
@example(answer='x, "=1+1', views="\x00=1+1")
def test_csv_gives_the_text_back(answer, views) -> None:
    """Parsed back with the csv module, is each text exactly as typed, after removing the
    formula guard (with what a spreadsheet drops shown as U+FFFD, and then a note row)? And
    can no separator make a cell that starts with a trigger?"""
    data = to_csv(doc_with({"p.q": answer + "x", "p.q.views": views}))
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    row = rows[1]
    assert csv_unguard(row[7]) == xml_safe(answer + "x")
    assert csv_unguard(row[8]) == xml_safe(views)
    replaced = xml_safe(answer + views) != answer + views
    assert len(rows) == (4 if replaced else 2)
    assert EXPOSED_TRIGGER.search(text) is None


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
    cleaned = re.sub(
        "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", "\ufffd", text
    )
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
        if not s.strip():
            return s  # blank text is left out of the report, as it should
        return "x\x00" if MD_UNHOLDABLE.search(s) else "x"  # \x00: the same note at the end

    real = report(answer, views, takeaway, question, group)
    plain = report(word(answer), word(views), word(takeaway), word(question), word(group))
    assert shape(real) == shape(plain)


# -- the cell guard ----------------------------------------------------------------------------

#: A trigger where a cell may start in HTML, in the page or pasted from it.
HTML_EXPOSED = re.compile('(?:^|[,;\t\r\n])[ \t\n\r\x0c"]*[=+\\-@]')


@given(text=TEXT)
@settings(max_examples=500, deadline=None)
@example(text="''=1")
@example(text="\t\u200b\u200b-1")
@example(text='x, "\u200b=1')
def test_the_csv_guard_is_undone_exactly_and_leaves_no_trigger_where_a_cell_starts(text):
    """Does unguarding give back exactly the text, and is no trigger left where any
    separator may start a cell (in CSV and in HTML)?"""
    guarded = csv_guard(text)
    assert csv_unguard(guarded) == text
    assert EXPOSED_TRIGGER.search(guarded) is None
    assert HTML_EXPOSED.search(html_guard(text)) is None
    assert html_guard(text).replace("\u200b", "") == text.replace("\u200b", "")
