"""``talkkit series`` (issue 22 part 2): making a series, its list, its steps, its link, and
``talkkit purge --series``; what the leader typed wrong gets a clear message in their language
and nothing is made."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from talkkit.events.codes import verify_secret
from talkkit.store import open_store

A, B = "tidlig-opsporing", "tvaerfagligt-samarbejde"


def talkkit(url: str, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "talkkit", *args, "--store", url, "--lang", lang],
        capture_output=True,
        text=True,
        timeout=120,
    )


def create(url: str, *extra: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    plan = ["--kit", A, "--date", "2027-01-10", "--kit", B, "--date", "2027-03-01"]
    return talkkit(url, "series", "create", "--team", "Team Nord", *plan, *extra, lang=lang)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'store.sqlite3'}"


def test_create_prints_the_teams_link_and_the_secret_once(url: str) -> None:
    run = create(url, "--base-url", "https://kits.example.org/")
    assert run.returncode == 0, run.stderr
    code = re.search(r"code: ([A-Z0-9-]{14})", run.stdout).group(1)
    secret = re.search(r"keep it safe\): (\S+)", run.stdout).group(1)
    assert f"https://kits.example.org/talkkit/team?code={code}" in run.stdout
    assert "https://kits.example.org/talkkit/series-overview" in run.stdout
    with open_store(url) as store:
        [series] = store.list_series()
        assert [i.kit_id for i in series.items] == [A, B]
        [(sid, stored)] = store.series_secret_hashes()
        assert sid == series.id and secret not in stored and verify_secret(secret, stored)
    listing = talkkit(url, "series", "list")
    assert series.id in listing.stdout and "0 of 2 kits done" in listing.stdout
    link = talkkit(url, "series", "link", series.id)
    assert code in link.stdout and secret not in link.stdout
    show = talkkit(url, "series", "show", series.id, lang="da")
    assert "1. 2027-01-10\tNæste" in show.stdout and "2. 2027-03-01\tPlanlagt" in show.stdout


@pytest.mark.parametrize(
    ("args", "lang", "message"),
    [
        (
            ["--kit", "no-such-kit", "--date", "2027-01-10"],
            "da",
            "Der er intet kit med id no-such-kit",
        ),
        (["--kit", A, "--date", "10/01/2027"], "sv", "10/01/2027 är inget datum"),
        (["--kit", A, "--date", "2027-02-30"], "en", "2027-02-30 is not a date"),
        (["--kit", A, "--kit", B, "--date", "2027-01-10"], "en", "one planned --date for each"),
        (
            ["--kit", A, "--date", "2027-03-01", "--kit", B, "--date", "2027-01-10"],
            "da",
            "rækkefølge",
        ),
        ([], "sv", "Ange minst ett kit"),
    ],
)
def test_what_is_typed_wrong_is_told_in_the_users_language(url, args, lang, message) -> None:
    run = talkkit(url, "series", "create", "--team", "Team Nord", *args, lang=lang)
    assert run.returncode == 2 and message in run.stderr, run.stderr
    with open_store(url) as store:
        assert store.list_series() == []


def test_an_unknown_series_is_told(url: str) -> None:
    for action in ("show", "link"):
        run = talkkit(url, "series", action, "se-nosuchone", lang="sv")
        assert run.returncode == 1 and "Ingen serie med id se-nosuchone" in run.stderr


def test_show_lists_take_aways_with_their_follow_up(url: str) -> None:
    assert create(url).returncode == 0
    with open_store(url) as store:
        [series] = store.list_series()
        one = store.open_step(series.id, 1, "da")
        takeaway = {"what": "Ring til skolen", "who": "Mette", "when": "1. marts"}
        store.save_answer(one.id, "takeaways", [takeaway], None)
        two = store.open_step(series.id, 2, "da")
        store.save_answer(
            two.id, "followup", [{**takeaway, "status": "done", "note": "Godt"}], None
        )
        store.save_answer(one.id, "evaluation.useful", 4, None)
    show = talkkit(url, "series", "show", series.id)
    assert "1. 2027-01-10\tDone" in show.stdout and "average rating 4.0" in show.stdout
    assert "- Ring til skolen (Mette, 1. marts): Done: Godt" in show.stdout
    assert "2. 2027-03-01\tNext" in show.stdout


def test_purge_series_deletes_the_series_and_its_sessions(url: str) -> None:
    assert create(url).returncode == 0
    with open_store(url) as store:
        [series] = store.list_series()
        session = store.open_step(series.id, 1, "da")
    run = talkkit(url, "purge", "--series", series.id, "--yes")
    assert run.returncode == 0 and "Deleted 1 session(s)." in run.stdout, run.stderr
    with open_store(url) as store:
        assert store.get_series(series.id) is None and store.get_session(session.id) is None


def test_the_teams_page_speaks_the_first_kits_language_unless_asked(url: str, tmp_path) -> None:
    plan = ["--kit", "skolfranvaro", "--date", "2027-01-10", "--kit", A, "--date", "2027-02-01"]
    env_free = subprocess.run(
        [
            sys.executable,
            "-m",
            "talkkit",
            "series",
            "create",
            "--team",
            "Lag Syd",
            *plan,
            "--store",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"},
    )
    assert env_free.returncode == 0, env_free.stderr
    assert "Teamets kod:" in env_free.stdout  # skolfranvaro is a Swedish kit
    assert create(url, lang="en").returncode == 0
    with open_store(url) as store:
        assert [s.language for s in store.list_series()] == ["sv", "en"]
