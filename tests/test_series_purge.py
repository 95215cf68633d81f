"""Purged means gone, per series too (issue 22 part 2): after ``talkkit purge --series``, no
text a team typed in its series, nor its team name, is readable in any file of the data
folder, while another connection (a kernel) holds the store; another series keeps its text.
Files are read byte by byte as in ``tests/test_purge_files.py``."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from test_purge_files import readable

from talkkit import events
from talkkit.series.setup import create_series
from talkkit.store import Pick, open_store

PLAN = [("tidlig-opsporing", date(2027, 1, 10)), ("tvaerfagligt-samarbejde", date(2027, 3, 1))]


def typed(store, series, words: str) -> list[str]:
    """The team types in both steps, its answers growing one save at a time (autosave)."""
    one = store.open_step(series.id, 1, "da")
    revision = None
    for n in range(1, len(words.split()) + 1):
        revision = store.save_answer(
            one.id, "learning.struck", " ".join(words.split()[:n]), revision
        ).revision
    takeaway = {"what": f"Tiltag {words}", "who": "Mette", "when": "marts"}
    store.save_answer(one.id, "takeaways", [takeaway], None)
    two = store.open_step(series.id, 2, "da")
    store.save_answer(
        two.id, "followup", [{**takeaway, "status": "done", "note": f"Note {words}"}], None
    )
    return [one.id, two.id]


@pytest.mark.parametrize("cli", [True, False], ids=["cli", "api"])
def test_a_purged_series_leaves_no_text_in_any_file(tmp_path, cli: bool) -> None:
    data = tmp_path / "data"
    url = f"sqlite://{data / 'talkkit.sqlite3'}"
    gone_words = "Seriehemmelighed om tillid og trivsel"
    kept_words = "Bliver hos det andet team"
    with open_store(url) as kernel, open_store(url) as typing:
        series, _secret = create_series(typing, "Teamnavn Østerbro", PLAN)
        other, _ = create_series(typing, "Andet team Vesterbro", PLAN)
        ids = typed(typing, series, gone_words)
        typed(typing, other, kept_words)
        event, _ = events.create_event(typing, "tidlig-opsporing", "Et arrangement")
        typing.set_picks(event.id, [Pick("p1", gone_words, f"{ids[0]}/learning.struck")])
        assert kernel.load_answers(ids[1])  # a kernel has the store open and has read it
        gone = [gone_words, f"Note {gone_words}", "Teamnavn Østerbro"]
        assert readable(data, gone)
        if cli:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "talkkit",
                    "purge",
                    "--series",
                    series.id,
                    "--yes",
                    "--store",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert run.returncode == 0, run.stdout + run.stderr
        else:
            assert typing.delete_series(series.id) == 2 and typing.reclaim()
        assert readable(data, gone) == {}
        assert readable(data, [kept_words, "Andet team Vesterbro"])
        assert kernel.get_series(series.id) is None and kernel.load_answers(ids[0]) == {}
        assert kernel.list_picks(event.id) == []  # picked from the series' session: gone too
