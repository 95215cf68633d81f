"""The trend report (issue 22, part 3): ``talkkit report`` over a period, on SQLite and
PostgreSQL, with events of three kits in five municipalities over four months. The files are
opened by real readers (an HTML parser, python-docx, pypdf and poppler's pdftotext), the rule
of five groups is tried at 4 and 5 groups, and no group's text may appear in any format."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from trend_data import PLAN, SECRET, Planned, build

from talkkit.cli import main
from talkkit.report.formats import FORMATS
from talkkit.report.trend import MIN_GROUPS, TrendQuery, build_trend
from talkkit.store import Store, open_store

HALF_YEAR = TrendQuery(date(2026, 1, 1), date(2026, 6, 30))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return " ".join(" ".join(parser.parts).split())


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return " ".join(" ".join(parts).split())


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (pypdf misreads subset fonts with a
    custom encoding), line breaks as spaces."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


READERS = {"html": html_text, "docx": docx_text, "pdf": pdf_text}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One store per back end for the module (the tests only read it), built once."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path_factory.mktemp('trend') / 'store.sqlite3'}"
        return
    import psycopg

    base = str(request.getfixturevalue("pg_url")).rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "talkkit_trend" WITH (FORCE)')
        conn.execute('CREATE DATABASE "talkkit_trend"')
    yield base + "/talkkit_trend"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "talkkit_trend" WITH (FORCE)')


@pytest.fixture(scope="module")
def store(url: str):
    with pytest.MonkeyPatch.context() as monkeypatch, open_store(url) as opened:
        build(opened, monkeypatch)
        yield opened


def _expected_followup() -> dict[str, int | None]:
    """Each group followed up one take-away (statuses rotate): a status marked by fewer than
    five groups is hidden."""
    statuses = ("done", "started", "not_yet", "dropped", "done")
    counts = dict.fromkeys(("done", "started", "not_yet", "dropped"), 0)
    n = 0
    for planned in PLAN:
        for _group in planned.groups:
            n += 1
            if planned.when.month <= 6:
                counts[statuses[n % 5]] += 1
    return {s: c if c >= MIN_GROUPS or c == 0 else None for s, c in counts.items()}


def test_the_half_year_is_counted_by_month_kit_and_municipality(store: Store) -> None:
    built = build_trend(store, HALF_YEAR, "en")
    in_period = [p for p in PLAN if p.when.month <= 6]
    assert built.events == len(in_period) == 4  # July's event is outside the period
    assert built.groups == sum(len(p.groups) for p in in_period) == 17
    assert built.municipalities == 4  # "aarhus " is Aarhus; Aarhus, Odense, Vejle, Malmö
    months = {m.month: m for m in built.months}
    assert months["2026-01"].groups == 6 and months["2026-01"].events == 1
    jan = months["2026-01"].ratings["useful"]
    assert jan is not None and jan[1] == 6 and jan[0] == pytest.approx((4 + 5 + 5 + 3 + 4 + 2) / 6)
    # February: 4 groups, fewer than five: no figure at all
    assert months["2026-02"].groups is None and months["2026-02"].events is None
    assert months["2026-02"].ratings["useful"] is None
    assert months["2026-03"].groups == 7 and months["2026-03"].events == 2
    places = {p.name: (p.events, p.groups) for p in built.places}
    assert places == {"Aarhus": (2, 6), "Odense": (3, 7)}
    assert built.other_places is not None and built.other_places.groups is None  # 2 + 2 < 5
    kits = {k.name: k for k in built.kits}
    assert [k.groups for k in built.kits] == [10, 5, None]  # the Swedish kit had 2 groups
    assert kits["Vägen tillbaka: om problematisk skolfrånvaro"].rating is None
    assert built.followup is not None and built.followup.groups == 17
    assert built.followup.statuses == _expected_followup()
    assert built.followup.statuses["done"] == 6 and built.followup.statuses["dropped"] is None
    assert built.hidden


def test_recurring_themes_are_words_and_counts_across_events(store: Store) -> None:
    built = build_trend(store, HALF_YEAR, "da")
    phrases = {t.label: (t.groups, t.events) for t in built.phrases}
    # the Danish groups of January, February and March all wrote it; the Swedish ones did not
    assert phrases["fælles møde"] == (15, 3)
    assert "skolen" in {t.label for t in built.words}
    labels = " ".join(t.label for t in (*built.words, *built.phrases))
    assert SECRET not in labels  # a word one group wrote is never a theme
    assert all(t.groups >= MIN_GROUPS for t in (*built.words, *built.phrases))


@pytest.mark.parametrize("language", ["da", "sv", "en"])
def test_every_format_in_every_language_holds_totals_and_no_group_text(
    store: Store, language: str
) -> None:
    built = build_trend(store, HALF_YEAR, language)
    heading = {"da": "Trendrapport", "sv": "Trendrapport", "en": "Trend report"}[language]
    rule = {"da": "færre end 5 grupper", "sv": "färre än 5 grupper", "en": "fewer than 5 groups"}
    for name, fmt in FORMATS.items():
        text = READERS[name](fmt.render_trend(built))
        assert heading in text and rule[language] in text, name
        assert "fælles møde" in text and "Odense" in text, name
        assert SECRET not in text and "Gruppe 1" not in text, name  # no group's text, no name
        assert "Vejle" not in text and "Malmö" not in text, name  # fewer than five groups


def test_the_rule_of_five_at_four_and_five_groups(tmp_path: Path, monkeypatch) -> None:
    """With four groups the report shows no figure (and says why); with five it shows them."""
    when = datetime(2026, 4, 2, 9, tzinfo=UTC)
    for size in (4, 5):
        url = f"sqlite://{tmp_path / f'{size}.sqlite3'}"
        plan = [Planned("tidlig-opsporing", "Dag", when, [("Kolding", 4)] * size)]
        with open_store(url) as store:
            build(store, monkeypatch, plan)
            built = build_trend(store, HALF_YEAR, "en")
        figures = (built.events, built.groups, built.municipalities, built.takeaways)
        if size == 4:  # no figure, and no month, kit or municipality named either
            assert figures == (None, None, None, None)
            assert built.months == [] and built.kits == [] and built.places == []
            assert built.words == [] and built.phrases == [] and built.followup is None
        else:
            month = built.months[0]
            assert built.followup is not None
            assert figures == (1, 5, 1, 5)
            assert month.groups == 5 and month.ratings["useful"] == (4.0, 5)
            assert [(p.name, p.groups) for p in built.places] == [("Kolding", 5)]
            assert built.followup.groups == 5 and built.followup.items == 5
            assert "fælles møde" in {t.label for t in built.phrases}
        for name, fmt in FORMATS.items():
            text = READERS[name](fmt.render_trend(built))
            assert "fewer than 5 groups" in text, name  # the rule, stated
            if size == 4:
                assert "Fewer than 5 groups took part in this period" in text, name
                assert "Kolding" not in text and "fælles møde" not in text, name
                assert "Tidlig opsporing" not in text and "apr. 2026" not in text, name
            else:
                assert "Kolding" in text and "Fewer than 5 groups took part" not in text, name


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(["report", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_command_writes_each_format_and_filters(store: Store, url: str, tmp_path, capsys):
    period = ["--from", "2026-01-01", "--to", "2026-06-30", "--store", url]
    for name in FORMATS:
        out = tmp_path / f"trend.{name}"
        code, said = _run(capsys, *period, "--format", name, "--output", str(out), "--lang", "en")
        assert code == 0 and str(out) in said, said
        assert "Trend report 2026-01-01 to 2026-06-30" in READERS[name](out.read_bytes())
    out = tmp_path / "aarhus.html"
    code, said = _run(
        capsys, *period, "--municipality", " aarhus", "--format", "html", "--output", str(out)
    )
    assert code == 0, said
    text = html_text(out.read_bytes())
    assert "Municipality: aarhus" in text or "Kommune: aarhus" in text
    assert "Odense" not in text
    out = tmp_path / "topic.docx"
    args = ["--topic", "tidlig-opsporing", "--format", "docx", "--output", str(out)]
    code, said = _run(capsys, *period, *args, "--lang", "sv")
    assert code == 0, said
    text = docx_text(out.read_bytes())
    assert "Ämne: Tidlig opsporing" in text and "Vägen tillbaka" not in text


@pytest.mark.parametrize(
    ("args", "lang", "message"),
    [
        (["--from", "1.1.2026"], "da", "'1.1.2026' er ikke en dato"),
        (["--to", "2026-02-30"], "sv", "'2026-02-30' är inte ett datum"),
        (["--from", "2026-07-01"], "en", "The period ends before it starts"),
        (["--kit", "no-such-kit"], "en", "No kit with the id no-such-kit"),
        (["--topic", "gardening"], "da", "Intet kit har emnet 'gardening'"),
        (["--municipality", "Skagen"], "en", "No group took part in an event from 2026-01-01"),
        (["--from", "2025-01-01", "--to", "2025-12-31"], "sv", "Ingen grupp deltog"),
    ],
)
def test_bad_input_gets_a_clear_message_in_the_users_language(
    store: Store, url: str, tmp_path: Path, capsys, args: list[str], lang: str, message: str
) -> None:
    period = {"--from": "2026-01-01", "--to": "2026-06-30"}
    rest = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in period:
            period[flag] = value
        else:
            rest += [flag, value]
    out = tmp_path / "r.html"
    code, said = _run(
        capsys,
        *(x for kv in period.items() for x in kv),
        *rest,
        "--store",
        url,
        "--format",
        "html",
        "--output",
        str(out),
        "--lang",
        lang,
    )
    assert code != 0 and message in said and "Traceback" not in said, said
    assert not out.exists()


def test_the_pdf_is_the_html_printed(store: Store, tmp_path: Path) -> None:
    """Does pypdf (a second reader) open it, and does page 2 (the charts) draw?"""
    import pypdf

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is missing: run ./dev (APT_PACKAGES)"
    pdf = tmp_path / "trend.pdf"
    pdf.write_bytes(FORMATS["pdf"].render_trend(build_trend(store, HALF_YEAR, "da")))
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 2 and reader.metadata is not None
    assert reader.metadata.title == "Trendrapport 2026-01-01 til 2026-06-30"
    text = pdf_text(pdf.read_bytes())
    assert "Trendrapport" in text and "Opfølgning på aftaler" in text and SECRET not in text
    subprocess.run(
        [pdftoppm, "-png", "-r", "40", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    from matplotlib.image import imread

    page = imread(next(tmp_path.glob("p*.png")))
    assert page.min() < 0.3  # the charts' dark bars and lines are drawn, not a blank page


def test_without_weasyprint_the_pdf_says_how_to_get_it(
    store: Store, url: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The Binder image has no `pdf` extra: the command says so, writes nothing, and HTML
    still works."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
    out = tmp_path / "trend.pdf"
    period = ["--from", "2026-01-01", "--to", "2026-06-30", "--store", url, "--lang", "da"]
    code, said = _run(capsys, *period, "--format", "pdf", "--output", str(out))
    assert code == 1 and "pip install 'talkkit[pdf]'" in said and "kræver WeasyPrint" in said
    assert not out.exists()
    code, said = _run(capsys, *period, "--format", "html", "--output", str(tmp_path / "t.html"))
    assert code == 0, said
