"""The evaluation summary and the event report (HTML and DOCX), and ``talkkit event``."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from talkkit import events, report
from talkkit.cli import main
from talkkit.store import Pick, open_store

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'store.sqlite3'}"


def seed(url: str, name: str = "Dag 1", ratings=(4, 5, 5)) -> str:
    with open_store(url) as store:
        event, _ = events.create_event(store, "tidlig-opsporing", name)
        for n, rating in enumerate(ratings, 1):
            session = store.create_session("tidlig-opsporing", "da")
            store.join_event(session.id, event.id, f"Bord {n} {XSS}", "Aarhus")
            store.save_answer(session.id, "evaluation.useful", rating, None)
            store.save_answer(session.id, "evaluation.improve", f"Mere tid {XSS}", None)
            store.save_answer(
                session.id, "takeaways", [{"what": f"Øv {XSS}", "who": "Alle", "when": "Maj"}], None
            )
            store.save_answer(session.id, "questions", [f"Hvorfor {XSS}?"], None)
        store.set_picks(event.id, [Pick("p1", f"Hovedpointe {XSS}")])
        return event.id


def test_ratings_are_counted_and_comments_kept() -> None:
    groups = [
        {"evaluation.useful": 4, "evaluation.improve": "Mere tid"},
        {"evaluation.useful": 5, "evaluation.voices": "ja"},  # text given to a rating question
        {"evaluation.useful": 9, "evaluation.unknown": 2},  # out of range; a question gone
    ]
    summary = {q.id: q for q in report.summarise_evaluation(None, groups, "en")}
    assert summary["useful"].counts == (0, 0, 0, 1, 1) and summary["useful"].mean == 4.5
    assert summary["useful"].text == "How useful was what you saw and heard for your work?"
    assert summary["voices"].comments == ("ja",)
    assert summary["improve"].comments == ("Mere tid",)
    assert summary["unknown"].counts == (0, 1, 0, 0, 0)
    combined = {q.id: q for q in report.combine([list(summary.values()), list(summary.values())])}
    assert combined["useful"].counts == (0, 0, 0, 2, 2)
    assert combined["improve"].comments == ("Mere tid", "Mere tid")


def test_html_report_escapes_every_user_text(url: str) -> None:
    event_id = seed(url)
    with open_store(url) as store:
        html = report.to_html(report.build_report(store, [event_id], "da"))
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "onerror=alert" in html  # the text is there, inert
    assert html.count("&lt;script&gt;") >= 5  # group, point, take-away, question, comment
    assert "Hovedpointe" in html and "Øv" in html and "Bord 1" in html
    assert "<svg" in html and html.count('class="bar"') >= 5  # rating chart, drawn inline
    assert "Evaluering" in html and 'lang="da"' in html
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing from the web


def test_docx_report_holds_the_same_content(url: str) -> None:
    event_id = seed(url)
    with open_store(url) as store:
        data = report.to_docx(report.build_report(store, [event_id], "sv"))
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert f"Hovedpointe {XSS}" in text and f"Hvorfor {XSS}?" in text
    assert f"Øv {XSS}" in cells and "Utvärdering" in text
    assert "█" in cells  # rating bars


def test_a_report_of_several_events_adds_the_evaluation_across_them(url: str) -> None:
    first = seed(url, "Dag 1", (4, 5))
    second = seed(url, "Dag 2", (2,))
    with open_store(url) as store:
        built = report.build_report(store, [first, second, "ev-missing"], "en")
    assert [s.event.name for s in built.events] == ["Dag 1", "Dag 2"]
    useful = next(q for q in built.combined if q.id == "useful")
    assert useful.counts == (0, 1, 0, 1, 1)
    assert "across all events" in report.to_html(built)
    out = Path(url.removeprefix("sqlite://")).parent / "kit.html"
    args = ["event", "report", "--kit", "tidlig-opsporing", "--format", "html"]
    assert main([*args, "--output", str(out), "--store", url, "--lang", "en"]) == 0
    assert "Report of 2 events" in out.read_text(encoding="utf-8")
    with open_store(url) as store, pytest.raises(ValueError):
        report.build_report(store, ["ev-missing"])


def test_the_event_command_creates_lists_and_reports(url: str, tmp_path: Path, capsys) -> None:
    """Does ``talkkit event create`` print the code, the secret and both links, and do
    ``list`` and ``report`` work on what it made?"""
    assert (
        main(
            [
                "event",
                "create",
                "tidlig-opsporing",
                "--name",
                "Odense",
                "--store",
                url,
                "--lang",
                "en",
                "--base-url",
                "https://kits.example",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    code = re.search(r"Join code for the groups: ([A-Z2-9-]{14})", out).group(1)
    secret = re.search(r"Facilitator secret .*: (\S+)", out).group(1)
    assert f"https://kits.example/voila/render/tidlig-opsporing/kit.ipynb?event={code}" in out
    assert "https://kits.example/voila/render/board.ipynb" in out
    with open_store(url) as store:
        event = store.list_events()[0]
        assert events.login(store, secret, events.Gate(store)).event == event
    assert main(["event", "list", "--store", url, "--lang", "da"]) == 0
    assert code in capsys.readouterr().out
    out_file = tmp_path / "out" / "report.html"
    assert (
        main(
            [
                "event",
                "report",
                event.id,
                "--format",
                "html",
                "--output",
                str(out_file),
                "--store",
                url,
            ]
        )
        == 0
    )
    assert "Odense" in out_file.read_text(encoding="utf-8")
    assert out_file.stat().st_mode & 0o077 == 0
    assert (
        main(
            [
                "event",
                "report",
                event.id,
                "--format",
                "docx",
                "--output",
                str(tmp_path / "r.docx"),
                "--store",
                url,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "event",
                "report",
                "ev-nope",
                "--format",
                "html",
                "--output",
                str(tmp_path / "x.html"),
                "--store",
                url,
            ]
        )
        == 1
    )
    assert main(["event", "create", "no-such-kit", "--name", "x", "--store", url]) == 2
    assert main(["event", "unlock", event.id, "--store", url]) == 0
    assert main(["event", "delete", event.id, "--store", url]) == 2  # needs --yes
    assert main(["event", "delete", event.id, "--yes", "--store", url]) == 0
    with open_store(url) as store:
        assert store.list_events() == []


def test_reports_are_never_written_into_the_served_folder(url: str, capsys) -> None:
    event_id = seed(url)
    from talkkit.paths import kits_dir

    target = kits_dir() / "report.html"
    assert (
        main(
            [
                "event",
                "report",
                event_id,
                "--format",
                "html",
                "--output",
                str(target),
                "--store",
                url,
            ]
        )
        == 2
    )
    assert not target.exists()
