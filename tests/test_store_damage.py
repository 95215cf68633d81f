"""Full disk, damaged store, killed server (issue 23 item 10), with real parts: the data folder
on a small tmpfs mounted for the test (root only), a store file with bytes overwritten in the
middle, and ``kill -9`` of the server and its kernels while five browser pages type."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import KITS, crash_server, start_server, stop_server
from playwright.sync_api import expect
from test_browser_kit import LOAD, go_to, kit_url, open_kit, save_line

from talkkit.store import check_store, open_store


def damaged_store(path: Path) -> None:
    """A store with some hundred answers, then 4 KiB of noise written over its middle."""
    with open_store(f"sqlite://{path}") as store:
        for i in range(150):
            session = store.create_session("tidlig-opsporing", "da")
            store.save_answer(session.id, "learning.struck", f"svar {i} " * 40, None)
        store.reclaim()  # everything in the file itself, the WAL empty
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek((size // 2) // 4096 * 4096)
        f.write(os.urandom(4096))


def test_a_damaged_store_is_found_at_start_with_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    damaged_store(data / "talkkit.sqlite3")
    problem = check_store(f"sqlite://{data / 'talkkit.sqlite3'}")
    assert problem, "quick_check finds the damage"
    run = subprocess.run(
        [sys.executable, "-m", "talkkit", "serve", "--port", "1", "--kits-dir", str(KITS)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TALKKIT_DATA": str(data)},
    )
    assert run.returncode == 1
    assert "damaged" in run.stderr and "talkkit.sqlite3" in run.stderr and "backup" in run.stderr
    assert "Open http" not in run.stdout  # nothing was served
    healthy = tmp_path / "healthy.sqlite3"
    with open_store(f"sqlite://{healthy}"):
        pass
    assert check_store(f"sqlite://{healthy}") is None


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 3 MB tmpfs, mounted for the test (needs root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler.bin"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(400)
def test_a_full_disk_is_said_in_the_groups_language_and_the_text_kept(
    tmp_path: Path, small_disk: Path, page
) -> None:
    pg, _ = page
    server = start_server(KITS, small_disk / "data", tmp_path / "serve.log")
    try:
        open_kit(pg, kit_url(server, "lang=da"))
        go_to(pg, "Den lærende samtale")
        pg.locator("#tk-learning-struck").fill("Første tanke")
        expect(save_line(pg, "tk-learning-struck")).to_have_text(re.compile("Gemt"), timeout=LOAD)
        filler = fill_disk(small_disk)
        long = "Når disken er fuld, må intet gå tabt. " * 60
        pg.locator("#tk-learning-struck").fill(long)
        expect(save_line(pg, "tk-learning-struck")).to_have_text(
            re.compile("Serverens disk er fuld"), timeout=LOAD
        )
        expect(pg.locator("#tk-learning-struck")).to_have_value(long)  # the text is kept
        filler.unlink()  # room again: the retry saves it
        expect(save_line(pg, "tk-learning-struck")).to_have_text(re.compile("Gemt"), timeout=LOAD)
        session = re.search(r"session=([\w-]+)", pg.url).group(1)
        with open_store(f"sqlite://{small_disk / 'data' / 'talkkit.sqlite3'}") as store:
            assert store.load_answers(session)["learning.struck"].value == long
    finally:
        stop_server(server)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(500)
def test_kill_9_with_five_pages_typing_loses_nothing_shown_as_saved(
    tmp_path: Path, browser
) -> None:
    """Five pages type; each field's text is noted when the page shows it saved; the pages go
    on typing; ``kill -9`` of the server and every kernel; after a restart, every text a page
    showed as saved is in the store."""
    data = tmp_path / "data"
    server = start_server(KITS, data, tmp_path / "serve1.log")
    shown_saved: dict[str, str] = {}
    contexts = [browser.new_context() for _ in range(5)]
    try:
        pages = [c.new_page() for c in contexts]
        for pg in pages:
            open_kit(pg, kit_url(server, "lang=da"))
            go_to(pg, "Den lærende samtale")
        for round_ in range(3):
            for n, pg in enumerate(pages):
                pg.locator("#tk-learning-struck").fill(f"Gruppe {n} runde {round_}: æøå")
            for pg in pages:
                line = save_line(pg, "tk-learning-struck")
                expect(line).to_have_text(re.compile("Gemt"), timeout=LOAD)
                session = re.search(r"session=([\w-]+)", pg.url).group(1)
                shown_saved[session] = pg.locator("#tk-learning-struck").input_value()
        for n, pg in enumerate(pages):  # still typing when the server dies
            pg.locator("#tk-learning-recognise").press_sequentially(f"skriver {n}", delay=5)
        time.sleep(0.3)
        crash_server(server)
    finally:
        for c in contexts:
            c.close()
    assert len(shown_saved) == 5
    server = start_server(KITS, data, tmp_path / "serve2.log")
    try:
        with open_store(f"sqlite://{data / 'talkkit.sqlite3'}") as store:
            for session, text in shown_saved.items():
                assert store.load_answers(session)["learning.struck"].value == text
    finally:
        stop_server(server)
