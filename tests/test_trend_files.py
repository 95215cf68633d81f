"""The trend report's files as their users meet them: the HTML in Debian's chromium (no
request leaves the file, the charts draw), the DOCX opened by LibreOffice Writer, and any
Unicode in what groups type still writes every format (hypothesis, as the event report's
properties in tests/test_export_properties.py)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from office import soffice
from test_trend import READERS
from trend_data import SECRET, Planned, build

from talkkit.i18n import translator
from talkkit.report.formats import FORMATS
from talkkit.report.trend import TrendQuery, build_trend
from talkkit.store import open_store

HALF_YEAR = TrendQuery(date(2026, 1, 1), date(2026, 6, 30))
WHEN = datetime(2026, 5, 5, 10, tzinfo=UTC)
UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NOTE = translator("en", "events")(
    "Note: some characters cannot be kept in this file and are shown as \ufffd."
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three files of a small report (six groups in two months), in Danish."""
    folder = tmp_path_factory.mktemp("trendfiles")
    plan = [
        Planned("tidlig-opsporing", "Dag 1", datetime(2026, 3, 1, tzinfo=UTC), [("Køge", 4)] * 5),
        Planned("tidlig-opsporing", "Dag 2", datetime(2026, 4, 1, tzinfo=UTC), [("Køge", 2)] * 6),
    ]
    with pytest.MonkeyPatch.context() as mp, open_store(f"sqlite://{folder / 's.db'}") as store:
        build(store, mp, plan)
        built = build_trend(store, HALF_YEAR, "da")
    out = {}
    for name, fmt in FORMATS.items():
        out[name] = folder / f"trend{fmt.extension}"
        out[name].write_bytes(fmt.render_trend(built))
    return out


def test_the_html_asks_nothing_of_any_host_and_draws_its_charts(files, page, tmp_path) -> None:
    pg, log = page
    url = files["html"].as_uri()
    pg.goto(url)
    pg.wait_for_load_state("load")
    widths = pg.eval_on_selector_all("figure img", "els => els.map(e => e.naturalWidth)")
    assert len(widths) == 2 and all(w > 100 for w in widths)  # both SVG charts decoded
    assert pg.locator("table.months tbody tr").count() == 2
    assert pg.get_by_text("færre end 5 grupper").count() == 1  # the rule, stated
    assert [u for u in log.requests if u != url and not u.startswith("data:")] == []
    assert log.console_errors == []
    pg.screenshot(path=str(tmp_path / "trend.png"), full_page=True)  # looked at by hand


def test_libreoffice_opens_the_docx(files, tmp_path) -> None:
    """LibreOffice Writer (Debian's libreoffice-writer-nogui) opens the DOCX and prints it:
    the text and both chart pictures are there."""
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["docx"])],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = tmp_path / "trend.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    text = READERS["pdf"](pdf.read_bytes())
    assert "Trendrapport 2026-01-01 til 2026-06-30" in text and "Køge" in text
    assert "Gennemsnitlig vurdering pr. måned" in text and SECRET not in text
    import pypdf

    assert sum(len(p.images) for p in pypdf.PdfReader(pdf).pages) >= 2  # the charts, printed
    import docx

    shapes = docx.Document(str(files["docx"])).inline_shapes
    assert len(shapes) == 2  # two PNG charts, each with its description for screen readers
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert all("mar. 2026" in d and "apr. 2026" in d for d in descriptions), descriptions


TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)


@given(municipality=TEXT, answer=TEXT)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(municipality="K\ud800ge =1+1", answer="\x00fælles \ufffe møde <b>x</b>")
@example(municipality="\u202eegøK\u200b", answer='=HYPERLINK("http://x")')
def test_any_text_typed_still_writes_every_format(municipality: str, answer: str) -> None:
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        with open_store(f"sqlite://{Path(folder) / 's.db'}") as store:
            build(store, mp, [Planned("tidlig-opsporing", answer, WHEN, [(municipality, 3)] * 5)])
            for s in store.list_sessions():
                store.save_answer(s.id, "intro.start", answer, None)
            built = build_trend(store, HALF_YEAR, "en")
            kept = store.list_sessions()[0].municipality  # the store keeps what UTF-8 can
    shown = " ".join(kept.split())
    for name, fmt in FORMATS.items():
        data = fmt.render_trend(built)
        text = READERS[name](data)  # the reader opens it
        assert "Trend report" in text, name
        if name == "pdf":
            continue  # pypdf's text of a glyph-less character is not the character
        assert not UNHOLDABLE.search(text), name
        if UNHOLDABLE.search(shown):
            assert "\ufffd" in text and NOTE in text, name
        if name == "html" and shown:  # the municipality is shown, as text
            visible = UNHOLDABLE.sub("\ufffd", shown).replace("\u200b", "")
            assert " ".join(visible.split()) in text.replace("\u200b", ""), name
