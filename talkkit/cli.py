"""The ``talkkit`` command: a light wrapper over the Python API (see ``talkkit.commands``)."""

from __future__ import annotations

import argparse
import importlib
import sys

from talkkit import __version__
from talkkit.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkkit",
        description="Learning kits for Social Talks: check, make, serve and export kits.",
    )
    parser.add_argument("--version", action="version", version=f"talkkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"talkkit.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"talkkit.commands.{name}":
                continue  # a command still being written is simply not offered
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
