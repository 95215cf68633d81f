"""``talkkit binder``: Binder's steps (``config`` for binder/postBuild, ``env`` for binder/start)
and the launch link of a repository (``link``)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("binder", help="Binder: its launch link, and the steps binder/ runs")
    cmds = p.add_subparsers(dest="binder_command", metavar="STEP", required=True)

    link = cmds.add_parser(
        "link",
        help="print the Binder launch link (the gallery) of this repository or a fork",
        description="Print the mybinder.org link that opens the kits' gallery. Without --repo "
        "it uses `git remote get-url origin`.",
    )
    link.add_argument("--repo", help="OWNER/NAME on GitHub, or a public git URL (default: origin)")
    link.add_argument("--ref", default="HEAD", help="branch, tag or commit (default: HEAD)")
    link.add_argument(
        "--urlpath", default=None, help="where the launch lands (default: talkkit/, the gallery)"
    )
    link.add_argument(
        "--markdown", action="store_true", help="print a README badge line instead of the link"
    )
    link.set_defaults(func=run_link)

    config = cmds.add_parser(
        "config",
        help="write the Jupyter server configuration (binder/postBuild runs this)",
    )
    config.add_argument(
        "target", nargs="?", help="config folder (default: <sys.prefix>/etc/jupyter)"
    )
    config.set_defaults(func=run_config)

    env = cmds.add_parser(
        "env",
        help="print the exports binder/start evaluates before it starts the server",
    )
    env.set_defaults(func=run_env)


def run_link(args: argparse.Namespace) -> int:
    from talkkit.binder import DEFAULT_URLPATH, LinkError, launch_link, origin_url

    try:
        link = launch_link(args.repo or origin_url(), args.ref, args.urlpath or DEFAULT_URLPATH)
    except LinkError as exc:
        print(f"talkkit binder link: {exc}", file=sys.stderr)
        return 1
    if args.markdown:
        print(f"[![Launch the kits on Binder](https://mybinder.org/badge_logo.svg)]({link})")
    else:
        print(link)
    return 0


def run_config(args: argparse.Namespace) -> int:
    from talkkit.page.extension import main

    return main([args.target] if args.target else [])


def run_env(args: argparse.Namespace) -> int:
    from talkkit.binder import shell_exports, start_environment

    sys.stdout.write(shell_exports(start_environment()))
    return 0
