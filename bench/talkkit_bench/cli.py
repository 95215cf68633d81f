"""The command line of the benchmark (``talkkit-bench`` and ``python -m talkkit_bench``)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from talkkit_bench.config import PHASES, BenchConfig

__all__ = ["add_arguments", "config_from_args", "main", "run"]


def _ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("numbers must be 1 or more")
    return values


def _names(allowed: tuple[str, ...]):
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(x.strip() for x in text.split(",") if x.strip())
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (of {allowed})")
        return names

    return parse


def _label(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", text):
        raise argparse.ArgumentTypeError("a label is 1-60 letters, digits, '.', '_' or '-'")
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = BenchConfig()
    p.add_argument("--label", type=_label, default=d.label, help="name of the results files")
    p.add_argument("--runs", type=int, default=d.runs, help="page loads per page and cache state")
    p.add_argument(
        "--first-screen-groups",
        type=int,
        default=d.first_screen_groups,
        help="first-screen phase: groups opening the kit in the same second (0: skip)",
    )
    p.add_argument(
        "--first-screen-preheat",
        type=int,
        default=d.first_screen_preheat,
        help="first-screen phase: kernels kept ready for those groups",
    )
    p.add_argument(
        "--first-screen-browsers",
        action="store_true",
        help="first-screen phase: open those groups with chromium pages on this machine "
        "(measures chromium on the server's cores) instead of synthetic groups",
    )
    p.add_argument(
        "--groups",
        type=_ints,
        default=d.groups,
        help="comma-separated group counts opening the kit at once (default 1,10,30,60)",
    )
    p.add_argument(
        "--latency-ms",
        type=float,
        default=d.latency_ms,
        help="also load kit and trivial page with this emulated round trip (0: not)",
    )
    p.add_argument(
        "--synthetic-groups",
        type=_ints,
        default=d.synthetic_groups,
        help="group counts for the synthetic runs (protocol-level groups + browser probes)",
    )
    p.add_argument(
        "--probes", type=int, default=d.probes, help="real browser pages among synthetic groups"
    )
    p.add_argument("--writers", type=int, default=d.writers, help="writer processes at once")
    p.add_argument("--saves", type=int, default=d.saves, help="saves per writer")
    p.add_argument(
        "--save-interval",
        type=float,
        default=d.save_interval,
        help="seconds between one writer's saves, +-50 %% (default 1: the kit's autosave pace)",
    )
    p.add_argument(
        "--burst-saves",
        type=int,
        default=d.burst_saves,
        help="saves per writer in the back-to-back stress run (0: skip it)",
    )
    p.add_argument(
        "--stores",
        type=_names(("sqlite", "postgres")),
        default=d.stores,
        help="stores for the save phase (default sqlite,postgres)",
    )
    p.add_argument("--kit", default=d.kit, help="kit page, relative to kits/ (default: demo kit)")
    p.add_argument(
        "--preheat",
        type=int,
        default=None,
        help="pass --preheat N to talkkit serve (kernels kept ready per notebook)",
    )
    p.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="another option for talkkit serve (repeatable, e.g. --serve-arg=--max-kernels=120)",
    )
    p.add_argument(
        "--server-py",
        type=Path,
        default=None,
        help="run the server with this server.py (e.g. `git show REV:talkkit/server.py`)",
    )
    p.add_argument(
        "--front-groups",
        type=_ints,
        default=d.front_groups,
        help="group counts of the front phase: synthetic groups through nginx (default 30,60)",
    )
    p.add_argument(
        "--front-servers",
        type=int,
        default=d.front_servers,
        help="talkkit serve processes behind nginx in the front phase (default 2)",
    )
    p.add_argument(
        "--phases",
        type=_names(PHASES),
        default=d.phases,
        help=f"phases to run (default {','.join(PHASES)})",
    )
    p.add_argument(
        "--page-timeout", type=float, default=d.page_timeout, help="seconds until a page fails"
    )
    p.add_argument(
        "--results-dir",
        type=Path,
        default=d.results_dir,
        help="where the .md summary goes (the raw .json in its raw/, ignored by git)",
    )
    p.add_argument("--no-write", action="store_true", help="print only, write no results files")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run to see that it works: 1 run, 1 + 2 groups, 2 writers x 10 saves, SQLite",
    )
    p.add_argument("--keep-work-dir", action="store_true", help="keep logs and stores")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    serve_args = list(args.serve_arg)
    if args.preheat is not None:
        serve_args += ["--preheat", str(args.preheat)]
    cfg = BenchConfig(
        label=args.label,
        runs=args.runs,
        first_screen_groups=args.first_screen_groups,
        first_screen_preheat=args.first_screen_preheat,
        first_screen_browsers=args.first_screen_browsers,
        latency_ms=args.latency_ms,
        groups=args.groups,
        synthetic_groups=args.synthetic_groups,
        probes=args.probes,
        writers=args.writers,
        saves=args.saves,
        save_interval=args.save_interval,
        burst_saves=args.burst_saves,
        stores=args.stores,
        kit=args.kit,
        serve_args=serve_args,
        server_py=args.server_py,
        phases=args.phases,
        front_groups=args.front_groups,
        front_servers=args.front_servers,
        page_timeout=args.page_timeout,
        results_dir=None if args.no_write else args.results_dir,
        keep_work_dir=args.keep_work_dir,
        verbose=not args.quiet,
    )
    if args.quick:
        cfg.runs, cfg.groups, cfg.writers, cfg.saves = 1, (1,), 2, 10
        cfg.synthetic_groups, cfg.probes, cfg.latency_ms = (2,), 1, 0.0
        cfg.save_interval, cfg.burst_saves = 0.05, 0
        cfg.stores = ("sqlite",)
        cfg.front_groups = (2,)
        cfg.page_timeout = min(cfg.page_timeout, 40.0)
        cfg.level_timeout = 60.0
        cfg.first_screen_groups, cfg.first_screen_preheat = 2, 1
    return cfg


def run(args: argparse.Namespace) -> int:
    from talkkit_bench.report import render_targets
    from talkkit_bench.runner import run_bench

    cfg = config_from_args(args)
    result = run_bench(cfg)
    print(render_targets(result["targets"]))
    for note in result["notes"]:
        print(f"- {note}")
    for path in result.get("files", []):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="talkkit-bench", description="talkkit's benchmark (see bench/README.md)"
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
