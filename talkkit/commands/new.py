"""``talkkit new TOPIC --template hybrid-seminar --language da``: start a new kit."""

from __future__ import annotations

import argparse
from pathlib import Path

from talkkit.authoring.new import available_templates
from talkkit.paths import kits_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("new", help="make a new kit folder from a workshop template")
    p.add_argument("topic", help="the kit's folder name, e.g. tidlig-opsporing")
    p.add_argument(
        "--template",
        default="hybrid-seminar",
        help=f"workshop template ({', '.join(available_templates()) or 'none found'})",
    )
    p.add_argument(
        "--language",
        action="append",
        help="the kit's language (da, sv or en); repeat for captions in more languages, "
        "the first is the one spoken (default: da)",
    )
    p.add_argument("--kits-dir", type=Path, default=None, help="where kits live (default: kits/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # imported here: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.authoring.check import check_kit
    from talkkit.authoring.new import NewKitError, new_kit

    try:
        folder = new_kit(
            args.topic,
            template=args.template,
            language=args.language or ["da"],
            kits_root=args.kits_dir or kits_dir(),
        )
    except NewKitError as exc:
        print(f"talkkit new: {exc}")
        return 1
    print(f"Made {folder}. What is still to do (from `talkkit check`):")
    for problem in check_kit(folder, probe_media=False):
        print(f"  - {problem}")
    return 0
