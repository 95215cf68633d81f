"""Raw measurements into summary numbers (medians, percentiles, per phase) and the targets
table: what :mod:`talkkit_bench.report` renders and the targets (``config.TARGETS``) read."""

from __future__ import annotations

import math
from typing import Any

from talkkit_bench.config import TARGETS

__all__ = ["percentile", "stats", "summarize", "targets_table"]


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), linear between the closest ranks (numpy's default).

    With 5 values the p95 lies between the two slowest; read it as "about the slowest".
    A failed load counts as ``inf`` (slower than any): a percentile that reaches into the
    failures is ``inf``, shown as "> timeout".
    """
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return None
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(data) - 1)
    if pos == low or data[low] == data[high]:
        return data[low]
    if math.isinf(data[high]):
        return math.inf
    return data[low] + (data[high] - data[low]) * (pos - low)


def stats(values: list[float]) -> dict[str, Any]:
    data = [v for v in values if v is not None]
    return {
        "n": sum(1 for v in data if not math.isinf(v)),
        "median": percentile(data, 50),
        "p95": percentile(data, 95),
        "p99": percentile(data, 99),
        "min": min(data) if data else None,
        "max": max(data) if data else None,
        "mean": sum(data) / len(data) if data and not any(map(math.isinf, data)) else None,
    }


def _milestones(loads: list[dict]) -> dict[str, Any]:
    out = {}
    for name in ("html", "widget", "field", "interactive", "wall"):
        out[name] = percentile([x[name] for x in loads if x.get(name) is not None], 50)
    return out


def _load_summary(loads: list[dict]) -> dict[str, Any]:
    tti = [x["interactive"] if x.get("interactive") is not None else math.inf for x in loads]
    failures: dict[str, int] = {}
    for x in loads:
        if x.get("failure"):
            failures[x["failure"]] = failures.get(x["failure"], 0) + 1
    summary = {**stats(tti), "milestones_median": _milestones(loads), "failure_kinds": failures}
    summary["requests_median"] = percentile([x.get("requests", 0) for x in loads], 50)
    summary["network_median"] = percentile([x.get("network", 0) for x in loads], 50)
    return summary


def _level_summary(level: dict[str, Any]) -> dict[str, Any]:
    s = _load_summary(level["loads"])
    s["failures"] = sum(s["failure_kinds"].values())
    s["groups"] = level["groups"]
    s["store"] = level.get("store", "sqlite")
    s["server_errors"] = level.get("server_error_count", 0)
    s["memory"] = {
        k: v for k, v in level["memory"].items() if k not in ("kernel_rss_mb", "kernel_uss_mb")
    }
    e2e = level.get("e2e")
    if e2e:
        s["e2e_save"] = {**stats(e2e["latencies_ms"]), "lost": e2e["lost"]}
        if "idle_latencies_ms" in e2e:  # typed, then the autosave's idle pause
            s["e2e_save_idle"] = {**stats(e2e["idle_latencies_ms"]), "lost": e2e["idle_lost"]}
    s["cpu_s"] = level.get("cpu_s")
    return s


def _synthetic_summary(level: dict[str, Any]) -> dict[str, Any]:
    probes = _load_summary(level["loads"])
    synthetic = level.get("synthetic", [])
    ready = [x["ready"] if x.get("ready") is not None else math.inf for x in synthetic]
    kinds: dict[str, int] = dict(probes["failure_kinds"])
    for x in synthetic:
        if x.get("failure"):
            kinds[x["failure"]] = kinds.get(x["failure"], 0) + 1
    e2e = level.get("e2e") or {}
    saves = stats(e2e.get("latencies_ms", []))
    typing = level.get("e2e_paced") or {}
    typed = stats(typing.get("latencies_ms", []))
    return {
        "groups": level["groups"],
        "store": level.get("store", "sqlite"),
        "probes": probes,
        "probe_p95": probes["p95"],
        "ready": stats(ready),
        "ready_p95": percentile(ready, 95),
        "html_median": percentile([x["html"] for x in synthetic if x.get("html")], 50),
        "states_median": percentile([x["states"] for x in synthetic if x.get("states")], 50),
        "failures": sum(kinds.values()),
        "failure_kinds": kinds,
        "server_errors": level.get("server_error_count", 0),
        "memory": {
            k: v for k, v in level["memory"].items() if k not in ("kernel_rss_mb", "kernel_uss_mb")
        },
        # every group saving at the kit's autosave pace (the target) ...
        "save_typing": {
            **typed,
            "lost": typing.get("lost", 0),
            "writers": typing.get("writers", 0),
            "interval": typing.get("interval"),
            "saves_per_s": typing.get("saves_per_s"),
        },
        "save_p99": typed["p99"],
        # ... and every group saving in the same instant (the worst case)
        "save_at_once": {**saves, "lost": e2e.get("lost", 0), "writers": e2e.get("writers", 0)},
        "save_at_once_p99": saves["p99"],
        "cpu_s": level.get("cpu_s"),
    }


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    """The numbers the targets and tables read, from the raw results of every phase."""
    summary: dict[str, Any] = {}
    if raw.get("first-screen", {}).get("summary"):
        summary["first_screen"] = raw["first-screen"]["summary"]
    tti = raw.get("tti")
    if tti:
        summary["tti"] = {}
        for target, by_state in tti["loads"].items():
            summary["tti"][target] = {
                state: _load_summary(loads) for state, loads in by_state.items()
            }
        t = summary["tti"]

        def ratio(a: str, b: str, state: str) -> float | None:
            x = t.get(a, {}).get(state, {}).get("median")
            y = t.get(b, {}).get(state, {}).get("median")
            return x / y if x and y else None

        for state in ("cold", "warm"):
            summary["tti"][f"ratio_kit_trivial_{state}"] = ratio("kit", "trivial", state)
            summary["tti"][f"ratio_kit_static_{state}"] = ratio("kit", "static", state)
    groups = raw.get("groups")
    if groups:
        summary["groups"] = {str(lv["groups"]): _level_summary(lv) for lv in groups["levels"]}
        summary["synthetic"] = {
            str(lv["groups"]): _synthetic_summary(lv) for lv in groups.get("synthetic_levels", [])
        }
        pg = groups.get("postgres")
        if pg:
            summary["synthetic_postgres"] = (
                {"skipped": pg["skipped"]} if "skipped" in pg else _synthetic_summary(pg)
            )
    saves = raw.get("saves")
    if saves:
        summary["saves"] = {}
        for store, result in saves.items():
            if "skipped" in result:
                summary["saves"][store] = {"skipped": result["skipped"]}
                continue
            summary["saves"][store] = {
                **stats(result["latencies_ms"]),
                "errors": len(result["errors"]),
                "conflicts": result["conflicts"],
                "writers": result["writers"],
                "interval": result["interval"],
                "saves_per_s": result["saves_per_s"],
            }
    memory_levels = {
        k: v["memory"] for k, v in summary.get("groups", {}).items() if v.get("memory")
    }
    if memory_levels:
        # The largest median over the levels: at the biggest level many kernels may still be
        # starting (small), so the biggest level alone would flatter.
        medians = {
            k: v["kernel_rss_median_mb"]
            for k, v in memory_levels.items()
            if v.get("kernel_rss_median_mb")
        }
        worst = max(medians, key=lambda k: medians[k]) if medians else None
        summary["memory"] = {
            "kernel_rss_mb": medians.get(worst) if worst else None,
            "at_groups": int(worst) if worst else None,
            "levels": memory_levels,
        }
    front = raw.get("front")
    if front:
        summary["front"] = (
            {"skipped": front["skipped"]}
            if "skipped" in front
            else {str(lv["groups"]): lv["summary"] for lv in front["levels"]}
        )
    board = raw.get("board")
    if board:
        summary["board"] = {
            "status": board.get("status"),
            "refresh_s": board.get("refresh_median_s"),
            "refresh_max_s": board.get("refresh_max_s"),
            "poll_s": board.get("poll_median_s"),
            "idle_poll_s": board.get("idle_poll_median_s"),
            "answers_stored": board.get("answers_stored"),
        }
        page = board.get("page") or {}
        summary["board"]["page"] = {
            "status": page.get("status"),
            "login_s": page.get("login_s"),
            "answers_tab_s": page.get("answers_tab_s"),
            "save_visible_s": page.get("save_visible_max_s"),
            "longest_task_ms": page.get("longest_task_ms"),
        }
    return summary


def _lookup(summary: dict[str, Any], key: str) -> Any:
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def targets_table(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for target in TARGETS:
        value = _lookup(summary, target.key)
        note = ""
        if target.key == "board.refresh_s" and summary.get("board", {}).get("status"):
            note = summary["board"]["status"] if value is None else ""
        if value is None and target.key.startswith(("tti.", "groups.")):
            note = note or "not measured (see details)"
        if value is None:
            state = "skipped" if note else "not measured"
        elif target.lower_is_better:
            state = "met" if value <= target.limit else "missed"
        else:
            state = "met" if value >= target.limit else "missed"
        rows.append(
            {
                "key": target.key,
                "target": f"<= {target.limit:g} {target.unit}".strip(),
                "label": target.label,
                "measured": value,
                "unit": target.unit,
                "state": state,
                "note": note,
            }
        )
    return rows
