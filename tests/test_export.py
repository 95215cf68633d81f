"""Exports open in real readers, keep the groups' text and never run it.

Every format is checked by reading the file back with a real reader: the csv module and pandas,
openpyxl, python-docx, json, and mistune (Markdown rendering, as in Jupyter's nbconvert).
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import mistune
import openpyxl
import pandas as pd
import pytest

from talkkit.commands import export as export_cmd
from talkkit.export import (
    EXPORTERS,
    build_export_doc,
    to_csv,
    to_docx,
    to_json,
    to_markdown,
    to_xlsx,
)
from talkkit.export.cells import csv_unguard
from talkkit.kit import Kit, Phase, Prompt, Question
from talkkit.store import Session, open_store

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
INJECTIONS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "\t=1", "+45 1234", "-2+3", "=1+1;=2"]


def make_kit() -> Kit:
    """A small kit in Danish and Swedish with every kind of phase the exports care about."""
    return Kit(
        folder=Path(),
        id="demo-kit",
        title={"da": "Samarbejde om barnets start", "sv": "Samarbete kring barnets start"},
        topic="demo",
        summary="",
        languages=("da", "sv"),
        format="hybrid-seminar",
        talks=(),
        agenda=(
            Phase("talks", "talks", "Oplæg", 20),
            Phase(
                "learning",
                "learning-conversation",
                {"da": "Den lærende samtale", "sv": "Det lärande samtalet"},
                30,
                prompts=(
                    Prompt("struck", {"da": "Hvad gjorde indtryk?", "sv": "Vad gjorde intryck?"}),
                    Prompt("recognise", {"da": "Hvad genkender I?", "sv": "Vad känner ni igen?"}),
                ),
            ),
            Phase(
                "productive",
                "productive-conversation",
                {"da": "Den produktive samtale", "sv": "Det produktiva samtalet"},
                20,
                prompts=(Prompt("change", {"da": "Hvad ændrer vi?", "sv": "Vad ändrar vi?"}),),
            ),
        ),
        evaluation=(Question("extra", "text", {"da": "Andet?", "sv": "Annat?"}),),
    )


def make_session(group: str = "Bord 3", language: str = "da") -> Session:
    return Session(
        id=f"sess-{group.replace(' ', '')}",
        kit_id="demo-kit",
        language=language,
        event_id="ev1",
        group_name=group,
        municipality="Aarhus",
        phase=None,
        created_at=NOW,
        updated_at=NOW,
    )


ANSWERS = {
    "learning.struck": "Det gjorde indtryk, at Ali ventede.\nNy linje: æøå ÆØÅ",
    "learning.struck.views": 'Nogle mente noget andet; de sagde "nej".',
    "learning.recognise": INJECTIONS[0],
    "productive.change": "Vi ringer til forældrene, før barnet starter.",
    "takeaways": [
        {"what": "Ring før start", "who": "Line", "when": "Mandag"},
        {"what": INJECTIONS[1], "who": "", "when": ""},
    ],
    "questions": [INJECTIONS[2], "Hvordan får vi samtykke?"],
    "evaluation.useful": 4,
    "evaluation.extra": INJECTIONS[3],
    "facilitator.notes": INJECTIONS[4],
    "speaking.names": ["Hemmelig Person"],
    "old-phase.gone": INJECTIONS[5],
}


def make_doc(group: str = "Bord 3", language: str = "da", answers: dict | None = None):
    return build_export_doc(
        make_kit(),
        make_session(group),
        ANSWERS if answers is None else answers,
        language,
        generated_at=NOW,
    )


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    csv.field_size_limit(10_000_000)  # the csv module stops at 128 KiB per field by default
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


# -- the export document ----------------------------------------------------------------------


def test_the_document_holds_every_answer_with_its_prompt() -> None:
    """Does the export document hold each answer next to its prompt text, in the kit's
    language, and keep answers the kit no longer knows?"""
    doc = make_doc()
    assert doc.kit_title == "Samarbejde om barnets start"
    assert [s.title for s in doc.sections] == [
        "Den lærende samtale",
        "Den produktive samtale",
        "Andre svar",
    ]
    first = doc.sections[0].rows[0]
    assert (first.prompt, first.answer, first.key) == (
        "Hvad gjorde indtryk?",
        ANSWERS["learning.struck"],
        "learning.struck",
    )
    assert first.views == ANSWERS["learning.struck.views"]
    assert doc.sections[2].rows[0].answer == INJECTIONS[5]
    assert [t.what for t in doc.takeaways] == ["Ring før start", INJECTIONS[1]]
    assert doc.questions == ANSWERS["questions"]
    evaluation = {r.key: r.answer for r in doc.evaluation}
    assert evaluation["evaluation.useful"] == "4 – Meget (1–5)"  # the scale's word with it
    assert evaluation["evaluation.extra"] == INJECTIONS[3]
    assert doc.facilitator_notes == INJECTIONS[4]


def test_swedish_labels_and_texts_and_fallback_to_the_main_language() -> None:
    """Are labels and kit texts Swedish for a Swedish group, and Danish kit texts used when the
    kit has no English?"""
    sv = make_doc(language="sv")
    assert sv.kit_title == "Samarbete kring barnets start"
    assert sv.sections[-1].title == "Övriga svar"
    en = make_doc(language="en")
    assert en.kit_title == "Samarbejde om barnets start"
    assert en.sections[-1].title == "Other answers"
    rows = read_csv(to_csv(sv))
    assert rows[0][:3] == ["Kit", "Grupp", "Kommun"]


def test_the_speaking_order_is_never_exported() -> None:
    """Are the names in the speaking order left out of every format?"""
    doc = make_doc()
    for exporter in EXPORTERS.values():
        data = exporter.export(doc)
        assert b"Hemmelig" not in data
        if exporter.name in ("xlsx", "docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                assert all(b"Hemmelig" not in z.read(n) for n in z.namelist())


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_quotes_every_field_and_uses_semicolons_and_a_bom() -> None:
    """Is every field quoted, the separator ';' and the file UTF-8 with a byte-order mark?"""
    data = to_csv(make_doc())
    text = data.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0]
    assert re.fullmatch(r'"[^"]+"(;"[^"]+")*', header)
    rows = read_csv(data)
    assert all(len(r) == len(rows[0]) == 11 for r in rows)
    # Every field was quoted: writing the parsed rows again with QUOTE_ALL gives the same text.
    again = io.StringIO(newline="")
    csv.writer(again, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    assert again.getvalue() == text
    # a ';' inside an answer stays in its cell (the '=' after it gets an invisible U+200B)
    assert '"=1+1;\u200b=2"' in text.replace("'", "")


def test_csv_keeps_text_and_line_breaks_and_neutralises_formulas() -> None:
    """Do answers come back from the csv module and from pandas as typed (line breaks and
    æøå included), with formula triggers made inert by a leading quote?"""
    data = to_csv(make_doc())
    rows = read_csv(data)
    answers = [r[7] for r in rows[1:]]
    assert ANSWERS["learning.struck"] in answers
    for injection in INJECTIONS:
        guarded = [a for a in answers if csv_unguard(a) == injection]
        assert guarded, injection
        assert all(a.startswith("'") for a in guarded)
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for r in rows for cell in r
    )
    frame = pd.read_csv(
        io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert list(frame.columns) == rows[0]
    assert frame.iloc[:, 7].tolist() == answers
    assert ANSWERS["learning.struck.views"] in frame.iloc[:, 8].tolist()


def test_csv_of_an_event_has_one_row_per_answer_with_group_columns() -> None:
    """Does a CSV of several groups give each answer its own row, marked with its group?"""
    docs = [make_doc("Bord 1"), make_doc("Bord 2", answers={"learning.struck": "kort"})]
    rows = read_csv(EXPORTERS["csv"].export(docs))
    bord1 = [r for r in rows[1:] if r[1] == "Bord 1"]
    bord2 = [r for r in rows[1:] if r[1] == "Bord 2"]
    assert len(bord1) + len(bord2) == len(rows) - 1
    assert [(r[2], r[5], r[7]) for r in bord2] == [("Aarhus", "learning.struck", "kort")]
    assert [r[7] for r in bord1 if r[5] == "learning.struck"] == [ANSWERS["learning.struck"]]
    assert len({r[3] for r in bord1}) == 1 and bord1[0][3] != bord2[0][3]  # session column


# -- XLSX --------------------------------------------------------------------------------------


def _sheet(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook.worksheets[0]


def test_xlsx_cells_are_plain_text_never_formulas_or_links() -> None:
    """Read back with openpyxl, is every cell a string (no formula, no hyperlink), with the
    injections kept as typed text?"""
    data = to_xlsx(make_doc())
    sheet = _sheet(data)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells
    assert all(c.data_type == "s" and c.data_type != "f" for c in cells)
    assert all(c.hyperlink is None for c in cells)
    assert not sheet._hyperlinks
    values = {c.value for c in cells}
    for injection in INJECTIONS:
        assert injection in values
    assert ANSWERS["learning.struck"] in values
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml and "<f " not in xml
        assert not any("hyperlink" in n for n in z.namelist())


def test_xlsx_keeps_leading_zeros_and_numbers_as_text() -> None:
    """Does a phone number like 0045 stay text with its zeros (strings_to_numbers off)?"""
    doc = make_doc(answers={"learning.struck": "0045", "learning.recognise": "1e5"})
    values = {c.value for row in _sheet(to_xlsx(doc)).iter_rows() for c in row}
    assert {"0045", "1e5"} <= values


def test_xlsx_survives_control_characters_and_giant_text_and_says_so() -> None:
    """Do control characters, a lone surrogate and a 40,000-character text give a valid
    workbook, with U+FFFD and a cut cell, and a note row saying so?"""
    giant = "å" * 40_000
    doc = make_doc(
        answers={"learning.struck": "bell\x07nul\x00\ud800end", "learning.recognise": giant}
    )
    sheet = _sheet(to_xlsx(doc))
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "bell\ufffdnul\ufffd\ufffdend" in values
    cut = [v for v in values if v.startswith("ååå")]
    assert len(cut) == 1 and len(cut[0]) <= 32_767 and cut[0].endswith("…")
    notes = [v for v in values if v.startswith("Bemærk")]
    assert len(notes) == 2


def test_xlsx_of_an_event_lists_every_group() -> None:
    """Does one workbook hold the rows of every group, with the group in its own column?"""
    docs = [make_doc("Bord 1"), make_doc("Bord 2")]
    sheet = _sheet(to_xlsx(docs))
    groups = {row[1].value for row in sheet.iter_rows(min_row=2) if row[1].value}
    assert groups == {"Bord 1", "Bord 2"}


# -- Markdown ---------------------------------------------------------------------------------

RENDER = mistune.create_markdown(
    escape=False, plugins=["strikethrough", "table", "url", "math", "footnotes"]
)
ATTACKS = {
    "learning.struck": "# Heading\n## Sub\n===\n---\n- list\n1. one\n> quote\n    code",
    "learning.recognise": "[click](javascript:alert(1)) ![img](http://x/y.png) <b>bold</b> "
    "<script>alert(1)</script> <http://x.dk> http://x.dk www.x.dk a@b.dk",
    "productive.change": "| a | b |\n|---|---|\n| c | d |\n```\ncode\n```\n$x^2$ ~~strike~~ "
    "*em* _em_ **strong** `code` &amp; &#60;",
    "takeaways": [
        {"what": "[x]: http://evil", "who": "<img src=x onerror=alert(1)>", "when": "1)"}
    ],
    "questions": ["# question", "<div>"],
}


def test_markdown_user_text_creates_no_markup() -> None:
    """Rendered as Markdown, does hostile user text create no heading, link, image, HTML,
    table, list, code or emphasis, while the report's own structure is intact?"""
    doc = make_doc(answers=ATTACKS)
    html = RENDER(to_markdown(doc).decode("utf-8"))
    for tag in (
        "<a ",
        "<img",
        "<script",
        "<b>",
        "<div",
        "<table",
        "<blockquote",
        "<pre",
        "<code",
        "<del",
        "<ol",
        "<hr",
        "<h4",
        "<span",
        "math",
    ):
        assert tag not in html, tag
    assert html.count("<h1>") == 1
    assert html.count("<h2>") == 4  # learning, productive, take-aways, questions
    assert html.count("<h3>") == 3  # one per answered prompt
    assert html.count("<li>") == 3  # one take-away, two questions
    assert html.count("<em>") == 3  # our three "Vores svar" labels, none from the answers
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert(1)" in html  # kept, as inert text


def test_markdown_keeps_the_words() -> None:
    """Does the rendered report still read as the group wrote it, line breaks included?"""
    html = RENDER(to_markdown(make_doc()).decode("utf-8"))
    assert "Det gjorde indtryk, at Ali ventede.<br />\nNy linje: æøå ÆØÅ" in html
    assert "<p><em>Vores svar:</em> =HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</p>" in html


def test_markdown_of_an_event_has_one_part_per_group() -> None:
    """Does an event report hold one titled part per group, separated by a rule?"""
    html = RENDER(to_markdown([make_doc("Bord 1"), make_doc("Bord 2")]).decode("utf-8"))
    assert html.count("<h1>") == 2 and html.count("<hr />") == 1
    assert "Bord 1" in html and "Bord 2" in html


# -- DOCX --------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> tuple[list[str], list[list[str]], object]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, tables, document


def _typed_texts(value) -> list[str]:
    """Every text a group typed into an answer value (lists and take-away rows too)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [t for item in value for t in _typed_texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _typed_texts(item)]
    return []


def _docx_all_text(data: bytes) -> str:
    paragraphs, rows, _ = _docx_text(data)
    return "\n".join([*paragraphs, *(cell for row in rows for cell in row)])


def test_docx_holds_everything_the_group_wrote() -> None:
    """Read back with python-docx, does the Word file hold every text typed, in every phase, every
    different-views field, the questions, the evaluation and the take-aways?"""
    text = _docx_all_text(to_docx(make_doc()))
    typed = [t for key, v in ANSWERS.items() if key != "speaking.names" for t in _typed_texts(v)]
    assert len(typed) > 10
    missing = [t for t in typed if t not in text]
    assert missing == []
    assert "Hemmelig Person" not in text  # the speaking order's names are never exported


def test_docx_headings_say_what_the_text_is() -> None:
    """Does each answer stand under its phase's title, with 'Vores svar' and the page's
    'Forskellige synspunkter i gruppen', ratings with their words, the kit's local time?"""
    paragraphs, rows, document = _docx_text(to_docx(make_doc()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["Det tager vi med"]
    assert "Den lærende samtale" in headings and "Den produktive samtale" in headings
    assert "Spørgsmål til oplægsholderne" in headings and "Evaluering" in headings
    assert "Det har vi aftalt" not in "\n".join(paragraphs)  # answers are not agreements
    assert headings.index("Hvad ændrer vi?") > headings.index("Den produktive samtale")
    assert "Vores svar\nVi ringer til forældrene, før barnet starter." in paragraphs
    assert f"Forskellige synspunkter i gruppen\n{ANSWERS['learning.struck.views']}" in paragraphs
    assert any(p.endswith("\n4 – Meget (1–5)") for p in paragraphs)
    assert paragraphs[0] == "Samarbejde om barnets start"
    assert "Bord 3 · Aarhus · 1. maj 2025 14.00" in paragraphs  # 12:00 UTC, summer time
    assert rows[0] == ["Hvad", "Hvem", "Hvornår"]
    assert rows[1] == ["Ring før start", "Line", "Mandag"]
    assert document.core_properties.language == "da"


def test_docx_in_swedish_uses_stockholm_time_and_swedish_words() -> None:
    kit = dataclasses.replace(make_kit(), languages=("sv", "da"))
    doc = build_export_doc(kit, make_session(language="sv"), ANSWERS, "sv", generated_at=NOW)
    paragraphs, _, _ = _docx_text(to_docx(doc))
    assert "Bord 3 · Aarhus · 1 maj 2025 14:00" in paragraphs
    assert f"Olika synsätt i gruppen\n{ANSWERS['learning.struck.views']}" in paragraphs
    assert any(p.endswith("\n4 – Mycket (1–5)") for p in paragraphs)


def test_a_kit_setting_gives_the_time_zone() -> None:
    kit = dataclasses.replace(make_kit(), timezone="America/New_York")
    doc = build_export_doc(kit, make_session(), ANSWERS, "da", generated_at=NOW)
    assert doc.generated_at.hour == 8 and doc.timezone == "America/New_York"


def test_a_self_study_export_speaks_to_one_person() -> None:
    kit = dataclasses.replace(make_kit(), format="self-study")
    doc = build_export_doc(kit, make_session(), ANSWERS, "da", generated_at=NOW)
    paragraphs, _, document = _docx_text(to_docx(doc))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Det tager jeg med"
    assert "Mit svar\nVi ringer til forældrene, før barnet starter." in paragraphs
    assert not any(p.startswith(("Vores svar", "Forskellige synspunkter")) for p in paragraphs)
    evaluation = [r.prompt for r in doc.evaluation]
    assert "Kom alle i gruppen til orde?" not in evaluation


def test_docx_survives_odd_text() -> None:
    """Are characters Word cannot hold replaced rather than failing?"""
    doc = make_doc(answers={"learning.struck": "a\x00b\ud800c", "takeaways": None})
    paragraphs, rows, _ = _docx_text(to_docx(doc))
    text = "\n".join(paragraphs)
    assert "Vores svar\na\ufffdb\ufffdc" in text
    assert "I har ikke skrevet noget ned, som I tager med jer." in text
    assert rows == []


def test_docx_of_an_event_has_one_page_per_group() -> None:
    """Does an event handout put each group on its own page?"""
    data = to_docx([make_doc("Bord 1"), make_doc("Bord 2"), make_doc("Bord 3")])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count('w:type="page"') == 2
    paragraphs, _, _ = _docx_text(data)
    assert paragraphs.count("Samarbejde om barnets start") == 3


# -- JSON --------------------------------------------------------------------------------------


def test_json_has_format_version_prompts_and_exact_text() -> None:
    """Does the JSON say what it is, include the prompt texts and keep every text exactly?"""
    doc = make_doc(answers={**ANSWERS, "learning.struck": "æøå 😊 \x00 \ud800 \u202e"})
    data = json.loads(to_json(doc))
    assert data["format"] == "talkkit.answers" and data["schema_version"] == 1
    (session,) = data["sessions"]
    assert session["kit_id"] == "demo-kit" and session["group_name"] == "Bord 3"
    row = session["sections"][0]["rows"][0]
    assert row == {
        "prompt": "Hvad gjorde indtryk?",
        "answer": "æøå 😊 \x00 \ud800 \u202e",
        "views": ANSWERS["learning.struck.views"],
        "key": "learning.struck",
    }
    assert session["takeaways"][0] == {"what": "Ring før start", "who": "Line", "when": "Mandag"}
    assert session["generated_at"] == "2025-05-01T14:00:00+02:00"  # the kit's local time
    assert datetime.fromisoformat(session["generated_at"]) == NOW
    assert session["timezone"] == "Europe/Copenhagen"
    to_json(doc).decode("utf-8")  # valid UTF-8 despite the lone surrogate


# -- odd answers -------------------------------------------------------------------------------

ODD = {
    "learning.struck": None,
    "learning.struck.views": "\ud800\udfff\ud83d",
    "learning.recognise": "x" * 1_000_000,
    "productive.change": {"nested": [1, [2, [3, [4, [5, [6]]]]]], "n": None},
    "takeaways": [None, "bare text", {"what": 10**5000}, {"who": ["a"]}, 3.5],
    "questions": "not a list",
    "evaluation.useful": 10**5000,
    "facilitator.notes": ["a", {"b": object()}],
    "bad key with spaces": float("nan"),
}


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_odd_answers_never_make_an_export_fail(name) -> None:
    """Does every exporter produce a file from None, lone surrogates, a 1 MB string, nested
    structures and huge numbers?"""
    doc = make_doc(answers=ODD)
    data = EXPORTERS[name].export([doc, make_doc("Bord 2")])
    assert isinstance(data, bytes) and data
    if name == "csv":
        assert any(len(r[7]) == 1_000_000 for r in read_csv(data))
    if name == "json":
        rows = json.loads(data)["sessions"][0]["sections"][0]["rows"]
        assert rows[1]["answer"] == "x" * 1_000_000


def test_empty_event_exports_are_valid_files() -> None:
    """Does an event with no groups still give valid (empty) files?"""
    assert read_csv(to_csv([])) == [read_csv(to_csv(make_doc(language="en")))[0]]
    assert _sheet(to_xlsx([])).max_row == 1
    assert json.loads(to_json([]))["sessions"] == []
    docx.Document(io.BytesIO(to_docx([])))


def test_registry_names_extension_and_mime_type() -> None:
    """Does every format have its file extension and MIME type?"""
    assert set(EXPORTERS) == {"csv", "xlsx", "md", "docx", "json"}
    for name, exporter in EXPORTERS.items():
        assert exporter.name == name
        assert exporter.extension == "." + name
        assert "/" in exporter.mime_type


# -- the export command ------------------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch) -> tuple[str, list[str]]:
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("TALKKIT_KITS", str(tmp_path / "kits"))
    monkeypatch.setattr(export_cmd, "_kits", lambda: {"demo-kit": make_kit()})
    with open_store(url) as store:
        ids = []
        for group in ("Bord 1", "Bord 2"):
            s = store.create_session("demo-kit", "da", event_id="ev1", group_name=group)
            store.save_answer(s.id, "learning.struck", f"svar fra {group}", None)
            ids.append(s.id)
        other = store.create_session("gone-kit", "da", event_id="ev2", group_name="Bord 9")
        store.save_answer(other.id, "learning.struck", "uden kit", None)
    return url, ids


def _main(argv: list[str]) -> int:
    from talkkit.cli import main

    return main(argv)


def test_export_command_writes_an_event_file(cli_store, tmp_path, capsys) -> None:
    """Does `talkkit export --event` write one CSV with every group of the event?"""
    url, _ids = cli_store
    out = tmp_path / "out" / "ev1.csv"
    code = _main(
        [
            "export",
            "--event",
            "ev1",
            "--format",
            "csv",
            "--output",
            str(out),
            "--store",
            url,
            "--lang",
            "en",
        ]
    )
    assert code == 0
    rows = read_csv(out.read_bytes())
    assert {r[1] for r in rows[1:]} == {"Bord 1", "Bord 2"}
    assert out.stat().st_mode & 0o077 == 0
    assert "Exported 2 group(s)" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_export_command_writes_one_session_in_every_format(cli_store, tmp_path, fmt) -> None:
    """Does `talkkit export --session` write a non-empty file in each format?"""
    url, ids = cli_store
    out = tmp_path / f"one.{fmt}"
    assert (
        _main(
            ["export", "--session", ids[0], "--format", fmt, "--output", str(out), "--store", url]
        )
        == 0
    )
    assert out.stat().st_size > 0


def test_export_command_keeps_answers_of_a_missing_kit(cli_store, tmp_path, capsys) -> None:
    """When a session's kit is gone, are its answers still exported, with a warning?"""
    url, _ = cli_store
    out = tmp_path / "ev2.json"
    assert (
        _main(
            [
                "export",
                "--event",
                "ev2",
                "--format",
                "json",
                "--output",
                str(out),
                "--store",
                url,
                "--lang",
                "en",
            ]
        )
        == 0
    )
    session = json.loads(out.read_bytes())["sessions"][0]
    assert session["sections"][0]["rows"][0]["answer"] == "uden kit"
    assert "gone-kit" in capsys.readouterr().err


def test_export_command_refuses_the_served_kits_folder(cli_store, tmp_path) -> None:
    """Is writing an export inside the kits folder (served by Voilà) refused?"""
    url, ids = cli_store
    target = tmp_path / "kits" / "demo" / "answers.csv"
    code = _main(
        ["export", "--session", ids[0], "--format", "csv", "--output", str(target), "--store", url]
    )
    assert code == 2 and not target.exists()


def test_export_command_reports_no_match(cli_store, tmp_path, capsys) -> None:
    """Does an unknown event give exit code 1 and a message in the chosen language?"""
    url, _ = cli_store
    code = _main(
        [
            "export",
            "--event",
            "nope",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x.csv"),
            "--store",
            url,
            "--lang",
            "da",
        ]
    )
    assert code == 1
    assert "Der er ingen sessioner, der passer." in capsys.readouterr().err


def test_every_format_holds_everything_the_group_wrote() -> None:
    """Do CSV, XLSX (openpyxl) and Markdown hold every typed text too, with the page's words
    for the different views and the rating's scale word?"""
    typed = [t for key, v in ANSWERS.items() if key != "speaking.names" for t in _typed_texts(v)]
    doc = make_doc()
    cells = [csv_unguard(c) for row in read_csv(to_csv(doc)) for c in row]
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(doc)))
    xlsx = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    markdown = to_markdown(doc).decode("utf-8")
    for name, found in (("csv", cells), ("xlsx", xlsx)):
        assert [t for t in typed if t not in found] == [], name
        assert "Forskellige synspunkter i gruppen" in found and "Andre synspunkter" not in found
        assert "4 – Meget (1–5)" in found, name
    rendered = html.unescape(re.sub(r"<[^>]+>", "", RENDER(markdown)))
    assert [t for t in typed if t not in rendered] == []
