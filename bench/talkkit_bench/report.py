"""The results files: the Markdown summary (kept in git), the raw JSON (in ``raw/``, ignored)
and the targets table printed at the end of a run. The numbers are :mod:`talkkit_bench.summary`'s."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from talkkit_bench.config import RAW_DIR
from talkkit_bench.summary import summarize, targets_table

__all__ = ["render_markdown", "render_targets", "rerender", "write_results"]


def _fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "> timeout"
    if isinstance(value, float):
        if unit == "MB" or (unit == "ms" and value >= 10):
            return f"{value:.0f} {unit}"
        if unit == "ms":
            return f"{value:.1f} ms"
        return f"{value:.{digits}f}{(' ' + unit) if unit else ''}"
    return f"{value}{(' ' + unit) if unit else ''}"


def _cpu(cpu: dict | None) -> str:
    if not cpu:
        return "–"
    return f"{cpu['server']:.0f} / {cpu['browser']:.0f} ({cpu['wall']:.0f} s)"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def render_targets(rows: list[dict[str, Any]]) -> str:
    return _table(
        ["target", "limit", "measured", "result"],
        [
            [
                r["label"],
                r["target"],
                _fmt(r["measured"], r["unit"]) + (f" ({r['note']})" if r["note"] else ""),
                r["state"],
            ]
            for r in rows
        ],
    )


def render_markdown(result: dict[str, Any]) -> str:
    summary, machine, config = result["summary"], result["machine"], result["config"]
    out = [f"# talkkit-bench: {config['label']} ({result['date']})", ""]
    out.append(
        f"Machine: {machine.get('nproc')} cores ({machine.get('cpu_model')}), "
        f"{machine.get('memory_gb')} GB, {machine.get('os')}. Load average at start "
        f"{machine.get('loadavg_start')}, at end {result.get('loadavg_end')}; "
        f"other kernels running at start: {machine.get('foreign_kernels_start')}."
    )
    out.append("")
    out.append(
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in sorted(machine.get("versions", {}).items()))
        + f". talkkit {machine.get('git')}."
    )
    out.append("")
    out.append(
        f"Server: `talkkit serve {' '.join(config['serve_args'])}`"
        + (f" with server.py from `{config['server_py']}`" if config.get("server_py") else "")
        + f"; runs {config['runs']}, "
        f"groups {config['groups']}, writers {config['writers']} x {config['saves']} saves "
        f"every {config['save_interval']} s (stress: {config.get('burst_saves')} back to back). "
        f"Took {result['duration_s']:.0f} s."
    )
    out += ["", "## Targets", "", render_targets(result["targets"]), ""]
    tti = summary.get("tti")
    if tti:
        out += ["## Time to interactive (s, one page at a time)", ""]
        rows = []
        for target in ("kit", "trivial", "static", "kit_rtt", "trivial_rtt"):
            for state in ("cold", "warm"):
                s = tti.get(target, {}).get(state)
                if not s:
                    continue
                m = s["milestones_median"]
                rows.append(
                    [
                        target,
                        state,
                        _fmt(s["median"]),
                        _fmt(s["p95"]),
                        _fmt(m["html"]),
                        _fmt(m["widget"]),
                        _fmt(m["field"]),
                        str(s["n"]),
                        f"{_fmt(s['requests_median'], digits=0)} / "
                        f"{_fmt(s.get('network_median'), digits=0)}",
                        ", ".join(f"{k}: {v}" for k, v in s["failure_kinds"].items()) or "–",
                    ]
                )
        out.append(
            _table(
                [
                    "page",
                    "cache",
                    "median",
                    "p95",
                    "html",
                    "widgets",
                    "field",
                    "n",
                    "requests / over network",
                    "failures",
                ],
                rows,
            )
        )
        out.append("")
        out.append(
            "Ratios of medians: kit/trivial cold "
            f"{_fmt(tti.get('ratio_kit_trivial_cold'))}, warm {_fmt(tti.get('ratio_kit_trivial_warm'))}; "
            f"kit/static cold {_fmt(tti.get('ratio_kit_static_cold'))}, warm "
            f"{_fmt(tti.get('ratio_kit_static_warm'))}. `html`, `widgets`, `field` are medians of "
            "when the HTML was complete, the first widget and the first answer field were visible. "
            "*Over network*: responses not taken from the browser's cache (a revalidated file "
            "counts). `_rtt` rows: the same page with a network round trip emulated in chromium "
            f"({config.get('latency_ms', 0):g} ms), as over a building's wifi."
        )
        out.append("")
    groups = summary.get("groups")
    if groups:
        out += ["## Groups opening the kit at once (cold browser cache)", ""]
        rows = []
        levels = sorted(groups.items(), key=lambda kv: int(kv[0]))
        for n, s in levels:
            mem = s.get("memory", {})
            e2e = s.get("e2e_save", {})
            rows.append(
                [
                    n,
                    _fmt(s["median"]),
                    _fmt(s["p95"]),
                    _fmt(s["milestones_median"]["html"]),
                    str(s["failures"]),
                    ", ".join(f"{k}: {v}" for k, v in s["failure_kinds"].items()) or "–",
                    str(s["server_errors"]),
                    f"{mem.get('kernels', '–')}",
                    _fmt(mem.get("kernel_rss_median_mb"), "MB"),
                    _fmt(mem.get("kernel_uss_median_mb"), "MB"),
                    _fmt(mem.get("server_rss_mb"), "MB"),
                    f"{_fmt(e2e.get('median'), 'ms')} / {_fmt(e2e.get('p99'), 'ms')}"
                    + (f" ({e2e['lost']} lost)" if e2e.get("lost") else ""),
                    _cpu(s.get("cpu_s")),
                ]
            )
        out.append(
            _table(
                [
                    "groups",
                    "TTI median",
                    "TTI p95",
                    "html median",
                    "failures",
                    "kinds",
                    "server errors",
                    "kernels",
                    "kernel RSS",
                    "kernel USS",
                    "server RSS",
                    "page save median / p99",
                    "CPU s server / browser (wall)",
                ],
                rows,
            )
        )
        out.append("")
        out.append(
            "Kernels and memory are read while the pages are open (preheated pool kernels "
            "included). Page save: from leaving a field (blur) until the answer is committed in "
            "the server's SQLite store, every open page at once, 2 rounds. Failures: not usable within the page timeout. CPU: seconds used by the "
            "server with its kernels and by the browsers from the start of the wave until every "
            "page was usable or failed (2 cores give 2 CPU-s per second of wall time)."
        )
        out.append("")
    synthetic = dict(summary.get("synthetic") or {})
    pg = summary.get("synthetic_postgres")
    if synthetic:
        out += ["## Groups at once, synthetic (server side) with browser probes", ""]
        rows = []
        levels = sorted(synthetic.items(), key=lambda kv: int(kv[0]))
        if pg and "skipped" not in pg:
            levels.append((f"{pg['groups']} (PostgreSQL)", pg))
        for n, s in levels:
            mem = s.get("memory", {})
            typing = s.get("save_typing", {})
            save = s.get("save_at_once", {})
            rows.append(
                [
                    n,
                    f"{_fmt(s['probes']['median'])} / {_fmt(s['probes']['max'])}",
                    f"{_fmt(s['ready']['median'])} / {_fmt(s['ready_p95'])}",
                    _fmt(s["html_median"]),
                    str(s["failures"]),
                    ", ".join(f"{k}: {v}" for k, v in s["failure_kinds"].items()) or "–",
                    str(s["server_errors"]),
                    f"{mem.get('kernels', '–')}",
                    _fmt(mem.get("kernel_rss_median_mb"), "MB"),
                    _fmt(mem.get("server_rss_mb"), "MB"),
                    f"{_fmt(typing.get('median'), 'ms')} / {_fmt(typing.get('p99'), 'ms')}"
                    + (f" ({typing['lost']} lost)" if typing.get("lost") else ""),
                    f"{_fmt(save.get('median'), 'ms')} / {_fmt(save.get('p99'), 'ms')}"
                    + (f" ({save['lost']} lost)" if save.get("lost") else ""),
                    _cpu(s.get("cpu_s")),
                ]
            )
        out.append(
            _table(
                [
                    "groups",
                    "probe TTI median / max",
                    "session open median / p95",
                    "html median",
                    "failures",
                    "kinds",
                    "server errors",
                    "kernels",
                    "kernel RSS",
                    "server RSS",
                    "save via kernel, typing: median / p99",
                    "save via kernel, all in one instant: median / p99",
                    "CPU s server / browser (wall)",
                ],
                rows,
            )
        )
        out.append("")
        out.append(
            "Synthetic groups do what a page asks of the server (the HTML, the static files a "
            "cold page fetched, the widget states over the kernel's websocket, the page's "
            "`hello`) without rendering; *session open* is when the kernel says the group's "
            "session is open, the moment a real page enables its answer fields (a real page adds "
            "its own rendering, ~1-2 s on an idle machine). Probes are real chromium pages "
            "opening at the same moment. Save via kernel: the answer view's `save` event until "
            "the kernel reports it saved (committed). *Typing*: every group saves at the kit's "
            "autosave pace (one save per interval +-50 %, the groups starting at random moments "
            "of the first interval; the interval and count are those of the store-call run "
            "below); this is the target. *All in one instant*: every group sends a save at the "
            "same moment, 3 rounds, the worst case."
        )
        out.append("")
    saves = summary.get("saves")
    if saves:
        out += ["## Save latency (store call until commit, ms)", ""]
        rows = []
        for store, s in saves.items():
            if "skipped" in s:
                rows.append([store, "–", "–", "–", "–", "–", "–", "–", s["skipped"]])
                continue
            pace = f"every {s['interval']:g} s" if s["interval"] else "back to back"
            rows.append(
                [
                    store.replace("_burst", " (stress)"),
                    pace,
                    str(s["writers"]),
                    str(s["n"]),
                    _fmt(s["median"], "ms"),
                    _fmt(s["p99"], "ms"),
                    _fmt(s["max"], "ms"),
                    _fmt(s["saves_per_s"], digits=0),
                    f"errors {s['errors']}, conflicts {s['conflicts']}",
                ]
            )
        out.append(
            _table(
                ["store", "pace", "writers", "saves", "median", "p99", "max", "saves/s", "notes"],
                rows,
            )
        )
        out.append("")
        out.append(
            "All writers start at the same moment. Paced: each writer saves every interval "
            "(+-50 %), like a group typing without pause under the kit's 1 s autosave; this row "
            "is the target. Stress: every writer saves back to back, 60 processes on the cores."
        )
        out.append("")
    board = summary.get("board")
    if board:
        if board["status"] == "measured":
            line = (
                f"{board['answers_stored']} answers of 60 groups on SQLite. Full refresh "
                f"(`board_snapshot`, everything read fresh): median "
                f"{_fmt(board['refresh_s'], digits=3)} s, slowest "
                f"{_fmt(board['refresh_max_s'], digits=3)} s. Poll after every group saved one "
                f"more answer (`BoardState.poll`): median {_fmt(board['poll_s'], digits=3)} s. "
                f"Idle poll (nothing new): median {_fmt(board.get('idle_poll_s'), digits=3)} s."
            )
            page = board.get("page") or {}
            if page.get("status") == "measured":
                line += (
                    f" In chromium: board shown {_fmt(page['login_s'], digits=2)} s after the "
                    f"login click, answers tab {_fmt(page['answers_tab_s'], digits=2)} s, a save "
                    f"shown after {_fmt(page['save_visible_s'], digits=2)} s (slowest of 3), "
                    f"longest task {_fmt(page['longest_task_ms'], digits=0)} ms."
                )
            elif page.get("status"):
                line += f" Board page: {page['status']}."
        else:
            line = f"Refresh: {board['status']}."
        out += ["## Facilitator board", "", line, ""]
    front = summary.get("front")
    if front:
        out += _front(front)
    notes = result.get("notes") or []
    if notes:
        out += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(out)


def _plain(value: Any) -> Any:
    """JSON without NaN/Infinity: a failed load's ``inf`` becomes the string ``"timeout"``."""
    if isinstance(value, float) and math.isinf(value):
        return "timeout"
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def write_results(result: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """``<folder>/<date>-<label>.md`` (the summary, kept in git) and the raw measurements in
    ``<folder>/raw/<date>-<label>.json`` (ignored by git: megabytes per run)."""
    stem = f"{result['date']}-{result['config']['label']}"
    md, js = folder / f"{stem}.md", folder / RAW_DIR / f"{stem}.json"
    js.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(render_markdown(result), encoding="utf-8")
    text = json.dumps(_plain(result), indent=1, default=str, allow_nan=False)
    js.write_text(text, encoding="utf-8")
    return md, js


def rerender(json_path: Path) -> Path:
    """Summarise a results ``raw/<stem>.json`` again from its raw data (after a change to this
    module) and write its ``<stem>.md`` in the folder above."""

    result = json.loads(json_path.read_text(encoding="utf-8"))
    result["summary"] = summarize(result["raw"])
    result["targets"] = targets_table(result["summary"])
    folder = json_path.parent
    if folder.name == RAW_DIR:
        folder = folder.parent
    md = folder / json_path.with_suffix(".md").name
    md.write_text(render_markdown(result), encoding="utf-8")
    text = json.dumps(_plain(result), indent=1, default=str, allow_nan=False)
    json_path.write_text(text, encoding="utf-8")
    return md


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        print(rerender(Path(arg)))


def _front(front: dict[str, Any]) -> list[str]:
    """The front phase's table (talkkit_bench/front.py)."""
    out = ["## Through the front (nginx + TLS, N servers, PostgreSQL)", ""]
    if "skipped" in front:
        return [*out, f"Skipped: {front['skipped']}", ""]
    rows = [
        [
            n, _fmt(s["ready_median"]), _fmt(s["ready_p95"]), _fmt(s["html_p95"]),
            str(s["failures"]), " ".join(f"{k}:{v}" for k, v in sorted(s["spread"].items())),
            _fmt(s["save_p99_ms"], digits=0), _fmt(s["server_cpu_s"], digits=1),
            _fmt(s["rss_mb"], digits=0), str(s["kernels"]),
        ]
        for n, s in front.items()
    ]  # fmt: skip
    header = ["groups", "open median s", "open p95 s", "HTML p95 s", "failures"]
    header += ["spread", "save p99 ms", "CPU s", "RSS MB", "kernels"]
    return [
        *out,
        _table(header, rows),
        "",
        "Synthetic groups open the kit at once through nginx (TLS) and type 5 saves at the "
        "autosave pace; servers sized by `talkkit deploy --groups N` (kernel bound, preheated "
        "kernels filled before the level). CPU s and RSS: the servers and their kernels.",
        "",
    ]
