"""``talkkit check [KIT...]``: list every problem of the kits; exit 1 when there is one."""

from __future__ import annotations

import argparse
from pathlib import Path

from talkkit.paths import kits_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="report every problem of one or more kits")
    p.add_argument("kits", nargs="*", type=Path, help="kit folders (default: every kit in kits/)")
    p.add_argument(
        "--no-media", action="store_true", help="do not open the videos to measure their length"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # imported here, not at the top: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.authoring.check import check_kit
    from talkkit.kit import KIT_FILE, find_kits

    folders = [Path(k) for k in args.kits] or find_kits(kits_dir())
    if not folders:
        print(f"No kits found (a kit is a folder with a {KIT_FILE}) in {kits_dir()}")
        return 1
    failed = 0
    for folder in folders:
        problems = check_kit(folder, probe_media=not args.no_media)
        if problems:
            failed += 1
            print(f"✗ {folder}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print(f"✓ {folder}: ready")
    print(f"{len(folders) - failed} of {len(folders)} kits ready")
    return 1 if failed else 0
