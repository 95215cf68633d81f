"""Does ``talkkit bench`` still run end to end? A tiny run: 1 load per page, 2 groups, 2 writers
x 10 saves on SQLite. Timings are not checked against the targets (they are noisy); only that
every phase produced positive numbers in the structure the report reads."""

from __future__ import annotations

import argparse
import sys

import pytest
from conftest import ROOT

if str(ROOT) not in sys.path:  # bench/ lives beside talkkit/ and is not installed
    sys.path.insert(0, str(ROOT))


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(240)
def test_a_tiny_bench_run_measures_every_phase(tmp_path):
    from bench.cli import add_arguments, config_from_args
    from bench.config import TARGETS
    from bench.report import render_markdown
    from bench.runner import run_bench

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    cfg = config_from_args(parser.parse_args(["--quick", "--no-write", "--quiet"]))
    cfg.work_dir = tmp_path / "work"
    result = run_bench(cfg)
    summary = result["summary"]

    # time to interactive: every page loaded cold and warm, each usable
    for page in ("kit", "trivial", "static"):
        for state in ("cold", "warm"):
            s = summary["tti"][page][state]
            assert s["n"] == 1, (page, state, s["failure_kinds"], result["raw"]["tti"])
            assert _positive(s["median"]) and s["median"] < cfg.page_timeout
    assert _positive(summary["tti"]["ratio_kit_trivial_warm"])
    assert _positive(summary["tti"]["ratio_kit_static_cold"])

    # two groups at once: both usable, their kernels measured, their saves committed
    level = summary["groups"]["2"]
    assert level["n"] == 2 and level["failures"] == 0
    assert level["memory"]["kernels"] >= 2
    assert _positive(level["memory"]["kernel_rss_median_mb"])
    assert _positive(level["memory"]["server_rss_mb"])
    assert level["e2e_save"]["n"] == 4 and level["e2e_save"]["lost"] == 0
    assert _positive(level["e2e_save"]["median"])

    # saves on SQLite: every save timed, none failed
    saves = summary["saves"]["sqlite"]
    assert saves["n"] == 2 * 10 and saves["errors"] == 0
    assert _positive(saves["median"]) and _positive(saves["p99"])

    # the board is a hook until issue #5; the store read behind it is measured
    assert summary["board"]["status"] in ("not built yet", "measured")
    assert _positive(summary["board"]["store_read_s"])

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
