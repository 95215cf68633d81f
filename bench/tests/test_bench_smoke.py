"""Does ``talkkit-bench`` still run end to end? A tiny run: 1 load per page, 1 group in a
browser, 2 groups (1 synthetic, 1 browser probe), 2 writers x 10 saves on SQLite, the board.
Timings are not checked against the targets (they are noisy); only that every phase produced
positive numbers in the structure the report reads (~50 s on a quiet 2-core machine)."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

import pytest
from conftest import run_async


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(720)  # a loaded 2-core machine; a quiet run takes a fraction
def test_a_tiny_bench_run_measures_every_phase(tmp_path):
    from talkkit_bench.cli import add_arguments, config_from_args
    from talkkit_bench.config import TARGETS
    from talkkit_bench.report import render_markdown, rerender
    from talkkit_bench.runner import run_bench

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    results = tmp_path / "results"
    cfg = config_from_args(parser.parse_args(["--quick", "--quiet", f"--results-dir={results}"]))
    cfg.work_dir = tmp_path / "work"
    # Structure, not speed: a loaded machine may take long, but every page must become usable.
    cfg.page_timeout, cfg.level_timeout = 150.0, 300.0
    # In its own thread: the session's Playwright browser (other tests) keeps an event loop
    # running in this one, and the bench runs its own with asyncio.run, as `talkkit-bench` does.
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = run_bench(cfg)
        except BaseException as exc:  # re-raised below, in the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    result = outcome["result"]
    summary = result["summary"]

    # time to interactive: every page loaded cold and warm, each usable
    for page in ("kit", "trivial", "static"):
        for state in ("cold", "warm"):
            s = summary["tti"][page][state]
            assert s["n"] == 1, (page, state, s["failure_kinds"], result["raw"]["tti"])
            assert _positive(s["median"]) and s["median"] < cfg.page_timeout
    assert _positive(summary["tti"]["ratio_kit_trivial_warm"])
    assert _positive(summary["tti"]["ratio_kit_static_cold"])

    # the first screen (issue 20): every row measured, nothing lost in the takeover
    first = summary["first_screen"]
    for row in ("kit", "trivial"):
        for state in ("cold", "warm", "throttled4x"):
            assert first[row][state]["n"] == 1 and first[row][state]["failures"] == 0, (row, state)
    assert first["kit_serve_default"]["warm"]["failures"] == 0
    for rate in ("1x", "4x"):
        assert first["takeover"][rate]["failures"] == 0 and first["takeover"][rate]["lost"] == 0
        assert first["takeover"][rate]["typed"] > 20
    synthetic = first["synthetic_groups"]  # both groups got their first screen and saved
    assert synthetic["n"] == 2 and synthetic["failures"] == 0 and synthetic["in_store_file"] == 2
    assert _positive(synthetic["first_screen_p95"]) and _positive(synthetic["in_store_p95"])

    # one group in a browser: usable, its kernel measured, its page save committed
    level = summary["groups"]["1"]
    assert level["n"] == 1 and level["failures"] == 0
    assert level["memory"]["kernels"] >= 1
    assert _positive(level["memory"]["kernel_rss_median_mb"])
    assert _positive(level["memory"]["server_rss_mb"])
    assert level["e2e_save"]["n"] == 2 and level["e2e_save"]["lost"] == 0
    assert _positive(level["e2e_save"]["median"])
    assert _positive(level["cpu_s"]["server"]) and _positive(level["cpu_s"]["browser"])

    # the synthetic groups fetch the static files a cold kit page fetched
    assets = result["raw"]["groups"]["assets"]
    assert any(".js" in a for a in assets) and not any("/voila/render/" in a for a in assets)

    # two groups at once, one synthetic and one browser probe: both usable, saves via the kernel
    synthetic = summary["synthetic"]["2"]
    assert synthetic["failures"] == 0, synthetic["failure_kinds"]
    assert _positive(synthetic["probe_p95"]) and _positive(synthetic["ready_p95"])
    assert synthetic["save_at_once"]["n"] == 3 and synthetic["save_at_once"]["lost"] == 0
    assert _positive(synthetic["save_at_once_p99"])
    # the same group typing: 10 saves at the quick run's pace, each one committed
    assert synthetic["save_typing"]["n"] == 10 and synthetic["save_typing"]["lost"] == 0
    assert _positive(synthetic["save_p99"]) and _positive(synthetic["save_typing"]["saves_per_s"])

    # saves on SQLite: every save timed, none failed
    saves = summary["saves"]["sqlite"]
    assert saves["n"] == 2 * 10 and saves["errors"] == 0
    assert _positive(saves["median"]) and _positive(saves["p99"])

    # the facilitator board: 60 groups x 20 answers read and refreshed
    assert summary["board"]["status"] == "measured"
    assert summary["board"]["answers_stored"] == 60 * 20
    assert _positive(summary["board"]["refresh_s"]) and _positive(summary["board"]["poll_s"])
    assert _positive(summary["board"]["idle_poll_s"])
    # ... and in chromium: shown after the login, every save shown on the board
    page = summary["board"]["page"]
    assert page["status"] == "measured", page
    assert _positive(page["login_s"]) and _positive(page["answers_tab_s"])
    assert _positive(page["save_visible_s"]) and page["longest_task_ms"] >= 0
    # typed and left in the field: the autosave's idle pause commits it
    assert level["e2e_save_idle"]["n"] == 1 and level["e2e_save_idle"]["lost"] == 0
    assert level["e2e_save_idle"]["max"] > 900  # after the pause, not on blur

    # the front: synthetic groups through nginx (TLS) to two servers on PostgreSQL
    front = summary["front"]["2"]
    assert front["failures"] == 0, front["failure_kinds"]
    assert sum(front["spread"].values()) == 2 and front["saves_lost"] == 0
    assert _positive(front["ready_p95"]) and _positive(front["save_p99_ms"])
    assert result["phase_errors"] == {}

    # one row per target, and a report that names the machine
    assert [row["key"] for row in result["targets"]] == [t.key for t in TARGETS]
    assert {row["state"] for row in result["targets"]} <= {
        "met",
        "missed",
        "skipped",
        "not measured",
    }
    assert result["machine"]["nproc"] >= 1 and result["machine"]["versions"]["voila"]
    report = render_markdown(result)
    assert "## Targets" in report and "Time to interactive" in report

    # the summary where git keeps it, the raw measurements in raw/ (ignored by git), and the
    # summary made again from the raw file alone
    md, js = (Path(f) for f in result["files"])
    assert md.parent == results and md.suffix == ".md" and "## Targets" in md.read_text("utf-8")
    assert js.parent == results / "raw" and js.suffix == ".json"
    assert js.stat().st_size > md.stat().st_size
    md.unlink()
    assert rerender(js) == md and "## Targets" in md.read_text(encoding="utf-8")

    # nothing left behind: no process (server, kernel) still works in the run's folder
    assert not _processes_in(tmp_path)


def _processes_in(folder) -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter():
        try:
            if proc.cwd().startswith(str(folder)):
                found.append(proc.pid)
        except psutil.Error:
            continue
    return found


def test_a_synthetic_group_keeps_the_server_cookies_as_a_browser_does(kit_server):
    """Without the login cookie sent back, the server mints and signs a new one for every
    request: work a browser never causes, measured as if it did."""
    from talkkit_bench.protocol import SyntheticGroup

    kit = "tidlig-opsporing/kit.ipynb"
    group = SyntheticGroup(kit_server.url, kit, [], 60)
    try:
        result = run_async(group.open(), timeout=90)
    finally:
        group.close()
    assert result["failure"] is None, result
    assert result["ready"] > 0
    assert result["cookies"] >= 1  # the Jupyter server's login cookie, from the page's response


def test_a_synthetic_group_leaves_unzipping_to_the_client_it_stands_for(kit_server):
    """A synthetic group takes the server's gzipped bytes as they come: unzipping them is work
    a browser does on its own machine, which here would take the server's cores (about 1 CPU-s
    of the bench process for 30 cold groups)."""
    import re
    import urllib.request

    from talkkit_bench.protocol import SyntheticGroup

    kit = "tidlig-opsporing/kit.ipynb"
    page = f"{kit_server.url}voila/render/{kit}"
    with urllib.request.urlopen(page, timeout=120) as response:  # noqa: S310 - localhost
        html = response.read().decode("utf-8")
    css = re.search(r'"/(voila/templates/talkkit/static/index\.css\?v=[0-9a-f]+)"', html)
    assert css, "no style sheet in the kit page"
    url = kit_server.url + css.group(1)
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - as is, unzipped
        size = len(response.read())
    group = SyntheticGroup(kit_server.url, kit, [url], 60)
    try:
        result = run_async(group.open(), timeout=90)
    finally:
        group.close()
    assert result["failure"] is None, result
    assert 0 < result["asset_bytes"] < size / 3  # gzip's bytes, not the file's


@pytest.mark.browser
def test_chromium_builds_no_omnibox_popup_beside_the_pages_it_measures(browser):
    # Headless chromium otherwise builds each new window's omnibox popup as a WebUI page
    # (about 0.9 CPU-s per window) while the measured page loads (bench/browser.py).
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("data:text/html,<p>page</p>")
        # The popup's targets exist once new_page() has returned (checked without the flag).
        targets = browser.new_browser_cdp_session().send("Target.getTargets")["targetInfos"]
    finally:
        context.close()
    urls = [t["url"] for t in targets]
    assert "data:text/html,<p>page</p>" in urls
    assert [u for u in urls if u.startswith("chrome://")] == []
