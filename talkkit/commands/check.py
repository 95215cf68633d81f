"""``talkkit check [KIT...]``: list every problem of the kits; exit 1 when there is one.

Messages are in each kit's language unless ``--lang`` (or ``$TALKKIT_LANG``) asks for another.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from talkkit.paths import kits_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="report every problem of one or more kits")
    p.add_argument("kits", nargs="*", type=Path, help="kit folders (default: every kit in kits/)")
    p.add_argument(
        "--no-media", action="store_true", help="do not open the videos to measure their length"
    )
    p.add_argument("--lang", help="language of messages: da, sv or en (default: the kit's)")
    p.set_defaults(func=run)


def _kit_language(folder: Path) -> str | None:
    """The kit's main language, read leniently (a broken kit.yaml still gets its answer)."""
    from talkkit.kit import KitLoadError, read_raw

    try:
        languages = read_raw(folder).get("languages")
    except KitLoadError:
        return None
    return str(languages[0]) if isinstance(languages, list) and languages else None


def run(args: argparse.Namespace) -> int:
    # imported here, not at the top: `talkkit --help` stays light (tests/test_cli_light.py)
    from talkkit.authoring.check import check_kit
    from talkkit.commands.export import cli_language
    from talkkit.i18n import translator
    from talkkit.kit import KIT_FILE, find_kits

    folders = [Path(k) for k in args.kits] or find_kits(kits_dir())
    if not folders:
        _ = translator(cli_language(args.lang), "check")
        print(_("No kits found (a kit is a folder with a {file}) in {folder}", file=KIT_FILE,
                folder=str(kits_dir())))  # fmt: skip
        return 1
    failed = 0
    language = "en"
    for folder in folders:
        language = cli_language(args.lang, _kit_language(folder))
        _ = translator(language, "check")
        problems = check_kit(folder, probe_media=not args.no_media)
        if problems:
            failed += 1
            print(f"✗ {folder}: {_('{n} problem(s)', n=len(problems))}")
            for problem in problems:
                print(f"  - {problem.text(language)}")
        else:
            print(f"✓ {folder}: {_('ready')}")
    _ = translator(language if len(folders) == 1 else cli_language(args.lang), "check")
    print(_("{ready} of {total} kits ready", ready=len(folders) - failed, total=len(folders)))
    return 1 if failed else 0
