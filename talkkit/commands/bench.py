"""``talkkit bench``: measure what the groups feel on this machine (runs ``bench/``).

Time to interactive of the kit against a trivial Voilà page and a static page, many groups
opening the kit at once, save latency with 60 writers (SQLite and PostgreSQL), memory per
kernel; prints a table of targets and writes ``bench/results/<date>-<label>.md``/``.json``.
``talkkit bench --quick`` is a one-minute check that it works. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: The repository's root: ``bench/`` lives beside ``talkkit/`` and is not installed.
ROOT = Path(__file__).resolve().parents[2]


def _bench_cli():
    if not (ROOT / "bench" / "cli.py").is_file():
        raise SystemExit(f"talkkit bench: the bench/ folder is not in {ROOT} (a source checkout)")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import cli

    return cli


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure page, groups, saves and memory on this machine")
    if (ROOT / "bench" / "cli.py").is_file():
        _bench_cli().add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return _bench_cli().run(args)
