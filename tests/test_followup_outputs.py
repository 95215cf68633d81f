"""A follow-up (issue 22) in every place it is shown: each group export format opened by a
real reader (python-docx, openpyxl, csv, json), the facilitator board's projection, the event
report (HTML through an HTML parser, DOCX through python-docx), and ``talkkit event
followup-link``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest

from talkkit.events.board import board_snapshot
from talkkit.events.codes import create_event, format_code
from talkkit.events.join import join
from talkkit.export import EXPORTERS
from talkkit.export.doc import build_export_doc
from talkkit.kit import load_kit
from talkkit.report.formats import FORMATS
from talkkit.report.model import build_report
from talkkit.store import open_store

ROOT = Path(__file__).resolve().parent.parent
KIT = load_kit(ROOT / "kits" / "tvaerfagligt-samarbejde")
FOLLOWUP = [
    {"what": "Ring til skolen", "who": "Mette", "when": "1. marts", "status": "done",
     "note": "Skolen <b>ringede</b> tilbage"},
    {"what": "=HYPERLINK(\"x\")", "who": "", "when": "", "status": "dropped", "note": "Ingen tid"},
    {"what": "Fælles møde", "who": "Ali", "when": "april", "status": "", "note": ""},
]  # fmt: skip


@pytest.fixture
def setup(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'store.sqlite3'}"
    with open_store(url) as store:
        first = store.create_session("tidlig-opsporing", "da", group_name="Team Nord")
        event, _secret = create_event(store, KIT.id, "Opfølgningsdag", "da")
        follow = store.follow_up(first.id, KIT.id, "da")
        joined = join(
            store, event.code, group_name="Team Nord", municipality="Aarhus", session_id=follow.id
        )
        assert joined.id == event.id
        store.save_answer(follow.id, "followup", FOLLOWUP, None)
        yield store, url, event, store.get_session(follow.id)


def test_every_group_export_holds_the_follow_up(setup) -> None:
    store, _url, _event, session = setup
    doc = build_export_doc(KIT, session, store.load_answers(session.id), "da")
    assert [f.status for f in doc.followup] == ["done", "dropped", ""]
    files = {name: e.export([doc]) for name, e in EXPORTERS.items()}
    assert set(files) >= {"csv", "xlsx", "md", "docx", "json"}

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(files["docx"])).paragraphs)
    table_text = "\n".join(
        c.text for t in docx.Document(io.BytesIO(files["docx"])).tables for r in t.rows
        for c in r.cells
    )  # fmt: skip
    assert "Opfølgning på sidste gangs aftaler" in text
    for needle in ("Gjort", "Droppet", "Ikke markeret", "Skolen <b>ringede</b> tilbage", "Mette"):
        assert needle in table_text, needle

    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    followed = [r for r in rows if "followup" in r]
    assert len(followed) == 3
    assert any("Gjort: Skolen <b>ringede</b> tilbage" in c for c in followed[0])
    assert not any(c.startswith("=") for r in rows for c in r)  # no formula for a spreadsheet

    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Droppet: Ingen tid" in c.value for c in cells)
    assert '=HYPERLINK("x")' in [c.value for c in cells]  # kept as typed, as text
    assert {c.data_type for c in cells} == {"s"}  # no formula

    md = files["md"].decode("utf-8")
    assert "## Opfølgning på sidste gangs aftaler" in md and "<b>" not in md

    data = json.loads(files["json"])
    assert [f["status"] for f in data["sessions"][0]["followup"]] == ["done", "dropped", ""]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_board_and_the_event_report_show_the_follow_up(setup) -> None:
    store, _url, event, _session = setup
    snap = board_snapshot(store, event.id, kit=KIT, language="da")
    rows = [r for r in snap["rows"] if r["k"] == "followup"]
    assert len(rows) == 1 and [f["status"] for f in rows[0]["v"]] == ["done", "dropped", ""]
    assert rows[0]["v"][0]["note"] == "Skolen <b>ringede</b> tilbage"

    report = build_report(store, [event.id], "sv", kit=KIT)
    parser = _Text()
    parser.feed(FORMATS["html"].render(report).decode("utf-8"))
    text = " ".join(parser.text)
    assert "Uppföljning av överenskommelser från ett tidigare tillfälle" in text
    assert "Klart" in text and "Slopat" in text and "Inte markerat" in text
    assert "Skolen <b>ringede</b> tilbage" in text and "b" not in parser.tags  # escaped
    assert not [u for u in parser.urls if u.startswith(("http:", "https:", "//"))]

    document = docx.Document(io.BytesIO(FORMATS["docx"].render(report)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Klart" in cells and "Ingen tid" in cells and "Team Nord" in cells


def test_followup_link_prints_each_groups_link(setup) -> None:
    _store, url, event, session = setup
    done = subprocess.run(
        [sys.executable, "-m", "talkkit", "event", "followup-link", event.id, "--store", url,
         "--lang", "en", "--base-url", "https://kit.example/"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Team Nord (Aarhus)" in done.stdout
    link = f"https://kit.example/voila/render/{KIT.id}/kit.ipynb?session={session.id}&followup=1"
    assert link in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "talkkit", "event", "followup-link", "ev-nosuch", "--store", url,
         "--lang", "da"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1 and "ev-nosuch" in bad.stderr
    assert format_code(event.code)  # the event is real
