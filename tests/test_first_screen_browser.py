"""The first screen on a real kit page (issue 20), with a kernel that starts only when the test
lets it: does the page take typing while its kernel is still starting, never say "saved"
before the store has the text, and lose no keystroke when the widgets take over, with the CPU
throttled four times too?

The kernel is made slow to start deterministically: ``talkkit serve`` finds a ``python3``
kernel spec (first on ``$JUPYTER_PATH``) whose process waits for a gate file before it runs
``talkkit.page.kernel``; the test creates the file when it wants the kernel to come up.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KITS, KitServer, start_server, stop_server

from talkkit.store import open_store

pytestmark = pytest.mark.browser

KIT = "tidlig-opsporing"

GATE_SCRIPT = """
import os, sys, time
gate = os.environ["TALKKIT_TEST_KERNEL_GATE"]
open(gate + ".waiting", "w").close()
while not os.path.exists(gate):  # the test opens the gate; nothing else does
    time.sleep(0.02)
os.remove(gate)  # one kernel per opening
os.remove(gate + ".waiting")
sys.argv = [sys.argv[0], *sys.argv[1:]]
from talkkit.page.kernel import main
main()
"""


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KitServer, Path]]:
    base = tmp_path_factory.mktemp("gated")
    gate = base / "gate"
    script = base / "gated_kernel.py"
    script.write_text(GATE_SCRIPT, encoding="utf-8")
    spec = base / "jupyter-data" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, str(script), "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3 (gated)", "language": "python"}),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(base / "jupyter-data"))
        mp.setenv("TALKKIT_TEST_KERNEL_GATE", str(gate))
        server = start_server(KITS, base / "data", base / "serve.log")
    yield server, gate
    stop_server(server)


def saved_texts(server: KitServer) -> list[str]:
    store = open_store(f"sqlite://{server.data_dir / 'talkkit.sqlite3'}")
    try:
        return [
            str(a.value)
            for s in store.list_sessions(KIT)
            for a in store.load_answers(s.id).values()
        ]
    finally:
        store.close()


def type_through_the_takeover(page, gated, throttle: int) -> None:
    pg, log = page
    server, gate = gated
    if throttle > 1:
        cdp = pg.context.new_cdp_session(pg)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    pg.goto(f"{server.url}voila/render/{KIT}/kit.ipynb", wait_until="commit")
    area = pg.locator("#tk-first textarea").first
    area.wait_for()
    before = saved_texts(server)
    area.click()
    typed = "Vi håber "
    pg.keyboard.type(typed)
    not_saved = pg.locator("#tk-first").get_attribute("data-not-saved")
    assert pg.locator("#tk-first .tkf-save-line").first.inner_text() == not_saved
    body = pg.locator("body").inner_text()
    assert "Gemt" not in body and "Alle svar er gemt" not in body
    # the kernel process is there and waits for the gate, which only this test opens
    waiting = Path(f"{gate}.waiting")
    deadline = time.monotonic() + 60
    while not waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert waiting.exists() and not gate.exists()
    assert pg.locator("#tk-first").count() == 1  # still the first screen, still typing
    pg.keyboard.type("at ")
    typed += "at "
    assert area.input_value() == typed
    assert saved_texts(server) == before

    gate.touch()  # the kernel may start now; keep typing, without pause, through the takeover
    letters = "at blive klogere på tidlig opsporing "
    n = 0
    while pg.locator("#tk-first").count() and n < 5000:
        ch = letters[n % len(letters)]
        pg.keyboard.type(ch)
        typed += ch
        n += 1
    assert pg.locator("#tk-first").count() == 0, "the widgets never took over"
    for ch in "og mere bagefter":  # and on, right after it
        pg.keyboard.type(ch)
        typed += ch
    field = pg.locator("#tk-welcome-expectations")
    assert field.input_value() == typed  # 0 keystrokes lost
    assert pg.evaluate(
        "document.activeElement && document.activeElement.id"
    ) == field.get_attribute("id")

    # "Gemt" only once the store has the text
    saved_line = pg.locator(".tk-answer:has(#tk-welcome-expectations) .tk-save-line")
    saved_line.get_by_text("Gemt").wait_for(timeout=60_000)
    assert typed in saved_texts(server)
    assert not [e for e in log.console_errors if "talkkit" in e.lower()]


def test_typing_through_the_takeover_loses_nothing(page, gated) -> None:
    type_through_the_takeover(page, gated, throttle=1)


def test_typing_through_the_takeover_loses_nothing_on_a_slow_cpu(page, gated) -> None:
    type_through_the_takeover(page, gated, throttle=4)


def test_text_typed_before_the_takeover_is_saved_without_another_key(page, gated) -> None:
    """A group types on the first screen, then stops and talks: once the widgets have taken the
    text over, it is saved without anybody typing again."""
    pg, log = page
    server, gate = gated
    pg.goto(f"{server.url}voila/render/{KIT}/kit.ipynb", wait_until="commit")
    area = pg.locator("#tk-first textarea").first
    area.wait_for()
    area.click()
    typed = "Vi vil gerne se barnet i tide"
    pg.keyboard.type(typed)
    gate.touch()  # the kernel may start; nobody types any more
    pg.locator("#tk-first").wait_for(state="detached", timeout=60_000)
    field = pg.locator("#tk-welcome-expectations")
    assert field.input_value() == typed
    saved_line = pg.locator(".tk-answer:has(#tk-welcome-expectations) .tk-save-line")
    saved_line.get_by_text("Gemt").wait_for(timeout=60_000)
    assert typed in saved_texts(server)
    assert not [e for e in log.console_errors if "talkkit" in e.lower()]
